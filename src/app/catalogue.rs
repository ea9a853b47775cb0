//! The catalogue in the store: `catalogue/<barcode>` → the product's JSON, `stock/<barcode>` → its
//! count (only for products that have one). Loaded at start; replaced as a whole by a CSV import
//! in one transaction; the demo seeds its catalogue into an empty store.

use super::catalogue_csv::{self, CsvError, Row};
use crate::core::catalog::{Catalogue, Product, WeighedLayout};
use crate::store::{Put, Store, StoreError, Table};
use std::collections::BTreeSet;

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The store could not be read or written; nothing was changed by an import.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored product does not decode (damaged store).
    #[error("catalogue record {key} is damaged: {reason}")]
    Corrupt { key: String, reason: String },
    /// A malformed CSV row: nothing was imported.
    #[error("nothing imported: {0}")]
    Csv(#[from] CsvError),
}

/// The stored products with their counts, by barcode.
pub fn rows(store: &dyn Store) -> Result<Vec<Row>, CatalogueError> {
    let counts: std::collections::BTreeMap<String, i64> = super::stock::counts(store)?.into_iter().collect();
    store
        .records(Table::Catalogue)?
        .into_iter()
        .map(|(key, value)| {
            let product: Product = serde_json::from_str(&value)
                .map_err(|e| CatalogueError::Corrupt { key: format!("catalogue/{key}"), reason: e.to_string() })?;
            let stock = counts.get(&product.barcode).copied();
            Ok(Row { product, stock })
        })
        .collect()
}

/// The catalogue the till sells from, with the configured scale-label layout and threshold.
pub fn load(store: &dyn Store, layout: WeighedLayout, low_stock: i64) -> Result<Catalogue, CatalogueError> {
    let rows = rows(store)?;
    let stock: Vec<(String, i64)> =
        rows.iter().filter_map(|r| r.stock.map(|n| (r.product.barcode.clone(), n))).collect();
    let mut catalogue = Catalogue::new(rows.into_iter().map(|r| r.product)).with_stock(stock);
    catalogue.weighed = layout;
    catalogue.low_stock = low_stock;
    Ok(catalogue)
}

/// Replaces the stored catalogue with `rows` in one transaction: products not in `rows` leave,
/// and so do their counts; a row without a count leaves its product without one.
pub fn replace(store: &dyn Store, rows: &[Row]) -> Result<(), CatalogueError> {
    let keep: BTreeSet<&str> = rows.iter().map(|r| r.product.barcode.as_str()).collect();
    let mut puts = Vec::new();
    for (key, _) in store.records(Table::Catalogue)? {
        if !keep.contains(key.as_str()) {
            puts.push(Put::remove(Table::Catalogue, key.clone()));
            puts.push(Put::remove(Table::Stock, key));
        }
    }
    for r in rows {
        let p = &r.product;
        let json = serde_json::to_string(p)
            .map_err(|e| CatalogueError::Corrupt { key: format!("catalogue/{}", p.barcode), reason: e.to_string() })?;
        puts.push(Put { table: Table::Catalogue, key: p.barcode.clone(), value: Some(json) });
        puts.push(Put { table: Table::Stock, key: p.barcode.clone(), value: r.stock.map(|n| n.to_string()) });
    }
    store.write_records(&puts, None)?;
    Ok(())
}

/// `till catalogue import`: the whole file or nothing. Returns the number of products.
pub fn import_csv(store: &dyn Store, text: &str, layout: &WeighedLayout) -> Result<usize, CatalogueError> {
    let rows = catalogue_csv::parse(text, layout)?;
    replace(store, &rows)?;
    Ok(rows.len())
}

/// `till catalogue export`: the stored catalogue as CSV, by barcode.
pub fn export_csv(store: &dyn Store) -> Result<String, CatalogueError> {
    Ok(catalogue_csv::write(&rows(store)?))
}

/// At start: seeds the demo's catalogue if configured and the store has none, and loads the
/// catalogue. (Stock needs no catch-up: it moves in the order's own save, `store/redb_stock.rs`.)
pub fn start(
    store: &dyn Store,
    config: &crate::config::CatalogueConfig,
    lang: crate::core::Lang,
) -> Result<Catalogue, CatalogueError> {
    if config.demo_seed && seed_if_empty(store, &crate::demo::catalogue_with_stock(lang))? {
        tracing::info!("demo catalogue seeded");
    }
    let catalogue = load(store, config.layout(), config.low_stock)?;
    tracing::info!(products = catalogue.len(), "catalogue loaded");
    Ok(catalogue)
}

/// The demo's catalogue goes into a store that has none (with counts, so the low-stock list has
/// something to show).
pub fn seed_if_empty(store: &dyn Store, demo: &Catalogue) -> Result<bool, CatalogueError> {
    if !store.records(Table::Catalogue)?.is_empty() {
        return Ok(false);
    }
    let rows: Vec<Row> = demo.iter().map(|p| Row { product: p.clone(), stock: demo.stock(&p.barcode) }).collect();
    replace(store, &rows)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RedbStore;

    const CSV: &str = "barcode,name,price,stock,kind\n\
        6900138600889,可口可乐 330ml,3.50,24,normal\n\
        96385074,Chips,12.00,,normal\n\
        FLOWERS-1,鲜花,0.00,,open\n";

    #[test]
    fn import_then_export_round_trips_through_the_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        assert_eq!(import_csv(&store, CSV, &WeighedLayout::default()).expect("import"), 3);
        let out = export_csv(&store).expect("export");
        // Rows come back by barcode.
        let mut lines: Vec<&str> = CSV.lines().skip(1).collect();
        lines.sort_unstable();
        assert_eq!(out, format!("barcode,name,price,stock,kind\n{}\n", lines.join("\n")));
        let c = load(&store, WeighedLayout::default(), 5).expect("load");
        assert_eq!(c.len(), 3);
        assert_eq!(c.stock("6900138600889"), Some(24));
        assert_eq!(c.stock("96385074"), None);
    }

    #[test]
    fn a_bad_row_imports_nothing_and_a_good_file_replaces_everything() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        import_csv(&store, CSV, &WeighedLayout::default()).expect("import");
        let before = export_csv(&store).expect("export");
        let bad = "barcode,name,price,stock,kind\n12345670,New,1.00,5,\n6900138600888,Misread,1.00,,\n";
        let e = import_csv(&store, bad, &WeighedLayout::default()).expect_err("refused");
        assert!(e.to_string().contains("line 3"), "{e}");
        assert_eq!(export_csv(&store).expect("export"), before, "all or nothing");
        let smaller = "barcode,name,price,stock,kind\n12345670,New,1.00,5,normal\n";
        import_csv(&store, smaller, &WeighedLayout::default()).expect("import");
        assert_eq!(export_csv(&store).expect("export"), smaller);
        assert_eq!(super::super::stock::counts(&store).expect("counts"), vec![("12345670".to_string(), 5)]);
    }
}
