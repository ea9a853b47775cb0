//! A 微收银 simulator over real HTTP/1.1, for tests and the demo: activation, pay configuration,
//! time, `op.php` (micropay, query, query_timeout, refund, read) and `pay_printinfo.php`, GET or POST.
//! Interface shapes the reference leaves open follow the client's choices
//! ([`crate::payments::weishouyin`]).
//!
//! It verifies signatures (hex in either case; `<dm ok="0" info="sign error"/>` when wrong), keeps
//! bills with the platform's rules (bill ids `dm` + 10 digits; micropay idempotent per `no`; the same
//! `no` with another amount or code is `ok="0" err="duplicate"`; partial refunds never above the paid
//! amount; refund records `dm_id` + unix seconds) and answers with receipts and popups.
//!
//! # Scenarios: the LAST FOUR DIGITS of the payment code (as [`cloudpay::Scenario`])
//!
//! | code ends | what happens | first verdict | later query |
//! |---|---|---|---|
//! | `0001` | password: `ok="-1"` | user paying | −1 for `user_paying_polls` queries, then paid |
//! | `0002` | declined 余额不足 | failed | failed |
//! | `0003` | charged, answer after `slow_ms` | unknown (client timeout) | paid |
//! | `0004` | not charged, HTTP 504 after `slow_ms` | unknown | not found |
//! | `0005` | charged, answer `ok="0" info="sign error"` | unknown | paid |
//! | `0006` | HTTP 502 page, no bill | unknown | not found |
//! | `0007` | charged, `ok="2"` 系统繁忙 | unknown | paid |
//! | other | paid at once | paid | paid |
//!
//! On top, [`SimHandle::inject`] queues [`Fault`]s (each consumed by the next request) and
//! [`SimConfig::random_faults`] spoils a seeded share of requests for chaos tests.

mod answers;
mod ledger;

pub use super::cloudpay::{Fault, Scenario};
pub use ledger::{SimBill, SimBillState};

use super::http;
use super::server::{Serve, accept_loop, listen};
use crate::payments::weishouyin::config::{DEMO_DEVICE_ID, DEMO_KEY, TEST_ACTIVATION_CODE};
use ledger::{Ledger, Plan};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;

/// The simulator's clock: unix time in milliseconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// A seeded share of requests spoiled by a random [`Fault`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomFaults {
    pub seed: u64,
    /// Out of 1000 requests, how many get a fault.
    pub per_mille: u32,
}

/// The simulated platform's one device and merchant, and its timing.
#[derive(Clone)]
pub struct SimConfig {
    pub activation_code: String,
    pub device_id: String,
    pub key: String,
    /// `{server}` announced by config.php; `None`: the simulator's own address.
    pub server: Option<String>,
    pub company: String,
    /// Queries answered −1 before a `…0001` bill becomes paid.
    pub user_paying_polls: u32,
    /// How long the "too slow" scenarios take.
    pub slow_ms: u64,
    /// Start refusing connections; see [`SimHandle::set_down`].
    pub always_down: bool,
    pub random_faults: Option<RandomFaults>,
    pub clock: Clock,
}

fn system_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl Default for SimConfig {
    /// The reference's test device 57206, its key and test activation code.
    fn default() -> SimConfig {
        SimConfig {
            activation_code: TEST_ACTIVATION_CODE.into(),
            device_id: DEMO_DEVICE_ID.into(),
            key: DEMO_KEY.into(),
            server: None,
            company: "测试便利店".into(),
            user_paying_polls: 2,
            slow_ms: 20_000,
            always_down: false,
            random_faults: None,
            clock: Arc::new(system_millis),
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("activation_code", &self.activation_code)
            .field("device_id", &self.device_id)
            .field("key", &"***")
            .field("server", &self.server)
            .field("company", &self.company)
            .field("user_paying_polls", &self.user_paying_polls)
            .field("slow_ms", &self.slow_ms)
            .field("always_down", &self.always_down)
            .field("random_faults", &self.random_faults)
            .finish()
    }
}

/// xorshift64: enough randomness to pick faults, reproducible from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

struct Shared {
    ledger: Mutex<Ledger>,
    faults: Mutex<VecDeque<Fault>>,
    random: Option<(Mutex<Rng>, u32)>,
    slow_ms: u64,
    /// Faults applied so far, queued or random.
    injected: std::sync::atomic::AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
    /// not hold sockets until shutdown (queue it with [`SimHandle::inject`] where a test wants it).
    fn draw_fault(&self) -> Option<Fault> {
        if let Some(fault) = lock(&self.faults).pop_front() {
            return Some(fault);
        }
        let (rng, per_mille) = self.random.as_ref()?;
        let mut rng = lock(rng);
        if rng.next() % 1000 >= u64::from(*per_mille) {
            return None;
        }
        let faults = [
            Fault::Delay(self.slow_ms),
            Fault::Reset,
            Fault::Http5xx,
            Fault::HtmlPage,
            Fault::Truncated,
            Fault::BadSignature,
            Fault::Oversized(crate::payments::weishouyin::MAX_ANSWER_BYTES + 1024),
            Fault::Garbage,
        ];
        faults.get((rng.next() % faults.len() as u64) as usize).cloned()
    }
}

/// The running simulator. Dropping it shuts it down.
pub struct SimHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    down: watch::Sender<bool>,
    listening: watch::Receiver<bool>,
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: both the activation host and `{server}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A snapshot of the bills, in order of creation, with charge counts and refunded totals.
    pub fn orders(&self) -> Vec<SimBill> {
        lock(&self.shared.ledger).bills()
    }

    /// How many times the customer of order `no` was charged (0 if no such bill). Never above 1.
    pub fn charge_count(&self, no: &str) -> u32 {
        lock(&self.shared.ledger).charge_count(no)
    }

    /// Queues a fault for the next request (first in, first out).
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push_back(fault);
    }

    /// How many requests got a fault so far (queued or random).
    pub fn faults_injected(&self) -> u64 {
        self.shared.injected.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Down: connections are refused. Up: it listens again on the same address. Returns once the
    /// port is in the asked state (or the simulator has stopped).
    pub async fn set_down(&self, down: bool) {
        self.down.send_replace(down);
        let mut listening = self.listening.clone();
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
pub struct WeishouyinSim;

impl WeishouyinSim {
    /// Binds `bind` (port 0 picks a free port) and serves on the current tokio runtime.
    pub fn start(bind: SocketAddr, cfg: SimConfig) -> std::io::Result<SimHandle> {
        tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        let listener = listen(bind)?;
        let addr = listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let (down, down_rx) = watch::channel(cfg.always_down);
        let (listening_tx, listening) = watch::channel(!cfg.always_down);
        let listener = (!cfg.always_down).then_some(listener);
        let random = cfg.random_faults.map(|r| (Mutex::new(Rng(r.seed.max(1))), r.per_mille));
        let slow_ms = cfg.slow_ms;
        let shared = Arc::new(Shared {
            ledger: Mutex::new(Ledger::new(cfg, format!("http://{addr}"))),
            faults: Mutex::new(VecDeque::new()),
            random,
            slow_ms,
            injected: Default::default(),
        });
        tokio::spawn(accept_loop(listener, addr, shared.clone(), stop_rx, down_rx, listening_tx));
        Ok(SimHandle { addr, shared, stop, down, listening })
    }
}

/// Starts the simulator and serves until the process ends (for `till sim`).
pub async fn run_forever(addr: SocketAddr, cfg: SimConfig) -> std::io::Result<()> {
    let handle = WeishouyinSim::start(addr, cfg)?;
    tracing::info!(base_url = handle.base_url(), "微收银 simulator listening");
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
    let params = request.params();
    let plan = match (&fault, request.method.as_str(), request.route()) {
        (Some(Fault::Http5xx), ..) => Plan::raw(503, "Service Unavailable", "text/plain", b"upstream unavailable"),
        (Some(Fault::HtmlPage), ..) => {
            Plan::raw(200, "OK", "text/html", "<html><body><h1>请登录 / Please log in</h1></body></html>".as_bytes())
        }
        (_, "GET" | "POST", route) => {
            let mut ledger = lock(&shared.ledger);
            match route {
                "/o2o-dm/activate.php" => ledger.activate(&params),
                "/o2o-dm/config.php" => ledger.config(&params),
                "/o2o_dmprinter/time.php" => ledger.time(&params),
                "/o2o-dm/op.php" => ledger.op(&params),
                "/o2o-dm/pay_printinfo.php" => ledger.reprint(&params),
                _ => Plan::raw(404, "Not Found", "text/plain", b"no such interface"),
            }
        }
        _ => Plan::raw(405, "Method Not Allowed", "text/plain", b"GET or POST"),
    };
    let mut plan = plan;
    if let Some(Fault::Delay(ms)) = fault {
        plan.delay_ms += ms;
    }
    if plan.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(plan.delay_ms)).await;
    }
    if matches!(fault, Some(Fault::BadSignature)) {
        // The platform did the work, but the answer says the request's signature was refused.
        plan = Plan::xml(ledger::sign_error("dm"));
    }
    let bytes = match fault {
        Some(Fault::NoAnswer) => return std::future::pending().await,
        Some(Fault::Reset) => {
            let _ = stream.set_zero_linger();
            return;
        }
        Some(Fault::Truncated) => {
            http::response_declaring(plan.status, plan.reason, plan.content_type, &plan.body, plan.body.len() + 64)
        }
        Some(Fault::Oversized(n)) => {
            let mut huge = b"<dm ok=\"1\" info=\"".to_vec();
            huge.resize(n.max(huge.len()), b'x');
            http::response(200, "OK", ledger::XML, &huge)
        }
        Some(Fault::Garbage) => b"\x00\x17\xffNOT HTTP AT ALL\r\n\r\n\x01\x02".to_vec(),
        _ => http::response(plan.status, plan.reason, plan.content_type, &plan.body),
    };
    let bytes = http::with_date(bytes, lock(&shared.ledger).now_secs().saturating_mul(1000));
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}
