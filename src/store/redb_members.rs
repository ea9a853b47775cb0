//! Member points moved by an order's save, in the save's own redb commit (`core::points`): each
//! move (`earn:<order id>`, `back:<order id>:<out_refund_no>`) is applied once, its marker
//! `member_moves/<key>` written with the member's new points, so the order log's replay after a
//! cut moves nothing twice. A member no longer in the store is skipped; points never go below 0.

use super::StoreError;
use super::records::Table;
use super::redb_records::record_key;
use super::redb_store::RECORDS;
use crate::core::order::Order;
use crate::core::points::point_moves;
use redb::{ReadableTable, WriteTransaction};

pub(super) fn apply(txn: &WriteTransaction, order: &Order) -> Result<(), StoreError> {
    let moves = point_moves(order);
    if moves.is_empty() {
        return Ok(());
    }
    let mut records = txn.open_table(RECORDS)?;
    for m in moves {
        let marker = record_key(Table::MemberMoves, &m.key);
        if records.get(marker.as_slice())?.is_some() {
            continue;
        }
        let key = record_key(Table::Members, &m.member);
        let stored = records.get(key.as_slice())?.map(|v| v.value().to_vec());
        if let Some(bytes) = stored {
            let corrupt = |reason: String| StoreError::Corrupt { key: format!("members/{}", m.member), reason };
            let mut member: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
            let points = member.get("points").and_then(serde_json::Value::as_i64).unwrap_or(0);
            member["points"] = points.saturating_add(m.delta).max(0).into();
            let json = serde_json::to_vec(&member).map_err(|e| corrupt(e.to_string()))?;
            records.insert(key.as_slice(), json.as_slice())?;
        }
        records.insert(marker.as_slice(), m.delta.to_string().as_bytes())?;
    }
    Ok(())
}
