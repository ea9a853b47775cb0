#![allow(clippy::panic)] // a test fails by panicking
//! Promotions' way down, for real: the owner uploads a promotions CSV to the office (a bad row
//! refused by its line, nothing saved), and a running till (the real binary, headless) takes the
//! set, keeps it in one write and sells with it on its next sale; the sale reaches the office at
//! the promotion's price.

mod common;
#[allow(dead_code)] // the helpers other tests use
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, signed_in, upload_csv};
use process::World;
use std::time::Duration;
use till::core::money::Fen;
use till::core::{Key, Screen};
use till::sim::cloudpay::SimConfig;
use till::sync::{BackofficeConfig, DEMO_DEVICE_ID, DEMO_KEY};

const SECS: fn(u64) -> Duration = Duration::from_secs;
const HEADER: &str = "id,name,kind,value,scope,from,until,days,hours\n";

/// The owner's upload of `csv`: (status, page).
fn upload(office: &OfficeProcess, token: &str, csv: &str) -> (u16, String) {
    upload_csv(&office.base_url, token, "/promotions", csv)
}

#[test]
fn a_promotion_imported_at_the_office_is_applied_by_a_running_till_on_its_next_sale() {
    let office = OfficeProcess::start(&[]);
    office.add_device(DEMO_DEVICE_ID, DEMO_KEY);
    office.add_owner("owner", "correct horse");
    let token = signed_in(&office.base_url, "owner", "correct horse");
    let db = office.db();

    let bad = format!("{HEADER}T1,可乐特价,special,3.00,item:6900138600889,,,,\nX,x,percent,abc,all,,,,\n");
    let (status, page) = upload(&office, &token, &bad);
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("line 3"), "the bad row by its line: {page}");
    assert_eq!(db.number("SELECT count(*) FROM promotion_sets"), 0, "nothing of a bad file is kept");

    let url = office.records_url();
    let mut w = World::new(SimConfig::default(), |c| {
        c.backoffice = Some(BackofficeConfig { url, catalogue_poll_secs: 1, ..BackofficeConfig::demo("") });
    });
    let mut till = w.start_till();
    till.wait_for("asked the office", SECS(30), |o| o.sync.promotions_version == Some(0));

    let good = format!("{HEADER}T1,可乐特价,special,3.00,item:6900138600889,,,,\n");
    let (status, page) = upload(&office, &token, &good);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Saved"), "{page}");
    assert!(page.contains("可乐特价"), "the page lists it: {page}");
    till.wait_for("the promotions applied", SECS(30), |o| o.sync.promotions_version == Some(1));

    // The same till, still running, sells the cola at the promotion's price (3.50 in the catalogue).
    till.scan("6900138600889");
    till.wait_for("one item at the promotion's price", SECS(5), |o| o.total == Fen(300));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.key(Key::Char('c'));
    till.typed("5");
    till.wait_for("cash paid", SECS(5), |o| o.screen == Screen::Done { change: Fen(200) });
    till.key(Key::Esc);
    till.wait_for("delivered", SECS(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());
    // The till tells the office the version it has with its next request.
    let deadline = std::time::Instant::now() + SECS(10);
    while db.number("SELECT coalesce(promotions_version, 0) FROM devices") != 1 {
        assert!(std::time::Instant::now() < deadline, "the till did not say it has version 1: {}", w.till_log());
        std::thread::sleep(Duration::from_millis(50));
    }
    till.quit();
    assert_eq!(db.text("SELECT string_agg(total_fen::text, ',' ORDER BY closed_at) FROM orders"), "300");

    // The same file again: no new set.
    assert!(upload(&office, &token, &good).1.contains("Nothing changed"));
    assert_eq!(db.number("SELECT count(*) FROM promotion_sets"), 1);
}
