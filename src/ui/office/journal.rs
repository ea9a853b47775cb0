//! The journal: the day's payments and refunds with the filters, and one transaction's detail.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, HighlightSpacing, Padding, Paragraph, Row, Table, TableState};

use super::t;
use crate::core::office::JournalView;
use crate::core::office::journal::{Entry, EntryState};
use crate::core::order::Tender;
use crate::core::{Lang, State};
use crate::i18n::{self, OfficeText as T};
use crate::ui::widgets::{self, ERROR, GOOD, WARN};

fn state_style(s: EntryState) -> Style {
    Style::new().fg(match s {
        EntryState::Paid => GOOD,
        EntryState::Refunded => Color::Cyan,
        EntryState::InDoubt => WARN,
        EntryState::Failed => ERROR,
    })
}

pub(super) fn view(state: &State, v: &JournalView, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let title = format!(" {}  {} ", t(lang, if v.detail { T::DetailTitle } else { T::JournalTitle }), v.day.display());
    let block = Block::bordered().title(title).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if v.pending {
        frame.render_widget(Paragraph::new(Line::styled(t(lang, T::Loading), Style::new().fg(WARN).bold())), inner);
        return;
    }
    if v.detail {
        if let Some(e) = v.selected_entry() {
            frame.render_widget(Paragraph::new(detail(state, v, e)), inner);
        }
        return;
    }
    let [filters, table] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(filter_line(lang, v)), filters);
    let visible = v.visible();
    if visible.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(t(lang, T::NoEntries), Style::new().fg(Color::DarkGray))),
            table,
        );
        return;
    }
    let header = Row::new(
        [T::ColTime, T::ColKind, T::ColMethod, T::Amount, T::ColState, T::ColOperator, T::ColNumber]
            .map(|x| Cell::from(t(lang, x))),
    )
    .style(Style::new().fg(Color::DarkGray).add_modifier(Modifier::BOLD));
    let rows = visible.iter().map(|e| {
        Row::new(vec![
            Cell::from(e.at.local(state.settings.utc_offset_minutes).display().get(11..).unwrap_or("").to_string()),
            Cell::from(i18n::entry_kind_name(lang, e.kind)),
            Cell::from(i18n::method_name(lang, e.method)),
            Cell::from(Line::from(e.amount.to_string()).right_aligned()),
            Cell::from(i18n::entry_state_name(lang, e.state)).style(state_style(e.state)),
            Cell::from(e.operator.clone()),
            Cell::from(e.number.clone()),
        ])
    });
    let widths = [
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Fill(1),
    ];
    let table_widget = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD))
        .highlight_symbol("▸")
        .highlight_spacing(HighlightSpacing::Always);
    let mut selection = TableState::new().with_selected(Some(v.selected));
    frame.render_stateful_widget(table_widget, table, &mut selection);
}

fn filter_line(lang: Lang, v: &JournalView) -> Line<'static> {
    let all = t(lang, T::All);
    let op = v.filter.operator.clone().unwrap_or_else(|| all.to_string());
    let method = v.filter.method.map_or(all, |m| i18n::method_name(lang, m));
    let st = v.filter.state.map_or(all, |s| i18n::entry_state_name(lang, s));
    let count = v.visible().len();
    let text = format!(
        "F5 {} {op}   F6 {} {method}   F7 {} {st}   ({count})",
        t(lang, T::Operator),
        t(lang, T::ColMethod),
        t(lang, T::ColState)
    );
    Line::styled(text, Style::new().fg(Color::DarkGray))
}

fn detail(state: &State, v: &JournalView, e: &Entry) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let mut rows = vec![
        (t(lang, T::ColKind), i18n::entry_kind_name(lang, e.kind).to_string()),
        (t(lang, T::ColState), i18n::entry_state_name(lang, e.state).to_string()),
        (t(lang, T::ColMethod), i18n::method_name(lang, e.method).to_string()),
        (t(lang, T::Amount), e.amount.to_string()),
        (t(lang, T::ColTime), e.at.local(state.settings.utc_offset_minutes).display()),
        (t(lang, T::Operator), e.operator.clone()),
        (t(lang, T::ColNumber), e.number.clone()),
    ];
    if let Some(no) = &e.refund_no {
        rows.push((t(lang, T::RefundNo), no.clone()));
    }
    let order = v.order_of(e);
    // A refund that took goods back: which, if the line has room.
    let refund = order.zip(e.refund_no.as_ref()).and_then(|(o, no)| o.refunds.iter().find(|r| &r.out_refund_no == no));
    if let (Some(o), Some(r)) = (order, refund.filter(|r| !r.returns.is_empty())) {
        let goods: Vec<String> = r
            .returns
            .iter()
            .filter_map(|g| o.lines.get(g.line).map(|l| format!("{} ×{}", i18n::line_name(lang, &l.name), g.qty)))
            .collect();
        rows.push((i18n::text(lang, i18n::Text::ReturnGoods), goods.join(", ")));
    }
    if let Some(Tender::Code { transaction_id, .. }) = order.and_then(|o| o.tender.as_ref()) {
        rows.push((i18n::text(lang, i18n::Text::ReceiptTransactionId), transaction_id.clone()));
    }
    // Discounts given on the sale: each with its reason, who gave it and the amount.
    for d in &e.discounts {
        let text = format!("{} {} -{}", d.reason, d.operator, d.amount).replace("  ", " ");
        rows.push((i18n::text(lang, i18n::Text::ReceiptDiscount), text));
    }
    rows.extend(order.map(|o| reason_rows(lang, o)).unwrap_or_default());
    let mut lines = widgets::label_rows(&rows);
    if let Some(o) = order.filter(|o| !o.lines.is_empty()) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(t(lang, T::OrderItems), Style::new().fg(Color::DarkGray).bold()));
        for l in o.lines.iter().take(6) {
            let name = widgets::fit(i18n::line_name(lang, &l.name), 30);
            lines.push(Line::raw(format!("  {name} {:>4} {:>10}", l.qty, l.amount().to_string())));
        }
    }
    lines
}

/// A return without a receipt or an exchange: what it is, why, and who approved it.
fn reason_rows(lang: Lang, o: &crate::core::order::Order) -> Vec<(&'static str, String)> {
    use crate::i18n::exchange::{ExchangeText as X, exchange_text};
    use crate::i18n::no_receipt::{ReturnText as R, reason, return_text};
    let (what, why, who) = match (&o.no_receipt, &o.exchange) {
        (Some(n), _) => (return_text(lang, R::FormTitle), n.reason, n.approved_by.clone()),
        (None, Some(x)) => (exchange_text(lang, X::SlipTitle), x.reason, x.approved_by.clone()),
        (None, None) => return Vec::new(),
    };
    vec![
        (return_text(lang, R::Reason), format!("{what}: {}", reason(lang, why))),
        (return_text(lang, R::ApprovedBy), who),
    ]
}
