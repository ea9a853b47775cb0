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
    /// The network interface the applier uses, checked in `sys_class_net` before trying: a box
    /// without a Wi-Fi adapter says so instead of wpa_cli's socket error.
    interface: Option<(String, PathBuf)>,
}

impl QrWifi<WpaCliApplier> {
    pub fn wpa_supplicant(cfg: &WifiConfig) -> QrWifi<WpaCliApplier> {
        let control =
            WpaCli { program: "wpa_cli".into(), interface: cfg.interface.clone(), ctrl_dir: cfg.ctrl_dir.clone() };
        let mut applier = WpaCliApplier::new(control);
        applier.timeout = std::time::Duration::from_secs(cfg.timeout_secs);
        QrWifi { applier, interface: Some((cfg.interface.clone(), PathBuf::from("/sys/class/net"))) }
    }
}

impl<A: WifiApplier> QrWifi<A> {
    pub fn new(applier: A) -> QrWifi<A> {
        QrWifi { applier, interface: None }
    }

    /// Checks that `interface` exists in `sys_class_net` (`/sys/class/net`) before each join.
    pub fn on_interface(mut self, interface: &str, sys_class_net: PathBuf) -> QrWifi<A> {
        self.interface = Some((interface.to_string(), sys_class_net));
        self
    }
}

impl<A: WifiApplier> Wifi for QrWifi<A> {
    fn join(&self, code: &str) -> Result<String, WifiFailure> {
        let net = parse_wifi_qr(code).map_err(|e| WifiFailure::BadCode { detail: e.to_string() })?;
        if let Some((interface, sys)) = &self.interface
            && !sys.join(interface).exists()
        {
            tracing::warn!(interface, "no such network interface: this till has no Wi-Fi adapter");
            return Err(WifiFailure::NoAdapter { interface: interface.clone() });
        }
        let ssid = net.ssid.clone();
        match self.applier.apply(&net) {
            Ok(WifiOutcome::Connected) => Ok(ssid),
            Ok(WifiOutcome::WrongPassword) => Err(WifiFailure::WrongPassword),
            Ok(WifiOutcome::NotFound) => Err(WifiFailure::NotFound),
            Ok(WifiOutcome::Timeout) => Err(WifiFailure::Timeout),
            Err(e @ WifiError::Unsupported(_)) => Err(WifiFailure::BadCode { detail: e.to_string() }),
            // wpa_cli's answer when no wpa_supplicant listens on the interface's control socket.
            Err(WifiError::Refused { answer, .. }) if answer.contains("Failed to connect") => {
                tracing::warn!(%answer, "wpa_supplicant does not answer");
                Err(WifiFailure::ServiceDown)
            }
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

    #[test]
    fn a_till_without_the_interface_says_it_has_no_wifi_adapter_and_tries_nothing() {
        let sys = tempfile::tempdir().expect("dir");
        let wifi = QrWifi::new(FakeApplier::new(WifiOutcome::Connected)).on_interface("wlan0", sys.path().into());
        let code = "WIFI:T:WPA;S:ShopNet;P:secret123;;";
        assert_eq!(wifi.join(code), Err(WifiFailure::NoAdapter { interface: "wlan0".into() }));
        assert!(wifi.applier.applied.lock().expect("lock").is_empty(), "nothing applied");
        // A bad code is still refused as such first.
        assert!(matches!(wifi.join("WIFI:T:WPA;S:ShopNet;P:short;;"), Err(WifiFailure::BadCode { .. })));
        std::fs::create_dir(sys.path().join("wlan0")).expect("mkdir");
        assert_eq!(wifi.join(code), Ok("ShopNet".to_string()));
    }

    #[test]
    fn a_wpa_supplicant_that_does_not_answer_is_named_as_such() {
        let dir = tempfile::tempdir().expect("dir");
        // wpa_cli's own answer when nothing listens on the control socket.
        let script = dir.path().join("wpa_cli");
        std::fs::write(&script, "#!/bin/sh\necho 'Failed to connect to non-global ctrl_ifname: wlan0  error: No such file or directory'\nexit 255\n")
            .expect("write");
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
        let control = WpaCli { program: script, interface: "wlan0".into(), ctrl_dir: None };
        let wifi = QrWifi::new(WpaCliApplier::new(control));
        assert_eq!(wifi.join("WIFI:T:WPA;S:ShopNet;P:secret123;;"), Err(WifiFailure::ServiceDown));
    }
}
