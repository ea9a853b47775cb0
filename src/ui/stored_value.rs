//! Stored value on screen (储值): the box where the customer types their member PIN for a spend.
//! The PIN shows as dots only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use crate::core::State;
use crate::i18n::stored_value::{SvText as S, sv_text};

pub(super) fn pin_view(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x| sv_text(lang, x);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    // A new PIN at a top-up (sv_pin), else the PIN of a spend.
    let (title, lines) = if let Some(n) = state.stored_value.new_pin.as_ref() {
        let dots = "●".repeat(n.pin.0.chars().count());
        let prompt = if n.first.is_some() { S::NewPinAgain } else { S::NewPinPrompt };
        (t(S::NewPinTitle), vec![Line::raw(t(prompt)), Line::raw(format!("> {dots}")).style(bold)])
    } else if let Some(asking) = state.stored_value.asking.as_ref() {
        let dots = "●".repeat(asking.pin.0.chars().count());
        let lines = vec![
            Line::raw(format!("{}  {}", t(S::Tender), asking.amount)),
            Line::raw(t(S::PinPrompt)),
            Line::raw(format!("> {dots}")).style(bold),
        ];
        (t(S::PinTitle), lines)
    } else {
        return;
    };
    let height = 6.min(area.height);
    let width = 44.min(area.width);
    let r = Rect { x: area.x + (area.width - width) / 2, y: area.y + 1.min(area.height), width, height };
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        .padding(Padding::new(2, 2, 0, 0));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
