//! Shop records on redb: one table, `records`, keyed `<table>/<key>`; the append sequence of a
//! table in `meta` under `seq/<table>`.

use super::StoreError;
use super::records::{Dispatch, Put, Table, append_key};
use super::redb_store::{META, Queued, RECORDS, RedbStore, queue, seq_of, wall_clock};
use redb::ReadableTable;

pub(super) fn record_key(table: Table, key: &str) -> Vec<u8> {
    format!("{}/{key}", table.name()).into_bytes()
}

pub(super) fn seq_key(table: Table) -> Vec<u8> {
    format!("seq/{}", table.name()).into_bytes()
}

fn text(key: &[u8], value: &[u8]) -> Result<String, StoreError> {
    String::from_utf8(value.to_vec()).map_err(|e| StoreError::Corrupt {
        key: format!("records/{}", String::from_utf8_lossy(key)),
        reason: e.to_string(),
    })
}

impl RedbStore {
    pub(super) fn write_records_redb(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError> {
        if puts.iter().any(|p| p.table == Table::Audit) {
            return Err(StoreError::AppendOnly(Table::Audit.name()));
        }
        let created_at = wall_clock();
        self.write(|txn| {
            {
                let mut records = txn.open_table(RECORDS)?;
                for put in puts {
                    let key = record_key(put.table, &put.key);
                    match &put.value {
                        Some(v) => records.insert(key.as_slice(), v.as_bytes())?,
                        None => records.remove(key.as_slice())?,
                    };
                }
            }
            if let Some(d) = dispatch {
                let body = |seq| d.body(seq);
                queue(txn, &Queued { key: &d.key, kind: d.kind, subject: &d.subject, body: &body }, created_at)?;
            }
            Ok(())
        })
    }

    pub(super) fn record_redb(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        let k = record_key(table, key);
        self.read(|txn| txn.open_table(RECORDS)?.get(k.as_slice())?.map(|v| text(&k, v.value())).transpose())
    }

    pub(super) fn records_redb(&self, table: Table) -> Result<Vec<(String, String)>, StoreError> {
        let prefix = record_key(table, "");
        // Every key of the table starts with "<table>/"; '0' is the byte after '/'.
        let mut end = prefix.clone();
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        self.read(|txn| {
            let records = txn.open_table(RECORDS)?;
            let mut out = Vec::new();
            for entry in records.range(prefix.as_slice()..end.as_slice())? {
                let (k, v) = entry?;
                let k = k.value();
                let key = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
                out.push((key, text(k, v.value())?));
            }
            Ok(out)
        })
    }

    pub(super) fn append_record_redb(&self, table: Table, value: &str) -> Result<u64, StoreError> {
        let seq_name = seq_key(table);
        self.write(|txn| {
            let mut meta = txn.open_table(META)?;
            let seq = meta.get(seq_name.as_slice())?.and_then(|v| seq_of(v.value())).unwrap_or(0) + 1;
            txn.open_table(RECORDS)?.insert(record_key(table, &append_key(seq)).as_slice(), value.as_bytes())?;
            meta.insert(seq_name.as_slice(), seq.to_be_bytes().as_slice())?;
            Ok(seq)
        })
    }
}
