//! Checks every snapshot suite runs on each screen it draws: the hint line fits the till's 80
//! columns whole (measured by display width, so Chinese counts double) and is what is drawn, the
//! help key is on it whenever `?` opens the help, and each key the screen's table lists makes the
//! core react on that screen.

use super::{render_at, screen_text};
use till::core::{Event, Key, Msg, State, help, update};
use till::ui::keys::{self, KeyHelp};
use unicode_width::UnicodeWidthStr;

/// The till's terminal.
pub const WIDTH: u16 = 80;

pub fn assert_hints_fit(state: &State) {
    for narrower in [40, 60] {
        let text = keys::hint_text(state, narrower);
        assert!(text.width() <= usize::from(narrower), "at {narrower} columns: {text:?}");
    }
    let text = keys::hint_text(state, WIDTH);
    assert!(text.width() <= usize::from(WIDTH), "hint line is {} columns: {text:?}", text.width());
    let drawn = screen_text(&render_at(state, WIDTH, 24));
    let last = drawn.lines().last().unwrap_or_default();
    assert_eq!(last.trim_end(), text.trim_end(), "the hint line is drawn whole");
    let lang = state.settings.lang;
    let help = keys::help_key();
    if help::available(state) && !state.help {
        let item = format!(" {}  {}", help.cap.text(lang), help.does.text(lang));
        assert!(text.ends_with(&item), "the help key ends the hint line: {text:?}");
    }
    // Whatever the hint line leaves out is on the help screen (the same table).
    let table = keys::for_state(state);
    for (cap, does) in keys::hint_items(state, WIDTH) {
        assert!(table.iter().any(|e| e.cap.text(lang) == cap && e.does.text(lang) == does), "{cap} {does}");
    }
}

/// Each key listed for the screen does something there: the state changes (a notice counts) or
/// an effect is asked for.
pub fn assert_keys_act(state: &State) {
    for entry in keys::for_state(state) {
        assert!(
            entry.keys.iter().any(|k| acts(&typed_first(state, &entry), *k)),
            "{:?} listed but the core does nothing with it here (screen {:?})",
            entry_name(&entry),
            state.screen
        );
    }
}

/// For a key that acts on what is typed: a digit typed first when nothing is.
fn typed_first(state: &State, entry: &KeyHelp) -> State {
    let mut s = state.clone();
    if entry.after_typing {
        update(&mut s, Event { at: state.now, msg: Msg::Key(Key::Char('1')) });
    }
    s
}

fn acts(state: &State, key: Key) -> bool {
    let mut after = state.clone();
    let fx = update(&mut after, Event { at: state.now, msg: Msg::Key(key) });
    !fx.is_empty() || after != *state
}

fn entry_name(e: &KeyHelp) -> String {
    let lang = till::core::Lang::En;
    format!("{} {}", e.cap.text(lang), e.does.text(lang))
}

/// Both checks: what every snapshot suite runs before its snapshot.
pub fn check_keys(state: &State) {
    assert_hints_fit(state);
    assert_keys_act(state);
}
