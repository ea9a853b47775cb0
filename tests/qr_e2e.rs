//! The customer scans the till's QR (issue 23), end to end: the real `till` binary (headless), its real
//! HTTP client and signatures, against the Cloud Pay simulator's `scan_code_pay` / `close_order` and its
//! simulated customer; a real store file.

mod common;

use common::process::{TillProcess, World};
use std::time::Duration;
use till::core::code::Platform;
use till::core::intent::Intent;
use till::core::money::Fen;
use till::core::order::{AttemptState, OrderStatus, Tender};
use till::core::{Key, Msg, Screen};
use till::sim::cloudpay::{SimConfig, SimOrderState, system_clock};

const COLA: &str = "6900138600889"; // 3.50
const SECS: fn(u64) -> Duration = Duration::from_secs;

/// One cola on the tender screen, then F7 and the wallet: the QR's number once the platform gave it.
fn show_qr(till: &mut TillProcess, wallet: Platform) -> String {
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.wait_for("one item", SECS(5), |o| o.total == Fen(350));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.key(Key::F(7));
    till.send(&Msg::Act(Intent::QrWallet { wallet }));
    let shown = till.wait_for("QR issued", SECS(10), |o| o.attempt == Some(AttemptState::UserPaying));
    shown.out_trade_no.expect("the QR's number")
}

#[test]
fn a_wechat_qr_paid_by_the_customer_completes_the_sale_charged_once() {
    let sim = SimConfig { qr_customer_pays_after_ms: Some(1_500), ..SimConfig::default() };
    let mut w = World::new(sim, |_| {});
    let mut till = w.start_till();
    let no = show_qr(&mut till, Platform::WeChat);
    assert_eq!(no.len(), 24);
    let order = w.sim.order(&no).expect("the platform has the QR order");
    assert_eq!((order.total_fee, order.charged), (350, false), "not charged before the customer pays");
    assert!(w.sim.code_url(&no).is_some_and(|u| u.starts_with("weixin://wxpay/bizpayurl?pr=")));
    let done = till.wait_for("paid", SECS(20), |o| matches!(o.screen, Screen::Done { .. }));
    assert_eq!(done.number.as_deref(), Some(no.as_str()));
    till.quit();
    assert_eq!(w.sim.charge_count(&no), 1);
    let stored = w.stored_orders().into_iter().find(|o| o.number.as_deref() == Some(no.as_str())).expect("stored");
    assert_eq!(stored.status, OrderStatus::Paid);
    assert!(matches!(stored.tender, Some(Tender::Code { platform: Platform::WeChat, .. })), "{:?}", stored.tender);
}

#[test]
fn an_alipay_qr_cancelled_before_the_scan_stays_payable_and_a_late_payment_is_recorded() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    let no = show_qr(&mut till, Platform::Alipay);
    // Esc: close_order finds no trade (never scanned), the till confirms by query and lets the sale go.
    till.key(Key::Esc);
    let freed = till.wait_for("cancelled, watched", SECS(20), |o| {
        o.attempt == Some(AttemptState::Cancelled) && o.sale_status == OrderStatus::Open
    });
    assert_eq!(freed.out_trade_no.as_deref(), Some(no.as_str()));
    assert_eq!(w.sim.order(&no).map(|o| o.state), Some(SimOrderState::UserPaying), "Alipay could not close it");
    // A second QR for the sale is refused while the first may still be paid.
    till.key(Key::Esc); // leave the QR screen
    till.key(Key::F(7));
    till.wait_for(
        "second QR refused",
        SECS(5),
        |o| matches!(&o.notice, Some(till::core::notice::Notice::QrStillPayable { number }) if *number == no),
    );
    // The customer scans and pays the QR after the close: the till records it, the sale is paid.
    assert!(w.sim.customer_pays_at(&no, (system_clock())()));
    let done = till.wait_for("late payment recorded", SECS(20), |o| matches!(o.screen, Screen::Done { .. }));
    assert_eq!(done.number.as_deref(), Some(no.as_str()));
    till.quit();
    assert_eq!(w.sim.charge_count(&no), 1);
    let stored = w.stored_orders().into_iter().find(|o| o.number.as_deref() == Some(no.as_str())).expect("stored");
    assert_eq!(stored.status, OrderStatus::Paid);
}

#[test]
fn a_wechat_qr_cancelled_is_closed_at_the_platform_and_cannot_be_paid_then_cash_is_taken() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    let no = show_qr(&mut till, Platform::WeChat);
    till.key(Key::Esc);
    till.wait_for("cancelled", SECS(20), |o| o.attempt == Some(AttemptState::Cancelled));
    assert_eq!(w.sim.order(&no).map(|o| o.state), Some(SimOrderState::Closed), "closed by close_order");
    assert!(w.sim.customer_pays_at(&no, (system_clock())()));
    till.key(Key::Esc);
    till.key(Key::Char('c'));
    till.typed("5");
    till.wait_for("cash paid", SECS(5), |o| o.screen == Screen::Done { change: Fen(150) });
    till.quit();
    assert_eq!(w.sim.charge_count(&no), 0, "a closed WeChat QR takes no money");
}

/// The client alone against the simulator: a paid QR order (`trade_type` 2) is found by a lookup that
/// does not know its kind, and refunded like any payment.
#[tokio::test(flavor = "multi_thread")]
async fn a_paid_qr_order_is_looked_up_and_refunded_like_any_payment() {
    use till::core::clock::Millis;
    use till::core::{LookupCall, LookupVerdict, PlatformOrderState, QrCall, QrVerdict, QueryAfter, QueryCall};
    use till::core::{RefundCall, RefundVerdict, Verdict};
    use till::payments::Gateway;
    use till::payments::cloudpay::{CloudPayClient, CloudPayConfig};
    use till::sim::cloudpay::CloudPaySim;

    let sim = CloudPaySim::start("127.0.0.1:0".parse().expect("addr"), SimConfig::default()).expect("simulator");
    let client = CloudPayClient::new(CloudPayConfig::demo(&sim.base_url())).expect("client");
    let now = (system_clock())();
    let no = "010000522512070100009901".to_string();
    let call = QrCall {
        order_id: 1,
        out_trade_no: no.clone(),
        platform: Platform::Alipay,
        amount: Fen(350),
        body: "幸福便利店".into(),
        expires_at: Millis(now + 120_000),
        staff_id: None,
    };
    let QrVerdict::Issued { code_url } = client.scan_code_pay(&call).await else { panic!("no QR") };
    assert_eq!(Some(code_url), sim.code_url(&no));
    let query = QueryCall {
        order_id: 1,
        out_trade_no: no.clone(),
        platform: Platform::Alipay,
        amount: Fen(350),
        after: QueryAfter::Qr,
        started_at: Millis(now),
    };
    assert_eq!(client.query(&query).await, Verdict::NotFound, "Alipay before the scan");
    assert!(sim.customer_pays_at(&no, now));
    let Verdict::Paid { transaction_id } = client.query(&query).await else { panic!("not paid") };
    let LookupVerdict::Found(order) =
        client.lookup(&LookupCall { out_trade_no: no.clone(), platform: None, transaction_id: None }).await
    else {
        panic!("lookup found nothing")
    };
    assert_eq!(
        (order.state, order.platform, order.refundable()),
        (PlatformOrderState::Paid, Platform::Alipay, Fen(350))
    );
    let refund = RefundCall {
        order_id: 1,
        out_trade_no: no.clone(),
        out_refund_no: "010000522512070100009902".into(),
        platform: Platform::Alipay,
        transaction_id,
        total: Fen(350),
        amount: Fen(100),
        refunded_before: Fen(0),
        staff_id: None,
    };
    let verdict = client.refund(&refund).await;
    assert!(matches!(verdict, RefundVerdict::Accepted { .. } | RefundVerdict::Refunded { .. }), "{verdict:?}");
    assert_eq!(sim.order(&no).map(|o| o.refunded_fee), Some(100));
}

#[test]
fn an_unanswered_qr_request_is_never_shown_and_its_order_is_closed() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.wait_for("one item", SECS(5), |o| o.total == Fen(350));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    // The platform makes the order, but its answer is lost on the way.
    w.sim.inject(till::sim::cloudpay::Fault::Reset);
    till.key(Key::F(7));
    till.send(&Msg::Act(Intent::QrWallet { wallet: Platform::WeChat }));
    let closed = till.wait_for("closed unseen", SECS(20), |o| o.attempt == Some(AttemptState::Cancelled));
    let no = closed.out_trade_no.expect("number");
    assert!(!till.seen.iter().any(|o| o.attempt == Some(AttemptState::UserPaying)), "never shown as waiting");
    assert_eq!(w.sim.order(&no).map(|o| o.state), Some(SimOrderState::Closed), "closed at the platform");
    till.quit();
    assert_eq!(w.sim.charge_count(&no), 0);
}
