//! `till catalogue import|export`: the shop's products as CSV, with line-numbered errors.

use super::CatalogueAction;
use super::store::open;
use crate::app;
use crate::config::Config;
use anyhow::Context;

/// `till catalogue import|export`: one line on stderr with the count, or the first bad row.
pub fn command(config: &Config, action: CatalogueAction) -> anyhow::Result<()> {
    let store = open(config, true)?;
    match action {
        CatalogueAction::Import { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let n = app::catalogue::import_csv(&store, &text, &config.catalogue.layout())
                .with_context(|| format!("{}", file.display()))?;
            eprintln!("imported {n} products from {}", file.display());
        }
        CatalogueAction::Export { file } => write_export(&app::catalogue::export_csv(&store)?, file, "products")?,
    }
    Ok(())
}

/// Writes an exported CSV to `file`, or to stdout, and says on stderr how many `what` it holds.
pub(super) fn write_export(text: &str, file: Option<std::path::PathBuf>, what: &str) -> anyhow::Result<()> {
    let n = text.lines().count().saturating_sub(1);
    match file {
        Some(file) => {
            std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
            eprintln!("exported {n} {what} to {}", file.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(text.as_bytes())?;
            eprintln!("exported {n} {what}");
        }
    }
    Ok(())
}
