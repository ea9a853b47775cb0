#![allow(clippy::panic)] // test helpers fail the test by panicking
//! The end-of-run checks shared by the power-cut and offline tests: the till's store, the payment
//! platform's ledger and the back office agree.

use std::collections::BTreeSet;
use till::core::order::{Order, OrderStatus, RefundState, Tender};
use till::sim::backoffice::BackofficeHandle;
use till::sim::cloudpay::SimHandle;

/// Every charge the platform kept has exactly one paid order; no out_trade_no is charged twice; a
/// paid code order has its charge; no attempt or refund is left in doubt; refunds agree.
pub fn assert_money_agrees(orders: &[Order], sim: &SimHandle) {
    for o in orders {
        for a in &o.attempts {
            assert!(a.state.is_final(), "order {} attempt {} left {:?}", o.id, a.out_trade_no, a.state);
        }
        for r in &o.refunds {
            assert!(r.state.is_final(), "order {} refund {} left {:?}", o.id, r.out_refund_no, r.state);
        }
    }
    let paid_with = |no: &str| {
        orders
            .iter()
            .filter(|o| o.status == OrderStatus::Paid)
            .filter(|o| matches!(&o.tender, Some(Tender::Code { out_trade_no, .. }) if out_trade_no == no))
            .collect::<Vec<_>>()
    };
    for s in sim.orders() {
        assert!(sim.charge_count(&s.out_trade_no) <= 1, "{} charged twice", s.out_trade_no);
        let owners = paid_with(&s.out_trade_no);
        if s.charged && !s.reversed {
            assert_eq!(
                owners.len(),
                1,
                "charge {} kept by the platform has {} paid orders",
                s.out_trade_no,
                owners.len()
            );
            assert_eq!(owners[0].total().0, s.total_fee, "charge {}", s.out_trade_no);
        } else {
            assert!(owners.is_empty(), "{} not charged (or reversed) but paid in the till", s.out_trade_no);
        }
    }
    for o in orders.iter().filter(|o| o.status == OrderStatus::Paid) {
        if let Some(Tender::Code { out_trade_no, .. }) = &o.tender {
            assert_eq!(sim.charge_count(out_trade_no), 1, "paid order {} has no charge", o.id);
        }
        let Some(Tender::Code { out_trade_no, .. }) = &o.tender else {
            assert!(o.refunds.is_empty(), "a cash sale refunded through the platform: {o:?}");
            continue;
        };
        let made: i64 = o.refunds.iter().filter(|r| r.state == RefundState::Refunded).map(|r| r.amount.0).sum();
        let at_platform = sim.order(out_trade_no).map_or(0, |s| s.refunded_fee);
        assert_eq!(made, at_platform, "order {}: till refunded {made} fen, platform {at_platform}", o.id);
    }
}

/// The records the till owes the back office: each paid order it took and each final refund.
pub fn expected_keys(orders: &[Order]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for o in orders {
        let Some(n) = &o.number else { continue };
        if o.status == OrderStatus::Paid && !o.imported {
            keys.insert(format!("order:{n}"));
        }
        for r in o.refunds.iter().filter(|r| r.state.is_final()) {
            keys.insert(format!("refund:{}", r.out_refund_no));
        }
    }
    keys
}

/// The back office has exactly the till's records, each once, and the till's sequence 1..=n.
pub fn assert_delivered_once(orders: &[Order], receiver: &BackofficeHandle) {
    let records = receiver.records();
    let keys: BTreeSet<String> = records.iter().map(|r| r.key.clone()).collect();
    assert_eq!(keys.len(), records.len(), "a key kept twice");
    // Payments in doubt (kind `doubt`) are a view of attempts, not books: not owed here.
    let keys: BTreeSet<String> = keys.into_iter().filter(|k| !k.starts_with("doubt")).collect();
    let expected = expected_keys(orders);
    let missing: Vec<_> = expected.difference(&keys).collect();
    let extra: Vec<_> = keys.difference(&expected).collect();
    assert!(missing.is_empty() && extra.is_empty(), "back office misses {missing:?}, has extra {extra:?}");
    let mut seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=records.len() as u64).collect::<Vec<_>>(), "gaps in the till's sequence");
    assert!(receiver.refused().is_empty(), "refused: {:?}", receiver.refused());
}
