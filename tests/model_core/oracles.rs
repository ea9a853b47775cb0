//! What must hold whatever the network and the cashier did: checked on every save the core asks
//! for, on every call it makes, after every step, and once everything has settled.

use super::platform::{PState, PlatformModel};
use super::store::StoreModel;
use std::collections::{BTreeMap, BTreeSet};

use till::core::money::Fen;
use till::core::order::{AttemptState, Order, OrderId, RefundState, TenderPart};
use till::core::{CancelCall, PayCall, RefundCall};

/// Every number the till issued, by the order it was issued for: none is ever issued twice.
#[derive(Default)]
pub struct Numbers {
    owners: BTreeMap<String, OrderId>,
    /// Numbers that reached the platform in a payment or refund request.
    sent: BTreeSet<String>,
}

impl Numbers {
    fn own(&mut self, number: &str, id: OrderId) -> Result<(), String> {
        match self.owners.insert(number.to_string(), id) {
            Some(other) if other != id => Err(format!("number {number} issued to order {other} and to order {id}")),
            _ => Ok(()),
        }
    }

    /// A saved order: its numbers belong to it alone.
    pub fn saved(&mut self, order: &Order) -> Result<(), String> {
        for n in order.number.iter().chain(order.attempts.iter().map(|a| &a.out_trade_no)) {
            self.own(n, order.id)?;
        }
        for r in &order.refunds {
            self.own(&r.out_refund_no, order.id)?;
        }
        Ok(())
    }

    pub fn pay_sent(&mut self, call: &PayCall) -> Result<(), String> {
        if !self.sent.insert(call.out_trade_no.clone()) {
            return Err(format!("payment number {} sent twice", call.out_trade_no));
        }
        self.own(&call.out_trade_no, call.order_id)
    }

    pub fn qr_sent(&mut self, call: &till::core::QrCall) -> Result<(), String> {
        if !self.sent.insert(call.out_trade_no.clone()) {
            return Err(format!("QR number {} sent twice", call.out_trade_no));
        }
        self.own(&call.out_trade_no, call.order_id)
    }

    pub fn refund_sent(&mut self, call: &RefundCall) -> Result<(), String> {
        if !self.sent.insert(call.out_refund_no.clone()) {
            return Err(format!("refund number {} sent twice", call.out_refund_no));
        }
        self.own(&call.out_refund_no, call.order_id)
    }
}

/// What the till writes about a payment or a refund is what the platform did: "paid" only when it
/// charged this order under that number, "not paid" never while it holds the money, "refunded" only
/// when refunded, "refund failed" only when it has no such refund.
pub fn saved_order_is_true(order: &Order, platform: &PlatformModel, era: u32, now: i64) -> Result<(), String> {
    for a in &order.attempts {
        let at = platform.orders.get(&a.out_trade_no).filter(|p| p.order_id == order.id && p.era == era);
        match &a.state {
            AttemptState::Paid { transaction_id } => {
                let Some(p) = at else {
                    return Err(format!("order {} recorded paid under {}: not charged", order.id, a.out_trade_no));
                };
                let txn = match &p.state {
                    PState::Paid { txn } | PState::Reversed { txn } => txn,
                    other => {
                        return Err(format!(
                            "order {} recorded paid under {}: the platform has it {other:?}",
                            order.id, a.out_trade_no
                        ));
                    }
                };
                if txn != transaction_id || p.amount != a.amount {
                    return Err(format!(
                        "order {} paid {} under {} ({transaction_id}); the platform charged {} ({txn})",
                        order.id, a.amount, a.out_trade_no, p.amount
                    ));
                }
            }
            // A closed QR still watched may be paid late: the watch records it (checked at settling).
            AttemptState::Failed { .. } | AttemptState::Cancelled if a.qr.as_ref().is_some_and(|q| q.watching) => {}
            AttemptState::Failed { .. } | AttemptState::Cancelled if at.is_some_and(|p| p.charged()) => {
                return Err(format!(
                    "order {} recorded {:?} under {}, but the platform charged the customer",
                    order.id, a.state, a.out_trade_no
                ));
            }
            _ => {}
        }
    }
    for r in order.refunds.iter().filter(|r| !r.cash) {
        let made = platform.refund_state(&r.out_refund_no, now);
        match (&r.state, made) {
            (RefundState::Refunded, Some(till::core::RefundVerdict::Refunded { .. })) => {}
            (RefundState::Refunded, other) => {
                return Err(format!("refund {} recorded refunded; the platform: {other:?}", r.out_refund_no));
            }
            (RefundState::Failed { .. }, Some(v)) => {
                return Err(format!("refund {} recorded failed; the platform: {v:?}", r.out_refund_no));
            }
            (RefundState::Accepted, None) => {
                return Err(format!("refund {} recorded accepted; the platform has none", r.out_refund_no));
            }
            _ => {}
        }
    }
    Ok(())
}

/// No order is charged more than it costs: the platform's charges for it and the cash taken.
pub fn never_charged_twice(store: &StoreModel, platform: &PlatformModel, era: u32) -> Result<(), String> {
    let mut charged: BTreeMap<OrderId, Fen> = BTreeMap::new();
    // A QR paid after the till asked to close it is a late payment: recorded (and refundable), on
    // top of what else paid the order.
    let late_qr = |p: &&super::platform::POrder| p.qr.is_some_and(|q| q.close_asked);
    for p in platform.orders.values().filter(|p| p.charged() && p.era == era && !late_qr(p)) {
        let sum = charged.entry(p.order_id).or_insert(Fen::ZERO);
        *sum = *sum + p.amount;
    }
    for o in store.orders.values() {
        let taken: Fen =
            o.tender_parts().iter().filter(|p| matches!(p, TenderPart::Cash { .. })).map(TenderPart::amount).sum();
        let given: Fen =
            o.refunds.iter().filter(|r| r.cash && r.state == RefundState::Refunded).map(|r| r.amount).sum();
        // A return without a receipt takes nothing and gives back exactly its goods' value.
        if o.no_receipt.is_some() && given == o.total() {
            continue;
        }
        if given > taken {
            return Err(format!("order {}: {given} given back from the drawer, {taken} taken in cash", o.id));
        }
    }
    for (id, sum) in charged {
        let Some(order) = store.orders.get(&id) else { continue };
        let cash: Fen = order.cash.iter().map(|c| c.amount).sum();
        if sum + cash > order.total() && !order.imported {
            return Err(format!("order {id} costs {} but {sum} was charged and {cash} taken in cash", order.total()));
        }
    }
    Ok(())
}

/// The customer display says paid only for a sale that is paid, with what it took: never while
/// the money that covers it is still being confirmed (core::display). A payment still out when
/// confirmed ones already cover the sale (a late QR payment arrived meanwhile) is a second charge
/// to refund, not money the sale waits for.
pub fn display_paid_only_when_paid(state: &till::core::State, received: Fen) -> Result<(), String> {
    let sale = &state.sale;
    let covered = sale.paid_so_far() >= sale.total();
    if sale.status != till::core::order::OrderStatus::Paid || (sale.open_attempt().is_some() && !covered) {
        return Err(format!("the customer display showed paid {received} for an order {:?}", sale.status));
    }
    if received < sale.total() {
        return Err(format!("the customer display showed {received} received for a total of {}", sale.total()));
    }
    Ok(())
}

/// A cancel (reverse) never reaches a payment of another order: a number taken by an earlier sale
/// (the store emptied the same day, the platform remembering) is never cancelled under.
pub fn cancel_is_ours(call: &CancelCall, platform: &PlatformModel, era: u32) -> Result<(), String> {
    match platform.orders.get(&call.out_trade_no) {
        Some(p) if (p.era, p.order_id) != (era, call.order_id) && p.charged() => Err(format!(
            "cancel under {} would reverse another order's payment of {} (the number was taken)",
            call.out_trade_no, p.amount
        )),
        _ => Ok(()),
    }
}

/// A refund request never asks for more than the platform still holds of that payment.
pub fn refund_within_paid(call: &RefundCall, platform: &PlatformModel) -> Result<(), String> {
    let refundable = platform.refundable(&call.out_trade_no);
    if call.amount > refundable {
        return Err(format!(
            "refund {} asks {} of {}, which has {refundable} left to refund",
            call.out_refund_no, call.amount, call.out_trade_no
        ));
    }
    Ok(())
}

/// Once every answer is in and nothing is pending: nothing is left in doubt, every charge is
/// recorded paid, every refund the platform made is recorded refunded.
pub fn settled(store: &StoreModel, platform: &PlatformModel, era: u32, now: i64) -> Result<(), String> {
    for o in store.orders.values() {
        if let Some(a) = o.open_attempt() {
            return Err(format!("order {}: payment {} still {:?} after settling", o.id, a.out_trade_no, a.state));
        }
        if let Some(r) = o.open_refund() {
            return Err(format!("order {}: refund {} still {:?} after settling", o.id, r.out_refund_no, r.state));
        }
        saved_order_is_true(o, platform, era, now)?;
    }
    // What the platform did for orders of an emptied store is the day's earlier business.
    for (no, p) in platform.orders.iter().filter(|(_, p)| p.era == era) {
        if p.charged() {
            let recorded =
                store.orders.get(&p.order_id).and_then(|o| o.attempts.iter().find(|a| &a.out_trade_no == no));
            if !recorded.is_some_and(|a| matches!(a.state, AttemptState::Paid { .. })) {
                return Err(format!(
                    "the platform charged {} under {no} for order {}; the till has {:?}",
                    p.amount,
                    p.order_id,
                    recorded.map(|a| &a.state)
                ));
            }
        }
        for r in &p.refunds {
            let recorded = store.orders.values().flat_map(|o| &o.refunds).find(|x| x.out_refund_no == r.no);
            if !recorded.is_some_and(|x| x.state == RefundState::Refunded && x.amount == r.amount) {
                return Err(format!(
                    "the platform refunded {} under {}; the till has {:?}",
                    r.amount,
                    r.no,
                    recorded.map(|x| (&x.state, x.amount))
                ));
            }
        }
    }
    Ok(())
}
