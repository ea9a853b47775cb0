//! The outbox is written with the order, once per key, and survives reopening; retention.

use super::*;
use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::order::{Line, OrderStatus, Refund, RefundState, Tender};
use crate::store::{OutboxKind, OutboxState};

fn paid_cash(id: OrderId, number: &str) -> Order {
    let mut o = Order::new(id, Millis(1), "01".into());
    o.lines.push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 2 });
    o.status = OrderStatus::Paid;
    o.tender = Some(Tender::Cash { received: Fen(1000), change: Fen(300) });
    o.number = Some(number.into());
    o.closed_at = Some(Millis(2));
    o
}

fn refund(no: &str, state: RefundState) -> Refund {
    Refund {
        out_refund_no: no.into(),
        amount: Fen(100),
        total: Fen(700),
        refunded_before: Fen(0),
        requested_at: Millis(3),
        operator: "01".into(),
        state,
        refund_id: None,
        queries: 0,
        of: None,
        cash: false,
        returns: Vec::new(),
    }
}

fn keys(s: &RedbStore) -> Vec<(u64, String)> {
    s.outbox_pending(100).expect("pending").into_iter().map(|r| (r.seq, r.key)).collect()
}

#[test]
fn a_paid_order_is_queued_once_with_its_save_and_an_open_one_not_at_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(dir.path()).expect("open");
    let c = Counters::default();
    let mut open = paid_cash(1, "N1");
    open.status = OrderStatus::Open;
    s.save(&open, &c).expect("save");
    assert!(keys(&s).is_empty());
    let paid = paid_cash(1, "N1");
    s.save(&paid, &c).expect("save");
    s.save(&paid, &c).expect("save again");
    let pending = s.outbox_pending(10).expect("pending");
    assert_eq!(pending.len(), 1);
    let r = &pending[0];
    assert_eq!((r.seq, r.key.as_str(), r.kind, r.state), (1, "order:N1", OutboxKind::Order, OutboxState::Pending));
    let body: serde_json::Value = serde_json::from_str(&r.body).expect("json body");
    assert_eq!(body["key"], "order:N1");
    assert_eq!(body["seq"], 1);
    assert_eq!(body["order"]["lines"][0]["unit_price"], 350, "amounts in integer fen");
    assert_eq!(s.outbox_counts().expect("counts"), (1, 0));
}

#[test]
fn refunds_are_queued_when_final_after_their_order_and_delivered_keys_never_return() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Counters::default();
    {
        let s = RedbStore::open(dir.path()).expect("open");
        let mut o = paid_cash(7, "N7");
        s.save(&o, &c).expect("paid");
        o.refunds.push(refund("R1", RefundState::Sending));
        s.save(&o, &c).expect("refund sending");
        assert_eq!(keys(&s), vec![(1, "order:N7".to_string())], "a refund in doubt is not queued");
        o.refunds[0].state = RefundState::Refunded;
        s.save(&o, &c).expect("refunded");
        o.refunds.push(refund("R2", RefundState::Failed { reason: "余额不足".into() }));
        s.save(&o, &c).expect("second refund failed");
        assert_eq!(keys(&s), vec![(1, "order:N7".into()), (2, "refund:R1".into()), (3, "refund:R2".into())]);
        s.outbox_mark_delivered(1).expect("delivered");
        s.outbox_mark_failed(2, "HTTP 400: bad body").expect("failed");
        assert_eq!(s.outbox_counts().expect("counts"), (1, 1));
        s.save(&o, &c).expect("save again after delivery");
    }
    let s = RedbStore::open(dir.path()).expect("reopen");
    assert_eq!(keys(&s), vec![(2, "refund:R1".into()), (3, "refund:R2".into())], "order:N7 not queued again");
    let failed = &s.outbox_pending(1).expect("pending")[0];
    assert_eq!((failed.state, failed.attempts), (OutboxState::Failed, 1));
    assert_eq!(failed.last_error.as_deref(), Some("HTTP 400: bad body"));
    let body: serde_json::Value = serde_json::from_str(&failed.body).expect("json");
    assert_eq!((body["kind"].as_str(), body["order_number"].as_str()), (Some("refund"), Some("N7")));
    s.save(&paid_cash(8, "N8"), &c).expect("next sale");
    assert_eq!(keys(&s).last(), Some(&(4, "order:N8".to_string())), "the sequence goes on without gaps");
}

#[test]
fn a_refund_of_an_order_never_queued_queues_the_order_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(dir.path()).expect("open");
    let mut o = paid_cash(3, "N3");
    o.refunds.push(refund("R9", RefundState::Refunded));
    s.save(&o, &Counters::default()).expect("save");
    assert_eq!(keys(&s), vec![(1, "order:N3".into()), (2, "refund:R9".into())]);
}

#[test]
fn a_voided_or_imported_order_is_not_a_sale_to_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(dir.path()).expect("open");
    let mut voided = paid_cash(1, "N1");
    voided.status = OrderStatus::Voided;
    s.save(&voided, &Counters::default()).expect("save");
    let mut imported = paid_cash(2, "N2");
    imported.imported = true;
    s.save(&imported, &Counters::default()).expect("save");
    assert!(keys(&s).is_empty());
    imported.refunds.push(refund("R2", RefundState::Refunded));
    s.save(&imported, &Counters::default()).expect("save");
    assert_eq!(keys(&s), vec![(1, "refund:R2".into())], "the refund this till made is reported");
}

#[test]
fn retention_removes_only_old_settled_and_delivered_orders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(&dir.path().join("store")).expect("open");
    let counters = Counters::default();
    let delivered_old = paid_cash(1, "N1");
    let pending_old = paid_cash(2, "N2");
    let mut recent = paid_cash(3, "N3");
    recent.closed_at = Some(Millis(10_000));
    let open_old = Order::new(4, Millis(1), "01".into());
    for o in [&delivered_old, &pending_old, &recent, &open_old] {
        s.save(o, &counters).expect("save");
    }
    let first = keys(&s).into_iter().find(|(_, k)| k == "order:N1").expect("queued").0;
    s.outbox_mark_delivered(first).expect("delivered");
    let recent_seq = keys(&s).into_iter().find(|(_, k)| k == "order:N3").expect("queued").0;
    s.outbox_mark_delivered(recent_seq).expect("delivered");

    assert_eq!(s.compact_closed_before(Millis(5_000)).expect("compact"), 1);
    let left: Vec<OrderId> = s.orders().expect("orders").iter().map(|o| o.id).collect();
    assert_eq!(left, vec![2, 3, 4], "undelivered, recent and open orders stay");
    assert!(s.order_by_number("N1").expect("lookup").is_none(), "its number index goes with it");
    assert!(s.order_by_number("N2").expect("lookup").is_some());
    // Never queued again: the key is remembered.
    s.save(&delivered_old, &counters).expect("save again");
    assert!(!keys(&s).iter().any(|(_, k)| k == "order:N1"));
    drop(s);
    let s = RedbStore::open(&dir.path().join("store")).expect("reopen");
    assert_eq!(s.compact_closed_before(Millis(5_000)).expect("compact"), 1, "the re-saved copy, delivered");
}

#[test]
fn retention_that_empties_most_of_the_file_compacts_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(dir.path()).expect("open");
    // 4,000 old orders the back office has, brought in as one import (one transaction, fast).
    let total = 4_000u64;
    let mut lines = vec![
        format!(r#"{{"till_export":1,"schema":4,"orders":{},"outbox":0,"delivered":{total},"records":0}}"#, total + 1),
        format!(r#"{{"outbox_seq":{total}}}"#),
        format!(r#"{{"counters":{{"next_order_id":{},"seq_day":0,"seq":0}}}}"#, total + 2),
    ];
    for id in 1..=total {
        let mut o = paid_cash(id, &format!("N{id}"));
        for i in 0..6 {
            let barcode = format!("69{:011}", id * 7 + i * 1_000_003);
            o.lines.push(Line { barcode, name: format!("商品 {id}-{i}"), unit_price: Fen(100 + id as i64), qty: 1 });
        }
        lines.push(serde_json::json!({ "order": o }).to_string());
        lines.push(serde_json::json!({ "delivered": { "seq": id, "key": format!("order:N{id}") } }).to_string());
    }
    let mut recent = paid_cash(total + 1, "RECENT");
    recent.closed_at = Some(Millis(10_000));
    lines.push(serde_json::json!({ "order": recent }).to_string());
    s.import(lines.join("\n").as_bytes()).expect("import");
    let before = s.size_on_disk().expect("size");

    assert_eq!(s.compact_closed_before(Millis(5_000)).expect("retention"), total as usize);
    let after = s.size_on_disk().expect("size");
    eprintln!("store file {before} bytes before retention, {after} after");
    assert!(after * 3 < before, "compacted: {before} → {after} bytes");
    drop(s);
    let s = RedbStore::open(dir.path()).expect("reopen");
    assert_eq!(s.orders().expect("orders").iter().map(|o| o.id).collect::<Vec<_>>(), vec![total + 1]);
    assert!(s.order_by_number("N1").expect("lookup").is_none());
    assert_eq!(s.compact_closed_before(Millis(5_000)).expect("again"), 0);
}

#[test]
fn a_refund_on_an_order_without_a_number_of_its_own_still_reaches_the_back_office() {
    // A voided order (the till's query had said "not charged") that the platform had charged
    // after all: refunded under the number of the platform's order, which the refund names.
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(dir.path()).expect("open");
    let mut voided = paid_cash(1, "unused");
    voided.number = None;
    voided.tender = None;
    voided.status = OrderStatus::Voided;
    let mut r = refund("R1", RefundState::Refunded);
    r.of = Some(crate::core::order::RefundOf {
        platform: crate::core::code::Platform::WeChat,
        out_trade_no: "01000052250301010001".into(),
        transaction_id: "4200".into(),
    });
    voided.refunds.push(r);
    s.save(&voided, &Counters::default()).expect("save");
    let pending = s.outbox_pending(10).expect("pending");
    assert_eq!(pending.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["refund:R1"]);
    assert_eq!(pending[0].order_number, "01000052250301010001");
}

/// What the back office reads of the records (crates/till-proto, used by till-office): a mixed-tender
/// order by its parts and a refund, each the kind, key and sequence the till queued.
#[test]
fn the_back_office_reads_each_queued_record_as_its_kind() {
    use crate::core::code::Platform;
    use crate::core::order::TenderPart;
    use till_proto::record::{PaymentKind, Record};
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(dir.path()).expect("open");
    let mut order = paid_cash(1, "N1");
    order.tender = Some(Tender::Mixed {
        parts: vec![
            TenderPart::Cash { amount: Fen(200), received: Fen(200), change: Fen(0) },
            TenderPart::Code {
                platform: Platform::Alipay,
                amount: Fen(500),
                out_trade_no: "A1".into(),
                transaction_id: "T1".into(),
            },
        ],
    });
    order.refunds.push(refund("R1", RefundState::Refunded));
    s.save(&order, &Counters::default()).expect("save");
    let pending = s.outbox_pending(10).expect("pending");
    assert_eq!(pending.len(), 2);
    match till_proto::read_body(&pending[0].body, &pending[0].key) {
        Ok(Record::Order(r)) => {
            assert_eq!((r.seq, r.order.total()), (1, Some(700)));
            let paid: Vec<(PaymentKind, i64)> =
                r.order.payments().unwrap_or_default().iter().map(|p| (p.kind, p.amount)).collect();
            assert_eq!(paid, [(PaymentKind::Cash, 200), (PaymentKind::Alipay, 500)]);
        }
        other => panic!("not an order to the back office: {other:?}"),
    }
    match till_proto::read_body(&pending[1].body, &pending[1].key) {
        Ok(Record::Refund(r)) => {
            assert_eq!((r.seq, r.order_number.as_str(), r.refund.amount), (2, "N1", 100));
            assert!(r.refund.refunded());
        }
        other => panic!("not a refund to the back office: {other:?}"),
    }
}

/// A WeChat code attempt of 7.00 under `W1`, in `state`, on an order otherwise paid by it.
fn code_order(id: OrderId, state: crate::core::order::AttemptState) -> Order {
    use crate::core::order::Attempt;
    let mut o = paid_cash(id, "W1");
    o.status = OrderStatus::Open;
    o.tender = None;
    o.number = None;
    let mut a =
        Attempt::sending("W1".into(), crate::core::code::Platform::WeChat, "1301***".into(), Fen(700), Millis(1));
    a.state = state;
    o.attempts.push(a);
    o
}

#[test]
fn a_payment_in_doubt_is_queued_when_it_first_is_and_its_resolution_once_resolved() {
    use crate::core::order::AttemptState;
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(&dir.path().join("store")).expect("open");
    let c = Counters::default();
    // Straight to paid: no record of a doubt, and nothing held back from retention.
    let mut clean = code_order(1, AttemptState::Paid { transaction_id: "T1".into() });
    clean.attempts[0].out_trade_no = "W0".into();
    s.save(&clean, &c).expect("save");
    assert!(keys(&s).is_empty(), "an attempt never in doubt makes no doubt record");

    let unknown = AttemptState::Unknown { reason: "timeout".into() };
    s.save(&code_order(2, unknown.clone()), &c).expect("save");
    s.save(&code_order(2, unknown), &c).expect("saved again while still in doubt");
    s.save(&code_order(2, AttemptState::Cancelling { reason: "deadline".into() }), &c).expect("cancelling");
    assert_eq!(keys(&s), [(1, "doubt:W1".to_string())], "once, however often saved in doubt");
    let body: serde_json::Value = serde_json::from_str(&s.outbox_pending(1).expect("pending")[0].body).expect("json");
    assert_eq!((body["order_number"].as_str(), body["attempt"]["amount"].as_i64()), (Some("W1"), Some(700)));
    assert!(body["attempt"].get("code_masked").is_none(), "the payment code is never sent");
    assert!(body["at"].as_i64().is_some_and(|at| at > 0), "when the till found it in doubt");

    s.save(&code_order(2, AttemptState::Cancelled), &c).expect("resolved");
    let pending = s.outbox_pending(10).expect("pending");
    assert_eq!(keys(&s), [(1, "doubt:W1".to_string()), (2, "doubt-resolved:W1".to_string())]);
    assert_eq!(pending[1].order_number, "doubt:W1", "the resolution waits behind its doubt, not behind the sale");
    let read = till_proto::read_body(&pending[1].body, &pending[1].key).expect("the back office reads it");
    let till_proto::record::Record::Doubt(r) = read else { unreachable!("a doubt record") };
    assert_eq!(r.attempt.outcome(), Some("cancelled"));
}

/// A till rolled back to this version keeps the outbox a newer version wrote: a record of a kind
/// it does not know is read (as `Unknown`), sent with its body as written, marked and counted like
/// any other, and the records after it are not held back.
#[test]
fn a_record_of_a_kind_a_newer_version_wrote_does_not_block_the_outbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(dir.path()).expect("open");
    let c = Counters::default();
    s.save(&paid_cash(1, "N1"), &c).expect("save");
    let body = r#"{"kind":"loyalty_card","key":"loyalty:7","seq":2,"card":"x"}"#;
    let newer = serde_json::json!({
        "seq": 2, "key": "loyalty:7", "kind": "loyalty_card", "order_number": "loyalty:7",
        "body": body, "created_at": 5, "state": "pending", "attempts": 0, "last_error": null
    });
    s.write(|txn| {
        txn.open_table(OUTBOX)?.insert(2u64, crate::store::codec::pack(&newer)?.as_slice())?;
        txn.open_table(OUTBOX_KEYS)?.insert("loyalty:7".as_bytes(), 2u64)?;
        txn.open_table(META)?.insert(OUTBOX_SEQ, 2u64.to_be_bytes().as_slice())?;
        Ok(())
    })
    .expect("a newer version's record");
    s.save(&paid_cash(3, "N3"), &c).expect("save");
    let pending = s.outbox_pending(10).expect("the outbox still reads");
    let seen: Vec<(u64, OutboxKind)> = pending.iter().map(|r| (r.seq, r.kind)).collect();
    assert_eq!(seen, [(1, OutboxKind::Order), (2, OutboxKind::Unknown), (3, OutboxKind::Order)]);
    assert_eq!(pending[1].body, body, "sent as it was written");
    s.outbox_mark_failed(2, "HTTP 400: malformed record: a kind of record this back office does not know")
        .expect("failed");
    s.outbox_mark_delivered_batch(&[1, 3]).expect("the others delivered");
    assert_eq!(s.outbox_counts().expect("counts"), (0, 1));
    s.outbox_mark_delivered(2).expect("a newer office takes it");
    assert_eq!(s.outbox_counts().expect("counts"), (0, 0));
}
