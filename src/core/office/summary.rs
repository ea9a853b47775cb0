//! The summary (seed 003 §3.2.2): a day or a range of days, sales by hour of the day, and what each
//! payment method took.

use super::day::Day;
use super::report::{self, MethodTotals, Period, Totals, tender_parts};
use crate::core::money::Fen;
use crate::core::order::{Order, OrderStatus};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub from: Day,
    /// The last day, included.
    pub to: Day,
    /// Sales (before refunds) by local hour 0–23, summed over the days.
    pub by_hour: Vec<Fen>,
    pub methods: Vec<MethodTotals>,
    pub total: Totals,
}

/// The period of the days `from..=to` at the shop.
pub fn period(from: Day, to: Day, utc_offset_minutes: i32) -> Period {
    Period { from: Some(from.start(utc_offset_minutes)), to: to.end(utc_offset_minutes) }
}

pub fn compute(orders: &[Order], from: Day, to: Day, utc_offset_minutes: i32) -> Summary {
    let period = period(from, to, utc_offset_minutes);
    let report = report::compute(orders, period, &[]);
    let mut by_hour = vec![Fen::ZERO; 24];
    for o in orders.iter().filter(|o| o.status == OrderStatus::Paid && !o.imported) {
        let Some(at) = o.closed_at.filter(|at| period.contains(*at)) else { continue };
        let hour = at.local(utc_offset_minutes).hour as usize;
        let sold: Fen = tender_parts(o).into_iter().map(|(_, f)| f).sum();
        if let Some(slot) = by_hour.get_mut(hour) {
            *slot = *slot + sold;
        }
    }
    Summary { from, to, by_hour, methods: report.methods, total: report.total }
}
