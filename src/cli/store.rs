//! The store's verbs, for a technician while the till is stopped (the store is locked while it
//! runs): `till export`, `till import`, `till export-csv`, and the one way they all open it.

use crate::app::{self, SystemClock};
use crate::config::Config;
use crate::store::RedbStore;
use anyhow::Context;

/// The order store of `config`, opened for a command (`create`: its directory made first).
pub fn open(config: &Config, create: bool) -> anyhow::Result<RedbStore> {
    let path = config.data_dir().join("store");
    if create {
        std::fs::create_dir_all(config.data_dir())?;
    }
    RedbStore::open(&path).with_context(|| format!("opening the order store at {}", path.display()))
}

/// `till export`: the store as JSON lines on stdout; the counts on stderr.
pub fn export(config: &Config) -> anyhow::Result<()> {
    let store = open(config, false)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let header = store.export(&mut out)?;
    eprintln!("exported {} orders, {} queued and {} delivered records", header.orders, header.outbox, header.delivered);
    Ok(())
}

/// `till export-csv`: the days' sales and refunds as CSV; the row count on stderr.
pub fn export_csv(config: &Config, from: Option<&str>, to: Option<&str>, out: &std::path::Path) -> anyhow::Result<()> {
    use crate::app::Clock;
    use crate::core::office::{day::Day, summary};
    let offset = config.utc_offset_minutes;
    let day = |s: &str| Day::parse(s).with_context(|| format!("{s}: not a date (use 2026-11-22)"));
    let from = match from {
        Some(s) => day(s)?,
        None => Day::of(SystemClock.now(), offset),
    };
    let to = match to {
        Some(s) => day(s)?,
        None => from,
    };
    anyhow::ensure!(from <= to, "--from {} is after --to {}", from.display(), to.display());
    let store = open(config, false)?;
    let period = summary::period(from, to, offset);
    let rows = app::office::export_csv(&store, &period, offset, config.lang, out)?;
    eprintln!("exported {rows} rows ({} to {}) to {}", from.display(), to.display(), out.display());
    Ok(())
}

/// `till import`: a `till export` file on stdin into an empty store, every value checked (ids,
/// counters against the orders, numbers, prices, operators' PIN hashes), counts checked, flushed;
/// a file with any value wrong is refused whole, with its line number.
pub fn import(config: &Config) -> anyhow::Result<()> {
    let store = open(config, true)?;
    let header = store.import_with(std::io::stdin().lock(), &app::auth::check_pin_hash)?;
    eprintln!("imported {} orders, {} queued and {} delivered records", header.orders, header.outbox, header.delivered);
    Ok(())
}
