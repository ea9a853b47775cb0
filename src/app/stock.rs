//! Stock counts in the store, moved exactly once per sale, per refund of goods and per full
//! refund, across pulled plugs.
//!
//! A movement (`core::stock::movements`: `sale:<order id>`, `return:<order id>:<out_refund_no>`,
//! `return:<order id>`) is applied in
//! three steps around the save of the order that makes it, all by the one effect runner:
//!
//! 1. before the save: `stock/due:<key>` → the order's id is written (flushed) — only when the
//!    movement is not applied yet and touches a product that has a count;
//! 2. the order is saved (its own flushed transaction, as always);
//! 3. after the save, in **one** `write_records` transaction: the new counts, the marker
//!    `stock_moves/<key>`, and the removal of `due:<key>`.
//!
//! Step 3 is skipped when its marker exists, so applying twice changes nothing. A plug pulled
//! between 2 and 3 leaves the due marker: at the next start [`catch_up`] reads the (few) due
//! markers, loads each order and applies the movement if the saved order makes it and the marker
//! is missing; a plug pulled between 1 and 2 leaves a due marker whose order does not (yet) make
//! the movement, and it is dropped. So no decrement is lost and none is made twice, and the start
//! never scans the order history.

use crate::core::order::Order;
use crate::core::stock::{self, StockMove};
use crate::store::{Put, Store, StoreError, Table};
use std::collections::BTreeMap;

const DUE: &str = "due:";

fn due_key(key: &str) -> String {
    format!("{DUE}{key}")
}

/// The movements of `order` not applied yet that touch a counted product.
fn pending(store: &dyn Store, order: &Order) -> Result<Vec<StockMove>, StoreError> {
    let mut out = Vec::new();
    for m in stock::movements(order) {
        if store.record(Table::StockMoves, &m.key)?.is_some() {
            continue;
        }
        let mut tracked = false;
        for (barcode, _) in &m.deltas {
            tracked |= store.record(Table::Stock, barcode)?.is_some();
        }
        if tracked {
            out.push(m);
        }
    }
    Ok(out)
}

/// Step 1: marks the movements the coming save of `order` makes as due.
pub fn mark_due(store: &dyn Store, order: &Order) -> Result<Vec<StockMove>, StoreError> {
    let moves = pending(store, order)?;
    if moves.is_empty() {
        return Ok(moves);
    }
    let id = order.id.to_string();
    let puts: Vec<Put> =
        moves.iter().map(|m| Put { table: Table::Stock, key: due_key(&m.key), value: Some(id.clone()) }).collect();
    store.write_records(&puts, None)?;
    Ok(moves)
}

/// Step 3: applies `moves` (each once) and returns the counts that changed.
pub fn apply(store: &dyn Store, moves: &[StockMove]) -> Result<Vec<(String, i64)>, StoreError> {
    let mut changed = Vec::new();
    for m in moves {
        let mut puts = vec![Put::remove(Table::Stock, due_key(&m.key))];
        if store.record(Table::StockMoves, &m.key)?.is_none() {
            let mut counts = BTreeMap::new();
            for (barcode, _) in &m.deltas {
                if let Some(n) = store.record(Table::Stock, barcode)?.and_then(|v| v.trim().parse::<i64>().ok()) {
                    counts.insert(barcode.clone(), n);
                }
            }
            let new = stock::apply(&counts, &m.deltas);
            puts.extend(new.iter().map(|(b, n)| Put {
                table: Table::Stock,
                key: b.clone(),
                value: Some(n.to_string()),
            }));
            puts.push(Put { table: Table::StockMoves, key: m.key.clone(), value: Some("1".into()) });
            changed.extend(new);
        }
        store.write_records(&puts, None)?;
    }
    Ok(changed)
}

/// At start: finishes the movements a pulled plug interrupted (see the module comment). Returns
/// how many were applied.
pub fn catch_up(store: &dyn Store) -> Result<usize, StoreError> {
    let mut applied = 0;
    for (key, value) in store.records(Table::Stock)? {
        let Some(movement) = key.strip_prefix(DUE) else { continue };
        let order = match value.trim().parse::<u64>() {
            Ok(id) => store.order(id)?,
            Err(_) => None,
        };
        let moves: Vec<StockMove> = order
            .as_ref()
            .map(stock::movements)
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.key == movement)
            .collect();
        if moves.is_empty() {
            // The order was never saved in the state that makes this movement: nothing moved.
            store.write_records(&[Put::remove(Table::Stock, key.clone())], None)?;
            continue;
        }
        if !apply(store, &moves)?.is_empty() {
            applied += 1;
            tracing::warn!(movement, "stock movement finished after a restart");
        }
    }
    Ok(applied)
}

/// The stock counts (barcode → count), without the due markers.
pub fn counts(store: &dyn Store) -> Result<Vec<(String, i64)>, StoreError> {
    let mut out = Vec::new();
    for (key, value) in store.records(Table::Stock)? {
        if key.starts_with(DUE) {
            continue;
        }
        match value.trim().parse::<i64>() {
            Ok(n) => out.push((key, n)),
            Err(e) => return Err(StoreError::Corrupt { key: format!("stock/{key}"), reason: e.to_string() }),
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "stock_tests.rs"]
mod tests;
