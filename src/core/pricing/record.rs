//! What an order keeps of its pricing: each promotion or discount that took something off, with
//! each line's share; and what follows from it: the order's net, each line's net, and the value of
//! goods coming back, which is what was paid for them after their share of every discount.

use super::super::money::Fen;
use super::super::order::{Order, Returned};
use super::{Priced, Source};
use serde::{Deserialize, Serialize};

/// One promotion or discount an order was given, and each line's share of it (by line number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    pub source: Source,
    pub amount: Fen,
    pub shares: Vec<(usize, Fen)>,
    /// Who gave it (the cashier's discounts; empty for a promotion).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub operator: String,
    /// The cashier's discount as given (kept so that the sale is priced again the same after a change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<super::Change>,
}

/// The discounts of a priced cart, in its order: the promotions first, then the cashier's.
pub fn discounts(priced: &Priced, operator: &str) -> Vec<Discount> {
    priced
        .applied
        .iter()
        .enumerate()
        .map(|(k, a)| Discount {
            source: a.source.clone(),
            amount: a.amount,
            shares: priced
                .lines
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.parts.iter().find(|(j, _)| *j == k).map(|&(_, s)| (i, s)))
                .collect(),
            operator: if matches!(a.source, Source::Promotion { .. }) { String::new() } else { operator.into() },
            change: None,
        })
        .collect()
}

/// Discounts given over some orders, for the X and Z reports: one row per reason (a promotion's
/// name, or the reason code of a cashier's discount) and operator, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountTotals {
    pub promotion: bool,
    pub reason: String,
    /// Who gave it (empty for a promotion).
    pub operator: String,
    pub count: u32,
    pub amount: Fen,
}

/// The discounts of `orders`, per reason and operator.
pub fn totals<'a>(orders: impl Iterator<Item = &'a Order>) -> Vec<DiscountTotals> {
    let mut rows: std::collections::BTreeMap<(bool, String, String), (u32, Fen)> = Default::default();
    for d in orders.flat_map(|o| &o.discounts) {
        let (promotion, reason) = match &d.source {
            Source::Promotion { name, .. } => (true, name.clone()),
            Source::Line { reason, .. } | Source::Order { reason } => (false, reason.clone()),
        };
        let row = rows.entry((promotion, reason, d.operator.clone())).or_default();
        row.0 += 1;
        row.1 = row.1 + d.amount;
    }
    rows.into_iter()
        .map(|((promotion, reason, operator), (count, amount))| DiscountTotals {
            promotion,
            reason,
            operator,
            count,
            amount,
        })
        .collect()
}

impl Order {
    /// How discount `d` is named on the screen and the receipt: a promotion by its name, the
    /// cashier's discount as `word` (优惠 / Discount), on a line followed by the item's name.
    pub fn discount_label(&self, d: &Discount, word: &str) -> String {
        match &d.source {
            Source::Promotion { name, .. } => name.clone(),
            Source::Line { line, .. } => {
                format!("{word} {}", self.lines.get(*line).map_or("", |l| l.name.as_str()))
            }
            Source::Order { .. } => word.to_string(),
        }
    }

    /// All the order's discounts together.
    pub fn discounted(&self) -> Fen {
        self.discounts.iter().map(|d| d.amount).sum()
    }

    /// What is paid for line `line`: its amount less its share of every discount.
    pub fn line_net(&self, line: usize) -> Fen {
        let Some(l) = self.lines.get(line) else { return Fen::ZERO };
        let off: Fen = self.discounts.iter().flat_map(|d| &d.shares).filter(|(i, _)| *i == line).map(|(_, s)| *s).sum();
        Fen(l.amount().0 - off.0)
    }

    /// What `qty` more units of line `line` bring back when `before` have come back already: the
    /// line's net in proportion, rounded down, except that the last unit brings back what is left,
    /// so all the units together bring back exactly the line's net and never more.
    pub fn net_of_units(&self, line: usize, before: u32, qty: u32) -> Fen {
        let Some(l) = self.lines.get(line).filter(|l| l.qty > 0) else { return Fen::ZERO };
        let (net, all) = (i128::from(self.line_net(line).0), i128::from(l.qty));
        let upto = |n: u32| net * i128::from(n.min(l.qty)) / all;
        Fen(i64::try_from(upto(before.saturating_add(qty)) - upto(before)).unwrap_or(0))
    }

    /// What `returns` are worth as paid: for each line, after the units earlier refunds took back.
    pub fn net_value_of(&self, returns: &[Returned]) -> Fen {
        returns.iter().map(|g| self.net_of_units(g.line, self.returned(g.line), g.qty)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::promo::{Book, When};
    use super::super::{CartLine, Change, Manual, price};
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::order::Line;
    use proptest::prelude::*;

    fn order(lines: &[(i64, u32)], off: Fen) -> Order {
        let mut o = Order::new(1, Millis(0), "01".into());
        let cart: Vec<CartLine> = lines
            .iter()
            .enumerate()
            .map(|(i, &(unit, qty))| {
                o.lines.push(Line { barcode: format!("{i}"), name: "x".into(), unit_price: Fen(unit), qty });
                CartLine { barcode: format!("{i}"), category: String::new(), unit_price: Fen(unit), qty, manual: None }
            })
            .collect();
        let m = Manual { change: Change::AmountOff(off), reason: "regular".into() };
        let priced = price(&Book::default(), When { date: 20261207, weekday: 0, minute: 0 }, &cart, Some(&m)).unwrap();
        o.discounts = discounts(&priced, "01");
        o
    }

    #[test]
    fn the_reports_total_discounts_per_reason_and_operator() {
        let a = order(&[(1_000, 1)], Fen(100));
        let b = order(&[(2_000, 1)], Fen(50));
        let rows = totals([&a, &b].into_iter());
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].reason.as_str(), rows[0].operator.as_str(), rows[0].count, rows[0].amount),
            ("regular", "01", 2, Fen(150))
        );
    }

    #[test]
    fn the_order_total_is_the_net_and_a_line_brings_back_what_was_paid_for_it() {
        // 10.00 off 3 × 10.00 + 1 × 20.00: 6.00 on the first line, 4.00 on the second.
        let o = order(&[(1_000, 3), (2_000, 1)], Fen(1_000));
        assert_eq!(o.total(), Fen(4_000));
        assert_eq!((o.line_net(0), o.line_net(1)), (Fen(2_400), Fen(1_600)));
        assert_eq!(o.discounts[0].operator, "01");
        // One unit of the first line, then the two others: 8.00 and then 16.00, exactly the line's net.
        assert_eq!(o.net_of_units(0, 0, 1), Fen(800));
        assert_eq!(o.net_of_units(0, 1, 2), Fen(1_600));
    }

    proptest! {
        #[test]
        fn units_brought_back_one_return_at_a_time_never_sum_to_more_than_was_paid(
            lines in prop::collection::vec((1i64..5_000, 1u32..6), 1..6), off in 0i64..20_000,
            steps in prop::collection::vec((0usize..6, 1u32..4), 0..12)
        ) {
            let o = order(&lines, Fen(off));
            let mut back = vec![0u32; lines.len()];
            let mut paid_back = 0i64;
            for (line, qty) in steps {
                let line = line % lines.len();
                let qty = qty.min(lines[line].1 - back[line]);
                paid_back += o.net_of_units(line, back[line], qty).0;
                back[line] += qty;
            }
            prop_assert!(paid_back <= o.total().0);
            let all: i64 = (0..lines.len()).map(|i| o.net_of_units(i, 0, lines[i].1).0).sum();
            prop_assert_eq!(all, o.total().0);
        }
    }
}
