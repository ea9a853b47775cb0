//! The member present to spend stored value (储值): a new PIN typed twice at a top-up when the
//! member has none, and the dynamic member code scanned at the tender (`require = "code"` or
//! `"either"`), through the pure core.

use super::stored_value::{attach_card, zhang};
use super::*;
use crate::core::intent::Intent;
use crate::core::member_code::{CodeRefused, DynamicCode, Require};
use crate::core::stored_value::SvNotice;
use crate::core::sv_till::{Pin, SvEffect, SvMsg};

const COLA: &str = "6900138600889";

fn sv_effects(fx: &[Effect]) -> Vec<SvEffect> {
    fx.iter().filter_map(|e| if let Effect::StoredValue(s) = e { Some(s.clone()) } else { None }).collect()
}

#[test]
fn a_member_without_a_pin_types_a_new_one_twice_at_a_top_up() {
    let mut t = Till::new();
    attach_card(&mut t, zhang(0));
    let fx = t.send(Msg::Act(Intent::TopUp { amount: "100".into() }));
    let Some(SvEffect::HasPin { ticket, member }) = sv_effects(&fx).pop() else { panic!("asks: {fx:?}") };
    assert_eq!(member, "M0001");
    t.send(Msg::StoredValue(SvMsg::HasPin { ticket, set: false }));
    assert_eq!(screens::stack(&t.state).top(), screens::Top::Modal(screens::Modal::StoredValuePin));
    t.typed("12");
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::PinTooShort)));
    t.send(Msg::Key(Key::Backspace));
    t.send(Msg::Key(Key::Backspace));
    t.typed("2468");
    let fx = t.typed("1357");
    assert!(sv_effects(&fx).is_empty(), "two different PINs keep nothing: type a new one twice");
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::PinsDiffer)));
    t.typed("2468");
    let fx = t.typed("2468");
    assert_eq!(
        sv_effects(&fx),
        [SvEffect::SetPin { ticket, member: "M0001".into(), pin: Pin("2468".into()) }],
        "the PIN typed twice goes to the app, to be hashed"
    );
    assert!(!format!("{:?}", t.state).contains("2468"), "the PIN is not kept in the state");
    t.send(Msg::StoredValue(SvMsg::PinSet { ticket, result: Ok(true) }));
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::PinSet)));
    assert_eq!(screens::stack(&t.state).top(), screens::Top::Base(screens::Base::Till));
    // A member with a PIN is not asked for another.
    let mut t = Till::new();
    attach_card(&mut t, zhang(0));
    let fx = t.send(Msg::Act(Intent::TopUp { amount: "100".into() }));
    let Some(SvEffect::HasPin { ticket, .. }) = sv_effects(&fx).pop() else { panic!() };
    t.send(Msg::StoredValue(SvMsg::HasPin { ticket, set: true }));
    assert!(t.state.stored_value.new_pin.is_none());
}

fn code_checked(t: &mut Till, fx: &[Effect], result: Result<(), CodeRefused>) {
    let Some(SvEffect::VerifyCode { ticket, code, .. }) = sv_effects(fx).pop() else { panic!("verify: {fx:?}") };
    t.send(Msg::StoredValue(SvMsg::CodeChecked { ticket, member: code.member, result }));
}

#[test]
fn with_require_code_a_spend_waits_for_the_members_dynamic_code_and_then_asks_no_pin() {
    let mut t = Till::new();
    t.state.stored_value.config.require = Require::Code;
    t.scan(COLA);
    attach_card(&mut t, zhang(5000));
    t.send(Msg::Key(Key::Enter));
    let fx = t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() }));
    assert!(sv_effects(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::ScanCode)));
    // Another member's code, a garbled one: refused before the app is asked.
    let fx = t.scan("till-mcode:M0002:123456");
    assert!(sv_effects(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::Code(CodeRefused::OtherMember))));
    t.scan("till-mcode:M0001:12x456");
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::Code(CodeRefused::Garbled))));
    // A used code: refused as the app says.
    let fx = t.scan("till-mcode:M0001:123456");
    assert_eq!(
        sv_effects(&fx),
        [SvEffect::VerifyCode {
            ticket: t.state.stored_value.code_ticket,
            code: DynamicCode { member: "M0001".into(), code: "123456".into() },
            at: t.state.now,
        }]
    );
    code_checked(&mut t, &fx, Err(CodeRefused::Used));
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::Code(CodeRefused::Used))));
    let fx = t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() }));
    assert!(sv_effects(&fx).is_empty(), "still not present");
    let fx = t.scan("till-mcode:M0001:654321");
    code_checked(&mut t, &fx, Ok(()));
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::MemberPresent)));
    let fx = t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() }));
    let Some(SvEffect::Check { pin, .. }) = sv_effects(&fx).pop() else { panic!("a check: {fx:?}") };
    assert_eq!(pin, None, "present by the code: no PIN box");
    // The presence is the sale's: the next sale needs a code again.
    t.state.stored_value.asking = None;
    t.state.new_sale();
    t.scan(COLA);
    attach_card(&mut t, zhang(5000));
    t.send(Msg::Key(Key::Enter));
    t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() }));
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::ScanCode)));
}

#[test]
fn with_require_either_the_pin_box_opens_unless_the_code_was_scanned() {
    let mut t = Till::new();
    t.state.stored_value.config.require = Require::Either;
    t.scan(COLA);
    attach_card(&mut t, zhang(5000));
    t.send(Msg::Key(Key::Enter));
    t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() }));
    assert_eq!(screens::stack(&t.state).top(), screens::Top::Modal(screens::Modal::StoredValuePin));
    t.send(Msg::Key(Key::Esc));
    let fx = t.scan("till-mcode:M0001:654321");
    code_checked(&mut t, &fx, Ok(()));
    let fx = t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() }));
    assert!(matches!(sv_effects(&fx).pop(), Some(SvEffect::Check { pin: None, .. })), "{fx:?}");
}
