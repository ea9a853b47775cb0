//! The maintenance menu's USB pages through the real engine: a real redb store and real files in
//! a temp dir standing in for the USB stick. The catalogue import checks and applies CSV files
//! with the code of `till catalogue import`; the upgrade installs a real signed bundle into real
//! A/B slots (refused first for a record not yet delivered, then forced by a second Enter).

#![allow(clippy::panic)] // the driver fails the test by panicking

use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use till::app::maintenance::Host;
use till::app::{Devices, Engine, ManualClock};
use till::core::auth::AuditEvent;
use till::core::catalog::BarcodeError;
use till::core::clock::Millis;
use till::core::csv_problem::CsvProblem;
use till::core::maintenance::import::{ImportPlan, ImportStep};
use till::core::maintenance::upgrade::{UpgradeFailure, UpgradeSource, UpgradeStep};
use till::core::maintenance::{Item, Maintenance, Page, keys_to};
use till::core::money::Fen;
use till::core::order::{Line, Order, OrderStatus, Tender};
use till::core::{Counters, Key, Lang, Msg, Settings, State};
use till::devices::{LogSpeaker, NoBuzzer};
use till::escpos::PrinterProfile;
use till::payments::cloudpay::{CloudPayClient, CloudPayConfig};
use till::store::{RedbStore, Store};
use till::upgrade::{self, TrustedKeys, UpgradeConfig, bundle};

const T0: Millis = Millis(1_763_771_400_000);
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

const STORED: &str = "barcode,name,price,stock,kind\n\
    6900138600889,可口可乐 330ml,3.50,24,normal\n\
    96385074,Chips,12.00,,normal\n";

/// One same, one changed (price), one new, one gone (the cola).
const GOOD: &str = "barcode,name,price,stock,kind\n\
    96385074,Chips,13.00,,normal\n\
    12345670,Green tea,4.00,10,normal\n\
    FLOWERS-1,鲜花,0.00,,open\n";

const BAD: &str = "barcode,name,price,stock,kind\n\
    12345670,Green tea,4.00,10,normal\n\
    6900138600888,Misread,1.00,,normal\n";

struct Shop {
    dir: tempfile::TempDir,
    usb: PathBuf,
    store: Arc<RedbStore>,
    engine: Engine,
}

fn release_key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn settings() -> Settings {
    Settings {
        shop_name: "幸福便利店".into(),
        operator: "01".into(),
        order_prefix: "01000052".into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang: Lang::En,
    }
}

impl Shop {
    /// A till on a real store seeded with `STORED`, operator 01 signed in, the USB stick at
    /// `<tmp>/usb`, upgrades trusting [`release_key`] into `<tmp>/slots`.
    async fn start(url: Option<String>, prepare: impl FnOnce(&RedbStore)) -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let usb = dir.path().join("usb");
        std::fs::create_dir(&usb).expect("usb dir");
        let store = Arc::new(RedbStore::open(&dir.path().join("store")).expect("store"));
        till::app::catalogue::import_csv(store.as_ref(), STORED, &Default::default()).expect("seed");
        prepare(&store);
        let catalogue = till::app::catalogue::load(store.as_ref(), Default::default(), 5).expect("catalogue");
        let mut state = State::new(settings(), catalogue);
        state.auth.policy.auto_sign_in = Some("01".into());
        let devices = Devices {
            store: store.clone(),
            printer: Arc::new(till::devices::FilePrinter::new(&dir.path().join("receipts.escpos"))),
            buzzer: Arc::new(NoBuzzer),
            speaker: Arc::new(LogSpeaker),
            wifi: Arc::new(till::devices::NoWifi),
            print_queue: till::app::PrintQueue::in_memory(10, Duration::from_secs(3)),
            display: till::app::display::DisplayFeed::none(),
        };
        let gateway = Arc::new(CloudPayClient::new(CloudPayConfig::demo("http://127.0.0.1:9")).expect("client"));
        let clock = Arc::new(ManualClock::new(T0));
        let mut engine =
            Engine::start(state, gateway, devices, PrinterProfile::mm58(), clock).expect("the engine starts");
        let sizing = store.clone();
        let keys: till::app::maintenance::Keys = Arc::new(|| Ok(TrustedKeys::new(vec![release_key().verifying_key()])));
        engine.attach_maintenance(Host {
            data_dir: dir.path().to_path_buf(),
            export: Arc::new(|_: &Path| Err("not in this test".to_string())),
            store_bytes: Arc::new(move || sizing.size_on_disk().ok()),
            store: store.clone(),
            upgrade: UpgradeConfig { url, slots_dir: dir.path().join("slots") },
            keys,
        });
        engine.set_export_dir(&usb);
        let mut shop = Shop { dir, usb, store, engine };
        shop.settle("signed in", |s| s.ready && s.auth.session.is_some()).await;
        shop.key(Key::F(12));
        shop.settle("the menu", |s| s.maintenance.as_ref().is_some_and(|m| m.page == Page::Menu)).await;
        shop
    }

    fn key(&mut self, key: Key) {
        self.engine.handle(Msg::Key(key));
    }

    fn open(&mut self, item: Item) {
        for key in keys_to(item) {
            self.key(key);
        }
    }

    fn m(&self) -> &Maintenance {
        self.engine.state.maintenance.as_ref().expect("the menu is open")
    }

    /// Applies the app's answers until `done` holds.
    async fn settle(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        for _ in 0..1000 {
            if done(&self.engine.state) {
                return;
            }
            assert!(self.engine.next_msg(ANSWER_WITHIN).await, "{what}: no answer");
        }
        panic!("{what}: not reached");
    }

    async fn audit(&mut self) -> Vec<AuditEvent> {
        self.engine.durable().await;
        till::app::auth::read_audit(self.store.as_ref(), 100).expect("audit").into_iter().map(|e| e.event).collect()
    }
}

fn import_step(s: &State) -> Option<&ImportStep> {
    s.maintenance.as_ref().map(|m| &m.import.step)
}

fn upgrade_step(s: &State) -> Option<&UpgradeStep> {
    s.maintenance.as_ref().map(|m| &m.upgrade.step)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalogue_csv_on_the_usb_stick_is_checked_then_replaces_the_catalogue_and_a_bad_one_changes_nothing() {
    let mut shop = Shop::start(None, |_| {}).await;
    std::fs::write(shop.usb.join("good.csv"), GOOD).expect("good.csv");
    std::fs::write(shop.usb.join("bad.csv"), BAD).expect("bad.csv");
    std::fs::write(shop.usb.join("notes.txt"), "not a catalogue").expect("notes");
    let before = till::app::catalogue::export_csv(shop.store.as_ref()).expect("export");

    shop.open(Item::ImportCatalogue);
    shop.settle("the list", |s| import_step(s) == Some(&ImportStep::Choosing)).await;
    assert_eq!(shop.m().import.files, ["bad.csv", "good.csv"], "only the CSV files, by name");

    // The bad file: its line, and nothing changed.
    shop.key(Key::Enter);
    shop.settle("checked", |s| matches!(import_step(s), Some(ImportStep::Invalid { .. }))).await;
    let Some(ImportStep::Invalid { line, problem }) = import_step(&shop.engine.state).cloned() else { unreachable!() };
    assert_eq!(line, 3, "{problem}");
    assert!(matches!(problem, CsvProblem::Barcode { error: BarcodeError::CheckDigit, .. }), "{problem}");
    assert_eq!(till::app::catalogue::export_csv(shop.store.as_ref()).expect("export"), before);

    // The good one: what it would do, then Enter applies it.
    shop.key(Key::Esc);
    shop.key(Key::Down);
    shop.key(Key::Enter);
    shop.settle("checked", |s| matches!(import_step(s), Some(ImportStep::Ready(_)))).await;
    let plan = ImportPlan { rows: 3, added: 2, changed: 1, removed: 1, promotions: false };
    assert_eq!(import_step(&shop.engine.state), Some(&ImportStep::Ready(plan)));
    assert_eq!(
        till::app::catalogue::export_csv(shop.store.as_ref()).expect("export"),
        before,
        "checking writes nothing"
    );
    shop.key(Key::Enter);
    shop.settle("imported", |s| matches!(import_step(s), Some(ImportStep::Done { .. }))).await;
    assert_eq!(import_step(&shop.engine.state), Some(&ImportStep::Done { rows: 3 }));

    // The store has exactly the file (by barcode), and the till sells from it at once.
    let mut rows: Vec<&str> = GOOD.lines().skip(1).collect();
    rows.sort_unstable();
    let after = till::app::catalogue::export_csv(shop.store.as_ref()).expect("export");
    assert_eq!(after, format!("barcode,name,price,stock,kind\n{}\n", rows.join("\n")));
    let catalogue = &shop.engine.state.catalogue;
    assert!(catalogue.get("6900138600889").is_none());
    assert_eq!(catalogue.get("96385074").map(|p| p.price), Some(Fen(1300)));
    assert_eq!(catalogue.stock("12345670"), Some(10));
    let audit = shop.audit().await;
    assert!(audit.contains(&AuditEvent::CatalogueImported { file: "good.csv".into(), rows: 3 }), "{audit:?}");
    assert!(!format!("{audit:?}").contains("Green tea"), "no file contents in the audit log");

    // No stick: one clear line, after the page is opened again.
    std::fs::remove_dir_all(&shop.usb).expect("pull the stick");
    shop.key(Key::Esc);
    shop.key(Key::Esc);
    shop.open(Item::ImportCatalogue);
    shop.settle("no stick", |s| import_step(s) == Some(&ImportStep::NoDir)).await;
    drop(shop.dir);
}

fn order_not_delivered() -> impl FnOnce(&RedbStore) {
    |store: &RedbStore| {
        let mut o = Order::new(1, Millis(1), "01".into());
        o.lines.push(Line { barcode: "6900138600889".into(), name: "Cola".into(), unit_price: Fen(350), qty: 1 });
        o.status = OrderStatus::Paid;
        o.number = Some("010000522511220100001".into());
        o.tender = Some(Tender::Cash { received: Fen(500), change: Fen(150) });
        store.save(&o, &Counters { next_order_id: 2, seq_day: 251122, seq: 1 }).expect("save");
    }
}

/// A real program for this machine (small): what the bundle carries.
fn program() -> Vec<u8> {
    std::fs::read("/bin/false").or_else(|_| std::fs::read("/usr/bin/false")).expect("/bin/false")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_upgrades_from_a_signed_bundle_on_the_stick_after_a_second_confirmation_and_restarts() {
    let mut shop = Shop::start(Some("http://127.0.0.1:9/latest.bundle".into()), order_not_delivered()).await;
    let file = shop.usb.join("till-99.0.0-test.bundle");
    let bytes = bundle::create(&release_key(), &program(), "99.0.0", upgrade::TARGET, None).expect("bundle");
    std::fs::write(&file, bytes).expect("bundle file");
    let slots = shop.dir.path().join("slots");

    shop.open(Item::Upgrade);
    shop.settle("found", |s| matches!(upgrade_step(s), Some(UpgradeStep::Ready(_)))).await;
    let source = UpgradeSource { from: file.display().to_string(), usb: true };
    assert_eq!(upgrade_step(&shop.engine.state), Some(&UpgradeStep::Ready(source.clone())), "the stick before the URL");

    // The record the back office has not got refuses it, as `till upgrade` does; nothing written.
    shop.key(Key::Enter);
    shop.settle("refused", |s| matches!(upgrade_step(s), Some(UpgradeStep::Blocked { .. }))).await;
    let blocked = UpgradeStep::Blocked { source: source.clone(), unsynced: 1, unresolved: 0 };
    assert_eq!(upgrade_step(&shop.engine.state), Some(&blocked));
    assert!(!slots.exists(), "nothing written");
    shop.engine.durable().await;
    assert!(!shop.engine.restart_requested());

    // The supervisor's second Enter overrides (`--force`), into the audit log; then the restart.
    shop.key(Key::Enter);
    shop.settle("installed", |s| {
        matches!(upgrade_step(s), Some(UpgradeStep::Installed { .. } | UpgradeStep::Failed { .. }))
    })
    .await;
    assert_eq!(upgrade_step(&shop.engine.state), Some(&UpgradeStep::Installed { version: "99.0.0".into() }));
    let slots_now = upgrade::Slots::new(&slots);
    let current = slots_now.current().expect("switched to the new slot");
    assert_eq!(slots_now.state(current).version.as_deref(), Some("99.0.0"));
    // The restart is the effect runner's, seen once the batch that asked for it is done.
    shop.engine.durable().await;
    assert!(shop.engine.restart_requested(), "the till leaves with status 75");
    let audit = shop.audit().await;
    assert!(audit.contains(&AuditEvent::UpgradeForced { unsynced: 1, unresolved: 0 }), "{audit:?}");
    assert!(audit.contains(&AuditEvent::Upgraded { version: "99.0.0".into(), from: source.from }), "{audit:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_signed_by_another_key_or_an_unreachable_url_is_one_line_and_installs_nothing() {
    let mut shop = Shop::start(Some("http://127.0.0.1:9/latest.bundle".into()), |_| {}).await;
    let slots = shop.dir.path().join("slots");
    // No bundle on the stick: the configured URL, which does not answer.
    shop.open(Item::Upgrade);
    shop.settle("found", |s| matches!(upgrade_step(s), Some(UpgradeStep::Ready(_)))).await;
    let url = UpgradeSource { from: "http://127.0.0.1:9/latest.bundle".into(), usb: false };
    assert_eq!(upgrade_step(&shop.engine.state), Some(&UpgradeStep::Ready(url)));
    shop.key(Key::Enter);
    shop.settle("failed", |s| matches!(upgrade_step(s), Some(UpgradeStep::Failed { .. }))).await;
    let Some(UpgradeStep::Failed(UpgradeFailure::Unreachable { from, reason })) =
        upgrade_step(&shop.engine.state).cloned()
    else {
        panic!("{:?}", upgrade_step(&shop.engine.state))
    };
    assert_eq!(from, "http://127.0.0.1:9/latest.bundle");
    assert!(!reason.is_empty() && !reason.contains('\n'), "{reason}");

    // A bundle signed by a key the till does not trust.
    let other = SigningKey::from_bytes(&[7; 32]);
    let bytes = bundle::create(&other, &program(), "99.0.0", upgrade::TARGET, None).expect("bundle");
    std::fs::write(shop.usb.join("till-99.0.0.bundle"), bytes).expect("bundle file");
    shop.key(Key::Esc);
    shop.open(Item::Upgrade);
    shop.settle("found", |s| matches!(upgrade_step(s), Some(UpgradeStep::Ready(UpgradeSource { usb: true, .. }))))
        .await;
    shop.key(Key::Enter);
    shop.settle("failed", |s| matches!(upgrade_step(s), Some(UpgradeStep::Failed { .. }))).await;
    let key = till::upgrade::keys::public_hex(&other.verifying_key());
    let untrusted = UpgradeFailure::UntrustedKey { key: key.chars().take(16).collect() };
    assert_eq!(upgrade_step(&shop.engine.state), Some(&UpgradeStep::Failed(untrusted)));
    assert!(!slots.exists(), "nothing written before the signature is checked");
    let audit = shop.audit().await;
    assert!(!audit.iter().any(|e| matches!(e, AuditEvent::Upgraded { .. })), "{audit:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_bundle_or_a_url_the_upgrade_page_says_so() {
    let mut shop = Shop::start(None, |_| {}).await;
    shop.open(Item::Upgrade);
    shop.settle("looked", |s| upgrade_step(s) == Some(&UpgradeStep::NoSource)).await;
}
