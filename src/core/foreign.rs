//! Orders of the shop's other tills (issue 21): a receipt number typed or scanned on the lookup
//! screen is also asked of the back office ([`ForeignEffect::Lookup`], answered off the render loop
//! with a short timeout). The office answers with the order as the till that took it recorded it
//! and with every refund of it by any till.
//!
//! Rules:
//! * an order this till does not have is shown as that till's ("1号机的订单"), from a copy made
//!   here under a fresh id of this till (its store key: this till's id, never the other till's, which
//!   may be one of this till's own orders) that names the original ([`ForeignOf`]); a refund of it is
//!   saved on that copy before the platform is called, followed and queried like any refund, and sent
//!   to the office as a refund record naming the other till (`of_device`);
//! * a code payment is refunded through its platform by its own `out_trade_no` (the shop's one
//!   merchant account): the platform refuses more than was paid, whichever till asks;
//! * cash is the office's to guard: before the drawer opens for another till's order the office
//!   must grant a hold of the amount ([`ForeignEffect::Hold`]); offline or refused, no cash. This
//!   till's own order is held too when the office answered its lookup; offline, its own records decide;
//! * what other tills gave back, as the office reports it, counts as refunded, on this till's own
//!   orders too; offline, the till knows only its own refunds (and the platform's figure);
//! * offline (or the office refuses to say), a lookup of a number this till does not have says so on
//!   one line ([`ForeignNotice::Unseen`]).

use super::money::Fen;
use super::notice::Notice;
use super::order::{Order, OrderId, OrderStatus, Returned};
use super::{Effect, State};
use serde::{Deserialize, Serialize};

/// The till an order copied from the office was taken at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignOf {
    pub device_id: String,
    /// Its name on the office's devices page.
    pub till_name: String,
    /// Its own id for the order (unique on that till only).
    pub order_id: OrderId,
}

/// What the office said of a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfficeAnswer {
    Found(Box<Seen>),
    /// None of the shop's tills has sent such an order.
    NotFound,
    /// Not reached in time, or it would not say (offline, timeout, 5xx, this till refused).
    Unreachable,
    /// The till has no back office: nothing to say.
    NoOffice,
}

/// An order the office has, as its till recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub device_id: String,
    pub till_name: String,
    pub order: Order,
    /// Given back (or held to be) by the other tills: all of it, and of it in cash.
    pub by_others: Fen,
    pub cash_by_others: Fen,
}

/// What the app asks the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ForeignEffect {
    Lookup {
        number: String,
    },
    /// Cash about to be given back for another till's order.
    Hold {
        device_id: String,
        number: String,
        out_refund_no: String,
        amount: Fen,
    },
}

/// The office's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ForeignMsg {
    Answer {
        number: String,
        answer: OfficeAnswer,
    },
    /// `granted`: the cash is this till's to give; else what may still be refunded (`None`: the
    /// office was not reached).
    Held {
        out_refund_no: String,
        granted: bool,
        refundable: Option<Fen>,
    },
}

/// What the till says of other tills' orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ForeignNotice {
    /// Shown on the lookup screen: the order is another till's.
    OtherTills { till: String },
    /// The office could not be asked: other tills' orders cannot be seen.
    Unseen,
    /// Asking the office to hold the cash.
    Holding { amount: Fen },
    /// The office did not grant the cash: only `refundable` is left (another till gave the rest).
    NotHeld { refundable: Fen },
}

impl ForeignNotice {
    pub fn is_error(&self) -> bool {
        matches!(self, ForeignNotice::Unseen | ForeignNotice::NotHeld { .. })
    }
}

/// The office's word on the number on the lookup screen, and this till's copy of another till's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ForeignView {
    pub number: String,
    pub answer: Option<OfficeAnswer>,
    /// The other till's order under a fresh id of this till (made once per lookup).
    pub copy: Option<Order>,
    /// Cash waiting for the office's hold: (order, refund number, amount, goods, this till's own order).
    #[serde(default)]
    pub holding: Option<(OrderId, String, Fen, Vec<Returned>, bool)>,
}

impl ForeignView {
    fn seen(&self) -> Option<&Seen> {
        match &self.answer {
            Some(OfficeAnswer::Found(s)) => Some(s),
            _ => None,
        }
    }
}

/// A lookup of `number` starts: the office is asked too.
pub(super) fn ask(state: &mut State, number: &str, fx: &mut Vec<Effect>) {
    let copy = state.foreign.take().filter(|f| f.number == number).and_then(|f| f.copy);
    state.foreign = Some(ForeignView { number: number.to_string(), answer: None, copy, holding: None });
    fx.push(Effect::Foreign(ForeignEffect::Lookup { number: number.to_string() }));
}

/// This till's copy of the other till's order `number`, if the office has sent one.
pub(super) fn copy_for(state: &State, number: &str) -> Option<Order> {
    let copy = state.foreign.as_ref().and_then(|f| f.copy.as_ref())?;
    // By the receipt's number, or (a mixed order) by one of its code parts' numbers.
    let part = copy
        .tender_parts()
        .iter()
        .any(|p| matches!(p, super::order::TenderPart::Code { out_trade_no, .. } if out_trade_no == number));
    (copy.number.as_deref() == Some(number) || part).then(|| copy.clone())
}

/// What the other tills gave back of the order on the lookup screen, as the office said: (all, cash).
pub(crate) fn by_others(state: &State) -> (Fen, Fen) {
    let view = state.lookup.as_ref();
    let seen = state
        .foreign
        .as_ref()
        .filter(|f| view.is_some_and(|v| v.order.as_ref().and_then(|o| o.number.as_ref()) == Some(&f.number)))
        .and_then(ForeignView::seen);
    seen.map_or((Fen::ZERO, Fen::ZERO), |s| (s.by_others, s.cash_by_others))
}

/// The cash of `order` still to give back, less what other tills gave back in cash.
pub(crate) fn cash_left(state: &State, order: &Order) -> Fen {
    let others = if state.lookup.as_ref().and_then(|v| v.order.as_ref()).is_some_and(|o| o.id == order.id) {
        by_others(state).1
    } else {
        Fen::ZERO
    };
    (super::refund_parts::cash_to_refund(order) - others).max(Fen::ZERO)
}

pub(super) fn on_msg(state: &mut State, msg: ForeignMsg, fx: &mut Vec<Effect>) {
    match msg {
        ForeignMsg::Answer { number, answer } => on_answer(state, &number, answer),
        ForeignMsg::Held { out_refund_no, granted, refundable } => {
            on_held(state, &out_refund_no, granted, refundable, fx)
        }
    }
}

fn on_answer(state: &mut State, number: &str, answer: OfficeAnswer) {
    let Some(view) = state.foreign.as_mut().filter(|f| f.number == number) else { return };
    if let OfficeAnswer::Found(seen) = &answer
        && view.copy.is_none()
    {
        let id = state.counters.next_order_id;
        let copy = copy_of(seen, id);
        state.counters.next_order_id += 1;
        view.copy = Some(copy);
    }
    view.answer = Some(answer);
    let copy = view.copy.clone();
    // The platform answered first and the till had no record: the copy is shown now.
    if let Some(lookup) = state.lookup.as_mut().filter(|v| v.number == number && !v.pending)
        && lookup.order.is_none()
        && let Some(copy) = copy
    {
        lookup.order = Some(copy);
        let refundable = lookup.refundable();
        lookup.prefilled = refundable > Fen::ZERO;
        state.input = if lookup.prefilled { refundable.to_string() } else { String::new() };
    }
    after_answers(state);
}

/// The other till's order under this till's `id`: its lines, payments and number; none of its
/// refunds (the office counts them) nor its attempts.
fn copy_of(seen: &Seen, id: OrderId) -> Order {
    let o = &seen.order;
    let mut copy = Order::new(id, o.opened_at, o.operator.clone());
    copy.lines = o.lines.clone();
    copy.discounts = o.discounts.clone();
    copy.tender = o.tender.clone();
    copy.number = o.number.clone();
    copy.closed_at = o.closed_at;
    copy.exchange = o.exchange.clone();
    copy.status = OrderStatus::Paid;
    copy.imported = true;
    copy.foreign =
        Some(ForeignOf { device_id: seen.device_id.clone(), till_name: seen.till_name.clone(), order_id: o.id });
    copy
}

/// Once both the platform and the office have answered: the one line about other tills.
pub(super) fn after_answers(state: &mut State) {
    let Some(lookup) = state.lookup.as_ref().filter(|v| !v.pending) else { return };
    let Some(foreign) = state.foreign.as_ref().filter(|f| {
        f.number == lookup.number || lookup.order.as_ref().and_then(|o| o.number.as_ref()) == Some(&f.number)
    }) else {
        return;
    };
    if lookup.after_refund {
        return;
    }
    let other = lookup.order.as_ref().and_then(|o| o.foreign.clone());
    let not_found = matches!(lookup.answer, Some(super::LookupVerdict::NotFound));
    let found = matches!(lookup.answer, Some(super::LookupVerdict::Found(_)));
    let cash = lookup.order.as_ref().map_or(Fen::ZERO, |o| cash_left(state, o));
    let unseen = matches!(foreign.answer, Some(OfficeAnswer::Unreachable)) && lookup.order.is_none() && !found;
    state.notice = if not_found && cash > Fen::ZERO {
        // Cash (less what other tills gave back): F6 gives it from the drawer.
        Some(Notice::CashToRefund { amount: cash })
    } else if let Some(of) = other {
        Some(Notice::Foreign(ForeignNotice::OtherTills { till: of.till_name }))
    } else if unseen {
        Some(Notice::Foreign(ForeignNotice::Unseen))
    } else {
        return;
    };
}

/// Cash for another till's order: the office is asked to hold it first (see the module's rules).
/// This till's own order too, when the office answered its lookup (online): then two tills cannot
/// give the same cash at once either. Returns false when the drawer may open at once (this till's
/// own order and the office not heard from: its own records decide, as offline).
pub(super) fn hold_first(
    state: &mut State,
    order: &Order,
    out_refund_no: &str,
    amount: Fen,
    returns: &[Returned],
    fx: &mut Vec<Effect>,
) -> bool {
    let Some(number) = order.number.as_ref() else { return false };
    let seen = state.foreign.as_ref().filter(|f| &f.number == number).and_then(ForeignView::seen);
    let (device_id, own) = match (order.foreign.as_ref(), seen) {
        (Some(of), _) => (of.device_id.clone(), false),
        (None, Some(seen)) => (seen.device_id.clone(), true),
        (None, None) => return false,
    };
    let hold =
        ForeignEffect::Hold { device_id, number: number.clone(), out_refund_no: out_refund_no.to_string(), amount };
    if let Some(f) = state.foreign.as_mut() {
        f.holding = Some((order.id, out_refund_no.to_string(), amount, returns.to_vec(), own));
    }
    state.notice = Some(Notice::Foreign(ForeignNotice::Holding { amount }));
    fx.push(Effect::Foreign(hold));
    true
}

fn on_held(state: &mut State, out_refund_no: &str, granted: bool, refundable: Option<Fen>, fx: &mut Vec<Effect>) {
    let Some(f) = state.foreign.as_mut() else { return };
    let Some((order_id, number, amount, returns, own)) = f.holding.take().filter(|h| h.1 == out_refund_no) else {
        return;
    };
    // The office went away between the lookup and the drawer: this till's own order is refunded on
    // its own records, as offline.
    let own_offline = own && refundable.is_none();
    if !granted && !own_offline {
        state.notice = Some(Notice::Foreign(match refundable {
            Some(refundable) => ForeignNotice::NotHeld { refundable },
            None => ForeignNotice::Unseen,
        }));
        fx.push(Effect::Beep(super::Beep::Error));
        return;
    }
    super::refund_parts::give_cash(state, order_id, number, amount, returns, fx);
}
