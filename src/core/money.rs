//! Money as integer fen (1/100 yuan). No floating point anywhere.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of Chinese yuan in fen. Negative values only appear in differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// The most a single entry may be: 99,999,999.99 yuan keeps every sum far from overflow.
pub const MAX_ENTRY: Fen = Fen(9_999_999_999);

/// The most an order may total: an entry (a line, a quantity) that would take it past this is
/// refused, so that the sums of orders in reports stay far from overflow too.
pub const MAX_TOTAL: Fen = MAX_ENTRY;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is not a plain decimal amount such as `12.50`.
    #[error("not an amount")]
    NotAnAmount,
    /// The amount is larger than any till entry may be.
    #[error("amount too large")]
    TooLarge,
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, rhs: Fen) -> Option<Fen> {
        self.0.checked_add(rhs.0).map(Fen)
    }

    pub fn checked_sub(self, rhs: Fen) -> Option<Fen> {
        self.0.checked_sub(rhs.0).map(Fen)
    }

    pub fn checked_mul(self, n: u32) -> Option<Fen> {
        self.0.checked_mul(i64::from(n)).map(Fen)
    }

    /// Parses a yuan amount such as `12.5`, `12.50`, `¥3` or `0.001`, rounding half up to whole fen,
    /// exactly (decimal digits, never floats). `0.001` parses to zero fen: callers refuse zero.
    pub fn parse_yuan(text: &str) -> Result<Fen, MoneyError> {
        let t = text.trim();
        let t = t.strip_prefix('¥').or_else(|| t.strip_prefix('￥')).unwrap_or(t).trim();
        let (int_part, frac_part) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(MoneyError::NotAnAmount);
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotAnAmount);
        }
        if frac_part.len() > 8 {
            return Err(MoneyError::NotAnAmount);
        }
        let int_digits = int_part.trim_start_matches('0');
        if int_digits.len() > 8 {
            return Err(MoneyError::TooLarge);
        }
        let yuan: i64 =
            if int_digits.is_empty() { 0 } else { int_digits.parse().map_err(|_| MoneyError::NotAnAmount)? };
        let digit = |i: usize| -> i64 { frac_part.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0')) };
        let mut fen = yuan * 100 + digit(0) * 10 + digit(1);
        if digit(2) >= 5 {
            fen += 1;
        }
        let amount = Fen(fen);
        if amount > MAX_ENTRY {
            return Err(MoneyError::TooLarge);
        }
        Ok(amount)
    }
}

impl fmt::Display for Fen {
    /// `12.50`, `-0.05`: two decimals, as on every receipt.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let s = format!("{sign}{}.{:02}", abs / 100, abs % 100);
        f.pad(&s)
    }
}

/// Saturating, never a panic or a wrap: amounts are capped at entry ([`MAX_ENTRY`], [`MAX_TOTAL`])
/// far below the limits; where a sum decides whether an entry is taken, use `checked_add`.
impl std::ops::Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0.saturating_add(rhs.0))
    }
}

/// Saturating, as `Add`.
impl std::ops::Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0.saturating_sub(rhs.0))
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_decimal_amounts() {
        assert_eq!(Fen::parse_yuan("12.50"), Ok(Fen(1250)));
        assert_eq!(Fen::parse_yuan("12.5"), Ok(Fen(1250)));
        assert_eq!(Fen::parse_yuan("12"), Ok(Fen(1200)));
        assert_eq!(Fen::parse_yuan("0.02"), Ok(Fen(2)));
        assert_eq!(Fen::parse_yuan(".5"), Ok(Fen(50)));
        assert_eq!(Fen::parse_yuan("¥3"), Ok(Fen(300)));
        assert_eq!(Fen::parse_yuan(" 7.00 "), Ok(Fen(700)));
        // 0.1 + 0.2 style float errors cannot happen: 0.29 is 29 fen exactly.
        assert_eq!(Fen::parse_yuan("0.29"), Ok(Fen(29)));
    }

    #[test]
    fn rounds_half_up_to_fen_so_that_0_001_is_zero() {
        assert_eq!(Fen::parse_yuan("0.001"), Ok(Fen(0)));
        assert_eq!(Fen::parse_yuan("0.004"), Ok(Fen(0)));
        assert_eq!(Fen::parse_yuan("0.005"), Ok(Fen(1)));
        assert_eq!(Fen::parse_yuan("1.999"), Ok(Fen(200)));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in ["", ".", "abc", "1,50", "-1", "1.2.3", "1e3", "12.5x", "０.５"] {
            assert_eq!(Fen::parse_yuan(bad), Err(MoneyError::NotAnAmount), "{bad:?}");
        }
        assert_eq!(Fen::parse_yuan("1000000000"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn sums_never_overflow_and_checked_ones_say_so() {
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(Fen(250).checked_add(Fen(100)), Some(Fen(350)));
        assert_eq!(Fen(250).checked_sub(Fen(300)), Some(Fen(-50)));
        // The operators never panic (they saturate); totals are capped far below (MAX_TOTAL).
        assert_eq!(Fen(i64::MAX) + Fen(1), Fen(i64::MAX));
        assert_eq!(Fen(i64::MIN) - Fen(1), Fen(i64::MIN));
        assert_eq!([Fen(i64::MAX), Fen(5)].into_iter().sum::<Fen>(), Fen(i64::MAX));
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Fen(1250).to_string(), "12.50");
        assert_eq!(Fen(2).to_string(), "0.02");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(format!("{:>8}", Fen(100)), "    1.00");
    }
}
