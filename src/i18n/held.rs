//! Held sales' words (挂单 / 取单), in Simplified Chinese and English: [`HeldText`] labels looked up
//! with [`held_text`], notices with [`held_notice`]. Each language is one exhaustive `match`.

use crate::core::Lang;
use crate::core::held::HeldNotice;

macro_rules! held_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the held sales' list, hints and reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum HeldText { $($name),* }

        impl HeldText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [HeldText] = &[$(HeldText::$name),*];
        }
    };
}

held_texts! {
    ListTitle, ColNumber, ColTime, ColOperator, ColItems, ColTotal, Old, TypeNumber,
    KeySlash, HintHold, HintHeldList, HintResume, HintDiscard, HintClose, KeyDigits, HintTypeNumber,
    ReportTitle, DiscardedBy, HeldCount,
}

pub fn held_text(lang: Lang, t: HeldText) -> &'static str {
    match lang {
        Lang::Zh => zh(t),
        Lang::En => en(t),
    }
}

fn zh(t: HeldText) -> &'static str {
    use HeldText as H;
    match t {
        H::ListTitle => "挂单（取单）",
        H::ColNumber => "挂单号",
        H::ColTime => "挂单时间",
        H::ColOperator => "收银员",
        H::ColItems => "件数",
        H::ColTotal => "金额",
        H::Old => "超时",
        H::TypeNumber => "挂单号",
        H::KeySlash => "/",
        H::HintHold => "挂单",
        H::HintHeldList => "取单",
        H::HintResume => "取回",
        H::HintDiscard => "作废超时挂单（主管）",
        H::HintClose => "关闭",
        H::KeyDigits => "0-9",
        H::HintTypeNumber => "输入挂单号",
        H::ReportTitle => "作废的挂单",
        H::DiscardedBy => "作废人",
        H::HeldCount => "挂单",
    }
}

fn en(t: HeldText) -> &'static str {
    use HeldText as H;
    match t {
        H::ListTitle => "Held sales",
        H::ColNumber => "No.",
        H::ColTime => "Held at",
        H::ColOperator => "Cashier",
        H::ColItems => "Items",
        H::ColTotal => "Total",
        H::Old => "old",
        H::TypeNumber => "Held no.",
        H::KeySlash => "/",
        H::HintHold => "Hold",
        H::HintHeldList => "Held sales",
        H::HintResume => "Take back",
        H::HintDiscard => "Discard old (supervisor)",
        H::HintClose => "Close",
        H::KeyDigits => "0-9",
        H::HintTypeNumber => "Type its number",
        H::ReportTitle => "Held sales discarded",
        H::DiscardedBy => "discarded by",
        H::HeldCount => "Held sales",
    }
}

/// The one-line message for a held-sales notice.
pub fn held_notice(lang: Lang, n: &HeldNotice) -> String {
    use HeldNotice as N;
    match (lang, n) {
        (Lang::Zh, N::Held { number, items, total }) => {
            format!("已挂单 {number} 号：{items} 件 {total}元。空单时按 / 取单")
        }
        (Lang::En, N::Held { number, items, total }) => {
            format!("Sale held as no. {number}: {items} item(s), {total} yuan. / on an empty sale takes it back")
        }
        (Lang::Zh, N::Resumed { number }) => format!("已取回 {number} 号挂单，继续结账"),
        (Lang::En, N::Resumed { number }) => format!("Held sale no. {number} taken back: carry on"),
        (Lang::Zh, N::NothingToHold) => "购物车是空的，没有可挂的单".into(),
        (Lang::En, N::NothingToHold) => "Nothing to hold: the cart is empty".into(),
        (Lang::Zh, N::NoHeldSales) => "没有挂单".into(),
        (Lang::En, N::NoHeldSales) => "No held sales".into(),
        (Lang::Zh, N::NoSuchNumber { number }) => format!("没有 {number} 号挂单：请看列表"),
        (Lang::En, N::NoSuchNumber { number }) => format!("No held sale no. {number}: see the list"),
        (Lang::Zh, N::HoldFirst) => "请先结账或挂起当前这单，再取单".into(),
        (Lang::En, N::HoldFirst) => "Finish or hold the sale on screen first, then take one back".into(),
        (Lang::Zh, N::NotOldYet { hours }) => format!("只有超过 {hours} 小时的挂单才能作废"),
        (Lang::En, N::NotOldYet { hours }) => format!("Only held sales older than {hours} hours can be discarded"),
        (Lang::Zh, N::Discarded { number }) => format!("{number} 号挂单已作废（未收款，未动库存）"),
        (Lang::En, N::Discarded { number }) => {
            format!("Held sale no. {number} discarded (nothing was paid, no stock moved)")
        }
        (Lang::Zh, N::OpenAtClose { numbers }) => {
            format!("还有挂单未结：{numbers} 号。日结会作废这些挂单，请主管输入密码")
        }
        (Lang::En, N::OpenAtClose { numbers }) => {
            format!("Held sales open: no. {numbers}. Closing the day discards them: supervisor's PIN")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::money::Fen;

    #[test]
    fn every_held_text_and_notice_is_worded_in_both_languages() {
        for t in HeldText::ALL {
            assert!(!held_text(Lang::Zh, *t).trim().is_empty() && !held_text(Lang::En, *t).trim().is_empty());
            if !format!("{t:?}").starts_with("Key") {
                assert_ne!(held_text(Lang::Zh, *t), held_text(Lang::En, *t), "{t:?} is not translated");
            }
        }
        let all = [
            HeldNotice::Held { number: 1, items: 3, total: Fen(1250) },
            HeldNotice::Resumed { number: 1 },
            HeldNotice::NothingToHold,
            HeldNotice::NoHeldSales,
            HeldNotice::NoSuchNumber { number: "7".into() },
            HeldNotice::HoldFirst,
            HeldNotice::NotOldYet { hours: 24 },
            HeldNotice::Discarded { number: 2 },
            HeldNotice::OpenAtClose { numbers: "1, 2".into() },
        ];
        for n in &all {
            for lang in [Lang::Zh, Lang::En] {
                let s = held_notice(lang, n);
                assert!(!s.trim().is_empty() && !s.contains('\n'), "{lang:?} {n:?}");
            }
        }
        assert_eq!(
            held_notice(Lang::Zh, &HeldNotice::Held { number: 2, items: 3, total: Fen(1250) }),
            "已挂单 2 号：3 件 12.50元。空单时按 / 取单"
        );
    }
}
