//! What the customer display (客显) shows, read from the state after each message: the price of
//! the item just scanned, the amount to pay once the cashier totals, the cash received as it is
//! typed, and after payment what was received and the change.
//!
//! While a payment code is being confirmed the display keeps showing the amount to pay: the order
//! reaches the done screen only once the platform said paid and the order is saved, so no "paid"
//! can be shown for a payment that may still fail (docs/reference/retail-devices.md, "What the
//! customer should see").
//!
//! `update` compares what was shown before a message with what is shown after it and emits
//! `Effect::Display` only on a change; the effect follows the batch's saves, like a receipt.

use super::money::Fen;
use super::{Effect, Screen, State};
use serde::{Deserialize, Serialize};

/// One picture on the customer display. The device's profile turns it into bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shown {
    /// Nothing to show: a new sale not started, or the till is elsewhere (reports, lookup, menu).
    Idle,
    /// An item was scanned (or its line changed): its unit price, and the sale's total so far.
    Item { price: Fen, total: Fen },
    /// The cashier totals: the amount to pay (the total, or what is left after a part paid). Also
    /// what is shown while a payment code is being confirmed.
    Total(Fen),
    /// Cash received, as the cashier types it, and the amount to pay.
    Received { received: Fen, due: Fen },
    /// Paid: what was received in all and the change given.
    Paid { received: Fen, change: Fen },
    /// The maintenance menu's device test: every segment and legend.
    Test,
}

/// What the display should show for `state`.
pub fn shown(state: &State) -> Shown {
    if state.maintenance.is_some() {
        return Shown::Idle;
    }
    match &state.screen {
        Screen::Sale | Screen::PriceEntry(_) => match state.sale.lines.get(state.selected) {
            Some(line) => Shown::Item { price: line.unit_price, total: state.sale.total() },
            None => Shown::Idle,
        },
        Screen::Pay { cash_entry } => {
            let due = state.sale.remaining();
            let typed = (*cash_entry && state.sale.open_attempt().is_none() && !state.input.is_empty())
                .then(|| Fen::parse_yuan(&state.input).ok())
                .flatten()
                .filter(|r| !r.is_zero());
            match typed {
                Some(received) => Shown::Received { received, due },
                None => Shown::Total(due),
            }
        }
        Screen::Done { change } => match state.sale.total().checked_add(*change) {
            Some(received) => Shown::Paid { received, change: *change },
            None => Shown::Idle,
        },
        Screen::Lookup | Screen::Office | Screen::LowStock | Screen::Promotions | Screen::Confirm(_) => Shown::Idle,
    }
}

/// What was shown before a message, and whether the maintenance menu was open (its device test
/// leaves the test picture up, which leaving the menu must replace).
#[derive(Debug, Clone, Copy)]
pub(super) struct Before(Shown, bool);

pub(super) fn before(state: &State) -> Before {
    Before(shown(state), state.maintenance.is_some())
}

/// After a message: the display follows the state if what it shows changed.
pub(super) fn follow(before: Before, state: &State, fx: &mut Vec<Effect>) {
    let now = shown(state);
    let left_menu = before.1 && state.maintenance.is_none();
    if now != before.0 || left_menu {
        fx.push(Effect::Display(now));
    }
}
