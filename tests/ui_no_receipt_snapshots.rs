//! Returns without a receipt (无小票退货) on screen, in Chinese and English, at the till's 80×24: the
//! form with the goods, the reason and the cash to give back; the message once it is done; the X
//! report counting it apart. States are fed through `core::update` and drawn by `ui::view`.

mod common;

use common::*;
use till::core::order::Order;
use till::core::{Effect, Event, Key, Lang, Msg, update};
use till::i18n::no_receipt::{ReturnText as R, return_text};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

/// F3 then F7: two waters and the noodles coming back, the reason changed once (past its date).
fn form(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.key(Key::F(3));
    let table = till::ui::keys::for_state(&till.state);
    assert!(table.iter().any(|e| e.does.text(lang) == return_text(lang, R::HintOpen)), "F7 is listed on the lookup");
    keys::check_keys(&till.state);
    till.key(Key::F(7)).scan(WATER).scan(WATER).scan(NOODLES).key(Key::F(2));
    till
}

/// Enter on the form (supervisor 01 is signed in: approved at once): the saved return.
fn confirm(till: &mut Till) -> Order {
    let at = till.state.now;
    let fx = update(&mut till.state, Event { at, msg: Msg::Key(Key::Enter) });
    fx.into_iter()
        .find_map(|e| if let Effect::Save { order, .. } = e { Some(order) } else { None })
        .expect("the return is saved")
}

#[test]
fn the_form_lists_the_goods_the_reason_and_the_cash_to_give_back() {
    for (lang, l) in LANGS {
        let till = form(lang);
        let text = screen_text(&till.render());
        assert!(text.contains(return_text(lang, R::FormTitle)) && text.contains("16.50"), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("no_receipt_form_{l}"), text);
    }
}

#[test]
fn a_return_done_says_how_much_to_give_back_and_the_x_report_counts_it_apart() {
    for (lang, l) in LANGS {
        let mut till = form(lang);
        let order = confirm(&mut till);
        let text = screen_text(&till.render());
        assert!(text.contains("16.50"), "{text}");
        insta::assert_snapshot!(format!("no_receipt_done_{l}"), text);
        // A minute later (a report runs up to now, the return was before it).
        till.send_at(60, Msg::Office(till::core::office::OfficeMsg::Restored { shifts: vec![], last_z: None }));
        till.key(Key::F(6));
        let ticket = till.state.office.waiting.map(|(t, _)| t).expect("report loading");
        till.send(Msg::Office(till::core::office::OfficeMsg::OrdersLoaded { ticket, result: Ok(vec![order]) }));
        let text = screen_text(&till.render());
        assert!(text.contains(return_text(lang, R::ReportLine)), "{text}");
        insta::assert_snapshot!(format!("no_receipt_report_{l}"), text);
    }
}
