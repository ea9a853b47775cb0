//! Promotions' way down (till_proto::promotions): asked for with the catalogue's changes (at start,
//! every [`BackofficeConfig::catalogue_poll_secs`] and when delivery gets through again). The newest
//! set replaces the till's promotions and moves the cursor in one durable write, off the render
//! loop; the running till then sells with it at once ([`Msg::PromotionsChanged`], audited).

use super::catalogue::CatalogueSyncError;
use super::{BackofficeConfig, SyncStatus};
use crate::core::Msg;
use crate::core::pricing::promo::Promotion;
use crate::store::{Put, Store, Table};
use std::sync::Arc;
use till_proto::promotions::{PROMOTIONS_PATH, PromotionChanges, PromotionSet, signing_key};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

/// In the store's settings: the version of the newest promotions set applied.
pub const CURSOR_KEY: &str = "promotions_version";

/// The applied version kept in the store (0: none yet).
pub fn cursor(store: &dyn Store) -> Result<i64, CatalogueSyncError> {
    super::catalogue::cursor_at(store, CURSOR_KEY)
}

/// One request, and the set it brought applied and handed on: whether there was one.
pub(super) async fn follow_once(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    store: &Arc<dyn Store>,
    status: &watch::Sender<SyncStatus>,
    msgs: &UnboundedSender<Msg>,
) -> Result<bool, CatalogueSyncError> {
    let after = super::catalogue::read_cursor(store, CURSOR_KEY).await?;
    status.send_if_modified(|s| {
        let changed = s.promotions_version != Some(after);
        s.promotions_version = Some(after);
        changed
    });
    let url = format!("{}{PROMOTIONS_PATH}?after={after}", till_proto::enrol::base_url(&config.url));
    let text = super::catalogue::signed_get(client, config, &url, &signing_key(after)).await?;
    let changes: PromotionChanges = serde_json::from_str(&text)
        .map_err(|e| CatalogueSyncError::Malformed { version: after, reason: e.to_string() })?;
    let Some(set) = changes.set.filter(|s| s.version > after) else { return Ok(false) };
    let version = set.version;
    let store = store.clone();
    let msg = tokio::task::spawn_blocking(move || apply(&*store, set))
        .await
        .map_err(|e| CatalogueSyncError::Store(e.to_string()))??;
    // The running till first, then the status: whoever sees the new version and then scans is
    // priced with it (the scan queues behind the set).
    let _ = msgs.send(msg);
    status.send_modify(|s| s.promotions_version = Some(version));
    Ok(true)
}

/// Replaces the stored promotions with the set's and moves the cursor, in one durable write; the
/// message for the running till. A set with one malformed promotion is not applied at all.
pub fn apply(store: &dyn Store, set: PromotionSet) -> Result<Msg, CatalogueSyncError> {
    let version = set.version;
    let malformed = |reason: String| CatalogueSyncError::Malformed { version, reason };
    let promotions = set
        .promotions
        .into_iter()
        .map(serde_json::from_value::<Promotion>)
        .collect::<Result<Vec<Promotion>, _>>()
        .map_err(|e| malformed(e.to_string()))?;
    let mut puts =
        crate::app::promotions::replacing(store, &promotions).map_err(|e| CatalogueSyncError::Store(e.to_string()))?;
    puts.push(Put { table: Table::Settings, key: CURSOR_KEY.into(), value: Some(version.to_string()) });
    store.write_records(&puts, None).map_err(|e| CatalogueSyncError::Store(e.to_string()))?;
    Ok(Msg::PromotionsChanged { version, promotions })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RedbStore;

    fn special(id: &str) -> serde_json::Value {
        let csv =
            format!("{}\n{id},可乐特价,special,3.00,item:6900138600889,,,,\n", crate::app::promotions_csv::HEADER);
        let p = crate::app::promotions_csv::parse(&csv).expect("csv").remove(0);
        serde_json::to_value(p).expect("json")
    }

    #[test]
    fn a_set_replaces_the_promotions_with_its_cursor_and_a_malformed_one_changes_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RedbStore::open(&dir.path().join("store")).expect("store");
        crate::app::promotions::import_csv(
            &store,
            &format!("{}\nOLD,x,percent,10,all,,,,\n", crate::app::promotions_csv::HEADER),
        )
        .expect("seed");
        let msg = apply(&store, PromotionSet { version: 2, promotions: vec![special("T1")] });
        let Ok(Msg::PromotionsChanged { version: 2, promotions }) = msg else { panic!("not applied: {msg:?}") };
        assert_eq!(promotions.len(), 1);
        let stored = crate::app::promotions::stored(&store).expect("stored");
        assert_eq!(stored.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), vec!["T1"], "the old one left");
        assert_eq!(cursor(&store).expect("cursor"), 2);

        let bad = PromotionSet { version: 3, promotions: vec![special("T2"), serde_json::json!({"id": 1})] };
        assert!(matches!(apply(&store, bad), Err(CatalogueSyncError::Malformed { version: 3, .. })));
        assert_eq!(cursor(&store).expect("cursor"), 2, "nothing of a malformed set is applied");
        assert_eq!(crate::app::promotions::stored(&store).expect("stored").len(), 1);
    }
}
