//! Typing a price at the till: for an open-price product (the cashier enters it) and for a barcode
//! the catalogue does not know (a supervisor approves the price, see `approval`).

use super::approval::{self, Approval};
use super::money::{Fen, MoneyError};
use super::notice::Notice;
use super::notice::refuse;
use super::sale::add_line;
use super::{Effect, Screen, State};
use serde::{Deserialize, Serialize};

/// The price prompt on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceEntry {
    pub barcode: String,
    /// The product's name; empty for an unknown barcode.
    pub name: String,
    /// The barcode is not in the catalogue: the price needs a supervisor.
    pub unknown: bool,
}

/// Opens the prompt for `barcode`.
pub(super) fn open(state: &mut State, barcode: &str, name: &str, unknown: bool, fx: &mut Vec<Effect>) {
    state.input.clear();
    state.screen = Screen::PriceEntry(PriceEntry { barcode: barcode.to_string(), name: name.to_string(), unknown });
    if unknown {
        refuse(state, Notice::UnknownBarcode { code: barcode.to_string() }, fx);
    } else {
        state.notice = Some(Notice::EnterPrice { name: name.to_string() });
    }
}

/// Enter on the prompt: the typed price.
pub(super) fn on_enter(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    let Screen::PriceEntry(entry) = state.screen.clone() else { return };
    let price = match Fen::parse_yuan(input) {
        Ok(p) if p.is_zero() => return refuse(state, Notice::ZeroAmount, fx),
        Ok(p) => p,
        Err(MoneyError::TooLarge) => return refuse(state, Notice::AmountTooLarge, fx),
        Err(MoneyError::NotAnAmount) => return refuse(state, Notice::NotAnAmount, fx),
    };
    state.screen = Screen::Sale;
    if entry.unknown {
        approval::ask_supervisor(state, Approval::ManualPrice { barcode: entry.barcode, price }, fx);
    } else {
        add_line(state, &entry.barcode, &entry.name, price, fx);
    }
}

/// Esc: back to the sale, nothing added.
pub(super) fn cancel(state: &mut State) {
    state.screen = Screen::Sale;
    state.input.clear();
    state.notice = None;
}

/// An approved price for an unknown barcode: a line under that barcode with no name (shown as
/// the misc-item label).
pub(super) fn add_manual(state: &mut State, barcode: &str, price: Fen, fx: &mut Vec<Effect>) {
    state.screen = Screen::Sale;
    add_line(state, barcode, "", price, fx);
}
