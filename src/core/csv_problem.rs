//! Why a catalogue CSV row is refused, as data: the CLI prints it in English (`Display`), the
//! till's screen in the shop's language (`i18n::usb`).

use super::catalog::BarcodeError;
use serde::{Deserialize, Serialize};

/// One malformed row's reason (its line number travels beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CsvProblem {
    #[error("the first line must be the header {0}")]
    Header(String),
    #[error("{0} fields, expected 5 (barcode,name,price,stock,kind) or 6 (…,category)")]
    FieldCount(usize),
    #[error("a quote inside an unquoted field")]
    QuoteInside,
    #[error("text {0:?} after a closing quote")]
    TextAfterQuote(char),
    #[error("a quoted field is not closed")]
    QuoteNotClosed,
    #[error("kind {0:?} is not normal, open or weighed")]
    Kind(String),
    #[error("barcode {barcode:?}: {error}")]
    Barcode { barcode: String, error: BarcodeError },
    #[error("barcode {barcode} is already on line {first}")]
    Duplicate { barcode: String, first: usize },
    #[error("the name is empty")]
    EmptyName,
    #[error("the name has control characters or is longer than 64 characters")]
    BadName,
    #[error("price {0:?} has more than two decimals")]
    PriceDecimals(String),
    #[error("price {0:?} is not an amount like 12.50")]
    Price(String),
    #[error("a normal product needs a price above 0.00 (or kind open)")]
    ZeroPrice,
    #[error("stock {0:?} is not a whole number")]
    Stock(String),
    #[error("the category has control characters or is longer than 32 characters")]
    BadCategory,
}
