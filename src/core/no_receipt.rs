//! A return without a receipt (无小票退货): the customer brings goods back with no receipt (or an
//! order too old for the platform to refund). From the lookup screen (F3 on an empty sale, then
//! F7) or an empty sale screen (a script's `{"act":"return_no_receipt"}`) a form opens over the
//! screen: the cashier scans or types the goods coming back, sets their quantities and chooses a
//! reason; Enter asks a supervisor (always: a PIN, or a supervisor signed in).
//!
//! Rules:
//! * only catalogue products at the catalogue's fixed price come back this way (an open-price or
//!   weighed item has no price to refund without its receipt); the refund is their value at
//!   today's catalogue price, in integer fen with checked arithmetic, within the till's limits;
//! * cash is given back from the drawer; the return is its own order (`Order::no_receipt`): its
//!   lines are the goods, no tender (it is no sale), and one cash refund, final when recorded,
//!   taking every line back, so `stock::movements` puts the goods back and nothing is taken out;
//! * it is saved before the drawer opens, the slip prints or anything is announced;
//! * the X and Z reports count it apart from receipted refunds (`Report::no_receipt`), the
//!   journal marks it, and its slip says what it is, why, and who approved it.

use super::approval::Approval;
use super::catalog::ProductKind;
use super::money::{Fen, MAX_TOTAL};
use super::notice::{Notice, refuse};
use super::order::{Line, MAX_QTY, Order, OrderStatus, Refund, Returned};
use super::pay::next_number;
use super::{Beep, Effect, Key, Screen, State};
use serde::{Deserialize, Serialize};

/// Why goods come back without a receipt (a short fixed list, as shops keep it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    /// 质量问题: faulty or damaged.
    #[default]
    Faulty,
    /// 过期 / 变质: past its date.
    Expired,
    /// 买错了: the wrong item.
    WrongItem,
    /// 不想要了: the customer changed their mind.
    ChangedMind,
    /// 其他.
    Other,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 5] = [
        ReturnReason::Faulty,
        ReturnReason::Expired,
        ReturnReason::WrongItem,
        ReturnReason::ChangedMind,
        ReturnReason::Other,
    ];

    /// The next reason in the list (F2), round again after the last.
    pub fn next(self) -> ReturnReason {
        let i = ReturnReason::ALL.iter().position(|r| *r == self).unwrap_or(0);
        ReturnReason::ALL[(i + 1) % ReturnReason::ALL.len()]
    }
}

/// What makes an order a return without a receipt (kept in the order, so the store, the reports
/// and the back office keep it with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoReceipt {
    pub reason: ReturnReason,
    /// The supervisor who approved it.
    pub approved_by: String,
}

/// The form while it is up: the goods coming back and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReturnForm {
    pub lines: Vec<Line>,
    /// The line the keys change.
    pub cursor: usize,
    pub reason: ReturnReason,
}

impl ReturnForm {
    /// What the goods are worth at the catalogue's price, if within the till's limits.
    pub fn value(&self) -> Option<Fen> {
        let total = self.lines.iter().try_fold(Fen::ZERO, |sum, l| sum.checked_add(l.checked_amount()?))?;
        (total <= MAX_TOTAL).then_some(total)
    }

    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.qty).sum()
    }
}

/// What the till says about a return without a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReturnNotice {
    /// The form is up: scan the goods coming back.
    ScanGoods,
    /// Not a catalogue product with a fixed price: it cannot come back without its receipt.
    NotReturnable { code: String },
    /// Nothing chosen to come back yet.
    NoGoods,
    /// The goods are worth more than the till takes in one order.
    TooMuch,
    /// Done: `amount` given back in cash, slip `number`.
    Returned { amount: Fen, number: String },
    /// Only from an empty sale screen or the lookup screen.
    FinishSaleFirst,
}

impl ReturnNotice {
    pub fn is_error(&self) -> bool {
        !matches!(self, ReturnNotice::ScanGoods | ReturnNotice::Returned { .. })
    }
}

fn say(n: ReturnNotice) -> Notice {
    Notice::Return(n)
}

/// Opens the form (an empty sale screen, or the lookup screen with nothing under way there).
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    let empty_sale = state.screen == Screen::Sale && state.sale.lines.is_empty();
    let idle_lookup = state.screen == Screen::Lookup && !state.lookup.as_ref().is_some_and(|v| v.pending);
    if !(empty_sale || idle_lookup) {
        return refuse(state, say(ReturnNotice::FinishSaleFirst), fx);
    }
    state.input.clear();
    state.no_receipt = Some(ReturnForm::default());
    state.notice = Some(say(ReturnNotice::ScanGoods));
}

/// A scanned code while the form is up: one more of that product comes back.
pub(super) fn on_scan(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    add(state, code.trim(), fx)
}

fn add(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    let Some(form) = state.no_receipt.as_mut() else { return };
    let product = state.catalogue.get(code).filter(|p| p.kind == ProductKind::Normal);
    let Some(p) = product else {
        return refuse(state, say(ReturnNotice::NotReturnable { code: code.chars().take(32).collect() }), fx);
    };
    let at = form.lines.iter().position(|l| l.barcode == p.barcode);
    let i = at.unwrap_or(form.lines.len());
    if at.is_none() {
        form.lines.push(Line { barcode: p.barcode.clone(), name: p.name.clone(), unit_price: p.price, qty: 0 });
    }
    form.cursor = i;
    let qty = form.lines[i].qty.saturating_add(1);
    set_qty(state, qty, fx);
    if state.notice.as_ref().is_none_or(|n| !n.is_error()) {
        fx.push(Effect::Beep(Beep::Accepted));
    }
}

/// Sets the quantity of the line under the cursor (0 takes it off), if the total stays within the
/// till's limits.
fn set_qty(state: &mut State, qty: u32, fx: &mut Vec<Effect>) {
    let Some(form) = state.no_receipt.as_mut() else { return };
    if qty > MAX_QTY {
        return refuse(state, Notice::BadQuantity, fx);
    }
    let mut changed = form.clone();
    let Some(line) = changed.lines.get_mut(changed.cursor) else { return };
    line.qty = qty;
    if qty == 0 {
        changed.lines.remove(changed.cursor);
        changed.cursor = changed.cursor.min(changed.lines.len().saturating_sub(1));
    }
    if changed.value().is_none() {
        return refuse(state, say(ReturnNotice::TooMuch), fx);
    }
    *form = changed;
    state.notice = None;
}

/// Keys on the form: a code typed then Enter adds it; Enter on nothing typed asks the supervisor;
/// ↑↓ choose a line, `+`/`-` one more or less, a number then `*` sets it, Del takes it off; F2
/// the next reason; Esc clears what is typed, then closes the form (nothing is kept).
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(form) = state.no_receipt.as_mut() else { return };
    let qty = form.lines.get(form.cursor).map_or(0, |l| l.qty);
    match key {
        Key::Char('+') => set_qty(state, qty.saturating_add(1), fx),
        Key::Char('-') if qty > 1 => set_qty(state, qty - 1, fx),
        Key::Char('*') => match std::mem::take(&mut state.input).parse::<u32>() {
            Ok(n) if n <= MAX_QTY => set_qty(state, n, fx),
            _ => refuse(state, Notice::BadQuantity, fx),
        },
        Key::Char(c) if c.is_ascii_alphanumeric() && state.input.len() < 32 => state.input.push(c),
        Key::Backspace => {
            state.input.pop();
        }
        Key::Delete => set_qty(state, 0, fx),
        Key::Up => form.cursor = form.cursor.saturating_sub(1),
        Key::Down => form.cursor = (form.cursor + 1).min(form.lines.len().saturating_sub(1)),
        Key::F(2) => form.reason = form.reason.next(),
        Key::F(4) => super::exchange::ask(state, fx),
        Key::Enter if !state.input.is_empty() => {
            let code = std::mem::take(&mut state.input);
            add(state, &code, fx)
        }
        Key::Enter => confirm(state, fx),
        Key::Esc if !state.input.is_empty() => state.input.clear(),
        Key::Esc => {
            state.no_receipt = None;
            state.notice = None;
        }
        _ => {}
    }
}

/// Enter on the form: the goods and the reason go to a supervisor.
fn confirm(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(form) = state.no_receipt.as_ref() else { return };
    if form.value().is_none_or(|v| v <= Fen::ZERO) {
        return refuse(state, say(ReturnNotice::NoGoods), fx);
    }
    let approval = Approval::NoReceiptReturn { lines: form.lines.clone(), reason: form.reason };
    super::approval::ask_supervisor(state, approval, fx);
}

/// A supervisor approved: the return is recorded and saved, then the drawer opens, the slip
/// prints and the amount is said.
pub(super) fn approved(state: &mut State, lines: Vec<Line>, reason: ReturnReason, fx: &mut Vec<Effect>) {
    // Only the form on screen is returned (an approval replayed later finds none and does nothing).
    if state.no_receipt.as_ref().is_none_or(|f| f.lines != lines) {
        return;
    }
    let form = ReturnForm { lines, cursor: 0, reason };
    let Some(amount) = form.value().filter(|a| *a > Fen::ZERO) else {
        return refuse(state, say(ReturnNotice::NoGoods), fx);
    };
    let Some(number) = next_number(state) else {
        return refuse(state, Notice::NumbersExhausted, fx);
    };
    let id = state.counters.next_order_id;
    state.counters.next_order_id += 1;
    let operator = state.operator().to_string();
    let approved_by = state.approver().unwrap_or(&operator).to_string();
    let mut order = Order::new(id, state.now, operator.clone());
    order.lines = form.lines;
    order.status = OrderStatus::Paid;
    order.number = Some(number.clone());
    order.closed_at = Some(state.now);
    order.no_receipt = Some(NoReceipt { reason, approved_by });
    let returns = (0..order.lines.len())
        .map(|line| Returned { line, barcode: order.lines[line].barcode.clone(), qty: order.lines[line].qty })
        .collect();
    let refund = Refund::cash_now(number.clone(), amount, amount, Fen::ZERO, state.now, operator);
    order.refunds.push(Refund { returns, ..refund });
    fx.push(state.save(&order));
    fx.push(Effect::OpenDrawer);
    fx.push(Effect::PrintRefund { order, out_refund_no: number.clone() });
    fx.push(Effect::Beep(Beep::Success));
    fx.push(Effect::AnnounceRefund { amount, platform: None });
    state.no_receipt = None;
    state.input.clear();
    // From the empty lookup (F3, F7): back to the sale screen for the next customer.
    if state.screen == Screen::Lookup && state.lookup.is_none() {
        state.screen = Screen::Sale;
    }
    state.notice = Some(say(ReturnNotice::Returned { amount, number }));
}

impl Order {
    /// A return without a receipt: no sale, its goods came back.
    pub fn is_no_receipt_return(&self) -> bool {
        self.no_receipt.is_some()
    }
}
