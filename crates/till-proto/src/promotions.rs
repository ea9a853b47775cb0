//! The way down for promotions: the back office's promotions reach the tills as numbered sets.
//!
//! `GET /v1/promotions?after=N`, signed as a catalogue request is ([`crate::sign`]) with the
//! idempotency key [`signing_key`]`(N)` and an empty body. Promotions are few and are replaced as a
//! whole (as the till's own CSV import does), so the answer is the newest set when its version is
//! after `N`, else no set. Promotions are the till's promotion JSON (id, name, kind, value, scope,
//! dates, days, hours).

use serde::{Deserialize, Serialize};

pub const PROMOTIONS_PATH: &str = "/v1/promotions";

/// The idempotency key a promotions request is signed with.
pub fn signing_key(after: i64) -> String {
    format!("promotions:{after}")
}

/// One version of the office's promotions: all of them, replacing the till's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionSet {
    pub version: i64,
    pub promotions: Vec<serde_json::Value>,
}

/// The answer: the newest set if the till does not have it yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PromotionChanges {
    #[serde(default)]
    pub set: Option<PromotionSet>,
}
