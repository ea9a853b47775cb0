#![allow(clippy::panic)] // a test fails by panicking
//! Tills enrolled from the web view: the owner adds a till and gets a one-time code, the real
//! `till enrol CODE` gets the till its device id and key (kept 0600), the enrolled till delivers
//! its sales; a code works once and not after it expired; a new key replaces the old one when the
//! till first uses it; a revoked till is refused. Real office, real PostgreSQL, real till.

mod common;
#[allow(dead_code)] // the helpers other tests use
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, signed_in};
use process::{World, till_binary};
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;
use till::sim::cloudpay::SimConfig;

const SECS: fn(u64) -> Duration = Duration::from_secs;

/// The signed-in owner's browser, without one.
struct Owner {
    base: String,
    token: String,
    http: reqwest::blocking::Client,
}

impl Owner {
    fn sign_in(office: &OfficeProcess) -> Owner {
        office.add_owner("owner", "correct horse");
        let http =
            reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Owner { base: office.base_url.clone(), token: signed_in(&office.base_url, "owner", "correct horse"), http }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let answer = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("till_office_session={}", self.token))
            .send()
            .expect("get");
        (answer.status().as_u16(), answer.text().unwrap_or_default())
    }

    /// The session's CSRF token, from the devices page's forms.
    fn csrf(&self) -> String {
        let (_, html) = self.get("/devices?lang=en");
        between(&html, "name=\"csrf\" value=\"", "\"").expect("a form with the CSRF token")
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("till_office_session={}", self.token))
            .form(form)
            .send()
            .expect("post");
        (answer.status().as_u16(), answer.text().unwrap_or_default())
    }

    /// A code page's code (`ABCD-EFGH-JKMN`), after a form that makes one.
    fn code(&self, path: &str, form: &[(&str, &str)]) -> String {
        let (status, html) = self.post(path, form);
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("<svg"), "the code's QR is on the page");
        between(&html, "id=\"code\">", "<").expect("the code")
    }
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    Some(text[from..].split(end).next()?.to_string())
}

/// `till enrol CODE --office BASE --config …`: (success, stdout + stderr).
fn enrol(w: &World, code: &str, office: &str) -> (bool, String) {
    let out = std::process::Command::new(till_binary())
        .args(["enrol", code, "--office", office, "--config"])
        .arg(&w.config_path)
        .output()
        .expect("till enrol");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn cash_sale_delivered(w: &mut World, office: &OfficeProcess) {
    let mut till = w.start_till();
    till.cash_sale_cola();
    let o = till.wait_for("delivered", SECS(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());
    assert_eq!(o.sync.last_error, None, "{}", office.log());
    till.quit();
}

#[test]
fn a_till_added_in_the_web_view_is_enrolled_by_its_code_delivers_and_takes_a_new_key() {
    let office = OfficeProcess::start(&[]);
    let owner = Owner::sign_in(&office);
    let csrf = owner.csrf();
    let code = owner.code("/devices/add", &[("csrf", &csrf), ("lang", "en"), ("name", "前台 Front counter")]);
    let db = office.db();
    let device_id = db.text("SELECT device_id FROM devices");
    // Only the code's SHA-256 is kept.
    let plain = code.replace('-', "");
    let sha = format!("encode(sha256(convert_to('{plain}', 'UTF8')), 'hex')");
    assert_eq!(db.number(&format!("SELECT count(*) FROM enrolment_codes WHERE code_sha256 = {sha}")), 1);
    assert_eq!(db.number(&format!("SELECT count(*) FROM enrolment_codes WHERE code_sha256 LIKE '%{plain}%'")), 0);
    let (_, list) = owner.get("/devices?lang=en");
    assert!(list.contains(&device_id) && list.contains("waiting for enrolment"), "{list}");

    // The till has no back office until it is enrolled.
    let mut w = World::new(SimConfig::default(), |c| c.backoffice = None);
    let (ok, said) = enrol(&w, &code.to_lowercase(), &office.base_url);
    assert!(ok, "{said}");
    assert!(said.contains(&device_id), "{said}");
    let file = w.data_dir().join("backoffice.toml");
    assert_eq!(std::fs::metadata(&file).expect("the enrolment file").permissions().mode() & 0o777, 0o600);
    let (ok, said) = enrol(&w, &code, &office.base_url);
    assert!(!ok && said.contains("used already"), "a code works once: {said}");

    cash_sale_delivered(&mut w, &office);
    assert_eq!(db.number(&format!("SELECT count(*) FROM orders WHERE device_id = '{device_id}'")), 1);
    assert_eq!(db.text("SELECT version FROM devices"), env!("CARGO_PKG_VERSION"));
    assert_eq!(db.number("SELECT unsynced FROM devices"), 0);
    let (_, list) = owner.get("/devices?lang=en");
    let row = between(&list, &format!("<tr id=\"till-{device_id}\">"), "</tr>").expect("the till's row");
    assert!(row.contains("in use") && row.contains(env!("CARGO_PKG_VERSION")), "{row}");
    assert!(!row.contains("never"), "a last contact: {row}");

    // A new key: the old one works until the till first signs with the new one.
    let code = owner.code("/devices/new-key", &[("csrf", &csrf), ("device_id", &device_id)]);
    let (ok, said) = enrol(&w, &code, &office.base_url);
    assert!(ok, "{said}");
    assert_eq!(db.number("SELECT count(*) FROM device_keys WHERE revoked_at IS NULL"), 2);
    cash_sale_delivered(&mut w, &office);
    assert_eq!(db.text("SELECT string_agg(key_id, ',') FROM device_keys WHERE revoked_at IS NULL"), "2");
    assert_eq!(db.number(&format!("SELECT count(*) FROM orders WHERE device_id = '{device_id}'")), 2);

    // Revoked in the web view: the till's next sale is refused, and shown.
    let (status, _) = owner.post("/devices/revoke", &[("csrf", &csrf), ("device_id", &device_id)]);
    assert_eq!(status, 303);
    let mut till = w.start_till();
    till.cash_sale_cola();
    let o = till.wait_for("refused", SECS(30), |o| o.sync.failed == 1);
    assert!(o.sync.last_error.as_deref().is_some_and(|e| e.contains("403")), "{:?}", o.sync.last_error);
    till.quit();
    assert_eq!(db.number("SELECT count(*) FROM orders"), 2);
    let (_, list) = owner.get("/devices?lang=zh");
    assert!(list.contains("已停用"), "{list}");
}

#[test]
fn expired_unknown_and_forged_requests_enrol_nothing() {
    let office = OfficeProcess::start(&[]);
    let owner = Owner::sign_in(&office);
    let csrf = owner.csrf();
    let db = office.db();

    // Not signed in, or without the session's CSRF token: no till, no code.
    let anonymous = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build();
    let answer = anonymous
        .expect("client")
        .post(format!("{}/devices/add", office.base_url))
        .form(&[("csrf", csrf.as_str()), ("name", "x")])
        .send()
        .expect("post");
    assert_eq!(answer.status().as_u16(), 303, "to the sign-in page");
    assert_eq!(owner.post("/devices/add", &[("csrf", "forged"), ("name", "x")]).0, 403);
    assert_eq!(db.number("SELECT count(*) FROM devices") + db.number("SELECT count(*) FROM enrolment_codes"), 0);

    let code = owner.code("/devices/add", &[("csrf", &csrf), ("name", "Back room")]);
    db.number("WITH x AS (UPDATE enrolment_codes SET expires_at = now() - interval '1 second' RETURNING 1) SELECT count(*) FROM x");
    let w = World::new(SimConfig::default(), |c| c.backoffice = None);
    let (ok, said) = enrol(&w, &code, &office.base_url);
    assert!(!ok && said.contains("expired"), "{said}");
    let (ok, said) = enrol(&w, "2345-6789-ABCD", &office.base_url);
    assert!(!ok && said.contains("unknown"), "{said}");
    let (ok, said) = enrol(&w, "not a code", &office.base_url);
    assert!(!ok && said.contains("not an enrolment code"), "{said}");
    assert!(!w.data_dir().join("backoffice.toml").exists());
    assert_eq!(db.number("SELECT count(*) FROM device_keys"), 0);
}
