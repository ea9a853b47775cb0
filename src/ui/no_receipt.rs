//! The return without a receipt (无小票退货), a box over the screen: the goods coming back (name,
//! price, quantity, amount), the reason, the cash to give back, and the code being typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use super::widgets;
use crate::core::State;
use crate::i18n::no_receipt::{ReturnText as R, reason, return_text};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let Some(form) = &state.no_receipt else { return };
    let lang = state.settings.lang;
    let t = |x| return_text(lang, x);
    let row = |item: &str, price: &str, qty: &str, amount: &str| {
        let right = |s: &str, w: usize| format!("{}{s}", " ".repeat(w.saturating_sub(usize::from(widgets::width(s)))));
        format!(
            "{} {} {} {}",
            widgets::pad(&widgets::truncate(item, 24), 24),
            right(price, 8),
            right(qty, 5),
            right(amount, 10)
        )
    };
    let mut lines = vec![Line::styled(
        row(t(R::ColItem), t(R::ColPrice), t(R::ColQty), t(R::ColAmount)),
        Style::new().fg(Color::DarkGray).add_modifier(Modifier::BOLD),
    )];
    // Rows that fit between the heading and the four lines under them: a long list scrolls.
    let room = usize::from(area.height.saturating_sub(9)).max(1);
    let first = form.cursor.saturating_sub(room - 1);
    for (i, l) in form.lines.iter().enumerate().skip(first).take(room) {
        let line = Line::raw(row(&l.name, &l.unit_price.to_string(), &l.qty.to_string(), &l.amount().to_string()));
        lines.push(if i == form.cursor { line.style(Style::new().add_modifier(Modifier::REVERSED)) } else { line });
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!("{}: {}", t(R::Reason), reason(lang, form.reason))));
    let value = form.value().map_or_else(String::new, |v| v.to_string());
    lines.push(Line::styled(
        format!("{}: {value}    {} {}", t(R::ToGiveBack), t(R::Items), form.item_count()),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    lines.push(widgets::input_line(t(R::Code), &state.input));
    let block = Block::bordered()
        .title(format!(" {} ", t(R::FormTitle)))
        .border_style(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
        .padding(Padding::new(2, 2, 1, 0));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
