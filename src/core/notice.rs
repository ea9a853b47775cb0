//! One-line messages for the cashier. The core says *what* happened; `i18n` says it in the shop's language.

use super::code::Platform;
use super::money::Fen;
use serde::{Deserialize, Serialize};

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
    PaymentDeclined {
        platform: Platform,
        reason: String,
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
    StoreFailed {
        error: String,
    },
    PrintFailed {
        error: String,
    },
    Restored {
        in_doubt: usize,
    },
}

impl Notice {
    /// Errors are shown in red and sound the error beep.
    pub fn is_error(&self) -> bool {
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
                | Notice::StoreFailed { .. }
                | Notice::PrintFailed { .. }
        )
    }
}
