//! A picture (`core::display::Shown`) as the bytes of a display profile. Pure.

use super::DisplayProfile;
use crate::core::Lang;
use crate::core::display::Shown;
use crate::core::money::Fen;
use crate::i18n::{DisplayWord, display_word};

const ESC: u8 = 0x1B;
const CR: u8 = 0x0D;

/// Digits the LED display has (a decimal point does not take a digit).
pub const LED_DIGITS: usize = 8;
/// Characters on each line of the VFD.
pub const VFD_COLUMNS: usize = 20;

/// `ESC @`: initialise (clears the display), sent when the port is opened.
pub fn init(_profile: DisplayProfile) -> Vec<u8> {
    vec![ESC, b'@']
}

/// The bytes that show `shown` on a display of `profile`; VFD words in `lang` (pinyin or English,
/// the display has no Chinese font as a rule).
pub fn encode(profile: DisplayProfile, shown: &Shown, lang: Lang) -> Vec<u8> {
    match profile {
        DisplayProfile::Led8 => led(shown, 0),
        DisplayProfile::Led8Ascii => led(shown, b'0'),
        DisplayProfile::Cd5220 => vfd(shown, lang),
    }
}

/// The LED's legends, lit by `ESC s n` (n as a byte, as the Wintec CD110 driver sends it; 0 is
/// none, which `ESC @` also gives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Legend {
    Price = 1,
    Total = 2,
    Received = 3,
    Change = 4,
}

/// `base` is added to the legend number: 0 for a byte, `'0'` for an ASCII digit.
fn led(shown: &Shown, base: u8) -> Vec<u8> {
    let (legend, amount) = match *shown {
        Shown::Idle => return vec![ESC, b'@'],
        Shown::Item { price, .. } => (Legend::Price, price),
        Shown::Total(due) => (Legend::Total, due),
        Shown::Received { received, .. } => (Legend::Received, received),
        Shown::Paid { change, .. } if change > Fen::ZERO => (Legend::Change, change),
        Shown::Paid { received, .. } => (Legend::Received, received),
        Shown::Test => {
            // Each legend in turn, over every segment; the last one stays lit.
            let mut out = Vec::new();
            for legend in [Legend::Price, Legend::Total, Legend::Received, Legend::Change] {
                out.extend(led_picture(legend, base, "8.8.8.8.8.8.8.8."));
            }
            return out;
        }
    };
    led_picture(legend, base, &led_number(amount))
}

fn led_picture(legend: Legend, base: u8, number: &str) -> Vec<u8> {
    let mut out = vec![ESC, b's', base + legend as u8, ESC, b'Q', b'A'];
    out.extend_from_slice(number.as_bytes());
    out.push(CR);
    out
}

/// An amount as the LED shows it: `12.50`; past 8 digits, whole yuan (an order's total is capped
/// at 99,999,999.99 yuan, so whole yuan always fit).
pub fn led_number(amount: Fen) -> String {
    let fen = amount.0.unsigned_abs();
    let with_fen = format!("{}.{:02}", fen / 100, fen % 100);
    if with_fen.len() - 1 <= LED_DIGITS { with_fen } else { (fen / 100).to_string() }
}

fn vfd(shown: &Shown, lang: Lang) -> Vec<u8> {
    let word = |w| display_word(lang, w);
    let row = |w, amount: Fen| row(word(w), &amount.to_string());
    let (upper, lower) = match *shown {
        Shown::Idle => (word(DisplayWord::Welcome).to_string(), String::new()),
        Shown::Item { price, total } => (row(DisplayWord::Price, price), row(DisplayWord::Total, total)),
        Shown::Total(due) => (row(DisplayWord::Total, due), String::new()),
        Shown::Received { received, due } => (row(DisplayWord::Total, due), row(DisplayWord::Received, received)),
        Shown::Paid { received, change } => (row(DisplayWord::Received, received), row(DisplayWord::Change, change)),
        Shown::Test => ("0123456789ABCDEFGHIJ".into(), word(DisplayWord::Test).to_string()),
    };
    // String mode only: each line written whole, padded to 20, no cursor commands (the CD5220
    // does not mix the two well).
    let mut out = Vec::new();
    for (line, text) in [(b'A', upper), (b'B', lower)] {
        out.extend([ESC, b'Q', line]);
        out.extend(fit(&text).bytes());
        out.push(CR);
    }
    out
}

/// A word on the left and an amount on the right of a 20-column line.
fn row(word: &str, amount: &str) -> String {
    let gap = VFD_COLUMNS.saturating_sub(word.len() + amount.len()).max(1);
    format!("{word}{}{amount}", " ".repeat(gap))
}

/// Printable ASCII only, exactly 20 columns.
fn fit(text: &str) -> String {
    let ascii: String = text.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect();
    format!("{ascii:<width$.width$}", width = VFD_COLUMNS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_led_shows_a_price_with_its_legend() {
        let bytes = encode(DisplayProfile::Led8, &Shown::Item { price: Fen(350), total: Fen(1150) }, Lang::Zh);
        assert_eq!(bytes, b"\x1bs\x01\x1bQA3.50\r");
        let ascii = encode(DisplayProfile::Led8Ascii, &Shown::Total(Fen(1150)), Lang::Zh);
        assert_eq!(ascii, b"\x1bs2\x1bQA11.50\r");
        assert_eq!(led_number(Fen(9_999_999_999)), "99999999");
        assert_eq!(led_number(Fen(99_999_999)), "999999.99");
        assert_eq!(led_number(Fen(0)), "0.00");
    }

    #[test]
    fn the_vfd_writes_two_whole_lines_in_string_mode() {
        let bytes = encode(DisplayProfile::Cd5220, &Shown::Paid { received: Fen(10000), change: Fen(8850) }, Lang::En);
        let text = String::from_utf8(bytes).expect("ascii");
        assert_eq!(text, "\x1bQACASH          100.00\r\x1bQBCHANGE         88.50\r");
    }
}
