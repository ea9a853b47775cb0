//! Goods in and stock counts (入库 / 盘点) applied, printed and exported (the rules are in
//! `core/stocktake.rs`).
//!
//! [`apply`] is one durable step: the products' new counts (each the store's count now plus the
//! sheet's change, so sales saved meanwhile are kept), the sheet itself (under
//! `stock_moves/sheet:<number>`, which also marks it applied) and its back-office record
//! (`stock:<number>`, kind `stock`) are written in one transaction by `Store::write_records`,
//! flushed before it returns. The effect runner runs one batch at a time, so no order's save comes
//! between the counts read here and the counts written. A sheet found applied already is not
//! applied again.

use crate::core::Settings;
use crate::core::stocktake::{Scope, SheetKind, StockSheet};
use crate::escpos::PrinterProfile;
use crate::escpos::report::{ReportSlip, SlipLine, render as render_slip};
use crate::i18n::stocktake::{StockText as S, stock_text};
use crate::store::{Dispatch, OutboxKind, Put, Store, StoreError, Table};
use std::path::{Path, PathBuf};

/// The marker (and copy) of an applied sheet in `stock_moves`.
fn marker(number: &str) -> String {
    format!("sheet:{number}")
}

fn corrupt(key: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { key: key.to_string(), reason: e.to_string() }
}

fn count(store: &dyn Store, barcode: &str) -> Result<Option<i64>, StoreError> {
    let Some(text) = store.record(Table::Stock, barcode)? else { return Ok(None) };
    text.trim().parse::<i64>().map(Some).map_err(|e| corrupt(&format!("stock/{barcode}"), e))
}

/// The sheet as kept and sent: the sheet, and the change it made to each product.
fn content(sheet: &StockSheet) -> Result<serde_json::Value, StoreError> {
    let mut value = serde_json::to_value(sheet).map_err(|e| corrupt(&sheet.number, e))?;
    if let Some(map) = value.as_object_mut() {
        map.remove("cursor");
        map.remove("applying");
        map.insert("deltas".into(), serde_json::to_value(sheet.deltas()).map_err(|e| corrupt(&sheet.number, e))?);
    }
    Ok(value)
}

/// Applies `sheet` once, in one flushed write; returns the counts of its products now.
pub fn apply(store: &dyn Store, sheet: &StockSheet) -> Result<Vec<(String, i64)>, StoreError> {
    let key = marker(&sheet.number);
    let mut counts = Vec::new();
    if store.record(Table::StockMoves, &key)?.is_some() {
        for l in &sheet.lines {
            if let Some(n) = count(store, &l.barcode)? {
                counts.push((l.barcode.clone(), n));
            }
        }
        return Ok(counts);
    }
    let mut puts = Vec::new();
    for (barcode, delta) in sheet.deltas() {
        let now = count(store, &barcode)?.unwrap_or(0);
        let new = now.saturating_add(delta);
        puts.push(Put { table: Table::Stock, key: barcode.clone(), value: Some(new.to_string()) });
        counts.push((barcode, new));
    }
    let content = content(sheet)?;
    puts.push(Put { table: Table::StockMoves, key, value: Some(content.to_string()) });
    let dispatch = Dispatch {
        kind: OutboxKind::Stock,
        key: format!("stock:{}", sheet.number),
        subject: format!("stock:{}", sheet.number),
        field: "sheet",
        content,
    };
    store.write_records(&puts, Some(&dispatch))?;
    Ok(counts)
}

/// The sheet as printed, in the shop's language.
pub fn slip(sheet: &StockSheet, settings: &Settings) -> ReportSlip {
    let lang = settings.lang;
    let t = |x| stock_text(lang, x).to_string();
    let time = |at: crate::core::clock::Millis| at.local(settings.utc_offset_minutes).display();
    let mut lines = vec![SlipLine::Pair(t(S::Number), sheet.number.clone())];
    lines.push(SlipLine::Pair(String::new(), sheet.applied_at.map(time).unwrap_or_default()));
    let title = match &sheet.kind {
        SheetKind::GoodsIn { supplier, note } => {
            lines.push(SlipLine::Pair(t(S::Supplier), supplier.clone()));
            if !note.is_empty() {
                lines.push(SlipLine::Text(format!("{}: {note}", t(S::Note))));
            }
            t(S::GoodsInTitle)
        }
        SheetKind::Count { scope: Scope::Everything } => {
            lines.push(SlipLine::Pair(t(S::Everything), String::new()));
            t(S::CountTitle)
        }
        SheetKind::Count { scope: Scope::Category(c) } => {
            lines.push(SlipLine::Pair(t(S::Category), c.clone()));
            t(S::CountTitle)
        }
    };
    lines.push(SlipLine::Pair(t(S::Operator), sheet.operator.clone()));
    lines.push(SlipLine::Pair(t(S::ApprovedBy), sheet.approved_by.clone()));
    lines.push(SlipLine::Rule);
    for l in &sheet.lines {
        lines.push(SlipLine::Text(format!("{} {}", l.barcode, l.name)));
        let figures = match &sheet.kind {
            SheetKind::GoodsIn { .. } => format!("{} {}", t(S::ColReceived), l.qty),
            SheetKind::Count { .. } => {
                let expected = l.expected.map_or_else(|| t(S::NotTracked), |n| n.to_string());
                let variance = l.delta(&sheet.kind);
                format!(
                    "{} {expected}  {} {}  {} {variance:+}",
                    t(S::ColExpected),
                    t(S::ColCounted),
                    l.qty,
                    t(S::ColVariance)
                )
            }
        };
        lines.push(SlipLine::Pair(String::new(), figures));
    }
    lines.push(SlipLine::Rule);
    let units: i64 = sheet.deltas().iter().map(|(_, d)| d).sum();
    lines.push(SlipLine::Pair(t(S::Lines), sheet.lines.len().to_string()));
    lines.push(SlipLine::Pair(t(S::Units), format!("{units:+}")));
    ReportSlip { shop_name: settings.shop_name.clone(), title, lines }
}

/// The sheet's ESC/POS bytes.
pub fn render(sheet: &StockSheet, settings: &Settings, profile: &PrinterProfile) -> Vec<u8> {
    render_slip(&slip(sheet, settings), profile)
}

/// The sheet as CSV (one row per product), in the shop's language.
pub fn csv(sheet: &StockSheet, lang: crate::core::Lang) -> String {
    let t = |x| stock_text(lang, x);
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
    };
    let mut out = format!(
        "{},{},{},{},{},{},{}\n",
        t(S::Number),
        t(S::ColCode),
        t(S::ColItem),
        t(S::ColExpected),
        if sheet.is_count() { t(S::ColCounted) } else { t(S::ColReceived) },
        t(S::ColVariance),
        t(S::Supplier)
    );
    let supplier = match &sheet.kind {
        SheetKind::GoodsIn { supplier, .. } => supplier.as_str(),
        SheetKind::Count { .. } => "",
    };
    for l in &sheet.lines {
        let expected = l.expected.map(|n| n.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{expected},{},{},{}\n",
            field(&sheet.number),
            field(&l.barcode),
            field(&l.name),
            l.qty,
            l.delta(&sheet.kind),
            field(supplier)
        ));
    }
    out
}

/// Writes the CSV as `stock-<number>.csv` in `dir` (created if missing); returns its path.
pub fn export(sheet: &StockSheet, lang: crate::core::Lang, dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("stock-{}.csv", sheet.number));
    std::fs::write(&path, csv(sheet, lang))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::stocktake::SheetLine;
    use crate::store::RedbStore;

    fn sheet(lines: Vec<SheetLine>) -> StockSheet {
        StockSheet {
            number: "PD26120710300001".into(),
            kind: SheetKind::Count { scope: Scope::Everything },
            opened_at: Millis(0),
            applied_at: Some(Millis(1)),
            operator: "02".into(),
            approved_by: "01".into(),
            lines,
            cursor: 0,
            applying: true,
            parked: false,
            typing: None,
        }
    }

    fn line(barcode: &str, expected: Option<i64>, qty: i64) -> SheetLine {
        SheetLine { barcode: barcode.into(), name: "x".into(), qty, expected }
    }

    #[test]
    fn a_sheet_adds_its_changes_to_the_counts_now_once_with_one_record_for_the_back_office() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("store");
        let put = |b: &str, n: i64| Put { table: Table::Stock, key: b.into(), value: Some(n.to_string()) };
        // A was 10 when counted (9 found); two were sold since: the store has 8.
        store.write_records(&[put("A", 8), put("B", 5)], None).expect("counts");
        let s = sheet(vec![line("A", Some(10), 9), line("B", Some(5), 5), line("C", None, 3)]);
        let counts = apply(&store, &s).expect("applied");
        assert_eq!(counts, vec![("A".to_string(), 7), ("C".to_string(), 3)], "B did not change");
        assert_eq!(
            apply(&store, &s).expect("again"),
            vec![("A".to_string(), 7), ("B".to_string(), 5), ("C".to_string(), 3)]
        );
        let sent = store.outbox_pending(10).expect("outbox");
        assert_eq!(sent.len(), 1, "applied once");
        assert_eq!((sent[0].kind, sent[0].key.as_str()), (OutboxKind::Stock, "stock:PD26120710300001"));
        let body: serde_json::Value = serde_json::from_str(&sent[0].body).expect("json");
        assert_eq!(body["sheet"]["deltas"], serde_json::json!([["A", -1], ["C", 3]]));
        assert!(body["sheet"].get("cursor").is_none());
    }

    #[test]
    fn the_csv_has_a_row_per_product_with_the_variance() {
        let s = sheet(vec![line("A", Some(10), 9), line("B,1", None, 2)]);
        let csv = csv(&s, crate::core::Lang::En);
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(rows[0], "No.,Barcode,Item,Expected,Counted,Variance,Supplier");
        assert_eq!(rows[1], "PD26120710300001,A,x,10,9,-1,");
        assert_eq!(rows[2], "PD26120710300001,\"B,1\",x,,2,2,");
    }
}
