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

/// A phone typed that no member has: the box says so and offers F2; F2 opens the new member's form
/// with the phone filled in (shown whole only in its own field while it is typed).
#[test]
fn a_member_not_found_can_be_created_in_the_member_form() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.scan(WATER).keys("13912345678").key(Key::Enter);
        let ticket = till.state.members.view.as_ref().map(|v| v.ticket).expect("looking up");
        till.send(Msg::Member(MemberMsg::Found { ticket, result: Ok(None) }));
        let text = screen_text(&till.render());
        assert!(text.contains("139****5678") && text.contains(member_text(lang, M::HintNew)), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("member_missing_{l}"), text);
        till.key(Key::F(2)).keys("李四").key(Key::Down).key(Key::Down).keys("VIP0002");
        let text = screen_text(&till.render());
        assert!(text.contains(member_text(lang, M::FormNew)) && text.contains("VIP0002"), "{text}");
        assert!(text.contains("139****5678") && !text.contains("13912345678"), "masked off its field: {text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("member_form_new_{l}"), text);
    }
}

/// F2 on a member found: their form, with their number; a phone another member keeps is refused in
/// one line.
#[test]
fn the_member_form_edits_a_member_and_says_why_a_save_is_refused() {
    use till::core::member_form::SaveRefused;
    for (lang, l) in LANGS {
        let mut till = found(lang);
        till.key(Key::F(2)).key(Key::Up).keys("银");
        till.key(Key::Enter);
        let ticket = till.state.members.form.as_ref().and_then(|f| f.saving).expect("saving");
        let refused = SaveRefused::CardTaken { other: "M0002".into() };
        till.send(Msg::Member(MemberMsg::Saved { ticket, result: Err(refused) }));
        let text = screen_text(&till.render());
        assert!(text.contains("M0001") && text.contains("M0002"), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("member_form_refused_{l}"), text);
    }
}
