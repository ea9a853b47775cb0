//! Stored value at the till (储值): spending it as a tender, topping it up, giving it back with a
//! refund. The rules are in [`super::stored_value`]; this module moves the sale on screen.
//!
//! Spending: the cashier asks for an amount (empty: what is left to pay) on the tender screen of a
//! member's sale; with `require_pin` the customer types their PIN (its digits never shown, kept or
//! logged); the app reads the member's balance and today's spending from the store and checks the
//! PIN (`SvEffect::Check`, answered by `SvMsg::Checked`), and only then is the part taken — in the
//! order's own save, with its ledger entry — or refused.

use super::clock::Millis;
use super::member_code::Require;
use super::money::{Fen, MoneyError};
use super::notice::{Notice, refuse};
use super::order::{Line, OrderStatus};
use super::stored_value::{
    GivenBack, Refusal, SpendRoom, Spent, StoredValueConfig, SvNotice, TopUp, bonus_for, check_spend, refundable,
};
use super::{Beep, Effect, Key, Screen, State};
use serde::{Deserialize, Serialize};

/// A member's PIN as typed: its `Debug` shows stars only, so no log can carry it.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pin(pub String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pin({})", "*".repeat(self.0.chars().count()))
    }
}

/// The longest PIN taken.
pub const PIN_MAX: usize = 8;

/// A spend being asked for: the PIN being typed (`typing`), then the check out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asking {
    pub ticket: u32,
    pub member: String,
    pub amount: Fen,
    pub pin: Pin,
    /// The PIN is being typed (the box is up); false: the check is out.
    pub typing: bool,
}

/// Stored value at the till: the shop's settings and a spend being asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SvTill {
    pub config: StoredValueConfig,
    pub asking: Option<Asking>,
    pub ticket: u32,
    /// The member shown present by their dynamic code for a sale (see `member_code`).
    #[serde(default)]
    pub present: Option<Present>,
    /// The dynamic code being checked (its ticket).
    #[serde(default)]
    pub code_ticket: u32,
    /// A new PIN typed at a top-up (see `sv_pin`).
    #[serde(default)]
    pub new_pin: Option<super::sv_pin::NewPin>,
    #[serde(default)]
    pub pin_ticket: u32,
}

/// A member shown present by their dynamic code, for sale `order`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Present {
    pub order: super::order::OrderId,
    pub member: String,
}

/// Asks the app to check a spend: the member's balance and what they spent since `since` (the
/// local midnight), and their PIN if one is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SvEffect {
    Check {
        ticket: u32,
        member: String,
        pin: Option<Pin>,
        since: Millis,
    },
    /// Check a scanned dynamic member code at `at` (answered with `SvMsg::CodeChecked`).
    VerifyCode {
        ticket: u32,
        code: super::member_code::DynamicCode,
        at: Millis,
    },
    /// Whether the member has a PIN (answered with `SvMsg::HasPin`; see `sv_pin`).
    HasPin {
        ticket: u32,
        member: String,
    },
    /// Keep the hash of the member's new PIN, if they still have none (`SvMsg::PinSet`).
    SetPin {
        ticket: u32,
        member: String,
        pin: Pin,
    },
}

/// Why the app refused a spend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckFailed {
    WrongPin,
    /// The member has no PIN set (set it on import or at a top-up).
    NoPin,
    /// The store could not be read.
    Store(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SvMsg {
    Checked {
        ticket: u32,
        result: Result<(Fen, Fen), CheckFailed>,
    },
    CodeChecked {
        ticket: u32,
        member: String,
        result: Result<(), super::member_code::CodeRefused>,
    },
    HasPin {
        ticket: u32,
        set: bool,
    },
    /// `Ok(true)`: kept; `Ok(false)`: the member had a PIN already (nothing changed).
    PinSet {
        ticket: u32,
        result: Result<bool, String>,
    },
}

fn say(n: SvNotice) -> Notice {
    Notice::StoredValue(n)
}

/// The intent's amount, else what the cashier typed before the key (a key bound in `keys.toml`).
fn asked(state: &State, input: &str) -> String {
    if input.trim().is_empty() { state.input.trim().to_string() } else { input.trim().to_string() }
}

fn parse_amount(input: &str, default: Fen) -> Result<Fen, Notice> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(default);
    }
    match Fen::parse_yuan(input) {
        Ok(a) => Ok(a),
        Err(MoneyError::TooLarge) => Err(Notice::AmountTooLarge),
        Err(MoneyError::NotAnAmount) => Err(Notice::NotAnAmount),
    }
}

/// The local midnight before `now`.
pub fn midnight(now: Millis, utc_offset_minutes: i32) -> Millis {
    let offset = i64::from(utc_offset_minutes) * 60_000;
    let local = now.0 + offset;
    Millis(local - local.rem_euclid(86_400_000) - offset)
}

/// Pay `input` (empty: what is left) of the sale on the tender screen from the member's balance.
pub(super) fn ask_spend(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    let Some(member) = state.sale.member.as_ref().map(|m| m.id.clone()) else {
        return refuse(state, say(SvNotice::NoMember), fx);
    };
    if !matches!(state.screen, Screen::Pay { .. }) || state.sale.top_up.is_some() {
        return refuse(state, say(SvNotice::NoMember), fx);
    }
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    let remaining = state.sale.remaining();
    let amount = match parse_amount(&asked(state, input), remaining) {
        Ok(a) => a,
        Err(n) => return refuse(state, n, fx),
    };
    if let Err(why) = check_spend(
        SpendRoom { balance: Fen(i64::MAX), spent_today: Fen::ZERO, daily_limit: Fen::ZERO, remaining },
        amount,
    ) {
        return refuse(state, say(SvNotice::Refused(why)), fx);
    }
    let config = state.stored_value.config.clone();
    let present = is_present(state, &member);
    let typing = match (config.require_pin, config.require) {
        (false, _) => false,
        (true, Require::Pin) => true,
        (true, Require::Code) if present => false,
        (true, Require::Code) => return refuse(state, say(SvNotice::ScanCode), fx),
        (true, Require::Either) => !present,
    };
    state.stored_value.ticket = state.stored_value.ticket.wrapping_add(1);
    let ticket = state.stored_value.ticket;
    state.input.clear();
    state.stored_value.asking = Some(Asking { ticket, member, amount, pin: Pin::default(), typing });
    if !typing {
        send_check(state, fx);
    }
}

fn send_check(state: &mut State, fx: &mut Vec<Effect>) {
    let since = midnight(state.now, state.settings.utc_offset_minutes);
    let Some(a) = state.stored_value.asking.as_mut() else { return };
    a.typing = false;
    // A PIN only when the customer typed one: no PIN asked for, or the member shown present by
    // their dynamic code.
    let pin = (!a.pin.0.is_empty()).then(|| std::mem::take(&mut a.pin));
    fx.push(Effect::StoredValue(SvEffect::Check { ticket: a.ticket, member: a.member.clone(), pin, since }));
}

/// Keys while the customer types their PIN: digits, Backspace, Enter to check, Esc to give up.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    if state.stored_value.new_pin.is_some() {
        return super::sv_pin::on_key(state, key, fx);
    }
    let Some(a) = state.stored_value.asking.as_mut().filter(|a| a.typing) else { return };
    match key {
        Key::Char(c) if c.is_ascii_digit() && a.pin.0.len() < PIN_MAX => a.pin.0.push(c),
        Key::Backspace => {
            a.pin.0.pop();
        }
        Key::Enter if !a.pin.0.is_empty() => send_check(state, fx),
        Key::Esc => state.stored_value.asking = None,
        _ => {}
    }
}

/// The app's answer: the part is taken (and the sale completed when it is covered) or refused.
pub(super) fn on_msg(state: &mut State, msg: SvMsg, fx: &mut Vec<Effect>) {
    let (ticket, result) = match msg {
        SvMsg::Checked { ticket, result } => (ticket, result),
        SvMsg::CodeChecked { ticket, member, result } => return code_checked(state, ticket, member, result, fx),
        SvMsg::HasPin { ticket, set } => return super::sv_pin::has_pin(state, ticket, set),
        SvMsg::PinSet { ticket, result } => return super::sv_pin::pin_set(state, ticket, result, fx),
    };
    let Some(a) = state.stored_value.asking.take_if(|a| a.ticket == ticket && !a.typing) else { return };
    let (balance, spent_today) = match result {
        Ok(found) => found,
        Err(CheckFailed::WrongPin) => return refuse(state, say(SvNotice::WrongPin), fx),
        Err(CheckFailed::NoPin) => return refuse(state, say(SvNotice::NoPin), fx),
        Err(CheckFailed::Store(reason)) => {
            return refuse(state, Notice::Member(super::members::MemberNotice::Failed { reason }), fx);
        }
    };
    let on_sale = state.sale.member.as_ref().is_some_and(|m| m.id == a.member);
    if !on_sale || !matches!(state.screen, Screen::Pay { .. }) || state.sale.open_attempt().is_some() {
        return;
    }
    let room = SpendRoom {
        balance,
        spent_today,
        daily_limit: state.stored_value.config.offline_daily_limit,
        remaining: state.sale.remaining(),
    };
    if let Err(why) = check_spend(room, a.amount) {
        return refuse(state, say(SvNotice::Refused(why)), fx);
    }
    if !super::pay::numbers_left(state) {
        return refuse(state, Notice::NumbersExhausted, fx);
    }
    state.sale.stored_value.push(Spent { member: a.member, amount: a.amount, at: state.now });
    let left = balance - a.amount;
    if let Some(s) = state.members.standing.as_mut().filter(|s| s.order == state.sale.id) {
        s.balance = left;
    }
    if state.sale.remaining() > Fen::ZERO {
        state.notice = Some(say(SvNotice::Spent { amount: a.amount, balance: left }));
        fx.push(state.save(&state.sale));
        fx.push(Effect::Beep(Beep::Success));
        return;
    }
    let id = state.sale.id;
    super::tender::complete(state, id, Fen::ZERO, fx);
}

/// Ring up a top-up of `input` for the member on the (empty) sale, then take its payment.
pub(super) fn top_up(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    if state.screen != Screen::Sale || !state.sale.lines.is_empty() || state.sale.has_paid_parts() {
        return refuse(state, say(SvNotice::TopUpNeedsEmptySale), fx);
    }
    let Some(tag) = state.sale.member.clone() else {
        return refuse(state, say(SvNotice::NoMember), fx);
    };
    let paid = match parse_amount(&asked(state, input), Fen::ZERO) {
        Ok(a) if a <= Fen::ZERO => return refuse(state, Notice::ZeroAmount, fx),
        Ok(a) if a > super::money::MAX_TOTAL => return refuse(state, Notice::AmountTooLarge, fx),
        Ok(a) => a,
        Err(n) => return refuse(state, n, fx),
    };
    let bonus = bonus_for(&state.stored_value.config.bonus, paid);
    let balance = super::members::standing(state).and_then(|s| s.balance.checked_add(paid)?.checked_add(bonus));
    state.sale.top_up = Some(TopUp { member: tag.id.clone(), phone: tag.phone.clone(), paid, bonus, balance });
    state.sale.lines.push(Line { barcode: String::new(), name: TOP_UP_LINE.into(), unit_price: paid, qty: 1 });
    state.input.clear();
    state.screen = Screen::Pay { cash_entry: false };
    state.notice = Some(say(SvNotice::TopUp { paid, bonus }));
    fx.push(state.save(&state.sale));
    super::sv_pin::ask(state, tag.id.clone(), fx);
}

/// The sale on screen is a top-up: it takes no goods, no other quantity and no discount.
pub(super) fn is_top_up(state: &State) -> bool {
    state.sale.top_up.is_some()
}

pub(super) fn refuse_goods(state: &mut State, fx: &mut Vec<Effect>) {
    refuse(state, say(SvNotice::TopUpNeedsEmptySale), fx);
}

/// The top-up's line as the order keeps it (the receipt prints the top-up in the till's language).
pub const TOP_UP_LINE: &str = "储值充值 Top-up";

/// The balance after the top-up on screen, as last looked up for its sale (for the slip).
pub fn balance_after_top_up(state: &State) -> Option<Fen> {
    state.sale.top_up.as_ref()?.balance
}

/// Give `input` (empty: all that is left) of the stored value the order on the lookup screen spent
/// back to the member's balance, and with nothing typed its redeemed points too: final at once,
/// saved with its ledger entry, a slip printed. Above `cashier_refund_limit` a supervisor approves
/// it first (`approval::Approval::GiveBack`).
pub(super) fn give_back(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    let Some(order) = state.lookup.as_ref().and_then(|v| v.order.clone()) else {
        return refuse(state, Notice::NothingToRefund, fx);
    };
    let order = state.background.iter().find(|b| b.id == order.id).cloned().unwrap_or(order);
    let left = refundable(&order);
    let points_left = super::points_tender::points_left(&order);
    if order.status != OrderStatus::Paid || (left.is_zero() && points_left == 0) {
        return refuse(state, say(SvNotice::NothingToGiveBack { left }), fx);
    }
    let typed = asked(state, input);
    // The amount typed is stored value's; with nothing typed, all the member paid with goes back.
    let amount = match parse_amount(&typed, left) {
        Ok(a) if a.is_zero() && !typed.is_empty() => return refuse(state, Notice::ZeroAmount, fx),
        Ok(a) if a > left => return refuse(state, say(SvNotice::NothingToGiveBack { left }), fx),
        Ok(a) => a,
        Err(n) => return refuse(state, n, fx),
    };
    let approval = super::approval::Approval::GiveBack { order_id: order.id, amount, points: typed.is_empty() };
    if amount > state.stored_value.config.cashier_refund_limit {
        state.input.clear();
        return super::approval::ask_supervisor(state, approval, fx);
    }
    give_back_now(state, order.id, amount, typed.is_empty(), fx);
}

/// Give `amount` of stored value (and, with `points`, the redeemed points) of the order on the
/// lookup screen back, checked again (a supervisor's approval comes back later).
pub(super) fn give_back_now(
    state: &mut State,
    order_id: super::order::OrderId,
    amount: Fen,
    points: bool,
    fx: &mut Vec<Effect>,
) {
    let Some(order) = state.lookup.as_ref().and_then(|v| v.order.clone()).filter(|o| o.id == order_id) else {
        return refuse(state, Notice::NothingToRefund, fx);
    };
    let mut order = state.background.iter().find(|b| b.id == order.id).cloned().unwrap_or(order);
    let left = refundable(&order);
    if amount > left {
        return refuse(state, say(SvNotice::NothingToGiveBack { left }), fx);
    }
    let Some(number) = super::pay::next_number(state) else {
        return refuse(state, Notice::NumbersExhausted, fx);
    };
    let operator = state.operator().to_string();
    if amount > Fen::ZERO {
        order.value_back.push(GivenBack { number: number.clone(), amount, at: state.now, operator: operator.clone() });
        state.notice = Some(say(SvNotice::GivenBack { amount }));
    }
    let given = if points { super::points_tender::give_back(&mut order, &number, state.now, &operator) } else { 0 };
    if amount.is_zero() && given == 0 {
        return refuse(state, say(SvNotice::NothingToGiveBack { left }), fx);
    }
    if amount.is_zero() {
        state.notice = Some(Notice::Points(super::points_tender::PointsNotice::GivenBack { points: given }));
    }
    fx.push(state.save(&order));
    fx.push(Effect::PrintRefund { order: order.clone(), out_refund_no: number });
    fx.push(Effect::Beep(Beep::Success));
    state.input.clear();
    super::refund::keep(state, order);
}

/// Whether `member` was shown present by their dynamic code for the sale on screen.
fn is_present(state: &State, member: &str) -> bool {
    state.stored_value.present.as_ref().is_some_and(|p| p.order == state.sale.id && p.member == member)
}

/// A dynamic member code scanned on the sale or tender screen: checked by the app (offline, once);
/// with no member on the sale, the code's member is looked up for it too.
pub(super) fn code_scanned(state: &mut State, text: &str, fx: &mut Vec<Effect>) {
    use super::member_code::{CodeRefused, parse};
    let Some(code) = parse(text) else {
        return refuse(state, say(SvNotice::Code(CodeRefused::Garbled)), fx);
    };
    match state.sale.member.as_ref() {
        Some(m) if m.id != code.member => return refuse(state, say(SvNotice::Code(CodeRefused::OtherMember)), fx),
        Some(_) => {}
        None => super::members::find(state, super::members::MemberQuery::Id(code.member.clone()), fx),
    }
    state.stored_value.code_ticket = state.stored_value.code_ticket.wrapping_add(1);
    let ticket = state.stored_value.code_ticket;
    fx.push(Effect::StoredValue(SvEffect::VerifyCode { ticket, code, at: state.now }));
}

fn code_checked(
    state: &mut State,
    ticket: u32,
    member: String,
    result: Result<(), super::member_code::CodeRefused>,
    fx: &mut Vec<Effect>,
) {
    if ticket != state.stored_value.code_ticket {
        return;
    }
    match result {
        Ok(()) => {
            state.stored_value.present = Some(Present { order: state.sale.id, member });
            if state.notice.as_ref().is_none_or(|n| !matches!(n, Notice::Member(_))) {
                state.notice = Some(say(SvNotice::MemberPresent));
            }
            fx.push(Effect::Beep(Beep::Success));
        }
        Err(why) => refuse(state, say(SvNotice::Code(why)), fx),
    }
}

/// Why a spend would be refused now, from what the till knows (for the tender screen's hint).
pub fn refusal_now(state: &State, amount: Fen) -> Option<Refusal> {
    let s = super::members::standing(state)?;
    let room = SpendRoom {
        balance: s.balance,
        spent_today: Fen::ZERO,
        daily_limit: Fen::ZERO,
        remaining: state.sale.remaining(),
    };
    check_spend(room, amount).err()
}
