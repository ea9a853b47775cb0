#![allow(clippy::panic)] // a test fails by panicking
//! Members (会员) end to end: the real `till` binary (headless), a real store file with a member in
//! it, the Cloud Pay simulator. The member's phone is typed, the member found and attached, the till
//! is killed (SIGKILL) and started again on the same store: the sale comes back with its member and
//! is paid. The log, the receipt and the order record never hold the whole phone number.

mod common;

use common::process::World;
use std::time::Duration;
use till::core::members::{Member, MemberNotice, Phone};
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::OrderStatus;
use till::core::{Key, Screen};
use till::sim::cloudpay::SimConfig;
use till::store::RedbStore;

const COLA: &str = "6900138600889"; // 3.50
const PHONE: &str = "13812345678";
const SECS: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn a_member_sale_survives_a_kill_and_the_phone_is_never_logged_or_printed() {
    let mut w = World::new(SimConfig::default(), |_| {});
    {
        let dir = w.data_dir().join("store");
        std::fs::create_dir_all(&dir).expect("store dir");
        let store = RedbStore::open(&dir).expect("store");
        let member = Member {
            id: "M0001".into(),
            name: "张三".into(),
            phone: Phone::parse(PHONE).expect("phone"),
            card: "VIP0001".into(),
            level: "金卡".into(),
            points: 120,
        };
        till::app::members::put_all(&store, &[member]).expect("member stored");
    }
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.wait_for("a cola", SECS(5), |o| o.total == Fen(350));
    till.typed(PHONE);
    let o = till.wait_for("member found", SECS(5), |o| o.member_found.is_some());
    assert_eq!(o.member_found.as_ref().map(|m| m.phone.as_str()), Some("138****5678"));
    till.key(Key::Enter);
    till.wait_for("member attached", SECS(5), |o| o.member.is_some() && o.member_found.is_none());
    // A card scanned finds the same member.
    till.scan("VIP0001");
    till.wait_for("found by card", SECS(5), |o| o.member_found.as_ref().is_some_and(|m| m.id == "M0001"));
    till.key(Key::Esc);
    till.wait_for("box closed", SECS(5), |o| o.member_found.is_none());
    till.kill9();

    let mut till = w.start_till();
    let o = till.wait_for("restarted", SECS(10), |o| o.screen == Screen::Sale && o.total == Fen(350));
    assert_eq!(o.member.as_ref().map(|m| m.id.as_str()), Some("M0001"), "the sale kept its member: {o:?}");
    till.key(Key::F(2));
    till.typed("5");
    till.wait_for("cash sale done", SECS(5), |o| matches!(o.screen, Screen::Done { .. }));
    let o = till.wait_for("receipt printed", SECS(10), |o| !o.receipt.is_empty());
    let preview = o.receipt.join("\n");
    assert!(preview.contains("138****5678"), "{preview}");
    till.quit();

    let orders = w.stored_orders();
    let paid = orders.iter().find(|o| o.status == OrderStatus::Paid).expect("the paid sale");
    assert_eq!(paid.member.as_ref().map(|m| (m.id.as_str(), m.phone.as_str())), Some(("M0001", "138****5678")));
    // Points: 3 whole yuan paid at the default 1 point per yuan, earned in the paid save, once.
    let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
    let member = till::app::members::get(&store, "M0001").expect("read").expect("member");
    assert_eq!(member.points, 123);
    drop(store);
    let receipts = String::from_utf8_lossy(&w.receipts()).to_string();
    assert!(!receipts.contains(PHONE), "the receipt holds the phone");
    let log = w.till_log();
    assert!(!log.is_empty(), "the till logged");
    assert!(!log.contains(PHONE), "the log holds the phone: {log}");
    for o in &orders {
        let json = serde_json::to_string(o).expect("json");
        assert!(!json.contains(PHONE), "an order holds the phone: {json}");
    }
}

/// A member created at the till (the phone not found, F2, the name typed, Enter) is saved in the
/// store, attached to the sale with the member price the promotions CSV gives members (one row of
/// `member` in its tenth column), and found by phone on the next sale, priced the same.
#[test]
fn a_member_created_at_the_till_is_found_by_phone_on_the_next_sale_with_the_member_price() {
    const NEW: &str = "13912345678";
    let mut w = World::new(SimConfig::default(), |_| {});
    w.import_csv("catalogue", "barcode,name,price,stock,kind,category\n6900138600889,Cola 330ml,3.50,,normal,饮料\n");
    w.import_csv(
        "promotions",
        "id,name,kind,value,scope,from,until,days,hours,member\nV1,会员价,special,3.00,item:6900138600889,,,,,member\n",
    );
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.wait_for("a cola at its price", SECS(5), |o| o.total == Fen(350));
    till.typed(NEW);
    till.wait_for("not found", SECS(5), |o| matches!(o.notice, Some(Notice::Member(MemberNotice::NotFound { .. }))));
    till.key(Key::F(2));
    till.wait_for("the member form", SECS(5), |o| o.member_form);
    till.typed("李四");
    let o = till.wait_for("saved", SECS(5), |o| !o.member_form && o.member_found.is_some());
    let id = o.member_found.as_ref().map(|m| m.id.clone()).expect("the new member");
    assert_eq!(o.member_found.as_ref().map(|m| m.phone.as_str()), Some("139****5678"));
    till.key(Key::Enter);
    till.wait_for("the member price", SECS(5), |o| o.member.is_some() && o.total == Fen(300));
    till.key(Key::F(2));
    till.typed("5");
    till.wait_for("paid in cash", SECS(5), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
    till.wait_for("next sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen(0) && o.member.is_none());

    till.scan(COLA);
    till.wait_for("no member: full price", SECS(5), |o| o.total == Fen(350));
    till.typed(NEW);
    till.wait_for("found by phone", SECS(5), |o| o.member_found.as_ref().is_some_and(|m| m.id == id));
    till.key(Key::Enter);
    till.wait_for("the member price again", SECS(5), |o| o.member.is_some() && o.total == Fen(300));
    till.quit();

    let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
    let member = till::app::members::get(&store, &id).expect("read").expect("stored");
    assert_eq!((member.name.as_str(), member.phone.digits()), ("李四", NEW));
    drop(store);
    assert!(!w.till_log().contains(NEW), "the log holds the phone");
    assert!(!String::from_utf8_lossy(&w.receipts()).contains(NEW), "a receipt holds the phone");
}
