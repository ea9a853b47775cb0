//! The price prompt: an open-price product, or an unknown barcode whose price a supervisor approves.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::widgets::{self, WARN};
use crate::core::State;
use crate::core::price_entry::PriceEntry;
use crate::i18n::{self, Text};

pub(super) fn view(state: &State, entry: &PriceEntry, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x: Text| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(Text::PriceEntryTitle))).padding(Padding::new(1, 1, 1, 0));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let name = if entry.unknown { t(Text::UnknownProduct).to_string() } else { entry.name.clone() };
    let mut lines = widgets::label_rows(&[(t(Text::ColItem), name), (t(Text::ColBarcode), entry.barcode.clone())]);
    lines.push(Line::raw(""));
    lines.push(widgets::input_line(t(Text::PriceInput), &state.input));
    if entry.unknown {
        lines.push(Line::raw(""));
        lines.push(Line::styled(t(Text::SupervisorApproves), Style::new().fg(WARN).bold()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
