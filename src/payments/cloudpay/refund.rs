//! Reverse (撤单), refund and refund query bodies (reference §3.7, §7.5–§7.7) and what their answers
//! mean for the money. Pure, like [`super::proto`]; field order is the wire order of the reference.

use super::proto::{Answer, CloudPayConfig, FEE_TYPE, Opened, OrderClient, PayMchKey, ResponseContent, read_with};
use crate::core::{CancelCall, CancelVerdict, Failure, RefundCall, RefundVerdict};
use crate::payments::untrusted;
use serde::{Deserialize, Serialize};

/// `internal_status` of a refused query_refund_order that means "this order has no refunds" (reference
/// §5, from the official SDK).
pub const INTERNAL_NO_REFUNDS: i64 = 426;

/// `request_content` of `/cpay/reverse` (reference §7.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseRequest {
    pub pay_mch_key: PayMchKey,
    pub order_client: OrderClient,
    pub out_trade_no: String,
    pub nonce_str: String,
}

/// The `reverse` object of an answer: only a nonce.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReverseAnswer {
    #[serde(default)]
    pub nonce_str: String,
}

/// What to refund (reference §3.7): exactly the five fields the official SDK sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundContent {
    pub out_trade_no: String,
    pub out_refund_no: String,
    /// The order's total, fen.
    #[serde(deserialize_with = "super::json_int::de")]
    pub total_fee: i64,
    /// This refund, fen.
    #[serde(deserialize_with = "super::json_int::de")]
    pub refund_fee: i64,
    pub refund_fee_type: String,
}

/// `request_content` of `/cpay/refund` (reference §7.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    pub pay_mch_key: PayMchKey,
    pub refund_content: RefundContent,
    pub order_client: OrderClient,
    pub nonce_str: String,
}

/// `request_content` of `/cpay/query_refund_order` (reference §7.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryRefundRequest {
    pub pay_mch_key: PayMchKey,
    pub order_client: OrderClient,
    pub out_trade_no: String,
    #[serde(default)]
    pub out_refund_no: String,
    pub nonce_str: String,
}

/// A refund as the platform knows it (reference §3.7; what the till reads or the simulator writes).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RefundOrderContent {
    pub out_refund_no: String,
    #[serde(default)]
    pub refund_id: String,
    #[serde(default)]
    pub out_trade_no: String,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub trade_type: u32,
    /// Required by the reference (§3.7); the till reads nothing of it.
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
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub refund_fee: i64,
    #[serde(default)]
    pub refund_fee_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wxpay_refund_order_content_ext: Option<RefundStateExt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alipay_refund_order_content_ext: Option<RefundStateExt>,
}

/// The refund state of either platform: WeChat names it `state`, Alipay `refund_status`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RefundStateExt {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub state: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub refund_status: Option<u32>,
}

/// The `refund` object of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RefundAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_mch_key: Option<PayMchKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_order_content: Option<RefundOrderContent>,
    #[serde(default)]
    pub nonce_str: String,
}

/// The `query_refund_order` object of an answer: the refunds are an array.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QueryRefundAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_mch_key: Option<PayMchKey>,
    #[serde(default)]
    pub refund_order_content: Vec<RefundOrderContent>,
    #[serde(default)]
    pub nonce_str: String,
}

pub fn reverse_content(cfg: &CloudPayConfig, call: &CancelCall, nonce_str: &str) -> String {
    let request = ReverseRequest {
        pay_mch_key: cfg.pay_mch_key(call.platform),
        order_client: cfg.order_client(),
        out_trade_no: call.out_trade_no.clone(),
        nonce_str: nonce_str.into(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

pub fn refund_content(cfg: &CloudPayConfig, call: &RefundCall, nonce_str: &str) -> String {
    let request = RefundRequest {
        pay_mch_key: cfg.pay_mch_key(call.platform),
        refund_content: RefundContent {
            out_trade_no: call.out_trade_no.clone(),
            out_refund_no: call.out_refund_no.clone(),
            total_fee: call.total.0,
            refund_fee: call.amount.0,
            refund_fee_type: FEE_TYPE.into(),
        },
        order_client: cfg.order_client_for(call.staff_id.as_deref()),
        nonce_str: nonce_str.into(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

pub fn query_refund_content(cfg: &CloudPayConfig, call: &RefundCall, nonce_str: &str) -> String {
    let request = QueryRefundRequest {
        pay_mch_key: cfg.pay_mch_key(call.platform),
        order_client: cfg.order_client(),
        out_trade_no: call.out_trade_no.clone(),
        out_refund_no: call.out_refund_no.clone(),
        nonce_str: nonce_str.into(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

fn described(content: &ResponseContent) -> String {
    format!("{} ({})", content.description, content.status)
}

/// A definite refusal: 101 (comes unsigned, reference §5), or 102/104 with a valid signature.
fn refused(opened: &Opened) -> bool {
    matches!((opened.content.status, opened.signed), (101, _) | (102 | 104, true))
}

/// Reads a reverse answer (reference §7.5): only a signed status 0 with its `reverse` object cancels.
pub fn read_reverse(key: &str, body: &[u8]) -> Answer<CancelVerdict> {
    let unknown = |r: &str| CancelVerdict::Unknown { reason: untrusted(Failure::BadAnswer, r) };
    read_with(
        key,
        body,
        |reason| CancelVerdict::Unknown { reason },
        |o| match (o.content.status, o.signed) {
            (0, true) if o.content.reverse.is_some() => CancelVerdict::Cancelled,
            (0, _) => unknown("status 0 without a signed reverse object"),
            _ if refused(o) => CancelVerdict::Refused { reason: Failure::Declined(described(&o.content)) },
            _ => unknown(&format!("platform busy or unknown result: {}", described(&o.content))),
        },
    )
}

/// What a refund's platform state says: `Some(true)` succeeded, `Some(false)` failed, `None` still
/// processing (reference §4: WeChat 2 / 3,5,6 / 1,4; Alipay 2 / 3 / 1).
pub fn refund_outcome(refund: &RefundOrderContent) -> Option<bool> {
    if let Some(wx) = refund.wxpay_refund_order_content_ext.as_ref().and_then(|e| e.state) {
        return match wx {
            2 => Some(true),
            3 | 5 | 6 => Some(false),
            _ => None,
        };
    }
    match refund.alipay_refund_order_content_ext.as_ref().and_then(|e| e.refund_status) {
        Some(2) => Some(true),
        Some(3) => Some(false),
        _ => None,
    }
}

fn refund_verdict(refund: &RefundOrderContent, call: &RefundCall) -> RefundVerdict {
    if refund.out_refund_no != call.out_refund_no || refund.refund_fee != call.amount.0 {
        let detail = format!(
            "answer is about refund {} of {} fen, the till asked {} of {}",
            refund.out_refund_no, refund.refund_fee, call.out_refund_no, call.amount.0
        );
        return RefundVerdict::Unknown { reason: untrusted(Failure::BadAnswer, &detail) };
    }
    let refund_id = refund.refund_id.clone();
    match refund_outcome(refund) {
        Some(true) => RefundVerdict::Refunded { refund_id },
        Some(false) => {
            tracing::info!(out_refund_no = refund.out_refund_no, "refund failed at the wallet");
            RefundVerdict::Failed { reason: Failure::Declined("退款失败 / refund failed at the wallet".into()) }
        }
        None => RefundVerdict::Accepted { refund_id },
    }
}

/// Reads a refund answer (reference §7.6): status 0 = accepted unless its state already says more;
/// the answer must echo the refund asked for.
pub fn read_refund(key: &str, call: &RefundCall, body: &[u8]) -> Answer<RefundVerdict> {
    let unknown = |r: &str| RefundVerdict::Unknown { reason: untrusted(Failure::BadAnswer, r) };
    read_with(
        key,
        body,
        |reason| RefundVerdict::Unknown { reason },
        |o| match (o.content.status, o.signed) {
            (0, true) => match o.content.refund.as_ref().and_then(|r| r.refund_order_content.as_ref()) {
                Some(refund) => refund_verdict(refund, call),
                None => unknown("answer without refund_order_content"),
            },
            (0, false) => unknown("unsigned answer with status 0"),
            _ if refused(o) => RefundVerdict::Failed { reason: Failure::Declined(described(&o.content)) },
            _ => unknown(&format!("platform busy or unknown result: {}", described(&o.content))),
        },
    )
}

/// Reads a query_refund_order answer (reference §7.7): the refund's state decides; "no refund orders"
/// (internal_status 426, signed) is `NotFound`.
pub fn read_query_refund(key: &str, call: &RefundCall, body: &[u8]) -> Answer<RefundVerdict> {
    let unknown = |r: &str| RefundVerdict::Unknown { reason: untrusted(Failure::BadAnswer, r) };
    read_with(
        key,
        body,
        |reason| RefundVerdict::Unknown { reason },
        |o| match (o.content.status, o.signed) {
            (0, true) => {
                let Some(list) = o.content.query_refund_order.as_ref() else {
                    return unknown("answer without query_refund_order");
                };
                match list.refund_order_content.iter().find(|r| r.out_refund_no == call.out_refund_no) {
                    Some(refund) => refund_verdict(refund, call),
                    None => RefundVerdict::NotFound,
                }
            }
            (0, false) => unknown("unsigned answer with status 0"),
            (_, true) if o.content.internal_status == INTERNAL_NO_REFUNDS => RefundVerdict::NotFound,
            _ => unknown(&format!("refund query refused or busy: {}", described(&o.content))),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::code::Platform;
    use crate::core::money::Fen;
    use crate::payments::cloudpay::sign;

    const KEY: &str = "SimAuthenKey0123456789abcdefABCD";

    fn body(status: i64, internal_status: i64, signed: bool, edit: impl FnOnce(&mut ResponseContent)) -> Vec<u8> {
        let mut c = ResponseContent { status, description: "d".into(), internal_status, ..Default::default() };
        edit(&mut c);
        let json = serde_json::to_string(&c).expect("json");
        if signed { sign::seal_response(KEY, &json) } else { sign::unsigned_response(&json) }.into_bytes()
    }

    fn call() -> RefundCall {
        RefundCall {
            order_id: 1,
            out_trade_no: "T".into(),
            out_refund_no: "R".into(),
            platform: Platform::WeChat,
            transaction_id: String::new(),
            total: Fen(10),
            amount: Fen(4),
            refunded_before: Fen(0),
            staff_id: None,
        }
    }

    fn refund(wx_state: Option<u32>, ali_status: Option<u32>) -> RefundOrderContent {
        RefundOrderContent {
            out_refund_no: "R".into(),
            refund_id: "ID".into(),
            refund_fee: 4,
            wxpay_refund_order_content_ext: wx_state.map(|s| RefundStateExt { state: Some(s), refund_status: None }),
            alipay_refund_order_content_ext: ali_status.map(|s| RefundStateExt { state: None, refund_status: Some(s) }),
            ..Default::default()
        }
    }

    #[test]
    fn reverse_statuses() {
        let reverse = |c: &mut ResponseContent| c.reverse = Some(ReverseAnswer::default());
        assert_eq!(read_reverse(KEY, &body(0, 0, true, reverse)).verdict, CancelVerdict::Cancelled);
        for (status, signed) in [(0, false), (3, false), (103, true), (104, false), (102, false)] {
            let v = read_reverse(KEY, &body(status, 0, signed, reverse)).verdict;
            assert!(matches!(v, CancelVerdict::Unknown { .. }), "{status} {signed}: {v:?}");
        }
        assert!(matches!(read_reverse(KEY, &body(0, 0, true, |_| {})).verdict, CancelVerdict::Unknown { .. }));
        for (status, signed) in [(101, false), (102, true), (104, true)] {
            let v = read_reverse(KEY, &body(status, 0, signed, |_| {})).verdict;
            assert_eq!(v, CancelVerdict::Refused { reason: Failure::Declined(format!("d ({status})")) });
        }
    }

    #[test]
    fn refund_states_and_statuses() {
        let with = |r: RefundOrderContent| {
            move |c: &mut ResponseContent| {
                c.refund = Some(RefundAnswer { refund_order_content: Some(r), ..Default::default() })
            }
        };
        let id = || "ID".to_string();
        for (wx, ali, expected) in [
            (Some(2), None, RefundVerdict::Refunded { refund_id: id() }),
            (Some(4), None, RefundVerdict::Accepted { refund_id: id() }),
            (Some(1), None, RefundVerdict::Accepted { refund_id: id() }),
            (None, Some(2), RefundVerdict::Refunded { refund_id: id() }),
            (None, Some(1), RefundVerdict::Accepted { refund_id: id() }),
            (None, None, RefundVerdict::Accepted { refund_id: id() }),
        ] {
            assert_eq!(read_refund(KEY, &call(), &body(0, 0, true, with(refund(wx, ali)))).verdict, expected);
        }
        for (wx, ali) in [(Some(3), None), (Some(5), None), (Some(6), None), (None, Some(3))] {
            let v = read_refund(KEY, &call(), &body(0, 0, true, with(refund(wx, ali)))).verdict;
            assert!(matches!(v, RefundVerdict::Failed { .. }), "{wx:?} {ali:?}");
        }
        assert!(matches!(read_refund(KEY, &call(), &body(104, 0, true, |_| {})).verdict, RefundVerdict::Failed { .. }));
        for (status, signed) in [(0, false), (3, false), (103, true), (104, false)] {
            let v = read_refund(KEY, &call(), &body(status, 0, signed, with(refund(Some(2), None)))).verdict;
            assert!(matches!(v, RefundVerdict::Unknown { .. }), "{status} {signed}");
        }
    }

    #[test]
    fn refund_queries_know_no_refunds() {
        let list = |c: &mut ResponseContent| {
            c.query_refund_order =
                Some(QueryRefundAnswer { refund_order_content: vec![refund(Some(4), None)], ..Default::default() })
        };
        let accepted = RefundVerdict::Accepted { refund_id: "ID".into() };
        assert_eq!(read_query_refund(KEY, &call(), &body(0, 0, true, list)).verdict, accepted);
        let none = body(104, INTERNAL_NO_REFUNDS, true, |_| {});
        assert_eq!(read_query_refund(KEY, &call(), &none).verdict, RefundVerdict::NotFound);
        let unsigned = body(104, INTERNAL_NO_REFUNDS, false, |_| {});
        assert!(matches!(read_query_refund(KEY, &call(), &unsigned).verdict, RefundVerdict::Unknown { .. }));
        let refused = body(104, 0, true, |_| {});
        assert!(matches!(read_query_refund(KEY, &call(), &refused).verdict, RefundVerdict::Unknown { .. }));
    }
}
