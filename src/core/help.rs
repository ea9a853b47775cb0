//! The help screen: `?` on the keyboard lists every key of the screen it was opened from (the
//! list itself is `ui::keys`, the one table the hint line is drawn from too); Esc or `?` closes it.
//!
//! The help is a flag over whatever screen is up: that screen's state is untouched, so closing the
//! help returns to it exactly. Where `?` is text being typed (a name, a reason, a path) it stays text.

use super::office::{ShiftStep, View};
use super::{Key, Screen, State};

/// Whether `?` opens the help now: not while free text is typed or a PIN is being checked.
pub fn available(state: &State) -> bool {
    state.ready && state.auth.checking.is_none() && !typing_text(state)
}

/// A field that takes any printable character is being typed into.
fn typing_text(state: &State) -> bool {
    let admin_name = state.auth.admin.as_ref().and_then(|v| v.form.as_ref()).is_some_and(|f| !f.is_pin());
    let export_path = state
        .maintenance
        .as_ref()
        .is_some_and(|m| m.page == super::maintenance::Page::Export && state.auth.admin.is_none());
    let office_text = state.screen == Screen::Office
        && state.maintenance.is_none()
        && matches!(&state.office.view, Some(View::Shift(v)) if matches!(v.step, ShiftStep::Reason(_) | ShiftStep::Note));
    admin_name || export_path || office_text
}

/// Keys while the help is up (all of them: nothing behind it moves), and the `?` that opens it.
/// `false` leaves the key to the screens.
pub(super) fn on_key(state: &mut State, key: Key) -> bool {
    if state.help {
        if matches!(key, Key::Esc | Key::Char('?')) {
            state.help = false;
        }
        return true;
    }
    if key == Key::Char('?') && available(state) {
        state.help = true;
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::auth::{AuthMsg, Operator, PinHash, Role};
    use crate::core::catalog::{Catalogue, Product};
    use crate::core::money::Fen;
    use crate::core::{Event, Msg, Settings, update};

    /// Restored, operator 01 signed in, one product.
    fn ready_state() -> State {
        let settings = Settings::test_shop();
        let mut s = State::new(settings, Catalogue::new([Product::new("6921168509256", "水", Fen(200))]));
        s.auth.policy.auto_sign_in = Some("01".into());
        let first = Operator::new("01", "店长", Role::Supervisor, PinHash("-".into()));
        let at = s.now;
        update(&mut s, Event { at, msg: Msg::Auth(AuthMsg::Loaded { operators: vec![first] }) });
        update(&mut s, Event { at, msg: Msg::Restored { orders: vec![], counters: None } });
        s
    }

    fn key(state: &mut State, k: Key) -> Vec<crate::core::Effect> {
        let at = state.now;
        update(state, Event { at, msg: Msg::Key(k) })
    }

    #[test]
    fn question_mark_opens_and_esc_or_question_mark_closes_without_touching_the_screen() {
        let mut s = ready_state();
        let before = s.clone();
        assert!(key(&mut s, Key::Char('?')).is_empty());
        assert!(s.help);
        // Keys do nothing behind the help.
        key(&mut s, Key::F(3));
        key(&mut s, Key::Char('1'));
        assert_eq!(s.screen, before.screen);
        assert!(s.input.is_empty());
        key(&mut s, Key::Esc);
        assert!(!s.help);
        key(&mut s, Key::Char('?'));
        key(&mut s, Key::Char('?'));
        assert!(!s.help);
        s.help = false;
        assert_eq!(s, before);
    }

    #[test]
    fn where_text_is_typed_a_question_mark_is_text() {
        let mut s = ready_state();
        key(&mut s, Key::F(12));
        for k in crate::core::maintenance::keys_to(crate::core::maintenance::Item::Operators) {
            key(&mut s, k);
        }
        key(&mut s, Key::Char('a'));
        assert!(!available(&s));
        key(&mut s, Key::Char('?'));
        assert!(!s.help);
        let form = s.auth.admin.as_ref().and_then(|v| v.form.as_ref()).map(|f| f.entry().to_string());
        assert_eq!(form.as_deref(), Some("?"));
        // The operators list itself (no form) has its help.
        key(&mut s, Key::Esc);
        key(&mut s, Key::Char('?'));
        assert!(s.help && s.auth.admin.is_some());
    }

    #[test]
    fn a_scan_closes_the_help_and_is_taken() {
        let mut s = ready_state();
        key(&mut s, Key::Char('?'));
        let at = s.now;
        update(&mut s, Event { at, msg: Msg::Scan("6921168509256".into()) });
        assert!(!s.help);
        assert_eq!(s.sale.lines.len(), 1);
    }
}
