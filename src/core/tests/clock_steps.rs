//! The wall clock set back (or forward) while the till runs or between runs: payments in doubt are
//! still followed on their schedule (found by the model test, tests/model_core.rs).

use super::*;

const DAY_MS: i64 = 86_400_000;

#[test]
fn a_clock_set_back_during_a_sale_does_not_stop_the_queries() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    // The clock is set back a day (by hand, or a bad time server) while the payment is in doubt.
    t.now -= DAY_MS;
    assert!(queries(&t.send(Msg::Tick)).is_empty(), "nothing is due yet");
    let fx = t.wait(FIRST_QUERY_AFTER_SECS);
    assert_eq!(queries(&fx).len(), 1, "the query is sent on its schedule by the new clock: {fx:?}");
    t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    let fx = t.wait(5);
    assert_eq!(queries(&fx).len(), 1, "and again: {fx:?}");
    t.send(Msg::QueryAnswer { out_trade_no: no, verdict: paid("4200001") });
    assert!(matches!(t.attempt_state(), AttemptState::Paid { .. }));
}

const FIRST_QUERY_AFTER_SECS: i64 = 3;

#[test]
fn a_till_restarted_with_its_clock_set_back_still_settles_a_payment_the_platform_never_saw() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "reset".into() } });
    let (order, counters) = (t.state.sale.clone(), t.state.counters);
    // The till restarts with its clock a day behind the records it wrote.
    let mut t2 = Till::new_unrestored_at(t.now - DAY_MS);
    let fx = t2.send(Msg::Restored { orders: vec![order], counters: Some(counters) });
    assert_eq!(queries(&fx).len(), 1, "the payment in doubt is queried at once: {fx:?}");
    assert!(matches!(t2.state.notice, Some(Notice::ClockBehind { .. })), "{:?}", t2.state.notice);
    // The request never reached the platform: "no such order", again and again, past the grace.
    for _ in 0..12 {
        t2.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::NotFound });
        t2.wait(5);
    }
    assert!(
        matches!(t2.attempt_state(), AttemptState::Failed { .. }),
        "a minute of \"no such order\" settles it as not charged: {:?}",
        t2.attempt_state()
    );
}
