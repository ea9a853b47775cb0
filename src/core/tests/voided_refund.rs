//! A refund on an order the till had voided (issue 16, defect 2): the platform's "paid" puts the
//! till's own record right first (a late paid), the refund is followed after a restart, and the
//! voided order never comes back as the sale on screen.

use super::*;
use std::collections::BTreeMap;

/// The store, as the saves left it.
type Store = BTreeMap<OrderId, order::Order>;

fn record(store: &mut Store, fx: &[Effect]) {
    for e in fx {
        if let Effect::Save { order, .. } = e {
            store.insert(order.id, order.clone());
        }
    }
}

/// A code payment parked while unknown, then voided by a query that said "not charged"; the
/// customer's wallet shows a charge after all. Returns the till, the parked order's id and its number.
fn voided_but_charged(store: &mut Store) -> (Till, OrderId, String) {
    let mut t = Till::new();
    t.ring_up();
    let (no, fx) = t.pay(WECHAT_CODE);
    record(store, &fx);
    let fx =
        t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    record(store, &fx);
    let parked = t.state.sale.id;
    record(store, &t.send(Msg::Key(Key::Esc)));
    record(store, &t.wait(3));
    let fx = t
        .send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::Failed { reason: "not charged".into() } });
    record(store, &fx);
    assert_eq!(t.state.in_doubt_count(), 0);
    assert_eq!(store[&parked].status, OrderStatus::Voided);
    (t, parked, no)
}

/// The cashier looks the number up; the platform says paid (11.50); the till's record is the store's.
fn look_up_paid(t: &mut Till, store: &mut Store, no: &str, id: OrderId) {
    t.state.sale.lines.clear(); // the new sale is empty: F3 / a receipt scan opens the lookup
    record(store, &t.scan(no));
    assert_eq!(t.state.screen, Screen::Lookup);
    let found = PlatformOrder {
        out_trade_no: no.into(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: Fen(1150),
        refunded: Fen::ZERO,
    };
    let local = Some(Box::new(store[&id].clone()));
    record(store, &t.send(Msg::LookupAnswer { number: no.into(), local, verdict: LookupVerdict::Found(found) }));
}

/// A new process restored from `store`.
fn restart(t: &Till, store: &Store) -> (Till, Vec<Effect>) {
    let unsettled: Vec<order::Order> = store.values().filter(|o| !o.is_settled()).cloned().collect();
    let mut t2 = Till::new_unrestored();
    t2.now = t.now + 10_000;
    let fx = t2.send(Msg::Restored { orders: unsettled, counters: Some(t.state.counters) });
    (t2, fx)
}

fn refund_queries(fx: &[Effect]) -> Vec<&RefundCall> {
    fx.iter().filter_map(|e| if let Effect::QueryRefund(c) = e { Some(c) } else { None }).collect()
}

#[test]
fn the_platforms_paid_for_a_voided_order_is_taken_as_a_late_paid_before_anything_else() {
    let mut store = Store::new();
    let (mut t, parked, no) = voided_but_charged(&mut store);
    look_up_paid(&mut t, &mut store, &no, parked);
    let order = &store[&parked];
    assert_eq!(order.status, OrderStatus::Paid, "the till's own record is put right first: {order:?}");
    assert_eq!(order.number.as_deref(), Some(no.as_str()));
    assert!(matches!(order.attempts[0].state, AttemptState::Paid { .. }));
    // The lookup screen shows the corrected record, and the refund goes on from it.
    let view = t.state.lookup.as_ref().expect("lookup");
    assert_eq!(view.order.as_ref().map(|o| o.status), Some(OrderStatus::Paid));
}

#[test]
fn a_refund_on_a_once_voided_order_is_followed_after_a_restart_and_the_order_stays_off_the_screen() {
    let mut store = Store::new();
    let (mut t, parked, no) = voided_but_charged(&mut store);
    look_up_paid(&mut t, &mut store, &no, parked);
    let fx = t.typed("");
    record(&mut store, &fx);
    let call = fx.iter().find_map(|e| if let Effect::Refund(c) = e { Some(c.clone()) } else { None });
    let call = call.expect("refund sent");
    assert_eq!(call.order_id, parked);
    // The till restarts before the refund's outcome is known.
    let (t2, fx) = restart(&t, &store);
    assert_ne!(t2.state.sale.id, parked, "a settled order never comes back as the sale on screen");
    assert_eq!(t2.state.screen, Screen::Sale);
    assert_eq!(refund_queries(&fx).first().map(|c| c.out_refund_no.clone()), Some(call.out_refund_no));
}

#[test]
fn an_old_record_of_a_voided_order_with_a_refund_in_doubt_is_followed_never_put_on_screen() {
    // What an earlier build stored: the refund was put on the voided record itself.
    let mut store = Store::new();
    let (t, parked, no) = voided_but_charged(&mut store);
    let mut old = store[&parked].clone();
    old.refunds.push(order::Refund {
        out_refund_no: "01000052250301010099".into(),
        amount: Fen(1150),
        total: Fen(1150),
        refunded_before: Fen::ZERO,
        requested_at: Millis(t.now),
        operator: "01".into(),
        state: order::RefundState::Sending,
        refund_id: None,
        queries: 0,
        of: Some(order::RefundOf { platform: Platform::WeChat, out_trade_no: no, transaction_id: "4200".into() }),
        cash: false,
        returns: Vec::new(),
    });
    store.insert(parked, old);
    let (mut t2, fx) = restart(&t, &store);
    assert_ne!(t2.state.sale.id, parked, "the voided order is not the sale on screen");
    assert_eq!(t2.state.screen, Screen::Sale);
    assert_eq!(refund_queries(&fx).len(), 1, "the refund is followed: {fx:?}");
    // The next customer's goods go onto a new sale.
    t2.scan("6900138600889");
    assert_ne!(t2.state.sale.id, parked);
    assert_eq!(t2.state.sale.lines.len(), 1);
}
