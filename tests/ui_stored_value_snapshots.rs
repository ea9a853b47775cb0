//! Stored value (储值) on screen, in Chinese and English, at the till's 80×24: the box where the
//! customer types their member PIN (dots only), and the tender screen after a part was paid from the
//! balance. States are fed through `core::update` and drawn by `ui::view`.

mod common;

use common::*;
use till::core::intent::Intent;
use till::core::members::MemberMsg;
use till::core::money::Fen;
use till::core::sv_till::SvMsg;
use till::core::{Key, Lang, LookupVerdict, Msg};
use till::i18n::stored_value::{SvText, sv_text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

/// Two waters, the member attached, the tender screen, 3.00 asked from the balance.
fn asking(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.scan(WATER).scan(WATER).keys("13812345678").key(Key::Enter);
    let ticket = till.state.members.view.as_ref().map(|v| v.ticket).expect("looking up");
    till.send(Msg::Member(MemberMsg::Found { ticket, result: Ok(Some(common::members::zhang_card())) }));
    till.key(Key::Enter).key(Key::Enter);
    till.send(Msg::Act(Intent::PayStoredValue { amount: "3".into() }));
    till
}

#[test]
fn the_pin_box_shows_dots_only() {
    for (lang, l) in LANGS {
        let mut till = asking(lang);
        till.keys("24");
        let text = screen_text(&till.render());
        assert!(text.contains(sv_text(lang, SvText::PinPrompt)) && text.contains("●●"), "{text}");
        assert!(!text.contains("24 ") && text.contains("3.00"), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("sv_pin_{l}"), text);
    }
}

#[test]
fn the_tender_screen_lists_the_part_paid_from_the_balance() {
    for (lang, l) in LANGS {
        let mut till = asking(lang);
        till.keys("2468");
        till.key(Key::Enter);
        let ticket = till.state.stored_value.asking.as_ref().filter(|a| !a.typing).map(|a| a.ticket).expect("a check");
        till.send(Msg::StoredValue(SvMsg::Checked { ticket, result: Ok((Fen(5000), Fen::ZERO)) }));
        let text = screen_text(&till.render());
        assert!(text.contains(sv_text(lang, SvText::Tender)) && text.contains("3.00"), "{text}");
        // F5 pays more from the balance (a default key, on the hint line).
        assert!(text.lines().last().is_some_and(|l| l.contains("F5")), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("sv_part_paid_{l}"), text);
    }
}

#[test]
fn the_lookup_of_a_sale_paid_by_stored_value_offers_f5_to_give_it_back() {
    for (lang, _) in LANGS {
        let mut till = asking(lang);
        till.keys("2468").key(Key::Enter);
        let ticket = till.state.stored_value.asking.as_ref().map(|a| a.ticket).expect("a check");
        till.send(Msg::StoredValue(SvMsg::Checked { ticket, result: Ok((Fen(5000), Fen::ZERO)) }));
        till.key(Key::F(2)).keys("10").key(Key::Enter);
        let order = till.state.sale.clone();
        let number = order.number.clone().expect("paid");
        till.key(Key::Enter).key(Key::F(3)).keys(&number).key(Key::Enter);
        till.send(Msg::LookupAnswer { number, local: Some(Box::new(order)), verdict: LookupVerdict::NotFound });
        let text = screen_text(&till.render());
        let hint = sv_text(lang, SvText::HintGiveBack);
        assert!(text.lines().last().is_some_and(|l| l.contains("F5") && l.contains(hint)), "{text}");
        keys::check_keys(&till.state);
        till.key(Key::F(5));
        let order = till.state.lookup.as_ref().and_then(|v| v.order.clone()).expect("order");
        assert_eq!(till::core::stored_value::given_back(&order), Fen(300), "all of the spend back");
    }
}
