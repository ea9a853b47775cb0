//! The order store on sled: trees `orders` (id → JSON), `unsettled` (ids of open orders),
//! `numbers` (receipt number → id), `meta` (schema, counters, the outbox sequence), `outbox`
//! (seq → record waiting for the back office), `outbox_keys` (idempotency key → seq: a key is
//! queued once, ever), `outbox_done` (seq → key of what the back office accepted) and `records`
//! (shop records, `sled_records.rs`).

use super::outbox::{self, OutboxRecord, OutboxState};
use super::records::{Dispatch, Put, Table};
use super::{SCHEMA_VERSION, Store, StoreError};
use crate::core::Counters;
use crate::core::clock::Millis;
use crate::core::order::{Order, OrderId};
use serde::de::DeserializeOwned;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionResult};
use std::path::Path;

/// sled caches 1 GiB by default; a Pi Zero 2 W has 512 MiB in all.
const CACHE_BYTES: u64 = 4 << 20;

pub struct SledStore {
    pub(super) db: sled::Db,
    /// The database's directory: its files are fsynced after every flush (see [`SledStore::durable`]).
    dir: std::path::PathBuf,
    pub(super) orders: sled::Tree,
    pub(super) unsettled: sled::Tree,
    pub(super) numbers: sled::Tree,
    pub(super) meta: sled::Tree,
    pub(super) outbox: sled::Tree,
    pub(super) outbox_keys: sled::Tree,
    pub(super) outbox_done: sled::Tree,
    /// Shop records: `<table>/<key>` → JSON text (see `records.rs`).
    pub(super) records: sled::Tree,
}

/// fsyncs every regular file below `dir`, then `dir` and its subdirectories themselves.
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            sync_tree(&entry.path())?;
        } else if kind.is_file() {
            // sled may remove an old snapshot or blob meanwhile: a file gone needs no sync.
            match std::fs::File::open(entry.path()).and_then(|f| f.sync_all()) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other?,
            }
        }
    }
    std::fs::File::open(dir)?.sync_all()
}

/// sled's file lock is let go by a background thread a moment after the last handle is dropped
/// (and a restarted till may start while the old process is still being reaped): a lock held by
/// someone else is waited for, up to two seconds, before it counts as "another till is running".
fn open_db(path: &Path) -> Result<sled::Db, sled::Error> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        match sled::Config::new().path(path).cache_capacity(CACHE_BYTES).open() {
            Err(sled::Error::Io(e))
                if e.kind() == std::io::ErrorKind::WouldBlock && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) if e.to_string().contains("lock") && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

impl SledStore {
    pub fn open(path: &Path) -> Result<SledStore, StoreError> {
        let db = open_db(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        let store = SledStore {
            orders: db.open_tree("orders")?,
            unsettled: db.open_tree("unsettled")?,
            numbers: db.open_tree("numbers")?,
            meta: db.open_tree("meta")?,
            outbox: db.open_tree("outbox")?,
            outbox_keys: db.open_tree("outbox_keys")?,
            outbox_done: db.open_tree("outbox_done")?,
            records: db.open_tree("records")?,
            db,
            dir: path.to_path_buf(),
        };
        store.check_schema()?;
        Ok(store)
    }

    /// Flushes sled and then fsyncs its files and directory. sled 0.34 makes writes durable with
    /// `sync_file_range`, which persists neither file sizes nor the directory: on a real power cut
    /// (found by the QEMU power-cut test, not by SIGKILL) an append can vanish. `fsync` on our own
    /// descriptor of each file covers the file's data and metadata.
    pub(super) fn durable(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        sync_tree(&self.dir).map_err(|e| StoreError::Io(sled::Error::Io(e)))
    }

    /// Retention: removes the orders closed before `cutoff` that the till has nothing left to do
    /// with — settled (no payment or refund in doubt) and every record they make for the back office
    /// delivered. An order never queued (from before the outbox) or still pending or refused stays.
    /// Returns how many were removed.
    pub fn compact_closed_before(&self, cutoff: Millis) -> Result<usize, StoreError> {
        let mut removed = 0;
        for item in self.orders.iter() {
            let (key, value) = item?;
            let order: Order = decode(&key_name(&key), &value)?;
            if !order.is_settled() || order.closed_at.unwrap_or(order.opened_at) >= cutoff {
                continue;
            }
            let entries = super::outbox::entries(&order);
            let mut delivered = true;
            for e in &entries {
                delivered &= match self.outbox_keys.get(e.key.as_bytes())? {
                    Some(seq) => self.outbox.get(&seq)?.is_none(),
                    None => false,
                };
            }
            // A settled order that makes no record (voided, imported) has nothing to deliver.
            if !delivered {
                continue;
            }
            (&self.orders, &self.unsettled, &self.numbers)
                .transaction(|(orders, unsettled, numbers)| {
                    orders.remove(&key)?;
                    unsettled.remove(&key)?;
                    for n in order.number.iter().chain(order.attempts.iter().map(|a| &a.out_trade_no)) {
                        if numbers.get(n.as_bytes())?.as_deref() == Some(&key[..]) {
                            numbers.remove(n.as_bytes())?;
                        }
                    }
                    Ok::<(), ConflictableTransactionError<String>>(())
                })
                .map_err(transaction_error)?;
            removed += 1;
        }
        if removed > 0 {
            self.durable()?;
        }
        Ok(removed)
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        match self.meta.get("schema")? {
            Some(v) => {
                let found: u32 = decode("meta/schema", &v)?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema { found });
                }
                if found < SCHEMA_VERSION {
                    // 1 → 2: the outbox trees are new and start empty; orders settled before the
                    // upgrade are not queued (the back office did not exist for them).
                    // 2 → 3: the records tree is new and starts empty.
                    tracing::info!(from = found, to = SCHEMA_VERSION, "order store upgraded");
                    self.write_schema()?;
                }
            }
            None => self.write_schema()?,
        }
        Ok(())
    }

    fn write_schema(&self) -> Result<(), StoreError> {
        self.meta.insert("schema", encode(&SCHEMA_VERSION)?)?;
        self.durable()?;
        Ok(())
    }

    /// Bytes on disk, for diagnostics and the size budget.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}

pub(super) fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt { key: key.to_string(), reason: e.to_string() })
}

pub(super) fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt { key: "(encoding)".into(), reason: e.to_string() })
}

/// The last outbox sequence number given out, big-endian, in `meta`.
pub(super) const OUTBOX_SEQ: &str = "outbox_seq";

pub(super) fn seq_of(bytes: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(bytes).ok().map(u64::from_be_bytes)
}

pub(super) fn transaction_error(e: TransactionError<String>) -> StoreError {
    match e {
        TransactionError::Storage(e) => StoreError::Io(e),
        TransactionError::Abort(reason) => StoreError::Corrupt { key: "transaction".into(), reason },
    }
}

/// When a record was queued, for the back office and the screen; the till's clock is the
/// system's (the store is the app's side, not the pure core).
pub(super) fn wall_clock() -> Millis {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Millis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

pub(super) fn order_key(id: OrderId) -> [u8; 8] {
    id.to_be_bytes()
}

fn key_name(key: &[u8]) -> String {
    match <[u8; 8]>::try_from(key) {
        Ok(b) => format!("orders/{}", u64::from_be_bytes(b)),
        Err(_) => format!("orders/{key:02x?}"),
    }
}

impl Store for SledStore {
    fn save(&self, order: &Order, counters: &Counters) -> Result<(), StoreError> {
        let key = order_key(order.id);
        let value = encode(order)?;
        let counters = encode(counters)?;
        let settled = order.is_settled();
        let entries = outbox::entries(order);
        let created_at = wall_clock();
        (&self.orders, &self.unsettled, &self.numbers, &self.meta, &self.outbox, &self.outbox_keys)
            .transaction(|(orders, unsettled, numbers, meta, outbox, outbox_keys)| {
                orders.insert(&key, value.as_slice())?;
                if settled {
                    unsettled.remove(&key)?;
                } else {
                    unsettled.insert(&key, &[])?;
                }
                if let Some(n) = &order.number {
                    numbers.insert(n.as_bytes(), &key)?;
                }
                for a in &order.attempts {
                    numbers.insert(a.out_trade_no.as_bytes(), &key)?;
                }
                meta.insert("counters", counters.as_slice())?;
                let mut last = None;
                for entry in &entries {
                    if outbox_keys.get(entry.key.as_bytes())?.is_some() {
                        continue;
                    }
                    let seq = match last {
                        Some(seq) => seq,
                        None => meta.get(OUTBOX_SEQ)?.as_deref().and_then(seq_of).unwrap_or(0),
                    } + 1;
                    let body = entry.body(seq).map_err(|e| ConflictableTransactionError::Abort(e.to_string()))?;
                    let record = OutboxRecord {
                        seq,
                        key: entry.key.clone(),
                        kind: entry.kind,
                        order_number: entry.order_number.clone(),
                        body,
                        created_at,
                        state: OutboxState::Pending,
                        attempts: 0,
                        last_error: None,
                    };
                    let record =
                        serde_json::to_vec(&record).map_err(|e| ConflictableTransactionError::Abort(e.to_string()))?;
                    outbox.insert(&seq.to_be_bytes(), record)?;
                    outbox_keys.insert(entry.key.as_bytes(), &seq.to_be_bytes())?;
                    last = Some(seq);
                }
                if let Some(seq) = last {
                    meta.insert(OUTBOX_SEQ, &seq.to_be_bytes())?;
                }
                Ok(())
            })
            .map_err(transaction_error)?;
        self.durable()?;
        Ok(())
    }

    fn load_unsettled(&self) -> Result<(Vec<Order>, Option<Counters>), StoreError> {
        let mut orders = Vec::new();
        for key in self.unsettled.iter().keys() {
            let key = key?;
            match self.orders.get(&key)? {
                Some(v) => orders.push(decode(&key_name(&key), &v)?),
                None => return Err(StoreError::Corrupt { key: key_name(&key), reason: "indexed but missing".into() }),
            }
        }
        let counters = self.meta.get("counters")?.map(|v| decode("meta/counters", &v)).transpose()?;
        Ok((orders, counters))
    }

    fn order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        self.orders.get(order_key(id))?.map(|v| decode(&key_name(&order_key(id)), &v)).transpose()
    }

    fn order_by_number(&self, number: &str) -> Result<Option<Order>, StoreError> {
        match self.numbers.get(number.as_bytes())? {
            Some(key) => self.orders.get(&key)?.map(|v| decode(&key_name(&key), &v)).transpose(),
            None => Ok(None),
        }
    }

    fn orders(&self) -> Result<Vec<Order>, StoreError> {
        self.orders.iter().map(|kv| kv.map_err(StoreError::from).and_then(|(k, v)| decode(&key_name(&k), &v))).collect()
    }

    fn outbox_pending(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        self.outbox
            .iter()
            .take(limit)
            .map(|kv| kv.map_err(StoreError::from).and_then(|(k, v)| decode(&outbox_name(&k), &v)))
            .collect()
    }

    fn outbox_mark_delivered(&self, seq: u64) -> Result<(), StoreError> {
        let key = seq.to_be_bytes();
        let result: TransactionResult<(), String> = (&self.outbox, &self.outbox_done).transaction(|(outbox, done)| {
            if let Some(v) = outbox.remove(&key)? {
                let record: OutboxRecord = serde_json::from_slice(&v)
                    .map_err(|e| ConflictableTransactionError::Abort(format!("outbox/{seq}: {e}")))?;
                done.insert(&key, record.key.as_bytes())?;
            }
            Ok(())
        });
        result.map_err(transaction_error)?;
        self.durable()?;
        Ok(())
    }

    fn outbox_mark_failed(&self, seq: u64, error: &str) -> Result<(), StoreError> {
        let key = seq.to_be_bytes();
        let Some(v) = self.outbox.get(key)? else { return Ok(()) };
        let mut record: OutboxRecord = decode(&outbox_name(&key), &v)?;
        record.state = OutboxState::Failed;
        record.attempts += 1;
        record.last_error = Some(error.to_string());
        self.outbox.insert(key, encode(&record)?)?;
        self.durable()?;
        Ok(())
    }

    fn outbox_counts(&self) -> Result<(usize, usize), StoreError> {
        let (mut pending, mut failed) = (0, 0);
        for kv in self.outbox.iter() {
            let (k, v) = kv?;
            let record: OutboxRecord = decode(&outbox_name(&k), &v)?;
            match record.state {
                OutboxState::Pending => pending += 1,
                OutboxState::Failed => failed += 1,
            }
        }
        Ok((pending, failed))
    }

    fn write_records(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError> {
        self.write_records_sled(puts, dispatch)
    }

    fn record(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        self.record_sled(table, key)
    }

    fn records(&self, table: Table) -> Result<Vec<(String, String)>, StoreError> {
        self.records_sled(table)
    }

    fn append_record(&self, table: Table, value: &str) -> Result<u64, StoreError> {
        self.append_record_sled(table, value)
    }
}

fn outbox_name(key: &[u8]) -> String {
    match seq_of(key) {
        Some(seq) => format!("outbox/{seq}"),
        None => format!("outbox/{key:02x?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::money::Fen;
    use crate::core::order::{Line, OrderStatus};

    fn order(id: OrderId, status: OrderStatus) -> Order {
        let mut o = Order::new(id, Millis(1), "01".into());
        o.lines
            .push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 2 });
        o.status = status;
        o
    }

    #[test]
    fn saved_orders_survive_reopening_and_settled_ones_leave_the_unsettled_list() {
        let dir = tempfile::tempdir().expect("tempdir");
        let counters = Counters { next_order_id: 4, seq_day: 250301, seq: 7 };
        {
            let s = SledStore::open(dir.path()).expect("open");
            s.save(&order(1, OrderStatus::Open), &counters).expect("save");
            s.save(&order(2, OrderStatus::Paying), &counters).expect("save");
            let mut paid = order(3, OrderStatus::Paid);
            paid.number = Some("01000052250301010007".into());
            s.save(&paid, &counters).expect("save");
            s.save(&order(1, OrderStatus::Voided), &counters).expect("save");
        }
        let s = SledStore::open(dir.path()).expect("reopen");
        let (open, c) = s.load_unsettled().expect("load");
        assert_eq!(open.iter().map(|o| o.id).collect::<Vec<_>>(), vec![2]);
        assert_eq!(c, Some(counters));
        assert_eq!(s.orders().expect("all").len(), 3);
        assert_eq!(s.order_by_number("01000052250301010007").expect("by number").map(|o| o.id), Some(3));
        assert_eq!(s.order(1).expect("get").map(|o| o.status), Some(OrderStatus::Voided));
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let s = SledStore::open(dir.path()).expect("open");
            s.meta.insert("schema", b"99".as_slice()).expect("insert");
            s.db.flush().expect("flush");
        }
        assert!(matches!(SledStore::open(dir.path()), Err(StoreError::NewerSchema { found: 99 })));
        let db = sled::open(dir.path()).expect("raw open");
        assert_eq!(db.open_tree("meta").expect("tree").get("schema").expect("get").as_deref(), Some(b"99".as_slice()));
    }

    #[test]
    fn a_damaged_record_is_reported_not_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let s = SledStore::open(dir.path()).expect("open");
            s.save(&order(5, OrderStatus::Open), &Counters::default()).expect("save");
            s.orders.insert(order_key(5), b"{not json".as_slice()).expect("insert");
            s.db.flush().expect("flush");
        }
        let s = SledStore::open(dir.path()).expect("open");
        assert!(matches!(s.load_unsettled(), Err(StoreError::Corrupt { key, .. }) if key == "orders/5"));
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod outbox_tests;

#[cfg(test)]
#[path = "records_tests.rs"]
mod records_tests;
