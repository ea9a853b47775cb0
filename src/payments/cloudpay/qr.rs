//! The customer scans the till's QR (主扫): `scan_code_pay` and `close_order` bodies and what their
//! answers mean (`docs/reference/dynamic-qr.md` §1). Pure, like [`super::proto`]. A QR order is
//! queried with `trade_type` 2 through [`super::proto::query_order_content`]; its states map as the
//! payment code's do, and the core reads "not found" as *waiting* for a QR (Alipay creates the trade
//! only when the customer scans, §1.5).

use super::proto::{Answer, CloudPayConfig, FEE_TYPE, OrderClient, PayMchKey, read_with};
use crate::core::{CancelCall, CancelVerdict, Failure, QrCall, QrVerdict};
use crate::payments::untrusted;
use serde::{Deserialize, Serialize};

/// TradeType 2: the customer scans the till's QR (扫码支付).
pub const TRADE_TYPE_SCAN_CODE: u32 = 2;

/// WeChat's `product_id` (dynamic-qr.md §1.2: "扫码支付必填" in the older reference; always sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WxpayPayContentExt {
    pub product_id: String,
}

/// `pay_content` of scan_code_pay (dynamic-qr.md §1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrPayContent {
    pub out_trade_no: String,
    #[serde(deserialize_with = "super::json_int::de")]
    pub total_fee: i64,
    pub fee_type: String,
    pub body: String,
    /// Unix seconds after which the order can no longer be paid.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub time_expire: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wxpay_pay_content_ext: Option<WxpayPayContentExt>,
}

/// `request_content` of `/cpay/scan_code_pay`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanCodePayRequest {
    pub pay_mch_key: PayMchKey,
    pub pay_content: QrPayContent,
    pub order_client: OrderClient,
    pub nonce_str: String,
}

/// The `scan_code_pay` object of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScanCodePayAnswer {
    #[serde(default)]
    pub code_url: String,
    #[serde(default)]
    pub nonce_str: String,
}

/// `request_content` of `/cpay/close_order` (dynamic-qr.md §1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseOrderRequest {
    pub pay_mch_key: PayMchKey,
    pub order_client: OrderClient,
    pub out_trade_no: String,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub trade_type: u32,
    pub nonce_str: String,
}

/// The `close_order` object of an answer: only a nonce.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CloseOrderAnswer {
    #[serde(default)]
    pub nonce_str: String,
}

pub fn scan_code_pay_content(cfg: &CloudPayConfig, call: &QrCall, nonce_str: &str) -> String {
    let wechat = call.platform == crate::core::code::Platform::WeChat;
    let request = ScanCodePayRequest {
        pay_mch_key: cfg.pay_mch_key(call.platform),
        pay_content: QrPayContent {
            out_trade_no: call.out_trade_no.clone(),
            total_fee: call.amount.0,
            fee_type: FEE_TYPE.into(),
            body: call.body.clone(),
            time_expire: Some(call.expires_at.0.div_euclid(1000)),
            wxpay_pay_content_ext: wechat.then(|| WxpayPayContentExt { product_id: call.out_trade_no.clone() }),
        },
        order_client: cfg.order_client_for(call.staff_id.as_deref()),
        nonce_str: nonce_str.into(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

pub fn close_order_content(cfg: &CloudPayConfig, call: &CancelCall, nonce_str: &str) -> String {
    let request = CloseOrderRequest {
        pay_mch_key: cfg.pay_mch_key(call.platform),
        order_client: cfg.order_client(),
        out_trade_no: call.out_trade_no.clone(),
        trade_type: TRADE_TYPE_SCAN_CODE,
        nonce_str: nonce_str.into(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

/// Whether a `code_url` can be drawn as a payment QR: a wallet's scheme, printable ASCII, short.
pub fn usable_code_url(url: &str) -> bool {
    (url.starts_with("weixin://") || url.starts_with("https://"))
        && url.len() <= 512
        && url.bytes().all(|b| b.is_ascii_graphic())
}

/// Reads a scan_code_pay answer: only a signed status 0 with a usable `code_url` issues a QR; a
/// signed (or 101) refusal is definite; anything else is unknown (the order may exist: it is closed).
pub fn read_scan_code_pay(key: &str, body: &[u8]) -> Answer<QrVerdict> {
    let unknown = |r: &str| QrVerdict::Unknown { reason: untrusted(Failure::BadAnswer, r) };
    read_with(
        key,
        body,
        |reason| QrVerdict::Unknown { reason },
        |o| {
            let desc = format!("{} ({})", o.content.description, o.content.status);
            match (o.content.status, o.signed) {
                (0, true) => match o.content.scan_code_pay.as_ref().map(|s| s.code_url.as_str()) {
                    Some(url) if usable_code_url(url) => QrVerdict::Issued { code_url: url.to_string() },
                    Some(_) => unknown("answer with an unusable code_url"),
                    None => unknown("answer without scan_code_pay"),
                },
                (0, false) => unknown("unsigned answer with status 0"),
                (101, _) | (102 | 104, true) => QrVerdict::Failed { reason: Failure::Declined(desc) },
                _ => unknown(&format!("platform busy or unknown result: {desc}")),
            }
        },
    )
}

/// Reads a close_order answer: a signed status 0 closes (the object may be named `close_order` or,
/// as in Tencent's example, `query_order`: judged by the status, §1.6).
pub fn read_close_order(key: &str, body: &[u8]) -> Answer<CancelVerdict> {
    let unknown = |r: &str| CancelVerdict::Unknown { reason: untrusted(Failure::BadAnswer, r) };
    read_with(
        key,
        body,
        |reason| CancelVerdict::Unknown { reason },
        |o| {
            let desc = format!("{} ({})", o.content.description, o.content.status);
            match (o.content.status, o.signed) {
                (0, true) => CancelVerdict::Cancelled,
                (0, false) => unknown("unsigned answer with status 0"),
                (101, _) | (102 | 104, true) => CancelVerdict::Refused { reason: Failure::Declined(desc) },
                _ => unknown(&format!("platform busy or unknown result: {desc}")),
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::code::Platform;
    use crate::core::money::Fen;
    use crate::payments::cloudpay::proto::ResponseContent;
    use crate::payments::cloudpay::sign;

    fn call(platform: Platform) -> QrCall {
        QrCall {
            order_id: 1,
            out_trade_no: "010000522512070100000001".into(),
            platform,
            amount: Fen(350),
            body: "shop".into(),
            expires_at: Millis(1_765_000_120_000),
            staff_id: None,
        }
    }

    #[test]
    fn wechat_requests_carry_product_id_and_alipay_ones_do_not() {
        let cfg = CloudPayConfig::demo("http://sim");
        let wx = scan_code_pay_content(&cfg, &call(Platform::WeChat), "n");
        assert!(wx.contains(r#""product_id":"010000522512070100000001""#), "{wx}");
        assert!(wx.contains(r#""time_expire":1765000120"#) && wx.contains(r#""machine_no""#), "{wx}");
        let ali = scan_code_pay_content(&cfg, &call(Platform::Alipay), "n");
        assert!(!ali.contains("product_id") && ali.contains(r#""pay_platform":2"#), "{ali}");
    }

    #[test]
    fn answers_issue_a_qr_only_when_signed_with_a_usable_url() {
        let key = "k";
        let seal = |c: &ResponseContent| sign::seal_response(key, &serde_json::to_string(c).expect("json"));
        let mut ok = ResponseContent { status: 0, ..Default::default() };
        ok.scan_code_pay =
            Some(ScanCodePayAnswer { code_url: "weixin://wxpay/bizpayurl?pr=3oi3IB6".into(), ..Default::default() });
        assert_eq!(
            read_scan_code_pay(key, seal(&ok).as_bytes()).verdict,
            QrVerdict::Issued { code_url: "weixin://wxpay/bizpayurl?pr=3oi3IB6".into() }
        );
        let mut bad = ok.clone();
        bad.scan_code_pay = Some(ScanCodePayAnswer { code_url: "javascript:alert(1)".into(), ..Default::default() });
        assert!(matches!(read_scan_code_pay(key, seal(&bad).as_bytes()).verdict, QrVerdict::Unknown { .. }));
        let wrong_key = sign::seal_response("other", &serde_json::to_string(&ok).expect("json"));
        assert!(matches!(read_scan_code_pay(key, wrong_key.as_bytes()).verdict, QrVerdict::Unknown { .. }));
        let refused = ResponseContent { status: 104, description: "x".into(), ..Default::default() };
        assert!(matches!(read_scan_code_pay(key, seal(&refused).as_bytes()).verdict, QrVerdict::Failed { .. }));
        let busy = ResponseContent { status: 103, ..Default::default() };
        assert!(matches!(read_scan_code_pay(key, seal(&busy).as_bytes()).verdict, QrVerdict::Unknown { .. }));
        // close_order: judged by the status, whatever the object is called.
        let closed = ResponseContent { status: 0, ..Default::default() };
        assert_eq!(read_close_order(key, seal(&closed).as_bytes()).verdict, CancelVerdict::Cancelled);
        assert!(matches!(read_close_order(key, seal(&refused).as_bytes()).verdict, CancelVerdict::Refused { .. }));
        assert!(matches!(read_close_order(key, b"<html>").verdict, CancelVerdict::Unknown { .. }));
    }
}
