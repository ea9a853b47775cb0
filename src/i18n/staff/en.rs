//! English.

use super::StaffText as T;
use crate::core::auth::{Action, AuditEvent, AuthNotice};
use crate::core::maintenance::{Item, ScanKind};

pub(super) fn text(t: T) -> &'static str {
    match t {
        T::NotSignedIn => "Not signed in",
        T::SignInTitle => "Sign in",
        T::OperatorNo => "Operator no.",
        T::Pin => "PIN",
        T::NewPin => "New PIN",
        T::NewPinAgain => "New PIN again",
        T::NumberHelp => "Type your operator number, then Enter",
        T::PinHelp => "Type your PIN, then Enter",
        T::NewPinHelp => "Choose your own new PIN (4–8 digits)",
        T::Checking => "Checking…",
        T::SupervisorTitle => "Supervisor approval",
        T::SupervisorNo => "Supervisor no.",
        T::ForAction => "Action",
        T::FirstOperatorName => "Supervisor",
        T::KeyEnter => "Enter",
        T::KeyEsc => "Esc",
        T::KeyF9 => "F9",
        T::KeyF12 => "F12",
        T::KeyUpDown => "↑↓",
        T::KeyA => "a",
        T::KeyN => "n",
        T::KeyR => "r",
        T::KeyP => "p",
        T::KeyD => "d",
        T::HintConfirm => "Confirm",
        T::HintBack => "Back",
        T::HintCancel => "Cancel",
        T::HintSignOut => "Sign out",
        T::HintMaintenance => "Maintenance",
        T::HintChoose => "Choose",
        T::HintAdd => "Add",
        T::HintRename => "Rename",
        T::HintRole => "Role",
        T::HintResetPin => "Reset PIN",
        T::HintDisable => "Disable/enable",
        T::HintScroll => "Scroll",
        T::MaintenanceTitle => "Maintenance",
        T::NotInDemo => "(not in the demo)",
        T::Reading => "Reading…",
        T::PaymentPlatform => "Payment platform",
        T::Reachable => "reachable",
        T::Unreachable => "unreachable",
        T::Address => "IP address",
        T::NoAddress => "none",
        T::Backoffice => "Back office",
        T::BackofficeOff => "not configured",
        T::Waiting => "waiting",
        T::Refused => "refused",
        T::LastError => "Last error",
        T::Serial => "Serial",
        T::DataDir => "Data directory",
        T::StoreSize => "Store size",
        T::Outbox => "Records to upload",
        T::Arch => "Architecture",
        T::ScanHelp => "Scan codes: each is shown with what the till takes it for",
        T::Chars => "chars",
        T::ExportTo => "Export to",
        T::ExportHelp => "Insert a USB stick, check the directory, press Enter; till import restores the file",
        T::Exporting => "Exporting…",
        T::ConfirmRestart => "Press Enter to restart the till, Esc not to",
        T::ConfirmPowerOff => "Press Enter to power off, Esc not to",
        T::OperatorsTitle => "Operators",
        T::ColNo => "No.",
        T::ColName => "Name",
        T::ColRole => "Role",
        T::ColState => "State",
        T::StateActive => "active",
        T::StateDisabled => "disabled",
        T::StateMustChange => "must change PIN",
        T::StateLocked => "locked",
        T::SignedInMark => "(signed in)",
        T::FormNewName => "New operator's name",
        T::FormNewPin => "First PIN",
        T::FormRename => "Name",
        T::FormResetPin => "Temporary PIN",
        T::FormPinHelp => "4–8 digits; they change it at their next sign-in",
        T::AuditTitle => "Audit log (read only)",
        T::AuditEmpty => "No entries",
        T::ColTime => "Time",
        T::ColWho => "Operator",
        T::ColWhat => "Event",
        T::KeyS => "s",
        T::HintStaffId => "Staff id",
        T::FormStaffId => "staff id at the payment platforms",
        T::FormStaffIdHelp => "Letters, digits, - or _ (at most 32); empty: the operator number is sent",
        T::ChangePinNext => "Then you choose a new PIN (F4 again: no)",
    }
}

pub(super) fn action(a: Action) -> &'static str {
    match a {
        Action::Refund => "Refund",
        Action::Void => "Voiding a paid order",
        Action::Settings => "Changing settings",
        Action::CloseDay => "Closing the day",
        Action::ManualPrice => "A manual price",
        Action::Maintenance => "The maintenance menu",
        Action::DiscardHeld => "Discarding held sales",
        Action::NoReceiptReturn => "Return without a receipt",
        Action::Stock => "Goods in / stock count",
        Action::Training => "Training mode",
        Action::Exchange => "Exchange without a receipt",
        Action::Members => "Create or edit a member",
        Action::StoredValueRefund => "Refund to a balance above the cashier's limit",
        Action::Override => "Sign-out override",
        Action::Discount => "A discount above the cashier's limit",
    }
}

pub(super) fn item(i: Item) -> &'static str {
    match i {
        Item::Network => "Network status",
        Item::PrinterTest => "Printer test page",
        Item::ScannerTest => "Scanner test",
        Item::DeviceInfo => "Device info",
        Item::Version => "Software version",
        Item::Export => "Export data",
        Item::ImportCatalogue => "Import catalogue (USB)",
        Item::Upgrade => "Upgrade the software",
        Item::Operators => "Operators",
        Item::Audit => "Audit log",
        Item::Restart => "Restart the till",
        Item::PowerOff => "Power off",
        Item::Training => "Training mode",
    }
}

pub(super) fn scan_kind(k: ScanKind) -> &'static str {
    match k {
        ScanKind::Product => "product barcode",
        ScanKind::BadCheckDigit => "barcode with a bad check digit",
        ScanKind::Payment(_) => "payment code",
        ScanKind::OrderNumber => "this shop's order number",
        ScanKind::Amount => "amount",
        ScanKind::WifiCode => "Wi-Fi code",
        ScanKind::SetupCode => "device set-up code",
        ScanKind::Garbage => "not recognised",
    }
}

pub(super) fn notice(n: &AuthNotice) -> String {
    match n {
        AuthNotice::SignInFirst => "Sign in first".into(),
        AuthNotice::NotNow => "Finish or close this screen first".into(),
        AuthNotice::FinishSaleFirst => "Finish or clear the sale first".into(),
        AuthNotice::NoSuchOperator { number } => format!("No operator {number}"),
        AuthNotice::OperatorDisabled { number } => format!("Operator {number} is disabled"),
        AuthNotice::NotASupervisor { number } => format!("Operator {number} is not a supervisor"),
        AuthNotice::WrongPin { left } => format!("Wrong PIN: {left} more tries"),
        AuthNotice::LockedOut { number, minutes } => format!("Operator {number} is locked: try again in {minutes} min"),
        AuthNotice::SignedIn { number, name } => format!("Signed in: {number} {name}"),
        AuthNotice::SignedOut { number } => format!("Operator {number} signed out"),
        AuthNotice::ChooseNewPin => "First sign-in: choose a new PIN".into(),
        AuthNotice::PinFormat => "A PIN is 4 to 8 digits".into(),
        AuthNotice::SamePin => "The new PIN must differ from the old one".into(),
        AuthNotice::PinsDiffer => "The two PINs differ: type the new one again".into(),
        AuthNotice::PinChanged => "PIN changed, signed in".into(),
        AuthNotice::PinNotAllowed => "0000 cannot be a PIN: choose another".into(),
        AuthNotice::OwnPinChanged => "Your PIN is changed: use it from the next sign-in".into(),
        AuthNotice::StaffIdFormat => "A staff id is letters, digits, - or _, at most 32".into(),
        AuthNotice::SupervisorNeeded { action: a } => format!("{} needs a supervisor", action(*a)),
        AuthNotice::Cancelled => "Cancelled".into(),
        AuthNotice::ScreenChanged => "The screen changed: nothing was done, try again".into(),
        AuthNotice::SignOutBlocked { unsynced, unresolved } => {
            format!(
                "Cannot sign out: {unsynced} records unsynced, {unresolved} payments unresolved; F9 again to override"
            )
        }
        AuthNotice::SignedOutOverride { number, unsynced, unresolved } => {
            format!("{number} signed out by override: {unsynced} records unsynced, {unresolved} unresolved")
        }
        AuthNotice::LastSupervisor => "Keep at least one enabled supervisor".into(),
        AuthNotice::NotYourself => "The operator signed in cannot be disabled".into(),
        AuthNotice::OperatorSaved { number } => format!("Operator {number} saved"),
        AuthNotice::PinReset { number } => format!("PIN of {number} reset: they change it at their next sign-in"),
        AuthNotice::NoFreeNumber => "No operator numbers left (99 at most)".into(),
        AuthNotice::NameEmpty => "Type a name".into(),
        AuthNotice::Exported { path } => format!("Exported to {path}"),
        AuthNotice::ExportFailed { error } => format!("Export failed: {error}"),
        AuthNotice::Restarting => "Restarting the till…".into(),
        AuthNotice::PoweringOff => "Powering off…".into(),
        AuthNotice::PowerOffDisabled => "The demo cannot power off".into(),
        AuthNotice::PowerOffFailed { error } => format!("Power off failed: {error}"),
    }
}

pub(super) fn audit(e: &AuditEvent) -> String {
    match e {
        AuditEvent::SignedIn => "signed in".into(),
        AuditEvent::SignInFailed => "wrong PIN".into(),
        AuditEvent::LockedOut { minutes } => format!("locked for {minutes} min"),
        AuditEvent::SignedOut => "signed out".into(),
        AuditEvent::SignOutOverridden { unsynced, unresolved } => {
            format!("sign-out override ({unsynced} unsynced, {unresolved} unresolved)")
        }
        AuditEvent::PinChanged => "changed PIN".into(),
        AuditEvent::SupervisorApproved { action: a, supervisor } => {
            format!("supervisor {supervisor} approved: {}", action(*a))
        }
        AuditEvent::Refund { order, amount, approved_by, .. } => match approved_by {
            Some(s) => format!("refund {amount} of {order} (by {s})"),
            None => format!("refund {amount} of {order}"),
        },
        AuditEvent::SettingsChanged { what } => format!("settings: {what}"),
        AuditEvent::OperatorAdded { number, .. } => format!("added operator {number}"),
        AuditEvent::OperatorRenamed { number, name } => format!("renamed {number} to {name}"),
        AuditEvent::RoleChanged { number, role } => {
            format!("{number} is now {}", super::role(crate::core::Lang::En, *role))
        }
        AuditEvent::PinReset { number } => format!("reset the PIN of {number}"),
        AuditEvent::OperatorDisabled { number, disabled: true } => format!("disabled {number}"),
        AuditEvent::OperatorDisabled { number, disabled: false } => format!("enabled {number}"),
        AuditEvent::Maintenance { what } => format!("maintenance: {what}"),
        AuditEvent::CatalogueImported { file, rows } => format!("imported catalogue {file} ({rows} rows)"),
        AuditEvent::PromotionsImported { file, rows } => format!("imported promotions {file} ({rows} rows)"),
        AuditEvent::PromotionsFromOffice { version, rows } => {
            format!("back office promotions version {version} in force ({rows} promotions)")
        }
        AuditEvent::UpgradeForced { unsynced, unresolved } => {
            format!("upgrade forced ({unsynced} unsynced, {unresolved} in doubt)")
        }
        AuditEvent::Upgraded { version, from } => format!("upgraded to {version} (from {from})"),
        AuditEvent::StaffIdSet { number, staff_id: Some(id) } => format!("{number}'s platform staff id is now {id}"),
        AuditEvent::StaffIdSet { number, staff_id: None } => format!("{number} is sent to the platforms as {number}"),
        AuditEvent::Training { on: true, .. } => "training mode began".into(),
        AuditEvent::Training { on: false, sales } => format!("training mode ended ({sales} practice sales, none kept)"),
        AuditEvent::TrainingInterrupted { .. } => "training mode ended (the till restarted)".into(),
        AuditEvent::MemberSaved { id, new: true } => format!("member {id} created"),
        AuditEvent::MemberSaved { id, new: false } => format!("member {id} edited"),
    }
}
