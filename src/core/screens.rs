//! Which screen is up, in one place: a base screen and the modals stacked over it, bottom to top.
//!
//! The core routes every key and scan to the top of this stack ([`on_key`], [`on_scan`]), `ui::view`
//! draws it from the highest full screen up, and `ui::keys` hints the top's keys: the overlay order
//! is written here once. Each layer's sub-state stays where it was kept (named on each variant), so
//! the stack is read from the state, never stored beside it, and cannot disagree with it.

use super::auth::{self, AuthNotice};
use super::intent::{Intent, On};
use super::notice::{Notice, refuse};
use super::{
    Effect, Key, Screen, State, configure, held, help, maintenance, members, no_receipt, office, qr, sale, stocktake,
};

/// The screen under every modal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Nobody is signed in: the sign-in screen (`Auth::signin`).
    SignIn,
    /// The till's screens for a signed-in cashier: sale, pay, done, lookup, office… (`State::screen`).
    Till,
}

/// A screen over the base one, in stacking order (a later variant is drawn over an earlier one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Modal {
    /// The QR the customer scans, over the tender screen (`State::qr`, see [`super::qr`]).
    Qr,
    /// The maintenance menu, F12 (`State::maintenance`).
    Maintenance,
    /// The operators list, from the maintenance menu (`Auth::admin`).
    Operators,
    /// The audit log, from the maintenance menu (`Auth::audit`).
    Audit,
    /// The signed-in operator changing their PIN, F4 (`Auth::change`).
    PinChange,
    /// The list of held sales, 取单 (`Held::list`).
    HeldSales,
    /// A return without a receipt being entered (`State::no_receipt`).
    NoReceiptReturn,
    /// A goods-in or stock-count sheet (`State::stock_sheet`, see [`super::stocktake`]).
    StockSheet,
    /// The cashier's discount being entered (`State::discount_entry`).
    DiscountEntry,
    /// A member looked up for the sale (`Members::view`, see [`members`]).
    Member,
    /// The customer typing their member PIN for a stored-value spend (`SvTill::asking`).
    StoredValuePin,
    /// A member being created or edited (`Members::form`, see [`super::member_form`]).
    MemberForm,
    /// A supervisor's PIN asked for an action (`Auth::prompt`).
    SupervisorPrompt,
    /// The help, `?` (`State::help`).
    Help,
}

impl Modal {
    /// Drawn over the whole screen (top bar to status line), hiding what is under it; the others
    /// are boxes over the body.
    pub fn is_full_screen(self) -> bool {
        matches!(self, Modal::Qr | Modal::Maintenance | Modal::Operators | Modal::Audit | Modal::PinChange)
    }
}

/// What is up, bottom to top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    pub base: Base,
    /// In [`Modal`]'s order.
    pub modals: Vec<Modal>,
}

/// The top of the stack: what takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Top {
    Base(Base),
    Modal(Modal),
}

impl Stack {
    pub fn top(&self) -> Top {
        self.modals.last().map_or(Top::Base(self.base), |m| Top::Modal(*m))
    }

    /// The highest full screen (or the base) and the box modals over it: what is drawn, in order.
    pub fn visible(&self) -> (Top, &[Modal]) {
        match self.modals.iter().rposition(|m| m.is_full_screen()) {
            Some(i) => (Top::Modal(self.modals[i]), &self.modals[i + 1..]),
            None => (Top::Base(self.base), &self.modals),
        }
    }
}

/// The stack of `state`.
pub fn stack(state: &State) -> Stack {
    let base = if state.auth.session.is_none() { Base::SignIn } else { Base::Till };
    let open = [
        (Modal::Qr, state.qr.is_some() && state.auth.session.is_some()),
        (Modal::Maintenance, state.maintenance.is_some()),
        (Modal::Operators, state.auth.admin.is_some()),
        (Modal::Audit, state.auth.audit.is_some()),
        (Modal::PinChange, state.auth.change.is_some()),
        (Modal::HeldSales, state.held.list.is_some()),
        (Modal::NoReceiptReturn, state.no_receipt.is_some()),
        (Modal::StockSheet, state.stock_sheet.as_ref().is_some_and(|s| !s.parked)),
        (Modal::DiscountEntry, state.discount_entry.is_some()),
        (Modal::Member, state.members.view.is_some()),
        (
            Modal::StoredValuePin,
            state.stored_value.asking.as_ref().is_some_and(|a| a.typing) || state.stored_value.new_pin.is_some(),
        ),
        (Modal::MemberForm, state.members.form.is_some()),
        (Modal::SupervisorPrompt, state.auth.prompt.is_some()),
        (Modal::Help, state.help),
    ];
    Stack { base, modals: open.into_iter().filter(|(_, up)| *up).map(|(m, _)| m).collect() }
}

/// A key goes to the top of the stack (`?` opens the help over any screen that is not typing text).
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    if help::on_key(state, key) {
        return;
    }
    if state.auth.checking.is_some() {
        return; // a PIN is being checked (tens of milliseconds): keys wait for nothing
    }
    match stack(state).top() {
        Top::Modal(Modal::Help) => {} // taken by `help::on_key` above
        Top::Modal(Modal::SupervisorPrompt) => auth::prompt::on_key(state, key, fx),
        Top::Modal(Modal::PinChange) => auth::own_pin::on_key(state, key, fx),
        Top::Modal(Modal::HeldSales) => held::on_key(state, key, fx),
        Top::Modal(Modal::NoReceiptReturn) => no_receipt::on_key(state, key, fx),
        Top::Modal(Modal::StockSheet) => stocktake::on_key(state, key, fx),
        Top::Modal(Modal::DiscountEntry) => super::discount_entry::on_key(state, key, fx),
        Top::Modal(Modal::Member) => members::on_key(state, key, fx),
        Top::Modal(Modal::StoredValuePin) => super::sv_till::on_key(state, key, fx),
        Top::Modal(Modal::MemberForm) => super::member_form::on_key(state, key, fx),
        Top::Modal(Modal::Operators | Modal::Audit) => auth::admin::on_key(state, key, fx),
        Top::Modal(Modal::Maintenance) => maintenance::on_key(state, key, fx),
        Top::Modal(Modal::Qr) => qr::on_key(state, key, fx),
        Top::Base(Base::SignIn) => match state.keymap.intent(On::SignIn, key) {
            Some(Intent::OpenMaintenance) => maintenance::open(state, fx),
            _ => auth::signin::on_key(state, key, fx),
        },
        Top::Base(Base::Till) => on_till_key(state, key, fx),
    }
}

/// The base screen's keys: the office's screens use the function keys themselves; elsewhere the
/// staff intents of the key map (sign out, maintenance, my PIN) are taken here, and the rest of
/// the keys go to the screen.
fn on_till_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    if state.screen == Screen::Office {
        return office::on_key(state, key, fx);
    }
    match state.keymap.intent(On::of(state), key) {
        Some(staff @ (Intent::SignOut | Intent::OpenMaintenance | Intent::ChangePin)) => on_staff(state, staff, fx),
        _ if matches!(state.screen, Screen::Confirm(_)) => configure::on_key(state, key, fx),
        _ => sale::on_key(state, key, fx),
    }
}

/// Sign out, the maintenance menu and my PIN: only from an empty sale screen.
fn on_staff(state: &mut State, intent: Intent, fx: &mut Vec<Effect>) {
    let empty_sale = state.screen == Screen::Sale && state.sale.lines.is_empty() && state.input.is_empty();
    match intent {
        _ if !empty_sale => refuse(state, say(AuthNotice::FinishSaleFirst), fx),
        // In training the maintenance key is the way out of it (a supervisor's approval).
        Intent::OpenMaintenance if state.training.is_some() => super::training::ask(state, false, fx),
        Intent::SignOut => auth::signin::sign_out(state, fx),
        Intent::OpenMaintenance => maintenance::open(state, fx),
        Intent::ChangePin => auth::own_pin::open(state, fx),
        _ => {}
    }
}

/// An intent (a script's, or a supervisor's approval replayed) goes to the top of the stack like
/// the key that means it; a modal on top takes none.
pub(super) fn on_act(state: &mut State, intent: Intent, fx: &mut Vec<Effect>) {
    let staff = matches!(intent, Intent::SignOut | Intent::OpenMaintenance | Intent::ChangePin);
    match stack(state).top() {
        Top::Base(Base::SignIn) if intent == Intent::OpenMaintenance => maintenance::open(state, fx),
        Top::Modal(Modal::Qr) if matches!(intent, Intent::QrWallet { .. }) => {
            qr::on_intent(state, &intent, fx);
        }
        Top::Base(Base::Till) if staff => on_staff(state, intent, fx),
        Top::Base(Base::Till) if !matches!(state.screen, Screen::Office | Screen::Confirm(_)) => {
            sale::on_intent(state, intent, fx)
        }
        _ => refuse(state, say(AuthNotice::NotNow), fx),
    }
}

/// A scanned code goes to the top of the stack too (the help closes first: the scanner is not the
/// keyboard). Only the maintenance menu's scanner test and the till's screens take one.
pub(super) fn on_scan(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    state.help = false;
    match stack(state).top() {
        Top::Modal(Modal::Maintenance) => maintenance::on_scan(state, code, fx),
        Top::Modal(Modal::NoReceiptReturn) => no_receipt::on_scan(state, code, fx),
        Top::Modal(Modal::StockSheet) => stocktake::on_scan(state, code, fx),
        Top::Modal(Modal::MemberForm) => super::member_form::on_scan(state, code),
        Top::Modal(_) => refuse(state, say(AuthNotice::NotNow), fx),
        Top::Base(Base::SignIn) => refuse(state, say(AuthNotice::SignInFirst), fx),
        Top::Base(Base::Till) => match state.screen {
            Screen::Confirm(_) => refuse(state, say(AuthNotice::NotNow), fx),
            Screen::Office => {}
            _ => sale::on_code(state, code, fx),
        },
    }
}

fn say(n: AuthNotice) -> Notice {
    Notice::Auth(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_is_the_last_modal_and_the_highest_full_screen_hides_what_is_under_it() {
        let s = Stack { base: Base::Till, modals: vec![Modal::Maintenance, Modal::Operators, Modal::SupervisorPrompt] };
        assert_eq!(s.top(), Top::Modal(Modal::SupervisorPrompt));
        assert_eq!(s.visible(), (Top::Modal(Modal::Operators), &[Modal::SupervisorPrompt][..]));
        let s = Stack { base: Base::SignIn, modals: vec![Modal::Help] };
        assert_eq!(s.top(), Top::Modal(Modal::Help));
        assert_eq!(s.visible(), (Top::Base(Base::SignIn), &[Modal::Help][..]));
        assert_eq!(Stack { base: Base::Till, modals: vec![] }.top(), Top::Base(Base::Till));
    }
}
