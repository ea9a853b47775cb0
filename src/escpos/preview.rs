//! The receipt as plain lines for the screen: what the paper will show, minus fonts and bars.

use super::decode::Element;
use super::encode::Align;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Renders decoded elements as the lines the printer would print on paper `columns` wide.
///
/// Text wraps where the printer wraps (a double-width character counts double), and each line is
/// aligned as the printer aligns it, measured in terminal columns (CJK = 2). A barcode becomes
/// `▌▌▌ data ▌▌▌`, a QR code `[QR] data`, a cut a line of `- - -`.
pub fn to_text_lines(elements: &[Element], columns: usize) -> Vec<String> {
    let mut paper = Paper { columns: columns.max(1), ..Paper::default() };
    for element in elements {
        match element {
            Element::Init => {
                // ESC @ discards what is in the line buffer and resets the modes.
                paper.line.clear();
                paper.used = 0;
                paper.align = Align::Left;
                paper.width = 1;
            }
            Element::Text(text) => paper.text(text),
            Element::Newline => paper.end_line(),
            Element::Size { w, .. } => paper.width = usize::from(*w).max(1),
            // ESC a only counts at the start of a line.
            Element::Align(align) if paper.line.is_empty() => paper.align = *align,
            Element::Barcode { data, .. } => paper.block(&format!("▌▌▌ {data} ▌▌▌"), data),
            Element::Qr(data) => {
                let line = format!("[QR] {data}");
                paper.block(&line, &line);
            }
            Element::Feed(n) => {
                let blank = if paper.line.is_empty() { *n } else { n.saturating_sub(1) };
                paper.flush();
                paper.lines.extend(std::iter::repeat_n(String::new(), usize::from(blank)));
            }
            Element::Cut => {
                paper.flush();
                let dashes: String = "- ".repeat(paper.columns).chars().take(paper.columns).collect();
                paper.lines.push(dashes.trim_end().to_string());
            }
            _ => {}
        }
    }
    paper.flush();
    paper.lines
}

#[derive(Default)]
struct Paper {
    columns: usize,
    lines: Vec<String>,
    line: String,
    /// Paper columns taken by `line`, at the character width it was printed with.
    used: usize,
    align: Align,
    /// Character width multiplier from `GS !`.
    width: usize,
}

impl Paper {
    fn text(&mut self, text: &str) {
        let width = self.width.max(1);
        for c in text.chars() {
            let w = c.width().unwrap_or(0) * width;
            if self.used + w > self.columns && !self.line.is_empty() {
                self.end_line();
            }
            self.line.push(c);
            self.used += w;
        }
    }

    /// LF: prints the line, or feeds a blank one.
    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.used = 0;
        self.push_aligned(&line);
    }

    /// Prints the line if anything is in it.
    fn flush(&mut self) {
        if !self.line.is_empty() {
            self.end_line();
        }
    }

    /// A barcode or QR code on its own line; `narrow` when `full` does not fit the paper.
    fn block(&mut self, full: &str, narrow: &str) {
        self.flush();
        let text = if full.width() <= self.columns { full } else { narrow };
        let mut line = String::new();
        for c in text.chars() {
            if line.width() + c.width().unwrap_or(0) > self.columns && !line.is_empty() {
                self.push_aligned(&std::mem::take(&mut line));
            }
            line.push(c);
        }
        self.push_aligned(&line);
    }

    /// Aligns by the text's width on screen, so double-size text still looks centred.
    fn push_aligned(&mut self, line: &str) {
        let line = if self.align == Align::Right { line } else { line.trim_end() };
        let room = self.columns.saturating_sub(line.width());
        let pad = match self.align {
            Align::Left => 0,
            Align::Center => room / 2,
            Align::Right => room,
        };
        self.lines.push(format!("{}{line}", " ".repeat(pad)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escpos::decode::Symbology;

    fn text(s: &str) -> Element {
        Element::Text(s.into())
    }

    #[test]
    fn lines_are_aligned_by_display_width() {
        let lines = to_text_lines(
            &[
                Element::Align(Align::Center),
                text("测试便利店"),
                Element::Newline,
                Element::Align(Align::Right),
                text("12.50"),
                Element::Newline,
                Element::Align(Align::Left),
                text("可乐"),
                Element::Newline,
            ],
            20,
        );
        assert_eq!(lines, ["     测试便利店", "               12.50", "可乐"]);
    }

    #[test]
    fn alignment_changed_mid_line_waits_for_the_next_line() {
        let lines = to_text_lines(&[text("ab"), Element::Align(Align::Right), text("c"), Element::Newline], 6);
        assert_eq!(lines, ["abc"]);
    }

    #[test]
    fn text_wraps_where_the_printer_wraps_counting_double_width() {
        let lines = to_text_lines(&[Element::Size { w: 2, h: 2 }, text("测试便利店"), Element::Newline], 16);
        assert_eq!(lines, ["测试便利", "店"]);
        let lines = to_text_lines(&[text("一二三四五"), Element::Newline], 5);
        assert_eq!(lines, ["一二", "三四", "五"]);
    }

    #[test]
    fn barcode_qr_feed_and_cut_have_their_own_lines() {
        let lines = to_text_lines(
            &[
                Element::Align(Align::Center),
                Element::Barcode { symbology: Symbology::Code128, data: "01000052251122010001".into() },
                Element::Qr("https://x.cn".into()),
                text("end"),
                Element::Feed(2),
                Element::Cut,
            ],
            32,
        );
        assert_eq!(
            lines,
            [
                "  ▌▌▌ 01000052251122010001 ▌▌▌",
                "       [QR] https://x.cn",
                "              end",
                "",
                "- - - - - - - - - - - - - - - -",
            ]
        );
    }

    #[test]
    fn a_barcode_too_wide_for_the_screen_drops_its_bars() {
        let data = "0".repeat(30);
        let lines = to_text_lines(&[Element::Barcode { symbology: Symbology::Code128, data: data.clone() }], 32);
        assert_eq!(lines, [data]);
    }

    #[test]
    fn init_clears_the_unprinted_line() {
        let lines = to_text_lines(&[text("lost"), Element::Init, text("kept"), Element::Newline], 10);
        assert_eq!(lines, ["kept"]);
    }
}
