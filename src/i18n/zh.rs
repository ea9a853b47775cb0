//! 简体中文.

use super::{Text, announcement, line_name, platform_name};
use crate::core::Lang;
use crate::core::notice::Notice;

pub(super) fn text(t: Text) -> &'static str {
    match t {
        Text::Operator => "收银员",
        Text::Demo => "演示",
        Text::Printer => "打印机",
        Text::InDoubt => "待确认支付",
        Text::InDoubtNone => "无待确认支付",
        Text::SaleTitle => "收银",
        Text::PayTitle => "结账",
        Text::DoneTitle => "收款完成",
        Text::ColItem => "商品",
        Text::ColQty => "数量",
        Text::ColPrice => "单价",
        Text::ColAmount => "金额",
        Text::MiscItem => "无码商品",
        Text::EmptyCart => "请扫描商品条码",
        Text::BarcodeInput => "条码",
        Text::Total => "合计",
        Text::Items => "件数",
        Text::AmountDue => "应收金额",
        Text::ScanPaymentCode => "请扫描顾客的付款码",
        Text::PaymentCodeInput => "付款码",
        Text::CashReceived => "实收现金",
        Text::CashExact => "不输入直接按回车 = 金额刚好",
        Text::Paying => "正在支付…",
        Text::WaitingPassword => "等待用户输入密码中",
        Text::Confirming => "正在确认支付结果…",
        Text::CheckAfterTwoMinutes => "通过订单查询确认支付结果或手机端商户管理系统确认支付结果",
        Text::DoNotChargeAgain => "顾客可能已付款，请勿重复收款",
        Text::LastAttemptFailed => "上次支付未成功",
        Text::PayPlatform => "支付方式",
        Text::PaymentCode => "付款码",
        Text::OrderNo => "订单号",
        Text::ChangeDue => "找零",
        Text::ReceiptPreview => "小票",
        Text::ReceiptPrinting => "正在打印小票…",
        Text::KeyEnter => "回车",
        Text::KeyEsc => "Esc",
        Text::KeyDel => "Del",
        Text::KeyPlusMinus => "+/-",
        Text::KeySetQty => "数字*",
        Text::KeyUpDown => "↑↓",
        Text::KeyF2 => "F2",
        Text::KeyCash => "c/F2",
        Text::KeyAny => "任意键",
        Text::HintTotal => "结账",
        Text::HintQty => "加减数量",
        Text::HintSetQty => "改数量",
        Text::HintDelete => "删除",
        Text::HintSelect => "选择",
        Text::HintCash => "现金",
        Text::HintBack => "返回",
        Text::HintPark => "挂起，后台确认",
        Text::HintConfirmCash => "确认收款",
        Text::HintNextSale => "开始下一单",
        Text::ReceiptTitle => "销售小票",
        Text::ReceiptItem => "商品",
        Text::ReceiptQty => "数量",
        Text::ReceiptPrice => "单价",
        Text::ReceiptAmount => "金额",
        Text::ReceiptTotal => "合计",
        Text::ReceiptOrderNo => "单号",
        Text::ReceiptTime => "时间",
        Text::ReceiptOperator => "收银员",
        Text::ReceiptPaidBy => "支付方式",
        Text::ReceiptTransactionId => "交易号",
        Text::ReceiptFooter => "谢谢惠顾",
        Text::TenderCash => "现金",
        Text::TenderReceived => "实收",
        Text::TenderChange => "找零",
    }
}

pub(super) fn notice(n: &Notice) -> String {
    let lang = Lang::Zh;
    match n {
        Notice::Starting => "正在启动，请稍候…".into(),
        Notice::Added { name, qty } => format!("已添加 {}，数量 {qty}", line_name(lang, name)),
        Notice::UnknownBarcode { code } => format!("未知商品条码 {code}"),
        Notice::BadCheckDigit { code } => format!("条码读错了，请重新扫描 {code}"),
        Notice::Garbage => "无法识别，请重新扫描".into(),
        Notice::NotAnAmount => "金额格式不对，请输入如 12.50".into(),
        Notice::ZeroAmount => "金额不能为0".into(),
        Notice::AmountTooLarge => "金额太大".into(),
        Notice::BadQuantity => "数量无效，请输入 1 到 9999".into(),
        Notice::CartEmpty => "还没有商品，请先扫描商品".into(),
        Notice::NoLineSelected => "请先用 ↑↓ 选择一行商品".into(),
        Notice::LineRemoved { name } => format!("已删除 {}", line_name(lang, name)),
        Notice::NotAPaymentCode => "这不是微信或支付宝的付款码".into(),
        Notice::NotEnoughCash { short } => format!("现金不够，还差 {short}元"),
        Notice::PaymentDeclined { platform, reason } => {
            format!("{}未成功：{reason}。请重新扫码或收现金", platform_name(lang, *platform))
        }
        Notice::Paid { platform, amount } => announcement(lang, *platform, *amount),
        Notice::PaymentInDoubt => "支付结果还未确认，不能修改订单或换其他方式收款".into(),
        Notice::Parked { number } => format!("订单 {number} 转到后台继续确认支付结果"),
        Notice::BackgroundPaid { number, amount } => format!("订单 {number} 已确认收款 {amount}元"),
        Notice::BackgroundNotPaid { number, amount } => {
            format!("订单 {number} 未收到款 {amount}元：顾客没有被扣款")
        }
        Notice::NumbersExhausted => "今天的订单号已用完，请联系店长".into(),
        Notice::StoreFailed { error } => format!("保存订单失败：{error}"),
        Notice::PrintFailed { error } => format!("打印失败：{error}，请检查打印机"),
        Notice::Restored { in_doubt } => format!("已重新启动，{in_doubt} 笔支付正在确认"),
    }
}
