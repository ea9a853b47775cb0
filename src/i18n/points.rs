//! Points as a tender's words (积分抵现), in Simplified Chinese and English: labels with
//! [`points_text`], notices with [`points_notice`]. Each language is one exhaustive `match`.

use crate::core::Lang;
use crate::core::money::Fen;
use crate::core::points_tender::{PointsNotice, PointsTotals, Refusal};

macro_rules! points_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the tender lines, the receipt and the reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum PointsText { $($name),* }

        impl PointsText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [PointsText] = &[$(PointsText::$name),*];
        }
    };
}

points_texts! { Tender, Used, Balance, Section, Redeemed, GivenBack, KeyF8, HintPay, KeyAmp, HintRedeemLine }

pub fn points_text(lang: Lang, t: PointsText) -> &'static str {
    use PointsText as P;
    match (lang, t) {
        (Lang::Zh, P::Tender) => "积分抵现",
        (Lang::En, P::Tender) => "Points",
        (Lang::Zh, P::Used) => "使用积分",
        (Lang::En, P::Used) => "Points used",
        (Lang::Zh, P::Balance) => "积分余额",
        (Lang::En, P::Balance) => "Points balance",
        (Lang::Zh, P::Section) => "积分（不计营业额）",
        (Lang::En, P::Section) => "Points (not money)",
        (Lang::Zh, P::Redeemed) => "积分抵现",
        (Lang::En, P::Redeemed) => "Redeemed",
        (Lang::Zh, P::GivenBack) => "退回积分",
        (Lang::En, P::GivenBack) => "Given back",
        (_, P::KeyF8) => "F8",
        (Lang::Zh, P::HintPay) => "积分抵现",
        (Lang::En, P::HintPay) => "Pay by points",
        (_, P::KeyAmp) => "&",
        (Lang::Zh, P::HintRedeemLine) => "积分兑换",
        (Lang::En, P::HintRedeemLine) => "Item for points",
    }
}

/// The name of the points tender.
pub fn tender_name(lang: Lang) -> &'static str {
    points_text(lang, PointsText::Tender)
}

/// The points rows of an X or Z report, on screen and printed: (label, count, points, amount paid).
pub fn report_rows(lang: Lang, t: &PointsTotals) -> Vec<(&'static str, u32, i64, Option<Fen>)> {
    vec![
        (points_text(lang, PointsText::Redeemed), t.redeemed_n, t.redeemed, Some(t.redeemed_amount)),
        (points_text(lang, PointsText::GivenBack), t.given_back_n, t.given_back, None),
    ]
}

pub fn points_notice(lang: Lang, n: &PointsNotice) -> String {
    use PointsNotice as N;
    match (lang, n) {
        (Lang::Zh, N::Refused(Refusal::Off)) => "本店不支持积分抵现".into(),
        (Lang::En, N::Refused(Refusal::Off)) => "This shop takes no points as payment".into(),
        (Lang::Zh, N::Refused(Refusal::NotEnough { points })) => format!("积分不足：只有 {points} 积分"),
        (Lang::En, N::Refused(Refusal::NotEnough { points })) => format!("Not enough points: {points} left"),
        (Lang::Zh, N::Refused(Refusal::BelowMinimum { min })) => format!("至少要用 {min} 积分"),
        (Lang::En, N::Refused(Refusal::BelowMinimum { min })) => format!("At least {min} points at a time"),
        (Lang::Zh, N::Refused(Refusal::OverShare { most })) => format!("积分最多还能抵 {most}"),
        (Lang::En, N::Refused(Refusal::OverShare { most })) => format!("Points may pay at most {most} more"),
        (Lang::Zh, N::Refused(Refusal::MoreThanDue { remaining })) => format!("超过应付金额 {remaining}"),
        (Lang::En, N::Refused(Refusal::MoreThanDue { remaining })) => format!("More than the {remaining} due"),
        (Lang::Zh, N::Refused(Refusal::NotWholePoints { step })) => format!("积分抵现金额要是 {step} 的整数倍"),
        (Lang::En, N::Refused(Refusal::NotWholePoints { step })) => format!("Points pay in steps of {step}"),
        (Lang::Zh, N::Refused(Refusal::Zero)) => "金额不能为零".into(),
        (Lang::En, N::Refused(Refusal::Zero)) => "The amount cannot be zero".into(),
        (Lang::Zh, N::Paid { points, amount, left }) => format!("{points} 积分抵 {amount}，剩余 {left} 积分"),
        (Lang::En, N::Paid { points, amount, left }) => format!("{points} points paid {amount}, {left} left"),
        (Lang::Zh, N::GivenBack { points }) => format!("{points} 积分已退回会员"),
        (Lang::En, N::GivenBack { points }) => format!("{points} points went back to the member"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_points_text_and_notice_is_worded_in_both_languages() {
        let notices = [
            PointsNotice::Refused(Refusal::Off),
            PointsNotice::Refused(Refusal::NotEnough { points: 50 }),
            PointsNotice::Refused(Refusal::BelowMinimum { min: 100 }),
            PointsNotice::Refused(Refusal::OverShare { most: Fen(500) }),
            PointsNotice::Refused(Refusal::MoreThanDue { remaining: Fen(500) }),
            PointsNotice::Refused(Refusal::NotWholePoints { step: Fen(2) }),
            PointsNotice::Refused(Refusal::Zero),
            PointsNotice::Paid { points: 500, amount: Fen(500), left: 1500 },
            PointsNotice::GivenBack { points: 500 },
        ];
        for lang in [Lang::Zh, Lang::En] {
            for t in PointsText::ALL {
                assert!(!points_text(lang, *t).trim().is_empty(), "{lang:?} {t:?}");
            }
            for n in &notices {
                let s = points_notice(lang, n);
                assert!(!s.trim().is_empty() && !s.contains('\n') && s.chars().count() <= 60, "{lang:?} {n:?}");
            }
        }
    }
}
