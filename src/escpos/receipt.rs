//! The customer's receipt: shop, items, total, how it was paid, and the order number as a barcode
//! the till can scan back for a refund.

use super::encode::{Align, Encoder};
use super::layout::{columns, pad_between, right, wrap, wrap_at_most};
use super::profile::{PrinterProfile, TextEncoding};
use crate::core::money::Fen;

/// The receipt's fixed words, from the translation tables in the shop's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLabels {
    pub title: String,
    pub item: String,
    pub qty: String,
    pub amount: String,
    pub total: String,
    pub order_no: String,
    pub time: String,
    pub operator: String,
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptItem {
    pub name: String,
    pub qty: u32,
    pub unit_price: Fen,
    pub amount: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub shop_name: String,
    pub labels: ReceiptLabels,
    pub items: Vec<ReceiptItem>,
    pub total: Fen,
    /// Rows before the total when the sale was discounted: the subtotal, then each promotion or
    /// discount as a negative amount (`[("小计", Fen(1150)), ("优惠", Fen(-150))]`); none otherwise.
    pub discounts: Vec<(String, Fen)>,
    /// e.g. `[("微信支付", Fen(1250))]` or `[("现金", Fen(2000)), ("找零", Fen(750))]`
    pub tender: Vec<(String, Fen)>,
    /// Printed as a CODE128 barcode; scanning it finds the order again.
    pub order_number: String,
    pub time: String,
    pub operator: String,
    /// Rows after the operator for a member's sale (`会员`, `张三 138****5678`): label and value,
    /// the phone masked; none otherwise.
    pub member: Vec<(String, String)>,
}

/// The amount column: room for `99999.99` and a space before it.
const AMOUNT_COLUMNS: usize = 10;
/// A longer item name is cut short with `..` so one odd catalogue entry cannot waste paper.
const NAME_LINES: usize = 3;

/// The receipt as ESC/POS bytes for `profile`. Every line fits the paper, measured as the printer
/// measures it (a hanzi takes two columns), so the printer never wraps a line on its own.
pub fn render(receipt: &Receipt, profile: &PrinterProfile) -> Vec<u8> {
    let paper = Columns { width: profile.columns, encoding: profile.encoding };
    let labels = &receipt.labels;
    let mut e = Encoder::new(profile);
    e.init();

    // Double width: half as many characters fit.
    e.align(Align::Center).size(2, 2).bold(true);
    lines(&mut e, wrap(&receipt.shop_name, paper.width / 2, paper.encoding));
    e.size(1, 1).bold(false);
    if !labels.title.is_empty() {
        lines(&mut e, wrap(&labels.title, paper.width, paper.encoding));
    }
    e.align(Align::Left);
    rule(&mut e, paper.width);

    lines(&mut e, paper.item_row(&labels.item, &labels.qty, &labels.amount));
    for item in &receipt.items {
        lines(&mut e, wrap_at_most(&item.name, paper.width, NAME_LINES, paper.encoding));
        let qty = format!("{} x {}", item.qty, item.unit_price);
        lines(&mut e, paper.item_row("", &qty, &item.amount.to_string()));
    }
    rule(&mut e, paper.width);
    for (label, amount) in &receipt.discounts {
        lines(&mut e, pad_between(label, &amount.to_string(), paper.width, paper.encoding));
    }

    e.bold(true).size(1, 2);
    lines(&mut e, pad_between(&labels.total, &receipt.total.to_string(), paper.width, paper.encoding));
    e.size(1, 1).bold(false);
    for (label, amount) in &receipt.tender {
        lines(&mut e, pad_between(label, &amount.to_string(), paper.width, paper.encoding));
    }
    rule(&mut e, paper.width);

    e.align(Align::Center);
    lines(&mut e, wrap(&labels.order_no, paper.width, paper.encoding));
    if e.code128(&receipt.order_number).is_err() {
        // Too long or not ASCII for a barcode: the number still has to be on the paper.
        lines(&mut e, wrap(&receipt.order_number, paper.width, paper.encoding));
    }
    e.align(Align::Left);
    lines(&mut e, pad_between(&labels.time, &receipt.time, paper.width, paper.encoding));
    lines(&mut e, pad_between(&labels.operator, &receipt.operator, paper.width, paper.encoding));
    for (label, value) in &receipt.member {
        lines(&mut e, pad_between(label, value, paper.width, paper.encoding));
    }
    if !labels.footer.is_empty() {
        e.align(Align::Center);
        // A line break in the footer starts a new line (each part wrapped on its own).
        for part in labels.footer.split('\n') {
            lines(&mut e, wrap(part, paper.width, paper.encoding));
        }
        e.align(Align::Left);
    }
    e.feed(2).cut();
    e.into_bytes()
}

/// The paper's width and how it measures text.
struct Columns {
    width: usize,
    encoding: TextEncoding,
}

impl Columns {
    /// `left`, then `middle` right-aligned before the amount column, then `amount` right-aligned:
    /// the item header and each item's `qty x price    amount` line.
    fn item_row(&self, left: &str, middle: &str, amount: &str) -> Vec<String> {
        let first = self.width.saturating_sub(AMOUNT_COLUMNS);
        let head = pad_between(left, middle, first, self.encoding);
        match head.as_slice() {
            [one] if columns(amount, self.encoding) <= AMOUNT_COLUMNS => {
                vec![format!("{one}{}", right(amount, AMOUNT_COLUMNS, self.encoding))]
            }
            // Huge numbers or long labels: give up the columns rather than overflow the line.
            _ => pad_between(format!("{left} {middle}").trim(), amount, self.width, self.encoding),
        }
    }
}

fn lines(e: &mut Encoder, lines: Vec<String>) {
    for line in lines {
        e.text(&line).newline();
    }
}

fn rule(e: &mut Encoder, width: usize) {
    e.text(&"-".repeat(width)).newline();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escpos::decode::{Element, decode};
    use crate::escpos::to_text_lines;

    fn receipt(items: Vec<ReceiptItem>, order_number: &str) -> Receipt {
        Receipt {
            shop_name: "小店".into(),
            labels: ReceiptLabels {
                title: "销售小票".into(),
                item: "商品".into(),
                qty: "数量".into(),
                amount: "金额".into(),
                total: "合计".into(),
                order_no: "订单号".into(),
                time: "时间".into(),
                operator: "收银员".into(),
                footer: "谢谢惠顾".into(),
            },
            total: items.iter().map(|i| i.amount).sum(),
            discounts: vec![],
            items,
            tender: vec![("现金".into(), Fen(2000)), ("找零".into(), Fen(750))],
            order_number: order_number.into(),
            time: "2025-11-22 10:30".into(),
            operator: "01".into(),
            member: vec![],
        }
    }

    fn item(name: &str, qty: u32, unit: i64) -> ReceiptItem {
        ReceiptItem { name: name.into(), qty, unit_price: Fen(unit), amount: Fen(unit * i64::from(qty)) }
    }

    fn preview(r: &Receipt, p: &PrinterProfile) -> Vec<String> {
        to_text_lines(&decode(&render(r, p), p).expect("decodes"), p.columns)
    }

    #[test]
    fn item_lines_put_amounts_in_their_column() {
        let p = PrinterProfile::mm58();
        let lines = preview(&receipt(vec![item("可乐", 2, 350)], "1234"), &p);
        let header = format!("商品{}数量{}金额", " ".repeat(14), " ".repeat(6));
        assert!(lines.contains(&header), "{lines:#?}");
        let qty_line = format!("{}2 x 3.50{}7.00", " ".repeat(14), " ".repeat(6));
        assert!(lines.contains(&qty_line), "{lines:#?}");
        assert!(lines.contains(&format!("找零{}7.50", " ".repeat(24))), "{lines:#?}");
    }

    #[test]
    fn long_names_and_huge_amounts_never_overflow_the_paper() {
        let p = PrinterProfile::mm58();
        let long = "超长的商品名称".repeat(8);
        let r = receipt(vec![item(&long, 999, 99_999_999), item("x", 1, 1)], "1234");
        let lines = preview(&r, &p);
        assert!(lines.iter().any(|l| l.ends_with("..")), "{lines:#?}");
        assert!(lines.contains(&"999 x 999999.99     998999990.01".to_string()), "{lines:#?}");
        for line in &lines {
            assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= p.columns, "{line}");
        }
    }

    #[test]
    fn an_order_number_that_cannot_be_a_barcode_is_printed_as_text() {
        let p = PrinterProfile::mm58();
        let elements = decode(&render(&receipt(vec![], "单号-7"), &p), &p).expect("decodes");
        assert!(!elements.iter().any(|e| matches!(e, Element::Barcode { .. })));
        assert!(elements.contains(&Element::Text("单号-7".into())));
    }
}
