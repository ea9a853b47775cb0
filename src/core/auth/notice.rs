//! One-line messages about operators, supervisors and the maintenance menu (worded in
//! `i18n::staff`).

use super::types::Action;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthNotice {
    /// Nothing is sold before an operator signs in.
    SignInFirst,
    /// A scan or key that does not belong on the open overlay or supervisor screen.
    NotNow,
    /// Sign-out and the maintenance menu are for an empty sale screen.
    FinishSaleFirst,
    NoSuchOperator {
        number: String,
    },
    OperatorDisabled {
        number: String,
    },
    NotASupervisor {
        number: String,
    },
    WrongPin {
        left: u32,
    },
    LockedOut {
        number: String,
        minutes: i64,
    },
    SignedIn {
        number: String,
        name: String,
    },
    SignedOut {
        number: String,
    },
    /// The PIN was set by someone else: the operator chooses their own now.
    ChooseNewPin,
    /// A PIN is 4 to 8 digits.
    PinFormat,
    SamePin,
    PinsDiffer,
    PinChanged,
    /// 0000 (the fresh till's PIN) is not a PIN anyone chooses.
    PinNotAllowed,
    /// The operator signed in changed their own PIN.
    OwnPinChanged,
    /// A platform staff id is letters, digits, `-` or `_`, at most 32.
    StaffIdFormat,
    SupervisorNeeded {
        action: Action,
    },
    /// The supervisor prompt was closed without approval.
    Cancelled,
    /// The screen changed while the supervisor was asked: nothing was done.
    ScreenChanged,
    /// Sign-out would leave work undone; a second F9 asks a supervisor to override.
    SignOutBlocked {
        unsynced: usize,
        unresolved: usize,
    },
    /// Signed out by a supervisor's override with work still outstanding.
    SignedOutOverride {
        number: String,
        unsynced: usize,
        unresolved: usize,
    },
    /// The last enabled supervisor cannot be demoted or disabled.
    LastSupervisor,
    /// The operator signed in cannot disable themselves.
    NotYourself,
    OperatorSaved {
        number: String,
    },
    PinReset {
        number: String,
    },
    /// 99 operators already.
    NoFreeNumber,
    NameEmpty,
    // the maintenance menu
    Exported {
        path: String,
    },
    ExportFailed {
        error: String,
    },
    Restarting,
    PoweringOff,
    PowerOffDisabled,
    PowerOffFailed {
        error: String,
    },
}

impl AuthNotice {
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            AuthNotice::SignInFirst
                | AuthNotice::NotNow
                | AuthNotice::FinishSaleFirst
                | AuthNotice::NoSuchOperator { .. }
                | AuthNotice::OperatorDisabled { .. }
                | AuthNotice::NotASupervisor { .. }
                | AuthNotice::WrongPin { .. }
                | AuthNotice::LockedOut { .. }
                | AuthNotice::PinFormat
                | AuthNotice::SamePin
                | AuthNotice::PinsDiffer
                | AuthNotice::PinNotAllowed
                | AuthNotice::StaffIdFormat
                | AuthNotice::ScreenChanged
                | AuthNotice::SignOutBlocked { .. }
                | AuthNotice::SignedOutOverride { .. }
                | AuthNotice::LastSupervisor
                | AuthNotice::NotYourself
                | AuthNotice::NoFreeNumber
                | AuthNotice::NameEmpty
                | AuthNotice::ExportFailed { .. }
                | AuthNotice::PowerOffDisabled
                | AuthNotice::PowerOffFailed { .. }
        )
    }
}
