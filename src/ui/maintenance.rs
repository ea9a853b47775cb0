//! The maintenance menu and its pages, the operators screen and the audit log.

mod usb;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::widgets::{self, ERROR, GOOD, WARN};
use crate::core::auth::{AuditView, OperatorForm, OperatorsView};
use crate::core::maintenance::{DIGITS, ITEMS, Item, Maintenance, Page};
use crate::core::{Lang, State};
use crate::i18n::staff::{self, StaffText as T};

/// The operators list (over the maintenance menu).
pub(super) fn operators_view(state: &State, frame: &mut Frame, area: Rect) {
    if let Some(view) = &state.auth.admin {
        operators(state, view, frame, area);
    }
}

/// The audit log (over the maintenance menu).
pub(super) fn audit_view(state: &State, frame: &mut Frame, area: Rect) {
    if let Some(view) = &state.auth.audit {
        audit(state, view, frame, area);
    }
}

/// The maintenance menu and its pages.
pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let Some(m) = &state.maintenance else { return };
    let title = match m.page {
        Page::Menu | Page::Confirm(_) => staff::text(lang, T::MaintenanceTitle).to_string(),
        Page::Network => staff::item(lang, Item::Network).to_string(),
        Page::Scanner => staff::item(lang, Item::ScannerTest).to_string(),
        Page::Device => staff::item(lang, Item::DeviceInfo).to_string(),
        Page::Version => staff::item(lang, Item::Version).to_string(),
        Page::Export => staff::item(lang, Item::Export).to_string(),
        Page::Import => staff::item(lang, Item::ImportCatalogue).to_string(),
        Page::Upgrade => staff::item(lang, Item::Upgrade).to_string(),
    };
    let block = Block::bordered().title(format!(" {title} ")).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = usize::from(inner.height);
    let lines = match m.page {
        Page::Menu => menu(state, m, rows),
        Page::Confirm(item) => {
            let mut lines = menu(state, m, rows.saturating_sub(2));
            let ask = if item == Item::PowerOff { T::ConfirmPowerOff } else { T::ConfirmRestart };
            lines.push(Line::raw(""));
            lines.push(Line::styled(staff::text(lang, ask), Style::new().fg(WARN).bold()));
            lines
        }
        Page::Network => network(state, m, lang),
        Page::Scanner => scanner(m, lang),
        Page::Device => device(m, lang),
        Page::Version => version(m, lang),
        Page::Export => export(m, lang),
        Page::Import => usb::import(&m.import, lang, rows),
        Page::Upgrade => {
            let version = m.info.as_ref().map_or(env!("CARGO_PKG_VERSION"), |i| i.version.as_str());
            usb::upgrade(&m.upgrade, &m.export_dir, version, lang)
        }
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The items, digits 1–9 beside the first nine; a window around the highlighted one when the
/// screen has fewer than `rows` rows for them.
fn menu(state: &State, m: &Maintenance, rows: usize) -> Vec<Line<'static>> {
    let lang = state.settings.lang;
    let rows = rows.max(1);
    let first = m.selected.saturating_sub(rows - 1);
    ITEMS
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, item)| {
            let digit = if i < DIGITS { (i + 1).to_string() } else { " ".into() };
            let mut text = format!("{digit}  {}", staff::item(lang, *item));
            if *item == Item::PowerOff && !state.auth.policy.power_off {
                text.push_str(staff::text(lang, T::NotInDemo));
            }
            if i == m.selected {
                Line::styled(format!("▸ {text}"), Style::new().fg(Color::Black).bg(Color::Cyan).bold())
            } else {
                Line::raw(format!("  {text}"))
            }
        })
        .collect()
}

fn reading(lang: Lang) -> Vec<Line<'static>> {
    vec![Line::styled(staff::text(lang, T::Reading), Style::new().fg(WARN))]
}

fn network(state: &State, m: &Maintenance, lang: Lang) -> Vec<Line<'static>> {
    let t = |x| staff::text(lang, x);
    let Some(info) = &m.info else { return reading(lang) };
    let reach = if state.online { t(T::Reachable) } else { t(T::Unreachable) };
    let mut rows = vec![
        (t(T::PaymentPlatform), format!("{} — {reach}", info.platform)),
        (t(T::Address), info.address.clone().unwrap_or_else(|| t(T::NoAddress).to_string())),
    ];
    let backoffice = if info.backoffice {
        format!("{} {}, {} {}", t(T::Waiting), info.outbox_pending, t(T::Refused), info.outbox_failed)
    } else {
        t(T::BackofficeOff).to_string()
    };
    rows.push((t(T::Backoffice), backoffice));
    if let Some(e) = &info.sync_error {
        rows.push((t(T::LastError), e.clone()));
    }
    widgets::label_rows(&rows)
}

fn device(m: &Maintenance, lang: Lang) -> Vec<Line<'static>> {
    let t = |x| staff::text(lang, x);
    let Some(info) = &m.info else { return reading(lang) };
    widgets::label_rows(&[
        (staff::item(lang, Item::Version), info.version.clone()),
        (t(T::Serial), info.serial.clone()),
        (t(T::PaymentPlatform), info.platform.clone()),
        (t(T::DataDir), info.data_dir.clone()),
        (t(T::StoreSize), info.store_bytes.map(staff::size).unwrap_or_default()),
        (t(T::Outbox), format!("{} + {} {}", info.outbox_pending, info.outbox_failed, t(T::Refused))),
        (t(T::Arch), info.arch.clone()),
    ])
}

fn version(m: &Maintenance, lang: Lang) -> Vec<Line<'static>> {
    let version = m.info.as_ref().map_or(String::new(), |i| format!("till {} ({})", i.version, i.arch));
    if version.is_empty() {
        return reading(lang);
    }
    vec![Line::styled(version, Style::new().add_modifier(Modifier::BOLD))]
}

fn scanner(m: &Maintenance, lang: Lang) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(staff::text(lang, T::ScanHelp), Style::new().fg(Color::DarkGray)), Line::raw("")];
    for s in &m.scans {
        lines.push(Line::from(vec![
            Span::styled(widgets::pad(&staff::scan_kind(lang, s.kind), 26), Style::new().bold()),
            Span::raw(format!("{:>3} {}  ", s.len, staff::text(lang, T::Chars))),
            Span::raw(s.shown.clone()),
        ]));
    }
    lines
}

fn export(m: &Maintenance, lang: Lang) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(staff::text(lang, T::ExportHelp), Style::new().fg(Color::DarkGray)),
        Line::raw(""),
        widgets::input_line(staff::text(lang, T::ExportTo), &m.export_dir),
    ];
    if m.busy {
        lines.push(Line::styled(staff::text(lang, T::Exporting), Style::new().fg(WARN)));
    }
    lines
}

fn operators(state: &State, view: &OperatorsView, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x| staff::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(T::OperatorsTitle))).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [list, form_area] = Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(inner);
    let header = format!(
        "  {}  {}  {}  {}",
        widgets::pad(t(T::ColNo), 4),
        widgets::pad(t(T::ColName), 18),
        widgets::pad(t(T::ColRole), 11),
        t(T::ColState)
    );
    let mut lines = vec![Line::styled(header, Style::new().fg(Color::DarkGray))];
    let me = state.auth.session.as_ref().map(|s| s.number.as_str());
    for (i, op) in state.auth.operators.iter().enumerate() {
        let (word, colour) = if op.disabled {
            (t(T::StateDisabled), Color::DarkGray)
        } else if op.locked_at(state.now).is_some() {
            (t(T::StateLocked), ERROR)
        } else if op.must_change_pin {
            (t(T::StateMustChange), WARN)
        } else {
            (t(T::StateActive), GOOD)
        };
        let mark = if me == Some(op.number.as_str()) { t(T::SignedInMark) } else { "" };
        let text = format!(
            "{}{}  {}  {}  {word} {mark}",
            if i == view.selected { "▸ " } else { "  " },
            widgets::pad(&op.number, 4),
            widgets::fit(&op.name, 18),
            widgets::pad(staff::role(lang, op.role), 11),
        );
        let style =
            if i == view.selected { Style::new().fg(Color::Black).bg(Color::Cyan) } else { Style::new().fg(colour) };
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), list);
    let Some(form) = &view.form else { return };
    let (label, number) = match form {
        OperatorForm::NewName { number, .. } => (T::FormNewName, number),
        OperatorForm::NewPin { number, .. } => (T::FormNewPin, number),
        OperatorForm::Rename { number, .. } => (T::FormRename, number),
        OperatorForm::ResetPin { number, .. } => (T::FormResetPin, number),
        OperatorForm::StaffId { number, .. } => (T::FormStaffId, number),
    };
    let typed = if form.is_pin() { "*".repeat(form.entry().len()) } else { form.entry().to_string() };
    let mut lines = vec![widgets::input_line(&format!("{number} {}", t(label)), &typed)];
    let help = match form {
        OperatorForm::StaffId { .. } => Some(T::FormStaffIdHelp),
        _ if form.is_pin() => Some(T::FormPinHelp),
        _ => None,
    };
    if let Some(help) = help {
        lines.push(Line::styled(t(help), Style::new().fg(Color::DarkGray)));
    }
    frame.render_widget(Paragraph::new(lines), form_area);
}

fn audit(state: &State, view: &AuditView, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x| staff::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(T::AuditTitle))).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(entries) = &view.entries else {
        frame.render_widget(Paragraph::new(reading(lang)), inner);
        return;
    };
    let who_cols = usize::from(widgets::width(t(T::ColWho))).max(4);
    let header =
        format!("{}  {}  {}", widgets::pad(t(T::ColTime), 11), widgets::pad(t(T::ColWho), who_cols), t(T::ColWhat));
    let mut lines = vec![Line::styled(header, Style::new().fg(Color::DarkGray))];
    if entries.is_empty() {
        lines.push(Line::raw(t(T::AuditEmpty)));
    }
    let offset = state.settings.utc_offset_minutes;
    for e in entries.iter().skip(view.offset).take(usize::from(inner.height.saturating_sub(1))) {
        let local = e.at.local(offset);
        let when = format!("{:02}-{:02} {}", local.month, local.day, local.hhmm());
        lines.push(Line::raw(format!(
            "{}  {}  {}",
            widgets::pad(&when, 11),
            widgets::fit(&e.operator, who_cols),
            staff::audit_event(lang, &e.event)
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
