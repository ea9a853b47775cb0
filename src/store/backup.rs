//! `till export` / `till import`: the whole store as JSON lines, for backup and migration.
//!
//! The first line is a header:
//! `{"till_export":1,"schema":3,"orders":N,"outbox":P,"delivered":D,"records":R}`.
//! Then one line each: `{"counters":…}` (if any), `{"outbox_seq":n}`, `{"order":…}` per order
//! (attempts and refunds inside), `{"outbox":…}` per record the back office does not have yet,
//! `{"delivered":{"seq":…,"key":…}}` per record it has, and `{"record":{"table":…,"key":…,"value":…}}`
//! per shop record (operators, shifts, audit log, catalogue, stock, settings). Export reads one
//! snapshot (a read transaction), so its counts are exact while the till goes on writing. Import goes
//! only into an empty store, in one transaction committed only if every line reads and the counts
//! match the header: a short or damaged file leaves the store empty. A sled store's export (schema
//! 2 or 3, same format) imports unchanged: that is how an earlier till's data is carried over.

use super::codec::{decode, pack_json};
use super::outbox::OutboxRecord;
use super::records::Table;
use super::redb_records::{record_key, seq_key};
use super::redb_store::{
    COUNTERS, META, NUMBERS, ORDERS, OUTBOX, OUTBOX_DONE, OUTBOX_KEYS, OUTBOX_SEQ, RECORDS, RedbStore, UNSETTLED,
    numbers_of, seq_of,
};
use super::{SCHEMA_VERSION, StoreError};
use crate::core::Counters;
use crate::core::order::Order;
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// The version of this file format.
pub const EXPORT_FORMAT: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub till_export: u32,
    pub schema: u32,
    pub orders: u64,
    pub outbox: u64,
    pub delivered: u64,
    /// Shop records (schema 3; an export of schema 2 has none).
    #[serde(default)]
    pub records: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub table: Table,
    pub key: String,
    /// The record's JSON text.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    pub seq: u64,
    pub key: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Line {
    Counters(Counters),
    OutboxSeq(u64),
    Order(Box<Order>),
    Outbox(Box<OutboxRecord>),
    Delivered(Delivered),
    Record(Record),
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading the input or writing the output failed (a closed pipe, a full disk).
    #[error("backup file: {0}")]
    Io(#[from] std::io::Error),
    /// Import into a store that already has orders or records: refused, nothing written.
    #[error("the store is not empty ({0}): import only into an empty data directory")]
    NotEmpty(String),
    /// The file is not an export this till reads, or a line is damaged; the store is left empty.
    #[error("not a till export this version reads: {0}")]
    Format(String),
}

fn json<T: Serialize>(value: &T) -> Result<String, BackupError> {
    serde_json::to_string(value).map_err(|e| BackupError::Format(e.to_string()))
}

/// redb's errors, through the store's.
macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for BackupError {
            fn from(e: $t) -> BackupError {
                BackupError::Store(StoreError::from(e))
            }
        }
    )*};
}
from_redb!(redb::StorageError, redb::TableError, redb::TransactionError, redb::CommitError);

fn format<E: std::fmt::Display>(e: E) -> BackupError {
    BackupError::Format(e.to_string())
}

impl RedbStore {
    /// Writes the whole store to `out`; returns the header written.
    pub fn export(&self, out: &mut impl Write) -> Result<Header, BackupError> {
        self.export_scoped(out, true)
    }

    /// The maintenance menu's export to a USB stick: the whole store but the operators' PIN hashes
    /// (a stick gets lost; a hash of a 4-digit PIN is guessed offline in seconds). Each operator
    /// comes back with no PIN and must be given one (`till operators reset-pin`).
    pub fn export_without_pins(&self, out: &mut impl Write) -> Result<Header, BackupError> {
        self.export_scoped(out, false)
    }

    fn export_scoped(&self, out: &mut impl Write, pins: bool) -> Result<Header, BackupError> {
        let txn = self.snapshot()?;
        let orders = txn.open_table(ORDERS)?;
        let outbox = txn.open_table(OUTBOX)?;
        let done = txn.open_table(OUTBOX_DONE)?;
        let records = txn.open_table(RECORDS)?;
        let meta = txn.open_table(META)?;
        let header = Header {
            till_export: EXPORT_FORMAT,
            schema: SCHEMA_VERSION,
            orders: orders.len()?,
            outbox: outbox.len()?,
            delivered: done.len()?,
            records: records.len()?,
        };
        writeln!(out, "{}", json(&header)?)?;
        if let Some(v) = meta.get(COUNTERS)? {
            let c: Counters = serde_json::from_slice(v.value()).map_err(format)?;
            writeln!(out, "{}", json(&Line::Counters(c))?)?;
        }
        let seq = meta.get(OUTBOX_SEQ)?.and_then(|v| seq_of(v.value())).unwrap_or(0);
        writeln!(out, "{}", json(&Line::OutboxSeq(seq))?)?;
        let mut counted = Header { orders: 0, outbox: 0, delivered: 0, records: 0, ..header };
        for entry in orders.iter()? {
            let (k, v) = entry?;
            let order: Order = decode(&format!("orders/{}", k.value()), v.value())?;
            writeln!(out, "{}", json(&Line::Order(Box::new(order)))?)?;
            counted.orders += 1;
        }
        for entry in outbox.iter()? {
            let (k, v) = entry?;
            let record: OutboxRecord = decode(&format!("outbox/{}", k.value()), v.value())?;
            writeln!(out, "{}", json(&Line::Outbox(Box::new(record)))?)?;
            counted.outbox += 1;
        }
        for entry in done.iter()? {
            let (k, v) = entry?;
            let key = String::from_utf8(v.value().to_vec()).map_err(format)?;
            writeln!(out, "{}", json(&Line::Delivered(Delivered { seq: k.value(), key }))?)?;
            counted.delivered += 1;
        }
        for entry in records.iter()? {
            let (k, v) = entry?;
            let name = String::from_utf8(k.value().to_vec()).map_err(format)?;
            let (table, key) = name
                .split_once('/')
                .and_then(|(t, k)| Some((Table::from_name(t)?, k.to_string())))
                .ok_or_else(|| BackupError::Format(format!("record key {name:?}")))?;
            let mut value = String::from_utf8(v.value().to_vec()).map_err(format)?;
            if !pins && table == Table::Operators {
                value = without_pin(&value)?;
            }
            writeln!(out, "{}", json(&Line::Record(Record { table, key, value }))?)?;
            counted.records += 1;
        }
        out.flush()?;
        // One snapshot: the counts cannot differ unless the file is damaged.
        if counted != header {
            return Err(BackupError::Format(format!("counted {counted:?}, header said {header:?}")));
        }
        Ok(header)
    }

    /// Reads an export into this store, which must be empty. Returns the header read. Every value
    /// is checked ([`import_with`](RedbStore::import_with) with no further check of PIN hashes).
    pub fn import(&self, input: impl BufRead) -> Result<Header, BackupError> {
        self.import_with(input, &|_| Ok(()))
    }

    /// As [`import`](RedbStore::import); `pin_hash_ok` also checks each operator's PIN hash (its
    /// parameters: `till import` refuses any but the till's own).
    pub fn import_with(
        &self,
        input: impl BufRead,
        pin_hash_ok: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<Header, BackupError> {
        self.write_with(|txn| {
            let orders = txn.open_table(ORDERS)?.len()?;
            let outbox = txn.open_table(OUTBOX)?.len()?;
            let done = txn.open_table(OUTBOX_DONE)?.len()?;
            let records = txn.open_table(RECORDS)?.len()?;
            if orders + outbox + done + records > 0 {
                return Err(BackupError::NotEmpty(format!(
                    "{orders} orders, {outbox} records queued, {done} delivered, {records} shop records"
                )));
            }
            // An error drops the transaction: the store stays empty, as it was.
            import_lines(txn, input, pin_hash_ok)
        })
    }
}

/// An operator record with its PIN hash taken out: a PIN must be set before they sign in.
fn without_pin(operator: &str) -> Result<String, BackupError> {
    let mut value: serde_json::Value = serde_json::from_str(operator).map_err(format)?;
    let Some(fields) = value.as_object_mut() else { return Err(BackupError::Format("operator record".into())) };
    fields.insert("pin_hash".into(), serde_json::Value::String(String::new()));
    fields.insert("must_change_pin".into(), serde_json::Value::Bool(true));
    json(&value)
}

/// Most an order id may be: the till counts on from the largest one, far from overflow.
pub const MAX_ORDER_ID: u64 = 1 << 53;

/// What the lines read so far say, checked against each other once all are read.
#[derive(Default)]
struct Seen {
    /// The counters and their line.
    counters: Option<(Counters, usize)>,
    /// The largest order id and its line.
    max_id: Option<(u64, usize)>,
    /// By day (`yymmdd`): the highest sequence number of this till's order numbers and its line.
    day_seq: std::collections::BTreeMap<u32, (u32, usize)>,
}

/// The day (`yymmdd`) and sequence of an order number: prefix (8), day, till, sequence (24 digits;
/// 20 in numbers issued before run floors, with a 4-digit sequence).
fn day_and_seq(number: &str) -> Option<(u32, u32)> {
    if !matches!(number.len(), 20 | 24) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((number.get(8..14)?.parse().ok()?, number.get(16..)?.parse().ok()?))
}

fn refuse(line: usize, why: impl std::fmt::Display) -> BackupError {
    BackupError::Format(format!("line {line}: {why}"))
}

/// The checks of one order line that need no other line.
fn check_order(order: &Order, line: usize) -> Result<(), BackupError> {
    if order.id == 0 || order.id > MAX_ORDER_ID {
        return Err(refuse(line, format!("order id {} is out of range (1 to {MAX_ORDER_ID})", order.id)));
    }
    if order.lines.iter().any(|l| l.unit_price < crate::core::money::Fen::ZERO) || order.checked_total().is_none() {
        return Err(refuse(line, format!("order {}: a price or its total is out of range", order.id)));
    }
    Ok(())
}

/// The checks across lines, once all are read.
fn check_seen(seen: &Seen, orders: u64) -> Result<(), BackupError> {
    let Some((counters, at)) = seen.counters else {
        return match orders {
            0 => Ok(()),
            _ => Err(BackupError::Format("orders without counters: the till would number them again".into())),
        };
    };
    if let Some((max, line)) = seen.max_id
        && counters.next_order_id <= max
    {
        return Err(refuse(
            at,
            format!("next_order_id {} is not past order {max} (line {line})", counters.next_order_id),
        ));
    }
    if counters.next_order_id > MAX_ORDER_ID + 1 {
        return Err(refuse(at, format!("next_order_id {} is out of range", counters.next_order_id)));
    }
    if let Some((seq, line)) = seen.day_seq.get(&counters.seq_day)
        && *seq > counters.seq
    {
        return Err(refuse(
            at,
            format!(
                "sequence {} of day {} is behind order number {seq} of that day (line {line})",
                counters.seq, counters.seq_day
            ),
        ));
    }
    Ok(())
}

fn import_lines(
    txn: &WriteTransaction,
    input: impl BufRead,
    pin_hash_ok: &dyn Fn(&str) -> Result<(), String>,
) -> Result<Header, BackupError> {
    let mut lines = input.lines();
    let first = lines.next().ok_or_else(|| BackupError::Format("empty input".into()))??;
    let header: Header = serde_json::from_str(&first).map_err(|e| BackupError::Format(format!("header: {e}")))?;
    // Schema 2 differs from 3 only by having no shop records; 4 (redb) writes the same lines as 3.
    if header.till_export != EXPORT_FORMAT || !(2..=SCHEMA_VERSION).contains(&header.schema) {
        return Err(BackupError::Format(format!(
            "format {} schema {} (this till: format {EXPORT_FORMAT}, schema {SCHEMA_VERSION})",
            header.till_export, header.schema
        )));
    }
    let mut counted = Header { orders: 0, outbox: 0, delivered: 0, records: 0, ..header };
    let mut orders = txn.open_table(ORDERS)?;
    let mut unsettled = txn.open_table(UNSETTLED)?;
    let mut numbers = txn.open_table(NUMBERS)?;
    let mut meta = txn.open_table(META)?;
    let mut outbox = txn.open_table(OUTBOX)?;
    let mut keys = txn.open_table(OUTBOX_KEYS)?;
    let mut done = txn.open_table(OUTBOX_DONE)?;
    let mut records = txn.open_table(RECORDS)?;
    let mut seen = Seen::default();
    for (n, line) in lines.enumerate() {
        let at = n + 2;
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line =
            serde_json::from_str(&line).map_err(|e| BackupError::Format(format!("line {}: {e}", n + 2)))?;
        match parsed {
            Line::Counters(c) => {
                if seen.counters.replace((c, at)).is_some() {
                    return Err(refuse(at, "counters twice"));
                }
                meta.insert(COUNTERS, json(&c)?.as_bytes())?;
            }
            Line::OutboxSeq(seq) => {
                meta.insert(OUTBOX_SEQ, seq.to_be_bytes().as_slice())?;
            }
            Line::Order(order) => {
                check_order(&order, at)?;
                if orders.insert(order.id, pack_json(json(&order)?.as_bytes()).as_slice())?.is_some() {
                    return Err(refuse(at, format!("order {} twice", order.id)));
                }
                if !order.is_settled() {
                    unsettled.insert(order.id, ())?;
                }
                for number in numbers_of(&order) {
                    // A number names one order: never re-pointed at another.
                    if let Some(other) = numbers.insert(number.as_bytes(), order.id)?.map(|v| v.value())
                        && other != order.id
                    {
                        return Err(refuse(
                            at,
                            format!("order {} has number {number}, already order {other}'s", order.id),
                        ));
                    }
                    // Orders of other tills (looked up, not sold here) do not count in this till's sequence.
                    if let Some((day, seq)) = day_and_seq(number).filter(|_| !order.imported) {
                        let best = seen.day_seq.entry(day).or_insert((seq, at));
                        if seq > best.0 {
                            *best = (seq, at);
                        }
                    }
                }
                if seen.max_id.is_none_or(|(max, _)| order.id > max) {
                    seen.max_id = Some((order.id, at));
                }
                counted.orders += 1;
            }
            Line::Outbox(record) => {
                keys.insert(record.key.as_bytes(), record.seq)?;
                outbox.insert(record.seq, pack_json(json(&record)?.as_bytes()).as_slice())?;
                counted.outbox += 1;
            }
            Line::Delivered(d) => {
                keys.insert(d.key.as_bytes(), d.seq)?;
                done.insert(d.seq, d.key.as_bytes())?;
                counted.delivered += 1;
            }
            Line::Record(r) => {
                if r.table == Table::Operators {
                    let op: crate::core::auth::Operator =
                        serde_json::from_str(&r.value).map_err(|e| refuse(at, format!("operator {}: {e}", r.key)))?;
                    if op.number != r.key {
                        return Err(refuse(at, format!("operator record {} holds operator {}", r.key, op.number)));
                    }
                    if !op.pin_hash.0.is_empty() {
                        pin_hash_ok(&op.pin_hash.0)
                            .map_err(|why| refuse(at, format!("operator {}: {why}", op.number)))?;
                    }
                }
                records.insert(record_key(r.table, &r.key).as_slice(), r.value.as_bytes())?;
                // An appended record's key is its sequence number: appending goes on after it.
                if let Ok(seq) = r.key.parse::<u64>() {
                    let name = seq_key(r.table);
                    let last = meta.get(name.as_slice())?.and_then(|v| seq_of(v.value()));
                    let next = seq.max(last.unwrap_or(0));
                    meta.insert(name.as_slice(), next.to_be_bytes().as_slice())?;
                }
                counted.records += 1;
            }
        }
    }
    check_seen(&seen, counted.orders)?;
    if counted != header {
        return Err(BackupError::Format(format!(
            "the file has {} orders, {} queued and {} delivered records and {} shop records; its header \
             says {}, {}, {}, {} (truncated?)",
            counted.orders,
            counted.outbox,
            counted.delivered,
            counted.records,
            header.orders,
            header.outbox,
            header.delivered,
            header.records
        )));
    }
    Ok(header)
}

#[cfg(test)]
#[path = "backup_tests.rs"]
mod tests;
