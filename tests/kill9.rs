#![allow(clippy::panic)] // a test fails by panicking
//! A pulled plug at any point of a payment loses nothing and charges nothing twice: the real
//! `till` binary is killed (SIGKILL, or an abort at an exact crash point), restarted on the same
//! store file, and must end with the platform's ledger and its own records in agreement.

mod common;

use common::process::{TillProcess, World};
use std::time::Duration;
use till::core::Screen;
use till::core::money::Fen;
use till::core::order::{AttemptState, OrderStatus, Tender};
use till::sim::cloudpay::SimConfig;

const COLA: &str = "6900138600889";
const SECS: fn(u64) -> Duration = Duration::from_secs;

fn world(slow_ms: u64) -> World {
    World::new(SimConfig { slow_ms, ..SimConfig::default() }, |c| c.cloudpay.timeout_ms = 5_000)
}

fn ring_up(till: &mut TillProcess) {
    till.wait_for("ready", SECS(10), |o| o.screen == Screen::Sale);
    till.scan(COLA);
    till.wait_for("one item", SECS(5), |o| o.total == Fen(350));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
}

/// After a restart: waits until nothing is in doubt and the sale on screen is settled or open.
fn settle_after_restart(till: &mut TillProcess, within: Duration) {
    till.wait_for("all payments resolved", within, |o| {
        o.in_doubt == 0
            && !matches!(
                o.attempt,
                Some(AttemptState::Unknown { .. } | AttemptState::Sending | AttemptState::UserPaying)
            )
    });
}

/// The money invariants: every charge at the platform belongs to exactly one paid order of the
/// till, no out_trade_no is charged twice, and no paid order lacks its charge.
fn assert_books_agree(w: &World) {
    let orders = w.stored_orders();
    for o in &orders {
        for a in &o.attempts {
            assert!(a.state.is_final(), "order {} attempt {} left {:?}", o.id, a.out_trade_no, a.state);
        }
    }
    for s in w.sim.orders() {
        assert!(w.sim.charge_count(&s.out_trade_no) <= 1, "{} charged twice", s.out_trade_no);
        if s.charged {
            let owner: Vec<_> = orders
                .iter()
                .filter(
                    |o| matches!(&o.tender, Some(Tender::Code { out_trade_no, .. }) if *out_trade_no == s.out_trade_no),
                )
                .collect();
            assert_eq!(owner.len(), 1, "charge {} has {} paid orders", s.out_trade_no, owner.len());
            assert_eq!(owner[0].status, OrderStatus::Paid);
            assert_eq!(owner[0].total().0, s.total_fee);
        }
    }
    for o in orders.iter().filter(|o| o.status == OrderStatus::Paid) {
        if let Some(Tender::Code { out_trade_no, .. }) = &o.tender {
            assert_eq!(w.sim.charge_count(out_trade_no), 1, "paid order {} has no charge", o.id);
        }
    }
    let charged_sales = orders.iter().filter(|o| matches!(o.tender, Some(Tender::Code { .. }))).count();
    assert!(charged_sales <= 1, "one sale, at most one paid order: {orders:#?}");
}

#[test]
fn killed_after_the_platform_charged_but_before_the_answer() {
    let mut w = world(3_000);
    let mut till = w.start_till();
    ring_up(&mut till);
    till.scan("134680423163080003"); // charged now, answered after 3 s
    let sent = till.wait_for("sent", SECS(5), |o| o.out_trade_no.is_some());
    let no = sent.out_trade_no.expect("number");
    common::wait_until("the simulator charged", SECS(5), || w.sim.charge_count(&no) > 0);
    till.kill9();

    let mut till = w.start_till();
    let o = till.wait_for("restored as unknown", SECS(10), |o| o.in_doubt == 1);
    assert_eq!(o.out_trade_no.as_deref(), Some(no.as_str()));
    assert!(matches!(o.attempt, Some(AttemptState::Unknown { .. })), "{:?}", o.attempt);
    let done = till.wait_for("paid by query", SECS(15), |o| matches!(o.screen, Screen::Done { .. }));
    assert_eq!(done.number.as_deref(), Some(no.as_str()));
    till.quit();
    assert_books_agree(&w);
}

#[test]
fn killed_after_paid_was_shown() {
    let mut w = world(1_000);
    let mut till = w.start_till();
    ring_up(&mut till);
    till.scan("134680423163089456");
    let done = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    till.kill9();
    // The kill may land before the paid record was flushed: then the restart finds the payment in
    // doubt and confirms it by query. Either way it ends paid, with the same number.
    let mut till = w.start_till();
    let o = till.wait_for("restarted and settled", SECS(15), |o| {
        o.in_doubt == 0
            && (o.screen == Screen::Sale || (matches!(o.screen, Screen::Done { .. }) && o.number == done.number))
    });
    if o.screen == Screen::Sale {
        assert_eq!(o.total, Fen(0), "a new, empty sale");
    }
    till.quit();
    let stored = w.stored_orders();
    assert!(stored.iter().any(|o| o.status == OrderStatus::Paid && o.number == done.number));
    assert_books_agree(&w);
}

#[test]
fn aborted_after_the_attempt_was_saved_but_before_the_request_left() {
    let mut w = world(1_000);
    let mut till = w.start_till_with(&[("TILL_CRASH_AT", "before-pay-call")]);
    ring_up(&mut till);
    till.scan("134680423163089456");
    assert!(till.wait_exit(SECS(10)), "the crash point ended the till");
    assert!(w.sim.orders().is_empty(), "nothing reached the platform");

    let mut till = w.start_till();
    let o = till.wait_for("restored as unknown", SECS(10), |o| o.in_doubt == 1);
    assert!(matches!(o.attempt, Some(AttemptState::Unknown { .. })));
    // "No such order" for longer than the grace period: not charged; the cashier may try again.
    let o = till.wait_for("not paid", SECS(45), |o| matches!(o.attempt, Some(AttemptState::Failed { .. })));
    assert_eq!(o.screen, Screen::Pay { cash_entry: false });
    till.quit();
    assert_books_agree(&w);
}

#[test]
fn aborted_when_the_answer_arrived_before_it_was_recorded() {
    let mut w = world(1_000);
    let mut till = w.start_till_with(&[("TILL_CRASH_AT", "after-pay-answer")]);
    ring_up(&mut till);
    till.scan("282129340414399818");
    assert!(till.wait_exit(SECS(10)));
    assert_eq!(w.sim.orders().iter().filter(|o| o.charged).count(), 1, "the platform charged");

    let mut till = w.start_till();
    till.wait_for("paid by query", SECS(15), |o| matches!(o.screen, Screen::Done { .. }));
    till.quit();
    assert_books_agree(&w);
}

#[test]
fn killed_at_many_points_of_a_payment_never_loses_or_doubles_a_charge() {
    // One world, one sale per round; each round kills the till a little later into the payment.
    let mut w = world(400);
    let delays_ms = [0u64, 1, 2, 5, 10, 20, 50, 120, 300, 600];
    for (round, delay) in delays_ms.into_iter().enumerate() {
        let mut till = w.start_till();
        settle_after_restart(&mut till, SECS(45));
        // Leave whatever the last round left on screen (a receipt, a declined payment, a restored
        // cart) and ring up one more cola on top of whatever cart is there.
        till.key(till::core::Key::Esc);
        till.key(till::core::Key::Esc);
        let before = till.wait_for("sale screen", SECS(5), |o| o.screen == Screen::Sale).total;
        till.scan(COLA);
        till.wait_for("one more item", SECS(5), |o| o.total == before + Fen(350));
        till.typed("");
        till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
        // Alternate a paid-at-once code and a slow (charged late) one.
        let code = if round % 2 == 0 { "134680423163089456" } else { "134680423163080003" };
        till.scan(code);
        std::thread::sleep(Duration::from_millis(delay));
        till.kill9();
    }
    let mut till = w.start_till();
    settle_after_restart(&mut till, SECS(45));
    till.quit();
    // Every round's sale is either paid once or not charged at all.
    let orders = w.stored_orders();
    let charges = w.sim.orders().iter().filter(|o| o.charged).count();
    let paid_by_code = orders.iter().filter(|o| matches!(o.tender, Some(Tender::Code { .. }))).count();
    assert_eq!(charges, paid_by_code, "charges at the platform = orders paid by code in the till");
    for s in w.sim.orders() {
        assert!(w.sim.charge_count(&s.out_trade_no) <= 1);
    }
    for o in &orders {
        assert!(o.attempts.iter().all(|a| a.state.is_final()), "{o:#?}");
    }
}

/// A paid sale of one cola, then a refund of 1.00 of it by a till that crashes at `point`; a
/// restarted till settles the refund. Returns the world for the books to be checked.
fn refund_with_crash_at(point: &str) -> World {
    let mut w = world(1_000);
    let mut till = w.start_till();
    ring_up(&mut till);
    till.scan("134680423163089456");
    let done = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    let number = done.number.expect("order number");
    till.quit();

    let mut till = w.start_till_with(&[("TILL_CRASH_AT", point)]);
    till.wait_for("ready", SECS(10), |o| o.screen == Screen::Sale);
    till.scan(&number);
    till.wait_for("looked up", SECS(10), |o| o.refundable == Some(Fen(350)));
    for _ in 0..8 {
        till.key(till::core::Key::Backspace);
    }
    till.typed("1.00");
    assert!(till.wait_exit(SECS(10)), "crashed at {point}");

    let mut till = w.start_till();
    till.wait_for("refund settled after the restart", SECS(60), |o| o.background == 0 && o.in_doubt == 0);
    till.quit();
    w
}

/// The refunds the till recorded as made equal what the platform refunded; none is left open.
fn assert_refunds_agree(w: &World) {
    let orders = w.stored_orders();
    for o in orders.iter().filter(|o| !o.refunds.is_empty()) {
        assert!(o.open_refund().is_none(), "order {} has a refund left open: {:?}", o.id, o.refunds);
        let Some(Tender::Code { out_trade_no, .. }) = &o.tender else { panic!("refund of a cash sale") };
        let made: i64 =
            o.refunds.iter().filter(|r| r.state == till::core::order::RefundState::Refunded).map(|r| r.amount.0).sum();
        let at_platform = w.sim.order(out_trade_no).map_or(0, |s| s.refunded_fee);
        assert_eq!(made, at_platform, "order {}: till {made} fen refunded, platform {at_platform}", o.id);
    }
}

#[test]
fn killed_before_a_refund_leaves_it_unmade_and_known_as_such() {
    let w = refund_with_crash_at("before-refund-call");
    assert_refunds_agree(&w);
    assert_books_agree(&w);
    let orders = w.stored_orders();
    let refund = orders.iter().flat_map(|o| &o.refunds).next().expect("the refund is on record");
    assert!(matches!(refund.state, till::core::order::RefundState::Failed { .. }), "{refund:?}");
}

#[test]
fn killed_after_the_platform_refunded_records_the_refund_once() {
    let w = refund_with_crash_at("after-refund-answer");
    assert_refunds_agree(&w);
    assert_books_agree(&w);
    let orders = w.stored_orders();
    let refund = orders.iter().flat_map(|o| &o.refunds).next().expect("the refund is on record");
    assert_eq!(refund.state, till::core::order::RefundState::Refunded);
}
