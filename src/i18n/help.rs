//! The help screen's and the key table's own words (the keys' caps and what they do that the
//! older tables do not have), and the change-my-PIN form, in Simplified Chinese and English. One
//! exhaustive `match` per language: a label missing in one does not compile.

use crate::core::Lang;

macro_rules! help_texts {
    ($($name:ident),* $(,)?) => {
        /// A label of the help screen, the key table and the change-my-PIN form.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum HelpText { $($name),* }

        impl HelpText {
            /// Every label (the tests check each is translated).
            pub const ALL: &'static [HelpText] = &[$(HelpText::$name),*];
        }
    };
}

help_texts! {
    // key caps
    KeyHelp, KeyClose, KeyF4, KeyDigits, KeyDigitsDot, KeyDigitsMenu,
    // what the keys do
    HintHelp, HintClose, HintChangePin, HintTypeCode, HintTypePin, HintTypeNumber,
    HintTypeAmount, HintTypeOrderNo, HintAddCode, HintClear, HintPartAmount, HintChooseByNumber,
    HintLookUp, HintSelect,
    // the help screen
    HelpTitle, HelpScanner, HelpNoKeys,
    // change my PIN
    ChangePinTitle, CurrentPin, ChangePinHelp,
    // the help screen's longer words on a key
    DetailLookup, DetailShift, DetailReports, DetailJournal, DetailSummary, DetailSignOut, DetailLowStock,
    DetailMaintenance, DetailChangePin, DetailQty, DetailSetQty, DetailDelete, DetailTotal, DetailCash,
    DetailRole, DetailResetPin, DetailDisable, DetailPark, DetailCashUp, DetailCloseDay, DetailFilter,
    DetailCashRefund,
}

pub fn help_text(lang: Lang, t: HelpText) -> &'static str {
    match lang {
        Lang::Zh => zh(t),
        Lang::En => en(t),
    }
}

fn zh(t: HelpText) -> &'static str {
    use HelpText::*;
    match t {
        KeyHelp => "?",
        KeyClose => "Esc/?",
        KeyF4 => "F4",
        KeyDigits => "0-9",
        KeyDigitsMenu => "1-9",
        KeyDigitsDot => "0-9 .",
        HintHelp => "帮助",
        HintClose => "关闭帮助",
        HintChangePin => "改密码",
        HintTypeCode => "输入条码或金额",
        HintTypePin => "输入密码",
        HintTypeNumber => "输入柜员编号",
        HintTypeAmount => "输入金额",
        HintTypeOrderNo => "输入小票单号",
        HintAddCode => "加入输入的条码",
        HintClear => "清除",
        HintPartAmount => "分次付款金额",
        HintChooseByNumber => "按编号直接选择",
        HintLookUp => "查询",
        HintSelect => "选择",
        HelpTitle => "本界面按键",
        HelpScanner => "扫码会关闭帮助，条码交给下面的界面处理。",
        HelpNoKeys => "此时没有可用的按键。",
        ChangePinTitle => "修改我的密码",
        CurrentPin => "当前密码",
        ChangePinHelp => "新密码为 4 到 8 位数字，不能是 0000 或当前密码",
        DetailLookup => "扫描或输入小票单号：查看、退款、补打",
        DetailShift => "备用金、存入、取出、交班点钞",
        DetailReports => "X 报表；在报表中按 F7 日结",
        DetailJournal => "当天支付与退款：筛选、详情、补打",
        DetailSummary => "按小时与支付方式汇总，导出 CSV",
        DetailSignOut => "下班时签退",
        DetailLowStock => "库存不高于预警值的商品",
        DetailMaintenance => "测试、柜员、审计日志、重启（需主管）",
        DetailChangePin => "修改自己的密码",
        DetailQty => "选中商品数量加一或减一",
        DetailSetQty => "先输入数字再按 *，设置选中行数量",
        DetailDelete => "删除选中的商品行",
        DetailTotal => "去结账：扫付款码或收现金",
        DetailCash => "收现金：输入实收金额，显示找零",
        DetailRole => "切换收银员或主管",
        DetailResetPin => "设临时密码，下次签到时须修改",
        DetailDisable => "禁止或恢复该柜员签到",
        DetailPark => "开始下一单，本笔在后台继续确认",
        DetailCashUp => "点钞并结束本班",
        DetailCloseDay => "日结：生成 Z 报表（需主管）",
        DetailFilter => "F5 柜员，F6 支付方式，F7 状态",
        DetailCashRefund => "从钱箱退还该单的现金",
    }
}

fn en(t: HelpText) -> &'static str {
    use HelpText::*;
    match t {
        KeyHelp => "?",
        KeyClose => "Esc/?",
        KeyF4 => "F4",
        KeyDigits => "0-9",
        KeyDigitsMenu => "1-9",
        KeyDigitsDot => "0-9 .",
        HintHelp => "Help",
        HintClose => "Close help",
        HintChangePin => "My PIN",
        HintTypeCode => "Type a barcode or amount",
        HintTypePin => "Type the PIN",
        HintTypeNumber => "Type the operator number",
        HintTypeAmount => "Type an amount",
        HintTypeOrderNo => "Type the receipt's order number",
        HintAddCode => "Add the typed code",
        HintClear => "Clear",
        HintPartAmount => "Part to pay by code",
        HintChooseByNumber => "Choose by its number",
        HintLookUp => "Look up",
        HintSelect => "Select",
        HelpTitle => "Keys on this screen",
        HelpScanner => "A scan closes this help; the screen below takes the code.",
        HelpNoKeys => "No keys do anything just now.",
        ChangePinTitle => "Change my PIN",
        CurrentPin => "Current PIN",
        ChangePinHelp => "4 to 8 digits, not 0000, not your current PIN",
        DetailLookup => "A receipt's order number: see, refund, reprint",
        DetailShift => "Float, pay-in, pay-out, cash-up",
        DetailReports => "X report; F7 there closes the day",
        DetailJournal => "The day's payments and refunds, reprints",
        DetailSummary => "Sales by hour and platform; CSV export",
        DetailSignOut => "At the end of your shift (签退)",
        DetailLowStock => "Products at or below the low-stock level",
        DetailMaintenance => "Tests, operators, audit log (supervisor)",
        DetailChangePin => "Choose a new PIN of your own",
        DetailQty => "One more or one fewer of the selected line",
        DetailSetQty => "Type a number, then * for the selected line",
        DetailDelete => "Remove the selected line",
        DetailTotal => "To payment: scan the customer's code or cash",
        DetailCash => "Type the cash received; the change is shown",
        DetailRole => "Cashier or supervisor",
        DetailResetPin => "A temporary PIN, changed at the next sign-in",
        DetailDisable => "Stop or allow this operator signing in",
        DetailPark => "Next sale; this payment is confirmed meanwhile",
        DetailCashUp => "Count the drawer and close the shift",
        DetailCloseDay => "The Z report (supervisor)",
        DetailFilter => "F5 operator, F6 method, F7 state",
        DetailCashRefund => "Give the order's cash back from the drawer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_help_text_is_in_both_languages() {
        for t in HelpText::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert!(!help_text(lang, *t).trim().is_empty(), "{lang:?} {t:?} is empty");
            }
            if !format!("{t:?}").starts_with("Key") {
                assert_ne!(help_text(Lang::Zh, *t), help_text(Lang::En, *t), "{t:?} is not translated");
            }
        }
        assert_eq!(HelpText::ALL.last(), Some(&HelpText::DetailCashRefund), "a label added at the end is listed");
    }
}
