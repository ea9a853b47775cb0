//! What each answer means for the money: the reference's examples and the §5/§6 mapping rules.

use super::*;

const KEY: &str = "SimAuthenKey0123456789abcdefABCD";
const WX_ORDER: &str = "0100005225030110301500142";
const ALI_ORDER: &str = "0100005225030111054000187";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/cloudpay/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).expect(&path)
}

fn micro_pay(body: &str) -> Verdict {
    read_answer(Interface::MicroPay, KEY, WX_ORDER, Fen(1250), body.as_bytes()).verdict
}

fn query(body: &str, out_trade_no: &str, amount: i64) -> Verdict {
    read_answer(Interface::QueryOrder, KEY, out_trade_no, Fen(amount), body.as_bytes()).verdict
}

fn is_unknown(v: &Verdict) -> bool {
    matches!(v, Verdict::Unknown { .. })
}

/// A signed answer with one order in the given WeChat or Alipay state.
fn order_body(iface: Interface, wechat: bool, state: u32, total_fee: i64) -> String {
    let ext = TradeStateExt { current_trade_state: state, trade_state_desc: None };
    let order = OrderContent {
        out_trade_no: WX_ORDER.into(),
        transaction_id: Some("T1".into()),
        total_fee,
        wxpay_order_content_ext: wechat.then(|| ext.clone()),
        alipay_order_content_ext: (!wechat).then_some(ext),
        ..Default::default()
    };
    let object = Some(OrderAnswer { order_content: Some(order), ..Default::default() });
    let mut content = ResponseContent { log_id: 7, ..Default::default() };
    match iface {
        Interface::MicroPay => content.micro_pay = object,
        _ => content.query_order = object,
    }
    sign::seal_response(KEY, &serde_json::to_string(&content).expect("json"))
}

fn status_body(status: i64, internal_status: i64, signed: bool) -> String {
    let content = serde_json::to_string(&ResponseContent {
        status,
        description: "desc".into(),
        internal_status,
        ..Default::default()
    })
    .expect("json");
    if signed { sign::seal_response(KEY, &content) } else { sign::unsigned_response(&content) }
}

#[test]
fn reference_examples_map_to_verdicts() {
    let paid = Verdict::Paid { transaction_id: "4200000067202503013236197646".into() };
    assert_eq!(micro_pay(&fixture("micro_pay_response_paid")), paid);
    assert_eq!(micro_pay(&fixture("micro_pay_response_user_paying")), Verdict::UserPaying);
    assert!(is_unknown(&micro_pay(&fixture("micro_pay_response_status_103"))));
    assert_eq!(
        micro_pay(&fixture("micro_pay_response_status_101")),
        Verdict::Failed { reason: "authen code check fail (101)".into() }
    );
    let ali_paid = Verdict::Paid { transaction_id: "2025030122001404620281091091".into() };
    assert_eq!(query(&fixture("query_order_response_paid"), ALI_ORDER, 2), ali_paid);
}

#[test]
fn answers_that_cannot_be_trusted_are_unknown() {
    let paid = fixture("micro_pay_response_paid");
    let tampered = paid.replace("6612209D3DEA57A7", "6612209D3DEA57A8");
    assert!(is_unknown(&micro_pay(&tampered)), "tampered authen_code");
    let content_tampered = paid.replace("1250", "1251");
    assert!(is_unknown(&micro_pay(&content_tampered)), "tampered content");
    let unsigned = &paid[..paid.find(",\"authen_info\"").expect("authen_info")];
    assert!(is_unknown(&micro_pay(&format!("{unsigned}}}"))), "status 0 without authen_info");
    for body in [
        "",
        "{",
        "null",
        "<html><body>502 Bad Gateway</body></html>",
        r#"{"authen_info":{}}"#,
        r#"{"response_content":"not json"}"#,
        r#"{"response_content":42}"#,
    ] {
        assert!(is_unknown(&micro_pay(body)), "{body:?}");
    }
    assert!(is_unknown(&micro_pay(&"x".repeat(300_000))));
    // The paid answer is about another order / another amount than the till asked for.
    assert!(is_unknown(&read_answer(Interface::MicroPay, KEY, "0100005299", Fen(1250), paid.as_bytes()).verdict));
    assert!(is_unknown(&read_answer(Interface::MicroPay, KEY, WX_ORDER, Fen(1249), paid.as_bytes()).verdict));
    // The right content under the wrong interface key.
    assert!(is_unknown(&query(&paid, WX_ORDER, 1250)));
}

#[test]
fn statuses_follow_the_reference_table() {
    for (status, signed) in [(3, false), (103, true), (103, false), (5, true), (400, true)] {
        assert!(is_unknown(&micro_pay(&status_body(status, 0, signed))), "{status}");
    }
    for status in [102, 104] {
        assert!(matches!(micro_pay(&status_body(status, 0, true)), Verdict::Failed { .. }), "{status}");
        assert!(is_unknown(&micro_pay(&status_body(status, 0, false))), "unsigned {status}");
    }
    // 407: the number was used before, maybe paid — never a failure, never reversible.
    assert!(is_unknown(&micro_pay(&status_body(102, INTERNAL_DUPLICATE_ORDER, true))));
    assert!(is_unknown(&micro_pay(&status_body(0, INTERNAL_DUPLICATE_ORDER, true))));
    assert!(micro_pay(&status_body(102, INTERNAL_DUPLICATE_ORDER, true)).is_number_taken(), "kept by the core");
    // A refused query says nothing about the order.
    for status in [101, 102, 104] {
        assert!(is_unknown(&query(&status_body(status, 0, true), WX_ORDER, 1250)), "query {status}");
    }
    assert_eq!(query(&status_body(104, INTERNAL_ORDER_NOT_FOUND, true), WX_ORDER, 1250), Verdict::NotFound);
    assert!(is_unknown(&query(&status_body(104, INTERNAL_ORDER_NOT_FOUND, false), WX_ORDER, 1250)));
}

#[test]
fn trade_states_decide_the_outcome_not_status_0() {
    for iface in [Interface::MicroPay, Interface::QueryOrder] {
        let verdict = |wechat, state| {
            let body = order_body(iface, wechat, state, 1250);
            read_answer(iface, KEY, WX_ORDER, Fen(1250), body.as_bytes()).verdict
        };
        for state in [2, 3, 4] {
            assert_eq!(verdict(true, state), Verdict::Paid { transaction_id: "T1".into() }, "wx {state}");
        }
        for state in [1, 6, 9] {
            assert_eq!(verdict(true, state), Verdict::UserPaying, "wx {state}");
        }
        for state in [5, 7, 8, 10, 11] {
            assert!(matches!(verdict(true, state), Verdict::Failed { .. }), "wx {state}");
        }
        assert!(is_unknown(&verdict(true, 99)));
        for state in [2, 6] {
            assert_eq!(verdict(false, state), Verdict::Paid { transaction_id: "T1".into() }, "ali {state}");
        }
        assert_eq!(verdict(false, 4), Verdict::UserPaying);
        assert!(matches!(verdict(false, 5), Verdict::Failed { .. }));
        assert!(is_unknown(&verdict(false, 99)));
    }
    let not_exist = order_body(Interface::QueryOrder, false, 7, 1250);
    assert_eq!(query(&not_exist, WX_ORDER, 1250), Verdict::NotFound);
    let not_exist = order_body(Interface::MicroPay, false, 7, 1250);
    assert!(is_unknown(&micro_pay(&not_exist)));
}

#[test]
fn the_operator_signed_in_is_the_staff_id_of_payments_and_refunds() {
    let cfg = CloudPayConfig::demo("http://127.0.0.1:1");
    let call = |staff_id: Option<&str>| PayCall {
        order_id: 1,
        out_trade_no: WX_ORDER.into(),
        platform: Platform::WeChat,
        code: "134680423163089456".into(),
        amount: Fen(1),
        body: "b".into(),
        items: vec![],
        staff_id: staff_id.map(str::to_string),
    };
    let staff = |content: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(content).expect("json");
        v["order_client"]["staff_id"].as_str().expect("staff_id").to_string()
    };
    assert_eq!(staff(&micro_pay_content(&cfg, &call(Some("02")), "n")), "02");
    assert_eq!(staff(&micro_pay_content(&cfg, &call(None), "n")), cfg.staff_id, "else the configured one");
    assert_eq!(staff(&micro_pay_content(&cfg, &call(Some("")), "n")), cfg.staff_id);
}

#[test]
fn a_paid_order_created_before_the_attempt_began_is_another_sales_not_this_customers() {
    // A number issued twice: the platform answered "duplicate" (407) and the query finds the
    // earlier sale's order, paid with the same amount.
    let body = |create_time: i64| {
        let ext = TradeStateExt { current_trade_state: 2, trade_state_desc: None };
        let order = OrderContent {
            out_trade_no: WX_ORDER.into(),
            transaction_id: Some("T1".into()),
            total_fee: 1250,
            create_time,
            wxpay_order_content_ext: Some(ext),
            ..Default::default()
        };
        let object = Some(OrderAnswer { order_content: Some(order), ..Default::default() });
        let content = ResponseContent { log_id: 7, query_order: object, ..Default::default() };
        sign::seal_response(KEY, &serde_json::to_string(&content).expect("json"))
    };
    let started = 1_740_796_215; // the attempt began here (till clock, seconds)
    let call = QueryCall {
        order_id: 1,
        out_trade_no: WX_ORDER.into(),
        platform: Platform::WeChat,
        amount: Fen(1250),
        after: crate::core::QueryAfter::Unknown,
        started_at: Millis(started * 1000),
    };
    let read = |t: i64| read_query_answer(KEY, &call, body(t).as_bytes()).verdict;
    // An hour earlier: the earlier sale's payment; this customer was not charged under the number.
    assert!(matches!(read(started - 3600), Verdict::Failed { .. }), "{:?}", read(started - 3600));
    // Created when the attempt began, or a little before by a platform clock behind the till's: paid.
    for t in [started, started + 2, started - crate::core::CLOCK_SLACK_SECS] {
        assert_eq!(read(t), Verdict::Paid { transaction_id: "T1".into() }, "created at {t}");
    }
    // Without the attempt's start nothing is checked.
    let unchecked = QueryCall { started_at: Millis(0), ..call.clone() };
    assert!(matches!(read_query_answer(KEY, &unchecked, body(1).as_bytes()).verdict, Verdict::Paid { .. }));
}
