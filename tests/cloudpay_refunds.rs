//! Reverse, refunds, lookups, domain failover and device set-up: the Cloud Pay client against the
//! simulator over real HTTP on loopback, with the simulator's clock moved by hand.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use till::core::Failure;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::{
    CancelCall, CancelVerdict, LookupCall, LookupVerdict, PayCall, PlatformOrderState, QueryAfter, QueryCall,
    RefundCall, RefundVerdict, Verdict,
};
use till::payments::Gateway;
use till::payments::cloudpay::{CloudPayClient, CloudPayConfig, lookup, sign};
use till::sim::cloudpay::{
    AUTO_CLOSE_MS, CloudPaySim, DETAIL_ANSWER_MIN_BYTES, Fault, ManualClock, REVERSE_MIN_AGE_MS, SimConfig, SimHandle,
    SimOrderState,
};

const CLIENT_TIMEOUT_MS: u64 = 300;

fn sim_with(clock: &ManualClock, edit: impl FnOnce(&mut SimConfig)) -> SimHandle {
    let mut cfg = SimConfig { slow_ms: 800, clock: clock.clock(), ..SimConfig::default() };
    edit(&mut cfg);
    CloudPaySim::start("127.0.0.1:0".parse().expect("addr"), cfg).expect("simulator starts")
}

fn client_for(base_urls: Vec<String>) -> CloudPayClient {
    let mut cfg = CloudPayConfig::demo("");
    cfg.base_urls = base_urls;
    cfg.timeout_ms = CLIENT_TIMEOUT_MS;
    cfg.connect_timeout_ms = CLIENT_TIMEOUT_MS;
    CloudPayClient::new(cfg).expect("client")
}

fn number() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("01000052250301120000{:05}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn pay(platform: Platform, last4: &str, fen: i64) -> PayCall {
    let code = match platform {
        Platform::WeChat => format!("13468042316308{last4}"),
        Platform::Alipay => format!("28212934041439{last4}"),
    };
    PayCall {
        order_id: 1,
        out_trade_no: number(),
        platform,
        code,
        amount: Fen(fen),
        body: "测试便利店-自助收银".into(),
        items: vec![],
        staff_id: None,
    }
}

fn query_of(call: &PayCall) -> QueryCall {
    QueryCall {
        order_id: 1,
        out_trade_no: call.out_trade_no.clone(),
        platform: call.platform,
        amount: call.amount,
        after: QueryAfter::Unknown,
        started_at: till::core::clock::Millis(0),
    }
}

fn cancel_of(call: &PayCall) -> CancelCall {
    CancelCall { order_id: 1, out_trade_no: call.out_trade_no.clone(), platform: call.platform, amount: call.amount }
}

fn lookup_of(call: &PayCall, known_platform: bool) -> LookupCall {
    LookupCall {
        out_trade_no: call.out_trade_no.clone(),
        platform: known_platform.then_some(call.platform),
        transaction_id: None,
    }
}

fn refund_of(call: &PayCall, out_refund_no: &str, fen: i64) -> RefundCall {
    RefundCall {
        order_id: 1,
        out_trade_no: call.out_trade_no.clone(),
        out_refund_no: out_refund_no.into(),
        platform: call.platform,
        transaction_id: String::new(),
        total: call.amount,
        amount: Fen(fen),
        refunded_before: Fen(0),
        staff_id: None,
    }
}

async fn paid(client: &CloudPayClient, call: &PayCall) -> String {
    let verdict = client.micro_pay(call).await;
    assert!(matches!(verdict, Verdict::Paid { .. }), "not paid: {verdict:?}");
    match verdict {
        Verdict::Paid { transaction_id } => transaction_id,
        _ => String::new(),
    }
}

async fn found(client: &CloudPayClient, call: &LookupCall) -> till::core::PlatformOrder {
    let verdict = client.lookup(call).await;
    assert!(matches!(verdict, LookupVerdict::Found(_)), "lookup: {verdict:?}");
    match verdict {
        LookupVerdict::Found(order) => order,
        _ => till::core::PlatformOrder {
            out_trade_no: String::new(),
            platform: Platform::WeChat,
            state: PlatformOrderState::NotPaid,
            transaction_id: String::new(),
            total: Fen(0),
            refunded: Fen(0),
        },
    }
}

#[tokio::test]
async fn wechat_reverse_is_refused_for_15_s_then_gives_the_money_back() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |_| {});
    let client = client_for(vec![sim.base_url()]);
    let call = pay(Platform::WeChat, "4321", 1250);
    paid(&client, &call).await;
    let early = client.cancel(&cancel_of(&call)).await;
    assert!(
        matches!(&early, CancelVerdict::Refused { reason: Failure::Declined(words) } if words.contains("15")),
        "{early:?}"
    );
    assert_eq!(sim.order(&call.out_trade_no).expect("order").kept_fee(), 1250, "still charged");
    clock.advance_ms(REVERSE_MIN_AGE_MS);
    assert_eq!(client.cancel(&cancel_of(&call)).await, CancelVerdict::Cancelled);
    let order = sim.order(&call.out_trade_no).expect("order");
    assert_eq!(
        (order.state, order.charged, order.reversed, order.kept_fee()),
        (SimOrderState::Reversed, true, true, 0)
    );
    assert!(matches!(client.query(&query_of(&call)).await, Verdict::Failed { .. }), "reversed = not paid");
    assert_eq!(client.cancel(&cancel_of(&call)).await, CancelVerdict::Cancelled, "reverse again: same answer");
    let lookup = found(&client, &lookup_of(&call, true)).await;
    assert_eq!((lookup.state, lookup.refundable()), (PlatformOrderState::NotPaid, Fen(0)));
}

#[tokio::test]
async fn alipay_cancel_of_a_paid_order_gives_the_money_back_at_once() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |_| {});
    let client = client_for(vec![sim.base_url()]);
    let call = pay(Platform::Alipay, "4321", 300);
    paid(&client, &call).await;
    assert_eq!(client.cancel(&cancel_of(&call)).await, CancelVerdict::Cancelled);
    assert_eq!(sim.order(&call.out_trade_no).expect("order").kept_fee(), 0);
    assert!(matches!(client.query(&query_of(&call)).await, Verdict::Failed { .. }));
    // An order the platform never saw cannot be reversed.
    let ghost = pay(Platform::Alipay, "4321", 300);
    assert!(matches!(client.cancel(&cancel_of(&ghost)).await, CancelVerdict::Refused { .. }));
}

#[tokio::test]
async fn wechat_closes_an_unpaid_password_wait_after_45_s() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |c| c.user_paying_polls = 100);
    let client = client_for(vec![sim.base_url()]);
    let call = pay(Platform::WeChat, "0001", 1250);
    assert_eq!(client.micro_pay(&call).await, Verdict::UserPaying);
    clock.advance_ms(AUTO_CLOSE_MS - 1);
    assert_eq!(client.query(&query_of(&call)).await, Verdict::UserPaying);
    clock.advance_ms(1);
    assert!(matches!(client.query(&query_of(&call)).await, Verdict::Failed { .. }));
    let order = sim.order(&call.out_trade_no).expect("order");
    assert_eq!((order.state, order.charged), (SimOrderState::Closed, false));
    // A user-paying wait may be reversed (after 15 s): it can then never be charged.
    let waiting = pay(Platform::WeChat, "0001", 1250);
    assert_eq!(client.micro_pay(&waiting).await, Verdict::UserPaying);
    clock.advance_ms(REVERSE_MIN_AGE_MS);
    assert_eq!(client.cancel(&cancel_of(&waiting)).await, CancelVerdict::Cancelled);
    assert_eq!(sim.charge_count(&waiting.out_trade_no), 0);
}

/// The acceptance script (reference §6.1) at the gateway: pay 0.02, refund 0.01 twice.
#[tokio::test]
async fn the_acceptance_refund_sequence_for_both_wallets() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |_| {});
    let client = client_for(vec![sim.base_url()]);
    for platform in [Platform::WeChat, Platform::Alipay] {
        let call = pay(platform, "4321", 2);
        let transaction_id = paid(&client, &call).await;
        let order = found(&client, &lookup_of(&call, true)).await;
        assert_eq!((order.state, order.total, order.refunded), (PlatformOrderState::Paid, Fen(2), Fen(0)));
        assert_eq!((order.refundable(), order.transaction_id.as_str()), (Fen(2), transaction_id.as_str()));

        let first = refund_of(&call, &number(), 1);
        assert!(matches!(client.refund(&first).await, RefundVerdict::Accepted { .. }), "{platform:?}");
        assert!(matches!(client.query_refund(&first).await, RefundVerdict::Refunded { .. }), "{platform:?}");
        let order = found(&client, &lookup_of(&call, true)).await;
        assert_eq!((order.state, order.refunded, order.refundable()), (PlatformOrderState::Paid, Fen(1), Fen(1)));

        let second = refund_of(&call, &number(), 1);
        assert!(matches!(client.refund(&second).await, RefundVerdict::Accepted { .. }));
        assert!(matches!(client.query_refund(&second).await, RefundVerdict::Refunded { .. }));
        // Alipay now says 5 (closed): only client_order_detail tells "fully refunded" from "closed".
        let order = found(&client, &lookup_of(&call, false)).await;
        assert_eq!((order.platform, order.state), (platform, PlatformOrderState::Paid), "found without the wallet");
        assert_eq!((order.refunded, order.refundable()), (Fen(2), Fen(0)));

        let third = refund_of(&call, &number(), 1);
        let over = client.refund(&third).await;
        assert!(
            matches!(&over, RefundVerdict::Failed { reason: Failure::Declined(words) } if words.contains("insufficient")),
            "{over:?}"
        );
        assert_eq!(client.query_refund(&third).await, RefundVerdict::NotFound);
        assert_eq!(sim.order(&call.out_trade_no).expect("order").kept_fee(), 0);
    }
}

#[tokio::test]
async fn a_refund_number_refunds_once_whatever_is_re_sent() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |c| c.refund_processing_polls = 2);
    let client = client_for(vec![sim.base_url()]);
    let call = pay(Platform::WeChat, "4321", 500);
    paid(&client, &call).await;
    let refund = refund_of(&call, &number(), 200);
    let RefundVerdict::Accepted { refund_id } = client.refund(&refund).await else { panic!("accepted") };
    // The answer is lost: the till sends the same number again and gets the same refund.
    sim.inject(Fault::Reset);
    assert!(matches!(client.refund(&refund).await, RefundVerdict::Unknown { .. }));
    assert_eq!(client.refund(&refund).await, RefundVerdict::Accepted { refund_id: refund_id.clone() });
    assert_eq!(client.query_refund(&refund).await, RefundVerdict::Accepted { refund_id: refund_id.clone() });
    assert_eq!(client.query_refund(&refund).await, RefundVerdict::Refunded { refund_id: refund_id.clone() });
    // Same number, another amount: refused, nothing more refunded.
    assert!(matches!(client.refund(&refund_of(&call, &refund.out_refund_no, 300)).await, RefundVerdict::Failed { .. }));
    let order = sim.order(&call.out_trade_no).expect("order");
    assert_eq!((order.refunds.len(), order.refunded_fee, order.kept_fee()), (1, 200, 300));
    // Refunds of an order that was never paid are refused.
    let declined = pay(Platform::WeChat, "0002", 500);
    assert!(matches!(client.micro_pay(&declined).await, Verdict::Failed { .. }));
    assert!(matches!(client.refund(&refund_of(&declined, &number(), 1)).await, RefundVerdict::Failed { .. }));
}

#[tokio::test]
async fn client_order_detail_answers_are_big_and_parsed() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |_| {});
    let client = client_for(vec![sim.base_url()]);
    let call = pay(Platform::Alipay, "4321", 2);
    paid(&client, &call).await;
    assert!(matches!(client.refund(&refund_of(&call, &number(), 1)).await, RefundVerdict::Accepted { .. }));

    let cfg = CloudPayConfig::demo("");
    let content = lookup::order_detail_content(&cfg, Platform::Alipay, clock.now_ms() / 1000, 1, "00");
    let body = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http")
        .post(format!("{}/cpay/client_order_detail", sim.base_url()))
        .body(sign::seal_request(&cfg.authen_key, &content))
        .send()
        .await
        .expect("answer")
        .bytes()
        .await
        .expect("body");
    assert!(body.len() >= 25 * 1024 && DETAIL_ANSWER_MIN_BYTES >= 25 * 1024, "{} bytes", body.len());
    let detail = lookup::read_detail(&cfg.authen_key, &call.out_trade_no, 1, &body).verdict;
    assert_eq!(detail, lookup::DetailFound::Refunded { refunded: Fen(1), total: Fen(2) });
    // Query_order still says 2 (paid, no refund visible); the lookup knows better.
    let order = found(&client, &lookup_of(&call, true)).await;
    assert_eq!((order.refunded, order.refundable()), (Fen(1), Fen(1)));
    assert_eq!(client.lookup(&lookup_of(&pay(Platform::Alipay, "4321", 2), false)).await, LookupVerdict::NotFound);
}

fn multi(clock: &ManualClock, n: usize) -> SimHandle {
    let cfg = SimConfig { slow_ms: 800, clock: clock.clock(), ..SimConfig::default() };
    CloudPaySim::start_domains(n, cfg).expect("simulator starts")
}

fn host(base_url: &str) -> String {
    base_url.trim_start_matches("http://").to_string()
}

#[tokio::test]
async fn the_probe_picks_the_first_domain_that_answers() {
    let clock = ManualClock::new();
    let sim = multi(&clock, 4);
    let urls = sim.base_urls();
    sim.set_down_domain(0, true).await;
    sim.set_down_domain(1, true).await;
    let client = client_for(urls.clone());
    assert_eq!(client.probe().await, Some(2));
    assert_eq!(client.describe(), format!("Cloud Pay {}", host(&urls[2])));
    assert!(matches!(client.micro_pay(&pay(Platform::WeChat, "4321", 100)).await, Verdict::Paid { .. }));
    for i in 0..4 {
        sim.set_down_domain(i, true).await;
    }
    assert_eq!(client.probe().await, None);
    assert_eq!(client.active_base_url(), urls[2], "no domain answers: stay");
}

#[tokio::test]
async fn a_domain_lost_during_a_payment_is_left_and_the_query_resolves_it_on_the_next() {
    let clock = ManualClock::new();
    let sim = multi(&clock, 4);
    let urls = sim.base_urls();
    let client = client_for(urls.clone());
    assert_eq!(client.probe().await, Some(0));
    assert_eq!(client.describe(), format!("Cloud Pay {}", host(&urls[0])));
    // The platform charges, then domain 0 dies before answering.
    let call = pay(Platform::WeChat, "4321", 1250);
    sim.inject(Fault::NoAnswer);
    let (verdict, ()) = tokio::join!(client.micro_pay(&call), async {
        let deadline = Instant::now() + Duration::from_secs(2);
        while sim.charge_count(&call.out_trade_no) == 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        sim.set_down_domain(0, true).await;
    });
    assert!(matches!(verdict, Verdict::Unknown { .. }), "{verdict:?}");
    assert_eq!(client.describe(), format!("Cloud Pay {}", host(&urls[1])));
    assert_eq!(sim.order(&call.out_trade_no).expect("order").micro_pay_calls, 1, "a payment is never re-sent");
    assert!(matches!(client.query(&query_of(&call)).await, Verdict::Paid { .. }));
    assert_eq!(sim.charge_count(&call.out_trade_no), 1);

    // A refund whose domain is down is sent again on the next one, under the same number.
    sim.set_down_domain(0, false).await;
    assert!(client.set_active(0));
    sim.set_down_domain(0, true).await;
    let refund = refund_of(&call, &number(), 100);
    assert!(matches!(client.refund(&refund).await, RefundVerdict::Accepted { .. }));
    assert_eq!(client.active_base_url(), urls[1]);
    // A query that meets a dead domain is retried once on the next one.
    sim.set_down_domain(1, true).await;
    assert!(matches!(client.query_refund(&refund).await, RefundVerdict::Refunded { .. }));
    assert_eq!(client.active_base_url(), urls[2]);
    assert_eq!(sim.order(&call.out_trade_no).expect("order").refunds.len(), 1);
}

#[tokio::test]
async fn random_faults_never_charge_twice() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |c| {
        c.slow_ms = 400;
        c.random_faults = Some(till::sim::cloudpay::RandomFaults { seed: 42, per_mille: 300 });
    });
    let client = client_for(vec![sim.base_url()]);
    let mut unknown_first = 0;
    for _ in 0..12 {
        let call = pay(Platform::WeChat, "4321", 100);
        let mut verdict = client.micro_pay(&call).await;
        unknown_first += u32::from(matches!(verdict, Verdict::Unknown { .. }));
        for _ in 0..10 {
            if !matches!(verdict, Verdict::Unknown { .. }) {
                break;
            }
            verdict = client.query(&query_of(&call)).await;
        }
        let charged = sim.charge_count(&call.out_trade_no);
        assert!(charged <= 1);
        match verdict {
            Verdict::Paid { .. } => assert_eq!(charged, 1),
            Verdict::NotFound | Verdict::Failed { .. } => assert_eq!(charged, 0),
            other => panic!("unresolved after 10 queries: {other:?}"),
        }
    }
    assert!(unknown_first > 0, "the seed injected no fault on a payment");
}

/// Issue 16, defect 1: a number issued twice (a damaged store moved aside, an older export
/// restored). The platform answers the second sale "duplicate" and its query finds the first
/// sale's order, paid with the same amount: that is not this customer's payment.
#[tokio::test]
async fn a_number_issued_twice_finds_the_earlier_sales_payment_which_is_not_this_customers() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |_| {});
    let client = client_for(vec![sim.base_url()]);
    let first = pay(Platform::WeChat, "4321", 1250);
    paid(&client, &first).await;
    // An hour later, the same number for another customer (another code, the same amount).
    clock.advance_ms(3_600_000);
    let second = PayCall { code: "134680423163085678".into(), ..first.clone() };
    let answer = client.micro_pay(&second).await;
    assert!(matches!(answer, Verdict::Unknown { .. }), "duplicate: never paid, never failed: {answer:?}");
    let query = QueryCall { started_at: till::core::clock::Millis(clock.now_ms()), ..query_of(&second) };
    let verdict = client.query(&query).await;
    assert!(
        matches!(verdict, Verdict::Failed { .. }),
        "the earlier sale's payment was taken as this one's: {verdict:?}"
    );
    assert_eq!(sim.order(&first.out_trade_no).expect("order").kept_fee(), 1250, "one charge, the first customer's");
    // The customer of the first sale, asked about by its own attempt (begun before), is paid.
    let own = QueryCall { started_at: till::core::clock::Millis(clock.now_ms() - 3_600_000), ..query_of(&first) };
    assert!(matches!(client.query(&own).await, Verdict::Paid { .. }));
}

/// The creation-time check is for numbers answered "duplicate" only: a till whose clock runs an hour
/// ahead of the platform's still takes its customer's password payment as paid.
#[tokio::test]
async fn a_till_clock_ahead_of_the_platforms_does_not_turn_a_real_payment_into_not_charged() {
    let clock = ManualClock::new();
    let sim = sim_with(&clock, |c| c.user_paying_polls = 0);
    let client = client_for(vec![sim.base_url()]);
    let call = pay(Platform::WeChat, "0001", 1250); // the customer types a password
    assert_eq!(client.micro_pay(&call).await, Verdict::UserPaying);
    let ahead = QueryCall { started_at: till::core::clock::Millis(clock.now_ms() + 3_600_000), ..query_of(&call) };
    let verdict = client.query(&ahead).await;
    assert!(matches!(verdict, Verdict::Paid { .. }), "{verdict:?}");
}
