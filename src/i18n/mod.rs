//! Every cashier-facing string, in Simplified Chinese and English.
//!
//! Static labels are [`Text`] values looked up with [`text`]; messages that carry data are built by
//! [`notice`] and [`announcement`]. Each language is one exhaustive `match`, so a label missing from a
//! table is a compile error, not a blank on the screen.

pub mod discount;
mod display;
mod en;
pub mod enrol;
pub mod exchange;
pub mod foreign;
pub mod held;
pub mod help;
pub mod members;
pub mod no_receipt;
mod office;
pub mod points;
pub mod promotions;
pub mod qr;
pub mod reasons;
pub mod staff;
pub mod stocktake;
pub mod stored_value;
pub mod usb;
mod zh;

pub use display::{DisplayWord, ScaleWord, display_word, scale_word};
pub use office::{OfficeText, csv_header, entry_kind_name, entry_state_name, method_name, office_notice, office_text};
pub use reasons::{failure, reason};

use crate::core::Lang;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::core::notice::Notice;

/// A static label. Hints are split in two: the key cap (`Key…`) and what it does (`Hint…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
#[repr(usize)]
pub enum Text {
    // top bar and status line
    Operator,
    Demo,
    Printer,
    InDoubt,
    InDoubtNone,
    // screen titles
    SaleTitle,
    PayTitle,
    DoneTitle,
    // the sale screen
    ColItem,
    ColQty,
    ColPrice,
    ColAmount,
    MiscItem,
    EmptyCart,
    BarcodeInput,
    Total,
    Items,
    // the tender screen
    AmountDue,
    ScanPaymentCode,
    PaymentCodeInput,
    CashReceived,
    CashExact,
    Paying,
    WaitingPassword,
    Confirming,
    CheckAfterTwoMinutes,
    DoNotChargeAgain,
    LastAttemptFailed,
    PayPlatform,
    PaymentCode,
    OrderNo,
    // the done screen
    ChangeDue,
    ReceiptPreview,
    ReceiptPrinting,
    // key caps
    KeyEnter,
    KeyEsc,
    KeyDel,
    KeyPlusMinus,
    KeySetQty,
    KeyUpDown,
    KeyF2,
    KeyCash,
    KeyAny,
    // what the keys do
    HintTotal,
    HintQty,
    HintSetQty,
    HintDelete,
    HintSelect,
    HintCash,
    HintBack,
    HintPark,
    HintConfirmCash,
    HintNextSale,
    // receipts and tenders
    ReceiptTitle,
    ReceiptItem,
    ReceiptQty,
    ReceiptPrice,
    ReceiptAmount,
    ReceiptTotal,
    ReceiptSubtotal,
    ReceiptDiscount,
    ReceiptOrderNo,
    ReceiptTime,
    ReceiptOperator,
    ReceiptPaidBy,
    ReceiptTransactionId,
    ReceiptFooter,
    TenderCash,
    TenderReceived,
    TenderChange,
    Cancelling,
    LookupTitle,
    ScanReceiptBarcode,
    LookupPending,
    StatePaid,
    StatePartiallyRefunded,
    StateFullyRefunded,
    StatePaying,
    StateNotPaid,
    OrderState,
    PaidTotal,
    RefundedTotal,
    Refundable,
    RefundAmount,
    RefundList,
    RefundSending,
    RefundAccepted,
    RefundUnknown,
    RefundDone,
    RefundFailedState,
    OtherTill,
    KeyF3,
    HintLookup,
    HintRefund,
    RefundReceiptTitle,
    ReceiptRefundNo,
    ReceiptRefundAmount,
    KeyF4,
    HintReprint,
    ReceiptsWaiting,
    Scanner,
    ScannerOk,
    ScannerAway,
    /// Status bar: records the back office does not have yet.
    Unsynced,
    /// Status bar: the back office refuses the till's clock (outside its timestamp window).
    ClockOff,
    /// Status bar, quietly: a release from the back office is downloaded and checked, waiting for
    /// a supervisor in the maintenance menu (followed by its version).
    UpgradeWaiting,
    OfflineBadge,
    PriceEntryTitle,
    PriceInput,
    UnknownProduct,
    SupervisorApproves,
    InsecureLink,
    ConfirmWifiTitle,
    ConfirmSetupTitle,
    ConfirmNetwork,
    ConfirmNow,
    ConfirmNew,
    ConfirmMerchant,
    ConfirmShop,
    ConfirmNoneYet,
    ConfirmOtherMerchant,
    ConfirmSameMerchant,
    ConfirmPinNow,
    HintConfirmPin,
    HintCancelConfig,
    Remaining,
    PaidParts,
    NextPart,
    PartHint,
    KeyF11,
    HintLowStock,
    LowStockTitle,
    LowStockEmpty,
    ColStock,
    ColBarcode,
    LowStockThreshold,
    KeyF6,
    HintCashRefund,
    TenderMixed,
    CashToGiveBack,
    HintAddItem,
    // goods coming back with a refund (lookup screen, journal detail)
    ReturnGoods,
    ColReturned,
    ColReturnNow,
    ReturnValue,
}

impl Text {
    /// Every label, in declaration order (strum: none can be left out).
    pub const ALL: &'static [Text] = <Text as strum::VariantArray>::VARIANTS;
}

/// A static label in the shop's language.
pub fn text(lang: Lang, t: Text) -> &'static str {
    match lang {
        Lang::Zh => zh::text(t),
        Lang::En => en::text(t),
    }
}

/// The one-line message for a notice, clear to a cashier.
pub fn notice(lang: Lang, n: &Notice) -> String {
    match lang {
        Lang::Zh => zh::notice(n),
        Lang::En => en::notice(n),
    }
}

/// The wallet's name as customers know it.
/// `251122` as `2025-11-22` (the date part of an order number).
pub fn day_text(yymmdd: u32) -> String {
    format!("20{:02}-{:02}-{:02}", yymmdd / 10_000, yymmdd / 100 % 100, yymmdd % 100)
}

pub fn platform_name(lang: Lang, p: Platform) -> &'static str {
    match (lang, p) {
        (Lang::Zh, Platform::WeChat) => "微信支付",
        (Lang::Zh, Platform::Alipay) => "支付宝",
        (Lang::En, Platform::WeChat) => "WeChat Pay",
        (Lang::En, Platform::Alipay) => "Alipay",
    }
}

/// What is spoken and shown when a sale is paid: the tender and the amount, never a bare "success".
/// `None` is cash.
pub fn announcement(lang: Lang, platform: Option<Platform>, amount: Fen) -> String {
    match (lang, platform) {
        (Lang::Zh, Some(p)) => format!("{}收款成功 {amount}元", platform_name(lang, p)),
        (Lang::Zh, None) => format!("现金收款 {amount}元"),
        (Lang::En, Some(p)) => format!("{} received {amount} yuan", platform_name(lang, p)),
        (Lang::En, None) => format!("Cash received {amount} yuan"),
    }
}

/// A fixed voice prompt.
pub fn speech(lang: Lang, s: crate::core::Speech) -> &'static str {
    use crate::core::Speech;
    match (lang, s) {
        (Lang::Zh, Speech::SetupStarted) => "开始配置设备",
        (Lang::Zh, Speech::SetupDone) => "设备配置成功",
        (Lang::Zh, Speech::SetupFailed) => "设备配置失败",
        (Lang::En, Speech::SetupStarted) => "Device set-up started",
        (Lang::En, Speech::SetupDone) => "Device set-up complete",
        (Lang::En, Speech::SetupFailed) => "Device set-up failed",
    }
}

/// What is spoken and shown once a refund is confirmed: the wallet it went back to and the amount,
/// never a bare "success". `None` is cash from the drawer.
pub fn refund_announcement(lang: Lang, platform: Option<Platform>, amount: Fen) -> String {
    match (lang, platform) {
        (Lang::Zh, Some(p)) => format!("{}退款成功 {amount}元", platform_name(lang, p)),
        (Lang::Zh, None) => format!("现金退款 {amount}元"),
        (Lang::En, Some(p)) => format!("Refunded {amount} yuan ({})", platform_name(lang, p)),
        (Lang::En, None) => format!("Refunded {amount} yuan (cash)"),
    }
}

/// A line's name on screen: open-price entries have none and show the misc-item label.
pub fn line_name(lang: Lang, name: &str) -> &str {
    if name.is_empty() { text(lang, Text::MiscItem) } else { name }
}

#[cfg(test)]
mod tests;
