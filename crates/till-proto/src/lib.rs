//! What a till sends its back office, shared by the till (which sends) and `till-office` (which
//! receives): the kinds of record, the envelope every record's JSON body has, typed views of the
//! bodies for the back office to read, and how a request is signed ([`sign`]).
//!
//! A record is `POST /v1/records` with its JSON body, signed ([`sign::Signer::headers`]). The body
//! always carries `kind`, `key` (the `Idempotency-Key` header's value) and `seq` (the till's outbox
//! sequence: 1, 2, 3, … without gaps); the rest depends on the kind ([`record`]). Amounts are
//! integer fen.

pub mod catalogue;
pub mod enrol;
pub mod orders;
pub mod promotions;
pub mod record;
pub mod release;
pub mod sign;
pub mod stock;

use serde::{Deserialize, Serialize};

/// Where records are posted.
pub const RECORDS_PATH: &str = "/v1/records";

/// The 401 a back office answers when a request's timestamp is outside its window: the till's
/// clock is wrong (or the office's), not the record. `{"error": …, "clock_skew": {…}}`: the till
/// keeps the record queued and says its clock is off, rather than taking the record as refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSkew {
    /// The request's `X-Till-Timestamp` (the till's clock), unix seconds.
    pub till: i64,
    /// The back office's clock when it answered, unix seconds.
    pub office: i64,
    /// How far apart the two may be, either way, in seconds.
    pub window: i64,
}

impl ClockSkew {
    /// The `clock_skew` of a refusal's JSON body, if it is one.
    pub fn of_answer(body: &str) -> Option<ClockSkew> {
        #[derive(Deserialize)]
        struct Answer {
            clock_skew: ClockSkew,
        }
        serde_json::from_str::<Answer>(body).ok().map(|a| a.clock_skew)
    }

    /// How far ahead the till's clock is (negative: behind), in seconds.
    pub fn till_ahead_secs(&self) -> i64 {
        self.till.saturating_sub(self.office)
    }
}

/// What a record is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Order,
    Refund,
    /// A closed day's Z report.
    #[serde(rename = "zreport")]
    ZReport,
    /// A goods-in or stock-count sheet applied (入库 / 盘点).
    Stock,
    /// A member's stored-value ledger entry (储值: a top-up, bonus, spend or refund to the balance).
    #[serde(rename = "stored_value")]
    StoredValue,
    /// A member created or edited at the till (会员资料), the phone masked.
    Member,
    /// A payment attempt in doubt (no definite answer from the platform yet), or its resolution.
    Doubt,
    /// A kind this build does not know: written by a newer version of the till (one rolled back
    /// from, say) or sent by one. A till still delivers the body as it was written (it never reads
    /// it); a back office refuses it as a record it cannot read (4xx: kept, retried slowly, and
    /// only the records of the same subject wait behind it).
    #[serde(other)]
    Unknown,
}

impl RecordKind {
    /// As in the body (`order`, `refund`, `zreport`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Order => "order",
            RecordKind::Refund => "refund",
            RecordKind::ZReport => "zreport",
            RecordKind::Stock => "stock",
            RecordKind::StoredValue => "stored_value",
            RecordKind::Member => "member",
            RecordKind::Doubt => "doubt",
            RecordKind::Unknown => "unknown",
        }
    }
}

/// The part of every record's body that is the same for all kinds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Envelope {
    pub kind: RecordKind,
    pub key: String,
    pub seq: u64,
}

/// Why a body is not a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    NotJson(String),
    /// Its `key` is not the request's `Idempotency-Key`.
    KeyMismatch,
    /// It is JSON with an envelope, but not a record of its kind.
    Malformed(String),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::NotJson(e) => write!(f, "body is not a record: {e}"),
            BodyError::KeyMismatch => write!(f, "not a record for its Idempotency-Key"),
            BodyError::Malformed(e) => write!(f, "malformed record: {e}"),
        }
    }
}

impl std::error::Error for BodyError {}

/// Reads a body sent under `idempotency_key`: the envelope, and the whole record of its kind.
pub fn read_body(body: &str, idempotency_key: &str) -> Result<record::Record, BodyError> {
    let envelope: Envelope = serde_json::from_str(body).map_err(|e| BodyError::NotJson(e.to_string()))?;
    if envelope.key != idempotency_key {
        return Err(BodyError::KeyMismatch);
    }
    record::Record::read(envelope.kind, body).map_err(|e| BodyError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_skew_refusal_is_told_from_any_other_401() {
        let skew = ClockSkew { till: 1_000_600, office: 1_000_000, window: 60 };
        let answer = serde_json::json!({ "error": "timestamp outside the window", "clock_skew": skew }).to_string();
        assert_eq!(ClockSkew::of_answer(&answer), Some(skew));
        assert_eq!(skew.till_ahead_secs(), 600);
        assert_eq!(ClockSkew::of_answer(r#"{"error":"bad signature"}"#), None);
        assert_eq!(ClockSkew::of_answer("<html>401</html>"), None);
    }

    #[test]
    fn kinds_read_and_write_as_the_till_always_sent_them() {
        for (kind, text) in [
            (RecordKind::Order, "order"),
            (RecordKind::Refund, "refund"),
            (RecordKind::ZReport, "zreport"),
            (RecordKind::Stock, "stock"),
            (RecordKind::Member, "member"),
            (RecordKind::Doubt, "doubt"),
            (RecordKind::Unknown, "unknown"),
        ] {
            assert_eq!(serde_json::to_string(&kind).ok(), Some(format!("\"{text}\"")));
            assert_eq!(kind.as_str(), text);
        }
    }

    #[test]
    fn a_body_must_be_json_for_its_key() {
        assert!(matches!(read_body("not json", "order:1"), Err(BodyError::NotJson(_))));
        assert_eq!(read_body(r#"{"kind":"order","key":"order:2","seq":1}"#, "order:1"), Err(BodyError::KeyMismatch));
        assert!(matches!(
            read_body(r#"{"kind":"order","key":"order:1","seq":1}"#, "order:1"),
            Err(BodyError::Malformed(_))
        ));
    }

    #[test]
    fn a_kind_from_a_newer_till_reads_as_unknown_and_is_refused_as_a_record_not_as_json() {
        let kind: RecordKind = serde_json::from_str("\"loyalty_card\"").expect("any kind reads");
        assert_eq!(kind, RecordKind::Unknown);
        let body = r#"{"kind":"loyalty_card","key":"loyalty:1","seq":9,"card":"x"}"#;
        assert!(matches!(read_body(body, "loyalty:1"), Err(BodyError::Malformed(_))));
    }
}
