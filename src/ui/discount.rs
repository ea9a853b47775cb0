//! The discount entry (打折), a box over the sale screen: on what (this item or the whole sale),
//! the kind, the value being typed and the reason, each with the key that changes it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use super::widgets;
use crate::core::State;
use crate::i18n::discount::{DiscountText as D, discount_text, how};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let Some(form) = &state.discount_entry else { return };
    let lang = state.settings.lang;
    let t = |x| discount_text(lang, x);
    let row = |label: D, value: String, key: &str| {
        let text = format!("{} {value}", widgets::pad(t(label), 10));
        let room = 40usize.saturating_sub(usize::from(widgets::width(&text)));
        Line::raw(format!("{text}{}{key}", " ".repeat(room.max(1))))
    };
    let on = if form.order {
        format!("{}  {}", t(D::OnOrder), state.sale.total())
    } else {
        let line = state.sale.lines.get(state.selected);
        let name = line.map_or("", |l| crate::i18n::line_name(lang, &l.name));
        let now = state.sale.line_net(state.selected);
        format!("{}  {}  {} {now}", t(D::OnLine), widgets::truncate(name, 12), t(D::Now))
    };
    let reason = state
        .discount_rules
        .reasons
        .get(form.reason)
        .map_or(String::new(), |r| if lang == crate::core::Lang::Zh { r.zh.clone() } else { r.en.clone() });
    let lines = vec![
        row(D::On, on, "F2"),
        row(D::Kind, how(lang, form.how).to_string(), "F3"),
        row(D::Reason, reason, "F4"),
        Line::raw(""),
        widgets::input_line(t(D::Value), &form.value).style(Style::new().add_modifier(Modifier::BOLD)),
    ];
    let block = Block::bordered()
        .title(format!(" {} ", t(D::Title)))
        .border_style(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
        .padding(Padding::new(2, 2, 1, 0));
    let [mid] = Layout::vertical([Constraint::Length(9)]).flex(Flex::Center).areas(area);
    let [boxed] = Layout::horizontal([Constraint::Length(62)]).flex(Flex::Center).areas(mid);
    frame.render_widget(Clear, boxed);
    frame.render_widget(Paragraph::new(lines).block(block), boxed);
}
