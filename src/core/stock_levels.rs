//! The shop's stock levels from the back office, combined with the till's own moves it has not
//! seen counted (sync::stock, docs/back-office.md "Stock across tills").
//!
//! The office's level of a product counts every record it had when it answered, this till's
//! included; it names which of this till's records (by outbox sequence) those were. The till's
//! count is the level plus the moves of its own records still in its outbox and not named: a
//! record the office has is never added again, and one it does not have yet still counts. A
//! sale made while the answer was on its way is in the outbox (queued in the sale's own write),
//! so it is added too.

use super::order::{Order, RefundState};
use super::stock;
use std::collections::{BTreeMap, BTreeSet};

/// The goods refund `out_refund_no` of `order` put back, by barcode, as the till moved them
/// (`stock::movements`): its returned goods, or, for the refund by amount that completes the
/// order, the goods earlier refunds had not taken back. Only the refunds before it (in the
/// order's list) are looked at. Nothing for a refund that failed or is not the order's.
pub fn refund_returns(order: &Order, out_refund_no: &str) -> Vec<(String, i64)> {
    let Some(i) = order.refunds.iter().position(|r| r.out_refund_no == out_refund_no) else {
        return Vec::new();
    };
    if order.refunds[i].state != RefundState::Refunded {
        return Vec::new();
    }
    let mut before = order.clone();
    before.refunds.truncate(i);
    let known: BTreeSet<String> = stock::movements(&before).into_iter().map(|m| m.key).collect();
    before.refunds.push(order.refunds[i].clone());
    let mut goods: BTreeMap<String, i64> = BTreeMap::new();
    for m in stock::movements(&before).into_iter().filter(|m| m.key.starts_with("return:") && !known.contains(&m.key)) {
        for (barcode, n) in m.deltas {
            *goods.entry(barcode).or_default() += n;
        }
    }
    goods.into_iter().filter(|(_, n)| *n != 0).collect()
}

/// The goods an order record takes out (and an exchange's brings back) as it was sent: the
/// order at its close, before any refund.
pub fn sale_moves(order: &Order) -> Vec<(String, i64)> {
    let mut sold = order.clone();
    sold.refunds.clear();
    sum(stock::movements(&sold).into_iter().flat_map(|m| m.deltas))
}

/// Barcode → the sum of its changes.
pub fn sum(deltas: impl IntoIterator<Item = (String, i64)>) -> Vec<(String, i64)> {
    let mut goods: BTreeMap<String, i64> = BTreeMap::new();
    for (barcode, n) in deltas {
        let e = goods.entry(barcode).or_default();
        *e = e.saturating_add(n);
    }
    goods.into_iter().collect()
}

/// The counts to keep: each level plus this till's own changes not counted in it.
pub fn combine(levels: &[(String, i64)], own_pending: &[(String, i64)]) -> Vec<(String, i64)> {
    let pending: BTreeMap<&str, i64> = own_pending.iter().map(|(b, n)| (b.as_str(), *n)).collect();
    levels.iter().map(|(b, n)| (b.clone(), n.saturating_add(pending.get(b.as_str()).copied().unwrap_or(0)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::money::Fen;
    use crate::core::order::{Line, OrderStatus, Refund, Returned};

    fn paid() -> Order {
        let mut o = Order::new(7, Millis(0), "01".into());
        let line = |b: &str, qty| Line { barcode: b.into(), name: "x".into(), unit_price: Fen(100), qty };
        o.lines = vec![line("A", 3), line("B", 1)];
        o.status = OrderStatus::Paid;
        o
    }

    #[test]
    fn a_refunds_goods_are_its_own_returns_and_the_completing_refund_brings_back_the_rest() {
        let mut o = paid();
        let mut first = Refund::cash_now("R1".into(), Fen(100), Fen(400), Fen(0), Millis(1), "01".into());
        first.returns = vec![Returned { line: 0, barcode: "A".into(), qty: 1 }];
        o.refunds.push(first);
        o.refunds.push(Refund::cash_now("R2".into(), Fen(300), Fen(400), Fen(100), Millis(2), "01".into()));
        assert_eq!(refund_returns(&o, "R1"), vec![("A".to_string(), 1)]);
        assert_eq!(refund_returns(&o, "R2"), vec![("A".to_string(), 2), ("B".to_string(), 1)], "what was still out");
        assert_eq!(refund_returns(&o, "R9"), vec![], "not this order's");
        assert_eq!(sale_moves(&o), vec![("A".to_string(), -3), ("B".to_string(), -1)], "the sale, as sent");
    }

    #[test]
    fn the_count_is_the_level_plus_own_changes_not_counted_in_it() {
        let levels = vec![("A".to_string(), 7), ("B".to_string(), 0)];
        let counts = combine(&levels, &[("A".to_string(), -2), ("C".to_string(), -1)]);
        assert_eq!(counts, vec![("A".to_string(), 5), ("B".to_string(), 0)]);
    }
}
