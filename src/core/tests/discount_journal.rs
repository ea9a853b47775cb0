//! Discounts in the journal and the X/Z reports (issue 19): per reason and per operator; and the
//! exchanges' and no-receipt returns' marks in the journal.

use super::held::{key, saved};
use super::*;
use crate::core::intent::Intent;
use crate::core::office::journal::{self, EntryState, GivenDiscount};
use crate::core::office::report::{self, Period};

fn discount(t: &mut Till, order: bool, how: &str, value: &str, reason: &str) {
    let intent = Intent::Discount { order, how: how.into(), value: value.into(), reason: reason.into() };
    t.send(Msg::Act(intent));
}

#[test]
fn the_journal_shows_each_discount_of_a_sale_once_and_the_reports_sum_them_per_reason_and_operator() {
    let mut t = Till::new();
    t.scan("6900138600889");
    t.scan("6920152400777");
    discount(&mut t, false, "percent", "10", "damaged"); // 0.45 off the noodle
    discount(&mut t, true, "amount", "1.00", "regular");
    assert_eq!(t.state.sale.total(), Fen(655));
    // Paid in two parts: 2.00 cash, then the rest by code.
    key(&mut t, Key::Enter);
    t.send(Msg::Key(Key::Char('c')));
    t.typed("2");
    let (no, _) = t.pay(WECHAT_CODE);
    let fx = t.send(Msg::PayAnswer { out_trade_no: no, verdict: paid("tx") });
    let order = saved(&fx).pop().expect("paid");
    let period = Period { from: None, to: Millis(T0 + 60_000) };
    let entries = journal::entries(std::slice::from_ref(&order), &period);
    assert_eq!(entries.iter().filter(|e| e.state == EntryState::Paid).count(), 2);
    let with: Vec<_> = entries.iter().filter(|e| !e.discounts.is_empty()).collect();
    assert_eq!(with.len(), 1, "the discounts go with one entry of the sale, not each part");
    let given =
        |reason: &str, amount| GivenDiscount { reason: reason.into(), operator: "01".into(), amount: Fen(amount) };
    assert_eq!(with[0].discounts, vec![given("damaged", 45), given("regular", 100)]);
    let rep = report::compute(std::slice::from_ref(&order), period, &[]);
    let rows: Vec<_> =
        rep.discounts.iter().map(|d| (d.reason.as_str(), d.operator.as_str(), d.count, d.amount)).collect();
    assert_eq!(rows, [("damaged", "01", 1, Fen(45)), ("regular", "01", 1, Fen(100))]);
}

#[test]
fn the_journal_marks_an_exchange_and_a_return_without_a_receipt() {
    let mut t = Till::new();
    key(&mut t, Key::F(3));
    key(&mut t, Key::F(7));
    t.scan("6900138600889");
    key(&mut t, Key::F(4));
    t.scan("6900138600889");
    let fx = key(&mut t, Key::Enter);
    let order = saved(&fx).pop().expect("settled");
    let period = Period { from: None, to: Millis(T0 + 60_000) };
    let entries = journal::entries(&[order], &period);
    assert!(!entries.is_empty() && entries.iter().all(|e| e.exchange && !e.no_receipt), "{entries:?}");
}
