//! Stock counts in the store, read for the catalogue and the low-stock screen.
//!
//! A movement (`core::stock::movements`: `sale:<order id>`, `return:<order id>:<out_refund_no>`,
//! `return:<order id>`) is moved by the store in the same durable write as the order that makes
//! it (`store/redb_stock.rs`): a paid sale is one sync, and a pulled plug leaves either the order
//! and its counts or neither. Each movement is applied once (its `stock_moves/<key>` marker).

use crate::store::{Store, StoreError, Table};

/// The stock counts (barcode → count), without the `due:` markers of earlier builds.
pub fn counts(store: &dyn Store) -> Result<Vec<(String, i64)>, StoreError> {
    let mut out = Vec::new();
    for (key, value) in store.records(Table::Stock)? {
        if key.starts_with("due:") {
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
