//! Sign-in, the forced PIN change, lockout, the supervisor prompt and sign-out through the pure
//! core. PINs are "hashed" here as `hash:<pin>` by a fake that answers the core's effects the way
//! `app` does.

use super::*;
use crate::core::catalog::{Catalogue, Product};
use crate::core::code::Platform;
use crate::core::intent::Intent;
use crate::core::money::Fen;
use crate::core::{
    Event, LookupVerdict, PlatformOrder, PlatformOrderState, RefundCall, Settings, State, maintenance, update,
};

const T0: i64 = 1_740_796_215_000;
const COLA: &str = "6900138600889";
const RECEIPT_NO: &str = "01000052250301010001";

pub(super) struct Till {
    pub(super) state: State,
    pub(super) now: i64,
    /// Every effect so far.
    pub(super) log: Vec<Effect>,
}

pub(super) fn fake_hash(pin: &str) -> PinHash {
    PinHash(format!("hash:{pin}"))
}

pub(super) fn op(number: &str, role: Role, pin: &str) -> Operator {
    Operator::new(number, &format!("op{number}"), role, fake_hash(pin))
}

impl Till {
    /// A till whose store holds `operators`, restored and waiting for a sign-in.
    pub(super) fn with(operators: Vec<Operator>, policy: Policy) -> Till {
        let settings = Settings::test_shop();
        let catalogue = Catalogue::new([Product::new(COLA, "可口可乐", Fen(350))]);
        let mut state = State::new(settings, catalogue);
        state.auth.policy = policy;
        let mut till = Till { state, now: T0, log: Vec::new() };
        till.send(Msg::Auth(AuthMsg::Loaded { operators }));
        till.send(Msg::Restored { orders: vec![], counters: None });
        till.send(Msg::PlatformClock { unix_secs: Some(T0 / 1000) });
        till
    }

    /// 01 supervisor (PIN 0000, to be changed), 02 cashier (PIN 2222).
    pub(super) fn shop() -> Till {
        let mut first = op("01", Role::Supervisor, "0000");
        first.must_change_pin = true;
        Till::with(vec![first, op("02", Role::Cashier, "2222")], Policy::default())
    }

    /// Applies `msg` and answers every PIN check and hash the way `app` does.
    pub(super) fn send(&mut self, msg: Msg) -> Vec<Effect> {
        let mut all = Vec::new();
        let mut queue = vec![msg];
        while let Some(msg) = queue.pop() {
            let fx = update(&mut self.state, Event { at: Millis(self.now), msg });
            for e in &fx {
                match e {
                    Effect::Auth(AuthEffect::VerifyPin { number, pin, hash }) => {
                        queue.push(Msg::Auth(AuthMsg::PinChecked {
                            number: number.clone(),
                            ok: *hash == fake_hash(pin.expose()),
                        }))
                    }
                    Effect::Auth(AuthEffect::HashPin { number, pin }) => queue
                        .push(Msg::Auth(AuthMsg::PinHashed { number: number.clone(), hash: fake_hash(pin.expose()) })),
                    _ => {}
                }
            }
            all.extend(fx);
        }
        self.log.extend(all.clone());
        all
    }

    pub(super) fn key(&mut self, key: Key) -> Vec<Effect> {
        self.send(Msg::Key(key))
    }

    /// Types `text` and Enter.
    pub(super) fn typed(&mut self, text: &str) -> Vec<Effect> {
        let mut fx = Vec::new();
        for c in text.chars() {
            fx.extend(self.key(Key::Char(c)));
        }
        fx.extend(self.key(Key::Enter));
        fx
    }

    pub(super) fn sign_in(&mut self, number: &str, pin: &str) -> Vec<Effect> {
        let mut fx = self.typed(number);
        fx.extend(self.typed(pin));
        fx
    }

    pub(super) fn wait(&mut self, secs: i64) {
        self.now += secs * 1000;
        self.send(Msg::Tick);
    }

    pub(super) fn signed_in(&self) -> Option<&str> {
        self.state.auth.session.as_ref().map(|s| s.number.as_str())
    }

    /// Opens a maintenance menu item by its position in `ITEMS` (not a hard-coded digit).
    fn open(&mut self, item: maintenance::Item) -> Vec<Effect> {
        maintenance::keys_to(item).into_iter().flat_map(|k| self.key(k)).collect()
    }

    pub(super) fn audit(&self) -> Vec<AuditEvent> {
        audits(&self.log)
    }
}

pub(super) fn audits(fx: &[Effect]) -> Vec<AuditEvent> {
    fx.iter()
        .filter_map(|e| if let Effect::Auth(AuthEffect::Audit(a)) = e { Some(a.event.clone()) } else { None })
        .collect()
}

pub(super) fn saved(fx: &[Effect]) -> Vec<&Operator> {
    fx.iter().filter_map(|e| if let Effect::Auth(AuthEffect::Save(o)) = e { Some(o) } else { None }).collect()
}

pub(super) fn auth_notice(t: &Till) -> Option<AuthNotice> {
    match &t.state.notice {
        Some(Notice::Auth(n)) => Some(n.clone()),
        _ => None,
    }
}

#[test]
fn nothing_is_sold_before_sign_in_and_the_first_sign_in_forces_a_new_pin() {
    let mut t = Till::shop();
    let fx = t.send(Msg::Scan(COLA.into()));
    assert!(t.state.sale.lines.is_empty() && !fx.iter().any(|e| matches!(e, Effect::Save { .. })));
    assert_eq!(auth_notice(&t), Some(AuthNotice::SignInFirst));
    t.sign_in("1", "0000"); // "1" is operator 01
    assert_eq!(t.state.auth.signin.step, SignInStep::NewPin);
    assert_eq!(auth_notice(&t), Some(AuthNotice::ChooseNewPin));
    assert_eq!(t.signed_in(), None, "not signed in until the PIN is changed");
    t.typed("0000");
    assert_eq!(auth_notice(&t), Some(AuthNotice::SamePin));
    t.typed("12");
    assert_eq!(auth_notice(&t), Some(AuthNotice::PinFormat));
    t.typed("4826");
    t.typed("4827");
    assert_eq!(auth_notice(&t), Some(AuthNotice::PinsDiffer));
    assert_eq!(t.state.auth.signin.step, SignInStep::NewPin);
    t.typed("4826");
    let fx = t.typed("4826");
    assert_eq!(t.signed_in(), Some("01"));
    let written = saved(&fx);
    assert_eq!(written.len(), 1);
    assert_eq!((written[0].pin_hash.clone(), written[0].must_change_pin), (fake_hash("4826"), false));
    assert_eq!(t.audit(), [AuditEvent::PinChanged, AuditEvent::SignedIn]);
    // The operator is on the order and its receipt, and is the platform's staff id.
    t.send(Msg::Scan(COLA.into()));
    assert_eq!((t.state.sale.lines.len(), t.state.sale.operator.as_str()), (1, "01"));
    assert_eq!(t.state.operator(), "01");
    t.key(Key::Enter);
    let fx = t.send(Msg::Scan("134680423163089456".into()));
    let staff = fx.iter().find_map(|e| if let Effect::MicroPay(c) = e { c.staff_id.clone() } else { None });
    assert_eq!(staff.as_deref(), Some("01"));
}

#[test]
fn an_operator_with_a_platform_staff_id_sends_that_one() {
    let mut li = op("02", Role::Cashier, "2222");
    li.staff_id = Some("1001".into());
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111"), li], Policy::default());
    t.sign_in("02", "2222");
    t.send(Msg::Scan(COLA.into()));
    t.key(Key::Enter);
    let fx = t.send(Msg::Scan("134680423163089456".into()));
    let staff = fx.iter().find_map(|e| if let Effect::MicroPay(c) = e { c.staff_id.clone() } else { None });
    assert_eq!(
        (staff.as_deref(), t.state.sale.operator.as_str()),
        (Some("1001"), "02"),
        "the receipt keeps the number"
    );
}

#[test]
fn pins_never_show_in_debug_output_or_the_written_records() {
    let mut t = Till::shop();
    t.typed("02");
    for c in "2222".chars() {
        t.key(Key::Char(c));
    }
    let fx = t.key(Key::Enter);
    assert!(fx.iter().any(|e| matches!(e, Effect::Auth(AuthEffect::VerifyPin { .. }))));
    let debug = format!("{:?} {:?}", fx, t.log);
    assert!(!debug.contains("2222"), "{debug}");
    assert!(format!("{:?}", Pin::new("2222")) == "Pin(***)");
}

#[test]
fn five_wrong_pins_lock_the_operator_for_longer_each_time_and_a_right_one_resets() {
    assert_eq!((1..=9).map(lockout_minutes).collect::<Vec<_>>(), [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    let mut t = Till::shop();
    t.sign_in("02", "1");
    assert_eq!(auth_notice(&t), Some(AuthNotice::WrongPin { left: 4 }));
    assert_eq!(t.state.auth.signin.step, SignInStep::Pin, "the number is kept for the next try");
    for _ in 0..4 {
        t.typed("1");
    }
    assert_eq!(auth_notice(&t), Some(AuthNotice::LockedOut { number: "02".into(), minutes: 1 }));
    let locked = t.state.auth.operator("02").cloned().expect("02");
    assert_eq!((locked.failures, locked.lockouts, locked.locked_until), (0, 1, Some(Millis(t.now + 60_000))));
    assert!(saved(&t.log).iter().any(|o| o.locked_until.is_some()), "the lockout is written (survives a restart)");
    // Even the right PIN waits.
    t.typed("02");
    assert_eq!(auth_notice(&t), Some(AuthNotice::LockedOut { number: "02".into(), minutes: 1 }));
    assert_eq!(t.state.auth.signin.step, SignInStep::Number);
    t.wait(61);
    t.sign_in("02", "9");
    for _ in 0..4 {
        t.typed("9");
    }
    assert_eq!(auth_notice(&t), Some(AuthNotice::LockedOut { number: "02".into(), minutes: 2 }));
    t.wait(90);
    t.typed("02");
    assert_eq!(auth_notice(&t), Some(AuthNotice::LockedOut { number: "02".into(), minutes: 1 }), "30 s left");
    t.wait(31);
    t.sign_in("02", "2222");
    assert_eq!(t.signed_in(), Some("02"));
    let op = t.state.auth.operator("02").expect("02");
    assert_eq!((op.failures, op.lockouts, op.locked_until), (0, 0, None));
    let events = t.audit();
    assert_eq!(events.iter().filter(|e| **e == AuditEvent::SignInFailed).count(), 10);
    assert!(events.contains(&AuditEvent::LockedOut { minutes: 2 }));
}

#[test]
fn a_lockout_read_back_after_a_restart_still_holds() {
    let mut locked = op("02", Role::Cashier, "2222");
    locked.lockouts = 1;
    locked.locked_until = Some(Millis(T0 + 150_000));
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111"), locked], Policy::default());
    t.typed("02");
    assert_eq!(auth_notice(&t), Some(AuthNotice::LockedOut { number: "02".into(), minutes: 3 }));
    t.typed("07");
    assert_eq!(auth_notice(&t), Some(AuthNotice::NoSuchOperator { number: "07".into() }));
}

/// Cashier 02 signed in, a paid order looked up, its refundable amount proposed.
fn cashier_at_lookup(policy: Policy) -> Till {
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], policy);
    t.sign_in("02", "2222");
    t.send(Msg::Scan(RECEIPT_NO.into()));
    let found = LookupVerdict::Found(PlatformOrder {
        out_trade_no: RECEIPT_NO.into(),
        platform: Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: Fen(200),
        refunded: Fen(0),
    });
    t.send(Msg::LookupAnswer { number: RECEIPT_NO.into(), local: None, verdict: found });
    assert_eq!(t.state.input, "2.00");
    t
}

/// Replaces the amount filled in (all of the order) by 1.50 of its 2.00.
fn part_of_it(t: &mut Till) {
    for _ in 0..4 {
        t.key(Key::Backspace);
    }
    for c in "1.50".chars() {
        t.key(Key::Char(c));
    }
}

#[test]
fn giving_back_a_whole_order_is_voiding_it_which_a_shop_may_guard_alone() {
    // The default guards both: all of it asks for `void`, part of it for `refund`.
    let mut t = cashier_at_lookup(Policy::default());
    t.key(Key::Enter);
    assert_eq!(auth_notice(&t), Some(AuthNotice::SupervisorNeeded { action: Action::Void }));
    let fx = t.typed("1111");
    assert_eq!(refunds(&fx).iter().map(|c| c.amount).collect::<Vec<_>>(), [Fen(200)]);
    assert!(audits(&fx).contains(&AuditEvent::SupervisorApproved { action: Action::Void, supervisor: "01".into() }));
    // A shop that guards voids only: part of an order goes back without a supervisor, all of it not.
    let policy = Policy { supervisor_for: vec![Action::Void], ..Policy::default() };
    let mut t = cashier_at_lookup(policy.clone());
    part_of_it(&mut t);
    assert_eq!(refunds(&t.key(Key::Enter)).len(), 1);
    let mut t = cashier_at_lookup(policy);
    assert!(refunds(&t.key(Key::Enter)).is_empty());
    assert_eq!(auth_notice(&t), Some(AuthNotice::SupervisorNeeded { action: Action::Void }));
    // A shop that guards refunds only: all of an order is a refund like any other.
    let mut t = cashier_at_lookup(Policy { supervisor_for: vec![Action::Refund], ..Policy::default() });
    t.key(Key::Enter);
    assert_eq!(auth_notice(&t), Some(AuthNotice::SupervisorNeeded { action: Action::Refund }));
}

fn refunds(fx: &[Effect]) -> Vec<&RefundCall> {
    fx.iter().filter_map(|e| if let Effect::Refund(c) = e { Some(c) } else { None }).collect()
}

#[test]
fn a_cashiers_refund_waits_for_a_supervisors_pin_and_then_goes_on() {
    let mut t = cashier_at_lookup(Policy::default());
    part_of_it(&mut t);
    let fx = t.key(Key::Enter);
    assert!(refunds(&fx).is_empty());
    assert_eq!(auth_notice(&t), Some(AuthNotice::SupervisorNeeded { action: Action::Refund }));
    let prompt = t.state.auth.prompt.clone().expect("prompt");
    assert_eq!((prompt.number.as_str(), prompt.at_pin), ("01", true), "the only supervisor is filled in");
    assert_eq!(t.state.input, "1.50", "the amount waits with the prompt");
    assert_eq!(*prompt.then, Msg::Act(Intent::Refund { amount: "1.50".into() }), "the refund is replayed, not Enter");
    // A wrong PIN: nothing is refunded and the prompt stays.
    let fx = t.typed("1112");
    assert!(refunds(&fx).is_empty());
    assert_eq!(auth_notice(&t), Some(AuthNotice::WrongPin { left: 4 }));
    assert!(t.state.auth.prompt.is_some());
    let fx = t.typed("1111");
    assert_eq!(refunds(&fx).iter().map(|c| c.amount).collect::<Vec<_>>(), [Fen(150)]);
    assert!(t.state.auth.prompt.is_none() && t.state.auth.grant.is_none(), "the approval is used up");
    assert!(t.state.input.is_empty(), "the amount was taken");
    let events = audits(&fx);
    assert!(events.contains(&AuditEvent::SupervisorApproved { action: Action::Refund, supervisor: "01".into() }));
    assert!(events.iter().any(|e| matches!(e, AuditEvent::Refund { approved_by: Some(s), .. } if s == "01")));
    assert_eq!(t.signed_in(), Some("02"), "the cashier stays signed in");
    assert_eq!(t.state.auth.operator("01").map(|o| o.failures), Some(0), "a right PIN clears the wrong one");
}

#[test]
fn the_prompt_can_be_cancelled_refuses_cashiers_and_is_skipped_when_not_required() {
    let mut t = cashier_at_lookup(Policy::default());
    t.key(Key::Enter);
    let fx = t.key(Key::Esc);
    assert!(refunds(&fx).is_empty() && t.state.auth.prompt.is_none());
    assert_eq!(auth_notice(&t), Some(AuthNotice::Cancelled));
    // With two supervisors the number is asked; a cashier's number is refused.
    let mut t = cashier_at_lookup(Policy::default());
    t.state.auth.operators.push(op("03", Role::Supervisor, "3333"));
    t.key(Key::Enter);
    assert!(!t.state.auth.prompt.as_ref().expect("prompt").at_pin);
    t.typed("02");
    assert_eq!(auth_notice(&t), Some(AuthNotice::NotASupervisor { number: "02".into() }));
    t.typed("03");
    let fx = t.typed("3333");
    assert_eq!(refunds(&fx).len(), 1);
    // The shop does not ask for refunds: no prompt.
    let policy = Policy { supervisor_for: vec![Action::Settings], ..Policy::default() };
    let mut t = cashier_at_lookup(policy);
    assert_eq!(refunds(&t.key(Key::Enter)).len(), 1);
}

#[test]
fn a_supervisor_signed_in_is_not_asked_again() {
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111")], Policy::default());
    t.sign_in("01", "1111");
    assert!(t.state.authorize(Action::Refund, Msg::Tick));
    assert!(t.state.auth.prompt.is_none());
}

#[test]
fn an_approval_for_a_screen_that_has_gone_does_nothing() {
    let mut t = cashier_at_lookup(Policy::default());
    t.key(Key::Enter);
    t.state.screen = crate::core::Screen::Sale; // as if the lookup had been left meanwhile
    let fx = t.typed("1111");
    assert!(refunds(&fx).is_empty());
    assert_eq!(auth_notice(&t), Some(AuthNotice::ScreenChanged));
}

#[test]
fn a_settings_code_from_a_cashier_needs_a_supervisor() {
    let mut t =
        Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], Policy::default());
    t.sign_in("02", "2222");
    let code = "WIFI:T:WPA;S:ShopNet;P:secret123;;";
    let fx = t.send(Msg::Scan(code.into()));
    assert!(!fx.iter().any(|e| matches!(e, Effect::JoinWifi { .. })));
    let ssid = "ShopNet".to_string();
    let change =
        crate::core::configure::ConfigChange::Wifi { ssid, code: crate::core::configure::ScannedCode(code.into()) };
    let fx = t.send(Msg::ConfigOffer(change));
    assert!(!fx.iter().any(|e| matches!(e, Effect::JoinWifi { .. })));
    let fx = t.typed("1111");
    assert!(fx.iter().any(|e| matches!(e, Effect::JoinWifi { .. })), "{fx:?}");
    let fx = t.send(Msg::WifiAnswer { result: Ok("ShopNet".into()) });
    assert_eq!(audits(&fx), [AuditEvent::SettingsChanged { what: "Wi-Fi ShopNet".into() }]);
}

#[test]
fn sign_out_waits_for_unsynced_records_and_unresolved_payments_unless_a_supervisor_overrides() {
    let mut t =
        Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], Policy::default());
    t.sign_in("02", "2222");
    t.send(Msg::Auth(AuthMsg::Unsynced { count: 3 }));
    t.key(Key::F(9));
    assert_eq!(t.signed_in(), Some("02"));
    assert_eq!(auth_notice(&t), Some(AuthNotice::SignOutBlocked { unsynced: 3, unresolved: 0 }));
    t.key(Key::F(9));
    assert_eq!(auth_notice(&t), Some(AuthNotice::SupervisorNeeded { action: Action::Override }));
    let then = t.state.auth.prompt.as_ref().map(|p| (*p.then).clone());
    assert_eq!(then, Some(Msg::Act(Intent::SignOut)), "the approval replays the intent, not the F9 key");
    t.typed("1111");
    assert_eq!(t.signed_in(), None);
    assert_eq!(
        auth_notice(&t),
        Some(AuthNotice::SignedOutOverride { number: "02".into(), unsynced: 3, unresolved: 0 })
    );
    let events = t.audit();
    assert!(events.contains(&AuditEvent::SignOutOverridden { unsynced: 3, unresolved: 0 }));
    assert_eq!(events.last(), Some(&AuditEvent::SignedOut));
    // Nothing outstanding: F5 signs out at once.
    t.send(Msg::Auth(AuthMsg::Unsynced { count: 0 }));
    t.sign_in("02", "2222");
    t.key(Key::F(9));
    assert_eq!((t.signed_in(), auth_notice(&t)), (None, Some(AuthNotice::SignedOut { number: "02".into() })));
}

#[test]
fn a_payment_in_doubt_blocks_sign_out_and_a_cart_must_be_finished_first() {
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111")], Policy::default());
    t.sign_in("01", "1111");
    t.send(Msg::Scan(COLA.into()));
    t.key(Key::F(9));
    assert_eq!((t.signed_in(), auth_notice(&t)), (Some("01"), Some(AuthNotice::FinishSaleFirst)));
    t.key(Key::Enter);
    t.send(Msg::Scan("134680423163089456".into()));
    t.key(Key::Esc); // parked: confirmed in the background
    assert_eq!(t.state.in_doubt_count(), 1);
    t.key(Key::F(9));
    assert_eq!(auth_notice(&t), Some(AuthNotice::SignOutBlocked { unsynced: 0, unresolved: 1 }));
    // A supervisor signed in overrides with the second F5, still warned first.
    t.key(Key::F(9));
    assert_eq!(t.signed_in(), None);
}

#[test]
fn auto_sign_in_is_for_the_demo_and_tests() {
    let policy = Policy { auto_sign_in: Some("01".into()), ..Policy::default() };
    let t = Till::with(vec![op("01", Role::Supervisor, "1111")], policy);
    assert_eq!(t.signed_in(), Some("01"));
    assert_eq!(t.audit(), [AuditEvent::SignedIn]);
    let t = Till::with(vec![op("01", Role::Supervisor, "1111")], Policy::default());
    assert_eq!(t.signed_in(), None);
}

#[test]
fn the_maintenance_menu_needs_a_supervisor_and_offers_the_test_page_and_the_scanner_test() {
    let mut t =
        Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], Policy::default());
    t.sign_in("02", "2222");
    t.key(Key::F(12));
    assert!(t.state.maintenance.is_none() && t.state.auth.prompt.is_some());
    let fx = t.typed("1111");
    let menu = t.state.maintenance.as_ref().expect("menu");
    assert_eq!(menu.by, "01");
    assert!(fx.contains(&Effect::Maintenance(maintenance::MaintenanceEffect::GatherInfo)));
    assert!(t.open(maintenance::Item::PrinterTest).contains(&Effect::PrintTestPage));
    t.open(maintenance::Item::ScannerTest);
    t.send(Msg::Scan("134680423163089456".into()));
    t.send(Msg::Scan(COLA.into()));
    let scans = &t.state.maintenance.as_ref().expect("menu").scans;
    assert_eq!(scans[0].kind, maintenance::ScanKind::Product);
    assert_eq!(scans[1].kind, maintenance::ScanKind::Payment(Platform::WeChat));
    assert!(!scans[1].shown.contains("0423163089"), "a customer's code is masked: {}", scans[1].shown);
    assert!(t.state.sale.lines.is_empty(), "the scanner test sells nothing");
    t.key(Key::Esc);
    t.key(Key::Esc);
    assert!(t.state.maintenance.is_none());
    assert_eq!(t.signed_in(), Some("02"));
}

#[test]
fn power_off_is_refused_in_the_demo_and_restart_asks_to_confirm() {
    let policy = Policy { power_off: false, auto_sign_in: Some("01".into()), ..Policy::default() };
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111")], policy);
    t.key(Key::F(12));
    let fx = t.open(maintenance::Item::PowerOff);
    assert!(!fx.contains(&Effect::Maintenance(maintenance::MaintenanceEffect::PowerOff)));
    assert_eq!(auth_notice(&t), Some(AuthNotice::PowerOffDisabled));
    t.open(maintenance::Item::Restart);
    let fx = t.key(Key::Enter);
    assert!(fx.contains(&Effect::Maintenance(maintenance::MaintenanceEffect::Restart)));
    assert!(audits(&fx).contains(&AuditEvent::Maintenance { what: "restart".into() }));
}

#[test]
fn a_supervisor_adds_an_operator_resets_a_pin_and_cannot_lose_the_last_supervisor() {
    let policy = Policy { auto_sign_in: Some("01".into()), ..Policy::default() };
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], policy);
    t.key(Key::F(12));
    t.open(maintenance::Item::Operators);
    assert!(t.state.auth.admin.is_some());
    t.key(Key::Char('a'));
    t.typed("Wang");
    let fx = t.typed("3030");
    let added = saved(&fx);
    assert_eq!(added.len(), 1);
    assert_eq!(
        (added[0].number.as_str(), added[0].name.as_str(), added[0].role, added[0].must_change_pin),
        ("03", "Wang", Role::Cashier, true)
    );
    assert_eq!(added[0].pin_hash, fake_hash("3030"));
    // Reset 02's PIN.
    t.state.auth.admin = Some(OperatorsView { selected: 1, form: None });
    t.key(Key::Char('p'));
    let fx = t.typed("4545");
    let reset = saved(&fx);
    assert_eq!((reset[0].number.as_str(), reset[0].must_change_pin), ("02", true));
    // 01 is the only supervisor: not demoted, not disabled.
    t.state.auth.admin = Some(OperatorsView { selected: 0, form: None });
    t.key(Key::Char('r'));
    assert_eq!(auth_notice(&t), Some(AuthNotice::LastSupervisor));
    t.key(Key::Char('d'));
    assert_eq!(auth_notice(&t), Some(AuthNotice::NotYourself));
    // Disabled operators cannot sign in.
    t.state.auth.admin = Some(OperatorsView { selected: 1, form: None });
    t.key(Key::Char('d'));
    assert!(t.state.auth.operator("02").is_some_and(|o| o.disabled));
    let events = t.audit();
    assert!(events.contains(&AuditEvent::OperatorAdded { number: "03".into(), role: Role::Cashier }));
    assert!(events.contains(&AuditEvent::PinReset { number: "02".into() }));
    assert!(events.contains(&AuditEvent::OperatorDisabled { number: "02".into(), disabled: true }));
    t.key(Key::Esc);
    t.key(Key::Esc);
    t.key(Key::F(9));
    t.typed("02");
    assert_eq!(auth_notice(&t), Some(AuthNotice::OperatorDisabled { number: "02".into() }));
}

#[test]
fn a_pin_that_could_not_be_hashed_does_not_leave_the_keys_waiting() {
    let mut first = op("01", Role::Supervisor, "0000");
    first.must_change_pin = true;
    let mut t = Till::with(vec![first], Policy::default());
    t.sign_in("01", "0000");
    t.typed("4826");
    for c in "4826".chars() {
        t.key(Key::Char(c));
    }
    // Answer the hash with a failure instead of the fake's hash.
    let fx = update(&mut t.state, Event { at: Millis(t.now), msg: Msg::Key(Key::Enter) });
    assert!(fx.iter().any(|e| matches!(e, Effect::Auth(AuthEffect::HashPin { .. }))));
    assert!(t.state.auth.checking.is_some());
    t.send(Msg::Auth(AuthMsg::SaveFailed { why: crate::core::SaveFailure::TillFault }));
    assert!(t.state.auth.checking.is_none());
    assert_eq!(t.signed_in(), None);
    t.key(Key::Esc);
    assert_eq!(t.state.auth.signin.step, SignInStep::Number, "keys work again");
}

#[test]
fn a_supervisor_sets_the_staff_id_the_platforms_know_an_operator_by() {
    let policy = Policy { auto_sign_in: Some("01".into()), ..Policy::default() };
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], policy);
    t.key(Key::F(12));
    t.open(maintenance::Item::Operators);
    t.state.auth.admin = Some(OperatorsView { selected: 1, form: None });
    t.key(Key::Char('s'));
    // Spaces and other marks are refused; nothing is saved.
    let fx = t.typed("10 02");
    assert!(saved(&fx).is_empty());
    assert_eq!(auth_notice(&t), Some(AuthNotice::StaffIdFormat));
    for _ in 0..5 {
        t.key(Key::Backspace);
    }
    let fx = t.typed("1002");
    assert_eq!(saved(&fx).iter().map(|o| o.staff_id.clone()).collect::<Vec<_>>(), [Some("1002".to_string())]);
    assert_eq!(audits(&fx), [AuditEvent::StaffIdSet { number: "02".into(), staff_id: Some("1002".into()) }]);
    assert_eq!(t.state.auth.operator("02").map(|o| o.platform_id()), Some("1002"));
    // The supervisor's own, signed in: the session sends the new one at once; empty goes back to the number.
    t.state.auth.admin = Some(OperatorsView { selected: 0, form: None });
    t.key(Key::Char('s'));
    t.typed("S-01");
    assert_eq!(t.state.auth.session.as_ref().map(|s| s.staff_id.as_str()), Some("S-01"));
    t.key(Key::Char('s'));
    for _ in 0..4 {
        t.key(Key::Backspace);
    }
    let fx = t.key(Key::Enter);
    assert_eq!(audits(&fx), [AuditEvent::StaffIdSet { number: "01".into(), staff_id: None }]);
    assert_eq!(t.state.auth.session.as_ref().map(|s| s.staff_id.as_str()), Some("01"));
}

#[test]
fn an_amount_typed_on_the_sale_screen_needs_the_same_approval_as_an_unknown_barcodes_price() {
    let mut t =
        Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], Policy::default());
    t.sign_in("02", "2222");
    t.typed("12.50");
    assert!(t.state.sale.lines.is_empty(), "nothing rung up before a supervisor approves");
    assert!(t.state.auth.prompt.as_ref().is_some_and(|p| p.action == Action::ManualPrice));
    t.typed("1111");
    assert_eq!(t.state.sale.lines.len(), 1);
    assert_eq!(t.state.sale.total(), Fen(1250));
    // A shop that lets cashiers price by hand lets them type amounts too.
    let policy = Policy { supervisor_for: vec![Action::Refund], ..Policy::default() };
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], policy);
    t.sign_in("02", "2222");
    t.typed("12.50");
    assert_eq!(t.state.sale.total(), Fen(1250));
    assert!(t.state.auth.prompt.is_none());
}

#[test]
fn a_script_says_sign_out_and_maintenance_by_name_and_a_modal_on_top_refuses_them() {
    let mut t =
        Till::with(vec![op("01", Role::Supervisor, "1111"), op("02", Role::Cashier, "2222")], Policy::default());
    t.sign_in("02", "2222");
    t.send(Msg::Act(Intent::OpenMaintenance));
    assert_eq!(auth_notice(&t), Some(AuthNotice::SupervisorNeeded { action: Action::Maintenance }));
    let then = t.state.auth.prompt.as_ref().map(|p| (*p.then).clone());
    assert_eq!(then, Some(Msg::Act(Intent::OpenMaintenance)));
    // The prompt is on top: an intent is not for it.
    t.send(Msg::Act(Intent::SignOut));
    assert_eq!((t.signed_in(), auth_notice(&t)), (Some("02"), Some(AuthNotice::NotNow)));
    t.key(Key::Esc);
    t.send(Msg::Act(Intent::SignOut));
    assert_eq!(t.signed_in(), None);
    // From the sign-in screen only the maintenance menu is an intent; a supervisor approves it.
    t.send(Msg::Act(Intent::Pay));
    assert_eq!(auth_notice(&t), Some(AuthNotice::NotNow));
    t.send(Msg::Act(Intent::OpenMaintenance));
    t.typed("1111");
    assert!(t.state.maintenance.is_some());
}

#[test]
fn a_shops_binding_signs_out_with_its_own_key() {
    use crate::core::intent::{Binding, KeyMap, On};
    let mut t = Till::with(vec![op("01", Role::Supervisor, "1111")], Policy::default());
    t.sign_in("01", "1111");
    t.state.keymap = KeyMap { extra: vec![Binding { f: 10, on: Some(On::Sale), act: Intent::SignOut }] };
    t.key(Key::F(10));
    assert_eq!(t.signed_in(), None);
}
