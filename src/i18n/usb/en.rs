//! English.

use super::{UpgradeFailure as F, UsbLine, UsbText as T};

pub(super) fn text(t: T) -> &'static str {
    match t {
        T::ImportHelp => "Choose a catalogue CSV (barcode,name,price,stock,kind); Enter checks it",
        T::UsbDir => "USB stick",
        T::CheckingFile => "Checking the file…",
        T::ConfirmImport => "Press Enter to replace the catalogue with this file, Esc not to",
        T::Importing => "Importing…",
        T::NothingChanged => "Nothing was changed",
        T::LookingForUpdate => "Looking for an update…",
        T::FromUsb => "From the USB stick",
        T::FromServer => "From the update server",
        T::ConfirmUpgrade => "Press Enter to upgrade (the till restarts into the new version), Esc not to",
        T::ConfirmForce => "Press Enter again to upgrade anyway (recorded in the audit log), Esc not to",
        T::Installing => "Checking the signature and installing…",
        T::InstallingForced => "Checking the signature and installing (override)…",
        T::DoNotPowerOff => "Do not power off",
    }
}

pub(super) fn line(l: &UsbLine<'_>) -> String {
    match l {
        UsbLine::NoUsb { dir } => format!("No USB stick at {dir}: insert one and open this page again"),
        UsbLine::NoCsv { dir } => format!("No .csv file on the USB stick ({dir})"),
        UsbLine::Plan(p) => {
            format!("{} products: {} new, {} changed, {} removed", p.rows, p.added, p.changed, p.removed)
        }
        UsbLine::Invalid { file, line, problem } => format!("{file}: line {line}: {problem}"),
        UsbLine::Imported { file, rows } => format!("Catalogue replaced: {rows} products from {file}"),
        UsbLine::PromotionsPlan(p) => {
            format!("{} promotions: {} new, {} changed, {} removed", p.rows, p.added, p.changed, p.removed)
        }
        UsbLine::PromotionsImported { file, rows } => format!("Promotions replaced: {rows} promotions from {file}"),
        UsbLine::ReadFailed { error } => format!("Could not import: {error}"),
        UsbLine::NoBundle { dir } => {
            format!("No update found: no .bundle file in {dir} and no [upgrade] url set")
        }
        UsbLine::Blocked { unsynced, unresolved } => {
            format!("Not now: {unsynced} records not yet delivered, {unresolved} payments or refunds in doubt")
        }
        UsbLine::NotUpgraded(f) => match f {
            F::Blocked { unsynced, unresolved } => {
                line(&UsbLine::Blocked { unsynced: *unsynced, unresolved: *unresolved })
            }
            F::BadSignature => "Not upgraded: the bundle's signature does not match (altered or damaged)".into(),
            F::UntrustedKey { key } => format!("Not upgraded: signed by key {key}…, which this till does not trust"),
            F::Unreachable { from, reason } => format!("Not upgraded: could not get {from}: {reason}"),
            F::NotNewer { offered, installed } => {
                format!("Not upgraded: version {offered} is not newer than the installed {installed}")
            }
            F::Other(error) => format!("Not upgraded: {error}"),
        },
        UsbLine::Installed { version } => format!("Version {version} installed: the till restarts now"),
    }
}
