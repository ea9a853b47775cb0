//! Column layouts with long Chinese (double-width) names at 80×24: the sale's lines, the low-stock
//! list, the operators list, the audit log and a journal entry's items. Every column starts (or,
//! right-aligned, ends) at the same display column on every row; long names are cut by display
//! width with an ellipsis, never mid-glyph.

mod common;

use common::*;
use till::core::auth::{AuditEntry, AuditEvent, AuthMsg};
use till::core::catalog::{Catalogue, Product};
use till::core::clock::Millis;
use till::core::maintenance::Item;
use till::core::money::Fen;
use till::core::office::{OfficeEffect, OfficeMsg};
use till::core::order::{Line, Order, OrderStatus, Tender};
use till::core::{Effect, Event, Key, Lang, Msg, update};
use unicode_width::UnicodeWidthStr;

const LONG: &str = "康师傅红烧牛肉面五连包家庭装超值特惠组合装限时促销款式样新品";
const LONG_B: &str = "农夫山泉天然饮用水五百五十毫升装整箱二十四瓶超市特供优惠款式";
const SHORT: &str = "水";

/// The display column where `needle` starts in `line`.
fn col(line: &str, needle: &str) -> usize {
    let at = line.find(needle).expect("the text is on the row");
    line[..at].width()
}

/// The display column just after the last non-blank character before the right border.
fn right_edge(line: &str) -> usize {
    line.trim_end().trim_end_matches('│').trim_end().width()
}

/// Rows inside a bordered window that contain one of `needles`.
fn rows_with<'a>(text: &'a str, needles: &[&str]) -> Vec<&'a str> {
    text.lines().filter(|l| l.starts_with('│') && needles.iter().any(|n| l.contains(n))).collect()
}

fn check_no_line_too_wide(text: &str) {
    for l in text.lines() {
        assert!(l.width() <= 80, "{l:?}");
    }
}

fn shop(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    let p = |barcode: &str, name: &str, price| Product::new(barcode, name, Fen(price));
    till.state.catalogue = Catalogue::new(vec![p(WATER, SHORT, 200), p(NOODLES, LONG, 1250), p(UNKNOWN, LONG_B, 4800)])
        .with_stock([(WATER.to_string(), 1), (NOODLES.to_string(), -2), (UNKNOWN.to_string(), 0)]);
    till
}

#[test]
fn sale_lines_keep_their_columns_with_long_chinese_names() {
    for lang in [Lang::Zh, Lang::En] {
        let mut till = shop(lang);
        till.scan(NOODLES).scan(WATER).scan(UNKNOWN).scan(NOODLES);
        let text = screen_text(&till.render());
        check_no_line_too_wide(&text);
        let rows = rows_with(&text, &["康师傅", "农夫山泉", SHORT]);
        assert_eq!(rows.len(), 3, "{text}");
        let edges: Vec<usize> = rows.iter().map(|r| right_edge(r)).collect();
        assert!(edges.iter().all(|e| *e == edges[0]), "amounts end at one column: {edges:?}\n{text}");
        // The unit price column ends at one column too.
        let prices: Vec<usize> =
            rows.iter().zip(["12.50", "2.00", "48.00"]).map(|(r, price)| col(r, price) + price.width()).collect();
        assert!(prices.iter().all(|p| *p == prices[0]), "{prices:?}\n{text}");
        for r in rows.iter().filter(|r| !r.contains(SHORT)) {
            assert!(r.contains('…'), "a long name is cut with an ellipsis: {r}");
        }
    }
}

#[test]
fn the_low_stock_list_keeps_its_columns() {
    for lang in [Lang::Zh, Lang::En] {
        let mut till = shop(lang);
        till.key(Key::F(11));
        let text = screen_text(&till.render());
        check_no_line_too_wide(&text);
        let rows = rows_with(&text, &[WATER, NOODLES, UNKNOWN]);
        assert_eq!(rows.len(), 3, "{text}");
        let names: Vec<usize> = rows.iter().map(|r| col(r, r.split_whitespace().nth(1).unwrap_or(""))).collect();
        assert!(names.iter().all(|c| *c == names[0]), "{names:?}\n{text}");
        let edges: Vec<usize> = rows.iter().map(|r| right_edge(r)).collect();
        assert!(edges.iter().all(|e| *e == edges[0]), "{edges:?}\n{text}");
        assert!(rows.iter().filter(|r| !r.contains(&format!(" {SHORT} "))).all(|r| r.contains('…')), "{text}");
    }
}

#[test]
fn the_operators_list_and_the_audit_log_keep_their_columns() {
    for lang in [Lang::Zh, Lang::En] {
        let mut till = Till::new(lang);
        let long_name = "欧阳诸葛慕容司马东方独孤令狐长孙";
        assert_eq!(long_name.chars().count(), till::core::auth::NAME_MAX);
        till.state.auth.operators[1].name = long_name.into();
        let mut third = till.state.auth.operators[1].clone();
        third.number = "03".into();
        third.name = "王".into();
        till.state.auth.operators.push(third);
        till.key(Key::F(12)).item(Item::Operators);
        let text = screen_text(&till.render());
        check_no_line_too_wide(&text);
        let header = rows_with(&text, &[if lang == Lang::Zh { "姓名" } else { "Name" }])[0];
        let role = till::i18n::staff::text(lang, till::i18n::staff::StaffText::ColRole);
        let rows = rows_with(&text, &["欧阳", "王 ", "店长"]);
        assert_eq!(rows.len(), 3, "{text}");
        let cashier = till::i18n::staff::role(lang, till::core::auth::Role::Cashier);
        let supervisor = till::i18n::staff::role(lang, till::core::auth::Role::Supervisor);
        for r in &rows {
            let word = if r.contains("店长") { supervisor } else { cashier };
            assert_eq!(col(r, word), col(header, role), "role column: {r}\n{text}");
        }
        assert!(rows.iter().any(|r| r.contains('…')), "{text}");

        // The audit log: who and what start at the header's columns.
        till.key(Key::Esc).item(Item::Audit);
        let at = |s: i64| Millis(T0.0 + s * 1000);
        let entry = |s, operator: &str, event| AuditEntry { at: at(s), operator: operator.into(), event };
        let entries = vec![
            entry(30, "02", AuditEvent::OperatorRenamed { number: "02".into(), name: long_name.into() }),
            entry(20, "01", AuditEvent::SignedIn),
            entry(10, "02", AuditEvent::PinChanged),
        ];
        till.send(Msg::Auth(AuthMsg::Audit { entries }));
        let text = screen_text(&till.render());
        check_no_line_too_wide(&text);
        let what = till::i18n::staff::text(lang, till::i18n::staff::StaffText::ColWhat);
        let header = rows_with(&text, &[what])[0];
        let rows = rows_with(&text, &["11-22"]);
        assert_eq!(rows.len(), 3, "{text}");
        for (r, e) in rows.iter().zip(["02", "01", "02"]) {
            let who = col(r, &format!("  {e}  ")) + 2;
            assert_eq!(who, col(header, till::i18n::staff::text(lang, till::i18n::staff::StaffText::ColWho)));
        }
        let starts: Vec<usize> =
            rows.iter().map(|r| col(r, r.split("  ").filter(|s| !s.is_empty()).nth(2).unwrap_or(""))).collect();
        assert!(starts.iter().all(|s| *s == col(header, what)), "{starts:?}\n{text}");
    }
}

#[test]
fn a_journal_entrys_items_keep_their_columns() {
    for lang in [Lang::Zh, Lang::En] {
        let mut till = Till::new(lang);
        till.send(Msg::Office(OfficeMsg::Restored { shifts: vec![], last_z: None }));
        let at = till.state.now;
        let fx = update(&mut till.state, Event { at, msg: Msg::Key(Key::F(7)) });
        let ticket = fx
            .iter()
            .find_map(|e| match e {
                Effect::Office(OfficeEffect::LoadOrders { ticket, .. }) => Some(*ticket),
                _ => None,
            })
            .expect("a load");
        let mut o = Order::new(1, Millis(at.0 - 60_000), "02".into());
        for (name, price, qty) in [(LONG, 1250, 1), (SHORT, 200, 12), (LONG_B, 4800, 2)] {
            o.lines.push(Line { barcode: "6900000000000".into(), name: name.into(), unit_price: Fen(price), qty });
        }
        o.status = OrderStatus::Paid;
        o.closed_at = Some(Millis(at.0 - 30_000));
        o.tender = Some(Tender::Cash { received: o.total(), change: Fen::ZERO });
        o.number = Some("12345678251122010001".into());
        let msg = Msg::Office(OfficeMsg::OrdersLoaded { ticket, result: Ok(vec![o]) });
        update(&mut till.state, Event { at, msg });
        till.key(Key::Enter);
        let text = screen_text(&till.render());
        check_no_line_too_wide(&text);
        let rows = rows_with(&text, &["康师傅", "农夫山泉", &format!("  {SHORT} ")]);
        assert_eq!(rows.len(), 3, "{text}");
        let edges: Vec<usize> = rows.iter().map(|r| right_edge(r)).collect();
        assert!(edges.iter().all(|e| *e == edges[0]), "{edges:?}\n{text}");
        assert!(rows.iter().filter(|r| !r.contains(SHORT)).all(|r| r.contains('…')), "{text}");
    }
}
