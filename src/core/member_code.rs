//! The dynamic member code (动态会员码): the other way, besides the PIN, a member shows they are
//! present to spend their stored value.
//!
//! Design: each member has a secret of 20 random bytes, made when the member is made (at the till
//! or by the CSV import; `app/member_code.rs`), kept in the till's store (`member_secrets/<id>`, the
//! store's files 0600) and never logged or exported. The shop's member page or mini-program holds
//! the same secret and shows a QR `till-mcode:<member number>:<6 digits>`, the digits a TOTP
//! (RFC 6238: HMAC-SHA1, 30-second steps) of the secret. The till checks it offline: a code of the
//! step now, or one step either side (a phone's clock a little off, a QR shown a few seconds
//! ago), is taken; a code of a step at or before the last one taken for that member is refused,
//! so a code is never taken twice (a photo of a code spends nothing).
//!
//! The code comes from a stranger's phone: [`parse`] takes at most [`MAX_LEN`] bytes, a member
//! number of letters, digits, `-` and `_` of at most [`MAX_ID`], and exactly [`DIGITS`] digits.

use super::clock::Millis;
use serde::{Deserialize, Serialize};

/// What a dynamic member code's QR starts with.
pub const PREFIX: &str = "till-mcode:";
/// The longest code read at all.
pub const MAX_LEN: usize = 64;
/// The longest member number in a code.
pub const MAX_ID: usize = 32;
/// The code's digits.
pub const DIGITS: usize = 6;
/// A step of the code, in seconds.
pub const STEP_SECS: i64 = 30;
/// Steps either side of now a code is still taken in.
pub const WINDOW: i64 = 1;

/// A dynamic code as scanned: its `Debug` hides the digits.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamicCode {
    pub member: String,
    pub code: String,
}

impl std::fmt::Debug for DynamicCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DynamicCode({}, ******)", self.member)
    }
}

/// A scanned text read as a dynamic member code, if it is a well-formed one.
pub fn parse(text: &str) -> Option<DynamicCode> {
    if text.len() > MAX_LEN {
        return None;
    }
    let rest = text.trim().strip_prefix(PREFIX)?;
    let (member, code) = rest.split_once(':')?;
    let id_ok = !member.is_empty()
        && member.len() <= MAX_ID
        && member.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let code_ok = code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit());
    (id_ok && code_ok).then(|| DynamicCode { member: member.to_string(), code: code.to_string() })
}

/// Looks like a dynamic member code (to tell the cashier a bad one from a product's barcode).
pub fn looks_like(text: &str) -> bool {
    text.trim_start().starts_with(PREFIX)
}

/// The code's step at `at`.
pub fn step_of(at: Millis) -> i64 {
    at.0.div_euclid(STEP_SECS * 1000)
}

/// Why a code is not taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeRefused {
    /// Not the member's code now (wrong, or too old).
    Wrong,
    /// Taken already (a code is never taken twice).
    Used,
    /// The member has no code secret (members made before codes existed: `till members code-secret`).
    NoSecret,
    /// The code is another member's than the sale's.
    OtherMember,
    /// Not a well-formed code.
    Garbled,
    /// The store could not be read.
    Store(String),
}

/// Which way a member proves they are present to spend stored value (`[stored_value] require`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Require {
    /// The member's PIN, typed by the customer.
    #[default]
    Pin,
    /// Their dynamic member code, scanned at the tender.
    Code,
    /// Either.
    Either,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_bounded_code_is_read() {
        let ok = parse("till-mcode:M0001:123456").expect("code");
        assert_eq!((ok.member.as_str(), ok.code.as_str()), ("M0001", "123456"));
        assert_eq!(format!("{ok:?}"), "DynamicCode(M0001, ******)", "the digits never reach a log");
        for bad in [
            "till-mcode:M0001:12345",
            "till-mcode:M0001:1234567",
            "till-mcode:M0001:12345a",
            "till-mcode::123456",
            "till-mcode:M 1:123456",
            "till-mcode:M0001",
            "till-member:M0001",
            "6900138600889",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        let long = format!("till-mcode:{}:123456", "M".repeat(MAX_ID + 1));
        assert_eq!(parse(&long), None);
        assert_eq!(parse(&"9".repeat(10_000)), None);
        assert!(looks_like("till-mcode:junk"));
    }

    #[test]
    fn steps_are_thirty_seconds_of_the_tills_clock() {
        assert_eq!(step_of(Millis(0)), 0);
        assert_eq!(step_of(Millis(29_999)), 0);
        assert_eq!(step_of(Millis(30_000)), 1);
        assert_eq!(step_of(Millis(59_000 * 1000)), 1966);
        assert_eq!(step_of(Millis(-1)), -1, "before 1970 still steps down");
    }
}
