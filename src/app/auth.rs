//! Operators on the app side: argon2 off the render loop, operator records and the audit log in
//! the store. The core decides; this module hashes, checks and writes.

use crate::core::auth::{
    AuditEntry, AuditEvent, AuthEffect, AuthMsg, FIRST_OPERATOR, FIRST_PIN, Operator, PinHash, Role,
};
use crate::core::clock::Millis;
use crate::core::{Lang, Msg, SaveFailure};
use crate::i18n::staff::{StaffText, text};
use crate::store::{Put, Store, StoreError, Table};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// argon2id with 4 MiB and 2 passes, one lane. Measured (release, opt-level "s") on this project's
/// x86-64 build host: 13 ms per hash (8 MiB: 21 ms, 19 MiB/t=2, the crate's default: 59 ms).
/// argon2 is memory-bound; a Pi Zero 2 W (Cortex-A53 at 1 GHz, LPDDR2) runs it roughly 6–9 times
/// slower, so about 80–120 ms there: unnoticed at sign-in, and the board's 512 MB barely feel
/// 4 MiB. Five tries then a lockout protect a PIN at the till; the cost protects a copied store's
/// hashes. Each hash names its own parameters, so raising them later keeps old hashes valid.
pub const PIN_MEMORY_KIB: u32 = 4 * 1024;
pub const PIN_PASSES: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The hash function refused its input (never for a 4–8 digit PIN). Technician sees the reason.
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
    /// The operators table could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the operator record: {0}")]
    Json(#[from] serde_json::Error),
}

impl AuthError {
    /// What the cashier is told (the error itself is logged).
    pub fn save_failure(&self) -> SaveFailure {
        match self {
            AuthError::Store(e) => e.save_failure(),
            AuthError::Hash(_) | AuthError::Json(_) => SaveFailure::TillFault,
        }
    }
}

fn hasher() -> Result<Argon2<'static>, AuthError> {
    let params = Params::new(PIN_MEMORY_KIB, PIN_PASSES, 1, None).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A salted argon2id hash of `pin` as a PHC string. CPU work: call it off the render loop.
pub fn hash_pin(pin: &str) -> Result<PinHash, AuthError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    let hash = hasher()?.hash_password(pin.as_bytes(), &salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(PinHash(hash.to_string()))
}

/// The most memory and passes a stored PIN hash may ask for: more would stall the sign-in of a
/// small board (and could be a planted hash that does so on purpose).
const PIN_MEMORY_KIB_MAX: u32 = 64 * 1024;
const PIN_PASSES_MAX: u32 = 8;

/// Whether a PIN hash from outside (`till import`) is one this till would have made: argon2id
/// version 19, one lane, at least the till's memory and passes (never weaker, so a copied store
/// cannot bring a cheap hash in) and at most what a small board checks in time.
pub fn check_pin_hash(hash: &str) -> Result<(), String> {
    let parsed = PasswordHash::new(hash).map_err(|_| "the PIN hash is not a PHC string".to_string())?;
    if parsed.algorithm.as_str() != "argon2id" || parsed.version != Some(19) {
        return Err(format!("the PIN hash is {} v{:?}, not argon2id v19", parsed.algorithm, parsed.version));
    }
    let params = Params::try_from(&parsed).map_err(|e| format!("the PIN hash's parameters: {e}"))?;
    let (m, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
    if !(PIN_MEMORY_KIB..=PIN_MEMORY_KIB_MAX).contains(&m) || !(PIN_PASSES..=PIN_PASSES_MAX).contains(&t) || p != 1 {
        return Err(format!(
            "the PIN hash's parameters m={m} t={t} p={p} are outside m={PIN_MEMORY_KIB}..={PIN_MEMORY_KIB_MAX} \
             t={PIN_PASSES}..={PIN_PASSES_MAX} p=1"
        ));
    }
    if parsed.salt.is_none_or(|s| s.len() < 16) || parsed.hash.is_none_or(|h| h.len() < 32) {
        return Err("the PIN hash has no salt or a short output".into());
    }
    Ok(())
}

/// Whether `pin` is the one `hash` was made from (with the parameters the hash names).
pub fn verify_pin(pin: &str, hash: &PinHash) -> bool {
    match PasswordHash::new(&hash.0) {
        Ok(parsed) => Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "an operator's PIN hash is damaged: no PIN matches it");
            false
        }
    }
}

/// The fresh till's operator: 01, a supervisor, PIN 0000, to be changed at the first sign-in.
pub fn first_operator(lang: Lang) -> Result<Operator, AuthError> {
    let name = text(lang, StaffText::FirstOperatorName);
    let mut op = Operator::new(FIRST_OPERATOR, name, Role::Supervisor, hash_pin(FIRST_PIN)?);
    op.must_change_pin = true;
    Ok(op)
}

pub fn save_operator(store: &dyn Store, op: &Operator) -> Result<(), AuthError> {
    Ok(store.write_records(&[Put::json(Table::Operators, op.number.clone(), op)?], None)?)
}

/// The store's operators; a store without any gets [`first_operator`] (written at once). A damaged
/// record is left out and logged: the others still sign in, and `till operators` can replace it.
pub fn load_operators(store: &dyn Store, lang: Lang) -> Result<Vec<Operator>, AuthError> {
    let records = store.records(Table::Operators)?;
    if records.is_empty() {
        let first = first_operator(lang)?;
        save_operator(store, &first)?;
        tracing::info!("no operators yet: operator 01 created with the first-start PIN, to be changed");
        return Ok(vec![first]);
    }
    Ok(records
        .into_iter()
        .filter_map(|(key, json)| match serde_json::from_str::<Operator>(&json) {
            Ok(op) => Some(op),
            Err(e) => {
                tracing::error!(key, error = %e, "operator record damaged: left out");
                None
            }
        })
        .collect())
}

/// Where the store notes that training mode is on (`settings/training` → the entry that began
/// it), so that a till stopped during training writes, at its next start, the end its audit log is
/// owed ([`end_interrupted_training`]).
const TRAINING_MARK: &str = "training";

/// Appends an audit entry. Training's beginning sets the training mark first, its end removes it
/// after: a cut between the two writes at worst leaves an end entry the next start adds again.
pub fn append_audit(store: &dyn Store, entry: &AuditEntry) -> Result<u64, AuthError> {
    if let AuditEvent::Training { on: true, .. } = entry.event {
        store.write_records(&[Put::json(Table::Settings, TRAINING_MARK, entry)?], None)?;
    }
    let seq = store.append_record(Table::Audit, &serde_json::to_string(entry)?)?;
    if let AuditEvent::Training { on: false, .. } = entry.event {
        store.write_records(&[Put::remove(Table::Settings, TRAINING_MARK)], None)?;
    }
    Ok(seq)
}

/// At start: a till stopped during training (a pulled plug, a restart) comes back out of it, as a
/// shop expects — its next customer is real, and nothing of training was kept. Its audit log gets
/// the end it is owed (`AuditEvent::TrainingInterrupted`, by whoever began it), so no "began" is
/// left without an "ended". Returns the entry written, if one was.
pub fn end_interrupted_training(store: &dyn Store, now: Millis) -> Result<Option<AuditEntry>, AuthError> {
    let Some(mark) = store.record(Table::Settings, TRAINING_MARK)? else { return Ok(None) };
    let began: Option<AuditEntry> = serde_json::from_str(&mark).ok();
    let entry = AuditEntry {
        at: now,
        operator: began.as_ref().map(|b| b.operator.clone()).unwrap_or_default(),
        event: AuditEvent::TrainingInterrupted { since: began.map_or(now, |b| b.at) },
    };
    store.append_record(Table::Audit, &serde_json::to_string(&entry)?)?;
    store.write_records(&[Put::remove(Table::Settings, TRAINING_MARK)], None)?;
    Ok(Some(entry))
}

/// The newest `limit` audit entries, newest first.
pub fn read_audit(store: &dyn Store, limit: usize) -> Result<Vec<AuditEntry>, AuthError> {
    let records = store.records(Table::Audit)?;
    Ok(records
        .iter()
        .rev()
        .take(limit)
        .filter_map(|(key, json)| match serde_json::from_str(json) {
            Ok(entry) => Some(entry),
            Err(e) => {
                tracing::error!(key, error = %e, "audit entry unreadable: not shown");
                None
            }
        })
        .collect())
}

/// Audit entries shown on screen at most.
const AUDIT_SHOWN: usize = 500;

/// Runs one of the core's operator effects. Writes are awaited (in order, flushed); PIN work runs
/// on the blocking pool and answers later.
pub async fn run(effect: AuthEffect, store: Arc<dyn Store>, msgs: UnboundedSender<Msg>) {
    match effect {
        AuthEffect::VerifyPin { number, pin, hash } => {
            tokio::spawn(async move {
                let ok = tokio::task::spawn_blocking(move || verify_pin(pin.expose(), &hash)).await.unwrap_or(false);
                tracing::info!(number, ok, "PIN checked");
                let _ = msgs.send(Msg::Auth(AuthMsg::PinChecked { number, ok }));
            });
        }
        AuthEffect::HashPin { number, pin } => {
            tokio::spawn(async move {
                match tokio::task::spawn_blocking(move || hash_pin(pin.expose())).await {
                    Ok(Ok(hash)) => {
                        let _ = msgs.send(Msg::Auth(AuthMsg::PinHashed { number, hash }));
                    }
                    Ok(Err(e)) => failed(&msgs, e.save_failure(), &e),
                    Err(e) => failed(&msgs, SaveFailure::TillFault, &e),
                }
            });
        }
        AuthEffect::Save(op) => {
            let number = op.number.clone();
            let done = tokio::task::spawn_blocking(move || save_operator(store.as_ref(), &op)).await;
            match done {
                Ok(Ok(())) => tracing::info!(number, "operator saved"),
                Ok(Err(e)) => failed(&msgs, e.save_failure(), &e),
                Err(e) => failed(&msgs, SaveFailure::TillFault, &e),
            }
        }
        AuthEffect::Audit(entry) => {
            let done = tokio::task::spawn_blocking(move || append_audit(store.as_ref(), &entry)).await;
            match done {
                Ok(Ok(seq)) => tracing::debug!(seq, "audit entry appended"),
                Ok(Err(e)) => failed(&msgs, e.save_failure(), &e),
                Err(e) => failed(&msgs, SaveFailure::TillFault, &e),
            }
        }
        AuthEffect::LoadAudit => {
            let read = tokio::task::spawn_blocking(move || read_audit(store.as_ref(), AUDIT_SHOWN)).await;
            match read {
                Ok(Ok(entries)) => {
                    let _ = msgs.send(Msg::Auth(AuthMsg::Audit { entries }));
                }
                Ok(Err(e)) => failed(&msgs, e.save_failure(), &e),
                Err(e) => failed(&msgs, SaveFailure::TillFault, &e),
            }
        }
    }
}

fn failed(msgs: &UnboundedSender<Msg>, why: SaveFailure, error: &dyn std::fmt::Display) {
    tracing::error!(%error, "operator record or audit log not written");
    let _ = msgs.send(Msg::Auth(AuthMsg::SaveFailed { why }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RedbStore;

    #[test]
    fn an_imported_pin_hash_must_have_the_tills_parameters() {
        let ours = hash_pin("482915").expect("hash");
        assert_eq!(check_pin_hash(&ours.0), Ok(()));
        let weak = ours.0.replace("m=4096,t=2", "m=8,t=1");
        assert!(check_pin_hash(&weak).is_err(), "{weak}");
        let huge = ours.0.replace("m=4096", "m=4194304");
        assert!(check_pin_hash(&huge).is_err(), "{huge}");
        assert!(check_pin_hash(&ours.0.replace("argon2id", "argon2i")).is_err());
        assert!(check_pin_hash("not a hash").is_err());
    }

    #[test]
    fn a_pin_hash_is_salted_argon2id_and_checks_only_its_pin() {
        let started = std::time::Instant::now();
        let a = hash_pin("482915").expect("hash");
        let elapsed = started.elapsed();
        let b = hash_pin("482915").expect("hash");
        assert!(a.0.starts_with("$argon2id$v=19$m=4096,t=2,p=1$"), "{}", a.0);
        assert_ne!(a, b, "each hash has its own salt");
        assert!(!a.0.contains("482915"));
        assert!(verify_pin("482915", &a) && verify_pin("482915", &b));
        assert!(!verify_pin("482914", &a) && !verify_pin("", &a));
        assert!(!verify_pin("482915", &PinHash("not a hash".into())));
        // Debug builds are slower; this only catches a cost set far too high for the till.
        assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?}");
    }

    #[test]
    fn operators_round_trip_through_the_store_without_their_pin() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let store = RedbStore::open(dir.path()).expect("open");
            let ops = load_operators(&store, Lang::Zh).expect("load");
            assert_eq!(ops.len(), 1);
            let first = &ops[0];
            assert_eq!((first.number.as_str(), first.role, first.must_change_pin), ("01", Role::Supervisor, true));
            assert!(verify_pin(FIRST_PIN, &first.pin_hash));
            let mut li = Operator::new("02", "李", Role::Cashier, hash_pin("739164").expect("hash"));
            li.locked_until = Some(crate::core::clock::Millis(5));
            li.lockouts = 2;
            save_operator(&store, &li).expect("save");
        }
        let store = RedbStore::open(dir.path()).expect("reopen");
        let ops = load_operators(&store, Lang::Zh).expect("load");
        assert_eq!(ops.iter().map(|o| o.number.as_str()).collect::<Vec<_>>(), ["01", "02"], "not seeded twice");
        assert_eq!((ops[1].lockouts, ops[1].locked_until), (2, Some(crate::core::clock::Millis(5))));
        assert!(verify_pin("739164", &ops[1].pin_hash));
        let json = store.record(Table::Operators, "02").expect("read").expect("record");
        assert!(!json.contains("739164"), "{json}");
        assert!(json.contains("$argon2id$"), "{json}");
    }

    /// A till stopped during training: at the next start the audit log gets the end it is owed,
    /// once; a training that ended normally leaves nothing to end.
    #[test]
    fn a_till_stopped_during_training_ends_it_in_the_audit_log_at_the_next_start() {
        let dir = tempfile::tempdir().expect("tempdir");
        let entry = |at: i64, on: bool| AuditEntry {
            at: Millis(at),
            operator: "01".into(),
            event: AuditEvent::Training { on, sales: 0 },
        };
        {
            let store = RedbStore::open(dir.path()).expect("open");
            append_audit(&store, &entry(10, true)).expect("began");
            append_audit(&store, &entry(20, false)).expect("ended");
            assert_eq!(end_interrupted_training(&store, Millis(30)).expect("start"), None, "ended normally");
            append_audit(&store, &entry(40, true)).expect("began again");
            // The plug is pulled here.
        }
        let store = RedbStore::open(dir.path()).expect("reopen");
        let end = end_interrupted_training(&store, Millis(50)).expect("start").expect("an end written");
        assert_eq!((end.at, end.operator.as_str()), (Millis(50), "01"));
        assert_eq!(end.event, AuditEvent::TrainingInterrupted { since: Millis(40) });
        assert_eq!(end_interrupted_training(&store, Millis(60)).expect("next start"), None, "once");
        let log = read_audit(&store, 10).expect("read");
        assert_eq!(log.first().map(|e| &e.event), Some(&AuditEvent::TrainingInterrupted { since: Millis(40) }));
        assert_eq!(log.len(), 4);
    }

    #[test]
    fn the_audit_log_reads_back_newest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        for (i, event) in
            [crate::core::auth::AuditEvent::SignedIn, crate::core::auth::AuditEvent::SignedOut].into_iter().enumerate()
        {
            let at = crate::core::clock::Millis(i as i64);
            append_audit(&store, &AuditEntry { at, operator: "01".into(), event }).expect("append");
        }
        let read = read_audit(&store, 10).expect("read");
        assert_eq!(read.iter().map(|e| e.at.0).collect::<Vec<_>>(), [1, 0]);
        assert_eq!(read[0].event, crate::core::auth::AuditEvent::SignedOut);
    }
}
