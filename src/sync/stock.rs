//! The shop's stock levels, down to the till (till_proto::stock), asked for in the same round as
//! the catalogue and promotions. The round holds the delivery lock from the request to the write,
//! so no record of this till reaches the office in between: every record not in the outbox is in
//! the office's levels, and of those in the outbox the answer names the ones it has (`own`). The
//! levels plus the till's own moves not counted in them are written in one durable write, off the
//! render loop (`store::Store::stock_from_office`), and the new counts handed to the running till
//! ([`Msg::StockCounts`]). docs/back-office.md, "Stock across tills".

use super::catalogue::CatalogueSyncError;
use super::{BackofficeConfig, DeliveryLock, SyncStatus};
use crate::core::Msg;
use crate::store::Store;
use std::sync::Arc;
use till_proto::stock::{STOCK_PATH, StockAnswer, signing_key};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

/// In the store's settings: the version of the office's levels applied last.
pub use crate::store::STOCK_VERSION_KEY as CURSOR_KEY;

/// One request and the levels it brought applied: whether there were any.
pub(super) async fn follow_once(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    store: &Arc<dyn Store>,
    delivery: &DeliveryLock,
    status: &watch::Sender<SyncStatus>,
    msgs: &UnboundedSender<Msg>,
) -> Result<bool, CatalogueSyncError> {
    let _no_delivery = delivery.lock().await;
    let after = super::catalogue::read_cursor(store, CURSOR_KEY).await?;
    status.send_if_modified(|s| {
        let changed = s.stock_version != Some(after);
        s.stock_version = Some(after);
        changed
    });
    let from = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.outbox_pending(1))
            .await
            .map_err(|e| CatalogueSyncError::Store(e.to_string()))?
            .map_err(|e| CatalogueSyncError::Store(e.to_string()))?
            .first()
            .map_or(i64::MAX as u64, |r| r.seq)
    };
    let url = format!("{}{STOCK_PATH}?after={after}&from={from}", till_proto::enrol::base_url(&config.url));
    let text = super::catalogue::signed_get(client, config, &url, &signing_key(after, from)).await?;
    let answer: StockAnswer = serde_json::from_str(&text)
        .map_err(|e| CatalogueSyncError::Malformed { version: after, reason: e.to_string() })?;
    let Some(levels) = answer.levels.filter(|l| l.version > after) else { return Ok(false) };
    let version = levels.version;
    let store = store.clone();
    let counts =
        tokio::task::spawn_blocking(move || store.stock_from_office(&levels.levels, &levels.own, levels.version))
            .await
            .map_err(|e| CatalogueSyncError::Store(e.to_string()))?
            .map_err(|e| CatalogueSyncError::Store(e.to_string()))?;
    let _ = msgs.send(Msg::StockCounts { counts });
    status.send_modify(|s| s.stock_version = Some(version));
    Ok(true)
}
