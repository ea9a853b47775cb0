//! A report (X, Z) as printed, in the shop's language.

use crate::core::Settings;
use crate::core::clock::Millis;
use crate::core::office::report::{PayMethod, Report, ReportKind, Totals, Unsettled};
use crate::escpos::PrinterProfile;
use crate::escpos::report::{ReportSlip, SlipLine, render as render_slip};
use crate::i18n::{self, OfficeText as T};

/// The slip's lines: period, each method, the total, each operator, what is unresolved, the shifts.
pub fn slip(report: &Report, settings: &Settings) -> ReportSlip {
    let lang = settings.lang;
    let t = |x: T| i18n::office_text(lang, x).to_string();
    let time = |at: Millis| at.local(settings.utc_offset_minutes).display();
    let mut lines = vec![SlipLine::Rule];
    if let ReportKind::Z { number } = report.kind {
        lines.push(SlipLine::Pair(t(T::ZNumber), number.to_string()));
    }
    lines.push(SlipLine::Pair(t(T::Period), report.from.map_or_else(|| t(T::SinceFirstSale), time)));
    lines.push(SlipLine::Pair(String::new(), time(report.to)));
    lines.push(SlipLine::Rule);
    lines.push(SlipLine::Columns { label: t(T::ColMethod), count: t(T::ColCount), amount: t(T::Amount) });
    for m in PayMethod::ALL {
        lines.push(SlipLine::Heading(i18n::method_name(lang, m).to_string()));
        totals(&mut lines, &report.method(m), lang, "  ");
    }
    lines.push(SlipLine::Heading(t(T::Total)));
    totals(&mut lines, &report.total, lang, "  ");
    lines.push(SlipLine::Rule);
    lines.push(SlipLine::Heading(t(T::ByOperator)));
    for op in &report.operators {
        lines.push(SlipLine::Heading(format!("{} {}", t(T::Operator), op.operator)));
        for m in op.methods.iter().filter(|m| m.totals != Totals::default()) {
            lines.push(SlipLine::Text(format!(" {}", i18n::method_name(lang, m.method))));
            totals(&mut lines, &m.totals, lang, "  ");
        }
        lines.push(SlipLine::Amount { label: format!(" {}", t(T::ColNet)), amount: op.total.net() });
    }
    if !report.discounts.is_empty() {
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Heading(t(T::DiscountsGiven)));
    }
    for d in &report.discounts {
        let label = format!(" {} {}", d.reason, d.operator).trim_end().to_string();
        lines.push(SlipLine::Count { label, count: d.count, amount: d.amount });
    }
    lines.push(SlipLine::Rule);
    lines.push(SlipLine::Heading(t(T::Unresolved)));
    if report.unresolved.is_empty() {
        lines.push(SlipLine::Text(t(T::UnresolvedNone)));
    }
    for u in &report.unresolved {
        let what = match u.what {
            Unsettled::Payment => t(T::KindPayment),
            Unsettled::Refund => t(T::KindRefund),
        };
        lines.push(SlipLine::Text(format!("{what} {}", u.number)));
        let label = format!(" {} {}", i18n::method_name(lang, u.method), u.operator);
        lines.push(SlipLine::Amount { label, amount: u.amount });
    }
    // Returns without a receipt: in the cash refunds above, and apart here.
    if report.no_receipt.n > 0 {
        let label = crate::i18n::no_receipt::return_text(lang, crate::i18n::no_receipt::ReturnText::ReportLine);
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Count {
            label: label.to_string(),
            count: report.no_receipt.n,
            amount: report.no_receipt.amount,
        });
    }
    // Exchanges: their payments are in the sales above, a difference given back in the cash refunds.
    if !report.exchanges.is_empty() {
        use crate::i18n::exchange::{ExchangeText as X, exchange_text};
        let x = &report.exchanges;
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Count {
            label: exchange_text(lang, X::ReportLine).to_string(),
            count: x.n,
            amount: x.paid,
        });
        for (label, amount) in
            [(X::ReportIn, x.goods_back), (X::ReportOut, x.goods_out), (X::ReportGiven, x.given_back)]
        {
            lines.push(SlipLine::Amount { label: format!(" {}", exchange_text(lang, label)), amount });
        }
    }
    // Stored value (储值): owed to members, not sales; apart from everything above.
    if !report.stored_value.is_empty() {
        use crate::i18n::stored_value::{SvText, report_rows, sv_text};
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Heading(sv_text(lang, SvText::Section).to_string()));
        for (label, n, amount) in report_rows(lang, &report.stored_value) {
            lines.push(match n {
                Some(count) => SlipLine::Count { label: label.to_string(), count, amount },
                None => SlipLine::Amount { label: label.to_string(), amount },
            });
        }
    }
    // Points (积分抵现): not money, apart from everything above.
    if !report.points.is_empty() {
        use crate::i18n::points::{PointsText, points_text, report_rows};
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Heading(points_text(lang, PointsText::Section).to_string()));
        for (label, count, points, amount) in report_rows(lang, &report.points) {
            let label = format!("{label} {points}");
            lines.push(match amount {
                Some(amount) => SlipLine::Count { label, count, amount },
                None => SlipLine::Text(format!("{label} ({count})")),
            });
        }
    }
    // Held sales a supervisor discarded (nothing was paid for them: listed, not counted).
    if !report.discarded_held.is_empty() {
        use crate::i18n::held::{HeldText as H, held_text};
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Heading(held_text(lang, H::ReportTitle).to_string()));
        for h in &report.discarded_held {
            let label = format!("{} {}  {} {}", held_text(lang, H::ColNumber), h.number, t(T::Operator), h.operator);
            lines.push(SlipLine::Count { label, count: h.items, amount: h.total });
            let when = h.discarded_at.map(time).unwrap_or_default();
            lines.push(SlipLine::Text(format!(" {when}  {} {}", held_text(lang, H::DiscardedBy), h.discarded_by)));
        }
    }
    if !report.shifts.is_empty() {
        lines.push(SlipLine::Rule);
        lines.push(SlipLine::Heading(t(T::Shifts)));
    }
    for s in &report.shifts {
        lines.push(SlipLine::Pair(format!("{} {}", t(T::ShiftNo), s.id), format!("{} {}", t(T::Operator), s.operator)));
        lines.push(SlipLine::Amount { label: t(T::OpeningFloat), amount: s.float });
        lines.push(SlipLine::Amount { label: t(T::PayIn), amount: s.pay_ins() });
        lines.push(SlipLine::Amount { label: t(T::PayOut), amount: s.pay_outs() });
        let Some(up) = &s.close else { continue };
        lines.push(SlipLine::Amount { label: t(T::CashSales), amount: up.flow.sales });
        lines.push(SlipLine::Amount { label: t(T::CashRefunds), amount: up.flow.refunds });
        lines.push(SlipLine::Amount { label: t(T::ExpectedCash), amount: up.expected });
        lines.push(SlipLine::Amount { label: t(T::CountedCash), amount: up.counted });
        lines.push(SlipLine::Amount { label: t(T::Difference), amount: up.difference });
        if !up.note.is_empty() {
            lines.push(SlipLine::Text(format!("{}: {}", t(T::Note), up.note)));
        }
    }
    let title = match report.kind {
        ReportKind::X => t(T::ReportXTitle),
        ReportKind::Z { .. } => t(T::ReportZTitle),
    };
    ReportSlip { shop_name: settings.shop_name.clone(), title, lines }
}

fn totals(lines: &mut Vec<SlipLine>, totals: &Totals, lang: crate::core::Lang, indent: &str) {
    let t = |x: T| format!("{indent}{}", i18n::office_text(lang, x));
    lines.push(SlipLine::Count { label: t(T::ColSales), count: totals.sales.n, amount: totals.sales.amount });
    lines.push(SlipLine::Count { label: t(T::ColRefunds), count: totals.refunds.n, amount: totals.refunds.amount });
    lines.push(SlipLine::Amount { label: t(T::ColNet), amount: totals.net() });
}

pub fn render(report: &Report, settings: &Settings, profile: &PrinterProfile) -> Vec<u8> {
    render_slip(&slip(report, settings), profile)
}
