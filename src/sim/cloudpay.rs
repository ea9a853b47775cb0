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
//! On top of the scenarios, [`SimHandle::inject`] queues [`Fault`]s, each consumed by the next request.

mod ledger;

pub use ledger::{SimOrder, SimOrderState};

use super::http;
use crate::payments::cloudpay::sign;
use ledger::{Ledger, Plan, Reply};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;

/// What the simulated platform knows about its one merchant, and its timing.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
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
            .finish()
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
    ledger: Mutex<Ledger>,
    faults: Mutex<VecDeque<Fault>>,
}

/// A mutex holder panicking cannot leave the ledger half-written in a way tests would miss, so a
/// poisoned lock is simply taken over.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The running simulator. Dropping it shuts it down.
pub struct SimHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    down: watch::Sender<bool>,
    /// Whether the port is open right now, as reported by the accept loop.
    listening: watch::Receiver<bool>,
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, to put into the client's `base_urls`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A snapshot of the ledger, in order of creation.
    pub fn orders(&self) -> Vec<SimOrder> {
        lock(&self.shared.ledger).orders()
    }

    /// How many times the customer of `out_trade_no` was charged (0 if no such order). Never above 1.
    pub fn charge_count(&self, out_trade_no: &str) -> u32 {
        lock(&self.shared.ledger).charge_count(out_trade_no)
    }

    /// Queues a fault for the next request (first in, first out).
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push_back(fault);
    }

    /// Down: the port is closed, connections are refused. Up: it listens again on the same address.
    /// Returns once the port is in the asked state (or the simulator has stopped).
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
pub struct CloudPaySim;

impl CloudPaySim {
    /// Binds `bind` (port 0 picks a free port) and serves on the current tokio runtime.
    pub fn start(bind: SocketAddr, cfg: SimConfig) -> std::io::Result<SimHandle> {
        tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        let listener = listen(bind)?;
        let addr = listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let (down, down_rx) = watch::channel(cfg.always_down);
        let (listening_tx, listening) = watch::channel(!cfg.always_down);
        // A simulator born down must refuse from its first instant, not once the task has run.
        let listener = (!cfg.always_down).then_some(listener);
        let shared = Arc::new(Shared {
            authen_key: cfg.authen_key.clone(),
            ledger: Mutex::new(Ledger::new(cfg)),
            faults: Mutex::new(VecDeque::new()),
        });
        tokio::spawn(accept_loop(listener, addr, shared.clone(), stop_rx, down_rx, listening_tx));
        Ok(SimHandle { addr, shared, stop, down, listening })
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

fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    // Coming back up after set_down must rebind the same port despite connections in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}

async fn accept_loop(
    first: Option<TcpListener>,
    addr: SocketAddr,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
    mut down: watch::Receiver<bool>,
    listening: watch::Sender<bool>,
) {
    let mut listener = first;
    loop {
        if *stop.borrow() {
            return;
        }
        if *down.borrow_and_update() {
            listener = None; // closing the socket is what makes clients see "connection refused"
            listening.send_replace(false);
            tokio::select! {
                changed = down.changed() => if changed.is_err() { return },
                _ = stop.changed() => return,
            }
            continue;
        }
        let current = match listener.take() {
            Some(l) => l,
            None => match listen(addr) {
                Ok(l) => {
                    listening.send_replace(true);
                    l
                }
                Err(e) => {
                    tracing::warn!(%addr, error = %e, "simulator cannot listen again yet");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        tokio::select! {
            accepted = current.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(connection(stream, shared.clone(), stop.clone()));
                }
            }
            changed = down.changed() => if changed.is_err() { return },
            _ = stop.changed() => return,
        }
        listener = Some(current);
    }
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    tokio::select! {
        _ = serve(&mut stream, &shared) => {}
        _ = stop.changed() => {}
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
    let fault = lock(&shared.faults).pop_front();
    let mut plan = match (&fault, request.method.as_str(), request.path.as_str()) {
        (Some(Fault::Http5xx), ..) => raw(503, "Service Unavailable", "text/plain", b"upstream unavailable"),
        (Some(Fault::HtmlPage), ..) => {
            raw(200, "OK", "text/html", "<html><body><h1>请登录 / Please log in</h1></body></html>".as_bytes())
        }
        (_, "POST", "/cpay/micro_pay") => lock(&shared.ledger).micro_pay(&request.body),
        (_, "POST", "/cpay/query_order") => lock(&shared.ledger).query_order(&request.body),
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
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}

fn raw(status: u16, reason: &'static str, content_type: &'static str, body: &[u8]) -> Plan {
    Plan::now(Reply::Raw { status, reason, content_type, body: body.to_vec() })
}
