//! The goods of a looked-up order on the lookup screen: what was sold, what came back already,
//! and how many come back now (chosen with Up/Down, `+`/`-`, a number then `*`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, HighlightSpacing, Row, Table, TableState};

use crate::core::Lang;
use crate::core::refund::LookupView;
use crate::i18n::{self, Text};

/// Rows the goods list takes: a header and a row per line (none for an order without lines).
pub(super) fn height(view: &LookupView) -> u16 {
    match &view.order {
        Some(o) if (!o.imported || o.foreign.is_some()) && !o.lines.is_empty() && !view.pending => {
            u16::try_from(o.lines.len() + 1).unwrap_or(u16::MAX)
        }
        _ => 0,
    }
}

pub(super) fn goods(lang: Lang, view: &LookupView, frame: &mut Frame, area: Rect) {
    let Some(order) = &view.order else { return };
    let t = |x: Text| i18n::text(lang, x).to_string();
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let header = Row::new(vec![
        Cell::from(t(Text::ReturnGoods)),
        right(t(Text::ColPrice)),
        right(t(Text::ColQty)),
        right(t(Text::ColReturned)),
        right(t(Text::ColReturnNow)),
    ])
    .style(Style::new().fg(Color::DarkGray).add_modifier(Modifier::BOLD));
    let rows = order.lines.iter().enumerate().map(|(i, l)| {
        let now = view.pick(i);
        let row = Row::new(vec![
            Cell::from(i18n::line_name(lang, &l.name).to_string()),
            right(l.unit_price.to_string()),
            right(l.qty.to_string()),
            right(order.returned(i).to_string()),
            right(if now > 0 { now.to_string() } else { String::new() }),
        ]);
        if now > 0 { row.style(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)) } else { row }
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(7),
    ];
    let choosing = view.can_choose();
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD))
        .highlight_symbol("▸ ")
        .highlight_spacing(if choosing { HighlightSpacing::Always } else { HighlightSpacing::Never });
    let mut cursor = TableState::new().with_selected(choosing.then_some(view.cursor));
    frame.render_stateful_widget(table, area, &mut cursor);
}

/// The line above the amount: the value of the goods chosen, when any are.
pub(super) fn value_line(lang: Lang, view: &LookupView) -> Line<'static> {
    let value = view.chosen_value();
    if value.is_zero() {
        return Line::raw("");
    }
    Line::styled(
        format!("{}  {value}", i18n::text(lang, Text::ReturnValue)),
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    )
}
