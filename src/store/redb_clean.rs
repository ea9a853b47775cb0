//! The clean-close marker: opening a store costs the same at 1,000 orders as at 1,000,000.
//!
//! redb's full integrity check (`redb_check.rs`) reads every page of the file: 2.1 s of CPU at a
//! million orders. It is run at open only when the last close was not clean. A store closed
//! cleanly (its [`RedbStore`](super::RedbStore) dropped: redb shut down, every commit synced)
//! leaves `orders.clean` beside the file: the file's length, modification time (ns) and inode,
//! written and synced after redb closed it. When the marker still describes the file, the next
//! open checks only the header, schema and mark, then takes the marker away (removed and the
//! directory synced) before anything is written; the till then reads every record in the
//! background once it is selling (`RedbStore::verify`). A killed till, a power cut, or a write
//! error or damage found while running leaves no marker: the full check runs at the next open as
//! before. A file changed by anything else since (truncated, overwritten: its length, time or
//! inode moved) no longer matches its marker and gets the full check; damage that moves none of
//! them (a worn card) is what the background read is for.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub(super) const MARKER: &str = "orders.clean";

/// What the marker says of the file.
fn describe(file: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(file).ok()?;
    let at = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{} {} {}\n", m.len(), at.as_nanos(), m.ino()))
}

/// Whether the marker describes `file` as it is: the last close was clean and nothing changed the
/// file since. A marker that does not is left as it is (a refused store's files stay untouched);
/// it can never match again, the file having changed.
pub(super) fn matches(dir: &Path, file: &Path) -> bool {
    std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|said| describe(file).is_some_and(|now| now == said))
}

/// Takes the marker away (synced) before the store is opened for writing: a till killed from here
/// on leaves none.
pub(super) fn remove(dir: &Path) -> std::io::Result<()> {
    std::fs::remove_file(dir.join(MARKER))?;
    std::fs::File::open(dir)?.sync_all()
}

/// Writes the marker when dropped, if still armed: a field of the store declared after its
/// database, so that it is dropped after redb has closed the file.
#[derive(Debug)]
pub(super) struct OnClose {
    dir: PathBuf,
    file: PathBuf,
    armed: AtomicBool,
    /// The open skipped the full check (the last close was clean).
    pub(super) trusted: bool,
}

impl OnClose {
    pub(super) fn new(dir: &Path, file: &Path, trusted: bool) -> OnClose {
        OnClose { dir: dir.to_path_buf(), file: file.to_path_buf(), armed: AtomicBool::new(true), trusted }
    }

    /// No marker at close: the next open runs the full check (a write failed, damage was found,
    /// or the store was not opened as the till opens it).
    pub(super) fn disarm(&self) {
        self.armed.store(false, Ordering::SeqCst);
    }

    fn write(&self) -> std::io::Result<()> {
        let Some(said) = describe(&self.file) else { return Ok(()) };
        let mut f = std::fs::File::create(self.dir.join(MARKER))?;
        f.write_all(said.as_bytes())?;
        f.sync_all()?;
        std::fs::File::open(&self.dir)?.sync_all()
    }
}

impl Drop for OnClose {
    fn drop(&mut self) {
        if self.armed.load(Ordering::SeqCst)
            && let Err(e) = self.write()
        {
            tracing::warn!(error = %e, "no clean-close marker: the next start checks the whole store");
        }
    }
}

impl super::RedbStore {
    /// Whether this open skipped the full check (the last close was clean): the till then runs
    /// [`Self::verify`] in the background once it is selling.
    pub fn opened_without_full_check(&self) -> bool {
        self.on_close.trusted
    }

    /// Reads every record of a consistent snapshot (orders and outbox records decoded, shop
    /// records as text), while the till goes on selling; returns how many were read. On an error
    /// the store is closed without its marker, so the next start runs the full check (and refuses
    /// a damaged file with its files as they are).
    pub fn verify(&self) -> Result<usize, super::StoreError> {
        let walked = self.walk();
        if walked.is_err() {
            self.on_close.disarm();
        }
        walked
    }

    fn walk(&self) -> Result<usize, super::StoreError> {
        use super::OutboxRecord;
        use super::redb_store::{
            META, NUMBERS, ORDERS, OUTBOX, OUTBOX_DONE, OUTBOX_KEYS, RECORDS, UNSETTLED, decode, order_name,
        };
        use crate::core::order::Order;
        use redb::ReadableTable;
        self.read(|txn| {
            let mut n = 0;
            for entry in txn.open_table(ORDERS)?.iter()? {
                let (k, v) = entry?;
                let _: Order = decode(&order_name(k.value()), v.value())?;
                n += 1;
            }
            for entry in txn.open_table(OUTBOX)?.iter()? {
                let (k, v) = entry?;
                let _: OutboxRecord = decode(&format!("outbox/{}", k.value()), v.value())?;
                n += 1;
            }
            for entry in txn.open_table(RECORDS)?.iter()? {
                let (k, v) = entry?;
                std::str::from_utf8(v.value()).map_err(|e| super::StoreError::Corrupt {
                    key: format!("records/{}", String::from_utf8_lossy(k.value())),
                    reason: e.to_string(),
                })?;
                n += 1;
            }
            n += every(txn, UNSETTLED)? + every(txn, NUMBERS)? + every(txn, META)?;
            n += every(txn, OUTBOX_KEYS)? + every(txn, OUTBOX_DONE)?;
            Ok(n)
        })
    }
}

/// Reads every entry of a table; returns how many.
fn every<K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &redb::ReadTransaction,
    table: redb::TableDefinition<K, V>,
) -> Result<usize, super::StoreError> {
    use redb::ReadableTable;
    let mut n = 0;
    for entry in txn.open_table(table)?.iter()? {
        entry?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
#[path = "clean_tests.rs"]
mod tests;
