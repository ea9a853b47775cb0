//! Whole-screen snapshots (80×24, Chinese and English) of the maintenance menu's USB pages: the
//! catalogue import (the stick's files, what a file would do, a bad line, done, no stick) and the
//! upgrade (ready, refused for waiting work, a bad signature, installed, nowhere to upgrade from).
//! The app's answers are fed in as messages, as `app` sends them.

mod common;

use common::*;
use till::core::catalog::Product;
use till::core::csv_problem::CsvProblem;
use till::core::maintenance::import::{ImportFailure, ImportMsg, ImportPlan, Imported};
use till::core::maintenance::upgrade::{UpgradeFailure, UpgradeMsg, UpgradeSource};
use till::core::maintenance::{DeviceInfo, ITEMS, Item, MaintenanceMsg, keys_to};
use till::core::money::Fen;
use till::core::office::OfficeMsg;
use till::core::{Key, Lang, Msg};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

/// Operator 01 (a supervisor) signed in opens the menu with F12; the stick is at /media/usb.
fn menu(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.send(Msg::Office(OfficeMsg::ExportDir { dir: "/media/usb".into() }));
    till.key(Key::F(12));
    let info = DeviceInfo { version: "0.1.0".into(), arch: "aarch64".into(), ..DeviceInfo::default() };
    till.send(Msg::Maintenance(MaintenanceMsg::Info(info)));
    till
}

fn open(till: &mut Till, item: Item) {
    for key in keys_to(item) {
        till.key(key);
    }
}

fn import(till: &mut Till, msg: ImportMsg) {
    till.send(Msg::Maintenance(MaintenanceMsg::Import(msg)));
}

fn upgrade(till: &mut Till, msg: UpgradeMsg) {
    till.send(Msg::Maintenance(MaintenanceMsg::Upgrade(msg)));
}

#[test]
fn the_menu_lists_thirteen_items_and_scrolls_on_a_short_screen() {
    for (lang, l) in LANGS {
        let mut till = menu(lang);
        for _ in 0..ITEMS.len() {
            till.key(Key::Down);
        }
        snapshot("maintenance_menu_last", l, &till);
        // Ten rows for the screen's body: the highlighted last item is still on it.
        let short = screen_text(&render_at(&till.state, 80, 12));
        let last = if lang == Lang::Zh { "培训模式" } else { "Training mode" };
        assert!(short.contains(&format!("▸    {last}")), "{short}");
    }
}

#[test]
fn the_catalogue_import_pages() {
    for (lang, l) in LANGS {
        let mut till = menu(lang);
        open(&mut till, Item::ImportCatalogue);
        let files = vec!["catalogue-2025-11.csv".into(), "catalogue.csv".into(), "prices-bad.csv".into()];
        import(&mut till, ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(Some(files)) });
        till.key(Key::Down);
        snapshot("import_files", l, &till);
        till.key(Key::Enter);
        let plan = ImportPlan { rows: 412, added: 12, changed: 30, removed: 3, promotions: false };
        import(&mut till, ImportMsg::Checked { file: "catalogue.csv".into(), result: Ok(plan) });
        snapshot("import_ready", l, &till);
        till.key(Key::Enter);
        let products = vec![Product::new("6900138600889", "可口可乐 330ml", Fen(350))];
        let done = Imported { rows: 412, products, stock: vec![], promotions: None };
        import(&mut till, ImportMsg::Applied { file: "catalogue.csv".into(), result: Ok(done) });
        snapshot("import_done", l, &till);
        till.key(Key::Esc).key(Key::Down).key(Key::Enter);
        let bad = ImportFailure::Line { line: 17, problem: CsvProblem::Price("3,50".into()) };
        import(&mut till, ImportMsg::Checked { file: "prices-bad.csv".into(), result: Err(bad) });
        let text = screen_text(&till.render());
        assert!(text.contains("17"), "{text}");
        snapshot("import_bad_line", l, &till);
        till.key(Key::Esc).key(Key::Esc);
        open(&mut till, Item::ImportCatalogue);
        import(&mut till, ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(None) });
        snapshot("import_no_usb", l, &till);
    }
}

#[test]
fn a_stick_with_more_files_than_rows_keeps_the_highlighted_one_on_screen() {
    let mut till = menu(Lang::En);
    open(&mut till, Item::ImportCatalogue);
    let files: Vec<String> = (1..=40).map(|n| format!("catalogue-{n:02}.csv")).collect();
    import(&mut till, ImportMsg::Listed { dir: "/media/usb".into(), result: Ok(Some(files)) });
    for _ in 0..39 {
        till.key(Key::Down);
    }
    let text = screen_text(&till.render());
    assert!(text.contains("▸ catalogue-40.csv") && !text.contains("catalogue-01.csv"), "{text}");
    assert!(text.contains("USB stick  /media/usb"), "the directory stays on top: {text}");
}

#[test]
fn the_upgrade_pages() {
    for (lang, l) in LANGS {
        let mut till = menu(lang);
        open(&mut till, Item::Upgrade);
        let source = UpgradeSource { from: "/media/usb/till-0.2.0-aarch64.bundle".into(), usb: true };
        upgrade(&mut till, UpgradeMsg::Found { source: Some(source) });
        snapshot("upgrade_ready", l, &till);
        till.key(Key::Enter);
        upgrade(&mut till, UpgradeMsg::Done { result: Err(UpgradeFailure::Blocked { unsynced: 2, unresolved: 1 }) });
        snapshot("upgrade_blocked", l, &till);
        till.key(Key::Enter);
        snapshot("upgrade_running", l, &till);
        upgrade(&mut till, UpgradeMsg::Done { result: Ok("0.2.0".into()) });
        snapshot("upgrade_installed", l, &till);

        let mut till = menu(lang);
        open(&mut till, Item::Upgrade);
        let url = UpgradeSource { from: "https://updates.example.com/till/aarch64/latest.bundle".into(), usb: false };
        upgrade(&mut till, UpgradeMsg::Found { source: Some(url) });
        till.key(Key::Enter);
        upgrade(&mut till, UpgradeMsg::Done { result: Err(UpgradeFailure::BadSignature) });
        snapshot("upgrade_bad_signature", l, &till);
        till.key(Key::Esc);
        open(&mut till, Item::Upgrade);
        upgrade(&mut till, UpgradeMsg::Found { source: None });
        snapshot("upgrade_no_source", l, &till);
    }
}
