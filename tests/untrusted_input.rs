//! Property tests of every parser of untrusted input (issue 16, "make the class hard to bring back").
//!
//! Each property is stated once in `untrusted_input/oracles.rs`, which the cargo-fuzz targets in
//! `fuzz/` share for long runs (docs/fuzzing.md). Inputs are mutations of real answers where the
//! repository has them (tests/fixtures/cloudpay, the references' examples), since those reach deeper
//! than random bytes. The case counts keep the whole file to about a minute on a loaded 2-core
//! machine; `UNTRUSTED_INPUT_SCALE=100 cargo test --test untrusted_input` runs a hundred times longer. A failure prints its
//! seed and shrunk input; proptest keeps it in `proptest-regressions/` (committed: it is source).

#[path = "untrusted_input/oracles.rs"]
mod oracles;

use proptest::prelude::*;
use proptest::test_runner::Config;

/// `n` cases in `make test`; `UNTRUSTED_INPUT_SCALE=100` runs a hundred times as many (a long run
/// that keeps the proportions: the store and provisioning properties touch the disk).
fn cases(n: u32) -> Config {
    let scale: u32 = std::env::var("UNTRUSTED_INPUT_SCALE").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    Config { cases: n.saturating_mul(scale.max(1)), ..Config::default() }
}

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cloudpay")
}

/// The reference's answer bodies (tests/fixtures/cloudpay/*_response*.json).
fn cloudpay_answers() -> Vec<Vec<u8>> {
    let mut out: Vec<_> = std::fs::read_dir(fixture_dir())
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains("_response")))
        .collect();
    out.sort();
    out.into_iter().map(|p| std::fs::read(p).expect("fixture")).collect()
}

/// Byte-level mutations of `seed`: flips, insertions, deletions, splices of interesting bytes.
fn mutated(seed: Vec<u8>, interesting: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
    let len = seed.len().max(1);
    let edit = (0..len, 0u8..5, any::<u8>(), 0..interesting.len().max(1));
    prop::collection::vec(edit, 0..6).prop_map(move |edits| {
        let mut b = seed.clone();
        for (at, kind, byte, which) in edits {
            let at = at.min(b.len());
            match kind {
                0 if at < b.len() => b[at] = byte,
                1 => b.insert(at, byte),
                2 if at < b.len() => _ = b.remove(at),
                3 => {
                    let end = (at + usize::from(byte % 16)).min(b.len());
                    b.drain(at..end);
                }
                _ => {
                    if let Some(piece) = interesting.get(which) {
                        b.splice(at..at, piece.iter().copied());
                    }
                }
            }
        }
        b
    })
}

const JSON_BITS: &[&[u8]] =
    &[b"\"", b"\\\"", b"0", b"2", b"1250", b"1250.0", b"-1", b"null", b"{", b"}", b",", b"\\u0000", b"1e3"];

/// A Cloud Pay answer whose content is a fixture's with fields changed, then sealed with our key,
/// another key, no signature, or the fixture's stale signature.
fn resealed_cloudpay() -> impl Strategy<Value = Vec<u8>> {
    let answers = cloudpay_answers();
    let n = answers.len();
    let field = prop::sample::select(vec![
        "status",
        "internal_status",
        "out_trade_no",
        "total_fee",
        "current_trade_state",
        "transaction_id",
        "refund_fee",
        "refund_state",
        "state",
    ]);
    let value = prop_oneof![
        any::<i64>().prop_map(serde_json::Value::from),
        (0i64..12).prop_map(serde_json::Value::from),
        Just(serde_json::json!(1250)),
        Just(serde_json::json!(1250.0)),
        Just(serde_json::json!(oracles::CP_ORDER)),
        Just(serde_json::json!("0100005225030110301500999")),
        Just(serde_json::Value::Null),
    ];
    (0..n, prop::collection::vec((field, value), 0..4), 0u8..4).prop_map(move |(i, edits, seal)| {
        let envelope: serde_json::Value = serde_json::from_slice(&answers[i]).expect("fixture json");
        let content = envelope["response_content"].as_str().expect("content").to_string();
        let mut v: serde_json::Value = serde_json::from_str(&content).expect("content json");
        for (name, value) in edits {
            set_everywhere(&mut v, name, &value);
        }
        let content = v.to_string();
        let body = match seal {
            0 => till::payments::cloudpay::sign::seal_response(oracles::KEY, &content),
            1 => till::payments::cloudpay::sign::seal_response(oracles::WRONG_KEY, &content),
            2 => till::payments::cloudpay::sign::unsigned_response(&content),
            _ => {
                let mut e = envelope.clone();
                e["response_content"] = serde_json::Value::String(content);
                e.to_string()
            }
        };
        body.into_bytes()
    })
}

fn set_everywhere(v: &mut serde_json::Value, name: &str, value: &serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == name {
                    *child = value.clone();
                } else {
                    set_everywhere(child, name, value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|c| set_everywhere(c, name, value)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(cases(2048))]

    #[test]
    fn cloudpay_answers_mutated_in_bytes(body in prop::sample::select(cloudpay_answers()).prop_flat_map(|b| mutated(b, JSON_BITS))) {
        oracles::cloudpay_answer(&body);
    }

    #[test]
    fn cloudpay_answers_with_fields_changed_and_resealed(body in resealed_cloudpay()) {
        oracles::cloudpay_answer(&body);
    }
}

/// 微收银 answers from the reference (§4) and the simulator's shapes.
const WSY_ANSWERS: &[&str] = &[
    r#"<dm ok="1" total="0.01" pay_type="4" pay_time="2018-04-22 09:29:39" info="支付成功" dm_id="dm2034085636" remark="4200000056201804223595471958" pay_id="4200000056201804223595471958" no=""></dm>"#,
    r#"<dm ok="1" total="0.01" dm_id="dm2034085636" no="A1"><ok>1</ok></dm>"#,
    r#"<dm ok="-1" info="用户支付中" no="A1"/>"#,
    r#"<dm ok="0" err="device" info="设备未激活"/>"#,
    r#"<dm ok="0" total="0.01" dm_id="dm2034085636" no="A1" info="订单已关闭"/>"#,
    r#"<dm ok="1" dm_id="dm2032972220" pay_type="微信支付" pay_total="0.02" no="" refund_total="-0.01"><pay pay_type="4" pay_total="0.02" pay_id="4200000060201804213014837189" /><pay pay_type="4" pay_total="-0.01" pay_id="dm20329722201524314334" /></dm>"#,
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<dm ok=\"1\" total=\"0.01\" dm_id=\"dm2032288236\" no=\"\"><ok>1</ok><paylist><pay><id>2032288236</id><printinfo>\\x1b\\x40微信支付\n&amp;\\x1B\\x69</printinfo></pay></paylist></dm>",
];

const XML_BITS: &[&[u8]] = &[
    b"\"",
    b"<",
    b">",
    b"/>",
    b"&amp;",
    b"&#x31;",
    b" ok=\"1\"",
    b" no=\"B2\"",
    b" total=\"0.02\"",
    b" total=\"0.010\"",
    b"<ok>1</ok>",
    b"<ok>0</ok>",
    b" dm_id=\"dm1\"",
    b"<![CDATA[1]]>",
    b"\\x1b\\x70\\x00\\x19\\xfa",
];

/// The 微收银 slip of the reference (§6), with the platform's resets and cut.
const SLIP: &str = "\\x1b\\x40\\x1D\\x21\\x11\\x1b\\x4d\\x02微信支付\n\\x1D\\x21\\x00\n\\x1b\\x40\\x1b\\x4d\\x02订单号: 2032288236\n\\x1b\\x40\\x1b\\x4d\\x02实收金额: \\x1D\\x21\\x11¥0.01\n\\x1b\\x4d\\x02签名/备注:\n\n\\x1B\\x69";

/// ESC/POS commands a hostile slip may carry, whole or cut short.
const ESCPOS_BITS: &[&[u8]] = &[
    b"\x1b\x40",
    b"\x1b\x70\x00\x19\xfa",
    b"\x10\x14\x01\x00\x01",
    b"\x1b\x74\xff",
    b"\x1d\x28\x45\x03\x00\x01\x49\x01",
    b"\x1c\x71\x01\x01\x00\x01\x00",
    b"\x1c\x67\x31\x00\x00\x00\x00\x00\x01\x00\x41",
    b"\x1d\x6b\x49\x05{B123",
    b"\x1d\x56\x42\x00",
    b"\x1b\x64\x0b",
    b"\x1b\x2a\x21\x02\x00",
    b"\x1d\x76\x30\x00\x01\x00\x01\x00\xff",
    b"\x1c\x26",
    b"\x1c\x2e",
    b"\x1b",
    b"\x1d",
    b"\x1c",
    b"\n",
];

fn slip_seed() -> Vec<u8> {
    till::payments::weishouyin::printinfo::decode(SLIP).expect("reference slip")
}

proptest! {
    #![proptest_config(cases(2048))]

    #[test]
    fn weishouyin_answers_mutated(body in prop::sample::select(WSY_ANSWERS).prop_flat_map(|a| mutated(a.as_bytes().to_vec(), XML_BITS))) {
        oracles::weishouyin_answer(&body);
    }

    #[test]
    fn weishouyin_amounts_reformat_to_the_same_fen(text in "-?[0-9]{0,10}(\\.[0-9]{0,3})?|.{0,12}", fen in -9_999_999_999i64..=9_999_999_999) {
        oracles::weishouyin_amount(&text);
        prop_assert_eq!(till::payments::weishouyin::amount::parse_amount(&till::payments::weishouyin::amount::yuan(till::core::money::Fen(fen))), Some(till::core::money::Fen(fen)));
    }

    #[test]
    fn weishouyin_times_read_as_their_own_text(
        text in "[0-9]{4}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9]|.{0,20}",
        unix in 0i64..253_402_300_000,
    ) {
        oracles::weishouyin_time(&text);
        let written = till::payments::weishouyin::proto::beijing_time(unix);
        prop_assert_eq!(till::payments::weishouyin::proto::parse_beijing_time(&written), Some(unix));
    }

    #[test]
    fn typed_amounts_reformat_to_the_same_fen(text in "[ ¥￥]{0,2}[0-9]{0,10}(\\.[0-9]{0,9})?|.{0,12}") {
        oracles::yuan_entry(&text);
    }

    #[test]
    fn slips_keep_only_allow_listed_commands(bytes in prop_oneof![
        mutated(slip_seed(), ESCPOS_BITS),
        prop::collection::vec(prop_oneof![any::<u8>(), prop::sample::select(vec![0x1bu8, 0x1d, 0x1c, 0x10, b'p', b'(', b't', b'q', b'g', b'k', b'@'])], 0..64),
    ]) {
        oracles::slip_bytes(&bytes);
        oracles::escpos_decode(&bytes);
    }

    #[test]
    fn printinfo_texts_make_safe_slips(text in prop_oneof![
        "(\\\\x[0-9a-fA-F]{2}|\\\\x?|[a-z0-9 ¥微信\n])*",
        mutated(SLIP.as_bytes().to_vec(), &[b"\\x1b\\x70", b"\\x10\\x14", b"\\x1d\\x28", b"\\x", b"\\x1"]).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]) {
        oracles::slip_text(&text);
    }

    #[test]
    fn escpos_decode_reads_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        oracles::escpos_decode(&bytes);
    }
}

/// `WIFI:` codes built from fields whose values may hold anything a hostile code could.
fn wifi_code() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[a-zA-Z0-9 ]{0,40}",
        "[\\\\;,:\"'\n\r\t\\x00 a-z%0-9]{0,40}",
        ".{0,40}",
        "[0-9a-f]{10}|[0-9a-f]{26}|[0-9a-fA-F]{64}",
    ];
    let key = prop::sample::select(vec!["S", "P", "T", "H", "R", "K", "I", "E", "X"]);
    let security = prop::sample::select(vec!["WPA", "WPA2", "WPA3", "SAE", "WEP", "nopass", "wpa", ""]);
    (prop::collection::vec((key, value), 0..5), security, prop::bool::ANY, "[a-zA-Z0-9 ]{1,32}", "[ -~]{8,63}")
        .prop_map(|(fields, t, quoted, ssid, pass)| {
            let mut s = String::from("WIFI:");
            if !t.is_empty() {
                s.push_str(&format!("T:{t};"));
            }
            s.push_str(&if quoted { format!("S:\"{ssid}\";") } else { format!("S:{ssid};") });
            s.push_str(&format!("P:{pass};"));
            for (k, v) in fields {
                s.push_str(&format!("{k}:{v};"));
            }
            s.push(';');
            s
        })
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn wifi_codes_write_blocks_nothing_breaks_out_of(text in prop_oneof![wifi_code(), "WIFI:.{0,60}"]) {
        oracles::wifi_code(&text);
    }
}

proptest! {
    #![proptest_config(cases(2048))]

    #[test]
    fn scanned_codes_are_classified_and_masked(text in prop_oneof!["[0-9]{0,26}", ".{0,30}", "[一-龥]{9,12}"]) {
        oracles::scanned_code(&text);
    }

    #[test]
    fn member_codes_are_read_only_when_bounded(
        text in prop_oneof!["till-mcode:[A-Za-z0-9_-]{0,40}:[0-9]{0,8}", "till-mcode:.{0,70}", ".{0,80}"]
    ) {
        oracles::member_code(&text);
    }

    #[test]
    fn wedge_events_assemble_only_text_codes(
        suffix in prop::sample::select(vec![till::devices::wedge::Suffix::Enter, till::devices::wedge::Suffix::Tab, till::devices::wedge::Suffix::None]),
        timeout_us in prop_oneof![Just(50_000u64), any::<u64>()],
        events in prop::collection::vec((prop_oneof![0u16..128, any::<u16>()], prop_oneof![0i32..3, any::<i32>()], prop_oneof![0u64..100_000, any::<u64>()]), 0..80),
    ) {
        oracles::wedge_events(suffix, timeout_us, &events);
    }

    #[test]
    fn setup_urls_name_only_the_platform(text in prop_oneof![
        "(https?)://(pay\\.qcloud\\.com|127\\.0\\.0\\.1|evil\\.com|PAY\\.QCLOUD\\.COM)(:[0-9]{1,5})?[/\\\\@a-z.]{0,20}/cpay/use_device_setting\\?osi=[a-z0-9]{1,8}&si=[a-z0-9]{1,8}",
        "https://[a-z.@\\\\:/%]{0,30}pay\\.qcloud\\.com[a-z.@\\\\:/%]{0,20}/cpay/use_device_setting\\?osi=a&si=b",
        ".{0,80}",
    ]) {
        oracles::cloudpay_setup_url(&text);
    }
}

/// The documented example configuration, every section in it.
fn example_config() -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/till.example.toml")).expect("example")
}

/// Catalogue rows with cells that need quoting, exact prices and every kind.
fn catalogue_text() -> impl Strategy<Value = String> {
    let cell = prop_oneof!["[a-zA-Z0-9]{0,14}", "[\",\n\r a-z微]{0,8}", ".{0,10}"];
    let barcode = prop_oneof!["690013860088[0-9]", "[A-Z0-9-]{1,12}", "2[0-9]{12}", ".{0,14}"];
    let price = prop_oneof!["[0-9]{1,6}(\\.[0-9]{0,2})?", ".{0,6}"];
    let stock = prop_oneof!["", "-?[0-9]{1,5}", ".{0,4}"];
    let kind = prop::sample::select(vec!["", "normal", "open", "weighed", "WEIGHED", "x"]);
    let quote =
        |s: String| if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s };
    prop::collection::vec((barcode, cell, price, stock, kind), 0..6).prop_map(move |rows| {
        let mut s = String::from(till::app::catalogue_csv::HEADER);
        s.push('\n');
        for (b, n, p, st, k) in rows {
            s.push_str(&format!("{},{},{},{},{}\n", quote(b), quote(n), quote(p), quote(st), k));
        }
        s
    })
}

proptest! {
    #![proptest_config(cases(2048))]

    #[test]
    fn catalogue_csv_reads_back_what_it_wrote(text in prop_oneof![catalogue_text(), ".{0,80}"]) {
        oracles::catalogue_csv(&text);
    }

    #[test]
    fn config_toml_never_panics(text in prop_oneof![
        mutated(example_config(), &[b"\n", b"\"", b"=", b"[", b"]", b"0", b"-1", b"99999999999999999999", b"true", b"#"])
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "(\\[[a-z_]{1,10}\\]\n)?([a-z_]{1,12} = (\"[^\"\n]{0,10}\"|[0-9]{1,20}|-?[0-9]{1,3}|true)\n){0,6}",
        ".{0,80}",
    ]) {
        oracles::config_toml(&text);
    }
}

/// The reference's use_device_setting answer (§7.1) for the simulator's shop.
const SETUP_ANSWER: &str = r#"{"status":0,"description":"","use_device_setting":{"out_mch_id":"sz01SimMchA1b2C3d4E5","out_sub_mch_id":"sz01SimSubF6g7H8i9J0","cloud_cashier_id":"10000001","authen_type":1,"authen_key":"SimAuthenKey0123456789abcdefABCD","out_shop_id":"sz01SimShopK1l2M3n4O","shop_name":"测试便利店","device_id":"sz01SimDevU1v2W3x4Y","device_name":"收银台1","staff_id":"1001","staff_name":"店长"}}"#;

fn signed_bundle() -> Vec<u8> {
    till::upgrade::bundle::create(&oracles::bundle_key(), &oracles::program(), "0.2.0", till::upgrade::TARGET, None)
        .expect("bundle")
}

proptest! {
    #![proptest_config(cases(2048))]

    #[test]
    fn setup_answers_configure_only_the_scanned_shop(body in mutated(SETUP_ANSWER.as_bytes().to_vec(), &[b"\"", b"\\u0007", b"\\n", b"sz01SimShopK1l2M3n4P", b"\"0\"", b"null"])) {
        oracles::cloudpay_setup_answer(&body);
    }

    #[test]
    fn upgrade_bundles_verify_only_as_signed(bytes in mutated(signed_bundle(), &[b"\n", b"0", b"A", b"\x7fELF", b"{\"format\":1}"])) {
        oracles::upgrade_bundle(&bytes);
    }
}

/// A provisioning set: a till.toml with secrets in it (sometimes broken), a wifi.txt, an activation code.
fn provisioning_files() -> impl Strategy<Value = Vec<u8>> {
    let toml = prop_oneof![
        Just(format!("platform = \"weishouyin\"\n[weishouyin]\nkey = \"{}\"\n", oracles::SECRET_MARK)),
        Just(format!("[cloudpay]\nauthen_key = \"{}0123456789abcdefABCDEF\"\n", oracles::SECRET_MARK)),
        Just(format!("[cloudpay]\nauthen_key = {}\n", oracles::SECRET_MARK)),
        Just(format!("version = 99\nkey = \"{}\"", oracles::SECRET_MARK)),
        "[ -~\n]{0,40}".prop_map(|s| format!("{s}\n{}\n", oracles::SECRET_MARK)),
        Just(String::new()),
    ];
    let wifi = prop_oneof![
        Just(format!("WIFI:T:WPA;S:shop;P:{}1;;", oracles::SECRET_MARK)),
        Just(format!("WIFI:T:WPA;S:shop;P:{}\n;;", oracles::SECRET_MARK)),
        Just(format!("WIFI:T:WEP;S:shop;P:{};;", oracles::SECRET_MARK)),
        "WIFI:[ -~]{0,30}",
        Just(String::new()),
    ];
    let code = prop_oneof!["[A-Za-z0-9-]{1,20}\n?", "[ -~\n]{0,20}", Just(String::new())];
    (toml, wifi, code).prop_map(|(t, w, c)| format!("{t}\0{w}\0{c}").into_bytes())
}

proptest! {
    // Each case writes and syncs files: fewer cases than the pure parsers.
    #![proptest_config(cases(96))]

    #[test]
    fn provisioning_files_are_applied_or_kept_with_a_reason_quoting_no_secret(data in provisioning_files()) {
        oracles::provision_files(&data);
    }
}

proptest! {
    // Each case opens redb stores in a temp dir: fewer cases than the pure parsers.
    #![proptest_config(cases(64))]

    #[test]
    fn store_imports_refuse_or_round_trip(file in mutated(oracles::export_seed(), &[b"18446744073709551615", b"0", b"-1", b"\"", b"\n", b"{}", b"null", b"\"seq\":4294967295"])) {
        oracles::store_import(&file);
    }
}
