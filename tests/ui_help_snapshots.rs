//! Whole-screen snapshots (80×24, Chinese and English) of the help screen (`?`) and of "change
//! my PIN" (F4 on the empty sale screen). PIN checks and hashes are answered here as `app` would.

mod common;

use common::*;
use till::core::auth::{AuthMsg, PinChangeStep, PinHash};
use till::core::maintenance::Item;
use till::core::{Key, Lang, Msg};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

#[test]
fn help_on_the_empty_sale_screen_lists_every_key_the_hint_line_has_no_room_for() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        let hints = till::ui::keys::hint_text(&till.state, 80);
        till.keys("?");
        assert!(till.state.help);
        let text = screen_text(&till.render());
        // Every key of the table is on the help screen, those cut from the hint line too.
        let below = till::core::State { help: false, ..till.state.clone() };
        let table = till::ui::keys::for_state(&below);
        let missing: Vec<_> = table
            .iter()
            .filter(|e| !hints.contains(&format!(" {}  {}", e.cap.text(lang), e.does.text(lang))))
            .collect();
        assert!(!missing.is_empty(), "the empty sale screen has more keys than 80 columns hold");
        for e in &table {
            assert!(text.contains(e.cap.text(lang)) && text.contains(e.does.text(lang)), "{e:?}\n{text}");
        }
        snapshot("help_empty_sale", l, &till);
        till.key(Key::Char('?'));
        assert!(!till.state.help);
        till.keys("?").key(Key::Esc);
        assert!(!till.state.help);
    }
}

#[test]
fn help_over_the_operators_screen() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.key(Key::F(12)).item(Item::Operators).keys("?");
        assert!(till.state.help && till.state.auth.admin.is_some());
        snapshot("help_operators", l, &till);
    }
}

/// 02 (cashier "Li", PIN 2222) signed in; the PIN checks answered as `app` would.
fn cashier(lang: Lang) -> Till {
    Till::signed_out(lang, Some("02"))
}

#[test]
fn change_my_pin_asks_the_current_then_the_new_pin_twice() {
    for (lang, l) in LANGS {
        let mut till = cashier(lang);
        till.key(Key::F(4)).keys("22");
        assert_eq!(till.state.auth.change.as_ref().map(|c| c.step), Some(PinChangeStep::Current));
        let text = screen_text(&till.render());
        assert!(text.contains("**█") && !text.contains("22█"), "{text}");
        snapshot("change_pin_current", l, &till);
        till.keys("22").key(Key::Enter);
        till.send(Msg::Auth(AuthMsg::PinChecked { number: "02".into(), ok: true }));
        till.keys("4826").key(Key::Enter).keys("48");
        assert_eq!(till.state.auth.change.as_ref().map(|c| c.step), Some(PinChangeStep::Confirm));
        snapshot("change_pin_confirm", l, &till);
        till.keys("26").key(Key::Enter);
        till.send(Msg::Auth(AuthMsg::PinHashed { number: "02".into(), hash: PinHash("$argon2id$new".into()) }));
        assert!(till.state.auth.change.is_none());
        snapshot("change_pin_done", l, &till);
    }
}
