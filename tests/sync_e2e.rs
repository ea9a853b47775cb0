#![allow(clippy::panic)] // a test fails by panicking
//! The real `till` binary with the reference back-office receiver: cash sales made while the back
//! office is down reach it when it is back, and a till killed in the middle of delivering sends
//! each record again after the restart, so the back office has every one exactly once.

mod common;

use common::process::World;
use std::collections::BTreeSet;
use std::time::Duration;
use till::core::order::OrderStatus;
use till::sim::backoffice::{BackofficeHandle, Fault};
use till::sim::cloudpay::SimConfig;

const SECS: fn(u64) -> Duration = Duration::from_secs;

/// One cola for cash (5.00 given), back to an empty sale.
fn wait_received(receiver: &BackofficeHandle, n: usize, within: Duration) {
    common::wait_until(&format!("the back office has {n} records"), within, || receiver.records().len() >= n);
}

/// The back office has each paid order of the till once, and the till's sequence without gaps.
fn assert_exactly_once(w: &World, receiver: &BackofficeHandle) {
    let paid: BTreeSet<String> = w
        .stored_orders()
        .into_iter()
        .filter(|o| o.status == OrderStatus::Paid)
        .filter_map(|o| o.number.map(|n| format!("order:{n}")))
        .collect();
    let records = receiver.records();
    let keys: BTreeSet<String> = records.iter().map(|r| r.key.clone()).collect();
    assert_eq!(keys.len(), records.len(), "a key received twice");
    assert_eq!(keys, paid, "the back office has exactly the till's paid orders");
    let mut seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=records.len() as u64).collect::<Vec<_>>(), "no gaps in the till's sequence");
}

#[test]
fn cash_sales_made_while_the_back_office_is_down_are_delivered_when_it_is_back() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let receiver = w.start_backoffice();
    w.block_on(receiver.set_down(true));
    let mut till = w.start_till();
    for _ in 0..3 {
        till.cash_sale_cola();
    }
    let o = till
        .wait_for("three queued, the error shown", SECS(10), |o| o.sync.pending == 3 && o.sync.last_error.is_some());
    assert!(o.sync.enabled && o.sync.last_success_at.is_none(), "{:?}", o.sync);
    assert!(receiver.records().is_empty());

    w.block_on(receiver.set_down(false));
    let o = till.wait_for("all delivered", SECS(30), |o| o.sync.unsynced() == 0 && o.sync.last_success_at.is_some());
    assert_eq!(o.sync.last_error, None);
    till.quit();
    assert_exactly_once(&w, &receiver);
    assert_eq!(receiver.records().len(), 3);
    assert_eq!(receiver.duplicates(), 0);
}

#[test]
fn a_till_killed_while_delivering_sends_again_and_the_back_office_has_each_record_once() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let receiver = w.start_backoffice();
    for _ in 0..3 {
        let before = receiver.records().len();
        // The back office keeps the next records but answers late: the kill lands before the
        // till hears that it has them.
        receiver.inject(Fault::Delay(2_000));
        receiver.inject(Fault::Delay(2_000));
        let mut till = w.start_till();
        till.cash_sale_cola();
        till.cash_sale_cola();
        wait_received(&receiver, before + 1, SECS(20));
        till.kill9();
    }
    let mut till = w.start_till();
    till.wait_for("everything delivered after the restarts", SECS(30), |o| {
        o.sync.unsynced() == 0 && o.sync.last_success_at.is_some()
    });
    till.quit();
    assert_exactly_once(&w, &receiver);
    // A kill may land before the last sale's save was flushed (see kill9.rs): what the store has is
    // what the back office has, checked above; at least each round's first sale is there.
    assert!(receiver.records().len() >= 3, "{:?}", receiver.records());
    assert!(receiver.duplicates() >= 1, "records whose answers the kill cut off were sent again");
}
