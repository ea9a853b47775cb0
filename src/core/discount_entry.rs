//! The discount entry (打折): a form over the sale screen where the cashier gives a discount by
//! hand. `%` on the sale screen (or a script's `{"act":"open_discount"}`) opens it on the selected
//! line; F2 switches between that line and the whole sale, F3 the kind (percent off, amount off,
//! new price), F4 the reason from `[discounts]`; digits and `.` type the value; Enter gives it
//! through [`super::discount::ask`], so the cashier's limits and the supervisor's approval are
//! the same as for a bound key or a script; Esc closes the form with nothing given.

use super::money::Fen;
use super::notice::{Notice, refuse};
use super::pricing::limits::parse_percent;
use super::{Effect, Key, Screen, State};
use serde::{Deserialize, Serialize};

/// How the discount takes money off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// 折扣: a percentage off.
    #[default]
    Percent,
    /// 减金额: an amount off.
    Amount,
    /// 改价: a new price (a line's unit price, or the sale's new total).
    Price,
}

impl How {
    pub const ALL: [How; 3] = [How::Percent, How::Amount, How::Price];

    /// As [`super::intent::Intent::Discount`] names it.
    pub fn code(self) -> &'static str {
        match self {
            How::Percent => "percent",
            How::Amount => "amount",
            How::Price => "price",
        }
    }

    fn next(self) -> How {
        let i = How::ALL.iter().position(|h| *h == self).unwrap_or(0);
        How::ALL[(i + 1) % How::ALL.len()]
    }

    /// Whether `value` reads as this kind's value.
    fn reads(self, value: &str) -> bool {
        match self {
            How::Percent => parse_percent(value).is_some_and(|bp| bp > 0),
            How::Amount => Fen::parse_yuan(value).is_ok_and(|f| f.0 > 0),
            How::Price => Fen::parse_yuan(value).is_ok_and(|f| f.0 >= 0),
        }
    }
}

/// The form while it is up.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DiscountForm {
    /// The whole sale, else the selected line.
    pub order: bool,
    pub how: How,
    /// As typed (`"10"`, `"5.00"`).
    pub value: String,
    /// Which of `[discounts]`'s reasons.
    pub reason: usize,
}

const MAX_VALUE_LEN: usize = 10;

/// Opens the form on the selected line (only a sale with items, nothing being paid).
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    if state.screen != Screen::Sale || state.sale.lines.is_empty() {
        return refuse(state, Notice::CartEmpty, fx);
    }
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    if state.sale.has_paid_parts() {
        return refuse(state, Notice::FinishPayment, fx);
    }
    state.input.clear();
    state.notice = None;
    state.discount_entry = Some(DiscountForm::default());
}

pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let reasons = state.discount_rules.reasons.len().max(1);
    let Some(form) = state.discount_entry.as_mut() else { return };
    match key {
        Key::F(2) => form.order = !form.order,
        Key::F(3) => form.how = form.how.next(),
        Key::F(4) => form.reason = (form.reason + 1) % reasons,
        Key::Char(c) if (c.is_ascii_digit() || c == '.') && form.value.len() < MAX_VALUE_LEN => form.value.push(c),
        Key::Backspace => {
            form.value.pop();
        }
        Key::Esc => {
            state.discount_entry = None;
            state.notice = None;
        }
        Key::Enter => give(state, fx),
        _ => {}
    }
}

/// Enter: a value that does not read keeps the form up; else the form closes and the discount is
/// asked for as a script would (within the limits at once, above them through the supervisor).
fn give(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(form) = state.discount_entry.clone() else { return };
    if !form.how.reads(&form.value) {
        return refuse(state, Notice::NotAnAmount, fx);
    }
    let Some(reason) = state.discount_rules.reasons.get(form.reason).map(|r| r.code.clone()) else {
        return refuse(state, Notice::UnknownReason { code: String::new() }, fx);
    };
    state.discount_entry = None;
    super::discount::ask(state, form.order, form.how.code(), &form.value, &reason, fx);
}
