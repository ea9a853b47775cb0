//! The supervisor-PIN overlay opened by [`State::authorize`]: a supervisor's number (filled in when
//! the shop has only one), then their PIN; once verified, the action asked for goes on.

use super::signin::normalise;
use super::{
    Action, AuditEvent, AuthEffect, AuthNotice, Check, Grant, PIN_MAX, Pending, Pin, Prompt, Role, right_pin, say,
    type_digit, wrong_pin,
};
use crate::core::{Effect, Event, Key, Msg, State};

pub(super) fn open(state: &mut State, action: Action, then: Msg) {
    let supervisors: Vec<String> = state.auth.supervisors().map(|o| o.number.clone()).collect();
    let only = match supervisors.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    state.auth.prompt = Some(Prompt {
        action,
        then: Box::new(then),
        screen: state.screen.clone(),
        at_pin: only.is_some(),
        number: only.unwrap_or_default(),
        pin: String::new(),
    });
    state.notice = Some(say(AuthNotice::SupervisorNeeded { action }));
}

pub(crate) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(prompt) = state.auth.prompt.as_mut() else { return };
    let field = if prompt.at_pin { &mut prompt.pin } else { &mut prompt.number };
    if type_digit(field, key, PIN_MAX) {
        return;
    }
    match key {
        Key::Esc => {
            state.auth.prompt = None;
            state.notice = Some(say(AuthNotice::Cancelled));
        }
        Key::Enter if !prompt.at_pin && !prompt.number.is_empty() => {
            let number = normalise(&prompt.number);
            prompt.number = number.clone();
            if let Some(refused) = refusal(state, &number) {
                if let Some(p) = state.auth.prompt.as_mut() {
                    p.number.clear();
                }
                return crate::core::notice::refuse(state, refused, fx);
            }
            if let Some(p) = state.auth.prompt.as_mut() {
                p.at_pin = true;
            }
        }
        Key::Enter if prompt.at_pin && !prompt.pin.is_empty() => {
            let number = prompt.number.clone();
            let pin = Pin::new(std::mem::take(&mut prompt.pin));
            if let Some(refused) = refusal(state, &number) {
                return crate::core::notice::refuse(state, refused, fx);
            }
            let Some(hash) = state.auth.operator(&number).map(|o| o.pin_hash.clone()) else { return };
            state.auth.checking = Some(Check { number: number.clone(), why: Pending::Supervisor });
            fx.push(Effect::Auth(AuthEffect::VerifyPin { number, pin, hash }));
        }
        _ => {}
    }
}

/// Why `number` cannot approve now: unknown, disabled, locked out, or not a supervisor.
fn refusal(state: &State, number: &str) -> Option<crate::core::Notice> {
    super::refusal(state, number).or_else(|| {
        let supervisor = state.auth.operator(number).is_some_and(|o| o.role == Role::Supervisor);
        (!supervisor).then(|| say(AuthNotice::NotASupervisor { number: number.into() }))
    })
}

/// The supervisor's PIN was checked: approve and go on with the action, or count a wrong PIN.
pub(super) fn on_checked(state: &mut State, number: &str, ok: bool, fx: &mut Vec<Effect>) {
    let Some(prompt) = state.auth.prompt.take_if(|p| p.number == number) else { return };
    if !ok {
        let notice = wrong_pin(state, number, fx);
        let locked = super::refusal(state, number).is_some();
        // Locked out: another supervisor may still approve.
        let only = state.auth.supervisors().count() == 1;
        let number = if locked && !only { String::new() } else { prompt.number.clone() };
        state.auth.prompt = Some(Prompt { at_pin: !number.is_empty(), number, pin: String::new(), ..prompt });
        state.notice = Some(notice);
        return;
    }
    right_pin(state, number, fx);
    let approved = AuditEvent::SupervisorApproved { action: prompt.action, supervisor: number.to_string() };
    fx.push(state.audit(approved));
    if state.screen != prompt.screen {
        state.notice = Some(say(AuthNotice::ScreenChanged));
        return;
    }
    state.notice = None;
    state.auth.grant = Some(Grant { action: prompt.action, supervisor: number.to_string() });
    fx.extend(crate::core::update(state, Event { at: state.now, msg: *prompt.then }));
    state.auth.grant = None;
}
