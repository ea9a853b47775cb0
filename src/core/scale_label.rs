//! Label-scale barcodes (条码秤): the code a label scale prints on weighed goods, read back at the
//! till (docs/reference/retail-devices.md, "Label-scale barcodes"). Three layouts, as configured in
//! the scale and, the same, in `[catalogue]`:
//!
//! * 13 digits, price: flag + PLU + amount in fen + EAN-13 check digit (the till's old and default
//!   layout: flag `2`, 6-digit PLU, 5-digit price);
//! * 13 digits, weight: flag + PLU + weight in grams + check digit; the amount is the catalogue's
//!   price per kilogram × the weight, rounded half up to the fen;
//! * 18 digits, price and weight: flag + PLU + amount in fen + weight in grams + check digit.
//!
//! Whether the check digit is enforced is a setting (some scales print a price check digit in its
//! place). The catalogue knows a weighed product by flag + PLU. Weights are integer grams (kg with 3
//! decimals); amounts integer fen; all arithmetic checked.

use super::code::gtin_check_digit;
use super::money::{Fen, MAX_ENTRY};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which fields a label carries after the flag and the PLU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    /// 13 digits: the amount in fen.
    #[default]
    Price,
    /// 13 digits: the weight in grams.
    Weight,
    /// 18 digits: the amount in fen, then the weight in grams.
    PriceWeight,
}

impl LabelKind {
    /// The digits before the check digit.
    pub fn stem_len(self) -> usize {
        match self {
            LabelKind::Price | LabelKind::Weight => 12,
            LabelKind::PriceWeight => 17,
        }
    }
}

/// A weight in grams: kilograms with three decimals, as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Grams(pub u32);

impl fmt::Display for Grams {
    /// `1.234kg`: kilograms with three decimals (斤 is not a legal unit, reference "Units").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}.{:03}kg", self.0 / 1000, self.0 % 1000))
    }
}

impl Grams {
    /// The amount for this weight at `per_kg` fen a kilogram, rounded half up; `None` past the
    /// largest entry.
    pub fn amount_at(self, per_kg: Fen) -> Option<Fen> {
        let milli = per_kg.0.checked_mul(i64::from(self.0))?;
        let fen = milli.checked_add(500)?.checked_div(1000)?;
        (fen >= 0 && Fen(fen) <= MAX_ENTRY).then_some(Fen(fen))
    }
}

/// What a label says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The catalogue key: flag + PLU.
    pub key: String,
    /// The amount printed on it (price and price+weight layouts).
    pub amount: Option<Fen>,
    /// The weight printed on it (weight and price+weight layouts).
    pub weight: Option<Grams>,
}

/// The fields of a layout, for [`read`] and [`make`].
pub struct Fields<'a> {
    pub flags: &'a [String],
    pub kind: LabelKind,
    pub plu_digits: usize,
    pub price_digits: usize,
    pub weight_digits: usize,
    pub check_digit: bool,
}

impl Fields<'_> {
    fn value_digits(&self) -> (usize, usize) {
        match self.kind {
            LabelKind::Price => (self.price_digits, 0),
            LabelKind::Weight => (0, self.weight_digits),
            LabelKind::PriceWeight => (self.price_digits, self.weight_digits),
        }
    }

    /// Every flag, the PLU and the values fill the digits before the check digit; an 18-digit
    /// flag may not be one a payment code starts with.
    pub fn check(&self) -> Result<(), String> {
        let (price, weight) = self.value_digits();
        if self.plu_digits == 0 || price + weight == 0 {
            return Err("weighed item digits and the price or weight digits must be at least 1".into());
        }
        if price > 10 || weight > 9 {
            return Err("weighed price digits must be at most 10 and weight digits at most 9".into());
        }
        if self.flags.is_empty() {
            return Err("weighed_prefix needs at least one flag".into());
        }
        let stem = self.kind.stem_len();
        for flag in self.flags {
            if flag.is_empty() || !flag.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("weighed prefix {flag:?} must be digits"));
            }
            if flag.len() + self.plu_digits + price + weight != stem {
                return Err(format!(
                    "weighed prefix {flag:?} + {} item digits + {price} price digits + {weight} weight digits must make the {stem} digits before the check digit",
                    self.plu_digits
                ));
            }
            let payment_like = |p: &str| flag.starts_with(p) || (flag.len() == 1 && p.starts_with(flag.as_str()));
            if self.kind == LabelKind::PriceWeight
                && ["10", "11", "12", "13", "14", "15", "25", "26", "27", "28", "29", "30"]
                    .into_iter()
                    .any(payment_like)
            {
                return Err(format!(
                    "weighed prefix {flag:?}: 18-digit codes starting 10–15 or 25–30 are payment codes"
                ));
            }
        }
        Ok(())
    }
}

/// Reads `code` as a label of this layout: the length, a configured flag, digits only, and the
/// check digit if it is enforced.
pub fn read(fields: &Fields<'_>, code: &str) -> Option<Label> {
    let stem_len = fields.kind.stem_len();
    if code.len() != stem_len + 1 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (stem, check) = code.split_at(stem_len);
    if fields.check_digit && gtin_check_digit(stem).map(|c| b'0' + c) != check.bytes().next() {
        return None;
    }
    let flag = fields.flags.iter().find(|f| code.starts_with(f.as_str()))?;
    let key_len = flag.len() + fields.plu_digits;
    let (price, weight) = fields.value_digits();
    if key_len + price + weight != stem_len {
        return None;
    }
    let amount = (price > 0).then(|| code.get(key_len..key_len + price)?.parse::<i64>().ok().map(Fen)).flatten();
    let weight = (weight > 0).then(|| code.get(key_len + price..stem_len)?.parse::<u32>().ok().map(Grams)).flatten();
    Some(Label { key: code.get(..key_len)?.to_string(), amount, weight })
}

/// A label as the scale prints it, for tests and the demo: `None` if the values do not fit.
pub fn make(fields: &Fields<'_>, key: &str, amount: Option<Fen>, weight: Option<Grams>) -> Option<String> {
    let (price, weight_digits) = fields.value_digits();
    let mut stem = key.to_string();
    if price > 0 {
        let a = amount?.0;
        if a < 0 || a.to_string().len() > price {
            return None;
        }
        stem.push_str(&format!("{a:0price$}"));
    }
    if weight_digits > 0 {
        let w = weight?.0;
        if w.to_string().len() > weight_digits {
            return None;
        }
        stem.push_str(&format!("{w:0weight_digits$}"));
    }
    if stem.len() != fields.kind.stem_len() {
        return None;
    }
    let check = gtin_check_digit(&stem)?;
    Some(format!("{stem}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(flags: &[String], kind: LabelKind, plu: usize, check_digit: bool) -> Fields<'_> {
        Fields { flags, kind, plu_digits: plu, price_digits: 5, weight_digits: 5, check_digit }
    }

    #[test]
    fn weights_are_kilograms_with_three_decimals_and_amounts_round_half_up() {
        assert_eq!(Grams(1234).to_string(), "1.234kg");
        assert_eq!(Grams(50).to_string(), "0.050kg");
        // 9.80 a kilogram × 1.234 kg = 12.0932 → 12.09; × 0.125 kg = 1.225 → 1.23.
        assert_eq!(Grams(1234).amount_at(Fen(980)), Some(Fen(1209)));
        assert_eq!(Grams(125).amount_at(Fen(980)), Some(Fen(123)));
        assert_eq!(Grams(0).amount_at(Fen(980)), Some(Fen(0)));
        assert_eq!(Grams(u32::MAX).amount_at(MAX_ENTRY), None, "checked, never wrapped");
    }

    #[test]
    fn the_three_layouts_read_back_what_the_scale_printed() {
        let flags = vec!["21".to_string(), "22".to_string()];
        let price = fields(&flags, LabelKind::Price, 5, true);
        let code = make(&price, "2100042", Some(Fen(1234)), None).expect("price label");
        assert_eq!(&code[..12], "210004201234");
        assert_eq!(read(&price, &code), Some(Label { key: "2100042".into(), amount: Some(Fen(1234)), weight: None }));

        let weight = fields(&flags, LabelKind::Weight, 5, true);
        let code = make(&weight, "2200042", None, Some(Grams(1234))).expect("weight label");
        assert_eq!(
            read(&weight, &code),
            Some(Label { key: "2200042".into(), amount: None, weight: Some(Grams(1234)) })
        );

        let flags18 = vec!["20".to_string()];
        let both = fields(&flags18, LabelKind::PriceWeight, 5, true);
        let code = make(&both, "2000042", Some(Fen(1209)), Some(Grams(1234))).expect("18-digit label");
        assert_eq!(code.len(), 18);
        assert_eq!(&code[..17], "20000420120901234");
        let label = read(&both, &code).expect("reads");
        assert_eq!((label.amount, label.weight), (Some(Fen(1209)), Some(Grams(1234))));
        assert_eq!(crate::core::code::payment_platform(&code), None, "flag 20 is no payment code");
    }

    #[test]
    fn the_check_digit_is_enforced_unless_the_shop_says_not() {
        let flags = vec!["2".to_string()];
        let strict = fields(&flags, LabelKind::Price, 6, true);
        let code = make(&strict, "2100015", Some(Fen(1234)), None).expect("label");
        let mut bad = code.clone();
        bad.replace_range(12.., if code.ends_with('0') { "1" } else { "0" });
        assert_eq!(read(&strict, &bad), None, "a misread");
        let lax = fields(&flags, LabelKind::Price, 6, false);
        assert_eq!(read(&lax, &bad).and_then(|l| l.amount), Some(Fen(1234)));
        // Other flags and other lengths are not labels.
        assert_eq!(read(&strict, "6900138600889"), None);
        assert_eq!(read(&strict, &code[..12]), None);
    }

    #[test]
    fn layouts_that_do_not_add_up_or_look_like_payment_codes_are_refused() {
        let flags = vec!["2".to_string()];
        assert_eq!(fields(&flags, LabelKind::Price, 6, true).check(), Ok(()));
        assert_eq!(fields(&flags, LabelKind::Weight, 6, true).check(), Ok(()));
        assert!(fields(&flags, LabelKind::Price, 5, true).check().is_err());
        let two = vec!["20".to_string(), "23".to_string()];
        assert_eq!(fields(&two, LabelKind::PriceWeight, 5, true).check(), Ok(()));
        let alipay = vec!["27".to_string()];
        assert!(fields(&alipay, LabelKind::PriceWeight, 5, true).check().is_err());
        assert!(fields(&flags, LabelKind::PriceWeight, 6, true).check().is_err(), "2 may start 25–29");
    }
}
