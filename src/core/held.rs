//! Held sales (挂单 / 取单): a sale in progress is put aside under a small number while the customer
//! fetches something, the screen is free for the next one, and it comes back by its number or from
//! the list.
//!
//! Rules:
//! * a held sale is the order as it was, saved like any order change (its lines and whatever the
//!   sale carries travel with it): it survives a pulled plug and a restart;
//! * it reserves nothing (stock moves only when a sale is paid) and takes no payment; a sale with a
//!   part paid or a payment in doubt cannot be held: it is finished (or parked) as before;
//! * its number is the smallest one no other held sale has (1, 2, 3, …), as a shop's tickets are;
//! * held sales older than `[held] max_age_hours` (24 by default) are marked in the list for a
//!   supervisor to discard; closing the day with held sales open asks a supervisor (a PIN typed
//!   then), names them, and discards them; the Z report lists the sales discarded that day.

use super::approval::Approval;
use super::clock::Millis;
use super::money::Fen;
use super::notice::{Notice, refuse};
use super::order::{Order, OrderId, OrderStatus};
use super::{Action, Beep, Effect, Key, Msg, Screen, State};
use serde::{Deserialize, Serialize};

/// `[held]` in `till.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldConfig {
    /// Held sales older than this many hours are listed for a supervisor to discard.
    #[serde(default = "default_max_age_hours")]
    pub max_age_hours: u32,
}

fn default_max_age_hours() -> u32 {
    24
}

impl Default for HeldConfig {
    fn default() -> HeldConfig {
        HeldConfig { max_age_hours: default_max_age_hours() }
    }
}

/// What makes an order a held sale (kept in the order, so the store keeps it with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// The number the cashier calls it by.
    pub number: u32,
    pub at: Millis,
    /// Who held it.
    pub by: String,
    /// A short note (a script's; the keys hold without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Discarded by a supervisor (the order is voided): when and by whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discarded: Option<Discard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discard {
    pub at: Millis,
    /// The supervisor who approved it.
    pub by: String,
    /// Discarded by closing the day.
    pub at_close: bool,
}

/// The held sales while the till runs, and the list when it is up.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Held {
    /// Held orders, by number.
    pub sales: Vec<Order>,
    pub config: HeldConfig,
    /// The list (取单) is up: the selected row.
    pub list: Option<usize>,
}

impl Held {
    fn max_age_ms(&self) -> i64 {
        i64::from(self.config.max_age_hours).saturating_mul(3_600_000)
    }

    /// Whether a held sale is old enough to be discarded.
    pub fn is_old(&self, order: &Order, now: Millis) -> bool {
        order.hold.as_ref().is_some_and(|h| now.since(h.at) >= self.max_age_ms())
    }

    /// The smallest number no held sale has.
    fn free_number(&self) -> u32 {
        (1..).find(|n| !self.sales.iter().any(|o| o.hold.as_ref().is_some_and(|h| h.number == *n))).unwrap_or(1)
    }

    fn position(&self, number: u32) -> Option<usize> {
        self.sales.iter().position(|o| o.hold.as_ref().is_some_and(|h| h.number == number))
    }

    /// The numbers of the held sales, as the cashier reads them: `1, 3`.
    pub fn numbers(&self) -> String {
        let numbers: Vec<String> =
            self.sales.iter().filter_map(|o| o.hold.as_ref()).map(|h| h.number.to_string()).collect();
        numbers.join(", ")
    }
}

/// What the till says about held sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeldNotice {
    /// The sale was held under `number`.
    Held {
        number: u32,
        items: u32,
        total: Fen,
    },
    Resumed {
        number: u32,
    },
    /// Nothing in the cart to hold.
    NothingToHold,
    NoHeldSales,
    NoSuchNumber {
        number: String,
    },
    /// A held sale is taken back only on an empty sale screen.
    HoldFirst,
    /// Only a held sale older than the shop's limit is discarded from the list.
    NotOldYet {
        hours: u32,
    },
    Discarded {
        number: u32,
    },
    /// Closing the day with these held sales open: a supervisor discards them.
    OpenAtClose {
        numbers: String,
    },
}

impl HeldNotice {
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            HeldNotice::NothingToHold
                | HeldNotice::NoHeldSales
                | HeldNotice::NoSuchNumber { .. }
                | HeldNotice::HoldFirst
                | HeldNotice::NotOldYet { .. }
                | HeldNotice::OpenAtClose { .. }
        )
    }
}

fn say(n: HeldNotice) -> Notice {
    Notice::Held(n)
}

/// `/` on the sale screen (挂单 / 取单): a cart is held, an empty one opens the list.
pub(super) fn hold_or_list(state: &mut State, note: Option<String>, fx: &mut Vec<Effect>) {
    if state.sale.lines.is_empty() && state.screen == Screen::Sale {
        open_list(state, fx)
    } else {
        hold(state, note, fx)
    }
}

/// Holds the sale on screen under the next free number; the screen is free for the next sale.
fn hold(state: &mut State, note: Option<String>, fx: &mut Vec<Effect>) {
    if !matches!(state.screen, Screen::Sale | Screen::Pay { .. }) || state.sale.lines.is_empty() {
        return refuse(state, say(HeldNotice::NothingToHold), fx);
    }
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    // A closed QR still watched for a late payment is followed with the sale, not held with it.
    if let Some(a) = state.sale.watched_qr() {
        return refuse(state, Notice::QrStillPayable { number: a.out_trade_no.clone() }, fx);
    }
    if state.sale.has_paid_parts() || state.sale.status != OrderStatus::Open {
        return refuse(state, Notice::FinishPayment, fx);
    }
    let number = state.held.free_number();
    let note = note.map(|n| n.chars().take(40).collect::<String>()).filter(|n| !n.trim().is_empty());
    let mut order = state.sale.clone();
    order.hold = Some(Hold { number, at: state.now, by: state.operator().to_string(), note, discarded: None });
    fx.push(state.save(&order));
    let (items, total) = (order.item_count(), order.total());
    state.held.sales.push(order);
    state.held.sales.sort_by_key(|o| o.hold.as_ref().map(|h| h.number));
    state.new_sale();
    state.notice = Some(say(HeldNotice::Held { number, items, total }));
    fx.push(Effect::Beep(Beep::Accepted));
}

/// The list of held sales (取单), from an empty sale screen.
pub(super) fn open_list(state: &mut State, fx: &mut Vec<Effect>) {
    if state.screen != Screen::Sale || !state.sale.lines.is_empty() {
        return refuse(state, say(HeldNotice::HoldFirst), fx);
    }
    if state.held.sales.is_empty() {
        return refuse(state, say(HeldNotice::NoHeldSales), fx);
    }
    state.input.clear();
    state.held.list = Some(0);
    state.notice = None;
}

/// Takes held sale `number` back onto the screen (an empty sale screen only).
pub(super) fn resume(state: &mut State, number: u32, fx: &mut Vec<Effect>) {
    if state.screen != Screen::Sale || !state.sale.lines.is_empty() {
        return refuse(state, say(HeldNotice::HoldFirst), fx);
    }
    let Some(i) = state.held.position(number) else {
        return refuse(state, say(HeldNotice::NoSuchNumber { number: number.to_string() }), fx);
    };
    let mut order = state.held.sales.remove(i);
    order.hold = None;
    fx.push(state.save(&order));
    state.sale = order;
    state.selected = state.sale.lines.len().saturating_sub(1);
    state.input.clear();
    state.part_amount = None;
    state.held.list = None;
    state.notice = Some(say(HeldNotice::Resumed { number }));
    fx.push(Effect::Beep(Beep::Accepted));
}

/// Keys on the list: ↑↓ choose, Enter takes the chosen one back (or the number typed), Del asks a
/// supervisor to discard an old one, Esc closes.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(selected) = state.held.list else { return };
    let last = state.held.sales.len().saturating_sub(1);
    match key {
        Key::Char(c) if c.is_ascii_digit() && state.input.len() < 4 => state.input.push(c),
        Key::Backspace => {
            state.input.pop();
        }
        Key::Up => state.held.list = Some(selected.saturating_sub(1)),
        Key::Down => state.held.list = Some((selected + 1).min(last)),
        Key::Esc if !state.input.is_empty() => state.input.clear(),
        Key::Esc => {
            state.held.list = None;
            state.notice = None;
        }
        Key::Enter if !state.input.is_empty() => {
            let typed = std::mem::take(&mut state.input);
            match typed.parse::<u32>() {
                Ok(n) if state.held.position(n).is_some() => resume(state, n, fx),
                _ => refuse(state, say(HeldNotice::NoSuchNumber { number: typed }), fx),
            }
        }
        Key::Enter => {
            if let Some(n) = state.held.sales.get(selected).and_then(|o| o.hold.as_ref()).map(|h| h.number) {
                resume(state, n, fx);
            }
        }
        Key::Delete => {
            let Some(order) = state.held.sales.get(selected) else { return };
            if !state.held.is_old(order, state.now) {
                let hours = state.held.config.max_age_hours;
                return refuse(state, say(HeldNotice::NotOldYet { hours }), fx);
            }
            let order_id = order.id;
            super::approval::ask_supervisor(state, Approval::DiscardHeld { order_id }, fx);
        }
        _ => {}
    }
}

/// A supervisor approved discarding held sale `order_id` (an old one, from the list).
pub(super) fn discard_approved(state: &mut State, order_id: OrderId, fx: &mut Vec<Effect>) {
    let Some(order) = state.held.sales.iter().find(|o| o.id == order_id) else { return };
    if !state.held.is_old(order, state.now) {
        return;
    }
    if let Some(number) = discard(state, order_id, false, fx) {
        state.notice = Some(say(HeldNotice::Discarded { number }));
        fx.push(Effect::Beep(Beep::Success));
    }
    if state.held.sales.is_empty() {
        state.held.list = None;
    } else if let Some(row) = state.held.list.as_mut() {
        *row = (*row).min(state.held.sales.len() - 1);
    }
}

/// Voids held sale `order_id` and saves it with who discarded it; its number.
fn discard(state: &mut State, order_id: OrderId, at_close: bool, fx: &mut Vec<Effect>) -> Option<u32> {
    let i = state.held.sales.iter().position(|o| o.id == order_id)?;
    let mut order = state.held.sales.remove(i);
    // Discarded by the close: stamped the millisecond before it, so the day it closes counts it
    // (a day is [last close, this close)).
    let at = if at_close { Millis(state.now.0.saturating_sub(1)) } else { state.now };
    let by = state.approver().unwrap_or(state.operator()).to_string();
    let hold = order.hold.as_mut()?;
    hold.discarded = Some(Discard { at, by, at_close });
    let number = hold.number;
    order.status = OrderStatus::Voided;
    order.closed_at = Some(at);
    fx.push(state.save(&order));
    Some(number)
}

/// Closing the day: with held sales open a supervisor's PIN is asked (naming them) and, once
/// given, they are discarded before the Z report is made. True when the close may go on.
pub(crate) fn before_close(state: &mut State, fx: &mut Vec<Effect>) -> bool {
    if state.held.sales.is_empty() {
        return true;
    }
    let numbers = state.held.numbers();
    let then = Msg::Office(super::office::OfficeMsg::CloseDay);
    if !state.authorize_now(Action::DiscardHeld, then) {
        state.notice = Some(say(HeldNotice::OpenAtClose { numbers }));
        return false;
    }
    let ids: Vec<OrderId> = state.held.sales.iter().map(|o| o.id).collect();
    for id in ids {
        discard(state, id, true, fx);
    }
    state.held.list = None;
    true
}

/// After a restart: held sales go back to the list, not onto the screen. Returns the other orders.
pub(super) fn restore(state: &mut State, orders: Vec<Order>) -> Vec<Order> {
    let (held, rest): (Vec<Order>, Vec<Order>) = orders.into_iter().partition(|o| {
        o.hold.as_ref().is_some_and(|h| h.discarded.is_none())
            && o.status == OrderStatus::Open
            && !o.has_open_work()
            && !o.has_paid_parts()
    });
    state.held.sales = held;
    state.held.sales.sort_by_key(|o| o.hold.as_ref().map(|h| h.number));
    rest
}

/// A held sale as the list and the reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldSummary {
    pub number: u32,
    pub held_at: Millis,
    pub operator: String,
    pub items: u32,
    pub total: Fen,
    /// When it was discarded, for the Z report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discarded_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub discarded_by: String,
}

impl HeldSummary {
    pub fn of(order: &Order) -> Option<HeldSummary> {
        let hold = order.hold.as_ref()?;
        Some(HeldSummary {
            number: hold.number,
            held_at: hold.at,
            operator: hold.by.clone(),
            items: order.item_count(),
            total: order.total(),
            discarded_at: hold.discarded.as_ref().map(|d| d.at),
            discarded_by: hold.discarded.as_ref().map(|d| d.by.clone()).unwrap_or_default(),
        })
    }
}
