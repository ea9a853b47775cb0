//! The help screen (`?`): every key of the screen below with what it does, from the same table as
//! the hint line (`keys`), over the screen's body.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::keys;
use super::widgets;
use crate::core::State;
use crate::i18n::help::{HelpText as H, help_text};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    if !state.help {
        return;
    }
    let lang = state.settings.lang;
    let below = State { help: false, ..state.clone() };
    let entries: Vec<(&str, &str, &str)> = keys::for_state(&below)
        .iter()
        .map(|e| (e.cap.text(lang), e.does.text(lang), e.detail.map_or("", |d| d.text(lang))))
        .collect();
    let cols = entries.iter().map(|(cap, ..)| cap.width()).max().unwrap_or(0);
    // The longer words line up after the keys that have them.
    let does_cols = entries.iter().filter(|e| !e.2.is_empty()).map(|(_, does, _)| does.width()).max().unwrap_or(0);
    let cap_style = Style::new().fg(Color::Black).bg(Color::Gray).add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = entries
        .iter()
        .map(|(cap, does, detail)| {
            Line::from(vec![
                Span::styled(format!(" {} ", widgets::pad(cap, cols)), cap_style),
                Span::styled(format!("  {}", widgets::pad(does, does_cols)), Style::new().add_modifier(Modifier::BOLD)),
                Span::styled(format!("  {detail}"), Style::new().fg(Color::DarkGray)),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::raw(help_text(lang, H::HelpNoKeys)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(help_text(lang, H::HelpScanner), Style::new().fg(Color::DarkGray)));
    let block = Block::bordered()
        .title(format!(" {} ", help_text(lang, H::HelpTitle)))
        .border_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        .padding(Padding::new(2, 2, 1, 0));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}
