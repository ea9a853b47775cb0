//! Sign-in (签到: operator number, then PIN), the forced PIN change, lockout, and sign-out (签退).

use super::{
    AuditEntry, AuditEvent, AuthEffect, AuthNotice, Check, PIN_MAX, Pending, Pin, PinHash, Session, new_pin_problem,
    right_pin, say, type_digit, wrong_pin,
};
use crate::core::intent::Intent;
use crate::core::log::Log;
use crate::core::{Action, Beep, Effect, Key, Msg, State};
use serde::{Deserialize, Serialize};

/// Lockout after the `n`-th run of wrong PINs: 1, 2, 4, 8, … minutes, at most an hour.
pub fn lockout_minutes(n: u32) -> i64 {
    (1i64 << n.saturating_sub(1).min(6)).min(60)
}

/// The longest operator number typed.
const NUMBER_MAX: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SignInStep {
    #[default]
    Number,
    Pin,
    /// The PIN was right but set by someone else: type a new one…
    NewPin,
    /// …and again.
    ConfirmPin,
}

/// The sign-in screen's form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SignIn {
    pub step: SignInStep,
    pub number: String,
    /// What is being typed now (shown masked in the PIN steps).
    pub entry: String,
    /// The PIN just verified, kept only until the new one is chosen (it must differ).
    pub old_pin: Option<Pin>,
    /// The new PIN's first entry.
    pub new_pin: Option<Pin>,
    /// F4 before the PIN is checked: once it is right, the operator chooses a new PIN of their own
    /// (twice), as at a first sign-in. For an operator who cannot sign in to reach F4 on the sale
    /// screen, or prefers to change it on the way in.
    #[serde(default)]
    pub change_pin: bool,
}

/// A number as typed: `1` is operator `01`.
pub(super) fn normalise(number: &str) -> String {
    if number.len() == 1 { format!("0{number}") } else { number.to_string() }
}

pub(crate) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let form = &mut state.auth.signin;
    let max = if form.step == SignInStep::Number { NUMBER_MAX } else { PIN_MAX };
    if type_digit(&mut form.entry, key, max) {
        return;
    }
    match key {
        Key::Esc => {
            state.auth.signin = SignIn::default();
            state.notice = None;
        }
        Key::Enter => on_enter(state, fx),
        Key::F(4) if matches!(form.step, SignInStep::Number | SignInStep::Pin) => {
            form.change_pin = !form.change_pin;
            state.notice = None;
        }
        _ => {}
    }
}

fn on_enter(state: &mut State, fx: &mut Vec<Effect>) {
    let form = &mut state.auth.signin;
    let entry = std::mem::take(&mut form.entry);
    if entry.is_empty() {
        return;
    }
    match form.step {
        SignInStep::Number => {
            let number = normalise(&entry);
            if let Some(refused) = super::refusal(state, &number) {
                state.auth.signin.number = number; // a lockout's countdown stays on screen
                return crate::core::notice::refuse(state, refused, fx);
            }
            state.auth.signin.number = number;
            state.auth.signin.step = SignInStep::Pin;
            state.notice = None;
        }
        SignInStep::Pin => {
            let number = form.number.clone();
            if let Some(refused) = super::refusal(state, &number) {
                state.auth.signin = SignIn::default();
                return crate::core::notice::refuse(state, refused, fx);
            }
            let Some(hash) = state.auth.operator(&number).map(|o| o.pin_hash.clone()) else { return };
            state.auth.signin.old_pin = Some(Pin::new(entry.clone()));
            state.auth.checking = Some(Check { number: number.clone(), why: Pending::SignIn });
            fx.push(Effect::Auth(AuthEffect::VerifyPin { number, pin: Pin::new(entry), hash }));
        }
        SignInStep::NewPin => {
            if let Some(problem) = new_pin_problem(&entry, form.old_pin.as_ref()) {
                return crate::core::notice::refuse(state, say(problem), fx);
            }
            form.new_pin = Some(Pin::new(entry));
            form.step = SignInStep::ConfirmPin;
            state.notice = None;
        }
        SignInStep::ConfirmPin => {
            let Some(first) = form.new_pin.take() else { return };
            if first.expose() != entry {
                form.step = SignInStep::NewPin;
                return crate::core::notice::refuse(state, say(AuthNotice::PinsDiffer), fx);
            }
            let number = form.number.clone();
            state.auth.checking = Some(Check { number: number.clone(), why: Pending::NewPin });
            fx.push(Effect::Auth(AuthEffect::HashPin { number, pin: first }));
        }
    }
}

/// The answer to the sign-in PIN.
pub(super) fn on_checked(state: &mut State, number: &str, ok: bool, fx: &mut Vec<Effect>) {
    if state.auth.signin.number != number || state.auth.signin.step != SignInStep::Pin {
        return;
    }
    if !ok {
        state.auth.signin.old_pin = None;
        state.notice = Some(wrong_pin(state, number, fx));
        if super::refusal(state, number).is_some() {
            state.auth.signin = SignIn::default(); // locked out: start again at the number
        }
        return;
    }
    right_pin(state, number, fx);
    if state.auth.operator(number).is_some_and(|o| o.must_change_pin) {
        state.auth.signin.step = SignInStep::NewPin;
        state.notice = Some(say(AuthNotice::ChooseNewPin));
        return;
    }
    if state.auth.signin.change_pin {
        // Asked for (F4): the form's "new PIN" row says what to do.
        state.auth.signin.step = SignInStep::NewPin;
        state.notice = None;
        return;
    }
    complete(state, number, fx);
}

/// The new PIN is hashed: it replaces the old one and the operator is signed in.
pub(super) fn on_new_pin_hashed(state: &mut State, number: &str, hash: PinHash, fx: &mut Vec<Effect>) {
    let Some(op) = state.auth.operator_mut(number) else { return };
    op.pin_hash = hash;
    op.must_change_pin = false;
    let saved = op.clone();
    fx.push(Effect::Auth(AuthEffect::Save(saved)));
    let entry = AuditEntry { at: state.now, operator: number.into(), event: AuditEvent::PinChanged };
    fx.push(Effect::Auth(AuthEffect::Audit(entry)));
    complete(state, number, fx);
    state.notice = Some(say(AuthNotice::PinChanged));
}

/// Signs `number` in: their number goes on every order and receipt from now on.
fn complete(state: &mut State, number: &str, fx: &mut Vec<Effect>) {
    let Some(op) = state.auth.operator(number) else { return };
    let session = Session {
        number: op.number.clone(),
        name: op.name.clone(),
        role: op.role,
        since: state.now,
        staff_id: op.platform_id().to_string(),
    };
    state.notice = Some(say(AuthNotice::SignedIn { number: session.number.clone(), name: session.name.clone() }));
    state.auth.session = Some(session);
    state.auth.signin = SignIn::default();
    // A sale already started (restored after a restart) keeps whoever rang it up.
    if state.sale.lines.is_empty() && state.sale.attempts.is_empty() {
        state.sale.operator = number.to_string();
    }
    fx.push(state.audit(AuditEvent::SignedIn));
    fx.push(Effect::Beep(Beep::Accepted));
}

/// Demo and tests: `[operators] auto_sign_in` signs this operator in without a PIN.
pub(super) fn auto_sign_in(state: &mut State, number: &str, fx: &mut Vec<Effect>) {
    if state.auth.operator(number).is_some_and(|o| !o.disabled) {
        complete(state, number, fx);
        state.notice = None;
        fx.retain(|e| !matches!(e, Effect::Beep(_)));
    } else {
        fx.push(Effect::Log(Log::AutoSignInUnknown { number: number.to_string() }));
    }
}

/// F9 on the empty sale screen. With back-office records unsynced or payments unresolved the
/// first F9 says how many; a second one asks a supervisor to override.
pub(crate) fn sign_out(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(number) = state.auth.session.as_ref().map(|s| s.number.clone()) else { return };
    let unresolved = unresolved(state);
    let unsynced = state.auth.unsynced;
    let overriding = unresolved + unsynced > 0;
    if overriding {
        let asked_again = matches!(state.notice, Some(crate::core::Notice::Auth(AuthNotice::SignOutBlocked { .. })))
            || state.auth.grant.as_ref().is_some_and(|g| g.action == Action::Override);
        if !asked_again {
            return crate::core::notice::refuse(state, say(AuthNotice::SignOutBlocked { unsynced, unresolved }), fx);
        }
        if !state.authorize(Action::Override, Msg::Act(Intent::SignOut)) {
            return;
        }
        fx.push(state.audit(AuditEvent::SignOutOverridden { unsynced, unresolved }));
    }
    fx.push(state.audit(AuditEvent::SignedOut));
    state.auth.session = None;
    state.auth.signin = SignIn::default();
    state.notice = Some(say(if overriding {
        AuthNotice::SignedOutOverride { number, unsynced, unresolved }
    } else {
        AuthNotice::SignedOut { number }
    }));
}

/// Payments and refunds whose outcome the till does not know yet.
pub fn unresolved(state: &State) -> usize {
    let refunds = state.background.iter().filter(|o| o.open_refund().is_some()).count();
    state.in_doubt_count() + refunds
}
