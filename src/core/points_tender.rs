//! Points as a tender (积分抵现): a member pays part of a sale, or all of it, with their points.
//!
//! Rules (`[members]` in `till.toml`; the defaults are what Chinese tills commonly ship with):
//! * `points_per_yuan_redeemed = 100`: 100 points pay 1 yuan (0: points are not a tender). An
//!   amount is redeemed only for whole points (with 100 a point is one fen; with 150, amounts
//!   step by 2 fen): integer arithmetic, checked, never rounded in the member's favour or against;
//! * `redeem_min_points = 100`: a redemption takes at least this many points (one yuan);
//! * `redeem_max_percent = 50`: points pay at most this share of a sale's total (100: a sale, or
//!   a line on its own sale, may be paid wholly by points);
//! * never more points than the member has (as looked up when they were attached, less what this
//!   sale already redeemed), never more than is left to pay;
//! * the points move in the order's own durable save (`store/redb_members.rs`), once by their key
//!   (`redeem:<order id>:<n>`); the yuan paid by points earn no points (`core::points`);
//! * a refund gives the redeemed points back (F5 on the lookup screen gives back everything the
//!   member paid with: stored value and points; `unredeem:<order id>:<number>`), and confirmed
//!   refunds of money take back the points the money earned, never more than it earned. A member
//!   who already spent those points stops at zero: the till never makes a balance negative.

use super::clock::Millis;
use super::money::{Fen, MoneyError};
use super::notice::{Notice, refuse};
use super::order::Order;
use super::{Beep, Effect, Screen, State};
use serde::{Deserialize, Serialize};

/// A part of a sale paid with points, as it was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsUsed {
    pub member: String,
    pub points: i64,
    pub amount: Fen,
    pub at: Millis,
    /// The member's points left after it (as looked up for the sale): the receipt's balance.
    #[serde(default)]
    pub left: i64,
}

/// Redeemed points given back by a refund (final when recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsBack {
    /// The refund's own number (never reused).
    pub number: String,
    pub points: i64,
    pub at: Millis,
    pub operator: String,
}

/// The shop's redemption rules (from `[members]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedeemRules {
    pub points_per_yuan: u32,
    pub min_points: u32,
    pub max_percent: u32,
}

impl RedeemRules {
    pub fn of(config: &super::members::MembersConfig) -> RedeemRules {
        RedeemRules {
            points_per_yuan: config.points_per_yuan_redeemed,
            min_points: config.redeem_min_points,
            max_percent: config.redeem_max_percent,
        }
    }

    /// The smallest step of an amount paid by whole points, in fen.
    pub fn step(&self) -> i64 {
        let rate = i64::from(self.points_per_yuan.max(1));
        100 / gcd(100, rate)
    }

    /// The points `amount` takes, if it is a whole number of them.
    pub fn points_for(&self, amount: Fen) -> Option<i64> {
        let p = amount.0.checked_mul(i64::from(self.points_per_yuan))?;
        (p % 100 == 0).then_some(p / 100)
    }

    /// The most of `total` points may pay.
    pub fn share_cap(&self, total: Fen) -> Fen {
        Fen(total.0.max(0).checked_mul(i64::from(self.max_percent.min(100))).map_or(0, |x| x / 100))
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

/// What bounds a redemption now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    /// The member's points, less what this sale already redeemed.
    pub points: i64,
    pub total: Fen,
    /// What points already paid of this sale.
    pub used: Fen,
    pub remaining: Fen,
}

/// Why a redemption is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The shop takes no points as a tender.
    Off,
    /// More points than the member has.
    NotEnough {
        points: i64,
    },
    /// Fewer points than the least a redemption takes.
    BelowMinimum {
        min: u32,
    },
    /// Points may pay at most `most` more of this sale.
    OverShare {
        most: Fen,
    },
    MoreThanDue {
        remaining: Fen,
    },
    /// Only amounts in steps of `step` are whole points.
    NotWholePoints {
        step: Fen,
    },
    Zero,
}

/// The points `amount` takes, or why it may not be paid with points.
pub fn check(rules: RedeemRules, room: Room, amount: Fen) -> Result<i64, Refusal> {
    if rules.points_per_yuan == 0 {
        return Err(Refusal::Off);
    }
    if amount <= Fen::ZERO {
        return Err(Refusal::Zero);
    }
    if amount > room.remaining {
        return Err(Refusal::MoreThanDue { remaining: room.remaining });
    }
    let most = (rules.share_cap(room.total) - room.used).max(Fen::ZERO);
    if amount > most {
        return Err(Refusal::OverShare { most });
    }
    let points = rules.points_for(amount).ok_or(Refusal::NotWholePoints { step: Fen(rules.step()) })?;
    if points < i64::from(rules.min_points) {
        return Err(Refusal::BelowMinimum { min: rules.min_points });
    }
    if points > room.points {
        return Err(Refusal::NotEnough { points: room.points.max(0) });
    }
    Ok(points)
}

/// The most points may pay now: the remainder, the share left and the member's points, in whole points.
pub fn most(rules: RedeemRules, room: Room) -> Fen {
    if rules.points_per_yuan == 0 {
        return Fen::ZERO;
    }
    let by_points = room.points.max(0).checked_mul(100).map_or(i64::MAX, |x| x / i64::from(rules.points_per_yuan));
    let share = (rules.share_cap(room.total) - room.used).max(Fen::ZERO);
    let most = room.remaining.0.min(share.0).min(by_points).max(0);
    Fen(most - most % rules.step())
}

/// What points paid of `order`.
pub fn paid(order: &Order) -> Fen {
    order.points_used.iter().fold(Fen::ZERO, |s, p| Fen(s.0.saturating_add(p.amount.0)))
}

/// The points `order` redeemed, and those given back.
pub fn redeemed(order: &Order) -> (i64, i64) {
    let used = order.points_used.iter().fold(0i64, |s, p| s.saturating_add(p.points));
    let back = order.points_back.iter().fold(0i64, |s, p| s.saturating_add(p.points));
    (used, back)
}

/// The member's points after `order` (its last redemption's balance plus what it earned), for the
/// receipt; `None` when it redeemed none.
pub fn balance_after(order: &Order) -> Option<i64> {
    let left = order.points_used.last()?.left;
    let earned = super::points::earned(order);
    Some(left.saturating_add(earned))
}

fn room(state: &State) -> Option<Room> {
    let s = super::members::standing(state)?;
    Some(Room {
        points: s.points,
        total: state.sale.total(),
        used: paid(&state.sale),
        remaining: state.sale.remaining(),
    })
}

/// Whether F8 would pay something with points now (the tender screen's hint).
pub fn can_pay(state: &State) -> bool {
    let rules = RedeemRules::of(&state.members.config);
    state.sale.top_up.is_none()
        && room(state).is_some_and(|room| {
            let amount = most(rules, room);
            !amount.is_zero() && check(rules, room, amount).is_ok()
        })
}

/// Redeemed points of `order` not given back yet.
pub fn points_left(order: &Order) -> i64 {
    let (used, back) = redeemed(order);
    used.saturating_sub(back).max(0)
}

fn say(r: Refusal) -> Notice {
    Notice::Points(PointsNotice::Refused(r))
}

/// Pay `input` (empty: the most the rules allow) of the sale on the tender screen with points.
pub(super) fn pay(state: &mut State, input: &str, fx: &mut Vec<Effect>) {
    let member = state.sale.member.as_ref().map(|m| m.id.clone());
    let (Some(member), Some(room)) = (member, room(state)) else {
        return refuse(state, Notice::StoredValue(super::stored_value::SvNotice::NoMember), fx);
    };
    if !matches!(state.screen, Screen::Pay { .. }) || state.sale.top_up.is_some() {
        return refuse(state, Notice::StoredValue(super::stored_value::SvNotice::NoMember), fx);
    }
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    let rules = RedeemRules::of(&state.members.config);
    let typed = if input.trim().is_empty() { state.input.trim().to_string() } else { input.trim().to_string() };
    let amount = if typed.is_empty() {
        Ok(most(rules, room))
    } else {
        Fen::parse_yuan(&typed).map_err(|e| match e {
            MoneyError::TooLarge => Notice::AmountTooLarge,
            MoneyError::NotAnAmount => Notice::NotAnAmount,
        })
    };
    let amount = match amount {
        Ok(a) => a,
        Err(n) => return refuse(state, n, fx),
    };
    let points = match check(rules, room, amount) {
        Ok(p) => p,
        Err(why) => return refuse(state, say(why), fx),
    };
    if !super::pay::numbers_left(state) {
        return refuse(state, Notice::NumbersExhausted, fx);
    }
    state.input.clear();
    take(state, PointsUsed { member, points, amount, at: state.now, left: room.points - points }, fx);
}

/// A points part taken: saved with its move (the rest to pay on the tender screen), or the sale
/// completed when it covers what was left.
fn take(state: &mut State, part: PointsUsed, fx: &mut Vec<Effect>) {
    let (points, amount, left) = (part.points, part.amount, part.left);
    state.sale.points_used.push(part);
    if let Some(s) = state.members.standing.as_mut().filter(|s| s.order == state.sale.id) {
        s.points = left;
    }
    if state.sale.remaining() > Fen::ZERO {
        state.screen = Screen::Pay { cash_entry: false };
        state.notice = Some(Notice::Points(PointsNotice::Paid { points, amount, left }));
        fx.push(state.save(&state.sale));
        fx.push(Effect::Beep(Beep::Success));
        return;
    }
    let id = state.sale.id;
    super::tender::complete(state, id, Fen::ZERO, fx);
}

/// What line `line` of `order` costs after its share of the discounts.
fn line_net(order: &Order, line: usize) -> Option<Fen> {
    let amount = order.lines.get(line)?.checked_amount()?;
    let off = order.discounts.iter().flat_map(|d| &d.shares).filter(|(l, _)| *l == line).map(|(_, f)| f.0);
    Some(Fen(amount.0.checked_sub(off.fold(0i64, i64::saturating_add))?))
}

/// The selected line of the sale, redeemable for points now: its price, and the points it takes.
pub fn line_redeemable(state: &State) -> Option<(Fen, i64)> {
    let rules = RedeemRules { max_percent: 100, ..RedeemRules::of(&state.members.config) };
    let room = room(state)?;
    if state.screen != Screen::Sale || state.sale.top_up.is_some() || state.sale.open_attempt().is_some() {
        return None;
    }
    let net = line_net(&state.sale, state.selected)?;
    let points = check(rules, Room { used: Fen::ZERO, ..room }, net).ok()?;
    Some((net, points))
}

/// Redeem the selected line for points (积分兑换, `&` on the sale screen): the line is paid wholly
/// with points, whatever share of the sale that is; then the rest is paid as usual.
pub(super) fn redeem_line(state: &mut State, fx: &mut Vec<Effect>) {
    let member = state.sale.member.as_ref().map(|m| m.id.clone());
    let (Some(member), Some(room)) = (member, room(state)) else {
        return refuse(state, Notice::StoredValue(super::stored_value::SvNotice::NoMember), fx);
    };
    let Some((amount, points)) = line_redeemable(state) else {
        let rules = RedeemRules { max_percent: 100, ..RedeemRules::of(&state.members.config) };
        let net = line_net(&state.sale, state.selected).unwrap_or(Fen::ZERO);
        let why = check(rules, Room { used: Fen::ZERO, ..room }, net).err().unwrap_or(Refusal::Zero);
        return refuse(state, say(why), fx);
    };
    if !super::pay::numbers_left(state) {
        return refuse(state, Notice::NumbersExhausted, fx);
    }
    take(state, PointsUsed { member, points, amount, at: state.now, left: room.points - points }, fx);
}

/// Give back the points `order` redeemed and has not given back yet, under the refund `number`.
/// Returns the points given back (0: none were left).
pub(super) fn give_back(order: &mut Order, number: &str, at: Millis, operator: &str) -> i64 {
    let (used, back) = redeemed(order);
    let left = used.saturating_sub(back).max(0);
    if left > 0 {
        order.points_back.push(PointsBack { number: number.to_string(), points: left, at, operator: operator.into() });
    }
    left
}

/// What the till says about points as a tender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PointsNotice {
    Refused(Refusal),
    /// `points` paid `amount`; the member has `left`.
    Paid {
        points: i64,
        amount: Fen,
        left: i64,
    },
    /// `points` went back to the member.
    GivenBack {
        points: i64,
    },
}

impl PointsNotice {
    pub fn is_error(&self) -> bool {
        matches!(self, PointsNotice::Refused(_))
    }
}

/// Points in a period's X and Z reports, apart from the money: redeemed (and what they paid),
/// given back by refunds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PointsTotals {
    pub redeemed_n: u32,
    pub redeemed: i64,
    pub redeemed_amount: Fen,
    pub given_back_n: u32,
    pub given_back: i64,
}

impl PointsTotals {
    pub fn is_empty(&self) -> bool {
        *self == PointsTotals::default()
    }

    /// The redemptions and give-backs of `orders` whose time `within` takes.
    pub fn of<'a>(orders: impl IntoIterator<Item = &'a Order>, within: impl Fn(Millis) -> bool) -> PointsTotals {
        let mut t = PointsTotals::default();
        for order in orders.into_iter().filter(|o| !o.training) {
            for p in order.points_used.iter().filter(|p| within(p.at)) {
                t.redeemed_n = t.redeemed_n.saturating_add(1);
                t.redeemed = t.redeemed.saturating_add(p.points);
                t.redeemed_amount = Fen(t.redeemed_amount.0.saturating_add(p.amount.0));
            }
            for b in order.points_back.iter().filter(|b| within(b.at)) {
                t.given_back_n = t.given_back_n.saturating_add(1);
                t.given_back = t.given_back.saturating_add(b.points);
            }
        }
        t
    }
}
