//! The operator, supervisor and maintenance screens' strings, in Simplified Chinese and English.
//!
//! Same design as the main tables (`i18n::text`/`i18n::notice`): one exhaustive `match` per language,
//! so a string missing in one language does not compile; kept apart so that this feature's strings
//! do not crowd the sale screens' tables.

mod en;
mod zh;

use crate::core::Lang;
use crate::core::auth::{Action, AuditEvent, AuthNotice, Role};
use crate::core::maintenance::{Item, ScanKind};

/// A static label of the staff screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum StaffText {
    NotSignedIn,
    SignInTitle,
    OperatorNo,
    Pin,
    NewPin,
    NewPinAgain,
    NumberHelp,
    PinHelp,
    NewPinHelp,
    Checking,
    SupervisorTitle,
    SupervisorNo,
    ForAction,
    FirstOperatorName,
    // key caps and what they do
    KeyEnter,
    KeyEsc,
    KeyF9,
    KeyF12,
    KeyUpDown,
    KeyA,
    KeyN,
    KeyR,
    KeyP,
    KeyD,
    HintConfirm,
    HintBack,
    HintCancel,
    HintSignOut,
    HintMaintenance,
    HintChoose,
    HintAdd,
    HintRename,
    HintRole,
    HintResetPin,
    HintDisable,
    HintScroll,
    // maintenance
    MaintenanceTitle,
    NotInDemo,
    Reading,
    PaymentPlatform,
    Reachable,
    Unreachable,
    Address,
    NoAddress,
    Backoffice,
    BackofficeOff,
    Waiting,
    Refused,
    LastError,
    Serial,
    DataDir,
    StoreSize,
    Outbox,
    Arch,
    ScanHelp,
    Chars,
    ExportTo,
    ExportHelp,
    Exporting,
    ConfirmRestart,
    ConfirmPowerOff,
    // operators and the audit log
    OperatorsTitle,
    ColNo,
    ColName,
    ColRole,
    ColState,
    StateActive,
    StateDisabled,
    StateMustChange,
    StateLocked,
    SignedInMark,
    FormNewName,
    FormNewPin,
    FormRename,
    FormResetPin,
    FormPinHelp,
    AuditTitle,
    AuditEmpty,
    ColTime,
    ColWho,
    ColWhat,
    KeyS,
    HintStaffId,
    FormStaffId,
    FormStaffIdHelp,
    /// On the sign-in form after F4.
    ChangePinNext,
}

impl StaffText {
    /// Every label, in declaration order (strum: none can be left out).
    pub const ALL: &'static [StaffText] = <StaffText as strum::VariantArray>::VARIANTS;
}

pub fn text(lang: Lang, t: StaffText) -> &'static str {
    match lang {
        Lang::Zh => zh::text(t),
        Lang::En => en::text(t),
    }
}

pub fn notice(lang: Lang, n: &AuthNotice) -> String {
    match lang {
        Lang::Zh => zh::notice(n),
        Lang::En => en::notice(n),
    }
}

pub fn action(lang: Lang, a: Action) -> &'static str {
    match lang {
        Lang::Zh => zh::action(a),
        Lang::En => en::action(a),
    }
}

pub fn role(lang: Lang, r: Role) -> &'static str {
    match (lang, r) {
        (Lang::Zh, Role::Cashier) => "收银员",
        (Lang::Zh, Role::Supervisor) => "主管",
        (Lang::En, Role::Cashier) => "Cashier",
        (Lang::En, Role::Supervisor) => "Supervisor",
    }
}

pub fn item(lang: Lang, i: Item) -> &'static str {
    match lang {
        Lang::Zh => zh::item(i),
        Lang::En => en::item(i),
    }
}

pub fn scan_kind(lang: Lang, k: ScanKind) -> String {
    match (lang, k) {
        (_, ScanKind::Payment(p)) => match lang {
            Lang::Zh => format!("{}付款码", super::platform_name(lang, p)),
            Lang::En => format!("{} payment code", super::platform_name(lang, p)),
        },
        (Lang::Zh, k) => zh::scan_kind(k).to_string(),
        (Lang::En, k) => en::scan_kind(k).to_string(),
    }
}

/// One audit log entry's "what", for the supervisor's screen.
pub fn audit_event(lang: Lang, e: &AuditEvent) -> String {
    match lang {
        Lang::Zh => zh::audit(e),
        Lang::En => en::audit(e),
    }
}

/// `1.2 MiB`-style sizes for the device page.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64; // display only, never money
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

#[cfg(test)]
mod tests;
