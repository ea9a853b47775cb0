//! The maintenance menu's USB pages: importing a catalogue CSV and upgrading the software.

use ratatui::style::{Color, Style};
use ratatui::text::Line;

use super::super::widgets::{self, ERROR, GOOD, WARN};
use crate::core::Lang;
use crate::core::maintenance::import::{ImportPage, ImportStep};
use crate::core::maintenance::upgrade::{UpgradePage, UpgradeStep};
use crate::i18n::staff::{self, StaffText as T};
use crate::i18n::usb::{self, UsbLine as L, UsbText as U};

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

/// What a checked file would do, in the words of what it holds (products or promotions).
fn plan_line(plan: crate::core::maintenance::import::ImportPlan) -> L<'static> {
    if plan.promotions { L::PromotionsPlan(plan) } else { L::Plan(plan) }
}

pub(super) fn import(page: &ImportPage, lang: Lang, rows: usize) -> Vec<Line<'static>> {
    let u = |t| usb::text(lang, t);
    let mut lines = widgets::label_rows(&[(u(U::UsbDir), page.dir.clone())]);
    lines.push(Line::raw(""));
    let file = page.file().unwrap_or_default();
    match &page.step {
        ImportStep::Listing => {
            lines.push(Line::styled(staff::text(lang, T::Reading), Style::new().fg(WARN)));
        }
        ImportStep::NoDir => {
            lines.push(bad(usb::line(lang, &L::NoUsb { dir: &page.dir })));
        }
        ImportStep::Choosing if page.files.is_empty() => {
            lines.push(bad(usb::line(lang, &L::NoCsv { dir: &page.dir })));
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
        }
        ImportStep::Checking => {
            lines.push(Line::raw(file.to_string()));
            lines.push(Line::styled(u(U::CheckingFile), Style::new().fg(WARN)));
        }
        ImportStep::Ready(plan) => {
            lines.push(Line::raw(file.to_string()));
            lines.push(Line::raw(usb::line(lang, &plan_line(*plan))));
            lines.push(Line::raw(""));
            lines.push(warn(u(U::ConfirmImport).to_string()));
        }
        ImportStep::Invalid { line, problem } => {
            lines.push(bad(usb::line(lang, &L::Invalid { file, line: *line, problem })));
            lines.push(help(u(U::NothingChanged)));
        }
        ImportStep::Applying(plan) => {
            lines.push(Line::raw(file.to_string()));
            lines.push(Line::raw(usb::line(lang, &plan_line(*plan))));
            lines.push(Line::styled(u(U::Importing), Style::new().fg(WARN)));
        }
        ImportStep::Done { rows } if page.promotions => {
            lines.push(good(usb::line(lang, &L::PromotionsImported { file, rows: *rows })));
        }
        ImportStep::Done { rows } => {
            lines.push(good(usb::line(lang, &L::Imported { file, rows: *rows })));
        }
        ImportStep::Failed { error } => {
            lines.push(bad(usb::line(lang, &L::ReadFailed { error })));
            lines.push(help(u(U::NothingChanged)));
        }
    }
    lines
}

pub(super) fn upgrade(page: &UpgradePage, dir: &str, version: &str, lang: Lang) -> Vec<Line<'static>> {
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
    match &page.step {
        UpgradeStep::Looking => {
            lines.push(Line::styled(u(U::LookingForUpdate), Style::new().fg(WARN)));
        }
        UpgradeStep::NoSource => {
            lines.push(bad(usb::line(lang, &L::NoBundle { dir })));
        }
        UpgradeStep::Ready(_) => {
            lines.push(warn(u(U::ConfirmUpgrade).to_string()));
        }
        UpgradeStep::Blocked { unsynced, unresolved, .. } => {
            lines.push(bad(usb::line(lang, &L::Blocked { unsynced: *unsynced, unresolved: *unresolved })));
            lines.push(warn(u(U::ConfirmForce).to_string()));
        }
        UpgradeStep::Running { forced, .. } => {
            let doing = if *forced { U::InstallingForced } else { U::Installing };
            lines.push(Line::styled(u(doing), Style::new().fg(WARN)));
            lines.push(warn(u(U::DoNotPowerOff).to_string()));
        }
        UpgradeStep::Failed(failure) => {
            lines.push(bad(usb::line(lang, &L::NotUpgraded(failure))));
            lines.push(help(u(U::NothingChanged)));
        }
        UpgradeStep::Installed { version } => {
            lines.push(good(usb::line(lang, &L::Installed { version })));
        }
    }
    lines
}
