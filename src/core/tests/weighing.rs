//! Weighing at the till (core::weighing): only a stable, fresh, non-zero weight enters the sale.

use super::*;
use crate::core::catalog::ProductKind;
use crate::core::scale_label::Grams;
use crate::core::weighing::Reading;

const APPLES: &str = "2100015";

fn till() -> Till {
    let mut t = Till::new();
    let mut apples = Product::new(APPLES, "苹果", Fen(980));
    apples.kind = ProductKind::Weighed;
    let products: Vec<Product> = t.state.catalogue.iter().cloned().chain([apples]).collect();
    t.state.catalogue = Catalogue::new(products);
    t
}

fn weigh(t: &mut Till, grams: u32, stable: bool) {
    t.send(Msg::Scale(Some(Reading { grams: Grams(grams), stable })));
}

#[test]
fn only_a_stable_weight_enters_the_sale_at_the_price_per_kilogram() {
    let mut t = till();
    weigh(&mut t, 1180, false);
    let fx = t.scan(APPLES);
    assert_eq!(t.state.notice, Some(Notice::ScaleNotStable));
    assert_eq!(fx, vec![Effect::Beep(Beep::Error)]);
    assert!(t.state.sale.lines.is_empty());
    weigh(&mut t, 0, true);
    t.scan(APPLES);
    assert!(t.state.sale.lines.is_empty(), "an empty scale sells nothing");
    weigh(&mut t, 1234, true);
    t.scan(APPLES);
    let line = &t.state.sale.lines[0];
    // 9.80 × 1.234 kg = 12.0932: 12.09.
    assert_eq!((line.name.as_str(), line.unit_price, line.barcode.as_str()), ("苹果 1.234kg", Fen(1209), APPLES));
}

#[test]
fn the_tare_is_what_was_on_the_scale_and_comes_off_each_weight() {
    let mut t = till();
    weigh(&mut t, 30, false);
    t.send(Msg::Act(intent::Intent::Tare));
    assert_eq!(t.state.notice, Some(Notice::ScaleNotStable), "a tare needs a settled weight too");
    weigh(&mut t, 30, true);
    let fx = t.send(Msg::Act(intent::Intent::Tare));
    assert!(fx.contains(&Effect::Beep(Beep::Accepted)));
    weigh(&mut t, 1264, true);
    t.scan(APPLES);
    assert_eq!(t.state.sale.lines[0].name, "苹果 1.234kg");
    // The empty scale tared again clears it.
    weigh(&mut t, 0, true);
    t.send(Msg::Act(intent::Intent::Tare));
    assert_eq!(t.state.scale.map(|s| s.tare), Some(Grams(0)));
}

#[test]
fn a_scale_gone_quiet_or_away_sells_nothing_and_without_a_scale_the_price_is_asked() {
    let mut t = till();
    weigh(&mut t, 1234, true);
    t.wait(4);
    t.scan(APPLES);
    assert_eq!(t.state.notice, Some(Notice::ScaleNotStable), "3 s without news: no weight");
    t.send(Msg::Scale(None));
    t.scan(APPLES);
    assert!(t.state.sale.lines.is_empty());
    // A till without a scale asks the price, as before.
    let mut t = till();
    t.scan(APPLES);
    assert!(matches!(t.state.screen, Screen::PriceEntry(_)));
}
