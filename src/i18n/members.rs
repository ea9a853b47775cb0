//! Members' words (会员), in Simplified Chinese and English: [`MemberText`] labels looked up with
//! [`member_text`], notices with [`member_notice`]. Each language is one exhaustive `match`.

use crate::core::Lang;
use crate::core::members::MemberNotice;

macro_rules! member_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the member box, the sale screen's member line and the receipt.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum MemberText { $($name),* }

        impl MemberText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [MemberText] = &[$(MemberText::$name),*];
        }
    };
}

member_texts! {
    Title, Looking, Number, Name, Phone, Level, Points, Balance, Member, HintAttach, HintClose,
}

pub fn member_text(lang: Lang, t: MemberText) -> &'static str {
    use MemberText as M;
    match (lang, t) {
        (Lang::Zh, M::Title) => "会员",
        (Lang::En, M::Title) => "Member",
        (Lang::Zh, M::Looking) => "正在查找会员…",
        (Lang::En, M::Looking) => "Looking the member up…",
        (Lang::Zh, M::Number) => "会员号",
        (Lang::En, M::Number) => "Member no.",
        (Lang::Zh, M::Name) => "姓名",
        (Lang::En, M::Name) => "Name",
        (Lang::Zh, M::Phone) => "手机",
        (Lang::En, M::Phone) => "Phone",
        (Lang::Zh, M::Level) => "等级",
        (Lang::En, M::Level) => "Level",
        (Lang::Zh, M::Points) => "积分",
        (Lang::En, M::Points) => "Points",
        (Lang::Zh, M::Balance) => "储值余额",
        (Lang::En, M::Balance) => "Balance",
        (Lang::Zh, M::Member) => "会员",
        (Lang::En, M::Member) => "Member",
        (Lang::Zh, M::HintAttach) => "用此会员",
        (Lang::En, M::HintAttach) => "Use this member",
        (Lang::Zh, M::HintClose) => "关闭",
        (Lang::En, M::HintClose) => "Close",
    }
}

pub fn member_notice(lang: Lang, n: &MemberNotice) -> String {
    use MemberNotice as N;
    match (lang, n) {
        (Lang::Zh, N::Looking) => "正在查找会员…".into(),
        (Lang::En, N::Looking) => "Looking the member up…".into(),
        (Lang::Zh, N::NotFound { asked }) => format!("没有这个会员：{asked}"),
        (Lang::En, N::NotFound { asked }) => format!("No member {asked}"),
        (Lang::Zh, N::Failed { reason }) => format!("查不了会员：{reason}"),
        (Lang::En, N::Failed { reason }) => format!("Members cannot be read: {reason}"),
        (Lang::Zh, N::Attached { name }) => format!("会员 {name} 已加到这单"),
        (Lang::En, N::Attached { name }) => format!("Member {name} is on this sale"),
        (Lang::Zh, N::TooLate) => "这单已开始付款，不能再换会员".into(),
        (Lang::En, N::TooLate) => "Payment has started: the member cannot change now".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_text_and_notice_is_worded_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for t in MemberText::ALL {
                assert!(!member_text(lang, *t).trim().is_empty(), "{lang:?} {t:?}");
            }
            let notices = [
                MemberNotice::Looking,
                MemberNotice::NotFound { asked: "138****5678".into() },
                MemberNotice::Failed { reason: "disk".into() },
                MemberNotice::Attached { name: "张三".into() },
                MemberNotice::TooLate,
            ];
            for n in notices {
                let s = member_notice(lang, &n);
                assert!(!s.trim().is_empty() && !s.contains('\n'), "{lang:?} {n:?}");
            }
        }
    }
}
