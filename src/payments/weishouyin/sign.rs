//! The platform's request signature (reference §2): every parameter but `sign`, sorted by name, raw
//! `name=value` joined by `&`, then `&key=<secret>`, SHA-1 of the UTF-8 bytes as hex.

use sha1::{Digest, Sha1};

/// The exact string that is hashed. Values are taken raw (never URL-encoded); empty values take part
/// as `name=` (reference §2, a [G] choice).
pub fn string_to_sign(params: &[(String, String)], key: &str) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().filter(|(name, _)| name != "sign").collect();
    // Stable sort by the name's bytes: ASCII ascending, as in the reference's example.
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut text = String::new();
    for (name, value) in sorted {
        text.push_str(name);
        text.push('=');
        text.push_str(value);
        text.push('&');
    }
    text.push_str("key=");
    text.push_str(key);
    text
}

/// The signature in lower-case hex (the client's choice; the platform's examples use both cases).
pub fn sign(params: &[(String, String)], key: &str) -> String {
    hex::encode(Sha1::digest(string_to_sign(params, key).as_bytes()))
}

/// Checks a received `sign`, hex in either case, comparing every byte (no early exit).
pub fn verify(params: &[(String, String)], key: &str, given: &str) -> bool {
    let Ok(given) = hex::decode(given) else { return false };
    let expected = Sha1::digest(string_to_sign(params, key).as_bytes());
    given.len() == expected.len() && given.iter().zip(expected.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// `params` plus their `sign`, ready to send.
pub fn signed(mut params: Vec<(String, String)>, key: &str) -> Vec<(String, String)> {
    params.retain(|(name, _)| name != "sign");
    let sign = sign(&params, key);
    params.push(("sign".into(), sign));
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn sorts_by_name_and_skips_sign() {
        let params = p(&[("b", "2"), ("sign", "x"), ("a", "1 &"), ("empty", "")]);
        assert_eq!(string_to_sign(&params, "k"), "a=1 &&b=2&empty=&key=k");
    }

    #[test]
    fn verify_takes_either_case_and_refuses_tampering() {
        let params = p(&[("action", "read"), ("device_id", "57206")]);
        let s = sign(&params, "k");
        assert_eq!(s, s.to_lowercase());
        assert!(verify(&params, "k", &s));
        assert!(verify(&params, "k", &s.to_uppercase()));
        assert!(!verify(&params, "other", &s));
        assert!(!verify(&p(&[("action", "reads"), ("device_id", "57206")]), "k", &s));
        assert!(!verify(&params, "k", &s[..38]));
        assert!(!verify(&params, "k", "zz"));
        assert!(!verify(&params, "k", ""));
    }

    #[test]
    fn signed_appends_one_sign() {
        let out = signed(p(&[("a", "1"), ("sign", "old")]), "k");
        assert_eq!(out.iter().filter(|(n, _)| n == "sign").count(), 1);
        assert_eq!(out.last().map(|(_, v)| v.clone()), Some(sign(&p(&[("a", "1")]), "k")));
    }
}
