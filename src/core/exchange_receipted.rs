//! A receipted exchange (凭小票换货): goods of a paid order come back for other goods, and the
//! difference is settled in one transaction.
//!
//! On the lookup screen of a paid order the cashier chooses the lines coming back (`+`/`-`, as for
//! a refund of goods, `returns`) and presses F8 (换货). A supervisor approves, through the one
//! approval door (`Action::Exchange`, as for an exchange without a receipt). The sale screen then
//! carries the goods as a credit (`Exchange::from` names the order they came from) and the cashier
//! scans the new goods.
//!
//! Rules:
//! * the credit is what was paid for the goods: their net after their share of every discount and
//!   promotion (`Order::net_value_of`), never more than the order still has to give back (the
//!   platform's refundable amount, or the cash not given back yet);
//! * the original order is marked at once (`Order::exchanged`, saved before the sale): its goods
//!   may not come back twice, and the credit kept against new goods is no longer refundable
//!   (`Order::exchange_kept`); giving the exchange up (Esc) saves it back unmarked;
//! * new goods worth more: the customer pays the difference with any tender (a code payment in
//!   doubt is settled by query, as every payment);
//! * worth less: the difference goes back through the original payment when the order was paid by
//!   one payment code, its platform still refunds it ([`refund_window_days`]) and the platform's
//!   refundable amount covers it: a platform refund of the original payment, written to the store
//!   before it is asked for, followed by query while in doubt and announced (platform and amount)
//!   only once the platform confirms it (`refund::on_refund_answer`). Otherwise (cash, a mixed
//!   tender, an order past the window) it is given back in cash from the drawer;
//! * stock moves in the exchange's paid save, both ways (`stock::movements`: `sale:` and
//!   `exchange:`); the slip is the exchange slip; the reports count it with the exchanges.

use super::auth::AuditEvent;
use super::code::Platform;
use super::exchange::{Exchange, ExchangeNotice};
use super::money::Fen;
use super::no_receipt::ReturnReason;
use super::notice::{Notice, refuse};
use super::order::{Line, Order, OrderId, OrderStatus, Refund, RefundOf, RefundState, Returned, Tender};
use super::pay::next_number;
use super::{Beep, Effect, PlatformOrderState, QueryTimer, RefundCall, Screen, State};
use serde::{Deserialize, Serialize};

/// The days after its payment a platform still refunds an order, by default. WeChat Pay refuses a
/// refund of an order paid over a year ago (its refund API: 交易时间超过一年的订单无法提交退款);
/// Alipay's window is the merchant's contract (three months or more for 当面付): the till takes the
/// shortest, so a refund it sends is never one the platform must refuse. Older orders get the
/// difference in cash. A shop with a longer contract sets `[refund_windows]` in `till.toml`.
pub fn refund_window_days(platform: Platform) -> i64 {
    RefundWindows::default().days(platform)
}

/// `[refund_windows]` in `till.toml`: the days after its payment each platform still refunds an
/// order through a receipted exchange (older: the difference in cash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RefundWindows {
    pub wechat_days: u32,
    pub alipay_days: u32,
}

impl Default for RefundWindows {
    fn default() -> RefundWindows {
        RefundWindows { wechat_days: 365, alipay_days: 90 }
    }
}

impl RefundWindows {
    pub fn days(&self, platform: Platform) -> i64 {
        i64::from(match platform {
            Platform::WeChat => self.wechat_days,
            Platform::Alipay => self.alipay_days,
        })
    }
}

/// Goods of an order that came back in a receipted exchange, kept in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangedOut {
    /// The exchange's own order.
    pub exchange_id: OrderId,
    /// The goods, by this order's lines.
    pub returns: Vec<Returned>,
    /// What they were credited (their net as paid).
    pub credit: Fen,
    /// The part of the credit refunded through the platform (the rest was kept against new goods,
    /// or given back in cash).
    #[serde(default)]
    pub by_platform: Fen,
}

/// Where the goods of a receipted exchange came from, kept in the exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeFrom {
    /// The receipt's order number.
    pub number: String,
    /// The goods, by the original order's lines.
    pub returns: Vec<Returned>,
    /// The original payment a difference owed may go back through (none: cash).
    #[serde(default)]
    pub refund_to: Option<RefundTo>,
    /// The original order as marked when the exchange began: saved again when the difference is
    /// refunded through its platform, or unmarked when the exchange is given up.
    pub original: Box<Order>,
}

/// The original code payment, as the platform told it at the lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundTo {
    pub of: RefundOf,
    /// The payment's total at the platform.
    pub total: Fen,
    /// Refunded of it before.
    pub refunded: Fen,
    /// What the platform may still refund, less credits already kept.
    pub refundable: Fen,
    /// When it was paid (the till's record): the refund window runs from here.
    pub paid_at: super::clock::Millis,
}

impl Order {
    /// Credits of receipted exchanges not refunded through the platform: no longer refundable.
    pub fn exchange_kept(&self) -> Fen {
        self.exchanged.iter().map(|x| (x.credit - x.by_platform).max(Fen::ZERO)).sum()
    }
}

fn say(n: ExchangeNotice) -> Notice {
    Notice::Exchange(n)
}

/// F8 on the lookup screen: the goods chosen go to a supervisor as an exchange.
pub(super) fn ask(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(view) = state.lookup.clone() else { return refuse(state, say(ExchangeNotice::PickGoods), fx) };
    if !state.sale.lines.is_empty() || state.sale.exchange.is_some() {
        return refuse(state, Notice::Return(super::no_receipt::ReturnNotice::FinishSaleFirst), fx);
    }
    let Some(order) = view.order.clone().filter(|_| view.can_choose()) else {
        return refuse(state, say(ExchangeNotice::PickGoods), fx);
    };
    let returns = match super::returns::chosen(&order, &view.picks) {
        Ok(r) if !r.is_empty() => r,
        Ok(_) => return refuse(state, say(ExchangeNotice::PickGoods), fx),
        Err(left) => return refuse(state, Notice::ReturnLimit { left }, fx),
    };
    let approval = super::approval::Approval::ReceiptedExchange { order_id: order.id, returns };
    super::approval::ask_supervisor(state, approval, fx);
}

/// A supervisor approved: the original order is marked and saved, then the credit goes on the
/// (empty) sale, saved too, and the sale screen takes the new goods.
pub(super) fn approved(state: &mut State, order_id: OrderId, returns: Vec<Returned>, fx: &mut Vec<Effect>) {
    let Some(view) = state.lookup.clone() else { return };
    let Some(order) = view.order.clone().filter(|o| o.id == order_id && view.can_choose()) else { return };
    let mut original = state.background.iter().find(|b| b.id == order.id).cloned().unwrap_or(order);
    if !state.sale.lines.is_empty() || state.sale.exchange.is_some() {
        return refuse(state, Notice::Return(super::no_receipt::ReturnNotice::FinishSaleFirst), fx);
    }
    let picks: Vec<u32> =
        (0..original.lines.len()).map(|i| returns.iter().filter(|g| g.line == i).map(|g| g.qty).sum()).collect();
    if let Err(left) = super::returns::chosen(&original, &picks) {
        return refuse(state, Notice::ReturnLimit { left }, fx);
    }
    let Some(number) = original.number.clone() else { return };
    let refund_to = refund_to(&view, &original);
    let cap = match &refund_to {
        Some(r) => r.refundable,
        None if view.found().is_some_and(|f| f.state == PlatformOrderState::Paid) => view.refundable(),
        None => super::refund::cash_to_refund(&original).max(view.refundable()),
    };
    let credit = super::returns::value_of(&original, &returns).min(cap);
    if credit <= Fen::ZERO {
        return refuse(state, Notice::NothingToRefund, fx);
    }
    let returned: Vec<Line> =
        returns.iter().filter_map(|g| original.lines.get(g.line).map(|l| Line { qty: g.qty, ..l.clone() })).collect();
    let sale_id = state.sale.id;
    original.exchanged.push(ExchangedOut {
        exchange_id: sale_id,
        returns: returns.clone(),
        credit,
        by_platform: Fen::ZERO,
    });
    let operator = state.operator().to_string();
    let approved_by = state.approver().unwrap_or(&operator).to_string();
    fx.push(state.save(&original));
    super::refund::keep(state, original.clone());
    let from = ExchangeFrom { number, returns, refund_to, original: Box::new(original) };
    state.sale.exchange =
        Some(Exchange { returned, credit, reason: ReturnReason::Other, approved_by, from: Some(from) });
    state.lookup = None;
    state.input.clear();
    state.screen = Screen::Sale;
    state.notice = Some(say(ExchangeNotice::ScanNewGoods { credit }));
    fx.push(state.save(&state.sale));
    fx.push(Effect::Beep(Beep::Accepted));
}

/// The original payment a difference may go back through: one payment code the platform says is
/// paid. (Whether the window is still open is decided when the difference is known.)
fn refund_to(view: &super::refund::LookupView, original: &Order) -> Option<RefundTo> {
    let found = view.found().filter(|f| f.state == PlatformOrderState::Paid)?;
    let Some(Tender::Code { platform, out_trade_no, transaction_id }) = &original.tender else { return None };
    (found.out_trade_no == *out_trade_no).then(|| RefundTo {
        of: RefundOf {
            platform: *platform,
            out_trade_no: out_trade_no.clone(),
            transaction_id: transaction_id.clone(),
        },
        total: found.total,
        refunded: found.refunded,
        refundable: view.refundable(),
        paid_at: original.closed_at.unwrap_or(original.opened_at),
    })
}

/// Whether the difference `back` goes back through the original payment now (else cash).
fn through_platform(state: &State, back: Fen) -> Option<RefundTo> {
    let from = state.sale.exchange.as_ref()?.from.as_ref()?;
    let to = from.refund_to.as_ref()?;
    let window_ms = state.refund_windows.days(to.of.platform).saturating_mul(86_400_000);
    let age = state.now.since(to.paid_at);
    (age < window_ms && back <= to.refundable).then(|| to.clone())
}

/// F1/Enter on a receipted exchange whose credit is above the new goods, when the original
/// payment takes the difference back: the exchange is settled (saved, with the refund `Sending`)
/// and the refund asked of the platform; it is announced only once confirmed. Returns `false`
/// when the difference is to be given back in cash instead (`exchange::settle`).
pub(super) fn settle_through_platform(state: &mut State, back: Fen, fx: &mut Vec<Effect>) -> bool {
    let Some(to) = through_platform(state, back) else { return false };
    // No number goes to the platform before its clock was read in this run (as for any refund).
    if !state.clock.confirmed {
        refuse(state, Notice::CheckingClock, fx);
        return true;
    }
    let (Some(number), Some(out_refund_no)) = (next_number(state), next_number(state)) else {
        refuse(state, Notice::NumbersExhausted, fx);
        return true;
    };
    let (now, operator) = (state.now, state.operator().to_string());
    let order_id = state.sale.id;
    // The original's mark says how much of the credit its platform gives back.
    let mut original = None;
    if let Some(from) = state.sale.exchange.as_mut().and_then(|x| x.from.as_mut()) {
        if let Some(mark) = from.original.exchanged.iter_mut().find(|x| x.exchange_id == order_id) {
            mark.by_platform = back;
        }
        original = Some((*from.original).clone());
    }
    let order = &mut state.sale;
    order.status = OrderStatus::Paid;
    order.tender = Some(Tender::Cash { received: Fen::ZERO, change: Fen::ZERO });
    order.number = Some(number.clone());
    order.closed_at = Some(now);
    order.refunds.push(Refund {
        out_refund_no: out_refund_no.clone(),
        amount: back,
        total: to.total,
        refunded_before: to.refunded,
        requested_at: now,
        operator,
        state: RefundState::Sending,
        refund_id: None,
        queries: 0,
        of: Some(to.of.clone()),
        cash: false,
        returns: Vec::new(),
    });
    let order = order.clone();
    if let Some(original) = original {
        fx.push(state.save(&original));
        super::refund::keep(state, original);
    }
    fx.push(state.save(&order));
    fx.push(Effect::Print { order: order.clone() });
    let approved_by = state.approver().map(str::to_string);
    let audit =
        AuditEvent::Refund { order: number.clone(), out_refund_no: out_refund_no.clone(), amount: back, approved_by };
    fx.push(state.audit(audit));
    fx.push(Effect::Refund(RefundCall {
        order_id,
        out_trade_no: to.of.out_trade_no.clone(),
        out_refund_no: out_refund_no.clone(),
        platform: to.of.platform,
        transaction_id: to.of.transaction_id.clone(),
        total: to.total,
        amount: back,
        refunded_before: to.refunded,
        staff_id: state.auth.session.as_ref().map(|s| s.staff_id.clone()),
    }));
    fx.push(Effect::Beep(Beep::Success));
    state.timers.insert(out_refund_no, QueryTimer { due: now, in_flight: true, cancel: false });
    super::refund::keep(state, order);
    state.screen = Screen::Done { change: Fen::ZERO };
    state.receipt_preview.clear();
    state.notice = Some(say(ExchangeNotice::RefundingDifference { amount: back, platform: to.of.platform, number }));
    true
}

/// The platform refused the refund of a receipted exchange's difference (`out_refund_no`): the
/// difference is owed in cash. Records a cash refund of it on `order` (final at once) and saves
/// the original's mark again with nothing refunded by the platform. `false`: not such a refund.
pub(super) fn cash_instead(state: &mut State, order: &mut Order, out_refund_no: &str, fx: &mut Vec<Effect>) -> bool {
    let Some(failed) = order.refunds.iter().find(|r| r.out_refund_no == out_refund_no && !r.cash) else { return false };
    let (amount, total, id) = (failed.amount, failed.total, order.id);
    let Some(from) = order.exchange.as_mut().and_then(|x| x.from.as_mut()) else { return false };
    let Some(number) = next_number(state) else { return false };
    if let Some(mark) = from.original.exchanged.iter_mut().find(|x| x.exchange_id == id) {
        mark.by_platform = Fen::ZERO;
    }
    let original = (*from.original).clone();
    fx.push(state.save(&original));
    super::refund::keep(state, original);
    let before = order.refunds_not_failed();
    let refund = Refund::cash_now(number, amount, total, before, state.now, state.operator().to_string());
    order.refunds.push(refund);
    true
}

/// After `cash_instead`'s save: the drawer opens and the cashier is told what to give.
pub(super) fn give_cash(state: &mut State, order: &Order, amount: Fen, fx: &mut Vec<Effect>) {
    fx.push(Effect::OpenDrawer);
    fx.push(Effect::Beep(Beep::Failure));
    fx.push(Effect::AnnounceRefund { amount, platform: None });
    let number = order.number.clone().unwrap_or_default();
    state.notice = Some(say(ExchangeNotice::RefusedGiveCash { amount, number }));
}

/// Esc on a receipted exchange with no new goods: the original order is saved back unmarked.
pub(super) fn give_up(state: &mut State, fx: &mut Vec<Effect>) {
    let id = state.sale.id;
    let Some(from) = state.sale.exchange.as_ref().and_then(|x| x.from.as_ref()) else { return };
    let mut original = (*from.original).clone();
    original.exchanged.retain(|x| x.exchange_id != id);
    fx.push(state.save(&original));
    super::refund::keep(state, original);
}
