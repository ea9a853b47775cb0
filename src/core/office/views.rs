//! The shift screen (float, pay-in/out, cash-up), the report screen and closing the day.

use super::flow::{leave, load, type_char};
use super::report::{self, Period, ReportKind};
use super::shift::{CashMovement, Movement, Shift};
use super::{Closing, OfficeEffect, OfficeNotice, Purpose, ReportView, ShiftStep, ShiftView, View, ZMark, ZRecord};
use crate::core::money::{Fen, MoneyError};
use crate::core::notice::Notice;
use crate::core::notice::refuse;
use crate::core::order::Order;
use crate::core::{Effect, Key, State};

pub(super) use super::lists::{journal_key, open_journal, open_summary, summary_key};

pub(super) fn open_shift(state: &mut State) {
    let step = if state.office.shift.is_some() { ShiftStep::Overview } else { ShiftStep::Float };
    state.office.view =
        Some(View::Shift(ShiftView { step, amount: None, flow: None, closes_day: false, closed: None }));
}

fn shift_view(state: &mut State) -> Option<&mut ShiftView> {
    match state.office.view.as_mut() {
        Some(View::Shift(v)) => Some(v),
        _ => None,
    }
}

fn set_step(state: &mut State, step: ShiftStep) {
    state.input.clear();
    if let Some(v) = shift_view(state) {
        v.step = step;
    }
}

/// An amount typed: empty is refused unless `empty` says what it means.
fn typed_amount(state: &mut State, input: &str, empty: Option<Fen>, fx: &mut Vec<Effect>) -> Option<Fen> {
    let parsed = match (input.is_empty(), empty) {
        (true, Some(e)) => Ok(e),
        _ => Fen::parse_yuan(input),
    };
    match parsed {
        Ok(a) => Some(a),
        Err(MoneyError::TooLarge) => {
            refuse(state, Notice::AmountTooLarge, fx);
            None
        }
        Err(MoneyError::NotAnAmount) => {
            refuse(state, Notice::NotAnAmount, fx);
            None
        }
    }
}

pub(super) fn shift_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(view) = shift_view(state) else { return };
    let step = view.step;
    let free_text = matches!(step, ShiftStep::Reason(_) | ShiftStep::Note);
    match key {
        Key::Char(c) => type_char(state, c, free_text),
        Key::Backspace => {
            state.input.pop();
        }
        Key::Esc if !state.input.is_empty() => state.input.clear(),
        Key::Esc => match step {
            ShiftStep::Overview | ShiftStep::Float => leave(state),
            _ if state.office.shift.is_some() => set_step(state, ShiftStep::Overview),
            _ => leave(state),
        },
        Key::F(1) if step == ShiftStep::Overview => set_step(state, ShiftStep::Amount(Movement::PayIn)),
        Key::F(2) if step == ShiftStep::Overview => set_step(state, ShiftStep::Amount(Movement::PayOut)),
        Key::F(3) if step == ShiftStep::Overview => start_cash_up(state, false, fx),
        Key::Enter => shift_enter(state, step, fx),
        _ => {}
    }
}

fn shift_enter(state: &mut State, step: ShiftStep, fx: &mut Vec<Effect>) {
    let input = state.input.trim().to_string();
    match step {
        ShiftStep::Overview => {}
        ShiftStep::Float => {
            let Some(float) = typed_amount(state, &input, Some(Fen::ZERO), fx) else { return };
            let shift = Shift::open(state.office.next_shift_id, state.operator(), state.now, float);
            state.office.next_shift_id += 1;
            state.office.shift = Some(shift.clone());
            fx.push(Effect::Office(OfficeEffect::SaveShift(shift)));
            state.notice = Some(Notice::Office(OfficeNotice::ShiftOpened { float }));
            set_step(state, ShiftStep::Overview);
        }
        ShiftStep::Amount(kind) => {
            let Some(amount) = typed_amount(state, &input, None, fx) else { return };
            if amount.is_zero() {
                return refuse(state, Notice::ZeroAmount, fx);
            }
            set_step(state, ShiftStep::Reason(kind));
            if let Some(v) = shift_view(state) {
                v.amount = Some(amount);
            }
        }
        ShiftStep::Reason(kind) => {
            let amount = shift_view(state).and_then(|v| v.amount).unwrap_or_default();
            if input.is_empty() {
                return refuse(state, Notice::Office(OfficeNotice::ReasonNeeded), fx);
            }
            let (now, operator) = (state.now, state.operator().to_string());
            let Some(shift) = state.office.shift.as_mut() else { return leave(state) };
            shift.movements.push(CashMovement { at: now, kind, amount, reason: input, operator });
            fx.push(Effect::Office(OfficeEffect::SaveShift(shift.clone())));
            state.notice = Some(Notice::Office(OfficeNotice::Moved { kind, amount }));
            set_step(state, ShiftStep::Overview);
        }
        ShiftStep::Count => {
            if shift_view(state).is_none_or(|v| v.flow.is_none()) {
                return; // still loading the shift's sales
            }
            let Some(counted) = typed_amount(state, &input, None, fx) else { return };
            set_step(state, ShiftStep::Note);
            if let Some(v) = shift_view(state) {
                v.amount = Some(counted);
            }
        }
        ShiftStep::Note => finish_cash_up(state, input, fx),
    }
}

/// F3 on the shift screen, or closing the day with a shift open: the shift's cash sales are loaded,
/// then the counted cash is typed.
fn start_cash_up(state: &mut State, closes_day: bool, fx: &mut Vec<Effect>) {
    let Some(shift) = &state.office.shift else { return };
    let period = Period { from: Some(shift.opened_at), to: state.now };
    state.input.clear();
    state.office.view =
        Some(View::Shift(ShiftView { step: ShiftStep::Count, amount: None, flow: None, closes_day, closed: None }));
    state.notice = Some(Notice::Office(OfficeNotice::Loading));
    load(state, Purpose::CashUp, period, fx);
}

fn finish_cash_up(state: &mut State, note: String, fx: &mut Vec<Effect>) {
    let Some(view) = shift_view(state).cloned() else { return };
    let (Some(counted), Some(flow), Some(shift)) = (view.amount, view.flow, state.office.shift.clone()) else {
        return;
    };
    if counted != shift.expected(flow) && note.is_empty() {
        return refuse(state, Notice::Office(OfficeNotice::NoteNeeded), fx);
    }
    state.input.clear();
    if view.closes_day {
        return request_close_day(state, Some((counted, note)), fx);
    }
    let mut shift = shift;
    let difference = shift.close_with(state.now, flow, counted, &note).difference;
    fx.push(Effect::Office(OfficeEffect::SaveShift(shift.clone())));
    state.office.day_shifts.push(shift.clone());
    state.office.shift = None;
    state.office.view = Some(View::Shift(ShiftView {
        step: ShiftStep::Float,
        amount: None,
        flow: None,
        closes_day: false,
        closed: Some(shift),
    }));
    state.notice = Some(Notice::Office(OfficeNotice::ShiftClosed { difference }));
}

pub(super) fn open_report(state: &mut State, fx: &mut Vec<Effect>) {
    state.office.view = Some(View::Report(ReportView { report: None, pending: true }));
    state.notice = Some(Notice::Office(OfficeNotice::Loading));
    let period = state.office.day_period(state.now);
    load(state, Purpose::Report, period, fx);
}

pub(super) fn report_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let report = match &state.office.view {
        Some(View::Report(v)) => v.report.clone(),
        _ => None,
    };
    // A Z report on screen: the day was just closed.
    let closed = report.as_ref().is_some_and(|r| r.kind != ReportKind::X);
    match key {
        Key::Esc => leave(state),
        Key::F(4) => {
            if let Some(r) = report {
                fx.push(Effect::Office(OfficeEffect::Print(r)));
                state.notice = Some(Notice::Office(OfficeNotice::PrintingReport));
            }
        }
        Key::F(7) if closed || state.office.closing.is_some() => {}
        Key::F(7) if state.office.shift.is_some() => start_cash_up(state, true, fx),
        Key::F(7) => request_close_day(state, None, fx),
        _ => {}
    }
}

/// The one door to closing the day (the Z report), with the counted cash of the open shift if
/// there is one.
///
/// Closing the day needs a supervisor (`[operators] supervisor_for`): the prompt opens here and,
/// once a supervisor's PIN is verified, `Msg::Office(OfficeMsg::CloseDay)` comes back with the
/// approval in force (the pending close waits in `state.office.closing`).
pub fn request_close_day(state: &mut State, count: Option<(crate::core::money::Fen, String)>, fx: &mut Vec<Effect>) {
    state.office.closing = Some(Closing { count, z: None });
    authorized_close_day(state, fx);
}

/// `OfficeMsg::CloseDay`, from the prompt or anywhere else: closes only a pending close, and only
/// with a supervisor's approval (a message alone proves nothing).
pub(super) fn authorized_close_day(state: &mut State, fx: &mut Vec<Effect>) {
    if state.office.closing.is_none() {
        return;
    }
    // Held sales open: the supervisor who discards them (a PIN typed now) approves the close too.
    if !state.held.sales.is_empty() {
        if !crate::core::held::before_close(state, fx) {
            return;
        }
    } else if !state.authorize(crate::core::Action::CloseDay, crate::core::Msg::Office(super::OfficeMsg::CloseDay)) {
        return;
    }
    close_day(state, fx);
}

/// `OfficeMsg::CloseDay`: the authorised close. The day's orders are loaded, then the Z report is
/// made and written with the closed shift in one transaction.
pub(super) fn close_day(state: &mut State, fx: &mut Vec<Effect>) {
    if state.office.closing.as_ref().is_none_or(|c| c.z.is_some()) {
        return;
    }
    state.office.view = Some(View::Report(ReportView { report: None, pending: true }));
    state.notice = Some(Notice::Office(OfficeNotice::ClosingDay));
    let period = state.office.day_period(state.now);
    load(state, Purpose::CloseDay, period, fx);
}

fn make_z(state: &mut State, orders: &[Order], fx: &mut Vec<Effect>) {
    let Some(count) = state.office.closing.as_ref().map(|c| c.count.clone()) else { return };
    let office = &state.office;
    let now = state.now;
    let number = office.last_z.as_ref().map_or(1, |z| z.number + 1);
    let mut report = report::compute(orders, office.day_period(now), &office.carried());
    report.kind = ReportKind::Z { number };
    let mut shift = office.shift.clone();
    if let (Some(s), Some((counted, note))) = (shift.as_mut(), &count) {
        let flow = report::cash_flow(orders, &s.operator, Period { from: Some(s.opened_at), to: now });
        s.close_with(now, flow, *counted, note);
    }
    report.shifts = office.day_shifts.iter().cloned().chain(shift.clone()).collect();
    let z = ZRecord { number, closed_at: now, report };
    if let Some(c) = state.office.closing.as_mut() {
        c.z = Some(z.clone());
    }
    fx.push(Effect::Office(OfficeEffect::CloseDay { shift, z }));
}

/// The day is closed and its record queued for the back office: shown and printed.
pub(super) fn day_closed(state: &mut State, number: u32, fx: &mut Vec<Effect>) {
    let Some(z) = state.office.closing.take().and_then(|c| c.z).filter(|z| z.number == number) else { return };
    let office = &mut state.office;
    office.last_z = Some(ZMark { number, at: z.closed_at, carried: z.report.carried.clone() });
    office.shift = None;
    office.day_shifts.clear();
    if matches!(office.view, Some(View::Report(_))) {
        office.view = Some(View::Report(ReportView { report: Some(z.report.clone()), pending: false }));
    }
    state.notice = Some(Notice::Office(OfficeNotice::DayClosed { number }));
    fx.push(Effect::Office(OfficeEffect::Print(z.report)));
    fx.push(Effect::Beep(crate::core::Beep::Success));
}

/// Orders arrived for `purpose`.
pub(super) fn loaded(state: &mut State, purpose: Purpose, orders: Vec<Order>, fx: &mut Vec<Effect>) {
    if matches!(state.notice, Some(Notice::Office(OfficeNotice::Loading))) {
        state.notice = None;
    }
    match purpose {
        Purpose::Report => {
            let office = &state.office;
            let mut report = report::compute(&orders, office.day_period(state.now), &office.carried());
            report.shifts = office.day_shifts.iter().cloned().chain(office.shift.clone()).collect();
            if let Some(View::Report(v)) = state.office.view.as_mut() {
                *v = ReportView { report: Some(report), pending: false };
            }
        }
        Purpose::CashUp => {
            let Some(shift) = &state.office.shift else { return };
            let flow =
                report::cash_flow(&orders, &shift.operator, Period { from: Some(shift.opened_at), to: state.now });
            if let Some(v) = shift_view(state) {
                v.flow = Some(flow);
            }
        }
        Purpose::CloseDay => make_z(state, &orders, fx),
        Purpose::Journal | Purpose::Summary => super::lists::loaded(state, purpose, orders),
    }
}

/// A load or a write failed: the screen stops saying "loading".
pub(super) fn stop_pending(state: &mut State) {
    match state.office.view.as_mut() {
        Some(View::Report(v)) => v.pending = false,
        Some(View::Journal(v)) => v.pending = false,
        Some(View::Summary(v)) => v.pending = false,
        _ => {}
    }
}
