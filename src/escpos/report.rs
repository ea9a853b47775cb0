//! A report on the receipt printer (X, Z, cash-up): a title, then lines of labels with counts and
//! amounts in right-aligned columns, measured as the printer measures (a hanzi takes two columns).
//! The words come in already translated; this module only lays them out.

use super::encode::{Align, Encoder};
use super::layout::{columns, pad_between, right, wrap};
use super::profile::PrinterProfile;
use crate::core::money::Fen;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlipLine {
    /// A dashed rule across the paper.
    Rule,
    /// A bold line.
    Heading(String),
    /// A label on the left, a value on the right.
    Pair(String, String),
    /// A label, a count and an amount, the numbers in their columns.
    Count { label: String, count: u32, amount: Fen },
    /// A label and an amount in the amount column (no count).
    Amount { label: String, amount: Fen },
    /// Column headings over `Count` lines.
    Columns { label: String, count: String, amount: String },
    /// Free text, wrapped.
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSlip {
    pub shop_name: String,
    pub title: String,
    pub lines: Vec<SlipLine>,
}

/// The amount column: room for `-99999.99` and a space.
const AMOUNT_COLUMNS: usize = 11;
/// The count column.
const COUNT_COLUMNS: usize = 6;

pub fn render(slip: &ReportSlip, profile: &PrinterProfile) -> Vec<u8> {
    let (width, enc) = (profile.columns, profile.encoding);
    let mut e = Encoder::new(profile);
    e.init();
    e.align(Align::Center).size(2, 2).bold(true);
    lines(&mut e, wrap(&slip.shop_name, width / 2, enc));
    e.size(1, 1);
    lines(&mut e, wrap(&slip.title, width, enc));
    e.bold(false).align(Align::Left);
    for line in &slip.lines {
        match line {
            SlipLine::Rule => lines(&mut e, vec!["-".repeat(width)]),
            SlipLine::Heading(text) => {
                e.bold(true);
                lines(&mut e, wrap(text, width, enc));
                e.bold(false);
            }
            SlipLine::Pair(label, value) => lines(&mut e, pad_between(label, value, width, enc)),
            SlipLine::Count { label, count, amount } => {
                lines(&mut e, numbers(label, &count.to_string(), &amount.to_string(), width, enc))
            }
            SlipLine::Amount { label, amount } => lines(&mut e, numbers(label, "", &amount.to_string(), width, enc)),
            SlipLine::Columns { label, count, amount } => lines(&mut e, numbers(label, count, amount, width, enc)),
            SlipLine::Text(text) => lines(&mut e, wrap(text, width, enc)),
        }
    }
    e.feed(3).cut();
    e.into_bytes()
}

/// `label   count    amount`, the numbers right-aligned in their columns; a label too long for
/// its room goes on a line of its own above them.
fn numbers(label: &str, count: &str, amount: &str, width: usize, enc: super::TextEncoding) -> Vec<String> {
    let nums = format!("{}{}", right(count, COUNT_COLUMNS, enc), right(amount, AMOUNT_COLUMNS, enc));
    let room = width.saturating_sub(COUNT_COLUMNS + AMOUNT_COLUMNS);
    if columns(label, enc) <= room && columns(&nums, enc) <= COUNT_COLUMNS + AMOUNT_COLUMNS {
        return vec![format!("{label}{}{nums}", " ".repeat(room - columns(label, enc)))];
    }
    let mut out = wrap(label, width, enc);
    out.extend(pad_between("", nums.trim_start(), width, enc));
    out
}

fn lines(e: &mut Encoder, lines: Vec<String>) {
    for line in lines {
        e.text(&line).newline();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escpos::{decode, to_text_lines};

    #[test]
    fn counts_and_amounts_line_up_in_their_columns_with_hanzi_labels() {
        let p = PrinterProfile::mm58();
        let slip = ReportSlip {
            shop_name: "小店".into(),
            title: "Z 报表".into(),
            lines: vec![
                SlipLine::Count { label: "微信支付 销售".into(), count: 12, amount: Fen(123_456) },
                SlipLine::Count { label: "Cash".into(), count: 3, amount: Fen(-50) },
                SlipLine::Count { label: "一个非常非常长的收银员名字".into(), count: 1, amount: Fen(1) },
            ],
        };
        let lines = to_text_lines(&decode(&render(&slip, &p), &p).expect("decodes"), p.columns);
        assert!(lines.contains(&format!("微信支付 销售{}12    1234.56", " ".repeat(6))), "{lines:#?}");
        assert!(lines.contains(&format!("Cash{}3      -0.50", " ".repeat(16))), "{lines:#?}");
        assert!(lines.contains(&"一个非常非常长的收银员名字".to_string()), "{lines:#?}");
        for l in &lines {
            assert!(unicode_width::UnicodeWidthStr::width(l.as_str()) <= p.columns, "{l}");
        }
    }
}
