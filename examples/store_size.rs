//! How big the order store gets and how much memory it takes: `cargo run --release --example
//! store_size [ORDERS]` (default 100000) writes that many paid orders through the real `RedbStore`
//! (one transaction committed with fsync each, as the till does) and prints a table; then, in a
//! fresh process as a till starting would be, opens the store (with its integrity check), loads
//! the open orders and exports it as JSON lines (`till export`'s format): open time, RSS, disk
//! size against the export's. Then retention a year on: the older half delivered and removed, the
//! file compacted, and the open measured again. `store_size --open DIR` / `--retain DIR` are
//! those steps alone.

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

/// CPU time of this thread so far (from the scheduler's statistics): a measure that another load
/// on the machine does not inflate, unlike wall time.
fn cpu_ms() -> f64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    text.split_whitespace().next().and_then(|ns| ns.parse::<f64>().ok()).map_or(0.0, |ns| ns / 1e6)
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
        qr: None,
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

/// Opens the store at `path` as the till does, then exports it: prints open time, RSS and sizes.
fn open_and_export(path: &std::path::Path) {
    let started = Instant::now();
    let cpu = cpu_ms();
    let store = RedbStore::open(path).expect("open");
    let opened = started.elapsed();
    let opened_cpu = cpu_ms() - cpu;
    let (open, _) = store.load_unsettled().expect("load");
    let loaded = started.elapsed();
    let rss_open = status_kib("VmRSS:");
    // STORE_SIZE_EXPORT=FILE keeps the export there.
    let keep = std::env::var_os("STORE_SIZE_EXPORT");
    let export = keep.clone().map_or_else(|| path.with_extension("jsonl"), std::path::PathBuf::from);
    let exported = Instant::now();
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&export).expect("export file"));
        store.export(&mut out).expect("export");
    }
    let export_len = std::fs::metadata(&export).map_or(0, |m| m.len());
    if keep.is_none() {
        let _ = std::fs::remove_file(&export);
    }
    let disk = store.size_on_disk().expect("size");
    let u = store.usage().expect("usage");
    let mib = |b: u64| b as f64 / 1_048_576.0;
    println!(
        "file {:.1} MiB: pages allocated {:.1} MiB (stored {:.1}, B-tree {:.1}, unused in pages {:.1})",
        mib(u.file),
        mib(u.allocated),
        mib(u.stored),
        mib(u.metadata),
        mib(u.fragmented)
    );
    println!(
        "open (check + open): {} ms ({:.0} ms CPU); + load open orders: {} ms ({} open); RSS after open {:.1} MiB",
        opened.as_millis(),
        opened_cpu,
        loaded.as_millis(),
        open.len(),
        rss_open as f64 / 1024.0
    );
    println!(
        "export: {:.1} MiB in {} ms; store file {:.1} MiB = {:.2} x export; RSS now {:.1} MiB, peak {:.1} MiB",
        export_len as f64 / 1_048_576.0,
        exported.elapsed().as_millis(),
        disk as f64 / 1_048_576.0,
        disk as f64 / export_len.max(1) as f64,
        status_kib("VmRSS:") as f64 / 1024.0,
        status_kib("VmHWM:") as f64 / 1024.0
    );
}

/// Retention as the till runs it a year on: the back office has the older half of the orders
/// (marked delivered), retention removes them and compacts the file.
fn retain_half(path: &std::path::Path) {
    let store = RedbStore::open(path).expect("open");
    let pending = store.outbox_pending(usize::MAX).expect("outbox");
    let half = pending.len() / 2;
    for record in &pending[..half] {
        store.outbox_mark_delivered(record.seq).expect("delivered");
    }
    let cutoff = store.order_by_number(&pending[half].order_number).expect("order").expect("order").opened_at;
    let before = store.size_on_disk().expect("size");
    let started = Instant::now();
    let removed = store.compact_closed_before(cutoff).expect("retention");
    println!(
        "retention: {removed} delivered orders removed and the file compacted in {} ms: {:.1} MiB -> {:.1} MiB",
        started.elapsed().as_millis(),
        before as f64 / 1_048_576.0,
        store.size_on_disk().expect("size") as f64 / 1_048_576.0
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("--open") {
        open_and_export(std::path::Path::new(&args.next().expect("--open DIR")));
        return;
    }
    if first.as_deref() == Some("--retain") {
        retain_half(std::path::Path::new(&args.next().expect("--retain DIR")));
        return;
    }
    let total: u64 = first.and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir_in(std::env::var_os("STORE_SIZE_DIR").unwrap_or_else(|| std::env::temp_dir().into()))
        .expect("tempdir");
    let path = dir.path().join("store");
    // STORE_SIZE_KEEP=1: keep the store written and stop there (for `--open DIR` runs).
    let keep = std::env::var_os("STORE_SIZE_KEEP").is_some();
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
    drop(store);
    if keep {
        println!("kept in {}", dir.keep().display());
        return;
    }
    println!("written in {:.0} s; now a fresh process opens it:", started.elapsed().as_secs_f64());
    let status = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("--open")
        .arg(&path)
        .status()
        .expect("run");
    assert!(status.success(), "the fresh open failed");
    for step in ["--retain", "--open"] {
        let status = std::process::Command::new(std::env::current_exe().expect("exe"))
            .arg(step)
            .arg(&path)
            .status()
            .expect("run");
        assert!(status.success(), "{step} failed");
    }
}
