#![allow(clippy::panic)] // a test fails by panicking
//! The shop's stock on the real office binary and a real PostgreSQL cluster: the goods refunds
//! take back count on the low-stock list (as the till that made them moved its own stock); the
//! shop's levels go down to a till by a signed `GET /v1/stock` — the last count plus every move
//! since, by the till's clock — naming which of the till's own records they count; a till's shop
//! changed on the devices page, behind the session and its CSRF token, and kept in the audit.

mod common;
#[allow(dead_code)] // the helpers other tests use
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, between, now_secs, office_command, post_record, signed_in};
use process::World;
use till::core::Counters;
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::order::{Line, Order, OrderStatus, Refund, Returned, Tender};
use till::sim::cloudpay::SimConfig;
use till::store::{RedbStore, Store};
use till::sync::BackofficeConfig;
use till_proto::sign::Signer;
use till_proto::stock::{STOCK_PATH, StockAnswer, signing_key};

const ONE: Signer = Signer { device_id: "till-one", key_id: "1", key: "one-key" };
const TWO: Signer = Signer { device_id: "till-two", key_id: "1", key: "two-key" };
const COLA: &str = "6900138600889";

/// An office with tills one and two in 东店 and a signed-in owner's session.
fn shop() -> (OfficeProcess, String) {
    let office = OfficeProcess::start(&[]);
    for s in [ONE, TWO] {
        let add = ["add-device", s.device_id, "--name", s.device_id, "--shop", "东店"];
        office_command(&office.cluster, &add, &[("TILL_OFFICE_DEVICE_KEY", s.key)]);
    }
    office.add_owner("owner", "correct horse");
    let token = signed_in(&office.base_url, "owner", "correct horse");
    (office, token)
}

fn post(office: &OfficeProcess, signer: Signer, key: &str, body: &str) {
    let (status, answer) = post_record(&office.records_url(), signer, now_secs(), key, body);
    assert_eq!(status, 201, "{key}: {answer}\n{}", office.log());
}

/// A stock sheet record: `kind` goods_in (lines' qty received) or count (qty counted).
fn sheet(number: &str, seq: u64, kind: &str, at: i64, qty: i64, delta: i64) -> (String, String) {
    let key = format!("stock:{number}");
    let body = format!(
        r#"{{"kind":"stock","key":"{key}","seq":{seq},"sheet":{{"number":"{number}","kind":"{kind}","applied_at":{at},
        "lines":[{{"barcode":"{COLA}","name":"可口可乐","qty":{qty},"expected":null}}],"deltas":[["{COLA}",{delta}]]}}}}"#
    );
    (key, body)
}

/// A cash sale of `qty` colas at `at` as the till's own order record.
fn sale(number: &str, seq: u64, at: i64, qty: u32) -> (String, String) {
    let order = format!(
        r#"{{"kind":"order","key":"order:{number}","seq":{seq},"order":{{"id":{seq},"opened_at":{at},"closed_at":{at},
        "operator":"01","number":"{number}","lines":[{{"barcode":"{COLA}","name":"可口可乐","unit_price":350,"qty":{qty}}}],
        "tender":{{"Cash":{{"received":{amount},"change":0}}}}}}}}"#,
        amount = 350 * qty
    );
    (format!("order:{number}"), order)
}

fn get(office: &OfficeProcess, token: &str, path: &str) -> String {
    reqwest::blocking::Client::new()
        .get(format!("{}{path}", office.base_url))
        .header("cookie", format!("till_office_session={token}"))
        .send()
        .and_then(|a| a.text())
        .expect("page")
}

/// The cola's level on the shop page's low-stock list.
fn low_cola(office: &OfficeProcess, token: &str) -> Option<i64> {
    let html = get(office, token, "/shop?lang=en&shop=%E4%B8%9C%E5%BA%97");
    let low = between(&html, "id=\"low-stock\"", "</table>").unwrap_or_default();
    let row = low.split("<tr").find(|r| r.contains(COLA))?;
    let cells: Vec<String> =
        row.split("<td").filter_map(|c| Some(c.split_once('>')?.1.split('<').next()?.trim().to_string())).collect();
    cells.iter().rev().find_map(|c| c.parse().ok())
}

fn drain(store: &RedbStore) -> Vec<(String, String)> {
    let records: Vec<_> = store.outbox_pending(10).expect("outbox");
    for r in &records {
        store.outbox_mark_delivered(r.seq).expect("delivered");
    }
    records.into_iter().map(|r| (r.key, r.body)).collect()
}

#[test]
fn the_goods_refunds_take_back_count_on_the_low_stock_list_as_the_till_moved_them() {
    let (office, token) = shop();
    let now = now_secs() * 1000;
    let (key, body) = sheet("G1", 1, "goods_in", now - 60_000, 4, 4);
    post(&office, ONE, &key, &body);
    // The till's own store queues the sale and its refunds, bodies exactly as a till sends them.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path()).expect("store");
    let at = Millis(now);
    let mut order = Order::new(1, at, "01".into());
    order.lines.push(Line { barcode: COLA.into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 3 });
    order.status = OrderStatus::Paid;
    order.number = Some("C1".into());
    order.closed_at = Some(at);
    order.tender = Some(Tender::Cash { received: Fen(1050), change: Fen(0) });
    store.save(&order, &Counters::default()).expect("sale");
    for (key, body) in drain(&store) {
        post(&office, ONE, &key, &body);
    }
    assert_eq!(low_cola(&office, &token), Some(1), "4 in, 3 sold");

    // One cola comes back with its refund.
    let mut back = Refund::cash_now("R1".into(), Fen(350), Fen(1050), Fen(0), Millis(now + 1000), "01".into());
    back.returns = vec![Returned { line: 0, barcode: COLA.into(), qty: 1 }];
    order.refunds.push(back);
    store.save(&order, &Counters::default()).expect("refund");
    for (key, body) in drain(&store) {
        post(&office, ONE, &key, &body);
    }
    assert_eq!(low_cola(&office, &token), Some(2), "the returned cola is back on the shelf");

    // The rest refunded by amount: it completes the order, so the two colas still out come back.
    let rest = Refund::cash_now("R2".into(), Fen(700), Fen(1050), Fen(350), Millis(now + 2000), "01".into());
    order.refunds.push(rest);
    store.save(&order, &Counters::default()).expect("full refund");
    for (key, body) in drain(&store) {
        post(&office, ONE, &key, &body);
    }
    assert_eq!(low_cola(&office, &token), Some(4), "everything sold came back, once");
    let db = office.db();
    assert_eq!(db.number("SELECT sum(qty)::bigint FROM refund_returned"), 3);
}

/// A till's signed `GET /v1/stock?after=N&from=S`.
fn levels(office: &OfficeProcess, signer: Signer, after: i64, from: u64) -> StockAnswer {
    let key = signing_key(after, from);
    let mut request =
        reqwest::blocking::Client::new().get(format!("{}{STOCK_PATH}?after={after}&from={from}", office.base_url));
    for (name, value) in signer.headers(now_secs(), &key, "") {
        request = request.header(name, value);
    }
    let answer = request.send().expect("stock");
    assert_eq!(answer.status().as_u16(), 200);
    serde_json::from_str(&answer.text().expect("text")).expect("a stock answer")
}

#[test]
fn the_shops_levels_are_the_last_count_plus_every_move_since_and_name_the_tills_own_records() {
    let (office, token) = shop();
    let now = now_secs() * 1000;
    let (key, body) = sheet("G1", 1, "goods_in", now - 60_000, 10, 10);
    post(&office, ONE, &key, &body);
    let (key, body) = sale("S1", 1, now - 50_000, 3);
    post(&office, TWO, &key, &body);
    let answer = levels(&office, ONE, 0, 1);
    let got = answer.levels.expect("levels");
    assert_eq!(got.levels, vec![(COLA.to_string(), 7)], "10 in on till one, 3 sold on till two");
    assert_eq!(got.own, vec![1], "till one's own goods-in is counted in them");
    assert_eq!(levels(&office, TWO, 0, 1).levels.expect("levels").own, vec![1]);
    assert_eq!(levels(&office, ONE, got.version, 2).levels, None, "nothing moved since");

    // A count of 8 on till two; a sale on till one after it; one on till two before it, late.
    let (key, body) = sheet("C1", 2, "count", now - 40_000, 8, 1);
    post(&office, TWO, &key, &body);
    let (key, body) = sale("S2", 2, now - 30_000, 1);
    post(&office, ONE, &key, &body);
    let (key, body) = sale("S3", 3, now - 45_000, 2);
    post(&office, TWO, &key, &body);
    let got = levels(&office, ONE, got.version, 2).levels.expect("levels");
    assert_eq!(got.levels, vec![(COLA.to_string(), 7)], "8 counted, 1 sold since; the earlier sale was on the count");
    assert_eq!(got.own, vec![2]);
    assert_eq!(low_cola(&office, &token), None, "7 is not low stock (at most 5)");
}

#[test]
fn a_tills_shop_is_changed_on_the_devices_page_behind_session_and_csrf_and_kept_in_the_audit() {
    let (office, token) = shop();
    let http =
        reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let page = get(&office, &token, "/devices?lang=en");
    assert!(page.contains("Change shop") && page.contains("value=\"东店\""), "{page}");
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"").expect("csrf");
    let post = |csrf: &str, cookie: &str| {
        http.post(format!("{}/devices/shop", office.base_url))
            .header("cookie", cookie)
            .form(&[("csrf", csrf), ("lang", "en"), ("device_id", "till-two"), ("shop", " West ")])
            .send()
            .expect("post")
            .status()
            .as_u16()
    };
    let session = format!("till_office_session={token}");
    assert_eq!(post("forged", &session), 403, "not the session's CSRF token");
    assert_eq!(post(&csrf, "till_office_session=nobody"), 303, "no session: to the sign-in page");
    let db = office.db();
    assert_eq!(db.text("SELECT shop FROM devices WHERE device_id = 'till-two'"), "东店", "nothing changed yet");
    assert_eq!(post(&csrf, &session), 303);
    assert_eq!(db.text("SELECT shop FROM devices WHERE device_id = 'till-two'"), "West");
    assert_eq!(
        db.text(
            "SELECT was || ' -> ' || now || ' by ' || o.login FROM device_changes c JOIN owners o ON o.id = c.changed_by
             WHERE c.device_id = 'till-two' AND c.field = 'shop'"
        ),
        "东店 -> West by owner"
    );
    let shops = get(&office, &token, "/shops?lang=en");
    assert!(shops.contains("West"), "the shops page lists it in its new shop: {shops}");
    let (status, _) = {
        let a = http
            .post(format!("{}/devices/shop", office.base_url))
            .header("cookie", &session)
            .form(&[("csrf", csrf.as_str()), ("lang", "en"), ("device_id", "till-none"), ("shop", "West")])
            .send()
            .expect("post");
        (a.status().as_u16(), ())
    };
    assert_eq!(status, 404, "no such till");
}

/// What the levels' version is: the newest record that moves stock.
const STOCK_VERSION: &str = "SELECT max(id) FROM records WHERE kind IN ('order', 'refund', 'stock')";

/// A real till selling against the office, in 东店.
fn till_in_shop(office: &OfficeProcess, device: &str, key: &str) -> World {
    let add = ["add-device", device, "--name", device, "--shop", "东店"];
    office_command(&office.cluster, &add, &[("TILL_OFFICE_DEVICE_KEY", key)]);
    let url = office.records_url();
    World::new(SimConfig::default(), |c| {
        c.backoffice = Some(BackofficeConfig {
            url,
            device_id: device.into(),
            key: key.into(),
            catalogue_poll_secs: 1,
            ..BackofficeConfig::demo("")
        });
    })
}

/// The cola's count in a stopped till's store.
fn stored_cola(w: &World) -> Option<i64> {
    let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
    store.record(till::store::Table::Stock, COLA).expect("stock").and_then(|v| v.trim().parse().ok())
}

#[test]
fn a_sale_on_one_till_lowers_the_stock_on_the_other_and_its_own_is_not_counted_twice() {
    let secs = std::time::Duration::from_secs;
    let (office, _) = shop();
    // Till one of the shop (the stock room's) takes in 20 colas.
    let (key, body) = sheet("G1", 1, "goods_in", now_secs() * 1000 - 60_000, 20, 20);
    post(&office, ONE, &key, &body);
    let mut one = till_in_shop(&office, "till-a", "a-key");
    let mut two = till_in_shop(&office, "till-b", "b-key");
    let mut a = one.start_till();
    let mut b = two.start_till();
    let first = office.db().number(STOCK_VERSION);
    for t in [&mut a, &mut b] {
        t.wait_for("the shop's levels", secs(30), |o| o.sync.stock_version >= Some(first));
    }
    a.cash_sale_cola();
    a.wait_for("delivered", secs(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());
    let sold = office.db().number(STOCK_VERSION);
    assert!(sold > first, "the sale is at the office");
    for t in [&mut a, &mut b] {
        t.wait_for("the levels after the sale", secs(30), |o| o.sync.stock_version >= Some(sold));
    }
    a.quit();
    b.quit();
    assert_eq!(stored_cola(&two), Some(19), "till b counts till a's sale: {}", two.till_log());
    assert_eq!(stored_cola(&one), Some(19), "till a's own sale counted once: {}", one.till_log());
}
