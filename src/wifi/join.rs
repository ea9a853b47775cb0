//! The till's `devices::Wifi`: a scanned `WIFI:` code parsed, applied through the network stack,
//! and its outcome in the core's terms. The code's password is never logged.

use super::{WifiApplier, WifiError, WifiOutcome, WpaCliApplier, apply::WpaCli, parse_wifi_qr};
use crate::core::WifiFailure;
use crate::devices::Wifi;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `[wifi]`: the interface wpa_supplicant runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WifiConfig {
    #[serde(default = "default_interface")]
    pub interface: String,
    /// wpa_supplicant's control socket directory (default: wpa_cli's own).
    #[serde(default)]
    pub ctrl_dir: Option<PathBuf>,
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
}

fn default_interface() -> String {
    "wlan0".into()
}
fn default_timeout_secs() -> u64 {
    30
}

/// Joins networks from scanned codes with any applier (wpa_supplicant in the product).
pub struct QrWifi<A: WifiApplier> {
    applier: A,
}

impl QrWifi<WpaCliApplier> {
    pub fn wpa_supplicant(cfg: &WifiConfig) -> QrWifi<WpaCliApplier> {
        let control =
            WpaCli { program: "wpa_cli".into(), interface: cfg.interface.clone(), ctrl_dir: cfg.ctrl_dir.clone() };
        let mut applier = WpaCliApplier::new(control);
        applier.timeout = std::time::Duration::from_secs(cfg.timeout_secs);
        QrWifi { applier }
    }
}

impl<A: WifiApplier> QrWifi<A> {
    pub fn new(applier: A) -> QrWifi<A> {
        QrWifi { applier }
    }
}

impl<A: WifiApplier> Wifi for QrWifi<A> {
    fn join(&self, code: &str) -> Result<String, WifiFailure> {
        let net = parse_wifi_qr(code).map_err(|e| WifiFailure::BadCode { detail: e.to_string() })?;
        let ssid = net.ssid.clone();
        match self.applier.apply(&net) {
            Ok(WifiOutcome::Connected) => Ok(ssid),
            Ok(WifiOutcome::WrongPassword) => Err(WifiFailure::WrongPassword),
            Ok(WifiOutcome::NotFound) => Err(WifiFailure::NotFound),
            Ok(WifiOutcome::Timeout) => Err(WifiFailure::Timeout),
            Err(e @ WifiError::Unsupported(_)) => Err(WifiFailure::BadCode { detail: e.to_string() }),
            Err(e) => Err(WifiFailure::Unavailable { detail: e.to_string() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wifi::FakeApplier;

    #[test]
    fn a_good_code_joins_and_a_bad_one_says_why_without_applying() {
        let wifi = QrWifi::new(FakeApplier::new(WifiOutcome::Connected));
        assert_eq!(wifi.join("WIFI:T:WPA;S:ShopNet;P:secret123;;"), Ok("ShopNet".to_string()));
        assert!(matches!(wifi.join("WIFI:T:WPA;S:ShopNet;P:short;;"), Err(WifiFailure::BadCode { .. })));
        let wrong = QrWifi::new(FakeApplier::new(WifiOutcome::WrongPassword));
        assert_eq!(wrong.join("WIFI:T:WPA;S:ShopNet;P:secret123;;"), Err(WifiFailure::WrongPassword));
    }
}
