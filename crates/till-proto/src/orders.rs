//! Order lookup across tills (issue 21): a till asks its back office for an order another till of
//! the same shop recorded, and reserves cash it is about to give back for such an order.
//!
//! `GET /v1/orders?number=N`, signed as a catalogue request is ([`crate::sign`]) with the
//! idempotency key [`lookup_key`]`(N)` and an empty body. 200: [`OrderAnswer`]; 404: no such order
//! in the asking till's shop (the same answer whether the number is another shop's or nobody's).
//!
//! `POST /v1/refund-holds` with a [`HoldRequest`] body, signed under [`hold_key`]`(out_refund_no)`:
//! 201 [`HoldAnswer`] with `granted` true (the amount is the till's to give until its refund record
//! arrives), or 409 with `granted` false and what may still be refunded. Asking again under the same
//! `out_refund_no` answers as the first time did.

use serde::{Deserialize, Serialize};

pub const ORDERS_PATH: &str = "/v1/orders";
pub const HOLDS_PATH: &str = "/v1/refund-holds";

/// The idempotency key an order lookup is signed with.
pub fn lookup_key(number: &str) -> String {
    format!("order-lookup:{number}")
}

/// The idempotency key a refund hold is signed with.
pub fn hold_key(out_refund_no: &str) -> String {
    format!("refund-hold:{out_refund_no}")
}

/// An order as the till that took it recorded it, and the refunds any till made of it since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderAnswer {
    /// The till that took the order, and its name on the office's devices page.
    pub device_id: String,
    pub till_name: String,
    /// The order as that till sent it (its record's `order`).
    pub order: serde_json::Value,
    /// What was paid for it in money (its payments; stored value is not the office's to give).
    pub paid: i64,
    /// Refunds of it that gave money back, by any till, and cash held for refunds under way.
    pub refunds: Vec<RefundSeen>,
}

impl OrderAnswer {
    /// Given back, or held to be given back, by tills other than the one asking.
    pub fn by_others(&self) -> i64 {
        self.refunds.iter().filter(|r| !r.this_till).fold(0i64, |sum, r| sum.saturating_add(r.amount))
    }

    /// Given back (or held) in cash, by tills other than the one asking.
    pub fn cash_by_others(&self) -> i64 {
        self.refunds.iter().filter(|r| !r.this_till && r.cash).fold(0i64, |sum, r| sum.saturating_add(r.amount))
    }
}

/// One refund of the order, as the office knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundSeen {
    pub out_refund_no: String,
    pub amount: i64,
    pub cash: bool,
    /// Made (or held) by the till that asks.
    pub this_till: bool,
    /// A hold: cash reserved, its refund record not in yet.
    #[serde(default)]
    pub held: bool,
}

/// Cash a till is about to give back for another till's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldRequest {
    /// The till that took the order, and the order's number.
    pub device_id: String,
    pub number: String,
    /// The refund's own number (the asking till's).
    pub out_refund_no: String,
    pub amount: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldAnswer {
    pub granted: bool,
    /// What may still be refunded of the order after this answer.
    pub refundable: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn others_refunds_count_and_the_tills_own_do_not() {
        let seen =
            |amount, cash, this_till| RefundSeen { out_refund_no: "R".into(), amount, cash, this_till, held: false };
        let answer = OrderAnswer {
            device_id: "till-1".into(),
            till_name: "1号机".into(),
            order: serde_json::Value::Null,
            paid: 1000,
            refunds: vec![seen(100, false, false), seen(200, true, false), seen(400, true, true)],
        };
        assert_eq!((answer.by_others(), answer.cash_by_others()), (300, 200));
        assert_eq!(lookup_key("N1"), "order-lookup:N1");
        assert_eq!(hold_key("R1"), "refund-hold:R1");
    }
}
