//! The menu's navigation, the catalogue import page and the upgrade page, through `update`.

use super::import::{ImportEffect, ImportFailure, ImportMsg, ImportPlan, ImportStep, Imported};
use super::upgrade::{UpgradeEffect, UpgradeFailure, UpgradeMsg, UpgradeSource, UpgradeStep};
use super::*;
use crate::core::auth::{self, AuthEffect};
use crate::core::catalog::{Catalogue, Product};
use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::{Beep, Event, Settings, update};

struct Till {
    state: State,
}

impl Till {
    /// Operator 01 (a supervisor) signed in, the menu open.
    fn menu() -> Till {
        let settings = Settings::test_shop();
        let catalogue = Catalogue::new([Product::new("6900138600889", "可口可乐", Fen(350))]);
        let mut state = State::new(settings, catalogue);
        state.auth.policy.auto_sign_in = Some("01".into());
        let mut t = Till { state };
        let first = auth::Operator::new("01", "店长", auth::Role::Supervisor, auth::PinHash("-".into()));
        t.send(Msg::Auth(auth::AuthMsg::Loaded { operators: vec![first] }));
        t.send(Msg::Restored { orders: vec![], counters: None });
        t.send(Msg::Office(crate::core::office::OfficeMsg::ExportDir { dir: "/media/usb".into() }));
        t.key(Key::F(12));
        assert_eq!(t.page(), Some(Page::Menu));
        t
    }

    fn send(&mut self, msg: Msg) -> Vec<Effect> {
        update(&mut self.state, Event { at: Millis(1_740_796_215_000), msg })
    }

    fn key(&mut self, key: Key) -> Vec<Effect> {
        self.send(Msg::Key(key))
    }

    /// Opens `item` by its position in [`ITEMS`], as a supervisor would.
    fn open(&mut self, item: Item) -> Vec<Effect> {
        keys_to(item).into_iter().flat_map(|k| self.key(k)).collect()
    }

    fn page(&self) -> Option<Page> {
        self.state.maintenance.as_ref().map(|m| m.page)
    }

    fn m(&self) -> &Maintenance {
        self.state.maintenance.as_ref().expect("the menu is open")
    }
}

fn audits(fx: &[Effect]) -> Vec<AuditEvent> {
    fx.iter()
        .filter_map(|e| if let Effect::Auth(AuthEffect::Audit(a)) = e { Some(a.event.clone()) } else { None })
        .collect()
}

fn import_fx(fx: &[Effect]) -> Vec<ImportEffect> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Maintenance(MaintenanceEffect::Import(i)) => Some(i.clone()),
            _ => None,
        })
        .collect()
}

fn upgrade_fx(fx: &[Effect]) -> Vec<UpgradeEffect> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Maintenance(MaintenanceEffect::Upgrade(u)) => Some(u.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_menu_has_its_thirteen_items_in_order_and_keys_reach_each_one() {
    assert_eq!(
        ITEMS,
        [
            Item::Network,
            Item::PrinterTest,
            Item::ScannerTest,
            Item::DeviceInfo,
            Item::Version,
            Item::Export,
            Item::ImportCatalogue,
            Item::Upgrade,
            Item::Operators,
            Item::Audit,
            Item::Restart,
            Item::PowerOff,
            Item::Training,
        ]
    );
    let mut t = Till::menu();
    // Up/Down move the highlight and stop at the ends; Enter opens the highlighted item.
    t.key(Key::Up);
    assert_eq!(t.m().selected, 0);
    for _ in 0..20 {
        t.key(Key::Down);
    }
    assert_eq!(t.m().selected, ITEMS.len() - 1);
    t.key(Key::Up);
    t.key(Key::Up);
    t.key(Key::Enter);
    assert_eq!(t.page(), Some(Page::Confirm(Item::Restart)), "the eleventh item has no digit but is reachable");
    t.key(Key::Esc);
    // Digits choose the first nine; 0 no longer chooses anything.
    t.key(Key::Char('0'));
    assert_eq!(t.page(), Some(Page::Menu));
    t.key(Key::Char('6'));
    assert_eq!(t.page(), Some(Page::Export));
    t.key(Key::Esc);
    t.key(Key::Char('9'));
    assert!(t.state.auth.admin.is_some(), "9 is the operators screen");
    // Every item opens through its keys (training closes the menu onto the sale: its own test).
    for item in ITEMS.into_iter().filter(|i| *i != Item::Training) {
        let mut t = Till::menu();
        t.open(item);
        assert_eq!(t.m().selected, position(item), "{item:?}");
    }
    assert_eq!(keys_to(Item::Audit).last(), Some(&Key::Enter));
    assert_eq!(keys_to(Item::Upgrade), vec![Key::Char('8')]);
}

#[test]
fn the_export_page_starts_from_the_one_export_dir() {
    let mut t = Till::menu();
    t.send(Msg::Office(crate::core::office::OfficeMsg::ExportDir { dir: "/mnt/stick".into() }));
    t.key(Key::Esc);
    t.key(Key::F(12));
    assert_eq!(t.m().export_dir, "/mnt/stick");
}

#[test]
fn the_import_page_lists_checks_and_applies_a_file_and_audits_it() {
    let mut t = Till::menu();
    let fx = t.open(Item::ImportCatalogue);
    assert_eq!(t.page(), Some(Page::Import));
    assert_eq!(import_fx(&fx), vec![ImportEffect::List { dir: "/media/usb".into() }]);
    assert_eq!(t.m().import.step, ImportStep::Listing);
    // An answer for another directory is ignored.
    t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Listed { dir: "/x".into(), result: Ok(None) })));
    assert_eq!(t.m().import.step, ImportStep::Listing);
    let files = vec!["a.csv".to_string(), "b.csv".to_string()];
    let listed = ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(Some(files)) };
    t.send(Msg::Maintenance(MaintenanceMsg::Import(listed)));
    assert_eq!(t.m().import.step, ImportStep::Choosing);
    t.key(Key::Down);
    t.key(Key::Down);
    assert_eq!(t.m().import.file(), Some("b.csv"), "the highlight stops at the last file");
    let fx = t.key(Key::Enter);
    assert_eq!(import_fx(&fx), vec![ImportEffect::Check { dir: "/media/usb".into(), file: "b.csv".into() }]);
    assert!(t.key(Key::Esc).is_empty() && t.page() == Some(Page::Import), "checking: keys wait");
    let plan = ImportPlan { rows: 3, added: 2, changed: 1, removed: 1, promotions: false };
    // A stale answer about another file is ignored.
    t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Checked { file: "a.csv".into(), result: Ok(plan) })));
    assert_eq!(t.m().import.step, ImportStep::Checking);
    t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Checked { file: "b.csv".into(), result: Ok(plan) })));
    assert_eq!(t.m().import.step, ImportStep::Ready(plan));
    assert!(t.state.catalogue.get("6900138600889").is_some(), "nothing applied before Enter");
    let fx = t.key(Key::Enter);
    assert_eq!(import_fx(&fx), vec![ImportEffect::Apply { dir: "/media/usb".into(), file: "b.csv".into() }]);
    assert_eq!(t.m().import.step, ImportStep::Applying(plan));
    assert!(t.key(Key::Esc).is_empty(), "the store is being written: Esc waits");
    let imported = Imported {
        rows: 2,
        products: vec![Product::new("96385074", "Chips", Fen(1200)), Product::new("12345670", "Tea", Fen(300))],
        stock: vec![("96385074".into(), 4)],
        promotions: None,
    };
    let fx = t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Applied {
        file: "b.csv".into(),
        result: Ok(imported),
    })));
    assert_eq!(t.m().import.step, ImportStep::Done { rows: 2 });
    assert_eq!(audits(&fx), vec![AuditEvent::CatalogueImported { file: "b.csv".into(), rows: 2 }]);
    assert!(t.state.catalogue.get("6900138600889").is_none(), "the till sells from the new catalogue");
    assert_eq!(t.state.catalogue.stock("96385074"), Some(4));
    assert_eq!(t.state.catalogue.len(), 2);
    // Esc: back to the list, then to the menu.
    t.key(Key::Esc);
    assert_eq!(t.m().import.step, ImportStep::Choosing);
    t.key(Key::Esc);
    assert_eq!(t.page(), Some(Page::Menu));
}

#[test]
fn a_bad_file_shows_its_line_and_changes_nothing_and_no_stick_says_so() {
    let mut t = Till::menu();
    t.open(Item::ImportCatalogue);
    let listed = ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(Some(vec!["bad.csv".into()])) };
    t.send(Msg::Maintenance(MaintenanceMsg::Import(listed)));
    t.key(Key::Enter);
    let bad = ImportFailure::Line { line: 3, problem: crate::core::csv_problem::CsvProblem::Price("x".into()) };
    let fx = t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Checked {
        file: "bad.csv".into(),
        result: Err(bad),
    })));
    assert_eq!(
        t.m().import.step,
        ImportStep::Invalid { line: 3, problem: crate::core::csv_problem::CsvProblem::Price("x".into()) }
    );
    assert!(fx.contains(&Effect::Beep(Beep::Error)));
    assert!(import_fx(&t.key(Key::Enter)).is_empty(), "a bad file cannot be applied");
    assert!(t.state.catalogue.get("6900138600889").is_some());
    // A file that went bad between the check and Enter: nothing changed either.
    let mut t = Till::menu();
    t.open(Item::ImportCatalogue);
    let listed = ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(Some(vec!["a.csv".into()])) };
    t.send(Msg::Maintenance(MaintenanceMsg::Import(listed)));
    t.key(Key::Enter);
    let plan = ImportPlan { rows: 1, added: 0, changed: 0, removed: 0, promotions: false };
    t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Checked { file: "a.csv".into(), result: Ok(plan) })));
    t.key(Key::Enter);
    let fx = t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Applied {
        file: "a.csv".into(),
        result: Err(ImportFailure::Io("gone".into())),
    })));
    assert!(audits(&fx).is_empty());
    assert_eq!(t.m().import.step, ImportStep::Failed { error: "gone".into() });
    assert!(t.state.catalogue.get("6900138600889").is_some());
    // No stick; an empty stick.
    let mut t = Till::menu();
    t.open(Item::ImportCatalogue);
    t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(None) })));
    assert_eq!(t.m().import.step, ImportStep::NoDir);
    t.key(Key::Esc);
    assert_eq!(t.page(), Some(Page::Menu));
    t.open(Item::ImportCatalogue);
    let empty = ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(Some(vec![])) };
    t.send(Msg::Maintenance(MaintenanceMsg::Import(empty)));
    assert!(t.m().import.files.is_empty() && t.m().import.step == ImportStep::Choosing);
    assert!(import_fx(&t.key(Key::Enter)).is_empty());
}

fn usb_source() -> UpgradeSource {
    UpgradeSource { from: "/media/usb/till-0.2.0-aarch64.bundle".into(), usb: true }
}

fn done(t: &mut Till, result: Result<String, UpgradeFailure>) -> Vec<Effect> {
    t.send(Msg::Maintenance(MaintenanceMsg::Upgrade(UpgradeMsg::Done { result })))
}

#[test]
fn the_upgrade_page_finds_a_source_confirms_and_restarts_into_the_new_version() {
    let mut t = Till::menu();
    let fx = t.open(Item::Upgrade);
    assert_eq!(upgrade_fx(&fx), vec![UpgradeEffect::Find { dir: "/media/usb".into() }]);
    assert_eq!(t.m().upgrade.step, UpgradeStep::Looking);
    assert!(upgrade_fx(&t.key(Key::Enter)).is_empty(), "nothing to confirm yet");
    t.send(Msg::Maintenance(MaintenanceMsg::Upgrade(UpgradeMsg::Found { source: Some(usb_source()) })));
    assert_eq!(t.m().upgrade.step, UpgradeStep::Ready(usb_source()));
    let fx = t.key(Key::Enter);
    assert_eq!(upgrade_fx(&fx), vec![UpgradeEffect::Run { from: usb_source().from, force: false }]);
    assert!(t.key(Key::Esc).is_empty() && t.page() == Some(Page::Upgrade), "running: it runs to its end");
    let fx = done(&mut t, Ok("0.2.0".into()));
    assert_eq!(t.m().upgrade.step, UpgradeStep::Installed { version: "0.2.0".into() });
    assert!(fx.contains(&Effect::Maintenance(MaintenanceEffect::Restart)), "restart into the new slot");
    assert_eq!(audits(&fx), vec![AuditEvent::Upgraded { version: "0.2.0".into(), from: usb_source().from }]);
    assert_eq!(t.state.notice, Some(Notice::Auth(AuthNotice::Restarting)));
}

#[test]
fn waiting_work_refuses_the_upgrade_until_a_second_confirmation_which_is_audited() {
    let mut t = Till::menu();
    t.open(Item::Upgrade);
    t.send(Msg::Maintenance(MaintenanceMsg::Upgrade(UpgradeMsg::Found { source: Some(usb_source()) })));
    t.key(Key::Enter);
    let fx = done(&mut t, Err(UpgradeFailure::Blocked { unsynced: 2, unresolved: 1 }));
    assert_eq!(t.m().upgrade.step, UpgradeStep::Blocked { source: usb_source(), unsynced: 2, unresolved: 1 });
    assert!(!fx.contains(&Effect::Maintenance(MaintenanceEffect::Restart)));
    let fx = t.key(Key::Enter);
    assert_eq!(upgrade_fx(&fx), vec![UpgradeEffect::Run { from: usb_source().from, force: true }]);
    assert_eq!(audits(&fx), vec![AuditEvent::UpgradeForced { unsynced: 2, unresolved: 1 }]);
    assert_eq!(t.m().upgrade.step, UpgradeStep::Running { source: usb_source(), forced: true });
    // A refusal (bad signature) is one line; nothing restarts; Esc goes back.
    let fx = done(&mut t, Err(UpgradeFailure::BadSignature));
    assert_eq!(t.m().upgrade.step, UpgradeStep::Failed(UpgradeFailure::BadSignature));
    assert!(!fx.contains(&Effect::Maintenance(MaintenanceEffect::Restart)));
    t.key(Key::Esc);
    assert_eq!(t.page(), Some(Page::Menu));
    // Blocked, then Esc: nothing runs.
    let mut t = Till::menu();
    t.open(Item::Upgrade);
    t.send(Msg::Maintenance(MaintenanceMsg::Upgrade(UpgradeMsg::Found { source: Some(usb_source()) })));
    t.key(Key::Enter);
    done(&mut t, Err(UpgradeFailure::Blocked { unsynced: 0, unresolved: 3 }));
    assert!(upgrade_fx(&t.key(Key::Esc)).is_empty());
    assert_eq!(t.page(), Some(Page::Menu));
}

#[test]
fn no_bundle_and_no_url_says_so_and_a_late_answer_starts_nothing() {
    let mut t = Till::menu();
    t.open(Item::Upgrade);
    t.send(Msg::Maintenance(MaintenanceMsg::Upgrade(UpgradeMsg::Found { source: None })));
    assert_eq!(t.m().upgrade.step, UpgradeStep::NoSource);
    assert!(upgrade_fx(&t.key(Key::Enter)).is_empty());
    t.key(Key::Esc);
    t.open(Item::Upgrade);
    t.key(Key::Esc);
    let fx = t.send(Msg::Maintenance(MaintenanceMsg::Upgrade(UpgradeMsg::Found { source: Some(usb_source()) })));
    assert!(fx.is_empty());
    assert_eq!(t.page(), Some(Page::Menu));
}

#[test]
fn a_promotions_file_from_the_stick_puts_its_promotions_in_force_and_leaves_the_catalogue() {
    use crate::core::pricing::promo::{Kind, Promotion, Scope, Window};
    let mut t = Till::menu();
    t.open(Item::ImportCatalogue);
    let listed = ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(Some(vec!["p.csv".to_string()])) };
    t.send(Msg::Maintenance(MaintenanceMsg::Import(listed)));
    t.key(Key::Enter);
    let plan = ImportPlan { rows: 1, added: 1, changed: 0, removed: 0, promotions: true };
    t.send(Msg::Maintenance(MaintenanceMsg::Import(ImportMsg::Checked { file: "p.csv".into(), result: Ok(plan) })));
    assert!(t.m().import.promotions, "the page speaks of promotions");
    t.key(Key::Enter);
    let before = t.state.catalogue.clone();
    let promo = Promotion {
        id: "M1".into(),
        name: "满100减10".into(),
        window: Window::default(),
        scope: Scope::All,
        kind: Kind::Threshold { tiers: vec![(Fen(10_000), Fen(1_000))] },
    };
    let imported = Imported { rows: 1, products: vec![], stock: vec![], promotions: Some(vec![promo]) };
    let applied = ImportMsg::Applied { file: "p.csv".into(), result: Ok(imported) };
    let fx = t.send(Msg::Maintenance(MaintenanceMsg::Import(applied)));
    assert_eq!(t.m().import.step, ImportStep::Done { rows: 1 });
    assert_eq!(audits(&fx), vec![AuditEvent::PromotionsImported { file: "p.csv".into(), rows: 1 }]);
    assert_eq!(t.state.promotions.promotions().len(), 1);
    assert_eq!(t.state.catalogue, before, "the catalogue is untouched");
}
