//! Shop records on sled: one tree, `records`, keyed `<table>/<key>`; the append sequence of a
//! table in `meta` under `seq/<table>`.

use super::StoreError;
use super::outbox::{OutboxRecord, OutboxState};
use super::records::{Dispatch, Put, Table, append_key};
use super::sled_store::{OUTBOX_SEQ, SledStore, seq_of, transaction_error, wall_clock};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

fn record_key(table: Table, key: &str) -> Vec<u8> {
    format!("{}/{key}", table.name()).into_bytes()
}

fn seq_key(table: Table) -> String {
    format!("seq/{}", table.name())
}

fn text(key: &[u8], value: &[u8]) -> Result<String, StoreError> {
    String::from_utf8(value.to_vec()).map_err(|e| StoreError::Corrupt {
        key: format!("records/{}", String::from_utf8_lossy(key)),
        reason: e.to_string(),
    })
}

impl SledStore {
    pub(super) fn write_records_sled(&self, puts: &[Put], dispatch: Option<&Dispatch>) -> Result<(), StoreError> {
        if puts.iter().any(|p| p.table == Table::Audit) {
            return Err(StoreError::AppendOnly(Table::Audit.name()));
        }
        let created_at = wall_clock();
        (&self.records, &self.meta, &self.outbox, &self.outbox_keys)
            .transaction(|(records, meta, outbox, outbox_keys)| {
                for put in puts {
                    let key = record_key(put.table, &put.key);
                    match &put.value {
                        Some(v) => records.insert(key, v.as_bytes())?,
                        None => records.remove(key)?,
                    };
                }
                if let Some(d) = dispatch
                    && outbox_keys.get(d.key.as_bytes())?.is_none()
                {
                    let seq = meta.get(OUTBOX_SEQ)?.as_deref().and_then(seq_of).unwrap_or(0) + 1;
                    let abort = |e: serde_json::Error| ConflictableTransactionError::Abort(e.to_string());
                    let record = OutboxRecord {
                        seq,
                        key: d.key.clone(),
                        kind: d.kind,
                        order_number: d.subject.clone(),
                        body: d.body(seq).map_err(abort)?,
                        created_at,
                        state: OutboxState::Pending,
                        attempts: 0,
                        last_error: None,
                    };
                    outbox.insert(&seq.to_be_bytes(), serde_json::to_vec(&record).map_err(abort)?)?;
                    outbox_keys.insert(d.key.as_bytes(), &seq.to_be_bytes())?;
                    meta.insert(OUTBOX_SEQ, &seq.to_be_bytes())?;
                }
                Ok(())
            })
            .map_err(transaction_error)?;
        self.durable()
    }

    pub(super) fn record_sled(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        let k = record_key(table, key);
        self.records.get(&k)?.map(|v| text(&k, &v)).transpose()
    }

    pub(super) fn records_sled(&self, table: Table) -> Result<Vec<(String, String)>, StoreError> {
        let prefix = record_key(table, "");
        self.records
            .scan_prefix(&prefix)
            .map(|kv| {
                let (k, v) = kv?;
                let key = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
                Ok((key, text(&k, &v)?))
            })
            .collect()
    }

    pub(super) fn append_record_sled(&self, table: Table, value: &str) -> Result<u64, StoreError> {
        let seq_name = seq_key(table);
        let seq = (&self.records, &self.meta)
            .transaction(|(records, meta)| {
                let seq = meta.get(seq_name.as_bytes())?.as_deref().and_then(seq_of).unwrap_or(0) + 1;
                records.insert(record_key(table, &append_key(seq)), value.as_bytes())?;
                meta.insert(seq_name.as_bytes(), &seq.to_be_bytes())?;
                Ok::<u64, ConflictableTransactionError<String>>(seq)
            })
            .map_err(transaction_error)?;
        self.durable()?;
        Ok(seq)
    }
}
