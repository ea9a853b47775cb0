//! Integral JSON numbers as the platform takes them. JSON has one number type, and Tencent's own Java
//! device SDK sends integral fields (`total_fee`, `refund_fee`, `pay_platform`…) as `1250.0`; the platform
//! accepts them, so the codec (and the simulator, which reads requests through it) does too. A number
//! with a fraction, or at or beyond 2^53 (where a double is no longer exact), is refused: it names no
//! whole fen. No floating-point arithmetic touches an amount: the shortest text of the double serde_json
//! read is parsed. Limit: a fraction too small for a double to hold (`1250.00000000000001`) is read as
//! the whole number, as the platform's own Java reader does; reading the original text would need
//! serde_json's `arbitrary_precision` for every number of the till.

use serde::Deserialize;
use serde::de::{Deserializer, Error};

/// The largest integer every JSON reader (a double) holds exactly.
const EXACT: i64 = 1 << 53;

/// The integer a JSON number names: `1250` or `1250.0` (any number of zeros after the point).
pub fn integral(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    // Not an i64: a float (or a u64 above i64::MAX). Its shortest round-trip text is read, not its value.
    let text = n.to_string();
    let (whole, zeros) = text.split_once('.')?;
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || !zeros.bytes().all(|b| b == b'0') {
        return None;
    }
    whole.parse::<i64>().ok().filter(|v| v.abs() < EXACT)
}

fn from_number<'de, D: Deserializer<'de>, T: TryFrom<i64>>(n: serde_json::Number) -> Result<T, D::Error> {
    integral(&n)
        .and_then(|i| T::try_from(i).ok())
        .ok_or_else(|| D::Error::custom(format!("{n} is not an integer in range")))
}

/// `#[serde(deserialize_with = "json_int::de")]` for an integer field.
pub fn de<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    from_number::<D, T>(serde_json::Number::deserialize(d)?)
}

/// The same for an optional integer field (`null` or absent is `None`; pair with `#[serde(default)]`).
pub fn de_opt<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<serde_json::Number>::deserialize(d)?.map(from_number::<D, T>).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<i64> {
        integral(&serde_json::from_str::<serde_json::Number>(text).ok()?)
    }

    #[test]
    fn whole_numbers_written_with_a_point_are_integers_and_fractions_are_not() {
        assert_eq!(read("1250"), Some(1250));
        assert_eq!(read("1250.0"), Some(1250));
        assert_eq!(read("1250.000"), Some(1250));
        assert_eq!(read("-3.0"), Some(-3));
        assert_eq!(read("0.0"), Some(0));
        assert_eq!(read("1250.5"), None);
        assert_eq!(read("0.01"), None);
        assert_eq!(read("1e3"), Some(1000), "an exponent that makes a whole number is that number");
        assert_eq!(read("1e300"), None);
        assert_eq!(read("18446744073709551615"), None);
        assert_eq!(read("9007199254740993.0"), None, "beyond 2^53 a double is not exact");
    }
}
