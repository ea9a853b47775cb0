//! The Cloud Pay client against the simulator over real HTTP on loopback: every scenario, every
//! injected fault, and the ledger's promise that nobody is charged twice.

use std::sync::atomic::{AtomicU32, Ordering};
use till::core::Failure;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::{PayCall, QueryAfter, QueryCall, Verdict};
use till::payments::Gateway;
use till::payments::cloudpay::{CloudPayClient, CloudPayConfig};
use till::sim::cloudpay::{CloudPaySim, Fault, SimConfig, SimHandle, SimOrderState};

/// The client gives up after 300 ms; the simulator's "too slow" scenarios answer after 800 ms.
const CLIENT_TIMEOUT_MS: u64 = 300;
const SLOW_MS: u64 = 800;

fn start(cfg: SimConfig) -> SimHandle {
    CloudPaySim::start("127.0.0.1:0".parse().expect("addr"), cfg).expect("simulator starts")
}

fn sim() -> SimHandle {
    start(SimConfig { slow_ms: SLOW_MS, ..SimConfig::default() })
}

fn client_with(sim: &SimHandle, edit: impl FnOnce(&mut CloudPayConfig)) -> CloudPayClient {
    let mut cfg = CloudPayConfig::demo(&sim.base_url());
    cfg.timeout_ms = CLIENT_TIMEOUT_MS;
    cfg.connect_timeout_ms = CLIENT_TIMEOUT_MS;
    edit(&mut cfg);
    CloudPayClient::new(cfg).expect("client")
}

fn client(sim: &SimHandle) -> CloudPayClient {
    client_with(sim, |_| {})
}

/// An 18-digit WeChat Pay code or an 18-digit Alipay code ending in the scenario's four digits.
fn code(platform: Platform, last4: &str) -> String {
    match platform {
        Platform::WeChat => format!("13468042316308{last4}"),
        Platform::Alipay => format!("28212934041439{last4}"),
    }
}

fn order_no() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("01000052250301103015{:05}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn pay(platform: Platform, last4: &str) -> PayCall {
    PayCall {
        order_id: 1,
        out_trade_no: order_no(),
        platform,
        code: code(platform, last4),
        amount: Fen(1250),
        body: "测试便利店-自助收银".into(),
        items: vec![],
        staff_id: None,
    }
}

fn query_of(call: &PayCall) -> QueryCall {
    QueryCall {
        order_id: call.order_id,
        out_trade_no: call.out_trade_no.clone(),
        platform: call.platform,
        amount: call.amount,
        after: QueryAfter::Unknown,
        started_at: till::core::clock::Millis(0),
    }
}

fn is_unknown(v: &Verdict) -> bool {
    matches!(v, Verdict::Unknown { .. })
}

fn is_paid(v: &Verdict) -> bool {
    matches!(v, Verdict::Paid { transaction_id } if !transaction_id.is_empty())
}

const BOTH: [Platform; 2] = [Platform::WeChat, Platform::Alipay];

#[tokio::test]
async fn an_ordinary_code_is_paid_at_once_and_queries_agree() {
    let sim = sim();
    let client = client(&sim);
    for platform in BOTH {
        let call = pay(platform, "4321");
        let first = client.micro_pay(&call).await;
        assert!(is_paid(&first), "{platform:?}: {first:?}");
        assert_eq!(client.query(&query_of(&call)).await, first, "the same transaction id");
        assert_eq!(sim.charge_count(&call.out_trade_no), 1);
    }
}

#[tokio::test]
async fn a_password_code_is_user_paying_for_n_polls_then_paid() {
    let sim = sim();
    let client = client(&sim);
    for platform in BOTH {
        let call = pay(platform, "0001");
        assert_eq!(client.micro_pay(&call).await, Verdict::UserPaying);
        assert_eq!(sim.charge_count(&call.out_trade_no), 0, "not charged before the password");
        for poll in 0..SimConfig::default().user_paying_polls {
            assert_eq!(client.query(&query_of(&call)).await, Verdict::UserPaying, "poll {poll}");
        }
        assert!(is_paid(&client.query(&query_of(&call)).await));
        assert!(is_paid(&client.query(&query_of(&call)).await), "a paid order stays paid");
        assert_eq!(sim.charge_count(&call.out_trade_no), 1);
    }
}

#[tokio::test]
async fn a_declined_code_fails_with_the_reason() {
    let sim = sim();
    let client = client(&sim);
    for platform in BOTH {
        let call = pay(platform, "0002");
        let verdict = client.micro_pay(&call).await;
        assert!(
            matches!(&verdict, Verdict::Failed { reason: Failure::Declined(words) } if words.contains("余额不足")),
            "{platform:?}: {verdict:?}"
        );
        assert!(matches!(client.query(&query_of(&call)).await, Verdict::Failed { .. }));
        assert_eq!(sim.charge_count(&call.out_trade_no), 0);
    }
}

/// The scenarios whose first answer is lost or untrustworthy: (last four digits, charged?).
const IN_DOUBT: [(&str, bool); 5] = [("0003", true), ("0004", false), ("0005", true), ("0006", false), ("0007", true)];

#[tokio::test]
async fn in_doubt_scenarios_are_unknown_then_resolved_by_a_query() {
    let sim = sim();
    let client = client(&sim);
    for (last4, charged) in IN_DOUBT {
        let call = pay(Platform::WeChat, last4);
        let first = client.micro_pay(&call).await;
        assert!(is_unknown(&first), "{last4}: {first:?}");
        let later = client.query(&query_of(&call)).await;
        if charged {
            assert!(is_paid(&later), "{last4}: {later:?}");
        } else {
            assert_eq!(later, Verdict::NotFound, "{last4}");
        }
        assert_eq!(sim.charge_count(&call.out_trade_no), u32::from(charged), "{last4}");
    }
    assert!(sim.orders().iter().all(|o| !o.author_code.ends_with("0004") && !o.author_code.ends_with("0006")));
}

#[tokio::test]
async fn a_patient_client_gets_the_slow_answer() {
    let sim = start(SimConfig { slow_ms: 200, ..SimConfig::default() });
    let client = client_with(&sim, |c| c.timeout_ms = 2_000);
    let call = pay(Platform::Alipay, "0003");
    assert!(is_paid(&client.micro_pay(&call).await));
    assert!(is_unknown(&client.micro_pay(&pay(Platform::Alipay, "0004")).await), "status 3 is unknown");
}

/// Faults the platform never saw (a proxy answered instead) and faults that only spoil the answer.
const FAULTS: [(Fault, bool); 9] = [
    (Fault::Delay(SLOW_MS), true),
    (Fault::NoAnswer, true),
    (Fault::Reset, true),
    (Fault::Http5xx, false),
    (Fault::HtmlPage, false),
    (Fault::Truncated, true),
    (Fault::BadSignature, true),
    (Fault::Oversized(300 * 1024), true),
    (Fault::Garbage, true),
];

#[tokio::test]
async fn every_fault_is_unknown_and_nobody_is_charged_twice() {
    let sim = sim();
    let client = client(&sim);
    for (fault, reached_platform) in FAULTS {
        let call = pay(Platform::WeChat, "8888");
        sim.inject(fault.clone());
        let first = client.micro_pay(&call).await;
        assert!(is_unknown(&first), "{fault:?}: {first:?}");
        let later = client.query(&query_of(&call)).await;
        if reached_platform {
            assert!(is_paid(&later), "{fault:?}: {later:?}");
        } else {
            assert_eq!(later, Verdict::NotFound, "{fault:?}");
        }
        // The till may send the very same request again: it must not charge again.
        assert!(is_paid(&client.micro_pay(&call).await), "{fault:?}");
        assert_eq!(sim.charge_count(&call.out_trade_no), 1, "{fault:?}");
    }
}

#[tokio::test]
async fn every_fault_on_a_query_is_unknown() {
    let sim = sim();
    let client = client(&sim);
    let call = pay(Platform::Alipay, "8888");
    assert!(is_paid(&client.micro_pay(&call).await));
    for (fault, _) in FAULTS {
        sim.inject(fault.clone());
        let verdict = client.query(&query_of(&call)).await;
        assert!(is_unknown(&verdict), "{fault:?}: {verdict:?}");
    }
    assert!(is_paid(&client.query(&query_of(&call)).await));
    assert_eq!(sim.charge_count(&call.out_trade_no), 1);
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_101_and_nothing_is_charged() {
    let sim = sim();
    let client = client_with(&sim, |c| c.authen_key = "WrongKey0123456789abcdefABCDEFGH".into());
    let call = pay(Platform::WeChat, "4321");
    let verdict = client.micro_pay(&call).await;
    assert!(
        matches!(&verdict, Verdict::Failed { reason: Failure::Declined(words) } if words.contains("101")),
        "{verdict:?}"
    );
    assert!(sim.orders().is_empty());

    // On the wire: status 101 and no authen_info, as in reference §7.3.
    let body = till::payments::cloudpay::sign::seal_request("WrongKey0123456789abcdefABCDEFGH", "{}");
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http")
        .post(format!("{}/cpay/micro_pay", sim.base_url()))
        .body(body)
        .send()
        .await
        .expect("answer")
        .text()
        .await
        .expect("body");
    assert!(answer.contains(r#"\"status\":101"#), "{answer}");
    assert!(!answer.contains("authen_info"), "{answer}");
}

#[tokio::test]
async fn the_same_order_number_never_charges_twice() {
    let sim = sim();
    let client = client(&sim);
    let call = pay(Platform::WeChat, "4321");
    let first = client.micro_pay(&call).await;
    assert!(is_paid(&first));
    assert_eq!(client.micro_pay(&call).await, first, "re-sent: same answer");
    // Same number, another amount: the platform's anti-re-entry (407), never a failure.
    let other_amount = PayCall { amount: Fen(999), ..call.clone() };
    assert!(is_unknown(&client.micro_pay(&other_amount).await));
    assert_eq!(sim.charge_count(&call.out_trade_no), 1);
    let orders = sim.orders();
    let order = orders.iter().find(|o| o.out_trade_no == call.out_trade_no).expect("order");
    assert_eq!((order.total_fee, order.state, order.charged), (1250, SimOrderState::Paid, true));
    assert_eq!(order.micro_pay_calls, 3);
}

#[tokio::test]
async fn ping_follows_the_domain_up_and_down() {
    let sim = sim();
    let client = client(&sim);
    assert!(client.ping(&sim.base_url()).await);
    sim.set_down(true).await;
    assert!(!client.ping(&sim.base_url()).await);
    // Refused connection: nothing left the box, so definitely not charged (no 30 s wait for the cashier).
    let refused = client.micro_pay(&pay(Platform::WeChat, "4321")).await;
    assert!(matches!(&refused, Verdict::Failed { reason: Failure::NotSent }), "{refused:?}");
    sim.set_down(false).await;
    assert!(client.ping(&sim.base_url()).await);
    assert!(is_paid(&client.micro_pay(&pay(Platform::WeChat, "4321")).await));

    let born_down = start(SimConfig { always_down: true, ..SimConfig::default() });
    assert!(!client.ping(&born_down.base_url()).await);
}
