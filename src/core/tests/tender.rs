//! Mixed tenders through the pure core: part cash part code, two codes, a part in doubt, a part
//! that fails, and refunds of a mixed order.

use super::*;
use crate::core::order::TenderPart;

fn micro_pays(fx: &[Effect]) -> Vec<&PayCall> {
    fx.iter().filter_map(|e| if let Effect::MicroPay(c) = e { Some(c) } else { None }).collect()
}

fn pos(fx: &[Effect], f: impl Fn(&Effect) -> bool) -> usize {
    fx.iter().position(f).unwrap_or(usize::MAX)
}

/// 11.50 rung up; cash `amount` taken on the tender screen.
fn cash(t: &mut Till, amount: &str) -> Vec<Effect> {
    t.send(Msg::Key(Key::F(2)));
    t.typed(amount)
}

#[test]
fn part_cash_then_a_code_for_the_rest() {
    let mut t = Till::new();
    t.ring_up();
    let fx = cash(&mut t, "5");
    // The cash part is saved, then the drawer opens; the sale is not paid yet.
    let saved = pos(&fx, |e| matches!(e, Effect::Save { order, .. } if order.cash.len() == 1));
    assert!(saved < pos(&fx, |e| *e == Effect::OpenDrawer), "{fx:?}");
    assert!(!fx.iter().any(|e| matches!(e, Effect::Print { .. })), "no receipt before it is paid");
    assert_eq!(t.state.sale.remaining(), Fen(650));
    assert_eq!(t.state.sale.status, OrderStatus::Open);
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
    assert_eq!(t.state.notice, Some(Notice::PartPaid { platform: None, amount: Fen(500), remaining: Fen(650) }));
    let (no, fx) = t.pay(WECHAT_CODE);
    assert_eq!(micro_pays(&fx)[0].amount, Fen(650), "the code pays the remainder");
    let fx = t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("4200") });
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    assert_eq!(t.state.screen, Screen::Done { change: Fen::ZERO });
    assert!(fx.iter().any(|e| matches!(e, Effect::Print { .. })));
    assert!(fx.contains(&Effect::Announce { platform: Some(Platform::WeChat), amount: Fen(650) }));
    let Some(Tender::Mixed { parts }) = &t.state.sale.tender else { panic!("{:?}", t.state.sale.tender) };
    assert_eq!(parts.iter().map(TenderPart::amount).sum::<Fen>(), Fen(1150));
    assert_eq!(parts.len(), 2);
    let number = t.state.sale.number.clone().expect("a number");
    assert_ne!(number, no, "the order's own number, not the part's");
    assert_eq!(t.state.notice, Some(Notice::PaidInParts { amount: Fen(1150), parts: 2 }));
}

#[test]
fn two_codes_the_first_for_a_typed_amount() {
    let mut t = Till::new();
    t.ring_up();
    t.typed("8");
    assert_eq!(t.state.part_amount, Some(Fen(800)));
    assert_eq!(t.state.notice, Some(Notice::PartAmountSet { amount: Fen(800) }));
    let (first, fx) = t.pay(WECHAT_CODE);
    assert_eq!(micro_pays(&fx)[0].amount, Fen(800));
    let fx = t.send(Msg::PayAnswer { out_trade_no: first.clone(), verdict: paid("w1") });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Print { .. })));
    assert_eq!(t.state.sale.remaining(), Fen(350));
    let (second, fx) = t.pay(ALIPAY_CODE);
    assert_eq!(micro_pays(&fx)[0].amount, Fen(350));
    assert_ne!(first, second);
    t.send(Msg::PayAnswer { out_trade_no: second, verdict: paid("a1") });
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    let parts = t.state.sale.tender_parts();
    assert!(matches!(&parts[0], TenderPart::Code { platform: Platform::WeChat, amount: Fen(800), .. }));
    assert!(matches!(&parts[1], TenderPart::Code { platform: Platform::Alipay, amount: Fen(350), .. }));
}

#[test]
fn a_part_amount_above_the_remainder_is_refused_and_esc_clears_one() {
    let mut t = Till::new();
    t.ring_up();
    t.typed("12");
    assert_eq!(t.state.notice, Some(Notice::PartTooLarge { remaining: Fen(1150) }));
    assert_eq!(t.state.part_amount, None);
    t.typed("3");
    t.send(Msg::Key(Key::Esc));
    assert_eq!(t.state.part_amount, None);
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false }, "Esc first clears the part");
    let (_, fx) = t.pay(WECHAT_CODE);
    assert_eq!(micro_pays(&fx)[0].amount, Fen(1150));
}

#[test]
fn a_part_in_doubt_blocks_everything_until_it_is_resolved() {
    let mut t = Till::new();
    t.ring_up();
    t.typed("8");
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    // No cash, no other code, no parking, no completion while it is in doubt.
    cash(&mut t, "");
    assert_eq!(t.state.notice, Some(Notice::PaymentInDoubt));
    assert!(t.state.sale.cash.is_empty());
    t.state.screen = Screen::Pay { cash_entry: false };
    assert!(micro_pays(&t.scan(ALIPAY_CODE)).is_empty());
    t.send(Msg::Key(Key::Esc));
    assert_eq!(t.state.notice, Some(Notice::FinishPayment));
    assert!(t.state.background.is_empty(), "a part is never parked");
    assert_ne!(t.state.sale.status, OrderStatus::Paid);
    // A query settles it: paid, and the remainder is what is left.
    let fx = t.wait(3);
    assert_eq!(queries(&fx).len(), 1);
    t.send(Msg::QueryAnswer { out_trade_no: no, verdict: paid("w1") });
    assert_eq!(t.state.sale.remaining(), Fen(350));
    assert_eq!(t.state.sale.status, OrderStatus::Open);
    // With a part paid the order cannot be abandoned or changed.
    t.send(Msg::Key(Key::Esc));
    assert_eq!(t.state.notice, Some(Notice::FinishPayment));
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
    t.send(Msg::Key(Key::Delete));
    assert_eq!(t.state.sale.lines.len(), 2);
    cash(&mut t, "5");
    assert_eq!(t.state.screen, Screen::Done { change: Fen(150) });
    let parts = t.state.sale.tender_parts();
    assert_eq!(parts[1], TenderPart::Cash { amount: Fen(350), received: Fen(500), change: Fen(150) });
}

#[test]
fn a_failed_or_cancelled_part_leaves_the_remainder_to_pay() {
    let mut t = Till::new();
    t.ring_up();
    cash(&mut t, "1.50");
    let (no, _) = t.pay(WECHAT_CODE);
    let fx = t.send(Msg::PayAnswer { out_trade_no: no, verdict: Verdict::Failed { reason: "余额不足".into() } });
    assert!(fx.contains(&Effect::Beep(Beep::Failure)));
    assert_eq!(t.state.sale.remaining(), Fen(1000));
    assert_eq!(t.state.sale.status, OrderStatus::Open);
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
    // Another code, cancelled when its deadline passes: still 10.00 to pay.
    let (no, _) = t.pay(ALIPAY_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    t.wait(61);
    t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    t.send(Msg::CancelAnswer { out_trade_no: no, verdict: CancelVerdict::Cancelled });
    assert_eq!(t.state.notice, Some(Notice::PaymentCancelled { platform: Platform::Alipay }));
    assert_eq!(t.state.sale.remaining(), Fen(1000));
    let fx = cash(&mut t, "");
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    assert!(fx.contains(&Effect::OpenDrawer));
    // Two cash parts and no code part: a mixed record, both parts listed.
    assert_eq!(t.state.sale.tender_parts().len(), 2);
}

#[test]
fn single_tenders_keep_their_old_records() {
    let mut t = Till::new();
    t.ring_up();
    let fx = cash(&mut t, "20");
    assert_eq!(t.state.sale.tender, Some(Tender::Cash { received: Fen(2000), change: Fen(850) }));
    assert!(fx.contains(&Effect::OpenDrawer));
    assert_eq!(t.state.notice, Some(Notice::Paid { platform: None, amount: Fen(1150) }));
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    let fx = t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("4200") });
    assert!(!fx.contains(&Effect::OpenDrawer), "no drawer for a code payment");
    assert!(matches!(&t.state.sale.tender, Some(Tender::Code { out_trade_no, .. }) if *out_trade_no == no));
    assert_eq!(t.state.sale.number, Some(no));
}

#[test]
fn a_code_found_paid_after_the_order_was_settled_is_said_loudly() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Failed { reason: "declined".into() } });
    cash(&mut t, "");
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    // The platform changes its mind: the customer was charged after all.
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("late") });
    assert_eq!(t.state.notice, Some(Notice::PaidTwice { platform: Platform::WeChat, amount: Fen(1150), number: no }));
    assert!(matches!(t.state.sale.tender, Some(Tender::Cash { .. })), "the cash sale stays as it was");
}

#[test]
fn an_order_with_a_part_paid_comes_back_on_the_tender_screen_after_a_restart() {
    let mut t = Till::new();
    t.ring_up();
    cash(&mut t, "5");
    let open = t.state.sale.clone();
    let mut older = Order::new(open.id - 1, Millis(T0), "01".into());
    older.lines = open.lines.clone();
    let mut t2 = Till::new_unrestored();
    let fx = t2.send(Msg::Restored { orders: vec![open.clone(), older], counters: None });
    assert_eq!(t2.state.sale.id, open.id);
    assert_eq!(t2.state.screen, Screen::Pay { cash_entry: false });
    assert_eq!(t2.state.sale.remaining(), Fen(650));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Save { order, .. } if order.id == open.id)),
        "never voided with cash taken"
    );
}

#[test]
fn a_mixed_order_is_refunded_part_by_part_and_its_cash_from_the_drawer() {
    let mut t = Till::new();
    t.ring_up();
    cash(&mut t, "5");
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("4200") });
    let order = t.state.sale.clone();
    let number = order.number.clone().expect("number");
    t.send(Msg::Key(Key::Enter));
    // The receipt's number: the platform does not know it; the till turns to the code part.
    t.scan(&number);
    let fx = t.send(Msg::LookupAnswer {
        number: number.clone(),
        local: Some(Box::new(order.clone())),
        verdict: LookupVerdict::NotFound,
    });
    assert!(fx.iter().any(|e| matches!(e, Effect::Lookup(c) if c.out_trade_no == no)), "{fx:?}");
    let part = PlatformOrder {
        out_trade_no: no.clone(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: Fen(650),
        refunded: Fen::ZERO,
    };
    t.send(Msg::LookupAnswer {
        number: no.clone(),
        local: Some(Box::new(order.clone())),
        verdict: LookupVerdict::Found(part),
    });
    assert_eq!(t.state.lookup.as_ref().map(|v| v.refundable()), Some(Fen(650)));
    assert_eq!(t.state.input, "6.50", "the part's amount is proposed");
    t.state.input.clear();
    let fx = t.typed("6.50");
    let call = fx.iter().find_map(|e| if let Effect::Refund(c) = e { Some(c.clone()) } else { None }).expect("refund");
    assert_eq!((call.out_trade_no.as_str(), call.amount), (no.as_str(), Fen(650)));
    // The cash part: F6, given back at once from the drawer.
    t.send(Msg::RefundAnswer {
        out_refund_no: call.out_refund_no,
        verdict: RefundVerdict::Refunded { refund_id: "r".into() },
    });
    let fx = t.send(Msg::Key(Key::F(6)));
    let saved = pos(&fx, |e| matches!(e, Effect::Save { order, .. } if order.refunds.iter().any(|r| r.cash)));
    assert!(saved < pos(&fx, |e| *e == Effect::OpenDrawer), "{fx:?}");
    assert!(fx.contains(&Effect::AnnounceRefund { amount: Fen(500), platform: None }));
    let refunded = t.state.lookup.as_ref().and_then(|v| v.order.clone()).expect("order");
    assert_eq!(super::super::refund::cash_to_refund(&refunded), Fen::ZERO);
    // Fully refunded: the goods go back to stock.
    assert_eq!(super::super::stock::movements(&refunded).len(), 2);
    let fx = t.send(Msg::Key(Key::F(6)));
    assert!(!fx.contains(&Effect::OpenDrawer), "the cash is given back once");
}
