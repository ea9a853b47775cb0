//! Promotions and the cashier's discount entry on screen (issue 19), in Chinese and English, at the
//! till's 80×24: the sale with each promotion its own row; the discount entry form (打折) over the
//! sale; a cashier over their limit sent to the supervisor. States are fed through `core::update`
//! and drawn by `ui::view`.

mod common;

use common::*;
use till::core::money::Fen;
use till::core::pricing::promo::Book;
use till::core::screens::{Modal, Top, stack};
use till::core::{Key, Lang, Msg};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

const PROMOTIONS: &str = "id,name,kind,value,scope,from,until,days,hours\n\
    M1,满10减1 满20减3,threshold,10-1;20-3,all,,,,\n\
    N1,水第2件半价,nth,2/50,item:6921168509256,,,,\n";

/// Water ×2 and noodles ×2 with this week's promotions: 29.00, the second water half price (-1.00),
/// then 满20减3 on the 28.00 left: 25.00.
fn promoted(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.state.promotions = Book::new(till::app::promotions_csv::parse(PROMOTIONS).expect("promotions"));
    for (at, code) in [(1, WATER), (2, WATER), (3, NOODLES), (4, NOODLES)] {
        till.send_at(at, Msg::Scan(code.into()));
    }
    till
}

#[test]
fn each_promotion_is_its_own_row_under_the_items() {
    for (lang, l) in LANGS {
        let till = promoted(lang);
        assert_eq!(till.state.sale.total(), Fen(2_500));
        let text = screen_text(&till.render());
        assert!(text.contains("水第2件半价") && text.contains("-1.00"), "{text}");
        assert!(text.contains("满10减1 满20减3") && text.contains("-3.00"), "{text}");
        snapshot("sale_promotions", l, &till);
    }
}

#[test]
fn removing_an_item_below_the_tier_gives_the_tier_back() {
    let mut till = promoted(Lang::En);
    till.key(Key::Delete); // the selected line: the noodles (2 × 12.50)
    // Water ×2: 4.00, the second half price: 3.00, below 满10.
    assert_eq!(till.state.sale.total(), Fen(300));
    assert_eq!(till.state.sale.discounts.len(), 1);
}

/// `%` on the noodles, F3 once (amount off), 1.50 typed.
fn entry(lang: Lang, operator: &str) -> Till {
    let mut till = Till::signed_out(lang, Some(operator));
    till.send_at(1, Msg::Scan(WATER.into()));
    till.send_at(2, Msg::Scan(NOODLES.into()));
    till.key(Key::Char('%'));
    assert_eq!(stack(&till.state).top(), Top::Modal(Modal::DiscountEntry));
    till.key(Key::F(3)).keys("1.50");
    till
}

#[test]
fn the_discount_entry_form_over_the_sale() {
    for (lang, l) in LANGS {
        let till = entry(lang, "01");
        snapshot("discount_entry", l, &till);
    }
}

#[test]
fn enter_gives_the_typed_discount_with_the_chosen_reason_and_esc_gives_nothing() {
    let mut till = entry(Lang::Zh, "01");
    till.key(Key::F(4)); // the second reason: 老顾客 (regular)
    till.key(Key::Enter);
    assert_eq!(stack(&till.state).top(), Top::Base(till::core::screens::Base::Till));
    assert_eq!(till.state.sale.total(), Fen(1_300), "2.00 + 12.50 - 1.50");
    let d = &till.state.sale.discounts[0];
    assert_eq!(
        (d.amount, &d.source),
        (Fen(150), &till::core::pricing::Source::Line { line: 1, reason: "regular".into() })
    );

    let mut till = entry(Lang::En, "01");
    till.key(Key::Esc);
    assert!(till.state.discount_entry.is_none() && till.state.sale.discounts.is_empty());
}

#[test]
fn a_value_that_does_not_read_keeps_the_form_up() {
    let mut till = entry(Lang::En, "01");
    for _ in 0..4 {
        till.key(Key::Backspace);
    }
    till.key(Key::Enter);
    assert_eq!(stack(&till.state).top(), Top::Modal(Modal::DiscountEntry));
    assert!(till.state.sale.discounts.is_empty());
}

#[test]
fn a_cashier_over_the_limit_is_sent_to_the_supervisor() {
    for (lang, l) in LANGS {
        // Cashier 02: 20 % off the whole sale, above the 10 % a cashier gives alone.
        let mut till = Till::signed_out(lang, Some("02"));
        till.send_at(1, Msg::Scan(WATER.into()));
        till.key(Key::Char('%')).key(Key::F(2)).keys("20").key(Key::Enter);
        assert_eq!(stack(&till.state).top(), Top::Modal(Modal::SupervisorPrompt));
        assert!(till.state.sale.discounts.is_empty(), "nothing given before the supervisor's PIN");
        snapshot("discount_entry_approval", l, &till);
    }
}
