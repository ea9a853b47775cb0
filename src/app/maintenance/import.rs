//! The menu's catalogue import from the USB stick: list the stick's CSV files, check one with the
//! code of `till catalogue import` (line-numbered errors, all or nothing), apply it in one store
//! write. Each on a blocking thread; the outcome comes back as a message.

use super::Host;
use crate::app::catalogue::{self, CatalogueError};
use crate::app::catalogue_csv::{self, Row};
use crate::app::promotions::{self, PromotionsError};
use crate::app::promotions_csv;
use crate::core::Msg;
use crate::core::catalog::WeighedLayout;
use crate::core::csv_problem::CsvProblem;
use crate::core::maintenance::MaintenanceMsg;
use crate::core::maintenance::import::{ImportEffect, ImportFailure, ImportMsg, ImportPlan, Imported};
use crate::core::pricing::promo::Promotion;
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

/// Whether a file is the shop's promotions (by its header) rather than the catalogue.
fn is_promotions(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').starts_with(promotions_csv::HEADER)
}

fn promotions_failure(e: PromotionsError) -> ImportFailure {
    match e {
        PromotionsError::Csv(e) => ImportFailure::Line { line: e.line, problem: CsvProblem::Promotion(e.problem) },
        other => ImportFailure::Io(other.to_string()),
    }
}

/// A promotions file against the stored promotions, by id (a changed promotion is a change).
fn promotions_plan(store: &dyn Store, text: &str) -> Result<ImportPlan, ImportFailure> {
    let file = promotions_csv::parse(text).map_err(|e| promotions_failure(e.into()))?;
    let stored = promotions::stored(store).map_err(promotions_failure)?;
    Ok(compare(&stored, &file, |p: &Promotion| p.id.as_str(), true))
}

/// Parses the file and compares it with the stored catalogue (or promotions); nothing is written.
pub fn check(store: &dyn Store, path: &Path, layout: &WeighedLayout) -> Result<ImportPlan, ImportFailure> {
    let text = read(path)?;
    if is_promotions(&text) {
        return promotions_plan(store, &text);
    }
    let rows =
        catalogue_csv::parse(&text, layout).map_err(|e| ImportFailure::Line { line: e.line, problem: e.problem })?;
    let stored = catalogue::rows(store).map_err(failure)?;
    Ok(plan(&stored, &rows))
}

/// What replacing `stored` by `rows` does, product by product (a changed count is a change).
pub fn plan(stored: &[Row], rows: &[Row]) -> ImportPlan {
    compare(stored, rows, |r| r.product.barcode.as_str(), false)
}

/// What replacing `stored` by `file` does, record by record (by `key`).
fn compare<T: PartialEq>(stored: &[T], file: &[T], key: impl Fn(&T) -> &str, promotions: bool) -> ImportPlan {
    let before: BTreeMap<&str, &T> = stored.iter().map(|r| (key(r), r)).collect();
    let after: BTreeMap<&str, &T> = file.iter().map(|r| (key(r), r)).collect();
    ImportPlan {
        rows: file.len(),
        added: after.keys().filter(|k| !before.contains_key(*k)).count(),
        changed: after.iter().filter(|(k, r)| before.get(*k).is_some_and(|old| old != *r)).count(),
        removed: before.keys().filter(|k| !after.contains_key(*k)).count(),
        promotions,
    }
}

/// Parses the file again (it may have changed since it was checked) and replaces the catalogue
/// with it in one store write, as `till catalogue import` does; returns what the till now sells.
pub fn apply(store: &dyn Store, path: &Path, layout: &WeighedLayout) -> Result<Imported, ImportFailure> {
    let text = read(path)?;
    if is_promotions(&text) {
        let rows = promotions::import_csv(store, &text).map_err(promotions_failure)?;
        let now = promotions::stored(store).map_err(promotions_failure)?;
        return Ok(Imported { rows, products: Vec::new(), stock: Vec::new(), promotions: Some(now) });
    }
    let rows = catalogue::import_csv(store, &text, layout).map_err(failure)?;
    let stored = catalogue::rows(store).map_err(failure)?;
    let stock = stored.iter().filter_map(|r| r.stock.map(|n| (r.product.barcode.clone(), n))).collect();
    Ok(Imported { rows, products: stored.into_iter().map(|r| r.product).collect(), stock, promotions: None })
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
        assert_eq!(plan(&stored, &file), ImportPlan { rows: 4, added: 2, changed: 1, removed: 1, promotions: false });
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

    #[test]
    fn a_promotions_file_on_the_stick_is_checked_by_id_and_replaces_the_promotions_not_the_catalogue() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::store::RedbStore::open(&dir.path().join("store")).expect("store");
        catalogue::import_csv(
            &store,
            "barcode,name,price,stock,kind\n12345670,Tea,3.00,,normal\n",
            &WeighedLayout::default(),
        )
        .expect("catalogue");
        let head = promotions_csv::HEADER;
        promotions::import_csv(&store, &format!("{head}\nA,a,percent,10,all,,,,\nB,b,percent,10,all,,,,\n"))
            .expect("stored");
        let path = dir.path().join("promotions.csv");
        std::fs::write(&path, format!("{head}\nA,a,percent,20,all,,,,\nC,满100减10,threshold,100-10,all,,,,\n"))
            .expect("file");
        let plan = check(&store, &path, &WeighedLayout::default()).expect("checked");
        assert_eq!(plan, ImportPlan { rows: 2, added: 1, changed: 1, removed: 1, promotions: true });
        let done = apply(&store, &path, &WeighedLayout::default()).expect("applied");
        let ids: Vec<String> = done.promotions.expect("promotions").into_iter().map(|p| p.id).collect();
        assert_eq!((done.rows, ids), (2, vec!["A".to_string(), "C".to_string()]));
        assert_eq!(catalogue::rows(&store).expect("rows").len(), 1, "the catalogue is untouched");
        std::fs::write(&path, format!("{head}\nX,x,percent,abc,all,,,,\n")).expect("file");
        let e = check(&store, &path, &WeighedLayout::default()).expect_err("refused");
        assert!(matches!(&e, ImportFailure::Line { line: 2, problem: CsvProblem::Promotion(_) }), "{e:?}");
    }
}
