#![allow(clippy::panic)] // a test fails by panicking
//! The catalogue's way down, for real: the owner uploads a CSV to the office (a bad row refused by
//! its line, nothing saved), and a running till (the real binary, headless) asks for the
//! changeset, applies it and sells at the new price; the sale reaches the office at that price.

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
const HEADER: &str = "barcode,name,price,stock,kind\n";

/// The owner's upload of `csv`: (status, page).
fn upload(office: &OfficeProcess, token: &str, csv: &str) -> (u16, String) {
    upload_csv(&office.base_url, token, "/catalogue", csv)
}

#[test]
fn a_price_changed_in_the_office_reaches_a_running_till_and_its_next_sale() {
    let office = OfficeProcess::start(&[]);
    office.add_device(DEMO_DEVICE_ID, DEMO_KEY);
    office.add_owner("owner", "correct horse");
    let token = signed_in(&office.base_url, "owner", "correct horse");
    let db = office.db();

    let (status, page) = upload(&office, &token, &format!("{HEADER}6900138600889,Cola,4.00,,normal\n123,Bad,abc,,\n"));
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("line 3"), "the bad row by its line: {page}");
    assert_eq!(db.number("SELECT count(*) FROM catalogue_changesets"), 0, "nothing of a bad file is kept");

    let url = office.records_url();
    let mut w = World::new(SimConfig::default(), |c| {
        c.backoffice = Some(BackofficeConfig { url, catalogue_poll_secs: 1, ..BackofficeConfig::demo("") });
    });
    let mut till = w.start_till();
    till.wait_for("asked the office", SECS(30), |o| o.sync.catalogue_version == Some(0));
    till.cash_sale_cola();
    let first = till.wait_for("delivered", SECS(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());

    let csv = format!("{HEADER}6900138600889,可口可乐 Cola,4.00,,normal\n6920152400777,Water,2.00,12,normal\n");
    let (status, page) = upload(&office, &token, &csv);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Saved"), "{page}");
    till.wait_for("the changeset applied", SECS(30), |o| o.sync.catalogue_version == Some(1));

    // The same till, still running, sells at the office's price.
    till.scan("6900138600889");
    till.wait_for("one item at the new price", SECS(5), |o| o.total == Fen(400));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.key(Key::Char('c'));
    till.typed("5");
    till.wait_for("cash paid", SECS(5), |o| o.screen == Screen::Done { change: Fen(100) });
    till.key(Key::Esc);
    let delivered_again = |o: &till::app::headless::Observation| {
        o.sync.unsynced() == 0 && o.sync.last_success_at > first.sync.last_success_at
    };
    till.wait_for("the second sale delivered", SECS(30), delivered_again);
    till.quit();
    assert_eq!(db.text("SELECT string_agg(total_fen::text, ',' ORDER BY closed_at) FROM orders"), "350,400");
    let deadline = std::time::Instant::now() + SECS(10);
    while db.number("SELECT coalesce(catalogue_version, 0) FROM devices") != 1 {
        assert!(std::time::Instant::now() < deadline, "the till did not say it has version 1");
        std::thread::sleep(Duration::from_millis(50));
    }
    let devices = reqwest::blocking::Client::new()
        .get(format!("{}/devices?lang=en", office.base_url))
        .header("cookie", format!("till_office_session={token}"))
        .send()
        .expect("devices page")
        .text()
        .expect("html");
    assert!(devices.contains("Catalogue version: 1"), "{devices}");

    // The same file again: no new changeset. A price back: a changeset of one product.
    assert!(upload(&office, &token, &csv).1.contains("Nothing changed"));
    let csv = csv.replace("4.00", "3.80");
    assert_eq!(upload(&office, &token, &csv).0, 200);
    assert_eq!(db.number("SELECT jsonb_array_length(products)::bigint FROM catalogue_changesets WHERE version = 2"), 1);
}
