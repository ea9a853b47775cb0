//! CSV export of a day or a range: UTF-8 (with a byte-order mark, so spreadsheet programs read the
//! Chinese right), one header row, one row per settled sale and one per refund made. Amounts are
//! yuan text made exactly from fen ("12.50"; a refund is negative, "-3.00"), never floats.
//!
//! Columns, in this order: kind (`sale` / `refund`), local time, order number, refund number,
//! method (`cash` / `wechat` / `alipay`), operator, items, amount. The header's words come from the
//! translation tables; the values are fixed codes so that a file reads back in any language.

use super::report::{PayMethod, Period, refund_method, tender_parts};
use crate::core::money::Fen;
use crate::core::order::{Order, OrderStatus, RefundState};

pub const COLUMNS: usize = 8;
const BOM: char = '\u{feff}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Sale,
    Refund,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: RowKind,
    /// `2026-11-22 14:05:09`, local.
    pub time: String,
    pub number: String,
    pub refund_no: String,
    pub method: PayMethod,
    pub operator: String,
    pub items: u32,
    /// Signed: sales positive, refunds negative.
    pub amount: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {what}")]
pub struct CsvError {
    pub line: usize,
    pub what: String,
}

/// The rows of `orders` in `period`: sales by when they settled, refunds by when they were asked
/// for, once made. Time order.
pub fn rows(orders: &[Order], period: &Period, utc_offset_minutes: i32) -> Vec<Row> {
    let mut out: Vec<(crate::core::clock::Millis, Row)> = Vec::new();
    for o in orders {
        let number = o.number.clone().unwrap_or_default();
        if let Some(at) = o.closed_at.filter(|at| o.status == OrderStatus::Paid && !o.imported && period.contains(*at))
        {
            for (method, amount) in tender_parts(o) {
                let time = at.local(utc_offset_minutes).display();
                let (number, operator, items) = (number.clone(), o.operator.clone(), o.item_count());
                let row = Row {
                    kind: RowKind::Sale,
                    time,
                    number,
                    refund_no: String::new(),
                    method,
                    operator,
                    items,
                    amount,
                };
                out.push((at, row));
            }
        }
        for r in o.refunds.iter().filter(|r| r.state == RefundState::Refunded && period.contains(r.requested_at)) {
            out.push((
                r.requested_at,
                Row {
                    kind: RowKind::Refund,
                    time: r.requested_at.local(utc_offset_minutes).display(),
                    number: number.clone(),
                    refund_no: r.out_refund_no.clone(),
                    method: refund_method(o, r),
                    operator: r.operator.clone(),
                    items: 0,
                    amount: Fen::ZERO - r.amount,
                },
            ));
        }
    }
    out.sort_by(|a, b| (a.0, &a.1.number, &a.1.refund_no).cmp(&(b.0, &b.1.number, &b.1.refund_no)));
    out.into_iter().map(|(_, r)| r).collect()
}

/// A field as CSV: quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The file's text: BOM, header, rows, CRLF line ends (RFC 4180).
pub fn write(header: &[&str; COLUMNS], rows: &[Row]) -> String {
    let mut out = String::new();
    out.push(BOM);
    out.push_str(&header.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for r in rows {
        let kind = match r.kind {
            RowKind::Sale => "sale",
            RowKind::Refund => "refund",
        };
        let cells = [
            kind.to_string(),
            r.time.clone(),
            r.number.clone(),
            r.refund_no.clone(),
            r.method.code().to_string(),
            r.operator.clone(),
            r.items.to_string(),
            r.amount.to_string(),
        ];
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Splits one CSV record; quotes may hold commas and doubled quotes.
fn split(line: &str) -> Result<Vec<String>, String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let cell = cells.last_mut().ok_or("empty")?;
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => cells.push(String::new()),
            (_, c) => cell.push(c),
        }
    }
    if quoted {
        return Err("a quote is not closed".into());
    }
    Ok(cells)
}

/// Reads an export back (the header is skipped). Line breaks inside fields are not expected: the
/// till writes none.
pub fn parse(text: &str) -> Result<Vec<Row>, CsvError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let line_no = i + 1;
        let bad = |what: String| CsvError { line: line_no, what };
        if line.trim().is_empty() {
            continue;
        }
        let cells = split(line).map_err(bad)?;
        let [kind, time, number, refund_no, method, operator, items, amount] =
            <[String; COLUMNS]>::try_from(cells).map_err(|c| bad(format!("{} columns, not {COLUMNS}", c.len())))?;
        let kind = match kind.as_str() {
            "sale" => RowKind::Sale,
            "refund" => RowKind::Refund,
            other => return Err(bad(format!("unknown kind {other:?}"))),
        };
        let method = PayMethod::from_code(&method).ok_or_else(|| bad(format!("unknown method {method:?}")))?;
        let items = items.parse().map_err(|_| bad(format!("items {items:?}")))?;
        let (negative, digits) = match amount.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, amount.as_str()),
        };
        let fen = Fen::parse_yuan(digits).map_err(|e| bad(format!("amount {amount:?}: {e}")))?;
        let amount = if negative { Fen::ZERO - fen } else { fen };
        rows.push(Row { kind, time, number, refund_no, method, operator, items, amount });
    }
    Ok(rows)
}
