//! The maintenance menu's USB pages (catalogue import, upgrade), in Simplified Chinese and English.
//! Same design as the other tables: one exhaustive `match` per language.

mod en;
mod zh;

use crate::core::Lang;
use crate::core::csv_problem::CsvProblem;
use crate::core::maintenance::import::ImportPlan;
use crate::core::maintenance::upgrade::UpgradeFailure;

/// A static label of the import and upgrade pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum UsbText {
    ImportHelp,
    UsbDir,
    CheckingFile,
    ConfirmImport,
    Importing,
    NothingChanged,
    LookingForUpdate,
    FromUsb,
    FromServer,
    ConfirmUpgrade,
    ConfirmForce,
    Installing,
    InstallingForced,
    DoNotPowerOff,
}

impl UsbText {
    /// Every label (a unit test checks both languages have each).
    pub const ALL: &'static [UsbText] = <UsbText as strum::VariantArray>::VARIANTS;
}

pub fn text(lang: Lang, t: UsbText) -> &'static str {
    match lang {
        Lang::Zh => zh::text(t),
        Lang::En => en::text(t),
    }
}

/// A line that carries data, for the import and upgrade pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsbLine<'a> {
    NoUsb {
        dir: &'a str,
    },
    NoCsv {
        dir: &'a str,
    },
    Plan(ImportPlan),
    Invalid {
        file: &'a str,
        line: usize,
        problem: &'a CsvProblem,
    },
    Imported {
        file: &'a str,
        rows: usize,
    },
    /// What a promotions file would do.
    PromotionsPlan(ImportPlan),
    PromotionsImported {
        file: &'a str,
        rows: usize,
    },
    ReadFailed {
        error: &'a str,
    },
    NoBundle {
        dir: &'a str,
    },
    Blocked {
        unsynced: usize,
        unresolved: usize,
    },
    NotUpgraded(&'a UpgradeFailure),
    Installed {
        version: &'a str,
    },
}

pub fn line(lang: Lang, l: &UsbLine<'_>) -> String {
    match lang {
        Lang::Zh => zh::line(l),
        Lang::En => en::line(l),
    }
}

#[cfg(test)]
mod tests;
