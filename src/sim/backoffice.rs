//! The reference back-office receiver, over real HTTP/1.1: for the tests and the demo.
//!
//! `POST /v1/records` with a record's JSON. It checks the device, the timestamp window and the
//! signature ([`till_proto::sign`]): 401 when any is wrong, 400 when the body is not a record for
//! its `Idempotency-Key`. A new key is kept (201); a key it already has is counted as a duplicate
//! and answered 409 (the till takes that as delivered).
//!
//! [`BackofficeHandle::inject`] queues [`Fault`]s for the next records' requests. `Http5xx` answers 503
//! before looking at the record; every other fault keeps the record first and then spoils the
//! answer (delay, reset, hang, truncated, garbage): the case where the till must send again.

pub use super::cloudpay::Fault;

use super::http;
use super::server::{Serve, accept_loop, listen};
use crate::sync::{DEMO_DEVICE_ID, DEMO_KEY, sign};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;

/// Where records are posted ([`till_proto::RECORDS_PATH`]).
pub use till_proto::RECORDS_PATH;

/// The receiver's clock: unix time in seconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Clone)]
pub struct BackofficeSimConfig {
    /// The one device it knows, and its key.
    pub device_id: String,
    pub key: String,
    /// How far a request's timestamp may be from the receiver's clock, either way.
    pub window_secs: i64,
    pub clock: Clock,
}

impl Default for BackofficeSimConfig {
    fn default() -> BackofficeSimConfig {
        BackofficeSimConfig {
            device_id: DEMO_DEVICE_ID.into(),
            key: DEMO_KEY.into(),
            window_secs: 300,
            clock: Arc::new(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
            }),
        }
    }
}

/// A record as the back office keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub key: String,
    /// The till's outbox sequence number, from the body.
    pub seq: u64,
    pub kind: String,
    pub device_id: String,
    pub body: serde_json::Value,
}

#[derive(Default)]
struct Books {
    records: Vec<Received>,
    by_key: HashMap<String, usize>,
    duplicates: u64,
    /// Requests refused (401/400), with the reason.
    refused: Vec<String>,
}

struct Shared {
    cfg: BackofficeSimConfig,
    books: Mutex<Books>,
    faults: Mutex<VecDeque<Fault>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The running receiver. Dropping it shuts it down.
pub struct BackofficeHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    down: watch::Sender<bool>,
    listening: watch::Receiver<bool>,
}

impl BackofficeHandle {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The endpoint a till posts to.
    pub fn url(&self) -> String {
        format!("{}{RECORDS_PATH}", self.base_url())
    }

    /// Every record kept, in order of arrival, each key once.
    pub fn records(&self) -> Vec<Received> {
        lock(&self.shared.books).records.clone()
    }

    /// Requests for a key it already had.
    pub fn duplicates(&self) -> u64 {
        lock(&self.shared.books).duplicates
    }

    /// Why requests were refused, oldest first.
    pub fn refused(&self) -> Vec<String> {
        lock(&self.shared.books).refused.clone()
    }

    /// Queues a fault for the next request (first in, first out).
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push_back(fault);
    }

    /// Down: connections are refused. Up: it listens again on the same address.
    pub async fn set_down(&self, down: bool) {
        self.down.send_replace(down);
        let mut listening = self.listening.clone();
        let _ = listening.wait_for(|&open| open != down).await;
    }

    pub fn shutdown(&self) {
        self.stop.send_replace(true);
    }
}

impl Drop for BackofficeHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub struct BackofficeSim;

impl BackofficeSim {
    /// Binds `bind` (port 0 picks a free port) and serves on the current tokio runtime.
    pub fn start(bind: SocketAddr, cfg: BackofficeSimConfig) -> std::io::Result<BackofficeHandle> {
        tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        let listener = listen(bind)?;
        let addr = listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let (down, down_rx) = watch::channel(false);
        let (listening_tx, listening) = watch::channel(true);
        let shared = Arc::new(Shared { cfg, books: Mutex::default(), faults: Mutex::default() });
        tokio::spawn(accept_loop(Some(listener), addr, shared.clone(), stop_rx, down_rx, listening_tx));
        Ok(BackofficeHandle { addr, shared, stop, down, listening })
    }
}

impl Serve for Shared {
    async fn serve(&self, stream: &mut TcpStream) {
        let request = match http::read_request(stream).await {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(error = %e, "back office dropped a bad request");
                return;
            }
        };
        // The tills' catalogue requests (sync::catalogue): no changes here, and no injected fault
        // taken from the records' requests.
        if request.method == "GET" && request.route() == till_proto::catalogue::CATALOGUE_PATH {
            let body = br#"{"changesets":[]}"#;
            let _ = stream.write_all(&http::response(200, "OK", "application/json", body)).await;
            let _ = stream.shutdown().await;
            return;
        }
        // Faults are for the records' requests: the tills' other requests (promotions, stock
        // levels, releases: each 404 here) take none, so a test's faults meet the records it means.
        let records = request.method == "POST" && request.route() == RECORDS_PATH;
        let fault = if records { lock(&self.faults).pop_front() } else { None };
        let (status, reason, body) = match fault {
            Some(Fault::Http5xx) => (503, "Service Unavailable", "upstream unavailable".to_string()),
            _ => self.receive(&request),
        };
        let bytes = http::response(status, reason, "application/json", body.as_bytes());
        let bytes = match fault {
            Some(Fault::Delay(ms)) => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                bytes
            }
            Some(Fault::NoAnswer) => return std::future::pending().await,
            Some(Fault::Reset) => {
                let _ = stream.set_zero_linger();
                return;
            }
            Some(Fault::Truncated) => {
                http::response_declaring(status, reason, "application/json", body.as_bytes(), body.len() + 64)
            }
            Some(Fault::Garbage) => b"\x00\x17\xffNOT HTTP AT ALL\r\n\r\n".to_vec(),
            _ => bytes,
        };
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
    }
}

impl Shared {
    fn receive(&self, request: &http::Request) -> (u16, &'static str, String) {
        if request.method != "POST" || request.route() != RECORDS_PATH {
            return (404, "Not Found", r#"{"error":"no such endpoint"}"#.into());
        }
        match self.check(request) {
            Ok(record) => {
                let mut books = lock(&self.books);
                if books.by_key.contains_key(&record.key) {
                    books.duplicates += 1;
                    (409, "Conflict", r#"{"status":"duplicate"}"#.into())
                } else {
                    let at = books.records.len();
                    books.by_key.insert(record.key.clone(), at);
                    books.records.push(record);
                    (201, "Created", r#"{"status":"stored"}"#.into())
                }
            }
            Err((status, reason, why)) => {
                lock(&self.books).refused.push(why.clone());
                (status, reason, serde_json::json!({ "error": why }).to_string())
            }
        }
    }

    fn check(&self, request: &http::Request) -> Result<Received, (u16, &'static str, String)> {
        let unauthorised = |why: &str| (401, "Unauthorized", why.to_string());
        let header = |name: &str| request.header(&name.to_ascii_lowercase()).unwrap_or_default().to_string();
        let device_id = header(sign::HEADER_DEVICE);
        if device_id != self.cfg.device_id {
            return Err(unauthorised("unknown device"));
        }
        let Ok(timestamp) = header(sign::HEADER_TIMESTAMP).parse::<i64>() else {
            return Err(unauthorised("no timestamp"));
        };
        if (timestamp - (self.cfg.clock)()).abs() > self.cfg.window_secs {
            return Err(unauthorised("timestamp outside the window"));
        }
        let key = header(sign::HEADER_IDEMPOTENCY);
        let Ok(body) = std::str::from_utf8(&request.body) else {
            return Err((400, "Bad Request", "body is not UTF-8".into()));
        };
        if !sign::verify(&self.cfg.key, timestamp, &key, body, &header(sign::HEADER_SIGNATURE)) {
            return Err(unauthorised("bad signature"));
        }
        let value: serde_json::Value =
            serde_json::from_str(body).map_err(|e| (400, "Bad Request", format!("body is not JSON: {e}")))?;
        let seq = value["seq"].as_u64();
        let kind = value["kind"].as_str().map(str::to_string);
        match (value["key"].as_str() == Some(key.as_str()), seq, kind) {
            (true, Some(seq), Some(kind)) => Ok(Received { key, seq, kind, device_id, body: value }),
            _ => Err((400, "Bad Request", "not a record for its Idempotency-Key".into())),
        }
    }
}
