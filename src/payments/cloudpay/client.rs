//! The HTTP transport to Cloud Pay: posts sealed bodies, reads answers with a hard size cap, and lets
//! [`proto::read_answer`] decide what they mean. Every failure becomes `Verdict::Unknown`: once a
//! request may have left the box, only a later query can say whether the customer paid.

use super::proto::{self, Answer, CloudPayConfig, Interface, PingAnswer};
use super::sign;
use crate::core::code::mask_code;
use crate::core::money::Fen;
use crate::core::{
    CancelCall, CancelVerdict, LookupCall, LookupVerdict, PayCall, QueryCall, RefundCall, RefundVerdict, Verdict,
};
use crate::payments::Gateway;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    /// DNS, refused or reset connection, TLS failure, broken or truncated answer. Cashier: "network
    /// problem, result unknown".
    #[error("network error: {0}")]
    Network(String),
    /// No complete answer within `timeout_ms`. Cashier: "platform slow, result unknown".
    #[error("no answer within {0} ms")]
    Timeout(u64),
    /// An HTTP status outside 200–299, e.g. a proxy's 502 page. Cashier: "platform error, result unknown".
    #[error("HTTP status {0}")]
    HttpStatus(u16),
    /// The answer is larger than [`MAX_ANSWER_BYTES`]. Cashier: "bad answer from the platform".
    #[error("oversized answer (more than {0} bytes)")]
    Oversized(usize),
}

/// A Cloud Pay device client. Cheap to share behind an `Arc`; one per till.
pub struct CloudPayClient {
    cfg: CloudPayConfig,
    http: reqwest::Client,
    /// Index into `cfg.base_urls` of the domain in use; domain failover (reference §6 rule 8) moves it.
    active: AtomicUsize,
}

impl std::fmt::Debug for CloudPayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudPayClient").field("cfg", &self.cfg).field("active", &self.active).finish()
    }
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
        Ok(CloudPayClient { cfg, http, active: AtomicUsize::new(0) })
    }

    pub fn config(&self) -> &CloudPayConfig {
        &self.cfg
    }

    /// The domain requests go to now.
    pub fn active_base_url(&self) -> &str {
        let i = self.active.load(Ordering::Relaxed);
        self.cfg.base_urls.get(i).or(self.cfg.base_urls.first()).map_or("", String::as_str)
    }

    /// Switches to `base_urls[index]`; false if there is no such entry.
    pub fn set_active(&self, index: usize) -> bool {
        if index >= self.cfg.base_urls.len() {
            return false;
        }
        self.active.store(index, Ordering::Relaxed);
        true
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

    async fn call(
        &self,
        iface: Interface,
        out_trade_no: &str,
        amount: Fen,
        code: Option<&str>,
        content: &str,
    ) -> Verdict {
        let started = Instant::now();
        let url = format!("{}/cpay/{}", self.active_base_url().trim_end_matches('/'), iface.name());
        let body = sign::seal_request(&self.cfg.authen_key, content);
        let answer = match self.post_bytes(&url, body.into_bytes()).await {
            Ok(bytes) => proto::read_answer(iface, &self.cfg.authen_key, out_trade_no, amount, &bytes),
            Err(e) => Answer { verdict: Verdict::Unknown { reason: e.to_string() }, status: None, log_id: None },
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        // The payment code only ever appears masked; the key never.
        let code = code.map(mask_code);
        tracing::info!(
            out_trade_no,
            interface = iface.name(),
            code,
            status = answer.status,
            log_id = answer.log_id,
            elapsed_ms,
            verdict = ?answer.verdict,
            "cloudpay call"
        );
        answer.verdict
    }

    async fn post_bytes(&self, url: &str, body: Vec<u8>) -> Result<Vec<u8>, CloudPayError> {
        let limit = self.cfg.timeout_ms;
        // reqwest's own timeout covers the body too; this outer one also bounds our chunk loop.
        match tokio::time::timeout(Duration::from_millis(limit), self.exchange(url, body)).await {
            Ok(result) => result,
            Err(_) => Err(CloudPayError::Timeout(limit)),
        }
    }

    async fn exchange(&self, url: &str, body: Vec<u8>) -> Result<Vec<u8>, CloudPayError> {
        let limit = self.cfg.timeout_ms;
        let net = |e: reqwest::Error| {
            if e.is_timeout() { CloudPayError::Timeout(limit) } else { CloudPayError::Network(error_chain(&e)) }
        };
        let mut response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .body(body)
            .send()
            .await
            .map_err(net)?;
        let status = response.status();
        if !status.is_success() {
            return Err(CloudPayError::HttpStatus(status.as_u16()));
        }
        if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
            return Err(CloudPayError::Oversized(MAX_ANSWER_BYTES));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(net)? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(CloudPayError::Oversized(MAX_ANSWER_BYTES));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

/// reqwest's top-level message hides the cause ("error sending request"); the chain says what broke.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// 32 lower-case hex chars from the OS random source (nonce_str is String(32), reference §7.3).
pub fn nonce() -> Result<String, CloudPayError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| CloudPayError::Nonce)?;
    Ok(hex::encode(bytes))
}

impl Gateway for CloudPayClient {
    async fn micro_pay(&self, call: &PayCall) -> Verdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return Verdict::Unknown { reason: e.to_string() },
        };
        let content = proto::micro_pay_content(&self.cfg, call, &nonce);
        self.call(Interface::MicroPay, &call.out_trade_no, call.amount, Some(&call.code), &content).await
    }

    async fn query(&self, call: &QueryCall) -> Verdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return Verdict::Unknown { reason: e.to_string() },
        };
        let content = proto::query_order_content(&self.cfg, call, &nonce);
        self.call(Interface::QueryOrder, &call.out_trade_no, call.amount, None, &content).await
    }

    async fn cancel(&self, _call: &CancelCall) -> CancelVerdict {
        CancelVerdict::Unknown { reason: "reverse: not implemented yet".into() }
    }

    async fn lookup(&self, _call: &LookupCall) -> LookupVerdict {
        LookupVerdict::Unknown { reason: "lookup: not implemented yet".into() }
    }

    async fn refund(&self, _call: &RefundCall) -> RefundVerdict {
        RefundVerdict::Unknown { reason: "refund: not implemented yet".into() }
    }

    async fn query_refund(&self, _call: &RefundCall) -> RefundVerdict {
        RefundVerdict::Unknown { reason: "query_refund: not implemented yet".into() }
    }

    fn describe(&self) -> String {
        format!("Cloud Pay {}", self.active_base_url())
    }
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
    fn refuses_a_config_without_domains() {
        let mut cfg = CloudPayConfig::demo("http://127.0.0.1:1");
        cfg.base_urls.clear();
        assert_eq!(CloudPayClient::new(cfg).err(), Some(CloudPayError::NoBaseUrl));
    }
}
