//! The promotion list (促销): every promotion the till has, with what it gives, when it is valid
//! and whether it is in force now. Read-only; any key leaves it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Padding, Paragraph, Row, Table};

use super::widgets::{self, GOOD};
use crate::core::State;
use crate::core::pricing::promo::When;
use crate::i18n::promotions::{PromoText as P, kind, promo_text, window};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x: P| promo_text(lang, x);
    let all = state.promotions.promotions();
    let block = Block::bordered().title(format!(" {} ({}) ", t(P::Title), all.len())).padding(Padding::horizontal(1));
    if all.is_empty() {
        frame.render_widget(Paragraph::new(Line::raw(t(P::Empty))).block(block), area);
        return;
    }
    let now = When::at(state.now, state.settings.utc_offset_minutes);
    let header = Row::new([t(P::ColName), t(P::ColKind), t(P::ColWindow), t(P::ColNow)]).bold();
    // In force first, then by name: what the cashier sees at the counter now comes first.
    let mut rows: Vec<_> = all.iter().map(|p| (!p.window.holds(now), p)).collect();
    rows.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    // Border and padding (4), the "now" column (8) and three gaps; the window gets the most room
    // (dates and hours), the name and the offer the rest.
    let room = usize::from(area.width.saturating_sub(4 + 8 + 3));
    let (cols, window_cols) = (room * 2 / 8, room * 4 / 8);
    let rows = rows.into_iter().map(|(off, p)| {
        let (word, style) =
            if off { (t(P::NotNow), Style::new().dim()) } else { (t(P::InForce), Style::new().fg(GOOD)) };
        Row::new([
            Cell::from(widgets::truncate(&p.name, cols)),
            Cell::from(widgets::truncate(&kind(lang, &p.kind), cols)),
            Cell::from(widgets::truncate(&window(lang, &p.window), window_cols)),
            Cell::from(word).style(style),
        ])
    });
    let widths = [Constraint::Fill(2), Constraint::Fill(2), Constraint::Fill(4), Constraint::Length(8)];
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
