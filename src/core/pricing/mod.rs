//! The pricing engine: a cart, the shop's promotions and the cashier's discounts in, every line's
//! net and every discount's amount out. Pure, integer fen, checked arithmetic, no floats.
//!
//! # How a cart is priced (the combining rule)
//!
//! 1. **Item level first.** Lines are grouped by item (barcode and unit price); a line the cashier
//!    discounted is a group of its own. Each group takes **at most one** item-level promotion
//!    (特价, 折扣, 第N件X折, 一口价, 赠送): of those valid now whose scope takes the item, the one
//!    giving the most off; on a tie, the lowest id. So every unit carries at most one promotion
//!    and it is the best for the customer; multi-buys (第N件, 一口价) count units of the same item.
//!    A 赠送 counts the scope's lines before discounts, the gift's own lines left out.
//! 2. **The cashier's line discounts** then apply to the line's net: a percentage of it, an amount
//!    (at most the net), or a new unit price. A new price replaces promotions: such a line takes none.
//! 3. **Order level.** Of the 满减 promotions valid now, the one giving the most off applies (one per
//!    order): its highest tier that the net of its scope's lines reaches.
//! 4. **The cashier's order discount** last, on what is left: a percentage, an amount, or a new total.
//!
//! Percentages round half up to the fen, per line for line discounts, on the total for an order
//! percentage. An amount that covers several lines (a multi-buy, a 满减, an order discount) is spread
//! over them by largest remainder in proportion to their net before it ([`arith::spread`]), so
//! every line's net is known and the lines' nets add up to the total. Groups are keyed by content,
//! never by scanning order, so the same cart prices the same however it was scanned.
//!
//! Every promotion or discount that takes something off is one [`Applied`] entry, with its name
//! and amount, for the screen and the receipt; each line lists its shares of them.

pub mod arith;
pub mod limits;
pub mod promo;
pub mod record;

use super::money::Fen;
use arith::{Bp, percent_of, spread};
use promo::{Book, Kind, When};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One line of the cart as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    pub barcode: String,
    /// The catalogue's category, or empty.
    pub category: String,
    pub unit_price: Fen,
    pub qty: u32,
    /// The cashier's discount on this line.
    pub manual: Option<Manual>,
}

/// A discount the cashier gives, with the reason chosen for it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Manual {
    pub change: Change,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Change {
    /// This share of the net off (1,000 bp = 10 %).
    PercentOff(Bp),
    /// This much off (at most the net).
    AmountOff(Fen),
    /// A new unit price for a line; a new total for the order (never above what it replaces).
    NewPrice(Fen),
}

/// What took an amount off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    Promotion {
        id: String,
        name: String,
    },
    /// The cashier's discount on line `line` (its index in the cart).
    Line {
        line: usize,
        reason: String,
    },
    Order {
        reason: String,
    },
}

/// One promotion or discount that applied, and how much it took off in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub source: Source,
    pub amount: Fen,
}

/// A line priced: before discounts, its share of each [`Applied`] (by index), and what is paid for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub gross: Fen,
    pub parts: Vec<(usize, Fen)>,
    pub net: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priced {
    /// In the cart's order.
    pub lines: Vec<PricedLine>,
    /// Item-level promotions (by id), the cashier's line discounts (by line), the 满减, the order discount.
    pub applied: Vec<Applied>,
    /// Before any discount.
    pub gross: Fen,
    pub total: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    /// A line or the cart is too large to add up (the sale refuses such entries before).
    #[error("amount too large")]
    TooLarge,
}

/// Prices `lines` at `when` with the promotions in `book` and the cashier's `order` discount, for
/// a sale without a member (member promotions left out).
pub fn price(book: &Book, when: When, lines: &[CartLine], order: Option<&Manual>) -> Result<Priced, PricingError> {
    price_for(book, when, None, lines, order)
}

/// [`price`] for a sale whose member has level `member` (`Some("")`: a member without a level):
/// the promotions for members (`Window::member`) join the others, under the same combining rule.
pub fn price_for(
    book: &Book,
    when: When,
    member: Option<&str>,
    lines: &[CartLine],
    order: Option<&Manual>,
) -> Result<Priced, PricingError> {
    let mut cart = Cart::new(lines)?;
    let active: Vec<bool> = book.promotions().iter().map(|p| p.window.holds(when) && p.window.admits(member)).collect();
    let mut scoped: Vec<Vec<usize>> = Vec::with_capacity(lines.len());
    for l in lines {
        let mut v = Vec::new();
        book.scoped(&l.barcode, &l.category, &mut v);
        v.retain(|&p| active[p]);
        scoped.push(v);
    }
    item_level(book, &active, &scoped, lines, &mut cart)?;
    for (i, l) in lines.iter().enumerate() {
        let Some(m) = &l.manual else { continue };
        let net = cart.net(i);
        let off = match m.change {
            Change::PercentOff(bp) => percent_of(net, bp).ok_or(PricingError::TooLarge)?,
            Change::AmountOff(a) => a.max(Fen::ZERO).min(net),
            Change::NewPrice(p) => {
                let below = l.unit_price.0.saturating_sub(p.0).max(0);
                Fen(below.checked_mul(i64::from(l.qty)).ok_or(PricingError::TooLarge)?).min(net)
            }
        };
        cart.take(Source::Line { line: i, reason: m.reason.clone() }, &[(i, off)]);
    }
    threshold(book, &scoped, &mut cart)?;
    if let Some(m) = order {
        let t = cart.total();
        let off = match m.change {
            Change::PercentOff(bp) => percent_of(t, bp).ok_or(PricingError::TooLarge)?,
            Change::AmountOff(a) => a.max(Fen::ZERO).min(t),
            Change::NewPrice(p) => Fen(t.0.saturating_sub(p.0).max(0)),
        };
        let all: Vec<usize> = (0..lines.len()).collect();
        cart.spread(Source::Order { reason: m.reason.clone() }, off, &all)?;
    }
    Ok(cart.finish())
}

/// The cart while it is priced: each line's gross and the shares taken so far.
struct Cart {
    lines: Vec<PricedLine>,
    applied: Vec<Applied>,
}

impl Cart {
    fn new(lines: &[CartLine]) -> Result<Cart, PricingError> {
        let mut sum = Fen::ZERO;
        let mut priced = Vec::with_capacity(lines.len());
        for l in lines {
            let gross = l.unit_price.checked_mul(l.qty).filter(|g| g.0 >= 0).ok_or(PricingError::TooLarge)?;
            sum = sum.checked_add(gross).ok_or(PricingError::TooLarge)?;
            priced.push(PricedLine { gross, parts: Vec::new(), net: gross });
        }
        Ok(Cart { lines: priced, applied: Vec::new() })
    }

    fn net(&self, i: usize) -> Fen {
        self.lines[i].net
    }

    fn total(&self) -> Fen {
        Fen(self.lines.iter().map(|l| l.net.0).sum())
    }

    /// Records `source` taking `shares` (each at most the line's net); nothing if they are all zero.
    fn take(&mut self, source: Source, shares: &[(usize, Fen)]) {
        let amount = Fen(shares.iter().map(|(_, s)| s.0).sum());
        if amount.is_zero() {
            return;
        }
        let k = self.applied.len();
        for &(i, s) in shares.iter().filter(|(_, s)| !s.is_zero()) {
            let line = &mut self.lines[i];
            line.net = Fen(line.net.0 - s.0);
            line.parts.push((k, s));
        }
        self.applied.push(Applied { source, amount });
    }

    /// Takes `amount` off `lines`, spread by their nets.
    fn spread(&mut self, source: Source, amount: Fen, lines: &[usize]) -> Result<(), PricingError> {
        let nets: Vec<Fen> = lines.iter().map(|&i| self.net(i)).collect();
        let shares = spread(amount, &nets).ok_or(PricingError::TooLarge)?;
        let shares: Vec<(usize, Fen)> = lines.iter().copied().zip(shares).collect();
        self.take(source, &shares);
        Ok(())
    }

    fn finish(self) -> Priced {
        let gross = Fen(self.lines.iter().map(|l| l.gross.0).sum());
        let total = self.total();
        Priced { lines: self.lines, applied: self.applied, gross, total }
    }
}

/// Step 1: each group of lines takes its best item-level promotion.
fn item_level(
    book: &Book,
    active: &[bool],
    scoped: &[Vec<usize>],
    lines: &[CartLine],
    cart: &mut Cart,
) -> Result<(), PricingError> {
    // A 赠送's condition: its scope's gross, the gift's own lines left out.
    let mut spent = vec![0i64; book.promotions().len()];
    for (i, l) in lines.iter().enumerate() {
        for &p in &scoped[i] {
            if let Kind::Gift { item, .. } = &book.get(p).kind
                && *item != l.barcode
            {
                spent[p] = spent[p].checked_add(cart.lines[i].gross.0).ok_or(PricingError::TooLarge)?;
            }
        }
    }
    let mut groups: BTreeMap<(&str, Fen, Option<usize>), Vec<usize>> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        match &l.manual {
            Some(Manual { change: Change::NewPrice(_), .. }) => {}
            Some(_) => groups.entry((&l.barcode, l.unit_price, Some(i))).or_default().push(i),
            None => groups.entry((&l.barcode, l.unit_price, None)).or_default().push(i),
        }
    }
    let mut taken: BTreeMap<usize, Vec<(usize, Fen)>> = BTreeMap::new();
    for ((barcode, unit, _), members) in groups {
        let qty: u64 = members.iter().map(|&i| u64::from(lines[i].qty)).sum();
        let gross: Vec<Fen> = members.iter().map(|&i| cart.lines[i].gross).collect();
        let gifts = book.gifts_of(barcode).iter().copied().filter(|&p| active[p]);
        let candidates = scoped[members[0]].iter().copied().filter(|&p| !matches!(book.get(p).kind, Kind::Gift { .. }));
        let mut best: Option<(Fen, usize)> = None;
        for p in candidates.chain(gifts) {
            let off = group_off(&book.get(p).kind, unit, qty, &members, lines, &spent[p])?;
            if off.0 > 0 && best.is_none_or(|(b, bp)| off > b || (off == b && p < bp)) {
                best = Some((off, p));
            }
        }
        let Some((off, p)) = best else { continue };
        let shares = match book.get(p).kind {
            Kind::Special { price } => {
                members.iter().map(|&i| Fen((unit.0 - price.0) * i64::from(lines[i].qty))).collect()
            }
            Kind::PercentOff { off } => {
                gross.iter().map(|&g| percent_of(g, off).ok_or(PricingError::TooLarge)).collect::<Result<_, _>>()?
            }
            _ => spread(off, &gross).ok_or(PricingError::TooLarge)?,
        };
        taken.entry(p).or_default().extend(members.iter().copied().zip(shares));
    }
    for (p, shares) in taken {
        let promo = book.get(p);
        cart.take(Source::Promotion { id: promo.id.clone(), name: promo.name.clone() }, &shares);
    }
    Ok(())
}

/// What promotion `kind` takes off a group of `qty` units at `unit` each.
fn group_off(
    kind: &Kind,
    unit: Fen,
    qty: u64,
    members: &[usize],
    lines: &[CartLine],
    spent: &i64,
) -> Result<Fen, PricingError> {
    let big = |x: Option<i64>| x.map(Fen).ok_or(PricingError::TooLarge);
    let bundles = |n: u32| i64::try_from(qty / u64::from(n)).map_err(|_| PricingError::TooLarge);
    match kind {
        Kind::Special { price } if *price < unit => {
            big(i64::try_from(qty).ok().and_then(|q| (unit.0 - price.0).checked_mul(q)))
        }
        Kind::Special { .. } => Ok(Fen::ZERO),
        Kind::PercentOff { off } => {
            let mut sum = 0i64;
            for &i in members {
                let g = lines[i].unit_price.checked_mul(lines[i].qty).ok_or(PricingError::TooLarge)?;
                sum = sum
                    .checked_add(percent_of(g, *off).ok_or(PricingError::TooLarge)?.0)
                    .ok_or(PricingError::TooLarge)?;
            }
            Ok(Fen(sum))
        }
        Kind::NthAt { n, pay } => {
            let one = unit.0 - percent_of(unit, *pay).ok_or(PricingError::TooLarge)?.0;
            big(one.checked_mul(bundles(*n)?))
        }
        Kind::Bundle { n, price } => {
            let one = unit.checked_mul(*n).ok_or(PricingError::TooLarge)?.0 - price.0;
            if one <= 0 { Ok(Fen::ZERO) } else { big(one.checked_mul(bundles(*n)?)) }
        }
        Kind::Gift { spend, qty: free, .. } if *spent >= spend.0 => {
            big(i64::try_from(qty.min(u64::from(*free))).ok().and_then(|q| unit.0.checked_mul(q)))
        }
        Kind::Gift { .. } | Kind::Threshold { .. } => Ok(Fen::ZERO),
    }
}

/// Step 3: the best 满减 valid now, spread over its scope's lines.
fn threshold(book: &Book, scoped: &[Vec<usize>], cart: &mut Cart) -> Result<(), PricingError> {
    let mut reach: BTreeMap<usize, (i64, Vec<usize>)> = BTreeMap::new();
    for (i, ps) in scoped.iter().enumerate() {
        for &p in ps {
            if let Kind::Threshold { .. } = book.get(p).kind {
                let e = reach.entry(p).or_default();
                e.0 = e.0.checked_add(cart.net(i).0).ok_or(PricingError::TooLarge)?;
                e.1.push(i);
            }
        }
    }
    let mut best: Option<(Fen, usize)> = None;
    for (&p, (net, _)) in &reach {
        let Kind::Threshold { tiers } = &book.get(p).kind else { continue };
        let off = tiers.iter().rev().find(|(at, _)| at.0 <= *net).map_or(Fen::ZERO, |(_, off)| Fen(off.0.min(*net)));
        if off.0 > 0 && best.is_none_or(|(b, _)| off > b) {
            best = Some((off, p));
        }
    }
    if let Some((off, p)) = best {
        let promo = book.get(p);
        let lines = &reach[&p].1;
        cart.spread(Source::Promotion { id: promo.id.clone(), name: promo.name.clone() }, off, lines)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
