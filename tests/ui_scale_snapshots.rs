//! The counter scale's live weight on the status line, in Chinese and English: settling, then
//! stable and sold (kg with 3 decimals), and a scale that does not answer.

mod common;

use common::*;
use till::core::catalog::{Catalogue, Product, ProductKind};
use till::core::money::Fen;
use till::core::scale_label::Grams;
use till::core::weighing::Reading;
use till::core::{Lang, Msg};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];
const APPLES: &str = "2100015";

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

/// The test catalogue and apples sold by weight at 9.80 a kilogram.
fn till(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    let mut apples = Product::new(APPLES, "苹果", Fen(980));
    apples.kind = ProductKind::Weighed;
    let products: Vec<Product> = catalogue().iter().cloned().chain([apples]).collect();
    till.state.catalogue = Catalogue::new(products);
    till
}

#[test]
fn the_scale_shows_its_weight_live_and_a_settled_weight_is_sold_by_the_kilogram() {
    for (lang, l) in LANGS {
        let mut till = till(lang);
        till.scan(WATER).scan(NOODLES);
        till.send_at(1, Msg::Scale(Some(Reading { grams: Grams(1180), stable: false })));
        till.scan(APPLES);
        snapshot("scale_settling", l, &till);
        till.send_at(2, Msg::Scale(Some(Reading { grams: Grams(1234), stable: true })));
        till.scan(APPLES);
        snapshot("scale_sold", l, &till);
        // A tray tared (a key bound to `act = "tare"`), then apples in it.
        till.send_at(3, Msg::Scale(Some(Reading { grams: Grams(30), stable: true })));
        till.send_at(3, Msg::Act(till::core::intent::Intent::Tare));
        till.send_at(4, Msg::Scale(Some(Reading { grams: Grams(1264), stable: true })));
        snapshot("scale_tared", l, &till);
        till.send_at(5, Msg::Scale(None));
        snapshot("scale_away", l, &till);
    }
}
