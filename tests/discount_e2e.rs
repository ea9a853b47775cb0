//! A discounted sale end to end (issue 19): the real `till` binary (headless), the Cloud Pay
//! simulator on loopback, a real store. The whole sale is given 1.50 off by the intent a script sends,
//! paid by a WeChat code, then one cola comes back: the refund is what was paid for it after its share
//! of the discount, not its price.

mod common;

use common::process::World;
use std::time::Duration;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::{Key, Screen};
use till::escpos::{PrinterProfile, decode, to_text_lines};
use till::sim::cloudpay::SimConfig;

const COLA: &str = "6900138600889"; // 3.50
const NOODLES: &str = "6920152400777"; // 4.50
const SECS: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn a_discounted_sale_paid_by_code_then_partly_refunded_gives_back_what_was_paid_for_the_goods() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.scan(COLA);
    till.scan(NOODLES);
    till.wait_for("three items", SECS(5), |o| o.total == Fen(1150));
    till.line(r#"{"act":"discount","order":true,"how":"amount","value":"1.50","reason":"regular"}"#);
    till.wait_for("discounted", SECS(5), |o| {
        o.total == Fen(1000) && o.notice == Some(Notice::DiscountGiven { total: Fen(1000) })
    });
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.scan("134680423163089456");
    let done = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    assert_eq!(
        done.notice,
        Some(Notice::Paid { platform: Some(till::core::code::Platform::WeChat), amount: Fen(1000) })
    );
    let number = done.number.expect("order number");

    // The customer brings one cola back: the two colas' net is 6.09 (7.00 less 0.91 of the 1.50), so
    // the first brings back 3.04.
    till.key(Key::Esc);
    till.wait_for("sale screen", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen(0));
    let o = till.refund_first_line_units(&number, 1, Fen(304));
    let order = o.lookup.and_then(|v| v.order).expect("the order");
    assert_eq!(order.refunds[0].amount, Fen(304), "what was paid for one cola, not its 3.50");
    assert_eq!(order.total(), Fen(1000));
    till.quit();
    let stored = w.stored_orders().into_iter().find(|s| s.number.as_deref() == Some(number.as_str())).expect("stored");
    assert_eq!((stored.discounts.len(), stored.discounted()), (1, Fen(150)), "the store keeps the discount");

    // The receipt, decoded back: the lines at their prices, the subtotal, the discount, the total paid.
    let elements = decode(&w.receipts(), &PrinterProfile::mm58()).expect("receipts decode");
    let lines = to_text_lines(&elements, 32);
    let row = |label: &str, amount: &str| lines.iter().any(|l| l.starts_with(label) && l.trim_end().ends_with(amount));
    assert!(row("Subtotal", "11.50"), "{lines:#?}");
    assert!(row("Discount", "-1.50"), "{lines:#?}");
    assert!(row("Total", "10.00"), "{lines:#?}");
    let at = |label: &str| lines.iter().position(|l| l.starts_with(label)).expect(label);
    assert!(at("Subtotal") < at("Discount") && at("Discount") < at("Total"), "{lines:#?}");
}
