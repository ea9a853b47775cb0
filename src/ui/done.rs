//! The done screen: what was received, the change to count out, and the receipt as printed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::widgets::{self, GOOD};
use crate::core::State;
use crate::core::money::Fen;
use crate::core::notice::Notice;
use crate::core::order::{Tender, TenderPart};
use crate::i18n::{self, Text};

/// The left panel keeps at least this many columns; the receipt gets the rest it needs.
const BANNER_MIN_WIDTH: u16 = 30;

pub(super) fn view(state: &State, change: Fen, frame: &mut Frame, area: Rect) {
    let receipt_width = state.receipt_preview.iter().map(|l| widgets::width(l)).max().unwrap_or(0).max(24) + 4;
    let receipt_width = receipt_width.min(area.width.saturating_sub(BANNER_MIN_WIDTH));
    let [banner, receipt] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(receipt_width)]).areas(area);
    paid(state, change, frame, banner);
    receipt_panel(state, frame, receipt);
}

fn paid(state: &State, change: Fen, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let block = Block::bordered()
        .border_style(Style::new().fg(GOOD))
        .title(format!(" {} ", i18n::text(lang, Text::DoneTitle)))
        .padding(Padding::new(1, 1, 1, 0));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let total = state.sale.total();
    let (platform, received) = match &state.sale.tender {
        Some(Tender::Code { platform, .. }) => (Some(*platform), None),
        Some(Tender::Cash { received, .. }) => (None, Some(*received)),
        Some(Tender::Mixed { parts }) => {
            let cash = parts.iter().find_map(|p| match p {
                TenderPart::Cash { received, change, .. } if !change.is_zero() => Some(*received),
                _ => None,
            });
            (None, cash)
        }
        None => (None, None),
    };
    let banner = match &state.sale.tender {
        Some(Tender::Mixed { parts }) => {
            let notice = Notice::PaidInParts { amount: total, parts: parts.len() };
            Line::styled(i18n::notice(lang, &notice), Style::new().fg(GOOD).bold())
        }
        _ => Line::styled(i18n::announcement(lang, platform, total), Style::new().fg(GOOD).bold()),
    };
    // A mixed tender lists its parts under the banner.
    let parts: Vec<Line> = match &state.sale.tender {
        Some(Tender::Mixed { parts }) => parts
            .iter()
            .map(|p| {
                let name = match p {
                    TenderPart::Cash { .. } => i18n::text(lang, Text::TenderCash),
                    TenderPart::Code { platform, .. } => i18n::platform_name(lang, *platform),
                    TenderPart::StoredValue { .. } => i18n::stored_value::tender_name(lang),
                    TenderPart::Points { .. } => i18n::points::tender_name(lang),
                };
                Line::from(format!("  {name}  {}", p.amount()))
            })
            .collect(),
        _ => Vec::new(),
    };
    // The order number, for the customer who asks for it (the receipt may still be printing).
    // Label and number on lines of their own: 24 digits fill the narrowest panel.
    let number: Vec<Line> = state
        .sale
        .number
        .as_ref()
        .map(|n| {
            vec![Line::styled(i18n::text(lang, Text::OrderNo), Style::new().fg(Color::DarkGray)), Line::from(n.clone())]
        })
        .unwrap_or_default();
    let head_rows = 2 + u16::try_from(parts.len() + number.len()).unwrap_or(0);
    let [head, _, label, digits] = Layout::vertical([
        Constraint::Length(head_rows),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(3),
    ])
    .areas(inner);
    let mut lines = vec![banner];
    lines.extend(parts);
    if let Some(received) = received {
        lines.push(Line::from(format!("{}  {received}", i18n::text(lang, Text::TenderReceived))));
    }
    lines.extend(number);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), head);
    // Cash: the change is the number to act on. A code payment: the amount taken.
    let (caption, big) = if received.is_some() { (Text::ChangeDue, change) } else { (Text::DoneTitle, total) };
    if received.is_some() {
        frame.render_widget(Paragraph::new(Line::styled(i18n::text(lang, caption), Style::new().bold())), label);
    }
    widgets::amount(&big.to_string(), Style::new().fg(GOOD).add_modifier(Modifier::BOLD), frame, digits);
}

fn receipt_panel(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let block = Block::bordered()
        .title(format!(" {} ", i18n::text(lang, Text::ReceiptPreview)))
        .padding(Padding::horizontal(1));
    let lines: Vec<Line> = if state.receipt_preview.is_empty() {
        vec![Line::styled(i18n::text(lang, Text::ReceiptPrinting), Style::new().fg(Color::DarkGray))]
    } else {
        state.receipt_preview.iter().map(|l| Line::raw(l.as_str())).collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
