//! Durable orders. Every `save` is flushed to disk before it returns: the till acts on nothing that
//! a pulled plug could take back.

mod backup;
mod outbox;
mod records;
mod sled_records;
mod sled_store;

pub use backup::{BackupError, EXPORT_FORMAT, Header as ExportHeader};
pub use outbox::{OutboxKind, OutboxRecord, OutboxState};
pub use records::{Dispatch, Put, Table, append_key};
pub use sled_store::SledStore;

use crate::core::Counters;
use crate::core::order::{Order, OrderId};
use std::path::PathBuf;

/// The schema this build writes. A store with a newer one is refused, never rewritten.
/// 2: the outbox trees (`outbox`, `outbox_keys`, `outbox_done`).
/// 3: shop records (`records`: operators, shifts, audit, catalogue, stock, settings).
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database files could not be opened (missing permissions, disk full, another till running,
    /// damaged files). Cashier sees: "Cannot open the order store: …"; nothing is sold until fixed.
    #[error("cannot open the order store at {path}: {source}")]
    Open { path: PathBuf, source: sled::Error },
    /// A read or write failed at the disk. Cashier sees: "Order store error: …".
    #[error("order store error: {0}")]
    Io(#[from] sled::Error),
    /// A record does not decode: the store was damaged or written by something else. The files are
    /// kept as they are for recovery.
    #[error("order store record {key} is damaged: {reason}")]
    Corrupt { key: String, reason: String },
    /// The store was written by a newer till. Cashier sees: "Order store is from a newer version".
    #[error("the order store has schema {found}, newer than this till's {SCHEMA_VERSION}: update the till")]
    NewerSchema { found: u32 },
    /// A change to a record of an append-only table (the audit log) was asked for: a bug, refused.
    #[error("the {0} table is append-only")]
    AppendOnly(&'static str),
}

/// What the till keeps. Implemented by sled on disk.
pub trait Store: Send + Sync {
    /// Writes the order and the counters atomically and flushes them to disk.
    fn save(&self, order: &Order, counters: &Counters) -> Result<(), StoreError>;
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
}
