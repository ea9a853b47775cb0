//! Durable orders, in one redb file (`<data dir>/store/orders.redb`, see `redb_store.rs`) and the
//! order log beside it (`orders.wal`, see `wal.rs`). Every write is flushed (fsync) before it
//! returns: the till acts on nothing that a pulled plug could take back. A damaged file, a store of a newer till, or the sled store of an earlier build
//! is refused and left exactly as it is (`redb_open.rs`).

mod backup;
mod codec;
pub mod fake;
mod outbox;
mod records;
mod redb_check;
mod redb_clean;
mod redb_members;
mod redb_open;
mod redb_records;
mod redb_retention;
mod redb_stock;
mod redb_stock_levels;
pub use redb_stock_levels::VERSION_KEY as STOCK_VERSION_KEY;
mod redb_store;
pub mod redb_stored_value;
mod redb_wal;
mod wal;
mod wrapper;

pub use backup::{BackupError, EXPORT_FORMAT, Header as ExportHeader};
pub use outbox::{OutboxKind, OutboxRecord, OutboxState};
pub use records::{Dispatch, Put, Table, append_key};
pub use redb_open::FILE_NAME;
pub use redb_retention::Usage;
pub use redb_store::RedbStore;
pub use redb_wal::LOG_FILE_NAME;
pub use wrapper::Wrapper;

use crate::core::Counters;
use crate::core::order::{Order, OrderId};
use std::path::PathBuf;

/// The schema this build writes. A store with a newer one is refused, never rewritten.
/// 1–3 were sled stores (3: orders, outbox and shop records); their exports import unchanged.
/// 4: the same tables in one redb file (`orders.redb`).
pub const SCHEMA_VERSION: u32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store file could not be opened (missing permissions, a full disk). Cashier sees:
    /// "Cannot open the order store: …"; nothing is sold until fixed.
    #[error("cannot open the order store at {path}: {source}")]
    Open { path: PathBuf, source: redb::Error },
    /// Another till process has the store open (its lock is held). Nothing is sold by this one.
    #[error("the order store at {path} is in use: another till is running")]
    Locked { path: PathBuf },
    /// The directory holds the sled store of an earlier build of the till (files `conf`, `db`,
    /// `snap.*`). It is not read, converted or removed; docs/store.md says how to carry it over.
    #[error(
        "{path} holds an order store of an earlier till (sled files conf, db, snap.*), which this till does not \
         read: export it with that till (`till export`)"
    )]
    OldSled { path: PathBuf },
    /// The store file is damaged (truncated, overwritten, a checksum that does not match) or is
    /// not a till store at all. Nothing has been written to it.
    #[error("the order store file {path} is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
    /// A read or write failed at the disk. Cashier sees: "Order store error: …".
    #[error("order store error: {0}")]
    Io(#[from] redb::Error),
    /// A record does not decode: the store was damaged or written by something else. The files are
    /// kept as they are for recovery.
    #[error("order store record {key} is damaged: {reason}")]
    Corrupt { key: String, reason: String },
    /// The store was written by a newer till. Cashier sees: "Order store is from a newer version".
    #[error("the order store has schema {found}, newer than this till's {SCHEMA_VERSION}: update the till")]
    NewerSchema { found: u32 },
    /// A save would give an order number to a second order: the number belongs to another order (a
    /// store restored from an older export, counters lost). Refused with nothing written, so that no
    /// payment leaves under a number that a platform may hold paid for an earlier sale. Cashier
    /// sees: "Order store error: …" and the payment is not sent.
    #[error("order number {number} already belongs to order {other}: not saved")]
    NumberTaken { number: String, other: OrderId },
    /// A change to a record of an append-only table (the audit log) was asked for: a bug, refused.
    #[error("the {0} table is append-only")]
    AppendOnly(&'static str),
}

impl StoreError {
    /// What the cashier is told when a save fails with this error (the error itself is logged).
    pub fn save_failure(&self) -> crate::core::SaveFailure {
        use crate::core::SaveFailure as K;
        match self {
            StoreError::Io(_) => K::Disk,
            StoreError::NumberTaken { .. } => K::NumberTaken,
            StoreError::AppendOnly(_) => K::TillFault,
            StoreError::Open { .. }
            | StoreError::Locked { .. }
            | StoreError::OldSled { .. }
            | StoreError::Damaged { .. }
            | StoreError::Corrupt { .. }
            | StoreError::NewerSchema { .. } => K::Damaged,
        }
    }
}

/// redb reports each step's failure as its own type; all of them are "order store error".
macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> StoreError {
                StoreError::Io(redb::Error::from(e))
            }
        }
    )*};
}
from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::CompactionError,
    redb::SetDurabilityError,
    std::io::Error
);

/// Stock counts a save changed: barcode → new count (empty for most saves).
pub type Moved = Vec<(String, i64)>;

/// What the till keeps. Implemented by redb on disk ([`RedbStore`]), and by each [`Wrapper`] that
/// adds to another store.
pub trait Store: Send + Sync {
    /// Writes the order and the counters atomically and flushes them to disk, with the stock the
    /// order moves (each movement once: `redb_stock.rs`) in the same durable write. Returns the
    /// stock counts that changed.
    fn save(&self, order: &Order, counters: &Counters) -> Result<Moved, StoreError>;
    /// Orders not yet paid or voided (a cart in progress, a payment in doubt), and the counters.
    fn load_unsettled(&self) -> Result<(Vec<Order>, Option<Counters>), StoreError>;
    fn order(&self, id: OrderId) -> Result<Option<Order>, StoreError>;
    /// The order whose receipt carries this number (an out_trade_no or a cash number).
    fn order_by_number(&self, number: &str) -> Result<Option<Order>, StoreError>;
    /// Every order, oldest first.
    fn orders(&self) -> Result<Vec<Order>, StoreError>;
    /// Up to `limit` records not yet accepted by the back office (pending and failed), oldest first.
    /// `save` queues them, in its own transaction, when an order or refund becomes final.
    fn outbox_pending(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError>;
    /// The back office has the record: it leaves the outbox (flushed before returning).
    fn outbox_mark_delivered(&self, seq: u64) -> Result<(), StoreError>;
    /// The back office has these records: they leave the outbox together, in one transaction
    /// flushed before returning (one fsync for the lot instead of one each). Sequence numbers no
    /// longer in the outbox are skipped. No default: one flushed write per record would be correct
    /// but slow, and a store that adds to another is a [`Wrapper`], which passes the batch on.
    fn outbox_mark_delivered_batch(&self, seqs: &[u64]) -> Result<(), StoreError>;
    /// The back office refused the record: it stays, marked failed with the reason.
    fn outbox_mark_failed(&self, seq: u64, error: &str) -> Result<(), StoreError>;
    /// Records waiting: (pending, failed).
    fn outbox_counts(&self) -> Result<(usize, usize), StoreError>;

    /// Writes shop records (and queues `dispatch` for the back office, once per key) in one
    /// transaction, flushed before returning. A `Put` into the append-only audit table is refused.
    fn write_records(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError>;
    /// One record's JSON text.
    fn record(&self, table: Table, key: &str) -> Result<Option<String>, StoreError>;
    /// A table's records in key order.
    fn records(&self, table: Table) -> Result<Vec<(String, String)>, StoreError>;
    /// Appends to the audit log (or another append-only use of a table) under the next
    /// [`append_key`]; flushed before returning. Returns the sequence number (1, 2, …).
    fn append_record(&self, table: Table, value: &str) -> Result<u64, StoreError>;
    /// The shop's stock levels from the back office (sync::stock): each product's count set to
    /// its level plus the moves of the outbox's records not in `own` (the office counted those),
    /// read and written in one durable write with the levels' `version`. Returns the counts set.
    fn stock_from_office(&self, levels: &[(String, i64)], own: &[u64], version: i64) -> Result<Moved, StoreError>;
}
