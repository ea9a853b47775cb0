//! Promotions as data: what each kind gives, when it is valid, what it applies to, and the index
//! that finds a line's candidates without looking at every promotion.

use super::super::clock::Millis;
use super::super::money::Fen;
use super::arith::{Bp, WHOLE};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// A promotion the shop runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    /// The shop's own short code; promotions are compared by it when all else ties.
    pub id: String,
    /// As printed on the screen and the receipt, e.g. `满100减10`.
    pub name: String,
    pub window: Window,
    pub scope: Scope,
    pub kind: Kind,
}

/// What a promotion gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// 特价: each unit in scope sells at `price` (when that is below its price).
    Special { price: Fen },
    /// 折扣: `off` of each line in scope, rounded per line half up to the fen (8折 = 2,000 bp off).
    PercentOff { off: Bp },
    /// 第N件X折: of every `n` units of an item, the last pays `pay` of its price (第2件半价: n 2, pay 5,000).
    NthAt { n: u32, pay: Bp },
    /// 一口价: every `n` units of an item together cost `price`.
    Bundle { n: u32, price: Fen },
    /// 满减: the highest tier whose threshold the scope's net reaches takes its amount off the order.
    /// Tiers are (threshold, off), e.g. 满100减10, 满200减30.
    Threshold { tiers: Vec<(Fen, Fen)> },
    /// 赠送: once the scope's lines (other than the gift itself) come to `spend` before discounts,
    /// up to `qty` units of `item` in the cart are free.
    Gift { spend: Fen, item: String, qty: u32 },
}

impl Kind {
    /// Whether it prices units (item level) rather than the order.
    pub fn is_item_level(&self) -> bool {
        !matches!(self, Kind::Threshold { .. })
    }
}

/// Which lines a promotion applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    All,
    Items(BTreeSet<String>),
    Categories(BTreeSet<String>),
}

/// When a promotion is valid: every part that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First and last day, inclusive, as `20261207`.
    pub from: Option<u32>,
    pub until: Option<u32>,
    /// Days of the week, bit 0 Monday … bit 6 Sunday; 0 means every day.
    pub days: u8,
    /// Minutes after midnight, from inclusive to until exclusive (e.g. 17:00–19:00 is 1020–1140);
    /// a window past midnight (22:00–02:00) wraps.
    pub hours: Option<(u16, u16)>,
    /// Only for members (会员价, 会员折扣): `Some("")` any member attached to the sale,
    /// `Some(level)` a member of that level (as the member's record names it); `None` everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

/// The local day and time a cart is priced at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// `20261207`.
    pub date: u32,
    /// 0 Monday … 6 Sunday.
    pub weekday: u8,
    pub minute: u16,
}

impl When {
    pub fn at(at: Millis, utc_offset_minutes: i32) -> When {
        let t = at.local(utc_offset_minutes);
        let days = (at.unix_secs() + i64::from(utc_offset_minutes) * 60).div_euclid(86_400);
        When {
            date: (t.year.clamp(0, 9999) as u32) * 10_000 + t.month * 100 + t.day,
            // 1970-01-01 was a Thursday.
            weekday: (days + 3).rem_euclid(7) as u8,
            minute: (t.hour * 60 + t.minute) as u16,
        }
    }
}

impl Window {
    /// Whether the sale's member (their level; `None`: no member attached) may have it.
    pub fn admits(&self, member: Option<&str>) -> bool {
        match (&self.member, member) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(level), Some(theirs)) => level.is_empty() || level == theirs,
        }
    }

    pub fn holds(&self, when: When) -> bool {
        self.from.is_none_or(|d| when.date >= d)
            && self.until.is_none_or(|d| when.date <= d)
            && (self.days == 0 || self.days & (1 << when.weekday) != 0)
            && self.hours.is_none_or(|(a, b)| {
                if a <= b { (a..b).contains(&when.minute) } else { when.minute >= a || when.minute < b }
            })
    }
}

impl Promotion {
    /// Why the promotion cannot be used as written, in the words of the CSV's columns.
    pub fn check(&self) -> Result<(), String> {
        if self.id.trim().is_empty() || self.name.trim().is_empty() {
            return Err("a promotion needs an id and a name".into());
        }
        let bad = match &self.kind {
            Kind::Special { price } => (price.0 < 0).then_some("a special price cannot be negative"),
            Kind::PercentOff { off } => {
                (*off == 0 || *off > WHOLE).then_some("a percentage off is above 0 and at most 100")
            }
            Kind::NthAt { n, pay } => {
                (*n < 2 || *n > 100 || *pay >= WHOLE).then_some("第N件X折 needs N from 2 to 100 and X below 10")
            }
            Kind::Bundle { n, price } => (*n < 2 || *n > 100 || price.0 < 0).then_some("一口价 needs 2 to 100 items"),
            Kind::Threshold { tiers } => {
                let ok = !tiers.is_empty()
                    && tiers.iter().all(|(at, off)| off.0 > 0 && off <= at)
                    && tiers.windows(2).all(|w| w[0].0 < w[1].0);
                (!ok).then_some("满减 tiers go up, each taking off more than 0 and at most its threshold")
            }
            Kind::Gift { spend, item, qty } => {
                (spend.0 < 0 || item.is_empty() || *qty == 0).then_some("赠送 needs the gift's barcode and a quantity")
            }
        };
        if let Some(why) = bad { Err(why.into()) } else { Ok(()) }
    }
}

/// The promotions, indexed by item and by category, so a line finds its candidates directly.
/// Shared (`Arc`): the render loop keeps a copy of the state per batch, and a copy must not cost a
/// copy of a thousand promotions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Book(Arc<Index>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Index {
    promos: Vec<Promotion>,
    by_item: HashMap<String, Vec<usize>>,
    by_category: HashMap<String, Vec<usize>>,
    everywhere: Vec<usize>,
    gifts_of: HashMap<String, Vec<usize>>,
}

impl Book {
    /// Promotions that fail [`Promotion::check`] are left out (the import refuses them first).
    pub fn new(promos: Vec<Promotion>) -> Book {
        let mut book = Index::default();
        let mut promos: Vec<Promotion> = promos.into_iter().filter(|p| p.check().is_ok()).collect();
        promos.sort_by(|a, b| a.id.cmp(&b.id));
        for (i, p) in promos.iter().enumerate() {
            match &p.scope {
                Scope::All => book.everywhere.push(i),
                Scope::Items(items) => items.iter().for_each(|b| book.by_item.entry(b.clone()).or_default().push(i)),
                Scope::Categories(cats) => {
                    cats.iter().for_each(|c| book.by_category.entry(c.clone()).or_default().push(i))
                }
            }
            if let Kind::Gift { item, .. } = &p.kind {
                book.gifts_of.entry(item.clone()).or_default().push(i);
            }
        }
        book.promos = promos;
        Book(Arc::new(book))
    }

    pub fn promotions(&self) -> &[Promotion] {
        &self.0.promos
    }

    pub fn get(&self, i: usize) -> &Promotion {
        &self.0.promos[i]
    }

    /// The promotions whose scope takes this item (each once, in id order).
    pub fn scoped(&self, barcode: &str, category: &str, out: &mut Vec<usize>) {
        out.clear();
        out.extend(self.0.by_item.get(barcode).into_iter().flatten());
        if !category.is_empty() {
            out.extend(self.0.by_category.get(category).into_iter().flatten());
        }
        out.extend(&self.0.everywhere);
        out.sort_unstable();
        out.dedup();
    }

    /// The gift promotions that give this item away.
    pub fn gifts_of(&self, barcode: &str) -> &[usize] {
        self.0.gifts_of.get(barcode).map_or(&[], |v| v.as_slice())
    }
}
