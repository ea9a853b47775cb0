#![allow(clippy::panic)] // a test fails by panicking
//! The office's enrolment QR scanned at the till, for real: the running till (the real binary,
//! headless) reads the code without spending it, shows the office and its name there, and only a
//! supervisor's PIN spends it; the enrolment is kept 0600 and its key never logged; after a
//! restart the till delivers to the office as the enrolled device. Real office, real PostgreSQL.

mod common;
#[allow(dead_code)] // the helpers other tests use
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, between, signed_in};
use process::World;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;
use till::core::configure::ConfigChange;
use till::core::enrol::{EnrolFailure, EnrolNotice};
use till::core::notice::Notice;
use till::core::{Key, Screen};
use till::sim::cloudpay::SimConfig;

const SECS: fn(u64) -> Duration = Duration::from_secs;

/// A till added in the web view: its enrolment QR's text.
fn added_till(office: &OfficeProcess, name: &str) -> String {
    office.add_owner("owner", "correct horse");
    let token = signed_in(&office.base_url, "owner", "correct horse");
    let http =
        reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let cookie = format!("till_office_session={token}");
    let list = http.get(format!("{}/devices?lang=en", office.base_url)).header("cookie", &cookie).send();
    let csrf = between(&list.expect("devices").text().expect("html"), "name=\"csrf\" value=\"", "\"").expect("csrf");
    let page = http
        .post(format!("{}/devices/add", office.base_url))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("lang", "en"), ("name", name)])
        .send()
        .expect("add")
        .text()
        .expect("html");
    let code = between(&page, "id=\"code\">", "<").expect("the code");
    till_proto::enrol::qr_text(&office.base_url, &code.replace('-', ""))
}

#[test]
fn the_enrolment_qr_scanned_at_the_till_enrols_it_once_a_supervisor_confirms() {
    let office = OfficeProcess::start(&[]);
    let qr = added_till(&office, "前台 Front counter");
    let db = office.db();
    let device_id = db.text("SELECT device_id FROM devices");
    let mut w = World::new(SimConfig::default(), |c| c.backoffice = None);
    let file = w.data_dir().join("backoffice.toml");
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);

    // Cancelled on its confirmation: nothing kept, the code not spent.
    till.scan(&qr);
    let o = till.wait_for("the confirmation", SECS(10), |o| matches!(o.screen, Screen::Confirm(_)));
    let Screen::Confirm(ConfigChange::Enrol { office: shown, device_id: id, till_name, .. }) = &o.screen else {
        panic!("{:?}", o.screen)
    };
    assert_eq!(
        (shown.as_str(), id.as_str(), till_name.as_str()),
        (office.base_url.as_str(), device_id.as_str(), "前台 Front counter")
    );
    till.key(Key::Esc);
    till.key(Key::Esc);
    till.wait_for("cancelled", SECS(10), |o| o.notice == Some(Notice::ConfigCancelled));
    assert!(!file.exists(), "nothing kept");
    assert_eq!(db.number("SELECT count(*) FROM enrolment_codes WHERE used_at IS NULL"), 1, "the code not spent");

    // Confirmed with the supervisor's PIN: enrolled.
    till.scan(&qr);
    till.wait_for("the confirmation", SECS(10), |o| matches!(o.screen, Screen::Confirm(_)));
    assert!(!file.exists(), "nothing kept before the PIN");
    till.typed("0000");
    let enrolled = Some(Notice::Enrol(EnrolNotice::Enrolled { device_id: device_id.clone() }));
    till.wait_for("enrolled", SECS(20), |o| o.notice == enrolled);
    assert_eq!(std::fs::metadata(&file).expect("the enrolment file").permissions().mode() & 0o777, 0o600);

    // The same code again: spent, said so; nothing changes.
    till.scan(&qr);
    let spent = Some(Notice::Enrol(EnrolNotice::Failed { error: EnrolFailure::Spent }));
    till.wait_for("spent", SECS(20), |o| o.notice == spent);
    till.quit();
    let key = db.text("SELECT secret FROM device_keys");
    assert!(!w.till_log().contains(&key), "the key never reaches the log");

    // From the next start the till delivers to the office as the enrolled device.
    let mut till = w.start_till();
    till.cash_sale_cola();
    let o = till.wait_for("delivered", SECS(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());
    assert_eq!(o.sync.last_error, None, "{}", office.log());
    till.quit();
    assert_eq!(db.number(&format!("SELECT count(*) FROM orders WHERE device_id = '{device_id}'")), 1);
}
