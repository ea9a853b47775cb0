#![allow(clippy::panic)] // a test fails by panicking
//! Goods in / stock counts and training mode end to end: the real `till` binary (headless), a real
//! store file, the Cloud Pay simulator.
//!
//! * A stock count goes on while the till sells: the variance of each product is taken against its
//!   count when it was counted, so the sales made meanwhile are kept; the sheet is applied once, in
//!   one write with its back-office record, printed and exported as CSV.
//! * A training-mode sale (a payment code and cash) leaves the books untouched: no order, no stock
//!   move, no outbox record, nothing charged at the shop's platform; only the audit log says that
//!   training began and ended.

mod common;

use common::process::{TillProcess, World};
use std::time::Duration;
use till::config::Config;
use till::core::intent::Intent;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::stocktake::StockNotice;
use till::core::{Key, Lang, Msg, Screen};
use till::sim::cloudpay::SimConfig;
use till::store::{OutboxKind, RedbStore, Store, Table};

const COLA: &str = "6900138600889"; // 3.50
const NOODLES: &str = "6920152400777"; // 4.50
const SECS: fn(u64) -> Duration = Duration::from_secs;

fn demo_count(barcode: &str) -> i64 {
    till::demo::catalogue_with_stock(Lang::En).stock(barcode).expect("a counted demo product")
}

fn counts(w: &World) -> Vec<(String, i64)> {
    let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
    till::app::stock::counts(&store).expect("counts")
}

fn count_of(all: &[(String, i64)], barcode: &str) -> i64 {
    all.iter().find(|(b, _)| b == barcode).map(|(_, n)| *n).expect("counted")
}

fn typed_keys(till: &mut TillProcess, text: &str) {
    for c in text.chars() {
        till.key(Key::Char(c));
    }
}

/// Two colas paid by a WeChat payment code; returns the receipt's number.
fn code_sale_two_colas(till: &mut TillProcess) -> String {
    till.scan(COLA);
    till.scan(COLA);
    till.wait_for("two colas", SECS(5), |o| o.total == Fen(700));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.scan("134680423163089456");
    let done = till.wait_for("paid", SECS(15), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    done.number.expect("a number")
}

/// The printer's file once it holds `text` (the printer runs beside the till: checked until the
/// deadline).
fn printed_within(w: &World, within: Duration, text: &str) -> String {
    let printed = || String::from_utf8_lossy(&w.receipts()).to_string();
    common::wait_until(&format!("{text} printed"), within, || printed().contains(text));
    printed()
}

#[test]
fn a_stock_count_with_sales_during_it_keeps_the_sales_and_is_applied_once_printed_exported_and_sent() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let usb = w.dir.path().join("usb");
    let mut config = Config::load(&w.config_path).expect("config");
    config.export_dir = Some(usb.clone());
    std::fs::write(&w.config_path, toml::to_string(&config).expect("toml")).expect("config");
    let (cola, noodles) = (demo_count(COLA), demo_count(NOODLES));

    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    // A cola sold before the count: in the count's expected level.
    till.cash_sale_cola();
    // The count (the supervisor is signed in: no PIN). Five colas are on the shelf.
    till.send(&Msg::Act(Intent::StockCount));
    till.wait_for("the count", SECS(5), |o| o.stock_sheet.is_some());
    till.scan(COLA);
    typed_keys(&mut till, "5*");
    let o = till.wait_for("colas counted", SECS(5), |o| {
        o.stock_sheet.as_ref().is_some_and(|s| s.lines.first().is_some_and(|l| l.qty == 5))
    });
    assert_eq!(o.stock_sheet.expect("sheet").lines[0].expected, Some(cola - 1));
    // Put aside: a customer pays two colas by code while the count goes on.
    till.key(Key::F(2));
    till.wait_for("put aside", SECS(5), |o| o.stock_sheet.as_ref().is_some_and(|s| s.parked));
    code_sale_two_colas(&mut till);
    // Back to the count: two noodles on the shelf.
    till.send(&Msg::Act(Intent::StockCount));
    till.wait_for("back", SECS(5), |o| o.stock_sheet.as_ref().is_some_and(|s| !s.parked));
    till.scan(NOODLES);
    till.scan(NOODLES);
    till.wait_for("noodles", SECS(5), |o| o.stock_sheet.as_ref().is_some_and(|s| s.lines.len() == 2));
    till.key(Key::Enter);
    let o =
        till.wait_for("applied", SECS(10), |o| matches!(o.notice, Some(Notice::Stock(StockNotice::Applied { .. }))));
    let Some(Notice::Stock(StockNotice::Applied { number, lines, .. })) = o.notice else { unreachable!() };
    assert!(o.stock_sheet.is_none() && lines == 2 && number.starts_with("PD"));
    // The sheet is printed (real ESC/POS in the printer's file) before the till is stopped.
    let printed = printed_within(&w, SECS(10), &number);
    assert!(printed.contains("Stock count"), "{printed}");
    till.quit();

    // The books: five colas counted, two sold after they were counted → 3; two noodles.
    let now = counts(&w);
    assert_eq!(count_of(&now, COLA), 3, "counted 5 against {} then 2 sold", cola - 1);
    assert_eq!(count_of(&now, NOODLES), 2, "counted 2 against {noodles}");
    // Sent once, with the changes applied.
    let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
    let sheets: Vec<_> =
        store.outbox_pending(1000).expect("outbox").into_iter().filter(|r| r.kind == OutboxKind::Stock).collect();
    assert_eq!(sheets.len(), 1, "{sheets:?}");
    assert_eq!(sheets[0].key, format!("stock:{number}"));
    let body: serde_json::Value = serde_json::from_str(&sheets[0].body).expect("json");
    let deltas = &body["sheet"]["deltas"];
    assert_eq!(deltas, &serde_json::json!([[COLA, 5 - (cola - 1)], [NOODLES, 2 - noodles]]), "{body}");
    assert!(store.record(Table::StockMoves, &format!("sheet:{number}")).expect("read").is_some());
    drop(store);
    let csv = std::fs::read_to_string(usb.join(format!("stock-{number}.csv"))).expect("the CSV");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.lines().nth(1).is_some_and(|l| l.starts_with(&format!("{number},{COLA},"))), "{csv}");
}

#[test]
fn a_training_mode_sale_leaves_the_books_untouched() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.cash_sale_cola(); // a real sale: the books are not empty
    till.quit();
    let (orders, stock) = (w.stored_orders(), counts(&w));
    let outbox = {
        let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
        store.outbox_pending(1000).expect("outbox")
    };

    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.send(&Msg::Act(Intent::TrainingOn));
    till.wait_for("training", SECS(5), |o| o.training);
    // A code payment: paid at the built-in simulator, under a training number.
    let number = code_sale_two_colas(&mut till);
    assert!(number.starts_with(till::core::training::TRAINING_PREFIX), "{number}");
    assert_eq!(w.sim.charge_count(&number), 0, "never at the shop's platform");
    // A cash sale too.
    till.cash_sale_cola();
    // What counts is refused: the report.
    till.send(&Msg::Act(Intent::OpenReport));
    till.wait_for("refused", SECS(5), |o| matches!(o.notice, Some(Notice::Training(_))));
    till.send(&Msg::Act(Intent::TrainingOff));
    till.wait_for("out of training", SECS(5), |o| !o.training);
    till.wait_for("printed", SECS(10), |o| o.receipts_waiting == 0);
    // Nothing waiting may also be "not queued yet": the printer's file is what tells.
    let marks = || String::from_utf8_lossy(&w.receipts()).matches("TRAINING").count();
    common::wait_until("both training receipts printed", SECS(10), || marks() >= 4);
    till.quit();

    // The receipts say what they were.
    let printed = String::from_utf8_lossy(&w.receipts()).to_string();
    assert_eq!(printed.matches("TRAINING").count(), 4, "two receipts, marked at top and bottom: {printed}");
    // The books: the same orders, stock and outbox; the audit log says training began and ended.
    assert_eq!(w.stored_orders(), orders, "no training order stored");
    assert_eq!(counts(&w), stock, "no stock moved");
    let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
    assert_eq!(store.outbox_pending(1000).expect("outbox"), outbox, "nothing for the back office");
    let audit: Vec<String> = store.records(Table::Audit).expect("audit").into_iter().map(|(_, v)| v).collect();
    let training: Vec<&String> = audit.iter().filter(|v| v.contains("\"event\":\"training\"")).collect();
    assert_eq!(training.len(), 2, "{audit:#?}");
    assert!(training[0].contains("\"on\":true") && training[1].contains("\"on\":false,\"sales\":2"), "{audit:#?}");
}

/// Training turned on from the maintenance menu (its default key: F12, then the menu's last item),
/// then the till is killed mid-training: it starts again out of training, and its audit log gets the
/// end it was owed, so no "began" is left without an "ended".
#[test]
fn a_till_killed_during_training_starts_out_of_it_and_the_audit_log_ends_it() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.key(Key::F(12));
    till.wait_for("the maintenance menu", SECS(5), |o| o.auth.maintenance.is_some());
    for k in till::core::maintenance::keys_to(till::core::maintenance::Item::Training) {
        till.key(k);
    }
    till.wait_for("training", SECS(5), |o| o.training && o.auth.maintenance.is_none());
    // A practice sale, printed: its batch runs after the one that logged training's beginning.
    till.cash_sale_cola();
    till.wait_for("printed", SECS(10), |o| o.receipts_waiting == 0);
    till.kill9();

    let mut till = w.start_till();
    till.wait_for("ready, out of training", SECS(10), |o| o.screen == Screen::Sale && !o.training);
    till.quit();
    let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
    let audit: Vec<String> = store.records(Table::Audit).expect("audit").into_iter().map(|(_, v)| v).collect();
    let training: Vec<&String> = audit.iter().filter(|v| v.contains("\"event\":\"training")).collect();
    assert_eq!(training.len(), 2, "{audit:#?}");
    assert!(training[0].contains("\"on\":true"), "{audit:#?}");
    assert!(training[1].contains("\"event\":\"training_interrupted\""), "{audit:#?}");
}
