//! A Tencent Cloud Pay simulator over real HTTP/1.1, for tests and the demo (`till sim`).
//!
//! It checks request authen codes (status 101 without authen_info when wrong), keeps a ledger with the
//! platform's rules (a paid order stays paid; the same out_trade_no re-sent never charges twice; the
//! same number with another amount or code gets status 102 / internal_status 407) and signs every
//! answer. `/cpay/ping` answers `{"status":0}`.
//!
//! # Scenarios: the LAST FOUR DIGITS of the payment code
//!
//! | code ends | what happens | the till's first verdict | later query_order |
//! |---|---|---|---|
//! | `0001` | customer must enter a password | user paying | user paying for `user_paying_polls` queries, then paid |
//! | `0002` | declined: 余额不足 / insufficient balance (WeChat state 10, Alipay 5) | failed | failed |
//! | `0003` | platform slow: charged, answer after `slow_ms` | unknown (client timeout) | paid |
//! | `0004` | platform slow and NOT charged: after `slow_ms`, status 3 | unknown | order does not exist |
//! | `0005` | charged, answer with a wrong signature | unknown | paid |
//! | `0006` | HTTP 502 with an HTML page; no order created | unknown | order does not exist |
//! | `0007` | charged, status 103 "系统繁忙" | unknown | paid |
//! | anything else | paid at once | paid | paid |
//!
//! WeChat Pay codes are 18 digits starting 10–15 (e.g. `134680423163080001`), Alipay codes 16–24 digits
//! starting 25–30 (e.g. `282129340414390002`).
//!
//! On top of the scenarios, [`SimHandle::inject`] queues [`Fault`]s, each consumed by the next request;
//! `SimConfig::random_faults` draws them at random for chaos tests.
//!
//! The customer scanning the till's QR: `scan_code_pay` and `close_order` with the wallets' states
//! and rules (table in `ledger/qr.rs`), the customer driven by [`SimHandle::customer_pays_at`].
//!
//! Also served: `reverse` (WeChat: 15 s after the payment at the earliest; a paid order's money goes
//! back), `refund` (idempotent per out_refund_no, never above the total), `query_refund_order`
//! (processing for `refund_processing_polls` queries), `client_order_detail` (≥ 25 KB answers with
//! `refunded_fee`), `GET use_device_setting` (codes from [`SimHandle::issue_setup_qr`]). WeChat
//! closes an unpaid password wait after 45 s. All times come from `SimConfig::clock`. Several
//! domains ([`CloudPaySim::start_domains`]) serve one ledger and go down one by one.

mod ledger;

pub use ledger::detail::DETAIL_ANSWER_MIN_BYTES;
pub use ledger::qr::{QR_DEFAULT_LIFE_MS, WECHAT_MIN_EXPIRE_MS};
pub use ledger::setup::SETUP_CODE_VALID_MS;
pub use ledger::{AUTO_CLOSE_MS, REVERSE_MIN_AGE_MS, SimOrder, SimOrderState, SimRefund, SimRefundState};

use super::http;
use super::server::{Serve, accept_loop, listen};
use crate::payments::cloudpay::sign;
use ledger::{Ledger, Plan, Reply};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;

/// The simulator's clock: unix milliseconds.
pub type SimClock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock, the default.
pub fn system_clock() -> SimClock {
    Arc::new(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64))
}

/// A clock tests move by hand: starts at the system time; `advance` jumps forward.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<std::sync::atomic::AtomicI64>);

impl ManualClock {
    pub fn new() -> ManualClock {
        ManualClock(Arc::new(std::sync::atomic::AtomicI64::new((system_clock())())))
    }
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
    pub fn now_ms(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
    pub fn clock(&self) -> SimClock {
        let inner = self.0.clone();
        Arc::new(move || inner.load(std::sync::atomic::Ordering::SeqCst))
    }
}

impl Default for ManualClock {
    fn default() -> ManualClock {
        ManualClock::new()
    }
}

/// Faults drawn at random: each request gets one with probability `per_mille`/1000, from a seeded
/// xorshift generator (the same seed, the same sequence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomFaults {
    pub seed: u64,
    pub per_mille: u32,
}

/// What the simulated platform knows about its one merchant, and its timing.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    pub authen_key: String,
    pub out_mch_id: String,
    pub out_sub_mch_id: String,
    pub out_shop_id: String,
    /// Every out_trade_no must start with it (cloud_cashier_id); empty accepts any number.
    pub order_prefix: String,
    /// Queries answered "user paying" before a `…0001` order becomes paid.
    pub user_paying_polls: u32,
    /// How long the "too slow" scenarios take; above the client's 10 s timeout by default.
    pub slow_ms: u64,
    /// Start refusing connections (domain down); see [`SimHandle::set_down`].
    pub always_down: bool,
    /// query_refund_order calls answered "processing" before a refund succeeds (0: at once).
    pub refund_processing_polls: u32,
    /// Alipay `current_trade_state` of a fully refunded order: 5 TRADE_CLOSED as the enum says, or
    /// 4 as the acceptance guide says (open question 1).
    pub alipay_refunded_state: u32,
    pub random_faults: Option<RandomFaults>,
    /// The customer scans and pays every QR this long after it was issued (none: only when a test
    /// says so, [`SimHandle::customer_pays_at`]).
    pub qr_customer_pays_after_ms: Option<u64>,
    /// Unix milliseconds; the 15 s / 45 s / 5 min rules follow it.
    #[serde(skip)]
    pub clock: SimClock,
}

impl Default for SimConfig {
    /// The reference's fictional merchant and key (reference §7), as in `CloudPayConfig::demo`.
    fn default() -> SimConfig {
        let device = crate::payments::cloudpay::CloudPayConfig::demo("");
        SimConfig {
            authen_key: device.authen_key,
            out_mch_id: device.out_mch_id,
            out_sub_mch_id: device.out_sub_mch_id,
            out_shop_id: device.out_shop_id,
            order_prefix: device.cloud_cashier_id,
            user_paying_polls: 2,
            slow_ms: 12_000,
            always_down: false,
            refund_processing_polls: 1,
            alipay_refunded_state: 5,
            random_faults: None,
            qr_customer_pays_after_ms: None,
            clock: system_clock(),
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("authen_key", &"***")
            .field("out_mch_id", &self.out_mch_id)
            .field("out_sub_mch_id", &self.out_sub_mch_id)
            .field("out_shop_id", &self.out_shop_id)
            .field("order_prefix", &self.order_prefix)
            .field("user_paying_polls", &self.user_paying_polls)
            .field("slow_ms", &self.slow_ms)
            .field("always_down", &self.always_down)
            .field("refund_processing_polls", &self.refund_processing_polls)
            .field("alipay_refunded_state", &self.alipay_refunded_state)
            .field("random_faults", &self.random_faults)
            .field("qr_customer_pays_after_ms", &self.qr_customer_pays_after_ms)
            .finish_non_exhaustive()
    }
}

/// The behaviour a payment code selects by its last four digits (table in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    PasswordNeeded,
    Declined,
    SlowCharged,
    SlowNotCharged,
    BadSignature,
    BadGateway,
    Busy,
    PaidAtOnce,
}

impl Scenario {
    pub fn of(author_code: &str) -> Scenario {
        match author_code.get(author_code.len().saturating_sub(4)..).unwrap_or_default() {
            "0001" => Scenario::PasswordNeeded,
            "0002" => Scenario::Declined,
            "0003" => Scenario::SlowCharged,
            "0004" => Scenario::SlowNotCharged,
            "0005" => Scenario::BadSignature,
            "0006" => Scenario::BadGateway,
            "0007" => Scenario::Busy,
            _ => Scenario::PaidAtOnce,
        }
    }
}

/// A transport fault for the next request, whatever its scenario. Unless noted, the platform first
/// processes the request normally (a charge happens) and only the answer is lost or spoiled: the case
/// the till must survive without charging twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally, `ms` later.
    Delay(u64),
    /// Read the request, never answer; the socket stays open until shutdown.
    NoAnswer,
    /// Close the connection (RST) without answering.
    Reset,
    /// HTTP 503 from a proxy in front of the platform; the request never reaches it (no charge).
    Http5xx,
    /// HTTP 200 with an HTML page (a captive portal); the request never reaches the platform (no charge).
    HtmlPage,
    /// `Content-Length` promises more than is sent, then the connection closes.
    Truncated,
    /// The answer carries an authen_code made with another key.
    BadSignature,
    /// HTTP 200 with a body of this many bytes.
    Oversized(usize),
    /// Bytes that are not HTTP at all.
    Garbage,
}

struct Shared {
    authen_key: String,
    slow_ms: u64,
    ledger: Mutex<Ledger>,
    faults: Mutex<VecDeque<Fault>>,
    random: Option<(u32, Mutex<u64>)>,
    /// Faults applied so far, queued or random.
    injected: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn next_fault(&self) -> Option<Fault> {
        let fault = self.draw_fault();
        if fault.is_some() {
            self.injected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        fault
    }

    /// The next queued fault, else maybe a random one. Never [`Fault::NoAnswer`]: a chaos test must
    /// not hold sockets until shutdown.
    fn draw_fault(&self) -> Option<Fault> {
        if let Some(f) = lock(&self.faults).pop_front() {
            return Some(f);
        }
        let (per_mille, state) = self.random.as_ref()?;
        let mut x = lock(state);
        let mut draw = || {
            // xorshift64
            *x ^= *x << 13;
            *x ^= *x >> 7;
            *x ^= *x << 17;
            *x
        };
        if draw() % 1000 >= u64::from(*per_mille) {
            return None;
        }
        let faults = [
            Fault::Delay(self.slow_ms),
            Fault::Reset,
            Fault::Http5xx,
            Fault::HtmlPage,
            Fault::Truncated,
            Fault::BadSignature,
            Fault::Oversized(300 * 1024),
            Fault::Garbage,
        ];
        faults.get((draw() % faults.len() as u64) as usize).cloned()
    }
}

/// A mutex holder panicking cannot leave the ledger half-written in a way tests would miss, so a
/// poisoned lock is simply taken over.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One address of the platform (reference §1: four domains).
struct Domain {
    addr: SocketAddr,
    down: watch::Sender<bool>,
    /// Whether the port is open right now, as reported by the accept loop.
    listening: watch::Receiver<bool>,
}

/// The running simulator. Dropping it shuts it down.
pub struct SimHandle {
    domains: Vec<Domain>,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

impl SimHandle {
    /// The first domain's address.
    pub fn addr(&self) -> SocketAddr {
        self.domains[0].addr
    }

    /// `http://127.0.0.1:PORT` of the first domain, to put into the client's `base_urls`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// Every domain's base URL, in order.
    pub fn base_urls(&self) -> Vec<String> {
        self.domains.iter().map(|d| format!("http://{}", d.addr)).collect()
    }

    /// A snapshot of the ledger, in order of creation.
    pub fn orders(&self) -> Vec<SimOrder> {
        lock(&self.shared.ledger).orders()
    }

    /// One order of the ledger.
    pub fn order(&self, out_trade_no: &str) -> Option<SimOrder> {
        self.orders().into_iter().find(|o| o.out_trade_no == out_trade_no)
    }

    /// How many times the customer of `out_trade_no` was charged (0 if no such order). Never above 1.
    pub fn charge_count(&self, out_trade_no: &str) -> u32 {
        lock(&self.shared.ledger).charge_count(out_trade_no)
    }

    /// The customer of QR order `out_trade_no` scans and pays at `at_ms` (the simulator's clock):
    /// charged then if the QR is still payable (not closed, not expired). `false`: no such QR order.
    pub fn customer_pays_at(&self, out_trade_no: &str, at_ms: i64) -> bool {
        lock(&self.shared.ledger).customer_pays_at(out_trade_no, at_ms)
    }

    /// The customer scans QR order `out_trade_no` at `at_ms` without paying: Alipay's trade exists then.
    pub fn customer_scans_at(&self, out_trade_no: &str, at_ms: i64) -> bool {
        lock(&self.shared.ledger).customer_scans_at(out_trade_no, at_ms)
    }

    /// The `code_url` the platform gave for QR order `out_trade_no`.
    pub fn code_url(&self, out_trade_no: &str) -> Option<String> {
        lock(&self.shared.ledger).code_url(out_trade_no)
    }

    /// Queues a fault for the next request (first in, first out).
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push_back(fault);
    }

    /// How many requests got a fault so far (queued or random).
    pub fn faults_injected(&self) -> u64 {
        self.shared.injected.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A configuration QR's text: `http://<first domain>/cpay/use_device_setting?osi=…&si=…`, valid
    /// [`SETUP_CODE_VALID_MS`] by the simulator's clock, usable once.
    pub fn issue_setup_qr(&self) -> String {
        let (osi, si) = lock(&self.shared.ledger).issue_setup_code();
        format!("{}/cpay/use_device_setting?osi={osi}&si={si}", self.base_url())
    }

    /// Down: the first domain's port is closed, connections are refused. Up: it listens again on the
    /// same address. Returns once the port is in the asked state (or the simulator has stopped).
    pub async fn set_down(&self, down: bool) {
        self.set_down_domain(0, down).await;
    }

    /// [`SimHandle::set_down`] for domain `index` (ignored if there is no such domain).
    pub async fn set_down_domain(&self, index: usize, down: bool) {
        let Some(domain) = self.domains.get(index) else { return };
        domain.down.send_replace(down);
        let mut listening = domain.listening.clone();
        let _ = listening.wait_for(|&open| open != down).await;
    }

    /// Stops accepting and ends every open connection, including held and delayed ones.
    pub fn shutdown(&self) {
        self.stop.send_replace(true);
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Namespace for starting the simulator.
pub struct CloudPaySim;

impl CloudPaySim {
    /// Binds `bind` (port 0 picks a free port) and serves on the current tokio runtime.
    pub fn start(bind: SocketAddr, cfg: SimConfig) -> std::io::Result<SimHandle> {
        CloudPaySim::start_on(&[bind], cfg)
    }

    /// `n` domains on loopback ports, one shared ledger: the platform's four domains.
    pub fn start_domains(n: usize, cfg: SimConfig) -> std::io::Result<SimHandle> {
        let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
        CloudPaySim::start_on(&vec![loopback; n.max(1)], cfg)
    }

    fn start_on(binds: &[SocketAddr], cfg: SimConfig) -> std::io::Result<SimHandle> {
        tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        let (stop, stop_rx) = watch::channel(false);
        let born_down = cfg.always_down;
        let shared = Arc::new(Shared {
            authen_key: cfg.authen_key.clone(),
            slow_ms: cfg.slow_ms,
            random: cfg.random_faults.map(|r| (r.per_mille, Mutex::new(r.seed | 1))),
            ledger: Mutex::new(Ledger::new(cfg)),
            faults: Mutex::new(VecDeque::new()),
            injected: Default::default(),
        });
        let mut domains = Vec::new();
        for bind in binds {
            let listener = listen(*bind)?;
            let addr = listener.local_addr()?;
            let (down, down_rx) = watch::channel(born_down);
            let (listening_tx, listening) = watch::channel(!born_down);
            // A simulator born down must refuse from its first instant, not once the task has run.
            let listener = (!born_down).then_some(listener);
            tokio::spawn(accept_loop(listener, addr, shared.clone(), stop_rx.clone(), down_rx, listening_tx));
            domains.push(Domain { addr, down, listening });
        }
        Ok(SimHandle { domains, shared, stop })
    }
}

/// Starts the simulator and serves until the process ends (for `till sim`).
pub async fn run_forever(addr: SocketAddr, cfg: SimConfig) -> std::io::Result<()> {
    let handle = CloudPaySim::start(addr, cfg)?;
    tracing::info!(base_url = handle.base_url(), "Cloud Pay simulator listening");
    std::future::pending::<()>().await;
    drop(handle);
    Ok(())
}

impl Serve for Shared {
    async fn serve(&self, stream: &mut TcpStream) {
        serve(stream, self).await
    }
}

async fn serve(stream: &mut TcpStream, shared: &Shared) {
    let request = match http::read_request(stream).await {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!(error = %e, "simulator dropped a bad request");
            return;
        }
    };
    let fault = shared.next_fault();
    let (path, query) = request.path.split_once('?').unwrap_or((request.path.as_str(), ""));
    let mut plan = match (&fault, request.method.as_str(), path) {
        (Some(Fault::Http5xx), ..) => raw(503, "Service Unavailable", "text/plain", b"upstream unavailable"),
        (Some(Fault::HtmlPage), ..) => {
            raw(200, "OK", "text/html", "<html><body><h1>请登录 / Please log in</h1></body></html>".as_bytes())
        }
        (_, "POST", "/cpay/micro_pay") => lock(&shared.ledger).micro_pay(&request.body),
        (_, "POST", "/cpay/query_order") => lock(&shared.ledger).query_order(&request.body),
        (_, "POST", "/cpay/scan_code_pay") => lock(&shared.ledger).scan_code_pay(&request.body),
        (_, "POST", "/cpay/close_order") => lock(&shared.ledger).close_order(&request.body),
        (_, "POST", "/cpay/reverse") => lock(&shared.ledger).reverse(&request.body),
        (_, "POST", "/cpay/refund") => lock(&shared.ledger).refund(&request.body),
        (_, "POST", "/cpay/query_refund_order") => lock(&shared.ledger).query_refund_order(&request.body),
        (_, "POST", "/cpay/client_order_detail") => lock(&shared.ledger).client_order_detail(&request.body),
        (_, "GET", "/cpay/use_device_setting") => lock(&shared.ledger).use_device_setting(query),
        (_, "POST", "/cpay/ping") => raw(200, "OK", "application/json", br#"{"status":0,"description":""}"#),
        _ => raw(404, "Not Found", "text/plain", b"no such interface"),
    };
    if let Some(Fault::Delay(ms)) = fault {
        plan.delay_ms += ms;
    }
    if plan.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(plan.delay_ms)).await;
    }
    let bad_signature = plan.bad_signature || matches!(fault, Some(Fault::BadSignature));
    let key = if bad_signature { "not-the-merchant-key" } else { shared.authen_key.as_str() };
    let (status, reason, content_type, body) = match plan.reply {
        Reply::Signed(content) => (200, "OK", "application/json", sign::seal_response(key, &content).into_bytes()),
        Reply::Unsigned(content) => (200, "OK", "application/json", sign::unsigned_response(&content).into_bytes()),
        Reply::Raw { status, reason, content_type, body } => (status, reason, content_type, body),
    };
    let bytes = match fault {
        Some(Fault::NoAnswer) => return std::future::pending().await,
        Some(Fault::Reset) => {
            let _ = stream.set_zero_linger();
            return;
        }
        Some(Fault::Truncated) => http::response_declaring(status, reason, content_type, &body, body.len() + 64),
        Some(Fault::Oversized(n)) => {
            let mut huge = br#"{"response_content":""#.to_vec();
            huge.resize(n.max(huge.len()), b' ');
            http::response(200, "OK", "application/json", &huge)
        }
        Some(Fault::Garbage) => b"\x00\x17\xffNOT HTTP AT ALL\r\n\r\n\x01\x02".to_vec(),
        _ => http::response(status, reason, content_type, &body),
    };
    let bytes = http::with_date(bytes, lock(&shared.ledger).now_ms());
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}

fn raw(status: u16, reason: &'static str, content_type: &'static str, body: &[u8]) -> Plan {
    Plan::now(Reply::Raw { status, reason, content_type, body: body.to_vec() })
}
