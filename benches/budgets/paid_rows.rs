//! The paid sale's commit (issue 18 §4): a paid sale with counted goods saved as the till saves
//! it, its stock moved in the same redb commit as the order and its outbox record, against the
//! filesystem's floor (one 4 KiB write + fsync). One sync per save is what keeps it near the floor;
//! the three flushed writes of before (a due-marker, the save, the counts) were three. `make profile
//! PROFILE=paid-sale` counts the syscalls (`strace -c`): one `fdatasync` per save, besides the
//! order log's fold into redb about every 1,000 saves.

use crate::Ctx;
use crate::shop::{barcode, counters, now, paid_order};
use crate::store_impl::{STORE_NAME, open_store};
use crate::table::{Row, Samples, ms};
use std::os::unix::fs::FileExt;
use std::time::Instant;
use till::store::{Put, Table};

pub const FIGURE: &str = "durable commit of a paid sale with counted goods (stock in the same commit)";
pub const BUDGET: &str = "median ≤ 1.5 × floor";

pub fn run(ctx: &Ctx, _: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    let n = if ctx.fast { 500 } else { 2_000 };
    let dir = ctx.work.join("paid-sale");
    std::fs::create_dir_all(&dir)?;
    let store = open_store(&dir.join("store"))?;
    // The order's three products are counted: every paid sale moves their stock.
    let stock: Vec<Put> =
        (0..3).map(|i| Put { table: Table::Stock, key: barcode(i), value: Some("100000000".into()) }).collect();
    store.write_records(&stock, None)?;
    let floor_file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join("floor.bin"))?;
    let page = vec![0x5au8; 4096];
    let (mut commits, mut floor) = (Samples::default(), Samples::default());
    let mut moved = 0usize;
    let at = now();
    for i in 0..n + 10 {
        let id = i as u64 + 1;
        let order = paid_order(id, 3, at, 0);
        let t = Instant::now();
        let counts = store.save(&order, &counters(id + 1))?;
        let c = t.elapsed();
        moved += counts.len();
        let t = Instant::now();
        floor_file.write_all_at(&page, 0)?;
        floor_file.sync_all()?;
        let f = t.elapsed();
        if i >= 10 {
            commits.push(c);
            floor.push(f);
        }
    }
    anyhow::ensure!(moved == 3 * (n + 10), "each paid sale moves its three counted products ({moved} moved)");
    let ratio = commits.median().as_secs_f64() / floor.median().as_secs_f64().max(1e-9);
    Ok(vec![
        Row::new(
            FIGURE,
            format!("median {} = {ratio:.1} × floor (p99 {})", ms(commits.median()), ms(commits.p99())),
            BUDGET,
            format!("4 KiB write + fsync: median {} (p99 {})", ms(floor.median()), ms(floor.p99())),
            ratio <= 1.5,
        )
        .note(format!(
            "{STORE_NAME}, {n} paid 3-line sales of counted products, each one `Store::save` (the order, its \
             counters, its outbox record and its three stock counts in one redb commit behind one order-log \
             sync), alternating with {n} bare writes on the same filesystem ({}); every save moved its \
             three counts. Syscalls: `make profile PROFILE=paid-sale` (target/profile/paid-sale.strace).",
            crate::machine::filesystem(&dir),
        )),
    ])
}
