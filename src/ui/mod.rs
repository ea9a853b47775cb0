//! The screens, drawn from the state alone: `view` reads [`State`] and [`Status`] and never changes them.
//!
//! Layout, top to bottom: the top bar, the screen's body, the notice line, the status line and the key
//! hints. Designed for the till's 80×24 terminal; larger terminals give the body the extra room, and
//! smaller ones lose the big digits first.

mod confirm;
mod discount;
mod done;
mod held;
mod help;
pub mod keys;
mod lookup;
mod maintenance;
mod member;
mod no_receipt;
mod office;
mod own_pin;
mod pay;
mod price;
mod promotions;
pub mod qr;
mod returns;
mod sale;
mod staff;
mod stock;
mod stocktake;
mod stored_value;
mod widgets;

use ratatui::Frame;

use crate::core::notice::Notice;
use crate::core::screens::{self, Base, Modal, Top};
use crate::core::{Screen, State};

/// What the app knows about the till's surroundings, supplied each frame (the view reads no clock).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    /// Running against the simulators: a badge warns that no real money moves.
    pub demo: bool,
    /// The payment gateway in use, e.g. `Cloud Pay 127.0.0.1:40123`.
    pub gateway: String,
    /// The receipt printer and how it is doing, e.g. `USB OK`.
    pub printer: String,
    /// Local time as `HH:MM`.
    pub clock: String,
    /// Records the back office does not have yet (shown when any).
    pub unsynced: usize,
    /// The back office refuses the till's clock: records wait until the time is set right.
    pub clock_off: bool,
    /// The payment platform's link is not HTTPS (its host): a permanent warning.
    pub insecure_link: Option<String>,
    /// A release from the back office waiting in the maintenance menu: its version (a quiet hint).
    pub upgrade_waiting: Option<String>,
}

/// Draws the whole screen for `state`.
pub fn view(state: &State, status: &Status, frame: &mut Frame) {
    let [_, body, _, _, footer] = widgets::screen_areas(frame.area());
    // The core's one stack of screens, drawn from its highest full screen up.
    let stack = screens::stack(state);
    let (under, boxes) = stack.visible();
    match under {
        Top::Base(Base::Till) => sale_screens(state, status, frame),
        Top::Modal(Modal::Qr) => qr::view(state, status, frame),
        // Sign-in, change-my-PIN, the maintenance menu and the supervisor's screens.
        full => staff::view(state, status, full, frame),
    }
    for modal in boxes {
        match modal {
            Modal::SupervisorPrompt => {
                let over_confirm = under == Top::Base(Base::Till) && matches!(state.screen, Screen::Confirm(_));
                staff::prompt(state, frame, if over_confirm { confirm::prompt_area(body) } else { body });
            }
            Modal::Help => help::view(state, frame, body),
            Modal::HeldSales => held::view(state, frame, body),
            Modal::NoReceiptReturn => no_receipt::view(state, frame, body),
            Modal::StockSheet => stocktake::view(state, frame, body),
            Modal::DiscountEntry => discount::view(state, frame, body),
            Modal::Member => member::view(state, frame, body),
            Modal::StoredValuePin => stored_value::pin_view(state, frame, body),
            Modal::MemberForm => member::form(state, frame, body),
            Modal::Qr | Modal::Maintenance | Modal::Operators | Modal::Audit | Modal::PinChange => {} // full screens: `under`
        }
    }
    widgets::hints(state, frame, footer);
    stocktake::training_banner(state, frame);
}

fn sale_screens(state: &State, status: &Status, frame: &mut Frame) {
    let lang = state.settings.lang;
    let [top, body, notice, status_area, _] = widgets::screen_areas(frame.area());
    widgets::top_bar(state, status, frame, top);
    match &state.screen {
        Screen::Sale => sale::view(state, frame, body),
        Screen::Pay { cash_entry } => pay::view(state, *cash_entry, frame, body),
        Screen::Done { change } => done::view(state, *change, frame, body),
        Screen::Lookup => lookup::view(state, frame, body),
        Screen::Office => office::view(state, frame, body),
        Screen::PriceEntry(entry) => price::view(state, entry, frame, body),
        Screen::LowStock => stock::view(state, frame, body),
        Screen::Promotions => promotions::view(state, frame, body),
        Screen::Confirm(change) => confirm::view(state, change, frame, body),
    }
    // On the done screen the banner already says what was paid; the notice line stays free for news.
    let notice_text = match (&state.screen, &state.notice) {
        (Screen::Done { .. }, Some(Notice::Paid { .. } | Notice::PaidInParts { .. })) => None,
        (_, n) => n.as_ref(),
    };
    widgets::notice_line(lang, notice_text, frame, notice);
    widgets::status_line(state, status, frame, status_area);
}
