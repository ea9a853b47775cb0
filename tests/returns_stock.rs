//! Goods coming back through the whole app: the real engine and effect runner, the real redb
//! store, the Cloud Pay simulator over HTTP and the print queue. A sale takes goods out of stock;
//! a refund of chosen goods puts exactly those back; a price adjustment moves nothing; the refund
//! of the rest by amount puts back only what had not come back yet. The refund slip lists the
//! goods.

#![allow(clippy::panic)] // the driver fails the test by panicking

mod common;

use common::counter::{self, Counter, Patience};

use std::sync::Arc;
use std::time::Duration;
use till::app::ManualClock;
use till::core::catalog::{Catalogue, Product};
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::{RefundState, Tender};
use till::core::{Key, Lang, Msg, Screen, Settings, State};
use till::devices::fake::PaperRoll;
use till::escpos::{PrinterProfile, decode, to_text_lines};
use till::store::{Put, RedbStore, Store, Table};

const T0: Millis = Millis(1_763_771_400_000);
const WITHIN: Duration = Duration::from_secs(5);
const COLA: &str = "6900138600889";
const NOODLES: &str = "6920152400777";

struct Shop {
    till: Counter,
    store: Arc<RedbStore>,
}

impl Shop {
    /// Settled, and what the till did on the way is on disk (the counts are read from the store).
    async fn settle(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        self.till.settle(what, done).await;
        self.till.engine.durable().await;
    }

    /// The counts in the store (what the low-stock list and the next start read).
    fn counts(&self) -> (i64, i64) {
        let counts = till::app::stock::counts(&*self.store).expect("counts");
        let of = |b: &str| counts.iter().find(|(k, _)| k == b).map(|(_, n)| *n).expect("counted");
        (of(COLA), of(NOODLES))
    }

    /// Enter on the lookup screen, then the refund's answer and the refreshed lookup.
    async fn refund(&mut self) {
        self.till.key(Key::Enter);
        assert!(matches!(self.till.state().notice, Some(Notice::Refunding { .. })), "{:?}", self.till.state().notice);
        self.settle("refund", |s| s.background.is_empty() && s.lookup.as_ref().is_some_and(|v| !v.pending)).await;
        let order = self.till.state().lookup.as_ref().and_then(|v| v.order.clone()).expect("order");
        assert_eq!(order.refunds.last().map(|r| r.state.clone()), Some(RefundState::Refunded));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goods_come_back_to_stock_with_the_refund_that_returns_them_and_never_twice() {
    let clock = Arc::new(ManualClock::new(T0));
    let (_sim, client) = counter::cloud_pay(&clock); // the simulator runs while its handle lives
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(RedbStore::open(&dir.path().join("store")).expect("store"));
    let stock = |b: &str, n: &str| Put { table: Table::Stock, key: b.into(), value: Some(n.into()) };
    store.write_records(&[stock(COLA, "10"), stock(NOODLES, "5")], None).expect("counts");
    let roll = PaperRoll::default();
    let devices = counter::devices(store.clone(), &roll, 50);
    let settings = Settings {
        shop_name: "Happy Corner Shop".into(),
        operator: "01".into(),
        order_prefix: "01000052".into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang: Lang::En,
    };
    let catalogue = Catalogue::new([
        Product::new(COLA, "Coca-Cola 330ml", Fen(350)),
        Product::new(NOODLES, "Beef noodles", Fen(450)),
    ]);
    let state = State::new(settings, catalogue);
    let patience = Patience { answer_within: WITHIN, steps: 1_000, ..Patience::default() };
    let mut shop = Shop { till: Counter::start(state, client, devices, clock, patience), store };
    shop.settle("start", |s| s.ready).await;

    // A sale: three colas and the noodles (15.00) by WeChat Pay.
    for code in [COLA, COLA, COLA, NOODLES] {
        shop.till.engine.handle(Msg::Scan(code.into()));
    }
    shop.till.key(Key::Enter);
    shop.till.engine.handle(Msg::Scan("134680423163089456".into()));
    shop.settle("payment", |s| matches!(s.screen, Screen::Done { .. })).await;
    let Some(Tender::Code { out_trade_no, .. }) = shop.till.state().sale.tender.clone() else { panic!("paid by code") };
    assert_eq!(shop.counts(), (7, 4), "the sale took its goods out");

    // The customer brings two colas back: the receipt scanned, 2 * on the cola line.
    shop.till.engine.handle(Msg::Scan(out_trade_no.clone()));
    shop.settle("lookup", |s| s.lookup.as_ref().is_some_and(|v| !v.pending)).await;
    assert_eq!(shop.till.state().input, "15.00");
    shop.till.typed("2*");
    assert_eq!(shop.till.state().input, "7.00", "the refund is the goods' value");
    shop.refund().await;
    assert_eq!(shop.counts(), (9, 4), "exactly the two colas are back");

    // A price adjustment of 1.00 (no goods chosen): stock stays.
    shop.till.typed("1.00");
    shop.refund().await;
    assert_eq!(shop.counts(), (9, 4));

    // The rest by amount (7.00): nothing is proposed after a refund, the cashier types it again;
    // what had not come back yet comes back, once.
    assert_eq!(shop.till.state().input, "", "no second refund is proposed");
    shop.till.typed("7.00");
    shop.refund().await;
    assert_eq!(shop.counts(), (10, 5), "one cola and the noodles; the two colas not again");
    let order = shop.till.state().lookup.as_ref().and_then(|v| v.order.clone()).expect("order");
    assert_eq!(order.refunds.iter().filter(|r| r.state == RefundState::Refunded).count(), 3);
    let markers = shop.store.records(Table::StockMoves).expect("markers");
    let keys: Vec<&str> = markers.iter().map(|(k, _)| k.as_str()).collect();
    let goods_refund = &order.refunds[0].out_refund_no;
    let id = order.id;
    assert_eq!(keys.len(), 3, "{keys:?}");
    for key in [format!("sale:{id}"), format!("return:{id}:{goods_refund}"), format!("return:{id}")] {
        assert!(keys.contains(&key.as_str()), "{key} in {keys:?}");
    }

    // The first refund's slip lists the goods that came back.
    let p = PrinterProfile::mm58();
    let mut slip = None;
    for _ in 0..50 {
        let jobs = roll.jobs();
        slip =
            jobs.into_iter().find(|job| job.windows(6).any(|w| w == b"REFUND") && job.windows(4).any(|w| w == b"7.00"));
        if slip.is_some() {
            break;
        }
        shop.till.engine.next_msg(Duration::from_millis(100)).await;
    }
    let lines = to_text_lines(&decode(&slip.expect("the refund slip printed"), &p).expect("decodes"), p.columns);
    assert!(lines.iter().any(|l| l.contains("Coca-Cola 330ml")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("2 x 3.50") && l.ends_with("7.00")), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("Beef noodles")), "{lines:#?}");
}
