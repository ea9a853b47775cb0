//! The order log and redb together: what a save's record holds, folding the log into redb, and
//! applying its newer records again when the store is opened after a cut (see `wal.rs`).

use super::StoreError;
use super::redb_store::{META, RedbStore, WAL_MARK, apply_save, decode};
use super::wal::{CAPACITY, LogFile, Mark, Record, Wal, read_save};
use crate::core::clock::Millis;
use crate::core::order::Order;
use std::path::Path;

/// The order log beside the store file.
pub const LOG_FILE_NAME: &str = "orders.wal";

/// The mark of the last record redb holds (none before the first save through the log).
pub(super) fn held(store: &RedbStore) -> Result<Mark, StoreError> {
    held_in(&store.db.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
}

/// [`held`] of an open database (the check's view of the file).
pub(super) fn held_in(db: &redb::Database) -> Result<Mark, StoreError> {
    use redb::ReadableDatabase;
    let txn = db.begin_read()?;
    let found = txn.open_table(META)?.get(WAL_MARK)?.and_then(|v| Mark::from_bytes(v.value()));
    Ok(found.unwrap_or_default())
}

impl RedbStore {
    /// Makes everything applied so far durable in redb (one synced commit), then starts the log
    /// again from its first page.
    pub(super) fn fold_log(&self, wal: &mut Wal) -> Result<(), StoreError> {
        self.write(|_| Ok(()))?;
        wal.restart(wal.last());
        Ok(())
    }

    /// Applies the log's saves that redb does not hold (those after its mark), in order, in one
    /// synced commit, and restarts the log.
    pub(super) fn replay(&self, wal: &mut Wal, saves: Vec<Saved>) -> Result<(), StoreError> {
        let held = held(self)?;
        let newer: Vec<Saved> = saves.into_iter().filter(|s| s.mark > held).collect();
        if let Some(last) = newer.last().map(|s| s.mark) {
            self.write(|txn| {
                for s in &newer {
                    // The stock a save moved is moved again with it (once: its markers).
                    apply_save(txn, &s.order, &s.value, &s.counters, s.created_at)?;
                }
                txn.open_table(META)?.insert(WAL_MARK, last.to_bytes().as_slice())?;
                Ok(())
            })?;
            tracing::info!(records = newer.len(), round = last.generation, "order log applied after a restart");
        }
        wal.restart(held.max(wal.last()));
        Ok(())
    }
}

/// A save read back from the log.
pub(super) struct Saved {
    mark: Mark,
    created_at: Millis,
    counters: Vec<u8>,
    /// The order as stored (packed), and decoded.
    value: Vec<u8>,
    order: Order,
}

/// Reads every record of the log's round as a save, before anything is written to the store: a
/// record that is whole (its checksum right) but not a save this till can read is damage, and
/// the store is refused with its files as they are.
pub(super) fn read_saves(records: Vec<Record>, log: &Path) -> Result<Vec<Saved>, StoreError> {
    records
        .into_iter()
        .map(|r| {
            let damaged = |reason: String| StoreError::Damaged {
                path: log.to_path_buf(),
                reason: format!("record {}.{}: {reason}", r.mark.generation, r.mark.seq),
            };
            let (created_at, counters, value) =
                read_save(&r.payload).ok_or_else(|| damaged("not a save this till wrote".into()))?;
            let order: Order = decode("order log", value).map_err(|e| damaged(e.to_string()))?;
            Ok(Saved { mark: r.mark, created_at, counters: counters.to_vec(), value: value.to_vec(), order })
        })
        .collect()
}

/// Opens (or creates, allocated and synced, its directory entry too) the order log in `dir`;
/// `held` is the store's mark (see [`Wal::open`]).
pub(super) fn open_log(dir: &Path, held: Mark) -> Result<(Wal, Vec<Record>), std::io::Error> {
    let path = dir.join(LOG_FILE_NAME);
    let existed = std::fs::symlink_metadata(&path).is_ok();
    let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
    let opened = Wal::open(Box::new(file) as Box<dyn LogFile>, CAPACITY, held)?;
    if !existed {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(opened)
}

#[cfg(test)]
#[path = "legacy_reasons_tests.rs"]
mod legacy_reasons_tests;
