#![allow(clippy::panic)] // a test fails by panicking
//! Issue 16, defect 2, through the real binary: a store holding a refund on an order the till had
//! voided (the till's query had said "not charged", the platform had charged after all, the
//! cashier refunded) — as an earlier build left it. After a start the refund is followed to its
//! end, the voided order is not the sale on screen, and the back office receives the refund.

mod common;

use common::process::World;
use std::time::Duration;
use till::core::clock::Millis;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::order::{Attempt, AttemptState, Line, Order, OrderStatus, Refund, RefundOf, RefundState};
use till::core::{Counters, PayCall, RefundCall, RefundVerdict, Screen, Verdict};
use till::payments::Gateway;
use till::payments::cloudpay::{CloudPayClient, CloudPayConfig};
use till::sim::cloudpay::SimConfig;
use till::store::{RedbStore, Store};

const NUMBER: &str = "01000052251207010001";
const REFUND_NO: &str = "01000052251207010002";

fn now() -> Millis {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock");
    Millis(i64::try_from(d.as_millis()).expect("millis"))
}

#[test]
fn a_refund_on_a_voided_order_is_followed_after_a_start_and_reaches_the_back_office() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let receiver = w.start_backoffice();
    // At the platform: the customer was charged 3.50, and the cashier's refund went out.
    let client = CloudPayClient::new(CloudPayConfig { base_urls: vec![w.sim.base_url()], ..CloudPayConfig::demo("") })
        .expect("client");
    let pay = PayCall {
        order_id: 1,
        out_trade_no: NUMBER.into(),
        platform: Platform::WeChat,
        code: "134680423163084321".into(),
        amount: Fen(350),
        body: "测试便利店".into(),
        items: vec![],
        staff_id: None,
    };
    let Verdict::Paid { transaction_id } = w.block_on(client.micro_pay(&pay)) else { panic!("not paid") };
    let refund = RefundCall {
        order_id: 1,
        out_trade_no: NUMBER.into(),
        out_refund_no: REFUND_NO.into(),
        platform: Platform::WeChat,
        transaction_id: transaction_id.clone(),
        total: Fen(350),
        amount: Fen(350),
        refunded_before: Fen(0),
        staff_id: None,
    };
    let answer = w.block_on(client.refund(&refund));
    assert!(matches!(answer, RefundVerdict::Refunded { .. } | RefundVerdict::Accepted { .. }), "{answer:?}");

    // The till's store: the order voided, the refund on it still being sent when the till stopped.
    let t = now();
    let mut voided = Order::new(1, t, "01".into());
    voided
        .lines
        .push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 1 });
    voided.status = OrderStatus::Voided;
    voided.closed_at = Some(t);
    voided.attempts.push(Attempt {
        out_trade_no: NUMBER.into(),
        platform: Platform::WeChat,
        code_masked: "1346…4321".into(),
        amount: Fen(350),
        started_at: t,
        state: AttemptState::Failed { reason: "not charged".into() },
        queries: 1,
        cancels: 0,
        cancel_unsupported: false,
        qr: None,
    });
    voided.refunds.push(Refund {
        out_refund_no: REFUND_NO.into(),
        amount: Fen(350),
        total: Fen(350),
        refunded_before: Fen(0),
        requested_at: t,
        operator: "01".into(),
        state: RefundState::Sending,
        refund_id: None,
        queries: 0,
        of: Some(RefundOf { platform: Platform::WeChat, out_trade_no: NUMBER.into(), transaction_id }),
        cash: false,
        returns: Vec::new(),
    });
    {
        let store = RedbStore::open(&w.data_dir().join("store")).expect("store");
        let counters = Counters { next_order_id: 2, seq_day: 251207, seq: 2 };
        store.save(&voided, &counters).expect("save");
    }

    let mut till = w.start_till();
    let settled = till.wait_for("the refund followed and settled", Duration::from_secs(20), |o| {
        o.screen == Screen::Sale && o.background == 0 && o.in_doubt == 0
    });
    assert_ne!(settled.sale_id, 1, "the voided order came back as the sale on screen");
    assert_eq!(settled.total, Fen(0));
    common::wait_until("the back office received the refund", Duration::from_secs(20), || {
        receiver.records().iter().any(|r| r.key == format!("refund:{REFUND_NO}"))
    });
    till.quit();
    let stored = w.stored_orders().into_iter().find(|o| o.id == 1).expect("order 1");
    assert_eq!(stored.refunds[0].state, RefundState::Refunded, "{stored:?}");
}
