//! The cashier's discounts on the sale (issue 19): within the limits at once, above them through a
//! supervisor's PIN; kept in the order and priced again when the lines change; refunds follow the net.

use super::*;
use crate::core::intent::Intent;
use crate::core::pricing::Source;

fn discount(t: &mut Till, order: bool, how: &str, value: &str, reason: &str) -> Vec<Effect> {
    let intent = Intent::Discount { order, how: how.into(), value: value.into(), reason: reason.into() };
    t.send(Msg::Act(intent))
}

/// 2 colas (3.50) and a noodle (4.50), the noodle selected: 11.50.
fn rung_up(t: &mut Till) {
    t.scan("6900138600889");
    t.scan("6900138600889");
    t.scan("6920152400777");
    assert_eq!(t.state.sale.total(), Fen(1150));
}

fn as_cashier(t: &mut Till) {
    t.state.auth.session.as_mut().expect("signed in").role = auth::Role::Cashier;
}

fn saved(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Save { .. }))
}

#[test]
fn a_cashier_gives_a_discount_within_the_limits_at_once_and_it_is_kept_and_saved() {
    let mut t = Till::new();
    as_cashier(&mut t);
    rung_up(&mut t);
    let fx = discount(&mut t, false, "percent", "10", "damaged");
    assert!(saved(&fx), "{fx:?}");
    // 10 % of the noodle's 4.50 is 0.45.
    assert_eq!((t.state.sale.total(), t.state.sale.line_net(1)), (Fen(1105), Fen(405)));
    assert_eq!(t.state.notice, Some(Notice::DiscountGiven { total: Fen(1105) }));
    let d = &t.state.sale.discounts[0];
    assert_eq!(
        (d.source.clone(), d.amount, d.operator.as_str()),
        (Source::Line { line: 1, reason: "damaged".into() }, Fen(45), "01")
    );
    // Another cola: the sale is priced again and keeps the discount on the noodle.
    t.scan("6900138600889");
    assert_eq!(t.state.sale.total(), Fen(1455));
    // The whole sale 1.00 off: spread over the lines by their nets.
    discount(&mut t, true, "amount", "1.00", "regular");
    assert_eq!(t.state.sale.total(), Fen(1355));
    assert_eq!((0..2).map(|i| t.state.sale.line_net(i).0).sum::<i64>(), 1355);
}

#[test]
fn above_the_limits_a_supervisors_pin_is_asked_and_a_wrong_one_gives_nothing() {
    let mut t = Till::new();
    as_cashier(&mut t);
    rung_up(&mut t);
    let fx = discount(&mut t, true, "percent", "20", "staff");
    assert!(!saved(&fx));
    assert!(t.state.auth.prompt.is_some(), "the supervisor's PIN is asked for");
    assert_eq!(t.state.sale.total(), Fen(1150));
    t.typed("1234");
    t.send(Msg::Auth(auth::AuthMsg::PinChecked { number: "01".into(), ok: false }));
    assert_eq!(t.state.sale.total(), Fen(1150), "a wrong PIN gives nothing");
    discount(&mut t, true, "percent", "20", "staff");
    t.typed("1234");
    let fx = t.send(Msg::Auth(auth::AuthMsg::PinChecked { number: "01".into(), ok: true }));
    assert!(saved(&fx), "{fx:?}");
    assert_eq!(t.state.sale.total(), Fen(920));
}

#[test]
fn a_supervisor_is_not_limited_and_bad_entries_are_refused() {
    let mut t = Till::new();
    discount(&mut t, false, "percent", "10", "damaged");
    assert_eq!(t.state.notice, Some(Notice::CartEmpty));
    rung_up(&mut t);
    discount(&mut t, false, "price", "1.00", "price_match");
    assert_eq!((t.state.sale.total(), t.state.auth.prompt.is_none()), (Fen(800), true));
    discount(&mut t, false, "percent", "abc", "damaged");
    assert_eq!(t.state.notice, Some(Notice::NotAnAmount));
    discount(&mut t, false, "percent", "5", "birthday");
    assert_eq!(t.state.notice, Some(Notice::UnknownReason { code: "birthday".into() }));
    assert_eq!(t.state.sale.total(), Fen(800));
}

#[test]
fn removing_a_discounted_line_takes_its_discount_with_it_and_the_others_stay_on_their_lines() {
    let mut t = Till::new();
    rung_up(&mut t);
    t.send(Msg::Key(Key::Up)); // the colas
    discount(&mut t, false, "amount", "1.00", "damaged");
    t.send(Msg::Key(Key::Down)); // the noodle
    discount(&mut t, false, "amount", "0.50", "damaged");
    assert_eq!(t.state.sale.total(), Fen(1000));
    t.send(Msg::Key(Key::Up));
    t.send(Msg::Key(Key::Delete));
    assert_eq!(t.state.sale.lines.len(), 1);
    assert_eq!((t.state.sale.total(), t.state.sale.line_net(0)), (Fen(400), Fen(400)));
    assert_eq!(t.state.sale.discounts.len(), 1);
}

#[test]
fn a_discounted_sale_paid_and_partly_returned_gives_back_what_was_paid_for_the_goods() {
    let mut t = Till::new();
    rung_up(&mut t);
    discount(&mut t, true, "amount", "1.50", "regular"); // 10.00 to pay
    let order = t.state.sale.clone();
    // The colas (7.00 of 11.50) carry 0.91 of the 1.50: their net is 6.09; one of them brings back 3.04,
    // the other 3.05, and the noodle 3.91: 10.00 in all, what was paid.
    assert_eq!(order.line_net(0), Fen(609));
    let one = |before| order.net_of_units(0, before, 1);
    assert_eq!((one(0), one(1), order.line_net(1)), (Fen(304), Fen(305), Fen(391)));
}
