//! Exchanges (换货): goods back without a receipt, a supervisor approves, the credit is on the sale,
//! the new goods are scanned; the customer pays the difference (any tender, a code payment in doubt
//! settled by query), or is given it back in cash, or nothing changes hands. Stock moves both ways
//! in the one paid save; the reports count exchanges apart.

use super::held::{as_cashier, key, saved, supervisor_approves};
use super::*;
use crate::core::exchange::ExchangeNotice;
use crate::core::no_receipt::ReturnReason;
use crate::core::office::report::{self, PayMethod, Period};
use crate::core::order::RefundState;
use crate::core::stock::{StockMove, movements};

const COLA: &str = "6900138600889"; // 3.50
const NOODLES: &str = "6920152400777"; // 4.50

fn exchange_notice(t: &Till) -> Option<ExchangeNotice> {
    match &t.state.notice {
        Some(Notice::Exchange(n)) => Some(n.clone()),
        _ => None,
    }
}

/// F3, F7, the goods coming back scanned, F4: the exchange asked for (approved at once when a
/// supervisor is signed in). Returns the effects of F4.
fn goods_back(t: &mut Till, codes: &[&str]) -> Vec<Effect> {
    key(t, Key::F(3));
    key(t, Key::F(7));
    for c in codes {
        t.scan(c);
    }
    key(t, Key::F(4))
}

fn stock(order: &Order) -> Vec<StockMove> {
    movements(order)
}

fn period() -> Period {
    Period { from: None, to: Millis(T0 + 3_600_000) }
}

#[test]
fn new_goods_worth_more_the_customer_pays_the_difference_by_code_settled_by_query_when_in_doubt() {
    let mut t = Till::new();
    // 01, a supervisor, is signed in: approved at once, and saved at once (a pulled plug keeps it).
    let fx = goods_back(&mut t, &[COLA]);
    let credit = saved(&fx).pop().expect("the credit is saved with the sale");
    assert_eq!(credit.exchange.as_ref().map(|x| (x.credit, x.approved_by.as_str())), Some((Fen(350), "01")));
    assert_eq!((&t.state.screen, t.state.no_receipt.is_none()), (&Screen::Sale, true));
    assert_eq!(exchange_notice(&t), Some(ExchangeNotice::ScanNewGoods { credit: Fen(350) }));
    t.scan(NOODLES);
    assert_eq!((t.state.sale.goods_total(), t.state.sale.total()), (Fen(450), Fen(100)));
    key(&mut t, Key::Enter);
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
    let (no, fx) = t.pay(WECHAT_CODE);
    let call = fx.iter().find_map(|e| if let Effect::MicroPay(c) = e { Some(c.clone()) } else { None });
    assert_eq!(call.map(|c| c.amount), Some(Fen(100)), "only the difference is charged");
    // No answer: in doubt, never paid until the platform says so.
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    assert_ne!(t.state.sale.status, OrderStatus::Paid);
    let fx = t.wait(5);
    assert!(!queries(&fx).is_empty(), "asked about by query");
    let fx = t.send(Msg::QueryAnswer { out_trade_no: no, verdict: paid("tx1") });
    let order = saved(&fx).pop().expect("paid and saved");
    assert_eq!((order.status, order.total()), (OrderStatus::Paid, Fen(100)));
    assert!(fx.iter().any(|e| matches!(e, Effect::Print { order } if order.exchange.is_some())), "the slip");
    assert_eq!(
        stock(&order),
        vec![
            StockMove { key: format!("sale:{}", order.id), deltas: vec![(NOODLES.into(), -1)] },
            StockMove { key: format!("exchange:{}", order.id), deltas: vec![(COLA.into(), 1)] },
        ]
    );
    let rep = report::compute(std::slice::from_ref(&order), period(), &[]);
    assert_eq!(rep.method(PayMethod::WeChat).sales.amount, Fen(100));
    let x = rep.exchanges;
    assert_eq!((x.n, x.goods_back, x.goods_out, x.paid, x.given_back), (1, Fen(350), Fen(450), Fen(100), Fen::ZERO));
}

#[test]
fn new_goods_worth_less_the_difference_is_given_back_in_cash_after_the_save() {
    let mut t = Till::new();
    goods_back(&mut t, &[COLA, COLA]);
    t.scan(NOODLES);
    assert_eq!((t.state.sale.total(), t.state.sale.exchange_difference_owed()), (Fen::ZERO, Some(Fen(250))));
    let fx = key(&mut t, Key::Enter);
    let kinds: Vec<&str> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Save { .. } => Some("save"),
            Effect::OpenDrawer => Some("drawer"),
            Effect::Print { .. } => Some("slip"),
            Effect::AnnounceRefund { .. } => Some("voice"),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["save", "drawer", "slip", "voice"]);
    let order = saved(&fx).pop().expect("saved");
    let number = order.number.clone().expect("numbered");
    assert_eq!(exchange_notice(&t), Some(ExchangeNotice::GiveBack { amount: Fen(250), number }));
    let r: Vec<_> = order.refunds.iter().map(|r| (r.amount, r.cash, r.state.clone())).collect();
    assert_eq!(r, [(Fen(250), true, RefundState::Refunded)]);
    assert_eq!(stock(&order)[1].deltas, vec![(COLA.to_string(), 2)]);
    // The drawer: a 2.50 cash refund, and the exchange counted apart.
    let rep = report::compute(std::slice::from_ref(&order), period(), &[]);
    assert_eq!(rep.method(PayMethod::Cash).refunds.amount, Fen(250));
    assert_eq!((rep.exchanges.n, rep.exchanges.given_back, rep.exchanges.paid), (1, Fen(250), Fen::ZERO));
    assert_eq!(rep.no_receipt.n, 0, "an exchange is not a return without a receipt");
}

#[test]
fn goods_of_equal_value_settle_with_nothing_paid_or_given_back() {
    let mut t = Till::new();
    goods_back(&mut t, &[COLA]);
    t.scan(COLA);
    let fx = t.send(Msg::Act(intent::Intent::Pay));
    assert!(!fx.contains(&Effect::OpenDrawer), "nothing to give back");
    let order = saved(&fx).pop().expect("saved");
    assert_eq!((order.status, order.total(), order.refunds.len()), (OrderStatus::Paid, Fen::ZERO, 0));
    assert!(matches!(exchange_notice(&t), Some(ExchangeNotice::Even { .. })));
    assert_eq!(stock(&order).len(), 2, "one out, one back");
}

#[test]
fn an_exchange_needs_a_supervisor_and_records_the_reason() {
    let mut t = Till::new();
    as_cashier(&mut t);
    key(&mut t, Key::F(3));
    key(&mut t, Key::F(7));
    t.scan(NOODLES);
    key(&mut t, Key::F(2));
    // F4: a cashier is asked for a supervisor's PIN; Esc drops it and nothing is saved.
    let fx = key(&mut t, Key::F(4));
    assert!(saved(&fx).is_empty() && t.state.auth.prompt.is_some());
    key(&mut t, Key::Esc);
    assert!(t.state.sale.exchange.is_none() && t.state.no_receipt.is_some());
    key(&mut t, Key::F(4));
    let fx = supervisor_approves(&mut t);
    let x = saved(&fx).pop().and_then(|o| o.exchange).expect("saved with the exchange");
    assert_eq!((x.reason, x.approved_by.as_str(), x.credit), (ReturnReason::Expired, "01", Fen(450)));
    // An approval replayed with no form up does nothing more.
    let lines = x.returned.clone();
    t.send(Msg::Approve(approval::Approval::Exchange { lines, reason: ReturnReason::Other }));
    assert!(saved(&supervisor_approves(&mut t)).is_empty());
    // Enter with no new goods scanned goes nowhere; Esc gives the exchange up.
    key(&mut t, Key::Enter);
    assert_eq!(t.state.screen, Screen::Sale);
    let fx = key(&mut t, Key::Esc);
    assert!(saved(&fx).pop().is_some_and(|o| o.exchange.is_none()));
    assert_eq!(exchange_notice(&t), Some(ExchangeNotice::Cancelled));
}

#[test]
fn an_exchange_under_way_comes_back_after_a_restart() {
    let mut t = Till::new();
    goods_back(&mut t, &[COLA]);
    let fx = t.scan(NOODLES);
    let open = saved(&fx).pop().expect("saved");
    let mut again = Till::new_unrestored();
    again.send(Msg::Restored { orders: vec![open], counters: None });
    assert_eq!(again.state.sale.exchange.as_ref().map(|x| x.credit), Some(Fen(350)));
    assert_eq!(again.state.sale.total(), Fen(100));
}
