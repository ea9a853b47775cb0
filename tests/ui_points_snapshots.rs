//! Points as a tender (积分抵现) and the member present to spend (储值), on screen in Chinese and
//! English at the till's 80×24: the tender screen after points paid half the sale (F8 on the hint
//! line before), and the box where a member without a PIN types a new one at a top-up (dots only).
//! States are fed through `core::update` and drawn by `ui::view`.

mod common;

use common::*;
use till::core::members::{MemberCard, MemberMsg};
use till::core::sv_till::SvMsg;
use till::core::{Key, Lang, Msg};
use till::i18n::points::{PointsText, points_text};
use till::i18n::stored_value::{SvText, sv_text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn with_points(points: i64) -> MemberCard {
    let mut card = common::members::zhang_card();
    card.member.points = points;
    card
}

/// The member looked up by phone and attached.
fn attach(till: &mut Till, card: MemberCard) {
    till.keys("13812345678").key(Key::Enter);
    let ticket = till.state.members.view.as_ref().map(|v| v.ticket).expect("looking up");
    till.send(Msg::Member(MemberMsg::Found { ticket, result: Ok(Some(card)) }));
    till.key(Key::Enter);
}

#[test]
fn f8_pays_half_the_sale_with_points_and_the_tender_screen_lists_the_part() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.scan(WATER).scan(WATER);
        attach(&mut till, with_points(2000));
        // On the sale screen, `&` takes the selected item for points (积分兑换): in the keys' table
        // (the help screen; the hint line is full at 80 columns).
        let table = till::ui::keys::for_state(&till.state);
        assert!(table.iter().any(|k| k.keys == [Key::Char('&')]), "{table:?}");
        // (Not `check_keys`: ↑↓ is listed for a single line, where it moves nothing.)
        keys::assert_hints_fit(&till.state);
        till.key(Key::Enter);
        let text = screen_text(&till.render());
        let hint = points_text(lang, PointsText::HintPay);
        assert!(text.lines().last().is_some_and(|l| l.contains("F8") && l.contains(hint)), "{text}");
        keys::check_keys(&till.state);
        till.key(Key::F(8));
        let text = screen_text(&till.render());
        assert!(text.contains(points_text(lang, PointsText::Tender)), "{text}");
        assert_eq!(
            till.state.sale.remaining(),
            till.state.sale.total() - till::core::points_tender::paid(&till.state.sale)
        );
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("points_part_paid_{l}"), text);
    }
}

#[test]
fn a_member_without_a_pin_types_a_new_one_at_a_top_up_in_dots() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        attach(&mut till, with_points(0));
        till.keys("100$");
        // The app's answer to `SvEffect::HasPin` (the effects are not kept by this harness).
        let ticket = till.state.stored_value.pin_ticket;
        till.send(Msg::StoredValue(SvMsg::HasPin { ticket, set: false }));
        till.keys("2468").key(Key::Enter).keys("24");
        let text = screen_text(&till.render());
        assert!(text.contains(sv_text(lang, SvText::NewPinAgain)) && text.contains("●●"), "{text}");
        assert!(!text.contains("2468"), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("sv_new_pin_{l}"), text);
    }
}
