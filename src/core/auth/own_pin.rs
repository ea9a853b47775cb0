//! "Change my PIN": the operator signed in chooses a new PIN of their own (F4 on the empty sale
//! screen): the current PIN (checked off the render loop; a wrong one counts towards the lockout),
//! then the new one twice, under the same rules as the forced change at a first sign-in.

use super::{
    AuditEvent, AuthEffect, AuthNotice, Check, PIN_MAX, Pending, Pin, PinHash, new_pin_problem, right_pin, say,
    type_digit, wrong_pin,
};
use crate::core::{Beep, Effect, Key, State};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PinChangeStep {
    /// The PIN in force, to prove it is the operator at the till.
    #[default]
    Current,
    New,
    Confirm,
}

/// The change-my-PIN form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PinChange {
    pub step: PinChangeStep,
    /// What is being typed now (shown masked).
    pub entry: String,
    /// The current PIN once verified: the new one must differ. Kept only until the change is done.
    pub current: Option<Pin>,
    /// The new PIN's first entry.
    pub new_pin: Option<Pin>,
}

/// F4 on the empty sale screen.
pub(crate) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(number) = state.auth.session.as_ref().map(|s| s.number.clone()) else { return };
    if let Some(refused) = super::refusal(state, &number) {
        return crate::core::notice::refuse(state, refused, fx);
    }
    state.auth.change = Some(PinChange::default());
    state.notice = None;
}

pub(crate) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(form) = state.auth.change.as_mut() else { return };
    if type_digit(&mut form.entry, key, PIN_MAX) {
        return;
    }
    match key {
        Key::Esc => {
            state.auth.change = None;
            state.notice = Some(say(AuthNotice::Cancelled));
        }
        Key::Enter => on_enter(state, fx),
        _ => {}
    }
}

fn on_enter(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(number) = state.auth.session.as_ref().map(|s| s.number.clone()) else { return };
    let Some(form) = state.auth.change.as_mut() else { return };
    let entry = std::mem::take(&mut form.entry);
    if entry.is_empty() {
        return;
    }
    match form.step {
        PinChangeStep::Current => {
            if let Some(refused) = super::refusal(state, &number) {
                state.auth.change = None;
                return crate::core::notice::refuse(state, refused, fx);
            }
            let Some(hash) = state.auth.operator(&number).map(|o| o.pin_hash.clone()) else { return };
            if let Some(form) = state.auth.change.as_mut() {
                form.current = Some(Pin::new(entry.clone()));
            }
            state.auth.checking = Some(Check { number: number.clone(), why: Pending::OwnCurrent });
            fx.push(Effect::Auth(AuthEffect::VerifyPin { number, pin: Pin::new(entry), hash }));
        }
        PinChangeStep::New => {
            if let Some(problem) = new_pin_problem(&entry, form.current.as_ref()) {
                return crate::core::notice::refuse(state, say(problem), fx);
            }
            form.new_pin = Some(Pin::new(entry));
            form.step = PinChangeStep::Confirm;
            state.notice = None;
        }
        PinChangeStep::Confirm => {
            let Some(first) = form.new_pin.take() else { return };
            if first.expose() != entry {
                form.step = PinChangeStep::New;
                return crate::core::notice::refuse(state, say(AuthNotice::PinsDiffer), fx);
            }
            state.auth.checking = Some(Check { number: number.clone(), why: Pending::OwnNew });
            fx.push(Effect::Auth(AuthEffect::HashPin { number, pin: first }));
        }
    }
}

/// The answer to the current PIN.
pub(super) fn on_checked(state: &mut State, number: &str, ok: bool, fx: &mut Vec<Effect>) {
    let mine = state.auth.session.as_ref().is_some_and(|s| s.number == number);
    if !mine || state.auth.change.as_ref().is_none_or(|f| f.step != PinChangeStep::Current) {
        return;
    }
    if !ok {
        if let Some(form) = state.auth.change.as_mut() {
            form.current = None;
        }
        state.notice = Some(wrong_pin(state, number, fx));
        if super::refusal(state, number).is_some() {
            state.auth.change = None; // locked out: no more guesses until the lockout ends
        }
        return;
    }
    right_pin(state, number, fx);
    if let Some(form) = state.auth.change.as_mut() {
        form.step = PinChangeStep::New;
    }
    state.notice = None;
}

/// The new PIN is hashed: it replaces the old one.
pub(super) fn on_hashed(state: &mut State, number: &str, hash: PinHash, fx: &mut Vec<Effect>) {
    if state.auth.change.is_none() || state.auth.session.as_ref().is_none_or(|s| s.number != number) {
        return;
    }
    let Some(op) = state.auth.operator_mut(number) else { return };
    op.pin_hash = hash;
    op.must_change_pin = false;
    let saved = op.clone();
    fx.push(Effect::Auth(AuthEffect::Save(saved)));
    fx.push(state.audit(AuditEvent::PinChanged));
    fx.push(Effect::Beep(Beep::Success));
    state.auth.change = None;
    state.notice = Some(say(AuthNotice::OwnPinChanged));
}
