#![allow(clippy::panic)] // a test fails by panicking
//! Stored value (储值) end to end: the real `till` binary (headless), a real store file with a member
//! and their PIN, the Cloud Pay simulator. A top-up of 200.00 is paid by payment code (bonus 50.00 by
//! the shop's tier); a sale is paid 2.00 from the balance (the customer types their PIN) and the till
//! is killed (SIGKILL) before the rest is paid; after the restart the part is still there, the rest
//! is paid in cash, and the ledger and balance are intact; then 1.00 goes back to the balance.

mod common;

use common::WECHAT_CODE;
use common::process::World;
use std::time::Duration;
use till::core::money::Fen;
use till::core::order::OrderStatus;
use till::core::stored_value::{BonusTier, EntryKind};
use till::core::{Key, Screen};
use till::sim::cloudpay::SimConfig;
use till::store::RedbStore;

const COLA: &str = "6900138600889"; // 3.50
const PHONE: &str = "13812345678";
const PIN: &str = "2468";
const SECS: fn(u64) -> Duration = Duration::from_secs;

fn attach(till: &mut common::process::TillProcess) {
    till.typed(PHONE);
    till.wait_for("member found", SECS(5), |o| o.member_found.is_some());
    till.key(Key::Enter);
    till.wait_for("member attached", SECS(5), |o| o.member.is_some() && o.member_found.is_none());
}

#[test]
fn a_top_up_by_code_then_a_stored_value_sale_across_a_kill_then_a_refund_to_the_balance() {
    let mut w = World::new(SimConfig::default(), |c| {
        c.stored_value.bonus = vec![BonusTier { pay: Fen(20000), bonus: Fen(5000) }];
    });
    let store_dir = w.data_dir().join("store");
    {
        std::fs::create_dir_all(&store_dir).expect("store dir");
        let store = RedbStore::open(&store_dir).expect("store");
        let member = till::core::members::Member { card: String::new(), ..common::members::zhang() };
        till::app::members::put_all(&store, &[member]).expect("member stored");
        till::app::stored_value::set_pin(&store, "M0001", PIN).expect("pin set");
    }
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    // The top-up, paid by the customer's payment code through the simulator.
    attach(&mut till);
    till.line(r#"{"act":"top_up","amount":"200"}"#);
    till.wait_for("top-up to pay", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false } && o.total == Fen(20000));
    till.scan(WECHAT_CODE);
    till.wait_for("top-up paid", SECS(20), |o| matches!(o.screen, Screen::Done { .. }));
    let o = till.wait_for("slip printed", SECS(10), |o| !o.receipt.is_empty());
    let slip = o.receipt.join("\n");
    assert!(slip.contains("138****5678") && slip.contains("250.00"), "paid, bonus, new balance: {slip}");
    till.key(Key::Esc);
    // A sale, 2.00 of it from the balance with the member's PIN, then a kill.
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    till.scan(COLA);
    till.wait_for("a cola", SECS(5), |o| o.total == Fen(350));
    attach(&mut till);
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false });
    till.line(r#"{"act":"pay_stored_value","amount":"2"}"#);
    till.typed(PIN);
    till.wait_for("part paid from the balance", SECS(10), |o| o.remaining == Fen(150));
    till.kill9();

    let mut till = w.start_till();
    till.wait_for("restarted with the part", SECS(10), |o| o.total == Fen(350) && o.remaining == Fen(150));
    till.key(Key::Char('c'));
    till.typed("5");
    let o = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    let number = o.number.clone().expect("a receipt number");
    till.key(Key::Esc);
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    // 1.00 of the 2.00 back to the balance.
    till.scan(&number);
    till.wait_for("looked up", SECS(10), |o| o.lookup.as_ref().is_some_and(|v| !v.pending && v.order.is_some()));
    till.line(r#"{"act":"refund_stored_value","amount":"1"}"#);
    till.wait_for("given back", SECS(10), |o| {
        o.lookup.as_ref().and_then(|v| v.order.as_ref()).is_some_and(|order| order.value_back.len() == 1)
    });
    till.quit();

    let orders = w.stored_orders();
    assert!(orders.iter().any(|o| o.top_up.is_some() && o.status == OrderStatus::Paid), "the top-up is kept");
    let store = RedbStore::open(&store_dir).expect("store");
    let ledger = till::app::stored_value::ledger(&store, "M0001").expect("ledger");
    let moves: Vec<(EntryKind, Fen)> = ledger.iter().map(|e| (e.kind, e.amount)).collect();
    assert_eq!(
        moves,
        [
            (EntryKind::TopUp, Fen(20000)),
            (EntryKind::Bonus, Fen(5000)),
            (EntryKind::Spend, Fen(200)),
            (EntryKind::Refund, Fen(100))
        ],
        "each entry once, across the kill"
    );
    assert_eq!(till::app::stored_value::balance(&store, "M0001").expect("balance").balance, Fen(24900));
    let log = w.till_log();
    assert!(!log.contains(PHONE) && !log.contains(&format!("\"{PIN}\"")), "the log holds the phone or the PIN");
}
