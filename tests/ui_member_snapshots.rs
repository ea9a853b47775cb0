//! Members (会员) on screen, in Chinese and English, at the till's 80×24: the member box once the
//! member is found (name, masked phone, level, points, balance), and the sale with the member on it.
//! States are fed through `core::update` and drawn by `ui::view`; the whole phone number never shows.

mod common;

use common::*;
use till::core::members::{MemberCard, MemberMsg};
use till::core::{Key, Lang, Msg};
use till::i18n::members::{MemberText as M, member_text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn zhang() -> MemberCard {
    till::demo::member().expect("the demo's member")
}

/// Two waters, then the member's phone typed and found.
fn found(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.scan(WATER).scan(WATER).keys("13812345678").key(Key::Enter);
    let ticket = till.state.members.view.as_ref().map(|v| v.ticket).expect("looking up");
    till.send(Msg::Member(MemberMsg::Found { ticket, result: Ok(Some(zhang())) }));
    till
}

#[test]
fn the_member_box_shows_the_member_with_the_phone_masked() {
    for (lang, l) in LANGS {
        let till = found(lang);
        let text = screen_text(&till.render());
        assert!(text.contains("138****5678") && !text.contains("13812345678"), "{text}");
        assert!(text.contains(member_text(lang, M::Balance)) && text.contains("50.00"), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("member_found_{l}"), text);
    }
}

#[test]
fn the_sale_shows_its_member_with_points_and_balance() {
    for (lang, l) in LANGS {
        let mut till = found(lang);
        till.key(Key::Enter);
        let text = screen_text(&till.render());
        assert!(text.contains("138****5678") && text.contains("120"), "{text}");
        assert!(!text.contains("13812345678"), "{text}");
        insta::assert_snapshot!(format!("member_on_sale_{l}"), text);
    }
}
