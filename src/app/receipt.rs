//! An order as a printed receipt, in the shop's language.

use crate::core::order::{Order, Refund, Tender, TenderPart};
use crate::core::{Settings, money::Fen};
use crate::escpos::{self, PrinterProfile, Receipt, ReceiptItem, ReceiptLabels};
use crate::i18n::{self, Text};

use crate::i18n::stocktake::{StockText, stock_text};

pub fn render(order: &Order, settings: &Settings, profile: &PrinterProfile) -> Vec<u8> {
    let lang = settings.lang;
    let t = |x: Text| i18n::text(lang, x).to_string();
    let items = order
        .lines
        .iter()
        .map(|l| ReceiptItem {
            name: if l.name.is_empty() { t(Text::MiscItem) } else { l.name.clone() },
            qty: l.qty,
            unit_price: l.unit_price,
            amount: l.amount(),
        })
        .collect();
    let mut tender = tender_rows(order, lang);
    let mut discounts = discount_rows(order, lang);
    let mut title = t(Text::ReceiptTitle);
    let mut footer = t(Text::ReceiptFooter);
    if let Some(x) = &order.exchange {
        exchange_rows(order, x, lang, &mut discounts, &mut tender);
        use i18n::exchange::{ExchangeText as X, exchange_text};
        use i18n::no_receipt::{ReturnText as R, reason, return_text};
        title = exchange_text(lang, X::SlipTitle).to_string();
        // A receipted exchange names the order the goods came from; one without, the reason.
        let (why, what) = match &x.from {
            Some(from) => (exchange_text(lang, X::FromOrder), from.number.clone()),
            None => (return_text(lang, R::Reason), reason(lang, x.reason).to_string()),
        };
        footer = format!("{why}: {what}\n{}: {}\n{footer}", return_text(lang, R::ApprovedBy), x.approved_by);
    }
    // A training sale's receipt says so at the top and the bottom (`core::training`).
    let marked = |text: String| match order.training {
        true => format!("{} {text}", stock_text(lang, StockText::TrainingMark)),
        false => text,
    };
    let receipt = Receipt {
        shop_name: settings.shop_name.clone(),
        labels: ReceiptLabels {
            title: marked(title),
            item: t(Text::ReceiptItem),
            qty: t(Text::ReceiptQty),
            amount: t(Text::ReceiptAmount),
            total: t(Text::ReceiptTotal),
            order_no: t(Text::ReceiptOrderNo),
            time: t(Text::ReceiptTime),
            operator: t(Text::ReceiptOperator),
            footer: marked(footer),
        },
        items,
        total: order.total(),
        discounts,
        tender,
        order_number: order.number.clone().unwrap_or_default(),
        time: order.closed_at.unwrap_or(order.opened_at).local(settings.utc_offset_minutes).display(),
        operator: order.operator.clone(),
        member: member_rows(order, lang),
    };
    escpos::render(&receipt, profile)
}

/// The member's row of a sale's receipt: `会员  张三 138****5678` (the phone masked). None without one.
pub fn member_rows(order: &Order, lang: crate::core::Lang) -> Vec<(String, String)> {
    use crate::i18n::members::{MemberText, member_text};
    let mut rows: Vec<(String, String)> = order
        .member
        .iter()
        .map(|m| (member_text(lang, MemberText::Member).to_string(), format!("{} {}", m.name, m.phone)))
        .collect();
    // A top-up's slip (储值充值): what was paid in, the bonus, the new balance.
    if let Some(t) = &order.top_up {
        use crate::i18n::stored_value::{SvText, sv_text};
        rows.push((sv_text(lang, SvText::TopUpTitle).to_string(), String::new()));
        rows.push((sv_text(lang, SvText::Paid).to_string(), t.paid.to_string()));
        rows.push((sv_text(lang, SvText::Bonus).to_string(), t.bonus.to_string()));
        if let Some(b) = t.balance {
            rows.push((sv_text(lang, SvText::NewBalance).to_string(), b.to_string()));
        }
    }
    // Points paid with (积分抵现): how many, and the member's points after the sale.
    if let Some(after) = crate::core::points_tender::balance_after(order) {
        use crate::i18n::points::{PointsText, points_text};
        let (used, _) = crate::core::points_tender::redeemed(order);
        rows.push((points_text(lang, PointsText::Used).to_string(), used.to_string()));
        rows.push((points_text(lang, PointsText::Balance).to_string(), after.to_string()));
    }
    rows
}

/// The discount rows of a sale's receipt: the subtotal, then each promotion by its name and each of
/// the cashier's discounts (on a line: with the item's name), as negative amounts. None without discounts.
pub fn discount_rows(order: &Order, lang: crate::core::Lang) -> Vec<(String, Fen)> {
    if order.discounts.is_empty() {
        return Vec::new();
    }
    let t = |x: Text| i18n::text(lang, x).to_string();
    let gross: Fen = order.lines.iter().map(|l| l.amount()).sum();
    let mut rows = vec![(t(Text::ReceiptSubtotal), gross)];
    for d in &order.discounts {
        let label = order.discount_label(d, &t(Text::ReceiptDiscount));
        rows.push((label, Fen(-d.amount.0)));
    }
    rows
}

/// An exchange slip's rows: the new goods' subtotal (when not already there), each good coming
/// back as a negative row; and as tender, a difference given back in cash.
fn exchange_rows(
    order: &Order,
    x: &crate::core::exchange::Exchange,
    lang: crate::core::Lang,
    discounts: &mut Vec<(String, Fen)>,
    tender: &mut Vec<(String, Fen)>,
) {
    use i18n::exchange::{ExchangeText as X, exchange_text};
    if discounts.is_empty() {
        discounts.push((i18n::text(lang, Text::ReceiptSubtotal).to_string(), order.goods_total()));
    }
    for (i, l) in x.returned.iter().enumerate() {
        let label = format!("{} {} x{}", exchange_text(lang, X::Returned), l.name, l.qty);
        // Goods from a receipt come back at what was paid for them (their net).
        let value = match &x.from {
            Some(from) => from.returns.get(i).map_or(l.amount(), |g| {
                let o = &from.original;
                o.net_of_units(g.line, o.returned(g.line).saturating_sub(g.qty), g.qty)
            }),
            None => l.amount(),
        };
        discounts.push((label, Fen(-value.0)));
    }
    let back = order.exchange_difference_owed().unwrap_or_default();
    if order.total().is_zero() {
        tender.clear();
    }
    if back > Fen::ZERO {
        let through_platform =
            order.refunds.iter().any(|r| !r.cash && !matches!(r.state, crate::core::order::RefundState::Failed { .. }));
        let label = if through_platform { X::RefundedBack } else { X::GivenBack };
        tender.push((exchange_text(lang, label).to_string(), back));
    }
}

/// The tender lines of a receipt: each part with its amount (a cash part: what was received, and
/// the change when there was any), in the order they were paid.
pub fn tender_rows(order: &Order, lang: crate::core::Lang) -> Vec<(String, Fen)> {
    let t = |x: Text| i18n::text(lang, x).to_string();
    let parts = order.tender_parts();
    let mut rows = Vec::new();
    if parts.len() > 1 {
        rows.push((t(Text::TenderMixed), order.total()));
    }
    for part in &parts {
        match part {
            // A cash part of a mixed tender given exactly: its amount.
            TenderPart::Cash { amount, change, .. } if parts.len() > 1 && change.is_zero() => {
                rows.push((t(Text::TenderCash), *amount));
            }
            TenderPart::Cash { received, change, .. } => {
                rows.push((t(Text::TenderCash), *received));
                rows.push((t(Text::TenderChange), *change));
            }
            TenderPart::Code { platform, amount, .. } => {
                rows.push((i18n::platform_name(lang, *platform).to_string(), *amount));
            }
            TenderPart::StoredValue { amount, .. } => {
                rows.push((i18n::stored_value::tender_name(lang).to_string(), *amount));
            }
            TenderPart::Points { amount, .. } => {
                rows.push((i18n::points::tender_name(lang).to_string(), *amount));
            }
        }
    }
    rows
}

/// A refund's slip: the goods that came back (if any), the order's number as a barcode (scan it to
/// look the order up again), the wallet and the amount refunded.
pub fn render_refund(order: &Order, out_refund_no: &str, settings: &Settings, profile: &PrinterProfile) -> Vec<u8> {
    let lang = settings.lang;
    let t = |x: Text| i18n::text(lang, x).to_string();
    let refund = order.refunds.iter().find(|r| r.out_refund_no == out_refund_no);
    // A give-back to the member (退回储值 / 积分) under this number: its own slip.
    let value_back = order.value_back.iter().find(|g| g.number == out_refund_no);
    let points_back = order.points_back.iter().find(|g| g.number == out_refund_no);
    if refund.is_none() && (value_back.is_some() || points_back.is_some()) {
        return render_give_back(order, out_refund_no, value_back, points_back, settings, profile);
    }
    let amount = refund.map_or(Fen::ZERO, |r| r.amount);
    let platform = match (refund, &order.tender) {
        (Some(r), _) if r.cash => t(Text::TenderCash),
        (Some(Refund { of: Some(of), .. }), _) => i18n::platform_name(lang, of.platform).to_string(),
        (_, Some(Tender::Code { platform, .. })) => i18n::platform_name(lang, *platform).to_string(),
        _ => t(Text::TenderCash),
    };
    let mut footer = format!("{} {out_refund_no}", t(Text::ReceiptRefundNo));
    let mut title = t(Text::RefundReceiptTitle);
    // A return without a receipt says so, why, and who approved it.
    if let Some(nr) = &order.no_receipt {
        use i18n::no_receipt::{ReturnText as R, reason, return_text};
        title = return_text(lang, R::SlipTitle).to_string();
        footer = format!(
            "{} {}\n{}: {}\n{}: {}",
            t(Text::ReceiptRefundNo),
            out_refund_no,
            return_text(lang, R::Reason),
            reason(lang, nr.reason),
            return_text(lang, R::ApprovedBy),
            nr.approved_by
        );
    }
    let receipt = Receipt {
        shop_name: settings.shop_name.clone(),
        labels: ReceiptLabels {
            title,
            item: t(Text::ReceiptItem),
            qty: t(Text::ReceiptQty),
            amount: t(Text::ReceiptAmount),
            total: t(Text::ReceiptRefundAmount),
            order_no: t(Text::ReceiptOrderNo),
            time: t(Text::ReceiptTime),
            operator: t(Text::ReceiptOperator),
            footer,
        },
        items: refund.map_or_else(Vec::new, |r| returned_items(order, r, lang)),
        total: amount,
        discounts: vec![],
        tender: vec![(platform, amount)],
        order_number: order.number.clone().unwrap_or_default(),
        time: refund.map_or(order.opened_at, |r| r.requested_at).local(settings.utc_offset_minutes).display(),
        operator: refund.map_or_else(|| order.operator.clone(), |r| r.operator.clone()),
        member: member_rows(order, lang),
    };
    escpos::render(&receipt, profile)
}

/// The slip of stored value and points given back to a member under `number`.
fn render_give_back(
    order: &Order,
    number: &str,
    value: Option<&crate::core::stored_value::GivenBack>,
    points: Option<&crate::core::points_tender::PointsBack>,
    settings: &Settings,
    profile: &PrinterProfile,
) -> Vec<u8> {
    use crate::i18n::points::{PointsText, points_text};
    use crate::i18n::stored_value::{SvText, sv_text};
    let lang = settings.lang;
    let t = |x: Text| i18n::text(lang, x).to_string();
    let amount = value.map_or(Fen::ZERO, |g| g.amount);
    let mut member = member_rows(order, lang);
    if let Some(p) = points {
        member.push((points_text(lang, PointsText::GivenBack).to_string(), p.points.to_string()));
    }
    let (at, operator) = value
        .map(|g| (g.at, g.operator.clone()))
        .or_else(|| points.map(|p| (p.at, p.operator.clone())))
        .unwrap_or((order.opened_at, order.operator.clone()));
    let receipt = Receipt {
        shop_name: settings.shop_name.clone(),
        labels: ReceiptLabels {
            title: sv_text(lang, SvText::GivenBack).to_string(),
            item: t(Text::ReceiptItem),
            qty: t(Text::ReceiptQty),
            amount: t(Text::ReceiptAmount),
            total: t(Text::ReceiptRefundAmount),
            order_no: t(Text::ReceiptOrderNo),
            time: t(Text::ReceiptTime),
            operator: t(Text::ReceiptOperator),
            footer: format!("{} {number}", t(Text::ReceiptRefundNo)),
        },
        items: Vec::new(),
        total: amount,
        discounts: vec![],
        tender: vec![(i18n::stored_value::tender_name(lang).to_string(), amount)],
        order_number: order.number.clone().unwrap_or_default(),
        time: at.local(settings.utc_offset_minutes).display(),
        operator,
        member,
    };
    escpos::render(&receipt, profile)
}

/// The goods a refund takes back, at the prices they were sold at.
fn returned_items(order: &Order, refund: &Refund, lang: crate::core::Lang) -> Vec<ReceiptItem> {
    refund
        .returns
        .iter()
        .filter_map(|g| order.lines.get(g.line).map(|l| (l, g.qty)))
        .map(|(l, qty)| ReceiptItem {
            name: if l.name.is_empty() { i18n::text(lang, Text::MiscItem).to_string() } else { l.name.clone() },
            qty,
            unit_price: l.unit_price,
            amount: l.unit_price.checked_mul(qty).unwrap_or(Fen(i64::MAX / 4)),
        })
        .collect()
}

/// The receipt as the screen shows it: the printed bytes decoded back, so what is shown is what
/// was printed.
pub fn preview(bytes: &[u8], profile: &PrinterProfile) -> Vec<String> {
    match escpos::decode(bytes, profile) {
        Ok(elements) => escpos::to_text_lines(&elements, profile.columns),
        Err(e) => vec![format!("(receipt preview unavailable: {e})")],
    }
}
