//! The low-stock list: products at or below the threshold, fewest first; counts below zero (sold
//! more than were counted) shown in red.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Padding, Paragraph, Row, Table};

use super::widgets::{self, ERROR, WARN};
use crate::core::State;
use crate::i18n::{self, Text};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x: Text| i18n::text(lang, x);
    let title = format!(" {} ({} {}) ", t(Text::LowStockTitle), t(Text::LowStockThreshold), state.catalogue.low_stock);
    let block = Block::bordered().title(title).padding(Padding::horizontal(1));
    let list = state.catalogue.low_stock_list();
    if list.is_empty() {
        frame.render_widget(Paragraph::new(Line::raw(t(Text::LowStockEmpty))).block(block), area);
        return;
    }
    let header = Row::new([t(Text::ColBarcode), t(Text::ColItem), t(Text::ColStock)]).bold();
    // Border and padding (2 + 2), the barcode and count columns and the two gaps between columns.
    let name_cols = usize::from(area.width.saturating_sub(4 + 14 + 6 + 2));
    let rows = list.iter().map(|(p, n)| {
        let style = if *n < 0 { Style::new().fg(ERROR).bold() } else { Style::new().fg(WARN) };
        Row::new([
            Cell::from(p.barcode.clone()),
            Cell::from(widgets::truncate(&p.name, name_cols)),
            Cell::from(Line::from(n.to_string()).right_aligned()).style(style),
        ])
    });
    let widths = [Constraint::Length(14), Constraint::Fill(1), Constraint::Length(6)];
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
