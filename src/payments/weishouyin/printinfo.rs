//! `printinfo`: the platform's receipt as text in which ESC/POS bytes are written `\xNN` (reference §6).
//! Decoding turns each escape into its byte and encodes the text between them as GB18030, the
//! encoding of Chinese thermal printers.
//!
//! A backslash not followed by `x` and two hex digits (e.g. `\xZZ`, a lone `\`) is kept literally:
//! it is text the platform meant to print, and dropping it could hide an amount's sign or a digit.

/// The longest `printinfo` accepted, in bytes of text: the reference's receipts are under 1 KB; a
/// bigger one is broken or hostile and is not printed.
pub const MAX_PRINTINFO_BYTES: usize = 16 * 1024;

/// Why a `printinfo` is not printed. The cashier sees nothing: the till's own receipt is printed anyway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintInfoError {
    /// Longer than [`MAX_PRINTINFO_BYTES`].
    #[error("printinfo larger than {MAX_PRINTINFO_BYTES} bytes")]
    TooLarge,
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `printinfo` into the bytes to send to the printer.
pub fn decode(text: &str) -> Result<Vec<u8>, PrintInfoError> {
    if text.len() > MAX_PRINTINFO_BYTES {
        return Err(PrintInfoError::TooLarge);
    }
    let mut out = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let escape = (bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'x'))
            .then(|| Some((hex_digit(*bytes.get(i + 2)?)?, hex_digit(*bytes.get(i + 3)?)?)))
            .flatten();
        match escape {
            Some((hi, lo)) => {
                // `i` sits on an ASCII backslash, so the run before it ends on a char boundary.
                push_text(&mut out, &text[run_start..i]);
                out.push(hi << 4 | lo);
                i += 4;
                run_start = i;
            }
            None => i += 1,
        }
    }
    push_text(&mut out, &text[run_start..]);
    Ok(out)
}

fn push_text(out: &mut Vec<u8>, text: &str) {
    if text.is_empty() {
        return;
    }
    // GB18030 covers all of Unicode, so nothing is replaced, but for the yuan sign: `¥` (U+00A5) is a
    // four-byte GB18030 sequence that GBK-only printers misprint; the full-width `￥` is in GBK (A3 A4).
    let text = text.replace('¥', "￥");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    out.extend_from_slice(&bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The payment receipt of reference §6, labels as reconstructed there.
    const PAYMENT: &str = "\\x1b\\x40\\x1D\\x21\\x11\\x1b\\x4d\\x02微信支付\n\\x1D\\x21\\x00\n\\x1b\\x40\\x1b\\x4d\\x02--------------------------------\n\\x1b\\x40\\x1b\\x4d\\x02订单号: 2032288236\n\\x1b\\x40\n\\x1b\\x40\\x1b\\x4d\\x02支付时间: 2018-04-21 18:58:01\n\\x1b\\x40\n\\x1b\\x40\n\\x1b\\x40\\x1b\\x4d\\x02实收金额: \\x1D\\x21\\x11¥0.01\n\\x1b\\x40\\x1b\\x4d\\x02--------------------------------\n\\x1b\\x4d\\x02签名/备注:\n\n\\x1B\\x69";

    #[test]
    fn decodes_the_reference_payment_receipt() {
        let bytes = decode(PAYMENT).expect("decodes");
        assert!(bytes.starts_with(b"\x1b\x40\x1d\x21\x11\x1b\x4d\x02"));
        assert!(bytes.ends_with(b"\n\n\x1b\x69"));
        let (title, _, bad) = encoding_rs::GB18030.decode(&bytes[8..16]);
        assert!(!bad);
        assert_eq!(title, "微信支付");
        // 微 in GB18030 is 0xCE 0xA2.
        assert_eq!(&bytes[8..10], &[0xce, 0xa2]);
        let amount = b"\x1d\x21\x11";
        let at = bytes.windows(3).rposition(|w| w == amount).expect("size command before the amount");
        let (rest, _, _) = encoding_rs::GB18030.decode(&bytes[at + 3..]);
        assert!(rest.starts_with("￥0.01\n"), "the full-width sign GBK printers have: {rest:?}");
        assert!(!bytes.windows(2).any(|w| w == b"\\x"), "no escape left undecoded");
    }

    #[test]
    fn decodes_the_refund_receipt_head_in_either_case() {
        let bytes =
            decode("\\x1b\\x40\\x1c\\x26\\x1b\\x61\\x01\\x1D\\x21\\x10退款\\x0d\\x0a\\x0D\\x0A\\x1B\\x69").expect("ok");
        assert_eq!(&bytes[..11], b"\x1b\x40\x1c\x26\x1b\x61\x01\x1d\x21\x10\xcd");
        assert!(bytes.ends_with(b"\r\n\r\n\x1b\x69"));
        assert_eq!(decode("\\xff\\xFF\\xfF").expect("ok"), vec![0xff, 0xff, 0xff]);
    }

    #[test]
    fn keeps_malformed_escapes_literally() {
        assert_eq!(decode("a\\xZZb").expect("ok"), b"a\\xZZb");
        assert_eq!(decode("\\x1").expect("ok"), b"\\x1");
        assert_eq!(decode("\\").expect("ok"), b"\\");
        assert_eq!(decode("\\\\x41").expect("ok"), b"\\A");
        assert_eq!(decode("\\X41").expect("ok"), b"\\X41", "only a lower-case x introduces an escape");
        assert_eq!(decode("\\x4中").expect("ok"), b"\\x4\xd6\xd0");
    }

    #[test]
    fn refuses_a_hostile_huge_printinfo() {
        let huge = "\\x1b".repeat(MAX_PRINTINFO_BYTES);
        assert_eq!(decode(&huge), Err(PrintInfoError::TooLarge));
        assert!(decode(&"a".repeat(MAX_PRINTINFO_BYTES)).is_ok());
    }
}
