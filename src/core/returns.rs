//! Goods coming back with a refund. On the lookup screen of a paid order the till has lines for,
//! the cashier moves over the lines (Up/Down) and sets how many of each come back (`+`/`-`, a
//! number then `*`, Delete for none); never more than was sold less what earlier refunds (not
//! failed) take back. The refund amount becomes the value of the chosen goods, capped by what is
//! still refundable (`refund`'s rule), and the refund records them (`Refund::returns`);
//! `stock::movements` puts them back once that refund is refunded. With no goods chosen a
//! refund is by amount, as before (a price adjustment).

use super::money::Fen;
use super::notice::Notice;
use super::notice::refuse;
use super::order::MAX_QTY;
use super::order::{Order, OrderStatus, Returned};
use super::refund::{LookupView, cash_to_refund};
use super::{Effect, Key, PlatformOrderState, State};

/// The goods `picks` (by line) choose from `order`, or how many may still come back of the first
/// line that asks for more.
pub fn chosen(order: &Order, picks: &[u32]) -> Result<Vec<Returned>, u32> {
    let mut out = Vec::new();
    for (line, &qty) in picks.iter().enumerate().filter(|(_, q)| **q > 0) {
        let left = order.returnable(line);
        if qty > left {
            return Err(left);
        }
        let barcode = order.lines.get(line).map(|l| l.barcode.clone()).unwrap_or_default();
        out.push(Returned { line, barcode, qty });
    }
    Ok(out)
}

/// What `returns` of `order` are worth: what was paid for them, after their share of every
/// discount (`Order::net_value_of`), so a refund of goods never gives back more than they cost.
pub fn value_of(order: &Order, returns: &[Returned]) -> Fen {
    order.net_value_of(returns)
}

impl LookupView {
    /// How many of line `line` are chosen to come back.
    pub fn pick(&self, line: usize) -> u32 {
        self.picks.get(line).copied().unwrap_or(0)
    }

    /// The value of the goods chosen, as paid (after their share of every discount).
    pub fn chosen_value(&self) -> Fen {
        let Some(order) = &self.order else { return Fen::ZERO };
        (0..order.lines.len()).map(|i| order.net_of_units(i, order.returned(i), self.pick(i))).sum()
    }

    /// Whether goods may be chosen: a paid order of this till, settled, with money to give back
    /// (through the platform, or cash from the drawer).
    pub fn can_choose(&self) -> bool {
        let Some(order) = self.order.as_ref().filter(|_| !self.pending) else { return false };
        !order.lines.is_empty()
            && (!order.imported || order.foreign.is_some())
            && order.status == OrderStatus::Paid
            && order.open_refund().is_none()
            && (self.refundable() > Fen::ZERO || cash_to_refund(order) > Fen::ZERO)
    }

    /// The most the chosen goods can bring back: what the platform still refunds, or for an
    /// order it does not know (cash), the cash not yet given back.
    pub fn goods_cap(&self) -> Fen {
        match self.found() {
            Some(f) if f.state == PlatformOrderState::Paid => self.refundable(),
            Some(_) => Fen::ZERO,
            None => self.order.as_ref().map_or(Fen::ZERO, cash_to_refund),
        }
    }
}

/// Keys on the lookup screen that choose goods; `false` leaves the key to the screen.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) -> bool {
    let Some(view) = state.lookup.as_mut().filter(|v| v.can_choose()) else { return false };
    let lines = view.order.as_ref().map_or(0, |o| o.lines.len());
    let now = view.pick(view.cursor);
    match key {
        Key::Up => view.cursor = view.cursor.saturating_sub(1),
        Key::Down => view.cursor = (view.cursor + 1).min(lines.saturating_sub(1)),
        Key::Char('+') => set(state, now.saturating_add(1), fx),
        Key::Char('-') => set(state, now.saturating_sub(1), fx),
        Key::Delete => set(state, 0, fx),
        Key::Char('*') => {
            let typed = if view.prefilled { None } else { state.input.parse::<u32>().ok() };
            match typed.filter(|n| *n <= MAX_QTY) {
                Some(n) => set(state, n, fx),
                None => refuse(state, Notice::BadQuantity, fx),
            }
        }
        // The amount the till filled in is replaced by what is typed, not added to.
        Key::Char(c) if c.is_ascii_digit() || c == '.' => {
            if view.prefilled {
                view.prefilled = false;
                state.input.clear();
            }
            return false;
        }
        Key::Backspace => {
            view.prefilled = false;
            return false;
        }
        _ => return false,
    }
    true
}

/// Sets the quantity of the line under the cursor and the refund amount to the goods' value.
fn set(state: &mut State, qty: u32, fx: &mut Vec<Effect>) {
    let Some(view) = state.lookup.as_mut() else { return };
    let Some(order) = &view.order else { return };
    let left = order.returnable(view.cursor);
    if qty > left {
        return refuse(state, Notice::ReturnLimit { left }, fx);
    }
    view.picks.resize(order.lines.len(), 0);
    if let Some(p) = view.picks.get_mut(view.cursor) {
        *p = qty;
    }
    let value = view.chosen_value();
    let amount = if value > Fen::ZERO { value.min(view.goods_cap()) } else { view.refundable() };
    view.prefilled = amount > Fen::ZERO && view.refundable() > Fen::ZERO;
    state.input = if view.prefilled { amount.to_string() } else { String::new() };
    state.notice = None;
}
