//! A USB HID ("keyboard wedge") barcode scanner read through evdev.
//!
//! The scanner's `/dev/input/event*` is chosen by path (e.g. the udev symlink `/dev/till-scanner`),
//! USB vendor:product id and/or name substring (all given must match), and grabbed exclusively
//! (EVIOCGRAB) so scanned digits never reach the console or a shell. Keys become codes in
//! [`CodeAssembler`]. When the scanner is unplugged the reader reports it in [`ScannerStatus`],
//! and reopens by the same selector every second, so a re-plugged scanner works without a restart.
//!
//! Timing uses the kernel's event timestamps (wall clock), so a busy reader thread never splits a
//! code; a clock step in the middle of a scan can at worst abandon that one scan.

use super::keymap::Layout;
use super::scanner::Scanner;
use super::wedge::{Assembled, CodeAssembler, Suffix};
use crate::core::Msg;
use crate::core::code::MAX_CODE_LEN;
use evdev::{Device, EventSummary};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use serde::{Deserialize, Serialize};
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

/// Where evdev devices appear.
const INPUT_DIR: &str = "/dev/input";
/// How often a missing scanner is looked for again.
const RETRY: Duration = Duration::from_secs(1);
/// The longest the reader waits before checking that the till still listens.
const IDLE_WAIT: Duration = Duration::from_secs(1);

/// `[scanner]` in `till.toml`: a keyboard-wedge scanner read through evdev.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScannerConfig {
    /// An event device or a udev symlink to one (`/dev/till-scanner`).
    #[serde(default)]
    pub device: Option<PathBuf>,
    /// USB `vendor:product` in hex, as `lsusb` prints it (`0c2e:0b61`).
    #[serde(default)]
    pub vendor_product: Option<String>,
    /// A substring of the device's name (`Honeywell`), case-insensitive.
    #[serde(default)]
    pub name: Option<String>,
    /// The keyboard layout the scanner is set to: `us`, `de` or `fr`.
    #[serde(default = "default_layout")]
    pub layout: String,
    /// A longer pause between two keys ends a suffix-less code, or abandons one waiting for its suffix.
    #[serde(default = "default_inter_key_timeout")]
    pub inter_key_timeout_ms: u64,
    /// `enter`, `tab` or `none`.
    #[serde(default)]
    pub suffix: Suffix,
}

fn default_layout() -> String {
    "us".into()
}
fn default_inter_key_timeout() -> u64 {
    50
}

impl ScannerConfig {
    /// A config selecting the device whose name contains `name`, other keys at their defaults.
    pub fn by_name(name: &str) -> ScannerConfig {
        ScannerConfig {
            device: None,
            vendor_product: None,
            name: Some(name.into()),
            layout: default_layout(),
            inter_key_timeout_ms: default_inter_key_timeout(),
            suffix: Suffix::default(),
        }
    }

    /// Checks the values; returns the layout and the parsed vendor:product.
    pub fn validate(&self) -> Result<(&'static Layout, Option<UsbId>), ScannerError> {
        let layout = Layout::named(&self.layout).ok_or_else(|| {
            ScannerError::Config(format!("scanner.layout must be us, de or fr, not {:?}", self.layout))
        })?;
        let ids = self.vendor_product.as_deref().map(parse_vendor_product).transpose()?;
        if self.device.is_none() && ids.is_none() && self.name.as_deref().is_none_or(str::is_empty) {
            return Err(ScannerError::Config("[scanner] needs device, vendor_product or name".into()));
        }
        if !(1..=5000).contains(&self.inter_key_timeout_ms) {
            return Err(ScannerError::Config("scanner.inter_key_timeout_ms must be 1..=5000".into()));
        }
        Ok((layout, ids))
    }
}

/// A USB (vendor, product) id.
pub type UsbId = (u16, u16);

fn parse_vendor_product(s: &str) -> Result<UsbId, ScannerError> {
    let bad =
        || ScannerError::Config(format!("scanner.vendor_product must be hex vendor:product like 0c2e:0b61, not {s:?}"));
    let (v, p) = s.trim().split_once(':').ok_or_else(bad)?;
    let hex = |x: &str| if x.len() == 4 { u16::from_str_radix(x, 16).ok() } else { None };
    Ok((hex(v).ok_or_else(bad)?, hex(p).ok_or_else(bad)?))
}

#[derive(Debug, thiserror::Error)]
pub enum ScannerError {
    /// The `[scanner]` section is wrong; the technician sees which key and why.
    #[error("{0}")]
    Config(String),
    /// No input device matches (unplugged, or not readable: the till user needs group `input`).
    #[error("no input device matches the scanner selector ({unreadable} not readable)")]
    NotFound { unreadable: usize },
    /// The configured device exists but cannot be opened.
    #[error("cannot open {path}: {source}")]
    Open { path: PathBuf, source: std::io::Error },
    /// Another program holds the device exclusively (EBUSY), or grabbing failed.
    #[error("cannot grab {path}: {source}")]
    Grab { path: PathBuf, source: std::io::Error },
}

/// What the reader is doing, for the status line and `till doctor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannerStatus {
    /// Not looked for yet.
    Starting,
    /// Open and grabbed: codes are read.
    Connected { path: PathBuf, name: String },
    /// Was connected and went away (unplugged); looked for again every second.
    Unplugged,
    /// Not found or not openable; looked for again every second. The reason, for the technician.
    Missing(String),
}

/// An input device as `till doctor` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDeviceInfo {
    pub path: PathBuf,
    pub name: String,
    /// `vvvv:pppp` in hex, as in the config and `lsusb`.
    pub vendor_product: String,
    /// Why it could not be opened (then name and id are empty).
    pub error: Option<String>,
}

/// Every `/dev/input/event*`, in number order, with its name and ids; empty where there is no
/// `/dev/input`.
pub fn list_input_devices() -> Vec<InputDeviceInfo> {
    event_paths(Path::new(INPUT_DIR))
        .into_iter()
        .map(|path| match Device::open(&path) {
            Ok(dev) => InputDeviceInfo {
                name: dev.name().unwrap_or_default().to_string(),
                vendor_product: format!("{:04x}:{:04x}", dev.input_id().vendor(), dev.input_id().product()),
                path,
                error: None,
            },
            Err(e) => {
                InputDeviceInfo { path, name: String::new(), vendor_product: String::new(), error: Some(e.to_string()) }
            }
        })
        .collect()
}

fn event_paths(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut numbered: Vec<(u32, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name().to_str()?.strip_prefix("event")?.parse().ok()?;
            Some((n, e.path()))
        })
        .collect();
    numbered.sort();
    numbered.into_iter().map(|(_, p)| p).collect()
}

/// The keyboard-wedge scanner: implements [`Scanner`]; `run` blocks its own thread.
pub struct EvdevScanner {
    config: ScannerConfig,
    layout: &'static Layout,
    ids: Option<UsbId>,
    status: watch::Sender<ScannerStatus>,
}

/// Why a connected device's reading ended.
enum Ended {
    /// The till stopped listening: the reader ends.
    TillGone,
    /// The device went away or failed: look for it again.
    DeviceLost(std::io::Error),
}

impl EvdevScanner {
    pub fn new(config: ScannerConfig) -> Result<EvdevScanner, ScannerError> {
        let (layout, ids) = config.validate()?;
        Ok(EvdevScanner { config, layout, ids, status: watch::Sender::new(ScannerStatus::Starting) })
    }

    /// Follows the reader's status; works before and after `run` starts.
    pub fn status(&self) -> watch::Receiver<ScannerStatus> {
        self.status.subscribe()
    }

    fn set_status(&self, status: ScannerStatus) {
        self.status.send_if_modified(|s| {
            let changed = *s != status;
            *s = status;
            changed
        });
    }

    /// Opens and grabs the first device matching every configured selector.
    fn open(&self) -> Result<(PathBuf, Device), ScannerError> {
        let explicit = self.config.device.is_some();
        let candidates = match &self.config.device {
            Some(path) => vec![path.clone()],
            None => event_paths(Path::new(INPUT_DIR)),
        };
        let mut unreadable = 0;
        for path in candidates {
            let dev = match Device::open(&path) {
                Ok(dev) => dev,
                Err(e) if explicit && e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(ScannerError::Open { path, source: e });
                }
                Err(e) => {
                    unreadable += usize::from(e.kind() != std::io::ErrorKind::NotFound);
                    continue;
                }
            };
            if !self.matches(&dev) {
                continue;
            }
            grab(&dev).map_err(|source| ScannerError::Grab { path: path.clone(), source })?;
            return Ok((path, dev));
        }
        Err(ScannerError::NotFound { unreadable })
    }

    fn matches(&self, dev: &Device) -> bool {
        let id = dev.input_id();
        let ids_ok = self.ids.is_none_or(|(v, p)| id.vendor() == v && id.product() == p);
        let name = dev.name().unwrap_or_default().to_lowercase();
        let name_ok = self.config.name.as_deref().is_none_or(|n| name.contains(&n.to_lowercase()));
        ids_ok && name_ok
    }

    /// Reads one open device until it goes away or the till stops listening.
    fn read(&self, dev: &mut Device, codes: &UnboundedSender<Msg>) -> Ended {
        let timeout = Duration::from_millis(self.config.inter_key_timeout_ms);
        let mut asm = CodeAssembler::new(self.layout, self.config.suffix, timeout);
        loop {
            let now = since_epoch(SystemTime::now());
            // Wake at the inter-key deadline (just past it), or at least every second to notice a closed till.
            let wait = asm.deadline().map_or(IDLE_WAIT, |d| (d + Duration::from_millis(1)).saturating_sub(now));
            let ready = {
                let mut fds = [PollFd::new(dev.as_fd(), PollFlags::POLLIN)];
                match poll(&mut fds, PollTimeout::try_from(wait.min(IDLE_WAIT)).unwrap_or(PollTimeout::MAX)) {
                    Ok(n) => n > 0,
                    Err(nix::errno::Errno::EINTR) => false,
                    Err(e) => return Ended::DeviceLost(e.into()),
                }
            };
            if codes.is_closed() {
                return Ended::TillGone;
            }
            let mut out = Vec::new();
            if ready {
                let events = match dev.fetch_events() {
                    Ok(events) => events,
                    Err(e)
                        if e.kind() == std::io::ErrorKind::WouldBlock
                            || e.kind() == std::io::ErrorKind::Interrupted =>
                    {
                        continue;
                    }
                    Err(e) => return Ended::DeviceLost(e),
                };
                for event in events {
                    if let EventSummary::Key(_, key, value) = event.destructure() {
                        out.extend(asm.key(key.code(), value, since_epoch(event.timestamp())));
                    }
                }
            } else {
                out.extend(asm.tick(since_epoch(SystemTime::now())));
            }
            for assembled in out {
                if !self.deliver(assembled, codes) {
                    return Ended::TillGone;
                }
            }
        }
    }

    /// Sends a code on; logs its length, never its text (it may be a customer's payment code).
    fn deliver(&self, assembled: Assembled, codes: &UnboundedSender<Msg>) -> bool {
        let text = match assembled {
            Assembled::Code(text) => {
                tracing::debug!(len = text.len(), "scanner code");
                text
            }
            Assembled::TooLong { len } => {
                tracing::warn!(len, limit = MAX_CODE_LEN, "scanner code longer than the limit dropped");
                // As the serial scanner does: the cashier sees a scan that was not understood.
                String::from("\u{fffd}")
            }
            Assembled::Abandoned { len } => {
                tracing::info!(
                    len,
                    timeout_ms = self.config.inter_key_timeout_ms,
                    "partial scanner code abandoned after a pause"
                );
                return true;
            }
        };
        codes.send(Msg::Scan(text)).is_ok()
    }
}

// EVIOCGRAB by our own ioctl, not `Device::grab`: an evdev `Device` dropped after its scanner was
// unplugged fails to ungrab and prints so on stderr, which is the till's screen. The kernel ends a
// grab when the file is closed, so there is nothing to undo.
nix::ioctl_write_int!(eviocgrab, b'E', 0x90);

fn grab(dev: &Device) -> std::io::Result<()> {
    // SAFETY: EVIOCGRAB takes an int by value and writes no memory of ours; `dev` keeps the fd open.
    unsafe { eviocgrab(dev.as_raw_fd(), 1) }.map(drop).map_err(std::io::Error::from)
}

fn since_epoch(t: SystemTime) -> Duration {
    t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default()
}

impl Scanner for EvdevScanner {
    fn run(self: Box<Self>, codes: UnboundedSender<Msg>) {
        let mut last_error = String::new();
        while !codes.is_closed() {
            match self.open() {
                Ok((path, mut dev)) => {
                    let name = dev.name().unwrap_or_default().to_string();
                    tracing::info!(path = %path.display(), name, "scanner connected and grabbed");
                    self.set_status(ScannerStatus::Connected { path: path.clone(), name });
                    last_error.clear();
                    match self.read(&mut dev, &codes) {
                        Ended::TillGone => break,
                        Ended::DeviceLost(e) => {
                            tracing::warn!(path = %path.display(), error = %e, "scanner lost; looking for it every second");
                            self.set_status(ScannerStatus::Unplugged);
                        }
                    }
                }
                Err(e) => {
                    let reason = e.to_string();
                    // One line per change, not one a second.
                    if reason != last_error {
                        tracing::warn!(error = %reason, "scanner not available; looking for it every second");
                        last_error = reason.clone();
                    }
                    if self.status.borrow().clone() != ScannerStatus::Unplugged {
                        self.set_status(ScannerStatus::Missing(reason));
                    }
                }
            }
            std::thread::sleep(RETRY);
        }
        tracing::info!("scanner reader stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_product_ids_parse_as_lsusb_prints_them() {
        assert_eq!(parse_vendor_product("0c2e:0b61").ok(), Some((0x0c2e, 0x0b61)));
        assert_eq!(parse_vendor_product("05E0:1200").ok(), Some((0x05e0, 0x1200)));
        for bad in ["0c2e", "0c2e:", "c2e:0b61", "0c2e:0b61:1", "zzzz:0000", "0c2e-0b61"] {
            assert!(matches!(parse_vendor_product(bad), Err(ScannerError::Config(_))), "{bad}");
        }
    }

    #[test]
    fn a_config_must_select_a_device_and_name_a_known_layout() {
        let none = ScannerConfig { name: None, ..ScannerConfig::by_name("x") };
        assert!(matches!(EvdevScanner::new(none), Err(ScannerError::Config(m)) if m.contains("needs device")));
        let dvorak = ScannerConfig { layout: "dvorak".into(), ..ScannerConfig::by_name("x") };
        assert!(matches!(EvdevScanner::new(dvorak), Err(ScannerError::Config(m)) if m.contains("layout")));
        let slow = ScannerConfig { inter_key_timeout_ms: 0, ..ScannerConfig::by_name("x") };
        assert!(EvdevScanner::new(slow).is_err());
        let ok = ScannerConfig {
            vendor_product: Some("0c2e:0b61".into()),
            layout: "de".into(),
            ..ScannerConfig::by_name("x")
        };
        assert!(EvdevScanner::new(ok).is_ok());
    }

    #[test]
    fn event_devices_are_listed_in_number_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["event10", "event2", "mouse0", "event1", "by-id"] {
            std::fs::write(dir.path().join(name), b"").expect("touch");
        }
        let names: Vec<String> =
            event_paths(dir.path()).iter().filter_map(|p| Some(p.file_name()?.to_str()?.to_string())).collect();
        assert_eq!(names, ["event1", "event2", "event10"]);
        assert!(event_paths(&dir.path().join("missing")).is_empty());
    }

    #[test]
    fn a_missing_scanner_is_reported_and_the_reader_ends_when_the_till_stops_listening() {
        let config = ScannerConfig { device: Some("/nonexistent/till-scanner".into()), ..ScannerConfig::by_name("x") };
        let scanner = EvdevScanner::new(config).expect("valid");
        let mut status = scanner.status();
        let (codes, rx) = tokio::sync::mpsc::unbounded_channel();
        let reader = std::thread::spawn(move || Box::new(scanner).run(codes));
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime");
        let seen = rt
            .block_on(async {
                let missing = status.wait_for(|s| matches!(s, ScannerStatus::Missing(_)));
                tokio::time::timeout(Duration::from_secs(5), missing).await.map(|r| r.map(|s| s.clone()))
            })
            .expect("status within 5 s")
            .expect("reader alive");
        assert!(matches!(&seen, ScannerStatus::Missing(m) if m.contains("no input device")), "{seen:?}");
        drop(rx);
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || done_tx.send(reader.join().is_ok()));
        assert_eq!(done_rx.recv_timeout(Duration::from_secs(5)), Ok(true), "reader ends within a retry");
    }
}
