//! Enrolment: how a till gets its device id and signing key from the back office, with a one-time
//! code the owner made in the web view (`till enrol CODE`, or its QR scanned at the till).
//!
//! `POST /v1/enrol` with `{"code": …}` (not signed: the till has no key yet; the code is the
//! secret, short-lived and good once). 200 with an [`Enrolment`]; 404 unknown code; 410 expired or
//! used; 429 too many wrong codes. Every answer's body is JSON, a refusal's `{"error": reason}`.

use serde::{Deserialize, Serialize};

pub const ENROL_PATH: &str = "/v1/enrol";

/// `POST` with an [`EnrolRequest`]: what a code would enrol the till as, without using the code
/// (the till shows it to a supervisor before anything changes). 200 with an [`EnrolPreview`]; the
/// same refusals as [`ENROL_PATH`].
pub const PREVIEW_PATH: &str = "/v1/enrol/preview";

/// What a code is for: the till's device id and name at the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolPreview {
    pub device_id: String,
    pub name: String,
}

/// The enrolment QR's text: `TILL-ENROL:` + the office's base URL + `#` + the code.
pub const QR_PREFIX: &str = "TILL-ENROL:";

/// The characters of a code: no 0/O, 1/I/L, so that it can be read aloud and typed.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a code (about 59 bits), shown in groups of four.
pub const CODE_LEN: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    /// The till's program version, shown on the devices page.
    #[serde(default)]
    pub version: String,
}

/// What the office gives an enrolled till: where to send its records and how to sign them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub device_id: String,
    pub key_id: String,
    pub key: String,
    /// The office's records endpoint (`…/v1/records`).
    pub records_url: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("device_id", &self.device_id)
            .field("key_id", &self.key_id)
            .field("key", &"***")
            .field("records_url", &self.records_url)
            .finish()
    }
}

/// A code as typed or scanned, made canonical: upper case, without spaces and dashes. `None` if it
/// has other characters or the wrong length.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// A code in groups of four: `ABCD-EFGH-JKMN`.
pub fn display_code(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// The enrolment QR's text for `code` at the office `base_url` (`https://office.example.com`).
pub fn qr_text(base_url: &str, code: &str) -> String {
    format!("{QR_PREFIX}{}#{code}", base_url.trim_end_matches('/'))
}

/// An enrolment QR's (office base URL, canonical code), if `text` is one.
pub fn parse_qr(text: &str) -> Option<(String, String)> {
    let rest = text.trim().strip_prefix(QR_PREFIX)?;
    let (base, code) = rest.rsplit_once('#')?;
    let ok_url = base.starts_with("https://") || base.starts_with("http://");
    ok_url.then(|| Some((base.to_string(), normalize_code(code)?))).flatten()
}

/// The office's base URL from a records URL (`…/v1/records` → `…`) or a base URL.
pub fn base_url(url: &str) -> &str {
    let url = url.trim_end_matches('/');
    url.strip_suffix(crate::RECORDS_PATH).unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_in_any_case_with_or_without_dashes_and_nothing_else() {
        assert_eq!(normalize_code("abcd-efgh-jkmn").as_deref(), Some("ABCDEFGHJKMN"));
        assert_eq!(normalize_code(" ABCD EFGH JKMN ").as_deref(), Some("ABCDEFGHJKMN"));
        assert_eq!(normalize_code("ABCD-EFGH-JKM"), None, "too short");
        assert_eq!(normalize_code("ABCD-EFGH-JKM0"), None, "0 is not in the alphabet");
        assert_eq!(display_code("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
    }

    #[test]
    fn an_enrolment_qr_carries_the_office_and_the_code() {
        let text = qr_text("https://office.example.com/", "ABCDEFGHJKMN");
        assert_eq!(text, "TILL-ENROL:https://office.example.com#ABCDEFGHJKMN");
        assert_eq!(parse_qr(&text), Some(("https://office.example.com".into(), "ABCDEFGHJKMN".into())));
        assert_eq!(parse_qr("WIFI:S:shop;T:WPA;P:x;;"), None);
        assert_eq!(parse_qr("TILL-ENROL:ftp://x#ABCDEFGHJKMN"), None);
        assert_eq!(base_url("https://o.example.com/v1/records"), "https://o.example.com");
        assert_eq!(base_url("http://127.0.0.1:8787/"), "http://127.0.0.1:8787");
    }

    #[test]
    fn an_enrolments_key_stays_out_of_debug() {
        let e =
            Enrolment { device_id: "t".into(), key_id: "1".into(), key: "TopSecret".into(), records_url: "u".into() };
        assert!(!format!("{e:?}").contains("TopSecret"));
    }
}
