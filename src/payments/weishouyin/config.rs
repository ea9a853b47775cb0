//! This device's 微收银 settings and its credentials file (device number + secret key from activation,
//! reference §1 step 1).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::Path;

/// The test device of the reference (§9) and its secret key.
pub const DEMO_DEVICE_ID: &str = "57206";
pub const DEMO_KEY: &str = "8df7975ac2c8eca932a0d2802b27945f5757494b";
/// The platform's test activation code for terminals (reference §1).
pub const TEST_ACTIVATION_CODE: &str = "24901320180424";

fn default_operator_id() -> String {
    "01".into()
}
fn default_timeout_ms() -> u64 {
    // Micropay waits on the wallet; the reference gives no figure ([G]).
    15_000
}
fn default_connect_timeout_ms() -> u64 {
    3_000
}

/// This device's 微收银 settings.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeishouyinConfig {
    /// Host of the activation and read-config interfaces, e.g. `http://dct.semoor.cn`.
    pub base_url: String,
    /// `{server}` of the time and payment interfaces, from the pay configuration; may be empty
    /// until the configuration has been read.
    #[serde(default)]
    pub server: String,
    pub device_id: String,
    /// The device's secret key: never printed (see the `Debug` impl) nor logged.
    pub key: String,
    #[serde(default = "default_operator_id")]
    pub operator_id: String,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
}

impl fmt::Debug for WeishouyinConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeishouyinConfig")
            .field("base_url", &self.base_url)
            .field("server", &self.server)
            .field("device_id", &self.device_id)
            .field("key", &"***")
            .field("operator_id", &self.operator_id)
            .field("timeout_ms", &self.timeout_ms)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .finish()
    }
}

impl WeishouyinConfig {
    /// The reference's test device 57206, pointed at one host for both activation and payments (the
    /// simulator serves all interfaces on one port).
    pub fn demo(base_url: &str) -> WeishouyinConfig {
        WeishouyinConfig {
            base_url: base_url.to_string(),
            server: base_url.to_string(),
            device_id: DEMO_DEVICE_ID.into(),
            key: DEMO_KEY.into(),
            operator_id: default_operator_id(),
            timeout_ms: default_timeout_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
        }
    }

    /// This config with the credentials of an activation.
    pub fn with_device(mut self, device: &Device) -> WeishouyinConfig {
        self.device_id = device.device_id.clone();
        self.key = device.key.clone();
        self
    }
}

/// What activation gives the device, to be kept for good.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    pub device_id: String,
    pub key: String,
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Device").field("device_id", &self.device_id).field("key", &"***").finish()
    }
}

/// Why the credentials file could not be written or read. Cashier: "device not activated".
#[derive(Debug, thiserror::Error)]
pub enum DeviceFileError {
    /// Creating, writing, syncing or renaming the file failed (disk full, read-only, permissions).
    #[error("device file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// The file is not a device file (hand-edited, truncated).
    #[error("device file {path} is malformed: {reason}")]
    Malformed { path: String, reason: String },
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> DeviceFileError + '_ {
    move |source| DeviceFileError::Io { path: path.display().to_string(), source }
}

/// Writes the credentials readable by the owner only (0600), atomically: a temp file in the same
/// directory, fsynced, renamed over `path`, then the directory fsynced.
pub fn save_device(path: &Path, device: &Device) -> Result<(), DeviceFileError> {
    let text = toml::to_string(device)
        .map_err(|e| DeviceFileError::Malformed { path: path.display().to_string(), reason: e.to_string() })?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("device");
    let tmp = dir.join(format!(".{name}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(io_error(&tmp))?;
    file.write_all(text.as_bytes()).map_err(io_error(&tmp))?;
    file.sync_all().map_err(io_error(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io_error(path))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

pub fn load_device(path: &Path) -> Result<Device, DeviceFileError> {
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    let device: Device = toml::from_str(&text)
        .map_err(|e| DeviceFileError::Malformed { path: path.display().to_string(), reason: e.to_string() })?;
    if device.device_id.is_empty() || device.key.is_empty() {
        return Err(DeviceFileError::Malformed { path: path.display().to_string(), reason: "empty field".into() });
    }
    Ok(device)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Device {
        Device { device_id: DEMO_DEVICE_ID.into(), key: DEMO_KEY.into() }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let text = format!("{:?} {:?}", WeishouyinConfig::demo("http://sim"), device());
        assert!(!text.contains(DEMO_KEY), "{text}");
        assert!(text.contains("57206"));
    }

    #[test]
    fn config_refuses_unknown_fields_and_fills_defaults() {
        let ok: WeishouyinConfig =
            toml::from_str("base_url = \"http://x\"\ndevice_id = \"1\"\nkey = \"k\"\n").expect("parses");
        assert_eq!((ok.server.as_str(), ok.timeout_ms), ("", 15_000));
        assert!(
            toml::from_str::<WeishouyinConfig>("base_url = \"x\"\ndevice_id = \"1\"\nkey = \"k\"\nkye = 1\n").is_err()
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_device_file_is_owner_only_and_round_trips() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("weishouyin-device.toml");
        save_device(&path, &device()).expect("saved");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(load_device(&path).expect("loaded"), device());
        // Overwriting keeps the mode and leaves no temp file behind.
        let other = Device { device_id: "215117".into(), key: "k2".into() };
        save_device(&path, &other).expect("saved again");
        assert_eq!(load_device(&path).expect("loaded"), other);
        assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn a_broken_device_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("device.toml");
        assert!(matches!(load_device(&path), Err(DeviceFileError::Io { .. })));
        std::fs::write(&path, "device_id = \"\"\nkey = \"\"\n").expect("write");
        assert!(matches!(load_device(&path), Err(DeviceFileError::Malformed { .. })));
        std::fs::write(&path, "garbage").expect("write");
        assert!(matches!(load_device(&path), Err(DeviceFileError::Malformed { .. })));
    }
}
