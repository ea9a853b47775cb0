//! The ESC/POS byte builder. Each method appends one printer command; the comment above it gives the
//! bytes, so a hex dump of a receipt can be read against this file.

use super::profile::{PrinterProfile, TextEncoding};
use std::borrow::Cow;

pub(crate) const LF: u8 = 0x0A;
pub(crate) const ESC: u8 = 0x1B;
pub(crate) const FS: u8 = 0x1C;
pub(crate) const GS: u8 = 0x1D;

/// `GS k` symbology number of CODE128 (function B, length-prefixed).
pub(crate) const CODE128: u8 = 73;
/// Bar height in dots: 10 mm at 8 dots/mm, tall enough for a hand scanner held at an angle.
const BARCODE_HEIGHT: u8 = 80;
/// Printed instead of a character the printer's encoding cannot carry: visibly wrong, unlike `?`.
pub const FALLBACK: char = '□';
/// Lines fed by `cut()` on a printer without a cutter, so the last line clears the tear bar.
pub const TEAR_OFF_FEED: u8 = 4;
/// Bytes a QR code can hold at error level M (version 40, byte mode).
pub const QR_MAX_BYTES: usize = 2331;

/// `ESC a n` justification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// `GS H n`: where the barcode's human-readable digits are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HriPosition {
    None,
    Above,
    Below,
    Both,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The barcode text is empty or holds characters CODE128 set B cannot carry (only printable
    /// ASCII can). The receipt prints the text instead; the cashier sees no error.
    #[error("barcode text {0:?} cannot be printed as CODE128")]
    BarcodeText(String),
    /// Even at the thinnest bars a scanner reads (2 dots), the barcode is wider than the paper.
    /// The receipt prints the text instead.
    #[error("barcode of {modules} modules does not fit {dots} dots")]
    BarcodeTooWide { modules: usize, dots: u16 },
    /// More bytes than the largest QR code holds at error level M.
    #[error("QR content of {0} bytes is too long")]
    QrTooLong(usize),
}

/// Appends ESC/POS commands for one printer profile. Pure: [`Encoder::into_bytes`] hands the bytes
/// to whoever sends them.
#[derive(Debug, Clone)]
pub struct Encoder<'a> {
    profile: &'a PrinterProfile,
    bytes: Vec<u8>,
}

impl<'a> Encoder<'a> {
    pub fn new(profile: &'a PrinterProfile) -> Encoder<'a> {
        Encoder { profile, bytes: Vec::new() }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// `1B 40` (ESC @) reset; then `1C 26` (FS &) for GB18030 Chinese mode, or `1C 2E` (FS .) for
    /// UTF-8, so a printer left in Chinese mode does not pair up UTF-8 bytes as GB hanzi.
    pub fn init(&mut self) -> &mut Self {
        self.bytes.extend_from_slice(&[ESC, b'@']);
        match (self.profile.encoding, self.profile.chinese_mode) {
            (TextEncoding::Gb18030, true) => self.bytes.extend_from_slice(&[FS, b'&']),
            (TextEncoding::Utf8, _) => self.bytes.extend_from_slice(&[FS, b'.']),
            (TextEncoding::Gb18030, false) => {}
        }
        self
    }

    /// The text in the profile's encoding. Control characters become spaces so that a product
    /// name can never smuggle in a printer command; line breaks are [`Encoder::newline`].
    pub fn text(&mut self, text: &str) -> &mut Self {
        encode_text(text, self.profile.encoding, &mut self.bytes);
        self
    }

    /// `0A` (LF) print the line and feed one line.
    pub fn newline(&mut self) -> &mut Self {
        self.bytes.push(LF);
        self
    }

    /// `1B 45 n` (ESC E n) emphasis on (1) or off (0).
    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.bytes.extend_from_slice(&[ESC, b'E', u8::from(on)]);
        self
    }

    /// `1D 21 n` (GS ! n) with n = (w-1)<<4 | (h-1); w and h are clamped to 1..=8 times.
    pub fn size(&mut self, w: u8, h: u8) -> &mut Self {
        let w = w.clamp(1, 8) - 1;
        let h = h.clamp(1, 8) - 1;
        self.bytes.extend_from_slice(&[GS, b'!', (w << 4) | h]);
        self
    }

    /// `1B 61 n` (ESC a n) with n = 0 left, 1 centre, 2 right. Takes effect at the start of a line.
    pub fn align(&mut self, align: Align) -> &mut Self {
        let n = match align {
            Align::Left => 0,
            Align::Center => 1,
            Align::Right => 2,
        };
        self.bytes.extend_from_slice(&[ESC, b'a', n]);
        self
    }

    /// `1D 68 50` (GS h 80) height, `1D 77 n` (GS w n) bar width, `1D 48 02` (GS H 2) digits below,
    /// then `1D 6B 49 len {C|{B data` (GS k 73). Even-length digit strings use code set C (two digits
    /// per symbol, so long order numbers fit 58 mm paper); anything else set B with `{` sent as `{{`.
    /// The bars are as wide as the paper allows, up to 3 dots.
    pub fn code128(&mut self, data: &str) -> Result<&mut Self, EncodeError> {
        let (payload, symbols) = code128_payload(data)?;
        // Start, data, check digit (11 modules each), stop (13) and 10-module quiet zones each side.
        let modules = 11 * (symbols + 2) + 13 + 20;
        let dots = usize::from(self.profile.dots_per_line);
        let width = (2..=3u8)
            .rev()
            .find(|w| modules * usize::from(*w) <= dots)
            .ok_or(EncodeError::BarcodeTooWide { modules, dots: self.profile.dots_per_line })?;
        let len = u8::try_from(payload.len()).map_err(|_| EncodeError::BarcodeText(data.to_string()))?;
        self.bytes.extend_from_slice(&[GS, b'h', BARCODE_HEIGHT, GS, b'w', width, GS, b'H', 2]);
        self.bytes.extend_from_slice(&[GS, b'k', CODE128, len]);
        self.bytes.extend_from_slice(&payload);
        Ok(self)
    }

    /// `1D 28 6B` (GS ( k) commands for cn 49 (QR): model 2 `04 00 31 41 32 00`, module size
    /// `03 00 31 43 n`, error level M `03 00 31 45 31`, store `pL pH 31 50 30 data`, print
    /// `03 00 31 51 30`. The content is sent as UTF-8, which is what phones expect.
    pub fn qr(&mut self, data: &str) -> Result<&mut Self, EncodeError> {
        let data = data.as_bytes();
        if data.len() > QR_MAX_BYTES {
            return Err(EncodeError::QrTooLong(data.len()));
        }
        let size = qr_module_size(data.len(), self.profile.dots_per_line);
        let stored = data.len() + 3;
        let [p_l, p_h] = u16::try_from(stored).map_err(|_| EncodeError::QrTooLong(data.len()))?.to_le_bytes();
        let out = &mut self.bytes;
        out.extend_from_slice(&[GS, b'(', b'k', 4, 0, 49, 65, 50, 0]);
        out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 67, size]);
        out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 69, 49]);
        out.extend_from_slice(&[GS, b'(', b'k', p_l, p_h, 49, 80, 48]);
        out.extend_from_slice(data);
        out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 81, 48]);
        Ok(self)
    }

    /// `1B 64 n` (ESC d n) print the line and feed n lines.
    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.bytes.extend_from_slice(&[ESC, b'd', lines]);
        self
    }

    /// `1D 56 42 00` (GS V 66 0) feed to the cutter and cut partially, leaving a tab that holds the
    /// receipt until the customer takes it. Without a cutter: feed [`TEAR_OFF_FEED`] lines.
    pub fn cut(&mut self) -> &mut Self {
        if self.profile.cut {
            self.bytes.extend_from_slice(&[GS, b'V', 66, 0]);
            self
        } else {
            self.feed(TEAR_OFF_FEED)
        }
    }

    /// `1B 70 00 19 FA` (ESC p 0 25 250) pulse drawer pin 2 for 50 ms on, 500 ms off.
    pub fn drawer_pulse(&mut self) -> &mut Self {
        self.bytes.extend_from_slice(&[ESC, b'p', 0, 25, 250]);
        self
    }
}

/// The `GS k 73` data and the number of CODE128 symbols it makes.
fn code128_payload(data: &str) -> Result<(Vec<u8>, usize), EncodeError> {
    let printable = |b: &u8| (0x20..=0x7E).contains(b);
    if data.is_empty() || !data.bytes().all(|b| printable(&b)) {
        return Err(EncodeError::BarcodeText(data.to_string()));
    }
    let digits = data.as_bytes();
    if digits.len().is_multiple_of(2) && digits.iter().all(u8::is_ascii_digit) {
        let mut payload = b"{C".to_vec();
        payload.extend(digits.chunks(2).map(|pair| (pair[0] - b'0') * 10 + (pair[1] - b'0')));
        return Ok((payload, digits.len() / 2));
    }
    let mut payload = b"{B".to_vec();
    for b in data.bytes() {
        payload.push(b);
        if b == b'{' {
            payload.push(b'{');
        }
    }
    Ok((payload, data.len()))
}

/// The largest QR module size (1..=8 dots) that keeps the symbol within two thirds of the paper.
fn qr_module_size(data_len: usize, dots: u16) -> u8 {
    // Byte-mode capacity at error level M for versions 1..=40.
    const CAPACITY_M: [usize; 40] = [
        14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779, 857,
        911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
    ];
    let version = CAPACITY_M.iter().position(|&cap| data_len <= cap).unwrap_or(39) + 1;
    // Side of the symbol in modules, plus the 4-module quiet zone each side.
    let modules = 17 + 4 * version + 8;
    let room = usize::from(dots) * 2 / 3;
    (1..=8u8).rev().find(|s| modules * usize::from(*s) <= room).unwrap_or(1)
}

/// Appends `text` in `encoding`. Only characters GB18030 has no code for (U+E5E5) become
/// [`FALLBACK`]; everything else, hanzi included, is encoded exactly.
pub(crate) fn encode_text(text: &str, encoding: TextEncoding, out: &mut Vec<u8>) {
    let clean: Cow<str> = if text.chars().any(char::is_control) {
        Cow::Owned(text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect())
    } else {
        Cow::Borrowed(text)
    };
    match encoding {
        TextEncoding::Utf8 => out.extend_from_slice(clean.as_bytes()),
        TextEncoding::Gb18030 => {
            let (bytes, _, had_errors) = encoding_rs::GB18030.encode(&clean);
            if !had_errors {
                out.extend_from_slice(&bytes);
                return;
            }
            // encoding_rs writes unmappable characters as `&#NNNN;`: redo them one by one.
            for c in clean.chars() {
                let mut buf = [0u8; 4];
                let (bytes, _, had_errors) = encoding_rs::GB18030.encode(c.encode_utf8(&mut buf));
                if had_errors {
                    let (fallback, _, _) = encoding_rs::GB18030.encode(FALLBACK.encode_utf8(&mut buf));
                    out.extend_from_slice(&fallback);
                } else {
                    out.extend_from_slice(&bytes);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(profile: &PrinterProfile, build: impl FnOnce(&mut Encoder)) -> Vec<u8> {
        let mut e = Encoder::new(profile);
        build(&mut e);
        e.into_bytes()
    }

    fn utf8_profile() -> PrinterProfile {
        PrinterProfile { encoding: TextEncoding::Utf8, chinese_mode: false, ..PrinterProfile::mm80() }
    }

    #[test]
    fn init_enters_chinese_mode_for_gb18030_and_leaves_it_for_utf8() {
        assert_eq!(with(&PrinterProfile::mm58(), |e| _ = e.init()), [0x1B, 0x40, 0x1C, 0x26]);
        assert_eq!(with(&utf8_profile(), |e| _ = e.init()), [0x1B, 0x40, 0x1C, 0x2E]);
        let plain = PrinterProfile { chinese_mode: false, ..PrinterProfile::mm58() };
        assert_eq!(with(&plain, |e| _ = e.init()), [0x1B, 0x40]);
    }

    #[test]
    fn chinese_text_is_real_gb18030() {
        let bytes = with(&PrinterProfile::mm58(), |e| _ = e.text("微信支付收款成功"));
        assert_eq!(
            bytes,
            [0xCE, 0xA2, 0xD0, 0xC5, 0xD6, 0xA7, 0xB8, 0xB6, 0xCA, 0xD5, 0xBF, 0xEE, 0xB3, 0xC9, 0xB9, 0xA6]
        );
        assert!(!bytes.contains(&b'?'));
        assert_eq!(with(&PrinterProfile::mm58(), |e| _ = e.text("Cola 3.50")), b"Cola 3.50");
    }

    #[test]
    fn only_unmappable_characters_become_the_visible_fallback() {
        // U+E5E5 is the one character GB18030 (as the WHATWG defines it) cannot carry.
        let bytes = with(&PrinterProfile::mm58(), |e| _ = e.text("茶\u{E5E5}水"));
        assert_eq!(bytes, [0xB2, 0xE8, 0xA1, 0xF5, 0xCB, 0xAE]);
        // Beyond GBK: four-byte GB18030, not a question mark.
        let emoji = with(&PrinterProfile::mm58(), |e| _ = e.text("😀"));
        assert_eq!(emoji, [0x94, 0x39, 0xFC, 0x36]);
    }

    #[test]
    fn control_characters_cannot_inject_commands() {
        let bytes = with(&PrinterProfile::mm58(), |e| _ = e.text("a\x1Bp\x00\n可"));
        assert_eq!(bytes, [b'a', b' ', b'p', b' ', b' ', 0xBF, 0xC9]);
        assert_eq!(with(&utf8_profile(), |e| _ = e.text("可\r")), [0xE5, 0x8F, 0xAF, b' ']);
    }

    #[test]
    fn each_simple_command_has_its_documented_bytes() {
        let p = PrinterProfile::mm80();
        assert_eq!(with(&p, |e| _ = e.newline()), [0x0A]);
        assert_eq!(with(&p, |e| _ = e.bold(true).bold(false)), [0x1B, 0x45, 1, 0x1B, 0x45, 0]);
        assert_eq!(with(&p, |e| _ = e.size(2, 2)), [0x1D, 0x21, 0x11]);
        assert_eq!(with(&p, |e| _ = e.size(1, 2)), [0x1D, 0x21, 0x01]);
        assert_eq!(with(&p, |e| _ = e.size(0, 9)), [0x1D, 0x21, 0x07]);
        assert_eq!(with(&p, |e| _ = e.align(Align::Left)), [0x1B, 0x61, 0]);
        assert_eq!(with(&p, |e| _ = e.align(Align::Center)), [0x1B, 0x61, 1]);
        assert_eq!(with(&p, |e| _ = e.align(Align::Right)), [0x1B, 0x61, 2]);
        assert_eq!(with(&p, |e| _ = e.feed(3)), [0x1B, 0x64, 3]);
        assert_eq!(with(&p, |e| _ = e.drawer_pulse()), [0x1B, 0x70, 0, 25, 250]);
    }

    #[test]
    fn cut_cuts_only_where_there_is_a_cutter() {
        assert_eq!(with(&PrinterProfile::mm80(), |e| _ = e.cut()), [0x1D, 0x56, 66, 0]);
        assert_eq!(with(&PrinterProfile::mm58(), |e| _ = e.cut()), [0x1B, 0x64, TEAR_OFF_FEED]);
    }

    #[test]
    fn order_number_barcode_uses_code_set_c() {
        let p = PrinterProfile::mm58();
        let bytes = with(&p, |e| _ = e.code128("01000052251122010001").expect("fits"));
        let mut want = vec![0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x48, 2, 0x1D, 0x6B, 73, 12, b'{', b'C'];
        want.extend([1, 0, 0, 52, 25, 11, 22, 1, 0, 1]);
        assert_eq!(bytes, want);
        // 80 mm paper has room for 3-dot bars.
        let wide = with(&PrinterProfile::mm80(), |e| _ = e.code128("01000052251122010001").expect("fits"));
        assert_eq!(wide[5], 3);
        // The till's 24-digit numbers still fit 58 mm paper (2-dot bars) and 80 mm (3-dot bars).
        let long = with(&p, |e| _ = e.code128("010000522511220137815001").expect("fits 58 mm"));
        assert_eq!(long[5], 2);
        let long = with(&PrinterProfile::mm80(), |e| _ = e.code128("010000522511220137815001").expect("fits 80 mm"));
        assert_eq!(long[5], 3);
    }

    #[test]
    fn other_barcodes_use_code_set_b_with_brace_escaped() {
        let bytes = with(&PrinterProfile::mm80(), |e| _ = e.code128("A{1").expect("fits"));
        assert_eq!(&bytes[9..], [0x1D, 0x6B, 73, 6, b'{', b'B', b'A', b'{', b'{', b'1']);
        let odd = with(&PrinterProfile::mm80(), |e| _ = e.code128("123").expect("fits"));
        assert_eq!(&odd[13..], b"{B123");
    }

    #[test]
    fn barcodes_that_cannot_print_are_refused() {
        let p = PrinterProfile::mm58();
        let mut e = Encoder::new(&p);
        assert!(matches!(e.code128(""), Err(EncodeError::BarcodeText(_))));
        assert!(matches!(e.code128("单号1"), Err(EncodeError::BarcodeText(_))));
        assert!(matches!(e.code128(&"X".repeat(20)), Err(EncodeError::BarcodeTooWide { .. })));
        assert!(e.bytes().is_empty(), "nothing half-written");
    }

    #[test]
    fn qr_is_model_2_level_m_stored_then_printed() {
        let bytes = with(&PrinterProfile::mm58(), |e| _ = e.qr("https://t.cn/x").expect("fits"));
        let mut want = vec![0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0];
        want.extend([0x1D, 0x28, 0x6B, 3, 0, 49, 67, 8]);
        want.extend([0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49]);
        want.extend([0x1D, 0x28, 0x6B, 17, 0, 49, 80, 48]);
        want.extend(b"https://t.cn/x");
        want.extend([0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48]);
        assert_eq!(bytes, want);
        let p = PrinterProfile::mm58();
        let mut e = Encoder::new(&p);
        assert_eq!(e.qr(&"x".repeat(QR_MAX_BYTES + 1)).err(), Some(EncodeError::QrTooLong(QR_MAX_BYTES + 1)));
    }

    #[test]
    fn qr_modules_shrink_as_content_grows() {
        assert_eq!(qr_module_size(10, 384), 8); // version 1: 29 modules with quiet zone
        assert_eq!(qr_module_size(100, 384), 5); // version 6: 49
        assert_eq!(qr_module_size(QR_MAX_BYTES, 384), 1);
    }
}
