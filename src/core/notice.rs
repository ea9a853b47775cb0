//! One-line messages for the cashier. The core says *what* happened; `i18n` says it in the shop's language.

use super::code::Platform;
use super::failure::Failure;
use super::money::Fen;
use super::{Beep, Effect, State};
use serde::{Deserialize, Serialize};

/// Says no: the notice on the cashier's line and the error beep. Every screen refuses this way.
pub(crate) fn refuse(state: &mut State, notice: Notice, fx: &mut Vec<Effect>) {
    state.notice = Some(notice);
    fx.push(Effect::Beep(Beep::Error));
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    Starting,
    Added {
        name: String,
        qty: u32,
    },
    UnknownBarcode {
        code: String,
    },
    BadCheckDigit {
        code: String,
    },
    Garbage,
    NotAnAmount,
    ZeroAmount,
    AmountTooLarge,
    BadQuantity,
    CartEmpty,
    NoLineSelected,
    LineRemoved {
        name: String,
    },
    /// The typed code is not a WeChat/Alipay payment code.
    NotAPaymentCode,
    NotEnoughCash {
        short: Fen,
    },
    /// Why, as a kind (`i18n::failure` words it in both languages; a platform's own words are
    /// `Failure::Declined`). Kept as its text in serde (`failure::as_text`), as before the kinds.
    PaymentDeclined {
        platform: Platform,
        #[serde(with = "super::failure::as_text")]
        reason: Failure,
    },
    Paid {
        platform: Option<Platform>,
        amount: Fen,
    },
    /// A payment is still in doubt: the order cannot be changed or paid another way.
    PaymentInDoubt,
    /// The in-doubt payment goes on being confirmed while a new sale starts.
    Parked {
        number: String,
    },
    BackgroundPaid {
        number: String,
        amount: Fen,
    },
    BackgroundNotPaid {
        number: String,
        amount: Fen,
    },
    /// Order numbers for today are used up (10,000 attempts on this till).
    NumbersExhausted,
    /// The till's clock reads a day earlier than its last order number's (`yymmdd`): it was set
    /// back, or lost its time. Numbers go on from that day's (never issued twice); the date on
    /// receipts and reports is wrong until the clock is set.
    ClockBehind {
        last_day: u32,
    },
    /// Not saved: the kind only (its detail is in the log).
    StoreFailed {
        why: super::SaveFailure,
    },
    /// Not printed (the receipt waits in the queue): the kind only (its detail is in the log).
    PrintFailed {
        why: super::PrintFailure,
    },
    Restored {
        in_doubt: usize,
    },
    /// The wallet's deadline passed without a result: the payment was cancelled (reversed).
    PaymentCancelled {
        platform: Platform,
    },
    /// Lookup is for an empty sale screen.
    FinishSaleFirst,
    /// The lookup screen is waiting for a receipt to be scanned.
    ScanReceipt,
    NotAnOrderNumber,
    OrderNotFound {
        number: String,
    },
    LookupFailed {
        reason: String,
    },
    /// A refund of this order is still being confirmed: no other refund until it is.
    RefundInDoubt,
    NothingToRefund,
    ExceedsRefundable {
        refundable: Fen,
    },
    Refunding {
        amount: Fen,
    },
    /// The platform took the refund; whether it succeeds is still being confirmed.
    RefundAccepted {
        amount: Fen,
    },
    /// A refund is confirmed: to the wallet `platform` (none: cash from the drawer).
    Refunded {
        amount: Fen,
        #[serde(default)]
        platform: Option<Platform>,
    },
    RefundFailed {
        amount: Fen,
        #[serde(with = "super::failure::as_text")]
        reason: Failure,
    },
    /// A configuration code was scanned: the platform is being asked.
    SettingUp,
    SetupDone {
        shop_name: String,
    },
    SetupFailed {
        error: super::SetupFailure,
    },
    /// Set-up only on an empty sale screen.
    SetupNotNow,
    /// A `WIFI:` code is being read (nothing changes before a supervisor confirms).
    ReadingConfigCode,
    /// The confirmation of a configuration code was left with Esc: nothing changed.
    ConfigCancelled,
    /// A set-up for another merchant while `count` payments or refunds are unresolved: refused.
    MerchantChangeUnresolved {
        count: usize,
    },
    Reprinting,
    PrintingTestPage,
    /// The payment platform cannot be reached: cash only until it can.
    Offline,
    /// A payment code scanned while offline: refused at once, nothing sent.
    OfflineTakeCash,
    /// A payment code scanned before the till's clock was checked against the platform's in this
    /// run: charged as soon as it is (moments after a start), nothing sent before.
    CheckingClock,
    BackOnline,
    /// The barcode scanner was unplugged; type codes until it is back.
    ScannerGone,
    /// A weighed product scanned while the scale has no settled weight on it (or does not answer).
    ScaleNotStable,
    JoiningWifi,
    WifiJoined {
        ssid: String,
    },
    /// The till keeps its previous network.
    WifiFailed {
        error: super::WifiFailure,
    },
    /// Wi-Fi codes only on an empty sale screen.
    WifiNotNow,
    /// Only a paid order has a receipt to print again.
    NothingToReprint,
    /// Shifts, reports, journal, summary and export.
    Office(super::office::notice::OfficeNotice),
    /// A part of a mixed tender is paid (`platform` none: cash); `remaining` is still to pay.
    PartPaid {
        platform: Option<Platform>,
        amount: Fen,
        remaining: Fen,
    },
    /// The next payment code will be charged `amount` (a part), not the whole remainder.
    PartAmountSet {
        amount: Fen,
    },
    /// A part larger than what is left to pay.
    PartTooLarge {
        remaining: Fen,
    },
    /// Part of the order is paid or a part is being confirmed: it is finished on this screen.
    FinishPayment,
    /// The order was paid already and the platform says this code payment was charged too: the
    /// customer paid twice and must get `amount` back.
    PaidTwice {
        platform: Platform,
        amount: Fen,
        number: String,
    },
    /// A mixed tender covered the order.
    PaidInParts {
        amount: Fen,
        parts: usize,
    },
    /// An open-price product was scanned: its price is asked for.
    EnterPrice {
        name: String,
    },
    /// The looked-up order (or part of it) was paid in cash: F6 gives it back from the drawer.
    CashToRefund {
        amount: Fen,
    },
    /// Operators, supervisors and the maintenance menu.
    Auth(super::auth::notice::AuthNotice),
    /// More of a line was chosen to come back than the customer still has: `left` may.
    ReturnLimit {
        left: u32,
    },
    /// The QR the customer scans is not offered here (微收银 has none, or the shop turned it off).
    QrNotOffered,
    /// A QR of this sale may still be paid (closed, but watched until it expires): no second QR.
    QrStillPayable {
        number: String,
    },
    /// The till's clock is far off the platform's: no QR (its expiry and watch go by the clock).
    QrClockWrong,
    /// Held sales (挂单 / 取单).
    Held(super::held::HeldNotice),
    /// A discount reason that is not in `[discounts] reasons`.
    UnknownReason {
        code: String,
    },
    /// A discount was given: what the sale comes to now.
    DiscountGiven {
        total: Fen,
    },
    /// Returns without a receipt (无小票退货).
    Return(super::no_receipt::ReturnNotice),
    /// Goods in and stock counts (入库 / 盘点).
    Stock(super::stocktake::StockNotice),
    /// Training mode (培训模式).
    Training(super::training::TrainingNotice),
    /// Exchanges (换货).
    Exchange(super::exchange::ExchangeNotice),
    /// Members (会员).
    Member(super::members::MemberNotice),
    /// Stored value (储值).
    StoredValue(super::stored_value::SvNotice),
    /// Points as a tender (积分抵现).
    Points(super::points_tender::PointsNotice),
    /// Enrolment to the back office from its scanned QR.
    Enrol(super::enrol::EnrolNotice),
    /// Other tills' orders, through the back office (see `core::foreign`).
    Foreign(super::foreign::ForeignNotice),
}

impl Notice {
    /// Errors are shown in red and sound the error beep.
    pub fn is_error(&self) -> bool {
        if let Notice::Office(n) = self {
            return n.is_error();
        }
        if let Notice::Auth(n) = self {
            return n.is_error();
        }
        if let Notice::Held(n) = self {
            return n.is_error();
        }
        if let Notice::Return(n) = self {
            return n.is_error();
        }
        if let Notice::Stock(n) = self {
            return n.is_error();
        }
        if let Notice::Training(n) = self {
            return n.is_error();
        }
        if let Notice::Exchange(n) = self {
            return n.is_error();
        }
        if let Notice::Member(n) = self {
            return n.is_error();
        }
        if let Notice::StoredValue(n) = self {
            return n.is_error();
        }
        if let Notice::Points(n) = self {
            return n.is_error();
        }
        if let Notice::Enrol(n) = self {
            return n.is_error();
        }
        if let Notice::Foreign(n) = self {
            return n.is_error();
        }
        matches!(
            self,
            Notice::UnknownBarcode { .. }
                | Notice::BadCheckDigit { .. }
                | Notice::Garbage
                | Notice::NotAnAmount
                | Notice::ZeroAmount
                | Notice::AmountTooLarge
                | Notice::BadQuantity
                | Notice::CartEmpty
                | Notice::NoLineSelected
                | Notice::NotAPaymentCode
                | Notice::NotEnoughCash { .. }
                | Notice::PaymentDeclined { .. }
                | Notice::PaymentInDoubt
                | Notice::BackgroundNotPaid { .. }
                | Notice::NumbersExhausted
                | Notice::ClockBehind { .. }
                | Notice::StoreFailed { .. }
                | Notice::PrintFailed { .. }
                | Notice::PaymentCancelled { .. }
                | Notice::NotAnOrderNumber
                | Notice::FinishSaleFirst
                | Notice::OrderNotFound { .. }
                | Notice::LookupFailed { .. }
                | Notice::RefundInDoubt
                | Notice::NothingToRefund
                | Notice::ExceedsRefundable { .. }
                | Notice::RefundFailed { .. }
                | Notice::SetupFailed { .. }
                | Notice::SetupNotNow
                | Notice::MerchantChangeUnresolved { .. }
                | Notice::NothingToReprint
                | Notice::WifiFailed { .. }
                | Notice::WifiNotNow
                | Notice::ScannerGone
                | Notice::ScaleNotStable
                | Notice::Offline
                | Notice::OfflineTakeCash
                | Notice::PartTooLarge { .. }
                | Notice::FinishPayment
                | Notice::PaidTwice { .. }
                | Notice::ReturnLimit { .. }
                | Notice::QrNotOffered
                | Notice::QrStillPayable { .. }
                | Notice::QrClockWrong
                | Notice::UnknownReason { .. }
        )
    }
}
