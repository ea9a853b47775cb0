//! Cloud Pay business bodies (reference §3, §7) and what an answer means for the money (§5, §6).
//!
//! Pure: builds `request_content` strings and turns a received body into a [`Verdict`]. Field order in
//! the request structs is the wire order of the reference examples, so a request can be rebuilt byte
//! for byte from its inputs (the golden test in `tests/cloudpay_vectors.rs`).

pub use super::config::CloudPayConfig;
use super::sign;
use crate::core::clock::Millis;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::core::{Failure, PayCall, QueryCall, Verdict};
use crate::payments::untrusted;
use serde::{Deserialize, Serialize};

pub use super::lookup::{DetailOrder, DetailReceipt, OrderDetail, OrderDetailQuery, OrderDetailRequest};
pub use super::refund::{
    QueryRefundAnswer, QueryRefundRequest, RefundAnswer, RefundContent, RefundOrderContent, RefundRequest,
    RefundStateExt, ReverseAnswer, ReverseRequest,
};

/// The only currency Cloud Pay takes.
pub const FEE_TYPE: &str = "CNY";
/// TradeType 1: the customer shows a payment code that the till scans (刷卡).
pub const TRADE_TYPE_MICRO_PAY: u32 = 1;
/// `internal_status` of a micro_pay whose out_trade_no was already used with other data (reference §5):
/// the first order under that number may be paid, so this is never a failure and never reversible.
pub const INTERNAL_DUPLICATE_ORDER: i64 = 407;
/// How the simulator says "no such order" to query_order: status 104 + internal_status 400.
/// The platform's real representation is open question 9 (the SDK hints at a `400`); any other
/// representation stays `Unknown`, which keeps the till polling — safe, only slower.
pub const INTERNAL_ORDER_NOT_FOUND: i64 = 400;

/// `(pay_platform, sub_pay_platform)`: 1/100 WeChat Pay, 2/200 Alipay (reference §3.3, §4).
pub fn platform_numbers(platform: Platform) -> (u32, u32) {
    match platform {
        Platform::WeChat => (1, 100),
        Platform::Alipay => (2, 200),
    }
}

/// Merchant key (reference §3.3). `pay_platform` defaults to 0 because the official SDK omits it on
/// query_order (open question 4); the till always sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayMchKey {
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub pay_platform: u32,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub sub_pay_platform: Option<u32>,
    pub out_mch_id: String,
    pub out_sub_mch_id: String,
    pub out_shop_id: String,
}

/// Terminal info (reference §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderClient {
    pub device_id: String,
    pub staff_id: String,
    #[serde(deserialize_with = "super::json_int::de")]
    pub terminal_type: u32,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub sub_terminal_type: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_no: Option<String>,
    pub sdk_version: String,
    pub spbill_create_ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sn_code: Option<String>,
}

/// The charge itself (reference §3.5), exactly the fields the official SDK sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayContent {
    pub out_trade_no: String,
    pub author_code: String,
    /// Integer fen.
    #[serde(deserialize_with = "super::json_int::de")]
    pub total_fee: i64,
    pub fee_type: String,
    pub body: String,
}

/// `request_content` of `/cpay/micro_pay` (reference §7.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicroPayRequest {
    pub pay_mch_key: PayMchKey,
    pub pay_content: PayContent,
    pub order_client: OrderClient,
    pub nonce_str: String,
}

/// `request_content` of `/cpay/query_order` (reference §7.4); `trade_type` optional as in the SDK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryOrderRequest {
    pub pay_mch_key: PayMchKey,
    pub order_client: OrderClient,
    pub out_trade_no: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub trade_type: Option<u32>,
    pub nonce_str: String,
}

/// The answer to `/cpay/ping` (reference §7.2): only `status` is known; 0 means the domain is usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingAnswer {
    #[serde(deserialize_with = "super::json_int::de")]
    pub status: i64,
    #[serde(default)]
    pub description: String,
}

/// The body the official SDK posts to `/cpay/ping`; the only body known to get an answer.
pub const PING_BODY: &[u8] = b"JAVAPing";

pub fn micro_pay_content(cfg: &CloudPayConfig, call: &PayCall, nonce_str: &str) -> String {
    let request = MicroPayRequest {
        pay_mch_key: cfg.pay_mch_key(call.platform),
        pay_content: PayContent {
            out_trade_no: call.out_trade_no.clone(),
            author_code: call.code.clone(),
            total_fee: call.amount.0,
            fee_type: FEE_TYPE.into(),
            body: call.body.clone(),
        },
        order_client: cfg.order_client_for(call.staff_id.as_deref()),
        nonce_str: nonce_str.into(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

pub fn query_order_content(cfg: &CloudPayConfig, call: &QueryCall, nonce_str: &str) -> String {
    let request = QueryOrderRequest {
        pay_mch_key: cfg.pay_mch_key(call.platform),
        order_client: cfg.order_client(),
        out_trade_no: call.out_trade_no.clone(),
        trade_type: Some(match call.after {
            crate::core::QueryAfter::Qr => super::qr::TRADE_TYPE_SCAN_CODE,
            _ => TRADE_TYPE_MICRO_PAY,
        }),
        nonce_str: nonce_str.into(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

/// `response_content` decoded (reference §5, §7). Unknown fields are ignored: the platform adds them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResponseContent {
    #[serde(deserialize_with = "super::json_int::de")]
    pub status: i64,
    #[serde(default)]
    pub description: String,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub log_id: u64,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub internal_status: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub micro_pay: Option<OrderAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_order: Option<OrderAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse: Option<ReverseAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<RefundAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_refund_order: Option<QueryRefundAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_detail_query: Option<OrderDetailQuery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_code_pay: Option<super::qr::ScanCodePayAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_order: Option<super::qr::CloseOrderAnswer>,
}

/// The `micro_pay` / `query_order` object of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_mch_key: Option<PayMchKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_content: Option<OrderContent>,
    #[serde(default)]
    pub nonce_str: String,
}

/// The order as the platform knows it (reference §3.6; only what the till reads or the simulator writes).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderContent {
    pub out_trade_no: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub trade_type: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub time_end: Option<i64>,
    /// Required by the reference (§3.6); the till reads nothing of it.
    #[serde(default)]
    pub nonce_str: String,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub create_time: i64,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub last_update_time: i64,
    #[serde(default)]
    pub is_transforming: bool,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub total_fee: i64,
    #[serde(default)]
    pub fee_type: String,
    /// Refunded so far, in fen: only client_order_detail carries it (reference §3.6).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub refunded_fee: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wxpay_order_content_ext: Option<TradeStateExt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alipay_order_content_ext: Option<TradeStateExt>,
}

/// `current_trade_state` and its text, from either platform's extension object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TradeStateExt {
    #[serde(deserialize_with = "super::json_int::de")]
    pub current_trade_state: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_state_desc: Option<String>,
}

/// Which interface an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interface {
    MicroPay,
    QueryOrder,
    Reverse,
    Refund,
    QueryRefundOrder,
    ClientOrderDetail,
    ScanCodePay,
    CloseOrder,
}

impl Interface {
    pub fn name(self) -> &'static str {
        match self {
            Interface::MicroPay => "micro_pay",
            Interface::QueryOrder => "query_order",
            Interface::Reverse => "reverse",
            Interface::Refund => "refund",
            Interface::QueryRefundOrder => "query_refund_order",
            Interface::ClientOrderDetail => "client_order_detail",
            Interface::ScanCodePay => "scan_code_pay",
            Interface::CloseOrder => "close_order",
        }
    }
}

/// A decoded answer: the verdict plus what the log line needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<V = Verdict> {
    pub verdict: V,
    pub status: Option<i64>,
    pub log_id: Option<u64>,
}

/// A `response_content` whose signature checked out (or that came without one: `signed` false).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub content: ResponseContent,
    pub signed: bool,
}

/// Why a body is not a Cloud Pay answer at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAnAnswer {
    /// Not an envelope: an HTML page, garbage, a proxy's text. Says the domain is not the platform.
    Malformed,
    /// An envelope whose authen_code does not match.
    BadSignature,
    /// An envelope whose response_content is not a Cloud Pay object.
    BadContent,
}

impl NotAnAnswer {
    /// The kind the core is told.
    pub fn failure(self) -> Failure {
        match self {
            NotAnAnswer::BadSignature => Failure::BadSignature,
            NotAnAnswer::Malformed | NotAnAnswer::BadContent => Failure::BadAnswer,
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            NotAnAnswer::Malformed => "malformed answer (no response_content)",
            NotAnAnswer::BadSignature => "answer signature does not match",
            NotAnAnswer::BadContent => "malformed response_content",
        }
    }
}

/// Opens and verifies an answer body with the device's `key` (reference §2.3).
pub fn open_answer(key: &str, body: &[u8]) -> Result<Opened, NotAnAnswer> {
    let envelope = sign::open_response(body).map_err(|_| NotAnAnswer::Malformed)?;
    let code = envelope.authen_code();
    if let Some(code) = code
        && !sign::verify(key, &envelope.response_content, code)
    {
        return Err(NotAnAnswer::BadSignature);
    }
    let content =
        serde_json::from_str::<ResponseContent>(&envelope.response_content).map_err(|_| NotAnAnswer::BadContent)?;
    Ok(Opened { content, signed: code.is_some() })
}

/// Opens `body` and lets `decide` map it, or maps a body that is no answer with `unknown`.
pub fn read_with<V>(
    key: &str,
    body: &[u8],
    unknown: impl FnOnce(Failure) -> V,
    decide: impl FnOnce(&Opened) -> V,
) -> Answer<V> {
    match open_answer(key, body) {
        Ok(opened) => Answer {
            status: Some(opened.content.status),
            log_id: Some(opened.content.log_id),
            verdict: decide(&opened),
        },
        Err(e) => Answer { verdict: unknown(untrusted(e.failure(), e.reason())), status: None, log_id: None },
    }
}

/// An answer not trusted: the detail to the log, [`Failure::BadAnswer`] to the core.
fn unknown(detail: impl AsRef<str>) -> Verdict {
    Verdict::Unknown { reason: untrusted(Failure::BadAnswer, detail.as_ref()) }
}

/// Reads a received body for the order `out_trade_no` of `amount`, with the device's `key`.
pub fn read_answer(iface: Interface, key: &str, out_trade_no: &str, amount: Fen, body: &[u8]) -> Answer {
    read_with(
        key,
        body,
        |reason| Verdict::Unknown { reason },
        |o| decide(iface, o.signed, out_trade_no, amount, &o.content),
    )
}

/// Reads a query's answer for `call`. As [`read_answer`], and a "paid" for an order the platform
/// created before the attempt began is another sale's under a number issued twice: not this
/// customer's payment (issue 16).
pub fn read_query_answer(key: &str, call: &QueryCall, body: &[u8]) -> Answer {
    read_with(
        key,
        body,
        |reason| Verdict::Unknown { reason },
        |o| {
            let verdict = decide(Interface::QueryOrder, o.signed, &call.out_trade_no, call.amount, &o.content);
            let created = o.content.query_order.as_ref().and_then(|q| q.order_content.as_ref()).map(|c| c.create_time);
            match created {
                Some(secs) if matches!(verdict, Verdict::Paid { .. }) && call.predates_attempt(Millis(secs * 1000)) => {
                    call.earlier_sale()
                }
                _ => verdict,
            }
        },
    )
}

/// Whether a micro_pay verdict is the platform's "duplicate" (407): the number was taken.
pub fn is_duplicate(verdict: &Verdict) -> bool {
    verdict.is_number_taken()
}

fn decide(iface: Interface, signed: bool, out_trade_no: &str, amount: Fen, content: &ResponseContent) -> Verdict {
    let desc = || format!("{} ({})", content.description, content.status);
    if iface == Interface::MicroPay && content.internal_status == INTERNAL_DUPLICATE_ORDER {
        tracing::warn!(description = content.description, "order number already used with other data (407)");
        return Verdict::number_taken();
    }
    match (content.status, signed) {
        (0, false) => unknown("unsigned answer with status 0"),
        (0, true) => decide_order(iface, out_trade_no, amount, content),
        // A refused query says nothing about the order itself: only the charge request can fail.
        (101 | 102 | 104, _) if iface == Interface::QueryOrder => {
            if content.status == 104 && content.internal_status == INTERNAL_ORDER_NOT_FOUND && signed {
                Verdict::NotFound
            } else {
                unknown(format!("query refused: {}", desc()))
            }
        }
        // 101 comes unsigned (reference §5): the request was refused before any charge.
        (101, _) | (102 | 104, true) => Verdict::Failed { reason: Failure::Declined(desc()) },
        (102 | 104, false) => unknown(format!("unsigned refusal: {}", desc())),
        _ => unknown(format!("platform busy or unknown result: {}", desc())),
    }
}

fn decide_order(iface: Interface, out_trade_no: &str, amount: Fen, content: &ResponseContent) -> Verdict {
    let object = match iface {
        Interface::MicroPay => content.micro_pay.as_ref(),
        Interface::QueryOrder => content.query_order.as_ref(),
        _ => None,
    };
    let Some(order) = object.and_then(|o| o.order_content.as_ref()) else {
        return unknown(format!("answer without {} order_content", iface.name()));
    };
    if order.out_trade_no != out_trade_no {
        return unknown(format!("answer is about another order ({})", order.out_trade_no));
    }
    let fallback_reason = || {
        if content.description.is_empty() {
            "支付失败 / payment failed".to_string()
        } else {
            content.description.clone()
        }
    };
    let verdict = if let Some(wx) = &order.wxpay_order_content_ext {
        match wx.current_trade_state {
            // 4 = refunded after being paid: for a payment query the customer did pay.
            2..=4 => paid(order),
            1 | 6 | 9 => Verdict::UserPaying,
            5 | 7 | 8 | 10 | 11 => Verdict::Failed {
                reason: Failure::Declined(wx.trade_state_desc.clone().unwrap_or_else(fallback_reason)),
            },
            other => unknown(format!("unknown WeChat Pay state {other}")),
        }
    } else if let Some(ali) = &order.alipay_order_content_ext {
        match ali.current_trade_state {
            2 | 6 => paid(order),
            1 | 4 => Verdict::UserPaying,
            5 => Verdict::Failed {
                reason: Failure::Declined(ali.trade_state_desc.clone().unwrap_or_else(fallback_reason)),
            },
            7 if iface == Interface::QueryOrder => Verdict::NotFound,
            other => unknown(format!("unexpected Alipay state {other}")),
        }
    } else {
        return unknown("answer without a trade state");
    };
    // A paid answer for another amount is not the payment the till asked for: the platform's order
    // under this number is another sale's (the number was issued twice, issue 16).
    if matches!(verdict, Verdict::Paid { .. }) && order.total_fee != amount.0 {
        tracing::warn!(
            paid = order.total_fee,
            expected = amount.0,
            "paid for another amount: the number was another sale's"
        );
        return Verdict::number_taken();
    }
    verdict
}

fn paid(order: &OrderContent) -> Verdict {
    Verdict::Paid { transaction_id: order.transaction_id.clone().unwrap_or_default() }
}

#[cfg(test)]
mod tests;
