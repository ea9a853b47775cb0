//! An exchange (换货): goods come back and other goods go out in one order.
//!
//! On the return form (F3 then F7, or a script's `return_no_receipt`) the cashier scans the goods
//! coming back and chooses a reason, then presses F4 (换货) instead of Enter. A supervisor approves
//! (the one approval door, `Action::Exchange`: there is no receipt to prove the goods were bought
//! here). The sale screen then carries the goods coming back as a credit (`Order::exchange`) and
//! the cashier scans the goods going out.
//!
//! Rules:
//! * the credit is the goods' value at today's catalogue price (fixed-price catalogue products
//!   only, as for a return without a receipt), in integer fen with checked arithmetic;
//! * what the customer pays is the new goods less the credit (`Order::total`), never below zero:
//!   paid with any tender, cash or code (a code part keeps every "unknown until the platform's
//!   answer or a query says" guarantee, since it is the ordinary tender);
//! * new goods worth the credit or less: F1/Enter settles the exchange at once; a credit above
//!   the new goods is given back in cash from the drawer, recorded as a cash refund of the
//!   exchange (`Refund::cash_now`), so the drawer balances in the X and Z reports;
//! * the exchange is saved with the sale on every change: a pulled plug keeps the credit and the
//!   goods, and the store moves stock once, in the paid save: the new goods out (`sale:<id>`),
//!   the goods coming back in (`exchange:<id>`);
//! * the receipt is an exchange slip: the new goods, each good coming back as a negative row, the
//!   difference, how it was paid or given back, the reason and the approving supervisor;
//! * the X and Z reports count exchanges apart (`Report::exchanges`).
//!
//! An exchange from a receipt (the goods valued at what was paid for them, the difference
//! refunded through the original payment) is `exchange_receipted`: the same credit on the sale,
//! with `Exchange::from` naming the order the goods came from.

use super::money::Fen;
use super::no_receipt::{ReturnNotice, ReturnReason};
use super::notice::{Notice, refuse};
use super::order::{Line, Order, OrderStatus, Refund, RefundState, Tender};
use super::pay::next_number;
use super::{Beep, Effect, Screen, State};
use serde::{Deserialize, Serialize};

/// The goods coming back in an exchange, kept in the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// The goods coming back, at the price they are credited at.
    pub returned: Vec<Line>,
    /// What they are worth: taken off what the customer pays for the new goods.
    pub credit: Fen,
    pub reason: ReturnReason,
    /// The supervisor who approved it.
    pub approved_by: String,
    /// A receipted exchange: the order the goods came from (see `exchange_receipted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<super::exchange_receipted::ExchangeFrom>,
}

/// What the till says about an exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExchangeNotice {
    /// Approved: the credit is on the sale; scan the new goods.
    ScanNewGoods { credit: Fen },
    /// Settled with nothing to pay or give back.
    Even { number: String },
    /// Settled: give the customer `amount` from the drawer.
    GiveBack { amount: Fen, number: String },
    /// No new goods scanned yet (Esc gives up the exchange).
    NoNewGoods,
    /// The exchange was given up: nothing moved.
    Cancelled,
    /// F8 on the lookup screen with no goods chosen (`+`/`-` choose them).
    PickGoods,
    /// Settled: the difference is being refunded through the original payment (announced once
    /// the platform confirms it).
    RefundingDifference { amount: Fen, platform: super::code::Platform, number: String },
    /// The platform refused that refund: give the customer `amount` from the drawer instead.
    RefusedGiveCash { amount: Fen, number: String },
}

impl ExchangeNotice {
    pub fn is_error(&self) -> bool {
        matches!(self, ExchangeNotice::NoNewGoods | ExchangeNotice::PickGoods | ExchangeNotice::RefusedGiveCash { .. })
    }
}

fn say(n: ExchangeNotice) -> Notice {
    Notice::Exchange(n)
}

/// F4 on the return form: the goods and the reason go to a supervisor as an exchange.
pub(super) fn ask(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(form) = state.no_receipt.as_ref() else { return };
    if form.value().is_none_or(|v| v <= Fen::ZERO) {
        return refuse(state, Notice::Return(ReturnNotice::NoGoods), fx);
    }
    if !state.sale.lines.is_empty() || state.sale.exchange.is_some() {
        return refuse(state, Notice::Return(ReturnNotice::FinishSaleFirst), fx);
    }
    let approval = super::approval::Approval::Exchange { lines: form.lines.clone(), reason: form.reason };
    super::approval::ask_supervisor(state, approval, fx);
}

/// A supervisor approved: the credit goes on the (empty) sale, which is saved at once, and the
/// sale screen takes the new goods.
pub(super) fn approved(state: &mut State, lines: Vec<Line>, reason: ReturnReason, fx: &mut Vec<Effect>) {
    // Only the form on screen (an approval replayed later finds none and does nothing).
    if state.no_receipt.as_ref().is_none_or(|f| f.lines != lines) {
        return;
    }
    if !state.sale.lines.is_empty() || state.sale.exchange.is_some() {
        return refuse(state, Notice::Return(ReturnNotice::FinishSaleFirst), fx);
    }
    let form = super::no_receipt::ReturnForm { lines, cursor: 0, reason };
    let Some(credit) = form.value().filter(|a| *a > Fen::ZERO) else {
        return refuse(state, Notice::Return(ReturnNotice::NoGoods), fx);
    };
    let operator = state.operator().to_string();
    let approved_by = state.approver().unwrap_or(&operator).to_string();
    state.sale.exchange = Some(Exchange { returned: form.lines, credit, reason, approved_by, from: None });
    state.no_receipt = None;
    state.input.clear();
    state.lookup = None;
    state.screen = Screen::Sale;
    state.notice = Some(say(ExchangeNotice::ScanNewGoods { credit }));
    fx.push(state.save(&state.sale));
    fx.push(Effect::Beep(Beep::Accepted));
}

/// Whether F1/Enter settles the exchange on screen now: new goods scanned, nothing to pay.
pub(super) fn settles_now(state: &State) -> bool {
    state.sale.exchange.is_some() && state.sale.total() == Fen::ZERO && state.sale.open_attempt().is_none()
}

/// F1/Enter on an exchange with nothing to pay: it is settled; a credit above the new goods is
/// given back in cash (saved before the drawer opens).
pub(super) fn settle(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(back) = state.sale.exchange_difference_owed() else { return };
    if state.sale.lines.is_empty() {
        return refuse(state, say(ExchangeNotice::NoNewGoods), fx);
    }
    if back > Fen::ZERO && super::exchange_receipted::settle_through_platform(state, back, fx) {
        return;
    }
    let Some(number) = next_number(state) else {
        return refuse(state, Notice::NumbersExhausted, fx);
    };
    let now = state.now;
    let operator = state.operator().to_string();
    let order = &mut state.sale;
    order.status = OrderStatus::Paid;
    order.tender = Some(Tender::Cash { received: Fen::ZERO, change: Fen::ZERO });
    order.number = Some(number.clone());
    order.closed_at = Some(now);
    if back > Fen::ZERO {
        order.refunds.push(Refund::cash_now(number.clone(), back, Fen::ZERO, Fen::ZERO, now, operator));
    }
    let order = order.clone();
    fx.push(state.save(&order));
    if back > Fen::ZERO {
        fx.push(Effect::OpenDrawer);
    }
    fx.push(Effect::Print { order });
    fx.push(Effect::Beep(Beep::Success));
    if back > Fen::ZERO {
        fx.push(Effect::AnnounceRefund { amount: back, platform: None });
    }
    state.screen = Screen::Done { change: Fen::ZERO };
    state.receipt_preview.clear();
    state.notice = Some(say(if back > Fen::ZERO {
        ExchangeNotice::GiveBack { amount: back, number }
    } else {
        ExchangeNotice::Even { number }
    }));
}

/// Esc on an exchange with no new goods (and nothing paid): it is given up, nothing moved.
pub(super) fn cancel(state: &mut State, fx: &mut Vec<Effect>) {
    super::exchange_receipted::give_up(state, fx);
    state.sale.exchange = None;
    state.notice = Some(say(ExchangeNotice::Cancelled));
    fx.push(state.save(&state.sale));
}

/// Whether Esc gives the exchange on screen up: no new goods, nothing paid.
pub(super) fn can_cancel(state: &State) -> bool {
    state.sale.exchange.is_some() && state.sale.lines.is_empty() && !state.sale.has_paid_parts()
}

/// Exchanges counted in a report, apart from sales and refunds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExchangeTotals {
    pub n: u32,
    /// The goods that came back, at what they were credited.
    pub goods_back: Fen,
    /// The goods that went out, after their discounts.
    pub goods_out: Fen,
    /// The differences customers paid.
    pub paid: Fen,
    /// The differences given back from the drawer.
    pub given_back: Fen,
    /// The differences refunded through the original payment (receipted exchanges), counted in
    /// their platform's refunds too.
    #[serde(default)]
    pub refunded: Fen,
}

impl ExchangeTotals {
    /// The exchanges among `settled` (orders settled in the report's period).
    pub fn of<'a>(settled: impl Iterator<Item = &'a Order>) -> ExchangeTotals {
        let mut t = ExchangeTotals::default();
        for o in settled.filter(|o| o.exchange.is_some()) {
            let x = o.exchange.as_ref().map_or(Fen::ZERO, |x| x.credit);
            t.n += 1;
            t.goods_back = t.goods_back.checked_add(x).unwrap_or(t.goods_back);
            t.goods_out = t.goods_out.checked_add(o.goods_total()).unwrap_or(t.goods_out);
            t.paid = t.paid.checked_add(o.total()).unwrap_or(t.paid);
            let owed = o.exchange_difference_owed().unwrap_or_default();
            if o.refunds.iter().any(|r| !r.cash && !matches!(r.state, RefundState::Failed { .. })) {
                t.refunded = t.refunded.checked_add(owed).unwrap_or(t.refunded);
            } else {
                t.given_back = t.given_back.checked_add(owed).unwrap_or(t.given_back);
            }
        }
        t
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
}

impl Order {
    /// The new goods less their discounts (before any exchange credit).
    pub fn goods_total(&self) -> Fen {
        Fen(self.lines.iter().map(Line::amount).sum::<Fen>().0 - self.discounted().0)
    }

    /// The part of an exchange's credit taken off the new goods (none without an exchange).
    pub fn exchange_credit_used(&self) -> Fen {
        self.exchange.as_ref().map_or(Fen::ZERO, |x| x.credit.min(self.goods_total()).max(Fen::ZERO))
    }

    /// An exchange's credit above the new goods: what the customer gets back (`None` without an
    /// exchange).
    pub fn exchange_difference_owed(&self) -> Option<Fen> {
        let x = self.exchange.as_ref()?;
        x.credit.checked_sub(self.exchange_credit_used()).map(|d| d.max(Fen::ZERO))
    }
}
