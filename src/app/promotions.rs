//! The shop's promotions in the store: `promotions/<id>` → the promotion's JSON. Loaded at start
//! into the till's price book (`core::pricing::promo::Book`); replaced as a whole by a CSV import
//! (`promotions_csv`) in one transaction, like the catalogue.

use super::promotions_csv::{self, PromoCsvError};
use crate::core::pricing::promo::{Book, Promotion};
use crate::store::{Put, Store, StoreError, Table};
use std::collections::BTreeSet;

#[derive(Debug, thiserror::Error)]
pub enum PromotionsError {
    /// The store could not be read or written; nothing was changed by an import.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored promotion does not decode (damaged store).
    #[error("promotion record {key} is damaged: {reason}")]
    Corrupt { key: String, reason: String },
    /// A malformed CSV row: nothing was imported.
    #[error("nothing imported: {0}")]
    Csv(#[from] PromoCsvError),
}

/// The stored promotions, by id.
pub fn stored(store: &dyn Store) -> Result<Vec<Promotion>, PromotionsError> {
    store
        .records(Table::Promotions)?
        .into_iter()
        .map(|(key, value)| {
            serde_json::from_str(&value)
                .map_err(|e| PromotionsError::Corrupt { key: format!("promotions/{key}"), reason: e.to_string() })
        })
        .collect()
}

/// The price book the till sells with.
pub fn load(store: &dyn Store) -> Result<Book, PromotionsError> {
    let promos = stored(store)?;
    tracing::info!(promotions = promos.len(), "promotions loaded");
    Ok(Book::new(promos))
}

/// Replaces the stored promotions with `promos` in one transaction: those not listed leave.
pub fn replace(store: &dyn Store, promos: &[Promotion]) -> Result<(), PromotionsError> {
    store.write_records(&replacing(store, promos)?, None)?;
    Ok(())
}

/// The writes that replace the stored promotions with `promos` (for a caller that adds its own
/// to the same transaction).
pub fn replacing(store: &dyn Store, promos: &[Promotion]) -> Result<Vec<Put>, PromotionsError> {
    let keep: BTreeSet<&str> = promos.iter().map(|p| p.id.as_str()).collect();
    let mut puts: Vec<Put> = store
        .records(Table::Promotions)?
        .into_iter()
        .filter(|(key, _)| !keep.contains(key.as_str()))
        .map(|(key, _)| Put::remove(Table::Promotions, key))
        .collect();
    for p in promos {
        let put = Put::json(Table::Promotions, p.id.clone(), p)
            .map_err(|e| PromotionsError::Corrupt { key: format!("promotions/{}", p.id), reason: e.to_string() })?;
        puts.push(put);
    }
    Ok(puts)
}

/// `till promotions import`: the whole file or nothing. Returns the number of promotions.
pub fn import_csv(store: &dyn Store, text: &str) -> Result<usize, PromotionsError> {
    let promos = promotions_csv::parse(text)?;
    replace(store, &promos)?;
    Ok(promos.len())
}

/// `till promotions export`: the stored promotions as CSV, by id.
pub fn export_csv(store: &dyn Store) -> Result<String, PromotionsError> {
    Ok(promotions_csv::write(&stored(store)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RedbStore;

    const CSV: &str = "id,name,kind,value,scope,from,until,days,hours\n\
        M1,满100减10 满200减30,threshold,100.00-10.00;200.00-30.00,all,2026-12-01,2026-12-31,,\n\
        T1,可乐特价,special,3.00,item:6900138600889,,,67,17:00-19:00\n";

    #[test]
    fn import_then_export_round_trips_through_the_store_and_loads_into_the_book() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        assert_eq!(import_csv(&store, CSV).expect("import"), 2);
        assert_eq!(export_csv(&store).expect("export"), CSV);
        let book = load(&store).expect("load");
        assert_eq!(book.promotions().len(), 2);
        assert_eq!(book.promotions()[0].id, "M1");
    }

    #[test]
    fn a_bad_row_imports_nothing_and_a_good_file_replaces_everything() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        import_csv(&store, CSV).expect("import");
        let bad = format!("{}\nX,x,percent,10,all,,,,\nY,y,percent,abc,all,,,,\n", promotions_csv::HEADER);
        let e = import_csv(&store, &bad).expect_err("refused");
        assert!(e.to_string().contains("line 3"), "{e}");
        assert_eq!(export_csv(&store).expect("export"), CSV, "all or nothing");
        let smaller = format!("{}\nX,x,percent,10,all,,,,\n", promotions_csv::HEADER);
        import_csv(&store, &smaller).expect("import");
        assert_eq!(export_csv(&store).expect("export"), smaller);
    }
}
