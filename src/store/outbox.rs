//! The outbox: records that must reach the back office, written in the same transaction as the
//! order that made them final, so a pulled plug can never leave a sale without its record.
//!
//! What is queued: every paid order the till took (cash or code; not one imported from the
//! platform, which the till that took it reports), and every refund once its outcome is final
//! (refunded or failed). A voided order is not queued: no money moved, or the platform reversed it.
//! A payment attempt with no definite answer (in doubt) is queued when it first is, and its
//! resolution when it has one, so the owner sees payments in doubt on any till (a view only).

use crate::core::clock::Millis;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::core::order::{Attempt, AttemptState, Order, OrderStatus, Refund};
use serde::{Deserialize, Serialize};

/// What a record is of: order, refund or Z report ([`till_proto::RecordKind`], shared with till-office).
pub use till_proto::RecordKind as OutboxKind;

/// Where a record stands. Delivered records leave the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Not yet accepted by the back office (never sent, or only met network errors so far).
    #[default]
    Pending,
    /// The back office refused it (a 4xx other than 409): kept, shown, retried slowly.
    Failed,
}

/// One record for the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRecord {
    /// The till's outbox sequence: 1, 2, 3, … with no gaps, in the order records became final.
    pub seq: u64,
    /// The idempotency key: `order:<number>` or `refund:<out_refund_no>`.
    pub key: String,
    pub kind: OutboxKind,
    /// The order's number (for a refund: the number of the order refunded); records of one order
    /// are delivered in sequence order.
    pub order_number: String,
    /// The exact JSON sent (and signed), amounts in integer fen.
    pub body: String,
    pub created_at: Millis,
    #[serde(default)]
    pub state: OutboxState,
    /// Times the back office refused it.
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub last_error: Option<String>,
}

/// What an order being saved puts in the outbox, before dedup: (key, kind, order number, the
/// body without its `seq`).
pub(super) struct Entry<'a> {
    pub key: String,
    pub kind: OutboxKind,
    pub order_number: String,
    pub content: Content<'a>,
    /// Queued only once this key was: a resolution only of an attempt that was in doubt.
    pub requires: Option<String>,
}

pub(super) enum Content<'a> {
    Order(&'a Order),
    Refund(&'a Order, &'a Refund),
    Doubt(&'a Order, &'a Attempt),
}

#[derive(Serialize)]
struct DoubtBody<'a> {
    kind: OutboxKind,
    key: &'a str,
    seq: u64,
    order_number: &'a str,
    /// When the record was queued (the till's clock).
    at: Millis,
    attempt: DoubtAttempt<'a>,
}

/// What the back office is told of an attempt: never its payment code, masked or not.
#[derive(Serialize)]
struct DoubtAttempt<'a> {
    out_trade_no: &'a str,
    platform: Platform,
    amount: Fen,
    started_at: Millis,
    state: &'a AttemptState,
}

/// No definite answer yet: only querying (or cancelling) will tell whether the customer paid.
fn in_doubt(state: &AttemptState) -> bool {
    matches!(state, AttemptState::Unknown { .. } | AttemptState::Cancelling { .. })
}

#[derive(Serialize)]
struct OrderBody<'a> {
    kind: OutboxKind,
    key: &'a str,
    seq: u64,
    order: &'a Order,
}

#[derive(Serialize)]
struct RefundBody<'a> {
    kind: OutboxKind,
    key: &'a str,
    seq: u64,
    order_number: &'a str,
    order_id: u64,
    refund: &'a Refund,
    #[serde(skip_serializing_if = "Option::is_none")]
    no_receipt: Option<&'a crate::core::no_receipt::NoReceipt>,
    /// Another till's order (looked up through the office): that till's device id.
    #[serde(skip_serializing_if = "Option::is_none")]
    of_device: Option<&'a str>,
}

impl Entry<'_> {
    /// The body under `seq`, queued at `at`.
    pub fn body(&self, seq: u64, at: Millis) -> Result<String, serde_json::Error> {
        match self.content {
            Content::Doubt(order, a) => serde_json::to_string(&DoubtBody {
                kind: self.kind,
                key: &self.key,
                seq,
                order_number: order.number.as_deref().unwrap_or(&a.out_trade_no),
                at,
                attempt: DoubtAttempt {
                    out_trade_no: &a.out_trade_no,
                    platform: a.platform,
                    amount: a.amount,
                    started_at: a.started_at,
                    state: &a.state,
                },
            }),
            Content::Order(order) => serde_json::to_string(&OrderBody { kind: self.kind, key: &self.key, seq, order }),
            Content::Refund(order, refund) => serde_json::to_string(&RefundBody {
                kind: self.kind,
                key: &self.key,
                seq,
                order_number: &self.order_number,
                order_id: order.id,
                refund,
                no_receipt: order.no_receipt.as_ref(),
                of_device: order.foreign.as_ref().map(|f| f.device_id.as_str()),
            }),
        }
    }
}

/// The records this version of the order makes final, the order's own first.
pub(super) fn entries(order: &Order) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    // A return without a receipt sold nothing: the back office gets its cash refund only (its
    // goods in the refund's `returns`), never a sale whose payments are not its total.
    if let Some(number) = order.number.clone()
        && order.status == OrderStatus::Paid
        && !order.imported
        && order.no_receipt.is_none()
    {
        out.push(Entry {
            key: format!("order:{number}"),
            kind: OutboxKind::Order,
            order_number: number,
            content: Content::Order(order),
            requires: None,
        });
    }
    // Every refund, also of an order without a number of its own (one the till had voided before
    // the platform turned out to have charged it): under the platform order the refund names.
    for refund in order.refunds.iter().filter(|r| r.state.is_final()) {
        let Some(number) = order.number.clone().or_else(|| refund.of.as_ref().map(|o| o.out_trade_no.clone())) else {
            continue;
        };
        out.push(Entry {
            key: format!("refund:{}", refund.out_refund_no),
            kind: OutboxKind::Refund,
            order_number: number,
            content: Content::Refund(order, refund),
            requires: None,
        });
    }
    // Payments in doubt, each under its own subject: one never waits behind the order's records
    // (nor they behind it, at a back office too old to take them), its resolution behind it.
    for a in &order.attempts {
        let doubt = format!("doubt:{}", a.out_trade_no);
        let (key, requires) = if in_doubt(&a.state) {
            (doubt.clone(), None)
        } else if a.state.is_final() {
            (format!("doubt-resolved:{}", a.out_trade_no), Some(doubt.clone()))
        } else {
            continue;
        };
        out.push(Entry {
            key,
            kind: OutboxKind::Doubt,
            order_number: doubt,
            content: Content::Doubt(order, a),
            requires,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::money::Fen;
    use crate::core::no_receipt::{NoReceipt, ReturnReason};
    use crate::core::order::{Line, Returned};

    #[test]
    fn a_return_without_a_receipt_is_sent_as_its_cash_refund_not_as_a_sale() {
        let mut o = Order::new(9, Millis(0), "02".into());
        o.lines = vec![Line { barcode: "6921168509256".into(), name: "水".into(), unit_price: Fen(200), qty: 2 }];
        o.status = OrderStatus::Paid;
        o.number = Some("N1".into());
        o.closed_at = Some(Millis(0));
        o.no_receipt = Some(NoReceipt { reason: ReturnReason::Faulty, approved_by: "01".into() });
        let refund = Refund::cash_now("N1".into(), Fen(400), Fen(400), Fen::ZERO, Millis(0), "02".into());
        o.refunds
            .push(Refund { returns: vec![Returned { line: 0, barcode: "6921168509256".into(), qty: 2 }], ..refund });
        let keys: Vec<String> = entries(&o).into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["refund:N1"]);
        o.no_receipt = None;
        let keys: Vec<String> = entries(&o).into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["order:N1", "refund:N1"], "a sale is sent as before");
    }

    /// What the back office reads of a record body (`till_proto`'s views).
    fn read(entry: &Entry<'_>) -> till_proto::record::Record {
        let body = entry.body(1, Millis(5)).expect("a body");
        till_proto::read_body(&body, &entry.key).expect("the back office reads it")
    }

    #[test]
    fn the_back_office_reads_a_no_receipt_returns_reason_and_supervisor_and_an_exchanges_credit() {
        let mut o = Order::new(9, Millis(0), "02".into());
        o.lines = vec![Line { barcode: "6921168509256".into(), name: "水".into(), unit_price: Fen(200), qty: 2 }];
        o.status = OrderStatus::Paid;
        o.number = Some("N1".into());
        o.closed_at = Some(Millis(0));
        o.no_receipt = Some(NoReceipt { reason: ReturnReason::Expired, approved_by: "01".into() });
        o.refunds.push(Refund::cash_now("N1".into(), Fen(400), Fen(400), Fen::ZERO, Millis(0), "02".into()));
        let till_proto::record::Record::Refund(r) = read(&entries(&o)[0]) else { unreachable!("a refund") };
        let nr = r.no_receipt.expect("the reason and the supervisor");
        assert_eq!((nr.reason.as_str(), nr.approved_by.as_str()), ("expired", "01"));
        // An exchange: two waters back (4.00) for 4.50 of goods, 0.50 paid in cash: the back
        // office's total is what was paid, and its payments add up to it.
        o.no_receipt = None;
        o.refunds.clear();
        let back = o.lines.clone();
        o.lines = vec![Line { barcode: "1".into(), name: "面".into(), unit_price: Fen(450), qty: 1 }];
        o.exchange = Some(crate::core::exchange::Exchange {
            returned: back,
            credit: Fen(400),
            reason: ReturnReason::WrongItem,
            approved_by: "01".into(),
            from: None,
        });
        o.tender = Some(crate::core::order::Tender::Cash { received: Fen(50), change: Fen::ZERO });
        let till_proto::record::Record::Order(r) = read(&entries(&o)[0]) else { unreachable!("an order") };
        assert_eq!((r.order.total(), o.total()), (Some(50), Fen(50)));
        assert_eq!(r.order.payments().map(|p| p.iter().map(|p| p.amount).sum::<i64>()), Some(50));
        let x = r.order.exchange.expect("the exchange");
        assert_eq!(
            (x.credit, x.reason.as_str(), x.approved_by.as_str(), x.returned.len()),
            (400, "wrong_item", "01", 1)
        );
    }
}
