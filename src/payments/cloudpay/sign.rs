//! The Cloud Pay envelope and its HMAC-SHA256 `authen_code` (reference §2).
//!
//! The MAC covers the *string* `request_content` / `response_content` exactly as it travels (after the
//! outer JSON's escapes are decoded), so the inner JSON is never re-serialised before hashing.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// `authen_type` 1 = HMAC-SHA256, the only kind a device configured by QR code can use (reference §2.1).
pub const AUTHEN_HMAC_SHA256: u32 = 1;

/// `authen_info` of a request or response: `{"a":{"authen_type":1,"authen_code":"…"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<HmacAuthen>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HmacAuthen {
    #[serde(deserialize_with = "super::json_int::de")]
    pub authen_type: u32,
    pub authen_code: String,
}

/// A request body as received (the simulator's side).
#[derive(Debug, Clone, Deserialize)]
pub struct RequestEnvelope {
    pub request_content: String,
    #[serde(default)]
    pub authen_info: Option<AuthenInfo>,
}

/// A response body as received (the client's side).
#[derive(Debug, Clone, Deserialize)]
pub struct ResponseEnvelope {
    pub response_content: String,
    #[serde(default)]
    pub authen_info: Option<AuthenInfo>,
}

impl RequestEnvelope {
    pub fn authen_code(&self) -> Option<&str> {
        code_of(&self.authen_info)
    }
}

impl ResponseEnvelope {
    pub fn authen_code(&self) -> Option<&str> {
        code_of(&self.authen_info)
    }
}

fn code_of(info: &Option<AuthenInfo>) -> Option<&str> {
    info.as_ref()?.a.as_ref().map(|a| a.authen_code.as_str())
}

fn keyed(key: &str) -> HmacSha256 {
    // HMAC accepts keys of any length (long ones are hashed first), so the fallback is unreachable;
    // it exists only because the lints forbid unwrap.
    match <HmacSha256 as KeyInit>::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => <HmacSha256 as KeyInit>::new(&Default::default()),
    }
}

/// `UPPERCASE_HEX(HMAC_SHA256(key = authen_key bytes, msg = content bytes))` (reference §2.2).
pub fn authen_code(key: &str, content: &str) -> String {
    let mut mac = keyed(key);
    mac.update(content.as_bytes());
    hex::encode_upper(mac.finalize().into_bytes())
}

/// Checks `code` against the MAC of `content` in constant time.
///
/// Accepts upper- or lower-case hex: every documented answer is upper case, but the case carries no
/// security (the bytes compared are the same), and rejecting a lower-case answer would turn a paid
/// order into "unknown" for nothing. The simulator uses the same rule for requests (open question 10).
pub fn verify(key: &str, content: &str, code: &str) -> bool {
    let Ok(bytes) = hex::decode(code) else { return false };
    let mut mac = keyed(key);
    mac.update(content.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

fn signed(key: &str, content: &str) -> AuthenInfo {
    AuthenInfo { a: Some(HmacAuthen { authen_type: AUTHEN_HMAC_SHA256, authen_code: authen_code(key, content) }) }
}

#[derive(Serialize)]
struct RequestOut<'a> {
    request_content: &'a str,
    authen_info: AuthenInfo,
}

#[derive(Serialize)]
struct ResponseOut<'a> {
    response_content: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    authen_info: Option<AuthenInfo>,
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising structs of strings and numbers cannot fail; an empty body would be refused upstream.
    serde_json::to_string(value).unwrap_or_default()
}

/// The wire body of a request: `{"request_content":"…","authen_info":{"a":{…}}}`.
pub fn seal_request(key: &str, content: &str) -> String {
    to_json(&RequestOut { request_content: content, authen_info: signed(key, content) })
}

/// The wire body of a signed response.
pub fn seal_response(key: &str, content: &str) -> String {
    to_json(&ResponseOut { response_content: content, authen_info: Some(signed(key, content)) })
}

/// The wire body of a response without `authen_info`, as the platform sends for status 3 and 101.
pub fn unsigned_response(content: &str) -> String {
    to_json(&ResponseOut { response_content: content, authen_info: None })
}

pub fn open_request(body: &[u8]) -> Result<RequestEnvelope, serde_json::Error> {
    serde_json::from_slice(body)
}

pub fn open_response(body: &[u8]) -> Result<ResponseEnvelope, serde_json::Error> {
    serde_json::from_slice(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "SimAuthenKey0123456789abcdefABCD";

    /// Every wire body of reference §7, copied byte for byte.
    const VECTORS: &[(&str, &str)] = &[
        ("micro_pay_request", include_str!("../../../tests/fixtures/cloudpay/micro_pay_request.json")),
        ("micro_pay_response_paid", include_str!("../../../tests/fixtures/cloudpay/micro_pay_response_paid.json")),
        (
            "micro_pay_response_user_paying",
            include_str!("../../../tests/fixtures/cloudpay/micro_pay_response_user_paying.json"),
        ),
        (
            "micro_pay_response_status_103",
            include_str!("../../../tests/fixtures/cloudpay/micro_pay_response_status_103.json"),
        ),
        ("query_order_request", include_str!("../../../tests/fixtures/cloudpay/query_order_request.json")),
        ("query_order_response_paid", include_str!("../../../tests/fixtures/cloudpay/query_order_response_paid.json")),
        ("reverse_request", include_str!("../../../tests/fixtures/cloudpay/reverse_request.json")),
        ("reverse_response", include_str!("../../../tests/fixtures/cloudpay/reverse_response.json")),
        ("refund_request", include_str!("../../../tests/fixtures/cloudpay/refund_request.json")),
        ("refund_response", include_str!("../../../tests/fixtures/cloudpay/refund_response.json")),
        (
            "query_refund_order_request",
            include_str!("../../../tests/fixtures/cloudpay/query_refund_order_request.json"),
        ),
        (
            "query_refund_order_response",
            include_str!("../../../tests/fixtures/cloudpay/query_refund_order_response.json"),
        ),
        (
            "client_order_detail_request",
            include_str!("../../../tests/fixtures/cloudpay/client_order_detail_request.json"),
        ),
        (
            "client_order_detail_response",
            include_str!("../../../tests/fixtures/cloudpay/client_order_detail_response.json"),
        ),
        ("close_order_request", include_str!("../../../tests/fixtures/cloudpay/close_order_request.json")),
        ("close_order_response", include_str!("../../../tests/fixtures/cloudpay/close_order_response.json")),
    ];

    #[test]
    fn reference_test_vector() {
        assert_eq!(authen_code(KEY, r#"{"a":1}"#), "5133B571E797B905E4256CE12B83979C576F51F6A175C46BE2F84B1B9AB705A7");
    }

    #[test]
    fn every_worked_example_carries_our_mac() {
        for (name, body) in VECTORS {
            let (content, code) = if name.contains("request") {
                let env = open_request(body.as_bytes()).expect(name);
                let code = env.authen_code().map(str::to_string);
                (env.request_content, code)
            } else {
                let env = open_response(body.as_bytes()).expect(name);
                let code = env.authen_code().map(str::to_string);
                (env.response_content, code)
            };
            let code = code.expect(name);
            assert_eq!(authen_code(KEY, &content), code, "{name}");
            assert!(verify(KEY, &content, &code), "{name}");
        }
    }

    #[test]
    fn sealing_reproduces_the_reference_bodies() {
        for (name, body) in VECTORS {
            if name.contains("request") {
                let env = open_request(body.as_bytes()).expect(name);
                assert_eq!(seal_request(KEY, &env.request_content), *body, "{name}");
            } else {
                let env = open_response(body.as_bytes()).expect(name);
                assert_eq!(seal_response(KEY, &env.response_content), *body, "{name}");
            }
        }
        let unsigned = include_str!("../../../tests/fixtures/cloudpay/micro_pay_response_status_101.json");
        let env = open_response(unsigned.as_bytes()).expect("101");
        assert!(env.authen_code().is_none());
        assert_eq!(unsigned_response(&env.response_content), unsigned);
    }

    #[test]
    fn verify_accepts_either_case_and_refuses_tampering() {
        let content = r#"{"a":1}"#;
        let upper = authen_code(KEY, content);
        assert!(verify(KEY, content, &upper));
        assert!(verify(KEY, content, &upper.to_lowercase()));
        assert!(!verify(KEY, r#"{"a":2}"#, &upper));
        assert!(!verify("SimAuthenKey0123456789abcdefABCE", content, &upper));
        assert!(!verify(KEY, content, &upper[..62]));
        assert!(!verify(KEY, content, "not hex"));
        assert!(!verify(KEY, content, ""));
    }
}
