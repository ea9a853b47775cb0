//! The till's clock checked against the platform's before any number leaves (issue 16, defect 1's
//! last gap: the store lost *and* the clock reading earlier than at an earlier run of the same day).

use super::*;

const MINUTE_MS: i64 = 60_000;

/// Rings up, pays by code, and has the platform decline: the number is used, the sale stays open.
fn used_number(t: &mut Till) -> String {
    if t.state.screen != (Screen::Pay { cash_entry: false }) {
        t.ring_up();
    }
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Failed { reason: "x".into() } });
    no
}

fn micro_pays(fx: &[Effect]) -> Vec<&PayCall> {
    fx.iter().filter_map(|e| if let Effect::MicroPay(c) = e { Some(c) } else { None }).collect()
}

/// The till ran from 10:30 and issued numbers; half an hour later its store is moved aside and it
/// starts again with its clock set back to 10:30 (a board without a real-time clock back at its
/// last saved time). On its own clock it would start the day's sequence where the first run did,
/// and issue that run's numbers again, which the platform remembers. The platform's time, read
/// before any number leaves, puts the run's floor past them.
#[test]
fn a_store_lost_with_the_clock_reading_as_at_an_earlier_run_never_issues_that_runs_numbers() {
    let mut t = Till::new();
    let earlier = vec![used_number(&mut t), used_number(&mut t)];
    let mut t2 = Till::new_unrestored_at(T0);
    t2.platform_ahead_ms = Some(30 * MINUTE_MS);
    t2.send(Msg::Restored { orders: vec![], counters: None });
    let fresh = used_number(&mut t2);
    assert!(!earlier.contains(&fresh), "{fresh} issued again: {earlier:?}");
    assert!(fresh > earlier[1], "{fresh} is not past {earlier:?}");
    // The till's time went on from the platform's, and its clock is shown as wrong.
    assert!(t2.state.now >= Millis(T0 + 30 * MINUTE_MS));
    assert!(t2.state.clock.wrong(t2.state.wall_clock));
    assert!(!t.state.clock.wrong(t.state.wall_clock));
}

/// A code scanned before the platform's first ping answered waits for it: nothing leaves before
/// the clock is checked, and the customer is charged as soon as it is.
#[test]
fn a_code_scanned_before_the_platform_told_its_time_is_charged_once_it_does() {
    let mut t = Till::new_unrestored();
    t.platform_ahead_ms = None;
    t.send(Msg::Restored { orders: vec![], counters: None });
    t.ring_up();
    let fx = t.scan(WECHAT_CODE);
    assert!(micro_pays(&fx).is_empty(), "nothing sent before the clock is checked: {fx:?}");
    assert_eq!(t.state.notice, Some(Notice::CheckingClock));
    assert_eq!(t.state.sale.status, OrderStatus::Open, "no attempt recorded yet");
    let fx = t.send(Msg::PlatformClock { unix_secs: Some(T0 / 1000 + 2) });
    let calls = micro_pays(&fx);
    assert_eq!(calls.len(), 1, "charged once the clock is checked: {fx:?}");
    assert_eq!(calls[0].amount, Fen(1150));
    assert!(matches!(fx.first(), Some(Effect::Save { .. })), "saved before it leaves: {fx:?}");
    // A later ping changes nothing.
    assert!(micro_pays(&t.send(Msg::PlatformClock { unix_secs: Some(T0 / 1000 + 3) })).is_empty());
}

/// The platform never answers: the waiting code is refused as offline, never charged later.
#[test]
fn a_code_waiting_for_the_clock_is_refused_as_offline_when_the_platform_does_not_answer() {
    let mut t = Till::new_unrestored();
    t.platform_ahead_ms = None;
    t.send(Msg::Restored { orders: vec![], counters: None });
    t.ring_up();
    t.scan(WECHAT_CODE);
    t.send(Msg::Connectivity { online: false });
    assert_eq!(t.state.notice, Some(Notice::OfflineTakeCash));
    t.send(Msg::Connectivity { online: true });
    let fx = t.send(Msg::PlatformClock { unix_secs: Some(T0 / 1000) });
    assert!(micro_pays(&fx).is_empty(), "the refused code is not charged later: {fx:?}");
    // Voiding the sale while a code waits forgets the code too.
    let mut t = Till::new_unrestored();
    t.platform_ahead_ms = None;
    t.send(Msg::Restored { orders: vec![], counters: None });
    t.ring_up();
    t.scan(WECHAT_CODE);
    t.state.new_sale();
    assert_eq!(t.state.clock.waiting, None);
}

/// A platform that tells no time (a gateway without a clock) stops nothing: the run's floor alone
/// stands, as before. A time from before this build is no platform's: it confirms nothing.
#[test]
fn no_platform_time_confirms_without_moving_and_a_time_before_the_build_is_ignored() {
    let mut t = Till::new_unrestored();
    t.platform_ahead_ms = None;
    t.state.clock.built_at = Millis(T0 - MINUTE_MS);
    t.send(Msg::Restored { orders: vec![], counters: None });
    t.send(Msg::PlatformClock { unix_secs: Some((T0 - 3 * 86_400_000) / 1000) });
    assert!(!t.state.clock.confirmed, "a time before the build confirms nothing");
    assert_eq!(t.state.now, Millis(T0));
    t.send(Msg::PlatformClock { unix_secs: None });
    assert!(t.state.clock.confirmed);
    t.ring_up();
    assert_eq!(micro_pays(&t.scan(WECHAT_CODE)).len(), 1);
    // A wall clock before the build is plainly wrong whatever the platform says.
    assert!(t.state.clock.wrong(Millis(T0 - 2 * MINUTE_MS)));
    assert!(!t.state.clock.wrong(Millis(T0)));
}

/// A clock ahead of the platform's is not moved back (time only goes forward in the core: queries
/// and deadlines measured from it stay right), but it is shown as wrong.
#[test]
fn a_clock_ahead_of_the_platforms_is_shown_wrong_and_not_moved_back() {
    let mut t = Till::new_unrestored();
    t.platform_ahead_ms = Some(-10 * MINUTE_MS);
    t.send(Msg::Restored { orders: vec![], counters: None });
    assert_eq!(t.state.now, Millis(T0));
    assert!(t.state.clock.wrong(t.state.wall_clock));
    assert_eq!(t.state.clock.skew_secs, Some(600));
}

/// Found by the model test: a till a day behind is moved on to the platform's time; then its clock
/// is set right (a jump of a day forward). That jump is the same day, not another one: the till's
/// time stays the platform's, and its numbers carry today's date past the run's floor, never
/// tomorrow's from 0001 (which a later run, moved on the same way, issued again).
#[test]
fn a_clock_set_right_after_the_platform_moved_the_till_on_does_not_move_it_twice() {
    const DAY_MS: i64 = 86_400_000;
    let mut t = Till::new();
    let earlier = used_number(&mut t);
    for run in 1..3 {
        let at = T0 + run * 10 * MINUTE_MS;
        let mut t2 = Till::new_unrestored_at(at - DAY_MS);
        t2.platform_ahead_ms = Some(DAY_MS);
        t2.send(Msg::Restored { orders: vec![], counters: None });
        assert_eq!(t2.state.now, Millis(at), "moved on to the platform's time");
        // The clock is set right: a day forward.
        t2.now += DAY_MS + 1_000;
        t2.send(Msg::Tick);
        assert!(t2.state.now.since(Millis(at)) < MINUTE_MS, "{:?}", t2.state.now);
        let fresh = used_number(&mut t2);
        assert_eq!(&fresh[8..14], &earlier[8..14], "today's date: {fresh} against {earlier}");
        assert!(fresh > earlier, "{fresh} is not past {earlier}");
        // Time goes on as before once the jump is taken off.
        let before = t2.state.now;
        t2.wait(5);
        assert_eq!(t2.state.now, before.plus_secs(5));
    }
}

/// Found by the model test too (MODEL_SEED=0x6c7fa1c6c2ce with MODEL_AMNESIA=1): restarted a day
/// behind its records, the till goes on from its newest record; its clock then set right (before
/// the platform answered) is that same time, not a day more.
#[test]
fn a_clock_set_right_after_a_restart_behind_the_records_does_not_move_the_till_a_day_on() {
    const DAY_MS: i64 = 86_400_000;
    let mut t = Till::new();
    let earlier = used_number(&mut t);
    let Effect::Save { order, counters } = t.state.save(&t.state.sale) else { unreachable!() };
    let mut t2 = Till::new_unrestored_at(t.now + MINUTE_MS - DAY_MS);
    t2.platform_ahead_ms = None;
    t2.send(Msg::Restored { orders: vec![order], counters: Some(counters) });
    t2.now += DAY_MS;
    t2.send(Msg::Tick);
    assert!(t2.state.now.since(Millis(t.now)) < 2 * MINUTE_MS, "{:?}", t2.state.now);
    t2.send(Msg::PlatformClock { unix_secs: Some(t2.now / 1000) });
    let fresh = used_number(&mut t2);
    assert_eq!(&fresh[8..14], &earlier[8..14], "today's date: {fresh} against {earlier}");
}

/// Found by the model test (`MODEL_SEED=0x2cade7487863`, `MODEL_AMNESIA=1`): a till whose clock ran
/// three minutes ahead rested its run's floor on that time; three minutes later, its store lost, an
/// honest run started at exactly that second of the day and issued the same number. Once the
/// platform's time is read the floor rests on it, ahead or behind.
#[test]
fn a_run_whose_clock_is_ahead_rests_its_floor_on_the_platforms_time_not_its_own() {
    let mut ahead = Till::new_unrestored_at(T0 + 3 * MINUTE_MS);
    ahead.platform_ahead_ms = Some(-3 * MINUTE_MS);
    ahead.send(Msg::Restored { orders: vec![], counters: None });
    let earlier = vec![used_number(&mut ahead), used_number(&mut ahead)];
    // Three minutes later by the platform, the store lost, a till with the right time.
    let mut honest = Till::new_unrestored_at(T0 + 3 * MINUTE_MS);
    honest.send(Msg::Restored { orders: vec![], counters: None });
    let fresh = used_number(&mut honest);
    assert!(!earlier.contains(&fresh), "{fresh} issued again: {earlier:?}");
}
