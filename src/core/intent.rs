//! What a cashier means, not which key they pressed: [`Intent`], and the one compiled-in map from a
//! screen's keys to intents ([`KEYMAP`]).
//!
//! The router turns a key into an intent for the screen on top (`screens`), a supervisor's approval
//! replays the intent it was asked for (not a keystroke), a headless script can send one as
//! `{"act":"refund","amount":"0.01"}`, and the key hints find an intent's keys here.
//! Keys that are typing (digits, letters, Backspace) and moving (Up, Down, Enter, Esc on a form)
//! stay keys: they mean what the field under them takes.

use super::{Key, Screen, State};
use serde::{Deserialize, Serialize};

/// An intent of the cashier or the supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum Intent {
    /// Take the sale's payment by the customer's payment code (F1).
    Pay,
    /// Take cash for the sale (F2).
    PayCash,
    /// Open the lookup of an earlier order, for a refund or a reprint (F3, empty sale).
    Lookup,
    /// Refund this amount (yuan, as typed: `"0.01"`) of the order on the lookup screen.
    Refund {
        amount: String,
    },
    /// Print the looked-up order's receipt again (F4 on the lookup screen).
    Reprint,
    /// Give the looked-up order's cash part back from the drawer (F6 on the lookup screen).
    CashRefund,
    /// The office (empty sale): the shift and cash-up (F5), reports (F6), the journal (F7), the
    /// summary (F8).
    OpenShift,
    OpenReport,
    OpenJournal,
    OpenSummary,
    /// Products at or below the low-stock threshold (F11).
    LowStock,
    /// Sign out, 签退 (F9, empty sale).
    SignOut,
    /// The maintenance menu (F12, empty sale or the sign-in screen).
    OpenMaintenance,
    /// Change my own PIN (F4, empty sale).
    ChangePin,
}

/// Where a key is pressed, as far as the key map tells screens apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// Nobody signed in.
    SignIn,
    /// The sale screen.
    Sale,
    /// The tender screen (paying).
    Pay,
    /// The lookup (refund) screen.
    Lookup,
    /// Any other screen of the till (done, price entry, low stock, …).
    Other,
}

impl On {
    /// The base screen `state` is on (modals have keys of their own, not in the map).
    pub fn of(state: &State) -> On {
        if state.auth.session.is_none() {
            return On::SignIn;
        }
        match state.screen {
            Screen::Sale => On::Sale,
            Screen::Pay { .. } => On::Pay,
            Screen::Lookup => On::Lookup,
            _ => On::Other,
        }
    }
}

/// Which key means which intent where; `None` for "on every till screen". Searched in order.
pub const KEYMAP: &[(Option<On>, Key, Intent)] = &[
    (Some(On::SignIn), Key::F(12), Intent::OpenMaintenance),
    (Some(On::Sale), Key::F(4), Intent::ChangePin),
    (Some(On::Lookup), Key::F(4), Intent::Reprint),
    (Some(On::Sale), Key::F(5), Intent::OpenShift),
    (Some(On::Sale), Key::F(6), Intent::OpenReport),
    (Some(On::Lookup), Key::F(6), Intent::CashRefund),
    (Some(On::Sale), Key::F(7), Intent::OpenJournal),
    (Some(On::Sale), Key::F(8), Intent::OpenSummary),
    (Some(On::Sale), Key::F(11), Intent::LowStock),
    (None, Key::F(1), Intent::Pay),
    (None, Key::F(2), Intent::PayCash),
    (None, Key::F(3), Intent::Lookup),
    (None, Key::F(9), Intent::SignOut),
    (None, Key::F(12), Intent::OpenMaintenance),
];

/// What `key` means on `on`, if it is in the map.
pub fn intent(on: On, key: Key) -> Option<Intent> {
    let till = on != On::SignIn;
    KEYMAP.iter().find(|(at, k, _)| *k == key && at.map_or(till, |at| at == on)).map(|(_, _, intent)| intent.clone())
}

/// The keys that mean `intent` on `on` (for the hints and the help).
pub fn keys(on: On, intent: &Intent) -> Vec<Key> {
    KEYMAP
        .iter()
        .filter(|(_, k, i)| i == intent && self::intent(on, *k).as_ref() == Some(intent))
        .map(|(_, k, _)| *k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_means_what_its_screen_makes_it_and_the_map_reads_both_ways() {
        assert_eq!(intent(On::Sale, Key::F(6)), Some(Intent::OpenReport));
        assert_eq!(intent(On::Lookup, Key::F(6)), Some(Intent::CashRefund));
        assert_eq!(intent(On::Pay, Key::F(6)), None);
        assert_eq!(intent(On::Pay, Key::F(1)), Some(Intent::Pay));
        assert_eq!(intent(On::SignIn, Key::F(1)), None);
        assert_eq!(intent(On::SignIn, Key::F(12)), Some(Intent::OpenMaintenance));
        assert_eq!(keys(On::Sale, &Intent::SignOut), [Key::F(9)]);
        assert_eq!(keys(On::Lookup, &Intent::ChangePin), []);
    }

    #[test]
    fn a_script_names_an_intent_in_plain_words() {
        let refund: Intent = serde_json::from_str(r#"{"act":"refund","amount":"0.01"}"#).expect("intent");
        assert_eq!(refund, Intent::Refund { amount: "0.01".into() });
        assert_eq!(serde_json::to_string(&Intent::SignOut).expect("json"), r#"{"act":"sign_out"}"#);
    }
}
