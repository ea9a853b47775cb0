//! `till export` / `till import`: the whole store as JSON lines, for backup and migration.
//!
//! The first line is a header:
//! `{"till_export":1,"schema":3,"orders":N,"outbox":P,"delivered":D,"records":R}`.
//! Then one line each: `{"counters":…}` (if any), `{"outbox_seq":n}`, `{"order":…}` per order
//! (attempts and refunds inside), `{"outbox":…}` per record the back office does not have yet,
//! `{"delivered":{"seq":…,"key":…}}` per record it has, and `{"record":{"table":…,"key":…,"value":…}}`
//! per shop record (operators, shifts, audit log, catalogue, stock, settings). Import goes only into an empty store, checks
//! the counts against the header, and flushes; a short or damaged file leaves the store empty.

use super::outbox::OutboxRecord;
use super::records::Table;
use super::sled_store::{SledStore, order_key, seq_of};
use super::{SCHEMA_VERSION, Store, StoreError};
use crate::core::Counters;
use crate::core::order::Order;
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

impl SledStore {
    /// Writes the whole store to `out`; returns the header written.
    pub fn export(&self, out: &mut impl Write) -> Result<Header, BackupError> {
        let header = Header {
            till_export: EXPORT_FORMAT,
            schema: SCHEMA_VERSION,
            orders: self.orders.len() as u64,
            outbox: self.outbox.len() as u64,
            delivered: self.outbox_done.len() as u64,
            records: self.records.len() as u64,
        };
        writeln!(out, "{}", json(&header)?)?;
        if let Some(v) = self.meta.get("counters").map_err(StoreError::from)? {
            let c: Counters = serde_json::from_slice(&v).map_err(|e| BackupError::Format(e.to_string()))?;
            writeln!(out, "{}", json(&Line::Counters(c))?)?;
        }
        let seq = self.meta.get(super::sled_store::OUTBOX_SEQ).map_err(StoreError::from)?;
        writeln!(out, "{}", json(&Line::OutboxSeq(seq.as_deref().and_then(seq_of).unwrap_or(0)))?)?;
        let mut counted = Header { orders: 0, outbox: 0, delivered: 0, records: 0, ..header };
        for kv in self.orders.iter() {
            let (_, v) = kv.map_err(StoreError::from)?;
            let order: Order = serde_json::from_slice(&v).map_err(|e| BackupError::Format(e.to_string()))?;
            writeln!(out, "{}", json(&Line::Order(Box::new(order)))?)?;
            counted.orders += 1;
        }
        for record in self.outbox_pending(usize::MAX)? {
            writeln!(out, "{}", json(&Line::Outbox(Box::new(record)))?)?;
            counted.outbox += 1;
        }
        for kv in self.outbox_done.iter() {
            let (k, v) = kv.map_err(StoreError::from)?;
            let seq = seq_of(&k).ok_or_else(|| BackupError::Format("outbox_done key".into()))?;
            let key = String::from_utf8(v.to_vec()).map_err(|e| BackupError::Format(e.to_string()))?;
            writeln!(out, "{}", json(&Line::Delivered(Delivered { seq, key }))?)?;
            counted.delivered += 1;
        }
        for table in Table::ALL {
            for (key, value) in self.records(table)? {
                writeln!(out, "{}", json(&Line::Record(Record { table, key, value }))?)?;
                counted.records += 1;
            }
        }
        out.flush()?;
        // sled's len() is exact, but the store may be written meanwhile by nothing else (its lock).
        if counted != header {
            return Err(BackupError::Format(format!("counted {counted:?}, header said {header:?}")));
        }
        Ok(header)
    }

    /// Reads an export into this store, which must be empty. Returns the header read.
    pub fn import(&self, input: impl BufRead) -> Result<Header, BackupError> {
        if !self.orders.is_empty()
            || !self.outbox.is_empty()
            || !self.outbox_done.is_empty()
            || !self.records.is_empty()
        {
            return Err(BackupError::NotEmpty(format!(
                "{} orders, {} records queued, {} delivered, {} shop records",
                self.orders.len(),
                self.outbox.len(),
                self.outbox_done.len(),
                self.records.len()
            )));
        }
        let result = self.import_lines(input);
        if result.is_err() {
            // Leave it empty, as it was, rather than half imported.
            for tree in [
                &self.orders,
                &self.unsettled,
                &self.numbers,
                &self.outbox,
                &self.outbox_keys,
                &self.outbox_done,
                &self.records,
            ] {
                tree.clear().map_err(StoreError::from)?;
            }
            for table in Table::ALL {
                self.meta.remove(format!("seq/{}", table.name())).map_err(StoreError::from)?;
            }
            self.meta.remove("counters").map_err(StoreError::from)?;
            self.meta.remove(super::sled_store::OUTBOX_SEQ).map_err(StoreError::from)?;
        }
        self.durable()?;
        result
    }

    fn import_lines(&self, input: impl BufRead) -> Result<Header, BackupError> {
        let mut lines = input.lines();
        let first = lines.next().ok_or_else(|| BackupError::Format("empty input".into()))??;
        let header: Header = serde_json::from_str(&first).map_err(|e| BackupError::Format(format!("header: {e}")))?;
        // Schema 2 differs from 3 only by having no shop records.
        if header.till_export != EXPORT_FORMAT || !(2..=SCHEMA_VERSION).contains(&header.schema) {
            return Err(BackupError::Format(format!(
                "format {} schema {} (this till: format {EXPORT_FORMAT}, schema {SCHEMA_VERSION})",
                header.till_export, header.schema
            )));
        }
        let mut counted = Header { orders: 0, outbox: 0, delivered: 0, records: 0, ..header };
        let io = |e: sled::Error| BackupError::Store(StoreError::from(e));
        for (n, line) in lines.enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let parsed: Line =
                serde_json::from_str(&line).map_err(|e| BackupError::Format(format!("line {}: {e}", n + 2)))?;
            match parsed {
                Line::Counters(c) => {
                    self.meta.insert("counters", json(&c)?.as_bytes()).map_err(io)?;
                }
                Line::OutboxSeq(seq) => {
                    self.meta.insert(super::sled_store::OUTBOX_SEQ, &seq.to_be_bytes()).map_err(io)?;
                }
                Line::Order(order) => {
                    let key = order_key(order.id);
                    if self.orders.insert(key, json(&order)?.as_bytes()).map_err(io)?.is_some() {
                        return Err(BackupError::Format(format!("order {} twice", order.id)));
                    }
                    if !order.is_settled() {
                        self.unsettled.insert(key, &[]).map_err(io)?;
                    }
                    for number in order.number.iter().chain(order.attempts.iter().map(|a| &a.out_trade_no)) {
                        self.numbers.insert(number.as_bytes(), &key).map_err(io)?;
                    }
                    counted.orders += 1;
                }
                Line::Outbox(record) => {
                    let seq = record.seq.to_be_bytes();
                    self.outbox_keys.insert(record.key.as_bytes(), &seq).map_err(io)?;
                    self.outbox.insert(seq, json(&record)?.as_bytes()).map_err(io)?;
                    counted.outbox += 1;
                }
                Line::Delivered(d) => {
                    let seq = d.seq.to_be_bytes();
                    self.outbox_keys.insert(d.key.as_bytes(), &seq).map_err(io)?;
                    self.outbox_done.insert(seq, d.key.as_bytes()).map_err(io)?;
                    counted.delivered += 1;
                }
                Line::Record(r) => {
                    let key = format!("{}/{}", r.table.name(), r.key);
                    self.records.insert(key.as_bytes(), r.value.as_bytes()).map_err(io)?;
                    // An appended record's key is its sequence number: appending goes on after it.
                    if let Ok(seq) = r.key.parse::<u64>() {
                        let name = format!("seq/{}", r.table.name());
                        let last = self.meta.get(&name).map_err(io)?.as_deref().and_then(seq_of).unwrap_or(0);
                        self.meta.insert(name, &seq.max(last).to_be_bytes()).map_err(io)?;
                    }
                    counted.records += 1;
                }
            }
        }
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
}
