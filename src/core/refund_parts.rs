//! Refunds of orders paid in parts or in cash: a mixed order's code parts are refunded one by one
//! through their platforms (each under its own number), and cash — a cash sale, or the cash part
//! of a mixed one — is given back from the drawer: a refund record final at once, saved before the
//! drawer opens. Both need a supervisor (see `approval`).

use super::money::Fen;
use super::notice::Notice;
use super::notice::refuse;
use super::order::{Order, OrderId, OrderStatus, Refund, RefundState, Returned, TenderPart};
use super::pay::next_number;
use super::refund::keep;
use super::{Action, Beep, Effect, State};

/// The till's refunds of `order` that have not failed, through the platform order `number` (all
/// platform refunds when `None`); cash refunds are not the platform's.
pub(super) fn refunded_of(order: &Order, number: Option<&str>) -> Fen {
    order
        .refunds
        .iter()
        .filter(|r| !r.cash && !matches!(r.state, RefundState::Failed { .. }))
        .filter(|r| match (number, &r.of) {
            (Some(n), Some(of)) => of.out_trade_no == n,
            _ => true,
        })
        .map(|r| r.amount)
        .sum()
}

/// The code parts of a mixed order that still have something to refund, by their numbers.
pub(super) fn code_parts_to_refund(order: &Order) -> Vec<String> {
    order
        .tender_parts()
        .iter()
        .filter_map(|p| match p {
            TenderPart::Code { out_trade_no, amount, .. } if refunded_of(order, Some(out_trade_no)) < *amount => {
                Some(out_trade_no.clone())
            }
            _ => None,
        })
        .collect()
}

/// The cash an order took that has not been given back yet.
pub fn cash_to_refund(order: &Order) -> Fen {
    let cash: Fen =
        order.tender_parts().iter().filter(|p| matches!(p, TenderPart::Cash { .. })).map(|p| p.amount()).sum();
    let given: Fen = order.refunds.iter().filter(|r| r.cash).map(|r| r.amount).sum();
    (cash - given - order.exchange_kept()).max(Fen::ZERO)
}

/// The supervisor rule a refund falls under: giving back all of a paid order (nothing refunded of
/// it before) is voiding it, `void` where the shop lists that action; otherwise `refund`.
pub(crate) fn refund_action(state: &State, whole: bool) -> Action {
    if whole && state.auth.policy.supervisor_for.contains(&Action::Void) { Action::Void } else { Action::Refund }
}

/// Whether giving back the cash of `order_id` on the lookup screen returns all of the order: a
/// cash sale with nothing given back yet and no goods picked out of it.
pub(crate) fn cash_refund_is_whole(state: &State, order_id: OrderId, picked_goods: bool) -> bool {
    let Some(order) = state.lookup.as_ref().and_then(|v| v.order.as_ref()).filter(|o| o.id == order_id) else {
        return false;
    };
    !picked_goods && order.refunds.is_empty() && cash_to_refund(order) == order.total()
}

/// F6 on the lookup screen: give back the order's cash (a cash sale, or the cash part of a mixed
/// one), which a supervisor approves.
pub(super) fn ask_cash_refund(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(order) = state.lookup.as_ref().and_then(|v| v.order.clone()) else {
        return refuse(state, Notice::NothingToRefund, fx);
    };
    if order.status != OrderStatus::Paid || super::foreign::cash_left(state, &order).is_zero() {
        return refuse(state, Notice::NothingToRefund, fx);
    }
    if order.open_refund().is_some() {
        return refuse(state, Notice::RefundInDoubt, fx);
    }
    let picks = state.lookup.as_ref().map(|v| v.picks.clone()).unwrap_or_default();
    let returns = match super::returns::chosen(&order, &picks) {
        Ok(returns) => returns,
        Err(left) => return refuse(state, Notice::ReturnLimit { left }, fx),
    };
    super::approval::ask_supervisor(state, super::approval::Approval::CashRefund { order_id: order.id, returns }, fx);
}

/// Gives back the cash of the order on the lookup screen: a refund record, final at once (the
/// money leaves the drawer now), saved before the drawer opens. With goods chosen (`returns`),
/// their value (at most the cash not given back yet), and they go back to stock.
pub(super) fn refund_cash(state: &mut State, order_id: OrderId, returns: Vec<Returned>, fx: &mut Vec<Effect>) {
    let Some(view) = state.lookup.as_ref() else { return };
    let Some(order) = view.order.clone().filter(|o| o.id == order_id) else { return };
    let order = state.background.iter().find(|b| b.id == order.id).cloned().unwrap_or(order);
    let cash = super::foreign::cash_left(state, &order);
    let amount = if returns.is_empty() { cash } else { super::returns::value_of(&order, &returns).min(cash) };
    if amount.is_zero() || order.open_refund().is_some() {
        return refuse(state, Notice::NothingToRefund, fx);
    }
    // The goods must still be out with the customer (the order may have changed since the choice).
    let picks: Vec<u32> =
        (0..order.lines.len()).map(|i| returns.iter().filter(|g| g.line == i).map(|g| g.qty).sum()).collect();
    if let Err(left) = super::returns::chosen(&order, &picks) {
        return refuse(state, Notice::ReturnLimit { left }, fx);
    }
    let Some(out_refund_no) = next_number(state) else {
        return refuse(state, Notice::NumbersExhausted, fx);
    };
    // Another till's order: the office holds the cash first (its answer gives it, `give_cash`).
    if super::foreign::hold_first(state, &order, &out_refund_no, amount, &returns, fx) {
        return;
    }
    give_cash(state, order.id, out_refund_no, amount, returns, fx);
}

/// Gives back `amount` in cash for the order `order_id` on the lookup screen under `out_refund_no`:
/// the refund, final at once, saved before the drawer opens.
pub(super) fn give_cash(
    state: &mut State,
    order_id: OrderId,
    out_refund_no: String,
    amount: Fen,
    returns: Vec<Returned>,
    fx: &mut Vec<Effect>,
) {
    let Some(order) = state.lookup.as_ref().and_then(|v| v.order.clone()).filter(|o| o.id == order_id) else { return };
    let mut order = state.background.iter().find(|b| b.id == order.id).cloned().unwrap_or(order);
    let (total, before, operator) = (order.total(), order.refunds_not_failed(), state.operator().to_string());
    let refund = Refund::cash_now(out_refund_no.clone(), amount, total, before, state.now, operator);
    order.refunds.push(Refund { returns, ..refund });
    if let Some(view) = state.lookup.as_mut() {
        view.picks.clear();
    }
    fx.push(state.save(&order));
    fx.push(Effect::OpenDrawer);
    fx.push(Effect::PrintRefund { order: order.clone(), out_refund_no });
    fx.push(Effect::Beep(Beep::Success));
    fx.push(Effect::AnnounceRefund { amount, platform: None });
    state.notice = Some(Notice::Refunded { amount, platform: None });
    state.input.clear();
    keep(state, order);
}
