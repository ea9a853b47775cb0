//! What a scanned or typed code is: a product barcode, a customer's payment code, or garbage.

use serde::{Deserialize, Serialize};

/// The wallet a payment code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Platform {
    WeChat,
    Alipay,
}

/// The longest code the till accepts from a scanner; anything longer is garbage or an attack.
pub const MAX_CODE_LEN: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeKind {
    /// EAN-13, EAN-8 or UPC-A with a correct check digit, or another plain product code.
    Product,
    /// A customer's payment code, with the wallet told by its prefix and length.
    Payment(Platform),
    /// A product barcode of a known symbology whose check digit is wrong: a misread.
    BadCheckDigit,
    /// Empty, too long, or characters no barcode on a shop shelf carries.
    Garbage,
}

/// Classifies a payment code by the wallets' published rules:
/// WeChat 18 digits starting 10–15; Alipay 16–24 digits starting 25–30.
pub fn payment_platform(code: &str) -> Option<Platform> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u32 = code.get(..2)?.parse().ok()?;
    match (prefix, code.len()) {
        (10..=15, 18) => Some(Platform::WeChat),
        (25..=30, 16..=24) => Some(Platform::Alipay),
        _ => None,
    }
}

/// Decides what a code scanned on the sale screen is.
pub fn classify(code: &str) -> CodeKind {
    if code.is_empty() || code.len() > MAX_CODE_LEN {
        return CodeKind::Garbage;
    }
    if let Some(p) = payment_platform(code) {
        return CodeKind::Payment(p);
    }
    let all_digits = code.bytes().all(|b| b.is_ascii_digit());
    if all_digits && matches!(code.len(), 8 | 12 | 13) {
        return if gtin_check_ok(code) { CodeKind::Product } else { CodeKind::BadCheckDigit };
    }
    // CODE128 shelf labels may carry letters, digits and a little punctuation.
    let printable = code.len() <= 48 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    if printable { CodeKind::Product } else { CodeKind::Garbage }
}

/// GS1 check digit of EAN-8, UPC-A (12) and EAN-13: weights 3,1 from the right, excluding the check digit.
pub fn gtin_check_digit(stem: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in stem.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let d = u32::from(b - b'0');
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

fn gtin_check_ok(code: &str) -> bool {
    let (stem, check) = code.split_at(code.len() - 1);
    gtin_check_digit(stem).is_some_and(|c| check.as_bytes()[0] == b'0' + c)
}

/// Shows a payment code on screen and in records without giving it away: `1346…9456`.
pub fn mask_code(code: &str) -> String {
    // By characters: a scanned code may hold any text, and a byte slice of it could split one.
    let chars: Vec<char> = code.chars().collect();
    if chars.len() <= 8 {
        return "…".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_code_counts_characters_not_bytes() {
        assert_eq!(mask_code("134680423163089456"), "1346…9456");
        assert_eq!(mask_code("支付码一二三四五六七"), "支付码一…四五六七");
        assert_eq!(mask_code("ab€defghi"), "ab€d…fghi");
        assert_eq!(mask_code("€€€€€€€€"), "…");
    }

    #[test]
    fn tells_wechat_from_alipay_by_prefix_and_length() {
        assert_eq!(payment_platform("134680423163089456"), Some(Platform::WeChat));
        assert_eq!(payment_platform("104680423163089456"), Some(Platform::WeChat));
        assert_eq!(payment_platform("282129340414399818"), Some(Platform::Alipay));
        assert_eq!(payment_platform("2821293404143998"), Some(Platform::Alipay));
        assert_eq!(payment_platform("302129340414399818123456"), Some(Platform::Alipay));
        // wrong length or prefix
        assert_eq!(payment_platform("13468042316308945"), None);
        assert_eq!(payment_platform("164680423163089456"), None);
        assert_eq!(payment_platform("3121293404143998"), None);
        assert_eq!(payment_platform("28212934041439981234567"), Some(Platform::Alipay));
        assert_eq!(payment_platform("2821293404143998123456789"), None);
    }

    #[test]
    fn checks_ean_check_digits() {
        assert_eq!(classify("6900138600889"), CodeKind::Product);
        assert_eq!(gtin_check_digit("690013860088"), Some(9));
        assert_eq!(classify("6900138600888"), CodeKind::BadCheckDigit);
        assert_eq!(classify("4006381333931"), CodeKind::Product);
        assert_eq!(classify("96385074"), CodeKind::Product);
        assert_eq!(classify("036000291452"), CodeKind::Product);
        assert_eq!(classify("134680423163089456"), CodeKind::Payment(Platform::WeChat));
    }

    #[test]
    fn garbage_is_garbage() {
        assert_eq!(classify(""), CodeKind::Garbage);
        assert_eq!(classify("'; DROP TABLE"), CodeKind::Garbage);
        assert_eq!(classify("\u{1b}[2J"), CodeKind::Garbage);
        assert_eq!(classify(&"9".repeat(600)), CodeKind::Garbage);
        assert_eq!(classify("ABC-123"), CodeKind::Product);
    }

    #[test]
    fn masks_payment_codes() {
        assert_eq!(mask_code("134680423163089456"), "1346…9456");
        assert_eq!(mask_code("123"), "…");
    }

    #[test]
    fn masks_any_scanned_text_by_characters_without_panicking() {
        // Found by tests/untrusted_input.rs: a byte slice inside a multi-byte character panicked.
        assert_eq!(mask_code("¥G\u{ed210}(abcdef"), "¥G\u{ed210}(…cdef");
        assert_eq!(mask_code("微信支付微信支付码"), "微信支付…信支付码");
        assert_eq!(mask_code("微信支付微信支付"), "…");
    }
}
