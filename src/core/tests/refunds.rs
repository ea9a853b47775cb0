//! Order lookup and refunds through the pure core (seed 003 §3.1.4, §4.2).

use super::*;

const RECEIPT_NO: &str = "01000052250301010001";

fn found(total: i64, refunded: i64) -> LookupVerdict {
    LookupVerdict::Found(PlatformOrder {
        out_trade_no: RECEIPT_NO.into(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: Fen(total),
        refunded: Fen(refunded),
    })
}

fn refunds(fx: &[Effect]) -> Vec<&RefundCall> {
    fx.iter().filter_map(|e| if let Effect::Refund(c) = e { Some(c) } else { None }).collect()
}

/// Scans a receipt on the empty sale screen and answers the lookup.
fn look_up(t: &mut Till, verdict: LookupVerdict) {
    let fx = t.scan(RECEIPT_NO);
    assert!(fx.iter().any(|e| matches!(e, Effect::Lookup(c) if c.out_trade_no == RECEIPT_NO)), "{fx:?}");
    assert_eq!(t.state.screen, Screen::Lookup);
    t.send(Msg::LookupAnswer { number: RECEIPT_NO.into(), local: None, verdict });
}

/// Types `amount` over the proposed one and presses Enter.
fn refund(t: &mut Till, amount: &str) -> Vec<Effect> {
    t.state.input.clear();
    t.typed(amount)
}

#[test]
fn a_receipt_scan_shows_the_order_and_proposes_what_can_be_refunded() {
    let mut t = Till::new();
    look_up(&mut t, found(2, 0));
    let view = t.state.lookup.as_ref().expect("lookup");
    assert_eq!(view.status(), Some(refund::LookupStatus::Paid));
    assert_eq!(view.refundable(), Fen(2));
    assert_eq!(t.state.input, "0.02");
}

#[test]
fn more_than_the_refundable_amount_is_refused_at_the_till_and_never_sent() {
    let mut t = Till::new();
    look_up(&mut t, found(2, 0));
    let fx = refund(&mut t, "0.03");
    assert!(refunds(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::ExceedsRefundable { refundable: Fen(2) }));
    for bad in ["0", "0.001", "abc"] {
        assert!(refunds(&refund(&mut t, bad)).is_empty(), "{bad}");
    }
}

#[test]
fn the_seed_refund_sequence_partial_then_full() {
    let mut t = Till::new();
    look_up(&mut t, found(2, 0));
    let fx = refund(&mut t, "0.01");
    let call = refunds(&fx)[0].clone();
    assert_eq!((call.amount, call.total, call.refunded_before), (Fen(1), Fen(2), Fen(0)));
    assert!(call.out_refund_no.starts_with("01000052") && call.out_refund_no.len() == 24);
    let save_pos = fx.iter().position(|e| matches!(e, Effect::Save { order, .. } if order.refunds.len() == 1));
    assert!(save_pos.expect("saved") < fx.iter().position(|e| matches!(e, Effect::Refund(_))).expect("sent"));
    // Accepted is not refunded: the refund is queried.
    let no = call.out_refund_no.clone();
    t.send(Msg::RefundAnswer {
        out_refund_no: no.clone(),
        verdict: RefundVerdict::Accepted { refund_id: "r1".into() },
    });
    assert_eq!(t.state.notice, Some(Notice::RefundAccepted { amount: Fen(1) }));
    // While it is being confirmed no other refund of the order is taken.
    assert!(refunds(&refund(&mut t, "0.01")).is_empty());
    assert_eq!(t.state.notice, Some(Notice::RefundInDoubt));
    let fx = t.wait(5);
    let q = fx.iter().find_map(|e| if let Effect::QueryRefund(c) = e { Some(c.clone()) } else { None });
    assert_eq!(q.expect("refund queried").out_refund_no, no);
    let fx = t.send(Msg::RefundQueryAnswer {
        out_refund_no: no,
        verdict: RefundVerdict::Refunded { refund_id: "r1".into() },
    });
    // Told and spoken with the wallet it went back to, once confirmed.
    let wallet = Some(call.platform);
    assert_eq!(t.state.notice, Some(Notice::Refunded { amount: Fen(1), platform: wallet }));
    assert!(fx.iter().any(|e| matches!(e, Effect::PrintRefund { .. })));
    assert!(
        fx.contains(&Effect::AnnounceRefund { amount: Fen(1), platform: wallet }),
        "the wallet and the amount are spoken, not a bare success"
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::Lookup(_))), "the screen is refreshed from the platform");
    t.send(Msg::LookupAnswer {
        number: RECEIPT_NO.into(),
        local: t.state.lookup.as_ref().and_then(|v| v.order.clone()).map(Box::new),
        verdict: found(2, 1),
    });
    let view = t.state.lookup.as_ref().expect("lookup");
    assert_eq!(view.status(), Some(refund::LookupStatus::PartiallyRefunded));
    // The refund's outcome stays on the message line and no second refund is proposed: Enter
    // alone refunds nothing; the cashier types the amount again to refund more.
    assert_eq!(t.state.input, "", "the remainder is not filled in after a refund");
    assert_eq!(t.state.notice, Some(Notice::Refunded { amount: Fen(1), platform: wallet }));
    assert!(refunds(&t.send(Msg::Key(Key::Enter))).is_empty(), "a second Enter refunds nothing");
    assert!(refunds(&refund(&mut t, "0.02")).is_empty());
    assert_eq!(t.state.notice, Some(Notice::ExceedsRefundable { refundable: Fen(1) }));
    let fx = refund(&mut t, "0.01");
    let no = refunds(&fx)[0].out_refund_no.clone();
    t.send(Msg::RefundAnswer { out_refund_no: no, verdict: RefundVerdict::Refunded { refund_id: "r2".into() } });
    let local = t.state.lookup.as_ref().and_then(|v| v.order.clone()).map(Box::new);
    t.send(Msg::LookupAnswer { number: RECEIPT_NO.into(), local, verdict: found(2, 2) });
    let view = t.state.lookup.as_ref().expect("lookup");
    assert_eq!(view.status(), Some(refund::LookupStatus::FullyRefunded));
    assert_eq!(view.refundable(), Fen(0));
}

#[test]
fn the_tills_own_refunds_count_even_before_the_platform_shows_them() {
    let mut t = Till::new();
    look_up(&mut t, found(2, 0));
    let fx = refund(&mut t, "0.01");
    let no = refunds(&fx)[0].out_refund_no.clone();
    t.send(Msg::RefundAnswer { out_refund_no: no, verdict: RefundVerdict::Refunded { refund_id: "r".into() } });
    // The platform has not caught up yet (Alipay's query_order shows nothing until fully refunded).
    let local = t.state.lookup.as_ref().and_then(|v| v.order.clone()).map(Box::new);
    t.send(Msg::LookupAnswer { number: RECEIPT_NO.into(), local, verdict: found(2, 0) });
    assert_eq!(t.state.lookup.as_ref().map(|v| v.refundable()), Some(Fen(1)));
}

#[test]
fn a_refund_in_doubt_survives_a_restart_and_is_queried_at_once() {
    let mut t = Till::new();
    look_up(&mut t, found(2, 0));
    let fx = refund(&mut t, "0.02");
    let saved = fx
        .iter()
        .find_map(|e| if let Effect::Save { order, counters } = e { Some((order.clone(), *counters)) } else { None })
        .expect("saved");
    assert!(!saved.0.is_settled(), "a paid order with a refund in doubt stays on the unsettled list");
    let mut t2 = Till::new_unrestored();
    let fx = t2.send(Msg::Restored { orders: vec![saved.0.clone()], counters: Some(saved.1) });
    assert_eq!(t2.state.screen, Screen::Sale, "never put back on screen as a sale");
    let q = fx.iter().find_map(|e| if let Effect::QueryRefund(c) = e { Some(c.clone()) } else { None });
    assert_eq!(q.expect("queried").amount, Fen(2));
    let no = saved.0.refunds[0].out_refund_no.clone();
    t2.send(Msg::RefundQueryAnswer { out_refund_no: no, verdict: RefundVerdict::Refunded { refund_id: "r".into() } });
    assert!(t2.state.background.is_empty());
}

#[test]
fn lookup_is_only_for_an_empty_sale_and_garbage_is_refused() {
    let mut t = Till::new();
    t.scan("6900138600889");
    t.send(Msg::Key(Key::F(3)));
    assert_eq!(t.state.notice, Some(Notice::FinishSaleFirst));
    let mut t = Till::new();
    t.send(Msg::Key(Key::F(3)));
    assert_eq!(t.state.screen, Screen::Lookup);
    t.scan("6900138600889");
    assert_eq!(t.state.notice, Some(Notice::NotAnOrderNumber));
    let fx = t.typed(RECEIPT_NO);
    assert!(fx.iter().any(|e| matches!(e, Effect::Lookup(_))));
    t.send(Msg::Key(Key::Esc));
    assert_eq!(t.state.screen, Screen::Sale);
}

#[test]
fn a_refund_asked_for_after_the_order_changed_in_the_background_keeps_the_newest_order() {
    // A parked payment, looked up while still in doubt at the till: the platform says paid.
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    t.send(Msg::Key(Key::Esc));
    let parked = t.state.background[0].clone();
    t.scan(&no);
    let platform_order = PlatformOrder {
        out_trade_no: no.clone(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: Fen(1150),
        refunded: Fen(0),
    };
    let verdict = LookupVerdict::Found(platform_order);
    t.send(Msg::LookupAnswer { number: no.clone(), local: Some(Box::new(parked)), verdict });
    // Before the cashier refunds, the background query confirms the payment.
    t.wait(5);
    t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: paid("4200") });
    assert_eq!(t.state.in_doubt_count(), 0);
    let fx = refund(&mut t, "0.01");
    assert_eq!(refunds(&fx).len(), 1);
    let saved = fx.iter().find_map(|e| if let Effect::Save { order, .. } = e { Some(order) } else { None });
    let saved = saved.expect("the refund is saved first");
    assert_eq!(saved.status, OrderStatus::Paid, "the paid payment is not undone by the refund's record");
    assert!(matches!(saved.attempts[0].state, AttemptState::Paid { .. }), "{saved:?}");
    assert!(matches!(&saved.tender, Some(Tender::Code { out_trade_no, .. }) if *out_trade_no == no));
    assert_eq!(t.state.in_doubt_count(), 0, "nothing to confirm again, no second receipt");
}

#[test]
fn a_refund_waits_until_the_till_has_confirmed_the_payment_and_then_blocks_a_second() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    t.send(Msg::Key(Key::Esc));
    let parked = t.state.background[0].clone();
    t.scan(&no);
    let platform_order = PlatformOrder {
        out_trade_no: no.clone(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: Fen(1150),
        refunded: Fen(0),
    };
    let verdict = LookupVerdict::Found(platform_order);
    t.send(Msg::LookupAnswer { number: no.clone(), local: Some(Box::new(parked)), verdict });
    assert!(refunds(&refund(&mut t, "0.01")).is_empty(), "not while the till is confirming the payment");
    assert_eq!(t.state.notice, Some(Notice::PaymentInDoubt));
    let kept = t.state.background.iter().find(|o| o.attempts.iter().any(|a| a.out_trade_no == no));
    assert_eq!(kept.map(|o| o.refunds.len()), Some(0), "nothing recorded");
    // Once confirmed, the refund is taken.
    t.wait(5);
    t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: paid("4200") });
    assert_eq!(refunds(&refund(&mut t, "0.01")).len(), 1);
    assert!(t.state.lookup.as_ref().is_some_and(|v| v.open_refund().is_some()), "the refund in doubt is on screen");
    assert!(refunds(&refund(&mut t, "0.01")).is_empty(), "no second refund while the first is in doubt");
    assert_eq!(t.state.notice, Some(Notice::RefundInDoubt));
}

/// Found by the model test (tests/model_core.rs): a lookup's answer from before a refund, arriving
/// late (or a second time) after it, showed the order as not refunded and offered the money again.
#[test]
fn an_old_lookup_answer_arriving_after_a_refund_never_offers_the_money_again() {
    let mut t = Till::new();
    look_up(&mut t, found(2, 0));
    let fx = refund(&mut t, "0.02");
    let no = refunds(&fx)[0].out_refund_no.clone();
    let fx =
        t.send(Msg::RefundAnswer { out_refund_no: no, verdict: RefundVerdict::Refunded { refund_id: "r1".into() } });
    assert!(fx.iter().any(|e| matches!(e, Effect::Lookup(_))), "the new figures are asked for: {fx:?}");
    // The first lookup's answer again (delivered twice, or a slow earlier lookup of the number).
    t.send(Msg::LookupAnswer { number: RECEIPT_NO.into(), local: None, verdict: found(2, 0) });
    assert!(refunds(&refund(&mut t, "0.02")).is_empty(), "refunded once only");
    // The fresh answer, then the old one once more: still nothing to refund.
    t.send(Msg::LookupAnswer { number: RECEIPT_NO.into(), local: None, verdict: found(2, 2) });
    t.send(Msg::LookupAnswer { number: RECEIPT_NO.into(), local: None, verdict: found(2, 0) });
    assert_eq!(t.state.lookup.as_ref().map(|v| v.refundable()), Some(Fen(0)));
    assert!(refunds(&refund(&mut t, "0.02")).is_empty(), "refunded once only");
    // Scanned again and the old answer comes first: still nothing to refund.
    t.scan(RECEIPT_NO);
    t.send(Msg::LookupAnswer { number: RECEIPT_NO.into(), local: None, verdict: found(2, 0) });
    assert!(refunds(&refund(&mut t, "0.02")).is_empty(), "refunded once only");
}

/// Found by the model test: the platform said "paid" to a lookup, then the till reversed that very
/// payment (it was in doubt past the wallet's deadline); the screen still offered to refund it.
#[test]
fn a_payment_reversed_after_its_lookup_is_not_offered_for_refund() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    t.send(Msg::Key(Key::Esc)); // parked: confirmed in the background
    let order = t.state.background[0].clone();
    t.scan(&no);
    let paid = LookupVerdict::Found(PlatformOrder {
        out_trade_no: no.clone(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: order.total(),
        refunded: Fen(0),
    });
    t.send(Msg::LookupAnswer { number: no.clone(), local: Some(Box::new(order)), verdict: paid });
    // Past the deadline the till cancels (reverses) it, and the platform confirms.
    let fx = t.wait(50);
    assert!(!queries(&fx).is_empty(), "{fx:?}");
    let fx = t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "t".into() } });
    assert!(fx.iter().any(|e| matches!(e, Effect::Cancel(_))), "{fx:?}");
    let fx = t.send(Msg::CancelAnswer { out_trade_no: no.clone(), verdict: CancelVerdict::Cancelled });
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Lookup(c) if c.out_trade_no == no)),
        "the platform is asked again: {fx:?}"
    );
    assert!(refunds(&refund(&mut t, "11.50")).is_empty(), "a reversed payment is not refunded");
}

/// Found by the model test: the lookup is sent, then the till cancels (reverses) the payment, and
/// the platform's "paid" read before the reversal arrives after it. The store's record read with
/// the answer shows the payment reversed: the answer is out of date, the platform is asked again,
/// and no refund is offered of money already given back.
#[test]
fn a_lookup_answer_from_before_the_reversal_arriving_after_it_offers_no_refund() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    t.send(Msg::Key(Key::Esc)); // parked: confirmed in the background
    let total = t.state.background[0].total();
    t.wait(50);
    t.scan(&no); // the lookup leaves...
    let fx = t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "t".into() } });
    assert!(fx.iter().any(|e| matches!(e, Effect::Cancel(_))), "{fx:?}");
    // ...the cancel reverses the payment before the lookup's answer is back.
    t.send(Msg::CancelAnswer { out_trade_no: no.clone(), verdict: CancelVerdict::Cancelled });
    let mut local = fx
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::Save { order, .. } => Some(order.clone()),
            _ => None,
        })
        .expect("saved");
    local.attempts[0].state = AttemptState::Cancelled;
    let paid = LookupVerdict::Found(PlatformOrder {
        out_trade_no: no.clone(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total,
        refunded: Fen(0),
    });
    let fx = t.send(Msg::LookupAnswer { number: no.clone(), local: Some(Box::new(local)), verdict: paid });
    assert!(fx.iter().any(|e| matches!(e, Effect::Lookup(c) if c.out_trade_no == no)), "asked again: {fx:?}");
    assert!(refunds(&refund(&mut t, "11.50")).is_empty(), "a reversed payment is not refunded");
}
