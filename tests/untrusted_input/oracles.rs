//! The properties every parser of untrusted input must keep, one function per parser. Each panics
//! (with the input) when its property fails. Shared by `tests/untrusted_input.rs` (proptest, in
//! `make test`) and the cargo-fuzz targets in `fuzz/` (long runs), which include this file by path,
//! so a property is stated once and a crash found by either is replayed by the other.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use till::core::code::{self, CodeKind, MAX_CODE_LEN};
use till::core::money::Fen;
use till::core::{CancelVerdict, RefundCall, RefundVerdict, Verdict};
use till::escpos::profile::PrinterProfile;
use till::payments::cloudpay::{lookup, proto, refund};
use till::payments::weishouyin::{amount, printinfo, proto as wsy, xml};

/// The device key the Cloud Pay fixtures are signed with (reference §7).
pub const KEY: &str = "SimAuthenKey0123456789abcdefABCD";
/// Another device's key: no answer signed for that device may count for this one.
pub const WRONG_KEY: &str = "AnotherDevicesKey0123456789abcde";
/// The order the Cloud Pay fixtures answer about, and its amount in fen.
pub const CP_ORDER: &str = "0100005225030110301500142";
pub const CP_AMOUNT: Fen = Fen(1250);

/// The refunds the Cloud Pay fixtures answer about (refund_response, query_refund_order_response).
fn cp_refund_calls() -> [RefundCall; 2] {
    let call = |out_refund_no: &str, amount: i64| RefundCall {
        order_id: 1,
        out_trade_no: CP_ORDER.into(),
        out_refund_no: out_refund_no.into(),
        platform: till::core::code::Platform::WeChat,
        transaction_id: "4200000067202503013236197646".into(),
        total: CP_AMOUNT,
        amount: Fen(amount),
        refunded_before: Fen(0),
        staff_id: None,
    };
    [call("0100005225030111200000155", 1), call("0100005225030110450000163", 250)]
}

/// Whether `body` is a Cloud Pay envelope whose `authen_code` is the MAC of its content under `key`.
fn signed_with(key: &str, body: &[u8]) -> bool {
    proto::open_answer(key, body).is_ok_and(|o| o.signed)
}

/// Cloud Pay answers (micro_pay, query_order, reverse, refund, query_refund_order,
/// client_order_detail): an answer that is not signed with this device's key is never paid,
/// cancelled, refunded or found; a paid answer names our order and our amount.
pub fn cloudpay_answer(body: &[u8]) {
    for iface in [proto::Interface::MicroPay, proto::Interface::QueryOrder] {
        for (order, amount) in [(CP_ORDER, CP_AMOUNT), ("0100005225030110301500999", CP_AMOUNT), (CP_ORDER, Fen(1))] {
            let verdict = proto::read_answer(iface, KEY, order, amount, body).verdict;
            if matches!(verdict, Verdict::Paid { .. }) {
                assert!(
                    signed_with(KEY, body),
                    "{iface:?}: unsigned answer is paid: {:?}",
                    String::from_utf8_lossy(body)
                );
                let content = proto::open_answer(KEY, body).unwrap().content;
                let object = match iface {
                    proto::Interface::MicroPay => content.micro_pay,
                    _ => content.query_order,
                };
                let o = object.and_then(|o| o.order_content).expect("a paid answer has its order");
                assert_eq!(o.out_trade_no, order, "{iface:?}: paid answer about another order");
                assert_eq!(o.total_fee, amount.0, "{iface:?}: paid answer for another amount");
            }
        }
    }
    // Bodies may be sealed with another device's key: read with ours, none may count.
    let ours = signed_with(KEY, body);
    let cancel = refund::read_reverse(KEY, body).verdict;
    assert!(ours || !matches!(cancel, CancelVerdict::Cancelled), "reverse not signed by us is cancelled");
    for call in cp_refund_calls() {
        for verdict in
            [refund::read_refund(KEY, &call, body).verdict, refund::read_query_refund(KEY, &call, body).verdict]
        {
            if matches!(verdict, RefundVerdict::Refunded { .. } | RefundVerdict::Accepted { .. }) {
                assert!(ours, "refund answer not signed by us counts: {verdict:?}");
                // It must be about our refund, of our amount.
                let content = proto::open_answer(KEY, body).unwrap().content;
                let mut echoed = content.refund.and_then(|r| r.refund_order_content).into_iter().collect::<Vec<_>>();
                echoed.extend(content.query_refund_order.map(|q| q.refund_order_content).unwrap_or_default());
                assert!(
                    echoed.iter().any(|r| r.out_refund_no == call.out_refund_no && r.refund_fee == call.amount.0),
                    "{verdict:?} for a refund the till did not ask for"
                );
            }
        }
    }
    let found = lookup::read_order(KEY, CP_ORDER, body).verdict;
    assert!(ours || !matches!(found, lookup::OrderFound::Found { .. }), "lookup not signed by us finds an order");
    // The other readers must not panic on anything either.
    let _ = lookup::read_detail(KEY, CP_ORDER, 1, body);
}

/// The 微收银 order and amount the property reads answers for.
pub const WSY_ORDER: &str = "A1";
pub const WSY_AMOUNT: Fen = Fen(1);

/// 微收银 answers: a paid verdict needs `ok="1"` (agreeing with any `<ok>` child), a bill id, the exact
/// amount, and no other order number; an answer about another order is never paid.
pub fn weishouyin_answer(body: &[u8]) {
    let Ok(answer) = xml::parse(body) else { return };
    for is_query in [false, true] {
        for (order, amount) in [(WSY_ORDER, WSY_AMOUNT), ("B2", WSY_AMOUNT), (WSY_ORDER, Fen(2))] {
            if let Verdict::Paid { transaction_id } = wsy::pay_verdict(&answer, amount, order, is_query) {
                assert_eq!(answer.root, "dm");
                assert_eq!(answer.attr("ok"), Some("1"), "paid without ok=1: {answer:?}");
                if let Some(child) = &answer.ok_child {
                    assert_eq!(child.trim(), "1", "paid though <ok> says otherwise: {answer:?}");
                }
                let no = answer.attr("no").unwrap_or_default();
                assert!(no.is_empty() || no == order, "paid answer about order {no}, asked for {order}");
                let total = answer.attr("total").and_then(amount::parse_amount);
                assert_eq!(total, Some(amount), "paid answer for another amount: {answer:?}");
                assert_eq!(answer.attr("dm_id"), Some(transaction_id.as_str()));
                assert!(wsy::bill_digits(&transaction_id).is_some() && transaction_id.starts_with("dm"));
            }
        }
    }
    let _ = wsy::lookup_verdict(&answer, WSY_ORDER, None);
    if let Some(info) = &answer.printinfo {
        slip_text(info);
    }
}

/// Amounts on the 微收银 wire: whatever parses re-formats to the same fen and parses back.
pub fn weishouyin_amount(text: &str) {
    if let Some(fen) = amount::parse_amount(text) {
        assert!(fen.0.abs() < 10_000_000_000, "{text:?} parsed to {fen:?}, beyond any bill");
        assert_eq!(amount::parse_amount(&amount::yuan(fen)), Some(fen), "{text:?}");
    }
}

/// A typed or catalogue price: whatever parses re-formats (as on every receipt) to the same fen.
pub fn yuan_entry(text: &str) {
    if let Ok(fen) = Fen::parse_yuan(text) {
        assert!(fen.0 >= 0, "{text:?} parsed to a negative {fen:?}");
        assert_eq!(Fen::parse_yuan(&fen.to_string()), Ok(fen), "{text:?} -> {fen}");
    }
}

/// Bytes a sanitized slip may contain, walked without the sanitizer's own tables: text, tab, CR, LF,
/// and only these commands (with their parameters): ESC @ a E G ! M - 3 2 d(n ≤ 10) J; GS ! h w H f
/// B; GS V (cut); GS k 73 (CODE128); FS ! W - and the profile's own FS & / FS . after a reset.
/// Returns the first command off the list.
pub fn off_allow_list(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut i = 0;
    while i < bytes.len() {
        let b = &bytes[i..];
        let at = |k: usize| b.get(k).copied();
        let len = match b[0] {
            0x1B => match at(1) {
                Some(b'@') => {
                    // The profile's initialisation: Chinese mode on, or off for a UTF-8 printer.
                    if b.get(2..4) == Some(&[0x1C, b'&']) || b.get(2..4) == Some(&[0x1C, b'.']) { 4 } else { 2 }
                }
                Some(b'2') => 2,
                Some(b'a' | b'E' | b'G' | b'!' | b'M' | b'-' | b'3' | b'J') if at(2).is_some() => 3,
                Some(b'd') if at(2).is_some_and(|n| n <= 10) => 3,
                _ => return Some(b[..b.len().min(3)].to_vec()),
            },
            0x1D => match at(1) {
                Some(b'!' | b'h' | b'w' | b'H' | b'f' | b'B') if at(2).is_some() => 3,
                Some(b'V') => match at(2) {
                    Some(0 | 1 | 48 | 49) => 3,
                    Some(65 | 66 | 97..=103) if at(3).is_some() => 4,
                    _ => return Some(b[..b.len().min(4)].to_vec()),
                },
                Some(b'k') if at(2) == Some(73) && at(3).is_some_and(|n| n > 0 && b.len() >= 4 + usize::from(n)) => {
                    4 + usize::from(at(3).unwrap_or(0))
                }
                _ => return Some(b[..b.len().min(4)].to_vec()),
            },
            0x1C => match at(1) {
                Some(b'!' | b'W' | b'-') if at(2).is_some() => 3,
                _ => return Some(b[..b.len().min(3)].to_vec()),
            },
            0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x80..=0xFF => 1,
            _ => return Some(vec![b[0]]),
        };
        i += len;
    }
    None
}

/// The profiles slips are printed on: GB18030 with Chinese mode, with and without a cutter, and UTF-8.
pub fn profiles() -> Vec<PrinterProfile> {
    let utf8 = PrinterProfile { encoding: till::escpos::profile::TextEncoding::Utf8, ..PrinterProfile::mm80() };
    vec![PrinterProfile::mm58(), PrinterProfile::mm80(), utf8]
}

/// A platform's slip bytes: the sanitized slip has no command off the allow-list (no drawer kick ESC p,
/// no real-time DLE DC4, no GS ( NV/settings write, no FS q / FS g, no code page ESC t), sanitizing it
/// again changes nothing, and it decodes as ESC/POS.
pub fn slip_bytes(bytes: &[u8]) {
    for profile in profiles() {
        let (clean, _) = till::escpos::slip::sanitize(bytes, &profile);
        if let Some(cmd) = off_allow_list(&clean) {
            panic!("sanitized slip keeps {cmd:02x?} ({}): {bytes:02x?} -> {clean:02x?}", profile.name);
        }
        let (again, dropped) = till::escpos::slip::sanitize(&clean, &profile);
        assert_eq!(again, clean, "sanitizing is not idempotent on {bytes:02x?} ({})", profile.name);
        assert_eq!(dropped.controls, 0, "a sanitized slip still has control bytes");
        let _ = till::escpos::decode::decode(&clean, &profile);
    }
}

/// A `printinfo` text: decodes within its size cap, and its slip is safe as [`slip_bytes`] says.
pub fn slip_text(text: &str) {
    match printinfo::decode(text) {
        Ok(bytes) => slip_bytes(&bytes),
        Err(printinfo::PrintInfoError::TooLarge) => assert!(text.len() > printinfo::MAX_PRINTINFO_BYTES),
    }
}

/// ESC/POS decode (the preview and the printer tests read any bytes): never panics.
pub fn escpos_decode(bytes: &[u8]) {
    for profile in profiles() {
        let _ = till::escpos::decode::decode(bytes, &profile);
    }
}

/// A scanned code: classifying never panics; a payment code is digits only and of its wallet's
/// length; masking shows at most eight of its characters and never the whole of a longer code.
pub fn scanned_code(text: &str) {
    match code::classify(text) {
        CodeKind::Payment(_) => {
            assert!(text.bytes().all(|b| b.is_ascii_digit()) && (16..=24).contains(&text.len()), "{text:?}");
        }
        CodeKind::Product => assert!(!text.is_empty() && text.len() <= MAX_CODE_LEN, "{text:?}"),
        CodeKind::BadCheckDigit | CodeKind::Garbage => {}
    }
    let masked = code::mask_code(text);
    let shown = masked.chars().filter(|&c| c != '…').count();
    assert!(shown <= 8, "mask of {text:?} shows {shown} characters: {masked:?}");
    if text.chars().count() > 8 {
        assert_ne!(masked.replace('…', ""), text, "mask shows the whole code");
    }
}

/// A dynamic member code from a stranger's phone (`core::member_code::parse`): read only when it is
/// bounded (at most 64 bytes), its member number 1–32 letters, digits, `-` or `_`, its code exactly 6
/// digits; and its `Debug` never shows the digits.
pub fn member_code(text: &str) {
    use till::core::member_code::{DIGITS, MAX_ID, MAX_LEN, parse};
    if let Some(c) = parse(text) {
        assert!(text.len() <= MAX_LEN, "{text:?}");
        assert!(!c.member.is_empty() && c.member.len() <= MAX_ID, "{text:?}");
        assert!(c.member.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{text:?}");
        assert!(c.code.len() == DIGITS && c.code.bytes().all(|b| b.is_ascii_digit()), "{text:?}");
        assert!(!format!("{c:?}").contains(&c.code), "{text:?}");
    }
}

/// A scanned `WIFI:` code: a network it yields has an SSID of 1–32 bytes, and the wpa_supplicant block
/// and iwd file written for it have no line break, control character or unescaped quote in a value,
/// and iwd's file name stays in its directory.
pub fn wifi_code(text: &str) {
    use till::wifi::config::{iwd_file, iwd_file_name, wpa_supplicant_block};
    let Ok(net) = till::wifi::qr::parse_wifi_qr(text) else { return };
    assert!((1..=32).contains(&net.ssid.len()), "{text:?}: SSID {:?}", net.ssid);
    let block = wpa_supplicant_block(&net);
    let mut lines = block.lines();
    assert_eq!(lines.next(), Some("network={"), "{block:?}");
    let body: Vec<&str> = lines.collect();
    assert_eq!(body.last(), Some(&"}"), "{text:?}: {block:?}");
    for line in &body[..body.len() - 1] {
        let (key, value) = line
            .strip_prefix('\t')
            .and_then(|l| l.split_once('='))
            .unwrap_or_else(|| panic!("{text:?}: line {line:?}"));
        assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{line:?}");
        assert!(!value.chars().any(char::is_control), "{text:?}: control character in {line:?}");
        let inner = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
        assert!(!inner.contains('"') && !inner.contains('\\'), "{text:?}: unescaped quote in {line:?}");
    }
    if let Ok(name) = iwd_file_name(&net) {
        assert!(!name.contains('/') && !name.starts_with('.') && !name.chars().any(char::is_control), "{name:?}");
    }
    if let Ok(file) = iwd_file(&net) {
        for line in file.lines() {
            let ok = (line.starts_with('[') && line.ends_with(']'))
                || line.split_once('=').is_some_and(|(k, v)| {
                    k.bytes().all(|b| b.is_ascii_alphanumeric()) && !v.chars().any(char::is_control)
                });
            assert!(ok, "{text:?}: iwd line {line:?}");
        }
    }
}

/// Keyboard-wedge events `(key, value, microseconds since the previous event)`: every code assembled
/// is 1..=MAX_CODE_LEN bytes of text without control characters; nothing panics, whatever the times.
pub fn wedge_events(suffix: till::devices::wedge::Suffix, timeout_us: u64, events: &[(u16, i32, u64)]) {
    use std::time::Duration;
    use till::devices::wedge::{Assembled, CodeAssembler};
    let mut wedge = CodeAssembler::new(&till::devices::keymap::US, suffix, Duration::from_micros(timeout_us));
    let mut now = Duration::ZERO;
    let check = |a: Option<Assembled>| {
        if let Some(Assembled::Code(code)) = a {
            assert!((1..=MAX_CODE_LEN).contains(&code.len()), "code of {} bytes", code.len());
            assert!(!code.chars().any(char::is_control), "control character in {code:?}");
        }
    };
    for &(key, value, dt) in events {
        now = now.saturating_add(Duration::from_micros(dt));
        check(wedge.key(key, value, now));
        let _ = wedge.deadline();
        if dt % 7 == 0 {
            check(wedge.tick(now));
        }
    }
    check(wedge.tick(Duration::MAX));
}

/// A catalogue CSV file: whatever is read is written back and read again to the same rows.
pub fn catalogue_csv(text: &str) {
    use till::app::catalogue_csv::{parse, write};
    let layout = till::core::catalog::WeighedLayout::default();
    let Ok(rows) = parse(text, &layout) else { return };
    let written = write(&rows);
    assert_eq!(parse(&written, &layout), Ok(rows), "{text:?} written as {written:?}");
}

/// A scanned Cloud Pay set-up URL: only an allowed host, over HTTPS (plain HTTP only to loopback).
pub fn cloudpay_setup_url(text: &str) {
    use till::payments::cloudpay::setup::{SetupHttp, parse_setup_url};
    for http in [SetupHttp::default(), SetupHttp { timeout_ms: 1, allowed_hosts: vec!["127.0.0.1".into()] }] {
        if let Ok((url, osi)) = parse_setup_url(text, &http) {
            let host = url.host_str().unwrap_or_default().to_string();
            assert!(http.allowed_hosts.contains(&host), "{text:?}: host {host:?}");
            assert!(url.scheme() == "https" || (url.scheme() == "http" && host == "127.0.0.1"), "{text:?}");
            assert!(
                !osi.is_empty() && osi.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
                "{osi:?}"
            );
        }
    }
}

/// The config file: parsing any text never panics, nor does anything the till derives from a
/// config that parsed.
pub fn config_toml(text: &str) {
    match till::config::Config::parse(std::path::Path::new("till.toml"), text) {
        Ok(config) => {
            let _ =
                (config.profile(), config.settings(), config.order_prefix(), config.data_dir(), config.export_dir());
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// A Cloud Pay use_device_setting answer for the code's `osi`: settings read from it are for that
/// shop, with well-formed ids and a 32-character key, and names without control characters.
pub fn cloudpay_setup_answer(body: &[u8]) {
    let osi = "sz01SimShopK1l2M3n4O";
    let Ok(s) = till::payments::cloudpay::setup::read_setup_answer(body, osi) else { return };
    assert_eq!(s.out_shop_id, osi, "settings for another shop");
    assert_eq!(s.authen_key.len(), 32);
    assert!(!s.shop_name.chars().any(char::is_control) && !s.device_name.chars().any(char::is_control));
}

/// The ELF header of a program for this machine: enough for the bundle's checks.
pub fn program() -> Vec<u8> {
    let machine: u16 = if cfg!(target_arch = "aarch64") {
        0xB7
    } else if cfg!(target_arch = "arm") {
        0x28
    } else {
        0x3E
    };
    let mut p = vec![0u8; 256];
    p[..4].copy_from_slice(b"\x7fELF");
    p[4] = if cfg!(target_pointer_width = "64") { 2 } else { 1 };
    p[5] = 1;
    p[18..20].copy_from_slice(&machine.to_le_bytes());
    p
}

/// The signing key of the bundles the property mutates (a test key, not a release key).
pub fn bundle_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[7; 32])
}

/// An upgrade bundle: only a bundle signed by a trusted key verifies, and what verifies is exactly
/// the program and manifest that were signed.
pub fn upgrade_bundle(bytes: &[u8]) {
    use till::upgrade::{TARGET, bundle, keys::TrustedKeys};
    let key = bundle_key();
    let trusted = TrustedKeys::new(vec![key.verifying_key()]);
    if let Ok(v) = bundle::verify(bytes, &trusted, TARGET) {
        assert_eq!(v.program, &program()[..], "a verified bundle carries another program");
        assert_eq!(v.manifest.target, TARGET);
        assert_eq!(v.manifest.version, "0.2.0");
    }
    let stranger = TrustedKeys::new(vec![ed25519_dalek::SigningKey::from_bytes(&[8; 32]).verifying_key()]);
    assert!(bundle::verify(bytes, &stranger, TARGET).is_err(), "a bundle verifies under a key that did not sign it");
}

/// What a provisioning property marks its secrets with: no reason may quote it.
pub const SECRET_MARK: &str = "SeCrEtKeY";

/// Provisioning files on the boot partition (`till.toml`, `wifi.txt`, `activation.txt`, given as
/// `data` split at NUL bytes; an empty part is no file): each file is either applied and gone, or
/// kept with a one-line reason that quotes no secret; the errors file exists exactly when one failed.
pub fn provision_files(data: &[u8]) {
    use till::cli::provision::{ACTIVATION_FILE, CONFIG_FILE, ERRORS_FILE, Paths, WIFI_FILE, provision};
    let dir = tempfile::tempdir().expect("temp dir");
    let boot = dir.path().join("boot");
    std::fs::create_dir(&boot).expect("boot dir");
    let paths =
        Paths { boot_dir: boot.clone(), config: dir.path().join("till.toml"), wpa_conf: dir.path().join("wpa.conf") };
    let names = [CONFIG_FILE, WIFI_FILE, ACTIVATION_FILE];
    let mut parts = data.split(|&b| b == 0);
    let mut present = Vec::new();
    for name in names {
        if let Some(part) = parts.next().filter(|p| !p.is_empty()) {
            // Keep the config's data directory inside the temp dir, whatever the file says.
            let part = if name == CONFIG_FILE {
                let text = String::from_utf8_lossy(part).replace("data_dir", "x_data_dir");
                format!("data_dir = {:?}\n{text}", dir.path().join("data")).into_bytes()
            } else {
                part.to_vec()
            };
            std::fs::write(boot.join(name), part).expect("write");
            present.push(name);
        }
    }
    let report = provision(&paths);
    for name in present {
        let kept = boot.join(name).exists();
        let failed = report.failed.iter().any(|(f, _)| f == name);
        assert_eq!(kept, failed, "{name}: kept {kept}, failed {failed}: {report:?}");
    }
    for (name, why) in &report.failed {
        assert!(!why.contains('\n') && !why.contains(SECRET_MARK), "{name}: reason quotes the file: {why:?}");
    }
    let errors = std::fs::read_to_string(boot.join(ERRORS_FILE)).ok();
    assert_eq!(errors.is_some(), !report.failed.is_empty());
    assert!(!errors.unwrap_or_default().contains(SECRET_MARK), "the errors file quotes a secret");
    if let Ok(conf) = std::fs::read_to_string(&paths.wpa_conf) {
        assert!(!conf.contains(SECRET_MARK) || conf.contains('"'), "a Wi-Fi secret written unquoted");
    }
}

/// A store export to mutate: two orders (one paid, one open) and the counters, as `till export` writes.
pub fn export_seed() -> Vec<u8> {
    use till::core::clock::Millis;
    use till::core::order::{Line, Order, OrderStatus, Tender};
    use till::store::{RedbStore, Store};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = RedbStore::open(dir.path()).expect("store");
    let mut paid = Order::new(1, Millis(1), "01".into());
    paid.lines
        .push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 2 });
    paid.status = OrderStatus::Paid;
    paid.tender = Some(Tender::Cash { received: Fen(1000), change: Fen(300) });
    paid.number = Some("0100005225030110301500001".into());
    paid.closed_at = Some(Millis(2));
    let counters = till::core::Counters { next_order_id: 3, seq_day: 250301, seq: 1 };
    store.save(&paid, &counters).expect("save");
    store.save(&Order::new(2, Millis(3), "01".into()), &counters).expect("save");
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    out
}

/// `till import` of any file: an import either fails (and the store is left empty) or gives a store
/// that opens again, reads back, and exports a file that imports to the same export.
pub fn store_import(file: &[u8]) {
    use till::store::{RedbStore, Store};
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("first");
    let store = RedbStore::open(&first).expect("store");
    let imported = store.import(file);
    if imported.is_err() {
        assert!(store.orders().expect("orders").is_empty(), "a refused import left orders behind");
        return;
    }
    drop(store);
    let store = RedbStore::open(&first).expect("an imported store opens again");
    let _ = store.load_unsettled().expect("unsettled orders read back");
    let _ = store.outbox_pending(1000).expect("outbox reads back");
    let mut export = Vec::new();
    store.export(&mut export).expect("an imported store exports");
    let second = RedbStore::open(&dir.path().join("second")).expect("store");
    second.import(export.as_slice()).expect("an export of an imported store imports");
    let mut again = Vec::new();
    second.export(&mut again).expect("export");
    assert_eq!(String::from_utf8_lossy(&again), String::from_utf8_lossy(&export), "export, import, export differs");
}

/// A 微收银 time (`time.php`'s `now`, a bill's `pay_time`): a text read as a time is that time's own
/// text, so no impossible date (30 February) is read as some other day.
pub fn weishouyin_time(text: &str) {
    if let Some(unix) = wsy::parse_beijing_time(text) {
        assert_eq!(wsy::beijing_time(unix), text, "{text:?} read as {unix}");
    }
}
