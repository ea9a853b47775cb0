//! The catalogue as CSV (UTF-8, RFC 4180 quoting, header `barcode,name,price,stock,kind`, or with a
//! sixth column `category`): prices as yuan text (`3.50`) read exactly to fen, an empty stock for a
//! product without a count, kind `normal` (or empty), `open` or `weighed`, and the product's
//! category (饮料, 面包; empty for none) that promotions may apply to. A file without the category
//! column reads as before; export writes the column only when some product has a category. Parsing is all or nothing: the first malformed
//! row is reported with its line number and why.

use crate::core::catalog::{Product, ProductKind, WeighedLayout, check_barcode};
use crate::core::csv_problem::CsvProblem as P;
use crate::core::money::Fen;
use std::collections::BTreeMap;

pub const HEADER: &str = "barcode,name,price,stock,kind";
/// The header with the category column.
pub const HEADER_WITH_CATEGORY: &str = "barcode,name,price,stock,kind,category";

/// One product with its stock count, as a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub product: Product,
    pub stock: Option<i64>,
}

/// A malformed file: the line (1 = the header) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct CsvError {
    pub line: usize,
    pub problem: P,
}

fn err(line: usize, problem: P) -> CsvError {
    CsvError { line, problem }
}

/// Splits a CSV text into records of fields, with the line each record starts on. Quoted fields
/// may hold commas, doubled quotes and line breaks.
pub(crate) fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            (false, '"') => return Err(err(line, P::QuoteInside)),
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
                out.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
            }
            (false, c) if was_quoted => return Err(err(line, P::TextAfterQuote(c))),
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(err(start, P::QuoteNotClosed));
    }
    if !field.is_empty() || !fields.is_empty() || was_quoted {
        fields.push(field);
        out.push((start, fields));
    }
    Ok(out)
}

/// A price: yuan with at most two decimals, read exactly.
fn price(text: &str) -> Result<Fen, P> {
    let t = text.trim();
    let decimals = t.split_once('.').map_or(0, |(_, f)| f.len());
    if decimals > 2 {
        return Err(P::PriceDecimals(t.into()));
    }
    Fen::parse_yuan(t).map_err(|_| P::Price(t.into()))
}

/// Reads a whole file; any malformed row fails the whole file.
pub fn parse(text: &str, layout: &WeighedLayout) -> Result<Vec<Row>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut recs = records(text)?.into_iter();
    let header =
        recs.next().map(|(_, h)| h.iter().map(|f| f.trim().to_ascii_lowercase()).collect::<Vec<_>>().join(","));
    let with_category = match header.as_deref() {
        Some(HEADER) => false,
        Some(HEADER_WITH_CATEGORY) => true,
        _ => return Err(err(1, P::Header(HEADER.into()))),
    };
    let mut rows = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (line, fields) in recs {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut fields = fields;
        let category = match (with_category, fields.len()) {
            (true, 6) => fields.pop().unwrap_or_default().trim().to_string(),
            (false, 5) => String::new(),
            (_, n) => return Err(err(line, P::FieldCount(n))),
        };
        if category.chars().any(char::is_control) || category.chars().count() > 32 {
            return Err(err(line, P::BadCategory));
        }
        let [barcode, name, price_text, stock, kind] =
            <[String; 5]>::try_from(fields).map_err(|f| err(line, P::FieldCount(f.len())))?;
        let barcode = barcode.trim().to_string();
        let kind = match kind.trim() {
            "" => ProductKind::Normal,
            k => ProductKind::from_name(&k.to_ascii_lowercase()).ok_or_else(|| err(line, P::Kind(k.into())))?,
        };
        check_barcode(&barcode, kind, layout)
            .map_err(|e| err(line, P::Barcode { barcode: barcode.clone(), error: e }))?;
        if let Some(first) = seen.insert(barcode.clone(), line) {
            return Err(err(line, P::Duplicate { barcode, first }));
        }
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(err(line, P::EmptyName));
        }
        if name.chars().any(char::is_control) || name.chars().count() > 64 {
            return Err(err(line, P::BadName));
        }
        let price = price(&price_text).map_err(|e| err(line, e))?;
        if kind == ProductKind::Normal && price.is_zero() {
            return Err(err(line, P::ZeroPrice));
        }
        let stock = match stock.trim() {
            "" => None,
            s => Some(s.parse::<i64>().map_err(|_| err(line, P::Stock(s.into())))?),
        };
        rows.push(Row { product: Product { barcode, name, price, kind, category }, stock });
    }
    Ok(rows)
}

pub(crate) fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field.trim() != field {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Writes rows (in the order given) under the header; with the category column when a product has one.
pub fn write(rows: &[Row]) -> String {
    let with_category = rows.iter().any(|r| !r.product.category.is_empty());
    let mut out = format!("{}\n", if with_category { HEADER_WITH_CATEGORY } else { HEADER });
    for r in rows {
        let p = &r.product;
        let stock = r.stock.map(|n| n.to_string()).unwrap_or_default();
        out.push_str(&format!("{},{},{},{stock},{}", quote(&p.barcode), quote(&p.name), p.price, p.kind.name()));
        if with_category {
            out.push(',');
            out.push_str(&quote(&p.category));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::BarcodeError;

    fn layout() -> WeighedLayout {
        WeighedLayout::default()
    }

    const GOOD: &str = "barcode,name,price,stock,kind\n\
        6900138600889,可口可乐 330ml,3.50,24,normal\n\
        96385074,\"Chips, \"\"salted\"\"\",12,,\n\
        FLOWERS-1,鲜花,0,,open\n\
        2100015,苹果,9.8,,weighed\n\
        036000291452,UPC item,0.01,-3,normal\n";

    #[test]
    fn reads_every_kind_exactly() {
        let rows = parse(GOOD, &layout()).expect("parses");
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].product, Product::new("6900138600889", "可口可乐 330ml", Fen(350)));
        assert_eq!(rows[0].stock, Some(24));
        assert_eq!(rows[1].product.name, "Chips, \"salted\"");
        assert_eq!(rows[1].product.price, Fen(1200));
        assert_eq!(rows[1].stock, None);
        assert_eq!(rows[2].product.kind, ProductKind::Open);
        assert_eq!(rows[3].product.kind, ProductKind::Weighed);
        assert_eq!(rows[3].product.price, Fen(980));
        assert_eq!(rows[4].stock, Some(-3));
    }

    #[test]
    fn round_trips() {
        let rows = parse(GOOD, &layout()).expect("parses");
        let text = write(&rows);
        assert_eq!(parse(&text, &layout()).expect("parses again"), rows);
        assert_eq!(write(&parse(&text, &layout()).expect("parses")), text);
        assert!(text.starts_with("barcode,name,price,stock,kind\n6900138600889,可口可乐 330ml,3.50,24,normal\n"));
    }

    #[test]
    fn a_malformed_row_is_reported_with_its_line_and_reason() {
        let bad = |row: &str| {
            let text = format!("{HEADER}\n6900138600889,可乐,3.50,,\n{row}\n96385074,x,1,,\n");
            parse(&text, &layout()).expect_err("refused")
        };
        assert_eq!(bad("6900138600888,坏条码,1.00,,").line, 3);
        let barcode = |b: &str, error| P::Barcode { barcode: b.into(), error };
        assert_eq!(bad("6900138600888,坏条码,1.00,,").problem, barcode("6900138600888", BarcodeError::CheckDigit));
        assert_eq!(bad("12345670,x,3.505,,").problem, P::PriceDecimals("3.505".into()));
        assert_eq!(bad("12345670,x,3.5x,,").problem, P::Price("3.5x".into()));
        assert_eq!(bad("12345670,x,1,many,").problem, P::Stock("many".into()));
        assert_eq!(bad("12345670,x,1,,heavy").problem, P::Kind("heavy".into()));
        assert_eq!(bad("12345670,,1,,").problem, P::EmptyName);
        assert_eq!(bad("12345670,x,1").problem, P::FieldCount(3));
        assert_eq!(bad("12345670,x,0,,").problem, P::ZeroPrice);
        assert_eq!(bad("6900138600889,again,1,,").problem, P::Duplicate { barcode: "6900138600889".into(), first: 2 });
        assert_eq!(bad("134680423163089456,x,1,,").problem, barcode("134680423163089456", BarcodeError::PaymentCode));
        assert_eq!(bad("210001,apples,1,,weighed").problem, barcode("210001", BarcodeError::WeighedShape(7)));
        assert_eq!(bad("12345670,x,1,many,").to_string(), "line 3: stock \"many\" is not a whole number");
        assert_eq!(parse("name,barcode\n", &layout()).expect_err("header").line, 1);
        let e = parse(&format!("{HEADER}\n\"open,x,1,,\n"), &layout()).expect_err("unclosed");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn a_category_column_is_read_and_written_back_and_files_without_it_read_as_before() {
        let text =
            format!("{HEADER_WITH_CATEGORY}\n6900138600889,可乐,3.50,1,normal,饮料\n96385074,Chips,12.00,,normal,\n");
        let rows = parse(&text, &layout()).expect("parses");
        assert_eq!((rows[0].product.category.as_str(), rows[1].product.category.as_str()), ("饮料", ""));
        assert_eq!(write(&rows), text);
        let old = parse(GOOD, &layout()).expect("parses");
        assert!(old.iter().all(|r| r.product.category.is_empty()));
        assert!(write(&old).starts_with(&format!("{HEADER}\n")), "no category column when none has one");
        let five = parse(&format!("{HEADER_WITH_CATEGORY}\n12345670,x,1,,\n"), &layout()).expect_err("5 fields");
        assert_eq!((five.line, five.problem), (2, P::FieldCount(5)));
    }

    #[test]
    fn a_byte_order_mark_crlf_and_blank_lines_are_fine() {
        let text = format!("\u{feff}{HEADER}\r\n6900138600889,可乐,3.50,1,\r\n\r\n");
        let rows = parse(&text, &layout()).expect("parses");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].stock, Some(1));
    }
}
