//! What the benchmarks sell: a catalogue of numbered products with real EAN-13 check digits,
//! payment codes, and paid orders as the till writes them.

use till::core::Counters;
use till::core::catalog::{Catalogue, Product};
use till::core::clock::Millis;
use till::core::code::{Platform, gtin_check_digit};
use till::core::money::Fen;
use till::core::order::{Attempt, AttemptState, Line, Order, OrderStatus, Tender};

/// Product `i`'s EAN-13 barcode.
pub fn barcode(i: usize) -> String {
    let stem = format!("690{:09}", 100_000 + i);
    let check = gtin_check_digit(&stem).unwrap_or(0);
    format!("{stem}{check}")
}

pub fn product_name(i: usize) -> String {
    format!("Item {i:04}")
}

/// Products 0..n, prices 1.00 to 9.99, in ten categories (`c0` … `c9`, as the pricing bench's).
pub fn catalogue(n: usize) -> Catalogue {
    Catalogue::new((0..n).map(|i| Product {
        category: format!("c{}", i % 10),
        ..Product::new(barcode(i), product_name(i), Fen(100 + (i as i64 * 37) % 900))
    }))
}

/// A WeChat payment code the simulator charges at once (its last four digits pick no fault).
pub fn wechat_code(i: usize) -> String {
    format!("1346804231{:08}", 10_000_000 + (i % 900_000) * 100 + 56)
}

/// Now, in the till's clock.
pub fn now() -> Millis {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Millis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A paid WeChat order with `lines` lines, opened `ago_min` minutes before `at`.
pub fn paid_order(id: u64, lines: usize, at: Millis, ago_min: i64) -> Order {
    let mut o = Order::new(id, Millis(at.0 - ago_min * 60_000), "01".into());
    for i in 0..lines {
        o.lines.push(Line { barcode: barcode(i), name: product_name(i), unit_price: Fen(350), qty: 1 + i as u32 % 3 });
    }
    let number = format!("01000052{:010}", id);
    let transaction_id = format!("4200000{id:021}");
    o.attempts.push(Attempt {
        out_trade_no: number.clone(),
        platform: Platform::WeChat,
        code_masked: "1346…9456".into(),
        amount: o.total(),
        started_at: o.opened_at,
        state: AttemptState::Paid { transaction_id: transaction_id.clone() },
        queries: 0,
        cancels: 0,
        cancel_unsupported: false,
        qr: None,
    });
    o.tender = Some(Tender::Code { platform: Platform::WeChat, out_trade_no: number.clone(), transaction_id });
    o.number = Some(number);
    o.status = OrderStatus::Paid;
    o.closed_at = Some(o.opened_at);
    o
}

pub fn counters(next: u64) -> Counters {
    Counters { next_order_id: next, seq_day: 0, seq: (next % 10_000) as u32 }
}
