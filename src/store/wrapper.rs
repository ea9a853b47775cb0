//! A store that adds something to another store (wakes the sync task after a save, times saves,
//! counts calls) and passes everything else through.
//!
//! Written by hand, such a wrapper repeats every method of [`Store`], and one that missed
//! `outbox_mark_delivered_batch` would once have fallen back to one flushed write per record. Here
//! a wrapper names its inner store and overrides only what it changes; the blanket `impl Store`
//! below passes on every call, and a method added to [`Store`] does not compile until it is added
//! here too.
//!
//! The methods share their names with [`Store`]'s: implement this trait by its path
//! (`impl store::Wrapper for …`) rather than importing it next to `Store` where the wrapper's own
//! methods are called, or each call must name its trait.

use super::{Dispatch, Moved, OutboxRecord, Put, Store, StoreError, Table};
use crate::core::Counters;
use crate::core::order::{Order, OrderId};

/// A [`Store`] that passes every call to [`Wrapper::inner`] unless it overrides the method.
pub trait Wrapper: Send + Sync {
    /// The store calls are passed to.
    fn inner(&self) -> &dyn Store;

    fn save(&self, order: &Order, counters: &Counters) -> Result<Moved, StoreError> {
        self.inner().save(order, counters)
    }
    fn load_unsettled(&self) -> Result<(Vec<Order>, Option<Counters>), StoreError> {
        self.inner().load_unsettled()
    }
    fn order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        self.inner().order(id)
    }
    fn order_by_number(&self, number: &str) -> Result<Option<Order>, StoreError> {
        self.inner().order_by_number(number)
    }
    fn orders(&self) -> Result<Vec<Order>, StoreError> {
        self.inner().orders()
    }
    fn outbox_pending(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        self.inner().outbox_pending(limit)
    }
    fn outbox_mark_delivered(&self, seq: u64) -> Result<(), StoreError> {
        self.inner().outbox_mark_delivered(seq)
    }
    fn outbox_mark_delivered_batch(&self, seqs: &[u64]) -> Result<(), StoreError> {
        self.inner().outbox_mark_delivered_batch(seqs)
    }
    fn outbox_mark_failed(&self, seq: u64, error: &str) -> Result<(), StoreError> {
        self.inner().outbox_mark_failed(seq, error)
    }
    fn outbox_counts(&self) -> Result<(usize, usize), StoreError> {
        self.inner().outbox_counts()
    }
    fn write_records(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError> {
        self.inner().write_records(puts, dispatch)
    }
    fn record(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        self.inner().record(table, key)
    }
    fn records(&self, table: Table) -> Result<Vec<(String, String)>, StoreError> {
        self.inner().records(table)
    }
    fn append_record(&self, table: Table, value: &str) -> Result<u64, StoreError> {
        self.inner().append_record(table, value)
    }
    fn stock_from_office(&self, levels: &[(String, i64)], own: &[u64], version: i64) -> Result<Moved, StoreError> {
        self.inner().stock_from_office(levels, own, version)
    }
}

impl<W: Wrapper> Store for W {
    fn save(&self, order: &Order, counters: &Counters) -> Result<Moved, StoreError> {
        Wrapper::save(self, order, counters)
    }
    fn load_unsettled(&self) -> Result<(Vec<Order>, Option<Counters>), StoreError> {
        Wrapper::load_unsettled(self)
    }
    fn order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        Wrapper::order(self, id)
    }
    fn order_by_number(&self, number: &str) -> Result<Option<Order>, StoreError> {
        Wrapper::order_by_number(self, number)
    }
    fn orders(&self) -> Result<Vec<Order>, StoreError> {
        Wrapper::orders(self)
    }
    fn outbox_pending(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        Wrapper::outbox_pending(self, limit)
    }
    fn outbox_mark_delivered(&self, seq: u64) -> Result<(), StoreError> {
        Wrapper::outbox_mark_delivered(self, seq)
    }
    fn outbox_mark_delivered_batch(&self, seqs: &[u64]) -> Result<(), StoreError> {
        Wrapper::outbox_mark_delivered_batch(self, seqs)
    }
    fn outbox_mark_failed(&self, seq: u64, error: &str) -> Result<(), StoreError> {
        Wrapper::outbox_mark_failed(self, seq, error)
    }
    fn outbox_counts(&self) -> Result<(usize, usize), StoreError> {
        Wrapper::outbox_counts(self)
    }
    fn write_records(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError> {
        Wrapper::write_records(self, puts, dispatch)
    }
    fn record(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        Wrapper::record(self, table, key)
    }
    fn records(&self, table: Table) -> Result<Vec<(String, String)>, StoreError> {
        Wrapper::records(self, table)
    }
    fn append_record(&self, table: Table, value: &str) -> Result<u64, StoreError> {
        Wrapper::append_record(self, table, value)
    }
    fn stock_from_office(&self, levels: &[(String, i64)], own: &[u64], version: i64) -> Result<Moved, StoreError> {
        Wrapper::stock_from_office(self, levels, own, version)
    }
}

#[cfg(test)]
#[path = "wrapper_tests.rs"]
mod tests;
