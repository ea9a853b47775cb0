//! `till catalogue import|export` and `till promotions import|export`: the shop's products and
//! promotions as CSV, with line-numbered errors.

use super::CatalogueAction;
use super::store::open;
use crate::app;
use crate::config::Config;
use anyhow::Context;

/// `till catalogue import|export`: one line on stderr with the count, or the first bad row.
pub fn command(config: &Config, action: CatalogueAction) -> anyhow::Result<()> {
    let store = open(config, true)?;
    let layout = config.catalogue.layout();
    import_export(
        action,
        "products",
        |text| Ok(app::catalogue::import_csv(&store, text, &layout)?),
        || Ok(app::catalogue::export_csv(&store)?),
    )
}

/// `till promotions import|export`: the same for the promotions (header
/// `id,name,kind,value,scope,from,until,days,hours`).
pub fn promotions(config: &Config, action: CatalogueAction) -> anyhow::Result<()> {
    let store = open(config, true)?;
    import_export(
        action,
        "promotions",
        |text| Ok(app::promotions::import_csv(&store, text)?),
        || Ok(app::promotions::export_csv(&store)?),
    )
}

fn import_export(
    action: CatalogueAction,
    what: &str,
    import: impl FnOnce(&str) -> anyhow::Result<usize>,
    export: impl FnOnce() -> anyhow::Result<String>,
) -> anyhow::Result<()> {
    match action {
        CatalogueAction::Import { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let n = import(&text).with_context(|| format!("{}", file.display()))?;
            eprintln!("imported {n} {what} from {}", file.display());
        }
        CatalogueAction::Export { file } => {
            let text = export()?;
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
        }
    }
    Ok(())
}
