//! The dynamic member code on the app side (`core::member_code` has the design): each member's
//! secret (`member_secrets/<id>`, 20 random bytes as hex, made with the member, never logged or
//! exported), the TOTP (RFC 6238, HMAC-SHA1, 6 digits, 30-second steps), and the check a scanned
//! code waits for: within one step of now, never a step at or before the last taken
//! (`member_code_steps/<id>`, written before the answer).

use super::members::MembersError;
use crate::core::clock::Millis;
use crate::core::member_code::{CodeRefused, DIGITS, DynamicCode, WINDOW, step_of};
use crate::core::members::Member;
use crate::store::{Put, Store, Table};
use hmac::{Hmac, Mac};

/// A member's secret: its `Debug` shows nothing of it.
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

const SECRET_BYTES: usize = 20;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The code of `secret` at `step` (RFC 4226's dynamic truncation), zero-padded.
pub fn code_at(secret: &Secret, step: i64) -> String {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(&secret.0) else { return String::new() };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:0width$}", word % 10u32.pow(DIGITS as u32), width = DIGITS)
}

/// A new secret, from the system's random source.
fn new_secret() -> Result<Secret, MembersError> {
    let mut bytes = vec![0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|e| MembersError::Corrupt { key: "member_secrets".into(), reason: e.to_string() })?;
    Ok(Secret(bytes))
}

/// The member's secret, if they have one.
pub fn secret(store: &dyn Store, member: &str) -> Result<Option<Secret>, MembersError> {
    let Some(text) = store.record(Table::MemberSecrets, member)? else { return Ok(None) };
    let bytes = unhex(&text).ok_or_else(|| MembersError::Corrupt {
        key: format!("member_secrets/{member}"),
        reason: "not a secret".into(),
    })?;
    Ok(Some(Secret(bytes)))
}

/// The writes that give each of `members` without a secret a new one (in the members' own write).
pub fn secret_puts(store: &dyn Store, members: &[Member]) -> Result<Vec<Put>, MembersError> {
    let mut puts = Vec::new();
    for m in members {
        if store.record(Table::MemberSecrets, &m.id)?.is_none() && !puts.iter().any(|p: &Put| p.key == m.id) {
            let value = Some(hex(&new_secret()?.0));
            puts.push(Put { table: Table::MemberSecrets, key: m.id.clone(), value });
        }
    }
    Ok(puts)
}

/// The code the member's page shows at `at` (the simulator: `till members code <id>`).
pub fn current_code(store: &dyn Store, member: &str, at: Millis) -> Result<Option<String>, MembersError> {
    Ok(secret(store, member)?.map(|s| code_at(&s, step_of(at))))
}

/// The link a member page or authenticator app is set up with (`till members code-secret <id>`).
pub fn otpauth_uri(store: &dyn Store, member: &str) -> Result<Option<String>, MembersError> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let Some(s) = secret(store, member)? else { return Ok(None) };
    let mut base32 = String::new();
    for chunk in s.0.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            base32.push(char::from(ALPHABET[((n >> (35 - 5 * i)) & 31) as usize]));
        }
    }
    Ok(Some(format!("otpauth://totp/till:{member}?secret={base32}&digits={DIGITS}&period=30")))
}

fn equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `code` is its member's now (`at`, the till's clock), taking its step so it is never
/// taken again.
pub fn verify(store: &dyn Store, code: &DynamicCode, at: Millis) -> Result<(), CodeRefused> {
    let failed = |e: MembersError| CodeRefused::Store(e.to_string());
    let secret = secret(store, &code.member).map_err(failed)?.ok_or(CodeRefused::NoSecret)?;
    let last = store
        .record(Table::MemberCodeSteps, &code.member)
        .map_err(|e| failed(e.into()))?
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(i64::MIN);
    let now = step_of(at);
    let matched = (now - WINDOW..=now + WINDOW).filter(|s| equal(&code_at(&secret, *s), &code.code)).max();
    match matched {
        None => Err(CodeRefused::Wrong),
        Some(step) if step <= last => Err(CodeRefused::Used),
        Some(step) => {
            let put = Put { table: Table::MemberCodeSteps, key: code.member.clone(), value: Some(step.to_string()) };
            store.write_records(&[put], None).map_err(|e| failed(e.into()))?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::members::Phone;
    use crate::store::RedbStore;

    #[test]
    fn the_code_is_rfc_6238s_totp() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890": T = 59 s → 94287082 (8 digits).
        let secret = Secret(b"12345678901234567890".to_vec());
        assert_eq!(code_at(&secret, 1), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109 / 30), "081804");
        assert_eq!(format!("{secret:?}"), "Secret(..)", "a secret never reaches a log");
    }

    fn member(id: &str) -> Member {
        Member {
            id: id.into(),
            name: "张三".into(),
            phone: Phone::parse("13812345678").expect("phone"),
            card: String::new(),
            level: String::new(),
            points: 0,
        }
    }

    #[test]
    fn a_member_imported_gets_a_secret_and_a_code_is_taken_once_within_its_window() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        crate::app::members::put_all(&store, &[member("M1")]).expect("put");
        let kept = store.record(Table::MemberSecrets, "M1").expect("read").expect("a secret");
        // Importing again keeps the secret the member's page already has.
        crate::app::members::put_all(&store, &[member("M1")]).expect("put again");
        assert_eq!(store.record(Table::MemberSecrets, "M1").expect("read").as_deref(), Some(kept.as_str()));
        let at = Millis(1_800_000_000_000);
        let shown = current_code(&store, "M1", Millis(at.0 - 25_000)).expect("code").expect("secret");
        let code = DynamicCode { member: "M1".into(), code: shown };
        assert_eq!(verify(&store, &code, at), Ok(()), "a code shown a step ago is taken");
        assert_eq!(verify(&store, &code, at), Err(CodeRefused::Used), "never twice");
        let later = Millis(at.0 + 120_000);
        assert_eq!(verify(&store, &code, later), Err(CodeRefused::Wrong), "too old");
        let other = DynamicCode { member: "M9".into(), code: "123456".into() };
        assert_eq!(verify(&store, &other, at), Err(CodeRefused::NoSecret));
        let uri = otpauth_uri(&store, "M1").expect("uri").expect("secret");
        assert!(uri.starts_with("otpauth://totp/till:M1?secret=") && uri.len() > 60, "{uri}");
    }
}
