//! Held sales (挂单 / 取单): held under a number, listed, taken back, durable, never with money in
//! doubt, old ones discarded by a supervisor, and the close of the day.

use super::*;
use crate::core::held::{HeldNotice, HeldSummary};
use crate::core::intent::Intent;
use crate::core::office::{OfficeEffect, OfficeMsg};
use crate::core::order::Order;

const HOUR: i64 = 3600;

fn held_notice(t: &Till) -> Option<HeldNotice> {
    match &t.state.notice {
        Some(Notice::Held(n)) => Some(n.clone()),
        _ => None,
    }
}

pub(super) fn saved(fx: &[Effect]) -> Vec<Order> {
    fx.iter().filter_map(|e| if let Effect::Save { order, .. } = e { Some(order.clone()) } else { None }).collect()
}

pub(super) fn key(t: &mut Till, k: Key) -> Vec<Effect> {
    t.send(Msg::Key(k))
}

/// Two colas on the sale screen.
fn two_colas(t: &mut Till) {
    t.scan("6900138600889");
    t.scan("6900138600889");
}

/// Makes operator 02, a cashier, the one signed in (01 stays the shop's supervisor).
pub(super) fn as_cashier(t: &mut Till) {
    let cashier = auth::Operator::new("02", "小王", auth::Role::Cashier, auth::PinHash("-".into()));
    let boss = auth::Operator::new("01", "店长", auth::Role::Supervisor, auth::PinHash("-".into()));
    t.send(Msg::Auth(auth::AuthMsg::Loaded { operators: vec![boss, cashier] }));
    let session = t.state.auth.session.as_mut().expect("session");
    session.role = auth::Role::Cashier;
    session.number = "02".into();
}

/// The supervisor (01, the only one) types a PIN that the app then finds right.
pub(super) fn supervisor_approves(t: &mut Till) -> Vec<Effect> {
    assert!(t.state.auth.prompt.is_some(), "a supervisor's PIN is asked for");
    for c in "1234".chars() {
        key(t, Key::Char(c));
    }
    let fx = key(t, Key::Enter);
    assert!(fx.iter().any(|e| matches!(e, Effect::Auth(auth::AuthEffect::VerifyPin { .. }))), "{fx:?}");
    t.send(Msg::Auth(auth::AuthMsg::PinChecked { number: "01".into(), ok: true }))
}

#[test]
fn a_held_sale_frees_the_screen_and_comes_back_by_its_number_as_it_was() {
    let mut t = Till::new();
    two_colas(&mut t);
    let before = t.state.sale.clone();
    let fx = key(&mut t, Key::Char('/'));
    // Saved like any order change, under number 1, with its lines as they were.
    let held = saved(&fx).pop().expect("the held sale is saved");
    assert_eq!((held.id, &held.lines, held.status), (before.id, &before.lines, OrderStatus::Open));
    let hold = held.hold.clone().expect("marked held");
    assert_eq!((hold.number, hold.at, hold.by.as_str()), (1, Millis(T0), "01"));
    assert_eq!(held_notice(&t), Some(HeldNotice::Held { number: 1, items: 2, total: Fen(700) }));
    // Nothing reserved, nothing paid: no stock moves, no platform call, only the save and a beep
    // (and the customer display cleared for the next customer).
    assert!(
        fx.iter().all(|e| matches!(e, Effect::Save { .. } | Effect::Beep(Beep::Accepted) | Effect::Display(_))),
        "{fx:?}"
    );
    assert_eq!(fx.last(), Some(&Effect::Display(crate::core::display::Shown::Idle)));
    assert!(t.state.sale.lines.is_empty() && t.state.screen == Screen::Sale, "the screen is free");
    assert_ne!(t.state.sale.id, before.id, "the next sale is a new order");
    // The next customer's sale is held too: the next free number.
    t.scan("6920152400777");
    key(&mut t, Key::Char('/'));
    assert_eq!(held_notice(&t), Some(HeldNotice::Held { number: 2, items: 1, total: Fen(450) }));
    // The list, from an empty sale: both, by number; 1 is typed and taken back.
    key(&mut t, Key::Char('/'));
    assert_eq!(t.state.held.list, Some(0));
    let rows: Vec<(u32, u32, Fen)> =
        t.state.held.sales.iter().filter_map(HeldSummary::of).map(|h| (h.number, h.items, h.total)).collect();
    assert_eq!(rows, [(1, 2, Fen(700)), (2, 1, Fen(450))]);
    let fx = t.typed("1");
    assert_eq!(t.state.held.list, None, "the list closes");
    assert_eq!((t.state.sale.id, &t.state.sale.lines), (before.id, &before.lines));
    assert!(t.state.sale.hold.is_none());
    assert!(saved(&fx).iter().any(|o| o.id == before.id && o.hold.is_none()), "taken back is saved too");
    assert_eq!(held_notice(&t), Some(HeldNotice::Resumed { number: 1 }));
    // Paid as any sale; number 1 is free again for the next sale held.
    key(&mut t, Key::Enter);
    key(&mut t, Key::Char('c'));
    t.typed("10");
    assert!(matches!(t.state.screen, Screen::Done { .. }));
    key(&mut t, Key::Esc);
    t.scan("6920152400777");
    key(&mut t, Key::Char('/'));
    assert_eq!(held_notice(&t), Some(HeldNotice::Held { number: 1, items: 1, total: Fen(450) }));
}

#[test]
fn the_list_takes_one_back_by_the_arrows_and_a_script_by_its_number() {
    let mut t = Till::new();
    two_colas(&mut t);
    t.send(Msg::Act(Intent::Hold { note: Some("回来拿烟".into()) }));
    t.scan("6920152400777");
    t.send(Msg::Act(Intent::Hold { note: None }));
    assert_eq!(t.state.held.sales[0].hold.as_ref().and_then(|h| h.note.clone()).as_deref(), Some("回来拿烟"));
    t.send(Msg::Act(Intent::HeldList));
    key(&mut t, Key::Down);
    key(&mut t, Key::Enter);
    assert_eq!(t.state.sale.total(), Fen(450));
    // A held sale is taken back only on an empty sale screen; a number nobody holds is refused.
    let fx = t.send(Msg::Act(Intent::Resume { number: 1 }));
    assert_eq!(held_notice(&t), Some(HeldNotice::HoldFirst));
    assert!(fx.contains(&Effect::Beep(Beep::Error)));
    key(&mut t, Key::Char('/'));
    t.send(Msg::Act(Intent::Resume { number: 7 }));
    assert_eq!(held_notice(&t), Some(HeldNotice::NoSuchNumber { number: "7".into() }));
    t.send(Msg::Act(Intent::Resume { number: 1 }));
    assert_eq!(t.state.sale.total(), Fen(700));
    assert_eq!(t.state.held.sales.len(), 1);
}

#[test]
fn a_sale_with_a_payment_in_doubt_or_a_part_paid_cannot_be_held() {
    let mut t = Till::new();
    let fx = key(&mut t, Key::Char('/'));
    assert_eq!(held_notice(&t), Some(HeldNotice::NoHeldSales), "empty sale and nothing held");
    assert!(fx.contains(&Effect::Beep(Beep::Error)));
    t.send(Msg::Act(Intent::Hold { note: None }));
    // A payment in doubt: refused, the order stays on screen as it is.
    t.ring_up();
    let (_, _) = t.pay(WECHAT_CODE);
    let fx = t.send(Msg::Act(Intent::Hold { note: None }));
    assert_eq!(t.state.notice, Some(Notice::PaymentInDoubt));
    assert!(saved(&fx).is_empty() && t.state.held.sales.is_empty());
    // A part paid (5.00 of 11.50 by code): refused too; the order is finished here.
    let mut t = Till::new();
    t.ring_up();
    t.typed("5");
    let (no, _) = t.pay(ALIPAY_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no, verdict: paid("42") });
    assert!(t.state.sale.has_paid_parts());
    let fx = t.send(Msg::Act(Intent::Hold { note: None }));
    assert_eq!(t.state.notice, Some(Notice::FinishPayment));
    assert!(saved(&fx).is_empty() && t.state.held.sales.is_empty());
}

#[test]
fn held_sales_come_back_to_the_list_after_a_restart_and_the_cart_on_screen_stays() {
    let mut t = Till::new();
    two_colas(&mut t);
    let held = saved(&key(&mut t, Key::Char('/'))).pop().expect("saved");
    t.scan("6920152400777");
    let cart = t.state.sale.clone();
    // The till is killed: the store has the held sale and the cart being rung up.
    let mut t2 = Till::new_unrestored_at(T0 + 60_000);
    let fx = t2.send(Msg::Restored { orders: vec![held.clone(), cart.clone()], counters: Some(t.state.counters) });
    assert!(saved(&fx).is_empty(), "nothing is voided: {fx:?}");
    assert_eq!(t2.state.held.sales, vec![held.clone()]);
    assert_eq!(t2.state.sale, cart, "the cart is on screen, the held sale is not");
    // Only a held sale: the screen starts empty, the sale is in the list.
    let mut t3 = Till::new_unrestored_at(T0 + 60_000);
    t3.send(Msg::Restored { orders: vec![held.clone()], counters: Some(t.state.counters) });
    assert!(t3.state.sale.lines.is_empty());
    assert!(t3.state.sale.id > held.id, "the next sale gets a new id");
    t3.send(Msg::Act(Intent::Resume { number: 1 }));
    assert_eq!(t3.state.sale.lines, held.lines);
}

#[test]
fn only_a_held_sale_older_than_the_limit_is_discarded_and_only_by_a_supervisor() {
    let mut t = Till::new();
    as_cashier(&mut t);
    two_colas(&mut t);
    key(&mut t, Key::Char('/'));
    key(&mut t, Key::Char('/'));
    let fx = key(&mut t, Key::Delete);
    assert_eq!(held_notice(&t), Some(HeldNotice::NotOldYet { hours: 24 }));
    assert!(fx.contains(&Effect::Beep(Beep::Error)) && t.state.auth.prompt.is_none());
    // A day later it is old: Del asks the supervisor, whose PIN discards it.
    t.wait(24 * HOUR);
    assert!(t.state.held.is_old(&t.state.held.sales[0], t.state.now));
    let fx = key(&mut t, Key::Delete);
    assert!(saved(&fx).is_empty(), "nothing discarded before the PIN");
    let fx = supervisor_approves(&mut t);
    let gone = saved(&fx).pop().expect("the discarded sale is saved");
    assert_eq!(gone.status, OrderStatus::Voided);
    let discard = gone.hold.and_then(|h| h.discarded).expect("discarded");
    assert_eq!((discard.by.as_str(), discard.at_close), ("01", false));
    assert!(t.state.held.sales.is_empty() && t.state.held.list.is_none());
    assert_eq!(held_notice(&t), Some(HeldNotice::Discarded { number: 1 }));
    // The shop's own limit (till.toml [held] max_age_hours).
    let mut t = Till::new();
    t.state.held.config.max_age_hours = 2;
    two_colas(&mut t);
    key(&mut t, Key::Char('/'));
    t.wait(2 * HOUR);
    assert!(t.state.held.is_old(&t.state.held.sales[0], t.state.now));
}

#[test]
fn closing_the_day_with_held_sales_asks_a_supervisor_names_them_and_the_z_lists_them() {
    let mut t = Till::new();
    t.send(Msg::Office(OfficeMsg::Restored { shifts: vec![], last_z: None }));
    two_colas(&mut t);
    key(&mut t, Key::Char('/'));
    t.scan("6920152400777");
    key(&mut t, Key::Char('/'));
    t.wait(HOUR);
    // F6, the report, then F7: closing the day. Even the supervisor signed in types a PIN now.
    let fx = key(&mut t, Key::F(6));
    let ticket = load_ticket(&fx);
    t.send(Msg::Office(OfficeMsg::OrdersLoaded { ticket, result: Ok(vec![]) }));
    let fx = key(&mut t, Key::F(7));
    assert!(load_ticket_opt(&fx).is_none(), "the day is not closed before the PIN");
    assert_eq!(held_notice(&t), Some(HeldNotice::OpenAtClose { numbers: "1, 2".into() }));
    let fx = supervisor_approves(&mut t);
    let gone = saved(&fx);
    assert_eq!(gone.len(), 2, "both held sales are discarded: {fx:?}");
    assert!(gone.iter().all(|o| o.status == OrderStatus::Voided
        && o.hold.as_ref().and_then(|h| h.discarded.as_ref()).is_some_and(|d| d.at_close)));
    // They are saved before the day's orders are read, and the Z report lists them.
    let last_save = fx.iter().rposition(|e| matches!(e, Effect::Save { .. })).expect("save");
    let load = fx.iter().position(|e| matches!(e, Effect::Office(OfficeEffect::LoadOrders { .. }))).expect("load");
    assert!(last_save < load);
    let fx = t.send(Msg::Office(OfficeMsg::OrdersLoaded { ticket: load_ticket(&fx), result: Ok(gone.clone()) }));
    let z = fx
        .iter()
        .find_map(|e| match e {
            Effect::Office(OfficeEffect::CloseDay { z, .. }) => Some(z.clone()),
            _ => None,
        })
        .expect("the Z report");
    let listed: Vec<(u32, Fen)> = z.report.discarded_held.iter().map(|h| (h.number, h.total)).collect();
    assert_eq!(listed, [(1, Fen(700)), (2, Fen(450))]);
    assert!(t.state.held.sales.is_empty());
    // The next day's report does not list them again.
    let next = crate::core::office::report::compute(
        &gone,
        crate::core::office::report::Period { from: Some(z.closed_at), to: t.state.now.plus_secs(HOUR) },
        &[],
    );
    assert!(next.discarded_held.is_empty());
}

#[test]
fn the_day_closes_as_before_without_held_sales() {
    let mut t = Till::new();
    t.send(Msg::Office(OfficeMsg::Restored { shifts: vec![], last_z: None }));
    let fx = key(&mut t, Key::F(6));
    t.send(Msg::Office(OfficeMsg::OrdersLoaded { ticket: load_ticket(&fx), result: Ok(vec![]) }));
    let fx = key(&mut t, Key::F(7));
    assert!(load_ticket_opt(&fx).is_some(), "the supervisor signed in closes the day at once");
}

fn load_ticket_opt(fx: &[Effect]) -> Option<u64> {
    fx.iter().find_map(|e| match e {
        Effect::Office(OfficeEffect::LoadOrders { ticket, .. }) => Some(*ticket),
        _ => None,
    })
}

fn load_ticket(fx: &[Effect]) -> u64 {
    load_ticket_opt(fx).expect("a load")
}
