//! The words of the QR screen (the customer scans the till's QR), in both languages.

use crate::core::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::VariantArray)]
pub enum QrText {
    Title,
    ChooseWallet,
    /// "Scan with {wallet} to pay" follows the wallet's name.
    ScanWith,
    ScanToPay,
    Amount,
    TimeLeft,
    Number,
    ValidUntil,
    KeyP,
    HintPrint,
    Requesting,
    Waiting,
    Closing,
    Paid,
    Cancelled,
    Expired,
    Failed,
    /// A closed QR is still watched: a late payment will show.
    Watched,
    KeyF7,
    HintShowQr,
    KeyWallet1,
    KeyWallet2,
    HintWeChat,
    HintAlipay,
    HintCancelQr,
    HintClose,
}

pub const ALL: &[QrText] = <QrText as strum::VariantArray>::VARIANTS;

/// "请用微信支付扫码付款" / "Scan with WeChat Pay to pay".
pub fn scan_with(lang: Lang, wallet: &str) -> String {
    let sep = if lang == Lang::Zh { "" } else { " " };
    format!("{}{sep}{wallet}{sep}{}", qr_text(lang, QrText::ScanWith), qr_text(lang, QrText::ScanToPay))
}

pub fn qr_text(lang: Lang, t: QrText) -> &'static str {
    use QrText::*;
    match lang {
        Lang::Zh => match t {
            Title => "顾客扫码付款",
            ChooseWallet => "顾客用哪个钱包扫码？",
            ScanWith => "请用",
            ScanToPay => "扫码付款",
            Amount => "金额",
            TimeLeft => "剩余时间",
            Number => "单号",
            ValidUntil => "有效至",
            KeyP => "P",
            HintPrint => "打印二维码",
            Requesting => "正在生成二维码…",
            Waiting => "等待顾客付款…",
            Closing => "正在关闭订单…",
            Paid => "已收款",
            Cancelled => "已取消，未收款",
            Expired => "已过期，未收款",
            Failed => "生成二维码失败",
            Watched => "若顾客迟付，会自动入账并提醒",
            KeyF7 => "F7",
            HintShowQr => "顾客扫码",
            KeyWallet1 => "1",
            KeyWallet2 => "2",
            HintWeChat => "微信支付",
            HintAlipay => "支付宝",
            HintCancelQr => "取消并关单",
            HintClose => "返回",
        },
        Lang::En => match t {
            Title => "Customer scans to pay",
            ChooseWallet => "Which wallet will the customer scan with?",
            ScanWith => "Scan with",
            ScanToPay => "to pay",
            Amount => "Amount",
            TimeLeft => "Time left",
            Number => "No.",
            ValidUntil => "Valid until",
            KeyP => "P",
            HintPrint => "Print the QR",
            Requesting => "Making the QR…",
            Waiting => "Waiting for the customer to pay…",
            Closing => "Closing the order…",
            Paid => "Paid",
            Cancelled => "Cancelled: not paid",
            Expired => "Expired: not paid",
            Failed => "The QR could not be made",
            Watched => "A late payment is still recorded",
            KeyF7 => "F7",
            HintShowQr => "Customer scans",
            KeyWallet1 => "1",
            KeyWallet2 => "2",
            HintWeChat => "WeChat Pay",
            HintAlipay => "Alipay",
            HintCancelQr => "Cancel, close order",
            HintClose => "Back",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_qr_text_is_translated() {
        for &t in ALL {
            let (zh, en) = (qr_text(Lang::Zh, t), qr_text(Lang::En, t));
            assert!(!zh.is_empty() && !en.is_empty(), "{t:?}");
            assert!(en.is_ascii() || en.contains('…'), "{t:?}: {en}");
        }
    }
}
