//! Amounts on the wire: yuan with two decimals (`0.01`, `-0.01`), from and to integer fen, exactly.

use crate::core::money::Fen;

/// `total`, `dic_amount`, `refund`: yuan with exactly two decimals, e.g. `0.01`, `12.50`, `-0.01`.
pub fn yuan(amount: Fen) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The most a bill may carry in an answer (99,999,999.99 yuan); anything bigger is a broken answer.
const MAX_DIGITS_YUAN: usize = 8;

/// Parses an answer's amount strictly: optional `-`, 1–8 digits, optionally `.` and 1–2 digits.
/// Refuses `0.001`, `.5`, `+1`, `1e3`, spaces and anything else, so a malformed amount is never
/// rounded into a plausible one.
pub fn parse_amount(text: &str) -> Option<Fen> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    if int_part.is_empty() || int_part.len() > MAX_DIGITS_YUAN || !int_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = match frac_part {
        None => 0,
        Some(f) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            let n: i64 = f.parse().ok()?;
            if f.len() == 1 { n * 10 } else { n }
        }
        Some(_) => return None,
    };
    let fen = int_part.parse::<i64>().ok()? * 100 + frac;
    Some(Fen(if negative { -fen } else { fen }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_two_decimals_from_fen() {
        assert_eq!(yuan(Fen(1)), "0.01");
        assert_eq!(yuan(Fen(1250)), "12.50");
        assert_eq!(yuan(Fen(100)), "1.00");
        assert_eq!(yuan(Fen(0)), "0.00");
        assert_eq!(yuan(Fen(-1)), "-0.01");
    }

    #[test]
    fn parses_the_platforms_amounts_exactly() {
        assert_eq!(parse_amount("0.02"), Some(Fen(2)));
        assert_eq!(parse_amount("-0.01"), Some(Fen(-1)));
        assert_eq!(parse_amount("1"), Some(Fen(100)));
        assert_eq!(parse_amount("12.5"), Some(Fen(1250)));
        assert_eq!(parse_amount("0.29"), Some(Fen(29)));
        assert_eq!(parse_amount("99999999.99"), Some(Fen(9_999_999_999)));
    }

    #[test]
    fn refuses_anything_loose() {
        for bad in
            ["", "-", "0.001", "abc", "1e3", "1.0e2", ".5", "5.", "+1", " 1", "1 ", "1,00", "--1", "0x10", "123456789"]
        {
            assert_eq!(parse_amount(bad), None, "{bad:?}");
        }
    }
}
