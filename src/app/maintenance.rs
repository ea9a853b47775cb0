//! The maintenance menu's effects (device info, export, catalogue import, upgrade, restart, power
//! off) and the kiosk's signals. Run beside the effect runner: none of them touches an order.

mod import;
mod upgrade;

use super::Engine;
use crate::core::Msg;
use crate::core::maintenance::{DeviceInfo, MaintenanceEffect, MaintenanceMsg};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit status of "restart": not 0, so systemd's `Restart=on-failure` starts the till again
/// (75 is EX_TEMPFAIL).
pub const RESTART_EXIT_CODE: i32 = 75;

static RESTART: AtomicBool = AtomicBool::new(false);

/// Whether the maintenance menu asked the till to restart (the front ends stop, `main` exits
/// with [`RESTART_EXIT_CODE`]).
pub fn restart_requested() -> bool {
    RESTART.load(Ordering::SeqCst)
}

/// Writes the whole store as JSON lines to a new file; the error is one line for the screen.
pub type Export = Arc<dyn Fn(&Path) -> Result<(), String> + Send + Sync>;

/// The public keys an update bundle may be signed with (`TrustedKeys::system` on a till).
pub type Keys = Arc<dyn Fn() -> Result<crate::upgrade::TrustedKeys, crate::upgrade::UpgradeError> + Send + Sync>;

/// What the menu needs of the box beyond the engine: set by `main`.
pub struct Host {
    pub data_dir: PathBuf,
    /// Writes the whole store as JSON lines to a new file (`till export`'s format).
    pub export: Export,
    pub store_bytes: Arc<dyn Fn() -> Option<u64> + Send + Sync>,
    /// The order store: the catalogue import replaces its catalogue, the upgrade counts what waits.
    pub store: Arc<dyn crate::store::Store>,
    /// `[upgrade]` of till.toml (the default when absent: no URL, the standard slots).
    pub upgrade: crate::upgrade::UpgradeConfig,
    pub keys: Keys,
}

impl Engine {
    pub fn attach_maintenance(&mut self, host: Host) {
        self.maintenance = Some(Arc::new(host));
    }

    /// Runs a maintenance effect; its outcome comes back as a message.
    pub(super) fn run_maintenance(&mut self, effect: MaintenanceEffect) {
        let msgs = self.msgs.clone();
        let host = self.maintenance.clone();
        match effect {
            MaintenanceEffect::GatherInfo => {
                let sync = self.sync_status();
                let mut info = DeviceInfo {
                    version: env!("CARGO_PKG_VERSION").into(),
                    platform: self.gateway_name(),
                    outbox_pending: sync.pending,
                    outbox_failed: sync.failed,
                    backoffice: sync.enabled,
                    sync_error: sync.last_error,
                    arch: std::env::consts::ARCH.into(),
                    ..DeviceInfo::default()
                };
                self.rt.spawn_blocking(move || {
                    info.serial = serial();
                    info.address = address();
                    if let Some(host) = host {
                        info.data_dir = host.data_dir.display().to_string();
                        info.store_bytes = (host.store_bytes)();
                    }
                    let _ = msgs.send(Msg::Maintenance(MaintenanceMsg::Info(info)));
                });
            }
            MaintenanceEffect::Export { dir } => {
                let local = self.state.now.local(self.state.settings.utc_offset_minutes);
                let name = format!(
                    "till-export-{:04}{:02}{:02}-{:02}{:02}{:02}.jsonl",
                    local.year, local.month, local.day, local.hour, local.minute, local.second
                );
                self.rt.spawn_blocking(move || {
                    let path = Path::new(&dir).join(name);
                    let result = match host {
                        None => Err("export is not available here".to_string()),
                        Some(_) if !Path::new(&dir).is_dir() => {
                            Err(format!("{dir} is not a directory (USB stick in?)"))
                        }
                        Some(host) => (host.export)(&path).map(|()| path.display().to_string()),
                    };
                    match &result {
                        Ok(path) => tracing::info!(path, "store exported"),
                        Err(error) => tracing::warn!(error, "export failed"),
                    }
                    let _ = msgs.send(Msg::Maintenance(MaintenanceMsg::Exported { result }));
                });
            }
            MaintenanceEffect::Import(effect) => {
                let layout = self.state.catalogue.weighed.clone();
                import::run(effect, host, layout, msgs);
            }
            MaintenanceEffect::Upgrade(effect) => upgrade::run(effect, host, msgs),
            MaintenanceEffect::Enrol { code } => {
                self.rt.spawn(async move {
                    let msg = match host {
                        Some(host) => super::enrol::enrol(&code, &host.data_dir).await,
                        None => Msg::Enrol(crate::core::enrol::EnrolMsg::Failed {
                            error: crate::core::enrol::EnrolFailure::NotKept { detail: "no data directory".into() },
                        }),
                    };
                    let _ = msgs.send(msg);
                });
            }
            MaintenanceEffect::Restart => {
                tracing::warn!("restart asked from the maintenance menu");
                RESTART.store(true, Ordering::SeqCst);
            }
            MaintenanceEffect::PowerOff => {
                tracing::warn!("power off asked from the maintenance menu");
                self.rt.spawn_blocking(move || {
                    let error = match std::process::Command::new("systemctl").arg("poweroff").status() {
                        Ok(s) if s.success() => return,
                        Ok(s) => format!("systemctl poweroff: {s}"),
                        Err(e) => format!("systemctl poweroff: {e}"),
                    };
                    tracing::error!(error, "power off failed");
                    let _ = msgs.send(Msg::Maintenance(MaintenanceMsg::PowerOffFailed { error }));
                });
            }
        }
    }
}

/// The board's serial number (a Raspberry Pi's, from the device tree or `/proc/cpuinfo`), else the
/// machine id.
fn serial() -> String {
    let read = |p: &str| {
        std::fs::read_to_string(p).ok().map(|s| s.trim_matches(|c: char| c.is_whitespace() || c == '\0').to_string())
    };
    if let Some(s) = read("/sys/firmware/devicetree/base/serial-number").filter(|s| !s.is_empty()) {
        return s;
    }
    let cpuinfo = read("/proc/cpuinfo").unwrap_or_default();
    if let Some(s) = cpuinfo.lines().find_map(|l| l.strip_prefix("Serial")).and_then(|l| l.split(':').nth(1)) {
        return s.trim().to_string();
    }
    read("/etc/machine-id").unwrap_or_default()
}

/// The address this box would use to reach the internet (no packet is sent).
fn address() -> Option<String> {
    let socket = std::net::UdpSocket::bind(("0.0.0.0", 0)).ok()?;
    socket.connect(("223.5.5.5", 53)).ok()?;
    Some(socket.local_addr().ok()?.ip().to_string())
}

/// Kiosk: Ctrl-C, Ctrl-\ and Ctrl-Z (SIGINT, SIGQUIT, SIGTSTP) from the terminal do nothing to
/// the till. In raw mode the terminal does not send them at all (the keys arrive as keys, which
/// the front end drops); this covers the moments around it and a `kill -INT` from a shell.
/// Handled, not set to "ignore", so that programs the till starts get the default behaviour.
pub fn ignore_terminal_signals() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    for (kind, name) in [
        (SignalKind::interrupt(), "SIGINT"),
        (SignalKind::quit(), "SIGQUIT"),
        (SignalKind::from_raw(nix::libc::SIGTSTP), "SIGTSTP"),
    ] {
        let mut stream = signal(kind)?;
        tokio::spawn(async move {
            while stream.recv().await.is_some() {
                tracing::info!(signal = name, "ignored (kiosk)");
            }
        });
    }
    tracing::info!("kiosk: SIGINT, SIGQUIT and SIGTSTP from the terminal are ignored");
    Ok(())
}
