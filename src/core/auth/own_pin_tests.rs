//! "Change my PIN" through the pure core, with the auth tests' fake hashing (`hash:<pin>`).

use super::tests::{Till, audits, auth_notice, fake_hash, op, saved};
use super::*;
use crate::core::Effect;

/// 02 (cashier, PIN 2222) signed in on the empty sale screen.
fn signed_in_02() -> Till {
    let mut t = Till::shop();
    t.sign_in("02", "2222");
    assert_eq!(t.signed_in(), Some("02"));
    t
}

#[test]
fn f4_asks_the_current_pin_then_the_new_one_twice_and_saves_only_its_hash() {
    let mut t = signed_in_02();
    t.key(Key::F(4));
    assert_eq!(t.state.auth.change.as_ref().map(|c| c.step), Some(PinChangeStep::Current));
    t.typed("2222");
    assert_eq!(t.state.auth.change.as_ref().map(|c| c.step), Some(PinChangeStep::New));
    t.typed("7391");
    assert_eq!(t.state.auth.change.as_ref().map(|c| c.step), Some(PinChangeStep::Confirm));
    let fx = t.typed("7391");
    assert!(t.state.auth.change.is_none());
    assert_eq!(auth_notice(&t), Some(AuthNotice::OwnPinChanged));
    let ops = saved(&fx);
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].pin_hash, fake_hash("7391"));
    assert_eq!(t.state.auth.operator("02").map(|o| o.pin_hash.clone()), Some(fake_hash("7391")));
    assert_eq!(audits(&fx), vec![AuditEvent::PinChanged]);
    // No PIN in any effect but the hashing and checking ones (which `app` never logs).
    let leaked =
        fx.iter().filter(|e| !matches!(e, Effect::Auth(AuthEffect::HashPin { .. } | AuthEffect::VerifyPin { .. })));
    assert!(leaked.map(|e| format!("{e:?}")).all(|s| !s.contains("7391") && !s.contains("2222")));
    // Still signed in, and the new PIN is the one that signs in next time.
    assert_eq!(t.signed_in(), Some("02"));
    t.key(Key::F(9));
    t.sign_in("02", "2222");
    assert_eq!(auth_notice(&t), Some(AuthNotice::WrongPin { left: 4 }));
    t.key(Key::Esc);
    t.sign_in("02", "7391");
    assert_eq!(t.signed_in(), Some("02"));
}

#[test]
fn the_new_pin_follows_the_rules_of_the_forced_change() {
    let mut t = signed_in_02();
    t.key(Key::F(4));
    t.typed("2222");
    for (pin, problem) in
        [("12", AuthNotice::PinFormat), ("0000", AuthNotice::PinNotAllowed), ("2222", AuthNotice::SamePin)]
    {
        t.typed(pin);
        assert_eq!(auth_notice(&t), Some(problem), "{pin}");
        assert_eq!(t.state.auth.change.as_ref().map(|c| c.step), Some(PinChangeStep::New));
    }
    t.typed("5555");
    t.typed("5556");
    assert_eq!(auth_notice(&t), Some(AuthNotice::PinsDiffer));
    assert_eq!(t.state.auth.change.as_ref().map(|c| c.step), Some(PinChangeStep::New));
    // Esc drops the form: nothing saved.
    let fx = t.key(Key::Esc);
    assert!(t.state.auth.change.is_none() && saved(&fx).is_empty());
    assert_eq!(t.state.auth.operator("02").map(|o| o.pin_hash.clone()), Some(fake_hash("2222")));
}

#[test]
fn the_forced_change_refuses_0000_too() {
    let mut t = Till::with(
        vec![{
            let mut o = op("02", Role::Cashier, "4444");
            o.must_change_pin = true;
            o
        }],
        Policy::default(),
    );
    t.sign_in("02", "4444");
    t.typed("0000");
    assert_eq!(auth_notice(&t), Some(AuthNotice::PinNotAllowed));
    assert_eq!(t.state.auth.signin.step, signin::SignInStep::NewPin);
}

#[test]
fn wrong_current_pins_count_towards_the_lockout_and_close_the_form_when_locked() {
    let mut t = signed_in_02();
    t.key(Key::F(4));
    for left in (1..=4).rev() {
        t.typed("9999");
        assert_eq!(auth_notice(&t), Some(AuthNotice::WrongPin { left }));
        assert_eq!(t.state.auth.change.as_ref().map(|c| c.step), Some(PinChangeStep::Current));
    }
    t.typed("9999");
    assert!(matches!(auth_notice(&t), Some(AuthNotice::LockedOut { .. })));
    assert!(t.state.auth.change.is_none());
    assert!(t.audit().contains(&AuditEvent::LockedOut { minutes: 1 }));
    assert_eq!(t.audit().iter().filter(|e| **e == AuditEvent::SignInFailed).count(), 5);
    // Locked: F4 is refused until the lockout ends.
    t.key(Key::F(4));
    assert!(t.state.auth.change.is_none());
    assert!(matches!(auth_notice(&t), Some(AuthNotice::LockedOut { .. })));
    t.wait(61);
    t.key(Key::F(4));
    assert!(t.state.auth.change.is_some());
}

#[test]
fn f4_is_for_the_empty_sale_screen_and_scans_wait_while_the_form_is_open() {
    let mut t = signed_in_02();
    t.send(Msg::Scan("6900138600889".into()));
    assert_eq!(t.state.sale.lines.len(), 1);
    t.key(Key::F(4));
    assert!(t.state.auth.change.is_none());
    assert_eq!(auth_notice(&t), Some(AuthNotice::FinishSaleFirst));
    t.key(Key::Delete);
    t.key(Key::F(4));
    assert!(t.state.auth.change.is_some());
    t.send(Msg::Scan("6900138600889".into()));
    assert!(t.state.sale.lines.is_empty());
    assert_eq!(auth_notice(&t), Some(AuthNotice::NotNow));
}

#[test]
fn f4_on_the_sign_in_screen_changes_the_pin_once_the_old_one_is_right() {
    let mut t = Till::shop();
    t.typed("02");
    t.key(Key::F(4));
    assert!(t.state.auth.signin.change_pin);
    // A wrong PIN counts as at any sign-in and changes nothing.
    let fx = t.typed("1111");
    assert_eq!(auth_notice(&t), Some(AuthNotice::WrongPin { left: 4 }));
    assert!(saved(&fx).iter().all(|o| o.pin_hash == fake_hash("2222")) && t.signed_in().is_none());
    assert_eq!(t.state.auth.signin.step, SignInStep::Pin);
    let fx = t.typed("2222");
    assert_eq!(t.state.auth.signin.step, SignInStep::NewPin);
    assert!(t.signed_in().is_none(), "not signed in before the new PIN is chosen");
    assert!(saved(&fx).iter().all(|o| o.pin_hash == fake_hash("2222")), "no new PIN saved yet");
    t.typed("2222");
    assert_eq!(auth_notice(&t), Some(AuthNotice::SamePin));
    t.typed("6048");
    let fx = t.typed("6048");
    assert_eq!(t.signed_in(), Some("02"));
    assert_eq!(auth_notice(&t), Some(AuthNotice::PinChanged));
    assert_eq!(saved(&fx).last().map(|o| o.pin_hash.clone()), Some(fake_hash("6048")));
    assert_eq!(audits(&fx), vec![AuditEvent::PinChanged, AuditEvent::SignedIn]);
    assert!(!t.state.auth.signin.change_pin, "the form is reset");
    // The next sign-in asks nothing more.
    t.key(Key::F(9));
    t.sign_in("02", "6048");
    assert_eq!(t.signed_in(), Some("02"));
}

#[test]
fn f4_on_the_sign_in_screen_toggles_and_esc_forgets_it() {
    let mut t = Till::shop();
    t.key(Key::F(4));
    t.key(Key::F(4));
    assert!(!t.state.auth.signin.change_pin);
    t.key(Key::F(4));
    t.key(Key::Esc);
    assert!(!t.state.auth.signin.change_pin);
    t.sign_in("02", "2222");
    assert_eq!(t.signed_in(), Some("02"), "signed in straight away");
}
