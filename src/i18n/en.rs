//! English.

use super::{Text, announcement, day_text, line_name, platform_name};
use crate::core::Lang;
use crate::core::notice::Notice;

pub(super) fn text(t: Text) -> &'static str {
    match t {
        Text::Operator => "Operator",
        Text::Demo => "DEMO",
        Text::Printer => "Printer",
        Text::InDoubt => "Payments in doubt",
        Text::InDoubtNone => "No payment in doubt",
        Text::SaleTitle => "Sale",
        Text::PayTitle => "Payment",
        Text::DoneTitle => "Paid",
        Text::ColItem => "Item",
        Text::ColQty => "Qty",
        Text::ColPrice => "Price",
        Text::ColAmount => "Amount",
        Text::MiscItem => "Misc item",
        Text::EmptyCart => "Scan an item to start a sale",
        Text::BarcodeInput => "Code",
        Text::Total => "TOTAL",
        Text::Items => "Items",
        Text::AmountDue => "Amount due",
        Text::ScanPaymentCode => "Scan the customer's payment code",
        Text::PaymentCodeInput => "Pay code",
        Text::CashReceived => "Cash received",
        Text::CashExact => "Enter alone = exact amount",
        Text::Paying => "Paying…",
        Text::WaitingPassword => "Waiting for the customer's password",
        Text::Confirming => "Confirming the payment result…",
        Text::CheckAfterTwoMinutes => "Confirm the result by order query or in the merchant mobile app",
        Text::DoNotChargeAgain => "The customer may have paid: do not charge again",
        Text::LastAttemptFailed => "Last payment failed",
        Text::PayPlatform => "Wallet",
        Text::PaymentCode => "Code",
        Text::OrderNo => "Order no.",
        Text::ChangeDue => "Change due",
        Text::ReceiptPreview => "Receipt",
        Text::ReceiptPrinting => "Printing the receipt…",
        Text::KeyEnter => "Enter",
        Text::KeyEsc => "Esc",
        Text::KeyDel => "Del",
        Text::KeyPlusMinus => "+/-",
        Text::KeySetQty => "N*",
        Text::KeyUpDown => "↑↓",
        Text::KeyF2 => "F2",
        Text::KeyCash => "c/F2",
        Text::KeyAny => "Any key",
        Text::HintTotal => "Total",
        Text::HintQty => "Qty",
        Text::HintSetQty => "Set qty",
        Text::HintDelete => "Remove",
        Text::HintSelect => "Select",
        Text::HintCash => "Cash",
        Text::HintBack => "Back",
        Text::HintPark => "Park, confirm in background",
        Text::HintConfirmCash => "Take cash",
        Text::HintNextSale => "Next sale",
        Text::ReceiptTitle => "SALES RECEIPT",
        Text::ReceiptItem => "Item",
        Text::ReceiptQty => "Qty",
        Text::ReceiptPrice => "Price",
        Text::ReceiptAmount => "Amount",
        Text::ReceiptTotal => "Total",
        Text::ReceiptSubtotal => "Subtotal",
        Text::ReceiptDiscount => "Discount",
        Text::ReceiptOrderNo => "Order no.",
        Text::ReceiptTime => "Time",
        Text::ReceiptOperator => "Operator",
        Text::ReceiptPaidBy => "Paid by",
        Text::ReceiptTransactionId => "Transaction",
        Text::ReceiptFooter => "Thank you",
        Text::TenderCash => "Cash",
        Text::TenderReceived => "Received",
        Text::TenderChange => "Change",
        Text::Cancelling => "Cancelling the payment…",
        Text::LookupTitle => "Order lookup / refund",
        Text::ScanReceiptBarcode => "Scan the order barcode on the receipt",
        Text::LookupPending => "Looking up the order…",
        Text::StatePaid => "Paid",
        Text::StatePartiallyRefunded => "Partially refunded",
        Text::StateFullyRefunded => "Fully refunded",
        Text::StatePaying => "Being paid",
        Text::StateNotPaid => "Not paid",
        Text::OrderState => "Order state",
        Text::PaidTotal => "Paid",
        Text::RefundedTotal => "Refunded",
        Text::Refundable => "Refundable",
        Text::RefundAmount => "Refund amount",
        Text::RefundList => "Refunds",
        Text::RefundSending => "sending",
        Text::RefundAccepted => "accepted, confirming",
        Text::RefundUnknown => "confirming",
        Text::RefundDone => "refunded",
        Text::RefundFailedState => "failed",
        Text::OtherTill => "Order from another till",
        Text::KeyF3 => "F3",
        Text::HintLookup => "Lookup/refund",
        Text::HintRefund => "Refund",
        Text::RefundReceiptTitle => "REFUND",
        Text::ReceiptRefundNo => "Refund no.",
        Text::ReceiptRefundAmount => "Refunded",
        Text::KeyF4 => "F4",
        Text::HintReprint => "Reprint",
        Text::ReceiptsWaiting => "receipts waiting",
        Text::Scanner => "Scanner",
        Text::ScannerOk => "connected",
        Text::ScannerAway => "not connected",
        Text::Unsynced => "Unsynced",
        Text::UpgradeWaiting => "Upgrade waiting (maintenance):",
        Text::ClockOff => "Clock wrong: set the time",
        Text::OfflineBadge => "OFFLINE · cash only",
        Text::PriceEntryTitle => "Enter price",
        Text::PriceInput => "Price",
        Text::UnknownProduct => "Unknown product",
        Text::SupervisorApproves => "A supervisor approves this price",
        Text::InsecureLink => "Insecure platform link",
        Text::ConfirmWifiTitle => "Join a Wi-Fi network?",
        Text::ConfirmSetupTitle => "Change the payment account?",
        Text::ConfirmNetwork => "Network (SSID)",
        Text::ConfirmNow => "Now",
        Text::ConfirmNew => "After set-up",
        Text::ConfirmMerchant => "Merchant no.",
        Text::ConfirmShop => "Shop",
        Text::ConfirmNoneYet => "(not set up)",
        Text::ConfirmOtherMerchant => "Payments will go to ANOTHER merchant's account",
        Text::ConfirmSameMerchant => "Same merchant: the settings are renewed",
        Text::ConfirmPinNow => "A supervisor's PIN is needed now, even when signed in",
        Text::HintConfirmPin => "supervisor PIN",
        Text::HintCancelConfig => "cancel, change nothing",
        Text::Remaining => "Still to pay",
        Text::PaidParts => "Paid so far",
        Text::NextPart => "Next code payment",
        Text::PartHint => "Type an amount + Enter to pay only part by code",
        Text::KeyF11 => "F11",
        Text::HintLowStock => "Low stock",
        Text::LowStockTitle => "Low stock",
        Text::LowStockEmpty => "No product is low on stock",
        Text::ColStock => "Stock",
        Text::ColBarcode => "Barcode",
        Text::LowStockThreshold => "At or below",
        Text::KeyF6 => "F6",
        Text::HintCashRefund => "Refund cash",
        Text::TenderMixed => "Paid in parts",
        Text::CashToGiveBack => "Cash to give back",
        Text::HintAddItem => "Add",
        Text::ReturnGoods => "Goods coming back",
        Text::ColReturned => "Back",
        Text::ColReturnNow => "Return",
        Text::ReturnValue => "Value of goods",
    }
}

pub(super) fn notice(n: &Notice) -> String {
    let lang = Lang::En;
    match n {
        Notice::Auth(n) => super::staff::notice(lang, n),
        Notice::Held(n) => super::held::held_notice(lang, n),
        Notice::Return(n) => super::no_receipt::return_notice(lang, n),
        Notice::Stock(n) => super::stocktake::stock_notice(lang, n),
        Notice::Training(n) => super::stocktake::training_notice(lang, n),
        Notice::Exchange(n) => super::exchange::exchange_notice(lang, n),
        Notice::Member(n) => super::members::member_notice(lang, n),
        Notice::StoredValue(n) => super::stored_value::sv_notice(lang, n),
        Notice::Points(n) => super::points::points_notice(lang, n),
        Notice::Enrol(n) => super::enrol::enrol_notice(lang, n),
        Notice::Foreign(n) => super::foreign::foreign_notice(lang, n),
        Notice::Starting => "Starting, please wait…".into(),
        Notice::Added { name, qty } => format!("Added {}, qty {qty}", line_name(lang, name)),
        Notice::UnknownBarcode { code } => format!("Unknown barcode {code}"),
        Notice::BadCheckDigit { code } => format!("Barcode misread, scan it again: {code}"),
        Notice::Garbage => "Unreadable code, scan it again".into(),
        Notice::NotAnAmount => "Not an amount: type it like 12.50".into(),
        Notice::ZeroAmount => "Amount must be more than 0.00".into(),
        Notice::AmountTooLarge => "Amount too large".into(),
        Notice::BadQuantity => "Invalid quantity: 1 to 9999".into(),
        Notice::CartEmpty => "No items yet: scan an item first".into(),
        Notice::NoLineSelected => "Select a line first with ↑↓".into(),
        Notice::LineRemoved { name } => format!("Removed {}", line_name(lang, name)),
        Notice::NotAPaymentCode => "Not a WeChat Pay or Alipay payment code".into(),
        Notice::NotEnoughCash { short } => format!("Not enough cash: {short} yuan short"),
        Notice::PaymentDeclined { platform, reason } => format!(
            "{} did not go through: {}. Scan again or take cash",
            platform_name(lang, *platform),
            super::failure(lang, reason)
        ),
        Notice::Paid { platform, amount } => announcement(lang, *platform, *amount),
        Notice::PaymentInDoubt => "Payment not confirmed yet: the order cannot be changed or paid another way".into(),
        Notice::Parked { number } => format!("Order {number} goes on being confirmed in the background"),
        Notice::BackgroundPaid { number, amount } => format!("Order {number} confirmed: {amount} yuan received"),
        Notice::BackgroundNotPaid { number, amount } => {
            format!("Order {number} NOT paid ({amount} yuan): the customer was not charged")
        }
        Notice::NumbersExhausted => "Today's order numbers are used up: call the manager".into(),
        Notice::ClockBehind { last_day } => {
            format!(
                "The till's clock is before the last order's date {}: call the manager to set it",
                day_text(*last_day)
            )
        }
        Notice::StoreFailed { why } => {
            format!("Could not save the order: {}", super::reasons::save_failure(lang, *why))
        }
        Notice::PrintFailed { why } => {
            format!("Printing failed: {}. Check the printer", super::reasons::print_failure(lang, *why))
        }
        Notice::Restored { in_doubt } => format!("Restarted: {in_doubt} payment(s) being confirmed"),
        Notice::PaymentCancelled { platform } => format!(
            "{} payment not completed and cancelled: the customer was not charged. Scan again or take cash",
            platform_name(lang, *platform)
        ),
        Notice::FinishSaleFirst => "Finish the current sale before a lookup or refund".into(),
        Notice::ScanReceipt => "Scan the order barcode on the receipt, or type the number and press Enter".into(),
        Notice::NotAnOrderNumber => "Not one of this shop's order numbers: scan the barcode on the receipt".into(),
        Notice::OrderNotFound { number } => {
            format!("No WeChat Pay or Alipay payment for order {number}: check the number on the receipt")
        }
        Notice::LookupFailed { reason } => {
            format!("Could not look the order up ({}): scan it again in a moment", super::reason(lang, reason))
        }
        Notice::RefundInDoubt => "A refund of this order is still being confirmed: please wait".into(),
        Notice::NothingToRefund => "Nothing left to refund on this order".into(),
        Notice::ExceedsRefundable { refundable } => format!("Exceeds refundable amount: at most {refundable} yuan"),
        Notice::Refunding { amount } => format!("Refunding {amount} yuan…"),
        Notice::RefundAccepted { amount } => format!("Refund accepted ({amount} yuan): confirming the result"),
        Notice::Refunded { amount, platform } => super::refund_announcement(lang, *platform, *amount),
        Notice::RefundFailed { amount, reason } => {
            format!("Refund of {amount} yuan did not go through: {}", super::failure(lang, reason))
        }
        Notice::SettingUp => "Setting up the device, please wait…".into(),
        Notice::SetupDone { shop_name } => format!("Device set up for {shop_name}"),
        Notice::SetupFailed { error } => {
            format!("Set-up failed: {}. Scan a new code to start over", setup_failure(error))
        }
        Notice::SetupNotNow => "Finish the current sale (and payments in doubt) before set-up".into(),
        Notice::PrintingTestPage => "Printing the test page…".into(),
        Notice::Reprinting => "Printing the receipt again…".into(),
        Notice::Offline => "No connection to the payment platform: cash only for now".into(),
        Notice::OfflineTakeCash => "Offline: payment codes cannot be taken now. Take cash (F2)".into(),
        Notice::CheckingClock => "Checking the time with the payment platform: one moment".into(),
        Notice::BackOnline => "Back online: payment codes work again".into(),
        Notice::ScannerGone => "The barcode scanner was unplugged: plug it back in, or type the code".into(),
        Notice::ScaleNotStable => "No settled weight on the scale: wait until it is stable, then scan again".into(),
        Notice::JoiningWifi => "Joining the Wi-Fi network…".into(),
        Notice::WifiJoined { ssid } => format!("Connected to Wi-Fi {ssid}"),
        // Without an adapter or a [wifi] section there is no Wi-Fi network to keep.
        Notice::WifiFailed {
            error: e @ (crate::core::WifiFailure::NoAdapter { .. } | crate::core::WifiFailure::NotConfigured),
        } => {
            format!("Wi-Fi not joined: {}", wifi_failure(e))
        }
        Notice::WifiFailed { error } => {
            format!("Wi-Fi not joined: {}; the previous network is kept", wifi_failure(error))
        }
        Notice::WifiNotNow => "Finish the current sale before joining a Wi-Fi network".into(),
        Notice::ReadingConfigCode => "Reading the Wi-Fi code…".into(),
        Notice::ConfigCancelled => "Cancelled: nothing was changed".into(),
        Notice::MerchantChangeUnresolved { count } => format!(
            "Not now: {count} payment(s) or refund(s) are still being confirmed with the current merchant. Set up again once they are settled"
        ),
        Notice::NothingToReprint => "This order is not paid: no receipt to print again".into(),
        Notice::Office(n) => super::office_notice(lang, n),
        Notice::PartPaid { platform: Some(p), amount, remaining } => {
            format!("{} received {amount} yuan; {remaining} yuan still to pay", platform_name(lang, *p))
        }
        Notice::PartPaid { platform: None, amount, remaining } => {
            format!("Cash received {amount} yuan; {remaining} yuan still to pay")
        }
        Notice::PartAmountSet { amount } => format!("The next payment code pays {amount} yuan: scan it (Esc: cancel)"),
        Notice::PartTooLarge { remaining } => format!("More than is left to pay: at most {remaining} yuan"),
        Notice::FinishPayment => "Part of this order is paid or being confirmed: finish the payment here first".into(),
        Notice::PaidTwice { platform, amount, number } => format!(
            "Order already paid, but {} also charged {amount} yuan (no. {number}): refund the customer",
            platform_name(lang, *platform)
        ),
        Notice::PaidInParts { amount, parts } => format!("Paid in {parts} parts: {amount} yuan received"),
        Notice::EnterPrice { name } => format!("Type the price of {} and press Enter", line_name(lang, name)),
        Notice::CashToRefund { amount } => format!("Paid {amount} yuan in cash: F6 gives it back from the drawer"),
        Notice::QrNotOffered => "Customer-scans-QR is not offered here (Cloud Pay only)".into(),
        Notice::QrClockWrong => "The till's clock is wrong: set it before showing a QR".into(),
        Notice::QrStillPayable { number } => format!("QR {number} may still be paid: no new QR yet"),
        Notice::ReturnLimit { left: 0 } => "All of this item has come back already".to_string(),
        Notice::ReturnLimit { left } => format!("Only {left} of this item can still come back"),
        Notice::UnknownReason { code } => format!("{code}: not one of the shop's discount reasons"),
        Notice::DiscountGiven { total } => format!("Discount given: the sale comes to {total} yuan"),
    }
}

fn setup_failure(f: &crate::core::SetupFailure) -> String {
    use crate::core::SetupFailure as F;
    match f {
        F::NotASetupCode => "not a Cloud Pay configuration code".into(),
        F::Expired => "the configuration code expired (valid 5 minutes): make a new one in the merchant app".into(),
        F::AlreadyUsed => "the configuration code was already used: make a new one in the merchant app".into(),
        F::Refused { detail } => format!("refused by the platform: {detail}"),
        F::BadAnswer { detail } => format!("bad configuration from the platform: {detail}"),
        F::Network { detail } => format!("network problem, configuration not received: {detail}"),
        F::Storage { detail } => format!("cannot store the configuration: {detail}"),
        F::WrongPlatform => "this till uses 微收银, not Cloud Pay".into(),
    }
}

fn wifi_failure(f: &crate::core::WifiFailure) -> String {
    use crate::core::WifiFailure as F;
    match f {
        F::BadCode { detail } => format!("not a valid Wi-Fi code ({detail})"),
        F::WrongPassword => "wrong password".into(),
        F::NotFound => "network not found".into(),
        F::Timeout => "no connection in time".into(),
        F::Unavailable { detail } => format!("Wi-Fi not available ({detail})"),
        F::NoAdapter { interface } => format!("this till has no Wi-Fi adapter ({interface} not found)"),
        F::ServiceDown => "the Wi-Fi service (wpa_supplicant) is not running".into(),
        F::NotConfigured => "this till is not set up for Wi-Fi (no [wifi] in till.toml)".into(),
    }
}
