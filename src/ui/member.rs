//! Members on screen (会员): the box over the sale or tender screen while a member is looked up
//! and once found (number, name, masked phone, level, points, balance), and the sale's member line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use super::widgets;
use crate::core::State;
use crate::core::member_form::Field;
use crate::core::members::{self, MemberCard};
use crate::i18n::members::{MemberText as M, member_text};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let Some(view) = state.members.view.as_ref().filter(|_| state.members.form.is_none()) else { return };
    let lang = state.settings.lang;
    let t = |x| member_text(lang, x);
    let lines = match &view.found {
        None if view.missing => {
            vec![Line::raw(format!("{}  {}", t(M::Missing), view.asked)).style(Style::new().fg(Color::Yellow))]
        }
        None => vec![Line::raw(format!("{}  {}", t(M::Looking), view.asked)).style(Style::new().fg(Color::DarkGray))],
        Some(MemberCard { member, balance }) => widgets::label_rows(&[
            (t(M::Number), member.id.clone()),
            (t(M::Name), member.name.clone()),
            (t(M::Phone), member.phone.masked()),
            (t(M::Level), member.level.clone()),
            (t(M::Points), member.points.to_string()),
            (t(M::Balance), balance.to_string()),
        ]),
    };
    boxed(frame, area, t(M::Title), lines);
}

fn boxed(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>) {
    let height = u16::try_from(lines.len()).unwrap_or(1).saturating_add(3).min(area.height);
    let width = 44.min(area.width);
    let r = Rect { x: area.x + (area.width - width) / 2, y: area.y + 1.min(area.height), width, height };
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        .padding(Padding::new(2, 2, 1, 0));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

/// The member form: the field being typed marked `▸` and shown as typed; the phone masked in
/// the other fields' rows.
pub(super) fn form(state: &State, frame: &mut Frame, area: Rect) {
    let Some(form) = state.members.form.as_ref() else { return };
    let lang = state.settings.lang;
    let t = |x| member_text(lang, x);
    let rows: Vec<(&str, String)> = Field::ALL
        .iter()
        .map(|f| {
            let (label, text) = match f {
                Field::Name => (M::Name, form.name.clone()),
                Field::Phone if form.field != Field::Phone => (M::Phone, members::mask_phone(&form.phone)),
                Field::Phone => (M::Phone, form.phone.clone()),
                Field::Card => (M::Card, form.card.clone()),
                Field::Level => (M::Level, form.level.clone()),
            };
            let mark = if *f == form.field { "▸ " } else { "  " };
            (t(label), format!("{mark}{text}{}", if *f == form.field { "_" } else { "" }))
        })
        .collect();
    let mut lines = widgets::label_rows(&rows);
    if let Some(id) = &form.id {
        lines.insert(0, Line::raw(format!("{}  {id}", t(M::Number))).style(Style::new().fg(Color::DarkGray)));
    }
    boxed(frame, area, t(if form.id.is_some() { M::FormEdit } else { M::FormNew }), lines);
}

/// The sale's member in one line (`会员 张三 138****5678 金卡 积分 120 储值余额 50.00`), if one is attached.
pub(super) fn sale_line(state: &State) -> Option<String> {
    let tag = state.sale.member.as_ref()?;
    let lang = state.settings.lang;
    let t = |x| member_text(lang, x);
    let mut line = format!("{} {} {}", t(M::Member), widgets::truncate(&tag.name, 10), tag.phone);
    if !tag.level.is_empty() {
        line.push_str(&format!(" {}", tag.level));
    }
    if let Some(s) = members::standing(state) {
        line.push_str(&format!(" {} {} {} {}", t(M::Points), s.points, t(M::Balance), s.balance));
    }
    Some(line)
}
