//! How a record is signed for the back office: pure, shared by the till and the reference receiver.
//!
//! `X-Till-Signature = hex(HMAC-SHA256(key, timestamp + "\n" + idempotency key + "\n" + body))`,
//! lower-case hex; the timestamp is unix seconds as sent in `X-Till-Timestamp`.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const HEADER_DEVICE: &str = "X-Till-Device";
pub const HEADER_KEY_ID: &str = "X-Till-Key-Id";
pub const HEADER_TIMESTAMP: &str = "X-Till-Timestamp";
pub const HEADER_SIGNATURE: &str = "X-Till-Signature";
pub const HEADER_IDEMPOTENCY: &str = "Idempotency-Key";

/// The signature of one request.
pub fn signature(key: &str, timestamp: i64, idempotency_key: &str, body: &str) -> String {
    hex::encode(mac(key, timestamp, idempotency_key, body).finalize().into_bytes())
}

/// Whether `signature` (hex, either case) is the one for these parts; compared in constant time.
pub fn verify(key: &str, timestamp: i64, idempotency_key: &str, body: &str, signature: &str) -> bool {
    match hex::decode(signature) {
        Ok(bytes) => mac(key, timestamp, idempotency_key, body).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

fn mac(key: &str, timestamp: i64, idempotency_key: &str, body: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length: `new_from_slice` does not fail for it.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => <Hmac<Sha256> as KeyInit>::new(&Default::default()),
    };
    mac.update(format!("{timestamp}\n{idempotency_key}\n").as_bytes());
    mac.update(body.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed independently: Python's `hmac.new(key, msg, hashlib.sha256).hexdigest()`.
    const GOLDEN: &str = "0bff44c5014a69b2bd81c2766408b79261e06f925a7dece14e9bfafbe6bf383c";

    #[test]
    fn matches_an_independent_hmac_and_verifies_only_itself() {
        let (key, ts, idem, body) =
            ("demo-backoffice-key", 1_763_791_500, "order:0100005225112201010001", "{\"kind\":\"order\"}");
        assert_eq!(signature(key, ts, idem, body), GOLDEN);
        assert!(verify(key, ts, idem, body, &GOLDEN.to_uppercase()));
        assert!(!verify("another-key", ts, idem, body, GOLDEN));
        assert!(!verify(key, ts + 1, idem, body, GOLDEN));
        assert!(!verify(key, ts, "order:other", body, GOLDEN));
        assert!(!verify(key, ts, idem, "{}", GOLDEN));
        assert!(!verify(key, ts, idem, body, "not hex"));
    }
}
