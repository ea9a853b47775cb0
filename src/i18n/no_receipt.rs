//! Returns without a receipt (无小票退货), in Simplified Chinese and English: [`ReturnText`] labels
//! looked up with [`return_text`], reasons with [`reason`], notices with [`return_notice`].

use crate::core::Lang;
use crate::core::no_receipt::{ReturnNotice, ReturnReason};

macro_rules! return_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the return form, its hints, slip and reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ReturnText { $($name),* }

        impl ReturnText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [ReturnText] = &[$(ReturnText::$name),*];
        }
    };
}

return_texts! {
    FormTitle, ColItem, ColPrice, ColQty, ColAmount, Reason, ToGiveBack, Code,
    KeyF7, HintOpen, HintAdd, HintConfirm, HintReason, HintQty, HintRemove, HintClose,
    SlipTitle, ApprovedBy, ReportLine, Items,
}

pub fn return_text(lang: Lang, t: ReturnText) -> &'static str {
    use ReturnText as R;
    match (lang, t) {
        (Lang::Zh, R::FormTitle) => "无小票退货",
        (Lang::En, R::FormTitle) => "Return without a receipt",
        (Lang::Zh, R::ColItem) => "商品",
        (Lang::En, R::ColItem) => "Item",
        (Lang::Zh, R::ColPrice) => "单价",
        (Lang::En, R::ColPrice) => "Price",
        (Lang::Zh, R::ColQty) => "数量",
        (Lang::En, R::ColQty) => "Qty",
        (Lang::Zh, R::ColAmount) => "金额",
        (Lang::En, R::ColAmount) => "Amount",
        (Lang::Zh, R::Reason) => "退货原因",
        (Lang::En, R::Reason) => "Reason",
        (Lang::Zh, R::ToGiveBack) => "退现金",
        (Lang::En, R::ToGiveBack) => "Cash to give back",
        (Lang::Zh, R::Code) => "条码",
        (Lang::En, R::Code) => "Barcode",
        (_, R::KeyF7) => "F7",
        (Lang::Zh, R::HintOpen) => "无小票退货",
        (Lang::En, R::HintOpen) => "No receipt",
        (Lang::Zh, R::HintAdd) => "加入/确认退货",
        (Lang::En, R::HintAdd) => "Add / confirm",
        (Lang::Zh, R::HintConfirm) => "退款（主管）",
        (Lang::En, R::HintConfirm) => "Refund (supervisor)",
        (Lang::Zh, R::HintReason) => "换原因",
        (Lang::En, R::HintReason) => "Reason",
        (Lang::Zh, R::HintQty) => "数量",
        (Lang::En, R::HintQty) => "Quantity",
        (Lang::Zh, R::HintRemove) => "删除",
        (Lang::En, R::HintRemove) => "Remove",
        (Lang::Zh, R::HintClose) => "取消",
        (Lang::En, R::HintClose) => "Cancel",
        (Lang::Zh, R::SlipTitle) => "无小票退货单",
        (Lang::En, R::SlipTitle) => "RETURN WITHOUT RECEIPT",
        (Lang::Zh, R::ApprovedBy) => "批准主管",
        (Lang::En, R::ApprovedBy) => "Approved by",
        (Lang::Zh, R::ReportLine) => "其中无小票退货（现金）",
        (Lang::En, R::ReportLine) => "Of which returns without receipt (cash)",
        (Lang::Zh, R::Items) => "件数",
        (Lang::En, R::Items) => "Items",
    }
}

pub fn reason(lang: Lang, r: ReturnReason) -> &'static str {
    use ReturnReason as R;
    match (lang, r) {
        (Lang::Zh, R::Faulty) => "质量问题",
        (Lang::En, R::Faulty) => "Faulty or damaged",
        (Lang::Zh, R::Expired) => "过期变质",
        (Lang::En, R::Expired) => "Past its date",
        (Lang::Zh, R::WrongItem) => "买错了",
        (Lang::En, R::WrongItem) => "Bought the wrong item",
        (Lang::Zh, R::ChangedMind) => "不想要了",
        (Lang::En, R::ChangedMind) => "Changed their mind",
        (Lang::Zh, R::Other) => "其他",
        (Lang::En, R::Other) => "Other",
    }
}

/// The one-line message for a return notice.
pub fn return_notice(lang: Lang, n: &ReturnNotice) -> String {
    use ReturnNotice as N;
    match (lang, n) {
        (Lang::Zh, N::ScanGoods) => "请扫描退回的商品，选择原因，按回车请主管批准".into(),
        (Lang::En, N::ScanGoods) => "Scan the goods coming back, choose the reason, Enter for a supervisor".into(),
        (Lang::Zh, N::NotReturnable { code }) => format!("{code} 不是固定价格的商品，无小票不能退"),
        (Lang::En, N::NotReturnable { code }) => {
            format!("{code} is not a fixed-price item: it cannot be returned without a receipt")
        }
        (Lang::Zh, N::NoGoods) => "还没有扫描退回的商品".into(),
        (Lang::En, N::NoGoods) => "No goods scanned yet".into(),
        (Lang::Zh, N::TooMuch) => "金额太大，一次不能退这么多".into(),
        (Lang::En, N::TooMuch) => "Too much for one return".into(),
        (Lang::Zh, N::Returned { amount, .. }) => {
            format!("无小票退货：请从钱箱退给顾客 {amount}元，退货单已打印")
        }
        (Lang::En, N::Returned { amount, .. }) => {
            format!("No-receipt return: give the customer {amount} yuan from the drawer")
        }
        (Lang::Zh, N::FinishSaleFirst) => "请先结束当前这单，再做无小票退货".into(),
        (Lang::En, N::FinishSaleFirst) => "Finish the sale on screen first, then take the return".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::money::Fen;

    #[test]
    fn every_return_text_reason_and_notice_is_worded_in_both_languages() {
        for t in ReturnText::ALL {
            assert!(!return_text(Lang::Zh, *t).trim().is_empty());
            if !format!("{t:?}").starts_with("Key") {
                assert_ne!(return_text(Lang::Zh, *t), return_text(Lang::En, *t), "{t:?} is not translated");
            }
        }
        for r in ReturnReason::ALL {
            assert_ne!(reason(Lang::Zh, r), reason(Lang::En, r));
        }
        let all = [
            ReturnNotice::ScanGoods,
            ReturnNotice::NotReturnable { code: "123".into() },
            ReturnNotice::NoGoods,
            ReturnNotice::TooMuch,
            ReturnNotice::Returned { amount: Fen(350), number: "0100005226120700001".into() },
            ReturnNotice::FinishSaleFirst,
        ];
        for n in &all {
            for lang in [Lang::Zh, Lang::En] {
                let s = return_notice(lang, n);
                assert!(!s.trim().is_empty() && !s.contains('\n'), "{lang:?} {n:?}");
            }
        }
        assert_eq!(
            return_notice(Lang::Zh, &ReturnNotice::Returned { amount: Fen(350), number: "9".into() }),
            "无小票退货：请从钱箱退给顾客 3.50元，退货单已打印"
        );
    }
}
