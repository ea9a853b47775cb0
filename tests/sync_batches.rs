#![allow(clippy::panic)] // a test fails by panicking
//! Back-office delivery marks what the back office accepted in batches, one flushed transaction
//! for many records (the outbox drain budget of docs/performance.md), and a batch whose marking
//! never reached the disk (a crash between the answers and the commit) is sent again safely: the
//! back office answers 409 and keeps each record once, in the till's order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use till::core::Counters;
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::order::{Line, Order, OrderStatus, Refund, RefundState, Tender};
use till::sim::backoffice::{BackofficeSim, BackofficeSimConfig};
use till::store::{self, RedbStore, Store, StoreError};
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
    o.lines.push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 2 });
    o.status = OrderStatus::Paid;
    o.tender = Some(Tender::Cash { received: Fen(1000), change: Fen(300) });
    o.number = Some(format!("0100005225112201{id:04}"));
    o
}

fn refunded(mut o: Order, no: &str) -> Order {
    o.refunds.push(Refund {
        out_refund_no: no.into(),
        amount: Fen(100),
        total: Fen(700),
        refunded_before: Fen(0),
        requested_at: Millis(1_763_791_600_000),
        operator: "01".into(),
        state: RefundState::Refunded,
        refund_id: None,
        queries: 0,
        of: None,
        cash: true,
        returns: Vec::new(),
    });
    o
}

/// The real store, counting how delivered records are marked; its first `fail_marks` batch marks
/// fail before anything is written (the till stopped between the answers and the commit).
struct Counting {
    inner: RedbStore,
    single_marks: AtomicUsize,
    batches: Mutex<Vec<usize>>,
    fail_marks: AtomicUsize,
}

impl store::Wrapper for Counting {
    fn inner(&self) -> &dyn Store {
        &self.inner
    }
    fn outbox_mark_delivered(&self, seq: u64) -> Result<(), StoreError> {
        self.single_marks.fetch_add(1, Ordering::SeqCst);
        self.inner.outbox_mark_delivered(seq)
    }
    fn outbox_mark_delivered_batch(&self, seqs: &[u64]) -> Result<(), StoreError> {
        if self.fail_marks.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(StoreError::AppendOnly("outbox (the till stopped before the commit)"));
        }
        self.batches.lock().unwrap_or_else(|p| p.into_inner()).push(seqs.len());
        self.inner.outbox_mark_delivered_batch(seqs)
    }
}

/// A store that adds nothing to another, as the bench's timing store adds only to saves: the sync
/// task is handed one, and its batch marks must still reach the store below as batches.
struct Passing(Arc<Counting>);

impl store::Wrapper for Passing {
    fn inner(&self) -> &dyn Store {
        &*self.0
    }
}

async fn wait_until(status: &mut watch::Receiver<SyncStatus>, what: &str, pred: impl Fn(&SyncStatus) -> bool) {
    let reached =
        tokio::time::timeout(Duration::from_secs(60), status.wait_for(|s| pred(s))).await.is_ok_and(|r| r.is_ok());
    if !reached {
        panic!("sync did not reach '{what}'; last: {:?}", *status.borrow());
    }
}

struct Rig {
    store: Arc<Counting>,
    receiver: till::sim::backoffice::BackofficeHandle,
    _dir: tempfile::TempDir,
}

fn rig(fail_marks: usize) -> Rig {
    let receiver = BackofficeSim::start(([127, 0, 0, 1], 0).into(), BackofficeSimConfig::default()).expect("receiver");
    let dir = tempfile::tempdir().expect("tempdir");
    let inner = RedbStore::open(&dir.path().join("store")).expect("store");
    let store = Arc::new(Counting {
        inner,
        single_marks: AtomicUsize::new(0),
        batches: Mutex::new(Vec::new()),
        fail_marks: AtomicUsize::new(fail_marks),
    });
    Rig { store, receiver, _dir: dir }
}

impl Rig {
    fn config(&self) -> BackofficeConfig {
        BackofficeConfig { timeout_ms: 2_000, ..BackofficeConfig::demo(&self.receiver.base_url()) }
    }

    /// Every record once, in the till's sequence 1..=n as it arrived, each order's sale before
    /// its refunds, and nothing left in the outbox.
    fn assert_all_once_in_order(&self, n: u64) {
        let records = self.receiver.records();
        let seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "in the till's order, each once");
        let mut keys: Vec<&str> = records.iter().map(|r| r.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len() as u64, n, "no key twice");
        for r in records.iter().filter(|r| r.key.starts_with("refund:")) {
            let number = r.body["order_number"].as_str().unwrap_or_default().to_string();
            let sale = records.iter().position(|s| s.key == format!("order:{number}"));
            let refund = records.iter().position(|s| s.key == r.key);
            assert!(sale.is_some() && sale < refund, "{}: its sale first", r.key);
        }
        assert_eq!(self.store.outbox_counts().expect("counts"), (0, 0), "nothing left queued");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_records_are_marked_delivered_in_a_few_flushed_batches_in_order_through_a_wrapper() {
    let r = rig(0);
    // Every tenth sale refunded: its refund is queued after later sales, behind its own sale.
    let mut n = 0;
    for id in 1..=270 {
        r.store.save(&cash_sale(id), &Counters::default()).expect("save");
        n += 1;
        if id % 10 == 0 {
            r.store.save(&refunded(cash_sale(id - 5), &format!("R{id}")), &Counters::default()).expect("refund");
            n += 1;
        }
    }
    assert_eq!(n, 297);
    let mut s = sync::start_with(Arc::new(Passing(r.store.clone())), Some(r.config()), FAST);
    let receiver = &r.receiver;
    wait_until(&mut s.status, "all delivered", |st| st.pending == 0 && receiver.records().len() == n).await;
    r.assert_all_once_in_order(n as u64);
    assert_eq!(r.receiver.duplicates(), 0);
    let batches = r.store.batches.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert_eq!(batches.iter().sum::<usize>(), n, "each record marked once: {batches:?}");
    // 64 a pass (more only if a pass outlasts a second on a loaded machine), never one each.
    assert!(batches.len() <= n / 16, "a flushed commit per batch, not per record: {batches:?}");
    assert_eq!(r.store.single_marks.load(Ordering::SeqCst), 0, "no record marked on its own");
    let st = s.status.borrow().clone();
    assert!(st.last_success_at.is_some() && st.last_error.is_none() && st.failed == 0, "{st:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_posted_but_not_marked_are_sent_again_and_the_back_office_keeps_each_once() {
    // The first marking fails: the records the back office accepted are still in the outbox, as
    // after a crash between the answers and the commit.
    let r = rig(1);
    for id in 1..=20 {
        r.store.save(&cash_sale(id), &Counters::default()).expect("save");
    }
    let mut s = sync::start_with(r.store.clone(), Some(r.config()), FAST);
    let receiver = &r.receiver;
    wait_until(&mut s.status, "all delivered", |st| st.pending == 0 && receiver.records().len() == 20).await;
    r.assert_all_once_in_order(20);
    assert_eq!(r.receiver.duplicates(), 20, "the whole unmarked batch was sent again and answered 409");
    // Sold afterwards: delivered once, the outbox empty again.
    for id in 21..=25 {
        s.store.save(&cash_sale(id), &Counters::default()).expect("save");
    }
    wait_until(&mut s.status, "the later ones too", |st| st.pending == 0 && receiver.records().len() == 25).await;
    r.assert_all_once_in_order(25);
    assert_eq!(r.receiver.duplicates(), 20);
}
