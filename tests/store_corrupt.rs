#![allow(clippy::panic)] // a test fails by panicking
//! A damaged order store: the real `till` refuses to start selling, says in one line where the
//! store is and how to recover, exits non-zero, and leaves every file of the store as it was.

mod common;

use common::process::{TillProcess, World};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use till::core::money::Fen;
use till::core::{Key, Screen};
use till::sim::cloudpay::SimConfig;

const COLA: &str = "6900138600889";
const SECS: fn(u64) -> Duration = Duration::from_secs;

fn cash_sale(till: &mut TillProcess) {
    till.wait_for("sale screen", SECS(10), |o| o.screen == Screen::Sale && o.total == Fen(0));
    till.scan(COLA);
    till.typed("");
    till.key(Key::Char('c'));
    till.typed("");
    till.wait_for("cash paid", SECS(5), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
}

/// Each file of the store and a hash of its bytes.
fn hashes(dir: &Path) -> BTreeMap<String, u64> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut out = BTreeMap::new();
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).expect("read");
        let mut h = DefaultHasher::new();
        bytes.hash(&mut h);
        out.insert(entry.strip_prefix(dir).expect("prefix").display().to_string(), h.finish());
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let p = e.expect("entry").path();
        let target = to.join(p.file_name().expect("name"));
        if p.is_dir() { copy_dir(&p, &target) } else { std::fs::copy(&p, &target).map(|_| ()).expect("copy") }
    }
}

/// Runs `till run --headless` on the world's config until it exits: (success, stderr).
fn run_till(w: &World) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["run", "--headless", "--config"])
        .arg(&w.config_path)
        .env("TILL_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + SECS(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            let out = child.wait_with_output().expect("output");
            return (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    let last = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().to_string();
    (true, format!("the till started selling on the damaged store: {last}"))
}

/// A store with three cash sales, its pristine copy, and the db file's length.
fn store_with_sales() -> (World, std::path::PathBuf, std::path::PathBuf, u64) {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    for _ in 0..3 {
        cash_sale(&mut till);
    }
    till.quit();
    let store = w.data_dir().join("store");
    let pristine = w.dir.path().join("pristine");
    copy_dir(&store, &pristine);
    let db_len = std::fs::metadata(store.join("db")).expect("db").len();
    (w, store, pristine, db_len)
}

type Damage = Box<dyn Fn(&Path)>;

/// Damages a fresh copy of the store each way, starts the till on it, and checks the refusal.
fn assert_refused(w: &World, store: &Path, pristine: &Path, damages: &[(&str, Damage)]) {
    let mut refused = Vec::new();
    for (what, damage) in damages {
        std::fs::remove_dir_all(store).expect("rm");
        copy_dir(pristine, store);
        damage(store);
        let before = hashes(store);
        let (ok, stderr) = run_till(w);
        let after = hashes(store);
        assert_eq!(before, after, "{what}: the store's files were changed ({stderr})");
        assert!(!ok, "{what}: exit status 0");
        let line = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default().to_string();
        assert!(line.contains(&store.display().to_string()), "{what}: the message names the store: {stderr}");
        assert!(line.contains("till import"), "{what}: the message says how to recover: {line}");
        refused.push(format!("{what}: {line}"));
    }
    eprintln!("{}", refused.join("\n"));
}

#[test]
fn a_store_whose_config_file_is_damaged_is_refused_with_a_clear_message_and_left_untouched() {
    let (w, store, pristine, _) = store_with_sales();
    let damages: Vec<(&str, Damage)> = vec![(
        "conf overwritten",
        Box::new(|s: &Path| std::fs::write(s.join("conf"), b"\xff\xfe garbage").expect("w")),
    )];
    assert_refused(&w, &store, &pristine, &damages);
}

/// Fails with sled 0.34: it takes a truncated or zeroed `db` (or a truncated `conf`) for the torn
/// tail of a crash, rewrites the files and opens an emptier store (the till then sells on with
/// order ids starting again). Kept as the evidence for the store decision in docs/store.md.
#[test]
#[ignore = "sled 0.34 opens a truncated db as an older (or empty) store and rewrites it: docs/store.md"]
fn a_store_whose_data_file_is_truncated_or_zeroed_is_refused_and_left_untouched() {
    let (w, store, pristine, db_len) = store_with_sales();
    let damages: Vec<(&str, Damage)> = vec![
        ("conf truncated", Box::new(|s: &Path| truncate(&s.join("conf"), 3))),
        ("db truncated to a few bytes", Box::new(|s: &Path| truncate(&s.join("db"), 10))),
        ("db truncated to half", Box::new(move |s: &Path| truncate(&s.join("db"), db_len / 2))),
        ("db zeroed at the start", Box::new(|s: &Path| overwrite(&s.join("db"), 0, &[0u8; 4096]))),
    ];
    assert_refused(&w, &store, &pristine, &damages);
}

fn truncate(path: &Path, len: u64) {
    std::fs::OpenOptions::new().write(true).open(path).and_then(|f| f.set_len(len)).expect("truncate");
}

fn overwrite(path: &Path, at: u64, bytes: &[u8]) {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(path).expect("open");
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.write_all(bytes).expect("write");
}
