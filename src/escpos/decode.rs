//! Reads ESC/POS bytes back into [`Element`]s: for the on-screen receipt preview, for tests, and to
//! look at what another program sent the printer. Anything it does not know becomes
//! [`Element::Unknown`]; only bytes that end inside a command are an error.

use super::encode::{Align, CODE128, ESC, FS, GS, HriPosition, LF};
use super::profile::{PrinterProfile, TextEncoding};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbology {
    Code128,
}

/// One printer command, or a run of text, as the printer will act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// `ESC @`
    Init,
    /// Printable bytes up to the next command, decoded per the profile's encoding.
    Text(String),
    /// `LF`
    Newline,
    /// `ESC E n`
    Bold(bool),
    /// `GS ! n`: character width and height multipliers, 1..=8.
    Size { w: u8, h: u8 },
    /// `ESC a n`
    Align(Align),
    /// `GS h n`, in dots.
    BarcodeHeight(u8),
    /// `GS w n`: width of the thinnest bar in dots.
    BarcodeModuleWidth(u8),
    /// `GS H n`
    BarcodeHri(HriPosition),
    /// `GS k`, with CODE128's `{A`/`{B`/`{C` code-set switches resolved: `data` is what a scanner reads.
    Barcode { symbology: Symbology, data: String },
    /// `GS ( k` QR model (1 or 2).
    QrModel(u8),
    /// `GS ( k` QR module size in dots.
    QrModuleSize(u8),
    /// `GS ( k` QR error correction level: `L`, `M`, `Q` or `H`.
    QrErrorLevel(char),
    /// `GS ( k` print, carrying the content stored before it.
    Qr(String),
    /// `ESC d n`: lines fed.
    Feed(u8),
    /// `GS V`, any form.
    Cut,
    /// `ESC p`
    DrawerPulse,
    /// `FS &` (true) or `FS .` (false).
    ChineseMode(bool),
    /// A command this decoder does not interpret, with its parameters when their length is known.
    Unknown(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes stop inside a command's parameters: the print job was cut short or is not
    /// ESC/POS. The cashier sees "receipt data is damaged" on the preview instead of a receipt.
    #[error("printer data ends inside {command} (starting at byte {offset})")]
    Truncated {
        /// The command, e.g. `GS k`.
        command: &'static str,
        /// Where that command starts.
        offset: usize,
    },
}

/// Parses a whole print job. Text is decoded with the profile's encoding; malformed text bytes
/// become U+FFFD rather than an error, as the printer would print something for them too.
pub fn decode(bytes: &[u8], profile: &PrinterProfile) -> Result<Vec<Element>, DecodeError> {
    let mut elements = Vec::new();
    let mut stored_qr: Option<String> = None;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (element, len) = match byte {
            LF => (Some(Element::Newline), 1),
            ESC => esc(bytes, at)?,
            GS => gs(bytes, at, &mut stored_qr)?,
            FS => fs(bytes, at)?,
            // DLE EOT / DLE ENQ real-time requests carry one parameter.
            0x10 if matches!(bytes.get(at + 1), Some(4 | 5)) => {
                (Some(Element::Unknown(take(bytes, at, 3, "DLE")?.to_vec())), 3)
            }
            0x00..=0x1F => (Some(Element::Unknown(vec![byte])), 1),
            _ => {
                let run = bytes.get(at..).unwrap_or_default();
                let len = run.iter().position(|&b| b < 0x20).unwrap_or(run.len());
                (Some(Element::Text(decode_text(run.get(..len).unwrap_or_default(), profile.encoding))), len)
            }
        };
        elements.extend(element);
        at += len;
    }
    Ok(elements)
}

type Step = Result<(Option<Element>, usize), DecodeError>;

/// `len` bytes from `at`, or the error naming the command they belong to.
fn take<'b>(bytes: &'b [u8], at: usize, len: usize, command: &'static str) -> Result<&'b [u8], DecodeError> {
    at.checked_add(len).and_then(|end| bytes.get(at..end)).ok_or(DecodeError::Truncated { command, offset: at })
}

/// The command's last fixed-position parameter byte.
fn param(bytes: &[u8], at: usize, len: usize, command: &'static str) -> Result<u8, DecodeError> {
    Ok(take(bytes, at, len, command)?.last().copied().unwrap_or_default())
}

fn unknown(bytes: &[u8], at: usize, len: usize, command: &'static str) -> Step {
    Ok((Some(Element::Unknown(take(bytes, at, len, command)?.to_vec())), len))
}

fn esc(bytes: &[u8], at: usize) -> Step {
    let cmd = param(bytes, at, 2, "ESC")?;
    let one = |name| param(bytes, at, 3, name);
    let element = match cmd {
        b'@' => return Ok((Some(Element::Init), 2)),
        b'E' => Element::Bold(one("ESC E")? & 1 == 1),
        b'a' => match one("ESC a")? {
            0 | 48 => Element::Align(Align::Left),
            1 | 49 => Element::Align(Align::Center),
            2 | 50 => Element::Align(Align::Right),
            _ => return unknown(bytes, at, 3, "ESC a"),
        },
        b'd' => Element::Feed(one("ESC d")?),
        b'p' => {
            take(bytes, at, 5, "ESC p")?;
            return Ok((Some(Element::DrawerPulse), 5));
        }
        b'i' | b'm' => return Ok((Some(Element::Cut), 2)),
        b'2' | b'<' => return unknown(bytes, at, 2, "ESC"),
        b'!' | b' ' | b'-' | b'3' | b'G' | b'J' | b'M' | b'R' | b'U' | b'V' | b'c' | b'r' | b't' | b'{' => {
            return unknown(bytes, at, 3, "ESC");
        }
        b'$' | b'\\' => return unknown(bytes, at, 4, "ESC"),
        _ => return unknown(bytes, at, 2, "ESC"),
    };
    Ok((Some(element), 3))
}

fn gs(bytes: &[u8], at: usize, stored_qr: &mut Option<String>) -> Step {
    let cmd = param(bytes, at, 2, "GS")?;
    let one = |name| param(bytes, at, 3, name);
    let element = match cmd {
        b'!' => {
            let n = one("GS !")?;
            if n & 0x88 != 0 {
                return unknown(bytes, at, 3, "GS !");
            }
            Element::Size { w: (n >> 4) + 1, h: (n & 0x0F) + 1 }
        }
        b'h' => Element::BarcodeHeight(one("GS h")?),
        b'w' => Element::BarcodeModuleWidth(one("GS w")?),
        b'H' => match one("GS H")? {
            0 | 48 => Element::BarcodeHri(HriPosition::None),
            1 | 49 => Element::BarcodeHri(HriPosition::Above),
            2 | 50 => Element::BarcodeHri(HriPosition::Below),
            3 | 51 => Element::BarcodeHri(HriPosition::Both),
            _ => return unknown(bytes, at, 3, "GS H"),
        },
        b'k' => return barcode(bytes, at),
        b'V' => {
            let len = if matches!(one("GS V")?, 65 | 66 | 97 | 98 | 103 | 104) { 4 } else { 3 };
            take(bytes, at, len, "GS V")?;
            return Ok((Some(Element::Cut), len));
        }
        b'(' => return function(bytes, at, stored_qr),
        b'v' if bytes.get(at + 2) == Some(&b'0') => {
            // GS v 0 m xL xH yL yH: a raster image of (xL + 256 xH) bytes by (yL + 256 yH) rows.
            let head = take(bytes, at, 8, "GS v 0")?;
            let wide = usize::from(head[4]) + 256 * usize::from(head[5]);
            let high = usize::from(head[6]) + 256 * usize::from(head[7]);
            return unknown(bytes, at, wide.saturating_mul(high).saturating_add(8), "GS v 0");
        }
        b'B' | b'I' | b'a' | b'b' | b'f' | b'r' => return unknown(bytes, at, 3, "GS"),
        b'L' | b'W' => return unknown(bytes, at, 4, "GS"),
        _ => return unknown(bytes, at, 2, "GS"),
    };
    Ok((Some(element), 3))
}

/// `GS k m ...`: NUL-terminated for m <= 6, length-prefixed for m >= 65.
fn barcode(bytes: &[u8], at: usize) -> Step {
    let m = param(bytes, at, 3, "GS k")?;
    if m <= 6 {
        let rest = bytes.get(at + 3..).unwrap_or_default();
        let nul = rest.iter().position(|&b| b == 0).ok_or(DecodeError::Truncated { command: "GS k", offset: at })?;
        return unknown(bytes, at, 3 + nul + 1, "GS k");
    }
    let n = usize::from(param(bytes, at, 4, "GS k")?);
    let data = take(bytes, at + 4, n, "GS k").map_err(|_| DecodeError::Truncated { command: "GS k", offset: at })?;
    match (m, code128_text(data)) {
        (CODE128, Some(data)) => Ok((Some(Element::Barcode { symbology: Symbology::Code128, data }), 4 + n)),
        _ => unknown(bytes, at, 4 + n, "GS k"),
    }
}

/// The text a scanner reads from CODE128 data sent with `GS k 73`: `{A`/`{B`/`{C` pick the code set,
/// `{{` is a brace. `None` for data the printer would refuse or that holds function codes.
fn code128_text(data: &[u8]) -> Option<String> {
    let mut set = None;
    let mut text = String::new();
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        i += 1;
        if b == b'{' {
            match (data.get(i)?, set) {
                (b'A' | b'B' | b'C', _) => set = data.get(i).copied(),
                (b'{', Some(b'A' | b'B')) => text.push('{'),
                _ => return None,
            }
            i += 1;
            continue;
        }
        match set? {
            b'A' if (0x20..=0x5F).contains(&b) => text.push(char::from(b)),
            b'B' if (0x20..=0x7E).contains(&b) => text.push(char::from(b)),
            b'C' if b <= 99 => text.push_str(&format!("{b:02}")),
            _ => return None,
        }
    }
    set.map(|_| text)
}

/// `GS ( fn pL pH data`: every such function carries its own length.
fn function(bytes: &[u8], at: usize, stored_qr: &mut Option<String>) -> Step {
    let head = take(bytes, at, 5, "GS (")?;
    let len = 5 + usize::from(head[3]) + 256 * usize::from(head[4]);
    let whole = take(bytes, at, len, "GS (")?;
    let body = whole.get(5..).unwrap_or_default();
    // QR code functions: cn = 49, then the function number.
    let element = match (head[2], body) {
        (b'k', [49, 65, n, ..]) => Element::QrModel(n.saturating_sub(48)),
        (b'k', [49, 67, n]) => Element::QrModuleSize(*n),
        (b'k', [49, 69, n @ 48..=51]) => Element::QrErrorLevel(['L', 'M', 'Q', 'H'][usize::from(*n - 48)]),
        (b'k', [49, 80, 48, data @ ..]) => {
            *stored_qr = Some(String::from_utf8_lossy(data).into_owned());
            return Ok((None, len));
        }
        (b'k', [49, 81, 48]) if stored_qr.is_some() => Element::Qr(stored_qr.clone().unwrap_or_default()),
        _ => Element::Unknown(whole.to_vec()),
    };
    Ok((Some(element), len))
}

fn fs(bytes: &[u8], at: usize) -> Step {
    match param(bytes, at, 2, "FS")? {
        b'&' => Ok((Some(Element::ChineseMode(true)), 2)),
        b'.' => Ok((Some(Element::ChineseMode(false)), 2)),
        b'!' | b'-' | b'C' | b'W' => unknown(bytes, at, 3, "FS"),
        b'S' => unknown(bytes, at, 4, "FS"),
        _ => unknown(bytes, at, 2, "FS"),
    }
}

fn decode_text(bytes: &[u8], encoding: TextEncoding) -> String {
    match encoding {
        TextEncoding::Gb18030 => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
        TextEncoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escpos::encode::Encoder;
    use crate::escpos::to_text_lines;

    type Build = Box<dyn Fn(&mut Encoder)>;

    fn round_trip(profile: &PrinterProfile, build: impl FnOnce(&mut Encoder)) -> Vec<Element> {
        let mut e = Encoder::new(profile);
        build(&mut e);
        decode(e.bytes(), profile).expect("encoder output decodes")
    }

    #[test]
    fn every_command_the_encoder_emits_comes_back() {
        let p = PrinterProfile::mm80();
        let cases: Vec<(Build, Vec<Element>)> = vec![
            (Box::new(|e| _ = e.init()), vec![Element::Init, Element::ChineseMode(true)]),
            (Box::new(|e| _ = e.text("微信支付收款成功 12.50")), vec![Element::Text("微信支付收款成功 12.50".into())]),
            (Box::new(|e| _ = e.newline()), vec![Element::Newline]),
            (Box::new(|e| _ = e.bold(true).bold(false)), vec![Element::Bold(true), Element::Bold(false)]),
            (Box::new(|e| _ = e.size(2, 1)), vec![Element::Size { w: 2, h: 1 }]),
            (Box::new(|e| _ = e.size(8, 8)), vec![Element::Size { w: 8, h: 8 }]),
            (Box::new(|e| _ = e.align(Align::Right)), vec![Element::Align(Align::Right)]),
            (Box::new(|e| _ = e.feed(5)), vec![Element::Feed(5)]),
            (Box::new(|e| _ = e.cut()), vec![Element::Cut]),
            (Box::new(|e| _ = e.drawer_pulse()), vec![Element::DrawerPulse]),
            (
                Box::new(|e| _ = e.qr("https://pay.example/q?o=1&t=二维码").expect("fits")),
                vec![
                    Element::QrModel(2),
                    Element::QrModuleSize(8),
                    Element::QrErrorLevel('M'),
                    Element::Qr("https://pay.example/q?o=1&t=二维码".into()),
                ],
            ),
        ];
        for (build, want) in cases {
            assert_eq!(round_trip(&p, build), want);
        }
        let utf8 = PrinterProfile { encoding: TextEncoding::Utf8, chinese_mode: false, ..PrinterProfile::mm58() };
        assert_eq!(
            round_trip(&utf8, |e| _ = e.init().text("找零")),
            [Element::Init, Element::ChineseMode(false), Element::Text("找零".into())]
        );
    }

    #[test]
    fn barcodes_read_back_as_what_the_scanner_reads() {
        let p = PrinterProfile::mm80();
        for data in ["01000052251122010001", "0", "123", "A{B}C", "{{", "Order 7", "00"] {
            let elements = round_trip(&p, |e| _ = e.code128(data).expect("fits"));
            assert_eq!(
                elements[..3],
                [Element::BarcodeHeight(80), Element::BarcodeModuleWidth(3), Element::BarcodeHri(HriPosition::Below)]
            );
            assert_eq!(elements[3..], [Element::Barcode { symbology: Symbology::Code128, data: data.into() }]);
        }
        // Code sets switched mid-way, as other software sends them.
        assert_eq!(code128_text(b"{B1{C\x17\x05"), Some("12305".into()));
        assert_eq!(code128_text(b"{AAB"), Some("AB".into()));
        for bad in [&b"123"[..], b"{C\x64", b"{B\x7F", b"{1", b"{", b""] {
            assert_eq!(code128_text(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_whole_receipt_of_commands_decodes_in_order() {
        let p = PrinterProfile::mm58();
        let elements = round_trip(&p, |e| {
            e.init().align(Align::Center).text("测试").newline().feed(2).cut();
        });
        assert_eq!(
            elements,
            [
                Element::Init,
                Element::ChineseMode(true),
                Element::Align(Align::Center),
                Element::Text("测试".into()),
                Element::Newline,
                Element::Feed(2),
                Element::Feed(4),
            ]
        );
    }

    #[test]
    fn commands_from_other_software_are_kept_as_unknown() {
        let p = PrinterProfile::mm58();
        let bytes = [0x1B, 0x21, 0x08, b'a', 0x1D, 0x56, 0x00, 0x1B, 0x69, 0x0D, 0x1D, 0x42, 1, 0x1C, 0x43, 0x00];
        assert_eq!(
            decode(&bytes, &p),
            Ok(vec![
                Element::Unknown(vec![0x1B, 0x21, 0x08]),
                Element::Text("a".into()),
                Element::Cut,
                Element::Cut,
                Element::Unknown(vec![0x0D]),
                Element::Unknown(vec![0x1D, 0x42, 1]),
                Element::Unknown(vec![0x1C, 0x43, 0x00]),
            ])
        );
        // A QR print with nothing stored prints nothing useful.
        let print = [0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48];
        assert_eq!(decode(&print, &p), Ok(vec![Element::Unknown(print.to_vec())]));
        // A raster logo is skipped whole, not read as text.
        let logo = [0x1D, b'v', b'0', 0, 1, 0, 2, 0, 0x41, 0x42];
        assert_eq!(decode(&logo, &p), Ok(vec![Element::Unknown(logo.to_vec())]));
    }

    #[test]
    fn truncated_commands_are_an_error_not_a_panic() {
        let p = PrinterProfile::mm80();
        let mut e = Encoder::new(&p);
        e.init().bold(true).size(2, 2).align(Align::Center).feed(1).cut().drawer_pulse();
        e.code128("01000052251122010001").expect("fits");
        e.qr("hello").expect("fits");
        let whole = e.into_bytes();
        // Every command boundary decodes; every cut inside a command is an error.
        let mut boundaries = 0;
        for end in 0..whole.len() {
            match decode(&whole[..end], &p) {
                Ok(_) => boundaries += 1,
                Err(DecodeError::Truncated { offset, .. }) => assert!(offset < end),
            }
        }
        assert!(boundaries >= 10, "{boundaries}");
        assert_eq!(
            decode(&[0x1D, 0x6B, 73, 12, b'{', b'C'], &p),
            Err(DecodeError::Truncated { command: "GS k", offset: 0 })
        );
        assert_eq!(decode(b"ok\x1b", &p), Err(DecodeError::Truncated { command: "ESC", offset: 2 }));
        assert!(decode(&[0x1D, 0x6B, 4, b'1'], &p).is_err(), "NUL-terminated barcode without its NUL");
        assert!(decode(&[0x1D, b'(', b'k', 0xFF, 0xFF, 49], &p).is_err());
        assert!(decode(&[0x1D, b'v', b'0', 0, 0xFF, 0xFF, 0xFF, 0xFF], &p).is_err());
    }

    #[test]
    fn garbage_never_panics() {
        let profiles =
            [PrinterProfile::mm58(), PrinterProfile { encoding: TextEncoding::Utf8, ..PrinterProfile::mm80() }];
        // Deterministic LCG (Numerical Recipes constants); biased towards command bytes so that
        // the command parsers, not just the text path, get exercised.
        let mut state: u32 = 0x1234_5678;
        let mut next = move || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        };
        for case in 0..5000 {
            let len = usize::from(next()) % 64;
            let bytes: Vec<u8> = (0..len)
                .map(|_| match next() % 8 {
                    0 => 0x1B,
                    1 => 0x1D,
                    2 => 0x1C,
                    3 => [b'(', b'k', b'V', b'!', b'a', b'v', b'0', 49][usize::from(next() % 8)],
                    _ => next(),
                })
                .collect();
            let profile = &profiles[case % 2];
            if let Ok(elements) = decode(&bytes, profile) {
                let _ = to_text_lines(&elements, profile.columns);
            }
        }
    }
}
