#![allow(clippy::panic)] // a test fails by panicking
//! A receipted exchange (凭小票换货) end to end: the real `till` binary (headless), a real store file,
//! the Cloud Pay simulator. A cola and the noodles (8.00) paid by WeChat; the receipt scanned back,
//! the noodles (4.50) chosen, F8 (operator 01, a supervisor, is signed in), a cola (3.50) out: the
//! 1.00 difference is refunded to WeChat. The till is killed (SIGKILL, `TILL_CRASH_AT`) right after
//! the platform refunded and before the till recorded it; after the restart the refund is in doubt
//! and settled by query, once: the platform's refunded amount is the till's. The exchange slip is
//! decoded back from the printer's bytes.

mod common;

use common::process::World;
use std::time::{Duration, Instant};
use till::core::code::Platform;
use till::core::exchange::ExchangeNotice;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::{RefundState, Tender};
use till::core::{Key, Lang, Screen};
use till::escpos::PrinterProfile;
use till::i18n::exchange::{ExchangeText as X, exchange_text};
use till::sim::cloudpay::SimConfig;

const COLA: &str = "6900138600889"; // 3.50
const NOODLES: &str = "6920152400777"; // 4.50
const SECS: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn a_cheaper_exchange_is_refunded_to_wechat_across_a_kill_and_settled_by_query() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.scan(NOODLES);
    till.wait_for("two items", SECS(5), |o| o.total == Fen(800));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.scan("134680423163089456");
    let done = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    let number = done.number.expect("order number");
    till.quit();

    // The till dies right after the platform's answer to the refund, before recording it.
    let mut till = w.start_till_with(&[("TILL_CRASH_AT", "after-refund-answer")]);
    till.wait_for("ready", SECS(10), |o| o.screen == Screen::Sale);
    till.scan(&number);
    till.wait_for("looked up", SECS(10), |o| o.refundable == Some(Fen(800)));
    till.key(Key::Down);
    till.key(Key::Char('+'));
    till.wait_for("noodles chosen", SECS(5), |o| o.lookup.as_ref().is_some_and(|v| v.chosen_value() == Fen(450)));
    till.key(Key::F(8));
    till.wait_for("credit on the sale", SECS(5), |o| {
        o.screen == Screen::Sale
            && o.notice == Some(Notice::Exchange(ExchangeNotice::ScanNewGoods { credit: Fen(450) }))
    });
    till.scan(COLA);
    till.wait_for("the new goods", SECS(5), |o| o.total == Fen::ZERO);
    let printed = w.receipts().len();
    till.key(Key::Enter);
    assert!(till.wait_exit(SECS(15)), "crashed after the refund's answer");

    // After the restart: in doubt, queried, refunded once, announced only now.
    let mut till = w.start_till();
    let seen = till.wait_for("refund settled after the restart", SECS(60), |o| {
        o.background == 0
            && o.in_doubt == 0
            && o.notice == Some(Notice::Refunded { amount: Fen(100), platform: Some(Platform::WeChat) })
    });
    assert_eq!(seen.background, 0);
    // The exchange slip, decoded back (printed before or after the kill; waited for with a deadline).
    let p = PrinterProfile::mm58();
    let slip = || till::app::receipt::preview(&w.receipts()[printed..], &p).join("\n");
    let deadline = Instant::now() + SECS(10);
    // In the till's language, whichever it is set to.
    let said = |t: &str, x: X| [Lang::Zh, Lang::En].iter().any(|l| t.contains(exchange_text(*l, x)));
    while !said(&slip(), X::RefundedBack) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = slip();
    assert!(said(&text, X::SlipTitle) && said(&text, X::RefundedBack), "{text}");
    assert!(text.contains("-4.50") && text.contains("3.50") && text.contains("1.00"), "{text}");
    assert!(text.contains(&number[number.len() - 8..]), "the original order:\n{text}");
    till.quit();

    let stored = w.stored_orders();
    let x = stored.iter().find(|o| o.exchange.is_some()).expect("the exchange is stored");
    let from = x.exchange.as_ref().and_then(|e| e.from.as_ref()).expect("from a receipt");
    assert_eq!(from.number, number);
    let refunds: Vec<_> = x.refunds.iter().map(|r| (r.amount, r.state.clone(), r.cash)).collect();
    assert_eq!(refunds, [(Fen(100), RefundState::Refunded, false)], "one refund, across the kill");
    let original = stored.iter().find(|o| o.number.as_deref() == Some(number.as_str())).expect("the original");
    assert_eq!((original.returnable(1), original.exchange_kept()), (0, Fen(350)));
    let Some(Tender::Code { out_trade_no, .. }) = &original.tender else { panic!("paid by code") };
    assert_eq!(w.sim.order(out_trade_no).map(|s| s.refunded_fee), Some(100), "the platform refunded 1.00, once");
}
