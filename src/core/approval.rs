//! Actions only a supervisor may take, routed through one door.
//!
//! [`ask_supervisor`] opens the supervisor-PIN prompt (`State::authorize`) holding the approval
//! as `Msg::Approve`; once a supervisor's PIN is verified that message comes back with the
//! approval in force and the action is taken. Esc or a wrong PIN drops it. A `Msg::Approve` from
//! anywhere else only opens the prompt.

use super::configure::ConfigChange;
use super::money::Fen;
use super::no_receipt::ReturnReason;
use super::order::{Line, OrderId, Returned};
use super::{Action, Effect, Msg, State, price_entry, refund};
use serde::{Deserialize, Serialize};

/// What the supervisor is asked to approve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Approval {
    /// Sell a barcode the catalogue does not know at a price the cashier typed.
    ManualPrice { barcode: String, price: Fen },
    /// Give back an order's cash part(s) from the drawer; with goods chosen, their value.
    CashRefund {
        order_id: OrderId,
        #[serde(default)]
        returns: Vec<Returned>,
    },
    /// Use a scanned configuration code (Wi-Fi, the payment platform's settings): always a PIN
    /// typed now, even by a supervisor signed in.
    Configure(ConfigChange),
    /// Discard a held sale older than the shop's limit (see `held`).
    DiscardHeld { order_id: OrderId },
    /// A discount above the cashier's limits: on line `line` of the sale, or on the whole sale.
    Discount { line: Option<usize>, manual: super::pricing::Manual },
    /// Give back cash for goods returned without a receipt (see `no_receipt`).
    NoReceiptReturn { lines: Vec<Line>, reason: ReturnReason },
    /// Open a goods-in or stock-count sheet (see `stocktake`).
    StockSheet { kind: super::stocktake::SheetKind },
    /// Put the till into training mode, or take it out (see `training`).
    Training { on: bool },
    /// Take goods back without a receipt in exchange for others (see `exchange`).
    Exchange { lines: Vec<Line>, reason: ReturnReason },
    /// Take goods of a paid order back (its receipt scanned) in exchange for others (see
    /// `exchange_receipted`): the same rule as an exchange without a receipt.
    ReceiptedExchange { order_id: OrderId, returns: Vec<Returned> },
    /// Save a member created (`new`) or edited at the till (see `member_form`).
    Member { member: super::members::Member, new: bool },
    /// Give `amount` of stored value (and with `points`, the redeemed points) of an order back to
    /// the member's balance, above the cashier's limit (see `sv_till::give_back`).
    GiveBack { order_id: OrderId, amount: Fen, points: bool },
}

/// Asks a supervisor to approve `approval`; see the module comment.
pub fn ask_supervisor(state: &mut State, approval: Approval, fx: &mut Vec<Effect>) {
    if let Approval::Configure(change) = &approval {
        if state.authorize_now(Action::Settings, Msg::Approve(approval.clone())) {
            super::configure::approved(state, change.clone(), fx);
        }
        return;
    }
    let action = match &approval {
        Approval::Configure(_) => Action::Settings,
        Approval::ManualPrice { .. } => Action::ManualPrice,
        Approval::DiscardHeld { .. } => Action::DiscardHeld,
        Approval::Discount { .. } => Action::Discount,
        Approval::NoReceiptReturn { .. } => Action::NoReceiptReturn,
        Approval::StockSheet { .. } => Action::Stock,
        Approval::Training { .. } => Action::Training,
        Approval::Exchange { .. } | Approval::ReceiptedExchange { .. } => Action::Exchange,
        Approval::Member { .. } => Action::Members,
        Approval::GiveBack { .. } => Action::StoredValueRefund,
        Approval::CashRefund { order_id, returns } => {
            let whole = super::refund_parts::cash_refund_is_whole(state, *order_id, !returns.is_empty());
            super::refund_parts::refund_action(state, whole)
        }
    };
    if state.authorize(action, Msg::Approve(approval.clone())) {
        approved(state, approval, fx);
    }
}

/// A supervisor approved: the action is taken.
pub(super) fn approved(state: &mut State, approval: Approval, fx: &mut Vec<Effect>) {
    match approval {
        Approval::ManualPrice { barcode, price } => price_entry::add_manual(state, &barcode, price, fx),
        Approval::Discount { line, manual } => super::discount::give(state, line, manual, fx),
        Approval::CashRefund { order_id, returns } => refund::refund_cash(state, order_id, returns, fx),
        Approval::Configure(change) => super::configure::approved(state, change, fx),
        Approval::DiscardHeld { order_id } => super::held::discard_approved(state, order_id, fx),
        Approval::NoReceiptReturn { lines, reason } => super::no_receipt::approved(state, lines, reason, fx),
        Approval::StockSheet { kind } => super::stocktake::open(state, kind),
        Approval::Training { on } => super::training::approved(state, on, fx),
        Approval::Exchange { lines, reason } => super::exchange::approved(state, lines, reason, fx),
        Approval::ReceiptedExchange { order_id, returns } => {
            super::exchange_receipted::approved(state, order_id, returns, fx)
        }
        Approval::Member { member, new } => super::member_form::save(state, member, new, fx),
        Approval::GiveBack { order_id, amount, points } => {
            super::sv_till::give_back_now(state, order_id, amount, points, fx)
        }
    }
}
