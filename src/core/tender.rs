//! Tender: cash, payment code, and mixed (part cash, part code; or two codes).
//!
//! Rules, on top of `pay` (which decides each code part by query and cancel, unchanged):
//! * the order is paid only when its paid parts cover the total: cash parts as they are taken,
//!   code parts once the platform says paid;
//! * while a code part is in doubt no other part is taken and the order cannot be completed,
//!   parked with a part paid, or changed: its outcome decides the remainder;
//! * a failed or cancelled code part leaves the remainder as it was;
//! * an order with a part paid stays on the tender screen until it is paid in full (the cart is
//!   locked and Esc does not abandon it): nothing taken is forgotten;
//! * every cash part opens the drawer; the receipt lists every part.
//!
//! The single tenders keep their old records (`Tender::Cash`, `Tender::Code`); two or more parts
//! make `Tender::Mixed`.

use super::code::Platform;
use super::money::{Fen, MoneyError};
use super::notice::Notice;
use super::notice::refuse;
use super::order::{Attempt, CashPart, OrderId, OrderStatus, Tender, TenderPart};
use super::pay::next_number;
use super::{Beep, Effect, Screen, State};

/// Cash received towards the remainder (empty input = exactly the remainder). Less than the
/// remainder is a part; more settles the order and the difference is change.
pub(super) fn cash(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    let remaining = state.sale.remaining();
    let received = if input.is_empty() { Ok(remaining) } else { Fen::parse_yuan(input) };
    let received = match received {
        Ok(r) if r.is_zero() => return refuse(state, Notice::ZeroAmount, fx),
        Ok(r) => r,
        Err(MoneyError::TooLarge) => return refuse(state, Notice::AmountTooLarge, fx),
        Err(MoneyError::NotAnAmount) => return refuse(state, Notice::NotAnAmount, fx),
    };
    // The receipt's number is taken before any cash is: a till out of numbers takes none.
    if !super::pay::numbers_left(state) {
        return refuse(state, Notice::NumbersExhausted, fx);
    }
    let amount = received.min(remaining);
    let change = received - amount;
    state.sale.cash.push(CashPart { amount, received, change });
    state.part_amount = None;
    // The drawer opens once the cash part is on disk (effects after a save wait for it).
    if state.sale.remaining() > Fen::ZERO {
        let remaining = state.sale.remaining();
        state.screen = Screen::Pay { cash_entry: false };
        state.notice = Some(Notice::PartPaid { platform: None, amount, remaining });
        fx.push(state.save(&state.sale));
        fx.push(Effect::OpenDrawer);
        fx.push(Effect::Beep(Beep::Success));
        fx.push(Effect::Announce { platform: None, amount });
        return;
    }
    let id = state.sale.id;
    complete(state, id, change, fx);
    fx.push(Effect::OpenDrawer);
    fx.push(Effect::Announce { platform: None, amount });
}

/// An amount typed on the tender screen and confirmed with Enter: the next payment code is
/// charged this much instead of the whole remainder.
pub(super) fn set_part_amount(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    let remaining = state.sale.remaining();
    match Fen::parse_yuan(input) {
        Ok(a) if a.is_zero() => refuse(state, Notice::ZeroAmount, fx),
        Ok(a) if a > remaining => refuse(state, Notice::PartTooLarge { remaining }, fx),
        Ok(a) if a == remaining => {
            state.part_amount = None;
            state.notice = None;
        }
        Ok(a) => {
            state.part_amount = Some(a);
            state.notice = Some(Notice::PartAmountSet { amount: a });
        }
        Err(MoneyError::TooLarge) => refuse(state, Notice::AmountTooLarge, fx),
        Err(MoneyError::NotAnAmount) => refuse(state, Notice::NotAPaymentCode, fx),
    }
}

/// What the next payment code is charged: the amount set for it, else the remainder.
pub(super) fn next_code_amount(state: &mut State) -> Fen {
    let remaining = state.sale.remaining();
    state.part_amount.take().filter(|a| *a < remaining).unwrap_or(remaining)
}

/// A code part is paid (by its answer or a query). Completes the order when the parts cover it.
pub(super) fn code_paid(state: &mut State, order_id: OrderId, attempt: &Attempt, fx: &mut Vec<Effect>) {
    let on_screen = state.sale.id == order_id;
    let Some(order) = state.order_mut(order_id) else { return };
    if order.status == OrderStatus::Paid {
        // Paid already (by another part or cash) and the platform now says this part was
        // charged too: the customer paid twice. Kept on record, said loudly, never hidden.
        let order = order.clone();
        state.refresh_lookup(&order);
        fx.push(state.save(&order));
        fx.push(Effect::Beep(Beep::Failure));
        state.notice = Some(Notice::PaidTwice {
            platform: attempt.platform,
            amount: attempt.amount,
            number: attempt.out_trade_no.clone(),
        });
        return;
    }
    if order.remaining() > Fen::ZERO {
        order.status = OrderStatus::Open;
        let (order, remaining) = (order.clone(), order.remaining());
        state.refresh_lookup(&order);
        fx.push(state.save(&order));
        fx.push(Effect::Beep(Beep::Success));
        fx.push(Effect::Announce { platform: Some(attempt.platform), amount: attempt.amount });
        if on_screen {
            state.screen = Screen::Pay { cash_entry: false };
            state.notice =
                Some(Notice::PartPaid { platform: Some(attempt.platform), amount: attempt.amount, remaining });
        } else {
            // Only a whole-order payment may be parked, so this is an old record: it stays open
            // for the cashier (never voided with money taken).
            state.notice =
                Some(Notice::BackgroundPaid { number: attempt.out_trade_no.clone(), amount: attempt.amount });
        }
        return;
    }
    complete(state, order_id, Fen::ZERO, fx);
    fx.push(Effect::Announce { platform: Some(attempt.platform), amount: attempt.amount });
    if !on_screen {
        state.notice = Some(Notice::BackgroundPaid { number: attempt.out_trade_no.clone(), amount: attempt.amount });
    }
}

/// The parts cover the order: it is paid. Its tender records the parts; its number is the code
/// part's own for a single code payment, else a new one (the cash number).
pub(super) fn complete(state: &mut State, order_id: OrderId, change: Fen, fx: &mut Vec<Effect>) {
    let now = state.now;
    let on_screen = state.sale.id == order_id;
    let Some(order) = state.order_mut(order_id) else { return };
    let parts = order.tender_parts();
    let tender = match parts.as_slice() {
        [TenderPart::Cash { received, change, .. }] => Tender::Cash { received: *received, change: *change },
        [TenderPart::Code { platform, out_trade_no, transaction_id, .. }] => Tender::Code {
            platform: *platform,
            out_trade_no: out_trade_no.clone(),
            transaction_id: transaction_id.clone(),
        },
        _ => Tender::Mixed { parts: parts.clone() },
    };
    let first_code = parts.iter().find_map(|p| match p {
        TenderPart::Code { out_trade_no, .. } => Some(out_trade_no.clone()),
        TenderPart::Cash { .. } | TenderPart::StoredValue { .. } | TenderPart::Points { .. } => None,
    });
    let number = match &tender {
        Tender::Code { out_trade_no, .. } => Some(out_trade_no.clone()),
        _ => next_number(state).or(first_code),
    };
    let Some(order) = state.order_mut(order_id) else { return };
    order.status = OrderStatus::Paid;
    order.tender = Some(tender);
    order.number = number;
    order.closed_at = Some(now);
    let order = order.clone();
    state.refresh_lookup(&order);
    fx.push(state.save(&order));
    fx.push(Effect::Print { order: order.clone() });
    fx.push(Effect::Beep(Beep::Success));
    let total = order.total();
    if on_screen {
        state.part_amount = None;
        state.screen = Screen::Done { change };
        state.notice = Some(match &order.tender {
            Some(Tender::Mixed { parts }) => Notice::PaidInParts { amount: total, parts: parts.len() },
            tender => Notice::Paid { platform: single_platform(tender), amount: total },
        });
        state.receipt_preview.clear();
    } else {
        // Paid in the background: followed no more, unless something of it still is (a closed QR
        // watched for a late payment, another payment still out).
        state.background.retain(|o| o.id != order_id || o.has_open_work());
    }
}

/// The wallet of a single code payment; `None` for cash or several parts.
fn single_platform(tender: &Option<Tender>) -> Option<Platform> {
    match tender {
        Some(Tender::Code { platform, .. }) => Some(*platform),
        _ => None,
    }
}
