//! `make bench`: the performance budgets of issue 8, measured on real paths in one run, printed
//! as one table (figure | measured | budget | same-run reference | result) and written to
//! `target/bench-results.md`. `FAST=1` uses 10,000 orders for the store figures (and fewer runs
//! elsewhere) and says so. A missed budget is a FAIL row, not a failed run: the exit status is 0.
//! See docs/performance.md.
//!
//! Figures are measured only by `cargo bench` (which passes `--bench`) of a release build. Run any other
//! way (`cargo test --all-targets` builds and runs this target as a debug test), it is a smoke test: it
//! names the build, lists every figure as not measured, and measures nothing.

mod board;
mod child;
mod image_boot;
mod line;
mod machine;
mod member_rows;
mod net;
mod paid_rows;
mod pay_rows;
mod pricing_rows;
mod rig;
mod scan_rows;
mod shop;
mod sqlite_ref;
mod store_impl;
mod store_rows;
mod table;

use std::path::PathBuf;
use std::time::Instant;
use table::Row;

/// What every section needs.
pub struct Ctx {
    /// FAST=1: smaller counts, fewer runs.
    pub fast: bool,
    /// Scratch files (stores, images, ptys' logs), removed at the end.
    pub work: PathBuf,
    /// The repository.
    pub root: PathBuf,
}

type Section = fn(&Ctx, &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>>;
/// A section's rows (figure, budget), reported as not measured when the section fails.
type Figures = Vec<(&'static str, &'static str)>;

/// The sections, each with the rows (figure, budget) it reports if it fails before measuring.
fn sections() -> Vec<(&'static str, Section, Figures)> {
    vec![
        ("binary", (|c, _| Ok(board::binary(c))) as Section, vec![]),
        ("image", |c, _| board::image(c), vec![(board::IMAGE, "≤ 256 MiB"), (board::IMAGE_XZ, "≤ 64 MiB")]),
        ("commit", |c, _| store_rows::commit(c), vec![(store_rows::COMMIT, "median ≤ 1.5 × floor")]),
        ("paid-sale", paid_rows::run, vec![(paid_rows::FIGURE, paid_rows::BUDGET)]),
        ("scan", scan_rows::run, vec![(scan_rows::FIGURE, scan_rows::BUDGET)]),
        ("pricing", pricing_rows::run, vec![(pricing_rows::FIGURE, pricing_rows::BUDGET)]),
        ("scan-promotions", scan_rows::with_promotions, vec![(scan_rows::PROMO_FIGURE, scan_rows::BUDGET)]),
        ("members", member_rows::run, vec![(member_rows::FIGURE, member_rows::BUDGET)]),
        ("payment", pay_rows::overhead, vec![(pay_rows::OVERHEAD, "≤ 2 ms")]),
        (
            "receipt",
            pay_rows::receipt,
            vec![
                (pay_rows::GAP, "≤ 20 ms"),
                (pay_rows::FIRST_BYTE, "≤ 50 ms"),
                (pay_rows::RECEIPT, "≤ 1.1 × wire time"),
            ],
        ),
        ("day", child::day, vec![(child::DAY, "≤ 20 MiB")]),
        ("outbox", store_rows::drain, vec![(store_rows::DRAIN, "≤ 30 s")]),
        (
            "store",
            store_rows::store,
            vec![(store_rows::RSS, "≤ 32 MiB"), (store_rows::DISK, "≤ 1.5 × export"), (store_rows::OPEN, "≤ 200 ms")],
        ),
        (
            "store-million",
            store_rows::store_million,
            vec![(store_rows::RSS, "≤ 32 MiB"), (store_rows::DISK, "≤ 1.5 × export"), (store_rows::OPEN, "≤ 200 ms")],
        ),
        ("qemu", board::qemu, vec![(board::BOOT, board::BOOT_BUDGET)]),
        ("image-boot", image_boot::run, vec![(image_boot::FIGURE, image_boot::BUDGET)]),
    ]
}

/// The order of the budget table.
fn rank(row: &Row) -> usize {
    let order = [
        scan_rows::FIGURE,
        pricing_rows::FIGURE,
        scan_rows::PROMO_FIGURE,
        member_rows::FIGURE,
        pay_rows::GAP,
        store_rows::COMMIT,
        paid_rows::FIGURE,
        pay_rows::OVERHEAD,
        "store at",
        store_rows::DRAIN,
        pay_rows::FIRST_BYTE,
        pay_rows::RECEIPT,
        child::DAY,
        board::BINARY,
        board::BOOT,
        image_boot::FIGURE,
        board::IMAGE,
        board::IMAGE_XZ,
    ];
    order.iter().position(|p| row.figure.starts_with(p)).unwrap_or(order.len())
}

/// The build this binary is: only a release build's figures mean anything.
const BUILD: &str = if cfg!(debug_assertions) { "debug build" } else { "release build" };

/// Why this run measures nothing, if it is not `cargo bench` of a release build.
fn smoke_reason(bench_flag: bool) -> Option<&'static str> {
    if cfg!(debug_assertions) {
        Some("a debug build's times say nothing of the till's: `make bench` measures a release build")
    } else if !bench_flag {
        Some("not run by `cargo bench` (no --bench): `make bench` measures")
    } else {
        None
    }
}

/// The smoke test: every section's figures, each reported as not measured, in the one table.
fn smoke(reason: &str) {
    let rows: Vec<Row> = sections()
        .into_iter()
        .flat_map(|(_, _, figures)| figures)
        .map(|(figure, budget)| Row::skip(figure, budget, format!("smoke test only: {reason}")))
        .collect();
    println!("till budgets ({BUILD}; smoke test, nothing measured)\n\n{}", table::render(&rows));
}

fn main() -> anyhow::Result<()> {
    if let Some(reason) = smoke_reason(std::env::args().any(|a| a == "--bench")) {
        smoke(reason);
        return Ok(());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fast = matches!(std::env::var("FAST").as_deref(), Ok(v) if !v.is_empty() && v != "0");
    // BENCH_ONLY=scan,payment runs some sections (while working on them); the table then has only their rows.
    let only: Option<Vec<String>> =
        std::env::var("BENCH_ONLY").ok().map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let work = root.join("target/bench-work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let ctx = Ctx { fast, work: work.clone(), root: root.clone() };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let header = format!(
        "till budgets ({}; {BUILD}){}\n{}",
        if fast { "FAST=1: 10,000 orders, fewer runs" } else { "full run" },
        if only.is_some() { " — some sections only (BENCH_ONLY)" } else { "" },
        machine::describe(&work)
    );
    eprintln!("{header}");
    let started = Instant::now();
    let mut rows = Vec::new();
    for (name, run, figures) in sections() {
        if only.as_ref().is_some_and(|o| !o.iter().any(|x| x == name)) {
            continue;
        }
        eprintln!("== {name} ({:.0} s so far; load {})", started.elapsed().as_secs_f64(), machine::loadavg());
        let t = Instant::now();
        match run(&ctx, &rt) {
            Ok(r) => rows.extend(r),
            Err(e) => {
                eprintln!("   {name}: {e:#}");
                rows.extend(figures.iter().map(|(f, b)| Row::skip(f, b, format!("the measurement failed: {e:#}"))));
            }
        }
        eprintln!("   {name}: {:.0} s", t.elapsed().as_secs_f64());
    }
    rows.sort_by_key(rank);
    let report = format!(
        "{header}\nload average at the end: {} ({:.0} s in all)\n\n{}",
        machine::loadavg(),
        started.elapsed().as_secs_f64(),
        table::render(&rows)
    );
    println!("\n{report}");
    std::fs::write(root.join("target/bench-results.md"), &report)?;
    drop(rt);
    if std::env::var_os("BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(())
}
