//! Pricing: a 100-line cart priced against 1,000 active promotions by the till's own engine
//! (`core::pricing::price`), next to the same cart priced with no promotions in the same run.

use crate::Ctx;
use crate::shop::barcode;
use crate::table::{Row, Samples, ms};
use std::hint::black_box;
use std::time::{Duration, Instant};
use till::core::money::Fen;
use till::core::pricing::promo::{Book, Kind, Promotion, Scope, When, Window};
use till::core::pricing::{CartLine, Change, Manual, price};

pub const FIGURE: &str = "pricing: a 100-line cart against 1,000 active promotions";
pub const BUDGET: &str = "median ≤ 1 ms";

fn category(i: usize) -> String {
    format!("c{}", i % 10)
}

/// 1,000 promotions, all valid now: 600 特价 and 100 第2件半价 on single items (half of them on items in the
/// cart), 200 折扣 on categories, 50 一口价, 40 store-wide 满减 with two tiers, 10 赠送.
pub fn promotions() -> Vec<Promotion> {
    let item = |i: usize| Scope::Items([barcode(i % 200)].into_iter().collect());
    let window = Window { from: Some(20260101), until: Some(20271231), days: 0, hours: Some((0, 1440)), member: None };
    (0..1000)
        .map(|i| {
            let (scope, kind) = match i {
                0..600 => (item(i), Kind::Special { price: Fen(50 + (i as i64 % 50)) }),
                600..700 => (item(i), Kind::NthAt { n: 2, pay: 5000 }),
                700..900 => (
                    Scope::Categories([category(i)].into_iter().collect()),
                    Kind::PercentOff { off: 500 + i as u32 % 1000 },
                ),
                900..950 => (item(i), Kind::Bundle { n: 3, price: Fen(200) }),
                950..990 => (
                    Scope::All,
                    Kind::Threshold { tiers: vec![(Fen(10_000 + i as i64), Fen(1_000)), (Fen(20_000), Fen(3_000))] },
                ),
                _ => (Scope::All, Kind::Gift { spend: Fen(5_000), item: barcode(i % 100), qty: 1 }),
            };
            Promotion { id: format!("P{i:04}"), name: format!("promotion {i}"), window: window.clone(), scope, kind }
        })
        .collect()
}

/// 100 lines of different items (quantities 1 to 4), every tenth with a cashier's discount.
fn cart() -> Vec<CartLine> {
    (0..100)
        .map(|i| CartLine {
            barcode: barcode(i),
            category: category(i),
            unit_price: Fen(100 + (i as i64 * 37) % 900),
            qty: 1 + (i as u32 % 4),
            manual: (i % 10 == 0).then(|| Manual { change: Change::PercentOff(1000), reason: "damaged".into() }),
        })
        .collect()
}

pub fn run(ctx: &Ctx, _rt: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    let runs = if ctx.fast { 500 } else { 5_000 };
    let book = Book::new(promotions());
    anyhow::ensure!(book.promotions().len() == 1000, "the bench's promotions are not all valid");
    let none = Book::default();
    let cart = cart();
    let when = When { date: 20261207, weekday: 0, minute: 720 };
    let priced = price(&book, when, &cart, None)?;
    anyhow::ensure!(priced.total < priced.gross, "no promotion applied");
    let (mut with, mut floor) = (Samples::default(), Samples::default());
    for i in 0..runs + 50 {
        let t = Instant::now();
        black_box(price(black_box(&book), when, black_box(&cart), None)?);
        let a = t.elapsed();
        let t = Instant::now();
        black_box(price(black_box(&none), when, black_box(&cart), None)?);
        let b = t.elapsed();
        if i >= 50 {
            with.push(a);
            floor.push(b);
        }
    }
    let row = Row::new(
        FIGURE,
        format!("median {} (p99 {})", ms(with.median()), ms(with.p99())),
        BUDGET,
        format!("the same cart, no promotions: median {} (p99 {})", ms(floor.median()), ms(floor.p99())),
        with.median() <= Duration::from_millis(1),
    )
    .note(format!(
        "{runs} pricings, each followed by the same cart with no promotions, after 50 of each as warm-up. The \
         promotions: 600 特价 and 100 第2件半价 on single items, 200 折扣 on categories, 50 一口价, 40 store-wide 满减, \
         10 赠送, all valid; the cart: 100 different items, quantities 1–4, every tenth with a cashier's 10 % off. \
         {} promotions or discounts applied, {} of {} off.",
        priced.applied.len(),
        priced.gross.0 - priced.total.0,
        priced.gross.0
    ));
    Ok(vec![row])
}
