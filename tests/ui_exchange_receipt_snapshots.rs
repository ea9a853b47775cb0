//! Receipted exchanges (凭小票换货) and the promotion list on screen and on paper, in Chinese and
//! English: the lookup screen offering F8 with goods chosen, the sale screen with the credit, the
//! message while the difference is refunded to WeChat Pay, the exchange slip decoded back from
//! ESC/POS (58 mm), and the promotion list. States are fed through `core::update` and drawn by
//! `ui::view` at the till's 80×24.

mod common;

use common::*;
use till::app::receipt::{preview, render};
use till::core::money::Fen;
use till::core::order::Order;
use till::core::pricing::promo::{Book, Kind, Promotion, Scope, Window};
use till::core::{Effect, Event, Key, Lang, Msg, update};
use till::escpos::PrinterProfile;
use till::i18n::exchange::{ExchangeText as X, exchange_text};
use till::i18n::promotions::{PromoText as P, promo_text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

/// Water and the noodles paid by WeChat Pay (14.50), the receipt scanned back and found paid, the
/// noodles (12.50) chosen to come back.
fn chosen(lang: Lang) -> (Till, Order) {
    let (mut till, order) = paid_by_wechat_and_looked_up(lang, &[WATER, NOODLES]);
    till.key(Key::Down).key(Key::Char('+'));
    (till, order)
}

fn press(till: &mut Till, key: Key) -> Vec<Effect> {
    let at = till.state.now;
    update(&mut till.state, Event { at, msg: Msg::Key(key) })
}

#[test]
fn the_lookup_offers_the_exchange_and_the_difference_goes_back_to_wechat() {
    for (lang, l) in LANGS {
        let (mut till, order) = chosen(lang);
        let text = screen_text(&till.render());
        assert!(text.contains(exchange_text(lang, X::HintReceiptExchange)), "F8 is offered:\n{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("exchange_receipt_lookup_{l}"), text);
        // F8 (supervisor 01 signed in: approved at once), then a water goes out: 10.50 back.
        till.key(Key::F(8)).scan(WATER);
        let text = screen_text(&till.render());
        assert!(text.contains("-12.50") && text.contains("10.50"), "{text}");
        insta::assert_snapshot!(format!("exchange_receipt_sale_{l}"), text);
        let fx = press(&mut till, Key::Enter);
        assert!(fx.iter().any(|e| matches!(e, Effect::Refund(c) if c.amount == Fen(1050))), "{fx:?}");
        let slip = fx.iter().find_map(|e| if let Effect::Print { order } = e { Some(order.clone()) } else { None });
        let slip = slip.expect("the slip is printed");
        let text = screen_text(&till.render());
        assert!(text.contains("10.50"), "{text}");
        insta::assert_snapshot!(format!("exchange_receipt_refunding_{l}"), text);
        // The slip, decoded back: the new goods, the noodles back at what was paid, the
        // difference back to the original payment, the original order's number.
        let p = PrinterProfile::mm58();
        let lines = preview(&render(&slip, &settings(lang), &p), &p);
        let text = lines.join("\n");
        assert!(text.contains(exchange_text(lang, X::SlipTitle)), "{text}");
        // (A long name wraps: the amount is on the row below.)
        assert!(
            text.contains(exchange_text(lang, X::Returned)) && lines.iter().any(|x| x.ends_with("-12.50")),
            "{text}"
        );
        assert!(
            lines.iter().any(|x| x.contains(exchange_text(lang, X::RefundedBack)) && x.ends_with("10.50")),
            "{text}"
        );
        let number = order.number.clone().expect("number");
        assert!(text.contains(&number[number.len() - 8..]), "the original order:\n{text}");
        for line in &lines {
            assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= 32, "{line}");
        }
        insta::assert_snapshot!(format!("exchange_receipt_slip_{l}"), text);
    }
}

fn promotions() -> Book {
    let p = |id: &str, name: &str, window, kind| Promotion {
        id: id.into(),
        name: name.into(),
        window,
        scope: Scope::All,
        kind,
    };
    Book::new(vec![
        p("m1", "满100减10", Window::default(), Kind::Threshold { tiers: vec![(Fen(10_000), Fen(1000))] }),
        p("w1", "周末8折", Window { days: 0b110_0000, ..Window::default() }, Kind::PercentOff { off: 2000 }),
        p(
            "n1",
            "第2件半价",
            Window {
                from: Some(20251101),
                until: Some(20251130),
                days: 0,
                hours: Some((1020, 1140)),
                ..Window::default()
            },
            Kind::NthAt { n: 2, pay: 5000 },
        ),
    ])
}

#[test]
fn the_promotion_list_shows_each_kind_window_and_whether_it_is_in_force() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.state.promotions = promotions();
        till.key(Key::Char('#'));
        let text = screen_text(&till.render());
        assert!(text.contains(promo_text(lang, P::Title)), "{text}");
        // 2025-11-22 (a Saturday) at 14:05: the weekend one is on, the evening one is not.
        assert!(text.contains(promo_text(lang, P::InForce)) && text.contains(promo_text(lang, P::NotNow)), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("promotions_{l}"), text);
        till.key(Key::Esc);
        assert_eq!(till.state.screen, till::core::Screen::Sale);
    }
}

#[test]
fn with_a_cart_the_narrow_hint_line_shows_hold_and_discount() {
    for (lang, _) in LANGS {
        let mut till = Till::new(lang);
        till.scan(WATER).scan(NOODLES);
        // 80 columns: the till's terminal (and 800×480 at its font) and the snapshots' size.
        let hints = till::ui::keys::hint_text(&till.state, 80);
        let caps: Vec<&str> = till::ui::keys::hint_items(&till.state, 80).iter().map(|(cap, _)| *cap).collect();
        assert!(caps.contains(&"/") && caps.contains(&"%"), "{hints}");
        assert!(unicode_width::UnicodeWidthStr::width(hints.as_str()) <= 80, "{hints}");
    }
}
