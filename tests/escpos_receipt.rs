//! The receipt from layout to bytes and back: what the customer gets on paper.

use std::fmt::Write as _;
use till::core::money::Fen;
use till::escpos::decode::Symbology;
use till::escpos::{
    Element, PrinterProfile, ProfileSpec, Receipt, ReceiptItem, ReceiptLabels, TextEncoding, decode, layout, render,
    to_text_lines,
};
use unicode_width::UnicodeWidthStr;

const ORDER_NUMBER: &str = "01000052251122010001";

fn item(name: &str, qty: u32, unit_price: i64) -> ReceiptItem {
    ReceiptItem { name: name.into(), qty, unit_price: Fen(unit_price), amount: Fen(unit_price * i64::from(qty)) }
}

fn chinese_receipt() -> Receipt {
    Receipt {
        shop_name: "测试便利店".into(),
        labels: ReceiptLabels {
            title: "销售小票".into(),
            item: "商品".into(),
            qty: "数量".into(),
            amount: "金额".into(),
            total: "合计".into(),
            order_no: "订单号".into(),
            time: "时间".into(),
            operator: "收银员".into(),
            footer: "谢谢惠顾，欢迎再来".into(),
        },
        items: vec![item("可口可乐 330ml", 2, 350), item("康师傅红烧牛肉面", 1, 550)],
        total: Fen(1250),
        discounts: vec![],
        tender: vec![("微信支付".into(), Fen(1250))],
        order_number: ORDER_NUMBER.into(),
        time: "2025-11-22 10:30:15".into(),
        operator: "01".into(),
        member: vec![],
    }
}

fn english_receipt() -> Receipt {
    Receipt {
        shop_name: "Test Mart".into(),
        labels: ReceiptLabels {
            title: "SALES RECEIPT".into(),
            item: "Item".into(),
            qty: "Qty".into(),
            amount: "Amount".into(),
            total: "TOTAL".into(),
            order_no: "Order No.".into(),
            time: "Time".into(),
            operator: "Cashier".into(),
            footer: "Thank you, come again".into(),
        },
        items: vec![item("Coca-Cola 330ml", 2, 350), item("Master Kong Beef Noodles", 1, 550)],
        total: Fen(1250),
        discounts: vec![],
        tender: vec![("Cash".into(), Fen(2000)), ("Change".into(), Fen(750))],
        order_number: ORDER_NUMBER.into(),
        time: "2025-11-22 10:30:15".into(),
        operator: "01".into(),
        member: vec![],
    }
}

struct Printed {
    bytes: Vec<u8>,
    elements: Vec<Element>,
    preview: Vec<String>,
}

fn print(receipt: &Receipt, profile: &PrinterProfile) -> Printed {
    let bytes = render(receipt, profile);
    let elements = decode(&bytes, profile).expect("the receipt decodes");
    let preview = to_text_lines(&elements, profile.columns);
    Printed { bytes, elements, preview }
}

/// A profile given in the config by its print head width, Chinese mode on, GB18030.
fn by_dots(dots_per_line: u16) -> PrinterProfile {
    let spec =
        ProfileSpec { name: None, dots_per_line, encoding: TextEncoding::Gb18030, chinese_mode: true, cut: true };
    spec.build().expect("a supported width")
}

/// The built-in 58 and 80 mm profiles and the 416- and 512-dot heads given in a config.
fn all_profiles() -> [PrinterProfile; 4] {
    [PrinterProfile::mm58(), PrinterProfile::mm80(), by_dots(416), by_dots(512)]
}

fn all_cases() -> Vec<(Receipt, PrinterProfile)> {
    let mut cases = Vec::new();
    for profile in all_profiles() {
        cases.push((chinese_receipt(), profile.clone()));
        cases.push((english_receipt(), profile));
    }
    cases
}

#[test]
fn receipt_shows_shop_items_total_tender_and_order_number() {
    for (receipt, profile) in all_cases() {
        let printed = print(&receipt, &profile);
        let text = printed.preview.join("\n");
        let case = format!("{} {}:\n{text}", profile.name, receipt.shop_name);
        assert!(text.contains(&receipt.shop_name), "{case}");
        for item in &receipt.items {
            assert!(printed.preview.iter().any(|l| l.trim() == item.name), "{} missing in {case}", item.name);
        }
        assert!(text.contains("12.50"), "{case}");
        for (label, amount) in &receipt.tender {
            let line = printed.preview.iter().find(|l| l.starts_with(label.as_str()));
            assert!(line.is_some_and(|l| l.ends_with(&amount.to_string())), "{label} in {case}");
        }
        assert!(text.contains(ORDER_NUMBER), "{case}");
        let total_line = printed.preview.iter().find(|l| l.starts_with(&receipt.labels.total));
        assert!(total_line.is_some_and(|l| l.ends_with("12.50")), "{case}");
    }
}

#[test]
fn the_barcode_scans_back_as_the_order_number() {
    for (receipt, profile) in all_cases() {
        let barcodes: Vec<_> = print(&receipt, &profile)
            .elements
            .into_iter()
            .filter_map(|e| match e {
                Element::Barcode { symbology, data } => Some((symbology, data)),
                _ => None,
            })
            .collect();
        assert_eq!(barcodes, [(Symbology::Code128, ORDER_NUMBER.to_string())], "{}", profile.name);
    }
}

#[test]
fn the_80mm_printer_cuts_last_and_the_58mm_one_feeds_to_tear_off() {
    let last = |profile: &PrinterProfile| print(&chinese_receipt(), profile).elements.last().cloned();
    assert_eq!(last(&PrinterProfile::mm80()), Some(Element::Cut));
    let last_58 = last(&PrinterProfile::mm58());
    assert!(matches!(last_58, Some(Element::Feed(n)) if n >= 3), "{last_58:?}");
}

#[test]
fn no_line_is_wider_than_the_paper() {
    for (receipt, profile) in all_cases() {
        let printed = print(&receipt, &profile);
        for line in &printed.preview {
            assert!(line.width() <= profile.columns, "{} wide line {line:?}", profile.name);
        }
        // Stricter: measured as the printer does (double width counts double), no line reaches the
        // printer's own wrapping, so the layout is exactly what the code chose.
        let mut width = 1;
        let mut used = 0;
        for element in &printed.elements {
            match element {
                Element::Size { w, .. } => width = usize::from(*w),
                Element::Text(text) => used += layout::columns(text, profile.encoding) * width,
                Element::Newline => used = 0,
                _ => {}
            }
            assert!(used <= profile.columns, "{} overflows at {element:?}", profile.name);
        }
    }
}

#[test]
fn chinese_text_goes_out_as_gb18030_never_as_question_marks() {
    let printed = print(&chinese_receipt(), &PrinterProfile::mm58());
    // 测试便利店 in GB18030 (GB2312 rows), written out by hand rather than by the encoder under test.
    let shop = [0xB2, 0xE2, 0xCA, 0xD4, 0xB1, 0xE3, 0xC0, 0xFB, 0xB5, 0xEA];
    assert!(printed.bytes.windows(shop.len()).any(|w| w == shop));
    let (expected, _, _) = encoding_rs::GB18030.encode("康师傅红烧牛肉面");
    assert!(printed.bytes.windows(expected.len()).any(|w| w == &expected[..]));
    let text: String = printed
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert!(!text.contains('?') && !text.contains('\u{FFFD}'), "{text}");
    assert!(printed.elements.starts_with(&[Element::Init, Element::ChineseMode(true)]));
}

#[test]
fn configured_widths_lay_a_chinese_receipt_out_to_their_columns_in_gb18030() {
    for (dots, columns) in [(416, 34), (512, 42)] {
        let profile = by_dots(dots);
        assert_eq!(profile.columns, columns);
        let printed = print(&chinese_receipt(), &profile);
        let (name, _, _) = encoding_rs::GB18030.encode("康师傅红烧牛肉面");
        assert!(printed.bytes.windows(name.len()).any(|w| w == &name[..]), "{dots} dots");
        let text: String = printed
            .elements
            .iter()
            .filter_map(|e| if let Element::Text(t) = e { Some(t.as_str()) } else { None })
            .collect();
        assert!(!text.contains('?') && !text.contains('\u{FFFD}'), "{dots} dots: {text}");
        // The ruled lines run the full width, so the layout really uses the wider paper.
        assert!(printed.preview.iter().any(|l| l.width() == columns), "{dots}:\n{}", printed.preview.join("\n"));
        let total = printed.preview.iter().find(|l| l.starts_with("合计")).expect("total line");
        assert_eq!(total.width(), columns, "{total:?}");
        assert!(printed.preview.iter().all(|l| l.width() <= columns));
    }
}

#[test]
fn a_utf8_printer_gets_utf8() {
    let profile = PrinterProfile { encoding: TextEncoding::Utf8, chinese_mode: false, ..PrinterProfile::mm80() };
    let printed = print(&chinese_receipt(), &profile);
    let shop = "测试便利店".as_bytes();
    assert!(printed.bytes.windows(shop.len()).any(|w| w == shop));
    assert!(printed.preview.iter().any(|l| l.trim() == "测试便利店"));
    assert_eq!(printed.elements.get(1), Some(&Element::ChineseMode(false)));
}

/// The 58 mm Chinese receipt as previewed and as bytes. A layout change fails this test; to accept
/// one, run with `UPDATE_GOLDEN=1`, read the new file, and commit it.
#[test]
fn receipt_58mm_zh_matches_the_golden_file() {
    let printed = print(&chinese_receipt(), &PrinterProfile::mm58());
    let mut golden = String::from("# Preview (32 columns)\n");
    for line in &printed.preview {
        let _ = writeln!(golden, "|{line}");
    }
    golden.push_str("# Bytes\n");
    for (row, chunk) in printed.bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02X}")).collect();
        let ascii: String =
            chunk.iter().map(|&b| if (0x20..0x7F).contains(&b) { char::from(b) } else { '.' }).collect();
        let _ = writeln!(golden, "{:04X}  {:<47}  {ascii}", row * 16, hex.join(" "));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/receipt_58mm_zh.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &golden).expect("write golden file");
    }
    let want = std::fs::read_to_string(&path).expect("golden file exists (create it with UPDATE_GOLDEN=1)");
    assert_eq!(golden, want, "the 58 mm receipt changed; see {}", path.display());
}
