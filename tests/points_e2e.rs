#![allow(clippy::panic)] // a test fails by panicking
//! Points as a tender (积分抵现) end to end: the real `till` binary (headless), a real store file
//! with a member who has points, a PIN and a balance (a cash top-up first). A 7.00 sale is paid 3.50
//! with points (F8's most: half the sale) and 2.00 from the balance (the customer types the PIN);
//! the till is killed (SIGKILL) before the rest is paid; after the restart both parts are there, the
//! rest is paid in cash; F5 on the lookup gives the stored value and the redeemed points back. The
//! member's points and ledger add up once each across the kill.

mod common;

use common::process::World;
use std::time::Duration;
use till::core::money::Fen;
use till::core::stored_value::EntryKind;
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
fn a_member_sale_paid_by_points_and_stored_value_across_a_kill_then_both_given_back() {
    let mut w = World::new(SimConfig::default(), |c| c.members.points_per_yuan = 1);
    let store_dir = w.data_dir().join("store");
    {
        std::fs::create_dir_all(&store_dir).expect("store dir");
        let store = RedbStore::open(&store_dir).expect("store");
        let member = till::core::members::Member { card: String::new(), points: 1000, ..common::members::zhang() };
        till::app::members::put_all(&store, &[member]).expect("member stored");
        till::app::stored_value::set_pin(&store, "M0001", PIN).expect("pin set");
    }
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    // 10.00 of stored value, topped up in cash.
    attach(&mut till);
    till.line(r#"{"act":"top_up","amount":"10"}"#);
    till.wait_for("top-up to pay", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false });
    till.key(Key::Char('c'));
    till.typed("10");
    till.wait_for("top-up paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
    // Two colas: half by points (F8), 2.00 from the balance with the PIN, then a kill.
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    till.scan(COLA);
    till.scan(COLA);
    till.wait_for("two colas", SECS(5), |o| o.total == Fen(700));
    attach(&mut till);
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false });
    till.key(Key::F(8));
    till.wait_for("half paid by points", SECS(10), |o| o.remaining == Fen(350));
    till.line(r#"{"act":"pay_stored_value","amount":"2"}"#);
    till.typed(PIN);
    till.wait_for("part paid from the balance", SECS(10), |o| o.remaining == Fen(150));
    till.kill9();

    let mut till = w.start_till();
    till.wait_for("restarted with both parts", SECS(10), |o| o.total == Fen(700) && o.remaining == Fen(150));
    till.key(Key::Char('c'));
    till.typed("5");
    let o = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    let number = o.number.clone().expect("a receipt number");
    let o = till.wait_for("receipt printed", SECS(10), |o| o.receipt.iter().any(|l| l.contains("653")));
    let receipt = o.receipt.join("\n");
    // 1000 - 350 redeemed + 3 earned (3.50 paid in money at 1 a yuan) = 653.
    assert!(receipt.contains("350") && receipt.contains("653"), "points used and balance: {receipt}");
    till.key(Key::Esc);
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    // F5 on the lookup: the 2.00 back to the balance and the 350 points back to the member.
    till.scan(&number);
    till.wait_for("looked up", SECS(10), |o| o.lookup.as_ref().is_some_and(|v| !v.pending && v.order.is_some()));
    till.key(Key::F(5));
    till.wait_for("given back", SECS(10), |o| {
        o.lookup
            .as_ref()
            .and_then(|v| v.order.as_ref())
            .is_some_and(|order| order.value_back.len() == 1 && order.points_back.len() == 1)
    });
    let slip_printed = || String::from_utf8_lossy(&w.receipts()).contains("Refunded to balance");
    common::wait_until("the give-back slip", SECS(10), slip_printed);
    till.quit();
    // Its slip, printed: the stored value and the points given back (the till speaks English here).
    let printed = String::from_utf8_lossy(&w.receipts()).to_string();
    let slip = printed.rsplit("Refunded to balance").next().filter(|_| printed.contains("Refunded to balance"));
    let slip = slip.unwrap_or_else(|| {
        panic!(
            "a give-back slip printed: {}",
            printed.chars().rev().take(900).collect::<String>().chars().rev().collect::<String>()
        )
    });
    assert!(slip.contains("Given back") && slip.contains("350") && slip.contains("2.00"), "{slip}");

    let store = RedbStore::open(&store_dir).expect("store");
    let member = till::app::members::get(&store, "M0001").expect("read").expect("member");
    assert_eq!(member.points, 1003, "1000 - 350 + 3 earned + 350 back, each once across the kill");
    let ledger = till::app::stored_value::ledger(&store, "M0001").expect("ledger");
    let moves: Vec<(EntryKind, Fen)> = ledger.iter().map(|e| (e.kind, e.amount)).collect();
    assert_eq!(moves, [(EntryKind::TopUp, Fen(1000)), (EntryKind::Spend, Fen(200)), (EntryKind::Refund, Fen(200))]);
    assert_eq!(till::app::stored_value::balance(&store, "M0001").expect("balance").balance, Fen(1000));
    // The sale's outbox record carries the points part; the back office's reading of it adds up.
    let pending = till::store::Store::outbox_pending(&store, 1000).expect("outbox");
    let sale = pending
        .iter()
        .filter_map(|r| till_proto::read_body(&r.body, &r.key).ok())
        .find_map(|rec| match rec {
            till_proto::record::Record::Order(r) if r.order.points_paid() > 0 => Some(r.order),
            _ => None,
        })
        .expect("the sale's record in the outbox");
    let money: i64 = sale.payments().expect("payments").iter().map(|p| p.amount).sum();
    assert_eq!(sale.points_paid(), 350);
    assert_eq!(Some(money + sale.stored_value_paid() + sale.points_paid()), sale.total());
    let log = w.till_log();
    assert!(!log.contains(PHONE) && !log.contains(&format!("\"{PIN}\"")), "the log holds the phone or the PIN");
}

fn code_now(secret: &till::app::member_code::Secret) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis();
    let step = till::core::member_code::step_of(till::core::clock::Millis(i64::try_from(now).expect("millis")));
    format!("{}M0001:{}", till::core::member_code::PREFIX, till::app::member_code::code_at(secret, step))
}

/// With `require = "code"`: the member's dynamic code (made from the secret the store gave the
/// member when they were stored) lets them spend without a PIN, once; the same code again is refused.
#[test]
fn the_members_dynamic_code_lets_them_spend_without_a_pin_and_never_twice() {
    use till::core::member_code::{CodeRefused, Require};
    use till::core::notice::Notice;
    use till::core::stored_value::SvNotice;
    let mut w = World::new(SimConfig::default(), |c| c.stored_value.require = Require::Code);
    let store_dir = w.data_dir().join("store");
    let secret = {
        std::fs::create_dir_all(&store_dir).expect("store dir");
        let store = RedbStore::open(&store_dir).expect("store");
        let member = till::core::members::Member { card: String::new(), ..common::members::zhang() };
        till::app::members::put_all(&store, &[member]).expect("member stored");
        till::app::stored_value::set_pin(&store, "M0001", PIN).expect("pin set");
        till::app::member_code::secret(&store, "M0001").expect("read").expect("a secret made with the member")
    };
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    attach(&mut till);
    till.line(r#"{"act":"top_up","amount":"10"}"#);
    till.wait_for("top-up to pay", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false });
    till.key(Key::Char('c'));
    till.typed("10");
    till.wait_for("top-up paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    till.scan(COLA);
    attach(&mut till);
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false });
    let code = code_now(&secret);
    till.scan(&code);
    till.wait_for("present", SECS(10), |o| o.notice == Some(Notice::StoredValue(SvNotice::MemberPresent)));
    till.line(r#"{"act":"pay_stored_value"}"#);
    till.wait_for("paid from the balance, no PIN asked", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    till.scan(COLA);
    attach(&mut till);
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false });
    till.scan(&code);
    let used = Some(Notice::StoredValue(SvNotice::Code(CodeRefused::Used)));
    till.wait_for("the same code refused", SECS(10), |o| o.notice == used);
    till.quit();
    assert!(!w.till_log().contains(&code), "a member code never reaches the log");
}
