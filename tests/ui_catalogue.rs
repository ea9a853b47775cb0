//! Whole-screen snapshots (80×24, Chinese and English) of the catalogue and tender screens: a mixed
//! tender with the remainder shown, the open-price prompt, the unknown-barcode price prompt, the
//! low-stock list, and the done screen of a mixed tender.

mod common;

use common::*;
use till::core::catalog::{Catalogue, Product, ProductKind};
use till::core::money::Fen;
use till::core::{Key, Lang, Msg, Verdict};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];
const FLOWERS: &str = "FLOWERS-1";
const ALIPAY_CODE: &str = "282129340414399818";

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

/// The shared catalogue plus an open-price bunch of flowers, with stock counts.
fn shop(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    let mut flowers = Product::new(FLOWERS, if lang == Lang::Zh { "鲜花 一束" } else { "Flowers, a bunch" }, Fen::ZERO);
    flowers.kind = ProductKind::Open;
    let products: Vec<Product> = catalogue().iter().cloned().chain([flowers]).collect();
    till.state.catalogue = Catalogue::new(products).with_stock([
        (WATER.to_string(), 3),
        (NOODLES.to_string(), -2),
        (FLOWERS.to_string(), 40),
    ]);
    till
}

/// Water ×2 and noodles: 16.50, on the tender screen.
fn tender(lang: Lang) -> Till {
    let mut till = shop(lang);
    till.send_at(1, Msg::Scan(WATER.into()));
    till.send_at(2, Msg::Scan(WATER.into()));
    till.send_at(3, Msg::Scan(NOODLES.into()));
    till.send_at(10, Msg::Key(Key::Enter));
    till
}

fn answer_paid(till: &mut Till, secs: i64) {
    let out_trade_no = till.state.sale.attempts.last().map(|a| a.out_trade_no.clone()).expect("an attempt");
    till.send_at(secs, Msg::PayAnswer { out_trade_no, verdict: Verdict::Paid { transaction_id: "4200".into() } });
}

/// 5.00 cash, then 6.50 by WeChat Pay: 5.00 still to pay, a part amount being typed.
fn mixed(lang: Lang) -> Till {
    let mut till = tender(lang);
    till.key(Key::F(2)).keys("5").key(Key::Enter);
    till.keys("6.50").key(Key::Enter);
    till.send_at(20, Msg::Scan(WECHAT_CODE.into()));
    answer_paid(&mut till, 22);
    till
}

#[test]
fn mixed_tender_shows_the_parts_and_the_remainder() {
    for (lang, l) in LANGS {
        let till = mixed(lang);
        assert_eq!(till.state.sale.remaining(), Fen(500));
        snapshot("mixed_tender_remaining", l, &till);
    }
}

#[test]
fn a_part_amount_typed_for_the_next_code() {
    for (lang, l) in LANGS {
        let mut till = tender(lang);
        till.keys("10").key(Key::Enter);
        snapshot("mixed_tender_part_amount", l, &till);
    }
}

#[test]
fn mixed_tender_done() {
    for (lang, l) in LANGS {
        let mut till = mixed(lang);
        till.send_at(30, Msg::Scan(ALIPAY_CODE.into()));
        answer_paid(&mut till, 31);
        snapshot("mixed_tender_done", l, &till);
    }
}

#[test]
fn open_price_prompt() {
    for (lang, l) in LANGS {
        let mut till = shop(lang);
        till.send_at(1, Msg::Scan(WATER.into()));
        till.send_at(2, Msg::Scan(FLOWERS.into()));
        till.keys("18.8");
        snapshot("open_price_prompt", l, &till);
    }
}

#[test]
fn unknown_barcode_price_prompt() {
    for (lang, l) in LANGS {
        let mut till = shop(lang);
        till.send_at(1, Msg::Scan(UNKNOWN.into()));
        till.keys("2.4");
        snapshot("unknown_price_prompt", l, &till);
    }
}

#[test]
fn low_stock_list() {
    for (lang, l) in LANGS {
        let mut till = shop(lang);
        till.key(Key::F(11));
        snapshot("low_stock", l, &till);
    }
}
