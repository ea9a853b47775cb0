//! Goods in, stock counts (入库 / 盘点) and training mode (培训模式), in Simplified Chinese and
//! English: [`StockText`] labels looked up with [`stock_text`], notices with [`stock_notice`] and
//! [`training_notice`].

use crate::core::Lang;
use crate::core::stocktake::StockNotice;
use crate::core::training::TrainingNotice;

macro_rules! stock_texts {
    ($($name:ident),* $(,)?) => {
        /// A static label of the sheet, its hints, slip and CSV, and of training mode.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum StockText { $($name),* }

        impl StockText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [StockText] = &[$(StockText::$name),*];
        }
    };
}

stock_texts! {
    GoodsInTitle, CountTitle, Number, Supplier, Note, Everything, ColCode, ColItem, ColReceived, ColExpected,
    ColCounted, ColVariance, Uncounted, Code, Lines, Units, ApprovedBy, Operator, NotTracked,
    HintAdd, HintApply, HintQty, HintRemove, HintClose, HintPark, HintGoodsIn, HintCount,
    TrainingBanner, TrainingMark, KeyF5, KeyF6, Category, HintScope, HintSupplier, HintNote, HintDoneTyping,
}

pub fn stock_text(lang: Lang, t: StockText) -> &'static str {
    use StockText as S;
    match (lang, t) {
        (Lang::Zh, S::GoodsInTitle) => "入库单",
        (Lang::En, S::GoodsInTitle) => "Goods in",
        (Lang::Zh, S::CountTitle) => "盘点单",
        (Lang::En, S::CountTitle) => "Stock count",
        (Lang::Zh, S::Number) => "单号",
        (Lang::En, S::Number) => "No.",
        (Lang::Zh, S::Supplier) => "供应商",
        (Lang::En, S::Supplier) => "Supplier",
        (Lang::Zh, S::Note) => "备注",
        (Lang::En, S::Note) => "Note",
        (Lang::Zh, S::Category) => "类别",
        (Lang::En, S::Category) => "Category",
        (Lang::Zh, S::HintScope) => "换盘点范围",
        (Lang::En, S::HintScope) => "Scope",
        (Lang::Zh, S::HintSupplier) => "供应商",
        (Lang::En, S::HintSupplier) => "Supplier",
        (Lang::Zh, S::HintNote) => "备注",
        (Lang::En, S::HintNote) => "Note",
        (Lang::Zh, S::HintDoneTyping) => "填好",
        (Lang::En, S::HintDoneTyping) => "Done",
        (Lang::Zh, S::Everything) => "全部商品",
        (Lang::En, S::Everything) => "All products",
        (Lang::Zh, S::ColCode) => "条码",
        (Lang::En, S::ColCode) => "Barcode",
        (Lang::Zh, S::ColItem) => "商品",
        (Lang::En, S::ColItem) => "Item",
        (Lang::Zh, S::ColReceived) => "入库数",
        (Lang::En, S::ColReceived) => "Received",
        (Lang::Zh, S::ColExpected) => "账面",
        (Lang::En, S::ColExpected) => "Expected",
        (Lang::Zh, S::ColCounted) => "实盘",
        (Lang::En, S::ColCounted) => "Counted",
        (Lang::Zh, S::ColVariance) => "盈亏",
        (Lang::En, S::ColVariance) => "Variance",
        (Lang::Zh, S::Uncounted) => "未盘商品",
        (Lang::En, S::Uncounted) => "Not counted yet",
        (Lang::Zh, S::Code) => "条码",
        (Lang::En, S::Code) => "Barcode",
        (Lang::Zh, S::Lines) => "品种",
        (Lang::En, S::Lines) => "Products",
        (Lang::Zh, S::Units) => "合计数量",
        (Lang::En, S::Units) => "Units in all",
        (Lang::Zh, S::ApprovedBy) => "批准主管",
        (Lang::En, S::ApprovedBy) => "Approved by",
        (Lang::Zh, S::Operator) => "操作员",
        (Lang::En, S::Operator) => "Operator",
        (Lang::Zh, S::NotTracked) => "未管库存",
        (Lang::En, S::NotTracked) => "not tracked",
        (Lang::Zh, S::HintAdd) => "加入/确认",
        (Lang::En, S::HintAdd) => "Add / apply",
        (Lang::Zh, S::HintApply) => "入账",
        (Lang::En, S::HintApply) => "Apply",
        (Lang::Zh, S::HintQty) => "数量",
        (Lang::En, S::HintQty) => "Quantity",
        (Lang::Zh, S::HintRemove) => "删除",
        (Lang::En, S::HintRemove) => "Remove",
        (Lang::Zh, S::HintClose) => "放弃",
        (Lang::En, S::HintClose) => "Discard",
        (Lang::Zh, S::HintPark) => "暂存去收银",
        (Lang::En, S::HintPark) => "Put aside",
        (Lang::Zh, S::HintGoodsIn) => "入库",
        (Lang::En, S::HintGoodsIn) => "Goods in",
        (Lang::Zh, S::HintCount) => "盘点",
        (Lang::En, S::HintCount) => "Stock count",
        (Lang::Zh, S::TrainingBanner) => "培训模式 · 不收钱、不记账、不动库存",
        (Lang::En, S::TrainingBanner) => "TRAINING · no money, no books, no stock",
        (_, S::TrainingMark) => "培训 / TRAINING",
        (_, S::KeyF5) => "F5",
        (_, S::KeyF6) => "F6",
    }
}

/// The one-line message for a sheet's notice.
pub fn stock_notice(lang: Lang, n: &StockNotice) -> String {
    use StockNotice as N;
    match (lang, n) {
        (Lang::Zh, N::ScanGoods) => "请扫描商品，每扫一次加一件；数量后按 * 改数量，回车入账".into(),
        (Lang::En, N::ScanGoods) => "Scan the goods, one per scan; a number then * sets it; Enter applies".into(),
        (Lang::Zh, N::NotOnSheet { code }) => format!("{code} 不是本单能录入的商品"),
        (Lang::En, N::NotOnSheet { code }) => format!("{code} is not a product this sheet takes"),
        (Lang::Zh, N::NothingToApply) => "还没有扫描商品".into(),
        (Lang::En, N::NothingToApply) => "No goods scanned yet".into(),
        (Lang::Zh, N::FinishSaleFirst) => "请先结束当前这单，再做入库或盘点".into(),
        (Lang::En, N::FinishSaleFirst) => "Finish the sale on screen first".into(),
        (Lang::Zh, N::Parked) => "盘点单已暂存，可以继续收银；再按入库/盘点键回到单据".into(),
        (Lang::En, N::Parked) => "Sheet put aside: sell on; its key brings it back".into(),
        (Lang::Zh, N::Applying) => "正在入账…".into(),
        (Lang::En, N::Applying) => "Applying…".into(),
        (Lang::Zh, N::Applied { number, lines, units }) => {
            format!("单号 {number} 已入账：{lines} 个品种，合计 {units:+}，已打印")
        }
        (Lang::En, N::Applied { number, lines, units }) => {
            format!("Sheet {number} applied: {lines} products, {units:+} in all; printed")
        }
        (Lang::Zh, N::Failed { error }) => format!("未能入账，库存没有变化：{error}"),
        (Lang::En, N::Failed { error }) => format!("Not applied, stock unchanged: {error}"),
        (Lang::Zh, N::NotInTraining) => "培训模式下不能入库或盘点".into(),
        (Lang::En, N::NotInTraining) => "No goods in or stock counts in training mode".into(),
    }
}

/// The one-line message for a training notice.
pub fn training_notice(lang: Lang, n: &TrainingNotice) -> String {
    use TrainingNotice as N;
    match (lang, n) {
        (Lang::Zh, N::Started) => "已进入培训模式：收款走模拟平台，不记账".into(),
        (Lang::En, N::Started) => "Training mode: payments go to the simulator, nothing is kept".into(),
        (Lang::Zh, N::Ended { sales }) => format!("已退出培训模式：{sales} 笔练习交易，均未记账"),
        (Lang::En, N::Ended { sales }) => format!("Training mode ended: {sales} practice sales, none kept"),
        (Lang::Zh, N::FinishSaleFirst) => "请先结束当前这单".into(),
        (Lang::En, N::FinishSaleFirst) => "Finish the sale on screen first".into(),
        (Lang::Zh, N::NotInTraining) => "培训模式下不能做这个".into(),
        (Lang::En, N::NotInTraining) => "Not in training mode".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stock_and_training_text_and_notice_is_worded_in_both_languages() {
        for t in StockText::ALL {
            assert!(!stock_text(Lang::Zh, *t).trim().is_empty());
            if *t != StockText::TrainingMark && !format!("{t:?}").starts_with("Key") {
                assert_ne!(stock_text(Lang::Zh, *t), stock_text(Lang::En, *t), "{t:?} is not translated");
            }
        }
        let stock = [
            StockNotice::ScanGoods,
            StockNotice::NotOnSheet { code: "1".into() },
            StockNotice::NothingToApply,
            StockNotice::FinishSaleFirst,
            StockNotice::Applying,
            StockNotice::Parked,
            StockNotice::Applied { number: "PD1".into(), lines: 2, units: -1 },
            StockNotice::Failed { error: "disk".into() },
            StockNotice::NotInTraining,
        ];
        for n in &stock {
            assert_ne!(stock_notice(Lang::Zh, n), stock_notice(Lang::En, n));
        }
        let training = [
            TrainingNotice::Started,
            TrainingNotice::Ended { sales: 2 },
            TrainingNotice::FinishSaleFirst,
            TrainingNotice::NotInTraining,
        ];
        for n in &training {
            assert_ne!(training_notice(Lang::Zh, n), training_notice(Lang::En, n));
        }
    }
}
