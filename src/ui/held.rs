//! The list of held sales (取单), a box over the sale screen: number, time held, cashier, items and
//! total, old ones marked for a supervisor to discard; the number typed to take one back.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use super::widgets::{self, ERROR};
use crate::core::State;
use crate::core::held::HeldSummary;
use crate::i18n::held::{HeldText as H, held_text};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let Some(selected) = state.held.list else { return };
    let lang = state.settings.lang;
    let t = |x| held_text(lang, x);
    let offset = state.settings.utc_offset_minutes;
    let cols: [usize; 5] = [6, 18, 8, 6, 10];
    let head = [t(H::ColNumber), t(H::ColTime), t(H::ColOperator), t(H::ColItems), t(H::ColTotal)];
    let row = |cells: [String; 5]| -> String {
        cells
            .iter()
            .zip(cols)
            .enumerate()
            .map(|(i, (c, w))| {
                let room = w.saturating_sub(usize::from(widgets::width(c)));
                if i >= 3 { format!("{}{c}", " ".repeat(room)) } else { widgets::pad(c, w) }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut lines = vec![Line::styled(
        row(head.map(str::to_string)),
        Style::new().fg(Color::DarkGray).add_modifier(Modifier::BOLD),
    )];
    // Rows that fit between the heading and the number typed (borders, padding, the heading, a blank
    // line, the input): a long list scrolls to keep the selected one on screen.
    let room = usize::from(area.height.saturating_sub(6)).max(1);
    let first = selected.saturating_sub(room - 1);
    for (i, order) in state.held.sales.iter().enumerate().skip(first).take(room) {
        let Some(h) = HeldSummary::of(order) else { continue };
        let held_at = h.held_at.local(offset).display();
        let cells = [
            h.number.to_string(),
            held_at.get(5..16).unwrap_or(&held_at).to_string(),
            widgets::truncate(&h.operator, 8),
            h.items.to_string(),
            h.total.to_string(),
        ];
        let mut spans = vec![Span::raw(row(cells))];
        if state.held.is_old(order, state.now) {
            spans.push(Span::styled(format!("  {}", t(H::Old)), Style::new().fg(ERROR).add_modifier(Modifier::BOLD)));
        }
        if let Some(note) = order.hold.as_ref().and_then(|h| h.note.as_deref()) {
            spans.push(Span::styled(format!("  {}", widgets::truncate(note, 16)), Style::new().fg(Color::DarkGray)));
        }
        let line = Line::from(spans);
        lines.push(if i == selected { line.style(Style::new().add_modifier(Modifier::REVERSED)) } else { line });
    }
    lines.push(Line::raw(""));
    lines.push(widgets::input_line(t(H::TypeNumber), &state.input));
    let block = Block::bordered()
        .title(format!(" {} ", t(H::ListTitle)))
        .border_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        .padding(Padding::new(2, 2, 1, 0));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
