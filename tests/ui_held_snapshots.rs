//! Held sales (挂单 / 取单) on screen, in Chinese and English, at the till's 80×24: the sale held, the
//! list with an old one marked, the Z report's discarded ones; and the fixes seen at the counter (a
//! refund confirmed with its wallet, the order number on the paid panel). States are fed through
//! `core::update` and drawn by `ui::view`.

mod common;

use common::*;
use till::core::code::Platform;
use till::core::intent::Intent;
use till::core::money::Fen;
use till::core::{Key, Lang, LookupVerdict, Msg, PlatformOrder, PlatformOrderState, RefundVerdict, Verdict};
use till::i18n;
use till::i18n::held::{HeldText as H, held_text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];
const DAY: i64 = 24 * 3600;

/// Water ×2 held a day ago (old), noodles held a minute ago with a note.
fn two_held(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.send_at(1, Msg::Scan(WATER.into()));
    till.send_at(2, Msg::Scan(WATER.into()));
    till.send_at(3, Msg::Key(Key::Char('/')));
    till.send_at(DAY + 60, Msg::Scan(NOODLES.into()));
    let note = if lang == Lang::Zh { "回来拿烟" } else { "back for milk" };
    till.send_at(DAY + 61, Msg::Act(Intent::Hold { note: Some(note.into()) }));
    till
}

#[test]
fn a_sale_held_frees_the_screen_and_says_its_number() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.send_at(1, Msg::Scan(WATER.into()));
        till.send_at(2, Msg::Scan(NOODLES.into()));
        // The hold key is in the screen's table: on the hint line when it has room, always in the help.
        let table = till::ui::keys::for_state(&till.state);
        assert!(table.iter().any(|e| e.does.text(lang) == held_text(lang, H::HintHold)), "the hold key is listed");
        keys::check_keys(&till.state);
        till.send_at(3, Msg::Key(Key::Char('/')));
        let text = screen_text(&till.render());
        assert!(text.contains(held_text(lang, H::HintHeldList)), "the list key is hinted:\n{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("held_sale_{l}"), text);
    }
}

#[test]
fn the_list_of_held_sales_marks_the_old_one() {
    for (lang, l) in LANGS {
        let mut till = two_held(lang);
        till.key(Key::Char('/')).key(Key::Char('2'));
        let text = screen_text(&till.render());
        assert!(text.contains(held_text(lang, H::ListTitle)), "{text}");
        let row = |n: &str| text.lines().find(|l| l.starts_with(&format!("│  {n} "))).unwrap_or_default().to_string();
        let old = held_text(lang, H::Old);
        assert!(row("1").contains(old) && !row("2").contains(old), "only the first is old:\n{text}");
        assert!(text.contains(held_text(lang, H::HintDiscard)), "Del is offered for the old one:\n{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("held_list_{l}"), text);
    }
}

#[test]
fn closing_the_day_names_the_held_sales_for_the_supervisor() {
    for (lang, l) in LANGS {
        let mut till = two_held(lang);
        till.send(Msg::Office(till::core::office::OfficeMsg::Restored { shifts: vec![], last_z: None }));
        till.key(Key::F(6));
        let ticket = till.state.office.waiting.map(|(t, _)| t).expect("report loading");
        till.send(Msg::Office(till::core::office::OfficeMsg::OrdersLoaded { ticket, result: Ok(vec![]) }));
        till.key(Key::F(7));
        assert!(till.state.auth.prompt.is_some(), "a supervisor's PIN is asked for");
        let text = screen_text(&till.render());
        assert!(text.contains("1, 2"), "the held sales are named:\n{text}");
        insta::assert_snapshot!(format!("held_close_day_{l}"), text);
        // The supervisor's PIN: both are discarded, the day closes, and the Z report lists them.
        till.keys("0000").key(Key::Enter);
        let approved = Msg::Auth(till::core::auth::AuthMsg::PinChecked { number: "01".into(), ok: true });
        let at = till.state.now;
        let fx = till::core::update(&mut till.state, till::core::Event { at, msg: approved });
        let discarded: Vec<_> = fx
            .iter()
            .filter_map(|e| match e {
                till::core::Effect::Save { order, .. } => Some(order.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(discarded.len(), 2);
        let ticket = till.state.office.waiting.map(|(t, _)| t).expect("the day's orders loading");
        till.send(Msg::Office(till::core::office::OfficeMsg::OrdersLoaded { ticket, result: Ok(discarded) }));
        till.send(Msg::Office(till::core::office::OfficeMsg::DayClosed { number: 1 }));
        let text = screen_text(&till.render());
        assert!(text.contains(held_text(lang, H::ReportTitle)), "the Z lists the discarded:\n{text}");
        insta::assert_snapshot!(format!("held_z_report_{l}"), text);
    }
}

/// A WeChat Pay sale of 21.50 (water ×2, noodles) looked up and partly refunded, confirmed.
#[test]
fn a_refund_confirmed_names_the_wallet_and_proposes_nothing_more() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.send_at(1, Msg::Scan(WATER.into()));
        till.send_at(2, Msg::Key(Key::Enter));
        till.send_at(3, Msg::Scan(WECHAT_CODE.into()));
        let no = till.state.sale.attempts.last().map(|a| a.out_trade_no.clone()).expect("attempt");
        let paid = Verdict::Paid { transaction_id: "4200".into() };
        till.send_at(4, Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid });
        // The paid panel shows the order number, not only the receipt preview.
        let text = screen_text(&till.render());
        let panel: String = text.lines().map(|line| line.chars().take(40).collect::<String>() + "\n").collect();
        assert!(panel.contains(&no), "the number is on the paid panel:\n{text}");
        let order = till.state.sale.clone();
        let found = |refunded| {
            LookupVerdict::Found(PlatformOrder {
                out_trade_no: no.clone(),
                platform: Platform::WeChat,
                state: PlatformOrderState::Paid,
                transaction_id: "4200".into(),
                total: order.total(),
                refunded,
            })
        };
        till.send_at(60, Msg::Scan(no.clone()));
        till.send_at(
            61,
            Msg::LookupAnswer { number: no.clone(), local: Some(Box::new(order.clone())), verdict: found(Fen::ZERO) },
        );
        till.send_at(62, Msg::Act(Intent::Refund { amount: "0.01".into() }));
        let refund_no = till.state.lookup.as_ref().and_then(|v| v.open_refund()).map(|r| r.out_refund_no.clone());
        let verdict = RefundVerdict::Refunded { refund_id: "r1".into() };
        till.send_at(63, Msg::RefundAnswer { out_refund_no: refund_no.expect("a refund"), verdict });
        let local = till.state.lookup.as_ref().and_then(|v| v.order.clone()).map(Box::new);
        till.send_at(64, Msg::LookupAnswer { number: no.clone(), local, verdict: found(Fen(1)) });
        let text = screen_text(&till.render());
        let said = i18n::refund_announcement(lang, Some(Platform::WeChat), Fen(1));
        assert!(text.contains(&said), "the refund stays on the message line:\n{text}");
        assert_eq!(till.state.input, "", "nothing more is proposed");
        insta::assert_snapshot!(format!("refund_confirmed_{l}"), text);
    }
}

#[test]
fn a_long_list_keeps_the_selected_held_sale_and_the_number_typed_on_screen() {
    let mut till = Till::new(Lang::En);
    for i in 0..20 {
        till.send_at(10 + i, Msg::Scan(WATER.into()));
        till.send_at(10 + i, Msg::Key(Key::Char('/')));
    }
    till.key(Key::Char('/'));
    for _ in 0..19 {
        till.key(Key::Down);
    }
    let text = screen_text(&till.render());
    assert!(text.lines().any(|l| l.starts_with("│  20 ")), "the last one is shown when selected:\n{text}");
    assert!(text.contains(held_text(Lang::En, H::TypeNumber)), "the number field stays:\n{text}");
}
