//! The tender screen: the amount due, then what is happening with the customer's payment code or cash.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::widgets::{self, ERROR, GOOD, WARN};
use crate::core::TELL_TO_CHECK_AFTER_SECS;
use crate::core::money::Fen;
use crate::core::order::{Attempt, AttemptState, TenderPart};
use crate::core::{Lang, State};
use crate::i18n::{self, Text};

pub(super) fn view(state: &State, cash_entry: bool, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let block =
        Block::bordered().title(format!(" {} ", i18n::text(lang, Text::PayTitle))).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let attempt = state.sale.attempts.last();
    let details = if attempt.is_some() { 3 } else { 0 };
    let parts = state.sale.tender_parts();
    let [due, paid, progress, info] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(if parts.is_empty() { 1 } else { 2 }),
        Constraint::Fill(1),
        Constraint::Length(details),
    ])
    .areas(inner);
    amount_due(state, frame, due);
    if !parts.is_empty() {
        frame.render_widget(Paragraph::new(paid_parts(state, &parts)), paid);
    }
    let open = attempt.filter(|a| !a.state.is_final());
    let lines = match open {
        Some(a) => in_progress(state, a),
        None if cash_entry => cash(state, attempt),
        None => scan(state, attempt),
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), progress);
    if let Some(a) = attempt {
        frame.render_widget(Paragraph::new(details_rows(lang, a)), info);
    }
}

/// What is paid so far (a mixed tender): the total, each part, and what is still to pay.
fn paid_parts(state: &State, parts: &[TenderPart]) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let mut spans = vec![Span::raw(format!(
        "{} {}   {}",
        i18n::text(lang, Text::Total),
        state.sale.total(),
        i18n::text(lang, Text::PaidParts)
    ))];
    for p in parts {
        let name = match p {
            TenderPart::Cash { .. } => i18n::text(lang, Text::TenderCash),
            TenderPart::Code { platform, .. } => i18n::platform_name(lang, *platform),
            TenderPart::StoredValue { .. } => i18n::stored_value::tender_name(lang),
            TenderPart::Points { .. } => i18n::points::tender_name(lang),
        };
        spans.push(Span::styled(format!("  {name} {}", p.amount()), Style::new().fg(GOOD)));
    }
    vec![Line::from(spans)]
}

fn amount_due(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    // With a part paid, the big number is what is still to pay.
    let mixed = state.sale.paid_so_far() > Fen::ZERO;
    let label = i18n::text(lang, if mixed { Text::Remaining } else { Text::AmountDue });
    let items = format!("{}  {}", i18n::text(lang, Text::Items), state.sale.item_count());
    let [l, a, i] = Layout::horizontal([
        Constraint::Length(widgets::width(label) + 2),
        Constraint::Fill(1),
        Constraint::Length(widgets::width(&items)),
    ])
    .areas(area);
    let [_, mid, _] = Layout::vertical([Constraint::Length(1); 3]).areas(l);
    frame.render_widget(Paragraph::new(Line::styled(label, Style::new().bold())), mid);
    let style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let due = if mixed { state.sale.remaining() } else { state.sale.total() };
    widgets::amount(&due.to_string(), style, frame, a);
    let [_, mid, _] = Layout::vertical([Constraint::Length(1); 3]).areas(i);
    frame.render_widget(Paragraph::new(items), mid);
}

/// A line saying the last attempt failed, and why, when it did.
fn failed_line(lang: Lang, last: Option<&Attempt>) -> Option<Line<'static>> {
    let AttemptState::Failed { reason } = &last?.state else { return None };
    Some(Line::from(vec![
        Span::styled(i18n::text(lang, Text::LastAttemptFailed), Style::new().fg(ERROR).bold()),
        Span::styled(format!("  {}", i18n::failure(lang, reason)), Style::new().fg(ERROR)),
    ]))
}

/// An empty line after the failure line, when there is one.
fn blank(lang: Lang, last: Option<&Attempt>) -> Option<Line<'static>> {
    failed_line(lang, last).map(|_| Line::raw(""))
}

fn scan(state: &State, last: Option<&Attempt>) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let mut lines: Vec<Line> = failed_line(lang, last).into_iter().chain(blank(lang, last)).collect();
    lines.push(Line::styled(i18n::text(lang, Text::ScanPaymentCode), Style::new().fg(WARN).bold()));
    if let Some(part) = state.part_amount {
        lines.push(Line::styled(
            format!("{}  {part}", i18n::text(lang, Text::NextPart)),
            Style::new().fg(Color::Cyan).bold(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(widgets::input_line(i18n::text(lang, Text::PaymentCodeInput), &state.input));
    lines.push(Line::styled(i18n::text(lang, Text::PartHint), Style::new().fg(Color::DarkGray)));
    lines
}

fn cash(state: &State, last: Option<&Attempt>) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let mut lines: Vec<Line> = failed_line(lang, last).into_iter().chain(blank(lang, last)).collect();
    lines.push(widgets::input_line(i18n::text(lang, Text::CashReceived), &state.input));
    lines.push(Line::styled(i18n::text(lang, Text::CashExact), Style::new().fg(Color::DarkGray)));
    // The change as the cashier types, so it can be counted out before Enter.
    let total = state.sale.remaining();
    if let Ok(received) = Fen::parse_yuan(&state.input)
        && received >= total
        && received > Fen::ZERO
    {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{}  {}", i18n::text(lang, Text::ChangeDue), received - total),
            Style::new().fg(GOOD).bold(),
        ));
    }
    lines
}

/// A payment under way or in doubt: what the till is waiting for, and after two minutes where to look.
fn in_progress(state: &State, a: &Attempt) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let loud = Style::new().fg(WARN).add_modifier(Modifier::BOLD);
    match &a.state {
        AttemptState::Sending => vec![Line::styled(i18n::text(lang, Text::Paying), loud)],
        AttemptState::UserPaying => vec![Line::styled(i18n::text(lang, Text::WaitingPassword), loud)],
        AttemptState::Cancelling { .. } => vec![
            Line::styled(i18n::text(lang, Text::Cancelling), loud),
            Line::raw(""),
            Line::styled(i18n::text(lang, Text::DoNotChargeAgain), Style::new().fg(WARN)),
        ],
        _ => {
            let mut lines = vec![
                Line::styled(i18n::text(lang, Text::Confirming), loud),
                Line::raw(""),
                Line::styled(i18n::text(lang, Text::DoNotChargeAgain), Style::new().fg(WARN)),
            ];
            if state.now.since(a.started_at) >= TELL_TO_CHECK_AFTER_SECS * 1000 {
                lines.push(Line::raw(""));
                lines.push(Line::styled(i18n::text(lang, Text::CheckAfterTwoMinutes), Style::new().fg(ERROR).bold()));
            }
            lines
        }
    }
}

fn details_rows(lang: Lang, a: &Attempt) -> Vec<Line<'static>> {
    widgets::label_rows(&[
        (i18n::text(lang, Text::PayPlatform), i18n::platform_name(lang, a.platform).to_string()),
        (i18n::text(lang, Text::PaymentCode), a.code_masked.clone()),
        (i18n::text(lang, Text::OrderNo), a.out_trade_no.clone()),
    ])
}
