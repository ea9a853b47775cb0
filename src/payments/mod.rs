//! The payment platforms as the till's `app` sees them: a [`Gateway`] takes the core's calls and
//! answers with verdicts, never an error — every failure is already mapped to what it means for
//! the money (`Unknown` when nobody can tell whether the customer was charged or refunded).

pub mod choice;
pub mod cloudpay;
pub mod duplicates;
pub mod http;
pub mod training;
pub mod weishouyin;

pub use choice::Payments;

/// What the core is told of an answer it cannot trust: its kind; `detail` (what was wrong with
/// it) goes to the log only.
pub(crate) fn untrusted(kind: crate::core::Failure, detail: &str) -> crate::core::Failure {
    tracing::warn!(detail, ?kind, "platform answer not trusted");
    kind
}

use crate::core::configure::{ConfigChange, Merchant};
use crate::core::{
    CancelCall, CancelVerdict, LookupCall, LookupVerdict, PayCall, QrCall, QrVerdict, QueryCall, RefundCall,
    RefundVerdict, SetupFailure, SetupInfo, Verdict,
};
use std::future::Future;

/// A payment platform: charges payment codes, answers queries, cancels, refunds.
pub trait Gateway: Send + Sync {
    /// Charges the customer's payment code once for `call.out_trade_no`.
    fn micro_pay(&self, call: &PayCall) -> impl Future<Output = Verdict> + Send;
    /// Asks the platform what became of `call.out_trade_no`.
    fn query(&self, call: &QueryCall) -> impl Future<Output = Verdict> + Send;
    /// Cancels (reverses) an unpaid or unknown payment so that it can never be charged later.
    fn cancel(&self, call: &CancelCall) -> impl Future<Output = CancelVerdict> + Send;
    /// The order behind a receipt's number: state, total, refunded so far.
    fn lookup(&self, call: &LookupCall) -> impl Future<Output = LookupVerdict> + Send;
    /// Asks for a refund.
    fn refund(&self, call: &RefundCall) -> impl Future<Output = RefundVerdict> + Send;
    /// Asks what became of a refund (`Accepted` or `Unknown` before).
    fn query_refund(&self, call: &RefundCall) -> impl Future<Output = RefundVerdict> + Send;
    /// Where requests go now, for the status bar (e.g. `Cloud Pay sz.pay.qcloud.com`).
    fn describe(&self) -> String;
    /// Whether the platform answers now (a ping): decides whether the till takes payment codes.
    fn reachable(&self) -> impl Future<Output = bool> + Send {
        async { true }
    }
    /// The platform's time as its answer to the last [`Gateway::reachable`] told it (unix seconds):
    /// 微收银 `time.php`, the `Date` of a Cloud Pay answer. `None` when it told none; the till's
    /// clock is then not checked (`core::platform_clock`).
    fn clock(&self) -> impl Future<Output = Option<i64>> + Send {
        async { None }
    }
    /// The platform's own receipt for a payment or refund just made (微收银 `printinfo`, already
    /// decoded to ESC/POS bytes), keyed by out_trade_no / out_refund_no; printed after the till's.
    fn take_slip(&self, _number: &str) -> Option<Vec<u8>> {
        None
    }
    /// The platform's link can be read and forged by anyone on the network: it is not HTTPS (and
    /// not the loopback simulator). Shown permanently on the status line and by `till doctor`.
    fn insecure_link(&self) -> Option<String> {
        None
    }
    /// Reads a scanned configuration code (Cloud Pay `use_device_setting` URL): fetches the
    /// settings it names and keeps them aside, unused, until [`Gateway::apply_setup`]. The error is
    /// one line for the cashier.
    fn read_setup(&self, _code: &str) -> impl Future<Output = Result<ConfigChange, SetupFailure>> + Send {
        async { Err(SetupFailure::WrongPlatform) }
    }
    /// Stores and uses the settings last read, if they are for `merchant` (the one a supervisor
    /// confirmed); from now on payments go there.
    fn apply_setup(&self, _merchant: &Merchant) -> impl Future<Output = Result<SetupInfo, SetupFailure>> + Send {
        async { Err(SetupFailure::WrongPlatform) }
    }
    /// Asks for a one-off payment QR that the customer scans (Cloud Pay `scan_code_pay`). A platform
    /// without one (微收银) refuses definitely: the till hides the option there anyway.
    fn scan_code_pay(&self, _call: &QrCall) -> impl Future<Output = QrVerdict> + Send {
        async { QrVerdict::Failed { reason: crate::core::Failure::NotSetUp } }
    }
    /// Closes an unpaid QR order (Cloud Pay `close_order`, `trade_type` 2) so it can no longer be paid.
    fn close_order(&self, _call: &CancelCall) -> impl Future<Output = CancelVerdict> + Send {
        async { CancelVerdict::Unsupported }
    }
    /// Asks the platform for its receipt of a paid order again (微收银 `pay_printinfo.php`).
    fn reprint(&self, _transaction_id: &str) -> impl Future<Output = Option<Vec<u8>>> + Send {
        async { None }
    }
}

/// Whether `url` is a link whose answers anyone on the network could forge: not `https`, unless
/// the host is a loopback address (the simulator on the till itself).
pub fn is_insecure_link(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url.trim()) else { return !url.trim().is_empty() };
    if parsed.scheme() == "https" {
        return false;
    }
    let host = parsed.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) || host == "localhost";
    !(parsed.scheme() == "http" && loopback)
}

#[cfg(test)]
mod link_tests {
    use super::is_insecure_link;

    #[test]
    fn only_https_or_loopback_is_a_secure_platform_link() {
        for secure in ["https://dct.semoor.cn/", "http://127.0.0.1:8080", "http://localhost/x", "http://[::1]:9/", ""] {
            assert!(!is_insecure_link(secure), "{secure}");
        }
        for insecure in ["http://dct.semoor.cn/", "http://10.0.2.100", "http://127.0.0.1.evil.cn/", "ftp://x/", "dct"] {
            assert!(is_insecure_link(insecure), "{insecure}");
        }
    }
}
