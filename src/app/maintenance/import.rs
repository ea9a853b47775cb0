//! The menu's catalogue import from the USB stick: list the stick's CSV files, check one with the
//! code of `till catalogue import` (line-numbered errors, all or nothing), apply it in one store
//! write. Each on a blocking thread; the outcome comes back as a message.

use super::Host;
use crate::app::catalogue::{self, CatalogueError};
use crate::app::catalogue_csv::{self, Row};
use crate::core::Msg;
use crate::core::catalog::WeighedLayout;
use crate::core::maintenance::MaintenanceMsg;
use crate::core::maintenance::import::{ImportEffect, ImportFailure, ImportMsg, ImportPlan, Imported};
use crate::store::Store;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// A catalogue larger than this is not a shop's catalogue (and would not fit the screen's budget).
const MAX_FILE: u64 = 32 << 20;

pub(super) fn run(effect: ImportEffect, host: Option<Arc<Host>>, layout: WeighedLayout, msgs: UnboundedSender<Msg>) {
    tokio::task::spawn_blocking(move || {
        let msg = match effect {
            ImportEffect::List { dir } => {
                let result = list(Path::new(&dir));
                if let Err(error) = &result {
                    tracing::warn!(dir, error, "USB directory unreadable");
                }
                ImportMsg::Listed { dir, result }
            }
            ImportEffect::Check { dir, file } => {
                let result = match &host {
                    Some(host) => check(host.store.as_ref(), &Path::new(&dir).join(&file), &layout),
                    None => Err(ImportFailure::Io("import is not available here".into())),
                };
                if let Err(e) = &result {
                    tracing::warn!(file, error = ?e, "catalogue file refused");
                }
                ImportMsg::Checked { file, result }
            }
            ImportEffect::Apply { dir, file } => {
                let result = match &host {
                    Some(host) => apply(host.store.as_ref(), &Path::new(&dir).join(&file), &layout),
                    None => Err(ImportFailure::Io("import is not available here".into())),
                };
                match &result {
                    Ok(done) => tracing::info!(file, rows = done.rows, "catalogue imported from the USB stick"),
                    Err(e) => tracing::warn!(file, error = ?e, "catalogue import failed: nothing changed"),
                }
                ImportMsg::Applied { file, result }
            }
        };
        let _ = msgs.send(Msg::Maintenance(MaintenanceMsg::Import(msg)));
    });
}

/// The `*.csv` files in `dir` by name; `None` when `dir` is not a directory (no stick).
pub fn list(dir: &Path) -> Result<Option<Vec<String>>, String> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.') && name.to_ascii_lowercase().ends_with(".csv"))
        .collect();
    files.sort();
    Ok(Some(files))
}

fn read(path: &Path) -> Result<String, ImportFailure> {
    let io = |e: String| ImportFailure::Io(format!("{}: {e}", path.display()));
    let len = std::fs::metadata(path).map_err(|e| io(e.to_string()))?.len();
    if len > MAX_FILE {
        return Err(io(format!("{len} bytes is too large for a catalogue")));
    }
    let bytes = std::fs::read(path).map_err(|e| io(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| io("not UTF-8 text (save the CSV as UTF-8)".into()))
}

fn failure(e: CatalogueError) -> ImportFailure {
    match e {
        CatalogueError::Csv(e) => ImportFailure::Line { line: e.line, problem: e.problem },
        other => ImportFailure::Io(other.to_string()),
    }
}

/// Parses the file and compares it with the stored catalogue; nothing is written.
pub fn check(store: &dyn Store, path: &Path, layout: &WeighedLayout) -> Result<ImportPlan, ImportFailure> {
    let text = read(path)?;
    let rows =
        catalogue_csv::parse(&text, layout).map_err(|e| ImportFailure::Line { line: e.line, problem: e.problem })?;
    let stored = catalogue::rows(store).map_err(failure)?;
    Ok(plan(&stored, &rows))
}

/// What replacing `stored` by `rows` does, product by product (a changed count is a change).
pub fn plan(stored: &[Row], rows: &[Row]) -> ImportPlan {
    let before: BTreeMap<&str, &Row> = stored.iter().map(|r| (r.product.barcode.as_str(), r)).collect();
    let after: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.product.barcode.as_str(), r)).collect();
    let added = after.keys().filter(|b| !before.contains_key(*b)).count();
    let changed = after.iter().filter(|(b, r)| before.get(*b).is_some_and(|old| old != *r)).count();
    let removed = before.keys().filter(|b| !after.contains_key(*b)).count();
    ImportPlan { rows: rows.len(), added, changed, removed }
}

/// Parses the file again (it may have changed since it was checked) and replaces the catalogue
/// with it in one store write, as `till catalogue import` does; returns what the till now sells.
pub fn apply(store: &dyn Store, path: &Path, layout: &WeighedLayout) -> Result<Imported, ImportFailure> {
    let text = read(path)?;
    let rows = catalogue::import_csv(store, &text, layout).map_err(failure)?;
    let stored = catalogue::rows(store).map_err(failure)?;
    let stock = stored.iter().filter_map(|r| r.stock.map(|n| (r.product.barcode.clone(), n))).collect();
    Ok(Imported { rows, products: stored.into_iter().map(|r| r.product).collect(), stock })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::Product;
    use crate::core::money::Fen;

    fn row(barcode: &str, price: i64, stock: Option<i64>) -> Row {
        Row { product: Product::new(barcode, "x", Fen(price)), stock }
    }

    #[test]
    fn the_plan_counts_new_changed_and_removed_products_a_changed_count_included() {
        let stored = [row("1", 100, None), row("2", 200, Some(3)), row("3", 300, None)];
        let file = [row("1", 100, None), row("2", 200, Some(4)), row("4", 400, None), row("5", 500, None)];
        assert_eq!(plan(&stored, &file), ImportPlan { rows: 4, added: 2, changed: 1, removed: 1 });
        assert_eq!(plan(&stored, &stored), ImportPlan { rows: 3, ..ImportPlan::default() });
    }

    #[test]
    fn only_visible_csv_files_are_listed_by_name_and_a_missing_directory_is_no_stick() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["b.csv", "A.CSV", ".hidden.csv", "notes.txt", "till-0.2.0.bundle"] {
            std::fs::write(dir.path().join(name), "x").expect("file");
        }
        std::fs::create_dir(dir.path().join("folder.csv")).expect("dir");
        assert_eq!(list(dir.path()), Ok(Some(vec!["A.CSV".to_string(), "b.csv".to_string()])));
        assert_eq!(list(&dir.path().join("absent")), Ok(None));
    }

    #[test]
    fn a_file_that_is_not_utf8_is_one_line_and_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::store::RedbStore::open(&dir.path().join("store")).expect("store");
        let path = dir.path().join("gbk.csv");
        std::fs::write(&path, b"barcode,name,price,stock,kind\n12345670,\xc2\xcc\xb2\xe8,4.00,,normal\n")
            .expect("file");
        let e = apply(&store, &path, &WeighedLayout::default()).expect_err("refused");
        assert!(matches!(&e, ImportFailure::Io(m) if m.contains("UTF-8") && !m.contains('\n')), "{e:?}");
        assert!(catalogue::rows(&store).expect("rows").is_empty());
    }
}
