//! The X/Z report on screen: each method's sales, refunds and net; each operator's net per method;
//! what is unresolved; the cash-ups.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Padding, Paragraph, Row, Table};

use super::t;
use crate::core::office::ReportView;
use crate::core::office::report::{PayMethod, Report, ReportKind, Totals, Unsettled};
use crate::core::{Lang, State};
use crate::i18n::{self, OfficeText as T};
use crate::ui::widgets::{self, ERROR, GOOD, WARN};

fn right(s: String) -> Cell<'static> {
    Cell::from(Line::from(s).right_aligned())
}

const HEAD: Style = Style::new().fg(Color::DarkGray).add_modifier(Modifier::BOLD);

pub(super) fn view(state: &State, v: &ReportView, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let title = match v.report.as_ref().map(|r| r.kind) {
        Some(ReportKind::Z { number }) => format!(" {} #{number} ", t(lang, T::ReportZTitle)),
        _ => format!(" {} ", t(lang, T::ReportXTitle)),
    };
    let block = Block::bordered().title(title).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(report) = v.report.as_ref().filter(|_| !v.pending) else {
        frame.render_widget(Paragraph::new(Line::styled(t(lang, T::Loading), Style::new().fg(WARN).bold())), inner);
        return;
    };
    let ops = report.operators.len() as u16;
    let [period, methods, operators, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(5),
        Constraint::Length(if ops == 0 { 0 } else { ops + 2 }),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let time = |at: crate::core::clock::Millis| at.local(state.settings.utc_offset_minutes).display();
    let from = report.from.map_or_else(|| t(lang, T::SinceFirstSale).to_string(), time);
    let line = format!("{}  {from} — {}", t(lang, T::Period), time(report.to));
    frame.render_widget(Paragraph::new(Line::styled(line, Style::new().fg(Color::DarkGray))), period);
    method_table(lang, report, frame, methods);
    if ops > 0 {
        operator_table(lang, report, frame, operators);
    }
    frame.render_widget(Paragraph::new(rest_lines(state, report)), rest);
}

fn totals_row(label: String, totals: &Totals, style: Style) -> Row<'static> {
    Row::new(vec![
        Cell::from(label),
        right(totals.sales.n.to_string()),
        right(totals.sales.amount.to_string()),
        right(totals.refunds.n.to_string()),
        right(totals.refunds.amount.to_string()),
        right(totals.net().to_string()),
    ])
    .style(style)
}

fn method_table(lang: Lang, report: &Report, frame: &mut Frame, area: Rect) {
    let header = Row::new(vec![
        Cell::from(t(lang, T::ColMethod)),
        right(t(lang, T::ColCount).into()),
        right(t(lang, T::ColSales).into()),
        right(t(lang, T::ColCount).into()),
        right(t(lang, T::ColRefunds).into()),
        right(t(lang, T::ColNet).into()),
    ])
    .style(HEAD);
    let mut rows: Vec<Row> = PayMethod::ALL
        .iter()
        .map(|m| totals_row(i18n::method_name(lang, *m).into(), &report.method(*m), Style::new()))
        .collect();
    rows.push(totals_row(t(lang, T::Total).into(), &report.total, Style::new().add_modifier(Modifier::BOLD)));
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(6),
        Constraint::Length(12),
        Constraint::Length(6),
        Constraint::Length(12),
        Constraint::Length(12),
    ];
    frame.render_widget(Table::new(rows, widths).header(header), area);
}

fn operator_table(lang: Lang, report: &Report, frame: &mut Frame, area: Rect) {
    let mut head = vec![Cell::from(t(lang, T::ByOperator))];
    head.extend(PayMethod::ALL.iter().map(|m| right(i18n::method_name(lang, *m).into())));
    head.push(right(t(lang, T::ColNet).into()));
    let rows = report.operators.iter().map(|o| {
        let mut cells = vec![Cell::from(o.operator.clone())];
        cells.extend(o.methods.iter().map(|m| right(m.totals.net().to_string())));
        cells.push(right(o.total.net().to_string()));
        Row::new(cells)
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(12),
    ];
    let [_, table] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Table::new(rows, widths).header(Row::new(head).style(HEAD)), table);
}

/// Unresolved payments and refunds, then the cash-ups.
fn rest_lines(state: &State, report: &Report) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let mut lines = vec![Line::styled(t(lang, T::Unresolved), Style::new().fg(WARN).bold())];
    if report.unresolved.is_empty() {
        lines.push(Line::styled(format!("  {}", t(lang, T::UnresolvedNone)), Style::new().fg(Color::DarkGray)));
    }
    for u in &report.unresolved {
        let what = t(lang, if u.what == Unsettled::Payment { T::KindPayment } else { T::KindRefund });
        let when = u.at.local(state.settings.utc_offset_minutes).hhmm();
        let text = format!(
            "  {when}  {}  {}  {}  {:>9}  {}",
            widgets::pad(what, 7),
            u.number,
            widgets::pad(i18n::method_name(lang, u.method), 10),
            u.amount.to_string(),
            u.operator
        );
        lines.push(Line::styled(text, Style::new().fg(WARN)));
    }
    // Discounts given, per reason and operator (the printed report has them too).
    if !report.discounts.is_empty() {
        lines.push(Line::styled(t(lang, T::DiscountsGiven), Style::new().bold()));
    }
    for d in &report.discounts {
        let who = format!("{} {}", d.reason, d.operator);
        lines.push(Line::raw(format!(
            "  {}  {:>4}  {:>10}",
            widgets::pad(who.trim_end(), 30),
            d.count,
            d.amount.to_string()
        )));
    }
    if report.no_receipt.n > 0 {
        use crate::i18n::no_receipt::{ReturnText as R, return_text};
        let c = report.no_receipt;
        let text = format!("{}  {}  {}", return_text(lang, R::ReportLine), c.n, c.amount);
        lines.push(Line::styled(text, Style::new().fg(WARN).bold()));
    }
    if !report.exchanges.is_empty() {
        let text = crate::i18n::exchange::report_line(lang, &report.exchanges);
        lines.push(Line::styled(text, Style::new().fg(WARN).bold()));
    }
    if !report.stored_value.is_empty() {
        use crate::i18n::stored_value::{SvText, report_rows, sv_text};
        lines.push(Line::styled(sv_text(lang, SvText::Section), Style::new().bold()));
        for (label, n, amount) in report_rows(lang, &report.stored_value) {
            let n = n.map(|n| n.to_string()).unwrap_or_default();
            lines.push(Line::raw(format!("  {}  {n:>4}  {:>10}", widgets::pad(label, 30), amount.to_string())));
        }
    }
    if !report.points.is_empty() {
        use crate::i18n::points::{PointsText, points_text, report_rows};
        lines.push(Line::styled(points_text(lang, PointsText::Section), Style::new().bold()));
        for (label, n, points, amount) in report_rows(lang, &report.points) {
            let amount = amount.map(|a| a.to_string()).unwrap_or_default();
            lines.push(Line::raw(format!("  {}  {n:>4}  {points:>8}  {amount:>10}", widgets::pad(label, 20))));
        }
    }
    if !report.discarded_held.is_empty() {
        use crate::i18n::held::{HeldText as H, held_text};
        lines.push(Line::styled(held_text(lang, H::ReportTitle), Style::new().fg(WARN).bold()));
        for h in &report.discarded_held {
            let when = h.discarded_at.map(|at| at.local(state.settings.utc_offset_minutes).hhmm()).unwrap_or_default();
            let text = format!(
                "  {when}  {} {}  {} {}  {:>3}  {:>9}  {} {}",
                held_text(lang, H::ColNumber),
                h.number,
                t(lang, T::Operator),
                h.operator,
                h.items,
                h.total.to_string(),
                held_text(lang, H::DiscardedBy),
                h.discarded_by
            );
            lines.push(Line::styled(text, Style::new().fg(WARN)));
        }
    }
    for s in &report.shifts {
        let head = format!("{} {}  {} {}", t(lang, T::ShiftNo), s.id, t(lang, T::Operator), s.operator);
        let text = match &s.close {
            Some(up) => format!(
                "{head}  {} {}  {} {}  {} {}",
                t(lang, T::ExpectedCash),
                up.expected,
                t(lang, T::CountedCash),
                up.counted,
                t(lang, T::Difference),
                up.difference
            ),
            None => format!("{head}  {} {}", t(lang, T::OpeningFloat), s.float),
        };
        let colour = match &s.close {
            Some(up) if up.difference != crate::core::money::Fen::ZERO => ERROR,
            Some(_) => GOOD,
            None => Color::Reset,
        };
        lines.push(Line::styled(text, Style::new().fg(colour)));
    }
    lines
}
