//! Catalogue flows through the pure core: open prices, unknown barcodes priced by hand (a
//! supervisor approves), scale labels, the low-stock list.

use super::*;
use crate::core::catalog::{ProductKind, weighed_label};
use crate::core::price_entry::PriceEntry;

const FLOWERS: &str = "FLOWERS-1";
const APPLES: &str = "2100015";
const UNKNOWN: &str = "6901234567892";

fn till() -> Till {
    let mut t = Till::new();
    let mut flowers = Product::new(FLOWERS, "鲜花", Fen::ZERO);
    flowers.kind = ProductKind::Open;
    let mut apples = Product::new(APPLES, "苹果", Fen(980));
    apples.kind = ProductKind::Weighed;
    let products: Vec<Product> = t.state.catalogue.iter().cloned().chain([flowers, apples]).collect();
    t.state.catalogue =
        Catalogue::new(products).with_stock([("6900138600889".into(), 3), ("6920152400777".into(), 40)]);
    t
}

#[test]
fn an_open_price_product_asks_for_its_price() {
    let mut t = till();
    let fx = t.scan(FLOWERS);
    assert!(fx.is_empty(), "nothing saved or beeped as an error: {fx:?}");
    assert_eq!(
        t.state.screen,
        Screen::PriceEntry(PriceEntry { barcode: FLOWERS.into(), name: "鲜花".into(), unknown: false })
    );
    assert_eq!(t.state.notice, Some(Notice::EnterPrice { name: "鲜花".into() }));
    t.typed("0");
    assert_eq!(t.state.notice, Some(Notice::ZeroAmount));
    t.state.input.clear();
    let fx = t.typed("18.80");
    assert!(matches!(fx[0], Effect::Save { .. }));
    assert_eq!(t.state.screen, Screen::Sale);
    let line = &t.state.sale.lines[0];
    assert_eq!((line.barcode.as_str(), line.name.as_str(), line.unit_price), (FLOWERS, "鲜花", Fen(1880)));
    // The same product at another price is another line; at the same price, one more.
    t.scan(FLOWERS);
    t.typed("5");
    t.scan(FLOWERS);
    t.typed("5");
    assert_eq!(t.state.sale.lines.len(), 2);
    assert_eq!(t.state.sale.lines[1].qty, 2);
}

#[test]
fn esc_or_a_scan_drops_the_price_prompt() {
    let mut t = till();
    t.scan(FLOWERS);
    t.send(Msg::Key(Key::Char('3')));
    t.send(Msg::Key(Key::Esc));
    t.send(Msg::Key(Key::Esc));
    assert_eq!(t.state.screen, Screen::Sale);
    assert!(t.state.sale.lines.is_empty());
    t.scan(FLOWERS);
    t.scan("6900138600889");
    assert_eq!(t.state.screen, Screen::Sale);
    assert_eq!(t.state.sale.lines.len(), 1);
}

#[test]
fn an_unknown_barcode_is_sold_at_a_price_a_supervisor_approves() {
    let mut t = till();
    let fx = t.scan(UNKNOWN);
    assert!(fx.contains(&Effect::Beep(Beep::Error)));
    assert_eq!(t.state.notice, Some(Notice::UnknownBarcode { code: UNKNOWN.into() }));
    assert_eq!(
        t.state.screen,
        Screen::PriceEntry(PriceEntry { barcode: UNKNOWN.into(), name: String::new(), unknown: true })
    );
    // Through `approval::ask_supervisor` (approved at once until the PIN prompt is wired).
    t.typed("2.40");
    let line = &t.state.sale.lines[0];
    assert_eq!((line.barcode.as_str(), line.name.as_str(), line.unit_price), (UNKNOWN, "", Fen(240)));
}

#[test]
fn a_scale_label_sells_the_weighed_product_at_the_printed_price() {
    let mut t = till();
    let label = weighed_label(APPLES, Fen(1234), &t.state.catalogue.weighed).expect("label");
    t.scan(&label);
    let line = &t.state.sale.lines[0];
    assert_eq!((line.name.as_str(), line.unit_price, line.qty), ("苹果", Fen(1234), 1));
    // A label of an item the catalogue does not know: priced by hand like any unknown barcode.
    let other = weighed_label("2999999", Fen(500), &t.state.catalogue.weighed).expect("label");
    t.scan(&other);
    assert!(matches!(&t.state.screen, Screen::PriceEntry(e) if e.unknown));
}

#[test]
fn f5_lists_low_stock_and_new_counts_arrive_from_the_store() {
    let mut t = till();
    t.send(Msg::Key(Key::F(11)));
    assert_eq!(t.state.screen, Screen::LowStock);
    let low: Vec<(String, i64)> =
        t.state.catalogue.low_stock_list().iter().map(|(p, n)| (p.barcode.clone(), *n)).collect();
    assert_eq!(low, vec![("6900138600889".to_string(), 3)]);
    t.send(Msg::Key(Key::Char('x')));
    assert_eq!(t.state.screen, Screen::Sale);
    assert!(t.state.input.is_empty(), "the key that leaves the list is not typed");
    t.send(Msg::StockCounts { counts: vec![("6920152400777".into(), -1)] });
    assert_eq!(t.state.catalogue.stock("6920152400777"), Some(-1));
    assert_eq!(t.state.catalogue.low_stock_list()[0].1, -1, "negative counts first");
}

#[test]
fn an_entry_that_would_take_the_total_past_the_limit_is_refused() {
    use crate::core::money::MAX_ENTRY;
    let mut t = Till::new();
    t.typed("99999999.99");
    assert_eq!(t.state.sale.total(), MAX_ENTRY);
    // Another line, or more of this one: refused, the sale as it was.
    let fx = t.typed("0.01");
    assert!(fx.contains(&Effect::Beep(Beep::Error)), "{fx:?}");
    assert_eq!(t.state.notice, Some(Notice::AmountTooLarge));
    t.send(Msg::Key(Key::Char('2')));
    t.send(Msg::Key(Key::Char('*')));
    assert_eq!(t.state.notice, Some(Notice::AmountTooLarge));
    t.send(Msg::Key(Key::Char('+')));
    assert_eq!(t.state.notice, Some(Notice::AmountTooLarge));
    assert_eq!((t.state.sale.lines.len(), t.state.sale.lines[0].qty), (1, 1));
    assert_eq!(t.state.sale.total(), MAX_ENTRY);
}
