//! The maintenance menu: the only way off the sale screens, behind a supervisor's PIN (F12).
//! Network status, printer test page, scanner test, device info, software version, export,
//! catalogue import and upgrade from the USB stick, operators, audit log, restart and power off.
//! Up/Down and Enter reach every item; digits 1–9 choose the first nine at once.

pub mod import;
pub mod upgrade;

use super::auth::{Action, AuditEvent, AuthNotice};
use super::code::{self, CodeKind, Platform};
use super::intent::Intent;
use super::notice::Notice;
use super::{Effect, Key, Msg, State};
use serde::{Deserialize, Serialize};

/// The menu, in order; the first nine are also chosen with digits 1–9 (see [`DIGITS`]).
pub const ITEMS: [Item; 13] = [
    Item::Network,
    Item::PrinterTest,
    Item::ScannerTest,
    Item::DeviceInfo,
    Item::Version,
    Item::Export,
    Item::ImportCatalogue,
    Item::Upgrade,
    Item::Operators,
    Item::Audit,
    Item::Restart,
    Item::PowerOff,
    Item::Training,
];

/// How many items have a digit of their own (1–9).
pub const DIGITS: usize = 9;

/// Where `item` is in [`ITEMS`].
pub fn position(item: Item) -> usize {
    ITEMS.iter().position(|i| *i == item).unwrap_or(0)
}

/// The keys that open `item` from the menu whatever is highlighted: its digit, or for an item
/// past the ninth, Up to the top, Down to it and Enter (tests and key scripts use this).
pub fn keys_to(item: Item) -> Vec<Key> {
    let at = position(item);
    match u32::try_from(at + 1).ok().and_then(|n| char::from_digit(n, 10)) {
        Some(digit) if at < DIGITS => vec![Key::Char(digit)],
        _ => {
            let mut keys = vec![Key::Up; ITEMS.len()];
            keys.extend(std::iter::repeat_n(Key::Down, at));
            keys.push(Key::Enter);
            keys
        }
    }
}

/// Scanned codes kept on the scanner test page.
const SCANS_KEPT: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Item {
    Network,
    PrinterTest,
    ScannerTest,
    DeviceInfo,
    Version,
    Export,
    /// A catalogue CSV from the USB stick replaces the catalogue.
    ImportCatalogue,
    /// The online upgrade: a bundle on the USB stick, else `[upgrade] url`.
    Upgrade,
    Operators,
    Audit,
    Restart,
    PowerOff,
    /// Training mode (培训模式) on: the menu closes onto a training sale. In training, the
    /// maintenance key (F12) asks to leave it instead (see `training`).
    Training,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Page {
    Menu,
    Network,
    Scanner,
    Device,
    Version,
    /// Typing where the export goes.
    Export,
    /// Choosing, checking and applying a catalogue CSV (see [`import`]).
    Import,
    /// Finding, confirming and installing an update bundle (see [`upgrade`]).
    Upgrade,
    /// Enter to restart / power off, Esc not to.
    Confirm(Item),
}

/// What a scanned code is, as the scanner test shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScanKind {
    Product,
    BadCheckDigit,
    Payment(Platform),
    OrderNumber,
    Amount,
    WifiCode,
    SetupCode,
    Garbage,
}

/// One code seen by the scanner test: its text (a customer's payment code or a Wi-Fi password is
/// masked), its length and what the till takes it for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanSeen {
    pub shown: String,
    pub len: usize,
    pub kind: ScanKind,
}

/// About the box, gathered by `app` when the menu opens.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub version: String,
    pub serial: String,
    /// Where payments go (`Cloud Pay sz.pay.qcloud.com`).
    pub platform: String,
    pub data_dir: String,
    pub store_bytes: Option<u64>,
    pub outbox_pending: usize,
    pub outbox_failed: usize,
    /// Whether a back office is configured, and its newest delivery error.
    pub backoffice: bool,
    pub sync_error: Option<String>,
    /// This box's IP address on the way out, if it has one.
    pub address: Option<String>,
    pub arch: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintenance {
    pub page: Page,
    pub selected: usize,
    /// The supervisor who opened the menu (the audit log's "who" when nobody is signed in).
    pub by: String,
    pub info: Option<DeviceInfo>,
    pub scans: Vec<ScanSeen>,
    /// Where the export goes (a USB stick's mount point), editable.
    pub export_dir: String,
    /// An export is being written.
    pub busy: bool,
    /// The catalogue import page.
    #[serde(default)]
    pub import: import::ImportPage,
    /// The upgrade page.
    #[serde(default)]
    pub upgrade: upgrade::UpgradePage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaintenanceMsg {
    Info(DeviceInfo),
    /// The export's file, or why it failed.
    Exported {
        result: Result<String, String>,
    },
    PowerOffFailed {
        error: String,
    },
    /// The catalogue import's answers.
    Import(import::ImportMsg),
    /// The upgrade's answers.
    Upgrade(upgrade::UpgradeMsg),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaintenanceEffect {
    /// Answered with [`MaintenanceMsg::Info`].
    GatherInfo,
    /// The whole store as JSON lines into a new file in `dir` (as `till export` writes it).
    Export { dir: String },
    /// Leave with a failure status: systemd starts the till again.
    Restart,
    /// `systemctl poweroff`.
    PowerOff,
    /// List, check or apply a catalogue CSV (off the UI thread).
    Import(import::ImportEffect),
    /// Find a bundle or run the upgrade (off the UI thread).
    Upgrade(upgrade::UpgradeEffect),
    /// Spend a confirmed enrolment code at its office and keep what it gives (mode 0600):
    /// answered with `Msg::Enrol` ([`super::enrol`]).
    Enrol { code: super::configure::ScannedCode },
}

/// F12: the menu, once a supervisor has said so.
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    if !state.authorize(Action::Maintenance, Msg::Act(Intent::OpenMaintenance)) {
        return;
    }
    let by = match (&state.auth.session, state.approver()) {
        (_, Some(supervisor)) => supervisor.to_string(),
        (Some(s), None) => s.number.clone(),
        (None, None) => String::new(),
    };
    state.maintenance = Some(Maintenance {
        page: Page::Menu,
        selected: 0,
        by,
        info: None,
        scans: Vec::new(),
        // The one export directory (`export_dir` in till.toml): the USB stick's mount point.
        export_dir: state.office.export_dir.clone(),
        busy: false,
        import: import::ImportPage::default(),
        upgrade: upgrade::UpgradePage::default(),
    });
    state.notice = None;
    fx.push(state.audit(AuditEvent::Maintenance { what: "open".into() }));
    fx.push(Effect::Maintenance(MaintenanceEffect::GatherInfo));
}

pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(m) = state.maintenance.as_mut() else { return };
    match m.page {
        Page::Import => return import::on_key(state, key, fx),
        Page::Upgrade => return upgrade::on_key(state, key, fx),
        _ => {}
    }
    match (m.page, key) {
        (Page::Menu, Key::Esc) => {
            state.maintenance = None;
            state.notice = None;
        }
        (Page::Menu, Key::Up) => m.selected = m.selected.saturating_sub(1),
        (Page::Menu, Key::Down) => m.selected = (m.selected + 1).min(ITEMS.len() - 1),
        (Page::Menu, Key::Enter) => {
            let item = ITEMS[m.selected];
            choose(state, item, fx);
        }
        (Page::Menu, Key::Char(c @ '1'..='9')) => {
            let index = c as usize - '1' as usize;
            if let Some(item) = ITEMS.get(index).filter(|_| index < DIGITS) {
                m.selected = index;
                choose(state, *item, fx);
            }
        }
        (Page::Export, Key::Char(c)) if !c.is_control() && !m.busy => m.export_dir.push(c),
        (Page::Export, Key::Backspace) if !m.busy => {
            m.export_dir.pop();
        }
        (Page::Export, Key::Enter) if !m.busy && !m.export_dir.trim().is_empty() => {
            m.busy = true;
            let dir = m.export_dir.trim().to_string();
            fx.push(state.audit(AuditEvent::Maintenance { what: format!("export {dir}") }));
            fx.push(Effect::Maintenance(MaintenanceEffect::Export { dir }));
        }
        (Page::Confirm(item), Key::Enter) => {
            let (what, effect, notice) = match item {
                Item::PowerOff => ("power off", MaintenanceEffect::PowerOff, AuthNotice::PoweringOff),
                _ => ("restart", MaintenanceEffect::Restart, AuthNotice::Restarting),
            };
            m.page = Page::Menu;
            fx.push(state.audit(AuditEvent::Maintenance { what: what.into() }));
            fx.push(Effect::Maintenance(effect));
            state.notice = Some(Notice::Auth(notice));
        }
        (_, Key::Esc) => {
            m.page = Page::Menu;
            state.notice = None;
        }
        _ => {}
    }
}

fn choose(state: &mut State, item: Item, fx: &mut Vec<Effect>) {
    let Some(m) = state.maintenance.as_mut() else { return };
    state.notice = None;
    match item {
        Item::Network => {
            m.page = Page::Network;
            fx.push(Effect::Maintenance(MaintenanceEffect::GatherInfo));
        }
        Item::PrinterTest => {
            state.notice = Some(Notice::PrintingTestPage);
            fx.push(Effect::PrintTestPage);
            // The customer display is tested with the printer: every segment and legend lit.
            fx.push(Effect::Display(super::display::Shown::Test));
        }
        Item::ScannerTest => m.page = Page::Scanner,
        Item::DeviceInfo => {
            m.page = Page::Device;
            fx.push(Effect::Maintenance(MaintenanceEffect::GatherInfo));
        }
        Item::Version => m.page = Page::Version,
        Item::Export => m.page = Page::Export,
        Item::ImportCatalogue => import::open(state, fx),
        Item::Upgrade => upgrade::open(state, fx),
        Item::Operators => super::auth::admin::open_operators(state),
        Item::Audit => super::auth::admin::open_audit(state, fx),
        Item::Restart => m.page = Page::Confirm(Item::Restart),
        Item::PowerOff if !state.auth.policy.power_off => {
            super::notice::refuse(state, Notice::Auth(AuthNotice::PowerOffDisabled), fx)
        }
        Item::PowerOff => m.page = Page::Confirm(Item::PowerOff),
        Item::Training => {
            // The supervisor who opened the menu turns it on; the menu closes onto the sale.
            state.maintenance = None;
            super::training::ask(state, true, fx);
        }
    }
}

/// On the scanner test page a scanned code is shown with what the till takes it for; elsewhere in
/// the menu it is ignored.
pub(super) fn on_scan(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    if state.maintenance.as_ref().is_none_or(|m| m.page != Page::Scanner) {
        return super::notice::refuse(state, Notice::Auth(AuthNotice::NotNow), fx);
    }
    let code = code.trim();
    let kind = if code.starts_with("WIFI:") {
        ScanKind::WifiCode
    } else if code.contains("/use_device_setting") {
        ScanKind::SetupCode
    } else if super::refund::is_order_number(state, code) {
        ScanKind::OrderNumber
    } else if code.contains('.') && code.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        ScanKind::Amount
    } else {
        match code::classify(code) {
            CodeKind::Product => ScanKind::Product,
            CodeKind::BadCheckDigit => ScanKind::BadCheckDigit,
            CodeKind::Payment(p) => ScanKind::Payment(p),
            CodeKind::Garbage => ScanKind::Garbage,
        }
    };
    let shown = match kind {
        ScanKind::Payment(_) => code::mask_code(code),
        // The password stays off the screen: only the network's name is shown.
        ScanKind::WifiCode => {
            let ssid = code.trim_start_matches("WIFI:").split(';').find_map(|f| f.strip_prefix("S:"));
            format!("WIFI:S:{};…", ssid.unwrap_or(""))
        }
        _ => code.chars().filter(|c| !c.is_control()).take(64).collect(),
    };
    let Some(m) = state.maintenance.as_mut() else { return };
    m.scans.insert(0, ScanSeen { shown, len: code.chars().count(), kind });
    m.scans.truncate(SCANS_KEPT);
    fx.push(Effect::Beep(super::Beep::Accepted));
}

pub(super) fn on_msg(state: &mut State, msg: MaintenanceMsg, fx: &mut Vec<Effect>) {
    match msg {
        MaintenanceMsg::Info(info) => {
            if let Some(m) = state.maintenance.as_mut() {
                m.info = Some(info);
            }
        }
        MaintenanceMsg::Exported { result } => {
            if let Some(m) = state.maintenance.as_mut() {
                m.busy = false;
            }
            match result {
                Ok(path) => {
                    state.notice = Some(Notice::Auth(AuthNotice::Exported { path }));
                    fx.push(Effect::Beep(super::Beep::Success));
                }
                Err(error) => super::notice::refuse(state, Notice::Auth(AuthNotice::ExportFailed { error }), fx),
            }
        }
        MaintenanceMsg::PowerOffFailed { error } => {
            super::notice::refuse(state, Notice::Auth(AuthNotice::PowerOffFailed { error }), fx)
        }
        MaintenanceMsg::Import(msg) => import::on_msg(state, msg, fx),
        MaintenanceMsg::Upgrade(msg) => upgrade::on_msg(state, msg, fx),
    }
}

#[cfg(test)]
mod tests;
