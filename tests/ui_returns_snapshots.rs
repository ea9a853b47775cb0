//! The lookup screen while goods coming back are chosen, in Chinese and English, at the till's
//! 80×24 (states fed through `core::update`, drawn by `ui::view`).

mod common;

use common::*;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::order::Order;
use till::core::{Key, Lang, LookupVerdict, Msg, PlatformOrder, PlatformOrderState};
use till::i18n::{self, Text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

/// Water ×2 and noodles paid by WeChat Pay (16.50), its receipt scanned back and found paid.
fn looked_up(lang: Lang) -> (Till, Order) {
    paid_by_wechat_and_looked_up(lang, &[WATER, WATER, NOODLES])
}

#[test]
fn lookup_with_goods_being_chosen() {
    for (lang, l) in LANGS {
        let (mut till, _) = looked_up(lang);
        // One water and the noodles come back: the refund becomes their value.
        till.key(Key::Char('+')).key(Key::Down).key(Key::Char('+'));
        assert_eq!(till.state.input, "14.50");
        let text = screen_text(&till.render());
        assert!(text.contains(i18n::text(lang, Text::ReturnGoods)), "{text}");
        assert!(text.contains(&format!("{}  14.50", i18n::text(lang, Text::ReturnValue))), "{text}");
        assert!(text.contains(i18n::text(lang, Text::HintSetQty)), "the keys are shown:\n{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("lookup_returns_{l}"), text);
    }
}

#[test]
fn lookup_after_a_refund_of_goods_shows_what_came_back() {
    for (lang, l) in LANGS {
        let (mut till, _) = looked_up(lang);
        till.key(Key::Down).key(Key::Char('+')).key(Key::Enter);
        let no = till.state.lookup.as_ref().and_then(|v| v.open_refund()).map(|r| r.out_refund_no.clone());
        let verdict = till::core::RefundVerdict::Refunded { refund_id: "r1".into() };
        till.send_at(70, Msg::RefundAnswer { out_refund_no: no.expect("a refund"), verdict });
        // The platform's figures after the refund.
        let order = till.state.lookup.as_ref().and_then(|v| v.order.clone()).expect("order");
        let number = order.number.clone().expect("number");
        let found = LookupVerdict::Found(PlatformOrder {
            out_trade_no: number.clone(),
            platform: Platform::WeChat,
            state: PlatformOrderState::Paid,
            transaction_id: "4200".into(),
            total: order.total(),
            refunded: Fen(1250),
        });
        till.send_at(71, Msg::LookupAnswer { number, local: Some(Box::new(order)), verdict: found });
        // The noodles are back: they cannot be chosen again.
        till.key(Key::Down).key(Key::Char('+'));
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("lookup_returned_{l}"), screen_text(&till.render()));
    }
}
