//! Whole-screen snapshots of the office screens at 80×24 in Chinese and English: cash-up, X and Z
//! reports, the journal and a transaction's detail, the summary's chart. States are built by
//! feeding `core::update` the keys and the store's answers (orders built here).

mod common;

use common::*;
use till::core::clock::Millis;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::office::{OfficeEffect, OfficeMsg};
use till::core::order::{Attempt, AttemptState, Line, Order, OrderStatus, Refund, RefundOf, RefundState, Tender};
use till::core::{Effect, Event, Key, Lang, Msg, update};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

/// `secs` after 09:00 on the snapshot day (T0 is 14:05).
fn at(secs: i64) -> Millis {
    T0.plus_secs(secs - 5 * 3600 - 5 * 60)
}

fn sold(id: u64, secs: i64, lang: Lang, operator: &str, items: &[(&str, &str, i64, u32)]) -> Order {
    let mut o = Order::new(id, at(secs - 30), operator.into());
    for (zh, en, price, qty) in items {
        let name = if lang == Lang::Zh { zh } else { en };
        o.lines.push(Line { barcode: format!("69{id:011}"), name: (*name).into(), unit_price: Fen(*price), qty: *qty });
    }
    o.status = OrderStatus::Paid;
    o.closed_at = Some(at(secs));
    o
}

fn cash(id: u64, secs: i64, lang: Lang, operator: &str, price: i64) -> Order {
    let mut o = sold(id, secs, lang, operator, &[("农夫山泉 550ml", "Spring water 550ml", price, 1)]);
    o.tender = Some(Tender::Cash { received: Fen(price), change: Fen::ZERO });
    o.number = Some(format!("1234567825112201{id:04}"));
    o
}

fn code(id: u64, secs: i64, lang: Lang, operator: &str, platform: Platform, price: i64) -> Order {
    let mut o = sold(
        id,
        secs,
        lang,
        operator,
        &[
            ("康师傅红烧牛肉面 五连包", "Beef noodles, pack of 5", price - 200, 1),
            ("农夫山泉 550ml", "Spring water 550ml", 200, 1),
        ],
    );
    let no = format!("1234567825112201{id:04}");
    o.attempts.push(Attempt {
        out_trade_no: no.clone(),
        platform,
        code_masked: "1346****9456".into(),
        amount: Fen(price),
        started_at: at(secs - 3),
        state: AttemptState::Paid { transaction_id: format!("42000012342025112200{id:02}") },
        queries: 0,
        cancels: 0,
        cancel_unsupported: false,
        qr: None,
    });
    o.tender = Some(Tender::Code {
        platform,
        out_trade_no: no.clone(),
        transaction_id: format!("42000012342025112200{id:02}"),
    });
    o.number = Some(no);
    o
}

fn refund(o: &mut Order, no: &str, secs: i64, fen: i64, state: RefundState) {
    let Some(Tender::Code { platform, out_trade_no, transaction_id }) = o.tender.clone() else { return };
    o.refunds.push(Refund {
        out_refund_no: no.into(),
        amount: Fen(fen),
        total: o.total(),
        refunded_before: Fen::ZERO,
        requested_at: at(secs),
        operator: "01".into(),
        state,
        refund_id: None,
        queries: 0,
        of: Some(RefundOf { platform, out_trade_no, transaction_id }),
        cash: false,
        returns: Vec::new(),
    });
}

/// The morning's orders: cash and both wallets by two operators, a partial refund, a refund and a
/// payment still in doubt.
fn orders(lang: Lang) -> Vec<Order> {
    let mut v = vec![
        cash(1, 0, lang, "01", 350),
        code(2, 1_800, lang, "01", Platform::WeChat, 2_150),
        code(3, 3_700, lang, "02", Platform::Alipay, 1_450),
        cash(4, 7_300, lang, "02", 1_200),
        code(5, 10_900, lang, "01", Platform::WeChat, 4_200),
        code(6, 14_500, lang, "02", Platform::Alipay, 990),
        cash(7, 16_000, lang, "01", 2_000),
    ];
    refund(&mut v[1], "12345678251122010101", 12_000, 500, RefundState::Refunded);
    refund(&mut v[2], "12345678251122010102", 15_000, 1_450, RefundState::Unknown { reason: "timeout".into() });
    let mut doubt = Order::new(8, at(17_000), "01".into());
    doubt.lines.push(Line { barcode: "x".into(), name: String::new(), unit_price: Fen(880), qty: 1 });
    doubt.status = OrderStatus::Paying;
    doubt.attempts.push(Attempt {
        out_trade_no: "12345678251122010008".into(),
        platform: Platform::WeChat,
        code_masked: "1346****9456".into(),
        amount: Fen(880),
        started_at: at(17_000),
        state: AttemptState::Unknown { reason: "timeout".into() },
        queries: 2,
        cancels: 0,
        cancel_unsupported: false,
        qr: None,
    });
    v.push(doubt);
    v
}

/// The office's till: restored (no shifts yet).
fn office(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.send(Msg::Office(OfficeMsg::Restored { shifts: vec![], last_z: None }));
    till
}

/// A key, with the effects it asked for.
fn press(till: &mut Till, key: Key) -> Vec<Effect> {
    let at = till.state.now;
    update(&mut till.state, Event { at, msg: Msg::Key(key) })
}

/// The store's answer to the load among `fx`.
fn answer(till: &mut Till, fx: &[Effect], orders: Vec<Order>) -> Vec<Effect> {
    let ticket = fx
        .iter()
        .find_map(|e| match e {
            Effect::Office(OfficeEffect::LoadOrders { ticket, .. }) => Some(*ticket),
            _ => None,
        })
        .expect("a load");
    let at = till.state.now;
    update(&mut till.state, Event { at, msg: Msg::Office(OfficeMsg::OrdersLoaded { ticket, result: Ok(orders) }) })
}

#[test]
fn the_empty_sale_screen_shows_the_office_keys() {
    for (lang, _) in LANGS {
        let text = screen_text(&office(lang).render());
        let last = text.lines().last().unwrap_or_default().to_string();
        for k in ["F5", "F6", "F7", "F8"] {
            assert!(last.contains(k), "{last}");
        }
    }
}

#[test]
fn cash_up() {
    for (lang, l) in LANGS {
        let mut till = office(lang);
        press(&mut till, Key::F(5));
        till.keys("200");
        press(&mut till, Key::Enter);
        press(&mut till, Key::F(1));
        till.keys("50");
        press(&mut till, Key::Enter);
        till.keys(if lang == Lang::Zh { "换零钱" } else { "change" });
        press(&mut till, Key::Enter);
        press(&mut till, Key::F(2));
        till.keys("30.50");
        press(&mut till, Key::Enter);
        till.keys(if lang == Lang::Zh { "送货费" } else { "delivery" });
        press(&mut till, Key::Enter);
        till.send_at(3 * 3600, Msg::Tick); // 17:05
        let fx = press(&mut till, Key::F(3));
        // The shift opened at 14:05: the morning's sales are not its drawer's, nor are 02's.
        let mut all = orders(lang);
        all.push(cash(20, 18_900, lang, "01", 1_500));
        all.push(cash(21, 19_500, lang, "02", 900));
        answer(&mut till, &fx, all);
        till.keys("229");
        press(&mut till, Key::Enter);
        // expected 200 + 15.00 + 50 − 30.50 = 234.50; counted 229.00
        let text = screen_text(&till.render());
        assert!(text.contains("234.50") && text.contains("-5.50"), "{text}");
        snapshot("office_cash_up", l, &till);
    }
}

#[test]
fn x_report() {
    for (lang, l) in LANGS {
        let mut till = office(lang);
        let fx = press(&mut till, Key::F(6));
        answer(&mut till, &fx, orders(lang));
        snapshot("office_x_report", l, &till);
    }
}

#[test]
fn z_report() {
    for (lang, l) in LANGS {
        let mut till = office(lang);
        press(&mut till, Key::F(6));
        let fx = press(&mut till, Key::F(7));
        let fx = answer(&mut till, &fx, orders(lang));
        assert!(fx.iter().any(|e| matches!(e, Effect::Office(OfficeEffect::CloseDay { z, .. }) if z.number == 1)));
        till.send(Msg::Office(OfficeMsg::DayClosed { number: 1 }));
        snapshot("office_z_report", l, &till);
    }
}

#[test]
fn journal_and_detail() {
    for (lang, l) in LANGS {
        let mut till = office(lang);
        let fx = press(&mut till, Key::F(7));
        answer(&mut till, &fx, orders(lang));
        press(&mut till, Key::Down);
        snapshot("office_journal", l, &till);
        press(&mut till, Key::Enter);
        snapshot("office_journal_detail", l, &till);
    }
}

#[test]
fn the_detail_of_a_refund_of_goods_lists_them() {
    for (lang, l) in LANGS {
        let mut o = code(2, 1_800, lang, "01", Platform::WeChat, 2_150);
        refund(&mut o, "12345678251122010101", 12_000, 200, RefundState::Refunded);
        let barcode = o.lines[1].barcode.clone();
        o.refunds[0].returns = vec![till::core::order::Returned { line: 1, barcode, qty: 1 }];
        let mut till = office(lang);
        let fx = press(&mut till, Key::F(7));
        answer(&mut till, &fx, vec![o.clone()]);
        press(&mut till, Key::Down);
        press(&mut till, Key::Enter);
        let text = screen_text(&till.render());
        let name = till::i18n::line_name(lang, &o.lines[1].name);
        let label = till::i18n::text(lang, till::i18n::Text::ReturnGoods);
        assert!(text.lines().any(|r| r.contains(label) && r.contains(&format!("{name} ×1"))), "{text}");
        snapshot("office_journal_refund_goods", l, &till);
    }
}

#[test]
fn summary_chart() {
    for (lang, l) in LANGS {
        let mut till = office(lang);
        let fx = press(&mut till, Key::F(8));
        answer(&mut till, &fx, orders(lang));
        snapshot("office_summary", l, &till);
    }
}
