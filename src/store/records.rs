//! Shop records beside the orders: operators, shifts, the audit log, the catalogue, settings,
//! promotions.
//!
//! Each table maps a text key to a JSON value. A write of several records — with, where it makes
//! something final, one record for the back office (a Z report) — is one transaction, flushed
//! before it returns. The audit log is append-only: the till can add to it, never change it.

use super::outbox::OutboxKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    Operators,
    Shifts,
    /// Append-only: written by [`super::Store::append_record`] only.
    Audit,
    Catalogue,
    /// Stock counts by barcode (moved by the order's save: `redb_stock.rs`; an earlier build's
    /// `due:<movement>` markers are finished at open).
    Stock,
    Settings,
    /// `<movement key>` → applied: each stock movement is applied once (see `redb_stock.rs`).
    StockMoves,
    /// The shop's promotions by id (`core::pricing::promo::Promotion` as JSON; `app/promotions.rs`).
    Promotions,
    /// Members (会员) by member number (`app/members.rs`).
    Members,
    /// `phone:<digits>` and `card:<barcode>` → member number: the members' lookup index.
    MemberKeys,
    /// `<point move key>` → the points moved: each move of a member's points is applied once
    /// (see `redb_members.rs`).
    MemberMoves,
    /// `<member>/<entry key>` → a stored-value ledger entry (储值), append-only: written with the
    /// order that made it (`redb_stored_value.rs`), never changed.
    StoredValue,
    /// `<member>` → the member's balance, the sum of their ledger, written with each entry.
    StoredBalance,
    /// `<member>` → the argon2id hash of the member's PIN for spending stored value.
    MemberPins,
    /// `<member>` → the secret of the member's dynamic code (hex; `app/member_code.rs`), never exported.
    MemberSecrets,
    /// `<member>` → the last step of their dynamic code taken (a code is never taken twice).
    MemberCodeSteps,
}

impl Table {
    /// Every table, in declaration order (strum).
    pub const ALL: &'static [Table] = <Table as strum::VariantArray>::VARIANTS;

    pub fn name(self) -> &'static str {
        match self {
            Table::Operators => "operators",
            Table::Shifts => "shifts",
            Table::Audit => "audit",
            Table::Catalogue => "catalogue",
            Table::Stock => "stock",
            Table::Settings => "settings",
            Table::StockMoves => "stock_moves",
            Table::Promotions => "promotions",
            Table::Members => "members",
            Table::MemberKeys => "member_keys",
            Table::MemberMoves => "member_moves",
            Table::StoredValue => "stored_value",
            Table::StoredBalance => "stored_balance",
            Table::MemberPins => "member_pins",
            Table::MemberSecrets => "member_secrets",
            Table::MemberCodeSteps => "member_code_steps",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.iter().copied().find(|t| t.name() == name)
    }
}

/// One record written, or removed with `value: None`. `value` is JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Put {
    pub table: Table,
    pub key: String,
    pub value: Option<String>,
}

impl Put {
    pub fn json<T: Serialize>(table: Table, key: impl Into<String>, value: &T) -> Result<Put, serde_json::Error> {
        Ok(Put { table, key: key.into(), value: Some(serde_json::to_string(value)?) })
    }

    pub fn remove(table: Table, key: impl Into<String>) -> Put {
        Put { table, key: key.into(), value: None }
    }
}

/// A record for the back office queued with a write (a closed day's Z report): queued once per
/// key, ever; its body is `{"kind", "key", "seq", "<field>": content}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatch {
    pub kind: OutboxKind,
    /// The idempotency key, e.g. `zreport:<shift id>`.
    pub key: String,
    /// What the records of one subject are delivered in order of (for an order: its number).
    pub subject: String,
    pub field: &'static str,
    pub content: serde_json::Value,
}

impl Dispatch {
    pub fn body(&self, seq: u64) -> Result<String, serde_json::Error> {
        let mut body = serde_json::Map::new();
        body.insert("kind".into(), serde_json::to_value(self.kind)?);
        body.insert("key".into(), self.key.clone().into());
        body.insert("seq".into(), seq.into());
        body.insert(self.field.into(), self.content.clone());
        serde_json::to_string(&body)
    }
}

/// The key of the `seq`-th appended record: fixed width, so text order is append order.
pub fn append_key(seq: u64) -> String {
    format!("{seq:020}")
}
