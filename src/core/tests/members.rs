//! Members (会员) at the till: a phone typed, a card or a member QR scanned opens the member box
//! through a store lookup; Enter attaches the member (phone masked) to the sale, which keeps them.

use super::*;
use crate::core::members::{MemberCard, MemberEffect, MemberMsg, MemberNotice, MemberQuery, Phone};
use crate::core::screens::{Modal, stack};

const COLA: &str = "6900138600889";

fn zhang() -> MemberCard {
    crate::demo::member().expect("the demo's member")
}

fn lookup(fx: &[Effect]) -> (u32, MemberQuery) {
    fx.iter()
        .find_map(|e| match e {
            Effect::Member(MemberEffect::Find { ticket, query }) => Some((*ticket, query.clone())),
            _ => None,
        })
        .expect("a member lookup")
}

fn answer(t: &mut Till, ticket: u32, found: Option<MemberCard>) -> Vec<Effect> {
    t.send(Msg::Member(MemberMsg::Found { ticket, result: Ok(found) }))
}

#[test]
fn a_phone_typed_finds_the_member_and_enter_attaches_them_masked() {
    let mut t = Till::new();
    t.scan(COLA);
    let fx = t.typed("13812345678");
    let (ticket, query) = lookup(&fx);
    assert_eq!(query, MemberQuery::Phone(Phone::parse("13812345678").expect("phone")));
    assert_eq!(stack(&t.state).top(), screens::Top::Modal(Modal::Member));
    assert_eq!(t.state.notice, Some(Notice::Member(MemberNotice::Looking)));
    assert_eq!(t.state.members.view.as_ref().map(|v| v.asked.as_str()), Some("138****5678"));
    answer(&mut t, ticket, Some(zhang()));
    let fx = t.send(Msg::Key(Key::Enter));
    let tag = t.state.sale.member.clone().expect("attached");
    assert_eq!((tag.id.as_str(), tag.phone.as_str(), tag.level.as_str()), ("M0001", "138****5678", "金卡"));
    let saved = fx.iter().find_map(|e| if let Effect::Save { order, .. } = e { Some(order) } else { None });
    assert_eq!(saved.and_then(|o| o.member.clone()), Some(tag), "the sale is saved with its member");
    let standing = crate::core::members::standing(&t.state).expect("standing");
    assert_eq!((standing.points, standing.balance), (120, Fen(5000)));
    assert!(t.state.members.view.is_none(), "the box closed");
    // The sale goes on: the member stays with it through the payment.
    t.scan(COLA);
    assert_eq!(t.state.sale.lines[0].qty, 2);
    assert!(t.state.sale.member.is_some());
}

#[test]
fn a_card_or_member_qr_is_looked_up_by_its_own_key_and_a_product_barcode_stays_a_product() {
    let mut t = Till::new();
    let (_, q) = lookup(&t.scan("VIP0001"));
    assert_eq!(q, MemberQuery::Card("VIP0001".into()));
    t.send(Msg::Key(Key::Esc));
    let (_, q) = lookup(&t.scan("till-member:M0001"));
    assert_eq!(q, MemberQuery::Id("M0001".into()));
    t.send(Msg::Key(Key::Esc));
    assert!(t.state.members.view.is_none());
    // A product's barcode and a payment code are never members.
    let fx = t.scan(COLA);
    assert!(fx.iter().all(|e| !matches!(e, Effect::Member(_))));
    assert_eq!(t.state.sale.lines.len(), 1);
}

#[test]
fn an_unknown_member_says_so_masked_and_a_stale_answer_is_dropped() {
    let mut t = Till::new();
    let (first, _) = lookup(&t.typed("13812345678"));
    t.send(Msg::Key(Key::Esc));
    let (second, _) = lookup(&t.typed("13900001111"));
    // The first lookup's answer arrives late: it is not the box's.
    answer(&mut t, first, Some(zhang()));
    assert!(t.state.members.view.as_ref().is_some_and(|v| v.found.is_none()));
    let fx = answer(&mut t, second, None);
    assert!(fx.contains(&Effect::Beep(Beep::Error)));
    assert_eq!(t.state.notice, Some(Notice::Member(MemberNotice::NotFound { asked: "139****1111".into() })));
    // The box stays, saying so: F2 there creates the member (`member_form`), Esc closes.
    assert!(t.state.members.view.as_ref().is_some_and(|v| v.missing && v.found.is_none()));
    assert!(t.state.sale.member.is_none());
}

#[test]
fn a_member_cannot_be_changed_once_part_of_the_sale_is_paid() {
    let mut t = Till::new();
    t.ring_up();
    let (_out, _) = t.pay(WECHAT_CODE);
    // A payment is out: no member now.
    let fx = t.typed("13812345678");
    assert!(fx.iter().all(|e| !matches!(e, Effect::Member(_))), "{fx:?}");
    assert!(t.state.notice.as_ref().is_some_and(Notice::is_error), "{:?}", t.state.notice);
    assert!(t.state.members.view.is_none() && t.state.sale.member.is_none());
    // A script's lookup is refused the same.
    let fx = t.send(Msg::Act(intent::Intent::Member { code: "VIP0001".into() }));
    assert!(fx.iter().all(|e| !matches!(e, Effect::Member(_))), "{fx:?}");
}

#[test]
fn a_phone_never_shows_whole_in_debug_output_or_the_order() {
    let card = zhang();
    let shown = format!("{card:?} {:?}", MemberQuery::Phone(card.member.phone.clone()));
    assert!(!shown.contains("13812345678") && shown.contains("138****5678"), "{shown}");
    let mut t = Till::new();
    t.scan(COLA);
    let (ticket, _) = lookup(&t.typed("13812345678"));
    answer(&mut t, ticket, Some(zhang()));
    let fx = t.send(Msg::Key(Key::Enter));
    let json = serde_json::to_string(&t.state.sale).expect("json");
    assert!(!json.contains("13812345678") && json.contains("138****5678"), "{json}");
    assert!(!format!("{fx:?}").contains("13812345678"));
    assert_eq!(crate::core::members::mask_phone("13812345678"), "138****5678");
}

#[test]
fn a_script_names_a_member_by_code() {
    let mut t = Till::new();
    let fx = t.send(Msg::Act(intent::Intent::Member { code: "VIP0001".into() }));
    assert_eq!(lookup(&fx).1, MemberQuery::Card("VIP0001".into()));
}
