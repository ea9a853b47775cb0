//! Goods in (入库) and stock counts (盘点): a supervisor's sheet over the till's screens.
//!
//! A supervisor opens a sheet (a script's `{"act":"goods_in","supplier":"…"}` or
//! `{"act":"stock_count"}`, or F5 / F6 on the low-stock screen, F11); a cashier is asked for a
//! supervisor's PIN first. Each scan adds one of the product (a number then `*` sets the line);
//! Enter with nothing typed applies the sheet; Esc closes it and nothing is kept.
//!
//! Rules:
//! * **Goods in** adds what was received: each line's change is its quantity.
//! * **A stock count** records, for each product, the count the till expected *when the product
//!   was first scanned on the sheet* (`SheetLine::expected`) and what was counted. Its change is
//!   the variance, counted − expected, and that is what is applied: a delta like every other
//!   stock move. So a sale made while the count goes on combines with it: a sale before the
//!   product is scanned is in the expected count, a sale after is taken off the counted level
//!   when the variance is added to the store's count at the moment of applying. A product that
//!   had no count (not tracked) gets the counted number (expected 0).
//! * Products of the count's scope that were not scanned are not changed (not set to zero): the
//!   screen shows how many are left uncounted. The scope is the whole shop ([`Scope::Everything`])
//!   or one category of the catalogue ([`Scope::Category`]): F3 on a count with nothing scanned yet
//!   steps through the catalogue's categories; [`Scope::takes`] is the one test, and a product of
//!   another category is refused on the sheet.
//! * On a goods-in sheet the supplier and a note are typed on the sheet (F3 the supplier, F4 the
//!   note; Enter or Esc ends the typing) and kept with the sheet, its slip, CSV and record.
//! * Applying is one durable write (`app/stocktake.rs`): the new counts, the sheet and its
//!   back-office record (`stock:<number>`) in one flushed transaction, applied once per sheet
//!   number. Then the sheet is printed and written as CSV in the export directory.
//! * Not in training mode (nothing a trainee does may move stock).

use super::approval::Approval;
use super::catalog::{Product, ProductKind};
use super::clock::Millis;
use super::notice::{Notice, refuse};
use super::order::MAX_QTY;
use super::{Beep, Effect, Key, Screen, State};
use serde::{Deserialize, Serialize};

/// Which products a count takes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every product of the catalogue (全盘).
    #[default]
    Everything,
    /// The products of one category (分类盘点).
    Category(String),
}

impl Scope {
    /// Whether `product` belongs to this count.
    pub fn takes(&self, product: &Product) -> bool {
        product.kind != ProductKind::Weighed
            && match self {
                Scope::Everything => true,
                Scope::Category(c) => product.category == *c,
            }
    }

    /// The next scope F3 chooses: everything, then each category of the catalogue in order.
    fn next(&self, catalogue: &super::catalog::Catalogue) -> Scope {
        let mut cats: Vec<&str> = catalogue.iter().map(|p| p.category.as_str()).filter(|c| !c.is_empty()).collect();
        cats.sort_unstable();
        cats.dedup();
        let after = match self {
            Scope::Everything => cats.first(),
            Scope::Category(c) => cats.iter().skip_while(|x| **x != c.as_str()).nth(1),
        };
        after.map_or(Scope::Everything, |c| Scope::Category((*c).to_string()))
    }
}

/// Which text of a goods-in sheet is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SheetText {
    Supplier,
    Note,
}

impl SheetText {
    pub fn max_len(self) -> usize {
        match self {
            SheetText::Supplier => 30,
            SheetText::Note => 60,
        }
    }
}

/// What a sheet is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SheetKind {
    /// 入库: goods received from a supplier.
    GoodsIn { supplier: String, note: String },
    /// 盘点: a stock count.
    Count { scope: Scope },
}

impl SheetKind {
    /// The number's letters: RK (入库) or PD (盘点), as shops write them.
    fn letters(&self) -> &'static str {
        match self {
            SheetKind::GoodsIn { .. } => "RK",
            SheetKind::Count { .. } => "PD",
        }
    }
}

/// One product on a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetLine {
    pub barcode: String,
    pub name: String,
    /// Received (goods in) or counted (a count).
    pub qty: i64,
    /// A count: the till's count of the product when it was first scanned on the sheet (none: not
    /// tracked, taken as 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<i64>,
}

/// A sheet being filled in, or applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockSheet {
    /// `RK` or `PD`, the local date and time it was opened (`yymmddHHMMSS`) and the till's number.
    pub number: String,
    #[serde(flatten)]
    pub kind: SheetKind,
    pub opened_at: Millis,
    #[serde(default)]
    pub applied_at: Option<Millis>,
    pub operator: String,
    /// The supervisor who approved it (the operator, when a supervisor opened it).
    pub approved_by: String,
    pub lines: Vec<SheetLine>,
    /// The line the keys change.
    #[serde(default)]
    pub cursor: usize,
    /// Sent to be applied: keys wait for the outcome.
    #[serde(default)]
    pub applying: bool,
    /// Put aside (F2) while the till sells; the same intent brings it back.
    #[serde(default)]
    pub parked: bool,
    /// The supplier or note being typed (goods in: F3, F4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typing: Option<SheetText>,
}

impl SheetLine {
    /// The change this line makes to the product's count.
    pub fn delta(&self, kind: &SheetKind) -> i64 {
        match kind {
            SheetKind::GoodsIn { .. } => self.qty,
            SheetKind::Count { .. } => self.qty.saturating_sub(self.expected.unwrap_or(0)),
        }
    }
}

impl StockSheet {
    /// The changes to apply: barcode → delta (lines that change nothing are left out).
    pub fn deltas(&self) -> Vec<(String, i64)> {
        self.lines.iter().map(|l| (l.barcode.clone(), l.delta(&self.kind))).filter(|(_, d)| *d != 0).collect()
    }

    pub fn is_count(&self) -> bool {
        matches!(self.kind, SheetKind::Count { .. })
    }

    /// Products of a count's scope with a stock count that are not on the sheet yet.
    pub fn uncounted(&self, catalogue: &super::catalog::Catalogue) -> usize {
        let SheetKind::Count { scope } = &self.kind else { return 0 };
        catalogue
            .iter()
            .filter(|p| scope.takes(p) && catalogue.stock(&p.barcode).is_some())
            .filter(|p| !self.lines.iter().any(|l| l.barcode == p.barcode))
            .count()
    }
}

/// What the till says about a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockNotice {
    /// The sheet is up: scan the goods.
    ScanGoods,
    /// Not a product this sheet takes (not in the catalogue, weighed, or outside the count).
    NotOnSheet { code: String },
    /// Enter on an empty sheet.
    NothingToApply,
    /// Only from an empty sale screen or the low-stock screen, with no sheet open.
    FinishSaleFirst,
    /// Put aside: the till sells; the sheet's key (or intent) brings it back.
    Parked,
    /// Being written.
    Applying,
    /// Done: sheet `number`, `lines` products changed by `units` in all.
    Applied { number: String, lines: usize, units: i64 },
    /// The store did not take it: nothing changed, the sheet stays on screen.
    Failed { error: String },
    /// Not in training mode.
    NotInTraining,
}

impl StockNotice {
    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            StockNotice::ScanGoods | StockNotice::Parked | StockNotice::Applying | StockNotice::Applied { .. }
        )
    }
}

/// The app's answer to [`StockEffect::Apply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockMsg {
    /// Written (or found written already: the same number is applied once): the counts now.
    Applied {
        number: String,
        counts: Vec<(String, i64)>,
    },
    Failed {
        number: String,
        error: String,
    },
}

/// What the app does for a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockEffect {
    /// Apply the sheet in one durable write, then print it and write its CSV into `export_dir`.
    Apply { sheet: Box<StockSheet>, export_dir: String },
}

fn say(n: StockNotice) -> Notice {
    Notice::Stock(n)
}

/// A supervisor's sheet is asked for (from an empty sale screen or the low-stock screen).
pub(super) fn ask(state: &mut State, kind: SheetKind, fx: &mut Vec<Effect>) {
    if state.training.is_some() {
        return refuse(state, say(StockNotice::NotInTraining), fx);
    }
    let idle = state.sale.lines.is_empty() && matches!(state.screen, Screen::Sale | Screen::LowStock);
    let same = |s: &StockSheet| std::mem::discriminant(&s.kind) == std::mem::discriminant(&kind);
    match state.stock_sheet.as_mut() {
        // The sheet put aside comes back (it was approved when it was opened).
        Some(sheet) if idle && sheet.parked && same(sheet) => {
            sheet.parked = false;
            state.notice = Some(say(StockNotice::ScanGoods));
            return;
        }
        Some(_) => return refuse(state, say(StockNotice::FinishSaleFirst), fx),
        None if !idle => return refuse(state, say(StockNotice::FinishSaleFirst), fx),
        None => {}
    }
    super::approval::ask_supervisor(state, Approval::StockSheet { kind }, fx);
}

/// Approved: the sheet opens.
pub(super) fn open(state: &mut State, kind: SheetKind) {
    if state.stock_sheet.is_some() {
        return;
    }
    let operator = state.operator().to_string();
    let t = state.now.local(state.settings.utc_offset_minutes);
    let number = format!(
        "{}{:06}{:02}{:02}{:02}{:02}",
        kind.letters(),
        t.yymmdd(),
        t.hour,
        t.minute,
        t.second,
        state.settings.terminal_no
    );
    state.stock_sheet = Some(StockSheet {
        number,
        kind,
        opened_at: state.now,
        applied_at: None,
        approved_by: state.approver().unwrap_or(&operator).to_string(),
        operator,
        lines: Vec::new(),
        cursor: 0,
        applying: false,
        parked: false,
        typing: None,
    });
    state.input.clear();
    state.notice = Some(say(StockNotice::ScanGoods));
}

/// A scan on the sheet: one more of the product.
pub(super) fn on_scan(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    add(state, code.trim(), fx)
}

fn add(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    let Some(sheet) = state.stock_sheet.as_mut() else { return };
    if sheet.applying {
        return;
    }
    let takes = |p: &&Product| match &sheet.kind {
        SheetKind::Count { scope } => scope.takes(p),
        SheetKind::GoodsIn { .. } => p.kind != ProductKind::Weighed,
    };
    let Some(p) = state.catalogue.get(code).filter(takes) else {
        return refuse(state, say(StockNotice::NotOnSheet { code: code.chars().take(32).collect() }), fx);
    };
    let i = match sheet.lines.iter().position(|l| l.barcode == p.barcode) {
        Some(i) => i,
        None => {
            // A count takes the till's count now, once: sales from here on come off the variance.
            let expected = if sheet.is_count() { state.catalogue.stock(&p.barcode) } else { None };
            sheet.lines.push(SheetLine { barcode: p.barcode.clone(), name: p.name.clone(), qty: 0, expected });
            sheet.lines.len() - 1
        }
    };
    sheet.cursor = i;
    let qty = sheet.lines[i].qty.saturating_add(1);
    set_qty(state, qty, fx);
    fx.push(Effect::Beep(Beep::Accepted));
}

fn set_qty(state: &mut State, qty: i64, fx: &mut Vec<Effect>) {
    let Some(sheet) = state.stock_sheet.as_mut() else { return };
    if !(0..=i64::from(MAX_QTY)).contains(&qty) {
        return refuse(state, Notice::BadQuantity, fx);
    }
    let Some(line) = sheet.lines.get_mut(sheet.cursor) else { return };
    line.qty = qty;
    state.notice = None;
}

/// Keys on the sheet: a code typed then Enter adds it; Enter with nothing typed applies; F2 puts
/// it aside while the till sells (a count goes on across sales: see the module comment); ↑↓ a
/// line, `+`/`-` one more or less, a number then `*` sets it (0 is a count of none), Del takes
/// the line off; Esc clears what is typed, then closes the sheet (nothing is kept).
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(sheet) = state.stock_sheet.as_mut() else { return };
    if sheet.applying {
        return;
    }
    if let Some(field) = sheet.typing {
        return type_text(sheet, field, key);
    }
    let qty = sheet.lines.get(sheet.cursor).map_or(0, |l| l.qty);
    match key {
        Key::F(3) if sheet.is_count() && sheet.lines.is_empty() => {
            if let SheetKind::Count { scope } = &mut sheet.kind {
                *scope = scope.next(&state.catalogue);
            }
        }
        Key::F(k @ (3 | 4)) if !sheet.is_count() => {
            sheet.typing = Some(if k == 3 { SheetText::Supplier } else { SheetText::Note });
        }
        Key::Char('+') => set_qty(state, qty.saturating_add(1), fx),
        Key::Char('-') if qty > 0 => set_qty(state, qty - 1, fx),
        Key::Char('*') => match std::mem::take(&mut state.input).parse::<i64>() {
            Ok(n) => set_qty(state, n, fx),
            _ => refuse(state, Notice::BadQuantity, fx),
        },
        Key::Char(c) if c.is_ascii_alphanumeric() && state.input.len() < 32 => state.input.push(c),
        Key::Backspace => {
            state.input.pop();
        }
        Key::Delete if !sheet.lines.is_empty() => {
            let at = sheet.cursor.min(sheet.lines.len() - 1);
            sheet.lines.remove(at);
            sheet.cursor = at.min(sheet.lines.len().saturating_sub(1));
        }
        Key::Up => sheet.cursor = sheet.cursor.saturating_sub(1),
        Key::Down => sheet.cursor = (sheet.cursor + 1).min(sheet.lines.len().saturating_sub(1)),
        Key::Enter if !state.input.is_empty() => {
            let code = std::mem::take(&mut state.input);
            add(state, &code, fx)
        }
        Key::Enter => apply(state, fx),
        Key::F(2) => {
            sheet.parked = true;
            state.notice = Some(say(StockNotice::Parked));
        }
        Key::Esc if !state.input.is_empty() => state.input.clear(),
        Key::Esc => {
            state.stock_sheet = None;
            state.notice = None;
        }
        _ => {}
    }
}

/// Keys while the supplier or note is typed: characters, Backspace; Enter or Esc ends the typing.
fn type_text(sheet: &mut StockSheet, field: SheetText, key: Key) {
    let SheetKind::GoodsIn { supplier, note } = &mut sheet.kind else { return };
    let text = if field == SheetText::Supplier { supplier } else { note };
    match key {
        Key::Char(c) if !c.is_control() && text.chars().count() < field.max_len() => text.push(c),
        Key::Backspace => {
            text.pop();
        }
        Key::Enter | Key::Esc => {
            *text = text.trim().to_string();
            sheet.typing = None;
        }
        _ => {}
    }
}

/// Enter on the sheet: written in one step by the app.
fn apply(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(sheet) = state.stock_sheet.as_mut() else { return };
    if sheet.lines.is_empty() {
        return refuse(state, say(StockNotice::NothingToApply), fx);
    }
    sheet.applying = true;
    sheet.applied_at = Some(state.now);
    let export_dir = state.office.export_dir.clone();
    fx.push(Effect::Stock(StockEffect::Apply { sheet: Box::new(sheet.clone()), export_dir }));
    state.notice = Some(say(StockNotice::Applying));
}

/// The app's answer.
pub(super) fn on_msg(state: &mut State, msg: StockMsg, fx: &mut Vec<Effect>) {
    match msg {
        StockMsg::Applied { number, counts } => {
            state.catalogue.set_stock(counts);
            let Some(sheet) = state.stock_sheet.take_if(|s| s.number == number) else { return };
            let deltas = sheet.deltas();
            let units = deltas.iter().map(|(_, d)| d).sum();
            state.notice = Some(say(StockNotice::Applied { number, lines: deltas.len(), units }));
            fx.push(Effect::Beep(Beep::Success));
        }
        StockMsg::Failed { number, error } => {
            if let Some(sheet) = state.stock_sheet.as_mut().filter(|s| s.number == number) {
                sheet.applying = false;
                sheet.applied_at = None;
            }
            refuse(state, say(StockNotice::Failed { error }), fx);
        }
    }
}
