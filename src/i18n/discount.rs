//! The discount entry form's words (打折), in Simplified Chinese and English: [`DiscountText`]
//! labels looked up with [`discount_text`]. Each language is one exhaustive `match`.

use crate::core::Lang;
use crate::core::discount_entry::How;

macro_rules! discount_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the discount entry form and its hints.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DiscountText { $($name),* }

        impl DiscountText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [DiscountText] = &[$(DiscountText::$name),*];
        }
    };
}

discount_texts! {
    Title, On, OnLine, OnOrder, Kind, Value, Reason, Now, Percent, Amount, Price,
    KeyPercent, HintOpen, HintOn, HintKind, HintReason, HintGive, HintClose, KeyDigits, HintTypeValue,
}

pub fn discount_text(lang: Lang, t: DiscountText) -> &'static str {
    match lang {
        Lang::Zh => zh(t),
        Lang::En => en(t),
    }
}

/// The kind's name as the form shows it.
pub fn how(lang: Lang, h: How) -> &'static str {
    discount_text(
        lang,
        match h {
            How::Percent => DiscountText::Percent,
            How::Amount => DiscountText::Amount,
            How::Price => DiscountText::Price,
        },
    )
}

fn zh(t: DiscountText) -> &'static str {
    use DiscountText as D;
    match t {
        D::Title => "打折优惠",
        D::On => "优惠对象",
        D::OnLine => "本行商品",
        D::OnOrder => "整单",
        D::Kind => "优惠方式",
        D::Value => "数值",
        D::Reason => "优惠原因",
        D::Now => "现价",
        D::Percent => "打折（减百分之几）",
        D::Amount => "减金额（元）",
        D::Price => "改价（元）",
        D::KeyPercent => "%",
        D::HintOpen => "打折",
        D::HintOn => "单品/整单",
        D::HintKind => "方式",
        D::HintReason => "原因",
        D::HintGive => "确定优惠",
        D::HintClose => "取消",
        D::KeyDigits => "0-9 .",
        D::HintTypeValue => "输入数值",
    }
}

fn en(t: DiscountText) -> &'static str {
    use DiscountText as D;
    match t {
        D::Title => "Discount",
        D::On => "On",
        D::OnLine => "This item",
        D::OnOrder => "Whole sale",
        D::Kind => "Kind",
        D::Value => "Value",
        D::Reason => "Reason",
        D::Now => "Now",
        D::Percent => "Percent off",
        D::Amount => "Amount off (yuan)",
        D::Price => "New price (yuan)",
        D::KeyPercent => "%",
        D::HintOpen => "Discount",
        D::HintOn => "Item/sale",
        D::HintKind => "Kind",
        D::HintReason => "Reason",
        D::HintGive => "Give",
        D::HintClose => "Cancel",
        D::KeyDigits => "0-9 .",
        D::HintTypeValue => "Type the value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_words_in_both_languages() {
        for t in DiscountText::ALL {
            assert!(!zh(*t).is_empty() && !en(*t).is_empty(), "{t:?}");
        }
    }
}
