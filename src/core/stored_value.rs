//! Stored value (储值): money a member paid in advance, kept by the till as an append-only ledger
//! per member. Every top-up, bonus, spend and refund to the balance is an [`Entry`] that is never
//! changed; the balance is their sum.
//!
//! Rules:
//! * entries are derived from the order that causes them ([`entries`]), so they are written in the
//!   order's own durable save (`store/redb_stored_value.rs`), each once by its key, and reach the
//!   back office through the outbox one record per entry (kind `stored_value`);
//! * a top-up is an order (it has a number that is never reused and is paid by cash or payment
//!   code through the sale's own payment path); its bonus is the highest tier of
//!   `[stored_value] bonus` the amount paid reaches (充200送50);
//! * a balance never goes below zero: amounts are integer fen with checked arithmetic, and a spend
//!   above the balance (less what this sale already spent) is refused before anything is saved;
//! * a till may spend at most `offline_daily_limit` per member per day (0: no limit). With one
//!   till this is the till's own rule; with a back office it becomes the limit a till offline may
//!   spend before the back office, the ledger's authority, confirms;
//! * a refund of a sale paid partly by stored value gives that part back to the balance, never
//!   more than was spent.

use super::clock::Millis;
use super::money::Fen;
use super::order::{Order, OrderId, OrderStatus};
use serde::{Deserialize, Serialize};

/// One tier of a bonus rule: pay at least `pay`, get `bonus` on top (充200送50: 20000 → 5000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BonusTier {
    pub pay: Fen,
    pub bonus: Fen,
}

/// `[stored_value]` in `till.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredValueConfig {
    /// Bonus tiers; the highest one the amount paid reaches applies.
    #[serde(default)]
    pub bonus: Vec<BonusTier>,
    /// Spending needs the member present (false: nothing asked).
    #[serde(default = "yes")]
    pub require_pin: bool,
    /// How the member shows they are present: `pin` (typed by the customer), `code` (their
    /// dynamic member code scanned) or `either`.
    #[serde(default)]
    pub require: super::member_code::Require,
    /// The most a member may spend from their balance at this till per day, in fen (0: no limit).
    #[serde(default)]
    pub offline_daily_limit: Fen,
    /// The most a cashier gives back to a member's balance without a supervisor, in fen.
    #[serde(default = "default_cashier_refund_limit")]
    pub cashier_refund_limit: Fen,
}

fn default_cashier_refund_limit() -> Fen {
    Fen(10_000)
}

fn yes() -> bool {
    true
}

impl Default for StoredValueConfig {
    fn default() -> StoredValueConfig {
        StoredValueConfig {
            bonus: Vec::new(),
            require_pin: true,
            require: Default::default(),
            offline_daily_limit: Fen::ZERO,
            cashier_refund_limit: default_cashier_refund_limit(),
        }
    }
}

impl StoredValueConfig {
    /// Why the configuration cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.offline_daily_limit < Fen::ZERO {
            return Some("offline_daily_limit must not be negative".into());
        }
        self.bonus
            .iter()
            .find(|t| t.pay <= Fen::ZERO || t.bonus < Fen::ZERO)
            .map(|t| format!("a bonus tier needs pay > 0 and bonus >= 0 (pay = {}, bonus = {})", t.pay.0, t.bonus.0))
    }
}

/// The bonus a top-up of `paid` earns: the highest tier reached, none below the lowest.
pub fn bonus_for(tiers: &[BonusTier], paid: Fen) -> Fen {
    tiers.iter().filter(|t| t.pay <= paid).max_by_key(|t| t.pay).map_or(Fen::ZERO, |t| t.bonus)
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Money paid in (cash or payment code).
    TopUp,
    /// Given by the shop with a top-up (a bonus tier).
    Bonus,
    /// Spent as a tender.
    Spend,
    /// Given back to the balance by a refund of a sale paid by stored value.
    Refund,
}

/// One ledger entry. `amount` is positive; [`Entry::delta`] says which way it moves the balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Unique per member and kind of move: `topup:<order id>`, `bonus:<order id>`,
    /// `spend:<order id>:<n>`, `refund:<order id>:<refund number>`.
    pub key: String,
    pub member: String,
    pub kind: EntryKind,
    pub amount: Fen,
    pub order: OrderId,
    pub at: Millis,
}

impl Entry {
    /// The signed change of the balance.
    pub fn delta(&self) -> Fen {
        match self.kind {
            EntryKind::TopUp | EntryKind::Bonus | EntryKind::Refund => self.amount,
            EntryKind::Spend => Fen(-self.amount.0),
        }
    }
}

/// A balance after `entry`, or `None` if it would go below zero or overflow.
pub fn apply(balance: Fen, entry: &Entry) -> Option<Fen> {
    balance.0.checked_add(entry.delta().0).filter(|b| *b >= 0).map(Fen)
}

/// The balance the entries add up to, or `None` if it would go below zero at any point.
pub fn balance_of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Option<Fen> {
    entries.into_iter().try_fold(Fen::ZERO, apply)
}

/// A part of a sale paid from a member's balance (kept in the order as it is taken).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spent {
    pub member: String,
    pub amount: Fen,
    pub at: Millis,
}

/// Stored value given back by a refund (final when recorded: nothing to ask a platform).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenBack {
    /// The refund's own number (never reused).
    pub number: String,
    pub amount: Fen,
    pub at: Millis,
    pub operator: String,
}

/// A top-up order: `paid` into `member`'s balance, with `bonus` on top once it is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopUp {
    pub member: String,
    /// The member's phone, masked, for the slip.
    #[serde(default)]
    pub phone: String,
    pub paid: Fen,
    pub bonus: Fen,
    /// The balance after it, from the balance looked up when the member was attached (the slip's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Fen>,
}

/// The ledger entries `order` makes: its spends as they are taken, a paid top-up and its bonus,
/// and what its refunds gave back. None for a training order.
pub fn entries(order: &Order) -> Vec<Entry> {
    if order.training {
        return Vec::new();
    }
    let entry = |key: String, member: &str, kind, amount, at| Entry {
        key,
        member: member.to_string(),
        kind,
        amount,
        order: order.id,
        at,
    };
    let mut out = Vec::new();
    for (n, s) in order.stored_value.iter().enumerate() {
        out.push(entry(format!("spend:{}:{n}", order.id), &s.member, EntryKind::Spend, s.amount, s.at));
    }
    if let Some(member) = order.stored_value.first().map(|s| s.member.clone()) {
        for g in &order.value_back {
            out.push(entry(format!("refund:{}:{}", order.id, g.number), &member, EntryKind::Refund, g.amount, g.at));
        }
    }
    if let Some(t) = &order.top_up
        && order.status == OrderStatus::Paid
    {
        let at = order.closed_at.unwrap_or(order.opened_at);
        out.push(entry(format!("topup:{}", order.id), &t.member, EntryKind::TopUp, t.paid, at));
        if t.bonus > Fen::ZERO {
            out.push(entry(format!("bonus:{}", order.id), &t.member, EntryKind::Bonus, t.bonus, at));
        }
    }
    out.retain(|e| e.amount > Fen::ZERO);
    out
}

/// What a sale spent from stored value.
pub fn spent(order: &Order) -> Fen {
    order.stored_value.iter().fold(Fen::ZERO, |sum, s| Fen(sum.0.saturating_add(s.amount.0)))
}

/// What a sale's refunds gave back to stored value.
pub fn given_back(order: &Order) -> Fen {
    order.value_back.iter().fold(Fen::ZERO, |sum, g| Fen(sum.0.saturating_add(g.amount.0)))
}

/// What may still go back to the balance: spent less given back.
pub fn refundable(order: &Order) -> Fen {
    (spent(order) - given_back(order)).max(Fen::ZERO)
}

/// Why a spend is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// More than the balance: `balance` is what is left to spend.
    Balance {
        balance: Fen,
    },
    /// More than the day's limit: `left` may still be spent today.
    DailyLimit {
        left: Fen,
    },
    /// More than the sale has left to pay.
    MoreThanDue {
        remaining: Fen,
    },
    Zero,
}

/// What a member may spend now, and the rules that bound it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendRoom {
    /// The balance as looked up, less what was spent since (this sale's parts).
    pub balance: Fen,
    /// Spent today at this till before this sale, and in it.
    pub spent_today: Fen,
    /// `offline_daily_limit` (0: none).
    pub daily_limit: Fen,
    pub remaining: Fen,
}

/// Whether `amount` may be spent: never above the balance, the day's limit or what is due.
pub fn check_spend(room: SpendRoom, amount: Fen) -> Result<(), Refusal> {
    if amount <= Fen::ZERO {
        return Err(Refusal::Zero);
    }
    if amount > room.remaining {
        return Err(Refusal::MoreThanDue { remaining: room.remaining });
    }
    if amount > room.balance {
        return Err(Refusal::Balance { balance: room.balance.max(Fen::ZERO) });
    }
    if room.daily_limit > Fen::ZERO {
        let left = (room.daily_limit - room.spent_today).max(Fen::ZERO);
        if amount > left {
            return Err(Refusal::DailyLimit { left });
        }
    }
    Ok(())
}

/// A number of ledger moves and their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Moves {
    pub n: u32,
    pub amount: Fen,
}

impl Moves {
    fn add(&mut self, amount: Fen) {
        self.n = self.n.saturating_add(1);
        self.amount = Fen(self.amount.0.saturating_add(amount.0));
    }
}

/// Stored value in a period's X and Z reports: a liability, apart from the sales. Top-ups are
/// money taken (in the drawer or a wallet) that is owed to members; spending pays for goods
/// without money taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LedgerTotals {
    pub top_up_cash: Moves,
    pub top_up_code: Moves,
    pub bonus: Moves,
    pub spent: Moves,
    pub given_back: Moves,
}

impl LedgerTotals {
    pub fn is_empty(&self) -> bool {
        *self == LedgerTotals::default()
    }

    /// What the period added to what the shop owes its members (may be negative).
    pub fn owed_change(&self) -> Fen {
        let adds = [self.top_up_cash.amount, self.top_up_code.amount, self.bonus.amount, self.given_back.amount];
        let added = adds.iter().fold(0i64, |s, a| s.saturating_add(a.0));
        Fen(added.saturating_sub(self.spent.amount.0))
    }

    /// The ledger moves of `orders` whose time `within` takes.
    pub fn of<'a>(orders: impl IntoIterator<Item = &'a Order>, within: impl Fn(Millis) -> bool) -> LedgerTotals {
        let mut t = LedgerTotals::default();
        for order in orders {
            for e in entries(order).iter().filter(|e| within(e.at)) {
                match e.kind {
                    EntryKind::TopUp if top_up_in_cash(order) => t.top_up_cash.add(e.amount),
                    EntryKind::TopUp => t.top_up_code.add(e.amount),
                    EntryKind::Bonus => t.bonus.add(e.amount),
                    EntryKind::Spend => t.spent.add(e.amount),
                    EntryKind::Refund => t.given_back.add(e.amount),
                }
            }
        }
        t
    }
}

/// A top-up paid in cash (the drawer holds it), not by payment code.
pub fn top_up_in_cash(order: &Order) -> bool {
    matches!(order.tender, Some(super::order::Tender::Cash { .. }))
}

/// What the till says about stored value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SvNotice {
    /// Stored value needs a member attached to the sale, looked up for it.
    NoMember,
    Refused(Refusal),
    /// `amount` paid from the balance; `balance` is left.
    Spent {
        amount: Fen,
        balance: Fen,
    },
    /// A top-up is on screen, to be paid: `paid` in, `bonus` on top.
    TopUp {
        paid: Fen,
        bonus: Fen,
    },
    /// A top-up is rung up on an empty sale only.
    TopUpNeedsEmptySale,
    /// `amount` went back to the member's balance.
    GivenBack {
        amount: Fen,
    },
    /// The sale has no stored value left to give back (or less than asked: `left`).
    NothingToGiveBack {
        left: Fen,
    },
    /// The PIN typed is not the member's.
    WrongPin,
    /// The member has no PIN yet (set on import or at a top-up).
    NoPin,
    /// Spending needs the member's dynamic code scanned first (`require = "code"`).
    ScanCode,
    /// The member's dynamic code was taken: they are present to spend.
    MemberPresent,
    /// A dynamic member code not taken, and why.
    Code(super::member_code::CodeRefused),
    /// A new PIN is 4 to 8 digits.
    PinTooShort,
    /// The new PIN typed again is not the first: type it anew.
    PinsDiffer,
    /// The member's new PIN is kept.
    PinSet,
    /// The member had a PIN already: it stays as it was.
    PinKept,
}

impl SvNotice {
    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            SvNotice::Spent { .. }
                | SvNotice::TopUp { .. }
                | SvNotice::GivenBack { .. }
                | SvNotice::MemberPresent
                | SvNotice::PinSet
                | SvNotice::PinKept
        )
    }
}
