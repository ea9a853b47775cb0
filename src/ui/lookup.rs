//! The lookup screen: an order found by its receipt's number, where it stands, what can still be
//! refunded, and the refund amount being typed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::widgets::{self, ERROR, GOOD, WARN};
use crate::core::order::RefundState;
use crate::core::refund::{LookupStatus, LookupView, cash_to_refund};
use crate::core::{Lang, State};
use crate::i18n::{self, Text};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let block =
        Block::bordered().title(format!(" {} ", i18n::text(lang, Text::LookupTitle))).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(view) = &state.lookup else {
        let lines = vec![
            Line::styled(i18n::text(lang, Text::ScanReceiptBarcode), Style::new().bold()),
            Line::raw(""),
            widgets::input_line(i18n::text(lang, Text::OrderNo), &state.input),
        ];
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    };
    let [head, goods, refunds, input] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Length(super::returns::height(view)),
        Constraint::Fill(1),
        Constraint::Length(2),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(summary(lang, view)).wrap(Wrap { trim: true }), head);
    super::returns::goods(lang, view, frame, goods);
    frame.render_widget(Paragraph::new(refund_rows(lang, view)), refunds);
    let cash = !view.pending && view.order.as_ref().is_some_and(|o| !cash_to_refund(o).is_zero());
    if view.refundable().is_zero() || view.open_refund().is_some() {
        if cash && view.can_choose() {
            frame.render_widget(Paragraph::new(super::returns::value_line(lang, view)), input);
        }
        return;
    }
    let line = widgets::input_line(i18n::text(lang, Text::RefundAmount), &state.input);
    frame.render_widget(Paragraph::new(vec![super::returns::value_line(lang, view), line]), input);
}

fn summary(lang: Lang, view: &LookupView) -> Vec<Line<'static>> {
    let t = |x: Text| i18n::text(lang, x);
    let mut rows = vec![(t(Text::OrderNo), view.number.clone())];
    if view.pending {
        return vec![
            widgets::label_rows(&rows).remove(0),
            Line::raw(""),
            Line::styled(t(Text::LookupPending), Style::new().fg(WARN).bold()),
        ];
    }
    let Some(found) = view.found() else {
        if let Some(cash) = view.order.as_ref().map(cash_to_refund).filter(|c| !c.is_zero()) {
            rows.push((t(Text::CashToGiveBack), cash.to_string()));
        }
        return widgets::label_rows(&rows);
    };
    let (state_text, colour) = match view.status() {
        Some(LookupStatus::Paid) | None => (t(Text::StatePaid), GOOD),
        Some(LookupStatus::PartiallyRefunded) => (t(Text::StatePartiallyRefunded), WARN),
        Some(LookupStatus::FullyRefunded) => (t(Text::StateFullyRefunded), Color::DarkGray),
        Some(LookupStatus::Paying) => (t(Text::StatePaying), WARN),
        Some(LookupStatus::NotPaid) => (t(Text::StateNotPaid), ERROR),
    };
    rows.push((t(Text::PayPlatform), i18n::platform_name(lang, found.platform).to_string()));
    rows.push((t(Text::PaidTotal), found.total.to_string()));
    rows.push((t(Text::RefundedTotal), view.refunded().to_string()));
    rows.push((t(Text::Refundable), view.refundable().to_string()));
    let mut lines = vec![Line::styled(
        format!("{}  {state_text}", t(Text::OrderState)),
        Style::new().fg(colour).add_modifier(Modifier::BOLD),
    )];
    lines.extend(widgets::label_rows(&rows));
    lines
}

fn refund_rows(lang: Lang, view: &LookupView) -> Vec<Line<'static>> {
    let t = |x: Text| i18n::text(lang, x);
    let Some(order) = &view.order else { return Vec::new() };
    let mut lines = Vec::new();
    if order.imported {
        lines.push(Line::styled(t(Text::OtherTill), Style::new().fg(Color::DarkGray)));
    }
    if order.refunds.is_empty() {
        return lines;
    }
    lines.push(Line::styled(t(Text::RefundList), Style::new().bold()));
    for r in &order.refunds {
        let (text, colour) = match &r.state {
            RefundState::Sending => (t(Text::RefundSending).to_string(), WARN),
            RefundState::Accepted => (t(Text::RefundAccepted).to_string(), WARN),
            RefundState::Unknown { .. } => (t(Text::RefundUnknown).to_string(), WARN),
            RefundState::Refunded => (t(Text::RefundDone).to_string(), GOOD),
            RefundState::Failed { reason } => {
                (format!("{}: {}", t(Text::RefundFailedState), i18n::failure(lang, reason)), ERROR)
            }
        };
        lines.push(Line::styled(
            format!("  {}  {:>9}  {text}", r.out_refund_no, r.amount.to_string()),
            Style::new().fg(colour),
        ));
    }
    lines
}
