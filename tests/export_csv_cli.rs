//! `till export-csv`: the real binary reads a real store and writes the days' CSV; it reads back
//! to the same totals as the report of those days.

use std::process::Command;
use till::core::Counters;
use till::core::clock::Millis;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::office::csv::{self, RowKind};
use till::core::office::day::Day;
use till::core::office::{report, summary};
use till::core::order::{Line, Order, OrderStatus, Refund, RefundOf, RefundState, Tender};
use till::store::{RedbStore, Store};

/// 2026-11-01 10:00 in Beijing.
const NOV1: Millis = Millis(1_793_498_400_000);

fn sale(id: u64, day: i64, fen: i64, tender: Tender) -> Order {
    let at = NOV1.plus_secs(day * 86_400 + id as i64 * 60);
    let mut o = Order::new(id, at, "01".into());
    o.lines.push(Line {
        barcode: "6921168509256".into(),
        name: "农夫山泉, 550ml".into(),
        unit_price: Fen(fen),
        qty: 2,
    });
    o.status = OrderStatus::Paid;
    o.tender = Some(tender);
    o.number = Some(format!("0100005226110{id:07}"));
    o.closed_at = Some(at);
    o
}

#[test]
fn export_csv_writes_a_range_that_reads_back_to_the_reports_totals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wechat = Tender::Code { platform: Platform::WeChat, out_trade_no: "w".into(), transaction_id: "t".into() };
    let mut orders = vec![
        sale(1, 0, 350, Tender::Cash { received: Fen(1_000), change: Fen(300) }),
        sale(2, 5, 1_250, wechat.clone()),
        sale(3, 21, 999, wechat),
        sale(4, 22, 5_000, Tender::Cash { received: Fen(10_000), change: Fen(0) }), // the day after: not in
    ];
    orders[1].refunds.push(Refund {
        out_refund_no: "R1".into(),
        amount: Fen(300),
        total: Fen(2_500),
        refunded_before: Fen::ZERO,
        requested_at: NOV1.plus_secs(6 * 86_400),
        operator: "02".into(),
        state: RefundState::Refunded,
        refund_id: Some("r".into()),
        queries: 0,
        of: Some(RefundOf { platform: Platform::WeChat, out_trade_no: "w".into(), transaction_id: "t".into() }),
        cash: false,
        returns: Vec::new(),
    });
    {
        let store = RedbStore::open(&dir.path().join("store")).expect("store");
        for o in &orders {
            store.save(o, &Counters::default()).expect("save");
        }
    }
    let config = dir.path().join("till.toml");
    let toml = format!("version = 1\nshop_name = \"小店\"\ndata_dir = \"{}\"\n[printer]\n", dir.path().display());
    std::fs::write(&config, toml).expect("config");
    let out = dir.path().join("nov.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["export-csv", "--config"])
        .arg(&config)
        .args(["--from", "2026-11-01", "--to", "2026-11-22", "--out"])
        .arg(&out)
        .status()
        .expect("till runs");
    assert!(status.success());
    let text = std::fs::read_to_string(&out).expect("the file");
    assert!(text.starts_with("\u{feff}类型,时间,订单号"), "a Chinese header for a Chinese till: {text}");
    let rows = csv::parse(&text).expect("reads back");
    assert_eq!(
        rows.iter().map(|r| r.kind).collect::<Vec<_>>(),
        [RowKind::Sale, RowKind::Sale, RowKind::Refund, RowKind::Sale]
    );
    let (from, to) = (Day::parse("2026-11-01").expect("day"), Day::parse("2026-11-22").expect("day"));
    let r = report::compute(&orders, summary::period(from, to, 480), &[]);
    let sales: Fen = rows.iter().filter(|r| r.kind == RowKind::Sale).map(|r| r.amount).sum();
    let net: Fen = rows.iter().map(|r| r.amount).sum();
    assert_eq!((sales, net), (r.total.sales.amount, r.total.net()));
    assert_eq!((sales, net), (Fen(700 + 2_500 + 1_998), Fen(5_198 - 300)));
    assert!(text.contains("refund,2026-11-07 10:00:00,01000052261100000002,R1,wechat,02,0,-3.00\r\n"), "{text}");

    // A date that does not exist is refused with one line and no file.
    let bad = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["export-csv", "--config"])
        .arg(&config)
        .args(["--from", "2026-02-30", "--out"])
        .arg(dir.path().join("bad.csv"))
        .output()
        .expect("till runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("2026-02-30"));
    assert!(!dir.path().join("bad.csv").exists());
}
