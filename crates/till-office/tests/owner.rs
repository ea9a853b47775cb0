#![allow(clippy::panic)] // a test fails by panicking
//! The owner's side of issue 21 on the real office binary and a real PostgreSQL cluster: payments
//! in doubt as the till's own store queues them, shown until resolved; a shop's day (payments by
//! platform, Z differences, discounts, low stock) apart from another shop's; one product's price
//! now or scheduled, and a scheduled change cancelled, behind the session and its CSRF token.

mod common;

use common::{OfficeProcess, get_page as get, now_secs, office_command, part, post_record, signed_in};
use till_proto::sign::Signer;

const DEMO_DEVICE_ID: &str = "till-demo-01";
const DEMO_KEY: &str = "demo-backoffice-key";
const DEMO: Signer = Signer { device_id: DEMO_DEVICE_ID, key_id: "1", key: DEMO_KEY };
const WEST: Signer = Signer { device_id: "till-west", key_id: "1", key: "west-key" };

fn post_all(office: &OfficeProcess, signer: Signer, records: &[(String, String)]) {
    for (key, body) in records {
        let (status, answer) = post_record(&office.records_url(), signer, now_secs(), key, body);
        assert_eq!(status, 201, "{key}: {answer}\n{}", office.log());
    }
}

#[test]
fn a_payment_in_doubt_shows_on_the_owners_pages_until_its_resolution_arrives_and_moves_no_money() {
    use till::core::Counters;
    use till::core::clock::Millis;
    use till::core::code::Platform;
    use till::core::money::Fen;
    use till::core::order::{Attempt, AttemptState, Line, Order, OrderStatus, Tender};
    use till::store::{RedbStore, Store};
    let office = OfficeProcess::start(&[]);
    let add = ["add-device", DEMO_DEVICE_ID, "--name", "Till 1 收银台", "--shop", "东店"];
    office_command(&office.cluster, &add, &[("TILL_OFFICE_DEVICE_KEY", DEMO_KEY)]);
    office.add_owner("owner", "correct horse");
    let token = signed_in(&office.base_url, "owner", "correct horse");
    // The till's own store queues the records, bodies exactly as a till sends them.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path()).expect("store");
    let now = Millis(now_secs() * 1000);
    let mut order = Order::new(1, now, "01".into());
    order
        .lines
        .push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(1250), qty: 1 });
    let mut attempt = Attempt::sending("A9".into(), Platform::Alipay, "2801***".into(), Fen(1250), now);
    attempt.state = AttemptState::Unknown { reason: "timeout".into() };
    order.attempts.push(attempt);
    store.save(&order, &Counters::default()).expect("save in doubt");
    let queued = |store: &RedbStore| -> Vec<(String, String)> {
        store.outbox_pending(10).expect("outbox").into_iter().map(|r| (r.key, r.body)).collect()
    };
    let records = queued(&store);
    assert_eq!(records.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["doubt:A9"]);
    post_all(&office, DEMO, &records);
    for r in store.outbox_pending(10).expect("outbox") {
        store.outbox_mark_delivered(r.seq).expect("delivered");
    }

    let (status, html) = get(&office.base_url, &token, "/?lang=en");
    assert_eq!(status, 200);
    let doubts = part(&html, "doubts", "</table>");
    for shown in ["A9", "东店", "Till 1 收银台", "Alipay", "¥12.50", "since"] {
        assert!(doubts.contains(shown), "{shown} not among the payments in doubt: {doubts}");
    }
    let (_, zh) = get(&office.base_url, &token, "/?lang=zh");
    assert!(zh.contains("待确认的支付") && part(&zh, "doubts", "</table>").contains("支付宝"), "{zh}");
    let (_, shop) = get(&office.base_url, &token, "/shop?lang=en&shop=%E4%B8%9C%E5%BA%97");
    assert!(part(&shop, "doubts", "</table>").contains("A9"), "on the shop's page too: {shop}");
    let db = office.db();
    let no_money =
        "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM payments) + (SELECT count(*) FROM refunds)";
    assert_eq!(db.number(no_money), 0, "a payment in doubt is shown, never booked");

    // The query answers: paid. The till queues the resolution and the sale.
    order.attempts[0].state = AttemptState::Paid { transaction_id: "T9".into() };
    order.status = OrderStatus::Paid;
    order.number = Some("A9".into());
    order.closed_at = Some(now);
    order.tender =
        Some(Tender::Code { platform: Platform::Alipay, out_trade_no: "A9".into(), transaction_id: "T9".into() });
    store.save(&order, &Counters::default()).expect("save paid");
    let records = queued(&store);
    let mut keys: Vec<&str> = records.iter().map(|r| r.0.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["doubt-resolved:A9", "order:A9"]);
    post_all(&office, DEMO, &records);
    let (_, html) = get(&office.base_url, &token, "/?lang=en");
    assert!(html.contains("Payments in doubt</h2><p id=\"doubts\">none"), "resolved: gone from the page: {html}");
    assert_eq!(db.text("SELECT outcome FROM payments_in_doubt WHERE out_trade_no = 'A9'"), "paid");
    assert_eq!(db.number("SELECT count(*) FROM payments"), 1, "the sale is booked by its own record, once");
    // Sent again (an answer lost): still once.
    let (status, _) = post_record(&office.records_url(), DEMO, now_secs(), &records[0].0, &records[0].1);
    assert_eq!(status, 409);
    assert_eq!(db.number("SELECT count(*) FROM payments_in_doubt"), 1);
}

fn order(key: &str, seq: u64, at: i64, lines: &str, tender: &str, discounts: &str) -> (String, String) {
    let number = key.trim_start_matches("order:");
    let body = format!(
        r#"{{"kind":"order","key":"{key}","seq":{seq},"order":{{"id":{seq},"opened_at":{at},"closed_at":{at},
        "operator":"01","number":"{number}","lines":[{lines}],"tender":{tender},"discounts":[{discounts}]}}}}"#
    );
    (key.to_string(), body)
}

const COLA: &str = r#"{"barcode":"6900138600889","name":"可口可乐","unit_price":350,"qty":"#;

/// Two shops: 东店 (its till 前台: a WeChat sale of 5.50 after a 1.50 discount by cashier 02, a
/// cash sale of 3.50, a Z report 0.50 short, five colas and twenty waters in) and West (31.50).
fn two_shops() -> OfficeProcess {
    let office = OfficeProcess::start(&[]);
    office_command(
        &office.cluster,
        &["add-device", DEMO_DEVICE_ID, "--name", "前台", "--shop", "东店"],
        &[("TILL_OFFICE_DEVICE_KEY", DEMO_KEY)],
    );
    office_command(
        &office.cluster,
        &["add-device", "till-west", "--name", "West 1", "--shop", "West"],
        &[("TILL_OFFICE_DEVICE_KEY", "west-key")],
    );
    office.add_owner("owner", "correct horse");
    let now = now_secs() * 1000;
    let wechat = r#"{"Code":{"platform":"WeChat","out_trade_no":"W1","transaction_id":"T1"}}"#;
    let cash = r#"{"Cash":{"received":500,"change":150}}"#;
    let regular = r#"{"source":{"Order":{"reason":"regular"}},"amount":150,"shares":[[0,150]],"operator":"02"}"#;
    let z = format!(
        r#"{{"kind":"zreport","key":"zreport:1","seq":3,"zreport":{{"number":1,"closed_at":{now},"report":{{
        "shifts":[{{"id":1,"operator":"01","opened_at":{now},"float":10000,
          "close":{{"at":{now},"flow":{{"sales":350,"refunds":0}},"pay_ins":0,"pay_outs":0,"expected":10350,
                   "counted":10300,"difference":-50,"note":""}}}}]}}}}}}"#
    );
    let sheet = format!(
        r#"{{"kind":"stock","key":"stock:G1","seq":4,"sheet":{{"number":"G1","kind":"goods_in","applied_at":{now},
        "deltas":[["6900138600889",5],["6921168509256",20]]}}}}"#
    );
    post_all(
        &office,
        DEMO,
        &[
            order("order:E1", 1, now, &format!("{COLA}2}}"), wechat, regular),
            order("order:E2", 2, now, &format!("{COLA}1}}"), cash, ""),
            ("zreport:1".into(), z),
            ("stock:G1".into(), sheet),
        ],
    );
    post_all(
        &office,
        WEST,
        &[order("order:X1", 1, now, &format!("{COLA}9}}"), r#"{"Cash":{"received":3150,"change":0}}"#, "")],
    );

    office
}

#[test]
fn a_shops_page_shows_its_day_by_platform_its_z_differences_discounts_and_low_stock_and_no_other_shops() {
    let office = two_shops();
    let token = signed_in(&office.base_url, "owner", "correct horse");
    let (status, shops) = get(&office.base_url, &token, "/shops?lang=en");
    assert_eq!(status, 200);
    let list = part(&shops, "shops", "</table>");
    assert!(
        list.contains("东店") && list.contains("¥9.00") && list.contains("West") && list.contains("¥31.50"),
        "{list}"
    );
    let (status, html) = get(&office.base_url, &token, "/shop?lang=en&shop=%E4%B8%9C%E5%BA%97");
    assert_eq!(status, 200, "{html}");
    let today = part(&html, "today", "</div></div>");
    assert!(today.contains("¥9.00") && today.contains("Orders: 2"), "5.50 by WeChat, 3.50 in cash: {today}");
    assert!(part(&html, "last-week", "</div></div>").contains("¥0.00"));
    assert!(part(&html, "pay-wechat", "</tr>").contains("¥5.50"), "{html}");
    assert!(part(&html, "pay-cash", "</tr>").contains("¥3.50"), "{html}");
    let z = part(&html, "z-reports", "</table>");
    for shown in ["Z1", "前台", "¥103.50", "¥103.00", "-¥0.50", "Difference"] {
        assert!(z.contains(shown), "{shown} not in the Z reports: {z}");
    }
    let discounts = part(&html, "discounts", "</table>");
    assert!(
        discounts.contains("regular") && discounts.contains("cashier 02") && discounts.contains("¥1.50"),
        "{discounts}"
    );
    let low = part(&html, "low-stock", "</table>");
    assert!(low.contains("6900138600889") && low.contains(">2<"), "5 in, 3 sold: 2 left: {low}");
    assert!(!low.contains("6921168509256"), "20 waters are not low: {low}");
    assert!(!html.contains("¥31.50") && !html.contains("West 1"), "another shop's sales stay on its page: {html}");
    let (_, zh) = get(&office.base_url, &token, "/shop?lang=zh&shop=%E4%B8%9C%E5%BA%97");
    for shown in ["微信支付", "实点现金", "差额", "今天的优惠", "库存不足", "上周同日"] {
        assert!(zh.contains(shown), "{shown}: {zh}");
    }
    let (status, _) = get(&office.base_url, "not-a-session", "/shop?shop=West");
    assert_eq!(status, 303, "signed-in owners only");
}

/// The owner uploads a cola at 4.00 and a water at 2.00 (catalogue version 1).
fn upload_catalogue(office: &OfficeProcess, token: &str) {
    let csv = "barcode,name,price,stock,kind\n6900138600889,可口可乐,4.00,,normal\n6921168509256,水,2.00,,normal\n";
    let (_, catalogue) = get(&office.base_url, token, "/catalogue?lang=en");
    let csrf = catalogue.split("name=\"csrf\" value=\"").nth(1).and_then(|t| t.split('"').next()).expect("csrf");
    let upload = reqwest::blocking::Client::new()
        .post(format!("{}/catalogue", office.base_url))
        .header("cookie", format!("till_office_session={token}"))
        .form(&[("csrf", csrf), ("lang", "en"), ("csv", csv)])
        .send()
        .expect("upload");
    assert_eq!(upload.status().as_u16(), 200);
}

/// The prices page's CSRF token, and a form posted with `fields` plus it: (status, page).
fn post_form(
    office: &OfficeProcess,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    csrf: Option<&str>,
) -> (u16, String) {
    let from_page = || {
        let (_, page) = get(&office.base_url, token, "/prices?lang=en");
        page.split("name=\"csrf\" value=\"").nth(1).and_then(|t| t.split('"').next()).expect("csrf").to_string()
    };
    let csrf = csrf.map_or_else(from_page, str::to_string);
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf", &csrf));
    form.push(("lang", "en"));
    let answer = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}{path}", office.base_url))
        .header("cookie", format!("till_office_session={token}"))
        .form(&form)
        .send()
        .expect("post");
    (answer.status().as_u16(), answer.text().unwrap_or_default())
}

#[test]
fn one_products_price_changes_now_or_later_and_a_scheduled_change_can_be_cancelled_behind_session_and_csrf() {
    let office = OfficeProcess::start(&[]);
    office.add_owner("owner", "correct horse");
    let token = signed_in(&office.base_url, "owner", "correct horse");
    upload_catalogue(&office, &token);
    let db = office.db();
    assert_eq!(db.number("SELECT max(version) FROM catalogue_changesets"), 1);

    let cola = [("barcode", "6900138600889"), ("price", "3.80")];
    let (status, _) = post_form(&office, &token, "/prices", &cola, Some("forged"));
    assert_eq!(status, 403, "a form without the session's token changes nothing");
    let (status, _) = post_form(&office, "not-a-session", "/prices", &cola, Some("x"));
    assert_eq!(status, 303, "signed-in owners only");
    assert_eq!(db.number("SELECT max(version) FROM catalogue_changesets"), 1);
    let (status, page) =
        post_form(&office, &token, "/prices", &[("barcode", "6900138600889"), ("price", "3.8x")], None);
    assert!(status == 422 && page.contains("The price is not right"), "{status} {page}");
    let (status, page) = post_form(&office, &token, "/prices", &[("barcode", "123"), ("price", "1.00")], None);
    assert!(status == 422 && page.contains("No product with that barcode"), "{status} {page}");

    let (status, page) = post_form(&office, &token, "/prices", &cola, None);
    assert!(status == 200 && page.contains("Saved"), "{status} {page}");
    assert_eq!(
        db.text("SELECT jsonb_array_length(products) || ' ' || (products -> 0 ->> 'barcode') || ' ' || (products -> 0 ->> 'price') FROM catalogue_changesets WHERE version = 2"),
        "1 6900138600889 380",
        "the one product, as the next changeset the tills ask for"
    );
    assert_eq!(db.number("SELECT (product ->> 'price')::bigint FROM products WHERE barcode = '6921168509256'"), 200);

    let later = [("barcode", "6921168509256"), ("price", "2.50"), ("effective_at", "2999-01-01T09:00")];
    let (status, page) = post_form(&office, &token, "/prices", &later, None);
    assert!(status == 200 && page.contains("Scheduled"), "{status} {page}");
    let waiting = part(&page, "waiting", "</table>");
    assert!(
        waiting.contains("2999-01-01 09:00") && waiting.contains("¥2.00") && waiting.contains("¥2.50"),
        "{waiting}"
    );
    let id = db.number("SELECT id FROM scheduled_changes WHERE barcode = '6921168509256'").to_string();
    let (status, _) = post_form(&office, &token, "/prices/cancel", &[("id", &id)], Some("forged"));
    assert_eq!(status, 403);
    let (status, page) = post_form(&office, &token, "/prices/cancel", &[("id", &id)], None);
    assert!(status == 200 && page.contains("Cancelled") && page.contains("id=\"waiting\">none"), "{status} {page}");
    let (status, _) = post_form(&office, &token, "/prices/cancel", &[("id", &id)], None);
    assert_eq!(status, 409, "cancelled once");
    assert_eq!(db.number("SELECT count(*) FROM scheduled_changes WHERE cancelled_at IS NOT NULL"), 1);
}

/// 2030-01-01 09:00 in Asia/Shanghai (01:00 UTC), in unix milliseconds.
const NINE_AM_2030_MS: i64 = 1_893_456_000_000 + 3_600_000;

#[test]
fn a_scheduled_price_takes_effect_at_its_time_on_the_catalogue_of_then_and_a_cancelled_one_never() {
    use serde_json::json;
    use std::collections::BTreeMap;
    use till_office::catalogue::{read_changes, save};
    use till_office::prices::{cancel_scheduled, schedule_price};
    use till_office::{Office, Settings, db};
    let cluster = common::pg::Cluster::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let pool = db::pool(&cluster.url(), 2).expect("pool");
        db::migrate(&pool).await.expect("migrate");
        let office = std::sync::Arc::new(Office { pool, settings: Settings::default() });
        let product = |barcode: &str, name: &str, price: i64| {
            (barcode.to_string(), json!({"barcode": barcode, "name": name, "price": price, "kind": "Normal"}))
        };
        let cola = |price| product("6900138600889", "Cola", price);
        let water = |price| product("6921168509256", "Water", price);
        assert_eq!(save(&office, "nobody", BTreeMap::from([cola(400), water(200)])).await.expect("save"), Some(1));
        let at = "2030-01-01T09:00";
        let cola_later = schedule_price(&office, "nobody", "6900138600889", 350, at).await.expect("schedule");
        let water_later = schedule_price(&office, "nobody", "6921168509256", 150, at).await.expect("schedule");
        assert_eq!(schedule_price(&office, "nobody", "6900138600889", 1, "2030-02-30T09:00").await.expect("bad"), None);
        // Meanwhile the whole catalogue changes: the water's name. The cola's price from 09:00
        // applies to the catalogue as it is then, not as it was when scheduled.
        let renamed = product("6921168509256", "Mineral water", 200);
        assert_eq!(save(&office, "nobody", BTreeMap::from([cola(400), renamed])).await.expect("save"), Some(2));
        let before = NINE_AM_2030_MS - 1000;
        let water_id = water_later.expect("an id");
        assert!(cancel_scheduled(&office, "nobody", water_id, before).await.expect("cancel"), "cancelled in time");
        assert!(!cancel_scheduled(&office, "nobody", water_id, before).await.expect("cancel"), "once");
        assert!(read_changes(&office, "till-1", 2, before).await.expect("changes").changesets.is_empty());

        let due = read_changes(&office, "till-1", 2, NINE_AM_2030_MS).await.expect("changes");
        let changed: Vec<(i64, String, i64)> = due
            .changesets
            .iter()
            .flat_map(|c| {
                c.products.iter().map(move |p| (c.version, p["name"].to_string(), p["price"].as_i64().unwrap_or(-1)))
            })
            .collect();
        assert_eq!(changed, [(3, "\"Cola\"".to_string(), 350)], "the cola alone; the cancelled water never");
        let fresh = read_changes(&office, "till-2", 0, NINE_AM_2030_MS).await.expect("changes");
        let names: Vec<String> =
            fresh.changesets[0].products.iter().map(|p| format!("{} {}", p["name"], p["price"])).collect();
        assert_eq!(names, ["\"Cola\" 350", "\"Mineral water\" 200"]);
        let cola_id = cola_later.expect("an id");
        assert!(!cancel_scheduled(&office, "nobody", cola_id, NINE_AM_2030_MS).await.expect("cancel"), "too late");
    });
}

#[test]
fn the_owner_reads_a_shops_day_and_changes_a_price_on_a_360px_chromium() {
    use common::browser::{Driver, sign_in, widths};
    use fantoccini::Locator;
    use std::time::Duration;
    let office = two_shops();
    let token = signed_in(&office.base_url, "owner", "correct horse");
    upload_catalogue(&office, &token);
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile dir");
    let shot = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("office-shop-360.png");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let wait = Duration::from_secs(20);
    rt.block_on(async {
        let c = driver.phone(profile.path()).await;
        sign_in(&c, &office.base_url, "owner", "correct horse").await;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Id("shops"))
            .await
            .expect("the today page")
            .click()
            .await
            .expect("click");
        c.wait()
            .at_most(wait)
            .for_element(Locator::LinkText("东店"))
            .await
            .expect("the shops page")
            .click()
            .await
            .expect("click");
        let z = c.wait().at_most(wait).for_element(Locator::Id("z-reports")).await.expect("the shop's page");
        let z = z.text().await.expect("text");
        assert!(z.contains("差额") && z.contains("-¥0.50"), "{z}");
        let wechat = c.find(Locator::Id("pay-wechat")).await.expect("WeChat row").text().await.expect("text");
        assert!(wechat.contains("微信支付") && wechat.contains("¥5.50"), "{wechat}");
        let (inner, content) = widths(&c).await;
        assert!(inner == 360 && content <= inner, "no sideways scrolling on the shop's page: {inner} {content}");
        std::fs::write(&shot, c.screenshot().await.expect("screenshot")).expect("write screenshot");

        c.goto(&format!("{}/prices?lang=zh", office.base_url)).await.expect("prices page");
        c.find(Locator::Id("barcode")).await.expect("barcode").send_keys("6900138600889").await.expect("type");
        c.find(Locator::Id("price")).await.expect("price").send_keys("3.80").await.expect("type");
        c.find(Locator::Id("save-price")).await.expect("button").click().await.expect("click");
        let message = c.wait().at_most(wait).for_element(Locator::Id("message")).await.expect("the answer");
        let message = message.text().await.expect("text");
        assert!(message.contains("已保存"), "{message}");
        let (inner, content) = widths(&c).await;
        assert!(content <= inner, "no sideways scrolling on the prices page: {inner} {content}");
        c.close().await.expect("close the session");
    });
    assert_eq!(
        office.db().number("SELECT (product ->> 'price')::bigint FROM products WHERE barcode = '6900138600889'"),
        380
    );
}
