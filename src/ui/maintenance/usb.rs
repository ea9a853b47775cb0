//! The maintenance menu's USB pages: importing a catalogue CSV and upgrading the software.

use ratatui::style::{Color, Style};
use ratatui::text::Line;

use super::super::staff::Keys;
use super::super::widgets::{self, ERROR, GOOD, WARN};
use crate::core::Lang;
use crate::core::maintenance::import::{ImportPage, ImportStep};
use crate::core::maintenance::upgrade::{UpgradePage, UpgradeStep};
use crate::i18n::staff::{self, StaffText as T};
use crate::i18n::usb::{self, UsbLine as L, UsbText as U};

const KEYS_CHOOSE: Keys = &[(T::KeyUpDown, T::HintChoose), (T::KeyEnter, T::HintConfirm), (T::KeyEsc, T::HintBack)];
const KEYS_ENTER: Keys = &[(T::KeyEnter, T::HintConfirm), (T::KeyEsc, T::HintBack)];
const KEYS_BACK: Keys = &[(T::KeyEsc, T::HintBack)];
const KEYS_WAIT: Keys = &[];

fn help(s: &str) -> Line<'static> {
    Line::styled(s.to_string(), Style::new().fg(Color::DarkGray))
}

fn warn(s: String) -> Line<'static> {
    Line::styled(s, Style::new().fg(WARN).bold())
}

fn bad(s: String) -> Line<'static> {
    Line::styled(s, Style::new().fg(ERROR).bold())
}

fn good(s: String) -> Line<'static> {
    Line::styled(s, Style::new().fg(GOOD).bold())
}

pub(super) fn import(page: &ImportPage, lang: Lang, rows: usize) -> (Vec<Line<'static>>, Keys) {
    let u = |t| usb::text(lang, t);
    let mut lines = widgets::label_rows(&[(u(U::UsbDir), page.dir.clone())]);
    lines.push(Line::raw(""));
    let file = page.file().unwrap_or_default();
    let keys = match &page.step {
        ImportStep::Listing => {
            lines.push(Line::styled(staff::text(lang, T::Reading), Style::new().fg(WARN)));
            KEYS_BACK
        }
        ImportStep::NoDir => {
            lines.push(bad(usb::line(lang, &L::NoUsb { dir: &page.dir })));
            KEYS_BACK
        }
        ImportStep::Choosing if page.files.is_empty() => {
            lines.push(bad(usb::line(lang, &L::NoCsv { dir: &page.dir })));
            KEYS_BACK
        }
        ImportStep::Choosing => {
            lines.push(help(u(U::ImportHelp)));
            // A window around the highlighted file when the stick holds more than fit.
            let room = rows.saturating_sub(lines.len()).max(1);
            let first = page.selected.saturating_sub(room - 1);
            for (i, name) in page.files.iter().enumerate().skip(first).take(room) {
                lines.push(if i == page.selected {
                    Line::styled(format!("▸ {name}"), Style::new().fg(Color::Black).bg(Color::Cyan).bold())
                } else {
                    Line::raw(format!("  {name}"))
                });
            }
            KEYS_CHOOSE
        }
        ImportStep::Checking => {
            lines.push(Line::raw(file.to_string()));
            lines.push(Line::styled(u(U::CheckingFile), Style::new().fg(WARN)));
            KEYS_WAIT
        }
        ImportStep::Ready(plan) => {
            lines.push(Line::raw(file.to_string()));
            lines.push(Line::raw(usb::line(lang, &L::Plan(*plan))));
            lines.push(Line::raw(""));
            lines.push(warn(u(U::ConfirmImport).to_string()));
            KEYS_ENTER
        }
        ImportStep::Invalid { line, problem } => {
            lines.push(bad(usb::line(lang, &L::Invalid { file, line: *line, problem })));
            lines.push(help(u(U::NothingChanged)));
            KEYS_BACK
        }
        ImportStep::Applying(plan) => {
            lines.push(Line::raw(file.to_string()));
            lines.push(Line::raw(usb::line(lang, &L::Plan(*plan))));
            lines.push(Line::styled(u(U::Importing), Style::new().fg(WARN)));
            KEYS_WAIT
        }
        ImportStep::Done { rows } => {
            lines.push(good(usb::line(lang, &L::Imported { file, rows: *rows })));
            KEYS_BACK
        }
        ImportStep::Failed { error } => {
            lines.push(bad(usb::line(lang, &L::ReadFailed { error })));
            lines.push(help(u(U::NothingChanged)));
            KEYS_BACK
        }
    };
    (lines, keys)
}

pub(super) fn upgrade(page: &UpgradePage, dir: &str, version: &str, lang: Lang) -> (Vec<Line<'static>>, Keys) {
    let u = |t| usb::text(lang, t);
    let now = staff::item(lang, crate::core::maintenance::Item::Version);
    let mut rows = vec![(now, format!("till {version}"))];
    let source = match &page.step {
        UpgradeStep::Ready(s) | UpgradeStep::Blocked { source: s, .. } | UpgradeStep::Running { source: s, .. } => {
            Some(s)
        }
        _ => None,
    };
    if let Some(s) = source {
        rows.push((u(if s.usb { U::FromUsb } else { U::FromServer }), s.from.clone()));
    }
    let mut lines = widgets::label_rows(&rows);
    lines.push(Line::raw(""));
    let keys = match &page.step {
        UpgradeStep::Looking => {
            lines.push(Line::styled(u(U::LookingForUpdate), Style::new().fg(WARN)));
            KEYS_BACK
        }
        UpgradeStep::NoSource => {
            lines.push(bad(usb::line(lang, &L::NoBundle { dir })));
            KEYS_BACK
        }
        UpgradeStep::Ready(_) => {
            lines.push(warn(u(U::ConfirmUpgrade).to_string()));
            KEYS_ENTER
        }
        UpgradeStep::Blocked { unsynced, unresolved, .. } => {
            lines.push(bad(usb::line(lang, &L::Blocked { unsynced: *unsynced, unresolved: *unresolved })));
            lines.push(warn(u(U::ConfirmForce).to_string()));
            KEYS_ENTER
        }
        UpgradeStep::Running { forced, .. } => {
            let doing = if *forced { U::InstallingForced } else { U::Installing };
            lines.push(Line::styled(u(doing), Style::new().fg(WARN)));
            lines.push(warn(u(U::DoNotPowerOff).to_string()));
            KEYS_WAIT
        }
        UpgradeStep::Failed(failure) => {
            lines.push(bad(usb::line(lang, &L::NotUpgraded(failure))));
            lines.push(help(u(U::NothingChanged)));
            KEYS_BACK
        }
        UpgradeStep::Installed { version } => {
            lines.push(good(usb::line(lang, &L::Installed { version })));
            KEYS_WAIT
        }
    };
    (lines, keys)
}
