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
use super::notice::refuse;
use super::order::{Attempt, AttemptState, Order, OrderStatus};
use super::{
    Beep, CancelCall, CancelVerdict, Counters, Effect, PayCall, QueryAfter, QueryCall, QueryTimer, Screen, Settings,
    State, Verdict,
};

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
/// WeChat closes an unpaid payment-code order by itself 45 s after the call; a payment still open
/// then is given up and reversed, which its rules allow only 15 s or more after the call.
pub const WECHAT_GIVE_UP_SECS: i64 = 45;
pub const WECHAT_REVERSE_NOT_BEFORE_SECS: i64 = 15;
/// Alipay: give up after about 60 s and cancel right after the last query.
pub const ALIPAY_GIVE_UP_SECS: i64 = 60;
/// A cancel without a definite answer is sent again this soon...
pub const CANCEL_RETRY_SECS: i64 = 5;
/// ...and after a refused cancel and a query that still cannot tell, this long.
pub const CANCEL_AFTER_REFUSAL_SECS: i64 = 15;

use super::failure::Failure;
/// Why an attempt whose number the platform said is another order's is settled as not charged.
use super::log::Log;

/// How long a payment may stay open before the till cancels it (the wallets' rules).
pub fn give_up_after_secs(platform: Platform) -> i64 {
    match platform {
        Platform::WeChat => WECHAT_GIVE_UP_SECS,
        Platform::Alipay => ALIPAY_GIVE_UP_SECS,
    }
}

/// The day and sequence of the next order number. The sequence is a high-water mark that never goes
/// back: a new day starts it again only when the clock reads *later* than the day of the last number
/// issued; a clock that reads earlier (set back, or a store from a till whose clock was ahead) goes
/// on with that day's sequence. On the day the run started it starts no lower than the run's floor
/// ([`run_floor`]). `None` when that day's numbers are used up.
fn next_seq(state: &State) -> Option<(u32, u32)> {
    let today = state.now.local(state.settings.utc_offset_minutes).yymmdd();
    let Counters { seq_day, seq, .. } = state.counters;
    let (day, mut used) = if today > seq_day { (today, 0) } else { (seq_day, seq) };
    if day == state.run_floor.0 {
        used = used.max(state.run_floor.1);
    }
    (used < MAX_SEQ).then_some((day, used + 1))
}

/// The 8-digit daily sequence's last value.
const MAX_SEQ: u32 = 99_999_999;

/// How many numbers a run may issue for each second it has run before a later run's floor can
/// reach them.
const NUMBERS_PER_SECOND: u32 = 1_000;

/// Where a run started at `now` begins the day's sequence: 1,000 × the second of the day (at most
/// 86,399,000). A store emptied or moved aside, or an older export imported, forgets today's
/// numbers, but the platform remembers them; a run that started earlier today began at a lower
/// floor and reached this one only if it issued more than 1,000 numbers for each second it ran
/// (each is a sale, payment or refund saved to disk first: a till makes a few a minute). So a
/// number of an earlier run is never issued again as long as the clock did not read later then
/// than now.
fn run_floor(now: Millis, utc_offset_minutes: i32) -> (u32, u32) {
    let local = now.local(utc_offset_minutes);
    let second = local.hour * 3600 + local.minute * 60 + local.second;
    (local.yymmdd(), second * NUMBERS_PER_SECOND)
}

/// Rests the run's floor on the platform's time (`platform_clock`): a floor from the platform's clock,
/// not the till's, stays above an earlier run's even when the till's clock now reads earlier than it
/// did then — and below a later run's even when the till's clock read later (ahead, or the newest
/// record of a till that ran ahead): a floor from a time ahead of the platform's is one a later
/// honest run reaches (found by the model test, `MODEL_SEED=0x2cade7487863`). The numbers this run
/// already issued are in the counters, which the sequence never goes below. On another day than the
/// till's (a clock ahead across midnight) the higher of the two is kept.
pub(super) fn raise_run_floor(state: &mut State, platform: Millis) {
    let ours = run_floor(platform, state.settings.utc_offset_minutes);
    state.run_floor = if ours.0 == state.run_floor.0 { ours } else { state.run_floor.max(ours) };
}

/// Whether an order number can still be issued (a till out of numbers takes no payment).
pub(super) fn numbers_left(state: &State) -> bool {
    next_seq(state).is_some()
}

/// The next order number: platform prefix + yymmdd + terminal + 8-digit daily sequence (24 digits:
/// Cloud Pay takes up to 32, and in CODE128 set C its barcode still fits 58 mm paper). Never one
/// issued before by this till (see [`next_seq`] and [`run_floor`]). `None` when the day's numbers
/// are used up.
pub(super) fn next_number(state: &mut State) -> Option<String> {
    if state.training.is_some() {
        return super::training::next_number(state);
    }
    let (day, seq) = next_seq(state)?;
    state.counters.seq_day = day;
    state.counters.seq = seq;
    let Settings { order_prefix, terminal_no, .. } = &state.settings;
    Some(format!("{order_prefix}{day:06}{terminal_no:02}{seq:08}"))
}

/// Whether `rest` (a number without its prefix) has the form of this till's numbers: yymmdd,
/// terminal, and an 8-digit sequence (4 digits in numbers issued before run floors).
pub(super) fn number_form(rest: &str) -> bool {
    matches!(rest.len(), 12 | 16) && rest.bytes().all(|b| b.is_ascii_digit())
}

/// Raises the sequence's high-water mark to the numbers of `orders` this till issued: counters older
/// than the orders (an older export restored, a counter write lost) never make a number come again.
fn raise_to_numbers(counters: &mut Counters, settings: &super::Settings, orders: &[Order]) {
    let prefix = &settings.order_prefix;
    let terminal = format!("{:02}", settings.terminal_no);
    let numbers = orders.iter().flat_map(|o| {
        o.number
            .iter()
            .chain(o.attempts.iter().map(|a| &a.out_trade_no))
            .chain(o.refunds.iter().map(|r| &r.out_refund_no))
    });
    for n in numbers {
        let Some(rest) = n.strip_prefix(prefix.as_str()).filter(|r| number_form(r)) else { continue };
        if rest[6..8] != terminal {
            continue;
        }
        let (Ok(day), Ok(seq)) = (rest[..6].parse::<u32>(), rest[8..].parse::<u32>()) else { continue };
        if (day, seq) > (counters.seq_day, counters.seq) {
            counters.seq_day = day;
            counters.seq = seq;
        }
    }
}

/// Charges the customer's payment code for the sale's total. The attempt is saved (and flushed)
/// before the request leaves.
pub(super) fn pay_with_code(state: &mut State, code: &str, platform: Platform, fx: &mut Vec<Effect>) {
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    if !state.online {
        // Said at once, not after a timeout: the customer can pay cash.
        return refuse(state, Notice::OfflineTakeCash, fx);
    }
    if super::platform_clock::wait_for_clock(state, code, platform) {
        return;
    }
    // The whole remainder, or the part amount the cashier typed (a mixed tender).
    let amount = super::tender::next_code_amount(state);
    if amount <= Fen::ZERO {
        return refuse(state, Notice::ZeroAmount, fx);
    }
    let Some(out_trade_no) = next_number(state) else {
        return refuse(state, Notice::NumbersExhausted, fx);
    };
    state.sale.attempts.push(Attempt::sending(out_trade_no.clone(), platform, mask_code(code), amount, state.now));
    state.sale.status = OrderStatus::Paying;
    state.screen = Screen::Pay { cash_entry: false };
    state.notice = None;
    state.timers.insert(out_trade_no.clone(), QueryTimer { due: state.now, in_flight: true, cancel: false });
    fx.push(state.save(&state.sale));
    fx.push(Effect::MicroPay(PayCall {
        order_id: state.sale.id,
        out_trade_no,
        platform,
        code: code.to_string(),
        amount,
        body: state.settings.shop_name.clone(),
        items: item_codes(&state.sale),
        staff_id: state.auth.session.as_ref().map(|s| s.staff_id.clone()),
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
    if state.is_qr_attempt(out_trade_no) {
        // A QR order has rules of its own (Alipay's "not found" is waiting, the expiry, the watch).
        if is_query {
            super::qr::on_query_answer(state, order_id, out_trade_no, verdict, fx);
        }
        return;
    }
    let now = state.now;
    let Some(order) = state.order_mut(order_id) else { return };
    // The platform says the number is another order's (its answer to the payment, or a query that
    // found an order for another amount under it): remembered with the order (saved below), so no
    // restart forgets it.
    let newly_taken = verdict.is_number_taken() && !order.taken.iter().any(|n| n == out_trade_no);
    if newly_taken {
        order.taken.push(out_trade_no.to_string());
    }
    let taken = order.taken.iter().any(|n| n == out_trade_no);
    let Some(attempt) = order.attempt_mut(out_trade_no) else { return };
    if is_query {
        attempt.queries += 1;
    }
    // A late answer never overrides a final one, except the one thing that must not be lost:
    // the platform saying the customer *was* charged after all.
    if attempt.state.is_final()
        && !matches!((&attempt.state, &verdict), (AttemptState::Failed { .. }, Verdict::Paid { .. }))
    {
        return;
    }
    let elapsed = now.since(attempt.started_at);
    if let AttemptState::Cancelling { reason } = &attempt.state {
        if taken {
            // Its number turned out to be another order's: stop cancelling under it.
            attempt.state = AttemptState::Failed { reason: Failure::TakenNotCharged };
            let attempt = attempt.clone();
            return after_change(state, order_id, &attempt, 0, false, true, fx);
        }
        // While a cancel is under way only the cancel decides, or a query after a refused cancel.
        if !is_query {
            return;
        }
        let new_state = match verdict {
            Verdict::Paid { transaction_id } => AttemptState::Paid { transaction_id },
            Verdict::Failed { reason } => AttemptState::Failed { reason },
            Verdict::NotFound if elapsed >= NOT_FOUND_GRACE_SECS * 1000 => {
                AttemptState::Failed { reason: Failure::NotFoundNotCharged }
            }
            _ => AttemptState::Cancelling { reason: reason.clone() },
        };
        attempt.state = new_state;
        let attempt = attempt.clone();
        return after_change(state, order_id, &attempt, CANCEL_AFTER_REFUSAL_SECS, true, false, fx);
    }
    let new_state = match verdict {
        Verdict::Paid { transaction_id } => AttemptState::Paid { transaction_id },
        Verdict::Failed { reason } => AttemptState::Failed { reason },
        Verdict::UserPaying => AttemptState::UserPaying,
        Verdict::NotFound if is_query && elapsed >= NOT_FOUND_GRACE_SECS * 1000 => {
            AttemptState::Failed { reason: Failure::NotFoundNotCharged }
        }
        Verdict::NotFound => attempt.state.clone(),
        Verdict::Unknown { reason } => match attempt.state {
            // Still waiting for the customer: a failed query does not change what we know.
            AttemptState::UserPaying => AttemptState::UserPaying,
            _ => AttemptState::Unknown { reason },
        },
    };
    // The wallet's deadline has passed and the platform still cannot say "paid" or "not paid":
    // cancel right after this last answer, under the same number.
    let give_up = !new_state.is_final()
        && !attempt.cancel_unsupported
        && elapsed >= give_up_after_secs(attempt.platform) * 1000
        && elapsed >= WECHAT_REVERSE_NOT_BEFORE_SECS * 1000;
    let new_state = if give_up && taken {
        // Never cancelled under a number another order holds (that would reverse its payment):
        // the platform refused this request, so nothing was charged under it for this customer.
        AttemptState::Failed { reason: Failure::TakenNotCharged }
    } else if give_up {
        AttemptState::Cancelling { reason: Failure::NoResultInTime }
    } else {
        new_state
    };
    let changed = new_state != attempt.state || newly_taken;
    attempt.state = new_state;
    let attempt = attempt.clone();
    let delay = match (&attempt.state, is_query) {
        (AttemptState::Unknown { .. }, false) => FIRST_QUERY_AFTER_UNKNOWN_SECS,
        (AttemptState::Cancelling { .. }, _) => 0,
        _ => query_interval(attempt.started_at, now),
    };
    after_change(state, order_id, &attempt, delay, give_up, changed, fx)
}

/// After an attempt's state changed (or not): schedules what comes next, settles final outcomes,
/// saves. `cancel_next`: the next action for a `Cancelling` attempt is a cancel (else a query).
fn after_change(
    state: &mut State,
    order_id: u64,
    attempt: &Attempt,
    delay_secs: i64,
    cancel_next: bool,
    changed: bool,
    fx: &mut Vec<Effect>,
) {
    let now = state.now;
    let no = attempt.out_trade_no.clone();
    if attempt.state.is_final() {
        state.timers.remove(&no);
    } else {
        let cancel = matches!(attempt.state, AttemptState::Cancelling { .. }) && cancel_next;
        state.timers.insert(no, QueryTimer { due: now.plus_secs(delay_secs), in_flight: false, cancel });
    }
    match &attempt.state {
        AttemptState::Paid { .. } => super::tender::code_paid(state, order_id, attempt, fx),
        AttemptState::Failed { reason } => not_paid(state, order_id, attempt, Some(reason), fx),
        AttemptState::Cancelled => not_paid(state, order_id, attempt, None, fx),
        _ if changed => {
            if let Some(order) = state.order_mut(order_id) {
                let order = order.clone();
                state.refresh_lookup(&order);
                fx.push(state.save(&order));
            }
            if matches!(attempt.state, AttemptState::Cancelling { .. }) {
                // Cancel at once: the last query has just answered.
                tick(state, fx);
            }
        }
        _ => {}
    }
}

/// Applies the platform's answer to a cancel (reverse).
pub(super) fn on_cancel_answer(state: &mut State, out_trade_no: &str, verdict: CancelVerdict, fx: &mut Vec<Effect>) {
    if state.is_qr_attempt(out_trade_no) {
        return super::qr::on_close_answer(state, out_trade_no, verdict, fx);
    }
    let Some(order_id) = state.order_id_of_attempt(out_trade_no) else { return };
    let Some(order) = state.order_mut(order_id) else { return };
    let Some(attempt) = order.attempt_mut(out_trade_no) else { return };
    if !matches!(attempt.state, AttemptState::Cancelling { .. }) {
        return;
    }
    let (delay, cancel_next, changed) = match verdict {
        CancelVerdict::Cancelled => {
            attempt.state = AttemptState::Cancelled;
            (0, false, true)
        }
        CancelVerdict::Unknown { .. } => (CANCEL_RETRY_SECS, true, false),
        // Refused: ask where the order stands (paid in the meantime, or closed already).
        CancelVerdict::Refused { reason } => {
            attempt.state = AttemptState::Cancelling { reason };
            (FIRST_QUERY_AFTER_UNKNOWN_SECS, false, true)
        }
        CancelVerdict::Unsupported => {
            attempt.cancel_unsupported = true;
            attempt.state = AttemptState::Unknown { reason: Failure::CannotCancel };
            (SLOW_QUERY_EVERY_SECS, false, true)
        }
    };
    let attempt = attempt.clone();
    after_change(state, order_id, &attempt, delay, cancel_next, changed, fx);
}

/// A final not-paid state of `attempt` (failed, cancelled) applied to its order, as for any payment.
pub(super) fn settle_not_paid(state: &mut State, order_id: u64, attempt: &Attempt, fx: &mut Vec<Effect>) {
    match &attempt.state {
        AttemptState::Failed { reason } => not_paid(state, order_id, attempt, Some(reason), fx),
        _ => not_paid(state, order_id, attempt, None, fx),
    }
}

/// `declined`: why it failed; `None` when it was cancelled (reversed).
fn not_paid(state: &mut State, order_id: u64, attempt: &Attempt, declined: Option<&Failure>, fx: &mut Vec<Effect>) {
    let now = state.now;
    let on_screen = state.sale.id == order_id;
    let Some(order) = state.order_mut(order_id) else { return };
    if order.status == OrderStatus::Paid {
        // Settled meanwhile (a late QR payment): this attempt's failure changes nothing.
    } else if on_screen || order.has_paid_parts() {
        // Back to the tender screen: the cashier may try again (a new number) or take cash; the
        // parts paid so far stay paid and the remainder is as it was.
        order.status = OrderStatus::Open;
    } else {
        // The customer left while this was in doubt: nothing was charged, nothing is owed to us
        // by the platform; the cashier is told loudly.
        order.status = OrderStatus::Voided;
        order.closed_at = Some(now);
    }
    let order = order.clone();
    state.refresh_lookup(&order);
    fx.push(state.save(&order));
    super::refund::payment_settled(state, &attempt.out_trade_no, fx);
    fx.push(Effect::Beep(Beep::Failure));
    if on_screen && declined.is_none() {
        state.notice = Some(Notice::PaymentCancelled { platform: attempt.platform });
    } else if on_screen && !state.online && declined.is_some_and(Failure::never_left) {
        // It never reached the platform, which is unreachable: nothing was declined, codes cannot
        // be taken now (the cashier takes cash).
        state.notice = Some(Notice::OfflineTakeCash);
    } else if on_screen {
        let reason = declined.cloned().unwrap_or_else(|| Failure::Declined(String::new()));
        state.notice = Some(Notice::PaymentDeclined { platform: attempt.platform, reason });
    } else {
        // A QR still watched for a late payment keeps its order followed.
        state.background.retain(|o| o.id != order_id || o.has_open_work());
        state.notice = Some(Notice::BackgroundNotPaid { number: attempt.out_trade_no.clone(), amount: attempt.amount });
    }
}

/// The platform became reachable or unreachable. Back online, everything in doubt is asked about at
/// once instead of at its next turn.
pub(super) fn on_connectivity(state: &mut State, online: bool, fx: &mut Vec<Effect>) {
    if online == state.online {
        return;
    }
    state.online = online;
    if online {
        if state.notice == Some(Notice::Offline) || state.notice == Some(Notice::OfflineTakeCash) {
            state.notice = Some(Notice::BackOnline);
        }
        let now = state.now;
        for timer in state.timers.values_mut().filter(|t| !t.in_flight) {
            timer.due = timer.due.min(now);
        }
        tick(state, fx);
    } else {
        let waited = super::platform_clock::on_offline(state);
        state.notice = Some(if waited { Notice::OfflineTakeCash } else { Notice::Offline });
        fx.push(Effect::Beep(Beep::Error));
    }
}

/// The timer of `out_trade_no` (created due now, with `cancel`, if it had none) if it is due: then
/// marked in flight and due again `every_secs` later.
pub(super) fn take_due(state: &mut State, out_trade_no: &str, cancel: bool, every_secs: i64) -> Option<QueryTimer> {
    let now = state.now;
    let timer =
        state.timers.entry(out_trade_no.to_string()).or_insert(QueryTimer { due: now, in_flight: false, cancel });
    if timer.in_flight || now < timer.due {
        return None;
    }
    timer.in_flight = true;
    timer.due = now.plus_secs(every_secs);
    Some(*timer)
}

/// The query of attempt `a` of order `order_id`.
pub(super) fn query_of(order_id: u64, a: &Attempt, after: QueryAfter) -> QueryCall {
    QueryCall {
        order_id,
        out_trade_no: a.out_trade_no.clone(),
        platform: a.platform,
        amount: a.amount,
        after,
        started_at: a.started_at,
    }
}

/// The cancel (or, for a QR, the close) of attempt `a` of order `order_id`.
fn cancel_of(order_id: u64, a: &Attempt) -> CancelCall {
    CancelCall { order_id, out_trade_no: a.out_trade_no.clone(), platform: a.platform, amount: a.amount }
}

/// Sends the queries, cancels and refund queries that are due.
pub(super) fn tick(state: &mut State, fx: &mut Vec<Effect>) {
    super::qr::tick(state, fx);
    let now = state.now;
    let open: Vec<(u64, Attempt, bool)> = std::iter::once(&state.sale)
        .chain(&state.background)
        .filter_map(|o| o.open_attempt().map(|a| (o.id, a.clone(), o.taken.contains(&a.out_trade_no))))
        .collect();
    for (order_id, a, taken) in open {
        let cancelling = matches!(a.state, AttemptState::Cancelling { .. });
        let every = if a.qr.is_some() { super::qr::QUERY_EVERY_SECS } else { query_interval(a.started_at, now) };
        let Some(timer) = take_due(state, &a.out_trade_no, cancelling, every) else { continue };
        if cancelling && timer.cancel {
            if let Some(attempt) = state.order_mut(order_id).and_then(|o| o.attempt_mut(&a.out_trade_no)) {
                attempt.cancels += 1;
            }
            let call = cancel_of(order_id, &a);
            fx.push(if a.qr.is_some() { Effect::CloseQr(call) } else { Effect::Cancel(call) });
            continue;
        }
        let after = match a.state {
            _ if a.qr.is_some() => QueryAfter::Qr,
            _ if taken => QueryAfter::NumberTaken,
            AttemptState::UserPaying => QueryAfter::UserPaying,
            _ => QueryAfter::Unknown,
        };
        fx.push(Effect::Query(query_of(order_id, &a, after)));
    }
    super::refund::tick(state, fx);
}

/// The times an order records: opened, closed, each attempt begun, each refund asked for.
fn recorded_times(order: &Order) -> impl Iterator<Item = Millis> + '_ {
    let attempts = order.attempts.iter().map(|a| a.started_at);
    let refunds = order.refunds.iter().map(|r| r.requested_at);
    [order.opened_at].into_iter().chain(order.closed_at).chain(attempts).chain(refunds)
}

/// Takes over the store's unfinished orders after a start: the newest goes back on screen, other
/// orders with a payment in doubt are confirmed in the background, the rest are voided.
pub(super) fn restore(state: &mut State, mut orders: Vec<Order>, counters: Option<Counters>, fx: &mut Vec<Effect>) {
    if state.ready {
        return;
    }
    // A clock behind the till's own records (set back, or it lost its time): the till's time goes
    // on from the newest record, so waits measured from them (the not-found grace, the wallet's
    // deadline) pass as they would have, not a day late.
    let newest = orders.iter().flat_map(recorded_times).max().unwrap_or_default();
    if newest > state.now {
        // Like the platform's time (`platform_clock`): a later jump of the wall clock forward is
        // this same time, not more of it.
        state.clock.moved_ahead_ms = state.clock.moved_ahead_ms.saturating_add(newest.since(state.now));
        state.now = newest;
    }
    state.run_floor = run_floor(state.now, state.settings.utc_offset_minutes);
    if let Some(platform) = state.clock.platform_at {
        raise_run_floor(state, platform);
    }
    let mut counters = counters.unwrap_or(state.counters);
    let max_id = orders.iter().map(|o| o.id).max().unwrap_or(0);
    counters.next_order_id = counters.next_order_id.max(max_id + 1);
    raise_to_numbers(&mut counters, &state.settings, &orders);
    state.counters = counters;
    orders.retain(|o| !o.is_settled());
    // Held sales go back to their list, never onto the screen nor voided.
    let mut orders = super::held::restore(state, orders);
    orders.sort_by_key(|o| o.id);
    // Orders with a refund in doubt are followed in the background, never put on screen: paid ones,
    // and any other (an earlier build put refunds on voided records too). Only an order still being
    // rung up or paid can be the sale on screen.
    let (refunding, mut orders): (Vec<Order>, Vec<Order>) = orders
        .into_iter()
        .partition(|o| o.open_refund().is_some() || !matches!(o.status, OrderStatus::Open | OrderStatus::Paying));
    for mut o in refunding {
        super::refund::restore_refunds(&mut o);
        if o.has_open_work() {
            state.background.push(o);
        } else {
            fx.push(Effect::Log(Log::SettledListedOpen { order_id: o.id, status: o.status }));
        }
    }
    for o in &mut orders {
        for a in &mut o.attempts {
            if a.state == AttemptState::Sending {
                a.state = AttemptState::Unknown { reason: Failure::RestartedDuringPayment };
            }
        }
    }
    state.new_sale();
    // An order with a part paid goes back on screen (the newest of them, if ever more than one):
    // it is never voided with money taken.
    if let Some(i) = orders.iter().rposition(Order::has_paid_parts) {
        let part_paid = orders.remove(i);
        orders.push(part_paid);
    }
    if let Some(last) = orders.pop() {
        state.screen = if last.open_attempt().is_some() || last.status == OrderStatus::Paying || last.has_paid_parts() {
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
        } else if o.has_paid_parts() {
            fx.push(Effect::Log(Log::SecondPartPaid { order_id: o.id }));
        } else {
            o.status = OrderStatus::Voided;
            o.closed_at = Some(state.now);
            fx.push(state.save(&o));
        }
    }
    super::qr::restore_view(state, fx);
    state.ready = true;
    let in_doubt = state.in_doubt_count();
    state.notice = (in_doubt > 0).then_some(Notice::Restored { in_doubt });
    // A clock that reads a day earlier than the last number issued was set back or lost its time:
    // numbers stay unique (see `next_seq`), but the cashier is told, before anything else.
    let today = state.wall_clock.local(state.settings.utc_offset_minutes).yymmdd();
    if state.counters.seq_day > today {
        fx.push(Effect::Log(Log::ClockBeforeLastNumber { today, last_day: state.counters.seq_day }));
        state.notice = Some(Notice::ClockBehind { last_day: state.counters.seq_day });
    }
    tick(state, fx);
}
