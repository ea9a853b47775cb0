//! The page `till print-test` prints: enough of everything a receipt uses (double size, hanzi,
//! a ruler of the columns, a CODE128 and a QR, the cut) to see that profile and printer agree.

use super::encode::{Align, Encoder};
use super::profile::{PrinterProfile, TextEncoding};

/// The barcode on the page: scanning it proves the scanner reads the printer's bars.
pub const TEST_BARCODE: &str = "0123456789012345";
/// The QR code's content.
pub const TEST_QR: &str = "till print-test 打印测试";

/// A column ruler exactly `columns` wide: `1234567890` repeated, so the last digit on paper tells
/// whether the profile's columns match the printer.
pub fn ruler(columns: usize) -> String {
    (1..=columns).map(|i| char::from(b'0' + (i % 10) as u8)).collect()
}

pub fn render(shop_name: &str, profile: &PrinterProfile) -> Vec<u8> {
    let encoding = match profile.encoding {
        TextEncoding::Gb18030 => "GB18030",
        TextEncoding::Utf8 => "UTF-8",
    };
    let mut e = Encoder::new(profile);
    e.init();
    e.align(Align::Center).size(2, 2).bold(true).text(shop_name).newline();
    e.size(1, 1).bold(false).text("打印测试 Printer test").newline();
    e.align(Align::Left);
    e.text(&format!("{}: {} dots, {} columns", profile.name, profile.dots_per_line, profile.columns)).newline();
    e.text(&format!("{encoding}, chinese mode {}", if profile.chinese_mode { "on" } else { "off" })).newline();
    e.text(if profile.cut { "cutter" } else { "tear bar" }).newline();
    e.text(&ruler(profile.columns)).newline();
    e.text("中文：欢迎光临，谢谢惠顾").newline();
    e.text("English: thank you, come again").newline();
    e.align(Align::Center);
    // Both fit every supported width; a failure would print the text instead.
    if e.code128(TEST_BARCODE).is_err() {
        e.text(TEST_BARCODE);
    }
    e.newline();
    if e.qr(TEST_QR).is_err() {
        e.text(TEST_QR);
    }
    e.newline();
    e.cut();
    e.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escpos::decode::{Element, Symbology, decode};
    use crate::escpos::{ProfileSpec, to_text_lines};

    #[test]
    fn the_test_page_has_everything_and_the_ruler_fills_the_line() {
        for profile in [PrinterProfile::mm58(), PrinterProfile::mm80()] {
            let bytes = render("幸福便利店", &profile);
            let elements = decode(&bytes, &profile).expect("decodes");
            let code = Element::Barcode { symbology: Symbology::Code128, data: TEST_BARCODE.into() };
            assert!(elements.contains(&code), "{elements:?}");
            assert!(elements.contains(&Element::Qr(TEST_QR.into())));
            assert!(elements.contains(&Element::Text(ruler(profile.columns))));
            assert_eq!(elements.contains(&Element::Cut), profile.cut);
            // Every line fits the paper (the 58 mm page once had a 34-column line on 32 columns).
            for element in &elements {
                if let Element::Text(t) = element {
                    let width = unicode_width::UnicodeWidthStr::width(t.as_str());
                    assert!(width <= profile.columns, "{}: {t:?} is {width} columns", profile.name);
                }
            }
            let text = to_text_lines(&elements, profile.columns).join("\n");
            assert!(text.contains("中文：欢迎光临") && !text.contains('?'), "{text}");
        }
        let utf8 = ProfileSpec {
            name: None,
            dots_per_line: 512,
            encoding: TextEncoding::Utf8,
            chinese_mode: false,
            cut: true,
        };
        let p = utf8.build().expect("profile");
        assert!(decode(&render("Shop", &p), &p).expect("decodes").contains(&Element::ChineseMode(false)));
        assert_eq!(ruler(12), "123456789012");
    }
}
