//! The office's one-line messages (worded in `i18n`): a leaf, so the core's `Notice` can wrap them
//! without importing the office's screens.

use super::shift::Movement;
use crate::core::money::Fen;
use serde::{Deserialize, Serialize};

/// The office's one-line messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfficeNotice {
    /// The shift records are still being read.
    NotReady,
    Loading,
    LoadFailed {
        error: String,
    },
    ShiftOpened {
        float: Fen,
    },
    /// A pay-in or pay-out was recorded.
    Moved {
        kind: Movement,
        amount: Fen,
    },
    ReasonNeeded,
    /// The counted cash differs from the expected: say why.
    NoteNeeded,
    ShiftClosed {
        difference: Fen,
    },
    /// The shift was not saved: the kind only (its detail is in the log).
    SaveFailed {
        why: crate::core::SaveFailure,
    },
    ClosingDay,
    DayClosed {
        number: u32,
    },
    CloseDayFailed {
        error: String,
    },
    PrintingReport,
    Exporting,
    Exported {
        path: String,
        rows: usize,
    },
    ExportFailed {
        error: String,
    },
    BadDate,
}

impl OfficeNotice {
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            OfficeNotice::NotReady
                | OfficeNotice::LoadFailed { .. }
                | OfficeNotice::ReasonNeeded
                | OfficeNotice::NoteNeeded
                | OfficeNotice::SaveFailed { .. }
                | OfficeNotice::CloseDayFailed { .. }
                | OfficeNotice::ExportFailed { .. }
                | OfficeNotice::BadDate
        )
    }
}
