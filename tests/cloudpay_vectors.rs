//! The reference's worked examples (tests/fixtures/cloudpay, copied byte for byte from
//! cloudpay-protocol.md §7) against our signing and request building.

use till::core::code::Platform;
use till::core::money::Fen;
use till::core::{CancelCall, CancelVerdict, PayCall, QueryAfter, QueryCall, RefundCall, RefundVerdict};
use till::payments::cloudpay::{CloudPayConfig, lookup, proto, refund, sign};

const KEY: &str = "SimAuthenKey0123456789abcdefABCD";

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cloudpay")
}

fn fixture(name: &str) -> String {
    let path = fixture_dir().join(format!("{name}.json"));
    std::fs::read_to_string(&path).expect("fixture file")
}

#[test]
fn every_reference_wire_body_carries_our_authen_code() {
    let mut checked = 0;
    let mut entries: Vec<_> =
        std::fs::read_dir(fixture_dir()).expect("fixtures").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        let body = std::fs::read(&path).expect("read");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let (content, code) = if name.contains("_request") {
            let env = sign::open_request(&body).expect(&name);
            let code = env.authen_code().map(String::from);
            (env.request_content, code)
        } else {
            let env = sign::open_response(&body).expect(&name);
            let code = env.authen_code().map(String::from);
            (env.response_content, code)
        };
        match code {
            Some(code) => {
                assert_eq!(sign::authen_code(KEY, &content), code, "{name}");
                checked += 1;
            }
            // Only the status-101 refusal comes without authen_info (reference §5).
            None => assert!(content.contains("\"status\":101"), "{name} has no authen_info"),
        }
    }
    assert_eq!(checked, 16, "all signed examples of reference §7");
}

#[test]
fn builds_the_reference_micro_pay_request_byte_for_byte() {
    let cfg = CloudPayConfig::demo("https://pay.qcloud.com");
    let call = PayCall {
        order_id: 1,
        out_trade_no: "0100005225030110301500142".into(),
        platform: Platform::WeChat,
        code: "134680423163089456".into(),
        amount: Fen(1250),
        body: "测试便利店-自助收银".into(),
        items: vec![],
        staff_id: None,
    };
    let content = proto::micro_pay_content(&cfg, &call, "5f1c0a9e2b7d4c3a8e6f1b2d3c4a5e6f");
    assert_eq!(
        sign::authen_code(&cfg.authen_key, &content),
        "FB9CDDA2ED9CAFEA98493C1CCB8998A891FD2245919C920EFBA8C42BEBCCE856"
    );
    assert_eq!(sign::seal_request(&cfg.authen_key, &content), fixture("micro_pay_request"));
}

#[test]
fn builds_the_reference_query_order_request_byte_for_byte() {
    let cfg = CloudPayConfig::demo("https://pay.qcloud.com");
    let call = QueryCall {
        order_id: 1,
        out_trade_no: "0100005225030111054000187".into(),
        platform: Platform::Alipay,
        amount: Fen(2),
        after: QueryAfter::Unknown,
        started_at: till::core::clock::Millis(0),
    };
    let content = proto::query_order_content(&cfg, &call, "0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b4");
    assert_eq!(sign::seal_request(&cfg.authen_key, &content), fixture("query_order_request"));
}

#[test]
fn config_defaults_and_refuses_unknown_fields() {
    let toml_text = r#"
        out_mch_id = "m"
        out_sub_mch_id = "s"
        out_shop_id = "shop"
        cloud_cashier_id = "01000052"
        authen_key = "SimAuthenKey0123456789abcdefABCD"
        device_id = "kiosk-01"
        staff_id = "1001"
        sub_terminal_type = 50200
        machine_no = "PI4B0000C0FFEE"
        sdk_version = "rs0.1"
        spbill_create_ip = "192.168.1.50"
        sn_code = "PI4B0000C0FFEE"
    "#;
    let cfg: CloudPayConfig = toml::from_str(toml_text).expect("config");
    assert_eq!(cfg.terminal_type, 4);
    assert_eq!(cfg.timeout_ms, 10_000);
    assert_eq!(cfg.connect_timeout_ms, 3_000);
    assert_eq!(
        cfg.base_urls,
        [
            "https://pay.qcloud.com",
            "https://sz.pay.qcloud.com",
            "https://sh.pay.qcloud.com",
            "https://tj.pay.qcloud.com"
        ]
    );
    assert!(!format!("{cfg:?}").contains("SimAuthenKey"), "the key never reaches a log");
    let typo = format!("{toml_text}\ntimeout = 5");
    assert!(toml::from_str::<CloudPayConfig>(&typo).is_err());
}

fn refund_call(platform: Platform, out_trade_no: &str, out_refund_no: &str, total: i64, amount: i64) -> RefundCall {
    RefundCall {
        order_id: 1,
        out_trade_no: out_trade_no.into(),
        out_refund_no: out_refund_no.into(),
        platform,
        transaction_id: String::new(),
        total: Fen(total),
        amount: Fen(amount),
        refunded_before: Fen(0),
        staff_id: None,
    }
}

#[test]
fn builds_the_reference_reverse_request_byte_for_byte() {
    let cfg = CloudPayConfig::demo("https://pay.qcloud.com");
    let call = CancelCall {
        order_id: 1,
        out_trade_no: "0100005225030110400000111".into(),
        platform: Platform::WeChat,
        amount: Fen(1250),
    };
    let content = refund::reverse_content(&cfg, &call, "aa11bb22cc33dd44ee55ff6677889900");
    assert_eq!(sign::seal_request(&cfg.authen_key, &content), fixture("reverse_request"));
    let answer = refund::read_reverse(KEY, fixture("reverse_response").as_bytes());
    assert_eq!(answer.verdict, CancelVerdict::Cancelled);
    assert_eq!(answer.log_id, Some(18655100));
}

#[test]
fn builds_the_reference_refund_request_byte_for_byte() {
    let cfg = CloudPayConfig::demo("https://pay.qcloud.com");
    let call = refund_call(Platform::Alipay, "0100005225030111054000187", "0100005225030111200000155", 2, 1);
    let content = refund::refund_content(&cfg, &call, "c0ffee00c0ffee00c0ffee00c0ffee00");
    assert_eq!(sign::seal_request(&cfg.authen_key, &content), fixture("refund_request"));
    // The reference's answer already says Alipay refund_status 2 (success).
    let refunded = RefundVerdict::Refunded { refund_id: "2025030122001404620281091091".into() };
    assert_eq!(refund::read_refund(KEY, &call, fixture("refund_response").as_bytes()).verdict, refunded);
    // An answer about another refund number or amount is not this refund's.
    for other in [
        refund_call(Platform::Alipay, "0100005225030111054000187", "0100005225030111200000156", 2, 1),
        refund_call(Platform::Alipay, "0100005225030111054000187", "0100005225030111200000155", 2, 2),
    ] {
        let verdict = refund::read_refund(KEY, &other, fixture("refund_response").as_bytes()).verdict;
        assert!(matches!(verdict, RefundVerdict::Unknown { .. }), "{verdict:?}");
    }
}

#[test]
fn builds_the_reference_query_refund_order_request_byte_for_byte() {
    let cfg = CloudPayConfig::demo("https://pay.qcloud.com");
    let call = refund_call(Platform::WeChat, "0100005225030110301500142", "0100005225030110450000163", 1250, 250);
    let content = refund::query_refund_content(&cfg, &call, "feedfacefeedfacefeedfacefeedface");
    assert_eq!(sign::seal_request(&cfg.authen_key, &content), fixture("query_refund_order_request"));
    let refunded = RefundVerdict::Refunded { refund_id: "50000000382025030100321111111".into() };
    let body = fixture("query_refund_order_response");
    assert_eq!(refund::read_query_refund(KEY, &call, body.as_bytes()).verdict, refunded);
    let unknown_refund =
        refund_call(Platform::WeChat, "0100005225030110301500142", "0100005225030110450000999", 1250, 250);
    assert_eq!(refund::read_query_refund(KEY, &unknown_refund, body.as_bytes()).verdict, RefundVerdict::NotFound);
}

#[test]
fn builds_the_reference_client_order_detail_request_byte_for_byte() {
    let cfg = CloudPayConfig::demo("https://pay.qcloud.com");
    // The order was created at 1740798340; the window is ±300 s around it.
    let content =
        lookup::order_detail_content(&cfg, Platform::Alipay, 1740798340, 1, "31415926535897932384626433832795");
    assert_eq!(sign::seal_request(&cfg.authen_key, &content), fixture("client_order_detail_request"));
    let body = fixture("client_order_detail_response");
    let found = lookup::read_detail(KEY, "0100005225030111054000187", 1, body.as_bytes()).verdict;
    assert_eq!(found, lookup::DetailFound::Refunded { refunded: Fen(1), total: Fen(2) });
    let other = lookup::read_detail(KEY, "0100005225030111054000188", 1, body.as_bytes()).verdict;
    assert_eq!(other, lookup::DetailFound::NotOnPage { more: false });
}

#[test]
fn sub_terminal_type_is_always_on_the_wire() {
    let toml_text = r#"
        out_mch_id = "m"
        out_sub_mch_id = "s"
        out_shop_id = "shop"
        cloud_cashier_id = "01000052"
        authen_key = "SimAuthenKey0123456789abcdefABCD"
        device_id = "kiosk-01"
        staff_id = "1001"
        machine_no = "PI4B0000C0FFEE"
        sdk_version = "rs0.1"
        spbill_create_ip = "192.168.1.50"
        sn_code = "PI4B0000C0FFEE"
    "#;
    let cfg: CloudPayConfig = toml::from_str(toml_text).expect("config without sub_terminal_type");
    assert_eq!(cfg.sub_terminal_type, till::payments::cloudpay::config::DEFAULT_SUB_TERMINAL_TYPE);
    let cancel =
        CancelCall { order_id: 1, out_trade_no: "0100005201".into(), platform: Platform::Alipay, amount: Fen(1) };
    let content = refund::reverse_content(&cfg, &cancel, "00");
    assert!(content.contains(r#""sub_terminal_type":50200"#), "{content}");
}
