//! The way down: the back office's catalogue changesets (till_proto::catalogue), asked for after
//! the till's cursor at start, every [`BackofficeConfig::catalogue_poll_secs`] and as soon as
//! delivery gets through again after a failure. Each changeset is applied in one durable write
//! (its products and the new cursor together, off the render loop), then handed to the running
//! till as [`Msg::CatalogueChanged`]: selling goes on meanwhile.

use super::{BackofficeConfig, SyncStatus, sign};
use crate::core::Msg;
use crate::core::catalog::Product;
use crate::store::{Put, Store, Table};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use till_proto::catalogue::{CATALOGUE_PATH, Changes, Changeset, signing_key};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

/// In the store's settings: the version of the newest changeset applied.
pub const CURSOR_KEY: &str = "catalogue_version";

/// Why a round of asking did not apply everything.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueSyncError {
    /// The back office did not answer (network, timeout) or answered 5xx: asked again later.
    #[error("the back office cannot be reached: {0}")]
    Unreachable(String),
    /// The back office refused the request (4xx: unknown or revoked till, clock): asked again later.
    #[error("the back office refused the catalogue request: HTTP {0}")]
    Refused(u16),
    /// A changeset that does not decode: it is not applied, nor any after it.
    #[error("the back office's changeset {version} is malformed: {reason}")]
    Malformed { version: i64, reason: String },
    /// The store could not be read or written: the changeset is not applied.
    #[error("the store: {0}")]
    Store(String),
}

/// The catalogue follower, started once the till's engine takes messages.
pub struct Follower {
    pub(super) store: Arc<dyn Store>,
    pub(super) config: Option<BackofficeConfig>,
    pub(super) status: watch::Sender<SyncStatus>,
    pub(super) delivery: super::DeliveryLock,
}

impl Follower {
    /// Starts asking on the current runtime (nothing without a back office).
    pub fn start(self, msgs: UnboundedSender<Msg>) {
        if let Some(config) = self.config {
            tokio::spawn(run(self.store, config, self.status, msgs, self.delivery));
        }
    }
}

/// The applied version kept in the store (0: none yet).
pub fn cursor(store: &dyn Store) -> Result<i64, CatalogueSyncError> {
    cursor_at(store, CURSOR_KEY)
}

/// The version kept under `key` in the store's settings (0: none yet).
pub(super) fn cursor_at(store: &dyn Store, key: &str) -> Result<i64, CatalogueSyncError> {
    let text = store.record(Table::Settings, key).map_err(|e| CatalogueSyncError::Store(e.to_string()))?;
    Ok(text.and_then(|t| t.trim().parse().ok()).unwrap_or(0))
}

/// [`cursor_at`] off the render loop.
pub(super) async fn read_cursor(store: &Arc<dyn Store>, key: &'static str) -> Result<i64, CatalogueSyncError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || cursor_at(&*store, key))
        .await
        .map_err(|e| CatalogueSyncError::Store(e.to_string()))?
}

async fn run(
    store: Arc<dyn Store>,
    config: BackofficeConfig,
    status: watch::Sender<SyncStatus>,
    msgs: UnboundedSender<Msg>,
    lock: super::DeliveryLock,
) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_millis(config.timeout_ms))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "no HTTP client: the catalogue is not followed");
            return;
        }
    };
    let every = Duration::from_secs(config.catalogue_poll_secs.max(1));
    let mut delivery = status.subscribe();
    loop {
        match follow_once(&client, &config, &store, &status, &msgs).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(changesets = n, "catalogue changes applied");
                // More may be waiting than one answer holds; and the office learns the new cursor.
                continue;
            }
            Err(e) => tracing::warn!(error = %e, "catalogue changes"),
        }
        match super::promotions::follow_once(&client, &config, &store, &status, &msgs).await {
            Ok(true) => {
                tracing::info!("promotions from the back office applied");
                continue;
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "promotions"),
        }
        // It holds up delivery while it waits for its answer: not while the office is unreachable.
        let reachable = status.borrow().last_error.is_none();
        if reachable {
            match super::stock::follow_once(&client, &config, &store, &lock, &status, &msgs).await {
                Ok(true) => tracing::info!("the shop's stock levels from the back office applied"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "stock levels"),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = back_online(&mut delivery) => tracing::info!("delivery got through again: asking for catalogue changes"),
        }
    }
}

/// Returns when delivery, failing, gets through again (never if the sync has stopped).
async fn back_online(delivery: &mut watch::Receiver<SyncStatus>) {
    let mut failing = delivery.borrow_and_update().last_error.is_some();
    loop {
        if delivery.changed().await.is_err() {
            return std::future::pending().await;
        }
        let now_failing = delivery.borrow_and_update().last_error.is_some();
        if failing && !now_failing {
            return;
        }
        failing = now_failing;
    }
}

/// One request and the changesets it brought, each applied and handed on: how many.
async fn follow_once(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    store: &Arc<dyn Store>,
    status: &watch::Sender<SyncStatus>,
    msgs: &UnboundedSender<Msg>,
) -> Result<usize, CatalogueSyncError> {
    let after = read_cursor(store, CURSOR_KEY).await?;
    status.send_if_modified(|s| {
        let changed = s.catalogue_version != Some(after);
        s.catalogue_version = Some(after);
        changed
    });
    let url = format!("{}{CATALOGUE_PATH}?after={after}", till_proto::enrol::base_url(&config.url));
    let text = signed_get(client, config, &url, &signing_key(after)).await?;
    let changes: Changes = serde_json::from_str(&text)
        .map_err(|e| CatalogueSyncError::Malformed { version: after, reason: e.to_string() })?;
    let mut applied = 0;
    let mut cursor = after;
    for changeset in changes.changesets.into_iter().filter(|c| c.version > after) {
        if changeset.version <= cursor {
            continue;
        }
        let version = changeset.version;
        let store = store.clone();
        let msg = tokio::task::spawn_blocking(move || apply(&*store, changeset))
            .await
            .map_err(|e| CatalogueSyncError::Store(e.to_string()))??;
        cursor = version;
        applied += 1;
        // The running till first, then the status (as in sync::promotions).
        let _ = msgs.send(msg);
        status.send_modify(|s| s.catalogue_version = Some(version));
    }
    Ok(applied)
}

/// A signed GET with an empty body (the key names the request), as the office's other calls: the
/// answer's text.
pub(super) async fn signed_get(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    url: &str,
    key: &str,
) -> Result<String, CatalogueSyncError> {
    let signer = sign::Signer { device_id: &config.device_id, key_id: &config.key_id, key: &config.key };
    let mut request = client.get(url);
    for (name, value) in signer.headers(super::deliver::signing_clock_secs(), key, "") {
        request = request.header(name, value);
    }
    let answer = request.send().await.map_err(|e| CatalogueSyncError::Unreachable(e.to_string()))?;
    let code = answer.status().as_u16();
    if code >= 500 || code == 408 || code == 429 {
        return Err(CatalogueSyncError::Unreachable(format!("HTTP {code}")));
    }
    if !answer.status().is_success() {
        return Err(CatalogueSyncError::Refused(code));
    }
    answer.text().await.map_err(|e| CatalogueSyncError::Unreachable(e.to_string()))
}

/// Writes one changeset and the new cursor in one durable write; the message for the running till.
pub fn apply(store: &dyn Store, changeset: Changeset) -> Result<Msg, CatalogueSyncError> {
    let version = changeset.version;
    let malformed = |reason: String| CatalogueSyncError::Malformed { version, reason };
    let products = changeset
        .products
        .into_iter()
        .map(serde_json::from_value::<Product>)
        .collect::<Result<Vec<Product>, _>>()
        .map_err(|e| malformed(e.to_string()))?;
    let store_error = |e: crate::store::StoreError| CatalogueSyncError::Store(e.to_string());
    let mut removed: BTreeSet<String> = changeset.removed.into_iter().collect();
    if changeset.full {
        let keep: BTreeSet<&str> = products.iter().map(|p| p.barcode.as_str()).collect();
        for (barcode, _) in store.records(Table::Catalogue).map_err(store_error)? {
            if !keep.contains(barcode.as_str()) {
                removed.insert(barcode);
            }
        }
    }
    let mut puts = Vec::with_capacity(products.len() + 2 * removed.len() + 1);
    for barcode in &removed {
        puts.push(Put::remove(Table::Catalogue, barcode.clone()));
        puts.push(Put::remove(Table::Stock, barcode.clone()));
    }
    for p in &products {
        puts.push(Put::json(Table::Catalogue, p.barcode.clone(), p).map_err(|e| malformed(e.to_string()))?);
    }
    puts.push(Put { table: Table::Settings, key: CURSOR_KEY.into(), value: Some(version.to_string()) });
    store.write_records(&puts, None).map_err(store_error)?;
    Ok(Msg::CatalogueChanged { products, removed: removed.into_iter().collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RedbStore;

    fn cola(price: i64) -> serde_json::Value {
        serde_json::json!({ "barcode": "6900138600889", "name": "Cola", "price": price })
    }

    #[test]
    fn a_changeset_and_its_cursor_are_written_together_and_a_full_one_replaces_the_catalogue() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RedbStore::open(&dir.path().join("store")).expect("store");
        let water = Put::json(Table::Catalogue, "111", &Product::new("111", "Water", crate::core::money::Fen(100)));
        store.write_records(&[water.expect("json")], None).expect("seed");
        assert_eq!(cursor(&store).expect("cursor"), 0);

        let msg = apply(&store, Changeset { version: 3, full: true, products: vec![cola(400)], removed: vec![] });
        let Ok(Msg::CatalogueChanged { products, removed }) = msg else { panic!("the changeset was not applied") };
        assert_eq!((products.len(), removed), (1, vec!["111".to_string()]));
        assert_eq!(cursor(&store).expect("cursor"), 3);
        let stored = store.records(Table::Catalogue).expect("catalogue");
        assert_eq!(stored.len(), 1);
        assert!(stored[0].1.contains("400"), "{stored:?}");

        let bad =
            Changeset { version: 4, full: false, products: vec![serde_json::json!({"name": 1})], removed: vec![] };
        assert!(matches!(apply(&store, bad), Err(CatalogueSyncError::Malformed { version: 4, .. })));
        assert_eq!(cursor(&store).expect("cursor"), 3, "nothing of a malformed changeset is applied");
    }
}
