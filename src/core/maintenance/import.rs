//! Importing a catalogue CSV from the USB stick inside the till: the page lists the stick's
//! `*.csv` files (read by `app`), the supervisor picks one, `app` parses it with the code of
//! `till catalogue import` and says what it would do, and Enter applies it in one store write.
//! A bad file changes nothing and is shown as its first bad line.

use super::super::auth::AuditEvent;
use super::super::catalog::{Catalogue, Product};
use super::super::csv_problem::CsvProblem;
use super::super::{Beep, Effect, Key, State};
use super::{MaintenanceEffect, Page};
use serde::{Deserialize, Serialize};

/// What an import would do to the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportPlan {
    pub rows: usize,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// The file is the shop's promotions (`till promotions import`'s header), not the catalogue.
    #[serde(default)]
    pub promotions: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ImportStep {
    /// Reading the directory.
    #[default]
    Listing,
    /// The directory is not there: no USB stick (or not mounted).
    NoDir,
    /// Choosing among `files` (none: the stick has no CSV file).
    Choosing,
    Checking,
    /// Parsed and compared with the stored catalogue: Enter applies it.
    Ready(ImportPlan),
    /// The file's first bad line: nothing was changed.
    Invalid {
        line: usize,
        problem: CsvProblem,
    },
    Applying(ImportPlan),
    Done {
        rows: usize,
    },
    /// Reading the stick or writing the store failed (one line): nothing was changed.
    Failed {
        error: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportPage {
    /// The USB stick's directory (`export_dir`).
    pub dir: String,
    /// Its `*.csv` files, by name.
    pub files: Vec<String>,
    pub selected: usize,
    pub step: ImportStep,
    /// The file checked is promotions (what the page's words say).
    #[serde(default)]
    pub promotions: bool,
}

impl ImportPage {
    pub fn file(&self) -> Option<&str> {
        self.files.get(self.selected).map(String::as_str)
    }
}

/// Why a file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportFailure {
    /// A malformed row (1 = the header line) and why.
    Line { line: usize, problem: CsvProblem },
    /// Reading the file or writing the store failed.
    Io(String),
}

/// What an applied import left in the store: the till sells from it at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub rows: usize,
    pub products: Vec<Product>,
    pub stock: Vec<(String, i64)>,
    /// A promotions file: the promotions now in force (the catalogue is untouched).
    #[serde(default)]
    pub promotions: Option<Vec<super::super::pricing::promo::Promotion>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportEffect {
    /// The `*.csv` files in `dir`; answered with [`ImportMsg::Listed`].
    List { dir: String },
    /// Parse `dir/file` and compare it with the catalogue; answered with [`ImportMsg::Checked`].
    Check { dir: String, file: String },
    /// Parse again and replace the catalogue in one flushed write; answered with [`ImportMsg::Applied`].
    Apply { dir: String, file: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportMsg {
    /// The directory's CSV files, or `None` when there is no such directory.
    Listed {
        dir: String,
        result: Result<Option<Vec<String>>, String>,
    },
    Checked {
        file: String,
        result: Result<ImportPlan, ImportFailure>,
    },
    Applied {
        file: String,
        result: Result<Imported, ImportFailure>,
    },
}

fn effect(e: ImportEffect) -> Effect {
    Effect::Maintenance(MaintenanceEffect::Import(e))
}

/// The menu's "import catalogue": the page opens listing the stick.
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(m) = state.maintenance.as_mut() else { return };
    let dir = m.export_dir.trim().to_string();
    m.page = Page::Import;
    m.import = ImportPage { dir: dir.clone(), ..ImportPage::default() };
    fx.push(effect(ImportEffect::List { dir }));
}

pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(m) = state.maintenance.as_mut() else { return };
    let page = &mut m.import;
    match (&page.step, key) {
        // The store is being written: the supervisor waits for the outcome.
        (ImportStep::Applying(_), _) | (ImportStep::Checking, _) => {}
        (ImportStep::Choosing, Key::Up) => page.selected = page.selected.saturating_sub(1),
        (ImportStep::Choosing, Key::Down) => {
            page.selected = (page.selected + 1).min(page.files.len().saturating_sub(1));
        }
        (ImportStep::Choosing, Key::Enter) => {
            if let Some(file) = page.file().map(str::to_string) {
                page.step = ImportStep::Checking;
                fx.push(effect(ImportEffect::Check { dir: page.dir.clone(), file }));
            }
        }
        (ImportStep::Ready(plan), Key::Enter) => {
            if let Some(file) = page.file().map(str::to_string) {
                page.step = ImportStep::Applying(*plan);
                fx.push(effect(ImportEffect::Apply { dir: page.dir.clone(), file }));
            }
        }
        // From a file's outcome back to the list; from the list back to the menu.
        (ImportStep::Ready(_) | ImportStep::Invalid { .. } | ImportStep::Done { .. }, Key::Esc)
            if !page.files.is_empty() =>
        {
            page.step = ImportStep::Choosing;
        }
        (_, Key::Esc) => {
            m.page = Page::Menu;
            state.notice = None;
        }
        _ => {}
    }
}

pub(super) fn on_msg(state: &mut State, msg: ImportMsg, fx: &mut Vec<Effect>) {
    if let ImportMsg::Applied { file, result } = msg {
        return applied(state, file, result, fx);
    }
    let Some(page) = state.maintenance.as_mut().filter(|m| m.page == Page::Import).map(|m| &mut m.import) else {
        return;
    };
    match msg {
        ImportMsg::Listed { dir, .. } if dir != page.dir || page.step != ImportStep::Listing => {}
        ImportMsg::Listed { result: Ok(None), .. } => page.step = ImportStep::NoDir,
        ImportMsg::Listed { result: Ok(Some(files)), .. } => {
            page.files = files;
            page.selected = 0;
            page.step = ImportStep::Choosing;
        }
        ImportMsg::Listed { result: Err(error), .. } => page.step = ImportStep::Failed { error },
        ImportMsg::Checked { file, .. } if page.step != ImportStep::Checking || page.file() != Some(&file) => {}
        ImportMsg::Checked { result, .. } => {
            page.promotions = result.as_ref().is_ok_and(|p| p.promotions);
            page.step = match result {
                Ok(plan) => ImportStep::Ready(plan),
                Err(ImportFailure::Line { line, problem }) => ImportStep::Invalid { line, problem },
                Err(ImportFailure::Io(error)) => ImportStep::Failed { error },
            };
            if !matches!(page.step, ImportStep::Ready(_)) {
                fx.push(Effect::Beep(Beep::Error));
            }
        }
        ImportMsg::Applied { .. } => {}
    }
}

/// The import's outcome: on success the till sells from the new catalogue at once (the weighed
/// layout and the low-stock threshold are the till's own) and the audit log says who imported
/// which file; on failure nothing changed.
fn applied(state: &mut State, file: String, result: Result<Imported, ImportFailure>, fx: &mut Vec<Effect>) {
    let step = match result {
        Ok(Imported { rows, promotions: Some(promotions), .. }) => {
            state.promotions = super::super::pricing::promo::Book::new(promotions);
            fx.push(state.audit(AuditEvent::PromotionsImported { file, rows }));
            fx.push(Effect::Beep(Beep::Success));
            ImportStep::Done { rows }
        }
        Ok(imported) => {
            let mut catalogue = Catalogue::new(imported.products).with_stock(imported.stock);
            catalogue.weighed = state.catalogue.weighed.clone();
            catalogue.low_stock = state.catalogue.low_stock;
            state.catalogue = catalogue;
            fx.push(state.audit(AuditEvent::CatalogueImported { file, rows: imported.rows }));
            fx.push(Effect::Beep(Beep::Success));
            ImportStep::Done { rows: imported.rows }
        }
        Err(failure) => {
            fx.push(Effect::Beep(Beep::Failure));
            match failure {
                ImportFailure::Line { line, problem } => ImportStep::Invalid { line, problem },
                ImportFailure::Io(error) => ImportStep::Failed { error },
            }
        }
    };
    if let Some(m) = state.maintenance.as_mut().filter(|m| m.page == Page::Import) {
        m.import.step = step;
    }
}
