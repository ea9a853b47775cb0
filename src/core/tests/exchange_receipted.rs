//! Receipted exchanges (凭小票换货): on the lookup screen of a paid order the goods coming back are
//! chosen, F8, a supervisor approves, the new goods are scanned and the difference is settled in
//! one transaction: paid with any tender, or refunded through the original payment (announced
//! only once the platform confirms it), or given back in cash (a cash sale, an order past its
//! platform's refund window).

use super::held::{as_cashier, key, saved, supervisor_approves};
use super::*;
use crate::core::exchange::ExchangeNotice;
use crate::core::exchange_receipted::refund_window_days;
use crate::core::office::report::{self, PayMethod, Period};
use crate::core::order::{Order, RefundState};
use crate::core::stock::{StockMove, movements};

const COLA: &str = "6900138600889"; // 3.50
const NOODLES: &str = "6920152400777"; // 4.50

/// A paid order of 2 colas and a noodle (11.50), by WeChat (`code`) or in cash, back on the sale
/// screen; returns it as saved.
fn sold(t: &mut Till, code: bool) -> Order {
    t.ring_up();
    if code {
        let (no, _) = t.pay(WECHAT_CODE);
        t.send(Msg::PayAnswer { out_trade_no: no, verdict: paid("4200") });
    } else {
        key(t, Key::Char('c'));
        t.typed("20");
    }
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    let order = t.state.sale.clone();
    key(t, Key::Esc);
    order
}

/// The receipt scanned and the platform's answer (a cash sale: not the platform's).
fn look_up(t: &mut Till, order: &Order, refunded: i64) {
    let no = order.number.clone().expect("number");
    t.scan(&no);
    let verdict = match order.tender {
        Some(Tender::Code { .. }) => LookupVerdict::Found(PlatformOrder {
            out_trade_no: no.clone(),
            platform: Platform::WeChat,
            state: PlatformOrderState::Paid,
            transaction_id: "4200".into(),
            total: Fen(1150),
            refunded: Fen(refunded),
        }),
        _ => LookupVerdict::NotFound,
    };
    t.send(Msg::LookupAnswer { number: no, local: Some(Box::new(order.clone())), verdict });
}

/// Line `line` of the order on the lookup screen chosen to come back (one), then F8.
fn exchange_line(t: &mut Till, line: usize) -> Vec<Effect> {
    for _ in 0..line {
        key(t, Key::Down);
    }
    key(t, Key::Char('+'));
    key(t, Key::F(8))
}

/// A sale (by WeChat or in cash) looked up, line `line` exchanged for `new`: returns the sale.
fn exchanged(t: &mut Till, code: bool, line: usize, new: &str) -> Order {
    let order = sold(t, code);
    look_up(t, &order, 0);
    exchange_line(t, line);
    t.scan(new);
    order
}

fn notice(t: &Till) -> Option<ExchangeNotice> {
    match &t.state.notice {
        Some(Notice::Exchange(n)) => Some(n.clone()),
        _ => None,
    }
}

fn refund_calls(fx: &[Effect]) -> Vec<RefundCall> {
    fx.iter().filter_map(|e| if let Effect::Refund(c) = e { Some(c.clone()) } else { None }).collect()
}

fn announced(fx: &[Effect]) -> Vec<(Fen, Option<Platform>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::AnnounceRefund { amount, platform } => Some((*amount, *platform)),
            _ => None,
        })
        .collect()
}

fn period(t: &Till) -> Period {
    Period { from: None, to: Millis(t.now + 3_600_000) }
}

#[test]
fn new_goods_worth_more_the_customer_pays_the_difference_and_the_original_is_marked() {
    let mut t = Till::new();
    let order = sold(&mut t, true);
    look_up(&mut t, &order, 0);
    // A cola (3.50) back: the original is saved marked first, then the credit on the sale.
    let fx = exchange_line(&mut t, 0);
    let saves = saved(&fx);
    assert_eq!(saves.len(), 2, "{fx:?}");
    assert_eq!((saves[0].id, saves[0].returnable(0), saves[0].exchange_kept()), (order.id, 1, Fen(350)));
    assert_eq!(saves[1].exchange.as_ref().map(|x| x.credit), Some(Fen(350)));
    assert_eq!(notice(&t), Some(ExchangeNotice::ScanNewGoods { credit: Fen(350) }));
    assert_eq!(t.state.screen, Screen::Sale);
    t.scan(NOODLES);
    assert_eq!(t.state.sale.total(), Fen(100));
    key(&mut t, Key::Enter);
    let (no, _) = t.pay(ALIPAY_CODE);
    // In doubt, then paid by query: the ordinary tender.
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    assert_ne!(t.state.sale.status, OrderStatus::Paid);
    assert!(!queries(&t.wait(5)).is_empty());
    let fx = t.send(Msg::QueryAnswer { out_trade_no: no, verdict: paid("a1") });
    let x = saved(&fx).pop().expect("paid");
    assert_eq!((x.status, x.total(), x.refunds.len()), (OrderStatus::Paid, Fen(100), 0));
    assert_eq!(x.exchange.as_ref().and_then(|e| e.from.as_ref()).map(|f| f.number.clone()), order.number);
    assert_eq!(
        movements(&x),
        vec![
            StockMove { key: format!("sale:{}", x.id), deltas: vec![(NOODLES.into(), -1)] },
            StockMove { key: format!("exchange:{}", x.id), deltas: vec![(COLA.into(), 1)] },
        ],
        "out and back in the one paid save"
    );
    let rep = report::compute(std::slice::from_ref(&x), period(&t), &[]);
    assert_eq!(
        (rep.exchanges.n, rep.exchanges.paid, rep.method(PayMethod::Alipay).sales.amount),
        (1, Fen(100), Fen(100))
    );
}

#[test]
fn new_goods_worth_less_the_difference_is_refunded_to_wechat_and_announced_only_once_confirmed() {
    let mut t = Till::new();
    let order = exchanged(&mut t, true, 1, COLA); // the noodles (4.50) for a cola
    assert_eq!(t.state.sale.exchange_difference_owed(), Some(Fen(100)));
    let fx = key(&mut t, Key::Enter);
    // Saved (the original's mark, then the exchange with its refund `Sending`) before the call.
    let saves = saved(&fx);
    let x = saves.last().expect("the exchange saved").clone();
    assert_eq!(saves[0].exchanged.first().map(|m| m.by_platform), Some(Fen(100)));
    assert_eq!(
        x.refunds.iter().map(|r| (r.amount, r.state.clone(), r.cash)).collect::<Vec<_>>(),
        [(Fen(100), RefundState::Sending, false)]
    );
    let call = refund_calls(&fx).pop().expect("a refund of the original payment");
    assert_eq!(
        (call.out_trade_no.as_str(), call.amount, call.total),
        (order.number.as_deref().unwrap_or(""), Fen(100), Fen(1150))
    );
    let save_at = fx.iter().position(|e| matches!(e, Effect::Save { order, .. } if order.id == x.id));
    let call_at = fx.iter().position(|e| matches!(e, Effect::Refund(_)));
    assert!(save_at < call_at, "written down before it is asked for");
    assert!(fx.iter().any(|e| matches!(e, Effect::Print { order } if order.exchange.is_some())), "the slip");
    assert!(announced(&fx).is_empty() && !fx.contains(&Effect::OpenDrawer), "nothing said or given yet");
    assert!(matches!(notice(&t), Some(ExchangeNotice::RefundingDifference { amount: Fen(100), .. })));
    let fx = t.send(Msg::RefundAnswer {
        out_refund_no: call.out_refund_no,
        verdict: RefundVerdict::Refunded { refund_id: "r1".into() },
    });
    assert_eq!(announced(&fx), [(Fen(100), Some(Platform::WeChat))]);
    assert_eq!(crate::i18n::refund_announcement(Lang::Zh, Some(Platform::WeChat), Fen(300)), "微信支付退款成功 3.00元");
    let x = saved(&fx).pop().expect("refunded, saved");
    assert_eq!(movements(&x)[1].deltas, vec![(NOODLES.to_string(), 1)]);
    let rep = report::compute(std::slice::from_ref(&x), period(&t), &[]);
    assert_eq!(rep.method(PayMethod::WeChat).refunds.amount, Fen(100));
    assert_eq!((rep.exchanges.refunded, rep.exchanges.given_back), (Fen(100), Fen::ZERO));
}

#[test]
fn a_refund_of_the_difference_in_doubt_is_queried_never_announced_and_survives_a_restart() {
    let mut t = Till::new();
    exchanged(&mut t, true, 1, COLA);
    let fx = key(&mut t, Key::Enter);
    let x = saved(&fx).pop().expect("saved");
    let call = refund_calls(&fx).pop().expect("refund");
    // The till stops before any answer: restarted from the store, the refund is in doubt and asked
    // about at once.
    let mut again = Till::new_unrestored();
    let mut fx = again.send(Msg::Restored { orders: vec![x], counters: None });
    assert!(announced(&fx).is_empty());
    fx.extend(again.wait(1));
    let q = fx.iter().find_map(|e| if let Effect::QueryRefund(c) = e { Some(c.clone()) } else { None });
    let q = q.expect("queried");
    assert_eq!(
        (q.out_refund_no.as_str(), q.out_trade_no.as_str()),
        (call.out_refund_no.as_str(), call.out_trade_no.as_str())
    );
    let fx = again.send(Msg::RefundQueryAnswer {
        out_refund_no: q.out_refund_no.clone(),
        verdict: RefundVerdict::Unknown { reason: "timeout".into() },
    });
    assert!(announced(&fx).is_empty(), "a refund in doubt is never announced as done");
    let fx = again.send(Msg::RefundQueryAnswer {
        out_refund_no: q.out_refund_no,
        verdict: RefundVerdict::Refunded { refund_id: "r1".into() },
    });
    assert_eq!(announced(&fx), [(Fen(100), Some(Platform::WeChat))]);
}

#[test]
fn goods_of_equal_value_settle_with_nothing_paid_or_refunded() {
    let mut t = Till::new();
    exchanged(&mut t, true, 0, COLA);
    let fx = key(&mut t, Key::Enter);
    assert!(refund_calls(&fx).is_empty() && !fx.contains(&Effect::OpenDrawer));
    let x = saved(&fx).pop().expect("saved");
    assert_eq!((x.status, x.total(), x.refunds.len()), (OrderStatus::Paid, Fen::ZERO, 0));
    assert!(matches!(notice(&t), Some(ExchangeNotice::Even { .. })));
}

#[test]
fn a_cash_sale_gets_the_difference_back_in_cash_from_the_drawer() {
    let mut t = Till::new();
    exchanged(&mut t, false, 1, COLA);
    let fx = key(&mut t, Key::Enter);
    assert!(refund_calls(&fx).is_empty());
    assert!(fx.contains(&Effect::OpenDrawer));
    assert_eq!(announced(&fx), [(Fen(100), None)]);
    let x = saved(&fx).pop().expect("saved");
    assert_eq!(x.refunds.iter().map(|r| (r.amount, r.cash)).collect::<Vec<_>>(), [(Fen(100), true)]);
    assert!(matches!(notice(&t), Some(ExchangeNotice::GiveBack { amount: Fen(100), .. })));
}

/// A code sale, `days` later exchanged for a cheaper cola: the effects of settling it.
fn exchanged_days_later(t: &mut Till, days: i64) -> Vec<Effect> {
    let order = sold(t, true);
    t.now += days * 86_400_000;
    look_up(t, &order, 0);
    exchange_line(t, 1);
    t.scan(COLA);
    key(t, Key::Enter)
}

#[test]
fn an_order_past_its_platforms_refund_window_gets_the_difference_in_cash() {
    let mut t = Till::new();
    let fx = exchanged_days_later(&mut t, refund_window_days(Platform::WeChat) + 1);
    assert!(refund_calls(&fx).is_empty(), "the platform no longer refunds it");
    assert!(fx.contains(&Effect::OpenDrawer));
    assert!(matches!(notice(&t), Some(ExchangeNotice::GiveBack { amount: Fen(100), .. })));
}

#[test]
fn goods_exchanged_cannot_come_back_again_and_their_credit_is_no_longer_refundable() {
    let mut t = Till::new();
    let order = sold(&mut t, true);
    look_up(&mut t, &order, 0);
    let fx = exchange_line(&mut t, 1);
    let marked = saved(&fx).remove(0);
    t.scan(NOODLES);
    key(&mut t, Key::Enter);
    key(&mut t, Key::Esc);
    // The order again: the noodles are gone from what may come back; 7.00 left to refund.
    look_up(&mut t, &marked, 0);
    let view = t.state.lookup.as_ref().expect("lookup");
    assert_eq!((view.refundable(), marked.returnable(1)), (Fen(700), 0));
    key(&mut t, Key::Down);
    key(&mut t, Key::Char('+'));
    assert!(matches!(t.state.notice, Some(Notice::ReturnLimit { left: 0 })));
}

#[test]
fn a_cashier_needs_a_supervisor_and_giving_the_exchange_up_unmarks_the_order() {
    let mut t = Till::new();
    let order = sold(&mut t, true);
    as_cashier(&mut t);
    look_up(&mut t, &order, 0);
    // F8 with nothing chosen says how to choose.
    key(&mut t, Key::F(8));
    assert_eq!(notice(&t), Some(ExchangeNotice::PickGoods));
    let fx = exchange_line(&mut t, 0);
    assert!(saved(&fx).is_empty() && t.state.auth.prompt.is_some(), "the one approval door");
    let fx = supervisor_approves(&mut t);
    assert_eq!(t.state.sale.exchange.as_ref().map(|x| x.approved_by.as_str()), Some("01"));
    assert_eq!(saved(&fx).len(), 2);
    // Esc with no new goods: given up, and the original is saved back as it was.
    let fx = key(&mut t, Key::Esc);
    let back = saved(&fx);
    assert!(back.iter().any(|o| o.id == order.id && o.exchanged.is_empty() && o.returnable(0) == 2), "{back:?}");
    assert!(t.state.sale.exchange.is_none());
}

#[test]
fn a_refund_of_the_difference_the_platform_refuses_is_given_in_cash_instead() {
    let mut t = Till::new();
    exchanged(&mut t, true, 1, COLA);
    let fx = key(&mut t, Key::Enter);
    let call = refund_calls(&fx).pop().expect("refund");
    let verdict = RefundVerdict::Failed { reason: "订单已超过退款期限".into() };
    let fx = t.send(Msg::RefundAnswer { out_refund_no: call.out_refund_no, verdict });
    let saves = saved(&fx);
    assert_eq!(saves.first().and_then(|o| o.exchanged.first()).map(|m| m.by_platform), Some(Fen::ZERO));
    let x = saves.last().expect("the exchange saved").clone();
    let refunds: Vec<_> = x.refunds.iter().map(|r| (r.amount, r.cash, r.state.is_final())).collect();
    assert_eq!(refunds, [(Fen(100), false, true), (Fen(100), true, true)]);
    let drawer = fx.iter().position(|e| *e == Effect::OpenDrawer).expect("the drawer opens");
    assert!(fx.iter().position(|e| matches!(e, Effect::Save { order, .. } if order.id == x.id)) < Some(drawer));
    assert_eq!(announced(&fx), [(Fen(100), None)]);
    assert!(matches!(notice(&t), Some(ExchangeNotice::RefusedGiveCash { amount: Fen(100), .. })));
    let rep = report::compute(std::slice::from_ref(&x), period(&t), &[]);
    assert_eq!((rep.exchanges.refunded, rep.exchanges.given_back), (Fen::ZERO, Fen(100)));
    assert_eq!(
        (rep.method(PayMethod::Cash).refunds.amount, rep.method(PayMethod::WeChat).refunds.amount),
        (Fen(100), Fen::ZERO)
    );
}

#[test]
fn the_shops_refund_windows_from_till_toml_decide_platform_or_cash() {
    // A shorter window than the platform's: past it, cash.
    let mut t = Till::new();
    t.state.refund_windows.wechat_days = 10;
    let fx = exchanged_days_later(&mut t, 11);
    assert!(refund_calls(&fx).is_empty() && fx.contains(&Effect::OpenDrawer), "past the shop's window: cash");
    // A longer one: a year and a day on, still through the platform.
    let mut t = Till::new();
    t.state.refund_windows.wechat_days = 400;
    let fx = exchanged_days_later(&mut t, refund_window_days(Platform::WeChat) + 1);
    assert_eq!(refund_calls(&fx).len(), 1, "within the shop's window: back through WeChat Pay");
}
