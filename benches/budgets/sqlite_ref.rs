//! The alternative store the issue names, on the same benchmark: SQLite in WAL mode with
//! `synchronous=FULL` (every commit's WAL frames fsynced), holding what the till's redb store
//! writes for an order's state change — the order's value (JSON deflated, as `store::codec`
//! packs it), its row in the open-orders table, the counters when they changed — one transaction
//! per save. A reference for docs/performance.md, not a store the till uses.

use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;
use till::core::Counters;
use till::core::order::Order;

pub struct SqliteStore {
    db: Connection,
}

impl SqliteStore {
    pub fn open(dir: &Path) -> anyhow::Result<SqliteStore> {
        std::fs::create_dir_all(dir)?;
        let db = Connection::open(dir.join("orders.sqlite"))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, value BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS unsettled (id INTEGER PRIMARY KEY);
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);",
        )?;
        Ok(SqliteStore { db })
    }

    pub fn version() -> &'static str {
        rusqlite::version()
    }

    /// One flushed transaction, as `Store::save` is on redb.
    pub fn save(&mut self, order: &Order, counters: &Counters) -> anyhow::Result<()> {
        let json = serde_json::to_vec(order)?;
        let mut value = vec![1u8];
        value.extend(miniz_oxide::deflate::compress_to_vec_zlib(&json, 6));
        let counters = serde_json::to_vec(counters)?;
        let txn = self.db.transaction()?;
        txn.execute("INSERT OR REPLACE INTO orders (id, value) VALUES (?1, ?2)", params![order.id as i64, value])?;
        if order.is_settled() {
            txn.execute("DELETE FROM unsettled WHERE id = ?1", params![order.id as i64])?;
        } else {
            txn.execute("INSERT OR IGNORE INTO unsettled (id) VALUES (?1)", params![order.id as i64])?;
        }
        let saved: Option<Vec<u8>> =
            txn.query_row("SELECT value FROM meta WHERE key = 'counters'", [], |r| r.get(0)).optional()?;
        if saved.as_deref() != Some(counters.as_slice()) {
            txn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('counters', ?1)", params![counters])?;
        }
        txn.commit()?;
        Ok(())
    }
}
