//! A counter scale on a serial port (称重模式): the till reads the weight live and lets only a
//! stable one into a sale (docs/reference/retail-devices.md, "Scales read by the till").
//!
//! A scale is a way of getting frames plus a frame layout:
//! * `frame` and `aclas_stream`: the scale sends frames continuously; each says stable or not;
//! * `aclas_auto`: the scale sends one frame when the weight settles: every frame is stable;
//! * `toledo`: the command protocol: the till asks `04 02 31 30 03` 7–8 times a second and reads
//!   the answer (a frame from `02` to `03`).
//!
//! The frame layout is configuration, not code per model (reference: "a profile, not code per
//! model"): where the status text and the weight are, and the unit. The default is the common ASCII
//! indicator frame `ST,GS,+001.234kg` (`US` when unstable). Parsing is pure ([`parse_frame`]).

use super::printer::{Flow, SerialSettings, open_port};
use crate::core::scale_label::Grams;
use crate::core::weighing::Reading;
use serde::{Deserialize, Serialize};
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The Toledo command protocol's weight request and tare (reference).
pub const TOLEDO_ASK_WEIGHT: [u8; 5] = [0x04, 0x02, 0x31, 0x30, 0x03];
pub const TOLEDO_TARE: [u8; 5] = [0x04, 0x02, 0x31, 0x32, 0x03];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleProtocol {
    /// Continuous frames in the configured layout.
    #[default]
    Frame,
    /// Aclas (顶尖) stream mode: continuous frames.
    AclasStream,
    /// Aclas auto mode: one frame when the weight is stable.
    AclasAuto,
    /// Mettler Toledo command protocol: asked, answered between `02` and `03`.
    Toledo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeightUnit {
    /// Kilograms with a decimal point (`1.234`).
    #[default]
    Kg,
    /// Whole grams (`1234`).
    G,
}

/// `[scale]` in `till.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleConfig {
    pub path: PathBuf,
    #[serde(default = "default_baud")]
    pub baud: u32,
    #[serde(default)]
    pub protocol: ScaleProtocol,
    /// The byte that ends a frame (default LF; Toledo: ETX `03`).
    #[serde(default)]
    pub frame_end: Option<u8>,
    /// Where the status text is in a frame, and the text that means stable.
    #[serde(default)]
    pub stable_at: usize,
    #[serde(default = "default_stable_text")]
    pub stable_text: String,
    /// Where the weight is in a frame: from `weight_at`, `weight_len` characters (spaces and a sign
    /// allowed), in `unit`.
    #[serde(default = "default_weight_at")]
    pub weight_at: usize,
    #[serde(default = "default_weight_len")]
    pub weight_len: usize,
    #[serde(default)]
    pub unit: WeightUnit,
    /// A preset tare (预置皮重) in grams, taken off every reading: the shop's standard tray or bag.
    /// The scale's own tare key works as well (the till reads the net weight it sends).
    #[serde(default)]
    pub tare_g: u32,
}

fn default_baud() -> u32 {
    9600
}
fn default_stable_text() -> String {
    "ST".into()
}
fn default_weight_at() -> usize {
    6
}
fn default_weight_len() -> usize {
    8
}

impl ScaleConfig {
    pub fn serial(&self) -> SerialSettings {
        SerialSettings { path: self.path.clone(), baud: self.baud, flow: Flow::None }
    }

    fn end(&self) -> u8 {
        self.frame_end.unwrap_or(if self.protocol == ScaleProtocol::Toledo { 0x03 } else { b'\n' })
    }
}

/// One frame (without its end byte) as a reading: `None` if it is not a weight frame.
pub fn parse_frame(config: &ScaleConfig, frame: &[u8]) -> Option<Reading> {
    let frame = match (config.protocol, frame.iter().position(|b| *b == 0x02)) {
        // Toledo answers start with STX; anything before it is noise.
        (ScaleProtocol::Toledo, Some(i)) => &frame[i + 1..],
        (ScaleProtocol::Toledo, None) => return None,
        _ => frame.strip_suffix(b"\r").unwrap_or(frame),
    };
    let field = std::str::from_utf8(frame.get(config.weight_at..config.weight_at + config.weight_len)?).ok()?;
    let grams = parse_weight(field.trim(), config.unit)?;
    let stable = match config.protocol {
        ScaleProtocol::AclasAuto => true,
        _ => frame.get(config.stable_at..)?.starts_with(config.stable_text.as_bytes()),
    };
    Some(Reading { grams: Grams(grams.saturating_sub(config.tare_g)), stable })
}

/// `+001.234` kg or `1234` g as whole grams, exactly (no floats); a negative weight (under tare)
/// is no weight to sell.
fn parse_weight(text: &str, unit: WeightUnit) -> Option<u32> {
    let text = text.strip_prefix('+').unwrap_or(text).trim_start();
    if text.starts_with('-') {
        return Some(0);
    }
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
    match unit {
        WeightUnit::G => frac.is_empty().then_some(int),
        WeightUnit::Kg => {
            if frac.len() > 3 {
                return None;
            }
            let frac: u32 = format!("{frac:0<3}").parse().ok()?;
            int.checked_mul(1000)?.checked_add(frac)
        }
    }
}

/// How often the till asks a Toledo scale (7–8 times a second, reference).
const ASK_EVERY: Duration = Duration::from_millis(130);

/// Reads the scale (on a thread of its own) and hands each reading to `send`, `None` while the port
/// cannot be opened (unplugged; tried again every second). Returns once `send` says stop.
pub fn run(config: &ScaleConfig, send: &mut dyn FnMut(Option<Reading>) -> bool) {
    loop {
        match open_port(&config.serial()) {
            Ok(port) => {
                if !read_port(config, &port, send, None) {
                    return;
                }
            }
            Err(e) => tracing::debug!(error = %e, path = %config.path.display(), "scale not available"),
        }
        if !send(None) {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// One reading within `within` (`till doctor`): `Ok(None)` if the scale sent no frame it could read.
pub fn read_one(config: &ScaleConfig, within: Duration) -> std::io::Result<Option<Reading>> {
    let port = open_port(&config.serial())?;
    let mut first = None;
    read_port(
        config,
        &port,
        &mut |r| {
            first = r;
            false
        },
        Some(Instant::now() + within),
    );
    Ok(first)
}

/// Until the port fails or `until` passes (true) or nobody listens any more (false).
fn read_port(
    config: &ScaleConfig,
    port: &std::fs::File,
    send: &mut dyn FnMut(Option<Reading>) -> bool,
    until: Option<Instant>,
) -> bool {
    let end = config.end();
    let mut frame = Vec::new();
    let mut buf = [0u8; 128];
    let mut next_ask = Instant::now();
    loop {
        if until.is_some_and(|t| Instant::now() >= t) {
            return true;
        }
        if config.protocol == ScaleProtocol::Toledo && Instant::now() >= next_ask {
            let deadline = Instant::now() + Duration::from_secs(1);
            if super::printer::fdio::write_all(port.as_fd(), &TOLEDO_ASK_WEIGHT, deadline).is_err() {
                return true;
            }
            next_ask = Instant::now() + ASK_EVERY;
        }
        let wait = next_ask.saturating_duration_since(Instant::now()).max(Duration::from_millis(10));
        let ms = u16::try_from(wait.as_millis()).unwrap_or(u16::MAX);
        let mut fds = [nix::poll::PollFd::new(port.as_fd(), nix::poll::PollFlags::POLLIN)];
        match nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(ms)) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
            Ok(_) => {}
            Err(_) => return true,
        }
        let n = match nix::unistd::read(port.as_raw_fd(), &mut buf) {
            Ok(0) => return true,
            Ok(n) => n,
            Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => continue,
            Err(_) => return true,
        };
        for &b in &buf[..n] {
            if b == end {
                if let Some(reading) = parse_frame(config, &frame)
                    && !send(Some(reading))
                {
                    return false;
                }
                frame.clear();
            } else if frame.len() < 256 {
                frame.push(b);
            } else {
                frame.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(protocol: ScaleProtocol) -> ScaleConfig {
        toml::from_str::<ScaleConfig>(&format!(
            "path = \"/dev/null\"\nprotocol = \"{}\"",
            match protocol {
                ScaleProtocol::Frame => "frame",
                ScaleProtocol::AclasStream => "aclas_stream",
                ScaleProtocol::AclasAuto => "aclas_auto",
                ScaleProtocol::Toledo => "toledo",
            }
        ))
        .expect("config")
    }

    #[test]
    fn an_indicator_frame_gives_grams_and_whether_it_is_stable() {
        let c = config(ScaleProtocol::Frame);
        let r = |f: &str| parse_frame(&c, f.as_bytes());
        assert_eq!(r("ST,GS,+001.234kg\r"), Some(Reading { grams: Grams(1234), stable: true }));
        assert_eq!(r("US,GS,+000.980kg"), Some(Reading { grams: Grams(980), stable: false }));
        assert_eq!(r("ST,GS,-000.020kg"), Some(Reading { grams: Grams(0), stable: true }), "under tare: nothing");
        assert_eq!(r("ST,GS,+0x1.234kg"), None);
        assert_eq!(r("ST,GS,+1.23456kg"), None, "more than 3 decimals is not a kg reading");
        assert_eq!(r("ST,GS"), None);
        // A preset tare: net of the tray, never below nothing.
        let tared = ScaleConfig { tare_g: 30, ..c.clone() };
        assert_eq!(parse_frame(&tared, b"ST,GS,+001.234kg").map(|r| r.grams), Some(Grams(1204)));
        assert_eq!(parse_frame(&tared, b"ST,GS,+000.020kg").map(|r| r.grams), Some(Grams(0)));
        // Aclas auto mode sends only settled weights.
        assert_eq!(parse_frame(&config(ScaleProtocol::AclasAuto), b"US,GS,+000.500kg").map(|r| r.stable), Some(true));
    }

    #[test]
    fn a_toledo_answer_is_read_between_stx_and_etx_with_its_layout() {
        let mut c = config(ScaleProtocol::Toledo);
        (c.stable_at, c.stable_text, c.weight_at, c.weight_len, c.unit) = (0, "S".into(), 1, 5, WeightUnit::G);
        assert_eq!(c.end(), 0x03);
        assert_eq!(parse_frame(&c, b"\x02S01234"), Some(Reading { grams: Grams(1234), stable: true }));
        assert_eq!(parse_frame(&c, b"\x15\x02U00980"), Some(Reading { grams: Grams(980), stable: false }));
        assert_eq!(parse_frame(&c, b"S01234"), None, "no STX: not an answer");
    }
}
