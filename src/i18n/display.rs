//! The customer display's words. A VFD pole display shows ASCII only as a rule (a GB2312 font is
//! the exception), so the Chinese till shows pinyin and the English one English
//! (docs/reference/retail-devices.md). The LED display has its legends printed under the digits.

use crate::core::Lang;

/// A word on the customer display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::VariantArray)]
pub enum DisplayWord {
    Welcome,
    /// The unit price of the item just scanned (单价).
    Price,
    /// The amount to pay (总计).
    Total,
    /// Cash received (收款).
    Received,
    /// Change (找零).
    Change,
    /// The second line of the test picture.
    Test,
}

/// `word` as the display shows it: ASCII, at most 20 columns.
pub fn display_word(lang: Lang, word: DisplayWord) -> &'static str {
    match (lang, word) {
        (Lang::Zh, DisplayWord::Welcome) => "HUANYING GUANGLIN",
        (Lang::Zh, DisplayWord::Price) => "DANJIA",
        (Lang::Zh, DisplayWord::Total) => "ZONGJI",
        (Lang::Zh, DisplayWord::Received) => "SHOUKUAN",
        (Lang::Zh, DisplayWord::Change) => "ZHAOLING",
        (Lang::Zh, DisplayWord::Test) => "KEXIAN CESHI",
        (Lang::En, DisplayWord::Welcome) => "WELCOME",
        (Lang::En, DisplayWord::Price) => "PRICE",
        (Lang::En, DisplayWord::Total) => "TOTAL",
        (Lang::En, DisplayWord::Received) => "CASH",
        (Lang::En, DisplayWord::Change) => "CHANGE",
        (Lang::En, DisplayWord::Test) => "DISPLAY TEST",
    }
}

/// The counter scale's words on the till's status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleWord {
    Scale,
    /// The weight has settled: it may enter the sale.
    Stable,
    /// The weight is still moving.
    Settling,
    /// The scale does not answer.
    Away,
    /// The container's weight taken off (皮重).
    Tare,
}

pub fn scale_word(lang: Lang, word: ScaleWord) -> &'static str {
    match (lang, word) {
        (Lang::Zh, ScaleWord::Scale) => "电子秤",
        (Lang::Zh, ScaleWord::Stable) => "稳定",
        (Lang::Zh, ScaleWord::Settling) => "未稳定",
        (Lang::Zh, ScaleWord::Away) => "未连接",
        (Lang::Zh, ScaleWord::Tare) => "皮重",
        (Lang::En, ScaleWord::Scale) => "Scale",
        (Lang::En, ScaleWord::Stable) => "stable",
        (Lang::En, ScaleWord::Settling) => "settling",
        (Lang::En, ScaleWord::Away) => "not connected",
        (Lang::En, ScaleWord::Tare) => "tare",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_display_word_is_ascii_and_leaves_room_for_an_amount() {
        for lang in [Lang::Zh, Lang::En] {
            for &w in <DisplayWord as strum::VariantArray>::VARIANTS {
                let s = display_word(lang, w);
                assert!(s.is_ascii() && !s.is_empty(), "{s}");
                assert!(s.len() <= 20 - 12 || matches!(w, DisplayWord::Welcome | DisplayWord::Test), "{s}");
            }
        }
    }
}
