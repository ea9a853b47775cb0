//! Label-scale barcodes at the till (core::scale_label): the weight layout priced by the
//! catalogue's price per kg, the 18-digit price+weight layout, and the check digit setting.

use super::*;
use crate::core::catalog::{ProductKind, WeighedLayout};
use crate::core::scale_label::{self, Grams, LabelKind};

/// Apples at 9.80 a kilogram, PLU 00042 under flag 22.
const APPLES: &str = "2200042";

fn till(layout: WeighedLayout) -> Till {
    let mut t = Till::new();
    let mut apples = Product::new(APPLES, "苹果", Fen(980));
    apples.kind = ProductKind::Weighed;
    let products: Vec<Product> = t.state.catalogue.iter().cloned().chain([apples]).collect();
    t.state.catalogue = Catalogue::new(products);
    t.state.catalogue.weighed = layout;
    t
}

fn layout(kind: LabelKind, check_digit: bool) -> WeighedLayout {
    let l = WeighedLayout {
        prefixes: vec!["21".into(), "22".into()],
        item_digits: 5,
        kind,
        check_digit,
        ..WeighedLayout::default()
    };
    assert_eq!(l.check(), Ok(()));
    l
}

#[test]
fn a_weight_label_is_priced_by_the_kilogram_and_shows_its_weight() {
    let l = layout(LabelKind::Weight, true);
    let mut t = till(l.clone());
    let label = scale_label::make(&l.fields(), APPLES, None, Some(Grams(1234))).expect("label");
    let fx = t.scan(&label);
    assert!(fx.contains(&Effect::Beep(Beep::Accepted)), "{fx:?}");
    let line = &t.state.sale.lines[0];
    // 9.80 × 1.234 kg = 12.0932: 12.09.
    assert_eq!((line.name.as_str(), line.unit_price, line.qty), ("苹果 1.234kg", Fen(1209), 1));
    // A zero weight is refused, not sold for nothing.
    let empty = scale_label::make(&l.fields(), APPLES, None, Some(Grams(0))).expect("label");
    t.scan(&empty);
    assert_eq!(t.state.notice, Some(Notice::ZeroAmount));
    assert_eq!(t.state.sale.lines.len(), 1);
}

#[test]
fn an_18_digit_label_carries_the_amount_and_the_weight() {
    let l = layout(LabelKind::PriceWeight, true);
    let mut t = till(l.clone());
    let label = scale_label::make(&l.fields(), APPLES, Some(Fen(1300)), Some(Grams(1234))).expect("label");
    assert_eq!(label.len(), 18);
    t.scan(&label);
    let line = &t.state.sale.lines[0];
    assert_eq!((line.name.as_str(), line.unit_price), ("苹果 1.234kg", Fen(1300)), "the printed amount wins");
}

#[test]
fn a_wrong_check_digit_is_a_misread_unless_the_shop_turned_the_check_off() {
    let strict = layout(LabelKind::Price, true);
    let label = scale_label::make(&strict.fields(), APPLES, Some(Fen(1234)), None).expect("label");
    let last = label.as_bytes()[12];
    let bad = format!("{}{}", &label[..12], if last == b'0' { '1' } else { '0' });
    let mut t = till(strict);
    t.scan(&bad);
    assert_eq!(t.state.notice, Some(Notice::BadCheckDigit { code: bad.clone() }));
    assert!(t.state.sale.lines.is_empty());
    let mut t = till(layout(LabelKind::Price, false));
    t.scan(&bad);
    assert_eq!(t.state.sale.lines[0].unit_price, Fen(1234));
    // Other EAN-13s are still checked: only labels are let through.
    t.scan("6900138600888");
    assert_eq!(t.state.notice, Some(Notice::BadCheckDigit { code: "6900138600888".into() }));
}
