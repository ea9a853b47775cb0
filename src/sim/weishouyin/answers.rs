//! The simulated platform's XML answers, receipts (`printinfo`, reference §6) and popups (§7).

use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::payments::weishouyin::amount::yuan;
use crate::payments::weishouyin::proto::beijing_time;
use quick_xml::escape::escape;

/// `<name a="…" …>children</name>`, or `<name … />` without children; values escaped.
pub fn element(name: &str, attrs: &[(&str, &str)], children: &str) -> String {
    let mut out = format!("<{name}");
    for (k, v) in attrs {
        out.push_str(&format!(" {k}=\"{}\"", escape(*v)));
    }
    if children.is_empty() {
        out.push_str(" />");
    } else {
        out.push_str(&format!(">{children}</{name}>"));
    }
    out
}

/// `<name>text</name>`, text escaped (always open and closed, as in the reference).
pub fn text_element(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", escape(text))
}

pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

pub fn wallet_name(platform: Platform) -> &'static str {
    match platform {
        Platform::WeChat => "微信支付",
        Platform::Alipay => "支付宝",
    }
}

const RULE: &str = "--------------------------------";

/// The payment receipt of reference §6, escapes written `\xNN` as the platform does.
pub fn payment_receipt(platform: Platform, number: &str, pay_time: i64, total: Fen) -> String {
    let title = wallet_name(platform);
    let time = beijing_time(pay_time);
    let amount = yuan(total);
    format!(
        "\\x1b\\x40\\x1D\\x21\\x11\\x1b\\x4d\\x02{title}\n\\x1D\\x21\\x00\n\\x1b\\x40\\x1b\\x4d\\x02{RULE}\n\
\\x1b\\x40\\x1b\\x4d\\x02订单号: {number}\n\\x1b\\x40\n\\x1b\\x40\\x1b\\x4d\\x02支付时间: {time}\n\\x1b\\x40\n\\x1b\\x40\n\
\\x1b\\x40\\x1b\\x4d\\x02实收金额: \\x1D\\x21\\x11¥{amount}\n\\x1b\\x40\\x1b\\x4d\\x02{RULE}\n\\x1b\\x4d\\x02签名/备注:\n\n\\x1B\\x69"
    )
}

/// What a refund receipt shows (reference §6).
pub struct RefundSlip<'a> {
    pub company: &'a str,
    pub dm_id: &'a str,
    pub operator_id: &'a str,
    pub device_id: &'a str,
    pub pay_id: &'a str,
    pub pay_time: i64,
    pub total: Fen,
    pub refund_time: i64,
    pub refund: Fen,
}

pub fn refund_receipt(s: &RefundSlip<'_>) -> String {
    format!(
        "\\x1b\\x40\\x1c\\x26\\x1b\\x61\\x01\\x1D\\x21\\x10退款凭证\n\\x1D\\x21\\x00\\x1b\\x61\\x00商户: {}\n单号: {}\n\
操作员: {}\n设备: 001({})\n交易号: {}\n支付时间: {}\n支付金额: {}\n退款时间: {}\n退款金额: \\x1D\\x21\\x01 ¥ {}\n\
\\x1D\\x21\\x00{RULE}\n签名:\n\\x0d\\x0a\\x0d\\x0a\\x1B\\x69",
        s.company,
        s.dm_id,
        s.operator_id,
        s.device_id,
        s.pay_id,
        beijing_time(s.pay_time),
        yuan(s.total),
        beijing_time(s.refund_time),
        yuan(Fen(-s.refund.0)),
    )
}

/// The WPF popup of reference §7 that the vendor's Windows client shows; the till ignores it.
pub fn canvas(platform: Platform, lines: &[String], red_line: &str) -> String {
    let image = match platform {
        Platform::WeChat => "Resources/popup_wxpay.png",
        Platform::Alipay => "Resources/popup_alipay.png",
    };
    let mut children = element(
        "Image",
        &[("Source", image), ("Width", "48"), ("Height", "48"), ("Canvas.Left", "28"), ("Canvas.Top", "6")],
        "",
    );
    for (i, line) in lines.iter().enumerate() {
        let top = (59 + 20 * i).to_string();
        children.push_str(&element(
            "TextBlock",
            &[
                ("Text", line),
                ("Foreground", "#FF6D6D6D"),
                ("FontSize", "16"),
                ("Canvas.Left", "36"),
                ("Canvas.Top", &top),
            ],
            "",
        ));
    }
    children.push_str(&element(
        "TextBlock",
        &[
            ("Text", red_line),
            ("Foreground", "#FFC90202"),
            ("FontSize", "22"),
            ("Canvas.Left", "36"),
            ("Canvas.Top", "125"),
        ],
        "",
    ));
    element(
        "Canvas",
        &[
            ("Height", "170"),
            ("Width", "246"),
            ("Margin", "10,16,10,64"),
            ("xmlns", "http://schemas.microsoft.com/winfx/2006/xaml/presentation"),
        ],
        &children,
    )
}
