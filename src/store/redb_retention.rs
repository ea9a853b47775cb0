//! Retention: orders the till has nothing left to do with leave the store, and a file left mostly
//! empty by that is compacted, so the store stays bounded on a small SD card.

use super::StoreError;
use super::outbox;
use super::redb_store::{NUMBERS, ORDERS, OUTBOX, OUTBOX_KEYS, RedbStore, UNSETTLED, decode, numbers_of, order_name};
use crate::core::clock::Millis;
use crate::core::order::Order;
use redb::{Database, ReadableTable, WriteTransaction};

/// Orders removed per transaction: each is short, so a sale saved meanwhile waits little.
const BATCH: usize = 500;

/// Whether `order` can go: settled (no payment or refund in doubt), closed before `cutoff`, and
/// every record it makes for the back office delivered. An order never queued (from before the
/// outbox) or still pending or refused stays; one that makes no record (voided, imported) has
/// nothing to deliver.
fn removable(
    order: &Order,
    cutoff: Millis,
    keys: &impl ReadableTable<&'static [u8], u64>,
    queued: &impl ReadableTable<u64, &'static [u8]>,
) -> Result<bool, StoreError> {
    if !order.is_settled() || order.closed_at.unwrap_or(order.opened_at) >= cutoff {
        return Ok(false);
    }
    for e in outbox::entries(order) {
        if let Some(first) = &e.requires
            && keys.get(first.as_bytes())?.is_none()
        {
            continue; // a resolution of an attempt never in doubt: never queued
        }
        match keys.get(e.key.as_bytes())?.map(|v| v.value()) {
            Some(seq) if queued.get(seq)?.is_none() => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

impl RedbStore {
    /// Removes the orders closed before `cutoff` that are settled and delivered (see
    /// [`removable`]), then compacts the file if that left most of it unused. Returns how many
    /// were removed.
    pub fn compact_closed_before(&self, cutoff: Millis) -> Result<usize, StoreError> {
        // Chosen on a snapshot (sales go on meanwhile), decided again in each removal's transaction.
        let candidates = self.read(|txn| {
            let (keys, queued) = (txn.open_table(OUTBOX_KEYS)?, txn.open_table(OUTBOX)?);
            let mut out = Vec::new();
            for entry in txn.open_table(ORDERS)?.iter()? {
                let (k, v) = entry?;
                let order: Order = decode(&order_name(k.value()), v.value())?;
                if removable(&order, cutoff, &keys, &queued)? {
                    out.push(order.id);
                }
            }
            Ok(out)
        })?;
        let mut removed = 0;
        for batch in candidates.chunks(BATCH) {
            removed += self.write(|txn| remove(txn, batch, cutoff))?;
        }
        if removed > 0 {
            self.compact_if_sparse()?;
        }
        Ok(removed)
    }

    /// How the file is used: what the diagnostics and the size budget look at.
    pub fn usage(&self) -> Result<Usage, StoreError> {
        let db = self.db.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        usage(&db, &self.file)
    }

    /// Compacts the file when less than half of it holds data. redb reuses freed pages anyway;
    /// this gives the space back after a large removal. Every other store call waits meanwhile.
    pub fn compact_if_sparse(&self) -> Result<bool, StoreError> {
        let mut db = self.db.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let before = usage(&db, &self.file)?;
        if before.allocated.saturating_mul(2) >= before.file {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        while db.compact()? {}
        let after = std::fs::metadata(&self.file)?.len();
        tracing::info!(before = before.file, after, ms = started.elapsed().as_millis() as u64, "order store compacted");
        Ok(true)
    }
}

/// Bytes of the store file by use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// The file's length.
    pub file: u64,
    /// In pages redb has allocated (the rest is free for reuse).
    pub allocated: u64,
    /// Keys and values themselves.
    pub stored: u64,
    /// B-tree bookkeeping.
    pub metadata: u64,
    /// Unused space inside allocated pages.
    pub fragmented: u64,
}

fn usage(db: &Database, file: &std::path::Path) -> Result<Usage, StoreError> {
    let txn = db.begin_write()?;
    let stats = txn.stats()?;
    txn.abort()?;
    Ok(Usage {
        file: std::fs::metadata(file)?.len(),
        allocated: stats.allocated_pages() * stats.page_size() as u64,
        stored: stats.stored_bytes(),
        metadata: stats.metadata_bytes(),
        fragmented: stats.fragmented_bytes(),
    })
}

fn remove(txn: &WriteTransaction, ids: &[u64], cutoff: Millis) -> Result<usize, StoreError> {
    let mut orders = txn.open_table(ORDERS)?;
    let mut unsettled = txn.open_table(UNSETTLED)?;
    let mut numbers = txn.open_table(NUMBERS)?;
    let (keys, queued) = (txn.open_table(OUTBOX_KEYS)?, txn.open_table(OUTBOX)?);
    let mut removed = 0;
    for &id in ids {
        let Some(bytes) = orders.get(id)?.map(|v| v.value().to_vec()) else { continue };
        let order: Order = decode(&order_name(id), &bytes)?;
        if !removable(&order, cutoff, &keys, &queued)? {
            continue;
        }
        orders.remove(id)?;
        unsettled.remove(id)?;
        for n in numbers_of(&order) {
            if numbers.get(n.as_bytes())?.map(|v| v.value()) == Some(id) {
                numbers.remove(n.as_bytes())?;
            }
        }
        removed += 1;
    }
    Ok(removed)
}
