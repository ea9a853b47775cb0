//! A fake store for tests: it keeps nothing, answers as an empty store, and writes each call it
//! gets into a [`Journal`] (so a test can see what a wrapper passed on, and in what order).

use super::{Dispatch, Moved, OutboxRecord, Put, Store, StoreError, Table};
use crate::core::Counters;
use crate::core::order::{Order, OrderId};
use crate::devices::fake::Journal;

/// An empty store that journals each call, e.g. `outbox_mark_delivered_batch [1, 2, 3]`.
#[derive(Clone, Default)]
pub struct RecordingStore(pub Journal);

impl Store for RecordingStore {
    fn save(&self, order: &Order, _: &Counters) -> Result<Moved, StoreError> {
        self.0.push(format!("save {}", order.id));
        Ok(Vec::new())
    }
    fn load_unsettled(&self) -> Result<(Vec<Order>, Option<Counters>), StoreError> {
        self.0.push("load_unsettled");
        Ok((vec![], None))
    }
    fn order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        self.0.push(format!("order {id}"));
        Ok(None)
    }
    fn order_by_number(&self, number: &str) -> Result<Option<Order>, StoreError> {
        self.0.push(format!("order_by_number {number}"));
        Ok(None)
    }
    fn orders(&self) -> Result<Vec<Order>, StoreError> {
        self.0.push("orders");
        Ok(vec![])
    }
    fn outbox_pending(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        self.0.push(format!("outbox_pending {limit}"));
        Ok(vec![])
    }
    fn outbox_mark_delivered(&self, seq: u64) -> Result<(), StoreError> {
        self.0.push(format!("outbox_mark_delivered {seq}"));
        Ok(())
    }
    fn outbox_mark_delivered_batch(&self, seqs: &[u64]) -> Result<(), StoreError> {
        self.0.push(format!("outbox_mark_delivered_batch {seqs:?}"));
        Ok(())
    }
    fn outbox_mark_failed(&self, seq: u64, error: &str) -> Result<(), StoreError> {
        self.0.push(format!("outbox_mark_failed {seq} {error}"));
        Ok(())
    }
    fn outbox_counts(&self) -> Result<(usize, usize), StoreError> {
        self.0.push("outbox_counts");
        Ok((0, 0))
    }
    fn write_records(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError> {
        self.0.push(format!("write_records {} {}", puts.len(), dispatch.is_some()));
        Ok(())
    }
    fn record(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        self.0.push(format!("record {table:?} {key}"));
        Ok(None)
    }
    fn records(&self, table: Table) -> Result<Vec<(String, String)>, StoreError> {
        self.0.push(format!("records {table:?}"));
        Ok(vec![])
    }
    /// Always sequence number 1: nothing is kept.
    fn append_record(&self, table: Table, value: &str) -> Result<u64, StoreError> {
        self.0.push(format!("append_record {table:?} {value}"));
        Ok(1)
    }
    fn stock_from_office(&self, levels: &[(String, i64)], own: &[u64], version: i64) -> Result<Moved, StoreError> {
        self.0.push(format!("stock_from_office {} {own:?} {version}", levels.len()));
        Ok(Vec::new())
    }
}
