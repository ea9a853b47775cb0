use super::*;
use crate::payments::weishouyin::xml;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

fn ledger_at(millis: Arc<AtomicI64>) -> Ledger {
    let clock = move || millis.load(Ordering::Relaxed);
    Ledger::new(SimConfig { clock: Arc::new(clock), ..SimConfig::default() }, "http://sim".into())
}

fn signed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    params.push(("device_id".into(), "57206".into()));
    sign::signed(params, crate::payments::weishouyin::config::DEMO_KEY)
}

fn answer(plan: &Plan) -> xml::Answer {
    xml::parse(&plan.body).expect("xml")
}

fn micropay(no: &str, total: &str, code: &str) -> Vec<(String, String)> {
    signed(&[("action", "micropay"), ("authcode", code), ("paytype", "wxpay"), ("total", total), ("no", no)])
}

#[test]
fn refund_records_are_unique_within_one_second_and_never_exceed_the_bill() {
    let now = Arc::new(AtomicI64::new(1_524_361_200_000));
    let mut ledger = ledger_at(now.clone());
    let paid = answer(&ledger.op(&micropay("N1", "0.03", "134680423163084321")));
    assert_eq!(paid.attr("pay_time"), Some("2018-04-22 09:40:00"));
    let dm_id = paid.attr("dm_id").expect("dm_id").to_string();
    let refund = signed(&[("action", "refund"), ("dm_id", &dm_id), ("refund", "0.01")]);
    for _ in 0..3 {
        assert_eq!(answer(&ledger.op(&refund)).attr("ok"), Some("1"));
    }
    let refused = answer(&ledger.op(&refund));
    assert_eq!((refused.attr("ok"), refused.attr("info")), (Some("0"), Some("exceeds refundable / 超出可退金额")));
    let read = answer(&ledger.op(&signed(&[("action", "read"), ("dm_id", &dm_id)])));
    assert_eq!(read.attr("refund_total"), Some("-0.03"));
    let ids: Vec<&str> = read.pays.iter().filter_map(|p| p.get("pay_id").map(String::as_str)).collect();
    assert_eq!(ids[1..], [format!("{dm_id}1524361200"), format!("{dm_id}1524361201"), format!("{dm_id}1524361202")]);
}

#[test]
fn the_same_number_never_charges_twice() {
    let mut ledger = ledger_at(Arc::new(AtomicI64::new(0)));
    let first = answer(&ledger.op(&micropay("N1", "0.02", "134680423163084321")));
    let again = answer(&ledger.op(&micropay("N1", "0.02", "134680423163084321")));
    assert_eq!(first.attr("dm_id"), again.attr("dm_id"));
    let other = answer(&ledger.op(&micropay("N1", "0.05", "134680423163084321")));
    assert_eq!((other.attr("ok"), other.attr("err")), (Some("0"), Some(ERR_DUPLICATE)));
    let other_code = answer(&ledger.op(&micropay("N1", "0.02", "134680423163081234")));
    assert_eq!(other_code.attr("err"), Some(ERR_DUPLICATE));
    assert_eq!(ledger.charge_count("N1"), 1);
    assert_eq!(ledger.bills()[0].micropay_calls, 4);
}

#[test]
fn refuses_bad_signatures_and_unknown_devices_without_charging() {
    let mut ledger = ledger_at(Arc::new(AtomicI64::new(0)));
    let mut params = micropay("N1", "0.02", "134680423163084321");
    if let Some(last) = params.last_mut() {
        last.1 = last.1.to_uppercase();
    }
    assert_eq!(answer(&ledger.op(&params)).attr("ok"), Some("1"), "upper-case hex is accepted");
    let mut tampered = micropay("N2", "0.02", "134680423163084321");
    tampered[3].1 = "0.01".into();
    assert_eq!(answer(&ledger.op(&tampered)).attr("info"), Some(SIGN_ERROR));
    let foreign = sign::signed(vec![("action".into(), "read".into()), ("device_id".into(), "1".into())], "k");
    assert_eq!(answer(&ledger.op(&foreign)).attr("err"), Some(ERR_DEVICE));
    let wrong_wallet =
        signed(&[("action", "micropay"), ("authcode", "282129340414394321"), ("paytype", "wxpay"), ("total", "0.01")]);
    assert_eq!(answer(&ledger.op(&wrong_wallet)).attr("ok"), Some("0"));
    assert_eq!(ledger.charge_count("N2"), 0);
    assert_eq!(ledger.bills().len(), 1);
}
