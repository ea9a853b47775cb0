//! ESC/POS for the receipt printer: a pure codec and the receipt layout. No IO here; the printer
//! transport only moves the bytes [`receipt::render`] returns.
//!
//! The [`decode`]r turns bytes back into [`decode::Element`]s so the receipt can be previewed on
//! screen ([`to_text_lines`]) and checked in tests against what the printer will be told.

pub mod decode;
pub mod encode;
pub mod layout;
mod preview;
pub mod profile;
pub mod qr_slip;
pub mod receipt;
pub mod report;
pub mod slip;
pub mod testpage;

pub use decode::{DecodeError, Element, decode};
pub use encode::{Align, EncodeError, Encoder};
pub use preview::to_text_lines;
pub use profile::{PrinterProfile, ProfileChoice, ProfileError, ProfileSpec, TextEncoding};
pub use receipt::{Receipt, ReceiptItem, ReceiptLabels, render};
