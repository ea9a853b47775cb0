//! The shop's office at the till: shifts and cash-up, X and Z reports, the transaction journal, the
//! summary and the CSV export. Reached from the empty sale screen (F5–F8).
//!
//! Pure like the rest of the core: orders come from the store through
//! [`OfficeEffect::LoadOrders`] and arrive back as [`OfficeMsg::OrdersLoaded`]; shifts and the
//! closed day are written by the app ([`OfficeEffect::SaveShift`], [`OfficeEffect::CloseDay`]).
//!
//! Closing the day goes through one door, [`request_close_day`], where the supervisor's PIN is to
//! be asked; the authorised close arrives as [`OfficeMsg::CloseDay`].

pub mod csv;
pub mod day;
mod flow;
pub mod journal;
mod lists;
pub(crate) mod notice;
pub mod report;
pub mod shift;
pub mod summary;
mod views;

use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::order::Order;
use day::Day;
use journal::{Entry, Filter};
use report::{Period, Report};
use serde::{Deserialize, Serialize};
use shift::{CashFlow, Movement, Shift};
use summary::Summary;

pub use flow::{on_key, on_msg, open};
pub use notice::OfficeNotice;
pub use views::request_close_day;

/// Where exports go when the configuration names no other place: a USB stick's usual mount point.
pub const DEFAULT_EXPORT_DIR: &str = "/media/usb";

/// The last closed day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZMark {
    pub number: u32,
    /// When it was closed: the next day's reports start here.
    pub at: Millis,
    /// Refunds unresolved at the close, counted by the next report that sees them made.
    #[serde(default)]
    pub carried: Vec<String>,
}

/// A closed day as stored and sent to the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZRecord {
    pub number: u32,
    pub closed_at: Millis,
    pub report: Report,
}

/// What the office screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    Shift(ShiftView),
    Report(ReportView),
    Journal(JournalView),
    Summary(SummaryView),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShiftStep {
    /// The open shift; F1 pay-in, F2 pay-out, F3 cash-up.
    Overview,
    /// No shift: the opening float is typed.
    Float,
    Amount(Movement),
    Reason(Movement),
    /// Cash-up: the counted cash is typed (once the expected cash is known).
    Count,
    /// Cash-up: the note on the difference.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftView {
    pub step: ShiftStep,
    /// The amount typed at the previous step (pay-in/out amount, counted cash).
    pub amount: Option<Fen>,
    /// The shift's cash sales and refunds, once loaded (cash-up).
    pub flow: Option<CashFlow>,
    /// This cash-up closes the day (a Z report follows).
    pub closes_day: bool,
    /// The shift just closed, shown with its cash-up.
    pub closed: Option<Shift>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub report: Option<Report>,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalView {
    pub day: Day,
    pub entries: Vec<Entry>,
    /// The day's orders, for the detail and the reprint.
    pub orders: Vec<Order>,
    pub filter: Filter,
    /// Index into the filtered entries.
    pub selected: usize,
    pub detail: bool,
    pub pending: bool,
}

impl JournalView {
    pub fn visible(&self) -> Vec<&Entry> {
        self.entries.iter().filter(|e| self.filter.keeps(e)).collect()
    }

    pub fn selected_entry(&self) -> Option<&Entry> {
        self.visible().get(self.selected).copied()
    }

    pub fn order_of(&self, e: &Entry) -> Option<&Order> {
        self.orders.iter().find(|o| o.id == e.order_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryView {
    pub from: Day,
    pub to: Day,
    pub summary: Option<Summary>,
    pub pending: bool,
}

/// Why orders are being loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    Report,
    CashUp,
    CloseDay,
    Journal,
    Summary,
}

/// A close of the day under way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    /// The counted cash and the note, when a shift is open.
    pub count: Option<(Fen, String)>,
    /// The Z report being written.
    pub z: Option<ZRecord>,
}

/// The office's part of the till's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    /// The shift records have been read from the store.
    pub restored: bool,
    pub shift: Option<Shift>,
    pub next_shift_id: u64,
    /// Shifts closed since the last Z report.
    pub day_shifts: Vec<Shift>,
    pub last_z: Option<ZMark>,
    pub export_dir: String,
    pub view: Option<View>,
    pub waiting: Option<(u64, Purpose)>,
    pub next_ticket: u64,
    pub closing: Option<Closing>,
}

impl Default for Office {
    fn default() -> Office {
        Office {
            restored: false,
            shift: None,
            next_shift_id: 1,
            day_shifts: Vec::new(),
            last_z: None,
            export_dir: DEFAULT_EXPORT_DIR.into(),
            view: None,
            waiting: None,
            next_ticket: 1,
            closing: None,
        }
    }
}

impl Office {
    /// Since the last Z report until `now`.
    pub fn day_period(&self, now: Millis) -> Period {
        Period { from: self.last_z.as_ref().map(|z| z.at), to: now }
    }

    pub fn carried(&self) -> Vec<String> {
        self.last_z.as_ref().map(|z| z.carried.clone()).unwrap_or_default()
    }
}

/// Answers from the app, and the supervisor's authorised close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfficeMsg {
    /// The shift records (`Table::Shifts`), once at start.
    Restored {
        shifts: Vec<Shift>,
        last_z: Option<ZMark>,
    },
    /// Where CSV exports go (the configured USB stick's mount path).
    ExportDir {
        dir: String,
    },
    OrdersLoaded {
        ticket: u64,
        result: Result<Vec<Order>, String>,
    },
    /// A shift could not be written.
    SaveFailed {
        why: crate::core::SaveFailure,
    },
    /// Close the day: sent once a supervisor authorised it (see [`request_close_day`]).
    CloseDay,
    DayClosed {
        number: u32,
    },
    CloseDayFailed {
        error: String,
    },
    Exported {
        path: String,
        rows: usize,
    },
    ExportFailed {
        error: String,
    },
}

/// What the office asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfficeEffect {
    /// Read the orders with anything in `period` (see [`report::touches`]) off the render loop.
    LoadOrders { ticket: u64, period: Period, carried: Vec<String> },
    /// Write the shift (`Table::Shifts`, `shift/<id>`), flushed.
    SaveShift(Shift),
    /// In one transaction: the closed shift (if any), the Z record (`z/<n>`) and the back office's
    /// copy (`zreport:<n>`, queued once).
    CloseDay { shift: Option<Shift>, z: ZRecord },
    /// Print a report on the receipt printer.
    Print(Report),
    /// Write the CSV of `from..=to` into `dir` (times at the shop's offset from UTC).
    ExportCsv { period: Period, from: Day, to: Day, dir: String, utc_offset_minutes: i32 },
}

#[cfg(test)]
mod tests;
