//! Back-office sync: a background task that delivers the store's outbox, oldest record first, as a
//! signed JSON POST per record to the configured endpoint, and reports how far it got.
//!
//! Each record is sent until the back office has it (at least once); the back office keeps records
//! by their idempotency key, so a record sent twice (its answer lost to a pulled plug or a reset)
//! counts once. 2xx or 409 (already have it): delivered. Another 4xx: failed, kept and shown, tried
//! again every [`Timing::failed_retry`]; later records of the same order wait behind it, others go
//! on. A network error, 408, 429 or 5xx: the whole queue waits, with exponential backoff and jitter,
//! and goes on at once when a record gets through.
//!
//! Without a `[backoffice]` section records are still queued (the outbox is the till's record of
//! what the back office has not seen; one configured later receives them all) and only counted.

pub mod catalogue;
mod deliver;
pub mod enrolment;
pub mod orders;
pub mod promotions;
pub mod release;
pub mod stock;
pub use deliver::TEST_CLOCK_AHEAD_ENV;
/// How a record is signed: [`till_proto::sign`], shared with till-office.
pub use till_proto::sign;

use crate::core::Counters;
use crate::core::clock::Millis;
use crate::core::order::Order;
use crate::store::{self, Dispatch, Put, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// `[backoffice]` in `till.toml`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackofficeConfig {
    /// The endpoint records are POSTed to, e.g. `https://bo.example.com/v1/records`.
    pub url: String,
    /// Sent as `X-Till-Device`.
    pub device_id: String,
    /// The per-device signing key (HMAC-SHA256). Never logged.
    pub key: String,
    /// Sent as `X-Till-Key-Id`, so the back office can rotate keys.
    #[serde(default = "default_key_id")]
    pub key_id: String,
    /// Per request, connect to answer.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// How often the till asks for the back office's catalogue changes (also at start and when
    /// delivery gets through again), in seconds.
    #[serde(default = "default_catalogue_poll_secs")]
    pub catalogue_poll_secs: u64,
    /// How often the till asks which release the back office has for it (also at start), in
    /// seconds: daily by default ([`release`]).
    #[serde(default = "default_release_poll_secs")]
    pub release_poll_secs: u64,
}

fn default_key_id() -> String {
    "1".into()
}
fn default_timeout_ms() -> u64 {
    10_000
}
fn default_catalogue_poll_secs() -> u64 {
    60
}
fn default_release_poll_secs() -> u64 {
    24 * 3600
}

/// The demo's device and key (also the reference receiver's defaults).
pub const DEMO_DEVICE_ID: &str = "till-demo-01";
pub const DEMO_KEY: &str = "demo-backoffice-key";

impl BackofficeConfig {
    /// The demo's section, pointing at the reference receiver at `base_url`.
    pub fn demo(base_url: &str) -> BackofficeConfig {
        BackofficeConfig {
            url: format!("{base_url}{}", till_proto::RECORDS_PATH),
            device_id: DEMO_DEVICE_ID.into(),
            key: DEMO_KEY.into(),
            key_id: default_key_id(),
            timeout_ms: default_timeout_ms(),
            catalogue_poll_secs: default_catalogue_poll_secs(),
            release_poll_secs: default_release_poll_secs(),
        }
    }
}

impl std::fmt::Debug for BackofficeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackofficeConfig")
            .field("url", &self.url)
            .field("device_id", &self.device_id)
            .field("key", &"***")
            .field("key_id", &self.key_id)
            .field("timeout_ms", &self.timeout_ms)
            .field("catalogue_poll_secs", &self.catalogue_poll_secs)
            .field("release_poll_secs", &self.release_poll_secs)
            .finish()
    }
}

/// How delivery is going, for the status bar and the headless observation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Records not yet delivered and not refused.
    pub pending: usize,
    /// Records the back office refused (kept, retried slowly).
    pub failed: usize,
    /// The newest error (network, HTTP status or the store), cleared by the next delivery.
    pub last_error: Option<String>,
    pub last_success_at: Option<Millis>,
    /// The back office refused the till's clock (its signature's timestamp outside the office's
    /// window): how far ahead the till is, in seconds (negative: behind). Cleared by a delivery.
    #[serde(default)]
    pub clock_ahead_secs: Option<i64>,
    /// Whether a back office is configured at all.
    pub enabled: bool,
    /// The version of the back office's catalogue the till has applied (0: none yet); `None`
    /// until it has looked (sync::catalogue).
    #[serde(default)]
    pub catalogue_version: Option<i64>,
    /// The version of the back office's promotions the till has applied (0: none yet); `None`
    /// until it has looked (sync::promotions).
    #[serde(default)]
    pub promotions_version: Option<i64>,
    /// A release from the back office, downloaded and its signature checked, waiting in the
    /// maintenance menu for a supervisor to install it: its version ([`release`]).
    #[serde(default)]
    pub upgrade_waiting: Option<String>,
    /// Why the release the back office offered was not taken (its signature, its size, the
    /// download), one line; cleared when one is taken.
    #[serde(default)]
    pub upgrade_refused: Option<String>,
    /// The version of the shop's stock levels the till has applied (0: none yet); `None` until it
    /// has looked (sync::stock).
    #[serde(default)]
    pub stock_version: Option<i64>,
}

impl SyncStatus {
    /// Records the back office does not have yet: what the status bar shows.
    pub fn unsynced(&self) -> usize {
        self.pending + self.failed
    }
}

/// The delays of delivery; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// The first wait after a network error or 5xx; doubled per failure.
    pub backoff_first: Duration,
    pub backoff_max: Duration,
    /// How long a refused record waits before it is sent again.
    pub failed_retry: Duration,
    /// Looks at the outbox this often even when nothing woke the task.
    pub idle_poll: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            backoff_first: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
            failed_retry: Duration::from_secs(600),
            idle_poll: Duration::from_secs(30),
        }
    }
}

/// The running sync: the store to hand to the app (a save wakes the task) and the status.
pub struct Sync {
    pub store: Arc<dyn Store>,
    pub status: watch::Receiver<SyncStatus>,
    /// The back office's catalogue, followed once the till takes messages ([`catalogue::Follower::start`]).
    pub catalogue: catalogue::Follower,
    /// The back office's releases, followed once the maintenance host is known ([`release::Follower::start`]).
    pub release: release::Follower,
}

/// Starts delivery on the current tokio runtime with the default timing.
pub fn start(store: Arc<dyn Store>, config: Option<BackofficeConfig>) -> Sync {
    start_with(store, config, Timing::default())
}

/// Held by each delivery pass, and by a stock round from its request to its write (sync::stock):
/// no record reaches the office while the till combines the office's levels with its outbox.
pub(crate) type DeliveryLock = Arc<tokio::sync::Mutex<()>>;

pub fn start_with(store: Arc<dyn Store>, config: Option<BackofficeConfig>, timing: Timing) -> Sync {
    let wake = Arc::new(Notify::new());
    let (tx, status) = watch::channel(SyncStatus { enabled: config.is_some(), ..SyncStatus::default() });
    let delivery = DeliveryLock::default();
    let catalogue = catalogue::Follower {
        store: store.clone(),
        config: config.clone(),
        status: tx.clone(),
        delivery: delivery.clone(),
    };
    let release = release::Follower { config: config.clone(), status: tx.clone() };
    tokio::spawn(deliver::run(store.clone(), config, timing, wake.clone(), tx, delivery));
    Sync { store: Arc::new(WakingStore { inner: store, wake }), status, catalogue, release }
}

/// The store, waking the sync task after each save (a save may have queued a record).
struct WakingStore {
    inner: Arc<dyn Store>,
    wake: Arc<Notify>,
}

impl store::Wrapper for WakingStore {
    fn inner(&self) -> &dyn Store {
        &*self.inner
    }
    fn save(&self, order: &Order, counters: &Counters) -> Result<store::Moved, StoreError> {
        let moved = self.inner.save(order, counters)?;
        self.wake.notify_one();
        Ok(moved)
    }
    fn write_records(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError> {
        self.inner.write_records(puts, dispatch)?;
        if dispatch.is_some() {
            self.wake.notify_one();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fake::RecordingStore;

    #[tokio::test]
    async fn the_store_the_app_gets_passes_a_batch_mark_on_as_one_batch() {
        let inner = RecordingStore::default();
        let sync = start_with(Arc::new(inner.clone()), None, Timing::default());
        sync.store.outbox_mark_delivered_batch(&[1, 2, 3]).expect("batch");
        // The sync task reads the same store (its counts); only the marks matter here.
        let marks: Vec<String> =
            inner.0.entries().into_iter().filter(|e| e.starts_with("outbox_mark_delivered")).collect();
        assert_eq!(marks, vec!["outbox_mark_delivered_batch [1, 2, 3]".to_string()]);
    }
}
