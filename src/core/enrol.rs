//! Enrolment at the till: the back office's enrolment QR (`TILL-ENROL:<office>#<code>`, issue 21)
//! scanned on the empty sale screen, like a `WIFI:` code ([`super::configure`]). The code is read
//! first without being used (`app` asks the office what it is for: [`ConfigChange::Enrol`]); the
//! confirmation screen names the office and the till's name there and asks for a supervisor's PIN
//! typed now; only then is the code spent and the device id and key kept (`app/enrol.rs`, mode
//! 0600). The till sends to the new office from its next start.

use super::configure::ConfigChange;
use super::notice::Notice;
use super::{Beep, Effect, State};
use serde::{Deserialize, Serialize};

/// Whether a scanned code is the back office's enrolment QR.
pub fn is_enrol_code(code: &str) -> bool {
    code.get(..till_proto::enrol::QR_PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(till_proto::enrol::QR_PREFIX))
}

/// Why an enrolment code cannot be used; nothing changed on the till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnrolFailure {
    /// Not an enrolment QR the till can read (a damaged or foreign code).
    BadCode,
    /// The back office does not answer (network, address): try again when it is reachable.
    Unreachable,
    /// The office does not know the code (mistyped, or from another office).
    UnknownCode,
    /// Used once already, or out of date: the owner makes a new one.
    Spent,
    /// The office revoked this till.
    Revoked,
    /// Too many wrong codes: wait a while.
    TooManyTries,
    /// The office refused for another reason (its words, one line).
    Refused { reason: String },
    /// The enrolment could not be kept on this till (its disk): the code is spent, make a new one.
    NotKept { detail: String },
}

/// What the till says about enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnrolNotice {
    /// The code is being read (nothing changes before a supervisor confirms).
    Reading,
    /// The code is being used.
    Enrolling,
    /// Enrolled: the device id the office gave; in force from the next start.
    Enrolled {
        device_id: String,
    },
    Failed {
        error: EnrolFailure,
    },
    /// Only on an empty sale screen.
    NotNow,
}

impl EnrolNotice {
    pub fn is_error(&self) -> bool {
        matches!(self, EnrolNotice::Failed { .. } | EnrolNotice::NotNow)
    }
}

/// The outcome of reading or using an enrolment code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnrolMsg {
    /// Used and kept: the device id and the office.
    Enrolled {
        device_id: String,
        office: String,
    },
    Failed {
        error: EnrolFailure,
    },
}

/// A supervisor confirmed: spend the code.
pub(super) fn approved(state: &mut State, change: &ConfigChange, fx: &mut Vec<Effect>) {
    if let ConfigChange::Enrol { code, .. } = change {
        state.notice = Some(Notice::Enrol(EnrolNotice::Enrolling));
        fx.push(Effect::Maintenance(super::maintenance::MaintenanceEffect::Enrol { code: code.clone() }));
    }
}

pub(super) fn on_msg(state: &mut State, msg: EnrolMsg, fx: &mut Vec<Effect>) {
    match msg {
        EnrolMsg::Enrolled { device_id, office } => {
            let what = format!("enrolled as {device_id} at {office}");
            fx.push(state.audit(super::auth::AuditEvent::SettingsChanged { what }));
            state.notice = Some(Notice::Enrol(EnrolNotice::Enrolled { device_id }));
            fx.push(Effect::Beep(Beep::Success));
        }
        EnrolMsg::Failed { error } => {
            state.notice = Some(Notice::Enrol(EnrolNotice::Failed { error }));
            fx.push(Effect::Beep(Beep::Failure));
        }
    }
}
