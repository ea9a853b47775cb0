#![allow(clippy::panic)] // a test fails by panicking
//! till-office for real: its binary on a throwaway PostgreSQL cluster (tests/office/pg.rs), a real
//! `till` binary (the root package's, with its built-in Cloud Pay simulator) delivering to it, and
//! forged, oversized and malformed requests refused with nothing stored.

mod common;
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, now_secs, post_record};
use process::{TillProcess, World};
use std::time::Duration;
use till::core::money::Fen;
use till::core::{Key, Screen};
use till::sim::cloudpay::SimConfig;
use till::sync::{BackofficeConfig, DEMO_DEVICE_ID, DEMO_KEY};
use till_proto::sign::Signer;

const COLA: &str = "6900138600889";
const SECS: fn(u64) -> Duration = Duration::from_secs;
const DEMO: Signer = Signer { device_id: DEMO_DEVICE_ID, key_id: "1", key: DEMO_KEY };

/// One cola (3.50) for cash (5.00 given), back to an empty sale.
fn cash_sale(till: &mut TillProcess) {
    till.wait_for("sale screen", SECS(10), |o| o.screen == Screen::Sale && o.total == Fen(0));
    till.scan(COLA);
    till.wait_for("one item", SECS(5), |o| o.total == Fen(350));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.key(Key::Char('c'));
    till.typed("5");
    till.wait_for("cash paid", SECS(5), |o| o.screen == Screen::Done { change: Fen(150) });
    till.key(Key::Esc);
}

/// A till whose `[backoffice]` is the office, as the demo till's device.
fn till_world(office: &OfficeProcess) -> World {
    let url = office.records_url();
    World::new(SimConfig::default(), |c| {
        c.backoffice = Some(BackofficeConfig { url, ..BackofficeConfig::demo("") });
    })
}

/// A sale at the till, delivered: the office has it once (record, order, line, payment).
pub fn sale_delivered(office: &OfficeProcess) -> (World, String) {
    let mut w = till_world(office);
    let mut till = w.start_till();
    cash_sale(&mut till);
    let o = till.wait_for("delivered", SECS(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());
    assert_eq!(o.sync.last_error, None, "{}", office.log());
    till.quit();
    let number = w.stored_orders().into_iter().find_map(|o| o.number).expect("the sale's number");
    (w, number)
}

#[test]
fn a_sale_at_a_real_till_is_stored_once_and_sent_again_is_409() {
    let office = OfficeProcess::start(&[]);
    office.add_device(DEMO_DEVICE_ID, DEMO_KEY);
    let (_w, number) = sale_delivered(&office);
    let db = office.db();
    let key = format!("order:{number}");
    assert_eq!(db.number(&format!("SELECT count(*) FROM records WHERE key = '{key}'")), 1);
    assert_eq!(db.number("SELECT count(*) FROM records"), 1);
    assert_eq!(db.number(&format!("SELECT total_fen FROM orders WHERE number = '{number}'")), 350);
    assert_eq!(
        db.number("SELECT sum(qty * unit_price_fen)::bigint FROM order_lines WHERE barcode = '6900138600889'"),
        350
    );
    assert_eq!(db.text("SELECT kind || ' ' || amount_fen FROM payments"), "cash 350");
    assert_eq!(db.number("SELECT last_seq FROM devices"), 1);

    // Delivered again (its answer lost, say): the office has it, answers 409, keeps it once.
    let body = db.text(&format!("SELECT body::text FROM records WHERE key = '{key}'"));
    let (status, answer) = post_record(&office.records_url(), DEMO, now_secs(), &key, &body);
    assert_eq!(status, 409, "{answer}");
    assert_eq!(db.number("SELECT count(*) FROM records"), 1);
    assert_eq!(db.number("SELECT count(*) FROM orders"), 1);
    assert_eq!(db.number("SELECT count(*) FROM payments"), 1);
}

#[test]
fn forged_stale_oversized_and_malformed_records_are_refused_with_nothing_stored() {
    let office = OfficeProcess::start(&["--max-body-bytes", "4096"]);
    office.add_device(DEMO_DEVICE_ID, DEMO_KEY);
    let url = office.records_url();
    let body = |key: &str, pad: usize| {
        format!(
            r#"{{"kind":"order","key":"{key}","seq":1,"pad":"{}","order":{{"id":1,"opened_at":1,"closed_at":2,
            "operator":"01","number":"N1","lines":[{{"barcode":"","name":"x","unit_price":350,"qty":1}}],
            "tender":{{"Cash":{{"received":500,"change":150}}}}}}}}"#,
            "x".repeat(pad)
        )
    };
    let good = body("order:N1", 0);
    let forged = Signer { key: "not-the-key", ..DEMO };
    let stranger = Signer { device_id: "till-stranger", ..DEMO };
    let cases: [(&str, Signer, i64, &str, String, u16, &str); 6] = [
        ("forged signature", forged, now_secs(), "order:N1", good.clone(), 401, "bad signature"),
        ("unknown device", stranger, now_secs(), "order:N1", good.clone(), 401, "unknown device"),
        ("stale timestamp", DEMO, now_secs() - 3600, "order:N1", good.clone(), 401, "outside the window"),
        ("oversized body", DEMO, now_secs(), "order:N1", body("order:N1", 5000), 413, ""),
        ("another key's body", DEMO, now_secs(), "order:N2", good.clone(), 400, "Idempotency-Key"),
        ("not JSON", DEMO, now_secs(), "order:N1", "{not json".into(), 400, "not a record"),
    ];
    for (what, signer, timestamp, key, body, status, reason) in cases {
        let (got, answer) = post_record(&url, signer, timestamp, key, &body);
        assert_eq!(got, status, "{what}: {answer}");
        assert!(answer.contains(reason), "{what}: {answer}");
    }
    let db = office.db();
    for table in ["records", "orders", "order_lines", "payments"] {
        assert_eq!(db.number(&format!("SELECT count(*) FROM {table}")), 0, "{table}");
    }
    // The same record, signed right: stored.
    let (got, answer) = post_record(&url, DEMO, now_secs(), "order:N1", &good);
    assert_eq!(got, 201, "{answer}");
    assert_eq!(db.number("SELECT count(*) FROM orders"), 1);
}
