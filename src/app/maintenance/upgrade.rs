//! The menu's upgrade: finding the bundle (the USB stick first, then `[upgrade] url`) and running
//! [`crate::app::upgrade`]'s one flow on a task of its own; the outcome comes back as a message.

use super::Host;
use crate::core::Msg;
use crate::core::maintenance::MaintenanceMsg;
use crate::core::maintenance::upgrade::{UpgradeEffect, UpgradeFailure, UpgradeMsg, UpgradeSource};
use crate::upgrade::UpgradeError;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

pub(super) fn run(effect: UpgradeEffect, host: Option<Arc<Host>>, msgs: UnboundedSender<Msg>) {
    let send = move |msg| {
        let _ = msgs.send(Msg::Maintenance(MaintenanceMsg::Upgrade(msg)));
    };
    match effect {
        UpgradeEffect::Find { dir } => {
            tokio::task::spawn_blocking(move || {
                let url = host.as_ref().and_then(|h| h.upgrade.url.clone());
                let offered = host.as_ref().map(|h| h.data_dir.join(crate::sync::release::OFFERED_FILE));
                let source = find(Path::new(&dir), offered.as_deref(), url);
                tracing::info!(source = ?source, "upgrade source");
                send(UpgradeMsg::Found { source });
            });
        }
        UpgradeEffect::Run { from, force } => {
            tokio::spawn(async move {
                let result = match host {
                    None => Err(UpgradeFailure::Other("upgrade is not available here".into())),
                    Some(host) => run_upgrade(&host, &from, force).await,
                };
                send(UpgradeMsg::Done { result });
            });
        }
    }
}

async fn run_upgrade(host: &Host, from: &str, force: bool) -> Result<String, UpgradeFailure> {
    let keys = (host.keys)().map_err(|e| UpgradeFailure::Other(e.to_string()))?;
    let (result, warnings) =
        crate::app::upgrade::upgrade_with_keys(from, &host.upgrade, keys, host.store.as_ref(), force).await;
    for w in warnings {
        tracing::warn!("{w}");
    }
    match result {
        Ok(installed) => Ok(installed.version),
        Err(e) => Err(failure(e)),
    }
}

/// The upgrade code's refusal, as the menu words it.
fn failure(e: UpgradeError) -> UpgradeFailure {
    match e {
        UpgradeError::Blocked { unsynced, unresolved } => UpgradeFailure::Blocked { unsynced, unresolved },
        UpgradeError::BadSignature | UpgradeError::HashMismatch => UpgradeFailure::BadSignature,
        UpgradeError::UntrustedKey(key) => UpgradeFailure::UntrustedKey { key: key.chars().take(16).collect() },
        UpgradeError::Fetch { from, reason } => UpgradeFailure::Unreachable { from, reason },
        UpgradeError::NotNewer { offered, installed } => UpgradeFailure::NotNewer { offered, installed },
        other => UpgradeFailure::Other(other.to_string()),
    }
}

/// A bundle on the USB stick (`*.bundle`, as `till bundle --out` names them; the newest if there
/// are several), else the release the back office sent (`offered`, downloaded and checked by
/// `sync::release`), else the configured URL, else nothing.
pub fn find(dir: &Path, offered: Option<&Path>, url: Option<String>) -> Option<UpgradeSource> {
    if let Some(path) = newest_bundle(dir) {
        return Some(UpgradeSource { from: path.display().to_string(), usb: true });
    }
    if let Some(path) = offered.filter(|p| p.is_file()) {
        return Some(UpgradeSource { from: path.display().to_string(), usb: false });
    }
    url.map(|from| UpgradeSource { from, usb: false })
}

fn newest_bundle(dir: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            !name.starts_with('.') && name.ends_with(".bundle")
        })
        .max_by_key(|e| (e.metadata().and_then(|m| m.modified()).ok(), e.file_name()))
        .map(|e| e.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_on_the_stick_comes_before_the_url_and_the_newest_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = Some("https://updates.example.com/latest.bundle".to_string());
        let from_url = UpgradeSource { from: url.clone().unwrap_or_default(), usb: false };
        assert_eq!(find(dir.path(), None, url.clone()), Some(from_url.clone()));
        assert_eq!(find(&dir.path().join("absent"), None, url.clone()), Some(from_url.clone()));
        assert_eq!(find(dir.path(), None, None), None);
        // The back office's release, once downloaded and checked, comes before the URL.
        let data = tempfile::tempdir().expect("data dir");
        let offered = data.path().join(crate::sync::release::OFFERED_FILE);
        assert_eq!(find(dir.path(), Some(&offered), url.clone()), Some(from_url.clone()), "none kept yet");
        std::fs::write(&offered, "kept").expect("file");
        let from_office = UpgradeSource { from: offered.display().to_string(), usb: false };
        assert_eq!(find(dir.path(), Some(&offered), url.clone()), Some(from_office));
        let old = dir.path().join("till-0.1.0-aarch64.bundle");
        let new = dir.path().join("till-0.2.0-aarch64.bundle");
        std::fs::write(&new, "new").expect("file");
        std::fs::write(&old, "old").expect("file");
        let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&new).and_then(|f| f.set_modified(earlier)).expect("mtime");
        std::fs::write(dir.path().join(".partial.bundle"), "x").expect("file");
        // The one copied last is the one the supervisor means.
        let on_stick = Some(UpgradeSource { from: old.display().to_string(), usb: true });
        assert_eq!(find(dir.path(), Some(&offered), url), on_stick, "the stick first");
    }
}
