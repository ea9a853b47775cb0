//! Other tills' orders through the back office (`core::foreign`): found, refunded under this till's
//! own key, cash only once the office holds it, offline said on one line.

use super::*;
use crate::core::foreign::{ForeignEffect, ForeignMsg, ForeignNotice, OfficeAnswer, Seen};
use crate::core::order::{Order, RefundState};

/// A sale paid at another till: 2 colas and a noodle, 11.50, in cash or (with a number) by WeChat.
fn other_tills_sale(wechat: bool) -> Order {
    let mut t1 = Till::new();
    t1.ring_up();
    if wechat {
        let (no, _) = t1.pay(WECHAT_CODE);
        t1.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("4200") });
    } else {
        t1.send(Msg::Key(Key::Char('c')));
        t1.typed("20");
    }
    let order = t1.state.sale.clone();
    assert_eq!((order.status, order.total()), (OrderStatus::Paid, Fen(1150)));
    order
}

fn seen(order: &Order, by_others: i64, cash_by_others: i64) -> OfficeAnswer {
    OfficeAnswer::Found(Box::new(Seen {
        device_id: "till-1".into(),
        till_name: "1号机".into(),
        order: order.clone(),
        by_others: Fen(by_others),
        cash_by_others: Fen(cash_by_others),
    }))
}

fn asked_office(fx: &[Effect], number: &str) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Foreign(ForeignEffect::Lookup { number: n }) if n == number))
}

fn holds(fx: &[Effect]) -> Vec<(String, Fen)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Foreign(ForeignEffect::Hold { out_refund_no, amount, .. }) => {
                Some((out_refund_no.clone(), *amount))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn another_tills_code_sale_is_shown_as_its_and_refunded_in_part_under_this_tills_own_key() {
    let sale = other_tills_sale(true);
    let number = sale.number.clone().expect("number");
    let mut t = Till::new();
    let fx = t.scan(&number);
    assert!(asked_office(&fx, &number), "the office is asked too: {fx:?}");
    // The office answers first, then the platform (the till has no record: local None).
    t.send(Msg::Foreign(ForeignMsg::Answer { number: number.clone(), answer: seen(&sale, 0, 0) }));
    let found = LookupVerdict::Found(PlatformOrder {
        out_trade_no: number.clone(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: Fen(1150),
        refunded: Fen(0),
    });
    t.send(Msg::LookupAnswer { number: number.clone(), local: None, verdict: found });
    let view = t.state.lookup.clone().expect("lookup");
    let copy = view.order.clone().expect("the other till's order, with its lines");
    assert_eq!(copy.lines.len(), sale.lines.len());
    assert_eq!(copy.foreign.as_ref().map(|f| (f.device_id.as_str(), f.order_id)), Some(("till-1", sale.id)));
    assert!(copy.imported, "never sent to the office as a sale of this till");
    assert_eq!(t.state.notice, Some(Notice::Foreign(ForeignNotice::OtherTills { till: "1号机".into() })));
    assert_eq!(view.refundable(), Fen(1150));

    t.state.input.clear();
    let fx = t.typed("3.00");
    let saved = fx.iter().position(|e| matches!(e, Effect::Save { order, .. } if order.refunds.len() == 1));
    let sent =
        fx.iter().position(|e| matches!(e, Effect::Refund(c) if c.out_trade_no == number && c.amount == Fen(300)));
    assert!(saved.expect("saved") < sent.expect("sent through the original payment"), "{fx:?}");
    let Some(Effect::Save { order, .. }) = saved.map(|i| &fx[i]) else { unreachable!() };
    assert_eq!(order.refunds[0].state, RefundState::Sending);
    // This till's key: a fresh id of its own (the other till's id may be one of this till's orders).
    assert_eq!(order.id, copy.id);
    assert!(t.state.counters.next_order_id > order.id);
    assert_eq!(order.number.as_deref(), Some(number.as_str()), "named by the original order");
}

#[test]
fn offline_a_number_the_till_does_not_have_says_other_tills_cannot_be_seen_whichever_answers_first() {
    for office_first in [true, false] {
        let mut t = Till::new();
        let number = other_tills_sale(false).number.expect("number");
        t.scan(&number);
        let office = Msg::Foreign(ForeignMsg::Answer { number: number.clone(), answer: OfficeAnswer::Unreachable });
        let platform = Msg::LookupAnswer { number: number.clone(), local: None, verdict: LookupVerdict::NotFound };
        let (a, b) = if office_first { (office, platform) } else { (platform, office) };
        t.send(a);
        t.send(b);
        assert_eq!(t.state.notice, Some(Notice::Foreign(ForeignNotice::Unseen)), "office first: {office_first}");
    }
    // Without a back office the till says what it always said.
    let mut t = Till::new();
    let number = other_tills_sale(false).number.expect("number");
    t.scan(&number);
    t.send(Msg::Foreign(ForeignMsg::Answer { number: number.clone(), answer: OfficeAnswer::NoOffice }));
    t.send(Msg::LookupAnswer { number: number.clone(), local: None, verdict: LookupVerdict::NotFound });
    assert_eq!(t.state.notice, Some(Notice::OrderNotFound { number }));
}

#[test]
fn cash_for_another_tills_order_leaves_the_drawer_only_once_the_office_holds_it() {
    let sale = other_tills_sale(false);
    let number = sale.number.clone().expect("number");
    let mut t = Till::new();
    t.scan(&number);
    // Another till already gave back 6.00 of its 11.50 in cash.
    t.send(Msg::Foreign(ForeignMsg::Answer { number: number.clone(), answer: seen(&sale, 600, 600) }));
    t.send(Msg::LookupAnswer { number: number.clone(), local: None, verdict: LookupVerdict::NotFound });
    assert_eq!(t.state.notice, Some(Notice::CashToRefund { amount: Fen(550) }));

    let fx = t.send(Msg::Key(Key::F(6)));
    assert!(!fx.contains(&Effect::OpenDrawer), "not before the office holds it: {fx:?}");
    let held = holds(&fx);
    assert_eq!(held.iter().map(|h| h.1).collect::<Vec<_>>(), vec![Fen(550)]);
    assert_eq!(t.state.notice, Some(Notice::Foreign(ForeignNotice::Holding { amount: Fen(550) })));
    // Meanwhile a third till took the rest: the office says no.
    let fx = t.send(Msg::Foreign(ForeignMsg::Held {
        out_refund_no: held[0].0.clone(),
        granted: false,
        refundable: Some(Fen(0)),
    }));
    assert!(!fx.contains(&Effect::OpenDrawer));
    assert_eq!(t.state.notice, Some(Notice::Foreign(ForeignNotice::NotHeld { refundable: Fen(0) })));
    // Offline: no answer from the office is no cash either.
    let fx = t.send(Msg::Key(Key::F(6)));
    let again = holds(&fx);
    let fx =
        t.send(Msg::Foreign(ForeignMsg::Held { out_refund_no: again[0].0.clone(), granted: false, refundable: None }));
    assert!(!fx.contains(&Effect::OpenDrawer));
    assert_eq!(t.state.notice, Some(Notice::Foreign(ForeignNotice::Unseen)));
    // Granted: the refund is saved before the drawer opens, on this till's copy.
    let fx = t.send(Msg::Key(Key::F(6)));
    let third = holds(&fx);
    let fx = t.send(Msg::Foreign(ForeignMsg::Held {
        out_refund_no: third[0].0.clone(),
        granted: true,
        refundable: Some(Fen(0)),
    }));
    let saved = fx
        .iter()
        .position(|e| matches!(e, Effect::Save { order, .. } if order.foreign.is_some() && order.refunds.len() == 1));
    let drawer = fx.iter().position(|e| *e == Effect::OpenDrawer);
    assert!(saved.expect("saved") < drawer.expect("drawer"), "{fx:?}");
    let Some(Effect::Save { order, .. }) = saved.map(|i| &fx[i]) else { unreachable!() };
    let r = &order.refunds[0];
    assert_eq!((r.cash, r.amount, r.out_refund_no.as_str()), (true, Fen(550), third[0].0.as_str()));
}

#[test]
fn the_tills_own_cash_sale_counts_what_other_tills_gave_back_as_the_office_says() {
    let mut t = Till::new();
    t.ring_up();
    t.send(Msg::Key(Key::Char('c')));
    t.typed("20");
    let order = t.state.sale.clone();
    t.send(Msg::Key(Key::Esc));
    let number = order.number.clone().expect("number");
    t.scan(&number);
    t.send(Msg::LookupAnswer {
        number: number.clone(),
        local: Some(Box::new(order.clone())),
        verdict: LookupVerdict::NotFound,
    });
    assert_eq!(t.state.notice, Some(Notice::CashToRefund { amount: Fen(1150) }));
    t.send(Msg::Foreign(ForeignMsg::Answer { number: number.clone(), answer: seen(&order, 1000, 1000) }));
    assert_eq!(t.state.notice, Some(Notice::CashToRefund { amount: Fen(150) }), "till 2 gave back 10.00");
    // Online, its own order's cash is held at the office too (two tills cannot both give it).
    let fx = t.send(Msg::Key(Key::F(6)));
    let held = holds(&fx);
    assert_eq!(held.iter().map(|h| h.1).collect::<Vec<_>>(), vec![Fen(150)]);
    assert!(!fx.contains(&Effect::OpenDrawer));
    // The office gone meanwhile: its own records decide, as offline.
    let fx =
        t.send(Msg::Foreign(ForeignMsg::Held { out_refund_no: held[0].0.clone(), granted: false, refundable: None }));
    assert!(fx.contains(&Effect::AnnounceRefund { amount: Fen(150), platform: None }), "{fx:?}");
}

#[test]
fn offline_the_tills_own_cash_sale_is_refunded_on_its_own_records() {
    let mut t = Till::new();
    t.ring_up();
    t.send(Msg::Key(Key::Char('c')));
    t.typed("20");
    let order = t.state.sale.clone();
    t.send(Msg::Key(Key::Esc));
    let number = order.number.clone().expect("number");
    t.scan(&number);
    t.send(Msg::Foreign(ForeignMsg::Answer { number: number.clone(), answer: OfficeAnswer::Unreachable }));
    t.send(Msg::LookupAnswer { number, local: Some(Box::new(order)), verdict: LookupVerdict::NotFound });
    let fx = t.send(Msg::Key(Key::F(6)));
    assert!(holds(&fx).is_empty());
    assert!(fx.contains(&Effect::OpenDrawer), "{fx:?}");
}
