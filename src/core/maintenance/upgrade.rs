//! The online upgrade from the maintenance menu: `app` finds a bundle on the USB stick (else the
//! configured `[upgrade] url`), the supervisor confirms, `app` runs the upgrade off the UI thread
//! (the store's blockers, the signature, then the install) and the till restarts into the new
//! version. Records not delivered or payments in doubt refuse it, as `till upgrade` does; a second
//! confirmation overrides (`--force`) and goes into the audit log.

use super::super::auth::{AuditEvent, AuthNotice};
use super::super::notice::Notice;
use super::super::{Beep, Effect, Key, State};
use super::{MaintenanceEffect, Page};
use serde::{Deserialize, Serialize};

/// Where the bundle comes from: a file on the USB stick, or the configured URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeSource {
    /// A path or an `http(s)://` URL.
    pub from: String,
    pub usb: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum UpgradeStep {
    /// Looking on the USB stick and in the configuration.
    #[default]
    Looking,
    /// No bundle on the stick and no `[upgrade] url`.
    NoSource,
    /// Enter to upgrade from `source`.
    Ready(UpgradeSource),
    /// Refused for work still waiting: Enter again overrides.
    Blocked {
        source: UpgradeSource,
        unsynced: usize,
        unresolved: usize,
    },
    Running {
        source: UpgradeSource,
        forced: bool,
    },
    /// Why not (never `Blocked`), one line: nothing was installed.
    Failed(UpgradeFailure),
    /// Installed: the till restarts into it.
    Installed {
        version: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpgradePage {
    pub step: UpgradeStep,
}

/// Why an upgrade did not happen; nothing was installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpgradeFailure {
    /// Issue 5's rule, as `till upgrade`: records not delivered, payments or refunds in doubt.
    Blocked { unsynced: usize, unresolved: usize },
    /// The signature or the program's hash does not match: altered or damaged.
    BadSignature,
    /// Signed by a key this till does not trust (its hex, shortened).
    UntrustedKey { key: String },
    /// The URL does not answer, or the file cannot be read (the stick was pulled).
    Unreachable { from: String, reason: String },
    /// Downgrade protection.
    NotNewer { offered: String, installed: String },
    /// Anything else, one line (the upgrade code's own words).
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpgradeEffect {
    /// A bundle in `dir` (the USB stick), else the configured URL; answered with [`UpgradeMsg::Found`].
    Find { dir: String },
    /// The upgrade itself; answered with [`UpgradeMsg::Done`].
    Run { from: String, force: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpgradeMsg {
    Found {
        source: Option<UpgradeSource>,
    },
    /// The installed version, or why not.
    Done {
        result: Result<String, UpgradeFailure>,
    },
}

fn effect(e: UpgradeEffect) -> Effect {
    Effect::Maintenance(MaintenanceEffect::Upgrade(e))
}

pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(m) = state.maintenance.as_mut() else { return };
    m.page = Page::Upgrade;
    m.upgrade = UpgradePage::default();
    fx.push(effect(UpgradeEffect::Find { dir: m.export_dir.trim().to_string() }));
}

pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(m) = state.maintenance.as_mut() else { return };
    match (&m.upgrade.step, key) {
        // Once started it runs to its end (the install is made safe against a cut, not a cancel).
        (UpgradeStep::Running { .. } | UpgradeStep::Installed { .. }, _) => {}
        (UpgradeStep::Ready(source), Key::Enter) => {
            let source = source.clone();
            fx.push(state.audit(AuditEvent::Maintenance { what: format!("upgrade from {}", source.from) }));
            fx.push(effect(UpgradeEffect::Run { from: source.from.clone(), force: false }));
            if let Some(m) = state.maintenance.as_mut() {
                m.upgrade.step = UpgradeStep::Running { source, forced: false };
            }
        }
        // The second, explicit confirmation: the supervisor overrides as `--force` does.
        (UpgradeStep::Blocked { source, unsynced, unresolved }, Key::Enter) => {
            let (source, unsynced, unresolved) = (source.clone(), *unsynced, *unresolved);
            fx.push(state.audit(AuditEvent::UpgradeForced { unsynced, unresolved }));
            fx.push(effect(UpgradeEffect::Run { from: source.from.clone(), force: true }));
            if let Some(m) = state.maintenance.as_mut() {
                m.upgrade.step = UpgradeStep::Running { source, forced: true };
            }
        }
        (_, Key::Esc) => {
            m.page = Page::Menu;
            state.notice = None;
        }
        _ => {}
    }
}

pub(super) fn on_msg(state: &mut State, msg: UpgradeMsg, fx: &mut Vec<Effect>) {
    let Some(m) = state.maintenance.as_mut().filter(|m| m.page == Page::Upgrade) else {
        // The page was left while looking: a late answer changes nothing (no upgrade runs unseen).
        return;
    };
    match (msg, &m.upgrade.step) {
        (UpgradeMsg::Found { source }, UpgradeStep::Looking) => {
            m.upgrade.step = match source {
                Some(s) => UpgradeStep::Ready(s),
                None => UpgradeStep::NoSource,
            };
        }
        (UpgradeMsg::Done { result }, UpgradeStep::Running { source, .. }) => {
            let source = source.clone();
            match result {
                Ok(version) => {
                    m.upgrade.step = UpgradeStep::Installed { version: version.clone() };
                    fx.push(state.audit(AuditEvent::Upgraded { version, from: source.from }));
                    fx.push(Effect::Beep(Beep::Success));
                    state.notice = Some(Notice::Auth(AuthNotice::Restarting));
                    fx.push(Effect::Maintenance(MaintenanceEffect::Restart));
                }
                Err(UpgradeFailure::Blocked { unsynced, unresolved }) => {
                    m.upgrade.step = UpgradeStep::Blocked { source, unsynced, unresolved };
                    fx.push(Effect::Beep(Beep::Error));
                }
                Err(failure) => {
                    m.upgrade.step = UpgradeStep::Failed(failure);
                    fx.push(Effect::Beep(Beep::Failure));
                }
            }
        }
        _ => {}
    }
}
