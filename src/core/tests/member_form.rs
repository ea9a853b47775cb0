//! Members created and edited at the till (会员资料): F2 in the member box opens the form; who may
//! save is `[members] edit_requires`, through the one supervisor prompt; the store's refusals
//! (a phone or card another member keeps) come back as one-line notices; a save is audited and
//! the member box then shows the member, ready to attach. The phone never shows whole but in its
//! own field.

use super::held::{as_cashier, key, supervisor_approves};
use super::*;
use crate::core::auth::{AuditEvent, AuthEffect};
use crate::core::member_form::{EditRequires, Field, SaveRefused};
use crate::core::members::{Member, MemberCard, MemberEffect, MemberMsg, MemberNotice, Phone};
use crate::core::screens::{Modal, Top, stack};

fn find_ticket(fx: &[Effect]) -> u32 {
    fx.iter()
        .find_map(|e| match e {
            Effect::Member(MemberEffect::Find { ticket, .. }) => Some(*ticket),
            _ => None,
        })
        .expect("a lookup")
}

fn saved(fx: &[Effect]) -> Option<(u32, Member, bool)> {
    fx.iter().find_map(|e| match e {
        Effect::Member(MemberEffect::Save { ticket, member, new, .. }) => Some((*ticket, member.clone(), *new)),
        _ => None,
    })
}

fn type_in(t: &mut Till, text: &str) {
    for c in text.chars() {
        key(t, Key::Char(c));
    }
}

/// A phone typed, nobody found: the box stays and F2 opens a new member's form with that phone.
fn new_member_form(t: &mut Till) {
    let fx = t.typed("13912345678");
    let ticket = find_ticket(&fx);
    t.send(Msg::Member(MemberMsg::Found { ticket, result: Ok(None) }));
    assert!(t.state.members.view.as_ref().is_some_and(|v| v.missing), "the box stays on a member not found");
    key(t, Key::F(2));
    assert_eq!(stack(&t.state).top(), Top::Modal(Modal::MemberForm));
}

#[test]
fn a_member_created_at_the_till_is_saved_audited_and_ready_to_attach() {
    let mut t = Till::new();
    t.scan("6900138600889");
    new_member_form(&mut t);
    let form = t.state.members.form.clone().expect("form");
    assert_eq!((form.phone.as_str(), form.id.is_none(), form.field), ("13912345678", true, Field::Name));
    assert!(!format!("{form:?}").contains("13912345678"), "the form's Debug masks the phone");
    // Enter with no name: refused in one line, the form stays.
    let fx = key(&mut t, Key::Enter);
    assert!(saved(&fx).is_none());
    assert_eq!(t.state.notice, Some(Notice::Member(MemberNotice::NameMissing)));
    type_in(&mut t, "李四");
    key(&mut t, Key::Down);
    key(&mut t, Key::Down);
    t.scan("VIP0002"); // the card scanned goes into the card field
    key(&mut t, Key::Down);
    type_in(&mut t, "金卡");
    // The signed-in supervisor saves without a prompt.
    let fx = key(&mut t, Key::Enter);
    let (ticket, member, new) = saved(&fx).expect("a save");
    assert!(new);
    assert_eq!((member.name.as_str(), member.card.as_str(), member.level.as_str()), ("李四", "VIP0002", "金卡"));
    assert_eq!(member.phone.digits(), "13912345678");
    assert!(member.id.starts_with('M'), "{}", member.id);
    // Keys wait while the save is out.
    key(&mut t, Key::Esc);
    assert!(t.state.members.form.is_some());
    let fx = t.send(Msg::Member(MemberMsg::Saved { ticket, result: Ok(member.clone()) }));
    let audit: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Auth(AuthEffect::Audit(a)) => Some(a.event.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(audit, vec![AuditEvent::MemberSaved { id: member.id.clone(), new: true }]);
    assert!(t.state.members.form.is_none());
    // The box shows the new member; Enter attaches them to the sale.
    key(&mut t, Key::Enter);
    assert_eq!(t.state.sale.member.as_ref().map(|m| m.phone.as_str()), Some("139****5678"));
}

#[test]
fn a_cashier_needs_a_supervisor_unless_the_shop_lets_cashiers_edit_members() {
    let mut t = Till::new();
    as_cashier(&mut t);
    new_member_form(&mut t);
    type_in(&mut t, "李四");
    let fx = key(&mut t, Key::Enter);
    assert!(saved(&fx).is_none(), "a cashier's save waits for the supervisor");
    let fx = supervisor_approves(&mut t);
    assert!(saved(&fx).is_some(), "approved, the member is saved: {fx:?}");

    let mut t = Till::new();
    as_cashier(&mut t);
    t.state.members.config.edit_requires = EditRequires::Cashier;
    new_member_form(&mut t);
    type_in(&mut t, "李四");
    let fx = key(&mut t, Key::Enter);
    assert!(t.state.auth.prompt.is_none());
    assert!(saved(&fx).is_some());
}

#[test]
fn a_phone_or_card_another_member_keeps_is_refused_in_one_line_and_the_form_stays() {
    let mut t = Till::new();
    new_member_form(&mut t);
    type_in(&mut t, "李四");
    let (ticket, ..) = saved(&key(&mut t, Key::Enter)).expect("save");
    let refused = SaveRefused::PhoneTaken { other: "M0001".into() };
    let fx = t.send(Msg::Member(MemberMsg::Saved { ticket, result: Err(refused) }));
    assert!(fx.contains(&Effect::Beep(Beep::Error)));
    assert_eq!(t.state.notice, Some(Notice::Member(MemberNotice::PhoneTaken { other: "M0001".into() })));
    let form = t.state.members.form.as_ref().expect("the form stays to correct");
    assert!(form.saving.is_none());
    // A bad phone is refused before the store.
    key(&mut t, Key::Down);
    key(&mut t, Key::Backspace);
    let fx = key(&mut t, Key::Enter);
    assert!(saved(&fx).is_none());
    assert_eq!(t.state.notice, Some(Notice::Member(MemberNotice::PhoneNotMobile)));
}

#[test]
fn f2_on_a_member_found_edits_them_and_keeps_their_number() {
    let mut t = Till::new();
    let fx = t.typed("13812345678");
    let member = Member {
        id: "M0001".into(),
        name: "张三".into(),
        phone: Phone::parse("13812345678").expect("phone"),
        card: String::new(),
        level: String::new(),
        points: 120,
    };
    let card = MemberCard { member, balance: Fen(0) };
    t.send(Msg::Member(MemberMsg::Found { ticket: find_ticket(&fx), result: Ok(Some(card)) }));
    key(&mut t, Key::F(2));
    key(&mut t, Key::Up); // wraps to the level
    type_in(&mut t, "银卡");
    let (_, m, new) = saved(&key(&mut t, Key::Enter)).expect("save");
    assert!(!new);
    assert_eq!((m.id.as_str(), m.level.as_str(), m.points), ("M0001", "银卡", 120));
}
