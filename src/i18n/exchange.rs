//! Exchanges (换货), in Simplified Chinese and English: [`ExchangeText`] labels looked up with
//! [`exchange_text`], notices with [`exchange_notice`].

use crate::core::Lang;
use crate::core::exchange::ExchangeNotice;

macro_rules! exchange_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the exchange: the form's key, the sale screen, the slip, the reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ExchangeText { $($name),* }

        impl ExchangeText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [ExchangeText] = &[$(ExchangeText::$name),*];
        }
    };
}

exchange_texts! {
    HintExchange, HintReceiptExchange, FromOrder, RefundedBack, Credit, Returned, NewGoods, ToPay, ToGiveBack, SlipTitle, GivenBack, ReportLine,
    ReportIn, ReportOut, ReportPaid, ReportGiven, ReportRefunded,
}

pub fn exchange_text(lang: Lang, t: ExchangeText) -> &'static str {
    use ExchangeText as X;
    match (lang, t) {
        (Lang::Zh, X::HintExchange) => "换货（主管）",
        (Lang::En, X::HintExchange) => "Exchange (supervisor)",
        (Lang::Zh, X::HintReceiptExchange) => "换货",
        (Lang::Zh, X::FromOrder) => "原订单",
        (Lang::En, X::FromOrder) => "Original order",
        (Lang::Zh, X::RefundedBack) => "退差价（原路退回）",
        (Lang::En, X::RefundedBack) => "Refunded to payment",
        (Lang::En, X::HintReceiptExchange) => "Exchange",
        (Lang::Zh, X::Credit) => "换货抵扣",
        (Lang::En, X::Credit) => "Traded in",
        (Lang::Zh, X::Returned) => "退回",
        (Lang::En, X::Returned) => "Back",
        (Lang::Zh, X::NewGoods) => "换出商品",
        (Lang::En, X::NewGoods) => "New goods",
        (Lang::Zh, X::ToPay) => "顾客补差价",
        (Lang::En, X::ToPay) => "Customer pays",
        (Lang::Zh, X::ToGiveBack) => "退顾客差价",
        (Lang::En, X::ToGiveBack) => "Give back",
        (Lang::Zh, X::SlipTitle) => "换货单",
        (Lang::En, X::SlipTitle) => "EXCHANGE",
        (Lang::Zh, X::GivenBack) => "退差价（现金）",
        (Lang::En, X::GivenBack) => "Difference back (cash)",
        (Lang::Zh, X::ReportLine) => "换货",
        (Lang::En, X::ReportLine) => "Exchanges",
        (Lang::Zh, X::ReportIn) => "退回",
        (Lang::En, X::ReportIn) => "in",
        (Lang::Zh, X::ReportOut) => "换出",
        (Lang::En, X::ReportOut) => "out",
        (Lang::Zh, X::ReportPaid) => "补差价",
        (Lang::En, X::ReportPaid) => "paid",
        (Lang::Zh, X::ReportGiven) => "退差价",
        (Lang::En, X::ReportGiven) => "given back",
        (Lang::Zh, X::ReportRefunded) => "原路退回",
        (Lang::En, X::ReportRefunded) => "refunded",
    }
}

/// The one-line message for an exchange notice.
pub fn exchange_notice(lang: Lang, n: &ExchangeNotice) -> String {
    use ExchangeNotice as N;
    match (lang, n) {
        (Lang::Zh, N::ScanNewGoods { credit }) => format!("换货：退回商品抵 {credit}元，请扫描换出的商品"),
        (Lang::En, N::ScanNewGoods { credit }) => {
            format!("Exchange: {credit} yuan back in credit, scan the goods going out")
        }
        (Lang::Zh, N::Even { .. }) => "换货完成，不用补差价，换货单已打印".into(),
        (Lang::En, N::Even { .. }) => "Exchange done, nothing to pay: the slip is printed".into(),
        (Lang::Zh, N::GiveBack { amount, .. }) => format!("换货完成：请从钱箱退给顾客 {amount}元"),
        (Lang::En, N::GiveBack { amount, .. }) => {
            format!("Exchange done: give the customer {amount} yuan from the drawer")
        }
        (Lang::Zh, N::NoNewGoods) => "请先扫描换出的商品（按 Esc 取消换货）".into(),
        (Lang::En, N::NoNewGoods) => "Scan the goods going out first (Esc cancels the exchange)".into(),
        (Lang::Zh, N::Cancelled) => "已取消换货，商品还给顾客".into(),
        (Lang::En, N::Cancelled) => "Exchange cancelled: the goods go back to the customer".into(),
        (Lang::Zh, N::RefusedGiveCash { amount, .. }) => format!("原路退款未成功：请从钱箱退给顾客 {amount}元"),
        (Lang::En, N::RefusedGiveCash { amount, .. }) => {
            format!("The refund to the payment failed: give the customer {amount} yuan from the drawer")
        }
        (Lang::Zh, N::PickGoods) => "先用 + / - 选出要换的商品，再按 F8 换货".into(),
        (Lang::En, N::PickGoods) => "Choose the goods coming back with + / -, then F8 to exchange".into(),
        (Lang::Zh, N::RefundingDifference { amount, platform, .. }) => {
            format!("换货完成：差价 {amount}元 正在原路退回{}，请稍候", super::platform_name(lang, *platform))
        }
        (Lang::En, N::RefundingDifference { amount, platform, .. }) => {
            format!(
                "Exchange done: refunding the {amount} yuan difference to {}…",
                super::platform_name(lang, *platform)
            )
        }
    }
}

/// The report's one line for exchanges: how many, goods back and out, the differences.
pub fn report_line(lang: Lang, x: &crate::core::exchange::ExchangeTotals) -> String {
    let t = |k| exchange_text(lang, k);
    use ExchangeText as X;
    let line = format!(
        "{} {}  {} {}  {} {}  {} {}  {} {}",
        t(X::ReportLine),
        x.n,
        t(X::ReportIn),
        x.goods_back,
        t(X::ReportOut),
        x.goods_out,
        t(X::ReportPaid),
        x.paid,
        t(X::ReportGiven),
        x.given_back
    );
    // Receipted exchanges' differences refunded through the original payment, when there are any.
    if x.refunded.is_zero() { line } else { format!("{line}  {} {}", t(X::ReportRefunded), x.refunded) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::money::Fen;

    #[test]
    fn every_exchange_text_and_notice_is_worded_in_both_languages() {
        for t in ExchangeText::ALL {
            assert_ne!(exchange_text(Lang::Zh, *t), exchange_text(Lang::En, *t), "{t:?} is not translated");
        }
        let all = [
            ExchangeNotice::ScanNewGoods { credit: Fen(700) },
            ExchangeNotice::Even { number: "1".into() },
            ExchangeNotice::GiveBack { amount: Fen(200), number: "1".into() },
            ExchangeNotice::NoNewGoods,
            ExchangeNotice::Cancelled,
            ExchangeNotice::PickGoods,
            ExchangeNotice::RefusedGiveCash { amount: Fen(300), number: "1".into() },
            ExchangeNotice::RefundingDifference {
                amount: Fen(300),
                platform: crate::core::code::Platform::WeChat,
                number: "1".into(),
            },
        ];
        for n in &all {
            for lang in [Lang::Zh, Lang::En] {
                let s = exchange_notice(lang, n);
                assert!(!s.trim().is_empty() && !s.contains('\n'), "{lang:?} {n:?}");
            }
        }
    }
}
