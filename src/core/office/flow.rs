//! Keys on the office screens and the app's answers.

use super::day::Day;
use super::report::Period;
use super::{OfficeEffect, OfficeMsg, OfficeNotice, Purpose, View, views};
use crate::core::notice::Notice;
use crate::core::notice::refuse;
use crate::core::{Beep, Effect, Key, Screen, State};

/// Longest reason or note, in characters.
pub(super) const MAX_TEXT: usize = 40;
/// Longest amount or date typed.
const MAX_DIGITS: usize = 21;

/// F5–F8 on the sale screen: shift, reports, journal, summary. Only with an empty cart.
pub fn open(state: &mut State, key: u8, fx: &mut Vec<Effect>) {
    if !state.sale.lines.is_empty() || state.screen != Screen::Sale {
        return refuse(state, Notice::FinishSaleFirst, fx);
    }
    if !state.office.restored {
        return refuse(state, Notice::Office(OfficeNotice::NotReady), fx);
    }
    state.input.clear();
    state.notice = None;
    state.screen = Screen::Office;
    let today = Day::of(state.now, state.settings.utc_offset_minutes);
    match key {
        5 => views::open_shift(state),
        6 => views::open_report(state, fx),
        7 => views::open_journal(state, today, Default::default(), fx),
        _ => views::open_summary(state, today, today, fx),
    }
}

/// Back to the sale screen; an answer still on its way is dropped (a day being closed is not).
pub(super) fn leave(state: &mut State) {
    state.screen = Screen::Sale;
    state.office.view = None;
    if state.office.waiting.is_some_and(|(_, p)| p != Purpose::CloseDay) {
        state.office.waiting = None;
    }
    state.input.clear();
    state.notice = None;
}

/// Asks the app for the orders of `period`.
pub(super) fn load(state: &mut State, purpose: Purpose, period: Period, fx: &mut Vec<Effect>) {
    let ticket = state.office.next_ticket;
    state.office.next_ticket += 1;
    state.office.waiting = Some((ticket, purpose));
    let carried = if matches!(purpose, Purpose::Report | Purpose::CloseDay) { state.office.carried() } else { vec![] };
    fx.push(Effect::Office(OfficeEffect::LoadOrders { ticket, period, carried }));
}

/// Typing: digits and a point for amounts and dates (a dash too, for a range of dates), any
/// printable character for reasons and notes.
pub(super) fn type_char(state: &mut State, c: char, free_text: bool) {
    let ok = if free_text {
        !c.is_control() && state.input.chars().count() < MAX_TEXT
    } else {
        (c.is_ascii_digit() || c == '.' || c == '-') && state.input.len() < MAX_DIGITS
    };
    if ok {
        state.input.push(c);
    }
}

/// Keys while the office screen is up.
pub fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    match &state.office.view {
        Some(View::Shift(_)) => views::shift_key(state, key, fx),
        Some(View::Report(_)) => views::report_key(state, key, fx),
        Some(View::Journal(_)) => views::journal_key(state, key, fx),
        Some(View::Summary(_)) => views::summary_key(state, key, fx),
        None => leave(state),
    }
}

pub fn on_msg(state: &mut State, msg: OfficeMsg, fx: &mut Vec<Effect>) {
    match msg {
        OfficeMsg::Restored { shifts, last_z } => {
            let office = &mut state.office;
            office.next_shift_id = shifts.iter().map(|s| s.id).max().unwrap_or(0) + 1;
            let since = last_z.as_ref().map(|z| z.at);
            office.shift = shifts.iter().filter(|s| s.close.is_none()).max_by_key(|s| s.id).cloned();
            office.day_shifts = shifts
                .into_iter()
                .filter(|s| s.close.as_ref().is_some_and(|c| since.is_none_or(|at| c.at >= at)))
                .collect();
            office.last_z = last_z;
            office.restored = true;
        }
        OfficeMsg::ExportDir { dir } => state.office.export_dir = dir,
        OfficeMsg::OrdersLoaded { ticket, result } => {
            let Some((waiting, purpose)) = state.office.waiting else { return };
            if waiting != ticket {
                return;
            }
            state.office.waiting = None;
            match result {
                Ok(orders) => views::loaded(state, purpose, orders, fx),
                Err(error) => {
                    if purpose == Purpose::CloseDay {
                        state.office.closing = None;
                    }
                    views::stop_pending(state);
                    refuse(state, Notice::Office(OfficeNotice::LoadFailed { error }), fx);
                }
            }
        }
        OfficeMsg::SaveFailed { why } => refuse(state, Notice::Office(OfficeNotice::SaveFailed { why }), fx),
        OfficeMsg::CloseDay => views::authorized_close_day(state, fx),
        OfficeMsg::DayClosed { number } => views::day_closed(state, number, fx),
        OfficeMsg::CloseDayFailed { error } => {
            state.office.closing = None;
            views::stop_pending(state);
            refuse(state, Notice::Office(OfficeNotice::CloseDayFailed { error }), fx);
        }
        OfficeMsg::Exported { path, rows } => {
            state.notice = Some(Notice::Office(OfficeNotice::Exported { path, rows }));
            fx.push(Effect::Beep(Beep::Success));
        }
        OfficeMsg::ExportFailed { error } => {
            refuse(state, Notice::Office(OfficeNotice::ExportFailed { error }), fx);
        }
    }
}
