//! The transaction journal (seed 003 §3.2.1): every payment and refund of a day, filterable by
//! operator, payment method and state.

use super::report::{PayMethod, Period, refund_method};
use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::order::{AttemptState, Order, OrderId, OrderStatus, RefundState, TenderPart};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Payment,
    Refund,
}

/// Where a payment or refund stands, as the journal filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryState {
    Paid,
    Refunded,
    /// The outcome is not known yet: not counted as paid or refunded.
    InDoubt,
    /// Declined, cancelled, or a refund the platform refused: no money moved.
    Failed,
}

impl EntryState {
    pub const ALL: [EntryState; 4] = [EntryState::Paid, EntryState::Refunded, EntryState::InDoubt, EntryState::Failed];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub at: Millis,
    pub kind: EntryKind,
    pub state: EntryState,
    pub method: PayMethod,
    pub amount: Fen,
    pub operator: String,
    /// The receipt's number (a payment attempt's out_trade_no; for a refund the order's number).
    pub number: String,
    pub refund_no: Option<String>,
    pub order_id: OrderId,
    /// A return without a receipt (无小票退货), apart from receipted refunds.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_receipt: bool,
    /// On a sale's first payment: the discounts its order was given, each with its reason (a
    /// promotion's name or the cashier's reason code), who gave it and the amount (issue 19).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<GivenDiscount>,
    /// An exchange (换货): its payment or the difference given back.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exchange: bool,
}

/// A discount as the journal shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenDiscount {
    pub reason: String,
    /// Who gave it (empty for a promotion).
    pub operator: String,
    pub amount: Fen,
}

/// The discounts of `order`, as the journal shows them.
pub fn given(order: &Order) -> Vec<GivenDiscount> {
    use crate::core::pricing::Source;
    order
        .discounts
        .iter()
        .map(|d| GivenDiscount {
            reason: match &d.source {
                Source::Promotion { name, .. } => name.clone(),
                Source::Line { reason, .. } | Source::Order { reason } => reason.clone(),
            },
            operator: d.operator.clone(),
            amount: d.amount,
        })
        .collect()
}

/// The journal of `orders` over `period`, oldest first.
pub fn entries(orders: &[Order], period: &Period) -> Vec<Entry> {
    let mut out = Vec::new();
    for o in orders.iter().filter(|o| !o.imported) {
        let entry = |at, state, method, amount, number: &str| Entry {
            at,
            kind: EntryKind::Payment,
            state,
            method,
            amount,
            operator: o.operator.clone(),
            number: number.to_string(),
            refund_no: None,
            order_id: o.id,
            no_receipt: false,
            discounts: Vec::new(),
            exchange: o.exchange.is_some(),
        };
        let first = out.len();
        if let (OrderStatus::Paid, Some(_), Some(at)) = (o.status, &o.tender, o.closed_at) {
            for part in o.tender_parts() {
                if let TenderPart::Cash { amount, .. } = part {
                    out.push(entry(at, EntryState::Paid, PayMethod::Cash, amount, o.number.as_deref().unwrap_or("")));
                }
            }
        }
        for a in &o.attempts {
            let (state, at) = match &a.state {
                AttemptState::Paid { .. } => (EntryState::Paid, o.closed_at.unwrap_or(a.started_at)),
                AttemptState::Failed { .. } | AttemptState::Cancelled => (EntryState::Failed, a.started_at),
                _ => (EntryState::InDoubt, a.started_at),
            };
            out.push(entry(at, state, a.platform.into(), a.amount, &a.out_trade_no));
        }
        // The discounts go with the sale's first paid entry (once, however many parts paid it).
        if let Some(e) = out[first..].iter_mut().find(|e| e.state == EntryState::Paid) {
            e.discounts = given(o);
        }
    }
    for o in orders {
        for r in &o.refunds {
            let state = match r.state {
                RefundState::Refunded => EntryState::Refunded,
                RefundState::Failed { .. } => EntryState::Failed,
                _ => EntryState::InDoubt,
            };
            out.push(Entry {
                at: r.requested_at,
                kind: EntryKind::Refund,
                state,
                method: refund_method(o, r),
                amount: r.amount,
                operator: r.operator.clone(),
                number: o.number.clone().unwrap_or_default(),
                refund_no: Some(r.out_refund_no.clone()),
                order_id: o.id,
                no_receipt: o.no_receipt.is_some(),
                discounts: Vec::new(),
                exchange: o.exchange.is_some(),
            });
        }
    }
    out.retain(|e| period.contains(e.at));
    out.sort_by(|a, b| (a.at, &a.number, &a.refund_no).cmp(&(b.at, &b.number, &b.refund_no)));
    out
}

/// What the cashier narrowed the journal to; `None` is "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub operator: Option<String>,
    pub method: Option<PayMethod>,
    pub state: Option<EntryState>,
}

impl Filter {
    pub fn keeps(&self, e: &Entry) -> bool {
        self.operator.as_ref().is_none_or(|o| *o == e.operator)
            && self.method.is_none_or(|m| m == e.method)
            && self.state.is_none_or(|s| s == e.state)
    }
}

/// The next choice after `current` in `all`, then back to "all" (`None`).
pub fn cycle<T: Clone + PartialEq>(current: &Option<T>, all: &[T]) -> Option<T> {
    match current {
        None => all.first().cloned(),
        Some(c) => all.iter().position(|x| x == c).and_then(|i| all.get(i + 1)).cloned(),
    }
}
