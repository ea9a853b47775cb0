//! How a record is signed for the back office: pure, shared by the till, its reference receiver
//! and till-office.
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
/// Not signed, only shown on the office's devices page: the till's program version and how many
/// records it has not delivered yet.
pub const HEADER_VERSION: &str = "X-Till-Version";
pub const HEADER_UNSYNCED: &str = "X-Till-Unsynced";

/// Who signs a request: the till's device id, the id of its key, and the key.
#[derive(Clone, Copy)]
pub struct Signer<'a> {
    pub device_id: &'a str,
    pub key_id: &'a str,
    pub key: &'a str,
}

impl Signer<'_> {
    /// The headers of one record's POST (besides `Content-Type: application/json`), signed at
    /// `timestamp` (unix seconds).
    pub fn headers(&self, timestamp: i64, idempotency_key: &str, body: &str) -> [(&'static str, String); 5] {
        [
            (HEADER_DEVICE, self.device_id.to_string()),
            (HEADER_KEY_ID, self.key_id.to_string()),
            (HEADER_TIMESTAMP, timestamp.to_string()),
            (HEADER_SIGNATURE, signature(self.key, timestamp, idempotency_key, body)),
            (HEADER_IDEMPOTENCY, idempotency_key.to_string()),
        ]
    }
}

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

    #[test]
    fn a_signers_headers_carry_the_signature_of_their_parts() {
        let signer = Signer { device_id: "till-1", key_id: "2", key: "demo-backoffice-key" };
        let headers = signer.headers(1_763_791_500, "order:0100005225112201010001", "{\"kind\":\"order\"}");
        let names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, [HEADER_DEVICE, HEADER_KEY_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE, HEADER_IDEMPOTENCY]);
        assert_eq!(headers[0].1, "till-1");
        assert_eq!(headers[1].1, "2");
        assert_eq!(headers[2].1, "1763791500");
        assert_eq!(headers[3].1, GOLDEN);
        assert_eq!(headers[4].1, "order:0100005225112201010001");
    }
}
