//! Whole-screen snapshots (80×24, Chinese and English) of the operator screens: sign-in, the
//! forced PIN change, a lockout, the supervisor prompt, the maintenance menu and its pages, the
//! operators list and the audit log. PIN checks are answered here as `app` would.

mod common;

use common::*;
use till::core::auth::{Action, AuditEntry, AuditEvent, AuthMsg, SignInStep};
use till::core::clock::Millis;
use till::core::code::Platform;
use till::core::maintenance::{DeviceInfo, Item, MaintenanceMsg, Page, keys_to};
use till::core::money::Fen;
use till::core::{Key, Lang, LookupVerdict, Msg, PlatformOrder, PlatformOrderState};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

fn typed(till: &mut Till, text: &str) {
    till.keys(text).key(Key::Enter);
}

fn checked(till: &mut Till, number: &str, ok: bool) {
    till.send(Msg::Auth(AuthMsg::PinChecked { number: number.into(), ok }));
}

#[test]
fn sign_in_asks_the_number_then_the_pin_masked() {
    for (lang, l) in LANGS {
        let mut till = Till::signed_out(lang, None);
        till.keys("02");
        snapshot("sign_in_number", l, &till);
        till.key(Key::Enter).keys("222");
        let text = screen_text(&till.render());
        assert!(text.contains("***█") && !text.contains("222"), "{text}");
        snapshot("sign_in_pin", l, &till);
    }
}

#[test]
fn the_first_sign_in_asks_for_a_new_pin_twice() {
    for (lang, l) in LANGS {
        let mut till = Till::signed_out(lang, None);
        typed(&mut till, "01");
        typed(&mut till, "0000");
        checked(&mut till, "01", true);
        assert_eq!(till.state.auth.signin.step, SignInStep::NewPin);
        snapshot("pin_change", l, &till);
        typed(&mut till, "4826");
        till.keys("48");
        snapshot("pin_change_confirm", l, &till);
    }
}

#[test]
fn f4_on_the_sign_in_screen_asks_for_a_new_pin_after_the_old_one() {
    for (lang, l) in LANGS {
        let mut till = Till::signed_out(lang, None);
        typed(&mut till, "02");
        till.key(Key::F(4));
        till.keys("22");
        snapshot("sign_in_change_pin", l, &till);
        till.key(Key::Enter);
        checked(&mut till, "02", true);
        assert_eq!(till.state.auth.signin.step, SignInStep::NewPin);
        assert!(till.state.auth.session.is_none(), "signed in only with the new PIN chosen");
    }
}

#[test]
fn five_wrong_pins_say_how_long_the_operator_is_locked() {
    for (lang, l) in LANGS {
        let mut till = Till::signed_out(lang, None);
        typed(&mut till, "02");
        for _ in 0..5 {
            typed(&mut till, "1111");
            checked(&mut till, "02", false);
        }
        till.send_at(20, Msg::Tick);
        typed(&mut till, "02");
        let text = screen_text(&till.render());
        assert!(text.contains(if lang == Lang::Zh { "1 分钟后再试" } else { "try again in 1 min" }), "{text}");
        snapshot("locked_out", l, &till);
    }
}

#[test]
fn a_cashiers_refund_opens_the_supervisor_prompt() {
    for (lang, l) in LANGS {
        let mut till = Till::signed_out(lang, Some("02"));
        let number = format!("{}251122020001", settings(lang).order_prefix);
        till.send_at(1, Msg::Scan(number.clone()));
        let found = LookupVerdict::Found(PlatformOrder {
            out_trade_no: number.clone(),
            platform: Platform::WeChat,
            state: PlatformOrderState::Paid,
            transaction_id: "4200001234202511220000".into(),
            total: Fen(2150),
            refunded: Fen(0),
        });
        till.send_at(2, Msg::LookupAnswer { number, local: None, verdict: found });
        // Part of it (all of it would be voiding the order: `Action::Void`).
        for _ in 0..5 {
            till.key(Key::Backspace);
        }
        till.keys("10.00").key(Key::Enter).keys("11");
        assert_eq!(till.state.auth.prompt.as_ref().map(|p| p.action), Some(Action::Refund));
        snapshot("supervisor_prompt", l, &till);
    }
}

fn info() -> DeviceInfo {
    DeviceInfo {
        version: "0.1.0".into(),
        serial: "00000000c0ffee42".into(),
        platform: "Cloud Pay 127.0.0.1:40123".into(),
        data_dir: "/var/lib/till".into(),
        store_bytes: Some(3 * 1024 * 1024 + 200_000),
        outbox_pending: 2,
        outbox_failed: 0,
        backoffice: true,
        sync_error: None,
        address: Some("192.168.1.50".into()),
        arch: "aarch64".into(),
    }
}

/// Opens a maintenance menu item by its position in `ITEMS` (digits only reach the first nine).
fn open(till: &mut Till, item: Item) {
    for key in keys_to(item) {
        till.key(key);
    }
}

/// Operator 01 (a supervisor) signed in opens the menu with F12: no prompt.
fn menu(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.key(Key::F(12));
    till.send(Msg::Maintenance(MaintenanceMsg::Info(info())));
    till
}

#[test]
fn the_maintenance_menu_and_its_device_and_scanner_pages() {
    for (lang, l) in LANGS {
        let mut till = menu(lang);
        assert_eq!(till.state.maintenance.as_ref().map(|m| m.page), Some(Page::Menu));
        snapshot("maintenance_menu", l, &till);
        open(&mut till, Item::DeviceInfo);
        till.send(Msg::Maintenance(MaintenanceMsg::Info(info())));
        snapshot("maintenance_device", l, &till);
        till.key(Key::Esc);
        open(&mut till, Item::ScannerTest);
        till.scan(WATER).scan(WECHAT_CODE).scan("WIFI:T:WPA;S:ShopNet;P:secret123;;");
        let text = screen_text(&till.render());
        assert!(!text.contains("secret123") && !text.contains("0423163089"), "{text}");
        snapshot("maintenance_scanner", l, &till);
    }
}

#[test]
fn the_operators_list_and_the_audit_log() {
    for (lang, l) in LANGS {
        let mut till = menu(lang);
        open(&mut till, Item::Operators);
        snapshot("operators", l, &till);
        till.keys("a");
        till.keys("Wang");
        snapshot("operators_add", l, &till);
        till.key(Key::Esc);
        till.keys("s").keys("1001");
        snapshot("operators_staff_id", l, &till);
        till.key(Key::Esc).key(Key::Esc);
        open(&mut till, Item::Audit);
        let at = |secs: i64| Millis(T0.0 + secs * 1000);
        let entry = |secs, operator: &str, event| AuditEntry { at: at(secs), operator: operator.into(), event };
        let entries = vec![
            entry(
                300,
                "02",
                AuditEvent::Refund {
                    order: "12345678251122010001".into(),
                    out_refund_no: "12345678251122010002".into(),
                    amount: Fen(350),
                    approved_by: Some("01".into()),
                },
            ),
            entry(290, "02", AuditEvent::SupervisorApproved { action: Action::Refund, supervisor: "01".into() }),
            entry(120, "02", AuditEvent::SignedIn),
            entry(60, "02", AuditEvent::SignInFailed),
            entry(0, "01", AuditEvent::PinChanged),
        ];
        till.send(Msg::Auth(AuthMsg::Audit { entries }));
        snapshot("audit_log", l, &till);
    }
}
