//! The journal and summary screens.

use super::day::Day;
use super::flow::{leave, load, type_char};
use super::journal::{self, EntryKind, EntryState, Filter, cycle};
use super::report::PayMethod;
use super::summary;
use super::{JournalView, OfficeEffect, OfficeNotice, Purpose, SummaryView, View};
use crate::core::notice::Notice;
use crate::core::notice::refuse;
use crate::core::order::{Order, Tender};
use crate::core::{Effect, Key, State};

pub(super) fn open_journal(state: &mut State, day: Day, filter: Filter, fx: &mut Vec<Effect>) {
    state.office.view = Some(View::Journal(JournalView {
        day,
        entries: Vec::new(),
        orders: Vec::new(),
        filter,
        selected: 0,
        detail: false,
        pending: true,
    }));
    let period = summary::period(day, day, state.settings.utc_offset_minutes);
    load(state, Purpose::Journal, period, fx);
}

fn journal_view(state: &mut State) -> Option<&mut JournalView> {
    match state.office.view.as_mut() {
        Some(View::Journal(v)) => Some(v),
        _ => None,
    }
}

pub(super) fn journal_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let today = Day::of(state.now, state.settings.utc_offset_minutes);
    let Some(v) = journal_view(state) else { return };
    let count = v.visible().len();
    match key {
        Key::Up => v.selected = v.selected.saturating_sub(1),
        Key::Down => v.selected = (v.selected + 1).min(count.saturating_sub(1)),
        Key::Enter if count > 0 => v.detail = true,
        Key::Esc if v.detail => v.detail = false,
        Key::Esc => leave(state),
        Key::Char('-') if !v.detail => {
            let (day, filter) = (v.day.plus(-1), v.filter.clone());
            open_journal(state, day, filter, fx);
        }
        Key::Char('+') if !v.detail && v.day < today => {
            let (day, filter) = (v.day.plus(1), v.filter.clone());
            open_journal(state, day, filter, fx);
        }
        Key::F(5) if !v.detail => {
            let mut ops: Vec<String> = v.entries.iter().map(|e| e.operator.clone()).collect();
            ops.sort();
            ops.dedup();
            v.filter.operator = cycle(&v.filter.operator, &ops);
            v.selected = 0;
        }
        Key::F(6) if !v.detail => {
            v.filter.method = cycle(&v.filter.method, &PayMethod::ALL);
            v.selected = 0;
        }
        Key::F(7) if !v.detail => {
            v.filter.state = cycle(&v.filter.state, &EntryState::ALL);
            v.selected = 0;
        }
        Key::F(4) => reprint(state, fx),
        _ => {}
    }
}

/// F4 in the journal: the selected payment's receipt, or the selected refund's slip, again.
fn reprint(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(v) = journal_view(state) else { return };
    let chosen = v.selected_entry().and_then(|e| v.order_of(e).map(|o| (e.clone(), o.clone())));
    let effect = match chosen {
        Some((e, order)) if e.kind == EntryKind::Refund && e.state == EntryState::Refunded => {
            e.refund_no.map(|out_refund_no| Effect::PrintRefund { order, out_refund_no })
        }
        Some((e, order)) if e.kind == EntryKind::Payment && e.state == EntryState::Paid => {
            Some(Effect::Reprint { transaction_id: transaction_id(&order), order: Some(order) })
        }
        _ => None,
    };
    match effect {
        Some(effect) => {
            fx.push(effect);
            state.notice = Some(Notice::Reprinting);
        }
        None => refuse(state, Notice::NothingToReprint, fx),
    }
}

/// The platform's id of a code payment (its own slip is reprinted when it has one); none for cash.
fn transaction_id(order: &Order) -> String {
    match &order.tender {
        Some(Tender::Code { transaction_id, .. }) => transaction_id.clone(),
        _ => String::new(),
    }
}

pub(super) fn open_summary(state: &mut State, from: Day, to: Day, fx: &mut Vec<Effect>) {
    state.office.view = Some(View::Summary(SummaryView { from, to, summary: None, pending: true }));
    let period = summary::period(from, to, state.settings.utc_offset_minutes);
    load(state, Purpose::Summary, period, fx);
}

/// `20261122` or `20261101-20261122` (dashed dates too: `2026-11-01`); the range's ends in order.
fn parse_range(text: &str) -> Option<(Day, Day)> {
    let t = text.trim();
    if let Some(d) = Day::parse(t) {
        return Some((d, d));
    }
    let (a, b) = if t.len() == 17 {
        (t.get(..8)?, t.get(9..)?)
    } else if t.len() == 21 {
        (t.get(..10)?, t.get(11..)?)
    } else {
        return None;
    };
    let (a, b) = (Day::parse(a)?, Day::parse(b)?);
    Some((a.min(b), a.max(b)))
}

pub(super) fn summary_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let today = Day::of(state.now, state.settings.utc_offset_minutes);
    let Some(View::Summary(v)) = &state.office.view else { return };
    let (from, to) = (v.from, v.to);
    let len = to.0 - from.0 + 1;
    match key {
        Key::Char(c @ ('-' | '+')) if state.input.is_empty() => {
            let shift = if c == '-' { -len } else { len };
            if c == '+' && to >= today {
                return;
            }
            open_summary(state, from.plus(shift), to.plus(shift), fx);
        }
        Key::Char(c) => type_char(state, c, false),
        Key::Backspace => {
            state.input.pop();
        }
        Key::Esc if !state.input.is_empty() => state.input.clear(),
        Key::Esc => leave(state),
        Key::Enter if !state.input.is_empty() => match parse_range(&std::mem::take(&mut state.input)) {
            Some((a, b)) => open_summary(state, a, b, fx),
            None => refuse(state, Notice::Office(OfficeNotice::BadDate), fx),
        },
        Key::F(1) => open_summary(state, today, today, fx),
        Key::F(2) => {
            let period = summary::period(from, to, state.settings.utc_offset_minutes);
            let (dir, utc_offset_minutes) = (state.office.export_dir.clone(), state.settings.utc_offset_minutes);
            fx.push(Effect::Office(OfficeEffect::ExportCsv { period, from, to, dir, utc_offset_minutes }));
            state.notice = Some(Notice::Office(OfficeNotice::Exporting));
        }
        _ => {}
    }
}

pub(super) fn loaded(state: &mut State, purpose: Purpose, orders: Vec<Order>) {
    let offset = state.settings.utc_offset_minutes;
    match (purpose, state.office.view.as_mut()) {
        (Purpose::Journal, Some(View::Journal(v))) => {
            v.entries = journal::entries(&orders, &summary::period(v.day, v.day, offset));
            v.orders = orders;
            v.pending = false;
            v.selected = v.selected.min(v.visible().len().saturating_sub(1));
        }
        (Purpose::Summary, Some(View::Summary(v))) => {
            v.summary = Some(summary::compute(&orders, v.from, v.to, offset));
            v.pending = false;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_typed_as_one_or_two_dates() {
        let d = |s| Day::parse(s).expect("date");
        assert_eq!(parse_range("20261122"), Some((d("2026-11-22"), d("2026-11-22"))));
        assert_eq!(parse_range("20261122-20261101"), Some((d("2026-11-01"), d("2026-11-22"))));
        assert_eq!(parse_range("2026-11-01-2026-11-22"), Some((d("2026-11-01"), d("2026-11-22"))));
        assert_eq!(parse_range("2026113"), None);
        assert_eq!(parse_range("20261301"), None);
    }
}
