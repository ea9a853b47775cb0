//! The shop's stock levels from the back office, applied in one durable write
//! (`core::stock_levels`, sync::stock): in the same write transaction as the counts are set, the
//! outbox is read, so a sale saved meanwhile is either before it (its record in the outbox, added
//! to the level) or after it (its movement applied to the new count by its own save).

use super::StoreError;
use super::codec::decode;
use super::outbox::{OutboxKind, OutboxRecord};
use super::records::Table;
use super::redb_records::record_key;
use super::redb_store::{ORDERS, OUTBOX, RECORDS, RedbStore, order_name};
use crate::core::order::Order;
use crate::core::stock_levels::{combine, refund_returns, sale_moves, sum};
use redb::{ReadableTable, WriteTransaction};
use serde::Deserialize;
use std::collections::BTreeSet;

/// In the store's settings: the version of the office's levels applied last.
pub const VERSION_KEY: &str = "stock_version";

#[derive(Deserialize)]
struct OrderBody {
    order: Order,
}

#[derive(Deserialize)]
struct RefundBody {
    order_id: u64,
    refund: RefundNo,
}

#[derive(Deserialize)]
struct RefundNo {
    out_refund_no: String,
}

#[derive(Deserialize)]
struct StockBody {
    sheet: Sheet,
}

#[derive(Deserialize)]
struct Sheet {
    #[serde(default)]
    deltas: Vec<(String, i64)>,
}

/// The stock a record still in the outbox moves, as the till moved it when it was made.
fn moves_of(txn: &WriteTransaction, r: &OutboxRecord) -> Result<Vec<(String, i64)>, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt { key: r.key.clone(), reason: e.to_string() };
    Ok(match r.kind {
        OutboxKind::Order => sale_moves(&serde_json::from_str::<OrderBody>(&r.body).map_err(corrupt)?.order),
        OutboxKind::Refund => {
            let body: RefundBody = serde_json::from_str(&r.body).map_err(corrupt)?;
            let orders = txn.open_table(ORDERS)?;
            let order = orders.get(body.order_id)?.map(|v| v.value().to_vec());
            match order {
                Some(v) => {
                    refund_returns(&decode::<Order>(&order_name(body.order_id), &v)?, &body.refund.out_refund_no)
                }
                None => Vec::new(),
            }
        }
        OutboxKind::Stock => serde_json::from_str::<StockBody>(&r.body).map_err(corrupt)?.sheet.deltas,
        _ => Vec::new(),
    })
}

impl RedbStore {
    /// Sets each product's count to the office's level plus the moves of this till's records
    /// still in the outbox and not in `own` (the office counted those), with the levels' version,
    /// in one flushed write. Returns the counts set.
    pub(super) fn stock_from_office_redb(
        &self,
        levels: &[(String, i64)],
        own: &[u64],
        version: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let counted: BTreeSet<u64> = own.iter().copied().collect();
        self.write(|txn| {
            let mut pending = Vec::new();
            let queued: Vec<OutboxRecord> = {
                let outbox = txn.open_table(OUTBOX)?;
                let mut out = Vec::new();
                for entry in outbox.iter()? {
                    let (k, v) = entry?;
                    if !counted.contains(&k.value()) {
                        out.push(decode(&format!("outbox/{}", k.value()), v.value())?);
                    }
                }
                out
            };
            for r in &queued {
                pending.extend(moves_of(txn, r)?);
            }
            let counts = combine(levels, &sum(pending));
            let mut records = txn.open_table(RECORDS)?;
            for (barcode, n) in &counts {
                records.insert(record_key(Table::Stock, barcode).as_slice(), n.to_string().as_bytes())?;
            }
            records.insert(record_key(Table::Settings, VERSION_KEY).as_slice(), version.to_string().as_bytes())?;
            Ok(counts)
        })
    }
}
