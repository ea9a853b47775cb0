//! An order: its lines, its payment attempts and how it was paid. This is the record the store keeps.

use super::clock::Millis;
use super::code::Platform;
use super::failure::{self, Failure};
use super::money::Fen;
use serde::{Deserialize, Serialize};

/// The till's local order id: a sequence that never repeats on this till.
pub type OrderId = u64;

/// Largest quantity on one line: more is a typing slip, not a sale.
pub const MAX_QTY: u32 = 9999;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The product's barcode, or empty for an open-price entry.
    pub barcode: String,
    pub name: String,
    pub unit_price: Fen,
    pub qty: u32,
}

impl Line {
    /// The line's amount; a line too large for it is never taken ([`Order::checked_total`]).
    pub fn amount(&self) -> Fen {
        Fen(self.unit_price.0.saturating_mul(i64::from(self.qty)))
    }

    pub fn checked_amount(&self) -> Option<Fen> {
        self.unit_price.checked_mul(self.qty)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderStatus {
    /// Being rung up or waiting for a tender.
    Open,
    /// A payment attempt is under way or its outcome is not yet known.
    Paying,
    /// Settled by cash or by a confirmed payment.
    Paid,
    /// Abandoned before any money moved.
    Voided,
}

/// How a settled order was paid. One tender keeps its own variant (as before mixed tenders); an
/// order paid in several parts is `Mixed`, its parts in the order they were paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tender {
    Cash { received: Fen, change: Fen },
    Code { platform: Platform, out_trade_no: String, transaction_id: String },
    Mixed { parts: Vec<TenderPart> },
}

/// One part of what paid an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TenderPart {
    /// Cash: `amount` counts towards the order; `received - amount` was given back as change.
    Cash { amount: Fen, received: Fen, change: Fen },
    /// A payment code charged for `amount` under its own number.
    Code { platform: Platform, amount: Fen, out_trade_no: String, transaction_id: String },
    /// Paid from member `member`'s stored value (储值).
    StoredValue { member: String, amount: Fen },
    /// Paid with member `member`'s points (积分抵现): `points` redeemed for `amount`.
    Points { member: String, points: i64, amount: Fen },
}

impl TenderPart {
    pub fn amount(&self) -> Fen {
        match self {
            TenderPart::Cash { amount, .. }
            | TenderPart::Code { amount, .. }
            | TenderPart::StoredValue { amount, .. }
            | TenderPart::Points { amount, .. } => *amount,
        }
    }
}

/// Cash taken towards an order while it is being paid (kept in the order as it is taken, so a
/// restart never forgets cash that is already in the drawer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashPart {
    pub amount: Fen,
    pub received: Fen,
    pub change: Fen,
}

/// Where a payment-code attempt stands. Only `Paid`, `Failed` and `Cancelled` are final.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttemptState {
    /// Written to the store; the request is going out (or went out just before a crash).
    Sending,
    /// The platform says the customer is entering a password.
    UserPaying,
    /// No definite answer: a timeout, an error, a bad signature. Resolved only by querying.
    Unknown {
        #[serde(with = "failure::as_text")]
        reason: Failure,
    },
    Paid {
        transaction_id: String,
    },
    /// Definitely not charged, with the platform's (or the till's) reason.
    Failed {
        #[serde(with = "failure::as_text")]
        reason: Failure,
    },
    /// Given up on (the wallet's deadline passed without a definite answer): being cancelled
    /// (reversed) under its own number until the platform confirms.
    Cancelling {
        #[serde(with = "failure::as_text")]
        reason: Failure,
    },
    /// Cancelled (reversed) at the platform: not charged, or the charge was given back.
    Cancelled,
}

impl AttemptState {
    pub fn is_final(&self) -> bool {
        matches!(self, AttemptState::Paid { .. } | AttemptState::Failed { .. } | AttemptState::Cancelled)
    }
}

/// One try at charging a customer's payment code. Its `out_trade_no` is never reused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub out_trade_no: String,
    pub platform: Platform,
    /// The payment code with its middle hidden; the full code is never stored.
    pub code_masked: String,
    pub amount: Fen,
    pub started_at: Millis,
    pub state: AttemptState,
    /// Queries made so far, for the log and the schedule.
    pub queries: u32,
    /// Cancel requests made so far.
    #[serde(default)]
    pub cancels: u32,
    /// The platform has no cancel interface: the attempt is settled by querying only.
    #[serde(default)]
    pub cancel_unsupported: bool,
    /// A QR the customer scans (主扫) instead of a payment code: its text, expiry and watch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<super::qr::QrPay>,
}

impl Attempt {
    /// A new attempt, being sent now: nothing asked or cancelled yet.
    pub fn sending(out_trade_no: String, platform: Platform, code_masked: String, amount: Fen, at: Millis) -> Attempt {
        Attempt {
            out_trade_no,
            platform,
            code_masked,
            amount,
            started_at: at,
            state: AttemptState::Sending,
            queries: 0,
            cancels: 0,
            cancel_unsupported: false,
            qr: None,
        }
    }
}

/// Where a refund stands. `Refunded` and `Failed` are final; `Accepted` means the platform took it
/// and will decide later (query_refund says which).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundState {
    /// Written to the store; the request is going out (or went out just before a crash).
    Sending,
    Accepted,
    /// No definite answer: resolved by querying the refund.
    Unknown {
        #[serde(with = "failure::as_text")]
        reason: Failure,
    },
    Refunded,
    Failed {
        #[serde(with = "failure::as_text")]
        reason: Failure,
    },
}

impl RefundState {
    pub fn is_final(&self) -> bool {
        matches!(self, RefundState::Refunded | RefundState::Failed { .. })
    }
}

/// One refund of a paid order. Its `out_refund_no` is sent again, never replaced, until the outcome
/// is definite, so the customer is never refunded twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub out_refund_no: String,
    pub amount: Fen,
    /// The order's total at the platform.
    pub total: Fen,
    /// What the platform said was refunded before this one.
    pub refunded_before: Fen,
    pub requested_at: Millis,
    pub operator: String,
    pub state: RefundState,
    pub refund_id: Option<String>,
    pub queries: u32,
    /// The paid order at the platform this refund is of (what its queries quote).
    #[serde(default)]
    pub of: Option<RefundOf>,
    /// Given back in cash from the drawer (the cash part of a mixed order): final when recorded.
    #[serde(default)]
    pub cash: bool,
    /// The goods this refund takes back (none: a refund by amount, a price adjustment). Records
    /// from before goods were returned have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns: Vec<Returned>,
}

impl Refund {
    /// Cash given back from the drawer now: final when recorded (nothing to ask a platform).
    pub fn cash_now(
        out_refund_no: String,
        amount: Fen,
        total: Fen,
        refunded_before: Fen,
        at: Millis,
        operator: String,
    ) -> Refund {
        Refund {
            out_refund_no,
            amount,
            total,
            refunded_before,
            requested_at: at,
            operator,
            state: RefundState::Refunded,
            refund_id: None,
            queries: 0,
            of: None,
            cash: true,
            returns: Vec::new(),
        }
    }
}

/// Goods coming back with a refund: `qty` of the order's line number `line` (its barcode kept
/// for the stock count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    pub line: usize,
    pub barcode: String,
    pub qty: u32,
}

/// The platform's order a refund belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundOf {
    pub platform: Platform,
    pub out_trade_no: String,
    pub transaction_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub opened_at: Millis,
    pub operator: String,
    pub lines: Vec<Line>,
    pub status: OrderStatus,
    pub attempts: Vec<Attempt>,
    pub tender: Option<Tender>,
    /// The number printed as the receipt's barcode: the paid attempt's out_trade_no, or a cash number.
    pub number: Option<String>,
    pub closed_at: Option<Millis>,
    /// Refunds of this (paid) order, oldest first.
    #[serde(default)]
    pub refunds: Vec<Refund>,
    /// The till knows this order only from the platform (paid at another till): no lines.
    #[serde(default)]
    pub imported: bool,
    /// Cash parts taken so far (a mixed tender), saved as each is taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cash: Vec<CashPart>,
    /// Attempts' numbers the platform answered were taken by another order (an earlier sale under
    /// the same number): never cancelled under, and a "paid" under them is checked for its time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taken: Vec<String>,
    /// A held sale (挂单): its number, and whether a supervisor discarded it (see `core::held`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<super::held::Hold>,
    /// The promotions and discounts the order was given, each with each line's share
    /// (`core::pricing::record`); [`Order::total`] is what is left to pay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<super::pricing::record::Discount>,
    /// A return without a receipt (无小票退货): no sale, its lines came back (see `core::no_receipt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_receipt: Option<super::no_receipt::NoReceipt>,
    /// Rung up in training mode (培训模式): never saved, counted or sent (see `core::training`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub training: bool,
    /// An exchange (换货): the goods coming back, credited against this order's goods (see
    /// `core::exchange`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<super::exchange::Exchange>,
    /// The member (会员) attached to the sale, phone masked (see `core::members`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<super::members::MemberTag>,
    /// Goods of this order that came back in receipted exchanges (see `core::exchange_receipted`):
    /// they may not come back again, and what they were credited is no longer refundable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchanged: Vec<super::exchange_receipted::ExchangedOut>,
    /// Parts paid from the member's stored value (储值), as they were taken (see `core::stored_value`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stored_value: Vec<super::stored_value::Spent>,
    /// Stored value given back by refunds of this sale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_back: Vec<super::stored_value::GivenBack>,
    /// A top-up of a member's stored value: this order sells no goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_up: Option<super::stored_value::TopUp>,
    /// Parts paid with the member's points (积分抵现), as they were taken (see `core::points_tender`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points_used: Vec<super::points_tender::PointsUsed>,
    /// Redeemed points given back to the member by refunds of this sale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points_back: Vec<super::points_tender::PointsBack>,
    /// A copy of another till's order, looked up through the office (see `core::foreign`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign: Option<super::foreign::ForeignOf>,
}

impl Order {
    pub fn new(id: OrderId, opened_at: Millis, operator: String) -> Order {
        Order {
            id,
            opened_at,
            operator,
            lines: Vec::new(),
            status: OrderStatus::Open,
            attempts: Vec::new(),
            tender: None,
            number: None,
            closed_at: None,
            refunds: Vec::new(),
            imported: false,
            cash: Vec::new(),
            taken: Vec::new(),
            hold: None,
            discounts: Vec::new(),
            no_receipt: None,
            training: false,
            exchange: None,
            member: None,
            exchanged: Vec::new(),
            stored_value: Vec::new(),
            value_back: Vec::new(),
            top_up: None,
            points_used: Vec::new(),
            points_back: Vec::new(),
            foreign: None,
        }
    }

    /// What the customer pays: the lines less their discounts, less an exchange's credit.
    pub fn total(&self) -> Fen {
        Fen(self.goods_total().0 - self.exchange_credit_used().0)
    }

    /// The total, if it can be computed and is within [`MAX_TOTAL`](super::money::MAX_TOTAL):
    /// what decides whether a line or a quantity is taken.
    pub fn checked_total(&self) -> Option<Fen> {
        let total = self.lines.iter().try_fold(Fen::ZERO, |sum, l| sum.checked_add(l.checked_amount()?))?;
        (total <= super::money::MAX_TOTAL).then_some(total)
    }

    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.qty).sum()
    }

    /// The attempt whose outcome is still open, if any. There is at most one: a new attempt is
    /// refused while an earlier one may still charge the customer.
    pub fn open_attempt(&self) -> Option<&Attempt> {
        self.attempts.iter().find(|a| !a.state.is_final())
    }

    pub fn attempt_mut(&mut self, out_trade_no: &str) -> Option<&mut Attempt> {
        self.attempts.iter_mut().find(|a| a.out_trade_no == out_trade_no)
    }

    /// Settled and with no refund in doubt: nothing left for the till to follow up.
    pub fn is_settled(&self) -> bool {
        matches!(self.status, OrderStatus::Paid | OrderStatus::Voided) && !self.has_open_work()
    }

    /// A closed or expired QR still watched for a late payment (`qr::LATE_PAY_MARGIN_SECS`).
    pub fn watched_qr(&self) -> Option<&Attempt> {
        self.attempts.iter().find(|a| a.state.is_final() && a.qr.as_ref().is_some_and(|q| q.watching))
    }

    /// The refund whose outcome is still open, if any (at most one: a new refund of the order is
    /// refused while one is in doubt).
    pub fn open_refund(&self) -> Option<&Refund> {
        self.refunds.iter().find(|r| !r.state.is_final())
    }

    pub fn refund_mut(&mut self, out_refund_no: &str) -> Option<&mut Refund> {
        self.refunds.iter_mut().find(|r| r.out_refund_no == out_refund_no)
    }

    /// Refunds the till made that succeeded, or may still succeed.
    pub fn refunds_not_failed(&self) -> Fen {
        self.refunds.iter().filter(|r| !matches!(r.state, RefundState::Failed { .. })).map(|r| r.amount).sum()
    }

    /// How many of line `line` refunds that have not failed, and receipted exchanges, take back.
    pub fn returned(&self, line: usize) -> u32 {
        let refunded =
            self.refunds.iter().filter(|r| !matches!(r.state, RefundState::Failed { .. })).flat_map(|r| &r.returns);
        let exchanged = self.exchanged.iter().flat_map(|x| &x.returns);
        refunded.chain(exchanged).filter(|g| g.line == line).map(|g| g.qty).sum()
    }

    /// How many of line `line` may still come back: sold less what refunds already take back.
    pub fn returnable(&self, line: usize) -> u32 {
        self.lines.get(line).map_or(0, |l| l.qty.saturating_sub(self.returned(line)))
    }

    /// The parts paid so far (confirmed code payments and cash), in the order they were taken; for
    /// a settled order, its tender's parts.
    pub fn tender_parts(&self) -> Vec<TenderPart> {
        match &self.tender {
            Some(Tender::Mixed { parts }) => return parts.clone(),
            Some(Tender::Cash { received, change }) => {
                return vec![TenderPart::Cash { amount: *received - *change, received: *received, change: *change }];
            }
            Some(Tender::Code { platform, out_trade_no, transaction_id }) => {
                let amount =
                    self.attempts.iter().find(|a| &a.out_trade_no == out_trade_no).map_or(self.total(), |a| a.amount);
                return vec![TenderPart::Code {
                    platform: *platform,
                    amount,
                    out_trade_no: out_trade_no.clone(),
                    transaction_id: transaction_id.clone(),
                }];
            }
            None => {}
        }
        // Code parts first, then cash (the receipt's order; the amounts are what count).
        let codes = self.attempts.iter().filter_map(|a| match &a.state {
            AttemptState::Paid { transaction_id } => Some(TenderPart::Code {
                platform: a.platform,
                amount: a.amount,
                out_trade_no: a.out_trade_no.clone(),
                transaction_id: transaction_id.clone(),
            }),
            _ => None,
        });
        let cash =
            self.cash.iter().map(|c| TenderPart::Cash { amount: c.amount, received: c.received, change: c.change });
        let value =
            self.stored_value.iter().map(|s| TenderPart::StoredValue { member: s.member.clone(), amount: s.amount });
        let points = self.points_used.iter().map(|p| TenderPart::Points {
            member: p.member.clone(),
            points: p.points,
            amount: p.amount,
        });
        codes.chain(value).chain(points).chain(cash).collect()
    }

    /// What the parts paid so far cover.
    pub fn paid_so_far(&self) -> Fen {
        self.tender_parts().iter().map(TenderPart::amount).sum()
    }

    /// What is still to pay (never below zero).
    pub fn remaining(&self) -> Fen {
        (self.total() - self.paid_so_far()).max(Fen::ZERO)
    }

    /// Some part is paid: the cart may no longer change and the order may not be abandoned.
    pub fn has_paid_parts(&self) -> bool {
        self.status != OrderStatus::Paid && self.paid_so_far() > Fen::ZERO
    }

    /// Whether the till has follow-up work on this order: a payment or a refund in doubt.
    pub fn has_open_work(&self) -> bool {
        self.open_attempt().is_some() || self.open_refund().is_some() || self.watched_qr().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_is_the_sum_of_lines_in_fen() {
        let mut o = Order::new(1, Millis(0), "01".into());
        o.lines.push(Line { barcode: "1".into(), name: "a".into(), unit_price: Fen(350), qty: 3 });
        o.lines.push(Line { barcode: "2".into(), name: "b".into(), unit_price: Fen(1), qty: 1 });
        assert_eq!(o.total(), Fen(1051));
        assert_eq!(o.item_count(), 4);
    }

    #[test]
    fn a_refund_stored_before_goods_were_returned_still_loads() {
        // A record as the till wrote it before `returns` (and before `of` and `cash`).
        let old = r#"{"out_refund_no":"R1","amount":250,"total":1000,"refunded_before":0,
            "requested_at":1763771400000,"operator":"01","state":"Refunded","refund_id":"w1","queries":2}"#;
        let r: Refund = serde_json::from_str(old).expect("an old refund loads");
        assert!(r.returns.is_empty(), "a refund by amount: no goods");
        assert_eq!((r.amount, &r.state), (Fen(250), &RefundState::Refunded));
        // Without goods it is written as before, so older tills and the back office read it.
        assert!(!serde_json::to_string(&r).expect("json").contains("returns"));
        let with = Refund { returns: vec![Returned { line: 0, barcode: "1".into(), qty: 2 }], ..r };
        let back: Refund = serde_json::from_str(&serde_json::to_string(&with).expect("json")).expect("loads");
        assert_eq!(back, with);
    }

    #[test]
    fn what_may_come_back_is_sold_less_what_refunds_not_failed_take() {
        let mut o = Order::new(1, Millis(0), "01".into());
        o.lines.push(Line { barcode: "1".into(), name: "a".into(), unit_price: Fen(350), qty: 3 });
        let r = |no: &str, state, qty| Refund {
            out_refund_no: no.into(),
            amount: Fen(350),
            total: Fen(1050),
            refunded_before: Fen::ZERO,
            requested_at: Millis(0),
            operator: "01".into(),
            state,
            refund_id: None,
            queries: 0,
            of: None,
            cash: false,
            returns: vec![Returned { line: 0, barcode: "1".into(), qty }],
        };
        o.refunds.push(r("R1", RefundState::Refunded, 1));
        o.refunds.push(r("R2", RefundState::Failed { reason: "x".into() }, 2));
        o.refunds.push(r("R3", RefundState::Accepted, 1));
        assert_eq!((o.returned(0), o.returnable(0), o.returnable(5)), (2, 1, 0));
    }
}
