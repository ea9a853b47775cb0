//! The summary: a day or a range, sales by hour as a bar chart, and each method's share.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Cell, Padding, Paragraph, Row, Table};

use super::t;
use crate::core::State;
use crate::core::money::Fen;
use crate::core::office::SummaryView;
use crate::core::office::report::PayMethod;
use crate::core::office::summary::Summary;
use crate::i18n::{self, OfficeText as T};
use crate::ui::widgets::{self, WARN};

/// Whole yuan for the bars (the chart's scale; the table shows exact amounts).
fn yuan(f: Fen) -> u64 {
    u64::try_from(f.0.max(0) / 100).unwrap_or(0)
}

pub(super) fn view(state: &State, v: &SummaryView, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let days = if v.from == v.to { v.from.display() } else { format!("{} — {}", v.from.display(), v.to.display()) };
    let block =
        Block::bordered().title(format!(" {}  {days} ", t(lang, T::SummaryTitle))).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [input, chart, breakdown] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(5)]).areas(inner);
    frame.render_widget(Paragraph::new(widgets::input_line(t(lang, T::RangePrompt), &state.input)), input);
    let Some(s) = v.summary.as_ref().filter(|_| !v.pending) else {
        frame.render_widget(Paragraph::new(Line::styled(t(lang, T::Loading), Style::new().fg(WARN).bold())), chart);
        return;
    };
    hours(state, s, frame, chart);
    let [table, bars] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(24)]).spacing(2).areas(breakdown);
    methods_table(state, s, frame, table);
    methods_chart(state, s, frame, bars);
}

fn hours(state: &State, s: &Summary, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let bars: Vec<Bar> = s
        .by_hour
        .iter()
        .enumerate()
        .map(|(h, f)| Bar::default().value(yuan(*f)).label(Line::from(format!("{h:02}"))).text_value(String::new()))
        .collect();
    let title = format!(" {} ", t(lang, T::SalesByHour));
    let chart = BarChart::default()
        .block(Block::new().title(title))
        .data(BarGroup::default().bars(&bars))
        .bar_width(2)
        .bar_gap(1)
        .bar_style(Style::new().fg(Color::Cyan))
        .label_style(Style::new().fg(Color::DarkGray));
    frame.render_widget(chart, area);
}

fn methods_table(state: &State, s: &Summary, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let right = |x: String| Cell::from(Line::from(x).right_aligned());
    let header = Row::new(vec![
        Cell::from(t(lang, T::ByMethod)),
        right(t(lang, T::ColCount).into()),
        right(t(lang, T::ColSales).into()),
        right(t(lang, T::ColRefunds).into()),
        right(t(lang, T::ColNet).into()),
    ])
    .style(Style::new().fg(Color::DarkGray).add_modifier(Modifier::BOLD));
    let row = |label: String, tot: &crate::core::office::report::Totals| {
        Row::new(vec![
            Cell::from(label),
            right(tot.sales.n.to_string()),
            right(tot.sales.amount.to_string()),
            right(tot.refunds.amount.to_string()),
            right(tot.net().to_string()),
        ])
    };
    let mut rows: Vec<Row> =
        s.methods.iter().map(|m| row(i18n::method_name(lang, m.method).into(), &m.totals)).collect();
    rows.push(row(t(lang, T::Total).into(), &s.total).style(Style::new().add_modifier(Modifier::BOLD)));
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(5),
        Constraint::Length(10),
        Constraint::Length(9),
        Constraint::Length(10),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}

/// Each method's sales as a horizontal bar, for the shape at a glance.
fn methods_chart(state: &State, s: &Summary, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let colour = |m: PayMethod| match m {
        PayMethod::Cash => Color::Yellow,
        PayMethod::WeChat => Color::Green,
        PayMethod::Alipay => Color::Blue,
    };
    let bars: Vec<Bar> = s
        .methods
        .iter()
        .map(|m| {
            Bar::default()
                .value(yuan(m.totals.sales.amount))
                .label(Line::from(i18n::method_name(lang, m.method)))
                .text_value(m.totals.sales.amount.to_string())
                .style(Style::new().fg(colour(m.method)))
        })
        .collect();
    let chart = BarChart::default()
        .block(Block::new().padding(Padding::top(1)))
        .data(BarGroup::default().bars(&bars))
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0);
    frame.render_widget(chart, area);
}
