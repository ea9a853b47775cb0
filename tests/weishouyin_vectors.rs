//! The reference's signature vectors (weishouyin-protocol.md §2 and §9) and the micropay request the
//! client builds from the reference's own example.

use till::core::code::Platform;
use till::core::money::Fen;
use till::core::{PayCall, RefundCall};
use till::payments::weishouyin::{WeishouyinConfig, proto, sign};

const KEY: &str = "8df7975ac2c8eca932a0d2802b27945f5757494b";

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn infoaddo() -> String {
    format!("[被扫支付]授权码:287662437041841781\r\n{}\r\nGS1:6900138600889\r\nGS1:6900138600889\r\n", "-".repeat(20))
}

fn seed_micropay() -> Vec<(String, String)> {
    // In the URL's order, not sorted: signing sorts.
    let info = infoaddo();
    params(&[
        ("action", "micropay"),
        ("authcode", "287662437041841781"),
        ("paytype", "alipay"),
        ("infoaddo", &info),
        ("operator_id", "xiaow"),
        ("dic_amount", "0.01"),
        ("info", "GS"),
        ("total", "0.01"),
        ("device_id", "57206"),
    ])
}

#[test]
fn the_seed_micropay_signature() {
    let p = seed_micropay();
    assert_eq!(sign::sign(&p, KEY), "9b7266337715e102a5dd3516f03a77aeb7bc4ae8");
    assert!(sign::verify(&p, KEY, "9B7266337715E102A5DD3516F03A77AEB7BC4AE8"));
    assert!(sign::string_to_sign(&p, KEY).starts_with("action=micropay&authcode=287662437041841781&device_id=57206&"));
}

#[test]
fn the_refund_and_read_vectors() {
    let refund = params(&[("action", "refund"), ("device_id", "57206"), ("dm_id", "dm2034085636"), ("refund", "0.01")]);
    assert_eq!(
        sign::string_to_sign(&refund, KEY),
        format!("action=refund&device_id=57206&dm_id=dm2034085636&refund=0.01&key={KEY}")
    );
    assert_eq!(sign::sign(&refund, KEY), "a1b46d7b13b710f8d789a5252cb747e76185987f");
    let read = params(&[("action", "read"), ("device_id", "57206"), ("dm_id", "dm2034085636")]);
    assert_eq!(sign::sign(&read, KEY), "d59e9fd2ec92cce9ef1196c139054b1815a46d3d");
    assert!(sign::verify(&read, KEY, "D59E9FD2EC92CCE9EF1196C139054B1815A46D3D"));
}

#[test]
fn the_client_builds_the_seed_request_plus_its_order_number() {
    let mut cfg = WeishouyinConfig::demo("http://dct.semoor.cn");
    cfg.operator_id = "xiaow".into();
    let call = PayCall {
        order_id: 1,
        out_trade_no: "T0001".into(),
        platform: Platform::Alipay,
        code: "287662437041841781".into(),
        amount: Fen(1),
        body: "GS".into(),
        items: vec!["6900138600889".into(), "6900138600889".into()],
        staff_id: None,
    };
    let mut built = proto::micropay_params(&cfg, &call);
    let no = built.iter().position(|(k, _)| k == "no").expect("no is sent");
    assert_eq!(built.remove(no).1, "T0001");
    assert_eq!(sign::sign(&built, KEY), "9b7266337715e102a5dd3516f03a77aeb7bc4ae8", "the rest is the seed request");

    let refund = RefundCall {
        order_id: 1,
        out_trade_no: "T0001".into(),
        out_refund_no: "R1".into(),
        platform: Platform::Alipay,
        transaction_id: "dm2034085636".into(),
        total: Fen(1),
        amount: Fen(1),
        refunded_before: Fen(0),
        staff_id: None,
    };
    assert_eq!(sign::sign(&proto::refund_params(&cfg, &refund), KEY), "a1b46d7b13b710f8d789a5252cb747e76185987f");
    assert_eq!(
        sign::sign(&proto::read_params(&cfg, Some("dm2034085636"), "T0001"), KEY),
        "d59e9fd2ec92cce9ef1196c139054b1815a46d3d"
    );
}
