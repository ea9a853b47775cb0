#![allow(clippy::panic)] // a test fails by panicking
//! Back-office delivery over real HTTP: the store's outbox, the sync task and the reference receiver,
//! with the receiver down, faulty, or refusing the key.

use std::sync::Arc;
use std::time::Duration;
use till::core::Counters;
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::order::{Line, Order, OrderStatus, Tender};
use till::sim::backoffice::{BackofficeHandle, BackofficeSim, BackofficeSimConfig, Fault};
use till::store::{OutboxState, RedbStore, Store};
use till::sync::{self, BackofficeConfig, SyncStatus, Timing};
use tokio::sync::watch;

const FAST: Timing = Timing {
    backoff_first: Duration::from_millis(20),
    backoff_max: Duration::from_millis(200),
    failed_retry: Duration::from_secs(60),
    idle_poll: Duration::from_secs(1),
};

fn cash_sale(id: u64) -> Order {
    let mut o = Order::new(id, Millis(1_763_791_500_000), "01".into());
    o.lines.push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 1 });
    o.status = OrderStatus::Paid;
    o.tender = Some(Tender::Cash { received: Fen(500), change: Fen(150) });
    o.number = Some(format!("0100005225112201{id:04}"));
    o
}

struct Bench {
    receiver: BackofficeHandle,
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

fn bench() -> Bench {
    let receiver = BackofficeSim::start(([127, 0, 0, 1], 0).into(), BackofficeSimConfig::default()).expect("receiver");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(RedbStore::open(&dir.path().join("store")).expect("store"));
    Bench { receiver, store, _dir: dir }
}

impl Bench {
    fn config(&self) -> BackofficeConfig {
        BackofficeConfig { timeout_ms: 500, ..BackofficeConfig::demo(&self.receiver.base_url()) }
    }

    fn sell(store: &dyn Store, ids: std::ops::RangeInclusive<u64>) {
        for id in ids {
            store.save(&cash_sale(id), &Counters::default()).expect("save");
        }
    }

    /// Each key once, and the till's sequence 1..=n in order of arrival: no gaps, no reordering.
    fn assert_received_in_order_once(&self, n: u64) {
        let records = self.receiver.records();
        let seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>());
        for (r, id) in records.iter().zip(1..) {
            assert_eq!(r.key, format!("order:0100005225112201{id:04}"));
            assert_eq!(r.body["order"]["lines"][0]["unit_price"], 350);
        }
        assert_eq!(self.store.outbox_counts().expect("counts"), (0, 0), "nothing left queued");
    }
}

async fn wait_until(status: &mut watch::Receiver<SyncStatus>, what: &str, pred: impl Fn(&SyncStatus) -> bool) {
    let reached =
        tokio::time::timeout(Duration::from_secs(30), status.wait_for(|s| pred(s))).await.is_ok_and(|r| r.is_ok());
    if !reached {
        panic!("sync did not reach '{what}'; last: {:?}", *status.borrow());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_orders_are_delivered_in_order_exactly_once() {
    let b = bench();
    Bench::sell(b.store.as_ref(), 1..=25);
    let mut s = sync::start_with(b.store.clone(), Some(b.config()), FAST);
    // The rest are sold while delivery runs: each save wakes it.
    Bench::sell(s.store.as_ref(), 26..=50);
    let receiver = &b.receiver;
    wait_until(&mut s.status, "all 50 delivered", |st| st.pending == 0 && receiver.records().len() == 50).await;
    b.assert_received_in_order_once(50);
    assert_eq!(b.receiver.duplicates(), 0);
    let st = s.status.borrow().clone();
    assert!(st.last_success_at.is_some() && st.last_error.is_none() && st.enabled, "{st:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_down_for_a_while_gets_everything_once_when_it_is_back() {
    let b = bench();
    b.receiver.set_down(true).await;
    let mut s = sync::start_with(b.store.clone(), Some(b.config()), FAST);
    Bench::sell(s.store.as_ref(), 1..=10);
    wait_until(&mut s.status, "queued and failing", |st| st.pending == 10 && st.last_error.is_some()).await;
    let error = s.status.borrow().last_error.clone().unwrap_or_default();
    assert!(error.contains("onnect"), "a network error is shown: {error}");
    assert!(b.receiver.records().is_empty());
    b.receiver.set_down(false).await;
    let receiver = &b.receiver;
    wait_until(&mut s.status, "delivered after the outage", |st| st.pending == 0 && receiver.records().len() == 10)
        .await;
    b.assert_received_in_order_once(10);
    assert_eq!(b.receiver.duplicates(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_and_server_errors_are_retried_and_counted_once() {
    let b = bench();
    // Reset, truncated, garbage and a too-late answer: the receiver kept the record, the till
    // does not know and sends it again. 503: it never got it.
    for fault in [Fault::Reset, Fault::Http5xx, Fault::Truncated, Fault::Delay(1_500), Fault::Garbage, Fault::Http5xx] {
        b.receiver.inject(fault);
    }
    Bench::sell(b.store.as_ref(), 1..=6);
    let mut s = sync::start_with(b.store.clone(), Some(b.config()), FAST);
    let receiver = &b.receiver;
    wait_until(&mut s.status, "all delivered despite the faults", |st| {
        st.pending == 0 && receiver.records().len() == 6
    })
    .await;
    b.assert_received_in_order_once(6);
    assert!(b.receiver.duplicates() >= 1, "a record whose answer was lost was sent again and recognised");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_fails_every_record_with_the_reason_and_keeps_them() {
    let b = bench();
    Bench::sell(b.store.as_ref(), 1..=3);
    let config = BackofficeConfig { key: "not-the-key".into(), ..b.config() };
    let mut s = sync::start_with(b.store.clone(), Some(config), FAST);
    wait_until(&mut s.status, "all three failed", |st| st.failed == 3 && st.pending == 0).await;
    let error = s.status.borrow().last_error.clone().unwrap_or_default();
    assert!(error.contains("401") && error.contains("bad signature"), "{error}");
    assert!(b.receiver.records().is_empty());
    let kept = b.store.outbox_pending(10).expect("pending");
    assert_eq!(kept.len(), 3);
    assert!(kept.iter().all(|r| r.state == OutboxState::Failed
        && r.last_error.as_deref() == Some(error.split_once(": ").map_or("", |(_, e)| e))));
    assert_eq!(b.store.outbox_counts().expect("counts"), (0, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_back_office_records_stay_queued_and_are_counted() {
    let b = bench();
    let mut s = sync::start_with(b.store.clone(), None, FAST);
    Bench::sell(s.store.as_ref(), 1..=4);
    wait_until(&mut s.status, "four counted", |st| st.pending == 4).await;
    assert!(!s.status.borrow().enabled);
    assert_eq!(b.store.outbox_pending(10).expect("pending").len(), 4);
}
