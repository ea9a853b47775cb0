//! `till disk-test`: does this box keep what it was told is on disk? Cheap SD cards and weak power
//! supplies can lose writes the card already acknowledged; a till on such a card loses sales when
//! the plug is pulled. The test writes numbered records to a scratch store beside the real one
//! (`<data dir>/disk-test/`, never the order store), each committed exactly as a sale is — the
//! same store, the same flushed commit — and prints each number once its commit has returned.
//! Pull the plug while it runs; after the restart `till disk-test` first checks that every number
//! printed before the cut is there, intact, then goes on writing. `--verify` only checks;
//! `--done` checks and removes the scratch store.
//!
//! The QEMU-arm power-cut test (tests/qemu_arm.rs) runs it across several cuts of the emulated
//! board's power at random moments.

use crate::core::Counters;
use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::order::{Line, Order, OrderId};
use crate::store::Store;
use std::collections::BTreeMap;

/// The scratch store's directory under the data directory.
pub const DIR: &str = "disk-test";

/// Record `id` as it is written, so that a read-back can tell a damaged one.
pub fn record(id: OrderId) -> Order {
    let mut order = Order::new(id, Millis(1_700_000_000_000 + i64::try_from(id).unwrap_or(0)), "disk-test".into());
    order.lines = (0..3)
        .map(|k| Line {
            barcode: format!("{:013}", id * 3 + k),
            name: format!("disk test record {id} line {k}"),
            unit_price: Fen(i64::try_from(id % 10_000).unwrap_or(0) + 100),
            qty: u32::try_from(1 + (id + k) % 7).unwrap_or(1),
        })
        .collect();
    order
}

fn counters(next: OrderId) -> Counters {
    Counters { next_order_id: next, seq_day: 0, seq: 0 }
}

/// What a check of the scratch store found.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// Records 1..=n, each intact, and the counter saved with the last of them.
    Intact(u64),
    /// The store opened but does not hold what was written: the first problem.
    Damaged(String),
}

/// Checks that the store holds records 1..=n exactly as written, with the counter committed in
/// the same transaction as record n.
pub fn verify(store: &dyn Store) -> Result<Found, crate::store::StoreError> {
    let (orders, saved) = store.load_unsettled()?;
    let by_id: BTreeMap<OrderId, Order> = orders.into_iter().map(|o| (o.id, o)).collect();
    let last = saved.map_or(0, |c| c.next_order_id.saturating_sub(1));
    if let Some((&highest, _)) = by_id.last_key_value()
        && highest > last
    {
        return Ok(Found::Damaged(format!("record {highest} is there but the counter says {last} were written")));
    }
    for id in 1..=last {
        match by_id.get(&id) {
            None => return Ok(Found::Damaged(format!("record {id} of {last} is missing"))),
            Some(order) if *order != record(id) => {
                return Ok(Found::Damaged(format!("record {id} of {last} does not read back as written")));
            }
            Some(_) => {}
        }
    }
    Ok(Found::Intact(last))
}

/// Writes records `from`, `from + 1`, … (`count` of them, or until an error), each in its own
/// flushed commit with the counter; `on_disk` is told each number once its commit has returned.
pub fn write(
    store: &dyn Store,
    from: OrderId,
    count: Option<u64>,
    mut on_disk: impl FnMut(OrderId),
) -> Result<(), crate::store::StoreError> {
    let mut id = from;
    while count.is_none_or(|c| id < from.saturating_add(c)) {
        store.save(&record(id), &counters(id + 1))?;
        on_disk(id);
        id += 1;
    }
    Ok(())
}

/// What `till disk-test` was asked to do.
pub enum Mode {
    /// Check, then write on (`count` records, or until stopped).
    Write {
        count: Option<u64>,
    },
    Verify,
    /// Check, then remove the scratch store.
    Done,
}

/// `till disk-test`: one line per finding on stdout (the console a technician watches), each
/// number printed only once its commit has returned. Exit status 1 when something written is lost.
pub fn run_cli(data_dir: &std::path::Path, mode: Mode) -> anyhow::Result<()> {
    use std::io::Write as _;
    let dir = data_dir.join(DIR);
    let store = crate::store::RedbStore::open(&dir)
        .map_err(|e| anyhow::anyhow!("disk-test: the scratch store {} cannot be used: {e}", dir.display()))?;
    let found = match verify(&store)? {
        Found::Intact(n) => {
            println!("disk-test: {n} records found in {}, all intact", dir.display());
            n
        }
        Found::Damaged(why) => {
            println!("disk-test: LOST WRITES in {}: {why}", dir.display());
            tracing::error!(%why, "disk test found lost writes");
            std::process::exit(1);
        }
    };
    match mode {
        Mode::Verify => Ok(()),
        Mode::Done => {
            drop(store);
            std::fs::remove_dir_all(&dir)?;
            println!("disk-test: {} removed", dir.display());
            Ok(())
        }
        Mode::Write { count } => {
            let mut out = std::io::stdout().lock();
            write(&store, found + 1, count, |id| {
                // Printed after the commit returned: a number on the screen is a promise.
                let _ = writeln!(out, "disk-test: {id} on disk");
                let _ = out.flush();
            })?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RedbStore;

    #[test]
    fn records_written_are_found_intact_and_writing_goes_on_after_them() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RedbStore::open(dir.path()).expect("store");
        assert_eq!(verify(&store).expect("verify"), Found::Intact(0));
        let mut told = Vec::new();
        write(&store, 1, Some(25), |id| told.push(id)).expect("write");
        assert_eq!(told, (1..=25).collect::<Vec<_>>());
        drop(store);
        let store = RedbStore::open(dir.path()).expect("reopen");
        assert_eq!(verify(&store).expect("verify"), Found::Intact(25));
        write(&store, 26, Some(5), |_| {}).expect("write on");
        assert_eq!(verify(&store).expect("verify"), Found::Intact(30));
    }

    #[test]
    fn a_missing_a_changed_or_an_uncounted_record_is_damage() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RedbStore::open(dir.path()).expect("store");
        // Records 1 and 3 with the counter at 3: record 2 is missing.
        store.save(&record(1), &counters(2)).expect("save");
        store.save(&record(3), &counters(4)).expect("save");
        assert_eq!(verify(&store).expect("verify"), Found::Damaged("record 2 of 3 is missing".into()));
        // Record 2 there but not as written.
        let mut wrong = record(2);
        wrong.lines[1].qty += 1;
        store.save(&wrong, &counters(4)).expect("save");
        assert_eq!(
            verify(&store).expect("verify"),
            Found::Damaged("record 2 of 3 does not read back as written".into())
        );
        // A record beyond the counter: a commit that kept its order and lost its counter.
        store.save(&record(2), &counters(4)).expect("save");
        store.save(&record(4), &counters(4)).expect("save");
        assert_eq!(
            verify(&store).expect("verify"),
            Found::Damaged("record 4 is there but the counter says 3 were written".into())
        );
    }
}
