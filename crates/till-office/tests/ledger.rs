#![allow(clippy::panic)] // a test fails by panicking
//! The members' ledger on the real office binary and a real PostgreSQL cluster (issues 20/21):
//! a real till tops a member up in cash, spends from the balance (PIN typed), gives part back to the
//! balance and closes its day; the owner's pages show the stored value apart from the sales, stored
//! value among the payments, and the member's balance per the ledger, equal to the till's Z report
//! to the fen. Records made by the till's own store: each ledger entry once, a top-up by code not a
//! sale, a second till's entries in the same balance. A receipted exchange names its original order.

mod common;
#[allow(dead_code)] // the helpers other tests use
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, get_page as get, now_secs, office_command, part, post_record, signed_in};
use process::World;
use std::time::Duration;
use till::core::Key;
use till::core::Screen;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::office::{OfficeNotice, ZRecord};
use till::core::stored_value::{BonusTier, LedgerTotals};
use till::sim::cloudpay::SimConfig;
use till::store::{RedbStore, Store, Table};
use till::sync::{BackofficeConfig, DEMO_DEVICE_ID, DEMO_KEY};
use till_proto::sign::Signer;

const SECS: fn(u64) -> Duration = Duration::from_secs;
const COLA: &str = "6900138600889"; // 3.50
const PHONE: &str = "13812345678";
const PIN: &str = "2468";
const WEST: Signer = Signer { device_id: "till-west", key_id: "1", key: "west-key" };

/// An office with the till `till-west` in shop 西店 and a signed-in owner (the session's token).
fn west_office() -> (OfficeProcess, String) {
    let office = OfficeProcess::start(&[]);
    let add = ["add-device", "till-west", "--name", "西店 1", "--shop", "西店"];
    office_command(&office.cluster, &add, &[("TILL_OFFICE_DEVICE_KEY", "west-key")]);
    office.add_owner("owner", "correct horse");
    let token = signed_in(&office.base_url, "owner", "correct horse");
    (office, token)
}

/// A stored-value row of the owner's page: (moves, yuan as shown).
fn sv_row(html: &str, id: &str) -> String {
    part(html, &format!("sv-{id}"), "</tr>")
}

/// The member 张三 (M0001) with their PIN, in the till's store before it starts.
fn member_in_store(store_dir: &std::path::Path) {
    std::fs::create_dir_all(store_dir).expect("store dir");
    let store = RedbStore::open(store_dir).expect("store");
    let member = till::core::members::Member {
        id: "M0001".into(),
        name: "张三".into(),
        phone: till::core::members::Phone::parse(PHONE).expect("phone"),
        card: String::new(),
        level: "金卡".into(),
        points: 120,
    };
    till::app::members::put_all(&store, &[member]).expect("member stored");
    till::app::stored_value::set_pin(&store, "M0001", PIN).expect("pin set");
}

fn attach(till: &mut process::TillProcess) {
    till.typed(PHONE);
    till.wait_for("member found", SECS(5), |o| o.member_found.is_some());
    till.key(Key::Enter);
    till.wait_for("member attached", SECS(5), |o| o.member.is_some() && o.member_found.is_none());
}

/// The Z reports the till's own store keeps.
fn z_reports(store_dir: &std::path::Path) -> Vec<ZRecord> {
    let store = RedbStore::open(store_dir).expect("store");
    store
        .records(Table::Shifts)
        .expect("shifts")
        .into_iter()
        .filter(|(k, _)| k.starts_with("z/"))
        .map(|(k, v)| serde_json::from_str(&v).unwrap_or_else(|e| panic!("{k}: {e}")))
        .collect()
}

fn fen(m: till::core::stored_value::Moves) -> String {
    format!("¥{}.{:02}", m.amount.0 / 100, m.amount.0 % 100)
}

#[test]
fn a_tills_top_up_spend_and_refund_to_balance_reach_the_owners_pages_equal_to_its_z_report() {
    let office = OfficeProcess::start(&[]);
    let add = ["add-device", DEMO_DEVICE_ID, "--name", "Till 1 收银台", "--shop", "东店"];
    office_command(&office.cluster, &add, &[("TILL_OFFICE_DEVICE_KEY", DEMO_KEY)]);
    office.add_owner("owner", "correct horse");
    let token = signed_in(&office.base_url, "owner", "correct horse");
    let url = office.records_url();
    let mut w = World::new(SimConfig::default(), |c| {
        c.backoffice = Some(BackofficeConfig { url, ..BackofficeConfig::demo("") });
        c.stored_value.bonus = vec![BonusTier { pay: Fen(20000), bonus: Fen(5000) }];
    });
    let store_dir = w.data_dir().join("store");
    member_in_store(&store_dir);
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    // 200.00 topped up in cash (50.00 bonus by the shop's tier).
    attach(&mut till);
    till.line(r#"{"act":"top_up","amount":"200"}"#);
    till.wait_for("top-up to pay", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false } && o.total == Fen(20000));
    till.key(Key::Char('c'));
    till.typed("200");
    till.wait_for("top-up paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
    // A cola, 2.00 of it from the balance (PIN typed), the rest in cash.
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    till.scan(COLA);
    till.wait_for("a cola", SECS(5), |o| o.total == Fen(350));
    attach(&mut till);
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == Screen::Pay { cash_entry: false });
    till.line(r#"{"act":"pay_stored_value","amount":"2"}"#);
    till.typed(PIN);
    till.wait_for("part paid from the balance", SECS(10), |o| o.remaining == Fen(150));
    till.key(Key::Char('c'));
    till.typed("5");
    let o = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    let number = o.number.clone().expect("a receipt number");
    till.key(Key::Esc);
    // 1.00 of it back to the balance.
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    till.scan(&number);
    till.wait_for("looked up", SECS(10), |o| o.lookup.as_ref().is_some_and(|v| !v.pending && v.order.is_some()));
    till.line(r#"{"act":"refund_stored_value","amount":"1"}"#);
    till.wait_for("given back", SECS(10), |o| {
        o.lookup.as_ref().and_then(|v| v.order.as_ref()).is_some_and(|order| order.value_back.len() == 1)
    });
    till.key(Key::Esc);
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.lookup.is_none());
    // The day closed: its Z report.
    till.line(r#"{"act":"open_report"}"#);
    till.wait_for("report", SECS(5), |o| o.screen == Screen::Office && o.notice.is_none());
    till.key(Key::F(7));
    till.wait_for("day closed", SECS(10), |o| matches!(o.notice, Some(Notice::Office(OfficeNotice::DayClosed { .. }))));
    till.key(Key::Esc);
    till.key(Key::Esc);
    // Everything in PostgreSQL: the two orders, the four entries and the Z report.
    let db = office.db();
    let delivered = "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM top_ups)
        + (SELECT count(*) FROM stored_value_entries) + (SELECT count(*) FROM z_reports)";
    process::wait_until("everything delivered", SECS(60), || db.number(delivered) == 7);
    till.quit();

    let zs = z_reports(&store_dir);
    assert_eq!(zs.len(), 1, "one day closed");
    let z: LedgerTotals = zs.iter().map(|z| z.report.stored_value).next().expect("the Z report");
    assert_eq!(
        (z.top_up_cash.amount, z.bonus.amount, z.spent.amount, z.given_back.amount),
        (Fen(20000), Fen(5000), Fen(200), Fen(100))
    );
    for path in ["/?lang=en", "/shop?lang=en&shop=%E4%B8%9C%E5%BA%97"] {
        let (status, html) = get(&office.base_url, &token, path);
        assert_eq!(status, 200, "{path}");
        // The owner's stored value is the Z report's, to the fen.
        for (id, moves) in [
            ("top-up-cash", z.top_up_cash),
            ("top-up-code", z.top_up_code),
            ("bonus", z.bonus),
            ("spent", z.spent),
            ("given-back", z.given_back),
        ] {
            let row = sv_row(&html, id);
            assert!(
                row.contains(&format!("<td class=\"n\">{}</td><td class=\"n\">{}</td>", moves.n, fen(moves))),
                "{path} {id}: {row} (Z: {moves:?})"
            );
        }
        assert!(sv_row(&html, "owed").contains("¥249.00"), "{path}: what members are owed: {html}");
        assert!(sv_row(&html, "change").contains("¥249.00"), "{path}: {html}");
        // Stored value is a tender among the payments, and the top-up no sale.
        assert!(part(&html, "pay-stored_value", "</tr>").contains("¥2.00"), "{path}: {html}");
        assert!(part(&html, "pay-cash", "</tr>").contains("¥1.50"), "{path}: cash paid for goods only: {html}");
        let sales = part(&html, "today", "</div></div>");
        assert!(sales.contains("¥3.50") && !sales.contains("203.50"), "{path}: the top-up is no sale: {sales}");
    }
    let (_, zh) = get(&office.base_url, &token, "/?lang=zh");
    assert!(zh.contains("储值（今天）") && sv_row(&zh, "top-up-cash").contains("现金充值"), "{zh}");

    // The member, their balance per the ledger, points and entries.
    let (_, members) = get(&office.base_url, &token, "/members?lang=en&q=M0001");
    let row = part(&members, "member-M0001", "</tr>");
    assert!(row.contains("¥249.00") && row.contains("Points 3"), "{members}");
    let (status, member) = get(&office.base_url, &token, "/member?lang=en&id=M0001");
    assert_eq!(status, 200);
    let ledger = part(&member, "ledger", "</table>");
    for shown in ["Top-up", "Bonus", "Spent", "Refunded to balance", "¥200.00", "¥250.00", "¥248.00", "¥249.00"] {
        assert!(ledger.contains(shown), "{shown} not in the member's ledger: {ledger}");
    }
    assert_eq!(db.number("SELECT count(*) FROM stored_value_entries"), 4, "each entry once");
    assert_eq!(db.number("SELECT count(*) FROM orders"), 1, "the top-up is not an order sold");
    assert_eq!(db.number("SELECT count(*) FROM top_ups WHERE in_cash AND paid_fen = 20000"), 1);
    let (_, journal) = get(&office.base_url, &token, "/orders?lang=en");
    assert!(part(&journal, "top-ups", "</table>").contains("¥200.00"), "{journal}");
    assert!(part(&journal, &format!("order-{number}"), "</tr>").contains("Stored value ¥2.00"), "{journal}");
}

/// A top-up by code and a spend, made by the till's own store (bodies exactly as it queues them).
fn store_records(now: i64) -> (Vec<(String, String)>, till::core::office::report::Report) {
    use till::core::Counters;
    use till::core::clock::Millis;
    use till::core::code::Platform;
    use till::core::office::report::{Period, compute};
    use till::core::order::{Line, Order, OrderStatus, Tender, TenderPart};
    use till::core::stored_value::{Spent, TopUp};
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path()).expect("store");
    let now = Millis(now);
    let mut top_up = Order::new(1, now, "01".into());
    top_up.lines.push(Line { barcode: String::new(), name: "储值充值".into(), unit_price: Fen(10000), qty: 1 });
    top_up.top_up = Some(TopUp {
        member: "M0001".into(),
        phone: "138****5678".into(),
        paid: Fen(10000),
        bonus: Fen(0),
        balance: None,
    });
    top_up.status = OrderStatus::Paid;
    top_up.number = Some("W1".into());
    top_up.closed_at = Some(now);
    top_up.tender =
        Some(Tender::Code { platform: Platform::Alipay, out_trade_no: "W1".into(), transaction_id: "T1".into() });
    store.save(&top_up, &Counters::default()).expect("save the top-up");
    let mut sale = Order::new(2, now, "01".into());
    sale.lines.push(Line { barcode: COLA.into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 2 });
    sale.stored_value.push(Spent { member: "M0001".into(), amount: Fen(700), at: now });
    sale.tender =
        Some(Tender::Mixed { parts: vec![TenderPart::StoredValue { member: "M0001".into(), amount: Fen(700) }] });
    sale.status = OrderStatus::Paid;
    sale.number = Some("W2".into());
    sale.closed_at = Some(now);
    store.save(&sale, &Counters::default()).expect("save the sale");
    let records = store.outbox_pending(20).expect("outbox").into_iter().map(|r| (r.key, r.body)).collect();
    (records, compute(&[top_up, sale], Period { from: None, to: Millis(now.0 + 1000) }, &[]))
}

#[test]
fn each_ledger_entry_is_kept_once_a_top_up_by_code_is_no_sale_and_two_tills_share_a_balance() {
    let (office, token) = west_office();
    let (records, report) = store_records(now_secs() * 1000);
    let mut keys: Vec<&str> = records.iter().map(|r| r.0.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["order:W1", "order:W2", "stored_value:M0001:spend:2:0", "stored_value:M0001:topup:1"],
        "the till's own records"
    );
    for (key, body) in &records {
        let (status, answer) = post_record(&office.records_url(), WEST, now_secs(), key, body);
        assert_eq!(status, 201, "{key}: {answer}\n{}", office.log());
    }
    for (key, body) in &records {
        let (status, _) = post_record(&office.records_url(), WEST, now_secs(), key, body);
        assert_eq!(status, 409, "{key} sent again: kept once");
    }
    let db = office.db();
    assert_eq!(db.number("SELECT count(*) FROM stored_value_entries"), 2);
    assert_eq!(db.number("SELECT coalesce(sum(delta_fen), 0)::bigint FROM stored_value_entries"), 9300);
    assert_eq!(
        db.text("SELECT string_agg(kind || ':' || amount_fen, ',' ORDER BY part_no) FROM payments"),
        "stored_value:700"
    );
    let (_, html) = get(&office.base_url, &token, "/shop?lang=en&shop=%E8%A5%BF%E5%BA%97");
    let sv = report.stored_value;
    assert_eq!((sv.top_up_code.amount, sv.spent.amount), (Fen(10000), Fen(700)), "the till's own report");
    assert!(
        sv_row(&html, "top-up-code")
            .contains(&format!("<td class=\"n\">1</td><td class=\"n\">{}</td>", fen(sv.top_up_code)))
    );
    assert!(sv_row(&html, "spent").contains(&format!("<td class=\"n\">1</td><td class=\"n\">{}</td>", fen(sv.spent))));
    assert!(part(&html, "today", "</div></div>").contains("¥7.00"), "sales: the cola only: {html}");

    // A record whose entry cannot be: refused, nothing kept.
    let bad = r#"{"kind":"stored_value","key":"stored_value:M0001:spend:9:0","seq":99,"entry":{"key":"spend:9:0",
        "member":"M0001","kind":"spend","amount":-5,"order":9,"at":1},"balance":0}"#;
    let (status, _) = post_record(&office.records_url(), WEST, now_secs(), "stored_value:M0001:spend:9:0", bad);
    assert_eq!(status, 422);
    assert_eq!(db.number("SELECT count(*) FROM records WHERE key = 'stored_value:M0001:spend:9:0'"), 0);

    // A second till's spend comes off the same balance.
    let east = ["add-device", "till-east", "--name", "东店 1", "--shop", "东店"];
    office_command(&office.cluster, &east, &[("TILL_OFFICE_DEVICE_KEY", "east-key")]);
    let at = now_secs() * 1000;
    let body = format!(
        r#"{{"kind":"stored_value","key":"stored_value:M0001:spend:1:0","seq":1,"entry":{{"key":"spend:1:0",
        "member":"M0001","kind":"spend","amount":300,"order":1,"at":{at}}},"balance":9000,"order_number":"E1"}}"#
    );
    let east = Signer { device_id: "till-east", key_id: "1", key: "east-key" };
    assert_eq!(post_record(&office.records_url(), east, now_secs(), "stored_value:M0001:spend:1:0", &body).0, 201);
    let (_, members) = get(&office.base_url, &token, "/members?lang=en&q=M0001");
    assert!(part(&members, "member-M0001", "</tr>").contains("¥90.00"), "both tills' entries: {members}");
    let (_, west) = get(&office.base_url, &token, "/shop?lang=en&shop=%E8%A5%BF%E5%BA%97");
    assert!(sv_row(&west, "spent").contains("¥7.00"), "the shop's own day: {west}");
    assert!(sv_row(&west, "owed").contains("¥90.00"), "owed: every shop's: {west}");
    let (status, _) = get(&office.base_url, &token, "/member?lang=en&id=M9999");
    assert_eq!(status, 404);
}

#[test]
fn a_receipted_exchange_shows_its_original_order_in_the_owners_journal() {
    let (office, token) = west_office();
    let at = now_secs() * 1000;
    let order = |key: &str, seq: u64, exchange: &str| {
        let number = key.trim_start_matches("order:");
        let body = format!(
            r#"{{"kind":"order","key":"{key}","seq":{seq},"order":{{"id":{seq},"opened_at":{at},"closed_at":{at},
            "operator":"01","number":"{number}","lines":[{{"barcode":"{COLA}","name":"可口可乐","unit_price":350,"qty":2}}],
            "tender":{{"Cash":{{"received":700,"change":0}}}}{exchange}}}}}"#
        );
        (key.to_string(), body)
    };
    let exchange = r#","exchange":{"returned":[{"barcode":"6900138600889","name":"可口可乐","unit_price":350,"qty":1}],
        "credit":350,"reason":"faulty","approved_by":"09","from":{"number":"N1"}}"#;
    for (key, body) in [order("order:N1", 1, ""), order("order:N2", 2, exchange)] {
        let (status, answer) = post_record(&office.records_url(), WEST, now_secs(), &key, &body);
        assert_eq!(status, 201, "{key}: {answer}");
    }
    assert_eq!(office.db().text("SELECT from_number FROM exchanges"), "N1");
    let (_, en) = get(&office.base_url, &token, "/orders?lang=en");
    assert!(part(&en, "order-N2", "</tr>").contains("exchange of N1"), "{en}");
    assert!(!part(&en, "order-N1", "</tr>").contains("exchange"), "{en}");
    let (_, zh) = get(&office.base_url, &token, "/orders?lang=zh");
    assert!(part(&zh, "order-N2", "</tr>").contains("换货，原单 N1"), "{zh}");
}

#[test]
fn the_owner_finds_a_member_by_phone_digits_and_reads_their_ledger_on_a_360px_chromium() {
    use common::browser::{Driver, sign_in, widths};
    use fantoccini::Locator;
    let (office, _) = west_office();
    let (mut records, _) = store_records(now_secs() * 1000);
    let member = r#"{"kind":"member","key":"member:M0001:1","seq":50,"member":{"id":"M0001","name":"张三",
        "phone":"138****5678","card":"","level":"金卡","new":true,"changed_at":1}}"#;
    records.push(("member:M0001:1".into(), member.into()));
    for (key, body) in &records {
        assert_eq!(post_record(&office.records_url(), WEST, now_secs(), key, body).0, 201, "{key}");
    }
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile dir");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let wait = SECS(20);
    rt.block_on(async {
        let c = driver.phone(profile.path()).await;
        sign_in(&c, &office.base_url, "owner", "correct horse").await;
        let owed = c.wait().at_most(wait).for_element(Locator::Id("sv-owed")).await.expect("the today page");
        assert!(owed.text().await.expect("text").contains("¥93.00"));
        c.find(Locator::Id("members")).await.expect("members link").click().await.expect("click");
        c.wait().at_most(wait).for_element(Locator::Id("q")).await.expect("the members page");
        c.find(Locator::Id("q")).await.expect("search box").send_keys("5678").await.expect("type");
        c.find(Locator::Id("search")).await.expect("button").click().await.expect("click");
        // The answer's page: its search box says what was searched for.
        c.wait().at_most(wait).for_element(Locator::Css("input#q[value='5678']")).await.expect("searched");
        let row = c.wait().at_most(wait).for_element(Locator::Id("member-M0001")).await.expect("found");
        let text = row.text().await.expect("text");
        assert!(text.contains("张三") && text.contains("138****5678") && text.contains("¥93.00"), "{text}");
        assert!(text.contains("金卡") && !text.contains("13812345678"), "{text}");
        let (inner, content) = widths(&c).await;
        assert!(inner == 360 && content <= inner, "no sideways scrolling on the members page: {inner} {content}");
        c.find(Locator::LinkText("M0001")).await.expect("the member's link").click().await.expect("click");
        let ledger = c.wait().at_most(wait).for_element(Locator::Id("ledger")).await.expect("the member's page");
        let ledger = ledger.text().await.expect("text");
        assert!(ledger.contains("消费") && ledger.contains("充值") && ledger.contains("¥93.00"), "{ledger}");
        let (inner, content) = widths(&c).await;
        assert!(content <= inner, "no sideways scrolling on the member's page: {inner} {content}");
        c.close().await.expect("close the session");
    });
}

#[test]
fn a_members_points_are_earned_by_their_sale_and_a_refund_takes_back_its_share() {
    let (office, token) = west_office();
    let at = now_secs() * 1000;
    let sale = format!(
        r#"{{"kind":"order","key":"order:N1","seq":1,"order":{{"id":1,"opened_at":{at},"closed_at":{at},"operator":"01",
        "number":"N1","lines":[{{"barcode":"{COLA}","name":"可口可乐","unit_price":350,"qty":2}}],
        "tender":{{"Cash":{{"received":700,"change":0}}}},
        "member":{{"id":"M0002","name":"李四","phone":"139****0000","level":"银卡","points_per_yuan":2}}}}}}"#
    );
    let refund = format!(
        r#"{{"kind":"refund","key":"refund:R1","seq":2,"order_number":"N1","order_id":1,"refund":{{"out_refund_no":"R1",
        "amount":350,"requested_at":{at},"operator":"01","state":"Refunded","cash":true}}}}"#
    );
    for (key, body) in [("order:N1", sale), ("refund:R1", refund)] {
        let (status, answer) = post_record(&office.records_url(), WEST, now_secs(), key, &body);
        assert_eq!(status, 201, "{key}: {answer}");
    }
    // 7.00 at 2 a yuan: 14; 3.50 back takes 3 whole yuan's: 6.
    let (_, members) = get(&office.base_url, &token, "/members?lang=en");
    let row = part(&members, "member-M0002", "</tr>");
    assert!(row.contains("Points 8") && row.contains("¥0.00"), "{members}");
    assert!(!row.contains("none"), "a sale is a visit: {row}");
}
