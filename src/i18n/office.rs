//! The office screens' words (shifts, reports, journal, summary, export), in Simplified Chinese
//! and English: [`OfficeText`] labels looked up with [`office_text`], notices with [`office_notice`].
//! Each language is one exhaustive `match` in `office/{zh,en}.rs`.

mod en;
mod zh;

use crate::core::Lang;
use crate::core::office::OfficeNotice;
use crate::core::office::journal::{EntryKind, EntryState};
use crate::core::office::report::PayMethod;

macro_rules! office_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the office screens, receipts and exports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum OfficeText { $($name),* }

        impl OfficeText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [OfficeText] = &[$(OfficeText::$name),*];
        }
    };
}

office_texts! {
    // screen titles
    ShiftTitle, ReportXTitle, ReportZTitle, JournalTitle, SummaryTitle, DetailTitle,
    // the shift screen
    NoShift, OpeningFloat, FloatPrompt, ShiftNo, OpenedAt, Operator, PayIn, PayOut, Amount, Reason,
    ReasonPrompt, CashSales, CashRefunds, ExpectedCash, CountedCash, Difference, Note, NotePrompt,
    CountPrompt, CountToCloseDay, Calculating, ShiftClosedAt,
    // reports
    Period, SinceFirstSale, ColMethod, ColCount, ColSales, ColRefunds, ColNet, Total, Cash, ByOperator, DiscountsGiven,
    Unresolved, UnresolvedNone, Shifts, ZNumber, PrintedAt, Loading,
    // journal
    Day, All, ColTime, ColKind, ColState, ColOperator, ColNumber, KindPayment, KindRefund, StatePaid, StateRefunded,
    StateInDoubt, StateFailed, NoEntries, RefundNo, OrderItems,
    // summary
    Range, SalesByHour, ByMethod, RangePrompt,
    // key caps
    KeyF1, KeyF2, KeyF3, KeyF4, KeyF5, KeyF6, KeyF7, KeyF8, KeyF5F7, KeyEnter, KeyEsc, KeyUpDown, KeyMinusPlus,
    // what the keys do
    HintShift, HintReports, HintJournal, HintSummary, HintPayIn, HintPayOut, HintCashUp, HintOpenShift,
    HintConfirm, HintBack, HintPrint, HintCloseDay, HintDetail, HintDay, HintOperator, HintMethod,
    HintState, HintFilter, HintReprint, HintToday, HintExport, HintRange, HintSelect,
    // the CSV header
    CsvKind, CsvTime, CsvNumber, CsvRefundNo, CsvMethod, CsvOperator, CsvItems, CsvAmount,
}

pub fn office_text(lang: Lang, t: OfficeText) -> &'static str {
    match lang {
        Lang::Zh => zh::text(t),
        Lang::En => en::text(t),
    }
}

pub fn office_notice(lang: Lang, n: &OfficeNotice) -> String {
    match lang {
        Lang::Zh => zh::notice(n),
        Lang::En => en::notice(n),
    }
}

/// Cash, or the wallet's name as customers know it.
pub fn method_name(lang: Lang, m: PayMethod) -> &'static str {
    match m {
        PayMethod::Cash => office_text(lang, OfficeText::Cash),
        PayMethod::WeChat => super::platform_name(lang, crate::core::code::Platform::WeChat),
        PayMethod::Alipay => super::platform_name(lang, crate::core::code::Platform::Alipay),
    }
}

pub fn entry_kind_name(lang: Lang, k: EntryKind) -> &'static str {
    office_text(
        lang,
        match k {
            EntryKind::Payment => OfficeText::KindPayment,
            EntryKind::Refund => OfficeText::KindRefund,
        },
    )
}

pub fn entry_state_name(lang: Lang, s: EntryState) -> &'static str {
    office_text(
        lang,
        match s {
            EntryState::Paid => OfficeText::StatePaid,
            EntryState::Refunded => OfficeText::StateRefunded,
            EntryState::InDoubt => OfficeText::StateInDoubt,
            EntryState::Failed => OfficeText::StateFailed,
        },
    )
}

/// The CSV export's header row.
pub fn csv_header(lang: Lang) -> [&'static str; crate::core::office::csv::COLUMNS] {
    use OfficeText::*;
    [CsvKind, CsvTime, CsvNumber, CsvRefundNo, CsvMethod, CsvOperator, CsvItems, CsvAmount]
        .map(|t| office_text(lang, t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::money::Fen;
    use crate::core::office::shift::Movement;

    const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

    #[test]
    fn every_office_text_is_translated() {
        for lang in LANGS {
            for t in OfficeText::ALL {
                assert!(!office_text(lang, *t).trim().is_empty(), "{lang:?} {t:?} is empty");
            }
        }
        for t in OfficeText::ALL {
            let key_cap = format!("{t:?}").starts_with("Key");
            if !key_cap {
                assert_ne!(office_text(Lang::Zh, *t), office_text(Lang::En, *t), "{t:?} is not translated");
            }
        }
    }

    /// Exhaustive on purpose: a new notice fails to compile here until it is listed.
    fn every_notice() -> Vec<OfficeNotice> {
        let all = vec![
            OfficeNotice::NotReady,
            OfficeNotice::Loading,
            OfficeNotice::LoadFailed { error: "disk".into() },
            OfficeNotice::ShiftOpened { float: Fen(20_000) },
            OfficeNotice::Moved { kind: Movement::PayIn, amount: Fen(500) },
            OfficeNotice::Moved { kind: Movement::PayOut, amount: Fen(500) },
            OfficeNotice::ReasonNeeded,
            OfficeNotice::NoteNeeded,
            OfficeNotice::ShiftClosed { difference: Fen(-50) },
            OfficeNotice::SaveFailed { why: crate::core::SaveFailure::Disk },
            OfficeNotice::ClosingDay,
            OfficeNotice::DayClosed { number: 3 },
            OfficeNotice::CloseDayFailed { error: "disk".into() },
            OfficeNotice::PrintingReport,
            OfficeNotice::Exporting,
            OfficeNotice::Exported { path: "/media/usb/a.csv".into(), rows: 3 },
            OfficeNotice::ExportFailed { error: "no stick".into() },
            OfficeNotice::BadDate,
        ];
        for n in &all {
            match n {
                OfficeNotice::NotReady
                | OfficeNotice::Loading
                | OfficeNotice::LoadFailed { .. }
                | OfficeNotice::ShiftOpened { .. }
                | OfficeNotice::Moved { .. }
                | OfficeNotice::ReasonNeeded
                | OfficeNotice::NoteNeeded
                | OfficeNotice::ShiftClosed { .. }
                | OfficeNotice::SaveFailed { .. }
                | OfficeNotice::ClosingDay
                | OfficeNotice::DayClosed { .. }
                | OfficeNotice::CloseDayFailed { .. }
                | OfficeNotice::PrintingReport
                | OfficeNotice::Exporting
                | OfficeNotice::Exported { .. }
                | OfficeNotice::ExportFailed { .. }
                | OfficeNotice::BadDate => {}
            }
        }
        all
    }

    #[test]
    fn every_office_notice_is_one_line_in_both_languages() {
        for lang in LANGS {
            for n in every_notice() {
                let s = office_notice(lang, &n);
                assert!(!s.trim().is_empty() && !s.contains('\n'), "{lang:?} {n:?}: {s:?}");
            }
        }
        let closed = OfficeNotice::ShiftClosed { difference: Fen(-50) };
        assert_eq!(office_notice(Lang::Zh, &closed), "已交班，差额 -0.50 元");
        assert_eq!(office_notice(Lang::En, &closed), "Shift closed, difference -0.50");
        assert_eq!(csv_header(Lang::En)[7], "Amount (yuan)");
    }
}
