#![allow(clippy::panic)] // a test fails by panicking
//! till-office for real: its binary on a throwaway PostgreSQL cluster (tests/office/pg.rs), a real
//! `till` binary (the root package's, with its built-in Cloud Pay simulator) delivering to it, and
//! forged, oversized and malformed requests refused with nothing stored.

mod common;
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, cookie_value, now_secs, post_record, set_cookie, signed_in};
use process::World;
use std::time::Duration;
use till::core::money::Fen;
use till::sim::cloudpay::SimConfig;
use till::sync::{BackofficeConfig, DEMO_DEVICE_ID, DEMO_KEY};
use till_proto::sign::Signer;

const COLA: &str = "6900138600889";
const SECS: fn(u64) -> Duration = Duration::from_secs;
const DEMO: Signer = Signer { device_id: DEMO_DEVICE_ID, key_id: "1", key: DEMO_KEY };

/// One cola (3.50) for cash (5.00 given), back to an empty sale.
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
    till.cash_sale_cola();
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
fn a_till_whose_clock_is_outside_the_window_is_told_so_keeps_its_records_and_delivers_once_set_right() {
    let office = OfficeProcess::start(&["--window-secs", "60"]);
    office.add_device(DEMO_DEVICE_ID, DEMO_KEY);
    let mut w = till_world(&office);
    // A till ten minutes fast: the office's window is a minute either way.
    let mut till = w.start_till_with(&[(till::sync::TEST_CLOCK_AHEAD_ENV, "600")]);
    till.cash_sale_cola();
    let o = till.wait_for("told its clock is off", SECS(30), |o| o.sync.clock_ahead_secs.is_some());
    let ahead = o.sync.clock_ahead_secs.unwrap_or_default();
    assert!((595..=605).contains(&ahead), "{ahead}");
    let error = o.sync.last_error.clone().unwrap_or_default();
    assert!(error.contains("clock") && error.contains("ahead") && error.contains("±60 s"), "{error}");
    assert_eq!((o.sync.pending, o.sync.failed), (1, 0), "kept queued, not taken as refused");
    till.quit();
    assert!(w.till_log().contains("the back office refuses the till's clock"), "{}", w.till_log());
    let db = office.db();
    assert_eq!(db.number("SELECT count(*) FROM records"), 0);
    assert!(office.log().contains("the till's clock is off"), "{}", office.log());

    // The time set right: the sale is delivered, once, and the till no longer says its clock is off.
    let mut till = w.start_till();
    let o = till.wait_for("delivered", SECS(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());
    assert_eq!((o.sync.clock_ahead_secs, o.sync.last_error), (None, None));
    till.quit();
    assert_eq!(db.number("SELECT count(*) FROM orders"), 1);
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

#[test]
fn a_rotated_key_works_beside_the_old_until_it_is_revoked_and_a_revoked_till_is_refused() {
    use common::office_command;
    let office = OfficeProcess::start(&[]);
    office.add_device(DEMO_DEVICE_ID, DEMO_KEY);
    office_command(
        &office.cluster,
        &["add-device", DEMO_DEVICE_ID, "--key-id", "2"],
        &[("TILL_OFFICE_DEVICE_KEY", "key-two")],
    );
    let new = Signer { key_id: "2", key: "key-two", ..DEMO };
    let url = office.records_url();
    let body = |n: u32| {
        format!(
            r#"{{"kind":"zreport","key":"zreport:{n}","seq":{n},"zreport":{{"number":{n},"closed_at":1,"report":{{}}}}}}"#
        )
    };
    let post = |signer, n| post_record(&url, signer, now_secs(), &format!("zreport:{n}"), &body(n));
    assert_eq!(post(DEMO, 1).0, 201, "the old key, not yet revoked");
    assert_eq!(post(new, 2).0, 201, "the new key");
    office_command(&office.cluster, &["revoke-device", DEMO_DEVICE_ID, "--key-id", "1"], &[]);
    let (status, answer) = post(DEMO, 3);
    assert_eq!(status, 403, "{answer}");
    assert!(answer.contains("revoked"), "{answer}");
    assert_eq!(post(new, 3).0, 201);
    office_command(&office.cluster, &["revoke-device", DEMO_DEVICE_ID], &[]);
    assert_eq!(post(new, 4).0, 403, "the whole till revoked");
    let db = office.db();
    assert_eq!(db.number("SELECT count(*) FROM z_reports"), 3);
    assert_eq!(db.number("SELECT count(*) FROM records WHERE key = 'zreport:4'"), 0);
}

/// The today page as the signed-in owner sees it.
fn today_page(base: &str, token: &str, lang: &str) -> String {
    let answer = reqwest::blocking::Client::new()
        .get(format!("{base}/?lang={lang}"))
        .header("cookie", format!("till_office_session={token}"))
        .send()
        .expect("today");
    assert_eq!(answer.status().as_u16(), 200);
    answer.text().expect("html")
}

#[test]
fn a_tills_mixed_order_refund_and_z_report_land_in_their_tables_and_on_the_page() {
    use till::app::office::close_day;
    use till::core::Counters;
    use till::core::clock::Millis;
    use till::core::code::Platform;
    use till::core::office::report::{Period, ReportKind, compute};
    use till::core::office::{ZRecord, shift::Shift};
    use till::core::order::{Line, Order, OrderStatus, Refund, RefundState, Tender, TenderPart};
    use till::store::{RedbStore, Store};
    let office = OfficeProcess::start(&[]);
    office.add_device(DEMO_DEVICE_ID, DEMO_KEY);
    office.add_owner("owner", "correct horse");
    // The till's own store makes the records (their bodies exactly as the till queues them).
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path()).expect("store");
    let now = Millis(now_secs() * 1000);
    let mut order = Order::new(1, now, "01".into());
    order.lines.push(Line { barcode: COLA.into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 2 });
    order.status = OrderStatus::Paid;
    order.number = Some("N1".into());
    order.closed_at = Some(now);
    order.tender = Some(Tender::Mixed {
        parts: vec![
            TenderPart::Cash { amount: Fen(200), received: Fen(200), change: Fen(0) },
            TenderPart::Code {
                platform: Platform::WeChat,
                amount: Fen(500),
                out_trade_no: "W1".into(),
                transaction_id: "T1".into(),
            },
        ],
    });
    order.refunds.push(Refund {
        out_refund_no: "R1".into(),
        amount: Fen(350),
        total: Fen(500),
        refunded_before: Fen(0),
        requested_at: now,
        operator: "01".into(),
        state: RefundState::Refunded,
        refund_id: Some("RID1".into()),
        queries: 0,
        of: None,
        cash: false,
        returns: Vec::new(),
    });
    store.save(&order, &Counters::default()).expect("save");
    let mut report = compute(&[order], Period { from: None, to: now }, &[]);
    report.kind = ReportKind::Z { number: 1 };
    let shift = Shift::open(1, "01", now, Fen(0));
    close_day(&store, Some(&shift), &ZRecord { number: 1, closed_at: now, report }).expect("close the day");
    let records = store.outbox_pending(10).expect("outbox");
    let keys: Vec<&str> = records.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["order:N1", "refund:R1", "zreport:1"]);
    for r in &records {
        let (status, answer) = post_record(&office.records_url(), DEMO, now_secs(), &r.key, &r.body);
        assert_eq!(status, 201, "{}: {answer}", r.key);
    }
    let db = office.db();
    assert_eq!(
        db.text("SELECT string_agg(kind || ' ' || amount_fen || ' ' || coalesce(reference, '-'), ', ' ORDER BY part_no) FROM payments"),
        "cash 200 -, wechat 500 W1"
    );
    assert_eq!(db.text("SELECT order_number || ' ' || amount_fen || ' ' || refunded FROM refunds"), "N1 350 true");
    assert_eq!(db.number("SELECT number::bigint FROM z_reports"), 1);
    assert_eq!(db.number("SELECT last_seq FROM devices"), 3);

    let token = signed_in(&office.base_url, "owner", "correct horse");
    let html = today_page(&office.base_url, &token, "en");
    for shown in ["¥7.00", "Cash", "¥2.00", "WeChat Pay", "¥5.00", "1 · ¥3.50"] {
        assert!(html.contains(shown), "{shown} not on the page: {html}");
    }

    // The week: today's bar among seven days, the hour's, and the product on top.
    let week = reqwest::blocking::Client::new()
        .get(format!("{}/week?lang=en", office.base_url))
        .header("cookie", format!("till_office_session={token}"))
        .send()
        .expect("week");
    assert_eq!(week.status().as_u16(), 200);
    let week = week.text().expect("html");
    let by_day = week.split("id=\"by-day\">").nth(1).and_then(|t| t.split("</table>").next()).unwrap_or_default();
    assert_eq!(by_day.matches("<tr>").count(), 7, "seven days: {by_day}");
    assert!(by_day.contains("width:100%") && by_day.contains("¥7.00 · 1"), "{by_day}");
    let top = week.split("id=\"top\">").nth(1).and_then(|t| t.split("</table>").next()).unwrap_or_default();
    assert!(top.contains("可口可乐") && top.contains("2 sold") && top.contains("¥7.00"), "{top}");
    assert!(week.contains("Refunds not completed</h2><p>none"), "the refund went through: {week}");
}

#[test]
fn sign_in_takes_the_forms_csrf_token_gives_a_strict_http_only_session_and_is_rate_limited() {
    let office = OfficeProcess::start(&[]);
    office.add_owner("owner", "correct horse");
    let http =
        reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let base = &office.base_url;
    let answer = http.get(format!("{base}/")).send().expect("today");
    assert_eq!(answer.status().as_u16(), 303, "signed out: to the sign-in page");

    let form_page = http.get(format!("{base}/sign-in?lang=en")).send().expect("sign-in page");
    let csrf_cookie = set_cookie(&form_page, "till_office_csrf");
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"), "{csrf_cookie}");
    let csrf = cookie_value(&csrf_cookie);
    let html = form_page.text().expect("html");
    assert!(html.contains(&format!("name=\"csrf\" value=\"{csrf}\"")), "{html}");
    assert!(html.contains("Owner sign-in"), "{html}");

    let sign_in = |password: &str, csrf_cookie: Option<&str>| {
        let mut request = http.post(format!("{base}/sign-in")).form(&[
            ("login", "owner"),
            ("password", password),
            ("csrf", csrf.as_str()),
            ("lang", "en"),
        ]);
        if let Some(c) = csrf_cookie {
            request = request.header("cookie", format!("till_office_csrf={c}"));
        }
        request.send().expect("sign in")
    };
    // A form posted from elsewhere has no CSRF cookie: refused before the password is looked at.
    assert_eq!(sign_in("correct horse", None).status().as_u16(), 403);
    let answer = sign_in("correct horse", Some(&csrf));
    assert_eq!(answer.status().as_u16(), 303);
    let session = set_cookie(&answer, "till_office_session");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"), "{session}");
    let token = cookie_value(&session);
    let today = http
        .get(format!("{base}/?lang=zh"))
        .header("cookie", format!("till_office_session={token}"))
        .send()
        .expect("today");
    assert_eq!(today.status().as_u16(), 200);
    let html = today.text().expect("html");
    assert!(html.contains("今日营业") && html.contains("name=\"viewport\""), "{html}");
    let db = office.db();
    let sessions = db.number("SELECT count(*) FROM sessions");
    assert_eq!(db.number(&format!("SELECT count(*) FROM sessions WHERE token_sha256 = '{token}'")), 0, "kept hashed");
    // Signing out needs the session's CSRF token.
    let out = http
        .post(format!("{base}/sign-out"))
        .header("cookie", format!("till_office_session={token}"))
        .form(&[("csrf", "forged")])
        .send()
        .expect("sign out");
    assert_eq!(out.status().as_u16(), 403);
    assert_eq!(db.number("SELECT count(*) FROM sessions"), sessions);

    for _ in 0..5 {
        assert_eq!(sign_in("wrong horse", Some(&csrf)).status().as_u16(), 401);
    }
    let limited = sign_in("correct horse", Some(&csrf));
    assert_eq!(limited.status().as_u16(), 429, "after 5 failures even the right password waits");
    assert!(limited.text().expect("html").contains("Too many attempts"));
}

#[test]
fn the_owner_signs_in_on_a_360px_chromium_and_sees_the_tills_sale() {
    use common::browser::{Driver, sign_in, widths};
    use fantoccini::Locator;
    let office = OfficeProcess::start(&[]);
    office.add_device(DEMO_DEVICE_ID, DEMO_KEY);
    office.add_owner("owner", "correct horse");
    let (_w, _number) = sale_delivered(&office);
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile dir");
    let shot = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("office-today-360.png");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let c = driver.phone(profile.path()).await;
        sign_in(&c, &office.base_url, "owner", "correct horse").await;
        let today = c.wait().at_most(SECS(20)).for_element(Locator::Id("today")).await.expect("the today page");
        let today = today.text().await.expect("text");
        assert!(today.contains("今天") && today.contains("¥3.50") && today.contains("单数: 1"), "{today}");
        let cash = c.find(Locator::Id("pay-cash")).await.expect("cash row").text().await.expect("text");
        assert!(cash.contains("现金") && cash.contains("¥3.50"), "{cash}");
        let tills = c.find(Locator::Id("tills")).await.expect("tills").text().await.expect("text");
        assert!(tills.contains("Till 1 收银台") && tills.contains(DEMO_DEVICE_ID), "{tills}");
        let (inner, content) = widths(&c).await;
        assert!(inner == 360 && content <= inner, "no sideways scrolling at 360 px: {inner} {content}");
        std::fs::write(&shot, c.screenshot().await.expect("screenshot")).expect("write screenshot");
        c.find(Locator::Id("lang")).await.expect("language link").click().await.expect("click");
        let today = c.wait().at_most(SECS(20)).for_element(Locator::Css("#payments #pay-cash")).await.expect("page");
        let cash = today.text().await.expect("text");
        assert!(cash.contains("Cash") && cash.contains("¥3.50"), "{cash}");

        // The devices page: a new till and its one-time code with its QR, on the phone.
        c.find(Locator::Id("manage-tills")).await.expect("devices link").click().await.expect("click");
        let name = c.wait().at_most(SECS(20)).for_element(Locator::Id("till-name")).await.expect("devices page");
        name.send_keys("Back room 后屋").await.expect("type the name");
        c.find(Locator::Id("add-till")).await.expect("add").click().await.expect("click");
        let code = c.wait().at_most(SECS(20)).for_element(Locator::Id("code")).await.expect("the code page");
        let code = code.text().await.expect("text");
        assert!(till_proto::enrol::normalize_code(&code).is_some(), "{code}");
        let qr = c.find(Locator::Css("#qr svg")).await.expect("the QR").rectangle().await.expect("its size");
        assert!(qr.2 >= 200.0 && qr.2 <= 360.0, "a QR a phone shows whole: {qr:?}");
        let (inner, content) = widths(&c).await;
        assert!(content <= inner, "no sideways scrolling on the code page: {inner} {content}");
        c.close().await.expect("close the session");
    });
}
