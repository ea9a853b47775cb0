//! A 满减 sale end to end (issue 19): the real `till` binary (headless), the Cloud Pay simulator on
//! loopback, a real store. The catalogue (with categories) and the promotions are imported by CSV
//! through `till catalogue import` and `till promotions import`; the till prices the sale with them,
//! it is paid by a WeChat code, and the receipt is decoded back: each promotion its own row. One item
//! then comes back: the refund is what was paid for it after its share of the promotions.

mod common;

use common::process::World;
use std::time::Duration;
use till::core::money::Fen;
use till::core::pricing::Source;
use till::core::{Key, Screen};
use till::escpos::{PrinterProfile, decode, to_text_lines};
use till::sim::cloudpay::SimConfig;

const COLA: &str = "6900138600889";
const RICE: &str = "6903009008081";
const SECS: fn(u64) -> Duration = Duration::from_secs;

const CATALOGUE: &str = "barcode,name,price,stock,kind,category\n\
    6900138600889,Cola 330ml,3.50,,normal,饮料\n\
    6903009008081,Rice 5kg,39.90,,normal,粮油\n";

// 满100减10 / 满200减30 on everything; 第2件半价 on the 饮料 category; and an old 满减 that would
// give more but whose dates are past.
const PROMOTIONS: &str = "id,name,kind,value,scope,from,until,days,hours\n\
    M1,满200减30,threshold,100-10;200-30,all,,,,\n\
    N1,饮料第2件半价,nth,2/50,cat:饮料,,,,\n\
    OLD,满100减50,threshold,100-50,all,2020-01-01,2020-12-31,,\n";

#[test]
fn a_threshold_sale_imported_by_csv_takes_its_highest_tier_and_prints_each_promotion() {
    let mut w = World::new(SimConfig::default(), |_| {});
    w.import_csv("catalogue", CATALOGUE);
    w.import_csv("promotions", PROMOTIONS);
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);

    // 2 colas (7.00, the second half price: -1.75) and 2 bags of rice (79.80): 85.05, below 100.
    till.scan(COLA);
    till.scan(COLA);
    till.scan(RICE);
    till.scan(RICE);
    till.wait_for("below the first tier", SECS(5), |o| o.total == Fen(8_505));
    // Three more bags: 206.50 before, 204.75 after the half price, so 满200减30: 174.75.
    till.scan(RICE);
    till.scan(RICE);
    till.scan(RICE);
    till.wait_for("the highest tier reached", SECS(5), |o| o.total == Fen(17_475));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.scan("134680423163089456");
    let done = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    let number = done.number.expect("order number");
    till.key(Key::Esc);
    till.wait_for("sale screen", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen(0));

    // One cola comes back: the refund is what was paid for it after its share of both promotions.
    // The colas' net: 7.00 - 1.75 - 0.77 (their share of the 30.00, by largest remainder) = 4.48; one: 2.24.
    till.refund_first_line_units(&number, 1, Fen(224));
    till.quit();

    // The order keeps each promotion with its amount, for the reports and the back office.
    let stored = w.stored_orders().into_iter().find(|s| s.number.as_deref() == Some(number.as_str())).expect("stored");
    let given: Vec<(String, Fen)> = stored
        .discounts
        .iter()
        .map(|d| match &d.source {
            Source::Promotion { id, .. } => (id.clone(), d.amount),
            other => panic!("only promotions were given: {other:?}"),
        })
        .collect();
    assert_eq!(given, vec![("N1".to_string(), Fen(175)), ("M1".to_string(), Fen(3_000))]);
    assert_eq!(stored.total(), Fen(17_475));
    // Each line's share: the colas carry 1.75 and their part of the 30.00, by their net.
    let nets: Fen = (0..stored.lines.len()).map(|i| stored.line_net(i)).sum();
    assert_eq!(nets, Fen(17_475), "the lines' nets add up to what was paid");
    assert_eq!(stored.refunds[0].amount, Fen(224), "what was paid for one cola, not its 3.50");

    // The receipt, decoded back: subtotal, each promotion by its name, the total paid.
    let elements = decode(&w.receipts(), &PrinterProfile::mm58()).expect("receipts decode");
    let lines = to_text_lines(&elements, 32);
    let row = |label: &str, amount: &str| lines.iter().any(|l| l.starts_with(label) && l.trim_end().ends_with(amount));
    assert!(row("Subtotal", "206.50"), "{lines:#?}");
    assert!(row("饮料第2件半价", "-1.75"), "{lines:#?}");
    assert!(row("满200减30", "-30.00"), "{lines:#?}");
    assert!(row("Total", "174.75"), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("满100减50")), "a promotion out of its dates is not given: {lines:#?}");
}
