//! `[printer]` of `till.toml`: the profile, and where receipts go.

use super::ConfigError;
use crate::devices::printer::{BAUD_RATES, Options as PrinterOptions, SerialSettings, Transport};
use crate::escpos::ProfileChoice;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `[printer]`: the profile, and where receipts go — at most one of `output`, `serial`, `tcp`
/// (none: `receipts.escpos` in the data directory).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    /// `58mm`, `80mm`, or a table: `{ dots_per_line = 512, encoding = "gb18030", chinese_mode = true, cut = true }`.
    #[serde(default = "default_profile")]
    pub profile: ProfileChoice,
    /// A file, or a printer device (`/dev/usb/lp0`; any path under `/dev` is treated as a device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
    /// A serial printer: `{ path = "/dev/ttyS0", baud = 9600, flow = "rtscts" | "xonxoff" | "none" }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<SerialSettings>,
    /// A network printer's raw port: `"192.168.1.87:9100"` (a bare host means port 9100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<String>,
    /// Serial and TCP: ask the printer's status (`DLE EOT`) before each receipt and keep the receipt
    /// queued on paper out, cover open or no answer. Turn off for printers that never answer.
    #[serde(default = "super::default_true")]
    pub status: bool,
    /// The longest one receipt may take to send before the printer counts as stuck.
    #[serde(default = "default_write_timeout")]
    pub write_timeout_ms: u64,
    /// TCP connect timeout.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_ms: u64,
    /// How often queued receipts are tried again while the printer is not ready.
    #[serde(default = "default_retry")]
    pub retry_secs: u64,
    /// Receipts kept waiting at most; more are refused (the oldest stay first in line).
    #[serde(default = "default_queue_limit")]
    pub queue_limit: usize,
}

impl PrinterConfig {
    /// The default printer: receipts to a file in the data directory, 58 mm.
    pub fn to_file() -> PrinterConfig {
        PrinterConfig {
            profile: default_profile(),
            output: None,
            serial: None,
            tcp: None,
            status: true,
            write_timeout_ms: default_write_timeout(),
            connect_timeout_ms: default_connect_timeout(),
            retry_secs: default_retry(),
            queue_limit: default_queue_limit(),
        }
    }

    /// Where receipts go; `data_dir` holds the default file.
    pub fn transport(&self, data_dir: &Path) -> Result<Transport, ConfigError> {
        match (&self.output, &self.serial, &self.tcp) {
            (None, None, None) => Ok(Transport::File(data_dir.join("receipts.escpos"))),
            (Some(path), None, None) if path.starts_with("/dev") => Ok(Transport::Device(path.clone())),
            (Some(path), None, None) => Ok(Transport::File(path.clone())),
            (None, Some(serial), None) => {
                if !BAUD_RATES.contains(&serial.baud) {
                    return Err(ConfigError::Invalid(format!(
                        "printer.serial.baud must be one of {BAUD_RATES:?}, not {}",
                        serial.baud
                    )));
                }
                Ok(Transport::Serial(serial.clone()))
            }
            (None, None, Some(addr)) if !addr.trim().is_empty() => Ok(Transport::Tcp(addr.trim().to_string())),
            (None, None, Some(_)) => Err(ConfigError::Invalid("printer.tcp must be host:port".into())),
            _ => Err(ConfigError::Invalid("[printer] takes one of output, serial or tcp, not several".into())),
        }
    }

    pub fn options(&self) -> PrinterOptions {
        PrinterOptions {
            write_timeout: Duration::from_millis(self.write_timeout_ms),
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
            check_status: self.status,
            ..PrinterOptions::default()
        }
    }
}

fn default_profile() -> ProfileChoice {
    ProfileChoice::Named("58mm".into())
}
fn default_write_timeout() -> u64 {
    20_000
}
fn default_connect_timeout() -> u64 {
    3_000
}
fn default_retry() -> u64 {
    3
}
fn default_queue_limit() -> usize {
    50
}
