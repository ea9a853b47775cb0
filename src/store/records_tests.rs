//! Shop records: written together with a dispatch, read back after reopening; the audit log only grows.

use super::*;
use crate::store::{Dispatch, OutboxKind, Put, Table, append_key};

fn reopen(dir: &std::path::Path) -> RedbStore {
    RedbStore::open(dir).expect("open")
}

#[test]
fn records_are_written_together_read_in_key_order_and_survive_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let s = reopen(dir.path());
        let puts = [
            Put { table: Table::Operators, key: "02".into(), value: Some(r#"{"name":"李"}"#.into()) },
            Put { table: Table::Operators, key: "01".into(), value: Some(r#"{"name":"王"}"#.into()) },
            Put { table: Table::Settings, key: "lang".into(), value: Some(r#""zh""#.into()) },
        ];
        s.write_records(&puts, None).expect("write");
        s.write_records(&[Put::remove(Table::Settings, "lang")], None).expect("remove");
    }
    let s = reopen(dir.path());
    let ops = s.records(Table::Operators).expect("records");
    assert_eq!(ops.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["01", "02"]);
    assert_eq!(s.record(Table::Operators, "02").expect("record").as_deref(), Some(r#"{"name":"李"}"#));
    assert_eq!(s.record(Table::Settings, "lang").expect("record"), None);
    assert!(s.records(Table::Shifts).expect("records").is_empty(), "tables do not leak into each other");
}

#[test]
fn the_audit_log_is_append_only_and_keeps_its_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let s = reopen(dir.path());
        assert_eq!(s.append_record(Table::Audit, "sign-in 01").expect("append"), 1);
        assert_eq!(s.append_record(Table::Audit, "refund N1").expect("append"), 2);
        let edit = Put { table: Table::Audit, key: crate::store::append_key(1), value: Some("forged".into()) };
        assert!(matches!(s.write_records(&[edit], None), Err(StoreError::AppendOnly(_))));
        assert!(matches!(
            s.write_records(&[Put::remove(Table::Audit, append_key(2))], None),
            Err(StoreError::AppendOnly(_))
        ));
    }
    let s = reopen(dir.path());
    assert_eq!(s.append_record(Table::Audit, "sign-out 01").expect("append"), 3);
    let log: Vec<String> = s.records(Table::Audit).expect("records").into_iter().map(|(_, v)| v).collect();
    assert_eq!(log, ["sign-in 01", "refund N1", "sign-out 01"]);
}

#[test]
fn a_dispatch_is_queued_with_its_write_once_per_key_after_the_orders_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = reopen(dir.path());
    let mut paid = crate::core::order::Order::new(1, crate::core::clock::Millis(1), "01".into());
    paid.status = crate::core::order::OrderStatus::Paid;
    paid.number = Some("N1".into());
    s.save(&paid, &crate::core::Counters::default()).expect("save");
    let z = Dispatch {
        kind: OutboxKind::ZReport,
        key: "zreport:1".into(),
        subject: "shift:1".into(),
        field: "report",
        content: serde_json::json!({"net": 350}),
    };
    let closed = Put { table: Table::Shifts, key: "1".into(), value: Some(r#"{"closed":true}"#.into()) };
    s.write_records(std::slice::from_ref(&closed), Some(&z)).expect("close the day");
    s.write_records(&[closed], Some(&z)).expect("again");
    let pending = s.outbox_pending(10).expect("pending");
    assert_eq!(
        pending.iter().map(|r| (r.seq, r.key.as_str())).collect::<Vec<_>>(),
        [(1, "order:N1"), (2, "zreport:1")]
    );
    let body: serde_json::Value = serde_json::from_str(&pending[1].body).expect("json");
    assert_eq!(
        (body["kind"].as_str(), body["seq"].as_u64(), body["report"]["net"].as_u64()),
        (Some("zreport"), Some(2), Some(350))
    );
    assert_eq!(s.record(Table::Shifts, "1").expect("record").as_deref(), Some(r#"{"closed":true}"#));
}

#[test]
fn the_usb_export_leaves_the_operators_pin_hashes_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = reopen(dir.path());
    let op = r#"{"number":"01","name":"王","role":"supervisor","pin_hash":"$argon2id$v=19$SECRETHASH","must_change_pin":false}"#;
    s.write_records(&[Put { table: Table::Operators, key: "01".into(), value: Some(op.into()) }], None).expect("write");
    let mut whole = Vec::new();
    s.export(&mut whole).expect("export");
    assert!(String::from_utf8_lossy(&whole).contains("SECRETHASH"), "a backup by `till export` keeps them");
    let mut usb = Vec::new();
    s.export_without_pins(&mut usb).expect("export");
    let usb = String::from_utf8(usb).expect("utf-8");
    assert!(!usb.contains("SECRETHASH") && !usb.contains("argon2"), "{usb}");
    // Imported, the operator is there and must be given a PIN again (`till operators reset-pin`).
    let other = tempfile::tempdir().expect("tempdir");
    let restored = reopen(other.path());
    restored.import(usb.as_bytes()).expect("import");
    let back = restored.record(Table::Operators, "01").expect("record").expect("operator");
    let back: serde_json::Value = serde_json::from_str(&back).expect("json");
    assert_eq!((back["name"].as_str(), back["pin_hash"].as_str()), (Some("王"), Some("")));
    assert_eq!(back["must_change_pin"], serde_json::json!(true));
}
