//! Stored value (储值) through the pure core: the ledger's rules (bonus tiers, a balance never
//! below zero, the daily limit), a spend as a tender alone or mixed with cash, the member's PIN,
//! a top-up paid in cash with its bonus, refunds to the balance bounded by what was spent, and the
//! X report's stored-value lines apart from the sales.

use super::*;
use crate::core::intent::Intent;
use crate::core::members::{Member, MemberCard, MemberEffect, MemberMsg, Phone};
use crate::core::order::{Tender, TenderPart};
use crate::core::stored_value::{
    BonusTier, Entry, EntryKind, Refusal, SpendRoom, SvNotice, apply, balance_of, bonus_for, check_spend, entries,
};
use crate::core::sv_till::{CheckFailed, Pin, SvEffect, SvMsg};

const COLA: &str = "6900138600889";

fn tiers() -> Vec<BonusTier> {
    vec![BonusTier { pay: Fen(20000), bonus: Fen(5000) }, BonusTier { pay: Fen(50000), bonus: Fen(15000) }]
}

#[test]
fn the_highest_bonus_tier_reached_applies_and_none_below_the_lowest() {
    assert_eq!(bonus_for(&tiers(), Fen(19999)), Fen::ZERO);
    assert_eq!(bonus_for(&tiers(), Fen(20000)), Fen(5000));
    assert_eq!(bonus_for(&tiers(), Fen(49999)), Fen(5000));
    assert_eq!(bonus_for(&tiers(), Fen(50000)), Fen(15000));
    // The tiers' order in till.toml does not matter.
    let mut reversed = tiers();
    reversed.reverse();
    assert_eq!(bonus_for(&reversed, Fen(60000)), Fen(15000));
    assert_eq!(bonus_for(&[], Fen(60000)), Fen::ZERO);
}

fn entry(kind: EntryKind, fen: i64) -> Entry {
    Entry { key: format!("{kind:?}"), member: "M1".into(), kind, amount: Fen(fen), order: 1, at: Millis(0) }
}

#[test]
fn a_balance_never_goes_below_zero_or_overflows() {
    let ok = [entry(EntryKind::TopUp, 1000), entry(EntryKind::Bonus, 200), entry(EntryKind::Spend, 1200)];
    assert_eq!(balance_of(&ok), Some(Fen::ZERO));
    let over = [entry(EntryKind::TopUp, 1000), entry(EntryKind::Spend, 1001)];
    assert_eq!(balance_of(&over), None, "a spend above the balance does not add up");
    assert_eq!(apply(Fen(i64::MAX), &entry(EntryKind::TopUp, 1)), None, "checked, never wrapped");
    assert_eq!(apply(Fen(500), &entry(EntryKind::Refund, 100)), Some(Fen(600)));
}

#[test]
fn a_spend_is_bounded_by_the_balance_the_days_limit_and_what_is_due() {
    let room = SpendRoom { balance: Fen(5000), spent_today: Fen(800), daily_limit: Fen(1000), remaining: Fen(1150) };
    assert_eq!(check_spend(room, Fen(200)), Ok(()));
    assert_eq!(check_spend(room, Fen(201)), Err(Refusal::DailyLimit { left: Fen(200) }));
    assert_eq!(check_spend(room, Fen(1151)), Err(Refusal::MoreThanDue { remaining: Fen(1150) }));
    assert_eq!(check_spend(room, Fen::ZERO), Err(Refusal::Zero));
    let poor = SpendRoom { balance: Fen(300), daily_limit: Fen::ZERO, ..room };
    assert_eq!(check_spend(poor, Fen(301)), Err(Refusal::Balance { balance: Fen(300) }));
    assert_eq!(check_spend(poor, Fen(300)), Ok(()));
}

pub(super) fn zhang(balance: i64) -> MemberCard {
    let member = Member {
        id: "M0001".into(),
        name: "张三".into(),
        phone: Phone::parse("13812345678").expect("phone"),
        card: String::new(),
        level: String::new(),
        points: 0,
    };
    MemberCard { member, balance: Fen(balance) }
}

/// The member attached to the sale on screen, as the box does it.
fn attach(t: &mut Till, balance: i64) {
    attach_card(t, zhang(balance));
}

/// `card` attached to the sale on screen, as the box does it.
pub(super) fn attach_card(t: &mut Till, card: MemberCard) {
    let fx = t.send(Msg::Act(Intent::Member { code: "13812345678".into() }));
    let ticket = fx
        .iter()
        .find_map(|e| if let Effect::Member(MemberEffect::Find { ticket, .. }) = e { Some(*ticket) } else { None })
        .expect("a lookup");
    t.send(Msg::Member(MemberMsg::Found { ticket, result: Ok(Some(card)) }));
    t.send(Msg::Key(Key::Enter));
    assert!(t.state.sale.member.is_some());
}

fn check(fx: &[Effect]) -> (u32, Option<Pin>) {
    fx.iter()
        .find_map(|e| match e {
            Effect::StoredValue(SvEffect::Check { ticket, pin, .. }) => Some((*ticket, pin.clone())),
            _ => None,
        })
        .expect("a stored-value check")
}

fn no_pin(t: &mut Till) {
    t.state.stored_value.config.require_pin = false;
}

pub(super) fn saves(fx: &[Effect]) -> Vec<&Order> {
    fx.iter().filter_map(|e| if let Effect::Save { order, .. } = e { Some(order) } else { None }).collect()
}

#[test]
fn stored_value_pays_part_and_cash_the_rest_and_the_ledger_spend_is_in_the_parts_save() {
    let mut t = Till::new();
    no_pin(&mut t);
    t.scan(COLA);
    attach(&mut t, 5000);
    t.ring_up(); // 11.50 with the cola above: 15.00
    let total = t.state.sale.total();
    let (ticket, pin) = check(&t.send(Msg::Act(Intent::PayStoredValue { amount: "5".into() })));
    assert_eq!(pin, None, "no PIN asked for");
    let fx = t.send(Msg::StoredValue(SvMsg::Checked { ticket, result: Ok((Fen(5000), Fen::ZERO)) }));
    let saved = saves(&fx);
    assert_eq!(saved.len(), 1, "{fx:?}");
    let spends = entries(saved[0]);
    assert_eq!(spends.len(), 1);
    assert_eq!(
        (spends[0].kind, spends[0].amount, spends[0].key.as_str()),
        (EntryKind::Spend, Fen(500), spends[0].key.as_str())
    );
    assert_eq!(t.state.sale.remaining(), total - Fen(500));
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::Spent { amount: Fen(500), balance: Fen(4500) })));
    // Cash for the rest: the order is paid, its tender lists both parts.
    t.send(Msg::Key(Key::F(2)));
    t.typed("20");
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    let Some(Tender::Mixed { parts }) = &t.state.sale.tender else { panic!("mixed: {:?}", t.state.sale.tender) };
    assert!(parts.contains(&TenderPart::StoredValue { member: "M0001".into(), amount: Fen(500) }), "{parts:?}");
    assert_eq!(parts.iter().map(TenderPart::amount).sum::<Fen>(), total);
    // The X report: the sale's cash counts, its stored value is apart (spent, not money taken).
    let report = crate::core::office::report::compute(
        std::slice::from_ref(&t.state.sale),
        crate::core::office::report::Period { from: None, to: Millis(i64::MAX) },
        &[],
    );
    assert_eq!(report.total.sales.amount, total - Fen(500));
    assert_eq!(report.stored_value.spent.amount, Fen(500));
}

#[test]
fn stored_value_alone_pays_the_whole_sale() {
    let mut t = Till::new();
    no_pin(&mut t);
    t.scan(COLA);
    attach(&mut t, 5000);
    t.send(Msg::Key(Key::Enter));
    let (ticket, _) = check(&t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() })));
    let fx = t.send(Msg::StoredValue(SvMsg::Checked { ticket, result: Ok((Fen(5000), Fen::ZERO)) }));
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    assert!(fx.iter().any(|e| matches!(e, Effect::Print { .. })));
    assert_eq!(t.state.sale.tender_parts(), vec![TenderPart::StoredValue { member: "M0001".into(), amount: Fen(350) }]);
    assert!(t.state.sale.number.is_some(), "a receipt number of its own");
}

#[test]
fn a_spend_above_the_balance_or_the_days_limit_is_refused_before_anything_is_saved() {
    let mut t = Till::new();
    no_pin(&mut t);
    t.state.stored_value.config.offline_daily_limit = Fen(1000);
    t.scan(COLA);
    attach(&mut t, 300);
    t.send(Msg::Key(Key::Enter));
    let (ticket, _) = check(&t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() })));
    // The store's balance decides, not the one looked up when the member was attached.
    let fx = t.send(Msg::StoredValue(SvMsg::Checked { ticket, result: Ok((Fen(300), Fen::ZERO)) }));
    assert!(saves(&fx).is_empty(), "{fx:?}");
    assert!(t.state.sale.stored_value.is_empty());
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::Refused(Refusal::Balance { balance: Fen(300) }))));
    let (ticket, _) = check(&t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() })));
    let fx = t.send(Msg::StoredValue(SvMsg::Checked { ticket, result: Ok((Fen(9000), Fen(800))) }));
    assert!(saves(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::Refused(Refusal::DailyLimit { left: Fen(200) }))));
    // Without a member there is no stored value to spend.
    let mut t = Till::new();
    t.scan(COLA);
    t.send(Msg::Key(Key::Enter));
    let fx = t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() }));
    assert!(fx.iter().all(|e| !matches!(e, Effect::StoredValue(_))));
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::NoMember)));
}

#[test]
fn the_customer_types_the_pin_in_a_box_that_shows_dots_and_a_wrong_pin_spends_nothing() {
    let mut t = Till::new();
    t.scan(COLA);
    attach(&mut t, 5000);
    t.send(Msg::Key(Key::Enter));
    let fx = t.send(Msg::Act(Intent::PayStoredValue { amount: String::new() }));
    assert!(fx.iter().all(|e| !matches!(e, Effect::StoredValue(_))), "nothing asked before the PIN");
    assert_eq!(screens::stack(&t.state).top(), screens::Top::Modal(screens::Modal::StoredValuePin));
    let fx = t.typed("2468");
    let (ticket, pin) = check(&fx);
    assert_eq!(pin, Some(Pin("2468".into())));
    assert_eq!(format!("{pin:?}"), "Some(Pin(****))", "the PIN never shows in a log");
    assert!(!format!("{:?}", t.state).contains("2468"), "the PIN is not kept");
    let fx = t.send(Msg::StoredValue(SvMsg::Checked { ticket, result: Err(CheckFailed::WrongPin) }));
    assert!(saves(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::WrongPin)));
    assert!(t.state.sale.stored_value.is_empty());
}

#[test]
fn a_top_up_in_cash_earns_its_bonus_is_no_sale_and_earns_no_points() {
    let mut t = Till::new();
    t.state.stored_value.config.bonus = tiers();
    t.state.members.config.points_per_yuan = 1;
    attach(&mut t, 1000);
    t.send(Msg::Act(Intent::TopUp { amount: "200".into() }));
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::TopUp { paid: Fen(20000), bonus: Fen(5000) })));
    assert_eq!(crate::core::sv_till::balance_after_top_up(&t.state), Some(Fen(26000)));
    // A top-up takes no goods on the side.
    t.scan(COLA);
    assert_eq!((t.state.sale.lines.len(), t.state.sale.total()), (1, Fen(20000)));
    t.send(Msg::Key(Key::F(2)));
    t.typed("200");
    let order = t.state.sale.clone();
    assert_eq!(order.status, OrderStatus::Paid);
    assert!(order.number.is_some(), "a top-up has its own number");
    let moves: Vec<(EntryKind, Fen)> = entries(&order).iter().map(|e| (e.kind, e.amount)).collect();
    assert_eq!(moves, [(EntryKind::TopUp, Fen(20000)), (EntryKind::Bonus, Fen(5000))]);
    assert!(crate::core::points::point_moves(&order).is_empty(), "a top-up earns no points");
    let report = crate::core::office::report::compute(
        std::slice::from_ref(&order),
        crate::core::office::report::Period { from: None, to: Millis(i64::MAX) },
        &[],
    );
    assert_eq!(report.total.sales.amount, Fen::ZERO, "a top-up is not a sale");
    assert_eq!((report.stored_value.top_up_cash.amount, report.stored_value.bonus.amount), (Fen(20000), Fen(5000)));
    // A top-up needs an empty sale.
    t.send(Msg::Key(Key::Enter));
    t.scan(COLA);
    attach(&mut t, 1000);
    t.send(Msg::Act(Intent::TopUp { amount: "200".into() }));
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::TopUpNeedsEmptySale)));
}

/// A 15.00 sale of the member: `ask` asks 5.00 from the balance (the spend must check 5.00), 20.00
/// cash pays the rest; the order paid.
fn five_from_the_balance_rest_cash(t: &mut Till, ask: impl FnOnce(&mut Till) -> Vec<Effect>) -> Order {
    no_pin(t);
    t.scan(COLA);
    attach(t, 5000);
    t.ring_up(); // 15.00
    let (ticket, _) = check(&ask(t));
    assert_eq!(t.state.stored_value.asking.as_ref().map(|a| a.amount), Some(Fen(500)));
    t.send(Msg::StoredValue(SvMsg::Checked { ticket, result: Ok((Fen(5000), Fen::ZERO)) }));
    t.send(Msg::Key(Key::F(2)));
    t.typed("20");
    t.state.sale.clone()
}

#[test]
fn a_refund_gives_stored_value_back_to_the_balance_never_more_than_was_spent() {
    let mut t = Till::new();
    let order =
        five_from_the_balance_rest_cash(&mut t, |t| t.send(Msg::Act(Intent::PayStoredValue { amount: "5".into() })));
    let number = order.number.clone().expect("number");
    t.send(Msg::Key(Key::Enter));
    t.scan(&number);
    t.send(Msg::LookupAnswer {
        number: number.clone(),
        local: Some(Box::new(order)),
        verdict: LookupVerdict::NotFound,
    });
    let fx = t.send(Msg::Act(Intent::RefundStoredValue { amount: "6".into() }));
    assert!(saves(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::NothingToGiveBack { left: Fen(500) })));
    let fx = t.send(Msg::Act(Intent::RefundStoredValue { amount: "3".into() }));
    let saved = saves(&fx)[0].clone();
    let back: Vec<(EntryKind, Fen)> =
        entries(&saved).iter().filter(|e| e.kind == EntryKind::Refund).map(|e| (e.kind, e.amount)).collect();
    assert_eq!(back, [(EntryKind::Refund, Fen(300))]);
    t.send(Msg::Act(Intent::RefundStoredValue { amount: String::new() }));
    let order = t.state.lookup.as_ref().and_then(|v| v.order.clone()).expect("order");
    assert_eq!(crate::core::stored_value::given_back(&order), Fen(500));
    let fx = t.send(Msg::Act(Intent::RefundStoredValue { amount: String::new() }));
    assert!(saves(&fx).is_empty(), "nothing more to give back");
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::NothingToGiveBack { left: Fen::ZERO })));
}

/// Keys pressed one by one, no Enter after them.
fn press(t: &mut Till, keys: &str) -> Vec<Effect> {
    keys.chars().flat_map(|c| t.send(Msg::Key(Key::Char(c)))).collect()
}

#[test]
fn the_default_keys_top_up_pay_from_and_give_back_stored_value() {
    // `$` after the amount typed, on an empty sale with the member attached: the top-up.
    let mut t = Till::new();
    t.state.stored_value.config.bonus = tiers();
    attach(&mut t, 1000);
    press(&mut t, "200$");
    assert_eq!(t.state.notice, Some(Notice::StoredValue(SvNotice::TopUp { paid: Fen(20000), bonus: Fen(5000) })));
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
    assert!(t.state.input.is_empty(), "the `$` is never typed");
    // F5 on the tender screen: the amount typed, from the balance.
    let mut t = Till::new();
    let order = five_from_the_balance_rest_cash(&mut t, |t| {
        press(t, "5");
        t.send(Msg::Key(Key::F(5)))
    });
    let number = order.number.clone().expect("number");
    // F5 on the lookup screen: all the spend back to the balance.
    t.send(Msg::Key(Key::Enter));
    t.send(Msg::Key(Key::F(3)));
    t.typed(&number);
    t.send(Msg::LookupAnswer { number, local: Some(Box::new(order)), verdict: LookupVerdict::NotFound });
    assert_eq!(t.state.screen, Screen::Lookup);
    let fx = t.send(Msg::Key(Key::F(5)));
    assert_eq!(saves(&fx).len(), 1, "given back at once");
    let order = t.state.lookup.as_ref().and_then(|v| v.order.clone()).expect("order");
    assert_eq!(crate::core::stored_value::given_back(&order), Fen(500));
}
