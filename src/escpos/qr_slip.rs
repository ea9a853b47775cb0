//! The QR slip: the QR the customer scans, printed (WeChat endorses printing its short `code_url`,
//! `docs/reference/dynamic-qr.md` §3.1, §4.3) with the wallet, the amount, "valid until" and the number.
//! A printed QR is the easiest to pay late: the till watches it like the one on screen.

use super::encode::{Align, Encoder};
use super::profile::PrinterProfile;

/// What the slip says, in the shop's language (the words come from `i18n::qr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrSlip {
    pub shop_name: String,
    /// "请用微信支付扫码付款" / "Scan with WeChat Pay to pay".
    pub heading: String,
    /// "金额 11.50".
    pub amount: String,
    pub code_url: String,
    /// "有效至 14:07" / "Valid until 14:07".
    pub valid_until: String,
    /// "单号 0100…".
    pub number: String,
}

pub fn render(slip: &QrSlip, profile: &PrinterProfile) -> Vec<u8> {
    let mut e = Encoder::new(profile);
    e.init();
    e.align(Align::Center).bold(true).text(&slip.shop_name).newline();
    e.bold(false).text(&slip.heading).newline();
    e.size(2, 2).bold(true).text(&slip.amount).newline();
    e.size(1, 1).bold(false);
    if e.qr(&slip.code_url).is_err() {
        // Too long for the printer's QR: the text, so the cashier sees why (never a wrong code).
        e.text(&slip.code_url).newline();
    }
    e.newline();
    e.text(&slip.valid_until).newline();
    e.text(&slip.number).newline();
    e.feed(3).cut();
    e.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escpos::decode::{Element, decode};

    #[test]
    fn the_slip_carries_the_code_url_verbatim_in_a_qr_with_amount_and_expiry() {
        let slip = QrSlip {
            shop_name: "幸福便利店".into(),
            heading: "请用微信支付扫码付款".into(),
            amount: "金额 11.50".into(),
            code_url: "weixin://wxpay/bizpayurl?pr=3oi3IB6".into(),
            valid_until: "有效至 14:07".into(),
            number: "单号 010000522512070100000001".into(),
        };
        for profile in [PrinterProfile::mm58(), PrinterProfile::mm80()] {
            let elements = decode(&render(&slip, &profile), &profile).expect("decodes");
            let qr: Vec<_> =
                elements.iter().filter_map(|e| if let Element::Qr(d) = e { Some(d.as_str()) } else { None }).collect();
            assert_eq!(qr, [slip.code_url.as_str()], "{elements:?}");
            let text: String = elements
                .iter()
                .filter_map(|e| if let Element::Text(t) = e { Some(t.as_str()) } else { None })
                .collect();
            for needle in ["11.50", "有效至 14:07", "010000522512070100000001"] {
                assert!(text.contains(needle), "{needle} missing: {text}");
            }
        }
    }
}
