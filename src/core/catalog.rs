//! The products the till knows, by barcode.

use super::money::Fen;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub barcode: String,
    pub name: String,
    pub price: Fen,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    products: BTreeMap<String, Product>,
}

impl Catalogue {
    pub fn new(products: impl IntoIterator<Item = Product>) -> Catalogue {
        Catalogue { products: products.into_iter().map(|p| (p.barcode.clone(), p)).collect() }
    }

    pub fn get(&self, barcode: &str) -> Option<&Product> {
        self.products.get(barcode)
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
}
