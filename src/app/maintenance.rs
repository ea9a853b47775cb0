//! The maintenance menu's effects (device info, export, catalogue import, upgrade, restart, power
//! off) and the kiosk's signals. Run by the effect runner like every other family (`effects.rs:
//! run_local`), with what they need of the box in a [`Context`] the Engine shares with it.

mod import;
pub mod upgrade;

use super::Clock;
use super::Engine;
use crate::core::Msg;
use crate::core::catalog::WeighedLayout;
use crate::core::maintenance::{DeviceInfo, MaintenanceEffect, MaintenanceMsg};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

/// The exit status of "restart": not 0, so systemd's `Restart=on-failure` starts the till again
/// (75 is EX_TEMPFAIL).
pub const RESTART_EXIT_CODE: i32 = 75;

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

/// What the maintenance effects need of the till beyond the message they answer with: shared by
/// the Engine (which attaches the host and the back-office status once they are started) and the
/// effect runner (which reads them).
pub struct Context {
    host: OnceLock<Arc<Host>>,
    sync: OnceLock<watch::Receiver<crate::sync::SyncStatus>>,
    /// The back office the till delivers to, for other tills' orders (`app/foreign.rs`).
    office: OnceLock<crate::sync::BackofficeConfig>,
    /// Where payments go now (see `Engine::gateway_name`).
    describe: Arc<dyn Fn() -> String + Send + Sync>,
    clock: Arc<dyn Clock>,
    /// Fixed while the till runs (from `till.toml`): the export file's local time, the import's
    /// scale-label layout.
    utc_offset_minutes: i32,
    layout: WeighedLayout,
    /// Set when the menu asks for a restart (see [`Engine::restart_requested`]).
    restart: watch::Sender<bool>,
}

impl Context {
    pub(super) fn new(
        describe: Arc<dyn Fn() -> String + Send + Sync>,
        clock: Arc<dyn Clock>,
        utc_offset_minutes: i32,
        layout: WeighedLayout,
    ) -> Context {
        Context {
            host: OnceLock::new(),
            sync: OnceLock::new(),
            office: OnceLock::new(),
            describe,
            clock,
            utc_offset_minutes,
            layout,
            restart: watch::Sender::new(false),
        }
    }

    pub(super) fn attach_office(&self, config: crate::sync::BackofficeConfig) {
        let _ = self.office.set(config);
    }

    pub(super) fn office(&self) -> Option<crate::sync::BackofficeConfig> {
        self.office.get().cloned()
    }

    pub(super) fn attach_sync(&self, status: watch::Receiver<crate::sync::SyncStatus>) {
        let _ = self.sync.set(status);
    }

    fn sync_status(&self) -> crate::sync::SyncStatus {
        self.sync.get().map(|s| s.borrow().clone()).unwrap_or_default()
    }
}

impl Engine {
    pub fn attach_maintenance(&mut self, host: Host) {
        if self.maintenance.host.set(Arc::new(host)).is_err() {
            tracing::warn!("maintenance host attached twice: the first is kept");
        }
    }

    /// Whether the maintenance menu asked the till to restart: the front ends stop, and `till run`
    /// exits with [`RESTART_EXIT_CODE`]. Set by the effect runner, so it is seen once the batch
    /// that asked is done ([`Engine::durable`]).
    pub fn restart_requested(&self) -> bool {
        *self.maintenance.restart.borrow()
    }

    /// Follows [`Engine::restart_requested`] after the front end has taken the Engine.
    pub fn restart_watch(&self) -> watch::Receiver<bool> {
        self.maintenance.restart.subscribe()
    }
}

/// Runs a maintenance effect; its outcome comes back as a message.
pub(super) fn run(effect: MaintenanceEffect, ctx: &Context, msgs: &UnboundedSender<Msg>) {
    let msgs = msgs.clone();
    let host = ctx.host.get().cloned();
    match effect {
        MaintenanceEffect::GatherInfo => {
            let sync = ctx.sync_status();
            let mut info = DeviceInfo {
                version: env!("CARGO_PKG_VERSION").into(),
                platform: (ctx.describe)(),
                outbox_pending: sync.pending,
                outbox_failed: sync.failed,
                backoffice: sync.enabled,
                sync_error: sync.last_error,
                arch: std::env::consts::ARCH.into(),
                ..DeviceInfo::default()
            };
            tokio::task::spawn_blocking(move || {
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
            let local = ctx.clock.now().local(ctx.utc_offset_minutes);
            let name = format!(
                "till-export-{:04}{:02}{:02}-{:02}{:02}{:02}.jsonl",
                local.year, local.month, local.day, local.hour, local.minute, local.second
            );
            tokio::task::spawn_blocking(move || {
                let path = Path::new(&dir).join(name);
                let result = match host {
                    None => Err("export is not available here".to_string()),
                    Some(_) if !Path::new(&dir).is_dir() => Err(format!("{dir} is not a directory (USB stick in?)")),
                    Some(host) => (host.export)(&path).map(|()| path.display().to_string()),
                };
                match &result {
                    Ok(path) => tracing::info!(path, "store exported"),
                    Err(error) => tracing::warn!(error, "export failed"),
                }
                let _ = msgs.send(Msg::Maintenance(MaintenanceMsg::Exported { result }));
            });
        }
        MaintenanceEffect::Import(effect) => import::run(effect, host, ctx.layout.clone(), msgs),
        MaintenanceEffect::Upgrade(effect) => upgrade::run(effect, host, msgs),
        MaintenanceEffect::Enrol { code } => {
            tokio::spawn(async move {
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
            ctx.restart.send_replace(true);
        }
        MaintenanceEffect::PowerOff => {
            tracing::warn!("power off asked from the maintenance menu");
            tokio::task::spawn_blocking(move || {
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
        (SignalKind::from_raw(libc::SIGTSTP), "SIGTSTP"),
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
