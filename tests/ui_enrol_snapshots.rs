//! Whole-screen snapshots (80×24, Chinese and English) of the back office's enrolment QR scanned
//! at the till: the confirmation names the office, the till's name and device id there and this
//! shop, and asks for a supervisor's PIN now; the code itself is never on the screen.

mod common;

use common::*;
use till::core::configure::{ConfigChange, ScannedCode};
use till::core::enrol::{EnrolFailure, EnrolMsg};
use till::core::{Lang, Msg, Screen};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];
const QR: &str = "TILL-ENROL:https://office.example.com#ABCDEFGHJKMN";

#[test]
fn an_enrolment_code_names_the_office_and_the_till_and_asks_for_the_supervisor_pin() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.scan(QR);
        till.send(Msg::ConfigOffer(ConfigChange::Enrol {
            office: "https://office.example.com".into(),
            device_id: "till-7f3a".into(),
            till_name: "前台 Front counter".into(),
            code: ScannedCode(QR.into()),
        }));
        assert!(matches!(till.state.screen, Screen::Confirm(_)));
        keys::check_keys(&till.state);
        let text = screen_text(&till.render());
        assert!(text.contains("https://office.example.com") && text.contains("till-7f3a"), "{text}");
        assert!(!text.contains("ABCDEFGHJKMN"), "the code is a secret: {text}");
        insta::assert_snapshot!(format!("confirm_enrol_{l}"), text);
    }
}

#[test]
fn a_spent_enrolment_code_is_told_in_the_shops_words() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.scan(QR);
        till.send(Msg::Enrol(EnrolMsg::Failed { error: EnrolFailure::Spent }));
        let text = screen_text(&till.render());
        let said = if lang == Lang::En { "used or has expired" } else { "已用过或已过期" };
        assert!(text.contains(said), "{text}");
        insta::assert_snapshot!(format!("enrol_spent_{l}"), text);
    }
}
