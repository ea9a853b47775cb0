//! Goods coming back with a refund, chosen on the lookup screen (issue 7).

use super::*;
use crate::core::order::{Order, RefundState, Returned};
use crate::core::stock;

/// A paid WeChat order of 2 colas (3.50) and a noodle (4.50): 11.50, and the lookup screen
/// showing it with the till's record.
fn looked_up(t: &mut Till, refunded: i64) -> Order {
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("4200") });
    let order = t.state.sale.clone();
    t.send(Msg::Key(Key::Esc));
    show(t, &order, refunded);
    order
}

fn show(t: &mut Till, order: &Order, refunded: i64) {
    let no = order.number.clone().expect("number");
    t.scan(&no);
    t.send(Msg::LookupAnswer {
        number: no.clone(),
        local: Some(Box::new(order.clone())),
        verdict: found(&no, refunded),
    });
}

fn found(no: &str, refunded: i64) -> LookupVerdict {
    LookupVerdict::Found(PlatformOrder {
        out_trade_no: no.into(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: Fen(1150),
        refunded: Fen(refunded),
    })
}

fn key(t: &mut Till, k: Key) -> Vec<Effect> {
    t.send(Msg::Key(k))
}

fn refund_call(fx: &[Effect]) -> Option<RefundCall> {
    fx.iter().find_map(|e| if let Effect::Refund(c) = e { Some(c.clone()) } else { None })
}

fn view(t: &Till) -> &refund::LookupView {
    t.state.lookup.as_ref().expect("lookup")
}

#[test]
fn choosing_goods_makes_the_refund_their_value_and_records_them() {
    let mut t = Till::new();
    looked_up(&mut t, 0);
    assert_eq!(t.state.input, "11.50", "the whole order proposed, as before");
    assert!(view(&t).can_choose());
    key(&mut t, Key::Char('+'));
    assert_eq!((view(&t).picks.clone(), t.state.input.as_str()), (vec![1, 0], "3.50"));
    key(&mut t, Key::Down);
    key(&mut t, Key::Char('+'));
    assert_eq!(t.state.input, "8.00", "a cola and the noodle");
    key(&mut t, Key::Char('+'));
    assert_eq!(t.state.notice, Some(Notice::ReturnLimit { left: 1 }), "one noodle was sold");
    assert_eq!(t.state.input, "8.00");
    key(&mut t, Key::Char('-'));
    assert_eq!(t.state.input, "3.50");
    key(&mut t, Key::Char('+'));
    let fx = key(&mut t, Key::Enter);
    let call = refund_call(&fx).expect("refund sent");
    assert_eq!(call.amount, Fen(800));
    let saved = fx
        .iter()
        .find_map(|e| if let Effect::Save { order, .. } = e { Some(order.clone()) } else { None })
        .expect("saved before it is sent");
    let r = saved.refunds.last().expect("refund");
    let want = vec![
        Returned { line: 0, barcode: "6900138600889".into(), qty: 1 },
        Returned { line: 1, barcode: "6920152400777".into(), qty: 1 },
    ];
    assert_eq!((r.amount, &r.returns), (Fen(800), &want));
    assert!(view(&t).picks.is_empty(), "the choice is used up");
    // Refunded: exactly those goods go back, under the refund's own key.
    t.send(Msg::RefundAnswer {
        out_refund_no: call.out_refund_no.clone(),
        verdict: RefundVerdict::Refunded { refund_id: "r1".into() },
    });
    let order = view(&t).order.clone().expect("order");
    let moves = stock::movements(&order);
    assert_eq!(moves[1].key, format!("return:{}:{}", order.id, call.out_refund_no));
    assert_eq!(moves[1].deltas, vec![("6900138600889".to_string(), 1), ("6920152400777".to_string(), 1)]);
}

#[test]
fn what_came_back_before_cannot_come_back_again() {
    let mut t = Till::new();
    looked_up(&mut t, 0);
    key(&mut t, Key::Down);
    key(&mut t, Key::Char('+'));
    let call = refund_call(&key(&mut t, Key::Enter)).expect("noodle refunded");
    t.send(Msg::RefundAnswer {
        out_refund_no: call.out_refund_no,
        verdict: RefundVerdict::Refunded { refund_id: "r".into() },
    });
    let order = view(&t).order.clone().expect("order");
    // The lookup the till sent for the new figures is answered; then the receipt is scanned again.
    let no = order.number.clone().expect("number");
    t.send(Msg::LookupAnswer { number: no.clone(), local: Some(Box::new(order.clone())), verdict: found(&no, 450) });
    show(&mut t, &order, 450);
    assert_eq!(t.state.input, "7.00");
    key(&mut t, Key::Down);
    key(&mut t, Key::Char('+'));
    assert_eq!(t.state.notice, Some(Notice::ReturnLimit { left: 0 }));
    key(&mut t, Key::Up);
    for c in ['3', '*'] {
        key(&mut t, Key::Char(c));
    }
    assert_eq!(t.state.notice, Some(Notice::ReturnLimit { left: 2 }), "the typed 3 replaced the 7.00, and is too many");
    t.state.input.clear();
    for c in ['2', '*'] {
        key(&mut t, Key::Char(c));
    }
    assert_eq!((view(&t).pick(0), t.state.input.as_str()), (2, "7.00"));
    key(&mut t, Key::Delete);
    assert_eq!((view(&t).pick(0), t.state.input.as_str()), (0, "7.00"), "none chosen: the refundable again");
}

#[test]
fn the_value_of_the_goods_is_capped_by_what_is_still_refundable() {
    let mut t = Till::new();
    // 10.00 was refunded elsewhere (the platform's figure): 1.50 is left.
    looked_up(&mut t, 1000);
    key(&mut t, Key::Down);
    key(&mut t, Key::Char('+'));
    assert_eq!(t.state.input, "1.50");
    let call = refund_call(&key(&mut t, Key::Enter)).expect("sent");
    assert_eq!(call.amount, Fen(150));
}

#[test]
fn with_no_goods_chosen_a_refund_is_by_amount_and_moves_no_stock() {
    let mut t = Till::new();
    looked_up(&mut t, 0);
    for c in "2.00".chars() {
        key(&mut t, Key::Char(c));
    }
    assert_eq!(t.state.input, "2.00", "typing replaces the proposed amount");
    let fx = key(&mut t, Key::Enter);
    let call = refund_call(&fx).expect("sent");
    assert_eq!(call.amount, Fen(200));
    t.send(Msg::RefundAnswer {
        out_refund_no: call.out_refund_no,
        verdict: RefundVerdict::Refunded { refund_id: "r".into() },
    });
    let order = view(&t).order.clone().expect("order");
    assert!(order.refunds[0].returns.is_empty());
    assert_eq!(stock::movements(&order).len(), 1, "a price adjustment: only the sale moved stock");
}

#[test]
fn a_cashier_needs_the_supervisor_for_a_refund_of_goods_as_for_any_refund() {
    let mut t = Till::new();
    let cashier = auth::Operator::new("02", "小王", auth::Role::Cashier, auth::PinHash("-".into()));
    let boss = auth::Operator::new("01", "店长", auth::Role::Supervisor, auth::PinHash("-".into()));
    t.send(Msg::Auth(auth::AuthMsg::Loaded { operators: vec![boss, cashier] }));
    t.state.auth.session.as_mut().expect("session").role = auth::Role::Cashier;
    looked_up(&mut t, 0);
    key(&mut t, Key::Char('+'));
    let fx = key(&mut t, Key::Enter);
    assert!(refund_call(&fx).is_none(), "not sent before a supervisor approves");
    assert!(t.state.auth.prompt.is_some(), "the supervisor's PIN is asked for");
    assert_eq!(view(&t).pick(0), 1, "the choice waits for the approval");
}

#[test]
fn goods_of_a_cash_sale_come_back_with_their_value_from_the_drawer() {
    let mut t = Till::new();
    t.ring_up();
    t.send(Msg::Key(Key::Char('c')));
    t.typed("20");
    let order = t.state.sale.clone();
    t.send(Msg::Key(Key::Esc));
    let no = order.number.clone().expect("number");
    t.scan(&no);
    t.send(Msg::LookupAnswer { number: no, local: Some(Box::new(order)), verdict: LookupVerdict::NotFound });
    assert!(view(&t).can_choose());
    key(&mut t, Key::Down);
    key(&mut t, Key::Char('+'));
    assert_eq!(view(&t).chosen_value(), Fen(450));
    let fx = key(&mut t, Key::F(6));
    assert!(fx.contains(&Effect::OpenDrawer), "{fx:?}");
    assert!(fx.contains(&Effect::AnnounceRefund { amount: Fen(450), platform: None }));
    let order = view(&t).order.clone().expect("order");
    let r = &order.refunds[0];
    assert_eq!((r.cash, r.amount, r.state.clone()), (true, Fen(450), RefundState::Refunded));
    assert_eq!(r.returns, vec![Returned { line: 1, barcode: "6920152400777".into(), qty: 1 }]);
    let moves = stock::movements(&order);
    assert_eq!(moves.len(), 2, "final when recorded: the noodle goes back");
    assert_eq!(moves[1].deltas, vec![("6920152400777".to_string(), 1)]);
    // The rest in cash, by amount: the colas come back with the full refund.
    let fx = key(&mut t, Key::F(6));
    assert!(fx.contains(&Effect::AnnounceRefund { amount: Fen(700), platform: None }));
    let order = view(&t).order.clone().expect("order");
    let moves = stock::movements(&order);
    assert_eq!(moves.last().map(|m| m.deltas.clone()), Some(vec![("6900138600889".to_string(), 2)]));
}
