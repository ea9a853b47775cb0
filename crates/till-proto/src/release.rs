//! Upgrades for a fleet: the back office hosts the vendor's signed bundles and offers each till the
//! release assigned to it; it never holds the signing key, and the till checks every bundle's
//! signature itself (as it does one from a USB stick).
//!
//! `GET /v1/release?running=V&target=T&rolled_back_from=W`, signed as a catalogue request is
//! ([`crate::sign`], empty body) with the idempotency key [`signing_key`]: the till says the
//! version it runs, the board it is, and the version it was rolled back from (empty: none), and
//! the answer is the bundle to fetch, if any. `GET /v1/bundles/<sha256>`, signed with
//! [`bundle_signing_key`], is the bundle's bytes.

use serde::{Deserialize, Serialize};

pub const RELEASE_PATH: &str = "/v1/release";
pub const BUNDLES_PATH: &str = "/v1/bundles";

/// What the till says of itself when it asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseQuery {
    pub running: String,
    pub target: String,
    /// The version its last upgrade was rolled back from (`till-boot-slot`), empty when none.
    #[serde(default)]
    pub rolled_back_from: String,
}

impl ReleaseQuery {
    /// The query string, each value percent-encoded.
    pub fn query_string(&self) -> String {
        format!(
            "running={}&target={}&rolled_back_from={}",
            encode(&self.running),
            encode(&self.target),
            encode(&self.rolled_back_from)
        )
    }
}

/// Percent-encodes everything but unreserved characters (versions and targets are ASCII).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The idempotency key a release request is signed with: its whole query, so the office knows
/// the report is the till's.
pub fn signing_key(q: &ReleaseQuery) -> String {
    format!("release:{}:{}:{}", q.running, q.target, q.rolled_back_from)
}

/// The idempotency key a bundle download is signed with.
pub fn bundle_signing_key(sha256: &str) -> String {
    format!("bundle:{sha256}")
}

/// A bundle the office offers this till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub version: String,
    /// Hex SHA-256 of the whole bundle file: where to fetch it, and what to expect.
    pub sha256: String,
    pub size: u64,
}

/// The answer to a release request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReleaseAnswer {
    #[serde(default)]
    pub offer: Option<Offer>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_encoded_and_signed_whole() {
        let q = ReleaseQuery {
            running: "0.2.0".into(),
            target: "aarch64-unknown-linux-gnu".into(),
            rolled_back_from: "0.3.0+rc 1".into(),
        };
        assert_eq!(q.query_string(), "running=0.2.0&target=aarch64-unknown-linux-gnu&rolled_back_from=0.3.0%2Brc%201");
        assert_eq!(signing_key(&q), "release:0.2.0:aarch64-unknown-linux-gnu:0.3.0+rc 1");
    }
}
