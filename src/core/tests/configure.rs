//! Configuration scans: a `WIFI:` code or a platform set-up code changes nothing until a supervisor
//! types their PIN on the confirmation screen that names the change — even a supervisor signed in.

use super::*;
use crate::core::configure::{ConfigChange, Merchant, ScannedCode};

const SETUP_QR: &str = "https://pay.qcloud.com/cpay/use_device_setting?osi=sz01abc&si=5f1c0a9e";
const WIFI_QR: &str = "WIFI:T:WPA;S:ShopNet;P:secret123;;";

fn merchant(sub: &str, shop: &str) -> Merchant {
    Merchant { mch_id: "sz01Mch".into(), sub_mch_id: sub.into(), shop_id: "sz01abc".into(), shop_name: shop.into() }
}

fn other_merchant() -> ConfigChange {
    ConfigChange::Platform { current: Some(merchant("sz01Sub1", "")), new: merchant("sz01Evil", "新店") }
}

fn wifi() -> ConfigChange {
    ConfigChange::Wifi { ssid: "ShopNet".into(), code: ScannedCode(WIFI_QR.into()) }
}

fn changes(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::JoinWifi { .. } | Effect::Setup { .. }))
}

/// The supervisor's PIN typed on the prompt, and its check answered as `app` would.
fn supervisor_pin(t: &mut Till, ok: bool) -> Vec<Effect> {
    let mut fx = t.typed("1234");
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Auth(auth::AuthEffect::VerifyPin { number, .. }) if number == "01")),
        "the PIN is checked: {fx:?}"
    );
    fx.extend(t.send(Msg::Auth(auth::AuthMsg::PinChecked { number: "01".into(), ok })));
    fx
}

#[test]
fn a_wifi_code_scanned_by_a_signed_in_supervisor_waits_for_a_pin_typed_now() {
    let mut t = Till::new();
    assert_eq!(t.state.auth.session.as_ref().map(|s| s.role), Some(auth::Role::Supervisor));
    let fx = t.scan(WIFI_QR);
    assert_eq!(fx, vec![Effect::ReadConfigCode { code: ScannedCode(WIFI_QR.into()) }], "only read, never joined");
    let fx = t.send(Msg::ConfigOffer(wifi()));
    assert!(!changes(&fx), "{fx:?}");
    assert_eq!(t.state.screen, Screen::Confirm(wifi()));
    assert!(t.state.auth.prompt.is_some(), "the supervisor's PIN is asked for");
    // A wrong PIN changes nothing; the right one joins the network shown.
    let fx = supervisor_pin(&mut t, false);
    assert!(!changes(&fx), "{fx:?}");
    let fx = supervisor_pin(&mut t, true);
    assert!(fx.contains(&Effect::JoinWifi { code: ScannedCode(WIFI_QR.into()) }), "{fx:?}");
    assert_eq!(t.state.screen, Screen::Sale);
    assert_eq!(t.state.notice, Some(Notice::JoiningWifi));
    t.send(Msg::WifiAnswer { result: Ok("ShopNet".into()) });
    assert_eq!(t.state.notice, Some(Notice::WifiJoined { ssid: "ShopNet".into() }));
}

#[test]
fn the_pin_is_asked_even_when_the_shop_lets_anyone_change_settings() {
    let mut t = Till::new();
    t.state.auth.policy.supervisor_for.clear();
    t.scan(WIFI_QR);
    let fx = t.send(Msg::ConfigOffer(wifi()));
    assert!(!changes(&fx) && t.state.auth.prompt.is_some(), "{fx:?}");
    // An approval message from anywhere else only opens the prompt again.
    let fx = t.send(Msg::Approve(approval::Approval::Configure(wifi())));
    assert!(!changes(&fx), "{fx:?}");
}

#[test]
fn esc_leaves_the_confirmation_and_nothing_changes() {
    let mut t = Till::new();
    t.scan(WIFI_QR);
    t.send(Msg::ConfigOffer(wifi()));
    t.send(Msg::Key(Key::Esc)); // closes the PIN prompt
    assert_eq!(t.state.screen, Screen::Confirm(wifi()));
    assert!(t.state.auth.prompt.is_none());
    let fx = t.send(Msg::Key(Key::Enter)); // asks again
    assert!(!changes(&fx) && t.state.auth.prompt.is_some());
    t.send(Msg::Key(Key::Esc));
    let fx = t.send(Msg::Key(Key::Esc));
    assert!(!changes(&fx));
    assert_eq!((t.state.screen.clone(), t.state.notice.clone()), (Screen::Sale, Some(Notice::ConfigCancelled)));
    // A scan on the confirmation screen is no sale.
    t.scan(WIFI_QR);
    t.send(Msg::ConfigOffer(wifi()));
    t.send(Msg::Key(Key::Esc));
    t.scan("6900138600889");
    assert!(t.state.sale.lines.is_empty());
}

#[test]
fn a_set_up_code_shows_the_new_merchant_beside_the_current_one_and_needs_the_pin() {
    let mut t = Till::new();
    let fx = t.scan(SETUP_QR);
    assert_eq!(
        fx,
        vec![Effect::Say(Speech::SetupStarted), Effect::ReadConfigCode { code: ScannedCode(SETUP_QR.into()) }]
    );
    let fx = t.send(Msg::ConfigOffer(other_merchant()));
    assert!(!changes(&fx));
    let Screen::Confirm(ConfigChange::Platform { current: Some(current), new }) = t.state.screen.clone() else {
        panic!("no confirmation: {:?}", t.state.screen)
    };
    assert_eq!(current.shop_name, "测试便利店", "the current shop is named");
    assert_eq!(new.sub_mch_id, "sz01Evil");
    let fx = supervisor_pin(&mut t, true);
    assert!(fx.contains(&Effect::Setup { merchant: merchant("sz01Evil", "新店") }), "{fx:?}");
    let info = SetupInfo { shop_name: "新店".into(), order_prefix: "02000077".into(), operator: Some("1001".into()) };
    let fx = t.send(Msg::SetupAnswer { result: Ok(info) });
    assert!(fx.contains(&Effect::Say(Speech::SetupDone)));
    assert_eq!(t.state.notice, Some(Notice::SetupDone { shop_name: "新店".into() }));
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    assert!(no.starts_with("02000077"), "order numbers follow the new prefix: {no}");
}

#[test]
fn a_set_up_for_another_merchant_is_refused_while_a_payment_is_unresolved() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no, verdict: Verdict::Unknown { reason: "timeout".into() } });
    t.send(Msg::Key(Key::Esc)); // parked: confirmed in the background
    assert_eq!(t.state.unresolved_count(), 1);
    t.scan(SETUP_QR);
    let fx = t.send(Msg::ConfigOffer(other_merchant()));
    assert!(!changes(&fx));
    assert_eq!(t.state.screen, Screen::Sale);
    assert_eq!(t.state.notice, Some(Notice::MerchantChangeUnresolved { count: 1 }));
    // The same merchant's settings renewed are no change of where the money goes.
    t.scan(SETUP_QR);
    let same = ConfigChange::Platform { current: Some(merchant("sz01Sub1", "")), new: merchant("sz01Sub1", "店") };
    t.send(Msg::ConfigOffer(same));
    assert!(matches!(t.state.screen, Screen::Confirm(_)));
}

#[test]
fn a_payment_left_unresolved_while_the_pin_is_typed_still_refuses_the_change() {
    let mut t = Till::new();
    t.scan(SETUP_QR);
    t.send(Msg::ConfigOffer(other_merchant()));
    // As if a refund had gone into doubt meanwhile (in the background).
    let mut order = t.state.sale.clone();
    order.id = 99;
    order.status = order::OrderStatus::Paid;
    order.refunds.push(order::Refund {
        out_refund_no: "r1".into(),
        amount: Fen(100),
        total: Fen(100),
        refunded_before: Fen::ZERO,
        requested_at: Millis(T0),
        operator: "01".into(),
        state: order::RefundState::Unknown { reason: "timeout".into() },
        refund_id: None,
        queries: 0,
        of: None,
        cash: false,
        returns: vec![],
    });
    t.state.background.push(order);
    let fx = supervisor_pin(&mut t, true);
    assert!(!changes(&fx), "{fx:?}");
    assert_eq!(t.state.notice, Some(Notice::MerchantChangeUnresolved { count: 1 }));
}

#[test]
fn configuration_codes_only_on_an_empty_sale_screen() {
    let mut t = Till::new();
    t.scan("6900138600889");
    let fx = t.scan(WIFI_QR);
    assert!(!fx.iter().any(|e| matches!(e, Effect::ReadConfigCode { .. })));
    assert_eq!(t.state.notice, Some(Notice::WifiNotNow));
    t.scan(SETUP_QR);
    assert_eq!(t.state.notice, Some(Notice::SetupNotNow));
    // An offer that arrives once a sale has started is dropped.
    let fx = t.send(Msg::ConfigOffer(wifi()));
    assert!(!changes(&fx) && t.state.auth.prompt.is_none());
    assert_eq!(t.state.sale.lines.len(), 1, "the sale is untouched");
    // Nor once the operator has signed out meanwhile.
    let mut t = Till::new();
    t.scan(WIFI_QR);
    t.state.auth.session = None;
    let fx = t.send(Msg::ConfigOffer(wifi()));
    assert!(!changes(&fx) && t.state.auth.prompt.is_none() && t.state.screen == Screen::Sale);
}

#[test]
fn a_failed_set_up_says_why_and_can_start_over() {
    let mut t = Till::new();
    t.scan(SETUP_QR);
    let fx = t.send(Msg::SetupAnswer { result: Err(SetupFailure::Expired) });
    assert!(fx.contains(&Effect::Say(Speech::SetupFailed)));
    assert_eq!(t.state.notice, Some(Notice::SetupFailed { error: SetupFailure::Expired }));
    assert_eq!(t.state.settings.order_prefix, "01000052");
    assert!(t.scan(SETUP_QR).iter().any(|e| matches!(e, Effect::ReadConfigCode { .. })));
}

#[test]
fn a_wifi_code_never_shows_its_password_in_debug_output() {
    assert!(!format!("{:?}", wifi()).contains("secret123"));
}

const ENROL_QR: &str = "TILL-ENROL:https://office.example.com#ABCDEFGHJKMN";

fn enrol() -> ConfigChange {
    ConfigChange::Enrol {
        office: "https://office.example.com".into(),
        device_id: "till-02".into(),
        till_name: "二号机".into(),
        code: ScannedCode(ENROL_QR.into()),
    }
}

fn enrols(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Maintenance(crate::core::maintenance::MaintenanceEffect::Enrol { .. })))
}

#[test]
fn an_enrolment_qr_is_read_shown_and_spent_only_after_a_supervisors_pin() {
    use crate::core::enrol::{EnrolFailure, EnrolMsg, EnrolNotice};
    let mut t = Till::new();
    let fx = t.scan(ENROL_QR);
    assert_eq!(fx, vec![Effect::ReadConfigCode { code: ScannedCode(ENROL_QR.into()) }], "only read, never spent");
    assert_eq!(t.state.notice, Some(Notice::Enrol(EnrolNotice::Reading)));
    let fx = t.send(Msg::ConfigOffer(enrol()));
    assert!(!enrols(&fx), "{fx:?}");
    assert_eq!(t.state.screen, Screen::Confirm(enrol()));
    assert!(t.state.auth.prompt.is_some(), "the supervisor's PIN is asked for");
    assert!(!format!("{:?}", enrol()).contains("ABCDEFGHJKMN"), "the code stays out of the log");
    let fx = supervisor_pin(&mut t, false);
    assert!(!enrols(&fx), "{fx:?}");
    let fx = supervisor_pin(&mut t, true);
    assert!(enrols(&fx), "{fx:?}");
    assert_eq!(t.state.notice, Some(Notice::Enrol(EnrolNotice::Enrolling)));
    let fx = t.send(Msg::Enrol(EnrolMsg::Enrolled { device_id: "till-02".into(), office: "https://o".into() }));
    assert!(fx.iter().any(|e| matches!(e, Effect::Auth(auth::AuthEffect::Audit(_)))), "audited: {fx:?}");
    assert_eq!(t.state.notice, Some(Notice::Enrol(EnrolNotice::Enrolled { device_id: "till-02".into() })));
    t.send(Msg::Enrol(EnrolMsg::Failed { error: EnrolFailure::Spent }));
    assert!(t.state.notice.as_ref().is_some_and(Notice::is_error));
}

#[test]
fn an_enrolment_qr_during_a_sale_is_refused() {
    let mut t = Till::new();
    t.scan("6900138600889");
    let fx = t.scan(ENROL_QR);
    assert!(!fx.iter().any(|e| matches!(e, Effect::ReadConfigCode { .. })), "{fx:?}");
    assert_eq!(t.state.notice, Some(Notice::Enrol(crate::core::enrol::EnrolNotice::NotNow)));
}
