#![allow(clippy::panic)] // a test fails by panicking
//! `till export` and `till import` with the real binary: the whole store (orders with their
//! attempts and refunds, counters, the outbox) round-trips through JSON lines; import goes only
//! into an empty store and refuses a truncated file.

mod common;

use common::process::{TillProcess, World};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use till::config::Config;
use till::core::money::Fen;
use till::core::{Key, Screen};
use till::sim::cloudpay::SimConfig;
use till::store::{Put, RedbStore, Store, Table};

const COLA: &str = "6900138600889";
const SECS: fn(u64) -> Duration = Duration::from_secs;

fn sale(till: &mut TillProcess, code: Option<&str>) {
    till.wait_for("sale screen", SECS(10), |o| o.screen == Screen::Sale && o.total == Fen(0));
    till.scan(COLA);
    till.typed("");
    match code {
        Some(code) => till.scan(code),
        None => {
            till.key(Key::Char('c'));
            till.typed("");
        }
    }
    till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
}

/// Runs `till <verb> --config <config>` with `input` on stdin: (success, stdout, stderr).
fn till(verb: &str, config: &Path, input: &[u8]) -> (bool, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
        .args([verb, "--config"])
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (out.status.success(), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn store_of(config: &Path) -> RedbStore {
    let c = Config::load(config).expect("config");
    RedbStore::open(&c.data_dir().join("store")).expect("store")
}

#[test]
fn export_then_import_into_an_empty_store_gives_the_same_store() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut t = w.start_till();
    sale(&mut t, None);
    sale(&mut t, Some("134680423163089456"));
    sale(&mut t, None);
    t.quit();
    // The demo's seeded catalogue and stock, the sales' stock movements, and the records below.
    let records = {
        let s = store_of(&w.config_path);
        let hash = till::app::auth::hash_pin("482915").expect("hash");
        let op = till::core::auth::Operator::new("01", "店长", till::core::auth::Role::Supervisor, hash);
        let op =
            Put { table: Table::Operators, key: "01".into(), value: Some(serde_json::to_string(&op).expect("json")) };
        s.write_records(&[op], None).expect("operator");
        s.append_record(Table::Audit, r#"{"sign_in":"01"}"#).expect("audit");
        s.append_record(Table::Audit, r#"{"sign_out":"01"}"#).expect("audit");
        assert_eq!(s.records(Table::StockMoves).expect("moves").len(), 3, "one stock movement per sale");
        Table::ALL.iter().map(|t| s.records(*t).expect("records").len()).sum::<usize>()
    };

    let (ok, backup, stderr) = till("export", &w.config_path, b"");
    assert!(ok, "export failed: {stderr}");
    let text = String::from_utf8(backup.clone()).expect("utf-8");
    let header: serde_json::Value = serde_json::from_str(text.lines().next().expect("header")).expect("json");
    assert_eq!(header["till_export"], 1);
    assert_eq!(header["schema"], till::store::SCHEMA_VERSION);
    assert_eq!(header["orders"], 3, "{header}");
    assert_eq!(header["outbox"], 3, "no back office: three records queued: {header}");
    assert_eq!(header["records"], records, "{header}");

    // Not into a store that has orders.
    let (ok, _, stderr) = till("import", &w.config_path, &backup);
    assert!(!ok && stderr.contains("not empty"), "{stderr}");

    // Into an empty data directory.
    let mut other = Config::load(&w.config_path).expect("config");
    other.data_dir = Some(w.dir.path().join("restored"));
    let other_path = w.dir.path().join("restored.toml");
    std::fs::write(&other_path, toml::to_string(&other).expect("toml")).expect("write");
    // A truncated file is refused and leaves the store empty.
    let cut = &backup[..backup.len() - 40];
    let (ok, _, stderr) = till("import", &other_path, cut);
    assert!(!ok, "a truncated export was imported: {stderr}");
    assert!(store_of(&other_path).orders().expect("orders").is_empty());
    let (ok, _, stderr) = till("import", &other_path, &backup);
    assert!(ok, "import failed: {stderr}");

    let (a, b) = (store_of(&w.config_path), store_of(&other_path));
    assert_eq!(a.orders().expect("a"), b.orders().expect("b"));
    assert_eq!(a.load_unsettled().expect("a"), b.load_unsettled().expect("b"));
    assert_eq!(a.outbox_pending(100).expect("a"), b.outbox_pending(100).expect("b"));
    let number = a.orders().expect("a")[1].number.clone().expect("number");
    assert_eq!(b.order_by_number(&number).expect("b").map(|o| o.id), Some(a.orders().expect("a")[1].id));
    for &table in Table::ALL {
        assert_eq!(a.records(table).expect("a"), b.records(table).expect("b"), "{table:?}");
    }
    drop((a, b));
    let (ok, again, _) = till("export", &other_path, b"");
    assert!(ok);
    assert_eq!(String::from_utf8(again).expect("utf-8"), text, "the restored store exports the same lines");
    let b = store_of(&other_path);
    assert_eq!(b.append_record(Table::Audit, "{}").expect("append"), 4, "the audit log goes on after the import");
}
