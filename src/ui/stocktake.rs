//! Goods in and stock counts (入库 / 盘点), a box over the screen: the sheet's number and what it is,
//! its lines (received; or expected, counted and the variance), and the code being typed. And the
//! training mode banner (培训模式), drawn over the top row of every screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use super::widgets;
use crate::core::State;
use crate::core::stocktake::{Scope, SheetKind, SheetText};
use crate::i18n::stocktake::{StockText as S, stock_text};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let Some(sheet) = &state.stock_sheet else { return };
    let lang = state.settings.lang;
    let t = |x| stock_text(lang, x);
    let right = |s: &str, w: usize| format!("{}{s}", " ".repeat(w.saturating_sub(usize::from(widgets::width(s)))));
    let row = |item: &str, a: &str, b: &str, c: &str| {
        format!("{} {} {} {}", widgets::pad(&widgets::truncate(item, 30), 30), right(a, 8), right(b, 8), right(c, 8))
    };
    let (title, about) = match &sheet.kind {
        SheetKind::GoodsIn { supplier, note } => {
            // The text being typed shows its cursor.
            let cursor = |f: SheetText| if sheet.typing == Some(f) { "_" } else { "" };
            let note = if note.is_empty() && sheet.typing != Some(SheetText::Note) {
                String::new()
            } else {
                format!("  {}: {note}{}", t(S::Note), cursor(SheetText::Note))
            };
            (t(S::GoodsInTitle), format!("{}: {supplier}{}{note}", t(S::Supplier), cursor(SheetText::Supplier)))
        }
        SheetKind::Count { scope } => {
            let scope = match scope {
                Scope::Everything => t(S::Everything).to_string(),
                Scope::Category(c) => format!("{}: {c}", t(S::Category)),
            };
            (t(S::CountTitle), format!("{scope}    {}: {}", t(S::Uncounted), sheet.uncounted(&state.catalogue)))
        }
    };
    let heading = match sheet.kind {
        SheetKind::GoodsIn { .. } => row(t(S::ColItem), "", "", t(S::ColReceived)),
        SheetKind::Count { .. } => row(t(S::ColItem), t(S::ColExpected), t(S::ColCounted), t(S::ColVariance)),
    };
    let mut lines = vec![
        Line::raw(format!("{} {}    {about}", t(S::Number), sheet.number)),
        Line::styled(heading, Style::new().fg(Color::DarkGray).add_modifier(Modifier::BOLD)),
    ];
    let room = usize::from(area.height.saturating_sub(7)).max(1);
    let first = sheet.cursor.saturating_sub(room - 1);
    for (i, l) in sheet.lines.iter().enumerate().skip(first).take(room) {
        let text = match sheet.kind {
            SheetKind::GoodsIn { .. } => row(&l.name, "", "", &l.qty.to_string()),
            SheetKind::Count { .. } => {
                let expected = l.expected.map_or_else(|| "-".to_string(), |n| n.to_string());
                row(&l.name, &expected, &l.qty.to_string(), &format!("{:+}", l.delta(&sheet.kind)))
            }
        };
        let line = Line::raw(text);
        lines.push(if i == sheet.cursor { line.style(Style::new().add_modifier(Modifier::REVERSED)) } else { line });
    }
    lines.push(Line::raw(""));
    let units: i64 = sheet.deltas().iter().map(|(_, d)| d).sum();
    lines.push(Line::styled(
        format!("{}: {}    {}: {units:+}", t(S::Lines), sheet.lines.len(), t(S::Units)),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    lines.push(widgets::input_line(t(S::Code), &state.input));
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        .padding(Padding::new(1, 1, 0, 0));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The training banner over the top row, on every screen while training is on.
pub(super) fn training_banner(state: &State, frame: &mut Frame) {
    if state.training.is_none() {
        return;
    }
    let area = frame.area();
    let top = Rect { height: area.height.min(1), ..area };
    let text = format!(" {} ", stock_text(state.settings.lang, S::TrainingBanner));
    let style = Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD);
    frame.render_widget(Clear, top);
    frame.render_widget(Paragraph::new(Line::styled(text, style).centered()).style(style), top);
}
