//! How big the order store gets and how much memory it takes: `cargo run --release --example
//! store_size [ORDERS]` (default 100000) writes that many paid orders through the real `RedbStore`
//! (one transaction + flush + fsync each, as the till does) and prints a table.

use std::time::Instant;
use till::core::Counters;
use till::core::clock::Millis;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::order::{Attempt, AttemptState, Line, Order, OrderStatus, Tender};
use till::store::{RedbStore, Store};

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => dir_size(&e.path()),
                    _ => e.metadata().map_or(0, |m| m.len()),
                })
                .sum()
        })
        .unwrap_or(0)
}

fn status_kib(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn order(id: u64) -> Order {
    let mut o = Order::new(id, Millis(1_763_791_500_000 + id as i64 * 60_000), "01".into());
    for (i, (barcode, name, price)) in
        [("6900138600889", "可口可乐", 350), ("6920152400777", "康师傅红烧牛肉面", 450), ("", "", 1250)]
            .iter()
            .enumerate()
    {
        o.lines.push(Line {
            barcode: barcode.to_string(),
            name: name.to_string(),
            unit_price: Fen(*price),
            qty: 1 + i as u32,
        });
    }
    let number = format!("01000052251122{:02}{:04}", 1, id % 10_000);
    o.attempts.push(Attempt {
        out_trade_no: format!("{number}{id}"),
        platform: Platform::WeChat,
        code_masked: "1346…9456".into(),
        amount: o.total(),
        started_at: o.opened_at,
        state: AttemptState::Paid { transaction_id: format!("4200000{id:021}") },
        queries: 0,
        cancels: 0,
        cancel_unsupported: false,
    });
    o.tender = Some(Tender::Code {
        platform: Platform::WeChat,
        out_trade_no: format!("{number}{id}"),
        transaction_id: format!("4200000{id:021}"),
    });
    o.number = Some(format!("{number}{id}"));
    o.status = OrderStatus::Paid;
    o.closed_at = Some(o.opened_at);
    o
}

fn main() {
    let total: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store");
    let store = RedbStore::open(&path).expect("open");
    let started = Instant::now();
    println!("{:>9} {:>12} {:>10} {:>10} {:>12}", "orders", "on disk MiB", "RSS MiB", "peak MiB", "saves/s");
    let mut last = Instant::now();
    let step = (total / 5).max(1);
    for id in 1..=total {
        let counters = Counters { next_order_id: id + 1, seq_day: 251122, seq: (id % 10_000) as u32 };
        store.save(&order(id), &counters).expect("save");
        if id % step == 0 {
            let rate = step as f64 / last.elapsed().as_secs_f64();
            last = Instant::now();
            println!(
                "{:>9} {:>12.1} {:>10.1} {:>10.1} {:>12.0}",
                id,
                dir_size(&path) as f64 / 1_048_576.0,
                status_kib("VmRSS:") as f64 / 1024.0,
                status_kib("VmHWM:") as f64 / 1024.0,
                rate
            );
        }
    }
    let reopened = Instant::now();
    drop(store);
    let store = RedbStore::open(&path).expect("reopen");
    let (open, _) = store.load_unsettled().expect("load");
    println!(
        "total {:.0} s; reopen + load open orders: {} ms ({} open)",
        started.elapsed().as_secs_f64(),
        reopened.elapsed().as_millis(),
        open.len()
    );
}
