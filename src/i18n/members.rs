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
    Missing, HintNew, HintEdit, FormNew, FormEdit, Card, HintField, HintSave,
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
        (Lang::Zh, M::Missing) => "没有这个会员",
        (Lang::En, M::Missing) => "No such member",
        (Lang::Zh, M::HintNew) => "新建会员",
        (Lang::En, M::HintNew) => "New member",
        (Lang::Zh, M::HintEdit) => "修改资料",
        (Lang::En, M::HintEdit) => "Edit member",
        (Lang::Zh, M::FormNew) => "新建会员",
        (Lang::En, M::FormNew) => "New member",
        (Lang::Zh, M::FormEdit) => "修改会员资料",
        (Lang::En, M::FormEdit) => "Edit member",
        (Lang::Zh, M::Card) => "会员卡",
        (Lang::En, M::Card) => "Card",
        (Lang::Zh, M::HintField) => "换一栏",
        (Lang::En, M::HintField) => "Next field",
        (Lang::Zh, M::HintSave) => "保存",
        (Lang::En, M::HintSave) => "Save",
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
        (Lang::Zh, N::NameMissing) => "请填写会员姓名".into(),
        (Lang::En, N::NameMissing) => "Type the member's name".into(),
        (Lang::Zh, N::PhoneNotMobile) => "手机号要 11 位，以 1 开头".into(),
        (Lang::En, N::PhoneNotMobile) => "The phone number has 11 digits and starts with 1".into(),
        (Lang::Zh, N::Saving) => "正在保存会员…".into(),
        (Lang::En, N::Saving) => "Saving the member…".into(),
        (Lang::Zh, N::Saved { name }) => format!("会员 {name} 已保存，回车用此会员"),
        (Lang::En, N::Saved { name }) => format!("Member {name} saved: Enter to use them"),
        (Lang::Zh, N::PhoneTaken { other }) => format!("这个手机号已是会员 {other} 的，没有保存"),
        (Lang::En, N::PhoneTaken { other }) => format!("Not saved: this phone number is member {other}'s"),
        (Lang::Zh, N::CardTaken { other }) => format!("这张会员卡已是会员 {other} 的，没有保存"),
        (Lang::En, N::CardTaken { other }) => format!("Not saved: this card is member {other}'s"),
        (Lang::Zh, N::NumberTaken) => "会员号重复，请再按回车".into(),
        (Lang::En, N::NumberTaken) => "That member number is taken: press Enter again".into(),
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
                MemberNotice::NameMissing,
                MemberNotice::PhoneNotMobile,
                MemberNotice::Saving,
                MemberNotice::Saved { name: "张三".into() },
                MemberNotice::PhoneTaken { other: "M0001".into() },
                MemberNotice::CardTaken { other: "M0001".into() },
                MemberNotice::NumberTaken,
            ];
            for n in notices {
                let s = member_notice(lang, &n);
                assert!(!s.trim().is_empty() && !s.contains('\n'), "{lang:?} {n:?}");
            }
        }
    }
}
