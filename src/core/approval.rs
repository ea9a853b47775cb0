//! Actions only a supervisor may take, routed through one door.
//!
//! MERGE HOOK: [`ask_supervisor`] is where the supervisor-PIN prompt (built on another branch)
//! plugs in: it should open the PIN prompt holding the [`Approval`], and call [`approved`] once a
//! supervisor's PIN is verified (or drop the approval on Esc / a wrong PIN). Until then the action
//! is approved at once, so the flows work and are tested end to end.

use super::money::Fen;
use super::order::OrderId;
use super::{Effect, State, price_entry, refund};
use serde::{Deserialize, Serialize};

/// What the supervisor is asked to approve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Approval {
    /// Sell a barcode the catalogue does not know at a price the cashier typed.
    ManualPrice { barcode: String, price: Fen },
    /// Give back an order's cash part(s) from the drawer.
    CashRefund { order_id: OrderId },
}

/// Asks a supervisor to approve `approval`; see the module comment.
pub(super) fn ask_supervisor(state: &mut State, approval: Approval, fx: &mut Vec<Effect>) {
    approved(state, approval, fx);
}

/// A supervisor approved: the action is taken.
pub(super) fn approved(state: &mut State, approval: Approval, fx: &mut Vec<Effect>) {
    match approval {
        Approval::ManualPrice { barcode, price } => price_entry::add_manual(state, &barcode, price, fx),
        Approval::CashRefund { order_id } => refund::refund_cash(state, order_id, fx),
    }
}
