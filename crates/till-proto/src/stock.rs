//! The shop's stock levels, down to the tills (issue 21): "stock is the last count plus every
//! movement since, ordered by the till-side time; each till receives the shop's current levels".
//!
//! `GET /v1/stock?after=N&from=S`, signed as a catalogue request is ([`crate::sign`]) with the
//! idempotency key [`signing_key`]`(N, S)` and an empty body. `N` is the version of the levels the
//! till has (0: none); `S` the lowest outbox sequence of the till's own stock moves it has not yet
//! seen counted by the office. The answer has levels only when something moved since `N`.
//!
//! How a till combines them with its own moves, so nothing counts twice or not at all: the levels
//! count every record the office had when it answered, the requesting till's included; `own` lists
//! which of the till's own records at or after `S` those were (read in the same snapshot). The till
//! sets each product's count to its level plus the moves of its own records that are not in `own`
//! (not delivered yet, or delivered after the answer was read), in one durable write.

use serde::{Deserialize, Serialize};

pub const STOCK_PATH: &str = "/v1/stock";

/// The idempotency key a stock request is signed with.
pub fn signing_key(after: i64, from: u64) -> String {
    format!("stock:{after}:{from}")
}

/// The shop's levels as the office had them at `version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevels {
    /// The newest record of the shop's tills counted (a cursor: only grows).
    pub version: i64,
    /// Barcode → level, for every product the shop's tills keep stock of.
    pub levels: Vec<(String, i64)>,
    /// The requesting till's own records (outbox sequences, at or after `from`) counted in them.
    pub own: Vec<u64>,
}

/// The answer: the levels if they moved since the till's version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StockAnswer {
    #[serde(default)]
    pub levels: Option<StockLevels>,
}
