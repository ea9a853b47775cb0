//! 简体中文.

use super::{Text, announcement, day_text, line_name, platform_name};
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
        Text::Cancelling => "正在撤销订单…",
        Text::LookupTitle => "订单查询/退款",
        Text::ScanReceiptBarcode => "请扫描小票上的订单条码",
        Text::LookupPending => "正在查询订单…",
        Text::StatePaid => "已支付",
        Text::StatePartiallyRefunded => "部分退款",
        Text::StateFullyRefunded => "已全额退款",
        Text::StatePaying => "支付中",
        Text::StateNotPaid => "未支付",
        Text::OrderState => "订单状态",
        Text::PaidTotal => "实收金额",
        Text::RefundedTotal => "已退金额",
        Text::Refundable => "可退金额",
        Text::RefundAmount => "退款金额",
        Text::RefundList => "退款记录",
        Text::RefundSending => "发送中",
        Text::RefundAccepted => "已受理，确认中",
        Text::RefundUnknown => "结果确认中",
        Text::RefundDone => "已退款",
        Text::RefundFailedState => "退款失败",
        Text::OtherTill => "其他收银机的订单",
        Text::KeyF3 => "F3",
        Text::HintLookup => "查单/退款",
        Text::HintRefund => "退款",
        Text::RefundReceiptTitle => "退款凭证",
        Text::ReceiptRefundNo => "退款单号",
        Text::ReceiptRefundAmount => "退款金额",
        Text::KeyF4 => "F4",
        Text::HintReprint => "补打小票",
        Text::ReceiptsWaiting => "张小票待打印",
        Text::Scanner => "扫码枪",
        Text::ScannerOk => "已连接",
        Text::ScannerAway => "未连接",
        Text::Unsynced => "未同步",
        Text::ClockOff => "时钟不准，请校时",
        Text::OfflineBadge => "离线·仅收现金",
        Text::PriceEntryTitle => "输入价格",
        Text::PriceInput => "价格",
        Text::UnknownProduct => "未知商品",
        Text::SupervisorApproves => "此价格需主管批准",
        Text::InsecureLink => "支付平台连接不安全",
        Text::ConfirmWifiTitle => "连接此无线网络？",
        Text::ConfirmSetupTitle => "更换收款账户？",
        Text::ConfirmNetwork => "网络名称 (SSID)",
        Text::ConfirmNow => "当前",
        Text::ConfirmNew => "配置后",
        Text::ConfirmMerchant => "商户号",
        Text::ConfirmShop => "门店",
        Text::ConfirmNoneYet => "（未配置）",
        Text::ConfirmOtherMerchant => "收款将转入另一个商户的账户",
        Text::ConfirmSameMerchant => "同一商户：仅更新配置",
        Text::ConfirmPinNow => "需主管现场输入密码确认（已登录也需输入）",
        Text::HintConfirmPin => "主管密码",
        Text::HintCancelConfig => "取消，不做更改",
        Text::Remaining => "还需支付",
        Text::PaidParts => "已付",
        Text::NextPart => "下一笔付款码金额",
        Text::PartHint => "输入金额后回车：付款码只付这一部分",
        Text::KeyF11 => "F11",
        Text::HintLowStock => "库存不足",
        Text::LowStockTitle => "库存不足商品",
        Text::LowStockEmpty => "没有库存不足的商品",
        Text::ColStock => "库存",
        Text::ColBarcode => "条码",
        Text::LowStockThreshold => "库存不高于",
        Text::KeyF6 => "F6",
        Text::HintCashRefund => "退现金",
        Text::TenderMixed => "组合支付",
        Text::CashToGiveBack => "可退现金",
        Text::HintAddItem => "加入",
        Text::ReturnGoods => "退货商品",
        Text::ColReturned => "已退",
        Text::ColReturnNow => "本次退",
        Text::ReturnValue => "退货金额",
    }
}

pub(super) fn notice(n: &Notice) -> String {
    let lang = Lang::Zh;
    match n {
        Notice::Auth(n) => super::staff::notice(lang, n),
        Notice::Held(n) => super::held::held_notice(lang, n),
        Notice::Return(n) => super::no_receipt::return_notice(lang, n),
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
            format!("{}未成功：{}。请重新扫码或收现金", platform_name(lang, *platform), super::reason(lang, reason))
        }
        Notice::Paid { platform, amount } => announcement(lang, *platform, *amount),
        Notice::PaymentInDoubt => "支付结果还未确认，不能修改订单或换其他方式收款".into(),
        Notice::Parked { number } => format!("订单 {number} 转到后台继续确认支付结果"),
        Notice::BackgroundPaid { number, amount } => format!("订单 {number} 已确认收款 {amount}元"),
        Notice::BackgroundNotPaid { number, amount } => {
            format!("订单 {number} 未收到款 {amount}元：顾客没有被扣款")
        }
        Notice::NumbersExhausted => "今天的订单号已用完，请联系店长".into(),
        Notice::ClockBehind { last_day } => {
            format!("收银机时间早于上一笔订单的日期 {}：请联系店长校正日期和时间", day_text(*last_day))
        }
        Notice::StoreFailed { error } => format!("保存订单失败：{error}"),
        Notice::PrintFailed { error } => format!("打印失败：{error}，请检查打印机"),
        Notice::Restored { in_doubt } => format!("已重新启动，{in_doubt} 笔支付正在确认"),
        Notice::PaymentCancelled { platform } => {
            format!("{}支付未完成，已撤销订单，顾客未被扣款。请重新扫码或收现金", platform_name(lang, *platform))
        }
        Notice::FinishSaleFirst => "请先完成当前交易再查单退款".into(),
        Notice::ScanReceipt => "请扫描小票上的订单条码，或输入订单号后按回车".into(),
        Notice::NotAnOrderNumber => "不是本店的订单号：请扫描小票上的订单条码".into(),
        Notice::OrderNotFound { number } => format!("订单 {number} 没有微信或支付宝的付款记录：请核对小票上的单号"),
        Notice::LookupFailed { reason } => format!("查不到订单（{}），请稍后再扫", super::reason(lang, reason)),
        Notice::RefundInDoubt => "该订单有退款正在确认，请稍候".into(),
        Notice::NothingToRefund => "该订单没有可退金额".into(),
        Notice::ExceedsRefundable { refundable } => format!("超出可退金额：最多可退 {refundable}元"),
        Notice::Refunding { amount } => format!("正在退款 {amount}元…"),
        Notice::RefundAccepted { amount } => format!("退款已受理 {amount}元，正在确认退款结果"),
        Notice::Refunded { amount, platform } => super::refund_announcement(lang, *platform, *amount),
        Notice::RefundFailed { amount, reason } => format!("退款 {amount}元没有成功：{}", super::reason(lang, reason)),
        Notice::SettingUp => "正在配置设备，请稍候…".into(),
        Notice::SetupDone { shop_name } => format!("设备配置成功：{shop_name}"),
        Notice::SetupFailed { error } => format!("设备配置失败：{}。可重新扫码配置", setup_failure(error)),
        Notice::SetupNotNow => "请先完成当前交易再配置设备".into(),
        Notice::PrintingTestPage => "正在打印测试页…".into(),
        Notice::Reprinting => "正在补打小票…".into(),
        Notice::Offline => "网络中断，无法连接支付平台：暂时只能收现金".into(),
        Notice::OfflineTakeCash => "网络中断，不能扫码支付：请收现金（按 F2）".into(),
        Notice::CheckingClock => "正在与支付平台核对时间，请稍候".into(),
        Notice::BackOnline => "网络已恢复，可以扫码支付".into(),
        Notice::ScannerGone => "扫码枪已断开：请重新插好，或手动输入条码".into(),
        Notice::ScaleNotStable => "电子秤重量未稳定：请等读数稳定后再扫码".into(),
        Notice::JoiningWifi => "正在连接无线网络…".into(),
        Notice::WifiJoined { ssid } => format!("已连接无线网络 {ssid}"),
        Notice::WifiFailed {
            error: e @ (crate::core::WifiFailure::NoAdapter { .. } | crate::core::WifiFailure::NotConfigured),
        } => {
            format!("无线网络连接失败：{}", wifi_failure(e))
        }
        Notice::WifiFailed { error } => format!("无线网络连接失败：{}，仍使用原网络", wifi_failure(error)),
        Notice::WifiNotNow => "请先完成当前交易再扫码连网".into(),
        Notice::ReadingConfigCode => "正在读取无线网络码…".into(),
        Notice::ConfigCancelled => "已取消，未做任何更改".into(),
        Notice::MerchantChangeUnresolved { count } => {
            format!("暂不能更换商户：还有 {count} 笔支付或退款待当前商户确认，确认完成后再配置")
        }
        Notice::NothingToReprint => "该订单未支付，没有小票可补打".into(),
        Notice::Office(n) => super::office_notice(lang, n),
        Notice::PartPaid { platform: Some(p), amount, remaining } => {
            format!("{}已收 {amount}元，还需支付 {remaining}元", platform_name(lang, *p))
        }
        Notice::PartPaid { platform: None, amount, remaining } => {
            format!("现金已收 {amount}元，还需支付 {remaining}元")
        }
        Notice::PartAmountSet { amount } => format!("下一笔付款码只收 {amount}元：请扫码（Esc 取消）"),
        Notice::PartTooLarge { remaining } => format!("超过还需支付的金额：最多 {remaining}元"),
        Notice::FinishPayment => "本单已部分支付或有付款待确认：请先在此完成支付".into(),
        Notice::PaidTwice { platform, amount, number } => {
            format!("本单已付清，但{}又扣款 {amount}元（单号 {number}）：请给顾客退款", platform_name(lang, *platform))
        }
        Notice::PaidInParts { amount, parts } => format!("组合支付收款成功 {amount}元（{parts}笔）"),
        Notice::EnterPrice { name } => format!("请输入 {} 的价格，回车确认", line_name(lang, name)),
        Notice::CashToRefund { amount } => format!("现金付款部分 {amount}元：按 F6 从钱箱退现金"),
        Notice::QrNotOffered => "本机不提供顾客扫码支付（仅腾讯云支付可用）".into(),
        Notice::QrClockWrong => "本机时间不准，请先校准时间再出二维码".into(),
        Notice::QrStillPayable { number } => format!("二维码 {number} 仍可能被支付，暂不能再出码"),
        Notice::ReturnLimit { left: 0 } => "这件商品已全部退回".to_string(),
        Notice::ReturnLimit { left } => format!("这件商品最多还能退 {left} 件"),
    }
}

fn setup_failure(f: &crate::core::SetupFailure) -> String {
    use crate::core::SetupFailure as F;
    match f {
        F::NotASetupCode => "不是云支付的配置二维码".into(),
        F::Expired => "配置二维码已过期（5分钟有效），请在商户端重新生成".into(),
        F::AlreadyUsed => "配置二维码已被使用，请在商户端重新生成".into(),
        F::Refused { detail } => format!("平台拒绝：{detail}"),
        F::BadAnswer { detail } => format!("平台返回的配置有误：{detail}"),
        F::Network { detail } => format!("网络问题，未收到配置：{detail}"),
        F::Storage { detail } => format!("无法保存配置：{detail}"),
        F::WrongPlatform => "本机使用微收银，不能用云支付二维码配置".into(),
    }
}

fn wifi_failure(f: &crate::core::WifiFailure) -> String {
    use crate::core::WifiFailure as F;
    match f {
        F::BadCode { detail } => format!("二维码无效（{detail}）"),
        F::WrongPassword => "密码错误".into(),
        F::NotFound => "找不到该网络".into(),
        F::Timeout => "连接超时".into(),
        F::Unavailable { detail } => format!("无线网络不可用（{detail}）"),
        F::NoAdapter { interface } => format!("本机没有无线网卡（未找到 {interface}）"),
        F::ServiceDown => "无线网络服务（wpa_supplicant）未运行".into(),
        F::NotConfigured => "本机未设置无线网络（till.toml 中没有 [wifi]）".into(),
    }
}
