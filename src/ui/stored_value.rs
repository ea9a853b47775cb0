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
    let Some(asking) = state.stored_value.asking.as_ref() else { return };
    let lang = state.settings.lang;
    let t = |x| sv_text(lang, x);
    let dots = "●".repeat(asking.pin.0.chars().count());
    let lines = vec![
        Line::raw(format!("{}  {}", t(S::Tender), asking.amount)),
        Line::raw(t(S::PinPrompt)),
        Line::raw(format!("> {dots}")).style(Style::new().add_modifier(Modifier::BOLD)),
    ];
    let height = 6.min(area.height);
    let width = 44.min(area.width);
    let r = Rect { x: area.x + (area.width - width) / 2, y: area.y + 1.min(area.height), width, height };
    let block = Block::bordered()
        .title(format!(" {} ", t(S::PinTitle)))
        .border_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        .padding(Padding::new(2, 2, 0, 0));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
