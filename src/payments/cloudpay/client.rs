//! The HTTP transport to Cloud Pay: posts sealed bodies, reads answers with a hard size cap, and lets
//! [`proto::read_answer`] decide what they mean. Every failure becomes `Verdict::Unknown`: once a
//! request may have left the box, only a later query can say whether the customer paid.

use super::proto::{self, Answer, CloudPayConfig, Interface, PingAnswer};
use super::sign;
use crate::core::code::mask_code;
use crate::payments::http::{self, TransportError};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The largest answer read: 10× the biggest documented one (client_order_detail, ~25 KB, reference
/// §2.3), small enough that a broken or hostile server cannot exhaust a Pi's memory.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

const CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// Why a call to Cloud Pay got no usable answer. For a payment the cashier sees "result unknown,
/// checking with the platform" (等待确认支付结果) for all of them, with this text in the details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudPayError {
    /// The HTTP client could not be built (e.g. no TLS roots). Cashier: "WeChat Pay / Alipay unavailable".
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    /// The configuration lists no platform domain. Cashier: "payment platform address not configured".
    #[error("no platform address configured")]
    NoBaseUrl,
    /// The system's random source failed, so no nonce; nothing was sent. Cashier: "result unknown".
    #[error("no random numbers for the nonce")]
    Nonce,
    /// The exchange itself failed (not sent, broken, slow, HTTP error, oversized): see
    /// [`TransportError`], shared with 微收银.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl CloudPayError {
    /// The kind the core acts on; the text goes to the log only.
    pub fn failure(&self) -> crate::core::Failure {
        match self {
            CloudPayError::Setup(_) | CloudPayError::Nonce => crate::core::Failure::TillFault,
            CloudPayError::NoBaseUrl => crate::core::Failure::NotSetUp,
            CloudPayError::Transport(e) => e.failure(),
        }
    }
}

/// A Cloud Pay device client. Cheap to share behind an `Arc`; one per till.
pub struct CloudPayClient {
    pub(super) cfg: CloudPayConfig,
    http: reqwest::Client,
    /// Index into `cfg.base_urls` of the domain in use; domain failover (reference §6 rule 8) moves it.
    active: AtomicUsize,
    /// One probe at a time: a burst of failed calls must not start a burst of probes.
    probing: tokio::sync::Mutex<()>,
    /// Numbers answered "duplicate": their queries' "paid" is checked against the attempt's start.
    pub(super) duplicates: crate::payments::duplicates::Duplicates,
    /// The platform's time from the `Date` of its last answer (unix seconds, 0 for none): over TLS
    /// it is the platform's clock, read to check the till's (`core::platform_clock`).
    date: AtomicI64,
}

impl std::fmt::Debug for CloudPayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudPayClient").field("cfg", &self.cfg).field("active", &self.active).finish()
    }
}

/// Whether a failed call may be sent again on the domain failover switched to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Resend {
    /// Never (micro_pay: a second charge request could charge twice; the core queries instead).
    Never,
    /// Once, the same content (queries, reverse, and refund, whose out_refund_no makes it idempotent).
    Once,
}

/// Which call, about which order or refund number, and whether it may be re-sent.
#[derive(Debug, Clone, Copy)]
pub(super) struct CallSpec<'a> {
    pub iface: Interface,
    pub number: &'a str,
    /// The customer's payment code (micro_pay only), logged masked.
    pub code: Option<&'a str>,
    pub resend: Resend,
}

impl CloudPayClient {
    pub fn new(cfg: CloudPayConfig) -> Result<CloudPayClient, CloudPayError> {
        if cfg.base_urls.is_empty() {
            return Err(CloudPayError::NoBaseUrl);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(cfg.timeout_ms))
            .connect_timeout(Duration::from_millis(cfg.connect_timeout_ms))
            // The device talks to the platform directly (acceptance rule 3.1.2 机具直连云支付);
            // a stray HTTP_PROXY in the environment must not reroute payments.
            .no_proxy()
            .build()
            .map_err(|e| CloudPayError::Setup(e.to_string()))?;
        Ok(CloudPayClient {
            cfg,
            http,
            active: AtomicUsize::new(0),
            probing: tokio::sync::Mutex::new(()),
            duplicates: Default::default(),
            date: AtomicI64::new(0),
        })
    }

    pub fn config(&self) -> &CloudPayConfig {
        &self.cfg
    }

    /// The domain requests go to now.
    pub fn active_base_url(&self) -> &str {
        let i = self.active.load(Ordering::Relaxed);
        self.cfg.base_urls.get(i).or(self.cfg.base_urls.first()).map_or("", String::as_str)
    }

    /// The host (and port, if the URL names one) of the domain in use, e.g. `sz.pay.qcloud.com`.
    pub fn active_host(&self) -> String {
        host_of(self.active_base_url())
    }

    /// Switches to `base_urls[index]`; false if there is no such entry.
    pub fn set_active(&self, index: usize) -> bool {
        if index >= self.cfg.base_urls.len() {
            return false;
        }
        self.switch_to(index, "set by the till");
        true
    }

    fn switch_to(&self, index: usize, why: &str) {
        let from = self.active.swap(index, Ordering::Relaxed);
        if from != index {
            let from = self.cfg.base_urls.get(from).map_or("", String::as_str);
            let to = self.cfg.base_urls.get(index).map_or("", String::as_str);
            tracing::warn!(from, to, why, "cloudpay domain switch");
        }
    }

    /// Probes a domain with `/cpay/ping` (reference §7.2): usable only if it answers status 0.
    pub async fn ping(&self, base_url: &str) -> bool {
        let url = format!("{}/cpay/ping", base_url.trim_end_matches('/'));
        let started = Instant::now();
        let usable = match self.post_bytes(&url, proto::PING_BODY.to_vec()).await {
            Ok(body) => serde_json::from_slice::<PingAnswer>(&body).is_ok_and(|a| a.status == 0),
            Err(_) => false,
        };
        tracing::info!(base_url, usable, elapsed_ms = started.elapsed().as_millis() as u64, "cloudpay ping");
        usable
    }

    /// Pings the domains cyclically from the one in use and makes the first that answers status 0 the
    /// active one (reference §6 rule 8, strategy A); call at start. `None` (and no switch) if none
    /// answers. Unlike the SDK it does not wait 1 s between domains: a till waiting to charge should
    /// not wait for a dead domain's neighbours.
    pub async fn probe(&self) -> Option<usize> {
        let _one_at_a_time = self.probing.lock().await;
        self.probe_from(self.active.load(Ordering::Relaxed), "probe").await
    }

    async fn probe_from(&self, start: usize, why: &str) -> Option<usize> {
        let n = self.cfg.base_urls.len();
        for step in 0..n {
            let i = (start + step) % n;
            if self.ping(&self.cfg.base_urls[i]).await {
                self.switch_to(i, why);
                return Some(i);
            }
        }
        tracing::warn!(domains = n, "cloudpay: no domain answers ping");
        None
    }

    /// After a transport failure on domain `failed`: probes the others (then `failed` itself) and
    /// switches. True if requests now go to another domain.
    async fn fail_over(&self, failed: usize) -> bool {
        let _one_at_a_time = self.probing.lock().await;
        if self.active.load(Ordering::Relaxed) != failed {
            return true; // another call already moved on while this one waited
        }
        let next = self.probe_from(failed + 1, "transport failure").await;
        next.is_some_and(|i| i != failed)
    }

    /// Posts a sealed `content` to the active domain. On a transport failure (no connection, timeout,
    /// HTTP error, an answer that is not a Cloud Pay envelope) fails over to another domain and, if
    /// `resend` allows and the domain changed, sends the same content there once.
    pub(super) async fn send(&self, iface: Interface, content: &str, resend: Resend) -> Result<Vec<u8>, CloudPayError> {
        let body = sign::seal_request(&self.cfg.authen_key, content).into_bytes();
        let domain = self.active.load(Ordering::Relaxed);
        let result = self.post_iface(domain, iface, body.clone()).await;
        if !transport_failed(&result) {
            return result;
        }
        tracing::warn!(interface = iface.name(), error = ?result.as_ref().err(), "cloudpay transport failure");
        // A request that never left the box may go to the new domain whatever it is.
        let not_sent = matches!(result, Err(CloudPayError::Transport(TransportError::NotSent(_))));
        if self.fail_over(domain).await && (resend == Resend::Once || not_sent) {
            let retry = self.post_iface(self.active.load(Ordering::Relaxed), iface, body).await;
            tracing::info!(
                interface = iface.name(),
                ok = !transport_failed(&retry),
                "cloudpay resent on the new domain"
            );
            return retry;
        }
        result
    }

    async fn post_iface(&self, domain: usize, iface: Interface, body: Vec<u8>) -> Result<Vec<u8>, CloudPayError> {
        let base = self.cfg.base_urls.get(domain).map_or("", String::as_str);
        let url = format!("{}/cpay/{}", base.trim_end_matches('/'), iface.name());
        self.post_bytes(&url, body).await
    }

    /// One logged call: the payment code only ever appears masked; the key never.
    pub(super) async fn call<V: std::fmt::Debug>(
        &self,
        spec: CallSpec<'_>,
        content: &str,
        read: impl FnOnce(&[u8]) -> Answer<V>,
        unknown: impl FnOnce(CloudPayError) -> V,
    ) -> V {
        let CallSpec { iface, number, code, resend } = spec;
        let started = Instant::now();
        let answer = match self.send(iface, content, resend).await {
            Ok(bytes) => read(&bytes),
            Err(e) => {
                // The detail (the socket's or the HTTP error's words) is for the log; the core gets its kind.
                tracing::warn!(number, interface = iface.name(), error = %e, "cloudpay call failed");
                Answer { verdict: unknown(e), status: None, log_id: None }
            }
        };
        let code = code.map(mask_code);
        tracing::info!(
            number,
            interface = iface.name(),
            domain = self.active_base_url(),
            code,
            status = answer.status,
            log_id = answer.log_id,
            elapsed_ms = started.elapsed().as_millis() as u64,
            verdict = ?answer.verdict,
            "cloudpay call"
        );
        answer.verdict
    }

    async fn post_bytes(&self, url: &str, body: Vec<u8>) -> Result<Vec<u8>, CloudPayError> {
        let request = self.http.post(url).header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE).body(body);
        let answered = |headers: &reqwest::header::HeaderMap| {
            if let Some(secs) = answer_date(headers) {
                self.date.store(secs, Ordering::Relaxed);
            }
        };
        Ok(http::exchange(request, self.cfg.timeout_ms, MAX_ANSWER_BYTES, answered).await?)
    }

    /// The platform's time from the `Date` of the last answer since the last call (unix seconds).
    pub fn take_answer_date(&self) -> Option<i64> {
        Some(self.date.swap(0, Ordering::Relaxed)).filter(|&t| t > 0)
    }
}

/// The failures that say "this domain does not work", not "the platform said something": nothing
/// came back, an HTTP error came back, or what came back is not a Cloud Pay envelope (a captive
/// portal's page, garbage). A wrong signature is not one: that is the platform's (or an attacker's)
/// answer, and another domain would not make it trustworthy.
fn transport_failed(result: &Result<Vec<u8>, CloudPayError>) -> bool {
    match result {
        Ok(bytes) => sign::open_response(bytes).is_err(),
        Err(CloudPayError::Transport(TransportError::HttpStatus(status))) => {
            *status >= 500 || *status == 404 || *status == 403
        }
        Err(_) => true,
    }
}

/// `https://sz.pay.qcloud.com/` → `sz.pay.qcloud.com`; `http://127.0.0.1:8080` → `127.0.0.1:8080`.
pub fn host_of(base_url: &str) -> String {
    match reqwest::Url::parse(base_url) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            _ => base_url.to_string(),
        },
        Err(_) => base_url.to_string(),
    }
}

/// 32 lower-case hex chars from the OS random source (nonce_str is String(32), reference §7.3).
pub fn nonce() -> Result<String, CloudPayError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| CloudPayError::Nonce)?;
    Ok(hex::encode(bytes))
}

/// An answer's `Date` header (RFC 9110 IMF-fixdate or the older forms), in unix seconds.
fn answer_date(headers: &reqwest::header::HeaderMap) -> Option<i64> {
    let text = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let at = httpdate::parse_http_date(text).ok()?;
    let secs = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_32_hex_chars_and_differ() {
        let a = nonce().expect("nonce");
        let b = nonce().expect("nonce");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn debug_never_shows_the_key() {
        let client = CloudPayClient::new(CloudPayConfig::demo("http://127.0.0.1:1")).expect("client");
        let text = format!("{client:?}");
        assert!(!text.contains("SimAuthenKey"), "{text}");
        assert!(text.contains("***"));
    }

    #[test]
    fn describes_the_host_of_a_domain() {
        assert_eq!(host_of("https://sz.pay.qcloud.com"), "sz.pay.qcloud.com");
        assert_eq!(host_of("https://pay.qcloud.com/"), "pay.qcloud.com");
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1:8080");
    }

    #[test]
    fn refuses_a_config_without_domains() {
        let mut cfg = CloudPayConfig::demo("http://127.0.0.1:1");
        cfg.base_urls.clear();
        assert_eq!(CloudPayClient::new(cfg).err(), Some(CloudPayError::NoBaseUrl));
    }
}
