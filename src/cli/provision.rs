//! First-boot provisioning (`till provision`, run by `till-provision.service`): settings a technician
//! dropped on the SD card's boot partition are applied once and then removed from it, so no secret
//! stays on the FAT partition a shop assistant could read on any computer.
//!
//! - `till.toml`: checked like the till reads it, then replaces the till's configuration.
//! - `wifi.txt`: the text of a `WIFI:` QR code; its network is added to wpa_supplicant's file.
//! - `activation.txt`: a 微收银 activation code, kept (0600) in the data directory until
//!   `till provision --activate` (`till-activate.service`, once the network is up) has used it.
//!
//! A file that cannot be applied stays where it is, and `till-provision-errors.txt` beside it says
//! why (one line per file). Applied files are overwritten with zeros before they are unlinked: FAT
//! only marks a deleted file's clusters free. Running again with nothing new changes nothing.

use crate::config::{Config, PaymentPlatform};
use crate::wifi::{config::wpa_supplicant_block, parse_wifi_qr};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "till.toml";
pub const WIFI_FILE: &str = "wifi.txt";
pub const ACTIVATION_FILE: &str = "activation.txt";
pub const ERRORS_FILE: &str = "till-provision-errors.txt";
/// In the data directory: the activation code waiting for the network.
pub const PENDING_ACTIVATION: &str = "activation-code";

/// wpa_supplicant's file when provisioning creates it: the till's user (group netdev) may talk to
/// it, and the till saves the networks it joins from scanned codes (`update_config`).
const WPA_HEADER: &str = "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\nupdate_config=1\ncountry=CN\n";

/// Where the settings come from and go to.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The boot partition's mount point (`/boot/firmware`).
    pub boot_dir: PathBuf,
    /// The till's configuration (`/etc/till/till.toml`).
    pub config: PathBuf,
    /// wpa_supplicant's file for the Wi-Fi interface.
    pub wpa_conf: PathBuf,
}

/// What one file on the boot partition did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Config,
    Wifi { ssid: String },
    ActivationCode,
}

#[derive(Debug, Default)]
pub struct Report {
    pub applied: Vec<Applied>,
    /// The file's name and why it stayed (never its contents).
    pub failed: Vec<(String, String)>,
}

/// Applies every settings file found in `paths.boot_dir`; never fails as a whole: each file either
/// is applied and removed, or stays with its reason in the report and in [`ERRORS_FILE`].
pub fn provision(paths: &Paths) -> Report {
    let mut report = Report::default();
    let boot = &paths.boot_dir;
    let mut step = |name: &str, apply: &dyn Fn(&str) -> Result<Applied, String>| {
        let file = boot.join(name);
        let Ok(text) = std::fs::read_to_string(&file) else {
            if file.exists() {
                report.failed.push((name.into(), "cannot be read as UTF-8 text".into()));
            }
            return;
        };
        match apply(&text).and_then(|done| wipe(&file).map(|()| done)) {
            Ok(done) => report.applied.push(done),
            Err(why) => report.failed.push((name.into(), why)),
        }
    };
    step(CONFIG_FILE, &|text| apply_config(text, &paths.config));
    step(WIFI_FILE, &|text| apply_wifi(text, &paths.wpa_conf));
    step(ACTIVATION_FILE, &|text| keep_activation_code(text, &paths.config));
    let errors = boot.join(ERRORS_FILE);
    if report.failed.is_empty() {
        let _ = std::fs::remove_file(&errors);
    } else {
        let text: String = report.failed.iter().map(|(f, why)| format!("{f}: {why}\n")).collect();
        if let Err(e) = write_atomically(&errors, text.as_bytes(), 0o644) {
            tracing::error!(error = %e, "cannot write {}", errors.display());
        }
    }
    sync_dir(boot);
    report
}

fn apply_config(text: &str, dest: &Path) -> Result<Applied, String> {
    Config::parse(Path::new(CONFIG_FILE), text).map_err(|e| config_reason(&e))?;
    write_atomically(dest, text.as_bytes(), 0o640).map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
    Ok(Applied::Config)
}

/// One line naming the place of the mistake, without quoting the file (it may hold keys).
fn config_reason(e: &crate::config::ConfigError) -> String {
    match e {
        crate::config::ConfigError::Parse { line: Some(n), message, .. } => format!("line {n}: {message}"),
        crate::config::ConfigError::Parse { message, .. } => message.clone(),
        other => other.to_string().lines().next().unwrap_or("").to_string(),
    }
}

fn apply_wifi(text: &str, wpa_conf: &Path) -> Result<Applied, String> {
    let net = parse_wifi_qr(text.trim()).map_err(|e| e.to_string())?;
    let block = wpa_supplicant_block(&net);
    let old = match std::fs::read_to_string(wpa_conf) {
        Ok(old) => old,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => WPA_HEADER.to_string(),
        Err(e) => return Err(format!("cannot read {}: {e}", wpa_conf.display())),
    };
    if !old.contains(&block) {
        let sep = if old.is_empty() || old.ends_with('\n') { "" } else { "\n" };
        let new = format!("{old}{sep}{block}");
        write_atomically(wpa_conf, new.as_bytes(), 0o600)
            .map_err(|e| format!("cannot write {}: {e}", wpa_conf.display()))?;
    }
    tracing::info!(ssid = %net.ssid, "Wi-Fi network provisioned");
    Ok(Applied::Wifi { ssid: net.ssid })
}

fn keep_activation_code(text: &str, config: &Path) -> Result<Applied, String> {
    let code = text.trim();
    if code.is_empty() || code.len() > 128 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err("the activation code must be one line of letters and digits".into());
    }
    let config = Config::load(config).map_err(|e| {
        let e = e.to_string();
        format!("the till's configuration: {}", e.lines().next().unwrap_or(""))
    })?;
    if config.platform != PaymentPlatform::Weishouyin {
        return Err("activation codes are for 微收银: till.toml needs platform = \"weishouyin\"".into());
    }
    let data_dir = config.data_dir();
    std::fs::create_dir_all(&data_dir).map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let dest = data_dir.join(PENDING_ACTIVATION);
    write_atomically(&dest, format!("{code}\n").as_bytes(), 0o600)
        .map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
    Ok(Applied::ActivationCode)
}

/// `till provision`: the report on stdout (the journal), one line per file; exit status 1 when a
/// file stayed. With `activate`, the kept activation code is sent instead.
pub async fn run_cli(paths: Paths, activate: bool) -> anyhow::Result<()> {
    crate::logging::init(crate::logging::LogTo::Stderr)?;
    if activate {
        let config = Config::load(&paths.config)?;
        match activate_pending(&config).await? {
            true => println!("till provision: activated"),
            false => println!("till provision: no activation code waiting"),
        }
        return Ok(());
    }
    let report = provision(&paths);
    for done in &report.applied {
        match done {
            Applied::Config => println!("till provision: {CONFIG_FILE} applied to {}", paths.config.display()),
            Applied::Wifi { ssid } => println!("till provision: {WIFI_FILE} applied (network {ssid:?})"),
            Applied::ActivationCode => println!("till provision: {ACTIVATION_FILE} kept for activation"),
        }
    }
    for (file, why) in &report.failed {
        println!("till provision: {file} not applied: {why}");
    }
    if report.applied.is_empty() && report.failed.is_empty() {
        println!("till provision: nothing to apply in {}", paths.boot_dir.display());
    }
    if !report.failed.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}

/// `till provision --activate`: sends the kept activation code; on success the device file is
/// stored and the code removed. `Ok(false)`: no code was waiting.
pub async fn activate_pending(config: &Config) -> anyhow::Result<bool> {
    use anyhow::Context;
    let data_dir = config.data_dir();
    let pending = data_dir.join(PENDING_ACTIVATION);
    let code = match std::fs::read_to_string(&pending) {
        Ok(code) => code,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e).with_context(|| format!("reading {}", pending.display())),
    };
    let Some(w) = &config.weishouyin else { anyhow::bail!("the configuration has no [weishouyin] section") };
    let device = crate::payments::weishouyin::activate(&w.base_url, code.trim(), w.timeout_ms, w.connect_timeout_ms)
        .await
        .context("activation")?;
    let file = crate::app::platform::weishouyin_device_file(&data_dir);
    crate::payments::weishouyin::save_device(&file, &device)?;
    std::fs::remove_file(&pending).with_context(|| format!("removing {}", pending.display()))?;
    tracing::info!(device = %device.device_id, "activated with the provisioned code");
    Ok(true)
}

/// Writes through a temporary file in the same directory, flushed, then renamed: a power cut
/// leaves the old file or the new one. The new file takes `mode`, and the directory's group
/// (`/etc/till` is group `till`, so the till can read its configuration).
pub(crate) fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.provision"));
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(&tmp)?;
    f.write_all(bytes)?;
    f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    if let Ok(meta) = std::fs::metadata(dir) {
        // Only root can give a file away; the group is what matters (the till reads via it).
        let _ = std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid()))
            .or_else(|_| std::os::unix::fs::fchown(&f, None, Some(meta.gid())));
    }
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    sync_dir(dir);
    Ok(())
}

/// Overwrites a file's bytes with zeros on the medium, then unlinks it.
fn wipe(path: &Path) -> Result<(), String> {
    let wiped = || -> std::io::Result<()> {
        let len = std::fs::metadata(path)?.len();
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        let zeros = vec![0u8; usize::try_from(len).unwrap_or(0).min(1 << 20)];
        let mut left = len;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        f.sync_all()?;
        std::fs::remove_file(path)
    };
    wiped().map_err(|e| format!("applied, but cannot be removed from the boot partition: {e}"))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_error_names_the_line_not_the_secret() {
        let text = "version = 1\nshop_name = \"x\"\n[cloudpay]\nauthen_key = \"TopSecretKey\"\nbogus = 1\n";
        let e = Config::parse(Path::new("till.toml"), text).expect_err("unknown key");
        let why = config_reason(&e);
        assert!(why.starts_with("line 5: "), "{why}");
        assert!(!why.contains("TopSecretKey"), "{why}");
    }

    #[test]
    fn activation_codes_are_one_plain_line() {
        let dir = tempfile::tempdir().expect("dir");
        let cfg = dir.path().join("till.toml");
        assert!(keep_activation_code("abc def", &cfg).is_err());
        assert!(keep_activation_code("", &cfg).is_err());
        assert!(keep_activation_code("ABC123", &cfg).unwrap_err().contains("configuration"));
    }
}
