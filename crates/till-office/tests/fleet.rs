#![allow(clippy::panic)] // a test fails by panicking
//! Upgrades for a fleet against a real office on real PostgreSQL: the office keeps only bundles
//! signed by the release key (a stranger's and an altered one are refused at upload), offers a
//! release to its group of tills only, serves the bundle, and stops the rollout by itself when more
//! than its share of tills report a rollback; the owner's page says why. A till (the library's own
//! release follower, with the release key trusted) downloads, checks and keeps the bundle where
//! the maintenance menu's upgrade item finds it, and refuses an altered one the office serves.

mod common;
#[allow(dead_code)] // the helpers other tests use
#[path = "../../../tests/common/process.rs"]
mod process;

use common::{OfficeProcess, between, office_command, signed_in};
use ed25519_dalek::SigningKey;
use std::time::Duration;
use till::sync::release::{Local, OFFERED_FILE, ReleaseError, follow_once};
use till::sync::{BackofficeConfig, DEMO_KEY};
use till::upgrade::{TARGET, TrustedKeys, bundle};
use till_proto::release::{ReleaseAnswer, ReleaseQuery, signing_key};
use till_proto::sign::Signer;

const RELEASE_KEY: [u8; 32] = [7; 32];

/// A program for this machine as far as an ELF header tells: enough for the checks.
fn program(len: usize) -> Vec<u8> {
    let (machine, class): (u16, u8) = match TARGET.split('-').next() {
        Some("aarch64") => (0xB7, 2),
        Some("x86_64") => (0x3E, 2),
        Some(a) if a.starts_with("armv7") => (0x28, 1),
        _ => (0, 2),
    };
    let mut p = vec![0u8; len.max(64)];
    p[..4].copy_from_slice(b"\x7fELF");
    p[4] = class;
    p[5] = 1;
    p[18..20].copy_from_slice(&machine.to_le_bytes());
    for (i, b) in p.iter_mut().enumerate().skip(64) {
        *b = (i % 251) as u8;
    }
    p
}

fn signed_bundle(key: &[u8; 32], version: &str) -> Vec<u8> {
    bundle::create(&SigningKey::from_bytes(key), &program(4096), version, TARGET, Some("fixes".into())).expect("bundle")
}

/// The owner's upload of a bundle file through the page's multipart form: (status, page).
fn upload(base: &str, token: &str, bytes: &[u8]) -> (u16, String) {
    let http = reqwest::blocking::Client::new();
    let cookie = format!("till_office_session={token}");
    let page = http.get(format!("{base}/fleet?lang=en")).header("cookie", &cookie).send().expect("page");
    let csrf = between(&page.text().expect("html"), "name=\"csrf\" value=\"", "\"").expect("csrf");
    let boundary = "----till-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf.as_str()), ("lang", "en")] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"till.bundle\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let answer = http
        .post(format!("{base}/fleet/bundles"))
        .header("cookie", &cookie)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .expect("upload");
    (answer.status().as_u16(), answer.text().unwrap_or_default())
}

/// The owner's release form: (status, page).
fn define(base: &str, token: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let http = reqwest::blocking::Client::new();
    let cookie = format!("till_office_session={token}");
    let page = http.get(format!("{base}/fleet?lang=en")).header("cookie", &cookie).send().expect("page");
    let csrf = between(&page.text().expect("html"), "name=\"csrf\" value=\"", "\"").expect("csrf");
    let mut form = vec![("csrf", csrf.as_str()), ("lang", "en")];
    form.extend_from_slice(fields);
    let answer =
        http.post(format!("{base}/fleet/releases")).header("cookie", &cookie).form(&form).send().expect("define");
    (answer.status().as_u16(), answer.text().unwrap_or_default())
}

fn page(base: &str, token: &str, lang: &str) -> String {
    let http = reqwest::blocking::Client::new();
    let answer = http
        .get(format!("{base}/fleet?lang={lang}"))
        .header("cookie", format!("till_office_session={token}"))
        .send()
        .expect("page");
    assert_eq!(answer.status().as_u16(), 200);
    answer.text().expect("html")
}

/// A till's signed release request: what the office answers.
fn ask(base: &str, device: &str, running: &str, rolled_back_from: &str) -> ReleaseAnswer {
    let q = ReleaseQuery { running: running.into(), target: TARGET.into(), rolled_back_from: rolled_back_from.into() };
    let signer = Signer { device_id: device, key_id: "1", key: DEMO_KEY };
    let mut request = reqwest::blocking::Client::new().get(format!(
        "{base}{}?{}",
        till_proto::release::RELEASE_PATH,
        q.query_string()
    ));
    for (name, value) in signer.headers(common::now_secs(), &signing_key(&q), "") {
        request = request.header(name, value);
    }
    let answer = request.send().expect("ask");
    assert_eq!(answer.status().as_u16(), 200, "{device}");
    serde_json::from_str(&answer.text().expect("text")).expect("json")
}

fn add_till(office: &OfficeProcess, id: &str, shop: &str) {
    office_command(
        &office.cluster,
        &["add-device", id, "--name", id, "--shop", shop],
        &[("TILL_OFFICE_DEVICE_KEY", DEMO_KEY)],
    );
}

fn start_office() -> (OfficeProcess, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let keys = dir.path().join("update-keys");
    let public = hex::encode(SigningKey::from_bytes(&RELEASE_KEY).verifying_key().as_bytes());
    std::fs::write(&keys, format!("# the vendor's release key\n{public}\n")).expect("keys");
    let office = OfficeProcess::start(&["--update-keys", &keys.display().to_string()]);
    office.add_owner("owner", "correct horse");
    (office, dir)
}

#[test]
fn only_signed_bundles_are_hosted_and_a_rollout_stops_itself_when_too_many_tills_roll_back() {
    let (office, _keys) = start_office();
    let base = office.base_url.clone();
    for (id, shop) in [("N1", "north"), ("N2", "north"), ("N3", "north"), ("S1", "south")] {
        add_till(&office, id, shop);
    }
    let token = signed_in(&base, "owner", "correct horse");
    let db = office.db();

    let (status, page_text) = upload(&base, &token, &signed_bundle(&[9; 32], "0.3.0"));
    assert_eq!(status, 422, "a stranger's bundle: {page_text}");
    assert!(page_text.contains("does not trust"), "{page_text}");
    let mut altered = signed_bundle(&RELEASE_KEY, "0.3.0");
    let last = altered.len() - 1;
    altered[last] ^= 1;
    let (status, page_text) = upload(&base, &token, &altered);
    assert_eq!(status, 422, "an altered bundle: {page_text}");
    assert_eq!(db.number("SELECT count(*) FROM bundles"), 0, "nothing refused is hosted");

    let good = signed_bundle(&RELEASE_KEY, "0.3.0");
    let (status, page_text) = upload(&base, &token, &good);
    assert_eq!(status, 200, "{page_text}");
    assert!(page_text.contains("Bundle kept: 0.3.0"), "{page_text}");

    let (status, page_text) = define(&base, &token, &[("version", "0.9.9"), ("shop", "north")]);
    assert_eq!(status, 422, "no such bundle: {page_text}");
    let (status, page_text) = define(&base, &token, &[("version", "0.3.0"), ("shop", "north")]);
    assert_eq!(status, 200, "{page_text}");

    // Only the north shop's tills are offered it, and only when it is newer than what they run.
    let offer = ask(&base, "N1", "0.2.0", "").offer.expect("offered to the north shop");
    assert_eq!((offer.version.as_str(), offer.size), ("0.3.0", good.len() as u64));
    assert_eq!(ask(&base, "S1", "0.2.0", "").offer, None, "not the south shop's");
    assert_eq!(ask(&base, "N1", "0.3.0", "").offer, None, "installed");

    // One of the three north tills rolls back: 33 % > 20 %, the rollout stops by itself.
    assert_eq!(ask(&base, "N2", "0.2.0", "0.3.0").offer, None, "never offered again where it failed");
    assert_eq!(ask(&base, "N3", "0.2.0", "").offer, None, "stopped: not offered to a till that has not installed");
    assert!(db.number("SELECT count(*) FROM releases WHERE stopped_at IS NOT NULL") == 1);
    let en = page(&base, &token, "en");
    assert!(en.contains("stopped by itself: 1 of 3 tills rolled back (33%), more than 20%"), "{en}");
    let n2 = between(&en, "data-device=\"N2\">", "</tr>").expect("N2's row");
    assert!(n2.contains("from 0.3.0") && n2.contains("0.2.0"), "{n2}");
    let zh = page(&base, &token, "zh");
    assert!(zh.contains("已自动停止：3 台中 1 台回退（33%），超过 20%"), "{zh}");
    assert_eq!(db.text("SELECT running_version FROM devices WHERE device_id = 'N1'"), "0.3.0");

    // A release for all tills with a higher share goes on with one rollback in four.
    let newer = signed_bundle(&RELEASE_KEY, "0.4.0");
    assert_eq!(upload(&base, &token, &newer).0, 200);
    assert_eq!(define(&base, &token, &[("version", "0.4.0"), ("max_rollback_percent", "30")]).0, 200);
    assert_eq!(ask(&base, "S1", "0.3.0", "0.4.0").offer, None);
    assert_eq!(ask(&base, "N3", "0.2.0", "").offer.map(|o| o.version), Some("0.4.0".into()), "1 of 4 is 25 %");
}

#[test]
fn a_till_downloads_checks_and_keeps_the_release_for_the_maintenance_menu_and_refuses_an_altered_one() {
    let (office, _keys) = start_office();
    let base = office.base_url.clone();
    add_till(&office, "T1", "north");
    let token = signed_in(&base, "owner", "correct horse");
    let good = signed_bundle(&RELEASE_KEY, "99.0.0");
    assert_eq!(upload(&base, &token, &good).0, 200);
    assert_eq!(define(&base, &token, &[("version", "99.0.0"), ("devices", "T1")]).0, 200);

    let data = tempfile::tempdir().expect("data dir");
    let config = BackofficeConfig { url: office.records_url(), device_id: "T1".into(), ..BackofficeConfig::demo("") };
    let trusted = TrustedKeys::new(vec![SigningKey::from_bytes(&RELEASE_KEY).verifying_key()]);
    let local = Local {
        data_dir: data.path().to_path_buf(),
        slots: till::upgrade::Slots::new(data.path().join("slots")),
        keys: std::sync::Arc::new(move || Ok(trusted.clone())),
    };
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let waiting = rt.block_on(follow_once(&client, &config, &local)).expect("a round");
    assert_eq!(waiting.as_deref(), Some("99.0.0"));
    let offered = data.path().join(OFFERED_FILE);
    assert_eq!(std::fs::read(&offered).expect("kept"), good, "the bundle, whole");
    // The maintenance menu's upgrade item finds it (no stick, no URL) for the supervisor to confirm.
    let source = till::app::maintenance::upgrade::find(&data.path().join("usb"), Some(&offered), None);
    assert_eq!(source.map(|s| s.from), Some(offered.display().to_string()));
    let db = office.db();
    let running = till::upgrade::installed_version(&local.slots);
    assert_eq!(db.text("SELECT running_version FROM devices WHERE device_id = 'T1'"), running);

    // An office that serves an altered bundle (its table changed behind its back): the till refuses it.
    std::fs::remove_file(&offered).expect("rm");
    db.execute("UPDATE bundles SET bytes = overlay(bytes placing '\\x00'::bytea from length(bytes))");
    db.execute("UPDATE bundles SET sha256 = encode(sha256(bytes), 'hex')");
    let e = rt.block_on(follow_once(&client, &config, &local)).expect_err("altered");
    assert!(matches!(&e, ReleaseError::Refused(why) if why.contains("altered")), "{e}");
    assert!(!offered.exists(), "nothing kept");
}

/// The real till, headless, enrolled to the real office: it reports the version it runs in its
/// first round, learns of the release, downloads it, and (trusting no release key in this build)
/// refuses it and keeps nothing: nobody can talk the till into trusting a bundle.
#[test]
fn a_running_till_reports_its_version_and_refuses_a_release_it_cannot_trust() {
    let (office, _keys) = start_office();
    let base = office.base_url.clone();
    office.add_device(till::sync::DEMO_DEVICE_ID, DEMO_KEY);
    let token = signed_in(&base, "owner", "correct horse");
    assert_eq!(upload(&base, &token, &signed_bundle(&RELEASE_KEY, "99.0.0")).0, 200);
    assert_eq!(define(&base, &token, &[("version", "99.0.0")]).0, 200);

    let url = office.records_url();
    let slots = tempfile::tempdir().expect("slots");
    let slots_dir = slots.path().to_path_buf();
    let mut w = process::World::new(till::sim::cloudpay::SimConfig::default(), |c| {
        c.backoffice = Some(BackofficeConfig { url, release_poll_secs: 1, ..BackofficeConfig::demo("") });
        c.upgrade = Some(till::upgrade::UpgradeConfig { url: None, slots_dir });
    });
    let mut till = w.start_till();
    let o = till.wait_for("the offer refused", Duration::from_secs(60), |o| o.sync.upgrade_refused.is_some());
    let why = o.sync.upgrade_refused.unwrap_or_default();
    assert!(why.contains("trusts no update key"), "{why}");
    assert_eq!(o.sync.upgrade_waiting, None);
    till.quit();
    let db = office.db();
    let running = till::upgrade::installed_version(&till::upgrade::Slots::new(slots.path()));
    assert_eq!(db.text("SELECT running_version FROM devices"), running);
    assert!(page(&base, &token, "en").contains(&running));
}

/// The owner's page on a 360-pixel Chromium: the stopped rollout and why, in Chinese, and a
/// release defined through the form, without sideways scrolling.
#[test]
fn the_owner_sees_why_a_rollout_stopped_and_releases_to_a_shop_on_a_360px_chromium() {
    use common::browser::{Driver, sign_in, widths};
    use fantoccini::Locator;
    let (office, _keys) = start_office();
    let base = office.base_url.clone();
    for (id, shop) in [("N1", "north"), ("N2", "north")] {
        add_till(&office, id, shop);
    }
    let token = signed_in(&base, "owner", "correct horse");
    assert_eq!(upload(&base, &token, &signed_bundle(&RELEASE_KEY, "0.3.0")).0, 200);
    assert_eq!(upload(&base, &token, &signed_bundle(&RELEASE_KEY, "0.4.0")).0, 200);
    assert_eq!(define(&base, &token, &[("version", "0.3.0")]).0, 200);
    assert_eq!(ask(&base, "N1", "0.2.0", "0.3.0").offer, None);
    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile dir");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let wait = Duration::from_secs(20);
    rt.block_on(async {
        let c = driver.phone(profile.path()).await;
        sign_in(&c, &base, "owner", "correct horse").await;
        c.wait().at_most(wait).for_element(Locator::Id("shops")).await.expect("signed in: the today page");
        c.goto(&format!("{base}/fleet?lang=zh")).await.expect("fleet page");
        let releases = c.wait().at_most(wait).for_element(Locator::Id("releases")).await.expect("releases");
        let text = releases.text().await.expect("text");
        assert!(text.contains("已自动停止：2 台中 1 台回退（50%），超过 20%"), "{text}");
        let (inner, content) = widths(&c).await;
        assert!(inner == 360 && content <= inner, "no sideways scrolling: {inner} {content}");
        c.find(Locator::Id("version")).await.expect("version").send_keys("0.4.0").await.expect("type");
        c.find(Locator::Id("shop")).await.expect("shop").send_keys("north").await.expect("type");
        c.find(Locator::Id("release")).await.expect("button").click().await.expect("click");
        let message = c.wait().at_most(wait).for_element(Locator::Id("message")).await.expect("the answer");
        assert!(message.text().await.expect("text").contains("已发布 0.4.0"));
        c.close().await.expect("close the session");
    });
    assert_eq!(ask(&base, "N2", "0.2.0", "").offer.map(|o| o.version), Some("0.4.0".into()));
}
