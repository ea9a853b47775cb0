//! Returns without a receipt (无小票退货): a supervisor approves, cash at the catalogue's price comes
//! out of the drawer after the save, the goods go back into stock, and the reports and the journal
//! count it apart from receipted refunds.

use super::held::{as_cashier, key, saved, supervisor_approves};
use super::*;
use crate::core::no_receipt::{ReturnNotice, ReturnReason};
use crate::core::office::journal;
use crate::core::office::report::{self, PayMethod, Period};
use crate::core::order::RefundState;
use crate::core::stock::{StockMove, movements};

const COLA: &str = "6900138600889";
const NOODLES: &str = "6920152400777";

fn return_notice(t: &Till) -> Option<ReturnNotice> {
    match &t.state.notice {
        Some(Notice::Return(n)) => Some(n.clone()),
        _ => None,
    }
}

/// F3 (the lookup) then F7: the form of a return without a receipt.
fn open_form(t: &mut Till) {
    key(t, Key::F(3));
    assert_eq!(t.state.screen, Screen::Lookup);
    key(t, Key::F(7));
    assert!(t.state.no_receipt.is_some(), "the form is up");
    assert_eq!(return_notice(t), Some(ReturnNotice::ScanGoods));
}

#[test]
fn a_return_without_a_receipt_is_approved_saved_then_paid_out_in_cash_and_puts_the_goods_back() {
    let mut t = Till::new();
    as_cashier(&mut t);
    open_form(&mut t);
    // Two colas scanned, the noodles typed, the reason changed twice (F2): past its date, wrong item.
    t.scan(COLA);
    t.scan(COLA);
    t.typed(NOODLES);
    key(&mut t, Key::F(2));
    key(&mut t, Key::F(2));
    let form = t.state.no_receipt.clone().expect("form");
    assert_eq!((form.value(), form.item_count(), form.reason), (Some(Fen(1150)), 3, ReturnReason::WrongItem));
    // Enter: a cashier is asked for a supervisor's PIN; nothing is saved or paid out yet.
    let fx = key(&mut t, Key::Enter);
    assert!(saved(&fx).is_empty() && !fx.contains(&Effect::OpenDrawer), "{fx:?}");
    let fx = supervisor_approves(&mut t);
    // The save comes first, then the drawer, the slip, the beep and the voice.
    let kinds: Vec<&str> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Save { .. } => Some("save"),
            Effect::OpenDrawer => Some("drawer"),
            Effect::PrintRefund { .. } => Some("slip"),
            Effect::AnnounceRefund { .. } => Some("voice"),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["save", "drawer", "slip", "voice"]);
    assert!(fx.contains(&Effect::AnnounceRefund { amount: Fen(1150), platform: None }));
    let order = saved(&fx).pop().expect("saved");
    let nr = order.no_receipt.clone().expect("marked a return without a receipt");
    assert_eq!((nr.reason, nr.approved_by.as_str(), order.operator.as_str()), (ReturnReason::WrongItem, "01", "02"));
    assert_eq!((order.status, order.tender.is_none(), order.closed_at), (OrderStatus::Paid, true, Some(Millis(T0))));
    let r = &order.refunds[0];
    assert_eq!((r.amount, r.cash, &r.state, r.operator.as_str()), (Fen(1150), true, &RefundState::Refunded, "02"));
    assert_eq!(Some(&r.out_refund_no), order.number.as_ref());
    assert!(
        fx.iter().any(|e| matches!(e, Effect::PrintRefund { out_refund_no, .. } if *out_refund_no == r.out_refund_no))
    );
    // Stock: only the goods coming back move, under the return's own key; nothing is "sold".
    assert_eq!(
        movements(&order),
        vec![StockMove {
            key: format!("return:{}:{}", order.id, r.out_refund_no),
            deltas: vec![(COLA.into(), 2), (NOODLES.into(), 1)]
        }]
    );
    assert!(t.state.no_receipt.is_none(), "the form is closed");
    assert_eq!(t.state.screen, Screen::Sale, "back to the sale screen for the next customer");
    let number = order.number.clone().unwrap_or_default();
    assert_eq!(return_notice(&t), Some(ReturnNotice::Returned { amount: Fen(1150), number }));
    // The reports: no sale, a cash refund (the drawer balances), and counted apart.
    let period = Period { from: None, to: Millis(T0 + 1) };
    let rep = report::compute(std::slice::from_ref(&order), period, &[]);
    let cash = rep.method(PayMethod::Cash);
    assert_eq!((cash.sales.n, cash.refunds.n, cash.refunds.amount), (0, 1, Fen(1150)));
    assert_eq!((rep.no_receipt.n, rep.no_receipt.amount), (1, Fen(1150)));
    assert_eq!(report::cash_flow(std::slice::from_ref(&order), "02", period).refunds, Fen(1150));
    let entries = journal::entries(&[order], &period);
    assert_eq!(entries.len(), 1);
    assert!(entries[0].no_receipt && entries[0].kind == journal::EntryKind::Refund);
}

#[test]
fn a_receipted_refund_is_not_counted_as_a_return_without_a_receipt() {
    let mut t = Till::new();
    t.ring_up();
    key(&mut t, Key::F(2));
    let fx = t.typed("20");
    let order = saved(&fx).pop().expect("paid");
    let mut refunded = order.clone();
    let refund =
        crate::core::order::Refund::cash_now("R1".into(), Fen(350), order.total(), Fen::ZERO, Millis(T0), "01".into());
    refunded.refunds.push(refund);
    let rep = report::compute(&[refunded], Period { from: None, to: Millis(T0 + 1) }, &[]);
    assert_eq!((rep.method(PayMethod::Cash).refunds.n, rep.no_receipt.n), (1, 0));
}

#[test]
fn only_fixed_price_catalogue_goods_come_back_and_nothing_is_done_without_a_supervisor() {
    let mut t = Till::new();
    as_cashier(&mut t);
    open_form(&mut t);
    // Unknown codes are refused; so is nothing at all, or only goods worth nothing.
    let fx = t.scan("6999999999999");
    assert!(fx.contains(&Effect::Beep(Beep::Error)));
    assert_eq!(return_notice(&t), Some(ReturnNotice::NotReturnable { code: "6999999999999".into() }));
    key(&mut t, Key::Enter);
    assert_eq!(return_notice(&t), Some(ReturnNotice::NoGoods));
    t.scan("6901028075022");
    key(&mut t, Key::Enter);
    assert_eq!(return_notice(&t), Some(ReturnNotice::NoGoods), "a free sample gives nothing back");
    assert!(t.state.auth.prompt.is_none());
    key(&mut t, Key::Delete);
    // Quantities: + and -, a number then *, never past the till's limit.
    t.scan(COLA);
    key(&mut t, Key::Char('+'));
    key(&mut t, Key::Char('+'));
    key(&mut t, Key::Char('-'));
    assert_eq!(t.state.no_receipt.as_ref().map(|f| f.item_count()), Some(2));
    for c in "10000".chars() {
        key(&mut t, Key::Char(c));
    }
    key(&mut t, Key::Char('*'));
    assert_eq!(t.state.notice, Some(Notice::BadQuantity));
    for c in "5".chars() {
        key(&mut t, Key::Char(c));
    }
    key(&mut t, Key::Char('*'));
    assert_eq!(t.state.no_receipt.as_ref().and_then(|f| f.value()), Some(Fen(1750)));
    // Enter asks; Esc on the supervisor's prompt drops it: nothing saved, nothing paid out.
    key(&mut t, Key::Enter);
    assert!(t.state.auth.prompt.is_some());
    let fx = key(&mut t, Key::Esc);
    assert!(saved(&fx).is_empty() && !fx.contains(&Effect::OpenDrawer));
    assert!(t.state.no_receipt.is_some(), "back on the form");
    // Esc closes the form and keeps nothing.
    let fx = key(&mut t, Key::Esc);
    assert!(saved(&fx).is_empty() && t.state.no_receipt.is_none());
    // An approval sent from elsewhere, with no form up, only opens the prompt and then does nothing.
    let lines = vec![crate::core::order::Line { barcode: COLA.into(), name: "x".into(), unit_price: Fen(350), qty: 1 }];
    let approval = approval::Approval::NoReceiptReturn { lines, reason: ReturnReason::Other };
    t.send(Msg::Approve(approval));
    let fx = supervisor_approves(&mut t);
    assert!(saved(&fx).is_empty() && !fx.contains(&Effect::OpenDrawer), "{fx:?}");
}

#[test]
fn a_return_is_taken_only_from_an_empty_sale_or_the_lookup_and_a_supervisor_signed_in_approves_it_himself() {
    let mut t = Till::new();
    t.scan(COLA);
    t.send(Msg::Act(intent::Intent::ReturnNoReceipt));
    assert_eq!(return_notice(&t), Some(ReturnNotice::FinishSaleFirst));
    assert!(t.state.no_receipt.is_none());
    key(&mut t, Key::Delete);
    // 01 is a supervisor: no PIN asked, and the return names 01 as approving it.
    t.send(Msg::Act(intent::Intent::ReturnNoReceipt));
    t.scan(NOODLES);
    let fx = key(&mut t, Key::Enter);
    assert!(t.state.auth.prompt.is_none());
    let order = saved(&fx).pop().expect("saved at once");
    assert_eq!(order.no_receipt.map(|n| (n.reason, n.approved_by)), Some((ReturnReason::Faulty, "01".into())));
    // A scan on the sale screen now sells again.
    t.scan(COLA);
    assert_eq!(t.state.sale.lines.len(), 1);
}
