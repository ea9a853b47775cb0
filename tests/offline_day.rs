#![allow(clippy::panic)] // a test fails by panicking
//! Issue 5's offline scenario: the back office cannot be reached for ten minutes of selling — cash
//! sales, code sales and refunds of them (the payment platform is up; only the back office is
//! not). Everything the till owes the back office queues in the durable outbox and the count shows
//! in the observation the status bar draws from; when the network is back, every record arrives
//! exactly once, and each order's records in order (the sale before its refunds).
//!
//! In process, with the real redb store, real HTTP to the Cloud Pay simulator and to the reference
//! receiver: the till's time is a manual clock (ten minutes of it take a few seconds), the sync
//! task's backoff is shortened through its `Timing`.

mod common;

use common::books::{assert_delivered_once, assert_money_agrees, expected_keys};
use common::counter::{self, Counter, Idle, Patience};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use till::app::headless::observe;
use till::app::{Clock, ManualClock};
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::{RefundState, Tender};
use till::core::{Key, Lang, Msg, Screen, Settings, State};
use till::devices::fake::PaperRoll;
use till::payments::cloudpay::CloudPayConfig;
use till::sim::backoffice::{BackofficeSim, BackofficeSimConfig, Fault};
use till::store::{RedbStore, Store};
use till::sync::{self, BackofficeConfig, Timing};

/// 2025-11-22 09:00:00 in Beijing.
const T0: Millis = Millis(1_763_773_200_000);
/// The length of the outage, in the till's time.
const OUTAGE_SECS: i64 = 600;
/// A customer every this many seconds of till time.
const EVERY_SECS: i64 = 15;
/// Real time for an answer from the simulator while a call is out.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
/// Minutes of backoff, in milliseconds: the sync task's clock is the real one.
const FAST: Timing = Timing {
    backoff_first: Duration::from_millis(20),
    backoff_max: Duration::from_millis(200),
    failed_retry: Duration::from_secs(60),
    idle_poll: Duration::from_millis(500),
};

struct Shop {
    till: Counter,
    products: Vec<String>,
}

impl Shop {
    /// Time passes at the counter until `at` (seconds after T0); answers already in are applied.
    async fn until(&mut self, at: i64) {
        self.till.pass_until(T0.plus_secs(at)).await;
    }

    fn ring_up(&mut self, n: usize) {
        assert_eq!(self.till.state().screen, Screen::Sale, "a new customer at the sale screen");
        for i in 0..=n % 3 {
            let code = self.products[(n + i) % self.products.len()].clone();
            self.till.engine.handle(Msg::Scan(code));
        }
        self.till.key(Key::Enter);
        assert_eq!(self.till.state().screen, Screen::Pay { cash_entry: false });
    }

    /// The exact total in cash.
    fn cash_sale(&mut self, n: usize) {
        self.ring_up(n);
        self.till.key(Key::F(2));
        self.till.key(Key::Enter);
        assert!(matches!(self.till.state().sale.tender, Some(Tender::Cash { .. })), "paid in cash");
        self.till.key(Key::Esc);
    }

    /// Paid by a WeChat payment code; returns the order's number.
    async fn code_sale(&mut self, n: usize) -> String {
        self.ring_up(n);
        self.till.engine.handle(Msg::Scan(format!("13{:012}{}", n * 7919, 5000 + n)));
        self.till.settle("payment", |s| matches!(s.screen, Screen::Done { .. })).await;
        let number = match &self.till.state().sale.tender {
            Some(Tender::Code { out_trade_no, .. }) => out_trade_no.clone(),
            other => panic!("paid by {other:?}"),
        };
        self.till.key(Key::Esc);
        number
    }

    /// Refunds `amount` of the order `number` and follows it until the platform says refunded.
    async fn refund(&mut self, number: &str, amount: Fen) {
        self.till.engine.handle(Msg::Scan(number.to_string()));
        self.till.settle("lookup", |s| s.lookup.as_ref().is_some_and(|v| !v.pending)).await;
        self.till.clear_input();
        self.till.typed(&amount.to_string());
        self.till.key(Key::Enter);
        assert_eq!(self.till.state().notice, Some(Notice::Refunding { amount }), "refund sent");
        let no = number.to_string();
        self.till
            .settle("refund", move |s| {
                let order = s.lookup.as_ref().and_then(|v| v.order.as_ref());
                let busy = s.background.iter().any(|o| o.number.as_deref() == Some(no.as_str()));
                !busy && order.is_some_and(|o| o.refunds.iter().all(|r| r.state.is_final()))
            })
            .await;
        for _ in 0..3 {
            if self.till.state().screen == Screen::Sale {
                break;
            }
            self.till.key(Key::Esc);
        }
    }
}

fn settings(prefix: &str) -> Settings {
    Settings {
        shop_name: "Offline Corner".into(),
        operator: "01".into(),
        order_prefix: prefix.into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang: Lang::En,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_minutes_without_the_back_office_then_every_record_once_in_order() {
    let wall = Instant::now();
    let clock = Arc::new(ManualClock::new(T0));
    let (sim, gateway) = counter::cloud_pay(&clock);
    let receiver = BackofficeSim::start(([127, 0, 0, 1], 0).into(), BackofficeSimConfig::default()).expect("receiver");
    receiver.set_down(true).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(RedbStore::open(&dir.path().join("store")).expect("store"));
    let backoffice = BackofficeConfig { timeout_ms: 500, ..BackofficeConfig::demo(&receiver.base_url()) };
    let sync = sync::start_with(store.clone(), Some(backoffice), FAST);
    let prefix = CloudPayConfig::demo(&sim.base_url()).cloud_cashier_id;
    let devices = counter::devices(sync.store, &PaperRoll::default(), 50);
    let catalogue = till::demo::catalogue(Lang::En);
    let products = catalogue.iter().map(|p| p.barcode.clone()).collect();
    let state = State::new(settings(&prefix), catalogue);
    let patience =
        Patience { answer_within: ANSWER_WITHIN, idle: Idle::Fail, till_time_ms: 600_000, ..Patience::default() };
    let mut till = Counter::start(state, gateway, devices, clock.clone(), patience);
    till.engine.attach_sync(sync.status);
    let mut shop = Shop { till, products };
    shop.till.settle("start", |s| s.ready).await;

    // Ten minutes of customers: mostly cash, every fourth by payment code; some of those come back
    // for a refund, two of them twice.
    let (mut cash, mut code, mut refunds) = (0, 0, 0);
    let mut paid_by_code: Vec<String> = Vec::new();
    let mut n = 0;
    while shop.till.clock.now().since(T0) < OUTAGE_SECS * 1000 {
        n += 1;
        if n % 4 == 0 {
            paid_by_code.push(shop.code_sale(n).await);
            code += 1;
        } else {
            shop.cash_sale(n);
            cash += 1;
        }
        if n % 6 == 0 && !paid_by_code.is_empty() {
            let number = paid_by_code[(n / 6) % paid_by_code.len().min(3)].clone();
            shop.refund(&number, Fen(10 + n as i64)).await;
            refunds += 1;
        }
        shop.until(n as i64 * EVERY_SECS).await;
    }
    shop.till.engine.durable().await;
    let owed = expected_keys(&store.orders().expect("orders")).len();
    assert_eq!(owed, cash + code + refunds, "each sale and each refund owes the back office a record");

    // All of it queued and shown; nothing has reached the back office.
    let deadline = Instant::now() + Duration::from_secs(10);
    let seen = loop {
        let seen = observe(&shop.till.engine).sync;
        if seen.pending == owed && seen.last_error.is_some() {
            break seen;
        }
        assert!(Instant::now() < deadline, "the observation shows {seen:?}, not {owed} queued");
        shop.till.engine.next_msg(Duration::from_millis(20)).await;
    };
    assert!(seen.enabled && seen.failed == 0 && seen.last_success_at.is_none(), "{seen:?}");
    assert_eq!(seen.unsynced(), owed, "the status bar's count");
    assert!(receiver.records().is_empty());
    eprintln!(
        "offline for {} s of till time: {cash} cash sales, {code} code sales, {refunds} refunds; {} records queued",
        shop.till.clock.now().since(T0) / 1000,
        seen.pending
    );

    // The network is back; the first answer is lost on the way (the receiver keeps the record,
    // the till never hears): sent again, kept once.
    receiver.inject(Fault::Reset);
    receiver.set_down(false).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = observe(&shop.till.engine).sync;
        if s.unsynced() == 0 && s.last_success_at.is_some() {
            assert_eq!(s.last_error, None);
            break;
        }
        assert!(Instant::now() < deadline, "not all delivered: {s:?}, receiver has {}", receiver.records().len());
        shop.till.engine.next_msg(Duration::from_millis(20)).await;
    }

    let orders = store.orders().expect("orders");
    assert_delivered_once(&orders, &receiver);
    assert_money_agrees(&orders, &sim);
    assert_eq!(receiver.duplicates(), 1, "the record whose answer was lost, sent again");
    assert_eq!(store.outbox_counts().expect("counts"), (0, 0));
    assert!(orders.iter().flat_map(|o| &o.refunds).all(|r| r.state == RefundState::Refunded));

    // In order: the till's sequence as it arrived, and per order the sale before its refunds.
    let records = receiver.records();
    let seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=owed as u64).collect::<Vec<_>>(), "arrived in the till's order");
    let mut per_order: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    for r in &records {
        let number = match r.kind.as_str() {
            "order" => r.body["order"]["number"].as_str(),
            _ => r.body["order_number"].as_str(),
        };
        let number = number.unwrap_or_else(|| panic!("{} names no order", r.key)).to_string();
        per_order.entry(number).or_default().push((r.seq, r.kind.clone()));
    }
    let twice_refunded = per_order.values().filter(|v| v.len() >= 3).count();
    assert!(twice_refunded >= 2, "orders refunded twice: {twice_refunded}");
    for (number, got) in &per_order {
        assert_eq!(got[0].1, "order", "{number}: the sale first: {got:?}");
        assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "{number}: in sequence: {got:?}");
    }
    eprintln!(
        "back online: {} records delivered once each ({} resent), {} orders with refunds; {:.1} s wall",
        records.len(),
        receiver.duplicates(),
        per_order.values().filter(|v| v.len() > 1).count(),
        wall.elapsed().as_secs_f64()
    );
}
