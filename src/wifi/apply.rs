//! Switching to a scanned network only once it works, keeping the old one otherwise.

use super::WifiNetwork;
use super::config::wpa_network_fields;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Why the till could not even try the network.
#[derive(Debug, thiserror::Error)]
pub enum WifiError {
    /// The network needs something this backend cannot do (WEP on iwd, an unsafe WPA3 password
    /// for iwd). The cashier sees the reason.
    #[error("this Wi-Fi network cannot be set up here: {0}")]
    Unsupported(&'static str),
    /// `wpa_cli` is missing or could not be started.
    #[error("cannot run {program}: {source}")]
    Spawn { program: String, source: std::io::Error },
    /// wpa_supplicant answered FAIL or something unexpected (not running, no such interface).
    #[error("wpa_supplicant refused {command}: {answer}")]
    Refused { command: String, answer: String },
    /// A configuration file could not be written.
    #[error("cannot write the Wi-Fi configuration: {0}")]
    Io(#[from] std::io::Error),
}

/// How trying a network ended. Anything but `Connected` leaves the previous network in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WifiOutcome {
    Connected,
    /// The access point was found and the key handshake failed.
    WrongPassword,
    /// No access point of that name answered.
    NotFound,
    /// Found, but not joined in time for another reason.
    Timeout,
}

pub trait WifiApplier: Send + Sync {
    /// Tries the network; blocks until joined or given up (run it off the render loop).
    fn apply(&self, net: &WifiNetwork) -> Result<WifiOutcome, WifiError>;
}

/// For tests: answers with a fixed outcome and records what it was given.
pub struct FakeApplier {
    pub outcome: WifiOutcome,
    pub applied: Mutex<Vec<WifiNetwork>>,
}

impl FakeApplier {
    pub fn new(outcome: WifiOutcome) -> FakeApplier {
        FakeApplier { outcome, applied: Mutex::new(Vec::new()) }
    }
}

impl WifiApplier for FakeApplier {
    fn apply(&self, net: &WifiNetwork) -> Result<WifiOutcome, WifiError> {
        self.applied.lock().unwrap_or_else(|e| e.into_inner()).push(net.clone());
        Ok(self.outcome)
    }
}

/// One request to wpa_supplicant's control interface; the answer as text.
pub trait WpaControl: Send + Sync {
    fn request(&self, args: &[&str]) -> Result<String, WifiError>;
}

/// The control interface through the `wpa_cli` program.
pub struct WpaCli {
    pub program: PathBuf,
    pub interface: String,
    /// `-p`: the control socket directory (default: wpa_cli's, `/var/run/wpa_supplicant`).
    pub ctrl_dir: Option<PathBuf>,
}

impl WpaControl for WpaCli {
    fn request(&self, args: &[&str]) -> Result<String, WifiError> {
        let mut cmd = std::process::Command::new(&self.program);
        if let Some(dir) = &self.ctrl_dir {
            cmd.arg("-p").arg(dir);
        }
        cmd.arg("-i").arg(&self.interface).args(args);
        let out =
            cmd.output().map_err(|source| WifiError::Spawn { program: self.program.display().to_string(), source })?;
        let answer = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !out.status.success() || answer.starts_with("FAIL") || answer.contains("Failed to connect") {
            return Err(WifiError::Refused { command: args.first().unwrap_or(&"").to_string(), answer });
        }
        Ok(answer)
    }
}

/// Adds the network to a running wpa_supplicant, selects it and watches `status`; on failure the
/// new network is removed and the previous one selected again.
pub struct WpaCliApplier<C: WpaControl = WpaCli> {
    pub control: C,
    /// How long to wait for the connection.
    pub timeout: Duration,
    /// Between `status` polls.
    pub poll: Duration,
    /// `save_config` after success (needs `update_config=1` in wpa_supplicant's file).
    pub save: bool,
}

impl<C: WpaControl> WpaCliApplier<C> {
    pub fn new(control: C) -> Self {
        WpaCliApplier { control, timeout: Duration::from_secs(30), poll: Duration::from_millis(500), save: true }
    }

    fn ok(&self, args: &[&str]) -> Result<(), WifiError> {
        let answer = self.control.request(args)?;
        if answer.ends_with("OK") { Ok(()) } else { Err(WifiError::Refused { command: args.join(" "), answer }) }
    }

    fn rollback(&self, id: &str, old: Option<&str>) {
        let _ = self.ok(&["remove_network", id]);
        let _ = match old {
            Some(old) => self.ok(&["select_network", old]),
            None => self.ok(&["enable_network", "all"]),
        };
    }

    fn try_network(&self, id: &str, net: &WifiNetwork) -> Result<WifiOutcome, WifiError> {
        for (key, value) in wpa_network_fields(net) {
            self.ok(&["set_network", id, key, &value])?;
        }
        self.ok(&["select_network", id])?;
        let deadline = Instant::now() + self.timeout;
        let mut seen = Vec::new();
        loop {
            let status = parse_status(&self.control.request(&["status"])?);
            let state = status.get("wpa_state").cloned().unwrap_or_default();
            if state == "COMPLETED" && status.get("id").map(String::as_str) == Some(id) {
                return Ok(WifiOutcome::Connected);
            }
            if !seen.contains(&state) {
                seen.push(state);
            }
            if Instant::now() >= deadline {
                let secured = !matches!(net.security, super::Security::Open);
                return Ok(classify_failure(&seen, secured));
            }
            std::thread::sleep(self.poll);
        }
    }
}

impl<C: WpaControl> WifiApplier for WpaCliApplier<C> {
    fn apply(&self, net: &WifiNetwork) -> Result<WifiOutcome, WifiError> {
        let before = parse_status(&self.control.request(&["status"])?);
        let old = before.get("id").cloned();
        let id = self.control.request(&["add_network"])?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(WifiError::Refused { command: "add_network".into(), answer: id });
        }
        match self.try_network(&id, net) {
            Ok(WifiOutcome::Connected) => {
                // The others were disabled by select_network; they stay known as fallbacks.
                let _ = self.ok(&["enable_network", "all"]);
                if self.save
                    && let Err(e) = self.ok(&["save_config"])
                {
                    tracing::warn!(error = %e, "joined the network but could not save wpa_supplicant's config");
                }
                tracing::info!(ssid = %net.ssid, "joined the scanned Wi-Fi network");
                Ok(WifiOutcome::Connected)
            }
            other => {
                self.rollback(&id, old.as_deref());
                other
            }
        }
    }
}

/// `key=value` lines of `wpa_cli status`.
pub fn parse_status(text: &str) -> BTreeMap<String, String> {
    text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.trim().into(), v.trim().into())).collect()
}

/// What the states passed through say: a failed key handshake is a wrong password, and so is a
/// secured network stuck in authentication (WPA3's SAE checks the password there); never getting
/// past scanning is a network not found.
pub fn classify_failure(states: &[String], secured: bool) -> WifiOutcome {
    let saw = |s: &str| states.iter().any(|x| x == s);
    let associated = saw("ASSOCIATING") || saw("ASSOCIATED") || saw("GROUP_HANDSHAKE");
    if saw("4WAY_HANDSHAKE") || (secured && saw("AUTHENTICATING") && !associated) {
        WifiOutcome::WrongPassword
    } else if associated || saw("AUTHENTICATING") {
        WifiOutcome::Timeout
    } else {
        WifiOutcome::NotFound
    }
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
