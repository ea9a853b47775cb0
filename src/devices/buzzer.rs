//! A piezo buzzer on a GPIO line, played on its own thread so a beep never holds up the till.
//!
//! Patterns (on/off in milliseconds), chosen to be told apart without looking:
//! - `Accepted` (a code was read): one short beep, 60 on.
//! - `Error` (the cashier must look): three short, 60 on / 60 off ×3.
//! - `Success` (paid): one long, 300 on.
//! - `Failure` (payment refused): two long, 300 on / 150 off / 300 on.
//!
//! Beeps queue (at most [`QUEUE`]); more while the buzzer is busy are dropped, not delayed.

use super::sound::Buzzer;
use crate::core::Beep;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// Beeps waiting behind the one playing; more are dropped.
pub const QUEUE: usize = 2;

/// `buzzer = { chip = "/dev/gpiochip0", line = 5, active_low = false }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuzzerConfig {
    /// `gpiochip` (the Linux GPIO character device, any board) or `rpi` (rppal; needs the `rpi`
    /// build feature).
    #[serde(default)]
    pub backend: BuzzerBackend,
    /// The GPIO character device (`gpiochip` backend).
    #[serde(default = "default_chip")]
    pub chip: PathBuf,
    /// The line offset on the chip; with `rpi`, the BCM GPIO number.
    pub line: u32,
    /// The buzzer sounds when the line is low.
    #[serde(default)]
    pub active_low: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuzzerBackend {
    #[default]
    Gpiochip,
    Rpi,
}

fn default_chip() -> PathBuf {
    "/dev/gpiochip0".into()
}

#[derive(Debug, thiserror::Error)]
pub enum BuzzerError {
    /// The chip or line cannot be opened (missing, busy, no permission: see udev/). Logged at start;
    /// the till runs without a buzzer.
    #[error("buzzer on {chip} line {line}: {detail}")]
    Open { chip: String, line: u32, detail: String },
    /// Driving the line failed while playing.
    #[error("buzzer: {0}")]
    Drive(String),
    /// `backend = "rpi"` in a build without the `rpi` feature.
    #[error("buzzer backend rpi is not built in (cargo feature `rpi`)")]
    NotBuilt,
}

/// One output line: on is the buzzer sounding (active level), whatever the wiring.
pub trait BuzzerPin: Send + 'static {
    fn set(&mut self, on: bool) -> Result<(), BuzzerError>;
}

/// The on/off steps of a beep, starting with on.
pub fn pattern(kind: Beep) -> &'static [(bool, u64)] {
    match kind {
        Beep::Accepted => &[(true, 60)],
        Beep::Error => &[(true, 60), (false, 60), (true, 60), (false, 60), (true, 60)],
        Beep::Success => &[(true, 300)],
        Beep::Failure => &[(true, 300), (false, 150), (true, 300)],
    }
}

/// Plays one beep on `pin`, waiting with `wait`; the line is left off, even after an error.
pub fn play(pin: &mut dyn BuzzerPin, kind: Beep, wait: &mut dyn FnMut(Duration)) -> Result<(), BuzzerError> {
    for &(on, ms) in pattern(kind) {
        if let Err(e) = pin.set(on) {
            let _ = pin.set(false);
            return Err(e);
        }
        wait(Duration::from_millis(ms));
    }
    pin.set(false)
}

/// A buzzer played by a background thread; `beep` only queues.
pub struct PinBuzzer {
    queue: mpsc::SyncSender<Beep>,
}

impl PinBuzzer {
    pub fn spawn(mut pin: Box<dyn BuzzerPin>) -> PinBuzzer {
        let (queue, beeps) = mpsc::sync_channel::<Beep>(QUEUE);
        let spawned = std::thread::Builder::new().name("buzzer".into()).spawn(move || {
            for kind in beeps {
                if let Err(e) = play(pin.as_mut(), kind, &mut std::thread::sleep) {
                    tracing::warn!(error = %e, ?kind, "beep failed");
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no buzzer thread: beeps are dropped");
        }
        PinBuzzer { queue }
    }
}

impl Buzzer for PinBuzzer {
    fn beep(&self, kind: Beep) {
        if self.queue.try_send(kind).is_err() {
            tracing::debug!(?kind, "buzzer busy: beep dropped");
        }
    }
}

/// A line of a GPIO character device (`/dev/gpiochipN`), held for the till's life.
pub struct GpioLine {
    request: gpiocdev::Request,
    line: u32,
}

impl GpioLine {
    pub fn open(config: &BuzzerConfig) -> Result<GpioLine, BuzzerError> {
        use gpiocdev::line::Value;
        let mut builder = gpiocdev::Request::builder();
        builder.on_chip(&config.chip).with_consumer("till-buzzer").with_line(config.line).as_output(Value::Inactive);
        if config.active_low {
            builder.as_active_low();
        }
        let request = builder.request().map_err(|e| BuzzerError::Open {
            chip: config.chip.display().to_string(),
            line: config.line,
            detail: e.to_string(),
        })?;
        Ok(GpioLine { request, line: config.line })
    }

    /// The line's level as the kernel has it (active = sounding).
    pub fn is_on(&self) -> Result<bool, BuzzerError> {
        let v = self.request.value(self.line).map_err(|e| BuzzerError::Drive(e.to_string()))?;
        Ok(v == gpiocdev::line::Value::Active)
    }
}

impl BuzzerPin for GpioLine {
    fn set(&mut self, on: bool) -> Result<(), BuzzerError> {
        use gpiocdev::line::Value;
        let value = if on { Value::Active } else { Value::Inactive };
        self.request.set_value(self.line, value).map_err(|e| BuzzerError::Drive(e.to_string()))
    }
}

#[cfg(feature = "rpi")]
struct RppalPin {
    pin: rppal::gpio::OutputPin,
    active_low: bool,
}

#[cfg(feature = "rpi")]
impl BuzzerPin for RppalPin {
    fn set(&mut self, on: bool) -> Result<(), BuzzerError> {
        if on != self.active_low {
            self.pin.set_high()
        } else {
            self.pin.set_low()
        }
        Ok(())
    }
}

#[cfg(feature = "rpi")]
fn open_rpi(config: &BuzzerConfig) -> Result<Box<dyn BuzzerPin>, BuzzerError> {
    let open_err =
        |e: rppal::gpio::Error| BuzzerError::Open { chip: "rppal".into(), line: config.line, detail: e.to_string() };
    let bcm = u8::try_from(config.line).map_err(|_| BuzzerError::Open {
        chip: "rppal".into(),
        line: config.line,
        detail: "not a BCM pin number".into(),
    })?;
    let pin = rppal::gpio::Gpio::new().and_then(|g| g.get(bcm)).map_err(open_err)?;
    let pin = if config.active_low { pin.into_output_high() } else { pin.into_output_low() };
    Ok(Box::new(RppalPin { pin, active_low: config.active_low }))
}

#[cfg(not(feature = "rpi"))]
fn open_rpi(_config: &BuzzerConfig) -> Result<Box<dyn BuzzerPin>, BuzzerError> {
    Err(BuzzerError::NotBuilt)
}

/// The configured buzzer, playing on its own thread.
pub fn open(config: &BuzzerConfig) -> Result<PinBuzzer, BuzzerError> {
    let pin: Box<dyn BuzzerPin> = match config.backend {
        BuzzerBackend::Gpiochip => Box::new(GpioLine::open(config)?),
        BuzzerBackend::Rpi => open_rpi(config)?,
    };
    Ok(PinBuzzer::spawn(pin))
}

#[cfg(test)]
#[path = "buzzer_tests.rs"]
mod tests;
