//! The platform around the sale, end to end with the real binary: setting a Cloud Pay till up by
//! scanning the merchant's configuration code, and domain failover shown on the status bar.

#![allow(clippy::panic)] // test helpers fail the test by panicking

mod common;

use common::process::World;
use std::time::Duration;
use till::core::configure::ConfigChange;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::{Key, Screen, SetupFailure};
use till::payments::cloudpay::CloudPayConfig;
use till::sim::cloudpay::SimConfig;

const SECS: fn(u64) -> Duration = Duration::from_secs;
const COLA: &str = "6900138600889";
const WECHAT: &str = "134680423163089456";

#[test]
fn an_unconfigured_till_is_set_up_by_scanning_the_configuration_code_and_stays_set_up() {
    let mut w = World::new(SimConfig::default(), |c| {
        let domains = c.cloudpay.base_urls.clone();
        c.cloudpay = CloudPayConfig { base_urls: domains, timeout_ms: 2_000, ..CloudPayConfig::blank() };
    });
    let qr = w.sim.issue_setup_qr();
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    // A code that is cancelled on its confirmation changes nothing.
    let cancelled = w.sim.issue_setup_qr();
    till.scan(&cancelled);
    till.wait_for("the confirmation", SECS(10), |o| matches!(o.screen, Screen::Confirm(_)));
    till.key(Key::Esc);
    till.key(Key::Esc);
    till.wait_for("cancelled", SECS(10), |o| o.notice == Some(Notice::ConfigCancelled));
    let file = w.dir.path().join("data").join("cloudpay-device.json");
    assert!(!file.exists(), "nothing stored");
    // The scan shows the merchant and shop it would set up, and waits for a supervisor's PIN
    // typed now, though supervisor 01 is signed in.
    till.scan(&qr);
    let o = till.wait_for("the confirmation", SECS(10), |o| matches!(o.screen, Screen::Confirm(_)));
    let Screen::Confirm(ConfigChange::Platform { current: None, new }) = &o.screen else { panic!("{:?}", o.screen) };
    assert_eq!(new.shop_name, "测试便利店");
    assert!(!file.exists(), "nothing stored before the PIN");
    till.typed("0000");
    let o = till.wait_for("set up", SECS(10), |o| matches!(o.notice, Some(Notice::SetupDone { .. })));
    assert_eq!(o.notice, Some(Notice::SetupDone { shop_name: "测试便利店".into() }));
    // The same code again: refused with the reason; the till stays set up.
    till.scan(&qr);
    till.wait_for("reused code refused", SECS(10), |o| {
        o.notice == Some(Notice::SetupFailed { error: SetupFailure::AlreadyUsed })
    });
    till.scan(COLA);
    till.typed("");
    till.scan(WECHAT);
    let done = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    assert!(done.number.as_deref().is_some_and(|n| n.starts_with("01000052")), "{:?}", done.number);
    till.quit();

    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).expect("stored").permissions());
    assert_eq!(mode & 0o777, 0o600);
    assert!(!w.till_log().contains("SimAuthenKey"), "the key never reaches the log");

    // After a restart the stored set-up is used.
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.typed("");
    till.scan(WECHAT);
    let done = till.wait_for("paid after restart", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    assert_eq!(done.total, Fen(350));
    till.quit();
}

#[test]
fn hostile_configuration_codes_are_refused_without_a_request() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan("https://evil.example.com/cpay/use_device_setting?osi=a&si=b");
    till.wait_for("refused", SECS(10), |o| {
        o.notice == Some(Notice::SetupFailed { error: SetupFailure::NotASetupCode })
    });
    till.quit();
}

#[test]
fn the_till_starts_on_a_domain_that_answers_and_moves_when_it_fails_during_a_payment() {
    let mut w = World::domains(3, SimConfig::default(), |c| c.cloudpay.timeout_ms = 500);
    let urls = w.sim.base_urls();
    let host = |i: usize| urls[i].trim_start_matches("http://").to_string();
    w.block_on(w.sim.set_down_domain(0, true));
    let mut till = w.start_till();
    let o = till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    assert!(o.gateway.ends_with(&host(1)), "started on the first domain that answers: {}", o.gateway);
    w.block_on(w.sim.set_down_domain(1, true));
    till.scan(COLA);
    till.typed("");
    till.scan(WECHAT);
    let done = till.wait_for("paid on the next domain", SECS(20), |o| matches!(o.screen, Screen::Done { .. }));
    assert!(done.gateway.ends_with(&host(2)), "{}", done.gateway);
    till.quit();
    let charged: u32 = w.sim.orders().iter().map(|o| w.sim.charge_count(&o.out_trade_no)).sum();
    assert_eq!(charged, 1);
}

#[test]
fn a_till_not_set_up_refuses_code_payments_without_sending_anything_and_takes_cash() {
    let mut w = World::new(SimConfig::default(), |c| {
        let domains = c.cloudpay.base_urls.clone();
        c.cloudpay = CloudPayConfig { base_urls: domains, ..CloudPayConfig::blank() };
    });
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.typed("");
    till.scan(WECHAT);
    let o = till.wait_for("refused", SECS(10), |o| matches!(o.notice, Some(Notice::PaymentDeclined { .. })));
    assert!(format!("{:?}", o.notice).contains("not set up"), "{:?}", o.notice);
    till.key(till::core::Key::F(2));
    till.typed("");
    till.wait_for("cash sale", SECS(5), |o| matches!(o.screen, Screen::Done { .. }));
    till.quit();
    assert!(w.sim.orders().is_empty(), "nothing reached the platform");
}

#[test]
fn a_weishouyin_till_not_activated_still_starts_and_says_why() {
    let mut w = World::weishouyin(till::sim::weishouyin::SimConfig::default(), |c| {
        if let Some(ws) = c.weishouyin.as_mut() {
            ws.key.clear();
        }
    });
    let mut till = w.start_till();
    let o = till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    assert!(o.gateway.contains("not activated"), "{}", o.gateway);
    till.scan(COLA);
    till.typed("");
    till.scan(WECHAT);
    let o = till.wait_for("refused", SECS(10), |o| matches!(o.notice, Some(Notice::PaymentDeclined { .. })));
    assert!(format!("{:?}", o.notice).contains("till activate"), "{:?}", o.notice);
    till.quit();
}

#[test]
fn with_the_platform_down_the_till_says_so_at_once_and_takes_cash_then_codes_again_when_back() {
    let mut w = World::new(SimConfig::default(), |c| c.cloudpay.timeout_ms = 500);
    w.block_on(w.sim.set_down(true));
    let mut till = w.start_till();
    till.wait_for("offline known", SECS(10), |o| !o.online && o.screen == Screen::Sale);
    till.scan(COLA);
    till.typed("");
    till.scan(WECHAT);
    let o = till.wait_for("refused at once", SECS(5), |o| o.notice == Some(Notice::OfflineTakeCash));
    assert!(o.out_trade_no.is_none(), "no attempt, no number used");
    till.key(till::core::Key::F(2));
    till.typed("");
    till.wait_for("cash sale", SECS(5), |o| matches!(o.screen, Screen::Done { .. }));
    till.quit();
    w.block_on(w.sim.set_down(false));
    let mut till = w.start_till();
    till.wait_for("online", SECS(10), |o| o.online && o.screen == Screen::Sale);
    till.scan(COLA);
    till.typed("");
    till.scan(WECHAT);
    till.wait_for("paid by code", SECS(10), |o| matches!(o.screen, Screen::Done { .. }) && o.number.is_some());
    till.quit();
}
