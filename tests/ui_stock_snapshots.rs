//! Goods in, stock counts (入库 / 盘点) and training mode (培训模式) on screen, in Chinese and
//! English, at the till's 80×24: a count with its expected, counted and variance columns; goods in
//! with the supplier; the training banner over the sale screen and the tender screen. States are
//! fed through `core::update` and drawn by `ui::view`.

mod common;

use common::*;
use till::core::intent::Intent;
use till::core::{Key, Lang, Msg};
use till::i18n::stocktake::{StockText as S, stock_text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

#[test]
fn a_stock_count_shows_expected_counted_and_the_variance() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.send_at(1, Msg::StockCounts { counts: vec![(WATER.into(), 24), (NOODLES.into(), 6)] });
        till.send_at(2, Msg::Act(Intent::StockCount));
        till.scan(WATER).keys("22*");
        till.scan(NOODLES).scan(NOODLES).scan(NOODLES).scan(NOODLES).scan(NOODLES).scan(NOODLES).scan(NOODLES);
        let text = screen_text(&till.render());
        assert!(text.contains(stock_text(lang, S::CountTitle)) && text.contains("-2") && text.contains("+1"), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("stock_count_{l}"), text);
    }
}

#[test]
fn goods_in_shows_the_supplier_and_what_was_received() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        let supplier = if lang == Lang::Zh { "农夫山泉经销部" } else { "Nongfu depot" };
        till.send_at(1, Msg::Act(Intent::GoodsIn { supplier: supplier.into(), note: String::new() }));
        till.scan(WATER).keys("48*");
        let text = screen_text(&till.render());
        assert!(text.contains(supplier) && text.contains("48"), "{text}");
        insta::assert_snapshot!(format!("stock_goods_in_{l}"), text);
    }
}

#[test]
fn training_mode_shows_its_banner_on_every_screen() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.send_at(1, Msg::Act(Intent::TrainingOn));
        till.scan(WATER);
        let banner = stock_text(lang, S::TrainingBanner);
        let text = screen_text(&till.render());
        assert!(text.lines().next().is_some_and(|top| top.contains(banner)), "{text}");
        insta::assert_snapshot!(format!("training_sale_{l}"), text);
        till.key(Key::Enter);
        let text = screen_text(&till.render());
        assert!(text.lines().next().is_some_and(|top| top.contains(banner)), "the tender screen too:\n{text}");
        till.key(Key::F(12));
        let text = screen_text(&till.render());
        assert!(text.lines().next().is_some_and(|top| top.contains(banner)), "and a full screen:\n{text}");
    }
}
