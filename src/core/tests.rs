//! The sale flows through the pure core: no terminal, no network, no clock.

use super::catalog::{Catalogue, Product};
use super::clock::Millis;
use super::code::Platform;
use super::money::Fen;
use super::notice::Notice;
use super::order::{AttemptState, OrderStatus, Tender};
use super::*;

const T0: i64 = 1_740_796_215_000; // 2025-03-01 10:30:15 Beijing
const WECHAT_CODE: &str = "134680423163089456";
const ALIPAY_CODE: &str = "282129340414399818";

struct Till {
    state: State,
    now: i64,
    /// Where the platform's clock is against the till's (ms): its time, told by the first ping after
    /// the store is restored (`platform_clock`). `None`: the platform does not answer.
    platform_ahead_ms: Option<i64>,
}

impl Till {
    fn new() -> Till {
        let mut till = Till::new_unrestored();
        till.send(Msg::Restored { orders: vec![], counters: None });
        till
    }

    fn new_unrestored() -> Till {
        Till::new_unrestored_at(T0)
    }

    /// A till started at `now` (its clock), its store not read yet.
    fn new_unrestored_at(now: i64) -> Till {
        let settings = Settings::test_shop();
        let catalogue = Catalogue::new([
            Product::new("6900138600889", "可口可乐", Fen(350)),
            Product::new("6920152400777", "康师傅红烧牛肉面", Fen(450)),
            Product::new("6901028075022", "free sample", Fen(0)),
        ]);
        let mut state = State::new(settings, catalogue);
        // Operator 01, a supervisor, signed in as the demo and the tests do.
        state.auth.policy.auto_sign_in = Some("01".into());
        let mut till = Till { state, now, platform_ahead_ms: Some(0) };
        let first = auth::Operator::new("01", "店长", auth::Role::Supervisor, auth::PinHash("-".into()));
        till.send(Msg::Auth(auth::AuthMsg::Loaded { operators: vec![first] }));
        till
    }

    fn send(&mut self, msg: Msg) -> Vec<Effect> {
        let restored = matches!(msg, Msg::Restored { .. });
        let mut fx = update(&mut self.state, Event { at: Millis(self.now), msg });
        // The platform's first ping answers moments after the start, with its time.
        if let Some(ahead) = self.platform_ahead_ms.filter(|_| restored) {
            let unix_secs = Some((self.now + ahead).div_euclid(1000));
            fx.extend(update(&mut self.state, Event { at: Millis(self.now), msg: Msg::PlatformClock { unix_secs } }));
        }
        fx
    }

    fn wait(&mut self, secs: i64) -> Vec<Effect> {
        self.now += secs * 1000;
        self.send(Msg::Tick)
    }

    fn typed(&mut self, text: &str) -> Vec<Effect> {
        let mut fx = Vec::new();
        for c in text.chars() {
            fx.extend(self.send(Msg::Key(Key::Char(c))));
        }
        fx.extend(self.send(Msg::Key(Key::Enter)));
        fx
    }

    fn scan(&mut self, code: &str) -> Vec<Effect> {
        self.send(Msg::Scan(code.into()))
    }

    /// Rings up 2 colas and a noodle (11.50) and goes to the tender screen.
    fn ring_up(&mut self) {
        self.scan("6900138600889");
        self.scan("6900138600889");
        self.typed("6920152400777");
        self.send(Msg::Key(Key::Enter));
        assert_eq!(self.state.screen, Screen::Pay { cash_entry: false });
    }

    /// Scans a payment code and returns the out_trade_no the till sent.
    fn pay(&mut self, code: &str) -> (String, Vec<Effect>) {
        let fx = self.scan(code);
        let call = fx
            .iter()
            .find_map(|e| if let Effect::MicroPay(c) = e { Some(c.clone()) } else { None })
            .expect("a micro_pay call");
        (call.out_trade_no, fx)
    }

    fn attempt_state(&self) -> AttemptState {
        self.state.sale.attempts.last().expect("an attempt").state.clone()
    }
}

fn queries(fx: &[Effect]) -> Vec<&QueryCall> {
    fx.iter().filter_map(|e| if let Effect::Query(q) = e { Some(q) } else { None }).collect()
}

fn paid(id: &str) -> Verdict {
    Verdict::Paid { transaction_id: id.into() }
}

#[test]
fn scanning_adds_products_and_the_same_product_again_adds_one() {
    let mut t = Till::new();
    let fx = t.scan("6900138600889");
    assert!(matches!(fx[0], Effect::Save { .. }), "the cart is saved: {fx:?}");
    assert!(fx.contains(&Effect::Beep(Beep::Accepted)));
    t.scan("6900138600889");
    t.scan("6920152400777");
    assert_eq!(t.state.sale.lines.len(), 2);
    assert_eq!(t.state.sale.lines[0].qty, 2);
    assert_eq!(t.state.sale.total(), Fen(1150));
}

#[test]
fn unknown_barcode_is_refused_with_a_message_and_an_error_beep() {
    let mut t = Till::new();
    let fx = t.typed("6901234567892");
    assert_eq!(t.state.notice, Some(Notice::UnknownBarcode { code: "6901234567892".into() }));
    assert_eq!(fx, vec![Effect::Beep(Beep::Error)]);
    assert!(t.state.sale.lines.is_empty());
    // A misread (bad check digit) and garbage are refused too, and nothing is added.
    t.scan("6900138600888");
    assert_eq!(t.state.notice, Some(Notice::BadCheckDigit { code: "6900138600888".into() }));
    t.scan("\u{1b}[31m;rm -rf");
    assert_eq!(t.state.notice, Some(Notice::Garbage));
    assert!(t.state.sale.lines.is_empty());
}

#[test]
fn lines_can_be_changed_and_removed() {
    let mut t = Till::new();
    t.scan("6900138600889");
    t.scan("6920152400777");
    t.send(Msg::Key(Key::Up));
    t.send(Msg::Key(Key::Char('+')));
    assert_eq!(t.state.sale.lines[0].qty, 2);
    t.send(Msg::Key(Key::Char('5')));
    t.send(Msg::Key(Key::Char('*')));
    assert_eq!(t.state.sale.lines[0].qty, 5);
    t.send(Msg::Key(Key::Char('-')));
    assert_eq!(t.state.sale.lines[0].qty, 4);
    t.send(Msg::Key(Key::Delete));
    assert_eq!(t.state.sale.lines.len(), 1);
    assert_eq!(t.state.sale.lines[0].name, "康师傅红烧牛肉面");
}

#[test]
fn zero_totals_and_amounts_rounding_to_zero_never_reach_the_platform() {
    let mut t = Till::new();
    // An empty cart cannot be paid.
    t.send(Msg::Key(Key::Enter));
    assert_eq!(t.state.notice, Some(Notice::CartEmpty));
    // 0.001 rounds to 0.00: refused as an open-price entry.
    let fx = t.typed("0.001");
    assert_eq!(t.state.notice, Some(Notice::ZeroAmount));
    assert!(t.state.sale.lines.is_empty());
    assert_eq!(fx, vec![Effect::Beep(Beep::Error)]);
    // A free product makes a zero total: no tender screen, and a payment code scanned now is refused.
    t.scan("6901028075022");
    t.send(Msg::Key(Key::Enter));
    assert_eq!(t.state.notice, Some(Notice::ZeroAmount));
    assert_eq!(t.state.screen, Screen::Sale);
    let fx = t.scan(WECHAT_CODE);
    assert!(!fx.iter().any(|e| matches!(e, Effect::MicroPay(_))), "{fx:?}");
}

#[test]
fn open_price_entry_adds_a_line_of_that_amount() {
    let mut t = Till::new();
    t.typed("12.5");
    assert_eq!(t.state.sale.total(), Fen(1250));
    assert_eq!(t.state.sale.lines[0].barcode, "");
}

#[test]
fn wechat_payment_succeeds_only_on_a_paid_order_state() {
    let mut t = Till::new();
    t.ring_up();
    let (no, fx) = t.pay(WECHAT_CODE);
    assert_eq!(no, "010000522503010137815001");
    // The attempt is durable before the request leaves.
    assert!(matches!(&fx[0], Effect::Save { order, .. } if order.attempts[0].state == AttemptState::Sending));
    assert!(matches!(&fx[1], Effect::MicroPay(c) if c.amount == Fen(1150) && c.platform == Platform::WeChat));
    // The full code is never in the saved record.
    assert!(matches!(&fx[0], Effect::Save { order, .. } if order.attempts[0].code_masked == "1346…9456"));

    let fx = t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("4200000067") });
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    assert_eq!(t.state.sale.number.as_deref(), Some(no.as_str()));
    assert_eq!(t.state.screen, Screen::Done { change: Fen(0) });
    assert!(matches!(&fx[0], Effect::Save { order, .. } if order.status == OrderStatus::Paid));
    assert!(fx.iter().any(|e| matches!(e, Effect::Print { .. })));
    assert!(fx.contains(&Effect::Announce { platform: Some(Platform::WeChat), amount: Fen(1150) }));
    assert_eq!(t.state.notice, Some(Notice::Paid { platform: Some(Platform::WeChat), amount: Fen(1150) }));
    // The next key starts a new sale with a new order id.
    let old = t.state.sale.id;
    t.scan("6900138600889");
    assert_ne!(t.state.sale.id, old);
    assert_eq!(t.state.sale.lines.len(), 1);
}

#[test]
fn user_paying_shows_waiting_and_queries_every_5_seconds_until_paid() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(ALIPAY_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    assert_eq!(t.attempt_state(), AttemptState::UserPaying);
    assert!(queries(&t.wait(4)).is_empty(), "not before 5 s");
    let fx = t.wait(1);
    assert_eq!(queries(&fx).len(), 1);
    assert!(queries(&t.wait(1)).is_empty(), "one query in flight at a time");
    t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    assert_eq!(t.attempt_state(), AttemptState::UserPaying);
    assert_eq!(queries(&t.wait(5)).len(), 1);
    let fx = t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: paid("2025030122") });
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
    assert!(fx.contains(&Effect::Announce { platform: Some(Platform::Alipay), amount: Fen(1150) }));
    assert!(queries(&t.wait(30)).is_empty(), "no queries once paid");
}

#[test]
fn declined_payment_returns_to_the_tender_screen_and_a_retry_gets_a_new_number() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    let fx =
        t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Failed { reason: "余额不足".into() } });
    assert!(fx.contains(&Effect::Beep(Beep::Failure)));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Announce { .. } | Effect::Print { .. })));
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
    assert_eq!(t.state.sale.status, OrderStatus::Open);
    assert!(matches!(&t.state.notice, Some(Notice::PaymentDeclined { reason, .. }) if reason == "余额不足"));
    let (no2, _) = t.pay(WECHAT_CODE);
    assert_ne!(no, no2, "an order number is never reused");
}

#[test]
fn a_timeout_is_unknown_never_paid_or_failed_and_is_resolved_by_query() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    let fx =
        t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Announce { .. } | Effect::Beep(Beep::Success | Beep::Failure))));
    assert!(matches!(t.attempt_state(), AttemptState::Unknown { .. }));
    assert_eq!(t.state.sale.status, OrderStatus::Paying);
    // No other tender, no new attempt, no cart change while in doubt.
    t.scan(ALIPAY_CODE);
    assert_eq!(t.state.notice, Some(Notice::PaymentInDoubt));
    assert_eq!(t.state.sale.attempts.len(), 1);
    t.send(Msg::Key(Key::F(2)));
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
    // First query after 3 s; errors keep it unknown; a definite answer settles it.
    let fx = t.wait(3);
    assert_eq!(queries(&fx).len(), 1);
    t.send(Msg::QueryAnswer {
        out_trade_no: no.clone(),
        verdict: Verdict::Unknown { reason: "connection refused".into() },
    });
    assert!(matches!(t.attempt_state(), AttemptState::Unknown { .. }));
    assert_eq!(queries(&t.wait(5)).len(), 1);
    t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: paid("42000") });
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
}

fn cancels(fx: &[Effect]) -> Vec<&CancelCall> {
    fx.iter().filter_map(|e| if let Effect::Cancel(c) = e { Some(c) } else { None }).collect()
}

/// Answers every query and cancel the till sends with `query` / `cancel`, for `secs` seconds.
fn answer_for(t: &mut Till, secs: i64, query: Verdict, cancel: CancelVerdict) -> (usize, usize) {
    let (mut q, mut c) = (0, 0);
    let mut fx = Vec::new();
    for _ in 0..secs {
        fx.extend(t.wait(1));
        while !fx.is_empty() {
            let mut next = Vec::new();
            for e in std::mem::take(&mut fx) {
                match e {
                    Effect::Query(call) => {
                        q += 1;
                        let verdict = query.clone();
                        next.extend(t.send(Msg::QueryAnswer { out_trade_no: call.out_trade_no, verdict }));
                    }
                    Effect::Cancel(call) => {
                        c += 1;
                        let verdict = cancel.clone();
                        next.extend(t.send(Msg::CancelAnswer { out_trade_no: call.out_trade_no, verdict }));
                    }
                    _ => {}
                }
            }
            fx = next;
        }
    }
    (q, c)
}

#[test]
fn an_unanswered_wechat_payment_is_reversed_after_45_s_and_the_reversal_repeats_until_definite() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    let down = Verdict::Unknown { reason: "down".into() };
    let (q, c) = answer_for(&mut t, 44, down.clone(), CancelVerdict::Unknown { reason: "down".into() });
    assert_eq!(c, 0, "no reversal before WeChat's 45 s");
    assert!((8..=10).contains(&q), "{q} queries in 44 s");
    // The first answer at or after 45 s is the last query; the reversal follows at once.
    let (_, c) = answer_for(&mut t, 60, down.clone(), CancelVerdict::Unknown { reason: "down".into() });
    assert!((10..=13).contains(&c), "{c} reversals in a minute of no answers");
    assert!(matches!(t.attempt_state(), AttemptState::Cancelling { .. }));
    assert_eq!(t.state.in_doubt_count(), 1);
    let (_, c) = answer_for(&mut t, 6, down, CancelVerdict::Cancelled);
    assert_eq!(c, 1);
    assert_eq!(t.attempt_state(), AttemptState::Cancelled);
    assert_eq!(t.state.notice, Some(Notice::PaymentCancelled { platform: Platform::WeChat }));
    assert_eq!(t.state.sale.status, OrderStatus::Open, "back to the tender screen for another try");
    assert_eq!(t.state.in_doubt_count(), 0);
    // A new attempt gets a new number; the cancelled one is never reused.
    let (again, _) = t.pay(WECHAT_CODE);
    assert_ne!(again, no);
}

#[test]
fn alipay_gives_up_after_60_s_and_cancels_right_after_the_last_query() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(ALIPAY_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    let (_, c) = answer_for(&mut t, 59, Verdict::UserPaying, CancelVerdict::Cancelled);
    assert_eq!(c, 0);
    assert_eq!(t.attempt_state(), AttemptState::UserPaying);
    // The query due at 60 s: its answer brings the cancel in the same batch.
    let mut sent = Vec::new();
    for _ in 0..5 {
        sent.extend(t.wait(1));
    }
    let q = queries(&sent)[0].out_trade_no.clone();
    let fx = t.send(Msg::QueryAnswer { out_trade_no: q, verdict: Verdict::UserPaying });
    assert_eq!(cancels(&fx).len(), 1, "{fx:?}");
    let save_pos = fx.iter().position(|e| matches!(e, Effect::Save { .. })).expect("saved");
    let cancel_pos = fx.iter().position(|e| matches!(e, Effect::Cancel(_))).expect("cancel");
    assert!(save_pos < cancel_pos, "the decision to cancel is durable before the cancel leaves");
}

#[test]
fn a_refused_cancel_is_followed_by_a_query_that_may_find_the_customer_paid() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    answer_for(&mut t, 50, Verdict::UserPaying, CancelVerdict::Refused { reason: "order paid".into() });
    assert!(matches!(t.attempt_state(), AttemptState::Cancelling { .. }));
    // The customer paid between the last query and the cancel: the query after the refusal says so.
    answer_for(&mut t, 20, paid("42000"), CancelVerdict::Refused { reason: "order paid".into() });
    assert_eq!(t.attempt_state(), AttemptState::Paid { transaction_id: "42000".into() });
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
}

#[test]
fn while_a_cancel_is_under_way_a_late_paid_answer_to_the_payment_call_decides_nothing() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    answer_for(&mut t, 50, Verdict::Unknown { reason: "down".into() }, CancelVerdict::Unknown { reason: "x".into() });
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("late") });
    assert!(matches!(t.attempt_state(), AttemptState::Cancelling { .. }));
    // The reversal returns the money, so the order is not paid.
    answer_for(&mut t, 6, Verdict::Unknown { reason: "down".into() }, CancelVerdict::Cancelled);
    assert_eq!(t.attempt_state(), AttemptState::Cancelled);
    // ...and a stale query answer cannot turn it into paid again.
    t.send(Msg::QueryAnswer { out_trade_no: no, verdict: paid("stale") });
    assert_eq!(t.attempt_state(), AttemptState::Cancelled);
}

#[test]
fn a_platform_without_cancel_is_settled_by_queries_that_slow_down_but_never_stop() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    let (q, c) = answer_for(&mut t, 600, Verdict::Unknown { reason: "down".into() }, CancelVerdict::Unsupported);
    assert_eq!(c, 1, "asked once, then never again");
    // ~24 in the first two minutes, then every 15 s for eight minutes.
    assert!((45..=62).contains(&q), "{q} queries in 10 minutes");
    assert!(matches!(t.attempt_state(), AttemptState::Unknown { .. }));
    answer_for(&mut t, 20, paid("42"), CancelVerdict::Unsupported);
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
}

#[test]
fn not_found_right_after_the_call_is_not_a_failure_but_later_it_is() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    t.wait(3);
    t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::NotFound });
    assert!(matches!(t.attempt_state(), AttemptState::Unknown { .. }));
    for _ in 0..6 {
        for q in queries(&t.wait(5)) {
            let no = q.out_trade_no.clone();
            t.send(Msg::QueryAnswer { out_trade_no: no, verdict: Verdict::NotFound });
        }
    }
    assert!(matches!(t.attempt_state(), AttemptState::Failed { .. }));
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: false });
}

#[test]
fn a_late_answer_never_overrides_a_final_one_except_a_charge() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid("1") });
    let fx = t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: Verdict::Failed { reason: "late".into() } });
    assert!(fx.is_empty());
    assert_eq!(t.state.sale.status, OrderStatus::Paid);
}

#[test]
fn cash_tender_gives_change_and_refuses_nothing() {
    // Less than due is a part of a mixed tender (`tests/tender.rs`), no longer refused.
    let mut t = Till::new();
    t.ring_up();
    t.send(Msg::Key(Key::Char('c')));
    assert_eq!(t.state.screen, Screen::Pay { cash_entry: true });
    t.typed("0.001");
    assert_eq!(t.state.notice, Some(Notice::ZeroAmount));
    let fx = t.typed("20");
    assert_eq!(t.state.screen, Screen::Done { change: Fen(850) });
    assert_eq!(t.state.sale.tender, Some(Tender::Cash { received: Fen(2000), change: Fen(850) }));
    let first_save = fx.iter().find(|e| matches!(e, Effect::Save { .. }));
    assert!(matches!(first_save, Some(Effect::Save { order, .. }) if order.status == OrderStatus::Paid));
    assert_eq!(t.state.sale.number.as_deref(), Some("010000522503010137815001"));
}

#[test]
fn order_numbers_are_24_digits_and_start_at_the_run_floor_then_each_day_at_1() {
    let mut t = Till::new();
    t.ring_up();
    let (a, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: a.clone(), verdict: Verdict::Failed { reason: "x".into() } });
    let (b, _) = t.pay(WECHAT_CODE);
    // The day's sequence starts at 1,000 × the second of the day the till started at (10:30:15).
    assert_eq!(a.len(), 24);
    assert_eq!(b, "010000522503010137815002");
    t.send(Msg::PayAnswer { out_trade_no: b, verdict: Verdict::Failed { reason: "x".into() } });
    t.now += 86_400_000;
    let (c, _) = t.pay(WECHAT_CODE);
    assert_eq!(c, "010000522503020100000001");
}

#[test]
fn a_restart_during_a_payment_resumes_it_as_unknown_and_queries_at_once() {
    let mut t = Till::new();
    t.ring_up();
    let (no, fx) = t.pay(WECHAT_CODE);
    let Effect::Save { order, counters } = fx[0].clone() else { panic!("save first") };

    // A new process: same settings, the store gives back what was saved.
    let mut t2 = Till::new_unrestored();
    t2.now = t.now + 20_000;
    assert!(t2.scan("6900138600889").is_empty(), "nothing is sold before the store is restored");
    let fx = t2.send(Msg::Restored { orders: vec![order], counters: Some(counters) });
    assert_eq!(t2.state.screen, Screen::Pay { cash_entry: false });
    assert!(matches!(t2.attempt_state(), AttemptState::Unknown { .. }));
    assert_eq!(t2.state.notice, Some(Notice::Restored { in_doubt: 1 }));
    assert_eq!(queries(&fx).len(), 1, "queried at once: {fx:?}");
    t2.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: paid("9") });
    assert_eq!(t2.state.sale.status, OrderStatus::Paid);
    // Counters survive: the next number is not reused.
    t2.send(Msg::Key(Key::Enter));
    t2.ring_up();
    let (next, _) = t2.pay(WECHAT_CODE);
    assert_ne!(next, no);
}

#[test]
fn a_payment_in_doubt_can_be_parked_and_is_confirmed_in_the_background() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    let parked_id = t.state.sale.id;
    t.send(Msg::Key(Key::Esc));
    assert_eq!(t.state.notice, Some(Notice::Parked { number: no.clone() }));
    assert_eq!(t.state.screen, Screen::Sale);
    assert_ne!(t.state.sale.id, parked_id);
    assert_eq!(t.state.in_doubt_count(), 1);
    t.scan("6900138600889");
    let fx = t.wait(3);
    assert_eq!(queries(&fx)[0].order_id, parked_id);
    let fx = t.send(Msg::QueryAnswer { out_trade_no: no.clone(), verdict: paid("7") });
    assert!(matches!(&fx[0], Effect::Save { order, .. } if order.id == parked_id && order.status == OrderStatus::Paid));
    assert_eq!(t.state.in_doubt_count(), 0);
    assert_eq!(t.state.sale.lines.len(), 1, "the new sale is untouched");
}

#[test]
fn receipts_waiting_and_the_scanner_are_shown_and_a_print_failure_clears_once_all_are_printed() {
    let mut t = Till::new();
    t.send(Msg::PrintFailed { order_id: 1, why: crate::core::PrintFailure::PaperOut });
    t.send(Msg::PrintQueue { waiting: 2 });
    assert_eq!(t.state.receipts_waiting, 2);
    assert!(matches!(t.state.notice, Some(Notice::PrintFailed { .. })));
    t.send(Msg::PrintQueue { waiting: 0 });
    assert_eq!(t.state.notice, None);
    t.send(Msg::Scanner(ScannerState::Connected));
    let fx = t.send(Msg::Scanner(ScannerState::Unplugged));
    assert_eq!(t.state.notice, Some(Notice::ScannerGone));
    assert!(fx.contains(&Effect::Beep(Beep::Error)));
    t.send(Msg::Scanner(ScannerState::Connected));
    assert_eq!(t.state.notice, None);
}

#[test]
fn offline_a_payment_code_is_refused_at_once_and_back_online_everything_in_doubt_is_asked_at_once() {
    let mut t = Till::new();
    t.ring_up();
    let (no, _) = t.pay(WECHAT_CODE);
    t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::Unknown { reason: "timeout".into() } });
    t.send(Msg::Key(Key::Esc)); // parked
    let q = t.wait(3);
    assert_eq!(queries(&q).len(), 1);
    for call in queries(&q) {
        let verdict = Verdict::Unknown { reason: "down".into() };
        t.send(Msg::QueryAnswer { out_trade_no: call.out_trade_no.clone(), verdict });
    }
    t.send(Msg::Connectivity { online: false });
    assert_eq!(t.state.notice, Some(Notice::Offline));
    t.ring_up();
    let fx = t.scan(ALIPAY_CODE);
    assert!(!fx.iter().any(|e| matches!(e, Effect::MicroPay(_))), "nothing sent while offline");
    assert_eq!(t.state.notice, Some(Notice::OfflineTakeCash));
    // Back: the parked payment is queried now, not at its next turn.
    t.now += 1000;
    let fx = t.send(Msg::Connectivity { online: true });
    assert_eq!(queries(&fx).len(), 1, "{fx:?}");
    assert_eq!(t.state.notice, Some(Notice::BackOnline));
    let (_, fx) = t.pay(ALIPAY_CODE);
    assert!(fx.iter().any(|e| matches!(e, Effect::MicroPay(_))));
}

#[test]
fn the_test_page_is_in_the_maintenance_menu_of_an_empty_sale_screen() {
    let mut t = Till::new();
    t.send(Msg::Key(Key::F(12)));
    assert!(t.state.maintenance.is_some(), "operator 01 is a supervisor: no prompt");
    let keys = maintenance::keys_to(maintenance::Item::PrinterTest);
    let fx: Vec<Effect> = keys.into_iter().flat_map(|k| t.send(Msg::Key(k))).collect();
    assert_eq!(fx, vec![Effect::PrintTestPage, Effect::Display(super::display::Shown::Test)]);
    assert_eq!(t.state.notice, Some(Notice::PrintingTestPage));
    t.send(Msg::Key(Key::Esc));
    t.scan("6900138600889");
    assert!(!t.send(Msg::Key(Key::F(12))).iter().any(|e| matches!(e, Effect::Maintenance(_))), "not mid-sale");
    assert!(t.state.maintenance.is_none());
    assert!(!t.send(Msg::Key(Key::F(9))).contains(&Effect::PrintTestPage), "F9 no longer prints it");
}

mod catalogue;
mod clock_steps;
mod configure;
mod discount_journal;
mod discounts;
mod display;
mod exchange;
mod exchange_receipted;
mod foreign;
mod held;
mod member_form;
mod member_present;
mod members;
mod no_receipt;
mod numbers;
mod platform_clock;
mod points_tender;
mod qr;
mod refunds;
mod returns;
mod scale_labels;
mod stocktake;
mod stored_value;
mod tender;
mod training;
mod voided_refund;
mod weighing;
