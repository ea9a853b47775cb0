//! The office screens: shift and cash-up, X/Z report, journal, summary. Drawn from
//! `State::office.view` alone.

mod journal;
mod report;
mod shift;
mod summary;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::core::office::View;
use crate::core::office::report::ReportKind;
use crate::core::{Lang, Screen, State};
use crate::i18n::{self, OfficeText as T, Text};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) -> &'static [(Text, Text)] {
    match &state.office.view {
        Some(View::Shift(v)) => shift::view(state, v, frame, area),
        Some(View::Report(v)) => report::view(state, v, frame, area),
        Some(View::Journal(v)) => journal::view(state, v, frame, area),
        Some(View::Summary(v)) => summary::view(state, v, frame, area),
        None => {}
    }
    &[]
}

/// Key caps and what they do: the office keys on the empty sale screen, each office screen's own.
pub(super) fn hints(state: &State) -> Vec<(&'static str, &'static str)> {
    let keys: &[(T, T)] = match (&state.screen, &state.office.view) {
        (Screen::Sale, _) if state.sale.lines.is_empty() => &[
            (T::KeyF5, T::HintShift),
            (T::KeyF6, T::HintReports),
            (T::KeyF7, T::HintJournal),
            (T::KeyF8, T::HintSummary),
        ],
        (Screen::Office, Some(View::Shift(v))) => shift::keys(state, v),
        (Screen::Office, Some(View::Report(v))) if v.report.as_ref().is_some_and(|r| r.kind != ReportKind::X) => {
            &[(T::KeyF4, T::HintPrint), (T::KeyEsc, T::HintBack)]
        }
        (Screen::Office, Some(View::Report(_))) => {
            &[(T::KeyF4, T::HintPrint), (T::KeyF7, T::HintCloseDay), (T::KeyEsc, T::HintBack)]
        }
        (Screen::Office, Some(View::Journal(v))) if v.detail => &[(T::KeyF4, T::HintReprint), (T::KeyEsc, T::HintBack)],
        (Screen::Office, Some(View::Journal(_))) => &[
            (T::KeyEnter, T::HintDetail),
            (T::KeyF4, T::HintReprint),
            (T::KeyMinusPlus, T::HintDay),
            (T::KeyF5F7, T::HintFilter),
            (T::KeyEsc, T::HintBack),
        ],
        (Screen::Office, Some(View::Summary(_))) => &[
            (T::KeyEnter, T::RangePrompt),
            (T::KeyMinusPlus, T::HintRange),
            (T::KeyF1, T::HintToday),
            (T::KeyF2, T::HintExport),
            (T::KeyEsc, T::HintBack),
        ],
        _ => &[],
    };
    let lang = state.settings.lang;
    keys.iter().map(|(k, h)| (i18n::office_text(lang, *k), i18n::office_text(lang, *h))).collect()
}

fn t(lang: Lang, x: T) -> &'static str {
    i18n::office_text(lang, x)
}
