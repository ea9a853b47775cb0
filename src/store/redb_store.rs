//! The order store on redb: one file, `orders.redb`, with the tables `orders` (id → JSON),
//! `unsettled` (ids of open orders), `numbers` (receipt number → id), `meta` (schema, counters, the
//! outbox sequence, each append-only table's sequence), `outbox` (seq → record waiting for the back
//! office), `outbox_keys` (idempotency key → seq: a key is queued once, ever), `outbox_done` (seq →
//! key of what the back office accepted) and `records` (shop records, `redb_records.rs`).
//!
//! Every write is flushed before it returns. A save (an order state change, the hot path) is one
//! record written and synced in the order log `orders.wal`, then applied to redb in a commit that
//! is not synced itself; a pulled plug takes redb back to its last synced commit and the log's
//! newer records are applied again on open (`wal.rs`, `redb_wal.rs`). Every other write is one
//! transaction committed with `Durability::Immediate`: `commit` returns only after `fdatasync`
//! (which persists the data and the file's size), in one phase with checksums, redb's default
//! (see [`commit_settings`] for the evidence that a pulled plug takes back no returned commit).
//! Opening, with the checks that refuse a damaged, newer or sled store, is in `redb_open.rs`.

pub(super) use super::codec::{decode, encode, pack};
use super::outbox::{self, OutboxKind, OutboxRecord, OutboxState};
use super::records::{Dispatch, Put, Table};
use super::wal::{Appended, Wal};
use super::{Moved, Store, StoreError};
use crate::core::Counters;
use crate::core::clock::Millis;
use crate::core::order::{Order, OrderId};
use redb::{Database, Durability, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

pub(super) const ORDERS: TableDefinition<u64, &[u8]> = TableDefinition::new("orders");
pub(super) const UNSETTLED: TableDefinition<u64, ()> = TableDefinition::new("unsettled");
pub(super) const NUMBERS: TableDefinition<&[u8], u64> = TableDefinition::new("numbers");
pub(super) const META: TableDefinition<&[u8], &[u8]> = TableDefinition::new("meta");
pub(super) const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");
pub(super) const OUTBOX_KEYS: TableDefinition<&[u8], u64> = TableDefinition::new("outbox_keys");
pub(super) const OUTBOX_DONE: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox_done");
/// Shop records: `<table>/<key>` → JSON text (see `redb_records.rs`).
pub(super) const RECORDS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("records");

/// `meta` keys: the schema (JSON number), the core's counters (JSON), the last outbox sequence
/// number given out (big-endian u64).
pub(super) const SCHEMA: &[u8] = b"schema";
pub(super) const COUNTERS: &[u8] = b"counters";
pub(super) const OUTBOX_SEQ: &[u8] = b"outbox_seq";
/// The [`super::wal::Mark`] of the last order-log record applied (16 bytes: round, sequence; big-endian).
pub(super) const WAL_MARK: &[u8] = b"wal_mark";

pub struct RedbStore {
    /// Shared by every read and write; taken exclusively only to compact the file.
    pub(super) db: RwLock<Database>,
    /// The store file.
    pub(super) file: PathBuf,
    /// The order log saves are flushed to; held through each save's redb commit, so that redb
    /// applies the records in the log's order.
    pub(super) wal: Mutex<Wal>,
    /// Writes the clean-close marker once the database above is closed (`redb_clean.rs`): this
    /// field is dropped after `db`.
    pub(super) on_close: super::redb_clean::OnClose,
}

impl RedbStore {
    /// Runs `f` in one write transaction and commits it durably (fsync) before returning. An
    /// error from `f` aborts the transaction: nothing of it is written.
    pub(super) fn write<T>(&self, f: impl FnOnce(&WriteTransaction) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.write_with(f)
    }

    /// [`Self::write`] for callers with their own error type.
    pub(super) fn write_with<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&WriteTransaction) -> Result<T, E>,
    ) -> Result<T, E> {
        self.commit(Durability::Immediate, f)
    }

    /// Runs `f` in one write transaction committed with `durability`: `Immediate` returns after
    /// the fsync; `None` is for what the order log has already made durable (see `wal.rs`).
    pub(super) fn commit<T, E: From<StoreError>>(
        &self,
        durability: Durability,
        f: impl FnOnce(&WriteTransaction) -> Result<T, E>,
    ) -> Result<T, E> {
        let db = self.db.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut txn = db.begin_write().map_err(StoreError::from)?;
        commit_settings(&mut txn)?;
        txn.set_durability(durability).map_err(StoreError::from)?;
        let out = f(&txn)?;
        if let Err(e) = txn.commit() {
            // A commit that failed at the disk: the next open checks the whole file.
            self.on_close.disarm();
            return Err(StoreError::from(e).into());
        }
        Ok(out)
    }

    pub(super) fn log(&self) -> std::sync::MutexGuard<'_, Wal> {
        self.wal.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A consistent view of the whole store, unaffected by writes after it.
    pub(super) fn snapshot(&self) -> Result<ReadTransaction, StoreError> {
        let db = self.db.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(db.begin_read()?)
    }

    pub(super) fn read<T>(&self, f: impl FnOnce(&ReadTransaction) -> Result<T, StoreError>) -> Result<T, StoreError> {
        f(&self.snapshot()?)
    }

    /// Bytes on disk, for diagnostics and the size budget.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(std::fs::metadata(&self.file)?.len())
    }

    /// The store file (`<store dir>/orders.redb`).
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

/// How every write transaction is committed: durably (`fdatasync` before `commit` returns), in one
/// phase with checksums — redb's default ("1PC+C"): the new pages and the commit slot naming them
/// are written, then one sync. A cut during that sync can leave the newest slot pointing at pages
/// that did not all reach the disk; their checksums fail and the open takes the commit before,
/// which is the one that had returned. One sync per save instead of two-phase commit's two: the
/// durable-commit budget (1.5 × a bare write + fsync) is met at 1.0 ×, two phases gave 2.0–2.1 ×
/// (docs/performance.md).
///
/// The evidence that no returned commit is lost: `powercut_tests.rs` (a cut at every sync with any
/// subset of the unsynced sectors kept), `tests/powercut.rs`, `tests/kill9.rs`, and under QEMU a
/// real kernel, ext4 and virtio disk: `tests/qemu_arm.rs` (a payment in doubt) and
/// `tests/qemu_arm_disk.rs` (six cuts at chosen moments of a stream of commits, each reported
/// number found after the restart). Session 4 saw the QEMU payment test lose its store with one
/// phase (3 runs of 3); the same code passed 11 runs of 11 and the six-cut test in session 5, and
/// the cause of the earlier failure was not found (docs/store.md).
///
/// What one phase gives up: a newest commit damaged *after* its sync (the card's fault, not a
/// cut) is rolled back to the one before instead of refused as damage; and after a crash the open
/// rebuilds the allocator by walking the tree (quick repair is for two phases) — the check before
/// every open walks it anyway.
pub(super) fn commit_settings(txn: &mut WriteTransaction) -> Result<(), StoreError> {
    txn.set_durability(Durability::Immediate)?;
    txn.set_two_phase_commit(TWO_PHASE);
    txn.set_quick_repair(TWO_PHASE);
    Ok(())
}

/// See [`commit_settings`]; the power-cut tests run with either.
pub(super) const TWO_PHASE: bool = false;

pub(super) fn seq_of(bytes: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(bytes).ok().map(u64::from_be_bytes)
}

/// When a record was queued, for the back office and the screen; the till's clock is the
/// system's (the store is the app's side, not the pure core).
pub(super) fn wall_clock() -> Millis {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Millis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One record for the back office about to be queued: its body is made once its sequence number
/// is known.
pub(super) struct Queued<'a> {
    pub key: &'a str,
    pub kind: OutboxKind,
    pub subject: &'a str,
    pub body: &'a dyn Fn(u64) -> Result<String, serde_json::Error>,
}

/// Queues `q` under the next outbox sequence number unless its key was ever queued. Returns
/// whether it was queued.
pub(super) fn queue(txn: &WriteTransaction, q: &Queued<'_>, created_at: Millis) -> Result<bool, StoreError> {
    let mut keys = txn.open_table(OUTBOX_KEYS)?;
    if keys.get(q.key.as_bytes())?.is_some() {
        return Ok(false);
    }
    let mut meta = txn.open_table(META)?;
    let seq = meta.get(OUTBOX_SEQ)?.and_then(|v| seq_of(v.value())).unwrap_or(0) + 1;
    let body = (q.body)(seq).map_err(|e| StoreError::Corrupt { key: q.key.to_string(), reason: e.to_string() })?;
    let record = OutboxRecord {
        seq,
        key: q.key.to_string(),
        kind: q.kind,
        order_number: q.subject.to_string(),
        body,
        created_at,
        state: OutboxState::Pending,
        attempts: 0,
        last_error: None,
    };
    txn.open_table(OUTBOX)?.insert(seq, pack(&record)?.as_slice())?;
    keys.insert(q.key.as_bytes(), seq)?;
    meta.insert(OUTBOX_SEQ, seq.to_be_bytes().as_slice())?;
    Ok(true)
}

/// Whether a record under `key` was ever queued (delivered or not).
pub(super) fn was_queued(txn: &WriteTransaction, key: &str) -> Result<bool, StoreError> {
    Ok(txn.open_table(OUTBOX_KEYS)?.get(key.as_bytes())?.is_some())
}

pub(super) fn order_name(id: u64) -> String {
    format!("orders/{id}")
}

fn outbox_name(seq: u64) -> String {
    format!("outbox/{seq}")
}

/// The receipt numbers an order is found by: its own and its payment attempts'.
pub(super) fn numbers_of(order: &Order) -> impl Iterator<Item = &String> {
    order.number.iter().chain(order.attempts.iter().map(|a| &a.out_trade_no))
}

/// A save's changes to redb: the order, its place in the open-orders set and the numbers, the
/// counters, and the back-office records it makes. Only what changed is written: each table written
/// is a leaf, its path and the table tree's page copied. A cart's new line changes the order alone:
/// one table instead of four (docs/performance.md, durable commit). Also how the order log's
/// records are applied again after a cut (`redb_wal.rs`). The stock the order moves is moved here
/// too, once (`redb_stock.rs`); returns the counts that changed.
pub(super) fn apply_save(
    txn: &WriteTransaction,
    order: &Order,
    value: &[u8],
    counters: &[u8],
    created_at: Millis,
) -> Result<Moved, StoreError> {
    txn.open_table(ORDERS)?.insert(order.id, value)?;
    let mut unsettled = txn.open_table(UNSETTLED)?;
    let listed = unsettled.get(order.id)?.is_some();
    if order.is_settled() && listed {
        unsettled.remove(order.id)?;
    } else if !order.is_settled() && !listed {
        unsettled.insert(order.id, ())?;
    }
    let mut numbers = txn.open_table(NUMBERS)?;
    for n in numbers_of(order) {
        if numbers.get(n.as_bytes())?.map(|id| id.value()) != Some(order.id) {
            numbers.insert(n.as_bytes(), order.id)?;
        }
    }
    let mut meta = txn.open_table(META)?;
    if meta.get(COUNTERS)?.is_none_or(|saved| saved.value() != counters) {
        meta.insert(COUNTERS, counters)?;
    }
    drop(meta);
    for entry in &outbox::entries(order) {
        if let Some(first) = &entry.requires
            && !was_queued(txn, first)?
        {
            continue;
        }
        let body = |seq| entry.body(seq, created_at);
        let q = Queued { key: &entry.key, kind: entry.kind, subject: &entry.order_number, body: &body };
        queue(txn, &q, created_at)?;
    }
    super::redb_members::apply(txn, order)?;
    super::redb_stored_value::apply(txn, order, created_at)?;
    super::redb_stock::apply(txn, order)
}

impl RedbStore {
    /// A number of `order` that already belongs to another order refuses the save: the store never
    /// re-points a number, so a number issued twice (counters lost, an older export restored) stops
    /// the payment before it leaves. The order log's records are applied as they were written.
    fn refuse_taken_numbers(&self, order: &Order) -> Result<(), StoreError> {
        if numbers_of(order).next().is_none() {
            return Ok(()); // a cart being rung up: the hot path reads nothing more
        }
        self.read(|txn| {
            let numbers = txn.open_table(NUMBERS)?;
            for n in numbers_of(order) {
                match numbers.get(n.as_bytes())?.map(|id| id.value()) {
                    Some(other) if other != order.id => {
                        return Err(StoreError::NumberTaken { number: n.clone(), other });
                    }
                    _ => {}
                }
            }
            Ok(())
        })
    }
}

impl Store for RedbStore {
    fn save(&self, order: &Order, counters: &Counters) -> Result<Moved, StoreError> {
        let value = pack(order)?;
        let counters = encode(counters)?;
        let created_at = wall_clock();
        let record = super::wal::save_record(created_at, &counters, &value);
        let mut wal = self.log();
        // Checked under the log's lock, before anything is written: no save is between the check
        // and this one's commit.
        self.refuse_taken_numbers(order)?;
        // Flushed in the log first; then redb, unsynced, with the record's mark (see `wal.rs`).
        let logged = match wal.append(&record)? {
            Appended::Full => {
                self.fold_log(&mut wal)?;
                wal.append(&record)?
            }
            other => other,
        };
        let mark = match logged {
            Appended::At(mark) => Some(mark),
            // Too big for the log (or full right after a restart): a synced commit of its own.
            Appended::Full | Appended::TooBig => None,
        };
        let applied = self.commit(if mark.is_some() { Durability::None } else { Durability::Immediate }, |txn| {
            let moved = apply_save(txn, order, &value, &counters, created_at)?;
            if let Some(mark) = mark {
                txn.open_table(META)?.insert(WAL_MARK, mark.to_bytes().as_slice())?;
            }
            Ok(moved)
        });
        if applied.is_err() {
            // Not saved: the next record takes this one's place in the log.
            wal.unwrite();
        }
        applied
    }

    fn load_unsettled(&self) -> Result<(Vec<Order>, Option<Counters>), StoreError> {
        self.read(|txn| {
            let unsettled = txn.open_table(UNSETTLED)?;
            let orders = txn.open_table(ORDERS)?;
            let mut open = Vec::new();
            for entry in unsettled.iter()? {
                let id = entry?.0.value();
                match orders.get(id)? {
                    Some(v) => open.push(decode(&order_name(id), v.value())?),
                    None => {
                        return Err(StoreError::Corrupt { key: order_name(id), reason: "indexed but missing".into() });
                    }
                }
            }
            let counters =
                txn.open_table(META)?.get(COUNTERS)?.map(|v| decode("meta/counters", v.value())).transpose()?;
            Ok((open, counters))
        })
    }

    fn order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        self.read(|txn| txn.open_table(ORDERS)?.get(id)?.map(|v| decode(&order_name(id), v.value())).transpose())
    }

    fn order_by_number(&self, number: &str) -> Result<Option<Order>, StoreError> {
        self.read(|txn| {
            let Some(id) = txn.open_table(NUMBERS)?.get(number.as_bytes())?.map(|v| v.value()) else {
                return Ok(None);
            };
            txn.open_table(ORDERS)?.get(id)?.map(|v| decode(&order_name(id), v.value())).transpose()
        })
    }

    fn orders(&self) -> Result<Vec<Order>, StoreError> {
        self.read(|txn| {
            let mut out = Vec::new();
            for entry in txn.open_table(ORDERS)?.iter()? {
                let (k, v) = entry?;
                out.push(decode(&order_name(k.value()), v.value())?);
            }
            Ok(out)
        })
    }

    fn outbox_pending(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        self.read(|txn| {
            let mut out = Vec::new();
            for entry in txn.open_table(OUTBOX)?.iter()?.take(limit) {
                let (k, v) = entry?;
                out.push(decode(&outbox_name(k.value()), v.value())?);
            }
            Ok(out)
        })
    }

    fn outbox_mark_delivered(&self, seq: u64) -> Result<(), StoreError> {
        self.outbox_mark_delivered_batch(&[seq])
    }

    fn outbox_mark_delivered_batch(&self, seqs: &[u64]) -> Result<(), StoreError> {
        if seqs.is_empty() {
            return Ok(());
        }
        self.write(|txn| {
            let mut outbox = txn.open_table(OUTBOX)?;
            let mut done = txn.open_table(OUTBOX_DONE)?;
            for &seq in seqs {
                let removed = outbox.remove(seq)?.map(|v| v.value().to_vec());
                if let Some(v) = removed {
                    let record: OutboxRecord = decode(&outbox_name(seq), &v)?;
                    done.insert(seq, record.key.as_bytes())?;
                }
            }
            Ok(())
        })
    }

    fn outbox_mark_failed(&self, seq: u64, error: &str) -> Result<(), StoreError> {
        self.write(|txn| {
            let mut outbox = txn.open_table(OUTBOX)?;
            let Some(v) = outbox.get(seq)?.map(|v| v.value().to_vec()) else { return Ok(()) };
            let mut record: OutboxRecord = decode(&outbox_name(seq), &v)?;
            record.state = OutboxState::Failed;
            record.attempts += 1;
            record.last_error = Some(error.to_string());
            outbox.insert(seq, pack(&record)?.as_slice())?;
            Ok(())
        })
    }

    fn outbox_counts(&self) -> Result<(usize, usize), StoreError> {
        self.read(|txn| {
            let (mut pending, mut failed) = (0, 0);
            for entry in txn.open_table(OUTBOX)?.iter()? {
                let (k, v) = entry?;
                let record: OutboxRecord = decode(&outbox_name(k.value()), v.value())?;
                match record.state {
                    OutboxState::Pending => pending += 1,
                    OutboxState::Failed => failed += 1,
                }
            }
            Ok((pending, failed))
        })
    }

    fn write_records(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError> {
        self.write_records_redb(puts, dispatch)
    }

    fn record(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        self.record_redb(table, key)
    }

    fn records(&self, table: Table) -> Result<Vec<(String, String)>, StoreError> {
        self.records_redb(table)
    }

    fn append_record(&self, table: Table, value: &str) -> Result<u64, StoreError> {
        self.append_record_redb(table, value)
    }
    fn stock_from_office(&self, levels: &[(String, i64)], own: &[u64], version: i64) -> Result<Moved, StoreError> {
        self.stock_from_office_redb(levels, own, version)
    }
}

#[cfg(test)]
#[path = "redb_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod outbox_tests;

#[cfg(test)]
#[path = "records_tests.rs"]
mod records_tests;

#[cfg(test)]
#[path = "powercut_tests.rs"]
mod powercut_tests;
