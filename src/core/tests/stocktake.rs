//! Goods in and stock counts (入库 / 盘点): a supervisor's sheet, the count's expected level taken
//! when each product is first scanned, and the change applied as a delta, so sales made while the
//! count goes on are kept.

use super::held::{as_cashier, key, saved, supervisor_approves};
use super::*;
use crate::core::intent::Intent;
use crate::core::stocktake::{SheetKind, StockEffect, StockMsg, StockNotice, StockSheet};

const COLA: &str = "6900138600889";
const NOODLES: &str = "6920152400777";

fn applied(fx: &[Effect]) -> Option<StockSheet> {
    fx.iter().find_map(|e| match e {
        Effect::Stock(StockEffect::Apply { sheet, .. }) => Some((**sheet).clone()),
        _ => None,
    })
}

fn counts(t: &mut Till, counts: &[(&str, i64)]) {
    t.send(Msg::StockCounts { counts: counts.iter().map(|(b, n)| (b.to_string(), *n)).collect() });
}

#[test]
fn a_count_records_the_variance_against_the_level_when_each_item_was_counted_and_a_sale_meanwhile_is_kept() {
    let mut t = Till::new();
    counts(&mut t, &[(COLA, 10), (NOODLES, 5)]);
    as_cashier(&mut t);
    // A cashier asks: a supervisor's PIN first, nothing opens before it.
    t.send(Msg::Act(Intent::StockCount));
    assert!(t.state.stock_sheet.is_none());
    supervisor_approves(&mut t);
    let sheet = t.state.stock_sheet.clone().expect("the count is open");
    assert_eq!((sheet.approved_by.as_str(), sheet.operator.as_str()), ("01", "02"));
    assert!(sheet.number.starts_with("PD250301") && sheet.number.ends_with("01"), "{}", sheet.number);
    // Nine colas on the shelf: scanned once, then 9 typed with `*`.
    t.scan(COLA);
    for c in "9*".chars() {
        key(&mut t, Key::Char(c));
    }
    let line = t.state.stock_sheet.as_ref().expect("sheet").lines[0].clone();
    assert_eq!((line.expected, line.qty), (Some(10), 9));
    // Put aside (F2): a customer buys two colas; the store moves the count to 8.
    key(&mut t, Key::F(2));
    assert!(t.state.stock_sheet.as_ref().is_some_and(|s| s.parked));
    t.scan(COLA);
    t.scan(COLA);
    assert_eq!(t.state.sale.lines.len(), 1, "the scans went to the sale, not the sheet");
    key(&mut t, Key::F(2));
    t.typed("10");
    assert!(matches!(t.state.screen, Screen::Done { .. }));
    key(&mut t, Key::Esc);
    counts(&mut t, &[(COLA, 8)]);
    // Back to the count (no second PIN): the noodles are counted now, against today's 5.
    t.send(Msg::Act(Intent::StockCount));
    assert!(t.state.auth.prompt.is_none() && t.state.stock_sheet.as_ref().is_some_and(|s| !s.parked));
    t.scan(NOODLES);
    for c in "4*".chars() {
        key(&mut t, Key::Char(c));
    }
    let fx = key(&mut t, Key::Enter);
    let sheet = applied(&fx).expect("applied in one step");
    assert!(saved(&fx).is_empty(), "no order is saved by a sheet");
    // The cola's variance is against 10, the level when it was counted (the sale came after):
    // 8 now − 1 = 7 on the shelf, as there are. The noodles: −1 against 5.
    assert_eq!(sheet.deltas(), vec![(COLA.to_string(), -1), (NOODLES.to_string(), -1)]);
    assert_eq!(t.state.notice, Some(Notice::Stock(StockNotice::Applying)));
    // Keys wait for the outcome; then the counts are the store's.
    key(&mut t, Key::Esc);
    assert!(t.state.stock_sheet.is_some());
    let number = sheet.number.clone();
    let counts_now = vec![(COLA.to_string(), 7), (NOODLES.to_string(), 4)];
    t.send(Msg::Stock(StockMsg::Applied { number: number.clone(), counts: counts_now }));
    assert!(t.state.stock_sheet.is_none());
    assert_eq!((t.state.catalogue.stock(COLA), t.state.catalogue.stock(NOODLES)), (Some(7), Some(4)));
    assert_eq!(t.state.notice, Some(Notice::Stock(StockNotice::Applied { number, lines: 2, units: -2 })));
}

#[test]
fn goods_in_adds_what_was_received_and_a_failed_write_keeps_the_sheet() {
    let mut t = Till::new();
    counts(&mut t, &[(COLA, 3)]);
    let kind = SheetKind::GoodsIn { supplier: "可口可乐公司".into(), note: "周一到货".into() };
    t.send(Msg::Act(Intent::GoodsIn { supplier: "可口可乐公司".into(), note: "周一到货".into() }));
    let sheet = t.state.stock_sheet.clone().expect("a supervisor signed in opens it at once");
    assert_eq!(sheet.kind, kind);
    assert!(sheet.number.starts_with("RK"));
    t.scan(COLA);
    t.scan(COLA);
    t.typed(NOODLES); // not counted before: it starts at what was received
    t.send(Msg::Scan("123".into()));
    assert!(matches!(t.state.notice, Some(Notice::Stock(StockNotice::NotOnSheet { .. }))));
    let sheet = applied(&key(&mut t, Key::Enter)).expect("applied");
    assert_eq!(sheet.deltas(), vec![(COLA.to_string(), 2), (NOODLES.to_string(), 1)]);
    t.send(Msg::Stock(StockMsg::Failed { number: sheet.number.clone(), error: "disk full".into() }));
    let kept = t.state.stock_sheet.as_ref().expect("kept");
    assert!(!kept.applying && kept.lines.len() == 2);
    assert_eq!(t.state.catalogue.stock(COLA), Some(3), "nothing changed");
    // Esc discards it; an empty sheet is refused.
    key(&mut t, Key::Esc);
    assert!(t.state.stock_sheet.is_none());
    t.send(Msg::Act(Intent::StockCount));
    assert!(applied(&key(&mut t, Key::Enter)).is_none());
    assert_eq!(t.state.notice, Some(Notice::Stock(StockNotice::NothingToApply)));
}

#[test]
fn a_sheet_opens_only_from_an_empty_sale_or_the_low_stock_list() {
    let mut t = Till::new();
    t.scan(COLA);
    t.send(Msg::Act(Intent::StockCount));
    assert!(t.state.stock_sheet.is_none());
    assert_eq!(t.state.notice, Some(Notice::Stock(StockNotice::FinishSaleFirst)));
    key(&mut t, Key::Delete);
    key(&mut t, Key::F(11));
    assert_eq!(t.state.screen, Screen::LowStock);
    key(&mut t, Key::F(5));
    assert!(matches!(t.state.stock_sheet.as_ref().map(|s| &s.kind), Some(SheetKind::GoodsIn { .. })));
}

/// A count of one category (分类盘点): F3 on the empty count sheet steps through the catalogue's
/// categories; a product of another category is refused; only the category's products are
/// uncounted.
#[test]
fn a_count_of_one_category_takes_only_its_products() {
    use crate::core::stocktake::Scope;
    let mut t = Till::new();
    let mut cola = t.state.catalogue.get(COLA).cloned().expect("cola");
    cola.category = "饮料".into();
    let mut noodles = t.state.catalogue.get(NOODLES).cloned().expect("noodles");
    noodles.category = "方便面".into();
    t.state.catalogue = crate::core::catalog::Catalogue::new([cola, noodles]);
    counts(&mut t, &[(COLA, 5), (NOODLES, 7)]);
    t.send(Msg::Act(Intent::StockCount));
    let scope = |t: &Till| match t.state.stock_sheet.as_ref().map(|s| &s.kind) {
        Some(SheetKind::Count { scope }) => scope.clone(),
        _ => Scope::Category("not a count".into()),
    };
    assert_eq!(scope(&t), Scope::Everything);
    key(&mut t, Key::F(3));
    assert_eq!(scope(&t), Scope::Category("方便面".into()), "categories in order");
    key(&mut t, Key::F(3));
    assert_eq!(scope(&t), Scope::Category("饮料".into()));
    let sheet = t.state.stock_sheet.clone().expect("sheet");
    assert_eq!(sheet.uncounted(&t.state.catalogue), 1, "only the drinks are to count");
    t.scan(NOODLES);
    assert!(matches!(t.state.notice, Some(Notice::Stock(StockNotice::NotOnSheet { .. }))));
    t.scan(COLA);
    // Once something is counted, F3 no longer changes what the count is of.
    key(&mut t, Key::F(3));
    assert_eq!(scope(&t), Scope::Category("饮料".into()));
    let sheet = applied(&key(&mut t, Key::Enter)).expect("applied");
    assert_eq!(sheet.deltas(), vec![(COLA.to_string(), -4)]);
}

/// The supplier and a note are typed on the goods-in sheet (F3, F4; Enter ends the typing) and
/// go with the sheet when it is applied.
#[test]
fn the_supplier_and_a_note_are_typed_on_the_goods_in_sheet() {
    let mut t = Till::new();
    t.send(Msg::Act(Intent::GoodsIn { supplier: String::new(), note: String::new() }));
    key(&mut t, Key::F(3));
    for c in "可口可乐公司 ".chars() {
        key(&mut t, Key::Char(c));
    }
    key(&mut t, Key::Enter);
    key(&mut t, Key::F(4));
    for c in "周一到货x".chars() {
        key(&mut t, Key::Char(c));
    }
    key(&mut t, Key::Backspace);
    key(&mut t, Key::Enter);
    t.scan(COLA);
    let sheet = applied(&key(&mut t, Key::Enter)).expect("applied");
    assert_eq!(sheet.kind, SheetKind::GoodsIn { supplier: "可口可乐公司".into(), note: "周一到货".into() });
    assert!(sheet.typing.is_none());
}
