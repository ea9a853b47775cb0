//! A member's PIN set at a top-up (储值充值时设置会员密码): when the member on a top-up has no PIN
//! yet, the dots box asks the customer for a new one, twice; the app keeps only its argon2id hash,
//! and only if the member still has none (a PIN already set is changed only with
//! `till members pin`). The PINs typed are never shown, kept in a log or sent anywhere but the app's
//! hash.
//!
//! Why at a top-up: the customer is there, and it is the moment they first have a balance to
//! protect. The members CSV never carries PINs (a column of PINs in a spreadsheet is every PIN
//! leaked); a shop that migrates members sets them one by one with `till members pin`, or lets
//! each member set theirs at their next top-up.

use super::notice::{Notice, refuse};
use super::stored_value::SvNotice;
use super::sv_till::{PIN_MAX, Pin, SvEffect};
use super::{Beep, Effect, Key, State};
use serde::{Deserialize, Serialize};

/// The shortest PIN taken.
pub const PIN_MIN: usize = 4;

/// The new PIN being typed: the first time, then again (`first` kept to compare).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPin {
    pub ticket: u32,
    pub member: String,
    pub first: Option<Pin>,
    pub pin: Pin,
    /// The PIN is with the app, being hashed and kept.
    pub saving: bool,
}

fn say(n: SvNotice) -> Notice {
    Notice::StoredValue(n)
}

/// A top-up was rung up for `member`: ask the app whether they have a PIN.
pub(super) fn ask(state: &mut State, member: String, fx: &mut Vec<Effect>) {
    state.stored_value.pin_ticket = state.stored_value.pin_ticket.wrapping_add(1);
    let ticket = state.stored_value.pin_ticket;
    fx.push(Effect::StoredValue(SvEffect::HasPin { ticket, member }));
}

/// The app's answer: with no PIN yet (and the top-up still on screen), the box opens.
pub(super) fn has_pin(state: &mut State, ticket: u32, set: bool) {
    let member = state.sale.top_up.as_ref().map(|t| t.member.clone());
    let (Some(member), false) = (member, set) else { return };
    if ticket != state.stored_value.pin_ticket || state.sale.has_paid_parts() {
        return;
    }
    state.stored_value.new_pin = Some(NewPin { ticket, member, first: None, pin: Pin::default(), saving: false });
}

/// Keys while the new PIN is typed: digits, Backspace, Enter (first, then again), Esc to skip.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(n) = state.stored_value.new_pin.as_mut().filter(|n| !n.saving) else { return };
    match key {
        Key::Char(c) if c.is_ascii_digit() && n.pin.0.len() < PIN_MAX => n.pin.0.push(c),
        Key::Backspace => {
            n.pin.0.pop();
        }
        Key::Enter if n.pin.0.len() < PIN_MIN => refuse(state, say(SvNotice::PinTooShort), fx),
        Key::Enter => match n.first.take() {
            None => n.first = Some(std::mem::take(&mut n.pin)),
            Some(first) if first == n.pin => {
                n.saving = true;
                let pin = std::mem::take(&mut n.pin);
                fx.push(Effect::StoredValue(SvEffect::SetPin { ticket: n.ticket, member: n.member.clone(), pin }));
            }
            Some(_) => {
                n.pin = Pin::default();
                refuse(state, say(SvNotice::PinsDiffer), fx);
            }
        },
        Key::Esc => state.stored_value.new_pin = None,
        _ => {}
    }
}

/// The app kept the PIN (`Ok(true)`), found one already set (`Ok(false)`), or could not.
pub(super) fn pin_set(state: &mut State, ticket: u32, result: Result<bool, String>, fx: &mut Vec<Effect>) {
    if state.stored_value.new_pin.as_ref().is_none_or(|n| n.ticket != ticket) {
        return;
    }
    state.stored_value.new_pin = None;
    match result {
        Ok(true) => {
            state.notice = Some(say(SvNotice::PinSet));
            fx.push(Effect::Beep(Beep::Success));
        }
        Ok(false) => state.notice = Some(say(SvNotice::PinKept)),
        Err(reason) => refuse(state, Notice::Member(super::members::MemberNotice::Failed { reason }), fx),
    }
}
