//! Column arithmetic on paper. Every width here is in print columns of the normal font, measured the
//! way the printer measures, never in bytes or chars.

use super::profile::TextEncoding;
use unicode_width::UnicodeWidthChar;

/// Columns one character takes on paper at normal size.
pub fn char_columns(c: char, encoding: TextEncoding) -> usize {
    match encoding {
        // In Chinese mode every multi-byte GB18030 character is drawn from the 24×24 hanzi font, so
        // it takes two columns even where a terminal shows one (×, ·, —).
        TextEncoding::Gb18030 => {
            if c.is_ascii() {
                1
            } else {
                2
            }
        }
        // Control characters are printed as spaces by the encoder.
        TextEncoding::Utf8 => c.width().unwrap_or(1),
    }
}

/// Columns `text` takes on paper at normal size.
pub fn columns(text: &str, encoding: TextEncoding) -> usize {
    text.chars().map(|c| char_columns(c, encoding)).sum()
}

/// Splits `text` into lines of at most `width` columns, never inside a character, and at a space
/// when the line has one so that English words stay whole.
pub fn wrap(text: &str, width: usize, encoding: TextEncoding) -> Vec<String> {
    // A hanzi needs two columns; a narrower width would leave it nowhere to go.
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_columns(c, encoding);
        if used + w > width && !line.is_empty() {
            let mut carry = String::new();
            if c != ' '
                && let Some(i) = line.rfind(' ').filter(|&i| i > 0)
            {
                carry = line.split_off(i + 1);
            }
            lines.push(line.trim_end().to_string());
            used = columns(&carry, encoding);
            line = carry;
            if c == ' ' && line.is_empty() {
                continue;
            }
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// At most `max_lines` wrapped lines; if the text is longer, the last line ends in `..`.
pub fn wrap_at_most(text: &str, width: usize, max_lines: usize, encoding: TextEncoding) -> Vec<String> {
    let mut lines = wrap(text, width, encoding);
    if lines.len() > max_lines.max(1) {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            while columns(last, encoding) + 2 > width && last.pop().is_some() {}
            last.push_str("..");
        }
    }
    lines
}

/// `text` pushed to the right of a field `width` columns wide (unchanged if it is wider).
pub fn right(text: &str, width: usize, encoding: TextEncoding) -> String {
    let pad = width.saturating_sub(columns(text, encoding));
    format!("{}{text}", " ".repeat(pad))
}

/// `left` and `right` on one line of `width` columns with spaces between, e.g. a label and an
/// amount. When they do not fit, `left` wraps and `right` goes right-aligned on a line of its own.
pub fn pad_between(left: &str, right_text: &str, width: usize, encoding: TextEncoding) -> Vec<String> {
    let left_w = columns(left, encoding);
    let right_w = columns(right_text, encoding);
    let gap = if left.is_empty() || right_text.is_empty() { 0 } else { 1 };
    if left_w + gap + right_w <= width {
        return vec![format!("{left}{}{right_text}", " ".repeat(width - left_w - right_w))];
    }
    let mut lines = wrap(left, width, encoding);
    if let Some(last) = lines.pop() {
        let last_w = columns(&last, encoding);
        if last_w + 1 + right_w <= width {
            lines.push(format!("{last}{}{right_text}", " ".repeat(width - last_w - right_w)));
            return lines;
        }
        lines.push(last);
    }
    lines.extend(wrap(right_text, width, encoding).iter().map(|l| right(l, width, encoding)));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use TextEncoding::{Gb18030, Utf8};

    #[test]
    fn hanzi_take_two_columns_and_gb_symbols_too() {
        assert_eq!(columns("可口可乐 330ml", Gb18030), 14);
        assert_eq!(columns("可口可乐 330ml", Utf8), 14);
        assert_eq!(columns("2×3", Gb18030), 4);
        assert_eq!(columns("2×3", Utf8), 3);
    }

    #[test]
    fn wrap_never_splits_a_character_and_keeps_words_whole() {
        assert_eq!(wrap("康师傅红烧牛肉面", 7, Gb18030), ["康师傅", "红烧牛", "肉面"]);
        assert_eq!(wrap("可口可乐 330ml", 12, Gb18030), ["可口可乐", "330ml"]);
        assert_eq!(wrap("Coca Cola Zero", 9, Utf8), ["Coca Cola", "Zero"]);
        assert_eq!(wrap("abcdefgh", 3, Utf8), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3, Utf8), [""]);
        for line in wrap("一二三四五六七八九十 ab cd", 5, Gb18030) {
            assert!(columns(&line, Gb18030) <= 5, "{line}");
        }
    }

    #[test]
    fn wrap_at_most_marks_what_it_cut() {
        assert_eq!(wrap_at_most("一二三四五六七八", 6, 2, Gb18030), ["一二三", "四五.."]);
        assert_eq!(wrap_at_most("一二三", 6, 2, Gb18030), ["一二三"]);
    }

    #[test]
    fn pad_between_fills_the_line_exactly() {
        assert_eq!(pad_between("合计", "12.50", 12, Gb18030), ["合计   12.50"]);
        assert_eq!(pad_between("", "7.00", 6, Gb18030), ["  7.00"]);
        assert_eq!(pad_between("微信支付宝付款码", "12.50", 12, Gb18030), ["微信支付宝付", "款码   12.50"]);
        assert_eq!(pad_between("一二三四五六", "12.50", 12, Gb18030), ["一二三四五六", "       12.50"]);
        assert_eq!(right("7.00", 6, Gb18030), "  7.00");
    }
}
