//! Points as a tender (积分抵现) through the pure core: the rules (rate, minimum, share of the
//! sale, whole points, the member's points), points paying part of a sale with cash for the rest
//! and the moves in the part's own save, a sale paid wholly by points, F8 on the tender screen,
//! F5 on the lookup giving the redeemed points back, and the X report's points apart.

use super::stored_value::{attach_card, saves, zhang};
use super::*;
use crate::core::intent::Intent;
use crate::core::order::{Tender, TenderPart};
use crate::core::points::point_moves;
use crate::core::points_tender::{PointsNotice, RedeemRules, Refusal, Room, check, most};

const COLA: &str = "6900138600889";

fn rules() -> RedeemRules {
    RedeemRules::of(&crate::core::members::MembersConfig::default())
}

#[test]
fn the_default_rules_are_100_points_a_yuan_at_least_100_at_most_half_the_sale() {
    let r = rules();
    assert_eq!((r.points_per_yuan, r.min_points, r.max_percent), (100, 100, 50));
    let room = Room { points: 2000, total: Fen(3000), used: Fen::ZERO, remaining: Fen(3000) };
    assert_eq!(check(r, room, Fen(1500)), Ok(1500));
    assert_eq!(check(r, room, Fen(1501)), Err(Refusal::OverShare { most: Fen(1500) }));
    assert_eq!(check(r, room, Fen(99)), Err(Refusal::BelowMinimum { min: 100 }));
    assert_eq!(check(r, room, Fen::ZERO), Err(Refusal::Zero));
    assert_eq!(most(r, room), Fen(1500));
    let poor = Room { points: 800, ..room };
    assert_eq!(check(r, poor, Fen(900)), Err(Refusal::NotEnough { points: 800 }));
    assert_eq!(most(r, poor), Fen(800));
    // What points already paid of the sale counts against its share.
    let half_used = Room { used: Fen(1000), remaining: Fen(2000), ..room };
    assert_eq!(check(r, half_used, Fen(600)), Err(Refusal::OverShare { most: Fen(500) }));
    assert_eq!(
        check(r, Room { remaining: Fen(400), ..room }, Fen(500)),
        Err(Refusal::MoreThanDue { remaining: Fen(400) })
    );
}

#[test]
fn only_whole_points_are_redeemed_and_the_arithmetic_is_checked() {
    let r = RedeemRules { points_per_yuan: 150, min_points: 0, max_percent: 100 };
    assert_eq!(r.step(), 2, "150 points a yuan: 3 points pay 2 fen");
    assert_eq!(r.points_for(Fen(200)), Some(300));
    assert_eq!(r.points_for(Fen(201)), None);
    let room = Room { points: 1000, total: Fen(5000), used: Fen::ZERO, remaining: Fen(5000) };
    assert_eq!(check(r, room, Fen(201)), Err(Refusal::NotWholePoints { step: Fen(2) }));
    assert_eq!(most(r, room), Fen(666), "1000 points pay 6.66, never 6.67");
    assert_eq!(r.points_for(Fen(i64::MAX)), None, "an overflow is refused, never wrapped");
    let off = RedeemRules { points_per_yuan: 0, ..r };
    assert_eq!(check(off, room, Fen(100)), Err(Refusal::Off));
    assert_eq!(most(off, room), Fen::ZERO);
}

fn with_points(t: &mut Till, points: i64) {
    let mut card = zhang(0);
    card.member.points = points;
    attach_card(t, card);
}

#[test]
fn f8_pays_the_most_the_rules_allow_with_points_and_cash_pays_the_rest() {
    let mut t = Till::new();
    t.state.members.config.points_per_yuan = 1;
    t.scan(COLA);
    with_points(&mut t, 2000);
    t.ring_up(); // 15.00
    let fx = t.send(Msg::Key(Key::F(8)));
    let saved = saves(&fx);
    assert_eq!(saved.len(), 1, "the part is saved with its points move: {fx:?}");
    let moves = point_moves(saved[0]);
    assert_eq!(moves.len(), 1);
    let id = t.state.sale.id;
    assert_eq!((moves[0].key.clone(), moves[0].delta), (format!("redeem:{id}:0"), -750));
    assert_eq!(t.state.notice, Some(Notice::Points(PointsNotice::Paid { points: 750, amount: Fen(750), left: 1250 })));
    assert_eq!(t.state.sale.remaining(), Fen(750));
    // Half the sale is the most: more points are refused, nothing saved.
    t.send(Msg::Key(Key::Char('1')));
    let fx = t.send(Msg::Key(Key::F(8)));
    assert!(saves(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::Points(PointsNotice::Refused(Refusal::OverShare { most: Fen::ZERO }))));
    t.state.input.clear();
    t.send(Msg::Key(Key::F(2)));
    t.typed("10");
    let order = t.state.sale.clone();
    assert_eq!(order.status, OrderStatus::Paid);
    let Some(Tender::Mixed { parts }) = &order.tender else { panic!("mixed: {:?}", order.tender) };
    assert!(parts.contains(&TenderPart::Points { member: "M0001".into(), points: 750, amount: Fen(750) }));
    // The yuan paid with points earn none: 7.50 in cash earns 7 points.
    let moves: Vec<(String, i64)> = point_moves(&order).into_iter().map(|m| (m.key, m.delta)).collect();
    assert_eq!(moves, [(format!("redeem:{id}:0"), -750), (format!("earn:{id}"), 7)]);
    assert_eq!(crate::core::points_tender::balance_after(&order), Some(1257), "the receipt's balance");
    let report = crate::core::office::report::compute(
        std::slice::from_ref(&order),
        crate::core::office::report::Period { from: None, to: Millis(i64::MAX) },
        &[],
    );
    assert_eq!(report.total.sales.amount, Fen(750), "points are not money taken");
    assert_eq!((report.points.redeemed, report.points.redeemed_amount), (750, Fen(750)));
}

#[test]
fn a_shop_that_lets_points_pay_everything_sells_an_item_wholly_for_points() {
    let mut t = Till::new();
    t.state.members.config.redeem_max_percent = 100;
    t.scan(COLA);
    with_points(&mut t, 500);
    t.send(Msg::Key(Key::Enter));
    let fx = t.send(Msg::Act(Intent::PayPoints { amount: String::new() }));
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    assert!(fx.iter().any(|e| matches!(e, Effect::Print { .. })));
    assert!(t.state.sale.number.is_some(), "a receipt number of its own");
    assert_eq!(
        t.state.sale.tender_parts(),
        vec![TenderPart::Points { member: "M0001".into(), points: 350, amount: Fen(350) }]
    );
    assert!(point_moves(&t.state.sale).iter().all(|m| !m.key.starts_with("earn")), "nothing paid in money");
}

#[test]
fn without_a_member_or_with_too_few_points_nothing_is_paid_with_points() {
    let mut t = Till::new();
    t.scan(COLA);
    t.send(Msg::Key(Key::Enter));
    let fx = t.send(Msg::Act(Intent::PayPoints { amount: String::new() }));
    assert!(saves(&fx).is_empty());
    assert!(t.state.sale.points_used.is_empty());
    let mut t = Till::new();
    t.scan(COLA);
    with_points(&mut t, 99);
    t.send(Msg::Key(Key::Enter));
    let fx = t.send(Msg::Act(Intent::PayPoints { amount: "1".into() }));
    assert!(saves(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::Points(PointsNotice::Refused(Refusal::NotEnough { points: 99 }))));
}

#[test]
fn f5_on_the_lookup_gives_the_redeemed_points_back_once() {
    let mut t = Till::new();
    t.scan(COLA);
    with_points(&mut t, 2000);
    t.ring_up(); // 15.00
    t.send(Msg::Act(Intent::PayPoints { amount: "5".into() }));
    t.send(Msg::Key(Key::F(2)));
    t.typed("10");
    let order = t.state.sale.clone();
    let number = order.number.clone().expect("number");
    t.send(Msg::Key(Key::Enter));
    t.scan(&number);
    t.send(Msg::LookupAnswer { number, local: Some(Box::new(order)), verdict: LookupVerdict::NotFound });
    let fx = t.send(Msg::Key(Key::F(5)));
    let saved = saves(&fx)[0].clone();
    let back: Vec<(String, i64)> = point_moves(&saved)
        .into_iter()
        .filter(|m| m.delta > 0 && !m.key.starts_with("earn"))
        .map(|m| (m.key, m.delta))
        .collect();
    assert_eq!(back.len(), 1, "{back:?}");
    assert!(back[0].0.starts_with(&format!("unredeem:{}:", saved.id)) && back[0].1 == 500, "{back:?}");
    assert_eq!(t.state.notice, Some(Notice::Points(PointsNotice::GivenBack { points: 500 })));
    let fx = t.send(Msg::Key(Key::F(5)));
    assert!(saves(&fx).is_empty(), "nothing more to give back");
}

#[test]
fn a_give_back_above_the_cashiers_limit_waits_for_a_supervisor_and_prints_a_slip() {
    let mut t = stored_value_sale_looked_up_by_a_cashier();
    t.state.stored_value.config.cashier_refund_limit = Fen(100);
    let fx = t.send(Msg::Key(Key::F(5)));
    assert!(saves(&fx).is_empty(), "nothing given back before the supervisor: {fx:?}");
    assert!(t.state.auth.prompt.is_some(), "the supervisor's PIN is asked for");
    // The supervisor's PIN: the give-back is made as asked, with its slip.
    let fx = super::held::supervisor_approves(&mut t);
    assert_eq!(saves(&fx).len(), 1, "{fx:?}");
    assert!(fx.iter().any(|e| matches!(e, Effect::PrintRefund { .. })), "a slip: {fx:?}");
    let order = t.state.lookup.as_ref().and_then(|v| v.order.clone()).expect("order");
    assert_eq!(crate::core::stored_value::given_back(&order), Fen(500));
}

#[test]
fn within_the_cashiers_limit_a_cashier_gives_back_alone() {
    let mut t = stored_value_sale_looked_up_by_a_cashier();
    let fx = t.send(Msg::Key(Key::F(5)));
    assert!(t.state.auth.prompt.is_none(), "5.00 is within the default 100.00");
    assert_eq!(saves(&fx).len(), 1);
    assert!(fx.iter().any(|e| matches!(e, Effect::PrintRefund { .. })), "a slip: {fx:?}");
}

#[test]
fn ampersand_redeems_the_selected_item_wholly_for_points_whatever_the_share() {
    let mut t = Till::new();
    t.state.members.config.points_per_yuan = 1;
    t.scan(COLA); // 3.50, the item for points
    t.scan("6920152400777"); // 4.50
    with_points(&mut t, 1000);
    t.state.selected = 0;
    let fx = t.send(Msg::Key(Key::Char('&')));
    assert_eq!(saves(&fx).len(), 1, "{fx:?}");
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false }, "the rest to pay");
    assert_eq!(t.state.sale.points_used.iter().map(|p| (p.points, p.amount)).collect::<Vec<_>>(), [(350, Fen(350))]);
    assert!(t.state.input.is_empty(), "the `&` is never typed");
    // Points may pay no more of this sale: the item took 350 of its 800 (over the half already).
    let fx = t.send(Msg::Key(Key::F(8)));
    assert!(saves(&fx).is_empty());
    t.send(Msg::Key(Key::F(2)));
    t.typed("5");
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    let moves: Vec<i64> = point_moves(&t.state.sale).iter().map(|m| m.delta).collect();
    assert_eq!(moves, [-350, 4], "the item's points out, 4.50 in money earns 4");
    // Too few points for the item: refused, nothing saved.
    let mut t = Till::new();
    t.scan(COLA);
    with_points(&mut t, 300);
    let fx = t.send(Msg::Key(Key::Char('&')));
    assert!(saves(&fx).is_empty());
    assert_eq!(t.state.notice, Some(Notice::Points(PointsNotice::Refused(Refusal::NotEnough { points: 300 }))));
}

/// A 15.00 sale paid 5.00 from the balance and 10.00 in cash, looked up by a cashier.
fn stored_value_sale_looked_up_by_a_cashier() -> Till {
    let mut t = Till::new();
    t.state.stored_value.config.require_pin = false;
    t.scan(COLA);
    attach_card(&mut t, zhang(5000));
    t.ring_up(); // 15.00
    t.send(Msg::Act(Intent::PayStoredValue { amount: "5".into() }));
    let ticket = t.state.stored_value.asking.as_ref().expect("asking").ticket;
    t.send(Msg::StoredValue(crate::core::sv_till::SvMsg::Checked { ticket, result: Ok((Fen(5000), Fen::ZERO)) }));
    t.send(Msg::Key(Key::F(2)));
    t.typed("10");
    let order = t.state.sale.clone();
    let number = order.number.clone().expect("number");
    t.send(Msg::Key(Key::Enter));
    t.scan(&number);
    t.send(Msg::LookupAnswer { number, local: Some(Box::new(order)), verdict: LookupVerdict::NotFound });
    super::held::as_cashier(&mut t);
    t
}
