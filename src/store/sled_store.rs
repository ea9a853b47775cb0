//! The order store on sled: trees `orders` (id → JSON), `unsettled` (ids of open orders),
//! `numbers` (receipt number → id) and `meta` (schema, counters).

use super::{SCHEMA_VERSION, Store, StoreError};
use crate::core::Counters;
use crate::core::order::{Order, OrderId};
use serde::de::DeserializeOwned;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::path::Path;

/// sled caches 1 GiB by default; a Pi Zero 2 W has 512 MiB in all.
const CACHE_BYTES: u64 = 4 << 20;

pub struct SledStore {
    db: sled::Db,
    orders: sled::Tree,
    unsettled: sled::Tree,
    numbers: sled::Tree,
    meta: sled::Tree,
}

impl SledStore {
    pub fn open(path: &Path) -> Result<SledStore, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        let store = SledStore {
            orders: db.open_tree("orders")?,
            unsettled: db.open_tree("unsettled")?,
            numbers: db.open_tree("numbers")?,
            meta: db.open_tree("meta")?,
            db,
        };
        store.check_schema()?;
        Ok(store)
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        match self.meta.get("schema")? {
            Some(v) => {
                let found: u32 = decode("meta/schema", &v)?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema { found });
                }
                // Older schemas are upgraded here when there are any.
            }
            None => {
                self.meta.insert("schema", serde_json::to_vec(&SCHEMA_VERSION).unwrap_or_default())?;
                self.db.flush()?;
            }
        }
        Ok(())
    }

    /// Bytes on disk, for diagnostics and the size budget.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt { key: key.to_string(), reason: e.to_string() })
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt { key: "(encoding)".into(), reason: e.to_string() })
}

fn order_key(id: OrderId) -> [u8; 8] {
    id.to_be_bytes()
}

fn key_name(key: &[u8]) -> String {
    match <[u8; 8]>::try_from(key) {
        Ok(b) => format!("orders/{}", u64::from_be_bytes(b)),
        Err(_) => format!("orders/{key:02x?}"),
    }
}

impl Store for SledStore {
    fn save(&self, order: &Order, counters: &Counters) -> Result<(), StoreError> {
        let key = order_key(order.id);
        let value = encode(order)?;
        let counters = encode(counters)?;
        let settled = order.is_settled();
        (&self.orders, &self.unsettled, &self.numbers, &self.meta)
            .transaction(|(orders, unsettled, numbers, meta)| {
                orders.insert(&key, value.as_slice())?;
                if settled {
                    unsettled.remove(&key)?;
                } else {
                    unsettled.insert(&key, &[])?;
                }
                if let Some(n) = &order.number {
                    numbers.insert(n.as_bytes(), &key)?;
                }
                for a in &order.attempts {
                    numbers.insert(a.out_trade_no.as_bytes(), &key)?;
                }
                meta.insert("counters", counters.as_slice())?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(|e| match e {
                TransactionError::Storage(e) => StoreError::Io(e),
                TransactionError::Abort(()) => {
                    StoreError::Corrupt { key: "transaction".into(), reason: "aborted".into() }
                }
            })?;
        self.db.flush()?;
        Ok(())
    }

    fn load_unsettled(&self) -> Result<(Vec<Order>, Option<Counters>), StoreError> {
        let mut orders = Vec::new();
        for key in self.unsettled.iter().keys() {
            let key = key?;
            match self.orders.get(&key)? {
                Some(v) => orders.push(decode(&key_name(&key), &v)?),
                None => return Err(StoreError::Corrupt { key: key_name(&key), reason: "indexed but missing".into() }),
            }
        }
        let counters = self.meta.get("counters")?.map(|v| decode("meta/counters", &v)).transpose()?;
        Ok((orders, counters))
    }

    fn order(&self, id: OrderId) -> Result<Option<Order>, StoreError> {
        self.orders.get(order_key(id))?.map(|v| decode(&key_name(&order_key(id)), &v)).transpose()
    }

    fn order_by_number(&self, number: &str) -> Result<Option<Order>, StoreError> {
        match self.numbers.get(number.as_bytes())? {
            Some(key) => self.orders.get(&key)?.map(|v| decode(&key_name(&key), &v)).transpose(),
            None => Ok(None),
        }
    }

    fn orders(&self) -> Result<Vec<Order>, StoreError> {
        self.orders.iter().map(|kv| kv.map_err(StoreError::from).and_then(|(k, v)| decode(&key_name(&k), &v))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::money::Fen;
    use crate::core::order::{Line, OrderStatus};

    fn order(id: OrderId, status: OrderStatus) -> Order {
        let mut o = Order::new(id, Millis(1), "01".into());
        o.lines
            .push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 2 });
        o.status = status;
        o
    }

    #[test]
    fn saved_orders_survive_reopening_and_settled_ones_leave_the_unsettled_list() {
        let dir = tempfile::tempdir().expect("tempdir");
        let counters = Counters { next_order_id: 4, seq_day: 250301, seq: 7 };
        {
            let s = SledStore::open(dir.path()).expect("open");
            s.save(&order(1, OrderStatus::Open), &counters).expect("save");
            s.save(&order(2, OrderStatus::Paying), &counters).expect("save");
            let mut paid = order(3, OrderStatus::Paid);
            paid.number = Some("01000052250301010007".into());
            s.save(&paid, &counters).expect("save");
            s.save(&order(1, OrderStatus::Voided), &counters).expect("save");
        }
        let s = SledStore::open(dir.path()).expect("reopen");
        let (open, c) = s.load_unsettled().expect("load");
        assert_eq!(open.iter().map(|o| o.id).collect::<Vec<_>>(), vec![2]);
        assert_eq!(c, Some(counters));
        assert_eq!(s.orders().expect("all").len(), 3);
        assert_eq!(s.order_by_number("01000052250301010007").expect("by number").map(|o| o.id), Some(3));
        assert_eq!(s.order(1).expect("get").map(|o| o.status), Some(OrderStatus::Voided));
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let s = SledStore::open(dir.path()).expect("open");
            s.meta.insert("schema", b"99".as_slice()).expect("insert");
            s.db.flush().expect("flush");
        }
        assert!(matches!(SledStore::open(dir.path()), Err(StoreError::NewerSchema { found: 99 })));
        let db = sled::open(dir.path()).expect("raw open");
        assert_eq!(db.open_tree("meta").expect("tree").get("schema").expect("get").as_deref(), Some(b"99".as_slice()));
    }

    #[test]
    fn a_damaged_record_is_reported_not_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let s = SledStore::open(dir.path()).expect("open");
            s.save(&order(5, OrderStatus::Open), &Counters::default()).expect("save");
            s.orders.insert(order_key(5), b"{not json".as_slice()).expect("insert");
            s.db.flush().expect("flush");
        }
        let s = SledStore::open(dir.path()).expect("open");
        assert!(matches!(s.load_unsettled(), Err(StoreError::Corrupt { key, .. }) if key == "orders/5"));
    }
}
