//! The shift screen: the open shift and its pay-ins/outs, the opening float, the cash-up.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph};

use super::t;
use crate::core::State;
use crate::core::money::Fen;
use crate::core::office::shift::{Movement, Shift};
use crate::core::office::{ShiftStep, ShiftView};
use crate::i18n::OfficeText as T;
use crate::ui::widgets::{self, ERROR, GOOD, WARN};

pub(super) fn view(state: &State, v: &ShiftView, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let block = Block::bordered().title(format!(" {} ", t(lang, T::ShiftTitle))).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [top, bottom] = Layout::vertical([Constraint::Fill(1), Constraint::Length(4)]).areas(inner);
    let mut lines = Vec::new();
    let counting = matches!(v.step, ShiftStep::Count | ShiftStep::Note);
    match (&state.office.shift, &v.closed) {
        (Some(s), _) => lines.extend(shift_lines(state, s, !counting)),
        (None, Some(closed)) => lines.extend(shift_lines(state, closed, false)),
        (None, None) => lines.push(Line::styled(t(lang, T::NoShift), Style::new().fg(Color::DarkGray).bold())),
    }
    if let Some(s) = state.office.shift.as_ref().filter(|_| counting) {
        lines.push(Line::raw(""));
        lines.extend(cash_up_lines(state, v, s));
    }
    frame.render_widget(Paragraph::new(lines), top);
    frame.render_widget(Paragraph::new(prompt(state, v)), bottom);
}

fn shift_lines(state: &State, s: &Shift, movements: bool) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let time = |at: crate::core::clock::Millis| at.local(state.settings.utc_offset_minutes).display();
    let mut rows = vec![
        (t(lang, T::ShiftNo), format!("{}  {} {}", s.id, t(lang, T::Operator), s.operator)),
        (t(lang, T::OpenedAt), time(s.opened_at)),
        (t(lang, T::OpeningFloat), s.float.to_string()),
        (t(lang, T::PayIn), s.pay_ins().to_string()),
        (t(lang, T::PayOut), s.pay_outs().to_string()),
    ];
    if let Some(up) = &s.close {
        rows.push((t(lang, T::ShiftClosedAt), time(up.at)));
        rows.push((t(lang, T::ExpectedCash), up.expected.to_string()));
        rows.push((t(lang, T::CountedCash), up.counted.to_string()));
        rows.push((t(lang, T::Difference), up.difference.to_string()));
        if !up.note.is_empty() {
            rows.push((t(lang, T::Note), up.note.clone()));
        }
    }
    let mut lines = widgets::label_rows(&rows);
    // The latest pay-ins and outs, newest last.
    for m in s.movements.iter().rev().take(if movements { 4 } else { 0 }).rev() {
        let kind = t(lang, if m.kind == Movement::PayIn { T::PayIn } else { T::PayOut });
        let when = m.at.local(state.settings.utc_offset_minutes).hhmm();
        let text = format!("  {when}  {}  {:>9}  {}", widgets::pad(kind, 6), m.amount.to_string(), m.reason);
        lines.push(Line::styled(text, Style::new().fg(Color::DarkGray)));
    }
    lines
}

fn cash_up_lines(state: &State, v: &ShiftView, s: &Shift) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let Some(flow) = v.flow else {
        return vec![Line::styled(t(lang, T::Calculating), Style::new().fg(WARN).bold())];
    };
    let expected = s.expected(flow);
    let mut rows = vec![
        (t(lang, T::CashSales), flow.sales.to_string()),
        (t(lang, T::CashRefunds), flow.refunds.to_string()),
        (t(lang, T::ExpectedCash), expected.to_string()),
    ];
    if let (ShiftStep::Note, Some(counted)) = (v.step, v.amount) {
        rows.push((t(lang, T::CountedCash), counted.to_string()));
    }
    let cols = rows.iter().map(|(l, _)| widgets::width(l)).max().unwrap_or(0);
    let mut lines = widgets::label_rows(&rows);
    if let (ShiftStep::Note, Some(counted)) = (v.step, v.amount) {
        let diff = counted - expected;
        let colour = if diff == Fen::ZERO { GOOD } else { ERROR };
        let text = format!("{}{diff}", widgets::pad(t(lang, T::Difference), usize::from(cols) + 2));
        lines.push(Line::styled(text, Style::new().fg(colour).add_modifier(Modifier::BOLD)));
    }
    lines
}

/// What is typed at this step, with its prompt above.
fn prompt(state: &State, v: &ShiftView) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let (hint, label) = match v.step {
        ShiftStep::Overview => return Vec::new(),
        ShiftStep::Float => (T::FloatPrompt, T::OpeningFloat),
        ShiftStep::Amount(Movement::PayIn) => (T::Amount, T::PayIn),
        ShiftStep::Amount(Movement::PayOut) => (T::Amount, T::PayOut),
        ShiftStep::Reason(_) => (T::ReasonPrompt, T::Reason),
        ShiftStep::Count if v.closes_day => (T::CountToCloseDay, T::CountedCash),
        ShiftStep::Count => (T::CountPrompt, T::CountedCash),
        ShiftStep::Note => (T::NotePrompt, T::Note),
    };
    let mut label = t(lang, label).to_string();
    if let (ShiftStep::Reason(kind), Some(amount)) = (v.step, v.amount) {
        let kind = t(lang, if kind == Movement::PayIn { T::PayIn } else { T::PayOut });
        label = format!("{kind} {amount}  {label}");
    }
    vec![
        Line::styled(t(lang, hint), Style::new().fg(Color::DarkGray)),
        Line::raw(""),
        widgets::input_line(&label, &state.input),
    ]
}
