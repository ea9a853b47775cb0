//! Stored value (储值) moved by an order's save, in the save's own redb commit
//! (`core::stored_value::entries`): each ledger entry is appended once, as
//! `stored_value/<member>/<entry key>` (never changed after), with the member's cached balance
//! `stored_balance/<member>` (the sum of their entries, and their recent spends for the daily
//! limit) and one outbox record per entry (`stored_value:<member>:<entry key>`). The order log's
//! replay after a cut finds the entry and appends nothing twice.
//!
//! The core refuses a spend above the balance before anything is saved; the store still sums with
//! checked arithmetic and reports an entry that would take a balance below zero (it keeps the
//! entry: the ledger records what happened, and a replay must never fail).

use super::StoreError;
use super::outbox::OutboxKind;
use super::records::Table;
use super::redb_records::record_key;
use super::redb_store::{Queued, RECORDS, queue};
use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::order::Order;
use crate::core::stored_value::{Entry, EntryKind, entries};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

/// How long recent spends are kept with the balance: more than a day, whatever the time zone.
const RECENT_MS: i64 = 2 * 86_400_000;

/// A member's cached balance: the sum of their ledger, and their spends of the last two days.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Balance {
    pub balance: Fen,
    #[serde(default)]
    pub recent: Vec<(Millis, Fen)>,
}

impl Balance {
    /// What was spent since `since` (a local midnight).
    pub fn spent_since(&self, since: Millis) -> Fen {
        self.recent.iter().filter(|(at, _)| *at >= since).fold(Fen::ZERO, |s, (_, a)| Fen(s.0.saturating_add(a.0)))
    }
}

/// The key of an entry: `<member>/<entry key>`, so one member's entries are one range.
pub fn entry_key(e: &Entry) -> String {
    format!("{}/{}", e.member, e.key)
}

#[derive(Serialize)]
struct Body<'a> {
    kind: OutboxKind,
    key: &'a str,
    seq: u64,
    entry: &'a Entry,
    /// The member's balance after the entry.
    balance: Fen,
    /// The number of the order that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    order_number: Option<&'a str>,
}

pub(super) fn apply(txn: &WriteTransaction, order: &Order, created_at: Millis) -> Result<(), StoreError> {
    let list = entries(order);
    if list.is_empty() {
        return Ok(());
    }
    for e in list {
        let key = record_key(Table::StoredValue, &entry_key(&e));
        let mut records = txn.open_table(RECORDS)?;
        if records.get(key.as_slice())?.is_some() {
            continue;
        }
        let corrupt = |reason: String| StoreError::Corrupt { key: entry_key(&e), reason };
        let bkey = record_key(Table::StoredBalance, &e.member);
        let mut cached: Balance = match records.get(bkey.as_slice())? {
            Some(v) => serde_json::from_slice(v.value()).map_err(|x| corrupt(x.to_string()))?,
            None => Balance::default(),
        };
        cached.balance = match crate::core::stored_value::apply(cached.balance, &e) {
            Some(b) => b,
            None => {
                tracing::error!(member = %e.member, entry = %e.key, "a stored-value entry takes the balance below zero");
                Fen(cached.balance.0.saturating_add(e.delta().0))
            }
        };
        if e.kind == EntryKind::Spend {
            cached.recent.push((e.at, e.amount));
        }
        let newest = cached.recent.iter().map(|(at, _)| at.0).max().unwrap_or(0);
        cached.recent.retain(|(at, _)| at.0 > newest - RECENT_MS);
        let json = serde_json::to_vec(&e).map_err(|x| corrupt(x.to_string()))?;
        records.insert(key.as_slice(), json.as_slice())?;
        let json = serde_json::to_vec(&cached).map_err(|x| corrupt(x.to_string()))?;
        records.insert(bkey.as_slice(), json.as_slice())?;
        drop(records);
        let outbox_key = format!("stored_value:{}:{}", e.member, e.key);
        let balance = cached.balance;
        let body = |seq| {
            let order_number = order.number.as_deref();
            serde_json::to_string(&Body {
                kind: OutboxKind::StoredValue,
                key: &outbox_key,
                seq,
                entry: &e,
                balance,
                order_number,
            })
        };
        let q = Queued { key: &outbox_key, kind: OutboxKind::StoredValue, subject: &e.member, body: &body };
        queue(txn, &q, created_at)?;
    }
    Ok(())
}
