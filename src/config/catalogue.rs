//! `[catalogue]` of `till.toml`: scale labels and the low-stock level.

use serde::{Deserialize, Serialize};

/// `[catalogue]`. A scale label is `weighed_prefix` + item code (`weighed_item_digits`) + price in
/// fen (`weighed_price_digits`) and/or weight in grams (`weighed_weight_digits`) + check digit, as
/// `weighed_layout` says (see `core::scale_label`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueConfig {
    #[serde(default = "default_weighed_prefix")]
    pub weighed_prefix: Vec<String>,
    #[serde(default = "default_weighed_item_digits")]
    pub weighed_item_digits: usize,
    #[serde(default = "default_weighed_price_digits")]
    pub weighed_price_digits: usize,
    /// What the scale's labels carry: `price` (13 digits, the default), `weight` (13 digits, grams;
    /// the till prices it by the catalogue's price per kg) or `price_weight` (18 digits).
    #[serde(default)]
    pub weighed_layout: crate::core::scale_label::LabelKind,
    /// Digits of the weight in grams (weight and price_weight labels).
    #[serde(default = "default_weighed_weight_digits")]
    pub weighed_weight_digits: usize,
    /// Refuse a label with a wrong check digit (a misread). Off for scales that print another.
    #[serde(default = "super::default_true")]
    pub weighed_check_digit: bool,
    /// Products with this many or fewer in stock are on the low-stock list (F11).
    #[serde(default = "default_low_stock")]
    pub low_stock: i64,
    /// Seed the demo's catalogue into a store that has none (`till demo` and test configs).
    #[serde(default)]
    pub demo_seed: bool,
}

impl Default for CatalogueConfig {
    fn default() -> CatalogueConfig {
        CatalogueConfig {
            weighed_prefix: default_weighed_prefix(),
            weighed_item_digits: default_weighed_item_digits(),
            weighed_price_digits: default_weighed_price_digits(),
            weighed_layout: Default::default(),
            weighed_weight_digits: default_weighed_weight_digits(),
            weighed_check_digit: true,
            low_stock: default_low_stock(),
            demo_seed: false,
        }
    }
}

impl CatalogueConfig {
    pub fn layout(&self) -> crate::core::catalog::WeighedLayout {
        crate::core::catalog::WeighedLayout {
            prefixes: self.weighed_prefix.clone(),
            item_digits: self.weighed_item_digits,
            price_digits: self.weighed_price_digits,
            kind: self.weighed_layout,
            weight_digits: self.weighed_weight_digits,
            check_digit: self.weighed_check_digit,
        }
    }
}

fn default_weighed_prefix() -> Vec<String> {
    crate::core::catalog::WeighedLayout::default().prefixes
}
fn default_weighed_item_digits() -> usize {
    crate::core::catalog::WeighedLayout::default().item_digits
}
fn default_weighed_price_digits() -> usize {
    crate::core::catalog::WeighedLayout::default().price_digits
}
fn default_weighed_weight_digits() -> usize {
    crate::core::catalog::WeighedLayout::default().weight_digits
}
fn default_low_stock() -> i64 {
    crate::core::catalog::DEFAULT_LOW_STOCK
}
