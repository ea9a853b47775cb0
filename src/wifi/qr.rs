//! `WIFI:` QR codes as phones and routers write them.
//!
//! Two dialects exist and are told apart by their fields:
//! - ZXing's (`WIFI:T:WPA;S:net;P:pass;H:true;;`), which most phones and routers write: `\` escapes the
//!   next character (`\;`, `\,`, `\:`, `\\`, `\"`, and any other a router chooses to escape), and a
//!   value may be enclosed in double quotes (ZXing's writer advice for names that look like hex).
//! - The WPA3 specification's (section 7, "WIFI URI"), recognised by `R:` (transition disable), `K:`
//!   (SAE-PK public key), `I:` (SAE password identifier) or `T:SAE`: values are percent-encoded and
//!   have no backslash escapes. A plain `T:WPA` code is read as ZXing's, so a `%` in its password
//!   stays a `%` (a WPA3 generator that percent-encodes without any WPA3-only field is read wrongly;
//!   the connection then fails as a wrong password and the old network stays).
//!
//! Fields may come in any order; unknown fields are ignored; a repeated field is refused.

use super::{Secret, Security, WifiNetwork, WpaMode};

/// Longest code accepted: real ones are under 200 characters.
const MAX_CODE_CHARS: usize = 1024;

/// Why a scanned `WIFI:` code cannot be used; `Display` is one line for the cashier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WifiQrError {
    /// The text does not start with `WIFI:`.
    #[error("not a Wi-Fi code")]
    NotWifi,
    /// Longer than any real code ([`MAX_CODE_CHARS`]).
    #[error("the Wi-Fi code is too long")]
    TooLong,
    /// The last field has no closing `;` (the code was cut off).
    #[error("the Wi-Fi code is incomplete (no closing ;;)")]
    Truncated,
    /// The scanner delivered bytes that are not UTF-8 text (replaced by U+FFFD).
    #[error("the Wi-Fi code contains characters that cannot be read")]
    NotText,
    /// A field appears twice.
    #[error("the Wi-Fi code has field {0}: twice")]
    Repeated(String),
    /// A `%` not followed by two hex digits, or percent-encoded bytes that are not UTF-8 (WPA3 form).
    #[error("the Wi-Fi code has a bad %-escape")]
    BadPercent,
    /// No `S:` or an empty one.
    #[error("the Wi-Fi code has no network name")]
    NoSsid,
    /// The SSID is longer than 32 bytes.
    #[error("the network name is too long ({0} bytes, at most 32)")]
    SsidTooLong(usize),
    /// A control character (newline, NUL, ...) in the SSID or password.
    #[error("the Wi-Fi code has a control character in its {0}")]
    ControlChar(&'static str),
    /// `T:` is none of WEP, WPA, WPA2, WPA3, SAE, nopass.
    #[error("unknown Wi-Fi security type {0:?}")]
    UnknownSecurity(String),
    /// WPA-Enterprise (`T:WPA2-EAP`, `E:`): needs a user name and certificates this till has no
    /// screen for.
    #[error("enterprise (EAP) Wi-Fi is not supported")]
    Enterprise,
    /// A secured network without `P:`.
    #[error("the Wi-Fi code has no password")]
    NoPassword,
    /// A WPA password of other than 8–63 characters (or 64 hex digits).
    #[error("the Wi-Fi password must have 8 to 63 characters, not {0}")]
    PasswordLength(usize),
    /// 64 characters that are not all hex digits (a raw key is exactly 64 hex digits).
    #[error("the 64-character Wi-Fi key is not hexadecimal")]
    BadPsk,
    /// WPA3 (SAE) works from the password itself; a raw 64-hex key cannot be used.
    #[error("WPA3 needs the password, not a raw key")]
    SaeNeedsPassphrase,
    /// WEP keys are 5 or 13 characters, or 10 or 26 hex digits.
    #[error("the WEP key must have 5 or 13 characters or 10 or 26 hex digits")]
    BadWepKey,
    /// `R:` is not hexadecimal.
    #[error("the Wi-Fi code has a bad R: field")]
    BadTransitionDisable,
}

/// Whether a scanned code is meant as a Wi-Fi code (it may still be invalid).
pub fn is_wifi_qr(code: &str) -> bool {
    code.trim_start().get(..5).is_some_and(|p| p.eq_ignore_ascii_case("WIFI:"))
}

/// Reads a scanned `WIFI:` code into a network to join.
pub fn parse_wifi_qr(code: &str) -> Result<WifiNetwork, WifiQrError> {
    let code = code.trim();
    if !is_wifi_qr(code) {
        return Err(WifiQrError::NotWifi);
    }
    if code.chars().count() > MAX_CODE_CHARS {
        return Err(WifiQrError::TooLong);
    }
    if code.contains('\u{FFFD}') {
        return Err(WifiQrError::NotText);
    }
    let body = &code[5..];
    let zxing = split_zxing(body)?;
    let wpa3 = zxing.iter().any(|f| matches!(f.key.as_str(), "R" | "K" | "I"))
        || zxing.iter().any(|f| f.key == "T" && f.value.eq_ignore_ascii_case("SAE"));
    let fields = if wpa3 { split_wpa3(body)? } else { zxing };
    let mut seen: Vec<&str> = Vec::new();
    for f in &fields {
        if seen.contains(&f.key.as_str()) {
            return Err(WifiQrError::Repeated(f.key.clone()));
        }
        seen.push(&f.key);
    }
    let get = |k: &str| fields.iter().find(|f| f.key == k).map(|f| f.value.as_str());
    build(get, wpa3)
}

struct Field {
    key: String,
    value: String,
}

/// ZXing's form: `;` ends a field unless escaped; `\x` is `x`; enclosing unescaped quotes are dropped.
fn split_zxing(body: &str) -> Result<Vec<Field>, WifiQrError> {
    let mut fields = Vec::new();
    let mut chars = body.chars();
    // (text, was the char escaped)
    let mut current: Vec<(char, bool)> = Vec::new();
    loop {
        match chars.next() {
            None if current.is_empty() => return Ok(fields),
            None => return Err(WifiQrError::Truncated),
            Some('\\') => match chars.next() {
                Some(c) => current.push((c, true)),
                None => return Err(WifiQrError::Truncated),
            },
            Some(';') if current.is_empty() => return Ok(fields), // `;;`: the end
            Some(';') => {
                if let Some(f) = zxing_field(&current) {
                    fields.push(f);
                }
                current.clear();
            }
            Some(c) => current.push((c, false)),
        }
    }
}

fn zxing_field(chars: &[(char, bool)]) -> Option<Field> {
    let colon = chars.iter().position(|&(c, esc)| c == ':' && !esc)?;
    let key: String = chars[..colon].iter().map(|&(c, _)| c).collect::<String>().to_ascii_uppercase();
    let mut value = &chars[colon + 1..];
    if value.len() >= 2 && value[0] == ('"', false) && value[value.len() - 1] == ('"', false) {
        value = &value[1..value.len() - 1];
    }
    Some(Field { key, value: value.iter().map(|&(c, _)| c).collect() })
}

/// The WPA3 specification's form: `;` always ends a field, values are percent-decoded.
fn split_wpa3(body: &str) -> Result<Vec<Field>, WifiQrError> {
    let Some(body) = body.strip_suffix(';') else { return Err(WifiQrError::Truncated) };
    let mut fields = Vec::new();
    for part in body.split(';').filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once(':') else { continue };
        fields.push(Field { key: key.to_ascii_uppercase(), value: percent_decode(value)? });
    }
    Ok(fields)
}

fn percent_decode(s: &str) -> Result<String, WifiQrError> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hi = bytes.next().and_then(|h| (h as char).to_digit(16));
            let lo = bytes.next().and_then(|l| (l as char).to_digit(16));
            match (hi, lo) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(WifiQrError::BadPercent),
            }
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).map_err(|_| WifiQrError::BadPercent)
}

fn build<'a>(get: impl Fn(&str) -> Option<&'a str>, wpa3: bool) -> Result<WifiNetwork, WifiQrError> {
    let ssid = get("S").filter(|s| !s.is_empty()).ok_or(WifiQrError::NoSsid)?;
    if ssid.len() > 32 {
        return Err(WifiQrError::SsidTooLong(ssid.len()));
    }
    if ssid.chars().any(char::is_control) {
        return Err(WifiQrError::ControlChar("network name"));
    }
    let password = get("P").filter(|p| !p.is_empty());
    if password.is_some_and(|p| p.chars().any(char::is_control)) {
        return Err(WifiQrError::ControlChar("password"));
    }
    if get("E").is_some() && !wpa3 {
        return Err(WifiQrError::Enterprise);
    }
    let transition_disable = match get("R").filter(|r| !r.is_empty()) {
        Some(r) => Some(u8::from_str_radix(r, 16).map_err(|_| WifiQrError::BadTransitionDisable)?),
        None => None,
    };
    let kind = get("T").unwrap_or("").to_ascii_uppercase();
    let security = match kind.as_str() {
        // An absent type means open (WPA3 spec, ZXing); a password with it means the writer left T: out.
        "" if password.is_none() => Security::Open,
        "NOPASS" | "NONE" | "OPEN" => Security::Open,
        "WEP" => Security::Wep(wep_key(password.ok_or(WifiQrError::NoPassword)?)?),
        "" | "WPA" | "WPA2" | "WPA/WPA2" | "WPA2/WPA3" | "WPA3" | "SAE" => {
            // Transition Disable bit 0: WPA3-Personal only (WPA3 spec, Table "Transition Disable").
            let mode = if kind == "SAE" || kind == "WPA3" || transition_disable.is_some_and(|r| r & 1 == 1) {
                WpaMode::Wpa3Only
            } else {
                WpaMode::Any
            };
            let secret = wpa_secret(password.ok_or(WifiQrError::NoPassword)?)?;
            if mode == WpaMode::Wpa3Only && matches!(secret, Secret::Psk(_)) {
                return Err(WifiQrError::SaeNeedsPassphrase);
            }
            Security::Wpa { secret, mode }
        }
        k if k.contains("EAP") => return Err(WifiQrError::Enterprise),
        _ => return Err(WifiQrError::UnknownSecurity(get("T").unwrap_or("").chars().take(16).collect())),
    };
    Ok(WifiNetwork {
        ssid: ssid.to_string(),
        security,
        hidden: get("H").is_some_and(|h| h.eq_ignore_ascii_case("true")),
        sae_password_id: get("I").filter(|i| !i.is_empty() && wpa3).map(str::to_string),
        sae_public_key: get("K").filter(|k| !k.is_empty()).map(str::to_string),
    })
}

/// 64 hex digits are the PSK itself; 8–63 characters are a passphrase, even when they look like hex.
fn wpa_secret(p: &str) -> Result<Secret, WifiQrError> {
    if p.len() == 64 && p.bytes().all(|b| b.is_ascii_hexdigit()) {
        let mut key = [0u8; 32];
        hex::decode_to_slice(p, &mut key).map_err(|_| WifiQrError::BadPsk)?;
        return Ok(Secret::Psk(key));
    }
    if p.len() == 64 && p.is_ascii() {
        return Err(WifiQrError::BadPsk);
    }
    // IEEE 802.11 allows 8–63 ASCII characters; routers accept UTF-8, whose bytes count (as in
    // wpa_supplicant).
    if !(8..=63).contains(&p.len()) {
        return Err(WifiQrError::PasswordLength(p.chars().count()));
    }
    Ok(Secret::Passphrase(p.to_string()))
}

fn wep_key(p: &str) -> Result<String, WifiQrError> {
    let hex_ok = matches!(p.len(), 10 | 26) && p.bytes().all(|b| b.is_ascii_hexdigit());
    let ascii_ok = matches!(p.len(), 5 | 13) && p.is_ascii();
    if hex_ok || ascii_ok { Ok(p.to_string()) } else { Err(WifiQrError::BadWepKey) }
}

#[cfg(test)]
#[path = "qr_tests.rs"]
mod tests;
