#![allow(clippy::panic)] // a test fails by panicking
//! A return without a receipt (无小票退货) end to end: the real `till` binary (headless), a real store
//! file. F3 then F7, two colas scanned back, the reason changed, Enter (operator 01, a supervisor, is
//! signed in: the approval is theirs). The return is on disk as its own order before the till says
//! it is done, the slip is printed, and it is still there after a SIGKILL and a restart.

mod common;

use common::process::World;
use std::time::Duration;
use till::core::money::Fen;
use till::core::no_receipt::{ReturnNotice, ReturnReason};
use till::core::notice::Notice;
use till::core::order::{OrderStatus, RefundState};
use till::core::{Key, Screen};
use till::escpos::PrinterProfile;
use till::sim::cloudpay::SimConfig;

const COLA: &str = "6900138600889"; // 3.50
const SECS: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn a_return_without_a_receipt_is_stored_printed_and_survives_a_kill() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.open_return_form();
    till.scan(COLA);
    till.scan(COLA);
    till.key(Key::F(2));
    let printed = w.receipts().len();
    till.key(Key::Enter);
    let done = till.wait_for("returned", SECS(5), |o| {
        matches!(o.notice, Some(Notice::Return(ReturnNotice::Returned { .. }))) && o.screen == Screen::Sale
    });
    let Some(Notice::Return(ReturnNotice::Returned { amount, number })) = done.notice else { panic!("{done:?}") };
    assert_eq!(amount, Fen(700));
    // The drawer is kicked open and the slip comes out of the printer: decoded back, it says what
    // it is (waited for with a deadline).
    let p = PrinterProfile::mm58();
    let slip = || till::app::receipt::preview(&w.receipts()[printed..], &p).join("\n");
    common::wait_until("the slip", SECS(10), || slip().contains("RETURN WITHOUT RECEIPT"));
    let text = slip();
    assert!(text.contains("RETURN WITHOUT RECEIPT") && text.contains("7.00"), "{text}");
    // The plug is pulled: the return was on disk before the till said it was done.
    till.kill9();
    let stored = w.stored_orders();
    let ret = stored.iter().find(|o| o.number.as_deref() == Some(number.as_str())).expect("the return is stored");
    let nr = ret.no_receipt.clone().expect("a return without a receipt");
    assert_eq!((nr.reason, nr.approved_by.as_str()), (ReturnReason::Expired, "01"));
    assert_eq!((ret.status, ret.tender.is_none(), ret.total()), (OrderStatus::Paid, true, Fen(700)));
    let refunds: Vec<_> = ret.refunds.iter().map(|r| (r.amount, r.cash, r.state.clone())).collect();
    assert_eq!(refunds, [(Fen(700), true, RefundState::Refunded)]);

    let mut till = w.start_till();
    till.wait_for("restarted", SECS(10), |o| o.screen == Screen::Sale);
    till.quit();
    let again = w.stored_orders();
    assert_eq!(again.iter().filter(|o| o.no_receipt.is_some()).count(), 1, "once, after the restart too");
}
