//! Customer displays (客显) on a serial port: the 8-digit LED price display and the 2×20 VFD
//! pole display (CD5220 command set). Both are write-only, 9600 8N1 by default
//! (docs/reference/retail-devices.md, "Customer displays").
//!
//! What to show is decided by the core (`core::display::Shown`); [`encode`] turns it into the
//! profile's bytes and [`SerialDisplay`] moves them over the printer's serial transport code
//! (`printer::open_port`, `fdio::write_all`). [`reader::Reader`] decodes the bytes back into what
//! the display shows, for the tests and for `till doctor`'s description.

mod encode;
pub mod reader;

pub use encode::{LED_DIGITS, VFD_COLUMNS, encode, init, led_number};

use super::printer::{Flow, SerialSettings, fdio, open_port};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Which command set the display speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DisplayProfile {
    /// The 8-digit LED price display: `ESC Q A` digits, legends 单价/总计/收款/找零 by `ESC s n`,
    /// n as a byte (`01`–`04`, as the Wintec CD110 driver sends it).
    Led8,
    /// The same display for models that take n as an ASCII digit (`'1'`–`'4'`, `31`–`34`).
    Led8Ascii,
    /// The 2×20 character VFD pole display, CD5220 command set (ASCII: pinyin or English words).
    Cd5220,
}

impl DisplayProfile {
    pub fn name(self) -> &'static str {
        match self {
            DisplayProfile::Led8 => "led8",
            DisplayProfile::Led8Ascii => "led8ascii",
            DisplayProfile::Cd5220 => "cd5220",
        }
    }
}

/// `[display]` in `till.toml`: `profile = "led8" | "led8ascii" | "cd5220"`, `path`, `baud`, `flow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplayConfig {
    pub profile: DisplayProfile,
    /// The serial port: `/dev/ttyS1`, `/dev/ttyUSB1`, a virtio port.
    pub path: PathBuf,
    #[serde(default = "default_baud")]
    pub baud: u32,
    /// Displays have no handshake lines wired as a rule: none by default.
    #[serde(default = "default_flow")]
    pub flow: Flow,
}

fn default_baud() -> u32 {
    9600
}

fn default_flow() -> Flow {
    Flow::None
}

impl DisplayConfig {
    pub fn serial(&self) -> SerialSettings {
        SerialSettings { path: self.path.clone(), baud: self.baud, flow: self.flow }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DisplayError {
    /// The port cannot be opened or set up (unplugged adapter, wrong path, no permission).
    /// Logged and shown by `till doctor`; the sale goes on without the display.
    #[error("customer display {device} not available: {source}")]
    Open { device: String, source: std::io::Error },
    /// The display stopped taking bytes, or the cable was pulled mid-write. Tried again at the
    /// next change.
    #[error("customer display {device}: {reason}")]
    Write { device: String, reason: String },
}

/// A customer display: takes the bytes of one picture.
pub trait CustomerDisplay: Send + Sync {
    fn send(&self, bytes: &[u8]) -> Result<(), DisplayError>;
    /// Where it is, for the log and `till doctor`.
    fn describe(&self) -> String;
}

/// How long one picture may take to write (a few dozen bytes at 9600 baud take ~50 ms).
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// A display on a serial port. The port is opened at the first picture (the till starts with the
/// display unplugged), initialised with `ESC @`, kept open, and reopened after an error.
pub struct SerialDisplay {
    settings: SerialSettings,
    profile: DisplayProfile,
    port: Mutex<Option<File>>,
}

impl SerialDisplay {
    pub fn new(config: &DisplayConfig) -> SerialDisplay {
        SerialDisplay { settings: config.serial(), profile: config.profile, port: Mutex::new(None) }
    }

    fn device(&self) -> String {
        self.settings.path.display().to_string()
    }

    /// Opens and sets up the port, without writing (`till doctor`).
    pub fn check(&self) -> Result<(), DisplayError> {
        open_port(&self.settings).map(drop).map_err(|source| DisplayError::Open { device: self.device(), source })
    }

    fn write(&self, file: &File, bytes: &[u8]) -> Result<(), DisplayError> {
        fdio::write_all(file.as_fd(), bytes, Instant::now() + WRITE_TIMEOUT).map_err(|stop| DisplayError::Write {
            device: self.device(),
            reason: match stop {
                fdio::Stop::Timeout { sent } => format!("stopped taking data ({sent} of {} bytes sent)", bytes.len()),
                fdio::Stop::Io(e) => e.to_string(),
            },
        })
    }
}

impl CustomerDisplay for SerialDisplay {
    fn send(&self, bytes: &[u8]) -> Result<(), DisplayError> {
        let mut port = self.port.lock().unwrap_or_else(PoisonError::into_inner);
        let file = match port.take() {
            Some(file) => file,
            None => {
                let file =
                    open_port(&self.settings).map_err(|source| DisplayError::Open { device: self.device(), source })?;
                self.write(&file, &init(self.profile))?;
                file
            }
        };
        self.write(&file, bytes)?;
        *port = Some(file);
        Ok(())
    }

    fn describe(&self) -> String {
        format!("{} {} baud ({})", self.device(), self.settings.baud, self.profile.name())
    }
}
