//! Stock movements an order makes, as pure data: the app writes them to the store (see
//! `app::stock` for how each is applied exactly once, across pulled plugs).
//!
//! * A paid order (taken at this till) takes its goods out of stock: movement `sale:<order id>`.
//! * An order refunded in full puts them back: movement `return:<order id>`. A partial refund is a
//!   price adjustment and moves no goods (the refund flow refunds amounts, not lines).
//!
//! Each movement has a key that is the same every time the order is saved, so applying it is
//! idempotent: the store keeps a marker per key written in the same transaction as the counts.

use super::order::{Order, OrderStatus, RefundState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One movement: barcode → change in stock (negative: sold).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMove {
    pub key: String,
    pub deltas: Vec<(String, i64)>,
}

/// The movements `order` makes in its current state. Lines without a barcode (amounts typed at
/// the till) and weighed items (their label is not a catalogue key) find no stock count and are
/// skipped when applied.
pub fn movements(order: &Order) -> Vec<StockMove> {
    if order.status != OrderStatus::Paid || order.imported || order.lines.is_empty() {
        return Vec::new();
    }
    let mut goods: BTreeMap<&str, i64> = BTreeMap::new();
    for l in order.lines.iter().filter(|l| !l.barcode.is_empty()) {
        *goods.entry(l.barcode.as_str()).or_default() += i64::from(l.qty);
    }
    if goods.is_empty() {
        return Vec::new();
    }
    let sold = |sign: i64| goods.iter().map(|(b, n)| ((*b).to_string(), sign * n)).collect();
    let mut out = vec![StockMove { key: format!("sale:{}", order.id), deltas: sold(-1) }];
    let refunded: i64 = order.refunds.iter().filter(|r| r.state == RefundState::Refunded).map(|r| r.amount.0).sum();
    let total = order.total().0;
    if total > 0 && refunded >= total {
        out.push(StockMove { key: format!("return:{}", order.id), deltas: sold(1) });
    }
    out
}

/// Applies `deltas` to the counts of the products that have one; returns the new counts of those
/// that changed. A product without a count is not tracked and stays so; counts may go negative.
pub fn apply(counts: &BTreeMap<String, i64>, deltas: &[(String, i64)]) -> Vec<(String, i64)> {
    let mut changed: BTreeMap<String, i64> = BTreeMap::new();
    for (barcode, delta) in deltas {
        let Some(now) = changed.get(barcode).or_else(|| counts.get(barcode)).copied() else { continue };
        changed.insert(barcode.clone(), now.saturating_add(*delta));
    }
    changed.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::money::Fen;
    use crate::core::order::{Line, Refund};

    fn paid() -> Order {
        let mut o = Order::new(7, Millis(0), "01".into());
        let line = |b: &str, qty| Line { barcode: b.into(), name: "x".into(), unit_price: Fen(100), qty };
        o.lines = vec![line("A", 2), line("B", 1), line("", 1), line("A", 1)];
        o.status = OrderStatus::Paid;
        o
    }

    fn refund(no: &str, amount: i64, state: RefundState) -> Refund {
        Refund {
            out_refund_no: no.into(),
            amount: Fen(amount),
            total: Fen(500),
            refunded_before: Fen::ZERO,
            requested_at: Millis(0),
            operator: "01".into(),
            state,
            refund_id: None,
            queries: 0,
            of: None,
            cash: false,
        }
    }

    #[test]
    fn a_paid_order_takes_its_goods_out_once_per_key() {
        let mut o = paid();
        o.status = OrderStatus::Paying;
        assert!(movements(&o).is_empty(), "nothing moves before it is paid");
        o.status = OrderStatus::Paid;
        let m = movements(&o);
        assert_eq!(m, vec![StockMove { key: "sale:7".into(), deltas: vec![("A".into(), -3), ("B".into(), -1)] }]);
        assert_eq!(movements(&o), m, "the same key every time: idempotent when applied by key");
    }

    #[test]
    fn a_full_refund_puts_the_goods_back_and_a_partial_one_does_not() {
        let mut o = paid();
        o.refunds.push(refund("r1", 100, RefundState::Refunded));
        o.refunds.push(refund("r2", 400, RefundState::Failed { reason: "no".into() }));
        assert_eq!(movements(&o).len(), 1);
        o.refunds.push(refund("r3", 400, RefundState::Accepted));
        assert_eq!(movements(&o).len(), 1, "accepted is not refunded yet");
        o.refunds[2].state = RefundState::Refunded;
        let m = movements(&o);
        assert_eq!(m[1], StockMove { key: "return:7".into(), deltas: vec![("A".into(), 3), ("B".into(), 1)] });
    }

    #[test]
    fn counts_move_only_for_tracked_products_and_may_go_negative() {
        let counts: BTreeMap<String, i64> = [("A".to_string(), 2)].into_iter().collect();
        let deltas = vec![("A".to_string(), -3), ("B".to_string(), -1), ("A".to_string(), 1)];
        assert_eq!(apply(&counts, &deltas), vec![("A".to_string(), 0)]);
        assert_eq!(apply(&counts, &[("A".to_string(), -5)]), vec![("A".to_string(), -3)]);
    }
}
