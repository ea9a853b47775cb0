//! The HTTP transport to 微收银: form-encoded POSTs (GET for reprint), answers read in chunks up to
//! [`MAX_ANSWER_BYTES`], and the [`Gateway`] on top. Every failure of a payment call becomes
//! `Verdict::Unknown`: once a request may have left the box, only a query can say what happened.

use super::config::WeishouyinConfig;
use super::printinfo;
use super::proto::{self, ACTION_QUERY, ACTION_QUERY_TIMEOUT};
use super::sign;
use super::xml::{self, Answer};
use crate::core::code::mask_code;
use crate::core::{
    CancelCall, CancelVerdict, Failure, LookupCall, LookupVerdict, PayCall, QueryAfter, QueryCall, RefundCall,
    RefundVerdict, Verdict,
};
use crate::payments::Gateway;
use crate::payments::http::{self, TransportError};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

/// The largest answer read: the reference's biggest (a refund with receipt and popup) is ~5 KB.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Slips kept for `take_slip`; older ones are dropped (the till takes each right after the call).
const MAX_SLIPS: usize = 16;

const FORM: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// Why a call to 微收银 got no usable answer. For a payment the cashier sees "result unknown,
/// checking with the platform" for all of them, with this text in the details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeishouyinError {
    /// The HTTP client could not be built. Cashier: "WeChat Pay / Alipay unavailable".
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    /// No `{server}` yet: the pay configuration was never read. Cashier: "payment platform not configured".
    #[error("no payment server configured (read the pay configuration first)")]
    NoServer,
    /// The exchange itself failed (not sent, broken, slow, HTTP error, oversized): see
    /// [`TransportError`], shared with Cloud Pay.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The answer is not the XML expected. Cashier: "bad answer from the platform".
    #[error("bad answer: {0}")]
    BadAnswer(String),
    /// The platform refused (wrong activation code, sign error…), with its message. Cashier sees it.
    #[error("refused by the platform: {0}")]
    Refused(String),
    /// The platform does not know this device any more: activate again. Cashier: "device must be re-activated".
    #[error("device not known to the platform: activate again ({0})")]
    Reactivate(String),
}

impl WeishouyinError {
    /// The kind the core acts on; the text goes to the log only (`WeishouyinClient::op` logs it).
    pub fn failure(&self) -> Failure {
        match self {
            WeishouyinError::Setup(_) => Failure::TillFault,
            WeishouyinError::NoServer | WeishouyinError::Reactivate(_) => Failure::NotActivated,
            WeishouyinError::Transport(e) => e.failure(),
            WeishouyinError::BadAnswer(_) => Failure::BadAnswer,
            WeishouyinError::Refused(words) => Failure::Declined(words.clone()),
        }
    }
}

/// A 微收银 device client. One per till; share it behind an `Arc`.
pub struct WeishouyinClient {
    pub(super) cfg: WeishouyinConfig,
    pub(super) http: reqwest::Client,
    /// `{server}`, replaced when the pay configuration is read.
    server: RwLock<String>,
    slips: Mutex<VecDeque<(String, Vec<u8>)>>,
    /// Numbers answered "duplicate": their queries' "paid" is checked against the attempt's start.
    duplicates: crate::payments::duplicates::Duplicates,
    /// The platform's time read by the last ping (`time.php`, unix seconds; 0 for none).
    pinged_at: std::sync::atomic::AtomicI64,
}

impl std::fmt::Debug for WeishouyinClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WeishouyinClient").field("cfg", &self.cfg).field("server", &self.server()).finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(super) fn http_client(timeout_ms: u64, connect_timeout_ms: u64) -> Result<reqwest::Client, WeishouyinError> {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(timeout_ms))
        .connect_timeout(Duration::from_millis(connect_timeout_ms))
        // Payments go to the platform directly; a stray HTTP_PROXY must not reroute them.
        .no_proxy()
        .build()
        .map_err(|e| WeishouyinError::Setup(e.to_string()))
}

/// Sends one request and reads the whole answer, bounded in time and size.
pub(super) async fn exchange(request: reqwest::RequestBuilder, timeout_ms: u64) -> Result<Vec<u8>, WeishouyinError> {
    Ok(http::exchange(request, timeout_ms, MAX_ANSWER_BYTES, |_| {}).await?)
}

pub(super) fn form_body(params: &[(String, String)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        form.append_pair(name, value);
    }
    form.finish()
}

pub(super) fn parse_answer(bytes: &[u8]) -> Result<Answer, WeishouyinError> {
    xml::parse(bytes).map_err(|e| WeishouyinError::BadAnswer(e.to_string()))
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?']).next().unwrap_or(rest)
}

impl WeishouyinClient {
    pub fn new(cfg: WeishouyinConfig) -> Result<WeishouyinClient, WeishouyinError> {
        let http = http_client(cfg.timeout_ms, cfg.connect_timeout_ms)?;
        let server = RwLock::new(cfg.server.trim_end_matches('/').to_string());
        Ok(WeishouyinClient {
            cfg,
            http,
            server,
            slips: Mutex::new(VecDeque::new()),
            duplicates: Default::default(),
            pinged_at: Default::default(),
        })
    }

    pub fn config(&self) -> &WeishouyinConfig {
        &self.cfg
    }

    /// `{server}` in use now (empty before the pay configuration was read).
    pub fn server(&self) -> String {
        self.server.read().map_or_else(|p| p.into_inner().clone(), |s| s.clone())
    }

    pub(super) fn set_server(&self, server: &str) {
        let server = server.trim_end_matches('/').to_string();
        match self.server.write() {
            Ok(mut s) => *s = server,
            Err(poisoned) => *poisoned.into_inner() = server,
        }
    }

    /// Signs and posts `params` to `{server}/{path}`.
    pub(super) async fn post_signed(
        &self,
        path: &str,
        params: Vec<(String, String)>,
    ) -> Result<Answer, WeishouyinError> {
        let server = self.server();
        if server.is_empty() {
            return Err(WeishouyinError::NoServer);
        }
        self.post_to(&format!("{server}/{path}"), params).await
    }

    pub(super) async fn post_to(&self, url: &str, params: Vec<(String, String)>) -> Result<Answer, WeishouyinError> {
        let body = form_body(&sign::signed(params, &self.cfg.key));
        let request = self.http.post(url).header(reqwest::header::CONTENT_TYPE, FORM).body(body);
        parse_answer(&exchange(request, self.cfg.timeout_ms).await?)
    }

    /// One op.php call, logged: the action, the order, elapsed time and the outcome; never the key,
    /// the payment code only masked.
    async fn op(&self, action: &str, number: &str, params: Vec<(String, String)>) -> Result<Answer, WeishouyinError> {
        let started = Instant::now();
        let answer = self.post_signed("o2o-dm/op.php", params).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &answer {
            Ok(a) => tracing::info!(
                number,
                action,
                elapsed_ms,
                ok = a.attr("ok"),
                dm_id = a.attr("dm_id"),
                pay_id = a.attr("pay_id"),
                info = a.attr("info"),
                "weishouyin call"
            ),
            Err(e) => tracing::warn!(number, action, elapsed_ms, error = %e, "weishouyin call failed"),
        }
        answer
    }

    fn keep_slip(&self, number: &str, answer: &Answer) {
        let Some(text) = answer.printinfo.as_deref() else { return };
        match printinfo::decode(text) {
            Ok(bytes) if !bytes.is_empty() => {
                let mut slips = lock(&self.slips);
                slips.retain(|(n, _)| n != number);
                if slips.len() >= MAX_SLIPS {
                    slips.pop_front();
                }
                slips.push_back((number.to_string(), bytes));
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(number, error = %e, "weishouyin printinfo not kept"),
        }
    }

    async fn read(&self, dm_id: Option<&str>, out_trade_no: &str) -> Result<Answer, WeishouyinError> {
        let params = proto::read_params(&self.cfg, dm_id, out_trade_no);
        self.op("read", dm_id.unwrap_or(out_trade_no), params).await
    }
}

impl Gateway for WeishouyinClient {
    async fn reachable(&self) -> bool {
        let time = self.server_time().await;
        let secs = time.as_ref().map_or(0, |t| t.unix);
        self.pinged_at.store(secs, std::sync::atomic::Ordering::Relaxed);
        time.is_ok()
    }

    async fn clock(&self) -> Option<i64> {
        Some(self.pinged_at.swap(0, std::sync::atomic::Ordering::Relaxed)).filter(|&t| t > 0)
    }

    async fn micro_pay(&self, call: &PayCall) -> Verdict {
        let code = mask_code(&call.code);
        let verdict = match self.op("micropay", &call.out_trade_no, proto::micropay_params(&self.cfg, call)).await {
            Ok(answer) => {
                if answer.attr("err") == Some(proto::ERR_DUPLICATE) {
                    self.duplicates.note(&call.out_trade_no);
                }
                let verdict = proto::pay_verdict(&answer, call.amount, &call.out_trade_no, false);
                if matches!(verdict, Verdict::Paid { .. }) {
                    self.keep_slip(&call.out_trade_no, &answer);
                }
                verdict
            }
            // Nothing left the box: definitely not charged, and the platform is unreachable (as for
            // Cloud Pay: one transport error for both).
            Err(e) if e.failure().never_left() => Verdict::Failed { reason: e.failure() },
            Err(e) => Verdict::Unknown { reason: e.failure() },
        };
        tracing::info!(out_trade_no = call.out_trade_no, code, amount = %call.amount, ?verdict, "weishouyin micropay");
        verdict
    }

    async fn query(&self, call: &QueryCall) -> Verdict {
        let action = match call.after {
            QueryAfter::UserPaying => ACTION_QUERY,
            QueryAfter::Unknown | QueryAfter::NumberTaken | QueryAfter::Qr => ACTION_QUERY_TIMEOUT,
        };
        let params = proto::query_params(&self.cfg, action, &call.out_trade_no);
        let verdict = match self.op(action, &call.out_trade_no, params).await {
            Ok(answer) => proto::query_verdict(&answer, &self.duplicates.checked(call)),
            Err(e) => Verdict::Unknown { reason: e.failure() },
        };
        tracing::info!(out_trade_no = call.out_trade_no, action, ?verdict, "weishouyin query");
        verdict
    }

    async fn cancel(&self, _call: &CancelCall) -> CancelVerdict {
        // The platform has no cancel interface (reference §4): orders are settled by querying.
        CancelVerdict::Unsupported
    }

    async fn lookup(&self, call: &LookupCall) -> LookupVerdict {
        let verdict = match self.read(call.transaction_id.as_deref(), &call.out_trade_no).await {
            Ok(answer) => proto::lookup_verdict(&answer, &call.out_trade_no, call.platform),
            Err(e) => LookupVerdict::Unknown { reason: e.failure() },
        };
        tracing::info!(out_trade_no = call.out_trade_no, ?verdict, "weishouyin lookup");
        verdict
    }

    async fn refund(&self, call: &RefundCall) -> RefundVerdict {
        if call.amount.0 <= 0 {
            tracing::error!(out_refund_no = call.out_refund_no, "refund amount must be positive");
            return RefundVerdict::Failed { reason: Failure::TillFault };
        }
        let verdict = match self.op("refund", &call.out_refund_no, proto::refund_params(&self.cfg, call)).await {
            Ok(answer) => {
                let verdict = proto::refund_verdict(&answer, call);
                if matches!(verdict, RefundVerdict::Refunded { .. }) {
                    self.keep_slip(&call.out_refund_no, &answer);
                }
                verdict
            }
            Err(e) => RefundVerdict::Unknown { reason: e.failure() },
        };
        tracing::info!(out_refund_no = call.out_refund_no, amount = %call.amount, ?verdict, "weishouyin refund");
        verdict
    }

    async fn query_refund(&self, call: &RefundCall) -> RefundVerdict {
        // No refund-query interface (reference §1 step 4): read the bill and compare its refund total.
        let lookup = match self.read(Some(&call.transaction_id), &call.out_trade_no).await {
            Ok(answer) => proto::lookup_verdict(&answer, &call.out_trade_no, Some(call.platform)),
            Err(e) => LookupVerdict::Unknown { reason: e.failure() },
        };
        let verdict = proto::refund_confirmed(&lookup, call);
        tracing::info!(out_refund_no = call.out_refund_no, ?verdict, "weishouyin query_refund");
        verdict
    }

    fn insecure_link(&self) -> Option<String> {
        let server = self.server();
        [server.as_str(), self.cfg.base_url.as_str()]
            .into_iter()
            .find(|u| crate::payments::is_insecure_link(u))
            .map(|u| host_of(u).to_string())
    }

    fn describe(&self) -> String {
        let server = self.server();
        let host = host_of(if server.is_empty() { &self.cfg.base_url } else { &server });
        format!("微收银 {host}")
    }

    fn take_slip(&self, number: &str) -> Option<Vec<u8>> {
        let mut slips = lock(&self.slips);
        let i = slips.iter().position(|(n, _)| n == number)?;
        slips.remove(i).map(|(_, bytes)| bytes)
    }

    async fn reprint(&self, transaction_id: &str) -> Option<Vec<u8>> {
        self.reprint_slip(transaction_id).await.ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_the_host() {
        let client = WeishouyinClient::new(WeishouyinConfig::demo("http://dct.semoor.cn/")).expect("client");
        assert_eq!(client.describe(), "微收银 dct.semoor.cn");
        client.set_server("http://127.0.0.1:8080/");
        assert_eq!(client.describe(), "微收银 127.0.0.1:8080");
        assert_eq!(client.server(), "http://127.0.0.1:8080");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let client = WeishouyinClient::new(WeishouyinConfig::demo("http://x")).expect("client");
        assert!(!format!("{client:?}").contains(super::super::config::DEMO_KEY));
    }

    #[tokio::test]
    async fn without_a_server_nothing_is_sent_and_the_result_is_unknown() {
        let mut cfg = WeishouyinConfig::demo("http://127.0.0.1:1");
        cfg.server.clear();
        let client = WeishouyinClient::new(cfg).expect("client");
        let call = PayCall {
            order_id: 1,
            out_trade_no: "1".into(),
            platform: crate::core::code::Platform::WeChat,
            code: "134680423163089456".into(),
            amount: crate::core::money::Fen(1),
            body: "x".into(),
            items: vec![],
            staff_id: None,
        };
        assert!(matches!(client.micro_pay(&call).await, Verdict::Unknown { reason: Failure::NotActivated }));
    }

    #[test]
    fn slips_are_bounded_and_taken_once() {
        let client = WeishouyinClient::new(WeishouyinConfig::demo("http://x")).expect("client");
        for i in 0..(MAX_SLIPS + 3) {
            let answer = Answer { printinfo: Some(format!("\\x1b\\x40{i}")), ..Answer::default() };
            client.keep_slip(&i.to_string(), &answer);
        }
        assert_eq!(client.take_slip("0"), None, "the oldest were dropped");
        assert_eq!(client.take_slip("18"), Some(b"\x1b\x4018".to_vec()));
        assert_eq!(client.take_slip("18"), None);
    }
}
