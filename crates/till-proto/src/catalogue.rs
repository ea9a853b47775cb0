//! The way down: the back office's catalogue reaches the tills as numbered changesets.
//!
//! `GET /v1/catalogue?after=N`, signed as a record is ([`crate::sign`]) with the idempotency key
//! [`signing_key`]`(N)` and an empty body: the changesets after version `N` the till has applied,
//! oldest first, at most [`MAX_CHANGESETS`]. A till that has none (`after=0`) gets one `full`
//! changeset, the whole catalogue at the newest version, which replaces its own. Products are the
//! till's product JSON (barcode, name, price in fen, kind); stock counts are the tills' own and
//! never sent down.

use serde::{Deserialize, Serialize};

pub const CATALOGUE_PATH: &str = "/v1/catalogue";
pub const MAX_CHANGESETS: usize = 50;

/// The idempotency key a catalogue request is signed with.
pub fn signing_key(after: i64) -> String {
    format!("catalogue:{after}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changeset {
    pub version: i64,
    /// The whole catalogue: products not in it leave the till.
    #[serde(default)]
    pub full: bool,
    /// New and changed products.
    pub products: Vec<serde_json::Value>,
    /// Barcodes of products that leave.
    #[serde(default)]
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Changes {
    pub changesets: Vec<Changeset>,
}
