//! wpa_supplicant network blocks and iwd network files that no SSID or password can break out of.
//!
//! Nothing from the code is written as it came: the SSID is always hex (`ssid=6869`, iwd's `=6869.psk`
//! file name), a passphrase is written quoted only when it is printable ASCII without `"`, `\` or
//! edge spaces, and otherwise replaced by its PSK (PBKDF2-HMAC-SHA1, 4096 rounds, as IEEE 802.11i
//! derives it) in hex. WPA3 (SAE) needs the passphrase itself: wpa_supplicant's `sae_password` takes
//! it hex-encoded; iwd's `Passphrase=` takes it only when it is safe (else WPA3-only fails clearly).

use super::{Secret, Security, WifiError, WifiNetwork, WpaMode};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The WPA PSK of a passphrase on a network: PBKDF2-HMAC-SHA1(passphrase, ssid, 4096, 32).
pub fn wpa_psk(passphrase: &str, ssid: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(passphrase.as_bytes(), ssid.as_bytes(), 4096, &mut key);
    key
}

/// A passphrase that can stand between quotes in either file format unchanged.
fn quotable(p: &str) -> bool {
    p.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\') && p.trim() == p
}

/// The `key=value` lines of a wpa_supplicant network block, in order (also what `wpa_cli
/// set_network` is given).
pub fn wpa_network_fields(net: &WifiNetwork) -> Vec<(&'static str, String)> {
    let mut f = vec![("ssid", hex::encode(net.ssid.as_bytes()))];
    if net.hidden {
        f.push(("scan_ssid", "1".into()));
    }
    match &net.security {
        Security::Open => f.push(("key_mgmt", "NONE".into())),
        Security::Wep(key) => {
            f.push(("key_mgmt", "NONE".into()));
            // wpa_supplicant reads an unquoted WEP key as hex: ASCII keys are hex-encoded.
            let hex_key = if matches!(key.len(), 10 | 26) { key.to_ascii_lowercase() } else { hex::encode(key) };
            f.push(("wep_key0", hex_key));
            f.push(("wep_tx_keyidx", "0".into()));
        }
        Security::Wpa { secret, mode } => {
            let (key_mgmt, pmf) = match (mode, secret) {
                (WpaMode::Wpa3Only, _) => ("SAE", "2"),
                (WpaMode::Any, Secret::Passphrase(_)) => ("WPA-PSK WPA-PSK-SHA256 SAE", "1"),
                (WpaMode::Any, Secret::Psk(_)) => ("WPA-PSK WPA-PSK-SHA256", "1"),
            };
            f.push(("key_mgmt", key_mgmt.into()));
            f.push(("ieee80211w", pmf.into()));
            match secret {
                Secret::Psk(key) => f.push(("psk", hex::encode(key))),
                Secret::Passphrase(p) => {
                    if *mode == WpaMode::Any {
                        let psk = if quotable(p) { format!("\"{p}\"") } else { hex::encode(wpa_psk(p, &net.ssid)) };
                        f.push(("psk", psk));
                    }
                    // wpa_supplicant reads an unquoted string value as hex.
                    f.push(("sae_password", hex::encode(p.as_bytes())));
                    if let Some(id) = &net.sae_password_id {
                        f.push(("sae_password_id", hex::encode(id.as_bytes())));
                    }
                }
            }
        }
    }
    f
}

/// A wpa_supplicant `network={...}` block.
pub fn wpa_supplicant_block(net: &WifiNetwork) -> String {
    let mut s = String::from("network={\n");
    for (k, v) in wpa_network_fields(net) {
        s.push_str(&format!("\t{k}={v}\n"));
    }
    s.push_str("}\n");
    s
}

/// iwd's file name for a network: the SSID itself when it is only `[A-Za-z0-9_-]`, else `=` and
/// its hex (iwd.network(5)), with `.psk` or `.open`.
pub fn iwd_file_name(net: &WifiNetwork) -> Result<String, WifiError> {
    let ext = match net.security {
        Security::Open => "open",
        Security::Wpa { .. } => "psk",
        Security::Wep(_) => return Err(WifiError::Unsupported("iwd has no WEP")),
    };
    let plain = net.ssid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    Ok(if plain && !net.ssid.is_empty() {
        format!("{}.{ext}", net.ssid)
    } else {
        format!("={}.{ext}", hex::encode(net.ssid.as_bytes()))
    })
}

/// The contents of an iwd network file.
pub fn iwd_file(net: &WifiNetwork) -> Result<String, WifiError> {
    let mut s = String::new();
    if let Security::Wpa { secret, mode } = &net.security {
        s.push_str("[Security]\n");
        match secret {
            Secret::Psk(key) => s.push_str(&format!("PreSharedKey={}\n", hex::encode(key))),
            Secret::Passphrase(p) if quotable(p) => s.push_str(&format!("Passphrase={p}\n")),
            Secret::Passphrase(_) if *mode == WpaMode::Wpa3Only => {
                return Err(WifiError::Unsupported("this WPA3 password cannot be given to iwd"));
            }
            Secret::Passphrase(p) => s.push_str(&format!("PreSharedKey={}\n", hex::encode(wpa_psk(p, &net.ssid)))),
        }
        if net.sae_password_id.is_some() {
            return Err(WifiError::Unsupported("iwd has no SAE password identifiers"));
        }
    }
    if net.hidden {
        s.push_str("[Settings]\nHidden=true\n");
    }
    Ok(s)
}

/// Writes `contents` to `path` atomically (a temporary file in the same directory, synced, then
/// renamed), readable by its owner only.
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

/// A configuration written next to the one in use (`<target>.new`), put in place only by
/// [`Staged::commit`] once the network was joined; [`Staged::discard`] keeps the old one.
#[derive(Debug)]
pub struct Staged {
    pub new: PathBuf,
    pub target: PathBuf,
}

impl Staged {
    pub fn write(target: &Path, contents: &str) -> std::io::Result<Staged> {
        let mut new = target.as_os_str().to_owned();
        new.push(".new");
        let staged = Staged { new: PathBuf::from(new), target: target.to_path_buf() };
        write_private(&staged.new, contents)?;
        Ok(staged)
    }

    pub fn commit(self) -> std::io::Result<()> {
        std::fs::rename(&self.new, &self.target)
    }

    pub fn discard(self) -> std::io::Result<()> {
        std::fs::remove_file(&self.new)
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
