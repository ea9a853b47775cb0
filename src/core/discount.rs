//! The cashier's discounts on the sale, and the sale priced through the engine (`core::pricing`).
//!
//! A discount (on the selected line, or with `order` on the whole sale) is a percentage off, an
//! amount off or a new price, with a reason from `[discounts]`. Within the cashier's limits it is
//! given at once; above them it goes through the one approval mechanism (`approval::Approval::Discount`).
//! The sale keeps what it was given in `Order.discounts` (each cashier's discount with its input, so a
//! restart keeps it), and every change of the lines prices the sale again ([`reprice`]).

use super::approval::{Approval, ask_supervisor};
use super::auth::Role;
use super::money::Fen;
use super::notice::{Notice, refuse};
use super::pricing::limits::parse_percent;
use super::pricing::promo::When;
use super::pricing::record::discounts;
use super::pricing::{CartLine, Change, Manual, Source, price_for};
use super::{Effect, Screen, State};
use std::collections::BTreeMap;

/// The cashier asks for a discount: `how` is `percent`, `amount` or `price`, `value` as typed.
pub(super) fn ask(state: &mut State, order: bool, how: &str, value: &str, reason: &str, fx: &mut Vec<Effect>) {
    if !open_to_discounts(state, fx) {
        return;
    }
    let line = if order { None } else { Some(state.selected) };
    if line.is_some_and(|i| i >= state.sale.lines.len()) {
        return refuse(state, Notice::NoLineSelected, fx);
    }
    let change = match how {
        "percent" => parse_percent(value).map(Change::PercentOff),
        "amount" => Fen::parse_yuan(value).ok().map(Change::AmountOff),
        "price" => Fen::parse_yuan(value).ok().map(Change::NewPrice),
        _ => None,
    };
    let Some(change) = change else { return refuse(state, Notice::NotAnAmount, fx) };
    if state.discount_rules.reason(reason).is_none() {
        return refuse(state, Notice::UnknownReason { code: reason.into() }, fx);
    }
    // What the discount is measured against: a new price against the unit price, else the net.
    let base = match (line, change) {
        (Some(i), Change::NewPrice(_)) => state.sale.lines[i].unit_price,
        (Some(i), _) => state.sale.line_net(i),
        (None, _) => state.sale.total(),
    };
    let role = state.auth.session.as_ref().map_or(Role::Cashier, |s| s.role);
    let manual = Manual { change, reason: reason.into() };
    if state.discount_rules.needs_supervisor(role, change, base) {
        return ask_supervisor(state, Approval::Discount { line, manual }, fx);
    }
    give(state, line, manual, fx);
}

/// Whether the sale takes a discount now: on the sale screen, with items, nothing being paid (else
/// the reason is said).
pub(super) fn open_to_discounts(state: &mut State, fx: &mut Vec<Effect>) -> bool {
    let refused = if state.screen != Screen::Sale || state.sale.lines.is_empty() || state.sale.top_up.is_some() {
        Notice::CartEmpty
    } else if state.sale.open_attempt().is_some() {
        Notice::PaymentInDoubt
    } else if state.sale.has_paid_parts() {
        Notice::FinishPayment
    } else {
        return true;
    };
    refuse(state, refused, fx);
    false
}

/// Gives the discount (within the limits, or approved) and saves the sale.
pub(super) fn give(state: &mut State, line: Option<usize>, manual: Manual, fx: &mut Vec<Effect>) {
    if line.is_some_and(|i| i >= state.sale.lines.len()) {
        return refuse(state, Notice::NoLineSelected, fx);
    }
    let (mut lines, mut order) = inputs(state, None);
    let operator = state.operator().to_string();
    match line {
        Some(i) => lines.insert(i, (manual, operator)),
        None => order.replace((manual, operator)),
    };
    if !price_sale(state, lines, order) {
        return refuse(state, Notice::AmountTooLarge, fx);
    }
    state.notice = Some(Notice::DiscountGiven { total: state.sale.total() });
    fx.push(state.save(&state.sale));
}

type Inputs = (BTreeMap<usize, (Manual, String)>, Option<(Manual, String)>);

/// The cashier's discounts the sale holds, by line; with `removed`, as they stand once that line is gone.
fn inputs(state: &State, removed: Option<usize>) -> Inputs {
    let mut lines = BTreeMap::new();
    let mut order = None;
    for d in &state.sale.discounts {
        let Some(change) = d.change else { continue };
        match &d.source {
            Source::Line { line, reason } if Some(*line) != removed => {
                let at = if removed.is_some_and(|r| r < *line) { line - 1 } else { *line };
                lines.insert(at, (Manual { change, reason: reason.clone() }, d.operator.clone()));
            }
            Source::Order { reason } => order = Some((Manual { change, reason: reason.clone() }, d.operator.clone())),
            _ => {}
        }
    }
    (lines, order)
}

/// Prices the sale again after its lines changed (`removed`: the line taken out, if one was).
pub(super) fn reprice(state: &mut State, removed: Option<usize>) {
    let (lines, order) = inputs(state, removed);
    if !price_sale(state, lines, order) {
        // Only a sale too large to add up fails, and those lines are refused before this.
        state.sale.discounts.clear();
    }
}

fn price_sale(state: &mut State, manual: BTreeMap<usize, (Manual, String)>, order: Option<(Manual, String)>) -> bool {
    if state.promotions.promotions().is_empty() && manual.is_empty() && order.is_none() {
        state.sale.discounts.clear();
        return true;
    }
    let cart: Vec<CartLine> = state
        .sale
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| CartLine {
            barcode: l.barcode.clone(),
            category: state.catalogue.get(&l.barcode).map_or_else(String::new, |p| p.category.clone()),
            unit_price: l.unit_price,
            qty: l.qty,
            manual: manual.get(&i).map(|(m, _)| m.clone()),
        })
        .collect();
    let when = When::at(state.now, state.settings.utc_offset_minutes);
    let member = state.sale.member.as_ref().map(|m| m.level.as_str());
    let Ok(priced) = price_for(&state.promotions, when, member, &cart, order.as_ref().map(|(m, _)| m)) else {
        return false;
    };
    let mut given = discounts(&priced, "");
    for d in &mut given {
        let input = match &d.source {
            Source::Line { line, .. } => manual.get(line),
            Source::Order { .. } => order.as_ref(),
            Source::Promotion { .. } => None,
        };
        if let Some((m, who)) = input {
            d.change = Some(m.change);
            d.operator = who.clone();
        }
    }
    state.sale.discounts = given;
    true
}
