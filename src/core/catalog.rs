//! The products the till knows, by barcode, with their stock counts and the rules for the codes a
//! scale prints (weighed goods carry their price in the barcode).

use super::code::{self, CodeKind};
use super::money::Fen;
use super::scale_label::{self, Fields, Grams, Label, LabelKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How a product is priced at the till.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductKind {
    /// The catalogue's price.
    #[default]
    Normal,
    /// The cashier enters the price when it is scanned (flowers, repairs, loose goods).
    Open,
    /// Weighed at a scale whose label (EAN-13 with a price prefix) carries the price; the
    /// catalogue's price is the price per kilogram, for reference.
    Weighed,
}

impl ProductKind {
    pub fn name(self) -> &'static str {
        match self {
            ProductKind::Normal => "normal",
            ProductKind::Open => "open",
            ProductKind::Weighed => "weighed",
        }
    }

    pub fn from_name(name: &str) -> Option<ProductKind> {
        [ProductKind::Normal, ProductKind::Open, ProductKind::Weighed].into_iter().find(|k| k.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub barcode: String,
    pub name: String,
    pub price: Fen,
    #[serde(default)]
    pub kind: ProductKind,
    /// The shop's category (饮料, 面包, …) that promotions may apply to; empty for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
}

impl Product {
    /// A product sold at its catalogue price.
    pub fn new(barcode: impl Into<String>, name: impl Into<String>, price: Fen) -> Product {
        Product {
            barcode: barcode.into(),
            name: name.into(),
            price,
            kind: ProductKind::Normal,
            category: String::new(),
        }
    }
}

/// The layout of a scale's label (see [`super::scale_label`]): `prefix` (the flag) + item code
/// (PLU) + price in fen and/or weight in grams + check digit. The catalogue knows a weighed product
/// by `prefix + item code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeighedLayout {
    /// Leading digits that mark a scale label (GS1 reserves 20–29 for in-store use).
    pub prefixes: Vec<String>,
    pub item_digits: usize,
    pub price_digits: usize,
    /// Which fields the label carries: price (13 digits, the default), weight (13), or both (18).
    #[serde(default)]
    pub kind: LabelKind,
    /// Digits of the weight in grams (weight and price+weight labels).
    #[serde(default = "default_weight_digits")]
    pub weight_digits: usize,
    /// Refuse a label whose check digit is wrong (a misread); some scales print another there.
    #[serde(default = "yes")]
    pub check_digit: bool,
}

fn default_weight_digits() -> usize {
    5
}

fn yes() -> bool {
    true
}

impl Default for WeighedLayout {
    fn default() -> WeighedLayout {
        WeighedLayout {
            prefixes: vec!["2".into()],
            item_digits: 6,
            price_digits: 5,
            kind: LabelKind::Price,
            weight_digits: default_weight_digits(),
            check_digit: true,
        }
    }
}

impl WeighedLayout {
    pub fn fields(&self) -> Fields<'_> {
        Fields {
            flags: &self.prefixes,
            kind: self.kind,
            plu_digits: self.item_digits,
            price_digits: self.price_digits,
            weight_digits: self.weight_digits,
            check_digit: self.check_digit,
        }
    }

    /// Every prefix, item code and price or weight together fill the digits before the check digit.
    pub fn check(&self) -> Result<(), String> {
        self.fields().check()
    }

    /// What `code` says, if it is a label of this layout.
    pub fn read(&self, code: &str) -> Option<Label> {
        scale_label::read(&self.fields(), code)
    }

    /// The catalogue key (`prefix + item code`) and the embedded price of a price label.
    pub fn parse(&self, code: &str) -> Option<(String, Fen)> {
        let label = self.read(code)?;
        Some((label.key, label.amount?))
    }

    /// Whether `key` has the shape of a weighed product's catalogue key.
    pub fn is_key(&self, key: &str) -> bool {
        key.bytes().all(|b| b.is_ascii_digit())
            && self.prefixes.iter().any(|p| key.starts_with(p.as_str()) && key.len() == p.len() + self.item_digits)
    }
}

/// Why a barcode cannot be in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum BarcodeError {
    #[error("empty barcode")]
    Empty,
    #[error("wrong check digit (EAN-13/EAN-8/UPC-A)")]
    CheckDigit,
    #[error("looks like a customer's payment code")]
    PaymentCode,
    #[error("characters a shelf barcode does not carry (CODE128: letters, digits, - _ . / up to 48)")]
    Characters,
    #[error("a weighed product's code is a weighed prefix followed by its item code ({0} digits in all)")]
    WeighedShape(usize),
}

/// Checks a barcode for the catalogue: EAN-13, EAN-8 and UPC-A by their check digits, CODE128 as
/// plain printable text; a weighed product by the label layout.
pub fn check_barcode(barcode: &str, kind: ProductKind, layout: &WeighedLayout) -> Result<(), BarcodeError> {
    if barcode.is_empty() {
        return Err(BarcodeError::Empty);
    }
    if kind == ProductKind::Weighed {
        let len = layout.prefixes.first().map_or(0, String::len) + layout.item_digits;
        return if layout.is_key(barcode) { Ok(()) } else { Err(BarcodeError::WeighedShape(len)) };
    }
    match code::classify(barcode) {
        CodeKind::Product => Ok(()),
        CodeKind::BadCheckDigit => Err(BarcodeError::CheckDigit),
        CodeKind::Payment(_) => Err(BarcodeError::PaymentCode),
        CodeKind::Garbage => Err(BarcodeError::Characters),
    }
}

/// A price label for tests and the demo: `key` (prefix + item code) and the price.
pub fn weighed_label(key: &str, price: Fen, layout: &WeighedLayout) -> Option<String> {
    let fields = Fields { kind: LabelKind::Price, ..layout.fields() };
    scale_label::make(&fields, key, Some(price), None)
}

/// What a scanned code is in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<'a> {
    Product(&'a Product),
    /// A scale label: the weighed product, the amount (printed on it, or its weight at the
    /// product's price per kilogram) and the weight if the label has one.
    Weighed(&'a Product, Fen, Option<Grams>),
    None,
}

/// Its maps are shared (`Arc`, copied on write): the render loop keeps a copy of the state as of
/// the last save on disk, and a copy must not cost a copy of thousands of products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    #[serde(with = "shared")]
    products: Arc<BTreeMap<String, Product>>,
    /// Stock counts of the products that have one (a mirror of the store's; may be negative:
    /// sold more than were counted).
    #[serde(default, with = "shared")]
    stock: Arc<BTreeMap<String, i64>>,
    #[serde(default)]
    pub weighed: WeighedLayout,
    /// A product with this many or fewer in stock is on the low-stock list.
    #[serde(default = "default_low_stock")]
    pub low_stock: i64,
}

pub const DEFAULT_LOW_STOCK: i64 = 5;

fn default_low_stock() -> i64 {
    DEFAULT_LOW_STOCK
}

impl Default for Catalogue {
    fn default() -> Catalogue {
        Catalogue::new([])
    }
}

impl Catalogue {
    pub fn new(products: impl IntoIterator<Item = Product>) -> Catalogue {
        Catalogue {
            products: Arc::new(products.into_iter().map(|p| (p.barcode.clone(), p)).collect()),
            stock: Arc::default(),
            weighed: WeighedLayout::default(),
            low_stock: DEFAULT_LOW_STOCK,
        }
    }

    /// The same products, with these stock counts.
    pub fn with_stock(mut self, stock: impl IntoIterator<Item = (String, i64)>) -> Catalogue {
        self.stock = Arc::new(stock.into_iter().collect());
        self
    }

    pub fn get(&self, barcode: &str) -> Option<&Product> {
        self.products.get(barcode)
    }

    /// A scanned code: a product by its barcode, else a scale label of a weighed product.
    pub fn find(&self, code: &str) -> Found<'_> {
        if let Some(p) = self.products.get(code) {
            return Found::Product(p);
        }
        let Some(label) = self.weighed.read(code) else { return Found::None };
        match self.products.get(&label.key) {
            Some(p) if p.kind == ProductKind::Weighed => {
                match label.amount.or_else(|| label.weight?.amount_at(p.price)) {
                    Some(amount) => Found::Weighed(p, amount, label.weight),
                    None => Found::None,
                }
            }
            _ => Found::None,
        }
    }

    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Product> {
        self.products.values()
    }

    /// The stock count of a product that has one.
    pub fn stock(&self, barcode: &str) -> Option<i64> {
        self.stock.get(barcode).copied()
    }

    /// New counts from the store (after a sale or a refund moved stock).
    pub fn set_stock(&mut self, counts: impl IntoIterator<Item = (String, i64)>) {
        Arc::make_mut(&mut self.stock).extend(counts);
    }

    /// Products at or below the low-stock threshold, fewest first (then by barcode).
    pub fn low_stock_list(&self) -> Vec<(&Product, i64)> {
        let mut list: Vec<(&Product, i64)> = self
            .stock
            .iter()
            .filter(|(_, n)| **n <= self.low_stock)
            .filter_map(|(b, n)| self.products.get(b).map(|p| (p, *n)))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.barcode.cmp(&b.0.barcode)));
        list
    }
}

/// Serde for a shared map: as the map itself.
mod shared {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::sync::Arc;

    pub fn serialize<S: Serializer, T: Serialize>(value: &Arc<T>, s: S) -> Result<S::Ok, S::Error> {
        T::serialize(value, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Arc<T>, D::Error> {
        T::deserialize(d).map(Arc::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_shares_the_products_and_a_stock_change_copies_only_the_counts() {
        let c = Catalogue::new([Product::new("A", "a", Fen(1)), Product::new("B", "b", Fen(2))])
            .with_stock([("A".into(), 3)]);
        let mut changed = c.clone();
        assert!(Arc::ptr_eq(&c.products, &changed.products) && Arc::ptr_eq(&c.stock, &changed.stock));
        changed.set_stock([("A".into(), 2)]);
        assert_eq!((c.stock("A"), changed.stock("A")), (Some(3), Some(2)), "the copy is its own");
        assert!(Arc::ptr_eq(&c.products, &changed.products));
        let json = serde_json::to_string(&changed).expect("json");
        assert_eq!(serde_json::from_str::<Catalogue>(&json).expect("back"), changed);
    }

    fn layout() -> WeighedLayout {
        WeighedLayout::default()
    }

    #[test]
    fn barcodes_are_checked_by_symbology() {
        let l = layout();
        assert_eq!(check_barcode("6900138600889", ProductKind::Normal, &l), Ok(()));
        assert_eq!(check_barcode("6900138600888", ProductKind::Normal, &l), Err(BarcodeError::CheckDigit));
        assert_eq!(check_barcode("96385074", ProductKind::Normal, &l), Ok(()));
        assert_eq!(check_barcode("96385075", ProductKind::Normal, &l), Err(BarcodeError::CheckDigit));
        assert_eq!(check_barcode("036000291452", ProductKind::Normal, &l), Ok(()));
        assert_eq!(check_barcode("036000291453", ProductKind::Open, &l), Err(BarcodeError::CheckDigit));
        assert_eq!(check_barcode("SHELF-A/12", ProductKind::Open, &l), Ok(()));
        assert_eq!(check_barcode("a,b", ProductKind::Normal, &l), Err(BarcodeError::Characters));
        assert_eq!(check_barcode("", ProductKind::Normal, &l), Err(BarcodeError::Empty));
        assert_eq!(check_barcode("134680423163089456", ProductKind::Normal, &l), Err(BarcodeError::PaymentCode));
        assert_eq!(check_barcode("2100015", ProductKind::Weighed, &l), Ok(()));
        assert_eq!(check_barcode("210001", ProductKind::Weighed, &l), Err(BarcodeError::WeighedShape(7)));
        assert_eq!(check_barcode("3100015", ProductKind::Weighed, &l), Err(BarcodeError::WeighedShape(7)));
    }

    #[test]
    fn a_scale_label_carries_its_price() {
        let l = layout();
        let label = weighed_label("2100015", Fen(1234), &l).expect("label");
        assert_eq!(&label[..12], "210001501234");
        assert_eq!(l.parse(&label), Some(("2100015".to_string(), Fen(1234))));
        // A wrong check digit is a misread, not a price.
        let mut bad = label.clone();
        bad.replace_range(12.., if label.ends_with('0') { "1" } else { "0" });
        assert_eq!(l.parse(&bad), None);
        // Another prefix is an ordinary EAN-13.
        assert_eq!(l.parse("6900138600889"), None);
        // Two-digit prefixes and other widths.
        let l2 = WeighedLayout { prefixes: vec!["27".into(), "28".into()], item_digits: 5, ..WeighedLayout::default() };
        assert_eq!(l2.check(), Ok(()));
        let label = weighed_label("2800042", Fen(99_999), &l2).expect("label");
        assert_eq!(l2.parse(&label), Some(("2800042".to_string(), Fen(99_999))));
        assert!(WeighedLayout { item_digits: 5, ..WeighedLayout::default() }.check().is_err());
    }

    #[test]
    fn find_knows_products_and_weighed_labels() {
        let mut apples = Product::new("2100015", "苹果", Fen(980));
        apples.kind = ProductKind::Weighed;
        let c = Catalogue::new([Product::new("6900138600889", "可乐", Fen(350)), apples]);
        assert!(matches!(c.find("6900138600889"), Found::Product(p) if p.price == Fen(350)));
        let label = weighed_label("2100015", Fen(1234), &c.weighed).expect("label");
        assert!(matches!(c.find(&label), Found::Weighed(p, Fen(1234), None) if p.name == "苹果"));
        // A label of an item the catalogue does not know, or of a product not sold by weight.
        let unknown = weighed_label("2100016", Fen(5), &c.weighed).expect("label");
        assert_eq!(c.find(&unknown), Found::None);
    }

    #[test]
    fn the_low_stock_list_is_fewest_first_and_may_be_negative() {
        let c = Catalogue::new([
            Product::new("A", "a", Fen(1)),
            Product::new("B", "b", Fen(1)),
            Product::new("C", "c", Fen(1)),
            Product::new("D", "d", Fen(1)),
        ])
        .with_stock([("A".into(), 5), ("B".into(), -2), ("C".into(), 6)]);
        let list: Vec<(&str, i64)> = c.low_stock_list().iter().map(|(p, n)| (p.barcode.as_str(), *n)).collect();
        assert_eq!(list, vec![("B", -2), ("A", 5)]);
        assert_eq!(c.stock("D"), None);
    }
}
