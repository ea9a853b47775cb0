//! Exchanges (换货) on screen and on paper, in Chinese and English: the return form offering F4,
//! the sale screen with the credit of the goods coming back, the message once settled, the X
//! report counting exchanges apart, and the exchange slip decoded back from ESC/POS (58 mm).
//! States are fed through `core::update` and drawn by `ui::view` at the till's 80×24.

mod common;

use common::*;
use till::app::receipt::{preview, render};
use till::core::order::Order;
use till::core::{Effect, Event, Key, Lang, Msg, update};
use till::escpos::PrinterProfile;
use till::i18n::exchange::{ExchangeText as X, exchange_text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

/// F3, F7, two waters coming back (4.00), the reason changed once (past its date).
fn form(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.key(Key::F(3)).key(Key::F(7)).scan(WATER).scan(WATER).key(Key::F(2));
    till
}

/// A key fed to the core, its effects kept.
fn press(till: &mut Till, key: Key) -> Vec<Effect> {
    let at = till.state.now;
    update(&mut till.state, Event { at, msg: Msg::Key(key) })
}

fn printed(fx: Vec<Effect>) -> Order {
    fx.into_iter()
        .find_map(|e| if let Effect::Print { order } = e { Some(order) } else { None })
        .expect("the slip is printed")
}

#[test]
fn the_return_form_offers_the_exchange_and_the_sale_shows_the_credit() {
    for (lang, l) in LANGS {
        let till = form(lang);
        let text = screen_text(&till.render());
        assert!(text.contains(exchange_text(lang, X::HintExchange)), "F4 is offered:\n{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("exchange_form_{l}"), text);
        // Two noodles back (25.00), F4 (supervisor 01 signed in: approved at once), then a water
        // and the noodles go out: 10.50 back.
        let mut till = Till::new(lang);
        till.key(Key::F(3)).key(Key::F(7)).scan(NOODLES).scan(NOODLES).key(Key::F(4)).scan(WATER).scan(NOODLES);
        let text = screen_text(&till.render());
        assert!(text.contains(exchange_text(lang, X::Credit)) && text.contains("-25.00"), "{text}");
        assert!(text.contains(exchange_text(lang, X::ToGiveBack)) && text.contains("10.50"), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("exchange_sale_{l}"), text);
    }
}

#[test]
fn a_settled_exchange_says_what_to_give_back_and_the_x_report_counts_it_apart() {
    for (lang, l) in LANGS {
        let mut till = form(lang);
        till.key(Key::F(4)).scan(WATER);
        let order = printed(press(&mut till, Key::Enter));
        let text = screen_text(&till.render());
        assert!(text.contains("2.00"), "{text}");
        insta::assert_snapshot!(format!("exchange_done_{l}"), text);
        till.send_at(60, Msg::Office(till::core::office::OfficeMsg::Restored { shifts: vec![], last_z: None }));
        till.key(Key::Esc).key(Key::F(6));
        let ticket = till.state.office.waiting.map(|(t, _)| t).expect("report loading");
        till.send(Msg::Office(till::core::office::OfficeMsg::OrdersLoaded { ticket, result: Ok(vec![order]) }));
        let text = screen_text(&till.render());
        assert!(text.contains(exchange_text(lang, X::ReportLine)), "{text}");
        insta::assert_snapshot!(format!("exchange_report_{l}"), text);
    }
}

#[test]
fn the_exchange_slip_lists_the_new_goods_the_goods_back_the_difference_reason_and_supervisor() {
    for (lang, l) in LANGS {
        // Two waters back (4.00), the noodles out (12.50): the customer pays 8.50 in cash.
        let mut till = form(lang);
        till.key(Key::F(4)).scan(NOODLES).key(Key::F(2));
        let order = printed(press(&mut till, Key::Enter));
        assert_eq!(order.total(), till::core::money::Fen(850));
        let p = PrinterProfile::mm58();
        let lines = preview(&render(&order, &settings(lang), &p), &p);
        let text = lines.join("\n");
        assert!(text.contains(exchange_text(lang, X::SlipTitle)), "{text}");
        assert!(lines.iter().any(|x| x.contains("1 x 12.50") && x.ends_with("12.50")), "{text}");
        assert!(lines.iter().any(|x| x.contains(exchange_text(lang, X::Returned)) && x.ends_with("-4.00")), "{text}");
        assert!(lines.iter().any(|x| x.ends_with("8.50")), "the difference paid:\n{text}");
        let reason = till::i18n::no_receipt::reason(lang, till::core::no_receipt::ReturnReason::Expired);
        assert!(text.contains(reason), "the reason is printed:\n{text}");
        assert!(text.contains(": 01"), "the approving supervisor:\n{text}");
        for line in &lines {
            assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= 32, "{line}");
        }
        insta::assert_snapshot!(format!("exchange_slip_{l}"), text);
    }
}
