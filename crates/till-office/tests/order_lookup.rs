#![allow(clippy::panic)] // a test fails by panicking
//! Order lookup across tills, against the real office on a real PostgreSQL: a till of the order's
//! shop sees the order as its till recorded it and every refund of it; a till of another shop, an
//! unknown number, a bad signature and a revoked till learn nothing; cash holds are granted only
//! while the cash is still owed, one at a time even when two tills ask at once; a refund record of
//! another till's order counts on that order.

mod common;

use common::{OfficeProcess, now_secs, office_command, post_record};
use till_proto::orders::{HOLDS_PATH, HoldAnswer, HoldRequest, ORDERS_PATH, OrderAnswer, hold_key, lookup_key};
use till_proto::sign::Signer;

const TILL1: Signer = Signer { device_id: "till-1", key_id: "1", key: "key-one" };
const TILL2: Signer = Signer { device_id: "till-2", key_id: "1", key: "key-two" };
const ELSEWHERE: Signer = Signer { device_id: "till-9", key_id: "1", key: "key-nine" };
const GONE: Signer = Signer { device_id: "till-3", key_id: "1", key: "key-three" };

fn add(office: &OfficeProcess, s: Signer, name: &str, shop: &str) {
    office_command(
        &office.cluster,
        &["add-device", s.device_id, "--name", name, "--shop", shop],
        &[("TILL_OFFICE_DEVICE_KEY", s.key)],
    );
}

/// A cash sale of 10.00 (two colas at 5.00) taken at till 1 as `number`.
fn cash_sale(number: &str, seq: u64) -> String {
    format!(
        r#"{{"kind":"order","key":"order:{number}","seq":{seq},"order":{{"id":7,"opened_at":1,"closed_at":2,
        "operator":"01","number":"{number}","status":"Paid","attempts":[],"refunds":[],
        "lines":[{{"barcode":"6900138600889","name":"可乐","unit_price":500,"qty":2}}],
        "tender":{{"Cash":{{"received":1000,"change":0}}}}}}}}"#
    )
}

/// `GET /v1/orders?number=N` signed by `signer` (with `key` as the signing key): (status, body).
fn lookup_as(office: &OfficeProcess, signer: Signer, number: &str, key: &str) -> (u16, String) {
    let url = format!("{}{ORDERS_PATH}?number={number}", office.base_url);
    let mut request = reqwest::blocking::Client::new().get(url);
    for (name, value) in signer.headers(now_secs(), key, "") {
        request = request.header(name, value);
    }
    let answer = request.send().expect("get");
    (answer.status().as_u16(), answer.text().unwrap_or_default())
}

fn lookup(office: &OfficeProcess, signer: Signer, number: &str) -> (u16, String) {
    lookup_as(office, signer, number, &lookup_key(number))
}

fn found(office: &OfficeProcess, signer: Signer, number: &str) -> OrderAnswer {
    let (status, body) = lookup(office, signer, number);
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("an order answer")
}

fn hold(base: &str, signer: Signer, number: &str, out_refund_no: &str, amount: i64) -> (u16, HoldAnswer) {
    let request =
        HoldRequest { device_id: "till-1".into(), number: number.into(), out_refund_no: out_refund_no.into(), amount };
    let body = serde_json::to_string(&request).expect("json");
    let url = format!("{base}{HOLDS_PATH}");
    let (status, text) = post_record(&url, signer, now_secs(), &hold_key(out_refund_no), &body);
    (status, serde_json::from_str(&text).unwrap_or(HoldAnswer { granted: false, refundable: -1 }))
}

#[test]
fn a_till_of_the_shop_sees_another_tills_order_and_its_refunds_and_no_one_else_does() {
    let office = OfficeProcess::start(&[]);
    add(&office, TILL1, "1号机", "南京路店");
    add(&office, TILL2, "2号机", "南京路店");
    add(&office, ELSEWHERE, "9号机", "淮海路店");
    add(&office, GONE, "3号机", "南京路店");
    office_command(&office.cluster, &["revoke-device", "till-3"], &[]);
    let records = office.records_url();
    let (status, body) = post_record(&records, TILL1, now_secs(), "order:N1", &cash_sale("N1", 1));
    assert_eq!(status, 201, "{body}");

    // Till 2, same shop: the order as till 1 sent it.
    let answer = found(&office, TILL2, "N1");
    assert_eq!((answer.device_id.as_str(), answer.till_name.as_str(), answer.paid), ("till-1", "1号机", 1000));
    assert_eq!(answer.order["lines"][0]["name"], "可乐");
    assert!(answer.refunds.is_empty());

    // Another shop's till, a number nobody took: the same 404, nothing of the order.
    let (other_shop, body_a) = lookup(&office, ELSEWHERE, "N1");
    let (nobody, body_b) = lookup(&office, TILL2, "N404");
    assert_eq!((other_shop, nobody), (404, 404));
    assert_eq!(body_a, body_b, "another shop's till cannot tell a number exists");
    assert!(!body_a.contains("1000") && !body_a.contains("可乐"), "{body_a}");
    // A bad signature, a key signed for another number, a revoked till: refused, nothing disclosed.
    let bad = Signer { key: "not-the-key", ..TILL2 };
    let (status, body) = lookup(&office, bad, "N1");
    assert_eq!(status, 401, "{body}");
    let (status, body) = lookup_as(&office, TILL2, "N1", &lookup_key("N2"));
    assert_eq!(status, 400, "{body}");
    let (status, body) = lookup(&office, GONE, "N1");
    assert_eq!(status, 403, "{body}");
    for body in [&body_a, &body] {
        assert!(!body.contains("可乐"), "{body}");
    }
    // A hold from another shop: the same 404.
    let (status, _) = hold(&office.base_url, ELSEWHERE, "N1", "R9", 100);
    assert_eq!(status, 404);

    // Two holds at once of 6.00 each from till 2's two refunds: only one is granted.
    let base = office.base_url.clone();
    let threads: Vec<_> = ["R1", "R2"]
        .into_iter()
        .map(|no| {
            let base = base.clone();
            std::thread::spawn(move || hold(&base, TILL2, "N1", no, 600))
        })
        .collect();
    let answers: Vec<(u16, HoldAnswer)> = threads.into_iter().map(|t| t.join().expect("thread")).collect();
    let granted: Vec<usize> = (0..2).filter(|&i| answers[i].1.granted).collect();
    assert_eq!(granted.len(), 1, "exactly one of two holds of 6.00 against 10.00: {answers:?}");
    let (won, lost) = if granted[0] == 0 { ("R1", 1) } else { ("R2", 0) };
    assert_eq!(answers[lost], (409, HoldAnswer { granted: false, refundable: 400 }));
    // Asked again (its answer lost): the same grant, not a second one.
    assert!(hold(&base, TILL2, "N1", won, 600).1.granted);
    let seen = found(&office, TILL1, "N1");
    assert_eq!(seen.by_others(), 600, "till 1 sees till 2's hold: {seen:?}");

    // Till 2 gives the cash: its refund record names till 1's order and replaces the hold.
    let refund = format!(
        r#"{{"kind":"refund","key":"refund:{won}","seq":1,"order_number":"N1","order_id":3,"of_device":"till-1",
        "refund":{{"out_refund_no":"{won}","amount":600,"total":1000,"refunded_before":0,"requested_at":9,
        "operator":"01","state":"Refunded","cash":true,"refund_id":null,"queries":0}}}}"#
    );
    let (status, body) = post_record(&records, TILL2, now_secs(), &format!("refund:{won}"), &refund);
    assert_eq!(status, 201, "{body}");
    let db = office.db();
    assert_eq!(db.number("SELECT count(*) FROM refund_holds"), 0, "the refund replaced its hold");
    let seen = found(&office, TILL1, "N1");
    assert_eq!((seen.by_others(), seen.cash_by_others(), seen.refunds.len()), (600, 600, 1), "{seen:?}");
    let own = found(&office, TILL2, "N1");
    assert_eq!(own.by_others(), 0, "till 2's own refund is not another till's");
    assert!(own.refunds[0].this_till);

    // More than is left: refused with what is left.
    assert_eq!(hold(&base, TILL2, "N1", "R3", 500), (409, HoldAnswer { granted: false, refundable: 400 }));
    assert_eq!(hold(&base, TILL2, "N1", "R4", 400), (201, HoldAnswer { granted: true, refundable: 0 }));
}
