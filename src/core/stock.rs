//! Stock movements an order makes, as pure data: the store applies them in the order's own save
//! (`store/redb_stock.rs`: each exactly once, across pulled plugs, in one durable write).
//!
//! * A paid order (taken at this till) takes its goods out of stock: movement `sale:<order id>`.
//! * A refund that takes goods back (`Refund::returns`, chosen on the lookup screen) puts them
//!   back once it is refunded (a cash refund: when recorded): `return:<order id>:<out_refund_no>`.
//!   A failed refund moves nothing.
//! * A refund by amount (no goods chosen) is a price adjustment and moves no goods, unless it is
//!   the one that refunds the order in full: then the goods not yet taken back by earlier refunds
//!   come back, `return:<order id>` (the key full refunds always had, so an order fully refunded
//!   before goods were returned is never moved twice).
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

/// Quantities by barcode, lines without one (amounts typed at the till) left out.
fn by_barcode<'a>(order: &'a Order, qty: impl Fn(usize) -> u32) -> Vec<(String, i64)> {
    let mut goods: BTreeMap<&'a str, i64> = BTreeMap::new();
    for (i, l) in order.lines.iter().enumerate().filter(|(_, l)| !l.barcode.is_empty()) {
        let n = i64::from(qty(i));
        if n != 0 {
            *goods.entry(l.barcode.as_str()).or_default() += n;
        }
    }
    goods.into_iter().map(|(b, n)| (b.to_string(), n)).collect()
}

/// The movements `order` makes in its current state. Lines without a barcode (amounts typed at
/// the till) and weighed items (their label is not a catalogue key) find no stock count and are
/// skipped when applied.
pub fn movements(order: &Order) -> Vec<StockMove> {
    if order.status != OrderStatus::Paid || order.imported || order.lines.is_empty() {
        return Vec::new();
    }
    let sold = by_barcode(order, |i| order.lines[i].qty);
    // An exchange's goods coming back go in with the new goods going out, in the same save.
    let exchanged = exchange_move(order);
    if sold.is_empty() {
        return exchanged.into_iter().collect();
    }
    let negate = |d: Vec<(String, i64)>| d.into_iter().map(|(b, n)| (b, -n)).collect();
    // A return without a receipt sold nothing: only its goods coming back move.
    let mut out = if order.no_receipt.is_some() {
        Vec::new()
    } else {
        vec![StockMove { key: format!("sale:{}", order.id), deltas: negate(sold) }]
    };
    out.extend(exchanged);
    // What is still out with the customer, per line: never more comes back than was sold.
    let mut out_there: Vec<u32> = order.lines.iter().map(|l| l.qty).collect();
    let total = order.total().0;
    let mut refunded = 0i64;
    for r in order.refunds.iter().filter(|r| r.state == RefundState::Refunded) {
        let mut back = vec![0u32; order.lines.len()];
        for g in &r.returns {
            if let (Some(left), Some(n)) = (out_there.get_mut(g.line), back.get_mut(g.line)) {
                let qty = g.qty.min(*left);
                *left -= qty;
                *n += qty;
            }
        }
        let deltas = by_barcode(order, |i| back[i]);
        if !deltas.is_empty() {
            out.push(StockMove { key: format!("return:{}:{}", order.id, r.out_refund_no), deltas });
        }
        let before = refunded;
        refunded = refunded.saturating_add(r.amount.0);
        let completes = total > 0 && before < total && refunded >= total;
        if completes && r.returns.is_empty() {
            let rest = by_barcode(order, |i| out_there[i]);
            out_there.iter_mut().for_each(|n| *n = 0);
            if !rest.is_empty() {
                out.push(StockMove { key: format!("return:{}", order.id), deltas: rest });
            }
        }
    }
    out
}

/// The goods an exchange takes back (`exchange:<order id>`), if any.
fn exchange_move(order: &Order) -> Option<StockMove> {
    let x = order.exchange.as_ref()?;
    let mut goods: BTreeMap<&str, i64> = BTreeMap::new();
    for l in x.returned.iter().filter(|l| !l.barcode.is_empty() && l.qty > 0) {
        *goods.entry(l.barcode.as_str()).or_default() += i64::from(l.qty);
    }
    let deltas: Vec<_> = goods.into_iter().map(|(b, n)| (b.to_string(), n)).collect();
    (!deltas.is_empty()).then(|| StockMove { key: format!("exchange:{}", order.id), deltas })
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
    use crate::core::order::{Line, Refund, Returned};

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
            returns: Vec::new(),
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

    /// `qty` of line `line` (the order's lines: A×2, B×1, typed amount, A×1; 1.00 each).
    fn back(line: usize, qty: u32) -> Returned {
        let barcode = paid().lines[line].barcode.clone();
        Returned { line, barcode, qty }
    }

    fn goods_refund(no: &str, amount: i64, state: RefundState, returns: Vec<Returned>) -> Refund {
        Refund { returns, ..refund(no, amount, state) }
    }

    fn keys(o: &Order) -> Vec<String> {
        movements(o).into_iter().map(|m| m.key).collect()
    }

    #[test]
    fn a_refund_of_goods_puts_them_back_once_it_is_refunded() {
        let mut o = paid();
        o.refunds.push(goods_refund("r1", 200, RefundState::Sending, vec![back(0, 1), back(1, 1)]));
        assert_eq!(keys(&o), ["sale:7"], "sending is not refunded");
        o.refunds[0].state = RefundState::Accepted;
        assert_eq!(keys(&o), ["sale:7"], "accepted is not refunded");
        o.refunds[0].state = RefundState::Refunded;
        let m = movements(&o);
        assert_eq!(m[1], StockMove { key: "return:7:r1".into(), deltas: vec![("A".into(), 1), ("B".into(), 1)] });
        assert_eq!(movements(&o), m, "the same key every time");
    }

    #[test]
    fn a_failed_refund_of_goods_moves_nothing() {
        let mut o = paid();
        o.refunds.push(goods_refund("r1", 200, RefundState::Failed { reason: "no".into() }, vec![back(0, 2)]));
        assert_eq!(keys(&o), ["sale:7"]);
        assert_eq!(o.returnable(0), 2, "and the goods may still come back");
    }

    #[test]
    fn a_line_sold_twice_comes_back_under_its_barcode() {
        let mut o = paid();
        o.refunds.push(goods_refund("r1", 300, RefundState::Refunded, vec![back(0, 2), back(3, 1)]));
        assert_eq!(movements(&o)[1].deltas, vec![("A".to_string(), 3)]);
    }

    #[test]
    fn a_cash_refund_of_goods_moves_them_when_recorded() {
        let mut o = paid();
        let cash = Refund { cash: true, ..goods_refund("c1", 100, RefundState::Refunded, vec![back(1, 1)]) };
        o.refunds.push(cash);
        assert_eq!(movements(&o)[1], StockMove { key: "return:7:c1".into(), deltas: vec![("B".into(), 1)] });
    }

    #[test]
    fn a_full_refund_by_amount_returns_only_what_earlier_refunds_did_not() {
        // Sale (A×3, B×1, typed 1.00: 5.00) → one A back → a price adjustment → B back → the rest.
        let mut o = paid();
        o.refunds.push(goods_refund("r1", 100, RefundState::Refunded, vec![back(0, 1)]));
        o.refunds.push(refund("r2", 50, RefundState::Refunded));
        o.refunds.push(goods_refund("r3", 100, RefundState::Refunded, vec![back(1, 1)]));
        assert_eq!(keys(&o), ["sale:7", "return:7:r1", "return:7:r3"], "a price adjustment moves nothing");
        o.refunds.push(refund("r4", 250, RefundState::Refunded));
        let m = movements(&o);
        assert_eq!(m.len(), 4);
        assert_eq!(m[3], StockMove { key: "return:7".into(), deltas: vec![("A".into(), 2)] });
        let back_in: i64 = m[1..].iter().flat_map(|m| &m.deltas).map(|(_, n)| n).sum();
        assert_eq!(back_in, 4, "exactly what was sold comes back, once");
    }

    #[test]
    fn a_full_refund_after_every_good_came_back_moves_nothing_more() {
        let mut o = paid();
        o.refunds.push(goods_refund("r1", 400, RefundState::Refunded, vec![back(0, 2), back(1, 1), back(3, 1)]));
        o.refunds.push(refund("r2", 100, RefundState::Refunded));
        assert_eq!(keys(&o), ["sale:7", "return:7:r1"]);
    }

    #[test]
    fn a_refund_of_goods_that_completes_the_order_returns_only_its_goods() {
        // 4.50 was given back as a price adjustment; then one B comes back for the last 0.50:
        // the customer keeps the rest, so only B returns to the shelf.
        let mut o = paid();
        o.refunds.push(refund("r1", 450, RefundState::Refunded));
        o.refunds.push(goods_refund("r2", 50, RefundState::Refunded, vec![back(1, 1)]));
        assert_eq!(keys(&o), ["sale:7", "return:7:r2"]);
    }

    #[test]
    fn never_more_comes_back_than_was_sold() {
        let mut o = paid();
        o.refunds.push(goods_refund("r1", 100, RefundState::Refunded, vec![back(1, 1)]));
        // A damaged record asks for B again and for a line the order does not have.
        o.refunds.push(goods_refund("r2", 100, RefundState::Refunded, vec![back(1, 1), back(0, 5)]));
        o.refunds[1].returns.push(Returned { line: 9, barcode: "Z".into(), qty: 1 });
        let m = movements(&o);
        assert_eq!(m[1].deltas, vec![("B".to_string(), 1)]);
        assert_eq!(m[2].deltas, vec![("A".to_string(), 2)]);
    }

    #[test]
    fn an_imported_or_unpaid_order_moves_nothing_even_with_returns() {
        let mut o = paid();
        o.refunds.push(goods_refund("r1", 100, RefundState::Refunded, vec![back(1, 1)]));
        o.imported = true;
        assert!(movements(&o).is_empty());
    }

    #[test]
    fn counts_move_only_for_tracked_products_and_may_go_negative() {
        let counts: BTreeMap<String, i64> = [("A".to_string(), 2)].into_iter().collect();
        let deltas = vec![("A".to_string(), -3), ("B".to_string(), -1), ("A".to_string(), 1)];
        assert_eq!(apply(&counts, &deltas), vec![("A".to_string(), 0)]);
        assert_eq!(apply(&counts, &[("A".to_string(), -5)]), vec![("A".to_string(), -3)]);
    }
}
