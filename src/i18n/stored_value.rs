//! Stored value's words (储值), in Simplified Chinese and English: labels with [`sv_text`],
//! notices with [`sv_notice`]. Each language is one exhaustive `match`.

use crate::core::Lang;
use crate::core::money::Fen;
use crate::core::stored_value::{LedgerTotals, Moves, Refusal, SvNotice};

macro_rules! sv_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the tender lines, the top-up slip and the reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum SvText { $($name),* }

        impl SvText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [SvText] = &[$(SvText::$name),*];
        }
    };
}

sv_texts! {
    Tender, TopUpTitle, TopUpLine, Paid, Bonus, NewBalance, Member, Phone, Section, TopUpCash, TopUpCode,
    Spent, GivenBack, OwedChange, PinTitle, PinPrompt, HintCheck, HintCancel,
    KeyF5, KeyDollar, HintPay, HintTopUp, HintGiveBack, NewPinTitle, NewPinPrompt, NewPinAgain, HintSkip,
}

pub fn sv_text(lang: Lang, t: SvText) -> &'static str {
    use SvText as S;
    match (lang, t) {
        (Lang::Zh, S::Tender) => "储值",
        (Lang::En, S::Tender) => "Stored value",
        (Lang::Zh, S::TopUpTitle) => "储值充值",
        (Lang::En, S::TopUpTitle) => "Stored value top-up",
        (Lang::Zh, S::TopUpLine) => "会员充值",
        (Lang::En, S::TopUpLine) => "Member top-up",
        (Lang::Zh, S::Paid) => "实付",
        (Lang::En, S::Paid) => "Paid",
        (Lang::Zh, S::Bonus) => "赠送",
        (Lang::En, S::Bonus) => "Bonus",
        (Lang::Zh, S::NewBalance) => "当前余额",
        (Lang::En, S::NewBalance) => "New balance",
        (Lang::Zh, S::Member) => "会员",
        (Lang::En, S::Member) => "Member",
        (Lang::Zh, S::Phone) => "手机",
        (Lang::En, S::Phone) => "Phone",
        (Lang::Zh, S::Section) => "储值（预收款，不计营业额）",
        (Lang::En, S::Section) => "Stored value (owed, not sales)",
        (Lang::Zh, S::TopUpCash) => "现金充值",
        (Lang::En, S::TopUpCash) => "Top-ups, cash",
        (Lang::Zh, S::TopUpCode) => "扫码充值",
        (Lang::En, S::TopUpCode) => "Top-ups, code",
        (Lang::Zh, S::Spent) => "储值消费",
        (Lang::En, S::Spent) => "Spent",
        (Lang::Zh, S::GivenBack) => "退回储值",
        (Lang::En, S::GivenBack) => "Refunded to balance",
        (Lang::Zh, S::OwedChange) => "储值余额变动",
        (Lang::En, S::OwedChange) => "Change in balances",
        (Lang::Zh, S::PinTitle) => "储值支付",
        (Lang::En, S::PinTitle) => "Pay by stored value",
        (Lang::Zh, S::PinPrompt) => "请顾客输入会员密码",
        (Lang::En, S::PinPrompt) => "Customer: type your member PIN",
        (Lang::Zh, S::HintCheck) => "确认",
        (Lang::En, S::HintCheck) => "Confirm",
        (Lang::Zh, S::HintCancel) => "取消",
        (Lang::En, S::HintCancel) => "Cancel",
        (_, S::KeyF5) => "F5",
        (_, S::KeyDollar) => "$",
        (Lang::Zh, S::HintPay) => "储值支付",
        (Lang::En, S::HintPay) => "Stored value",
        (Lang::Zh, S::HintTopUp) => "会员充值",
        (Lang::En, S::HintTopUp) => "Top up",
        (Lang::Zh, S::HintGiveBack) => "退回储值",
        (Lang::En, S::HintGiveBack) => "Back to balance",
        (Lang::Zh, S::NewPinTitle) => "设置会员密码",
        (Lang::En, S::NewPinTitle) => "Set the member PIN",
        (Lang::Zh, S::NewPinPrompt) => "请顾客输入新密码（4-8位数字）",
        (Lang::En, S::NewPinPrompt) => "Customer: type a new PIN (4-8 digits)",
        (Lang::Zh, S::NewPinAgain) => "请顾客再输入一次",
        (Lang::En, S::NewPinAgain) => "Customer: type it again",
        (Lang::Zh, S::HintSkip) => "以后再设",
        (Lang::En, S::HintSkip) => "Later",
    }
}

/// The stored-value rows of an X or Z report, on screen and printed: (label, count, amount); the
/// last is the change in what members are owed (no count).
pub fn report_rows(lang: Lang, t: &LedgerTotals) -> Vec<(&'static str, Option<u32>, Fen)> {
    let row = |label, m: Moves| (sv_text(lang, label), Some(m.n), m.amount);
    vec![
        row(SvText::TopUpCash, t.top_up_cash),
        row(SvText::TopUpCode, t.top_up_code),
        row(SvText::Bonus, t.bonus),
        row(SvText::Spent, t.spent),
        row(SvText::GivenBack, t.given_back),
        (sv_text(lang, SvText::OwedChange), None, t.owed_change()),
    ]
}

/// The name of the stored-value tender.
pub fn tender_name(lang: Lang) -> &'static str {
    sv_text(lang, SvText::Tender)
}

pub fn sv_notice(lang: Lang, n: &SvNotice) -> String {
    use crate::core::member_code::CodeRefused as C;
    use SvNotice as N;
    match (lang, n) {
        (Lang::Zh, N::NoMember) => "请先加会员（输入手机号或扫会员码）".into(),
        (Lang::En, N::NoMember) => "Add the member first (phone or member code)".into(),
        (Lang::Zh, N::Refused(Refusal::Balance { balance })) => format!("储值余额不足：余额 {balance}"),
        (Lang::En, N::Refused(Refusal::Balance { balance })) => format!("Not enough stored value: {balance} left"),
        (Lang::Zh, N::Refused(Refusal::DailyLimit { left })) => format!("超过今日储值消费限额：今日还可用 {left}"),
        (Lang::En, N::Refused(Refusal::DailyLimit { left })) => format!("Over today's stored-value limit: {left} left"),
        (Lang::Zh, N::Refused(Refusal::MoreThanDue { remaining })) => format!("超过应付金额 {remaining}"),
        (Lang::En, N::Refused(Refusal::MoreThanDue { remaining })) => format!("More than the {remaining} due"),
        (Lang::Zh, N::Refused(Refusal::Zero)) => "金额不能为零".into(),
        (Lang::En, N::Refused(Refusal::Zero)) => "The amount cannot be zero".into(),
        (Lang::Zh, N::Spent { amount, balance }) => format!("储值支付 {amount}，余额 {balance}"),
        (Lang::En, N::Spent { amount, balance }) => format!("{amount} paid from stored value, {balance} left"),
        (Lang::Zh, N::TopUp { paid, bonus }) => format!("充值 {paid}，赠送 {bonus}：请收款"),
        (Lang::En, N::TopUp { paid, bonus }) => format!("Top-up {paid}, bonus {bonus}: take the payment"),
        (Lang::Zh, N::TopUpNeedsEmptySale) => "充值要在空单上进行".into(),
        (Lang::En, N::TopUpNeedsEmptySale) => "A top-up is rung up on an empty sale".into(),
        (Lang::Zh, N::GivenBack { amount }) => format!("{amount} 已退回会员储值"),
        (Lang::En, N::GivenBack { amount }) => format!("{amount} went back to the member's balance"),
        (Lang::Zh, N::NothingToGiveBack { left }) => format!("可退回储值只有 {left}"),
        (Lang::En, N::NothingToGiveBack { left }) => format!("Only {left} can go back to the balance"),
        (Lang::Zh, N::WrongPin) => "会员密码不对".into(),
        (Lang::En, N::WrongPin) => "Wrong member PIN".into(),
        (Lang::Zh, N::NoPin) => "会员还没有设密码：充值时设置".into(),
        (Lang::En, N::NoPin) => "The member has no PIN yet: set one at a top-up".into(),
        (Lang::Zh, N::PinTooShort) => "会员密码要 4 到 8 位数字".into(),
        (Lang::En, N::PinTooShort) => "A member PIN is 4 to 8 digits".into(),
        (Lang::Zh, N::PinsDiffer) => "两次输入的密码不一样：请重新输入".into(),
        (Lang::En, N::PinsDiffer) => "The two PINs differ: type a new one again".into(),
        (Lang::Zh, N::PinSet) => "会员密码已设置".into(),
        (Lang::En, N::PinSet) => "The member's PIN is set".into(),
        (Lang::Zh, N::PinKept) => "会员已有密码，未改动".into(),
        (Lang::En, N::PinKept) => "The member has a PIN already: unchanged".into(),
        (Lang::Zh, N::ScanCode) => "请扫会员的动态会员码".into(),
        (Lang::En, N::ScanCode) => "Scan the member's dynamic member code".into(),
        (Lang::Zh, N::MemberPresent) => "动态会员码已验证：可以储值支付".into(),
        (Lang::En, N::MemberPresent) => "Member code accepted: stored value can be spent".into(),
        (Lang::Zh, N::Code(C::Wrong)) => "动态会员码不对或已过期：请刷新后再扫".into(),
        (Lang::En, N::Code(C::Wrong)) => "Member code wrong or expired: refresh it and scan again".into(),
        (Lang::Zh, N::Code(C::Used)) => "这个动态会员码已经用过：请刷新后再扫".into(),
        (Lang::En, N::Code(C::Used)) => "That member code was used already: refresh it".into(),
        (Lang::Zh, N::Code(C::NoSecret)) => "这位会员还没有动态会员码".into(),
        (Lang::En, N::Code(C::NoSecret)) => "This member has no dynamic member code".into(),
        (Lang::Zh, N::Code(C::OtherMember)) => "动态会员码不是本单会员的".into(),
        (Lang::En, N::Code(C::OtherMember)) => "That member code is another member's".into(),
        (Lang::Zh, N::Code(C::Garbled)) => "看不懂这个会员码".into(),
        (Lang::En, N::Code(C::Garbled)) => "That member code cannot be read".into(),
        (Lang::Zh, N::Code(C::Store(_))) => "读不出会员资料：请叫主管".into(),
        (Lang::En, N::Code(C::Store(_))) => "Member records cannot be read: call a supervisor".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_value_text_and_notice_is_worded_in_both_languages() {
        let notices = [
            SvNotice::NoMember,
            SvNotice::Refused(Refusal::Balance { balance: Fen(100) }),
            SvNotice::Refused(Refusal::DailyLimit { left: Fen(100) }),
            SvNotice::Refused(Refusal::MoreThanDue { remaining: Fen(100) }),
            SvNotice::Refused(Refusal::Zero),
            SvNotice::Spent { amount: Fen(100), balance: Fen(200) },
            SvNotice::TopUp { paid: Fen(20000), bonus: Fen(5000) },
            SvNotice::TopUpNeedsEmptySale,
            SvNotice::GivenBack { amount: Fen(100) },
            SvNotice::NothingToGiveBack { left: Fen(0) },
            SvNotice::WrongPin,
            SvNotice::NoPin,
            SvNotice::ScanCode,
            SvNotice::MemberPresent,
            SvNotice::PinTooShort,
            SvNotice::PinsDiffer,
            SvNotice::PinSet,
            SvNotice::PinKept,
            SvNotice::Code(crate::core::member_code::CodeRefused::Wrong),
            SvNotice::Code(crate::core::member_code::CodeRefused::Used),
            SvNotice::Code(crate::core::member_code::CodeRefused::NoSecret),
            SvNotice::Code(crate::core::member_code::CodeRefused::OtherMember),
            SvNotice::Code(crate::core::member_code::CodeRefused::Garbled),
            SvNotice::Code(crate::core::member_code::CodeRefused::Store("x".into())),
        ];
        for lang in [Lang::Zh, Lang::En] {
            for t in SvText::ALL {
                assert!(!sv_text(lang, *t).trim().is_empty(), "{lang:?} {t:?}");
            }
            for n in &notices {
                let s = sv_notice(lang, n);
                assert!(!s.trim().is_empty() && !s.contains('\n') && s.chars().count() <= 60, "{lang:?} {n:?}");
            }
        }
    }
}
