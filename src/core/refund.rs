//! Order lookup and refunds (seed 003 §3.1.4, §4.2): scan a receipt's order number, see where the
//! order stands at the platform, refund all or part of what is still refundable.
//!
//! Rules:
//! * what can be refunded is the platform's total less the most that may already be refunded (the
//!   platform's figure or the till's own refunds that have not failed, whichever is larger);
//!   more is refused at the till and never sent;
//! * a refund is written to the store before it is requested; while its outcome is open no other
//!   refund of that order is taken, and its number is never replaced by a new one;
//! * "accepted" is not "refunded": the refund is queried until the platform says which.

use super::auth::AuditEvent;
use super::intent::Intent;
use super::log::Log;
use super::money::{Fen, MoneyError};
use super::notice::Notice;
use super::notice::refuse;
use super::order::{AttemptState, Order, OrderId, OrderStatus, Refund, RefundOf, RefundState, Tender};
use super::pay::{FIRST_QUERY_AFTER_UNKNOWN_SECS, NOT_FOUND_GRACE_SECS, QUERY_EVERY_SECS, next_number};
pub use super::refund_parts::cash_to_refund;
pub(super) use super::refund_parts::refund_action;
pub(super) use super::refund_parts::{ask_cash_refund, refund_cash};
use super::refund_parts::{code_parts_to_refund, refunded_of};
use super::{
    Beep, Effect, LookupCall, LookupVerdict, Msg, PlatformOrder, PlatformOrderState, QueryTimer, RefundCall,
    RefundVerdict, Screen, State, Verdict,
};
use serde::{Deserialize, Serialize};

/// What the lookup screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupView {
    /// The order number scanned or typed.
    pub number: String,
    /// A lookup is on its way to the platform.
    pub pending: bool,
    pub answer: Option<LookupVerdict>,
    /// The till's own record of the order, if it has one.
    pub order: Option<Order>,
    /// Goods chosen to come back, by the order's line: how many of each (see `returns`).
    #[serde(default)]
    pub picks: Vec<u32>,
    /// The line the cashier is on in the goods list.
    #[serde(default)]
    pub cursor: usize,
    /// The amount field holds what the till filled in: the first digit typed replaces it.
    #[serde(default)]
    pub prefilled: bool,
    /// The order is looked up again after a refund of it settled: its outcome stays on the message
    /// line and the amount field stays empty (no second refund is proposed).
    #[serde(default)]
    pub after_refund: bool,
}

/// Where a looked-up order stands, as the cashier is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LookupStatus {
    Paid,
    PartiallyRefunded,
    FullyRefunded,
    Paying,
    NotPaid,
}

impl LookupView {
    pub fn found(&self) -> Option<&PlatformOrder> {
        match &self.answer {
            Some(LookupVerdict::Found(o)) => Some(o),
            _ => None,
        }
    }

    /// Refunded so far: the platform's figure, or the till's own refunds (of this platform
    /// order: a mixed order has several) if it knows of more.
    pub fn refunded(&self) -> Fen {
        let number = self.found().map(|o| o.out_trade_no.as_str());
        let own = self.order.as_ref().map_or(Fen::ZERO, |o| refunded_of(o, number));
        self.found().map_or(own, |o| o.refunded.max(own))
    }

    /// What may still be refunded: zero unless the platform says the order is paid.
    pub fn refundable(&self) -> Fen {
        match self.found() {
            Some(o) if o.state == PlatformOrderState::Paid => {
                // Goods that came back in a receipted exchange were credited, not refunded.
                let kept = self.order.as_ref().map_or(Fen::ZERO, Order::exchange_kept);
                (o.total - self.refunded() - kept).max(Fen::ZERO)
            }
            _ => Fen::ZERO,
        }
    }

    pub fn status(&self) -> Option<LookupStatus> {
        let o = self.found()?;
        Some(match o.state {
            PlatformOrderState::Paying => LookupStatus::Paying,
            PlatformOrderState::NotPaid => LookupStatus::NotPaid,
            PlatformOrderState::Paid if self.refunded() >= o.total => LookupStatus::FullyRefunded,
            PlatformOrderState::Paid if self.refunded() > Fen::ZERO => LookupStatus::PartiallyRefunded,
            PlatformOrderState::Paid => LookupStatus::Paid,
        })
    }

    /// The refund of this order still in doubt, if any.
    pub fn open_refund(&self) -> Option<&Refund> {
        self.order.as_ref().and_then(Order::open_refund)
    }
}

/// Whether `code` is one of this shop's order numbers (the receipt's barcode): the platform's order
/// prefix, then 16 digits (12 in numbers issued before run floors).
pub fn is_order_number(state: &State, code: &str) -> bool {
    code.strip_prefix(state.settings.order_prefix.as_str()).is_some_and(super::pay::number_form)
}

/// Opens the lookup screen for `number` and asks the platform (the app adds the till's own record).
pub(super) fn start(state: &mut State, number: &str, fx: &mut Vec<Effect>) {
    state.screen = Screen::Lookup;
    state.input.clear();
    state.notice = None;
    // The same number again: the till's record shown so far is kept, so an answer that knows less
    // than it (from before a refund) is recognised as old (see `knows_less`).
    let shown = state.lookup.take().filter(|v| v.number == number).and_then(|v| v.order);
    state.lookup = Some(LookupView {
        number: number.to_string(),
        pending: true,
        answer: None,
        order: shown,
        picks: Vec::new(),
        cursor: 0,
        prefilled: false,
        after_refund: false,
    });
    send_lookup(state, number.to_string(), fx);
    super::foreign::ask(state, number, fx);
}

/// The till settled payment `number` as not paid (cancelled, reversed, failed) while the lookup
/// screen shows it: what the platform said before is out of date, so it is asked again (and no
/// refund is taken until it answers).
pub(super) fn payment_settled(state: &mut State, number: &str, fx: &mut Vec<Effect>) {
    let Some(view) = state.lookup.as_mut() else { return };
    let shown = view.number == number || view.found().is_some_and(|f| f.out_trade_no == number);
    if !shown || view.pending {
        return;
    }
    view.pending = true;
    let number = view.number.clone();
    send_lookup(state, number, fx);
}

/// Asks the platform about `number`; its answer comes back as `Msg::LookupAnswer`.
fn send_lookup(state: &mut State, number: String, fx: &mut Vec<Effect>) {
    state.lookups_in_flight = state.lookups_in_flight.saturating_add(1);
    fx.push(Effect::Lookup(LookupCall { out_trade_no: number, platform: None, transaction_id: None }));
}

/// Whether an answer knows less of the order's refunds than the screen already shows: the
/// platform's refunded figure or the till's own refunds are fewer. Both only ever grow, so such an
/// answer is an old one (sent before a refund, delivered after it, or delivered twice).
fn knows_less(view: &LookupView, local: Option<&Order>, verdict: &LookupVerdict) -> bool {
    let platform_less = match (view.found(), verdict) {
        (Some(shown), LookupVerdict::Found(new)) => {
            shown.out_trade_no == new.out_trade_no && new.refunded < shown.refunded
        }
        _ => false,
    };
    let own_less = match (&view.order, local) {
        (Some(shown), Some(l)) => l.id == shown.id && l.refunds.len() < shown.refunds.len(),
        // The store has every order the screen showed: no record is an answer read before it.
        (Some(shown), None) => !shown.refunds.is_empty(),
        _ => false,
    };
    platform_less || own_less
}

/// Whether the platform's "paid" predates the till's reversal of that payment: the store's record,
/// read after the answer, has it cancelled (a reversed payment is never paid again).
fn reversed_since(local: Option<&Order>, verdict: &LookupVerdict) -> bool {
    let LookupVerdict::Found(found) = verdict else { return false };
    found.state == PlatformOrderState::Paid
        && local.is_some_and(|o| {
            o.attempts.iter().any(|a| a.out_trade_no == found.out_trade_no && a.state == AttemptState::Cancelled)
        })
}

/// The lookup screen with no number yet: the cashier types one.
pub(super) fn open_empty(state: &mut State) {
    state.screen = Screen::Lookup;
    state.input.clear();
    state.lookup = None;
    state.notice = Some(Notice::ScanReceipt);
}

pub(super) fn on_lookup_answer(
    state: &mut State,
    number: &str,
    local: Option<Box<Order>>,
    verdict: LookupVerdict,
    fx: &mut Vec<Effect>,
) {
    if state.lookups_in_flight == 0 {
        return; // no lookup is out: an answer delivered twice
    }
    state.lookups_in_flight -= 1;
    // Not this till's: the copy of another till's order the office sent, if it has.
    let local = local.map(|o| *o).or_else(|| super::foreign::copy_for(state, number));
    let local = local.map(|o| late_paid(state, o, &verdict, fx));
    // A mixed order's own number is not the platform's: its code parts are looked up (and
    // refunded) one by one under their own numbers, the next one with something left first.
    if let Some(order) = local.as_ref().filter(|o| matches!(o.tender, Some(Tender::Mixed { .. })))
        && order.number.as_deref() == Some(number)
        && state.lookup.as_ref().is_some_and(|v| v.number == number)
        && let Some(part) = code_parts_to_refund(order).into_iter().next()
    {
        if let Some(view) = state.lookup.as_mut() {
            view.number = part.clone();
            view.pending = true;
        }
        send_lookup(state, part, fx);
        return;
    }
    let Some(view) = state.lookup.as_mut().filter(|v| v.number == number) else { return };
    if knows_less(view, local.as_ref(), &verdict) {
        fx.push(Effect::Log(Log::StaleLookup { number: number.to_string() }));
        return;
    }
    if reversed_since(local.as_ref(), &verdict) {
        // Read before the till's cancel reversed the payment: asked again (once none is out).
        fx.push(Effect::Log(Log::LookupBeforeReversal { number: number.to_string() }));
        if state.lookups_in_flight == 0 {
            send_lookup(state, number.to_string(), fx);
        }
        return;
    }
    view.pending = false;
    // An order with a refund in flight is followed in memory; that copy is the newest.
    let live = local.as_ref().and_then(|o| state.background.iter().find(|b| b.id == o.id)).cloned();
    view.order = live.or(local);
    view.answer = Some(verdict);
    view.picks.clear();
    view.cursor = 0;
    let refundable = view.refundable();
    let after_refund = std::mem::take(&mut view.after_refund);
    view.prefilled = refundable > Fen::ZERO && view.open_refund().is_none() && !after_refund;
    state.input = if view.prefilled { refundable.to_string() } else { String::new() };
    let cash = view.order.as_ref().map_or(Fen::ZERO, cash_to_refund);
    if after_refund && matches!(view.answer, Some(LookupVerdict::Found(_))) {
        return; // the refund's outcome stays on the message line
    }
    state.notice = match &view.answer {
        // A cash sale (or the cash part of a mixed one) is not the platform's: it is given back
        // from the drawer.
        Some(LookupVerdict::NotFound) if cash > Fen::ZERO => Some(Notice::CashToRefund { amount: cash }),
        Some(LookupVerdict::NotFound) => Some(Notice::OrderNotFound { number: number.to_string() }),
        Some(LookupVerdict::Unknown { reason }) => Some(Notice::LookupFailed { reason: reason.text() }),
        _ => None,
    };
    super::foreign::after_answers(state);
}

/// The platform says paid for an order the till has as not paid (its query had said "not charged",
/// and the order was voided): the till's own record is put right first, as a late paid of that
/// attempt, before a refund or anything else is done with it. Returns the newest copy.
fn late_paid(state: &mut State, order: Order, verdict: &LookupVerdict, fx: &mut Vec<Effect>) -> Order {
    let LookupVerdict::Found(found) = verdict else { return order };
    // A number the platform said is another order's (the number was issued twice): its paid
    // order there is that earlier sale's, never this one's.
    let charged = order.attempts.iter().any(|a| {
        a.out_trade_no == found.out_trade_no
            && matches!(a.state, AttemptState::Failed { .. })
            && a.amount == found.total
            && !order.taken.contains(&a.out_trade_no)
    });
    if found.state != PlatformOrderState::Paid || order.status == OrderStatus::Paid || !charged {
        return order;
    }
    fx.push(Effect::Log(Log::LatePaid { order_id: order.id, number: found.out_trade_no.clone() }));
    let id = order.id;
    if state.order_mut(id).is_none() {
        state.background.push(order.clone());
    }
    let paid = Verdict::Paid { transaction_id: found.transaction_id.clone() };
    let from = fx.len();
    super::pay::on_answer(state, &found.out_trade_no, paid, true, fx);
    state.background.retain(|o| o.id != id || o.has_open_work());
    fx[from..]
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::Save { order, .. } if order.id == id => Some(order.clone()),
            _ => None,
        })
        .unwrap_or(order)
}

/// F4 on the lookup screen: the receipt again.
pub(super) fn reprint(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(view) = &state.lookup else { return };
    let Some(found) = view.found() else { return refuse(state, Notice::NothingToReprint, fx) };
    if found.state != PlatformOrderState::Paid {
        return refuse(state, Notice::NothingToReprint, fx);
    }
    fx.push(Effect::Reprint { order: view.order.clone(), transaction_id: found.transaction_id.clone() });
    state.notice = Some(Notice::Reprinting);
}

/// Enter on the lookup screen: look up the typed number, or refund the typed amount.
pub(super) fn on_enter(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    let has_answer = state.lookup.as_ref().is_some_and(|v| v.found().is_some());
    if !has_answer || is_order_number(state, input) {
        if is_order_number(state, input) {
            return start(state, input, fx);
        }
        if state.lookup.as_ref().is_some_and(|v| v.pending) {
            return;
        }
        return refuse(state, Notice::NotAnOrderNumber, fx);
    }
    request_refund(state, input, fx);
}

fn request_refund(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    let Some(view) = state.lookup.clone() else { return };
    let Some(found) = view.found().cloned() else { return };
    // A lookup is still out: its answer may change what can be refunded (and no answer from
    // before a refund may arrive after it).
    if view.pending || state.lookups_in_flight > 0 {
        state.input = input.to_string(); // Enter again once the answer is in
        return;
    }
    if view.open_refund().is_some() {
        return refuse(state, Notice::RefundInDoubt, fx);
    }
    // The till is still confirming this order's payment: its record must settle first, or a
    // refund could land on an order the till then calls unpaid (Alipay shows a fully refunded
    // order as closed) and never be followed.
    if view.order.as_ref().is_some_and(|o| o.open_attempt().is_some()) {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    let refundable = view.refundable();
    if refundable.is_zero() {
        return refuse(state, Notice::NothingToRefund, fx);
    }
    let amount = match Fen::parse_yuan(input) {
        Ok(a) if a.is_zero() => return refuse(state, Notice::ZeroAmount, fx),
        Ok(a) if a > refundable => return refuse(state, Notice::ExceedsRefundable { refundable }, fx),
        Ok(a) => a,
        Err(MoneyError::TooLarge) => return refuse(state, Notice::ExceedsRefundable { refundable }, fx),
        Err(MoneyError::NotAnAmount) => return refuse(state, Notice::NotAnAmount, fx),
    };
    // The goods chosen must still be out with the customer in the newest copy of the order.
    let newest = view.order.as_ref().map(|o| state.background.iter().find(|b| b.id == o.id).unwrap_or(o));
    let returns = match newest.map(|o| super::returns::chosen(o, &view.picks)) {
        Some(Ok(returns)) => returns,
        Some(Err(left)) => return refuse(state, Notice::ReturnLimit { left }, fx),
        None => Vec::new(),
    };
    // A supervisor's PIN first (if the shop asks for one); this refund again once approved. Giving back
    // all of an order nothing was refunded of yet is voiding it.
    let whole = amount == refundable && view.refunded().is_zero();
    if !state.authorize(refund_action(state, whole), Msg::Act(Intent::Refund { amount: input.to_string() })) {
        state.input = input.to_string();
        return;
    }
    // No number goes to the platform before its clock was read in this run (`platform_clock`); a
    // ping answers moments after a start, and Enter again then refunds.
    if !state.clock.confirmed {
        state.input = input.to_string();
        return refuse(state, Notice::CheckingClock, fx);
    }
    let Some(out_refund_no) = next_number(state) else {
        return refuse(state, Notice::NumbersExhausted, fx);
    };
    // The newest copy: an order with work in the background may have changed since the lookup.
    let mut order = match view.order {
        Some(o) => state.background.iter().find(|b| b.id == o.id).cloned().unwrap_or(o),
        None => imported_order(state, &found),
    };
    order.refunds.push(Refund {
        out_refund_no: out_refund_no.clone(),
        amount,
        total: found.total,
        refunded_before: found.refunded,
        requested_at: state.now,
        operator: state.operator().to_string(),
        state: RefundState::Sending,
        refund_id: None,
        queries: 0,
        of: Some(RefundOf {
            platform: found.platform,
            out_trade_no: found.out_trade_no.clone(),
            transaction_id: found.transaction_id.clone(),
        }),
        cash: false,
        returns,
    });
    if let Some(view) = state.lookup.as_mut() {
        view.picks.clear();
    }
    let call = RefundCall {
        order_id: order.id,
        out_trade_no: found.out_trade_no.clone(),
        out_refund_no: out_refund_no.clone(),
        platform: found.platform,
        transaction_id: found.transaction_id.clone(),
        total: found.total,
        amount,
        refunded_before: found.refunded,
        staff_id: state.auth.session.as_ref().map(|s| s.staff_id.clone()),
    };
    state.timers.insert(out_refund_no, QueryTimer { due: state.now, in_flight: true, cancel: false });
    state.input.clear();
    state.notice = Some(Notice::Refunding { amount });
    fx.push(state.save(&order));
    let order_number = order.number.clone().unwrap_or_else(|| found.out_trade_no.clone());
    let approved_by = state.approver().map(str::to_string);
    let out_refund_no = call.out_refund_no.clone();
    fx.push(state.audit(AuditEvent::Refund { order: order_number, out_refund_no, amount, approved_by }));
    fx.push(Effect::Refund(call));
    keep(state, order);
}

/// A record for an order paid at another till (or before this till kept records): the refund
/// must be written down somewhere before it is asked for.
fn imported_order(state: &mut State, found: &PlatformOrder) -> Order {
    let id = state.counters.next_order_id;
    state.counters.next_order_id += 1;
    let mut order = Order::new(id, state.now, state.operator().to_string());
    order.status = OrderStatus::Paid;
    order.imported = true;
    order.number = Some(found.out_trade_no.clone());
    order.tender = Some(Tender::Code {
        platform: found.platform,
        out_trade_no: found.out_trade_no.clone(),
        transaction_id: found.transaction_id.clone(),
    });
    order.closed_at = Some(state.now);
    order
}

/// Follows `order` in the background while it has a refund in doubt, and shows the newest copy
/// on the lookup screen.
pub(super) fn keep(state: &mut State, order: Order) {
    if let Some(view) = state.lookup.as_mut() {
        // The same order by id (its number may not be set yet while its payment is in doubt), or
        // the record just made for an order the till knew only from the platform.
        let same = match &view.order {
            Some(o) => o.id == order.id,
            None => view.found().is_some_and(|f| order.number.as_deref() == Some(f.out_trade_no.as_str())),
        };
        if same {
            view.order = Some(order.clone());
        }
    }
    state.background.retain(|o| o.id != order.id);
    if order.has_open_work() {
        state.background.push(order);
    }
}

fn order_of_refund(state: &State, out_refund_no: &str) -> Option<Order> {
    state.background.iter().find(|o| o.refunds.iter().any(|r| r.out_refund_no == out_refund_no)).cloned()
}

/// Applies the platform's answer to a refund or to a refund query.
pub(super) fn on_refund_answer(
    state: &mut State,
    out_refund_no: &str,
    verdict: RefundVerdict,
    is_query: bool,
    fx: &mut Vec<Effect>,
) {
    let Some(mut order) = order_of_refund(state, out_refund_no) else { return };
    let now = state.now;
    let Some(refund) = order.refund_mut(out_refund_no) else { return };
    if refund.state.is_final() {
        return;
    }
    if is_query {
        refund.queries += 1;
    }
    let elapsed = now.since(refund.requested_at);
    let new_state = match verdict {
        RefundVerdict::Refunded { refund_id } => {
            refund.refund_id = Some(refund_id);
            RefundState::Refunded
        }
        RefundVerdict::Accepted { refund_id } => {
            refund.refund_id = Some(refund_id);
            RefundState::Accepted
        }
        RefundVerdict::Failed { reason } => RefundState::Failed { reason },
        RefundVerdict::NotFound if is_query && elapsed >= NOT_FOUND_GRACE_SECS * 1000 => {
            RefundState::Failed { reason: super::failure::Failure::NoSuchRefund }
        }
        RefundVerdict::NotFound => refund.state.clone(),
        RefundVerdict::Unknown { reason } => match refund.state {
            RefundState::Accepted => RefundState::Accepted,
            _ => RefundState::Unknown { reason },
        },
    };
    let changed = new_state != refund.state;
    refund.state = new_state.clone();
    let amount = refund.amount;
    let platform = refund.of.as_ref().map(|o| o.platform);
    if new_state.is_final() {
        state.timers.remove(out_refund_no);
    } else {
        let delay = if is_query { QUERY_EVERY_SECS } else { FIRST_QUERY_AFTER_UNKNOWN_SECS };
        state.timers.insert(
            out_refund_no.to_string(),
            QueryTimer { due: now.plus_secs(delay), in_flight: false, cancel: false },
        );
    }
    if !changed {
        return;
    }
    // A receipted exchange's difference the platform would not refund is given in cash instead.
    let cash_instead = matches!(new_state, RefundState::Failed { .. })
        && super::exchange_receipted::cash_instead(state, &mut order, out_refund_no, fx);
    fx.push(state.save(&order));
    if cash_instead {
        super::exchange_receipted::give_cash(state, &order, amount, fx);
        keep(state, order);
        return;
    }
    let on_screen = state.lookup.as_ref().and_then(|v| v.order.as_ref()).is_some_and(|o| o.id == order.id);
    match &new_state {
        RefundState::Refunded => {
            fx.push(Effect::PrintRefund { order: order.clone(), out_refund_no: out_refund_no.to_string() });
            fx.push(Effect::Beep(Beep::Success));
            let platform = platform.or(match &order.tender {
                Some(Tender::Code { platform, .. }) => Some(*platform),
                _ => None,
            });
            fx.push(Effect::AnnounceRefund { amount, platform });
            state.notice = Some(Notice::Refunded { amount, platform });
        }
        RefundState::Accepted => state.notice = Some(Notice::RefundAccepted { amount }),
        RefundState::Failed { reason } => {
            fx.push(Effect::Beep(Beep::Failure));
            state.notice = Some(Notice::RefundFailed { amount, reason: reason.clone() });
        }
        _ => {}
    }
    let number = order.number.clone();
    keep(state, order);
    // Show the platform's new figures once the refund is settled.
    if new_state.is_final()
        && on_screen
        && let (Some(number), Some(view)) = (number, state.lookup.as_mut())
    {
        // By the receipt's number: a mixed order then moves on to its next code part.
        view.number = number.clone();
        view.pending = true;
        // The outcome stays on the message line and nothing is proposed: another refund of this
        // order is the cashier's choice, typed again.
        view.after_refund = true;
        send_lookup(state, number, fx);
    }
}

/// Sends the refund queries that are due.
pub(super) fn tick(state: &mut State, fx: &mut Vec<Effect>) {
    let now = state.now;
    let open: Vec<(OrderId, Refund, Option<Tender>)> =
        state.background.iter().filter_map(|o| o.open_refund().map(|r| (o.id, r.clone(), o.tender.clone()))).collect();
    for (order_id, r, tender) in open {
        let timer = state.timers.entry(r.out_refund_no.clone()).or_insert(QueryTimer {
            due: now,
            in_flight: false,
            cancel: false,
        });
        if timer.in_flight || now < timer.due {
            continue;
        }
        let of = r.of.clone().or(match tender {
            Some(Tender::Code { platform, out_trade_no, transaction_id }) => {
                Some(RefundOf { platform, out_trade_no, transaction_id })
            }
            _ => None,
        });
        let Some(RefundOf { platform, out_trade_no, transaction_id }) = of else {
            // A record from before refunds named their order: nothing to quote. Looked at again
            // hourly, never in a loop; the lookup screen still shows it.
            fx.push(Effect::Log(Log::RefundWithoutOrder { out_refund_no: r.out_refund_no.clone() }));
            timer.due = now.plus_secs(3600);
            continue;
        };
        timer.in_flight = true;
        timer.due = now.plus_secs(QUERY_EVERY_SECS);
        fx.push(Effect::QueryRefund(RefundCall {
            order_id,
            out_trade_no,
            out_refund_no: r.out_refund_no,
            platform,
            transaction_id,
            total: r.total,
            amount: r.amount,
            refunded_before: r.refunded_before,
            staff_id: None,
        }));
    }
}

/// After a restart: a refund that was being sent may or may not have reached the platform.
pub(super) fn restore_refunds(order: &mut Order) {
    for r in &mut order.refunds {
        if r.state == RefundState::Sending {
            r.state = RefundState::Unknown { reason: super::failure::Failure::RestartedDuringRefund };
        }
    }
}
