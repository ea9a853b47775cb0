//! A payment platform's own slip (微收银 `printinfo`), made fit for this till's printer. The slip is
//! ESC/POS from a stranger: it may carry any command, a cash-drawer kick, writes to the printer's
//! non-volatile memory, or a code-page change that spoils every later receipt. [`sanitize`] passes text
//! and an allow-list of formatting commands (initialise, align, emphasis, fonts and character size,
//! line feeds, the cut, CODE128) and drops everything else, with its parameters.
//!
//! It also prints the slip as a Chinese printer needs it: the platform resets the printer (`ESC @`)
//! before every line and never selects Chinese mode, so a printer that powers up without it would print
//! mojibake: after every reset the profile's own initialisation follows (`FS &` where the profile needs
//! it, as the till's receipts start). A cut is the till's own ([`Encoder::cut`]): fed to the cutter,
//! or past the tear bar on a printer without one.

use super::encode::{CODE128, ESC, Encoder, FS, GS, LF};
use super::profile::PrinterProfile;

const HT: u8 = 0x09;
const CR: u8 = 0x0D;
/// Most lines an `ESC d` of a slip may feed: enough for any layout, not a roll's worth of paper.
const MAX_FEED_LINES: u8 = 10;

/// What the sanitizer did with a slip, for the log line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Commands left out (not on the allow-list, or malformed).
    pub commands: usize,
    /// Control bytes left out (anything below 0x20 but tab, CR and LF, and DEL).
    pub controls: usize,
}

/// How a command starting at a position is handled.
enum Step {
    /// Keep this many bytes as they are.
    Keep(usize),
    /// Drop this many bytes.
    Drop(usize),
    /// The printer's own initialisation (a reset, then Chinese mode where needed), for this many bytes.
    Init(usize),
    /// The till's own cut, for this many bytes.
    Cut(usize),
    /// An unknown command: its length cannot be known, so the rest of the line goes with it.
    DropLine,
}

fn le16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(*b.get(at)?) | usize::from(*b.get(at.checked_add(1)?)?) << 8)
}

/// `ESC x …` at `b[0] == ESC`.
fn esc(b: &[u8]) -> Option<Step> {
    let cmd = *b.get(1)?;
    let n = b.get(2).copied();
    Some(match cmd {
        b'@' => Step::Init(2),
        // Align, emphasis, double-strike, print mode, font, underline, line spacing: formatting.
        b'a' | b'E' | b'G' | b'!' | b'M' | b'-' | b'3' => {
            n?;
            Step::Keep(3)
        }
        b'2' => Step::Keep(2),
        b'd' if n? <= MAX_FEED_LINES => Step::Keep(3),
        b'd' => Step::Drop(3),
        b'J' => {
            n?;
            Step::Keep(3)
        }
        // The platform's cut (full or partial): the till's own.
        b'i' | b'm' => Step::Cut(2),
        // Cash drawer kick.
        b'p' => Step::Drop(5),
        // Character table, international set, peripheral, panel keys, user characters on/off,
        // character spacing, rotation, upside down, reverse feed, sensor settings.
        b't' | b'R' | b'=' | b'%' | b'?' | b' ' | b'V' | b'{' | b'K' | b'e' | b'r' => Step::Drop(3),
        b'c' => Step::Drop(4),
        b'$' | b'\\' => Step::Drop(4),
        // Bit image: ESC * m nL nH d1…dk, k = (nL + nH·256) × (1 for m = 0/1, 3 for m = 32/33).
        b'*' => {
            let m = *b.get(2)?;
            let k = le16(b, 3)?.saturating_mul(if m >= 32 { 3 } else { 1 });
            Step::Drop(k.saturating_add(5))
        }
        _ => Step::DropLine,
    })
}

/// `GS x …` at `b[0] == GS`.
fn gs(b: &[u8]) -> Option<Step> {
    let cmd = *b.get(1)?;
    Some(match cmd {
        // Character size, barcode height, width, HRI position and font, reverse printing.
        b'!' | b'h' | b'w' | b'H' | b'f' | b'B' => {
            b.get(2)?;
            Step::Keep(3)
        }
        // GS V m [n]: cut; m 65/66 and 97–103 take a feed amount.
        b'V' => match *b.get(2)? {
            0 | 1 | 48 | 49 => Step::Cut(3),
            65 | 66 | 97..=103 => {
                b.get(3)?;
                Step::Cut(4)
            }
            _ => Step::Drop(3),
        },
        // GS k: only CODE128 (m = 73, n bytes of data) is printed.
        b'k' => match *b.get(2)? {
            0..=6 => Step::Drop(3 + b.get(3..)?.iter().position(|&c| c == 0)? + 1),
            CODE128 => match usize::from(*b.get(3)?) {
                0 => Step::Drop(4),
                n if b.len() >= 4 + n => Step::Keep(4 + n),
                _ => return None,
            },
            _ => Step::Drop(4 + usize::from(*b.get(3)?)),
        },
        // GS ( fn pL pH …: graphics, QR, NV memory and settings writes.
        b'(' => Step::Drop(5 + le16(b, 3)?),
        // GS v 0 m xL xH yL yH d…: raster image of xL+xH·256 bytes × yL+yH·256 rows.
        b'v' => Step::Drop(le16(b, 4)?.saturating_mul(le16(b, 6)?).saturating_add(8)),
        // GS * x y d…: a downloaded image of x·y·8 bytes.
        b'*' => Step::Drop(usize::from(*b.get(2)?) * usize::from(*b.get(3)?) * 8 + 4),
        b'/' | b'a' | b'r' | b'I' | b'b' | b'^' => Step::Drop(3),
        b'L' | b'W' | b'P' | b'$' | b'\\' => Step::Drop(4),
        _ => Step::DropLine,
    })
}

/// `FS x …` at `b[0] == FS`.
fn fs(b: &[u8]) -> Option<Step> {
    let cmd = *b.get(1)?;
    Some(match cmd {
        // Chinese print mode, quadruple size, Chinese underline: formatting.
        b'!' | b'W' | b'-' => {
            b.get(2)?;
            Step::Keep(3)
        }
        // Chinese mode on is what the profile's initialisation selects anyway; off spoils the slip.
        b'&' | b'.' => Step::Drop(2),
        // Print an NV image; select the character code system.
        b'p' => Step::Drop(4),
        b'C' => Step::Drop(3),
        // Define a user character: c1 c2 and 72 bytes of pattern.
        b'2' => Step::Drop(4 + 72),
        // FS q n [xL xH yL yH d…]…: defines NV images (writes the printer's flash).
        b'q' => {
            let count = usize::from(*b.get(2)?);
            let mut at = 3;
            for _ in 0..count {
                let image = le16(b, at)?.saturating_mul(le16(b, at.saturating_add(2))?).saturating_mul(8);
                at = at.saturating_add(4).saturating_add(image);
            }
            Step::Drop(at)
        }
        // FS g 1 m a1 a2 a3 a4 nL nH d…: writes to NV user memory.
        b'g' => Step::Drop(le16(b, 8)? + 10),
        _ => Step::DropLine,
    })
}

/// What the till's own encoder writes for `f` on this printer.
fn encoded(profile: &PrinterProfile, f: impl FnOnce(&mut Encoder)) -> Vec<u8> {
    let mut e = Encoder::new(profile);
    f(&mut e);
    e.into_bytes()
}

/// The slip's bytes as this printer may be sent them, and what was left out.
pub fn sanitize(slip: &[u8], profile: &PrinterProfile) -> (Vec<u8>, Dropped) {
    let init = encoded(profile, |e| _ = e.init());
    let cut = encoded(profile, |e| _ = e.cut());
    let mut out = Vec::with_capacity(slip.len() + 16);
    let mut dropped = Dropped::default();
    let mut i = 0;
    while i < slip.len() {
        let b = &slip[i..];
        let step = match b[0] {
            ESC => esc(b),
            GS => gs(b),
            FS => fs(b),
            HT | CR | LF => Some(Step::Keep(1)),
            0x20..=0x7E | 0x80..=0xFF => Some(Step::Keep(1)),
            _ => {
                dropped.controls += 1;
                i += 1;
                continue;
            }
        };
        // A command cut short by the end of the slip is dropped with what is left of it.
        let step = step.unwrap_or(Step::Drop(b.len()));
        let len = match step {
            Step::Keep(n) => {
                let n = n.min(b.len());
                out.extend_from_slice(&b[..n]);
                n
            }
            Step::Init(n) => {
                out.extend_from_slice(&init);
                n
            }
            Step::Cut(n) => {
                out.extend_from_slice(&cut);
                n
            }
            Step::Drop(n) => {
                dropped.commands += 1;
                n
            }
            Step::DropLine => {
                dropped.commands += 1;
                b.iter().position(|&c| c == LF).unwrap_or(b.len())
            }
        };
        i += len.clamp(1, b.len());
    }
    (out, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escpos::decode::{Element, decode};
    use crate::payments::weishouyin::printinfo;

    /// The payment slip of the 微收银 reference (§6), with the platform's resets and cut.
    const PAYMENT: &str = "\\x1b\\x40\\x1D\\x21\\x11\\x1b\\x4d\\x02微信支付\n\\x1D\\x21\\x00\n\\x1b\\x40\\x1b\\x4d\\x02订单号: 2032288236\n\\x1b\\x40\\x1b\\x4d\\x02实收金额: \\x1D\\x21\\x11¥0.01\n\\x1b\\x4d\\x02签名/备注:\n\n\\x1B\\x69";

    fn slip(text: &str, profile: &PrinterProfile) -> (Vec<u8>, Dropped) {
        sanitize(&printinfo::decode(text).expect("decodes"), profile)
    }

    #[test]
    fn every_reset_of_a_slip_is_followed_by_chinese_mode_and_the_cut_is_the_tills() {
        for profile in [PrinterProfile::mm58(), PrinterProfile::mm80()] {
            let (bytes, dropped) = slip(PAYMENT, &profile);
            assert_eq!(dropped, Dropped::default(), "nothing of the reference slip is dropped");
            let resets = bytes.windows(2).filter(|w| w == &[ESC, b'@']).count();
            let chinese = bytes.windows(4).filter(|w| w == &[ESC, b'@', FS, b'&']).count();
            assert_eq!((resets, chinese), (3, 3), "{bytes:02x?}");
            let cut = encoded(&profile, |e| _ = e.cut());
            assert!(bytes.ends_with(&cut), "fed to the cutter or the tear bar: {bytes:02x?}");
            assert!(!bytes.ends_with(&[ESC, b'i']));
            let elements = decode(&bytes, &profile).expect("decodes as ESC/POS");
            assert!(elements.iter().any(|e| matches!(e, Element::Text(t) if t.contains("微信支付"))), "{elements:?}");
        }
    }

    #[test]
    fn a_slip_prints_the_yuan_sign_a_gbk_printer_has() {
        let (bytes, _) = slip(PAYMENT, &PrinterProfile::mm58());
        // ￥ (U+FFE5) is A3 A4 in GBK; ¥ (U+00A5) is the 4-byte GB18030 81 30 84 36 that GBK printers misprint.
        assert!(bytes.windows(2).any(|w| w == [0xA3, 0xA4]), "{bytes:02x?}");
        assert!(!bytes.windows(4).any(|w| w == [0x81, 0x30, 0x84, 0x36]));
    }

    #[test]
    fn commands_off_the_allow_list_are_dropped_with_their_parameters() {
        let p = PrinterProfile::mm80();
        let hostile: &[(&str, &[u8])] = &[
            ("drawer kick", &[ESC, b'p', 0, 25, 250]),
            ("real-time drawer kick", &[0x10, 0x14, 1, 0, 1]),
            ("code page", &[ESC, b't', 255]),
            ("international set", &[ESC, b'R', 15]),
            ("Chinese mode off", &[FS, b'.']),
            ("NV user memory write", &[FS, b'g', b'1', 0, 0, 0, 0, 0, 3, 0, 1, 2, 3]),
            ("NV graphics write", &[GS, b'(', b'L', 4, 0, 48, 65, 1, 2]),
            ("NV image define", &[FS, b'q', 1, 1, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
            ("raster image", &[GS, b'v', b'0', 0, 1, 0, 2, 0, 0xAA, 0x55]),
            ("unknown", &[GS, b'Z', 9, 9, 9, 9]),
        ];
        for (what, cmd) in hostile {
            let mut input = b"A".to_vec();
            input.extend_from_slice(cmd);
            input.extend_from_slice(b"\nB");
            let (bytes, dropped) = sanitize(&input, &p);
            assert_eq!(bytes, b"A\nB", "{what}: {bytes:02x?}");
            assert!(dropped.commands + dropped.controls >= 1, "{what}");
        }
        // Kept: formatting and CODE128.
        let fine = [ESC, b'a', 1, ESC, b'E', 1, GS, b'!', 0x11, GS, b'k', CODE128, 3, b'{', b'B', b'1', LF];
        assert_eq!(sanitize(&fine, &p).0, fine);
        // A command cut short at the end is dropped, not sent half.
        assert_eq!(sanitize(&[b'x', GS, b'k', CODE128, 9, b'1'], &p).0, b"x");
        assert_eq!(sanitize(&[ESC, b'd', 200], &p).0, b"", "a roll's worth of feed");
    }
}
