//! Upgrading the running till: the one flow behind `till upgrade` and the maintenance menu.
//!
//! Order: the store's blockers (issue 5: nothing unsynced, no payment in doubt, unless forced),
//! the bundle fetched into memory, verified (signature, target, size, hash, version), and only
//! then written into the other slot and switched to. Every refusal is one line and writes nothing.

use crate::config::Config;
use crate::store::Store;
use crate::upgrade::{self, Installed, Overrides, Slots, TrustedKeys, UpgradeError};

/// What still waits on the network: records for the back office, payments and refunds in doubt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blockers {
    pub unsynced: usize,
    pub unresolved: usize,
}

impl Blockers {
    pub fn any(&self) -> bool {
        self.unsynced > 0 || self.unresolved > 0
    }
}

pub fn blockers(store: &dyn Store) -> Result<Blockers, UpgradeError> {
    let (pending, failed) = store.outbox_counts().map_err(|e| UpgradeError::Store(e.to_string()))?;
    let (orders, _) = store.load_unsettled().map_err(|e| UpgradeError::Store(e.to_string()))?;
    Ok(Blockers { unsynced: pending + failed, unresolved: orders.iter().filter(|o| o.has_open_work()).count() })
}

/// One upgrade: from `source` (URL or path) into `slots`. `store` is the till's order store (none:
/// there is none yet, or the technician forced past one that cannot be opened). `warn` receives
/// the overrides' warnings (printed by the CLI, shown by the menu).
pub async fn upgrade(
    source: &str,
    slots: &Slots,
    keys: TrustedKeys,
    store: Option<&dyn Store>,
    overrides: Overrides,
    mut warn: impl FnMut(String),
) -> Result<Installed, UpgradeError> {
    match store.map(blockers).transpose()? {
        Some(b) if b.any() && !overrides.force => {
            return Err(UpgradeError::Blocked { unsynced: b.unsynced, unresolved: b.unresolved });
        }
        Some(b) if b.any() => warn(format!(
            "WARNING: upgrading with {} record(s) not delivered and {} payment(s) or refund(s) in doubt (--force)",
            b.unsynced, b.unresolved
        )),
        Some(_) | None => {}
    }
    let bytes = upgrade::fetch::fetch(source).await?;
    let slots = slots.clone();
    let done =
        tokio::task::spawn_blocking(move || upgrade::verify_and_install(&slots, &bytes, &keys, overrides, |_| true))
            .await;
    let installed = done.map_err(|e| UpgradeError::Store(format!("the install task failed: {e}")))??;
    tracing::info!(version = %installed.version, previous = %installed.previous, slot = installed.slot.name(), "upgrade installed");
    Ok(installed)
}

/// For the maintenance menu: upgrade the running till from `[upgrade] url` (or `source` when
/// given, e.g. a USB stick's file), checking its own store. On `Ok` the menu shows the version
/// and ends the till with [`upgrade::RESTART_EXIT_CODE`] so systemd starts the new version; on
/// `Err` it shows the one-line reason (nothing was changed). `force` is the supervisor's override
/// of unsynced records and payments in doubt; the warnings come back in the second value.
pub async fn upgrade_from_menu(
    config: &Config,
    store: &dyn Store,
    source: Option<&str>,
    force: bool,
) -> (Result<Installed, UpgradeError>, Vec<String>) {
    let settings = config.upgrade.clone().unwrap_or_default();
    let Some(source) = source.map(str::to_string).or_else(|| settings.url.clone()) else {
        let e = UpgradeError::Fetch { from: "till.toml".into(), reason: "no [upgrade] url is configured".into() };
        return (Err(e), Vec::new());
    };
    let keys = match TrustedKeys::system() {
        Ok(k) => k,
        Err(e) => return (Err(e), Vec::new()),
    };
    upgrade_with_keys(&source, &settings, keys, store, force).await
}

/// [`upgrade_from_menu`] once the source and the trusted keys are known (the menu's runner, and
/// tests with their own release key).
pub async fn upgrade_with_keys(
    source: &str,
    settings: &upgrade::UpgradeConfig,
    keys: TrustedKeys,
    store: &dyn Store,
    force: bool,
) -> (Result<Installed, UpgradeError>, Vec<String>) {
    let mut warnings = Vec::new();
    let overrides = Overrides { force, allow_downgrade: false };
    let slots = Slots::new(settings.slots_dir.clone());
    let result = upgrade(source, &slots, keys, Some(store), overrides, |w| warnings.push(w)).await;
    if let Err(e) = &result {
        tracing::warn!(error = %e, source = %source, "upgrade not installed");
    }
    (result, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Lang;

    /// The menu may run the upgrade on a spawned task: the future must be `Send`.
    fn on_a_task<'a>(
        c: &'a Config,
        s: &'a dyn Store,
    ) -> impl Future<Output = (Result<Installed, UpgradeError>, Vec<String>)> + Send + 'a {
        upgrade_from_menu(c, s, None, false)
    }

    #[tokio::test]
    async fn the_menu_says_when_no_url_is_configured_and_nothing_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::store::RedbStore::open(&dir.path().join("store")).expect("store");
        let mut config = Config::demo(Lang::En, dir.path().to_path_buf(), "http://127.0.0.1:9".into());
        config.upgrade = Some(crate::upgrade::UpgradeConfig { url: None, slots_dir: dir.path().join("slots") });
        let (result, warnings) = on_a_task(&config, &store).await;
        let e = result.expect_err("no url");
        assert_eq!(e.to_string(), "could not fetch till.toml: no [upgrade] url is configured");
        assert!(warnings.is_empty());
        assert!(!dir.path().join("slots").exists());
    }
}
