//! `till import` checks every value and refuses a file with any wrong one, naming its line; the
//! store stays empty.

use super::*;
use crate::core::auth::{Operator, PinHash, Role};
use crate::core::clock::Millis;
use crate::store::Store;

const DAY: u32 = 251122;

fn order(id: u64, number: &str) -> Order {
    let mut o = Order::new(id, Millis(0), "01".into());
    o.number = Some(number.into());
    o
}

fn number(seq: u32) -> String {
    format!("01000052{DAY}01{seq:04}")
}

/// An export of `orders` with `counters` (none: no counters line) and shop `records`.
fn export(counters: Option<Counters>, orders: &[Order], records: &[Record]) -> String {
    let header = Header {
        till_export: EXPORT_FORMAT,
        schema: SCHEMA_VERSION,
        orders: orders.len() as u64,
        outbox: 0,
        delivered: 0,
        records: records.len() as u64,
    };
    let mut lines = vec![serde_json::to_string(&header).expect("json")];
    if let Some(c) = counters {
        lines.push(serde_json::to_string(&Line::Counters(c)).expect("json"));
    }
    lines.push(serde_json::to_string(&Line::OutboxSeq(0)).expect("json"));
    for o in orders {
        lines.push(serde_json::to_string(&Line::Order(Box::new(o.clone()))).expect("json"));
    }
    for r in records {
        lines.push(serde_json::to_string(&Line::Record(r.clone())).expect("json"));
    }
    lines.join("\n")
}

fn counters(next_order_id: u64, seq: u32) -> Option<Counters> {
    Some(Counters { next_order_id, seq_day: DAY, seq })
}

/// Imports `text` into a fresh store: the error's text, or None when it was taken.
fn refused(text: &str) -> Option<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path()).expect("open");
    let result =
        store.import_with(text.as_bytes(), &|h| if h.starts_with("$ok") { Ok(()) } else { Err("weak".into()) });
    match result {
        Ok(_) => None,
        Err(e) => {
            assert!(store.load_unsettled().expect("load").0.is_empty(), "a refused file leaves the store empty");
            Some(e.to_string())
        }
    }
}

#[test]
fn a_sound_export_is_taken() {
    let orders = [order(2, &number(1)), order(3, &number(2))];
    assert_eq!(refused(&export(counters(4, 2), &orders, &[])), None);
}

#[test]
fn an_order_id_out_of_range_is_refused_with_its_line() {
    let why = refused(&export(counters(4, 1), &[order(u64::MAX, &number(1))], &[])).expect("refused");
    assert!(why.contains("line 4: order id 18446744073709551615 is out of range"), "{why}");
}

#[test]
fn counters_must_be_past_every_order() {
    let orders = [order(2, &number(1)), order(7, &number(2))];
    let why = refused(&export(counters(5, 2), &orders, &[])).expect("refused");
    assert!(why.contains("line 2: next_order_id 5 is not past order 7 (line 5)"), "{why}");
    let why = refused(&export(counters(8, 1), &orders, &[])).expect("refused");
    assert!(why.contains("line 2: sequence 1 of day 251122 is behind order number 2 of that day (line 5)"), "{why}");
    let why = refused(&export(None, &orders, &[])).expect("refused");
    assert!(why.contains("orders without counters"), "{why}");
}

#[test]
fn a_number_is_never_re_pointed_at_another_order() {
    let orders = [order(2, &number(1)), order(3, &number(1))];
    let why = refused(&export(counters(4, 1), &orders, &[])).expect("refused");
    assert!(why.contains(&format!("line 5: order 3 has number {}, already order 2's", number(1))), "{why}");
}

#[test]
fn a_line_whose_total_overflows_is_refused() {
    let mut big = order(2, &number(1));
    big.lines.push(crate::core::order::Line {
        barcode: "1".into(),
        name: "x".into(),
        unit_price: crate::core::money::Fen(i64::MAX / 2),
        qty: 3,
    });
    let why = refused(&export(counters(3, 1), &[big], &[])).expect("refused");
    assert!(why.contains("line 4: order 2: a price or its total is out of range"), "{why}");
}

#[test]
fn operators_pin_hashes_are_checked() {
    let record = |hash: &str| {
        let op = Operator::new("01", "王", Role::Supervisor, PinHash(hash.into()));
        Record { table: Table::Operators, key: "01".into(), value: serde_json::to_string(&op).expect("json") }
    };
    assert_eq!(refused(&export(None, &[], &[record("$ok")])), None);
    assert_eq!(refused(&export(None, &[], &[record("")])), None, "no PIN (the USB export): reset-pin later");
    let why = refused(&export(None, &[], &[record("$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA")])).expect("refused");
    assert!(why.contains("line 3: operator 01: weak"), "{why}");
}
