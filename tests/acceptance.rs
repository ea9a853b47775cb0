//! Seed 003 §4 as an automated acceptance suite: the real `till` binary (headless) against the
//! platform simulators over real HTTP, for WeChat Pay and Alipay, on both platforms.
//!
//! Per wallet: pay 0.02 → look up: paid → refund 0.03: refused at the till → refund 0.01: accepted
//! → look up: partially refunded → refund 0.02: refused → refund 0.01: accepted → look up: fully
//! refunded. Plus: password entry → paid; timeout → never announced as paid → resolved; amounts
//! 0 and 0.001 refused at the till.

mod common;

use common::process::{TillProcess, World};
use std::time::Duration;
use till::app::headless::Observation;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::{OrderStatus, RefundState};
use till::core::refund::LookupStatus;
use till::core::{Key, Screen};

const SECS: fn(u64) -> Duration = Duration::from_secs;
const WECHAT: &str = "134680423163080000";
const ALIPAY: &str = "282129340414390000";

fn code(platform: Platform, last4: &str) -> String {
    let base = match platform {
        Platform::WeChat => WECHAT,
        Platform::Alipay => ALIPAY,
    };
    format!("{}{last4}", &base[..base.len() - 4])
}

fn ready(till: &mut TillProcess) {
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
}

/// A sale of `amount` (an open-price entry) paid with `code`; returns the observation once sent.
fn pay(till: &mut TillProcess, amount: &str, code: &str) -> Observation {
    till.typed(amount);
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.scan(code);
    till.wait_for("payment sent", SECS(5), |o| o.out_trade_no.is_some())
}

fn is_done(o: &Observation) -> bool {
    matches!(o.screen, Screen::Done { .. })
}

/// Back to an empty sale screen, then the receipt's number scanned.
fn look_up(till: &mut TillProcess, number: &str) -> Observation {
    till.key(Key::Esc);
    till.key(Key::Esc);
    till.wait_for("sale screen", SECS(5), |o| o.screen == Screen::Sale);
    till.scan(number);
    till.wait_for("looked up", SECS(10), |o| o.lookup.as_ref().is_some_and(|v| !v.pending && v.answer.is_some()))
}

fn refunds_of(o: &Observation) -> Vec<RefundState> {
    o.lookup
        .as_ref()
        .and_then(|v| v.order.as_ref())
        .map(|o| o.refunds.iter().map(|r| r.state.clone()).collect())
        .unwrap_or_default()
}

/// Types a refund amount over the proposed one and presses Enter.
fn refund(till: &mut TillProcess, amount: &str) {
    for _ in 0..12 {
        till.key(Key::Backspace); // clears the proposed amount
    }
    till.typed(amount);
}

fn refund_accepted(till: &mut TillProcess, count: usize) -> Observation {
    till.wait_for("refund settled", SECS(20), |o| {
        let r = refunds_of(o);
        r.len() == count
            && r.iter().all(|s| *s == RefundState::Refunded)
            && o.lookup.as_ref().is_some_and(|v| !v.pending)
    })
}

/// The seed's sequence for one wallet on the platform of `w`.
fn seed_sequence<S>(w: &mut World<S>, platform: Platform) {
    let mut till = w.start_till();
    ready(&mut till);
    pay(&mut till, "0.02", &code(platform, "1234"));
    let done = till.wait_for("paid", SECS(10), is_done);
    assert_eq!(done.notice, Some(Notice::Paid { platform: Some(platform), amount: Fen(2) }));
    let number = done.number.expect("order number");

    let o = look_up(&mut till, &number);
    assert_eq!(o.lookup_status, Some(LookupStatus::Paid), "{o:#?}");
    assert_eq!(o.refundable, Some(Fen(2)));

    // The receipt again (微收银: the platform's own slip; Cloud Pay: the till's from its record).
    let printed = w.receipts().len();
    till.key(Key::F(4));
    till.wait_for("reprinting", SECS(5), |o| o.notice == Some(Notice::Reprinting));
    common::wait_until("the reprint", SECS(10), || w.receipts().len() > printed);
    assert!(w.receipts().len() > printed, "reprinted");

    refund(&mut till, "0.03");
    let o = till.wait_for("refused", SECS(5), |o| o.notice == Some(Notice::ExceedsRefundable { refundable: Fen(2) }));
    assert!(refunds_of(&o).is_empty(), "never sent");

    refund(&mut till, "0.01");
    refund_accepted(&mut till, 1);
    let o = look_up(&mut till, &number);
    assert_eq!(o.lookup_status, Some(LookupStatus::PartiallyRefunded), "{o:#?}");
    assert_eq!(o.refundable, Some(Fen(1)));

    refund(&mut till, "0.02");
    let o = till.wait_for("refused", SECS(5), |o| o.notice == Some(Notice::ExceedsRefundable { refundable: Fen(1) }));
    assert_eq!(refunds_of(&o).len(), 1, "never sent");

    refund(&mut till, "0.01");
    refund_accepted(&mut till, 2);
    let o = look_up(&mut till, &number);
    assert_eq!(o.lookup_status, Some(LookupStatus::FullyRefunded), "{o:#?}");
    assert_eq!(o.refundable, Some(Fen(0)));
    till.quit();
}

fn password_then_paid<S>(w: &mut World<S>, platform: Platform) {
    let mut till = w.start_till();
    ready(&mut till);
    pay(&mut till, "0.02", &code(platform, "0001"));
    till.wait_for("waiting for the password", SECS(10), |o| {
        o.attempt == Some(till::core::order::AttemptState::UserPaying)
    });
    let done = till.wait_for("paid after the password", SECS(20), is_done);
    assert_eq!(done.sale_status, OrderStatus::Paid);
    till.quit();
}

fn timeout_resolved_by_query<S>(w: &mut World<S>, platform: Platform) {
    let mut till = w.start_till();
    ready(&mut till);
    pay(&mut till, "0.02", &code(platform, "0003"));
    till.wait_for("confirming", SECS(10), |o| {
        matches!(o.attempt, Some(till::core::order::AttemptState::Unknown { .. }))
    });
    let done = till.wait_for("resolved by query", SECS(30), is_done);
    assert_eq!(done.notice, Some(Notice::Paid { platform: Some(platform), amount: Fen(2) }));
    let first_unknown = till
        .seen
        .iter()
        .position(|o| matches!(o.attempt, Some(till::core::order::AttemptState::Unknown { .. })))
        .expect("unknown seen");
    assert!(
        !till.seen[..first_unknown].iter().any(|o| o.sale_status == OrderStatus::Paid),
        "never announced as paid before the query said so"
    );
    till.quit();
}

fn zero_amounts_refused<S>(w: &mut World<S>) {
    let mut till = w.start_till();
    ready(&mut till);
    for amount in ["0.00", ".0", "0.001"] {
        till.typed(amount);
        till.wait_for("refused", SECS(5), |o| o.notice == Some(Notice::ZeroAmount));
        till.key(Key::Esc);
        till.wait_for("notice cleared", SECS(5), |o| o.notice.is_none());
    }
    assert!(till.seen.iter().all(|o| o.total == Fen(0) && o.out_trade_no.is_none()));
    till.quit();
}

/// The seed's tests, for a module whose `world()` makes a world of one platform.
macro_rules! the_seed_acceptance_tests {
    () => {
        #[test]
        fn seed_sequence_wechat() {
            seed_sequence(&mut world(), Platform::WeChat);
        }

        #[test]
        fn seed_sequence_alipay() {
            seed_sequence(&mut world(), Platform::Alipay);
        }

        #[test]
        fn password_wechat_and_alipay() {
            let mut w = world();
            password_then_paid(&mut w, Platform::WeChat);
            password_then_paid(&mut w, Platform::Alipay);
        }

        #[test]
        fn timeout_wechat_and_alipay() {
            let mut w = world();
            timeout_resolved_by_query(&mut w, Platform::WeChat);
            timeout_resolved_by_query(&mut w, Platform::Alipay);
        }

        #[test]
        fn zero_and_sub_fen_amounts() {
            zero_amounts_refused(&mut world());
        }
    };
}

mod cloudpay {
    use super::*;
    use till::sim::cloudpay::SimConfig;

    fn world() -> World {
        let sim = SimConfig { slow_ms: 2_500, user_paying_polls: 1, ..SimConfig::default() };
        World::new(sim, |c| c.cloudpay.timeout_ms = 1_000)
    }

    the_seed_acceptance_tests!();
}

mod weishouyin {
    use super::*;
    use till::sim::weishouyin::{SimConfig, SimHandle};

    fn world() -> World<SimHandle> {
        let sim = SimConfig { slow_ms: 2_500, user_paying_polls: 1, ..SimConfig::default() };
        World::weishouyin(sim, |c| {
            if let Some(w) = c.weishouyin.as_mut() {
                w.timeout_ms = 1_000;
            }
        })
    }

    the_seed_acceptance_tests!();

    #[test]
    fn the_platforms_printinfo_slip_is_printed_after_the_tills_receipt() {
        let mut w = world();
        let mut till = w.start_till();
        ready(&mut till);
        pay(&mut till, "0.02", &code(Platform::WeChat, "1234"));
        till.wait_for("paid and printed", SECS(10), |o| is_done(o) && !o.receipt.is_empty());
        till.quit();
        let bytes = w.receipts();
        let text = encoding_rs::GB18030.decode(&bytes).0;
        assert!(text.contains("实收金额"), "platform slip printed: the slip's text, in GB18030 for the printer");
        // As the printer needs it (escpos::slip, issue 16): every reset (the slip resets before each of its
        // lines) is followed by Chinese mode, the yuan sign is the one GBK printers have, and the slip's
        // own cut (ESC i) is the till's: fed to the cutter or past the tear bar.
        let resets = bytes.windows(2).filter(|p| p == &[0x1B, 0x40]).count();
        let chinese = bytes.windows(4).filter(|p| p == &[0x1B, 0x40, 0x1C, 0x26]).count();
        assert!(resets > 2 && resets == chinese, "{resets} resets, {chinese} followed by Chinese mode");
        assert!(!text.contains('¥') && text.contains("￥"), "{text}");
        assert!(!bytes.windows(2).any(|p| p == [0x1B, 0x69]), "the platform's cut is not sent as it is");
    }
}
