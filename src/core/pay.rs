//! Payment-code payments: attempts, their outcomes, and resolving the ones in doubt by query.
//!
//! Rules (Cloud Pay device guide, wallets' payment-code rules):
//! * status 0 is not "paid": only the order state decides (the gateway maps it to a [`Verdict`]);
//! * a timeout or error is *unknown*, never paid or failed: it is queried until definite;
//! * while an attempt is open no other tender is taken for the order and its number is never reused.

use super::clock::Millis;
use super::code::{Platform, mask_code};
use super::money::Fen;
use super::notice::Notice;
use super::order::{Attempt, AttemptState, Order, OrderStatus, Tender};
use super::sale::refuse;
use super::{Beep, Counters, Effect, PayCall, QueryAfter, QueryCall, QueryTimer, Screen, State, Verdict};

/// Query an open attempt this often (the wallets ask for every 3–5 s)...
pub const QUERY_EVERY_SECS: i64 = 5;
/// ...and after a timeout, first query this soon (Cloud Pay status 103: "wait ~3 s").
pub const FIRST_QUERY_AFTER_UNKNOWN_SECS: i64 = 3;
/// After two minutes without a result the cashier is told to check the merchant app too.
pub const TELL_TO_CHECK_AFTER_SECS: i64 = 120;
/// ...and queries go on, slower, until the platform gives a definite answer.
pub const SLOW_QUERY_EVERY_SECS: i64 = 15;
/// "No such order" right after a request may only mean the request is still on its way.
pub const NOT_FOUND_GRACE_SECS: i64 = 30;

/// The next order number: platform prefix + yymmdd + terminal + 4-digit daily sequence (20 digits,
/// compact in CODE128 set C). `None` when today's numbers are used up.
pub(super) fn next_number(state: &mut State) -> Option<String> {
    let today = state.now.local(state.settings.utc_offset_minutes).yymmdd();
    if state.counters.seq_day != today {
        state.counters.seq_day = today;
        state.counters.seq = 0;
    }
    if state.counters.seq >= 9999 {
        return None;
    }
    state.counters.seq += 1;
    Some(format!(
        "{}{:06}{:02}{:04}",
        state.settings.order_prefix, today, state.settings.terminal_no, state.counters.seq
    ))
}

/// Charges the customer's payment code for the sale's total. The attempt is saved (and flushed)
/// before the request leaves.
pub(super) fn pay_with_code(state: &mut State, code: &str, platform: Platform, fx: &mut Vec<Effect>) {
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    let amount = state.sale.total();
    if amount <= Fen::ZERO {
        return refuse(state, Notice::ZeroAmount, fx);
    }
    let Some(out_trade_no) = next_number(state) else {
        return refuse(state, Notice::NumbersExhausted, fx);
    };
    state.sale.attempts.push(Attempt {
        out_trade_no: out_trade_no.clone(),
        platform,
        code_masked: mask_code(code),
        amount,
        started_at: state.now,
        state: AttemptState::Sending,
        queries: 0,
    });
    state.sale.status = OrderStatus::Paying;
    state.screen = Screen::Pay { cash_entry: false };
    state.notice = None;
    state.timers.insert(out_trade_no.clone(), QueryTimer { due: state.now, in_flight: true });
    fx.push(state.save(&state.sale));
    fx.push(Effect::MicroPay(PayCall {
        order_id: state.sale.id,
        out_trade_no,
        platform,
        code: code.to_string(),
        amount,
        body: state.settings.shop_name.clone(),
        items: item_codes(&state.sale),
    }));
}

/// The order's product barcodes, one per unit (at most 100: a detail for the platform's bill).
fn item_codes(order: &super::order::Order) -> Vec<String> {
    order
        .lines
        .iter()
        .filter(|l| !l.barcode.is_empty())
        .flat_map(|l| std::iter::repeat_n(l.barcode.clone(), l.qty as usize))
        .take(100)
        .collect()
}

fn query_interval(started_at: Millis, now: Millis) -> i64 {
    if now.since(started_at) < TELL_TO_CHECK_AFTER_SECS * 1000 { QUERY_EVERY_SECS } else { SLOW_QUERY_EVERY_SECS }
}

/// Applies a platform answer (to the payment call or to a query) to its attempt.
pub(super) fn on_answer(state: &mut State, out_trade_no: &str, verdict: Verdict, is_query: bool, fx: &mut Vec<Effect>) {
    let Some(order_id) = state.order_id_of_attempt(out_trade_no) else { return };
    let now = state.now;
    let counters = state.counters;
    let Some(order) = state.order_mut(order_id) else { return };
    let Some(attempt) = order.attempt_mut(out_trade_no) else { return };
    if is_query {
        attempt.queries += 1;
    }
    // A late answer never overrides a final one, except the one thing that must not be lost:
    // the platform saying the customer *was* charged.
    if attempt.state.is_final()
        && !matches!((&attempt.state, &verdict), (AttemptState::Failed { .. }, Verdict::Paid { .. }))
    {
        return;
    }
    let elapsed = now.since(attempt.started_at);
    let new_state = match verdict {
        Verdict::Paid { transaction_id } => AttemptState::Paid { transaction_id },
        Verdict::Failed { reason } => AttemptState::Failed { reason },
        Verdict::UserPaying => AttemptState::UserPaying,
        Verdict::NotFound if is_query && elapsed >= NOT_FOUND_GRACE_SECS * 1000 => {
            AttemptState::Failed { reason: "order not found at the platform: not charged".into() }
        }
        Verdict::NotFound => attempt.state.clone(),
        Verdict::Unknown { reason } => match attempt.state {
            // Still waiting for the customer: a failed query does not change what we know.
            AttemptState::UserPaying => AttemptState::UserPaying,
            _ => AttemptState::Unknown { reason },
        },
    };
    let changed = new_state != attempt.state;
    attempt.state = new_state;
    let attempt = attempt.clone();
    if attempt.state.is_final() {
        state.timers.remove(out_trade_no);
    } else {
        let delay = match (&attempt.state, is_query) {
            (AttemptState::Unknown { .. }, false) => FIRST_QUERY_AFTER_UNKNOWN_SECS,
            _ => query_interval(attempt.started_at, now),
        };
        state.timers.insert(out_trade_no.to_string(), QueryTimer { due: now.plus_secs(delay), in_flight: false });
    }
    match &attempt.state {
        AttemptState::Paid { transaction_id } => settle(state, order_id, &attempt, transaction_id, fx),
        AttemptState::Failed { reason } => not_paid(state, order_id, &attempt, reason, fx),
        _ if changed => {
            if let Some(order) = state.order_mut(order_id) {
                let order = order.clone();
                fx.push(Effect::Save { order, counters });
            }
        }
        _ => {}
    }
}

fn settle(state: &mut State, order_id: u64, attempt: &Attempt, transaction_id: &str, fx: &mut Vec<Effect>) {
    let now = state.now;
    let Some(order) = state.order_mut(order_id) else { return };
    order.status = OrderStatus::Paid;
    order.tender = Some(Tender::Code {
        platform: attempt.platform,
        out_trade_no: attempt.out_trade_no.clone(),
        transaction_id: transaction_id.to_string(),
    });
    order.number = Some(attempt.out_trade_no.clone());
    order.closed_at = Some(now);
    let order = order.clone();
    fx.push(state.save(&order));
    fx.push(Effect::Print { order: order.clone() });
    fx.push(Effect::Beep(Beep::Success));
    fx.push(Effect::Announce { platform: Some(attempt.platform), amount: attempt.amount });
    if state.sale.id == order_id {
        state.screen = Screen::Done { change: Fen::ZERO };
        state.notice = Some(Notice::Paid { platform: Some(attempt.platform), amount: attempt.amount });
        state.receipt_preview.clear();
    } else {
        state.background.retain(|o| o.id != order_id);
        state.notice = Some(Notice::BackgroundPaid { number: attempt.out_trade_no.clone(), amount: attempt.amount });
    }
}

fn not_paid(state: &mut State, order_id: u64, attempt: &Attempt, reason: &str, fx: &mut Vec<Effect>) {
    let now = state.now;
    let on_screen = state.sale.id == order_id;
    let Some(order) = state.order_mut(order_id) else { return };
    if on_screen {
        // Back to the tender screen: the cashier may try again (a new number) or take cash.
        order.status = OrderStatus::Open;
    } else {
        // The customer left while this was in doubt: nothing was charged, nothing is owed to us
        // by the platform; the cashier is told loudly.
        order.status = OrderStatus::Voided;
        order.closed_at = Some(now);
    }
    let order = order.clone();
    fx.push(state.save(&order));
    fx.push(Effect::Beep(Beep::Failure));
    if on_screen {
        state.notice = Some(Notice::PaymentDeclined { platform: attempt.platform, reason: reason.to_string() });
    } else {
        state.background.retain(|o| o.id != order_id);
        state.notice = Some(Notice::BackgroundNotPaid { number: attempt.out_trade_no.clone(), amount: attempt.amount });
    }
}

/// Sends the queries that are due.
pub(super) fn tick(state: &mut State, fx: &mut Vec<Effect>) {
    let now = state.now;
    let open: Vec<(u64, Attempt)> = std::iter::once(&state.sale)
        .chain(&state.background)
        .filter_map(|o| o.open_attempt().map(|a| (o.id, a.clone())))
        .collect();
    for (order_id, a) in open {
        let timer = state.timers.entry(a.out_trade_no.clone()).or_insert(QueryTimer { due: now, in_flight: false });
        if timer.in_flight || now < timer.due {
            continue;
        }
        timer.in_flight = true;
        timer.due = now.plus_secs(query_interval(a.started_at, now));
        fx.push(Effect::Query(QueryCall {
            order_id,
            out_trade_no: a.out_trade_no,
            platform: a.platform,
            amount: a.amount,
            after: if a.state == AttemptState::UserPaying { QueryAfter::UserPaying } else { QueryAfter::Unknown },
        }));
    }
}

/// Takes over the store's unfinished orders after a start: the newest goes back on screen, other
/// orders with a payment in doubt are confirmed in the background, the rest are voided.
pub(super) fn restore(state: &mut State, mut orders: Vec<Order>, counters: Option<Counters>, fx: &mut Vec<Effect>) {
    if state.ready {
        return;
    }
    let mut counters = counters.unwrap_or(state.counters);
    let max_id = orders.iter().map(|o| o.id).max().unwrap_or(0);
    counters.next_order_id = counters.next_order_id.max(max_id + 1);
    state.counters = counters;
    orders.retain(|o| !o.is_settled());
    orders.sort_by_key(|o| o.id);
    for o in &mut orders {
        for a in &mut o.attempts {
            if a.state == AttemptState::Sending {
                a.state = AttemptState::Unknown { reason: "the till restarted during the payment".into() };
            }
        }
    }
    state.new_sale();
    if let Some(last) = orders.pop() {
        state.screen = if last.open_attempt().is_some() || last.status == OrderStatus::Paying {
            Screen::Pay { cash_entry: false }
        } else {
            Screen::Sale
        };
        state.sale = last;
        state.selected = state.sale.lines.len().saturating_sub(1);
    }
    for mut o in orders {
        if o.open_attempt().is_some() {
            state.background.push(o);
        } else {
            o.status = OrderStatus::Voided;
            o.closed_at = Some(state.now);
            fx.push(state.save(&o));
        }
    }
    state.ready = true;
    let in_doubt = state.in_doubt_count();
    state.notice = (in_doubt > 0).then_some(Notice::Restored { in_doubt });
    tick(state, fx);
}
