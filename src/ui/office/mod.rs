//! The office screens: shift and cash-up, X/Z report, journal, summary. Drawn from
//! `State::office.view` alone.

mod journal;
mod report;
mod shift;
mod summary;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::core::office::View;
use crate::core::{Lang, State};
use crate::i18n::{self, OfficeText as T};

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    match &state.office.view {
        Some(View::Shift(v)) => shift::view(state, v, frame, area),
        Some(View::Report(v)) => report::view(state, v, frame, area),
        Some(View::Journal(v)) => journal::view(state, v, frame, area),
        Some(View::Summary(v)) => summary::view(state, v, frame, area),
        None => {}
    }
}

fn t(lang: Lang, x: T) -> &'static str {
    i18n::office_text(lang, x)
}
