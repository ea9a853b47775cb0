//! The A/B slots with the real boot script (systemd/till-boot-slot, run by `sh`) and real
//! programs: a copy of the built `till`, `/bin/false` as a version that never reaches its first
//! screen, and a shell script standing in for the factory till on the read-only root.
//! Installs go through the library's verify-and-install; the CLI verbs through the binary.

use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::order::{Attempt, AttemptState, Line, Order, OrderStatus, Tender};
use till::core::{Counters, code::Platform};
use till::store::{RedbStore, Store};
use till::upgrade::{self, Overrides, Slot, Slots, Step, TrustedKeys, UpgradeError, bundle};

const TILL: &str = env!("CARGO_BIN_EXE_till");

struct Board {
    _dir: tempfile::TempDir,
    root: PathBuf,
    factory: PathBuf,
    data: PathBuf,
    slots: Slots,
}

impl Board {
    fn new() -> Board {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("slots");
        let factory = dir.path().join("factory-till");
        std::fs::write(&factory, "#!/bin/sh\necho \"factory till $*\"\n").expect("factory");
        chmod_x(&factory);
        let data = dir.path().join("data");
        Board { slots: Slots::new(&root), root, factory, data, _dir: dir }
    }

    /// One start by systemd: the boot script with the till's arguments.
    fn boot(&self, args: &[&str]) -> Output {
        Command::new("sh")
            .arg("systemd/till-boot-slot")
            .args(args)
            .env("TILL_SLOTS", &self.root)
            .env("TILL_FACTORY", &self.factory)
            .env("TILL_TRIAL_STARTS", "3")
            // The built till checks the slots' signatures, as the factory till does on a box.
            .env("TILL_VERIFY", TILL)
            .env("TILL_SLOT_KEY", till::upgrade::keys::public_hex(&release_key().verifying_key()))
            .env_remove("TILL_SLOT_DIR")
            .stdin(Stdio::null())
            .output()
            .expect("sh runs the boot script")
    }

    /// A start that gets as far as the first screen: the headless demo draws its first observation
    /// and ends at the end of its (empty) input.
    fn boot_to_first_screen(&self) -> Output {
        let data = self.data.display().to_string();
        self.boot(&["demo", "--headless", "--lang", "en", "--data-dir", &data])
    }

    fn install(&self, bytes: &[u8]) -> Result<upgrade::Installed, UpgradeError> {
        upgrade::verify_and_install(&self.slots, bytes, &keys(), Overrides::default(), |_| true)
    }
}

fn chmod_x(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn release_key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn keys() -> TrustedKeys {
    TrustedKeys::new(vec![release_key().verifying_key()])
}

fn bundle_of(program: &[u8], version: &str) -> Vec<u8> {
    bundle::create(&release_key(), program, version, upgrade::TARGET, None).expect("bundle")
}

/// The built till, stripped (a debug build is larger than a bundle may be): one copy per run.
fn stripped_till() -> &'static Path {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let tmp = dir.join(format!("upgrade-slots-till.{}", std::process::id()));
        let ok = Command::new("strip").arg("-o").arg(&tmp).arg(TILL).status().expect("strip (binutils)");
        assert!(ok.success(), "strip {TILL}");
        let path = dir.join("upgrade-slots-till");
        std::fs::rename(&tmp, &path).expect("rename");
        path
    })
}

fn till_program() -> Vec<u8> {
    std::fs::read(stripped_till()).expect("the built till")
}

/// A real program for this machine that exits 1 at once: a version that never draws a screen.
fn broken_program() -> Vec<u8> {
    std::fs::read("/bin/false").or_else(|_| std::fs::read("/usr/bin/false")).expect("/bin/false")
}

/// `till --version` through the boot script: which program answered, and what the script said.
fn which_boots(board: &Board) -> (String, String) {
    let out = board.boot(&["--version"]);
    assert!(out.status.success(), "a working version boots: {:?}", text(&out));
    text(&out)
}

#[test]
fn without_slots_the_factory_till_starts() {
    let board = Board::new();
    let (stdout, stderr) = which_boots(&board);
    assert_eq!(stdout, "factory till --version\n");
    assert_eq!(stderr, "");
}

#[test]
fn a_new_version_starts_on_trial_is_marked_good_by_its_first_screen_and_the_next_one_keeps_it() {
    let board = Board::new();
    let done = board.install(&bundle_of(&till_program(), "99.0.0")).expect("install");
    assert_eq!(done.slot, Slot::A);
    let (stdout, stderr) = which_boots(&board);
    assert!(stdout.starts_with("till "), "the slot's till answered: {stdout}");
    assert!(stderr.contains("starting slot a (99.0.0) on trial: start 1 of 3"), "{stderr}");

    let out = board.boot_to_first_screen();
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(text(&out).1.contains("start 2 of 3"), "{:?}", text(&out));
    assert!(board.slots.state(Slot::A).good, "the till marked its slot good at its first screen");
    let (_, stderr) = which_boots(&board);
    assert_eq!(stderr, "", "a good slot starts without counting");

    // The next version goes to slot b; the good one in a stays for a rollback.
    let done = board.install(&bundle_of(&till_program(), "99.1.0")).expect("install");
    assert_eq!((done.slot, done.previous.as_str()), (Slot::B, "99.0.0"));
    let (_, stderr) = which_boots(&board);
    assert!(stderr.contains("starting slot b (99.1.0) on trial: start 1 of 3"), "{stderr}");
    assert!(board.slots.state(Slot::A).good);
}

#[test]
fn a_version_that_never_reaches_its_first_screen_is_rolled_back_after_three_starts() {
    let board = Board::new();
    board.install(&bundle_of(&till_program(), "99.0.0")).expect("install");
    assert!(board.boot_to_first_screen().status.success());
    board.install(&bundle_of(&broken_program(), "99.1.0")).expect("install the broken one");
    for n in 1..=3 {
        let out = board.boot(&["--version"]);
        let (_, stderr) = text(&out);
        assert!(!out.status.success(), "start {n}: the broken version fails");
        assert!(stderr.contains(&format!("starting slot b (99.1.0) on trial: start {n} of 3")), "{stderr}");
    }
    let (stdout, stderr) = which_boots(&board);
    assert!(
        stderr.contains("slot b (99.1.0) did not reach its first screen in 3 start(s): rolled back to slot a (99.0.0)"),
        "{stderr}"
    );
    assert!(stdout.starts_with("till "), "the good version answered: {stdout}");
    assert_eq!(board.slots.current(), Some(Slot::A));
    let b = board.slots.state(Slot::B);
    assert!(b.failed.as_ref().is_some_and(|f| f.starts_with("rolled back after 3 start(s)")), "{b:?}");
    let (_, stderr) = which_boots(&board);
    assert_eq!(stderr, "", "back on the good slot for good");
    // The fixed release goes into the failed slot, whose markers are cleared first.
    let done = board.install(&bundle_of(&till_program(), "99.1.1")).expect("the fixed release");
    assert_eq!(done.slot, Slot::B);
    assert!(board.slots.state(Slot::B).failed.is_none(), "markers of the old attempt are gone");
}

#[test]
fn a_broken_first_upgrade_falls_back_to_the_factory_till() {
    let board = Board::new();
    board.install(&bundle_of(&broken_program(), "99.0.0")).expect("install");
    for _ in 1..=3 {
        assert!(!board.boot(&["run"]).status.success());
    }
    let (stdout, stderr) = which_boots(&board);
    assert_eq!(stdout, "factory till --version\n");
    assert!(stderr.contains("rolled back to the factory till"), "{stderr}");
    assert_eq!(board.slots.current(), None);
}

#[test]
fn a_power_cut_after_any_install_step_boots_the_old_or_the_new_version() {
    for step in upgrade::slots::STEPS {
        let board = Board::new();
        board.install(&bundle_of(&till_program(), "99.0.0")).expect("install");
        upgrade::slots::mark_good(&board.slots.dir(Slot::A)).expect("good");
        let cut = upgrade::verify_and_install(
            &board.slots,
            &bundle_of(&till_program(), "99.1.0"),
            &keys(),
            Overrides::default(),
            |s| s != step,
        );
        let (stdout, stderr) = which_boots(&board);
        assert!(stdout.starts_with("till "), "cut after {step:?}: a till answers: {stdout}");
        if step == Step::Switched {
            assert!(cut.is_ok());
            assert!(stderr.contains("starting slot b (99.1.0) on trial"), "cut after {step:?}: the new one: {stderr}");
        } else {
            assert!(cut.is_err());
            assert_eq!(stderr, "", "cut after {step:?}: the old, good slot a, no trial");
            assert_eq!(board.slots.current(), Some(Slot::A));
        }
    }
}

#[test]
fn a_current_file_naming_nothing_or_an_empty_slot_starts_the_factory_till() {
    let board = Board::new();
    std::fs::create_dir_all(board.root.join("a")).expect("mkdir");
    for content in ["a\n", "c\n", ""] {
        std::fs::write(board.root.join("current"), content).expect("current");
        let (stdout, stderr) = which_boots(&board);
        assert_eq!(stdout, "factory till --version\n", "{content:?}");
        assert!(stderr.contains("factory till"), "{content:?}: {stderr}");
    }
}

fn order(id: u64, status: OrderStatus) -> Order {
    let mut o = Order::new(id, Millis(1), "01".into());
    o.lines.push(Line { barcode: "6900138600889".into(), name: "Cola".into(), unit_price: Fen(350), qty: 1 });
    o.status = status;
    o.number = Some(format!("00000001{id:010}"));
    o
}

#[tokio::test]
async fn an_upgrade_waits_for_unsynced_records_and_payments_in_doubt_unless_forced() {
    let board = Board::new();
    let store = RedbStore::open(&board.data.join("store")).expect("store");
    let counters = Counters { next_order_id: 3, seq_day: 250301, seq: 2 };
    let mut paid = order(1, OrderStatus::Paid);
    paid.tender = Some(Tender::Cash { received: Fen(500), change: Fen(150) });
    store.save(&paid, &counters).expect("save");
    let mut paying = order(2, OrderStatus::Paying);
    paying.attempts.push(Attempt {
        out_trade_no: "0000000120250301".into(),
        platform: Platform::WeChat,
        code_masked: "1346**********9456".into(),
        amount: Fen(350),
        started_at: Millis(2),
        state: AttemptState::Sending,
        queries: 0,
        cancels: 0,
        cancel_unsupported: false,
        qr: None,
    });
    store.save(&paying, &counters).expect("save");
    let b = till::app::upgrade::blockers(&store).expect("counts");
    assert_eq!(b, till::app::upgrade::Blockers { unsynced: 1, unresolved: 1 });

    let file = board.data.join("till.bundle");
    std::fs::write(&file, bundle_of(&till_program(), "99.0.0")).expect("bundle file");
    let source = file.display().to_string();
    let mut warnings = Vec::new();
    let e = till::app::upgrade::upgrade(&source, &board.slots, keys(), Some(&store), Overrides::default(), |w| {
        warnings.push(w)
    })
    .await
    .expect_err("blocked");
    assert_eq!(
        e.to_string(),
        "refused: 1 record(s) not yet delivered to the back office and 1 payment(s) or refund(s) in doubt: let \
         them settle first (--force to upgrade anyway)"
    );
    assert!(!board.root.exists(), "nothing written");
    let force = Overrides { force: true, allow_downgrade: false };
    let done = till::app::upgrade::upgrade(&source, &board.slots, keys(), Some(&store), force, |w| warnings.push(w))
        .await
        .expect("forced");
    assert_eq!(done.version, "99.0.0");
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("1 record(s) not delivered and 1 payment(s)"), "{warnings:?}");
}

#[test]
fn keygen_and_bundle_on_the_release_machine_and_a_till_that_trusts_no_key_refuses() {
    let board = Board::new();
    std::fs::create_dir_all(&board.data).expect("mkdir");
    let key = board.data.join("release.key");
    let out = Command::new(TILL).args(["keygen", "--out"]).arg(&key).output().expect("keygen");
    assert!(out.status.success(), "{:?}", text(&out));
    let public =
        text(&out).0.lines().find_map(|l| l.strip_prefix("public key: ").map(str::to_string)).expect("printed");
    let trusted = TrustedKeys::new(vec![till::upgrade::keys::parse_public(&public).expect("hex key")]);

    let file = board.data.join("till-99.bundle");
    let out = Command::new(TILL)
        .args(["bundle", "--key"])
        .arg(&key)
        .arg("--binary")
        .arg(stripped_till())
        .args(["--version", "99.0.0", "--notes", "test release", "--out"])
        .arg(&file)
        .output()
        .expect("bundle");
    assert!(out.status.success(), "{:?}", text(&out));
    let bytes = std::fs::read(&file).expect("bundle written");
    let v = bundle::verify(&bytes, &trusted, upgrade::TARGET).expect("the bundle verifies with the printed key");
    assert_eq!((v.manifest.version.as_str(), v.manifest.notes.as_deref()), ("99.0.0", Some("test release")));
    assert_eq!(v.program, &till_program()[..]);

    let out = Command::new(TILL)
        .args(["bundle", "--key"])
        .arg(&key)
        .args(["--binary", "systemd/till-boot-slot", "--version", "99.0.0", "--out"])
        .arg(board.data.join("x.bundle"))
        .output()
        .expect("bundle");
    assert!(!out.status.success() && text(&out).1.contains("not an executable"), "{:?}", text(&out));

    // This build trusts no compiled-in key and the test machine has no /etc/till/update-keys.
    if option_env!("TILL_UPDATE_KEYS").is_none() && !Path::new(upgrade::keys::SYSTEM_KEYS_FILE).exists() {
        let config = board.data.join("till.toml");
        let toml = format!(
            "version = 1\nshop_name = \"Shop\"\ndata_dir = \"{}\"\n[printer]\noutput = \"{}\"\n[upgrade]\nslots_dir = \"{}\"\n",
            board.data.display(),
            board.data.join("receipts").display(),
            board.root.display()
        );
        std::fs::write(&config, toml).expect("config");
        let out = Command::new(TILL)
            .args(["upgrade", "--config"])
            .arg(&config)
            .arg("--from")
            .arg(&file)
            .output()
            .expect("run");
        let (_, stderr) = text(&out);
        assert!(!out.status.success());
        assert!(stderr.contains("trusts no update key") && stderr.trim().lines().count() == 1, "{stderr}");
        assert!(!board.root.exists(), "nothing written");
    }
}

#[test]
fn a_slot_program_changed_after_its_install_is_never_started() {
    let board = Board::new();
    board.install(&bundle_of(&till_program(), "99.0.0")).expect("install");
    let out = board.boot_to_first_screen();
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(board.slots.state(Slot::A).good);
    // Someone with the data partition swaps the program (same size, other bytes).
    let program = board.slots.dir(Slot::A).join("till");
    let mut bytes = std::fs::read(&program).expect("program");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&program, bytes).expect("tamper");
    let (stdout, stderr) = which_boots(&board);
    assert_eq!(stdout, "factory till --version\n", "{stderr}");
    assert!(stderr.contains("slot a (99.0.0) failed its signature check: starting the factory till"), "{stderr}");
    assert!(board.slots.state(Slot::A).failed.is_some_and(|f| f.contains("signature")));
    assert_eq!(board.slots.current(), None);
    // A slot installed before the signed header was kept is not trusted either.
    let again = board.install(&bundle_of(&till_program(), "99.0.1")).expect("install");
    std::fs::remove_file(board.slots.dir(again.slot).join("signed")).expect("remove");
    let (stdout, _) = which_boots(&board);
    assert_eq!(stdout, "factory till --version\n");
}
