//! Operators, sign-in (签到) and sign-out (签退), lockout, and the supervisor's PIN.
//!
//! The core never sees a hash function or a random number: a PIN typed here leaves as
//! [`AuthEffect::VerifyPin`] / [`AuthEffect::HashPin`], `app` runs argon2 off the render loop, and the
//! outcome comes back as [`AuthMsg::PinChecked`] / [`AuthMsg::PinHashed`]. PINs live only in memory
//! while typed and on their way to be hashed or checked ([`Pin`] never prints itself).
//!
//! # Asking for a supervisor: [`State::authorize`]
//!
//! An action that needs a supervisor (a refund, a settings change, closing the day, …) calls
//!
//! ```ignore
//! if !state.authorize(Action::Refund, Msg::Act(Intent::Refund { amount: "1.50".into() })) {
//!     return; // a supervisor-PIN prompt is open; nothing else happens now
//! }
//! // ... do the action ...
//! ```
//!
//! `authorize` returns `true` at once when the action is not in the shop's `supervisor_for` list
//! (for the configurable ones), when the operator signed in is a supervisor, or when a supervisor
//! has just approved this very action (the grant is used up by this call). Otherwise it opens the
//! prompt overlay, remembers `then`, and returns `false`. Once a supervisor's number and PIN are
//! verified, the core applies `then` as if it had just arrived — with the grant in force — so the
//! handler runs again, calls `authorize` again, gets `true` and goes on. `then` is any [`Msg`]:
//! the intent that started the action (`Msg::Act`, see `core::intent`), the office's message, or
//! the `Msg::Approve` of an approval; never a keystroke. Esc on the prompt drops it; so does a
//! change of screen while it was open.
//! Each approval is written to the audit log with the supervisor's number.

pub(super) mod admin;
pub(crate) mod notice;
pub(super) mod own_pin;
#[cfg(test)]
mod own_pin_tests;
pub(super) mod prompt;
pub(super) mod signin;
#[cfg(test)]
mod tests;
mod types;

pub use admin::{AuditView, NAME_MAX, OperatorForm, OperatorsView};
pub use notice::AuthNotice;
pub use own_pin::{PinChange, PinChangeStep};
pub use signin::{SignIn, SignInStep, lockout_minutes};
pub use types::*;

use super::clock::Millis;
use super::notice::Notice;
use super::{Effect, Key, Msg, Screen, State};
use serde::{Deserialize, Serialize};

/// What `app` tells the core about operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthMsg {
    /// The store's operators, once at start (before `Restored`).
    Loaded { operators: Vec<Operator> },
    /// The answer to [`AuthEffect::VerifyPin`].
    PinChecked { number: String, ok: bool },
    /// The answer to [`AuthEffect::HashPin`].
    PinHashed { number: String, hash: PinHash },
    /// An operator record could not be written (the change is not in force).
    SaveFailed { why: super::SaveFailure },
    /// The audit log, newest first, for the supervisor's screen.
    Audit { entries: Vec<AuditEntry> },
    /// Records the back office does not have yet (0 when there is no back office).
    Unsynced { count: usize },
}

/// What the core asks of `app` about operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthEffect {
    VerifyPin {
        number: String,
        pin: Pin,
        hash: PinHash,
    },
    /// Hash a new PIN with a fresh salt.
    HashPin {
        number: String,
        pin: Pin,
    },
    /// Write the operator record (flushed).
    Save(Operator),
    /// Append to the audit log (flushed).
    Audit(AuditEntry),
    /// Read the audit log (answered with [`AuthMsg::Audit`]).
    LoadAudit,
}

/// Why a PIN is being checked or hashed: where the answer goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pending {
    SignIn,
    Supervisor,
    /// The operator signing in chose a new PIN.
    NewPin,
    /// A supervisor set a PIN for an operator (new or reset).
    SetPin {
        new: Option<Operator>,
    },
    /// The operator signed in typed their current PIN to change it…
    OwnCurrent,
    /// …and chose a new one.
    OwnNew,
}

/// A PIN on its way to be checked or hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub number: String,
    pub why: Pending,
}

/// The supervisor-PIN overlay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub action: Action,
    /// Applied once a supervisor approves.
    pub then: Box<Msg>,
    /// The screen the action was asked on; if it changed meanwhile, `then` is dropped.
    pub screen: Screen,
    pub number: String,
    pub pin: String,
    /// Typing the PIN (after the number).
    pub at_pin: bool,
}

/// A supervisor's approval of one action, used up by the next [`State::authorize`] of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub action: Action,
    pub supervisor: String,
}

/// Everything about operators the till holds while it runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Auth {
    pub policy: Policy,
    /// By number.
    pub operators: Vec<Operator>,
    pub session: Option<Session>,
    pub signin: SignIn,
    pub prompt: Option<Prompt>,
    pub checking: Option<Check>,
    pub grant: Option<Grant>,
    /// Back-office records not yet delivered (from the sync task).
    pub unsynced: usize,
    /// The operator management screen, when open.
    pub admin: Option<OperatorsView>,
    /// The audit log screen, when open.
    pub audit: Option<AuditView>,
    /// The operator signed in is changing their PIN.
    #[serde(default)]
    pub change: Option<PinChange>,
}

impl Auth {
    pub fn operator(&self, number: &str) -> Option<&Operator> {
        self.operators.iter().find(|o| o.number == number)
    }

    fn operator_mut(&mut self, number: &str) -> Option<&mut Operator> {
        self.operators.iter_mut().find(|o| o.number == number)
    }

    fn put(&mut self, op: Operator) {
        match self.operators.iter_mut().find(|o| o.number == op.number) {
            Some(slot) => *slot = op,
            None => {
                self.operators.push(op);
                self.operators.sort_by(|a, b| a.number.cmp(&b.number));
            }
        }
    }

    pub fn signed_in(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Enabled supervisors: the prompt asks for none but a number when there is only one.
    fn supervisors(&self) -> impl Iterator<Item = &Operator> {
        self.operators.iter().filter(|o| o.role == Role::Supervisor && !o.disabled)
    }
}

impl State {
    /// Whether `action` may go on now; if not, opens the supervisor-PIN prompt and applies `then`
    /// once a supervisor approves. See the [module documentation](self) for the protocol.
    pub fn authorize(&mut self, action: Action, then: Msg) -> bool {
        // The approval in force while `then` is applied (cleared right after it).
        if self.auth.grant.as_ref().is_some_and(|g| g.action == action) {
            return true;
        }
        if action.configurable() && !self.auth.policy.supervisor_for.contains(&action) {
            return true;
        }
        if self.auth.session.as_ref().is_some_and(|s| s.role == Role::Supervisor) {
            return true;
        }
        prompt::open(self, action, then);
        false
    }

    /// Like [`State::authorize`], but only a supervisor's PIN typed for this very action lets it go
    /// on: not the shop's policy, not a supervisor signed in (configuration scans).
    pub fn authorize_now(&mut self, action: Action, then: Msg) -> bool {
        if self.auth.grant.as_ref().is_some_and(|g| g.action == action) {
            return true;
        }
        prompt::open(self, action, then);
        false
    }

    /// The supervisor who approved the action being done now, if one was asked.
    pub fn approver(&self) -> Option<&str> {
        self.auth.grant.as_ref().map(|g| g.supervisor.as_str())
    }

    /// An audit entry by whoever acts now: the operator signed in, else the supervisor who opened
    /// the maintenance menu.
    pub fn audit(&self, event: AuditEvent) -> Effect {
        let operator = match (&self.auth.session, &self.maintenance) {
            (Some(s), _) => s.number.clone(),
            (None, Some(m)) => m.by.clone(),
            (None, None) => String::new(),
        };
        Effect::Auth(AuthEffect::Audit(AuditEntry { at: self.now, operator, event }))
    }
}

pub(super) fn on_msg(state: &mut State, msg: AuthMsg, fx: &mut Vec<Effect>) {
    match msg {
        AuthMsg::Loaded { mut operators } => {
            operators.sort_by(|a, b| a.number.cmp(&b.number));
            state.auth.operators = operators;
            if let Some(number) = state.auth.policy.auto_sign_in.clone() {
                signin::auto_sign_in(state, &number, fx);
            }
        }
        AuthMsg::PinChecked { number, ok } => {
            let Some(check) = state.auth.checking.take_if(|c| c.number == number) else { return };
            match check.why {
                Pending::SignIn => signin::on_checked(state, &number, ok, fx),
                Pending::Supervisor => prompt::on_checked(state, &number, ok, fx),
                Pending::OwnCurrent => own_pin::on_checked(state, &number, ok, fx),
                Pending::NewPin | Pending::SetPin { .. } | Pending::OwnNew => {}
            }
        }
        AuthMsg::PinHashed { number, hash } => {
            let Some(check) = state.auth.checking.take_if(|c| c.number == number) else { return };
            match check.why {
                Pending::NewPin => signin::on_new_pin_hashed(state, &number, hash, fx),
                Pending::SetPin { new } => admin::on_pin_set(state, &number, new, hash, fx),
                Pending::OwnNew => own_pin::on_hashed(state, &number, hash, fx),
                Pending::SignIn | Pending::Supervisor | Pending::OwnCurrent => {}
            }
        }
        AuthMsg::SaveFailed { why } => {
            // A PIN that could not be hashed is not waited for any longer: it is typed again.
            if state
                .auth
                .checking
                .as_ref()
                .is_some_and(|c| matches!(c.why, Pending::NewPin | Pending::SetPin { .. } | Pending::OwnNew))
            {
                state.auth.checking = None;
            }
            super::notice::refuse(state, Notice::StoreFailed { why }, fx)
        }
        AuthMsg::Audit { entries } => {
            if let Some(view) = state.auth.audit.as_mut() {
                view.entries = Some(entries);
            }
        }
        AuthMsg::Unsynced { count } => state.auth.unsynced = count,
    }
}

/// Records a wrong PIN for `number`: after [`MAX_FAILURES`] in a row the operator is locked out
/// for longer each time. Returns the notice for the cashier.
fn wrong_pin(state: &mut State, number: &str, fx: &mut Vec<Effect>) -> Notice {
    let now = state.now;
    let Some(op) = state.auth.operator_mut(number) else { return say(AuthNotice::WrongPin { left: 0 }) };
    op.failures += 1;
    let entry = |event| Effect::Auth(AuthEffect::Audit(AuditEntry { at: now, operator: number.into(), event }));
    fx.push(entry(AuditEvent::SignInFailed));
    let notice = if op.failures >= MAX_FAILURES {
        op.failures = 0;
        op.lockouts += 1;
        let minutes = lockout_minutes(op.lockouts);
        op.locked_until = Some(now.plus_secs(minutes * 60));
        fx.push(entry(AuditEvent::LockedOut { minutes }));
        say(AuthNotice::LockedOut { number: number.into(), minutes })
    } else {
        say(AuthNotice::WrongPin { left: MAX_FAILURES - op.failures })
    };
    fx.push(Effect::Auth(AuthEffect::Save(op.clone())));
    fx.push(Effect::Beep(super::Beep::Error));
    notice
}

/// A right PIN: the count of wrong ones starts again.
fn right_pin(state: &mut State, number: &str, fx: &mut Vec<Effect>) {
    if let Some(op) = state.auth.operator_mut(number)
        && (op.failures > 0 || op.lockouts > 0 || op.locked_until.is_some())
    {
        op.failures = 0;
        op.lockouts = 0;
        op.locked_until = None;
        fx.push(Effect::Auth(AuthEffect::Save(op.clone())));
    }
}

/// Why `number` cannot give a PIN now, if it cannot.
fn refusal(state: &State, number: &str) -> Option<Notice> {
    let Some(op) = state.auth.operator(number) else {
        return Some(say(AuthNotice::NoSuchOperator { number: number.into() }));
    };
    if op.disabled {
        return Some(say(AuthNotice::OperatorDisabled { number: number.into() }));
    }
    op.locked_at(state.now)
        .map(|until| say(AuthNotice::LockedOut { number: number.into(), minutes: minutes_left(state.now, until) }))
}

/// Whole minutes until `until`, rounded up.
pub fn minutes_left(now: Millis, until: Millis) -> i64 {
    (until.since(now).max(0) + 59_999) / 60_000
}

/// A digit typed into a PIN or number field of at most `max` digits.
fn type_digit(field: &mut String, key: Key, max: usize) -> bool {
    match key {
        Key::Char(c) if c.is_ascii_digit() && field.len() < max => {
            field.push(c);
            true
        }
        Key::Backspace => {
            field.pop();
            true
        }
        _ => false,
    }
}

/// A new PIN is 4–8 digits.
fn valid_pin(pin: &str) -> bool {
    (PIN_MIN..=PIN_MAX).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Why `new` cannot be the PIN an operator chooses (4–8 digits, not the fresh till's 0000, not the
/// PIN it replaces), if it cannot.
fn new_pin_problem(new: &str, old: Option<&Pin>) -> Option<AuthNotice> {
    if !valid_pin(new) {
        return Some(AuthNotice::PinFormat);
    }
    if old.is_some_and(|o| o.expose() == new) {
        return Some(AuthNotice::SamePin);
    }
    (new == FIRST_PIN).then_some(AuthNotice::PinNotAllowed)
}

fn say(n: AuthNotice) -> Notice {
    Notice::Auth(n)
}
