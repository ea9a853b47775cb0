#![allow(clippy::panic)] // test helpers fail the test by panicking
//! Operators through the real `till` binary: the first sign-in (01 / 0000, then a PIN of one's
//! own) with argon2 in the loop, the operator on the receipt, a lockout that survives a restart,
//! `till operators` with the PIN on stdin, and the kiosk's indifference to Ctrl-C, Ctrl-\ and
//! Ctrl-Z on a real terminal.

mod common;

use common::process::{TillProcess, World};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;
use till::app::headless::Observation;
use till::core::auth::{AuthNotice, Operator, SignInStep};
use till::core::notice::Notice;
use till::core::{Action, Key, Screen};
use till::sim::cloudpay::SimConfig;
use till::store::{RedbStore, Store, Table};

const COLA: &str = "6900138600889";
const SECS: fn(u64) -> Duration = Duration::from_secs;

/// A till configured as a shop's: nobody signed in at start.
fn shop() -> World {
    World::new(SimConfig::default(), |c| c.operators.auto_sign_in = None)
}

fn auth_notice(o: &Observation) -> Option<AuthNotice> {
    match &o.notice {
        Some(Notice::Auth(n)) => Some(n.clone()),
        _ => None,
    }
}

fn at_sign_in(till: &mut TillProcess) {
    till.wait_for("the sign-in screen", SECS(10), |o| {
        o.auth.signed_in.is_none() && o.auth.step == Some(SignInStep::Number) && o.notice.is_none()
    });
}

fn stored(w: &World) -> (Vec<Operator>, Vec<String>) {
    let store = RedbStore::open(&w.data_dir().join("store")).expect("open store");
    let ops = store.records(Table::Operators).expect("operators");
    let ops = ops.iter().map(|(_, json)| serde_json::from_str(json).expect("operator json")).collect();
    let audit = store.records(Table::Audit).expect("audit").into_iter().map(|(_, v)| v).collect();
    (ops, audit)
}

#[test]
fn the_first_sign_in_sets_a_pin_of_ones_own_and_the_operator_is_on_the_receipt() {
    let mut w = shop();
    let mut till = w.start_till();
    at_sign_in(&mut till);
    // A forged "PIN right" from outside is not taken.
    till.typed("01");
    till.typed("1234");
    till.send(&till::core::Msg::Auth(till::core::auth::AuthMsg::PinChecked { number: "01".into(), ok: true }));
    till.wait_for("the PIN checked by the till", SECS(10), |o| {
        auth_notice(o) == Some(AuthNotice::WrongPin { left: 4 })
    });
    till.key(Key::Esc);
    till.scan(COLA);
    till.wait_for("refused", SECS(5), |o| auth_notice(o) == Some(AuthNotice::SignInFirst));
    till.typed("01");
    till.typed("0000");
    till.wait_for("a new PIN asked for", SECS(10), |o| o.auth.step == Some(SignInStep::NewPin));
    till.typed("4826");
    till.typed("4826");
    let signed = till.wait_for("signed in", SECS(10), |o| o.auth.signed_in.as_deref() == Some("01"));
    assert_eq!(auth_notice(&signed), Some(AuthNotice::PinChanged));
    // A cash sale: the receipt names operator 01.
    till.scan(COLA);
    till.wait_for("one item", SECS(5), |o| o.total.0 == 350);
    till.typed("");
    till.key(Key::Char('c'));
    till.typed("");
    let printed = till
        .wait_for("receipt printed", SECS(10), |o| matches!(o.screen, Screen::Done { .. }) && !o.receipt.is_empty());
    assert!(
        printed.receipt.iter().any(|l| l.starts_with("Operator") && l.trim_end().ends_with("01")),
        "{:#?}",
        printed.receipt
    );
    till.quit();

    let (ops, audit) = stored(&w);
    let first = ops.iter().find(|o| o.number == "01").expect("operator 01");
    assert!(!first.must_change_pin);
    assert!(first.pin_hash.0.starts_with("$argon2id$"), "a salted argon2 hash");
    let json = serde_json::to_string(&ops).expect("json");
    assert!(!json.contains("4826"), "the PIN is never stored: {json}");
    assert!(audit.iter().any(|a| a.contains("\"pin_changed\"")), "{audit:?}");
    assert!(audit.iter().any(|a| a.contains("\"signed_in\"")), "{audit:?}");
    assert!(!w.till_log().lines().any(|l| has_number(l, "4826")), "the PIN is never logged");

    // After a restart the old PIN is refused and the new one signs in.
    let mut till = w.start_till();
    at_sign_in(&mut till);
    till.typed("01");
    till.typed("0000");
    till.wait_for("wrong PIN", SECS(10), |o| auth_notice(o) == Some(AuthNotice::WrongPin { left: 4 }));
    till.typed("4826");
    till.wait_for("signed in", SECS(10), |o| o.auth.signed_in.as_deref() == Some("01"));
    // Sign out (签退): nothing outstanding.
    till.key(Key::F(9));
    till.wait_for("signed out", SECS(5), |o| o.auth.signed_in.is_none());
    till.quit();
}

#[test]
fn a_headless_script_names_intents_sign_out_and_the_maintenance_menu() {
    let mut w = shop();
    let mut till = w.start_till();
    at_sign_in(&mut till);
    till.typed("01");
    till.typed("0000");
    till.wait_for("a new PIN asked", SECS(10), |o| o.auth.step == Some(SignInStep::NewPin));
    till.typed("4826");
    till.typed("4826");
    till.wait_for("signed in", SECS(10), |o| o.auth.signed_in.as_deref() == Some("01"));
    till.line(r#"{"act":"sign_out"}"#);
    till.wait_for("signed out by intent", SECS(5), |o| o.auth.signed_in.is_none());
    till.line(r#"{"act":"open_maintenance"}"#);
    till.wait_for("the supervisor prompt", SECS(5), |o| o.auth.prompt == Some(Action::Maintenance));
    till.quit();
}

#[test]
fn five_wrong_pins_lock_the_operator_across_a_restart() {
    let mut w = shop();
    let mut till = w.start_till();
    at_sign_in(&mut till);
    till.typed("01");
    for left in (1..=4).rev() {
        till.typed("9999");
        till.wait_for("wrong PIN", SECS(10), |o| auth_notice(o) == Some(AuthNotice::WrongPin { left }));
    }
    till.typed("9999");
    let locked = AuthNotice::LockedOut { number: "01".into(), minutes: 1 };
    till.wait_for("locked out", SECS(10), |o| auth_notice(o) == Some(locked.clone()));
    till.quit();
    let (ops, _) = stored(&w);
    assert!(ops[0].locked_until.is_some() && ops[0].lockouts == 1, "{:?}", ops[0]);

    let mut till = w.start_till();
    at_sign_in(&mut till);
    till.typed("01");
    till.wait_for("still locked", SECS(10), |o| auth_notice(o) == Some(locked.clone()));
    assert_eq!(till.seen.last().and_then(|o| o.auth.step), Some(SignInStep::Number), "no PIN is asked");
    till.quit();
}

/// "Change my PIN" on the real binary (argon2 off the render loop, the real store): F4 on the
/// empty sale screen, a wrong current PIN counted, 0000 refused, the new PIN stored only as a
/// fresh hash, audited without the PIN, and the one that signs in after a restart.
#[test]
fn an_operator_changes_their_own_pin_from_the_sale_screen() {
    use till::core::auth::PinChangeStep;
    let mut w = shop();
    let mut till = w.start_till();
    at_sign_in(&mut till);
    till.typed("01");
    till.typed("0000");
    till.wait_for("a new PIN asked for", SECS(10), |o| o.auth.step == Some(SignInStep::NewPin));
    till.typed("4826");
    till.typed("4826");
    till.wait_for("signed in", SECS(10), |o| o.auth.signed_in.as_deref() == Some("01"));
    till.quit();
    // (The store is read while the till is not running: it holds the store's lock.)
    let before = stored(&w).0.into_iter().find(|o| o.number == "01").expect("01").pin_hash;

    let mut till = w.start_till();
    at_sign_in(&mut till);
    till.typed("01");
    till.typed("4826");
    till.wait_for("signed in", SECS(10), |o| o.auth.signed_in.as_deref() == Some("01"));
    till.key(Key::F(4));
    till.wait_for("the current PIN asked for", SECS(5), |o| o.auth.changing == Some(PinChangeStep::Current));
    till.typed("1111");
    till.wait_for("a wrong current PIN counted", SECS(10), |o| {
        auth_notice(o) == Some(AuthNotice::WrongPin { left: 4 })
    });
    till.typed("4826");
    till.wait_for("the new PIN asked for", SECS(10), |o| o.auth.changing == Some(PinChangeStep::New));
    till.typed("0000");
    till.wait_for("0000 refused", SECS(5), |o| auth_notice(o) == Some(AuthNotice::PinNotAllowed));
    till.typed("5937");
    till.wait_for("asked again", SECS(5), |o| o.auth.changing == Some(PinChangeStep::Confirm));
    till.typed("5937");
    let done = till.wait_for("changed", SECS(10), |o| auth_notice(o) == Some(AuthNotice::OwnPinChanged));
    assert_eq!(done.auth.changing, None);
    assert_eq!(done.auth.signed_in.as_deref(), Some("01"), "still signed in");
    till.quit();

    let (ops, audit) = stored(&w);
    let first = ops.iter().find(|o| o.number == "01").expect("operator 01");
    assert!(first.pin_hash.0.starts_with("$argon2id$") && first.pin_hash != before, "a new salted hash");
    assert_eq!(first.failures, 0, "the right current PIN cleared the wrong one");
    let json = serde_json::to_string(&ops).expect("json");
    assert!(!json.contains("5937") && !json.contains("4826"), "no PIN is stored: {json}");
    assert_eq!(audit.iter().filter(|a| a.contains("\"pin_changed\"")).count(), 2, "{audit:?}");
    assert_eq!(audit.iter().filter(|a| a.contains("\"sign_in_failed\"")).count(), 1, "{audit:?}");
    assert!(audit.iter().all(|a| !["5937", "4826", "1111"].iter().any(|p| has_number(a, p))), "{audit:?}");
    let log = w.till_log();
    // As a number of its own: a log line's timestamp (…12:51:59.371111Z) may hold the same digits.
    let leaks: Vec<&str> = log.lines().filter(|l| has_number(l, "5937") || has_number(l, "1111")).collect();
    assert!(leaks.is_empty(), "no PIN is logged: {leaks:?}");

    // After a restart the old PIN is refused and the chosen one signs in.
    let mut till = w.start_till();
    at_sign_in(&mut till);
    till.typed("01");
    till.typed("4826");
    till.wait_for("old PIN refused", SECS(10), |o| auth_notice(o) == Some(AuthNotice::WrongPin { left: 4 }));
    till.typed("5937");
    till.wait_for("signed in", SECS(10), |o| o.auth.signed_in.as_deref() == Some("01"));
    till.quit();
}

fn till_cli(w: &World, args: &[&str], stdin: &str) -> (bool, String) {
    // `till operators --config <path> <action> …`
    let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
        .arg(args[0])
        .arg("--config")
        .arg(&w.config_path)
        .args(&args[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn till");
    // A refusal may come before the PIN is read.
    let _ = child.stdin.take().expect("stdin").write_all(stdin.as_bytes());
    let out = child.wait_with_output().expect("till");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_technician_adds_an_operator_with_the_pin_on_stdin_who_then_signs_in() {
    let mut w = shop();
    let (ok, out) = till_cli(&w, &["operators", "add", "--name", "Li Lei", "--role", "cashier"], "739164\n");
    assert!(ok, "{out}");
    assert!(out.contains("operator 02 added"), "{out}");
    let (ok, out) = till_cli(&w, &["operators", "add", "--name", "X"], "12\n");
    assert!(!ok && out.contains("4 to 8 digits"), "{out}");
    let (ok, out) = till_cli(&w, &["operators", "list"], "");
    assert!(ok && out.contains("01  ") && out.contains("02  Li Lei") && out.contains("must change PIN"), "{out}");
    assert!(!out.contains("739164"));

    let mut till = w.start_till();
    at_sign_in(&mut till);
    till.typed("2");
    till.typed("739164");
    till.wait_for("a new PIN asked for", SECS(10), |o| o.auth.step == Some(SignInStep::NewPin));
    till.typed("5150");
    till.typed("5150");
    till.wait_for("signed in", SECS(10), |o| o.auth.signed_in.as_deref() == Some("02"));
    till.quit();
}

/// `till demo` full-screen on a pseudo-terminal: Ctrl-C, Ctrl-\ and Ctrl-Z typed, and SIGINT,
/// SIGQUIT and SIGTSTP sent, leave it running; F10 (demo only) ends it cleanly.
#[test]
fn the_kiosk_ignores_ctrl_c_ctrl_backslash_ctrl_z_and_their_signals() {
    use std::os::fd::AsRawFd;
    let dir = tempfile::tempdir().expect("tempdir");
    let size = nix::pty::Winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 };
    let pty = nix::pty::openpty(Some(&size), None).expect("pty");
    let slave = || std::fs::File::from(pty.slave.try_clone().expect("slave"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["demo", "--lang", "en", "--data-dir"])
        .arg(dir.path())
        .env("TERM", "xterm")
        .stdin(slave())
        .stdout(slave())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn till demo");
    let mut master = std::fs::File::from(pty.master);
    // Drain the screen so the till never blocks writing it.
    let mut reader = master.try_clone().expect("master");
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let log = dir.path().join("till.log");
    let wait_log = |what: &str, needle: &str, count: usize| {
        let text = || std::fs::read_to_string(&log).unwrap_or_default();
        common::wait_until(&format!("{what} in the log"), SECS(20), || text().matches(needle).count() >= count);
        text()
    };
    wait_log("start", "kiosk: SIGINT", 1);
    master.write_all(b"\x03\x1c\x1a").expect("type ctrl keys");
    let pid = child.id().to_string();
    for signal in ["INT", "QUIT", "TSTP"] {
        let status = Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill");
        assert!(status.success());
    }
    let text = wait_log("ignored signals", "ignored (kiosk)", 3);
    let text = text.replace("kiosk: SIGINT, SIGQUIT and SIGTSTP", "");
    for name in ["SIGINT", "SIGQUIT", "SIGTSTP"] {
        assert!(text.contains(name), "{name} not seen:\n{text}");
    }
    assert!(child.try_wait().expect("wait").is_none(), "the till is still running");
    master.write_all(b"\x1b[21~").expect("F10");
    common::wait_until("F10 ends the demo", SECS(20), || child.try_wait().expect("wait").is_some());
    let status = child.wait().expect("wait");
    assert!(status.success(), "ended by F10, not by a signal: {status:?}");
    let _ = pty.slave.as_raw_fd();
}

/// The maintenance menu of the real binary: an export into a directory (a USB stick's mount
/// point) that `till import` reads, then "restart", which ends the till with the status systemd
/// restarts it on.
#[test]
fn the_maintenance_menu_exports_the_store_and_restarts_the_till() {
    use till::core::maintenance::{Item, Page, keys_to};
    let mut w = World::new(SimConfig::default(), |_| {}); // the demo's: 01 signed in
    let usb = w.dir.path().join("usb");
    std::fs::create_dir(&usb).expect("usb dir");
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.auth.signed_in.as_deref() == Some("01") && o.screen == Screen::Sale);
    till.key(Key::F(12));
    till.wait_for("the menu", SECS(5), |o| o.auth.maintenance == Some(Page::Menu));
    for key in keys_to(Item::Export) {
        till.key(key);
    }
    till.wait_for("the export page", SECS(5), |o| o.auth.maintenance == Some(Page::Export));
    for _ in "/media/usb".chars() {
        till.key(Key::Backspace);
    }
    till.typed(&usb.display().to_string());
    let done = till.wait_for("exported", SECS(10), |o| matches!(auth_notice(o), Some(AuthNotice::Exported { .. })));
    let Some(AuthNotice::Exported { path }) = auth_notice(&done) else { unreachable!() };
    let text = std::fs::read_to_string(&path).expect("export file");
    assert!(path.starts_with(&usb.display().to_string()) && text.starts_with("{\"till_export\":1"), "{path}: {text}");
    till.key(Key::Esc);
    for key in keys_to(Item::Restart) {
        till.key(key);
    }
    till.wait_for("asked to confirm", SECS(5), |o| matches!(o.auth.maintenance, Some(Page::Confirm(_))));
    till.key(Key::Enter);
    assert!(till.wait_exit(SECS(10)), "restart leaves with a failure status (systemd Restart=on-failure)");
    assert!(w.till_log().contains("leaving for a restart"), "{}", w.till_log());
}

/// `[operators] auto_sign_in` signs supervisor 01 in without a PIN: `till run` refuses it unless
/// the test harness says it is one (as tests/common/process.rs does).
#[test]
fn till_run_refuses_auto_sign_in_outside_the_test_harness() {
    let w = World::new(SimConfig::default(), |_| {});
    let out = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["run", "--headless", "--config"])
        .arg(&w.config_path)
        .env_remove(till::config::TEST_AUTO_SIGN_IN_ENV)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("auto_sign_in") && stderr.contains("till demo"), "{stderr}");
    assert!(!w.data_dir().join("store").exists(), "refused before anything was opened");
}

/// Whether `text` holds `digits` as a number of its own (no digit just before or after it).
fn has_number(text: &str, digits: &str) -> bool {
    text.match_indices(digits).any(|(at, _)| {
        let before = text[..at].chars().next_back().is_some_and(|c| c.is_ascii_digit());
        let after = text[at + digits.len()..].chars().next().is_some_and(|c| c.is_ascii_digit());
        !before && !after
    })
}
