//! [`Gateway`] for Cloud Pay: each core call becomes one (or, for a lookup, a few) platform calls,
//! each answer a verdict (reference §5–§7).

use super::client::{CallSpec, CloudPayClient, Resend, nonce};
use super::lookup::{self, DETAIL_MAX_PAGES, DetailFound, OrderFound};
use super::proto::{self, Interface};
use super::qr;
use super::refund;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::core::{
    CancelCall, CancelVerdict, Failure, LookupCall, LookupVerdict, PayCall, QrCall, QrVerdict, QueryAfter, QueryCall,
    RefundCall, RefundVerdict, Verdict,
};
use crate::payments::Gateway;

fn spec(iface: Interface, number: &str, resend: Resend) -> CallSpec<'_> {
    CallSpec { iface, number, code: None, resend }
}

impl CloudPayClient {
    /// query_order for a lookup, under one guess of the wallet: a payment-code order (`trade_type` 1),
    /// else a QR order (2).
    async fn lookup_order(&self, out_trade_no: &str, platform: Platform) -> OrderFound {
        match self.lookup_order_of(out_trade_no, platform, QueryAfter::Unknown).await {
            OrderFound::NotFound => self.lookup_order_of(out_trade_no, platform, QueryAfter::Qr).await,
            found => found,
        }
    }

    async fn lookup_order_of(&self, out_trade_no: &str, platform: Platform, after: QueryAfter) -> OrderFound {
        let Ok(nonce) = nonce() else { return OrderFound::Unknown(Failure::TillFault) };
        let query = QueryCall {
            order_id: 0,
            out_trade_no: out_trade_no.to_string(),
            platform,
            amount: Fen::ZERO,
            after,
            started_at: crate::core::clock::Millis(0),
        };
        let content = proto::query_order_content(&self.cfg, &query, &nonce);
        let key = &self.cfg.authen_key;
        let read = |b: &[u8]| lookup::read_order(key, out_trade_no, b);
        self.call(spec(Interface::QueryOrder, out_trade_no, Resend::Once), &content, read, |e| {
            OrderFound::Unknown(e.failure())
        })
        .await
    }

    /// `refunded_fee` from client_order_detail, paging through the order's time window; `None` when
    /// the list gives no answer for this order.
    async fn refunded_fee(&self, out_trade_no: &str, platform: Platform, create_time: i64, total: Fen) -> Option<Fen> {
        for page in 1..=DETAIL_MAX_PAGES {
            let nonce = nonce().ok()?;
            let content = lookup::order_detail_content(&self.cfg, platform, create_time, page, &nonce);
            let key = &self.cfg.authen_key;
            let read = |b: &[u8]| lookup::read_detail(key, out_trade_no, page, b);
            let iface = Interface::ClientOrderDetail;
            match self
                .call(spec(iface, out_trade_no, Resend::Once), &content, read, |e| DetailFound::Unknown(e.to_string()))
                .await
            {
                DetailFound::Refunded { refunded, total: listed } if listed == total => return Some(refunded),
                DetailFound::NotOnPage { more: true } => continue,
                _ => return None,
            }
        }
        None
    }
}

impl Gateway for CloudPayClient {
    async fn reachable(&self) -> bool {
        // From the domain in use round the others: a dead domain is also left for a live one.
        !self.config().is_set_up() || self.probe().await.is_some()
    }

    async fn clock(&self) -> Option<i64> {
        self.take_answer_date()
    }

    async fn micro_pay(&self, call: &PayCall) -> Verdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return Verdict::Unknown { reason: e.failure() },
        };
        let content = proto::micro_pay_content(&self.cfg, call, &nonce);
        let key = &self.cfg.authen_key;
        let read = |b: &[u8]| proto::read_answer(Interface::MicroPay, key, &call.out_trade_no, call.amount, b);
        // Never re-sent on another domain: the core's next query settles it there.
        let spec = CallSpec {
            iface: Interface::MicroPay,
            number: &call.out_trade_no,
            code: Some(&call.code),
            resend: Resend::Never,
        };
        let verdict = self
            .call(spec, &content, read, |e| match e {
                // Nothing left the box: definitely not charged, the cashier may try again at once.
                e if e.failure().never_left() => Verdict::Failed { reason: e.failure() },
                e => Verdict::Unknown { reason: e.failure() },
            })
            .await;
        if proto::is_duplicate(&verdict) {
            self.duplicates.note(&call.out_trade_no);
        }
        verdict
    }

    async fn query(&self, call: &QueryCall) -> Verdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return Verdict::Unknown { reason: e.failure() },
        };
        let content = proto::query_order_content(&self.cfg, call, &nonce);
        let key = &self.cfg.authen_key;
        let checked = self.duplicates.checked(call);
        let read = |b: &[u8]| proto::read_query_answer(key, &checked, b);
        let spec = spec(Interface::QueryOrder, &call.out_trade_no, Resend::Once);
        self.call(spec, &content, read, |e| Verdict::Unknown { reason: e.failure() }).await
    }

    async fn cancel(&self, call: &CancelCall) -> CancelVerdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return CancelVerdict::Unknown { reason: e.failure() },
        };
        let content = refund::reverse_content(&self.cfg, call, &nonce);
        let key = &self.cfg.authen_key;
        let read = |b: &[u8]| refund::read_reverse(key, b);
        let spec = spec(Interface::Reverse, &call.out_trade_no, Resend::Once);
        self.call(spec, &content, read, |e| CancelVerdict::Unknown { reason: e.failure() }).await
    }

    async fn scan_code_pay(&self, call: &QrCall) -> QrVerdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return QrVerdict::Unknown { reason: e.failure() },
        };
        let content = qr::scan_code_pay_content(&self.cfg, call, &nonce);
        let key = &self.cfg.authen_key;
        let read = |b: &[u8]| qr::read_scan_code_pay(key, b);
        // Never re-sent on another domain: an unknown answer is closed under the same number.
        let spec = spec(Interface::ScanCodePay, &call.out_trade_no, Resend::Never);
        self.call(spec, &content, read, |e| match e {
            e if e.failure().never_left() => QrVerdict::Failed { reason: e.failure() },
            e => QrVerdict::Unknown { reason: e.failure() },
        })
        .await
    }

    async fn close_order(&self, call: &CancelCall) -> CancelVerdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return CancelVerdict::Unknown { reason: e.failure() },
        };
        let content = qr::close_order_content(&self.cfg, call, &nonce);
        let key = &self.cfg.authen_key;
        let read = |b: &[u8]| qr::read_close_order(key, b);
        let spec = spec(Interface::CloseOrder, &call.out_trade_no, Resend::Once);
        self.call(spec, &content, read, |e| CancelVerdict::Unknown { reason: e.failure() }).await
    }

    async fn lookup(&self, call: &LookupCall) -> LookupVerdict {
        // Without the wallet, WeChat first then Alipay (reference §8: no documented way to ask
        // without pay_platform; the SDK's omission is not relied on).
        let guesses = match call.platform {
            Some(p) => vec![p],
            None => vec![Platform::WeChat, Platform::Alipay],
        };
        let mut found = OrderFound::NotFound;
        for platform in guesses {
            found = self.lookup_order(&call.out_trade_no, platform).await;
            if found != OrderFound::NotFound {
                break;
            }
        }
        let (platform, create_time, total) = match &found {
            OrderFound::Found { platform, create_time, total, .. } => (*platform, *create_time, *total),
            OrderFound::NotFound => return LookupVerdict::NotFound,
            OrderFound::Unknown(reason) => return LookupVerdict::Unknown { reason: reason.clone() },
        };
        let refunded = self.refunded_fee(&call.out_trade_no, platform, create_time, total).await;
        match lookup::platform_order(&call.out_trade_no, &found, refunded) {
            Ok(order) => LookupVerdict::Found(order),
            Err(detail) => LookupVerdict::Unknown { reason: crate::payments::untrusted(Failure::BadAnswer, &detail) },
        }
    }

    async fn refund(&self, call: &RefundCall) -> RefundVerdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return RefundVerdict::Unknown { reason: e.failure() },
        };
        let content = refund::refund_content(&self.cfg, call, &nonce);
        let key = &self.cfg.authen_key;
        let read = |b: &[u8]| refund::read_refund(key, call, b);
        // Re-sent on a new domain with the same out_refund_no: the platform refunds a number once.
        let spec = spec(Interface::Refund, &call.out_refund_no, Resend::Once);
        self.call(spec, &content, read, |e| RefundVerdict::Unknown { reason: e.failure() }).await
    }

    async fn query_refund(&self, call: &RefundCall) -> RefundVerdict {
        let nonce = match nonce() {
            Ok(n) => n,
            Err(e) => return RefundVerdict::Unknown { reason: e.failure() },
        };
        let content = refund::query_refund_content(&self.cfg, call, &nonce);
        let key = &self.cfg.authen_key;
        let read = |b: &[u8]| refund::read_query_refund(key, call, b);
        let spec = spec(Interface::QueryRefundOrder, &call.out_refund_no, Resend::Once);
        self.call(spec, &content, read, |e| RefundVerdict::Unknown { reason: e.failure() }).await
    }

    fn describe(&self) -> String {
        format!("Cloud Pay {}", self.active_host())
    }
}
