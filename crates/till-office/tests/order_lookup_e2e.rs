#![allow(clippy::panic)] // a test fails by panicking
//! Order lookup across tills, for real: the office on PostgreSQL and two till processes (headless,
//! the real binary) of one shop on one Cloud Pay simulator (the shop's one merchant account). A
//! WeChat sale on till 1 is looked up on till 2 through the office, part-refunded there through
//! the platform, and seen on the owner's page; till 1 sees till 2's refund; two tills refunding
//! the rest from the same figures: the platform refuses the second. A till of another shop does
//! not see the order through the office; a till that cannot reach the office says so on one line.

mod common;
#[allow(dead_code)] // the helpers other tests use
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, between, office_command, signed_in};
use process::{TillProcess, World};
use std::time::Duration;
use till::core::foreign::ForeignNotice;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::RefundState;
use till::core::{Key, Screen};
use till::sim::cloudpay::SimConfig;
use till::sync::BackofficeConfig;

const SECS: fn(u64) -> Duration = Duration::from_secs;
const WECHAT_CODE: &str = "134680423163089456";

fn office_of(url: &str, device_id: &str, key: &str) -> Option<BackofficeConfig> {
    Some(BackofficeConfig {
        url: url.to_string(),
        device_id: device_id.into(),
        key: key.into(),
        catalogue_poll_secs: 1,
        ..BackofficeConfig::demo("")
    })
}

fn add(office: &OfficeProcess, device_id: &str, key: &str, name: &str, shop: &str) {
    office_command(
        &office.cluster,
        &["add-device", device_id, "--name", name, "--shop", shop],
        &[("TILL_OFFICE_DEVICE_KEY", key)],
    );
}

/// A cola (3.50) sold at `till` for `how` (`Some(code)`: that payment code; `None`: 5.00 in cash):
/// its receipt number, once the office has it.
fn sale(till: &mut TillProcess, code: Option<&str>) -> String {
    till.wait_for("sale screen", SECS(20), |o| o.screen == Screen::Sale && o.total == Fen(0));
    till.scan("6900138600889");
    till.wait_for("one item", SECS(5), |o| o.total == Fen(350));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    match code {
        Some(code) => till.scan(code),
        None => {
            till.key(Key::Char('c'));
            till.typed("5");
        }
    }
    let done = till.wait_for("paid", SECS(20), |o| matches!(o.screen, Screen::Done { .. }) && o.number.is_some());
    till.key(Key::Esc);
    till.wait_for("delivered", SECS(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());
    done.number.expect("number")
}

/// Scans `number` on an empty sale screen and waits until both the platform and the office answered.
fn look_up(till: &mut TillProcess, number: &str) -> till::app::headless::Observation {
    till.wait_for("sale screen", SECS(20), |o| o.screen == Screen::Sale);
    till.scan(number);
    till.wait_for("looked up", SECS(15), |o| {
        o.lookup.as_ref().is_some_and(|v| v.number == number && !v.pending && v.answer.is_some())
            && !matches!(o.notice, Some(Notice::Foreign(ForeignNotice::Holding { .. })))
    })
}

fn back_to_sale(till: &mut TillProcess) {
    till.key(Key::Esc);
    till.wait_for("sale screen", SECS(5), |o| o.screen == Screen::Sale);
}

#[test]
fn a_sale_on_till_1_is_looked_up_and_part_refunded_on_till_2_and_the_rest_only_once() {
    let office = OfficeProcess::start(&[]);
    add(&office, "till-1", "key-one", "1号机", "南京路店");
    add(&office, "till-2", "key-two", "2号机", "南京路店");
    add(&office, "till-9", "key-nine", "9号机", "淮海路店");
    office.add_owner("owner", "correct horse");
    let records = office.records_url();
    let mut w = World::new(SimConfig::default(), |c| {
        c.backoffice = office_of(&records, "till-1", "key-one");
        c.terminal_no = 1;
    });
    let till2_config = w.another_till("2", |c| {
        c.backoffice = office_of(&records, "till-2", "key-two");
        c.terminal_no = 2;
    });
    let mut till1 = w.start_till();
    let mut till2 = w.start_till_from(&till2_config);

    // A WeChat sale on till 1, in the office.
    let number = sale(&mut till1, Some(WECHAT_CODE));
    // Till 2 has no record of it: the office's answer shows it as till 1's sale.
    look_up(&mut till2, &number);
    let seen = till2.wait_for("the office's answer", SECS(10), |o| {
        o.lookup.as_ref().and_then(|v| v.order.as_ref()).is_some_and(|order| order.foreign.is_some())
    });
    let view = seen.lookup.clone().expect("lookup");
    let copy = view.order.clone().expect("the order, from the office");
    assert_eq!(copy.foreign.as_ref().map(|f| f.device_id.as_str()), Some("till-1"), "{seen:#?}");
    assert_eq!(copy.lines.len(), 1, "its goods, as till 1 recorded them");
    assert_eq!(seen.refundable, Some(Fen(350)));
    assert_eq!(seen.notice, Some(Notice::Foreign(ForeignNotice::OtherTills { till: "1号机".into() })));

    // Part of it back through the original payment.
    till2.typed("1");
    till2.wait_for("refunded 1.00 at till 2", SECS(20), |o| {
        o.lookup
            .as_ref()
            .and_then(|v| v.order.as_ref())
            .is_some_and(|order| order.refunds.len() == 1 && order.refunds[0].state == RefundState::Refunded)
    });
    let db = office.db();
    let in_office = format!("SELECT count(*) FROM refunds WHERE order_number = '{number}'");
    process::wait_until("the refund in the office", SECS(30), || db.number(&in_office) == 1);
    assert_eq!(
        db.text(&format!(
            "SELECT device_id || ' ' || of_device_id || ' ' || amount_fen FROM refunds WHERE order_number = '{number}'"
        )),
        "till-2 till-1 100",
        "a refund record naming till 1's order"
    );
    let ledger = w.sim.order(&number).expect("the platform's order");
    assert_eq!(ledger.refunded_fee, 100);
    // The owner's page shows it.
    let token = signed_in(&office.base_url, "owner", "correct horse");
    let page = reqwest::blocking::Client::new()
        .get(format!("{}/?lang=en", office.base_url))
        .header("cookie", format!("till_office_session={token}"))
        .send()
        .expect("today")
        .text()
        .expect("page");
    let refunds = between(&page, "id=\"refunds\">", "</p>").unwrap_or_default();
    assert!(refunds.contains("1.00"), "the refund on the owner's page: {refunds}");
    back_to_sale(&mut till2);

    // Till 1 sees till 2's refund of its own order; till 2 looks again: both propose 2.50.
    let own = look_up(&mut till1, &number);
    assert_eq!(own.refundable, Some(Fen(250)), "{own:#?}");
    let again = look_up(&mut till2, &number);
    assert_eq!(again.refundable, Some(Fen(250)));
    // Both press Enter on 2.50: till 1 first gets it, the platform refuses till 2 the same money.
    till1.key(Key::Enter);
    till1.wait_for("refunded 2.50 at till 1", SECS(20), |o| {
        o.notice == Some(Notice::Refunded { amount: Fen(250), platform: Some(till::core::code::Platform::WeChat) })
    });
    till2.key(Key::Enter);
    till2.wait_for("refused at till 2", SECS(20), |o| matches!(o.notice, Some(Notice::RefundFailed { .. })));
    let ledger = w.sim.order(&number).expect("the platform's order");
    assert_eq!(ledger.refunded_fee, 350, "never more than was paid");
    back_to_sale(&mut till1);
    back_to_sale(&mut till2);

    // A cash sale on till 1: another shop's till cannot see it through the office.
    let cash = sale(&mut till1, None);
    till1.quit();
    till2.quit();
    let elsewhere = w.another_till("9", |c| {
        c.backoffice = office_of(&records, "till-9", "key-nine");
        c.terminal_no = 9;
    });
    let mut till9 = w.start_till_from(&elsewhere);
    look_up(&mut till9, &cash);
    let refused = || office.log().contains("no such order in this till's shop");
    process::wait_until("the office refused till 9", SECS(10), refused);
    let seen =
        till9.wait_for("not found", SECS(5), |o| o.notice == Some(Notice::OrderNotFound { number: cash.clone() }));
    assert!(seen.lookup.and_then(|v| v.order).is_none());
    till9.quit();

    // Till 2 without its office (nothing listens there): it says it cannot see other tills' sales.
    let offline = w.another_till("2-offline", |c| {
        c.backoffice = office_of("http://127.0.0.1:1/v1/records", "till-2", "key-two");
        c.terminal_no = 2;
    });
    let mut offline = w.start_till_from(&offline);
    look_up(&mut offline, &cash);
    offline.wait_for("other tills unseen", SECS(10), |o| o.notice == Some(Notice::Foreign(ForeignNotice::Unseen)));
    offline.quit();
}
