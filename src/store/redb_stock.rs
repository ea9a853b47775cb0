//! Stock counts moved by an order's save, in the save's own redb commit (and so in its order-log
//! record, which holds the order the movements are computed from: replaying the record after a cut
//! moves the same stock, once).
//!
//! A movement (`core::stock::movements`: `sale:<order id>`, `return:<order id>:<out_refund_no>`,
//! `return:<order id>`) that touches a counted product is applied once: the new counts and the
//! marker `stock_moves/<key>` are written with the order, and a save that finds the marker moves
//! nothing. A paid sale is therefore one durable write (the log's sync), with no marker protocol
//! and no catch-up at start.
//!
//! Stores written by earlier builds may hold `stock/due:<key>` markers of a movement a pulled plug
//! interrupted between the order's save and the counts' write; [`finish_due`] finishes them once
//! when the store is opened (a range read of that prefix: nothing when there are none).

use super::StoreError;
use super::records::Table;
use super::redb_records::record_key;
use super::redb_store::{ORDERS, RECORDS, RedbStore, decode, order_name};
use crate::core::order::Order;
use crate::core::stock;
use redb::{ReadableTable, WriteTransaction};
use std::collections::BTreeMap;

/// The marker prefix of earlier builds (`stock/due:<movement key>` → order id).
const DUE: &str = "due:";

fn count(records: &redb::Table<&[u8], &[u8]>, barcode: &str) -> Result<Option<i64>, StoreError> {
    let key = record_key(Table::Stock, barcode);
    Ok(records.get(key.as_slice())?.and_then(|v| std::str::from_utf8(v.value()).ok()?.trim().parse::<i64>().ok()))
}

/// Applies the movements `order` makes that are not applied yet and touch a counted product, in
/// `txn`; returns the counts that changed (barcode → new count). An open order reads nothing.
pub(super) fn apply(txn: &WriteTransaction, order: &Order) -> Result<Vec<(String, i64)>, StoreError> {
    let moves = stock::movements(order);
    if moves.is_empty() {
        return Ok(Vec::new());
    }
    apply_moves(txn, moves, None)
}

fn apply_moves(
    txn: &WriteTransaction,
    moves: Vec<stock::StockMove>,
    only: Option<&str>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut records = txn.open_table(RECORDS)?;
    let mut changed = Vec::new();
    for m in moves.into_iter().filter(|m| only.is_none_or(|k| k == m.key)) {
        let marker = record_key(Table::StockMoves, &m.key);
        if records.get(marker.as_slice())?.is_some() {
            continue;
        }
        let mut counts = BTreeMap::new();
        for (barcode, _) in &m.deltas {
            if let Some(n) = count(&records, barcode)? {
                counts.insert(barcode.clone(), n);
            }
        }
        if counts.is_empty() {
            continue; // no counted product: nothing to move, no marker (as before)
        }
        for (barcode, n) in stock::apply(&counts, &m.deltas) {
            records.insert(record_key(Table::Stock, &barcode).as_slice(), n.to_string().as_bytes())?;
            changed.push((barcode, n));
        }
        records.insert(marker.as_slice(), b"1".as_slice())?;
    }
    Ok(changed)
}

/// Finishes the `due:` markers an earlier build left (see the module comment), in one synced
/// commit; returns how many movements were applied.
pub(super) fn finish_due(store: &RedbStore) -> Result<usize, StoreError> {
    let prefix = record_key(Table::Stock, DUE);
    let mut end = prefix.clone();
    if let Some(last) = end.last_mut() {
        *last += 1;
    }
    let due: Vec<(Vec<u8>, String)> = store.read(|txn| {
        let mut out = Vec::new();
        for entry in txn.open_table(RECORDS)?.range(prefix.as_slice()..end.as_slice())? {
            let (k, v) = entry?;
            out.push((k.value().to_vec(), String::from_utf8_lossy(v.value()).into_owned()));
        }
        Ok(out)
    })?;
    if due.is_empty() {
        return Ok(0);
    }
    store.write(|txn| {
        let mut applied = 0;
        for (key, id) in &due {
            let movement = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
            let order: Option<Order> = match id.trim().parse::<u64>() {
                Ok(id) => {
                    let orders = txn.open_table(ORDERS)?;
                    let found = orders.get(id)?.map(|v| v.value().to_vec());
                    found.map(|v| decode(&order_name(id), &v)).transpose()?
                }
                Err(_) => None,
            };
            // An order never saved in the state that makes the movement moved nothing.
            let moves = order.as_ref().map(stock::movements).unwrap_or_default();
            if !apply_moves(txn, moves, Some(&movement))?.is_empty() {
                applied += 1;
                tracing::warn!(movement, "stock movement of an earlier build finished at open");
            }
            txn.open_table(RECORDS)?.remove(key.as_slice())?;
        }
        Ok(applied)
    })
}
