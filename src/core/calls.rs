//! What the core asks of a payment platform, and what the answers mean for the money.
//!
//! Both platforms (Cloud Pay, 微收银) map their protocol onto these types in `payments`; the core never
//! sees a status code. Every answer that cannot be trusted is `Unknown`, which only a later query or
//! cancel can settle.

use super::clock::Millis;
use super::code::Platform;
use super::failure::Failure;
use super::money::Fen;
use super::order::OrderId;
use serde::{Deserialize, Serialize};

/// Charge a customer's payment code once, under a number never used before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayCall {
    pub order_id: OrderId,
    pub out_trade_no: String,
    pub platform: Platform,
    /// The customer's payment code: only ever in memory, on its way to the platform.
    pub code: String,
    pub amount: Fen,
    pub body: String,
    /// Product barcodes of the order, one per unit (微收银 lists them in `infoaddo`).
    #[serde(default)]
    pub items: Vec<String>,
    /// The platform's staff / operator id of the operator signed in (their number, or the staff
    /// id set for them on the till); `None`: the platform configuration's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<String>,
}

/// Why a payment is being queried: 微收银 has a separate interface for each case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum QueryAfter {
    /// The platform said the customer is entering a password (微收银 status −1).
    UserPaying,
    /// No answer, or none that could be trusted (微收银 "timeout-order query").
    #[default]
    Unknown,
    /// The platform answered the payment that its number is taken by another order (Cloud Pay 407,
    /// 微收银 `err="duplicate"`): a "paid" under it counts only if the platform created that order
    /// after this attempt began (see [`QueryCall::predates_attempt`]). Kept on the order, so it
    /// holds after a restart too (微收银: a "timeout-order query").
    NumberTaken,
    /// A QR the customer scans (Cloud Pay `trade_type` 2): "not found" means not scanned yet.
    Qr,
}

/// How the text kept for [`Failure::NumberTaken`] begins (see [`Verdict::number_taken`]).
pub const NUMBER_TAKEN: &str = "order number already used";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryCall {
    pub order_id: OrderId,
    pub out_trade_no: String,
    pub platform: Platform,
    pub amount: Fen,
    #[serde(default)]
    pub after: QueryAfter,
    /// When the attempt began, by the till's clock (0: unknown, nothing is checked). A "paid" for an
    /// order the platform created before it is another sale's under the same number (a number
    /// issued twice, the platform answering "duplicate"): see [`QueryCall::predates_attempt`].
    #[serde(default)]
    pub started_at: Millis,
}

/// How far the platform's clock may be behind the till's before an order created "earlier" than
/// an attempt is taken as another sale's: the platforms give whole seconds, and clocks drift.
pub const CLOCK_SLACK_SECS: i64 = 30;

impl QueryCall {
    /// Whether the platform created (or, where only that is known, paid) its order under this
    /// number at `platform_time`, before this attempt began: then it is not this attempt's order,
    /// and its "paid" says nothing about this customer.
    pub fn predates_attempt(&self, platform_time: Millis) -> bool {
        self.started_at > Millis(0) && platform_time.plus_secs(CLOCK_SLACK_SECS) < self.started_at
    }

    /// The verdict for a paid order that [predates](Self::predates_attempt) the attempt: the platform
    /// refused this attempt's request (the number was taken), so this customer was not charged under it.
    pub fn earlier_sale(&self) -> Verdict {
        Verdict::Failed { reason: Failure::TakenNotCharged }
    }
}

/// What the platform said about a payment, already mapped from its protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Charged. `transaction_id` is the platform's id of the order: what refunds and lookups quote
    /// (Cloud Pay: the wallet's transaction id; 微收银: the bill id `dm…`).
    Paid { transaction_id: String },
    /// The customer is entering a password (or the platform is still working on it).
    UserPaying,
    /// Definitely not charged.
    Failed { reason: Failure },
    /// The platform has no such order (query only).
    NotFound,
    /// No trustworthy answer: network error, timeout, bad signature, malformed answer.
    Unknown { reason: Failure },
}

impl Verdict {
    /// The platform refused the payment because its number is taken by another order: not a
    /// failure (that order may be paid, and the till cannot tell whose it is without a query).
    pub fn number_taken() -> Verdict {
        Verdict::Unknown { reason: Failure::NumberTaken }
    }

    /// Whether this is the platform's "number taken" answer to a payment.
    pub fn is_number_taken(&self) -> bool {
        matches!(self, Verdict::Unknown { reason: Failure::NumberTaken })
    }
}

/// Cancel (WeChat "reverse", Alipay "cancel") a payment that is unpaid or whose outcome is unknown,
/// so that it can never be charged later. Sent with the attempt's own number, never a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelCall {
    pub order_id: OrderId,
    pub out_trade_no: String,
    pub platform: Platform,
    pub amount: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CancelVerdict {
    /// The order is closed for good; if the customer had paid, the wallet gives the money back.
    Cancelled,
    /// The platform definitely refused (e.g. too early, or the order is paid and may not be
    /// reversed); a query says where the order stands.
    Refused { reason: Failure },
    /// The platform has no cancel interface (微收银): the order is settled by querying only.
    Unsupported,
    /// No trustworthy answer: cancel again.
    Unknown { reason: Failure },
}

/// Ask the platform for a one-off payment QR that the customer scans (Cloud Pay `scan_code_pay`),
/// under a number never used before, payable until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrCall {
    pub order_id: OrderId,
    pub out_trade_no: String,
    pub platform: Platform,
    pub amount: Fen,
    pub body: String,
    /// The last moment the customer may pay, by the till's clock (sent as `time_expire`).
    pub expires_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<String>,
}

/// What the platform said to a QR request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QrVerdict {
    /// The QR to show: the text to encode, verbatim.
    Issued { code_url: String },
    /// Definitely refused: no order, nothing can be paid.
    Failed { reason: Failure },
    /// No trustworthy answer: the order may exist, but its QR was never shown.
    Unknown { reason: Failure },
}

/// Look up an order by the number printed on its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupCall {
    pub out_trade_no: String,
    /// The wallet, when the till knows it (from its own record).
    pub platform: Option<Platform>,
    /// The platform's id of the order, when the till knows it.
    pub transaction_id: Option<String>,
}

/// Where an order stands at the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlatformOrderState {
    /// Paid; refunds may have been made (see `refunded`).
    Paid,
    /// The customer is still paying, or the platform has not decided.
    Paying,
    /// Never charged: failed, closed or cancelled.
    NotPaid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformOrder {
    pub out_trade_no: String,
    pub platform: Platform,
    pub state: PlatformOrderState,
    pub transaction_id: String,
    /// What the customer paid, in fen.
    pub total: Fen,
    /// What has been refunded so far, in fen (0 ≤ refunded ≤ total).
    pub refunded: Fen,
}

impl PlatformOrder {
    /// What can still be refunded.
    pub fn refundable(&self) -> Fen {
        if self.state != PlatformOrderState::Paid {
            return Fen::ZERO;
        }
        (self.total - self.refunded).max(Fen::ZERO)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LookupVerdict {
    Found(PlatformOrder),
    NotFound,
    Unknown { reason: Failure },
}

/// Refund part or all of a paid order. The same `out_refund_no` is sent again (never a new one)
/// until its outcome is definite, so a refund is never made twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundCall {
    pub order_id: OrderId,
    pub out_trade_no: String,
    pub out_refund_no: String,
    pub platform: Platform,
    pub transaction_id: String,
    /// The order's total, in fen.
    pub total: Fen,
    /// This refund, in fen.
    pub amount: Fen,
    /// Refunded before this one, as the lookup found it (微收银 confirms a refund by the bill's
    /// refund total having grown by `amount`).
    pub refunded_before: Fen,
    /// The platform's staff / operator id of the operator signed in (their number, or the staff
    /// id set for them on the till); `None`: the platform configuration's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundVerdict {
    /// The money is on its way back to the customer.
    Refunded { refund_id: String },
    /// The platform took the refund; whether it succeeds is decided later (query_refund).
    Accepted { refund_id: String },
    /// Definitely not refunded, with the platform's reason.
    Failed { reason: Failure },
    /// No such refund at the platform (query only): not made, unless it is still on its way.
    NotFound,
    /// No trustworthy answer: the refund is queried (and the same request may be repeated).
    Unknown { reason: Failure },
}
