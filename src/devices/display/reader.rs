//! Reads a customer display's bytes back into what it shows, as the display would: the tests'
//! other end of the pty, and a check that [`super::encode`] says what it means.

use super::DisplayProfile;

/// What a display shows now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Showing {
    /// LED: the lit legend (1 单价, 2 总计, 3 收款, 4 找零; 0 none).
    pub legend: u8,
    /// LED: the number, as sent (`12.50`); VFD: unused.
    pub number: String,
    /// VFD: the two lines, 20 columns each, trailing spaces trimmed.
    pub upper: String,
    pub lower: String,
    /// How many pictures have been completed (a CR ends each `ESC Q` string).
    pub pictures: usize,
}

impl Showing {
    /// The legend's name as printed under the LED digits.
    pub fn legend_name(&self) -> &'static str {
        match self.legend {
            1 => "单价",
            2 => "总计",
            3 => "收款",
            4 => "找零",
            _ => "",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Plain,
    Esc,
    /// `ESC s` waits for n.
    Legend,
    /// `ESC Q` waits for the line letter.
    Line,
    /// Inside an `ESC Q x … CR` string.
    Text(u8),
    /// `1F`, then `1F 50`, waiting for the legend byte.
    Us,
    UsP,
}

/// Feeds on bytes, in any chunks.
#[derive(Debug, Clone)]
pub struct Reader {
    profile: DisplayProfile,
    step: Step,
    text: Vec<u8>,
    pub showing: Showing,
}

impl Reader {
    pub fn new(profile: DisplayProfile) -> Reader {
        Reader { profile, step: Step::Plain, text: Vec::new(), showing: Showing::default() }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    fn byte(&mut self, b: u8) {
        self.step = match (self.step, b) {
            (Step::Text(line), 0x0D) => {
                self.finish(line);
                Step::Plain
            }
            (Step::Text(line), _) => {
                self.text.push(b);
                Step::Text(line)
            }
            (Step::Plain, 0x1B) => Step::Esc,
            (Step::Plain, 0x0C) => {
                self.clear();
                Step::Plain
            }
            (Step::Plain, 0x1F) => Step::Us,
            (Step::Us, b'P') => Step::UsP,
            (Step::UsP, _) => Step::Plain,
            (Step::Esc, b'@') => {
                self.clear();
                Step::Plain
            }
            (Step::Esc, b's') => Step::Legend,
            (Step::Esc, b'Q') => Step::Line,
            (Step::Legend, n) => {
                // The legend as a byte (0–4) or as its ASCII digit ('0'–'4').
                self.showing.legend = if n.is_ascii_digit() { n - b'0' } else { n };
                Step::Plain
            }
            (Step::Line, line) => {
                self.text.clear();
                Step::Text(line)
            }
            _ => Step::Plain,
        };
    }

    fn clear(&mut self) {
        let pictures = self.showing.pictures;
        self.showing = Showing { pictures, ..Showing::default() };
    }

    fn finish(&mut self, line: u8) {
        let text = String::from_utf8_lossy(&self.text).trim_end().to_string();
        match (self.profile, line) {
            (DisplayProfile::Led8 | DisplayProfile::Led8Ascii, _) => self.showing.number = text,
            (DisplayProfile::Cd5220, b'B') => self.showing.lower = text,
            // `ESC Q A` and the marquee `ESC Q D` are the upper line.
            (DisplayProfile::Cd5220, _) => self.showing.upper = text,
        }
        self.showing.pictures += 1;
        self.text.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::encode;
    use super::*;
    use crate::core::Lang;
    use crate::core::display::Shown;
    use crate::core::money::Fen;

    #[test]
    fn what_is_encoded_reads_back_on_both_profiles() {
        let mut led = Reader::new(DisplayProfile::Led8);
        led.feed(&encode(DisplayProfile::Led8, &Shown::Total(Fen(1150)), Lang::Zh));
        assert_eq!((led.showing.legend_name(), led.showing.number.as_str()), ("总计", "11.50"));
        led.feed(&encode(DisplayProfile::Led8, &Shown::Paid { received: Fen(2000), change: Fen(850) }, Lang::Zh));
        assert_eq!((led.showing.legend_name(), led.showing.number.as_str()), ("找零", "8.50"));
        led.feed(&encode(DisplayProfile::Led8, &Shown::Idle, Lang::Zh));
        assert_eq!((led.showing.legend, led.showing.number.as_str()), (0, ""));
        led.feed(b"\x1bs3\x1bQA1.00\r");
        assert_eq!(led.showing.legend_name(), "收款", "an ASCII legend digit reads too");

        let mut vfd = Reader::new(DisplayProfile::Cd5220);
        let item = Shown::Item { price: Fen(350), total: Fen(700) };
        // In pieces, as a serial port delivers them.
        for chunk in encode(DisplayProfile::Cd5220, &item, Lang::Zh).chunks(3) {
            vfd.feed(chunk);
        }
        assert_eq!(vfd.showing.upper, "DANJIA          3.50");
        assert_eq!(vfd.showing.lower, "ZONGJI          7.00");
    }
}
