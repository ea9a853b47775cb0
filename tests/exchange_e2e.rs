#![allow(clippy::panic)] // a test fails by panicking
//! An exchange (换货) end to end: the real `till` binary (headless), a real store file, the Cloud Pay
//! simulator. F3, F7, a cola (3.50) scanned back, F4 (operator 01, a supervisor, is signed in: the
//! approval is theirs), the noodles (4.50) scanned out. The plug is pulled: after the restart the
//! exchange is back on screen with its credit. The customer pays the 1.00 difference by WeChat; the
//! exchange slip is printed and decoded back; the paid exchange is on disk with its credit, reason
//! and supervisor.

mod common;

use common::process::World;
use std::time::Duration;
use till::core::exchange::ExchangeNotice;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::{OrderStatus, Tender};
use till::core::{Key, Screen};
use till::escpos::PrinterProfile;
use till::sim::cloudpay::SimConfig;

const COLA: &str = "6900138600889"; // 3.50
const NOODLES: &str = "6920152400777"; // 4.50
const SECS: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn an_exchange_survives_a_kill_and_the_difference_is_paid_by_code_and_printed() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.open_return_form();
    till.scan(COLA);
    till.key(Key::F(4));
    till.wait_for("credit on the sale", SECS(5), |o| {
        o.screen == Screen::Sale
            && o.notice == Some(Notice::Exchange(ExchangeNotice::ScanNewGoods { credit: Fen(350) }))
    });
    till.scan(NOODLES);
    till.wait_for("the difference", SECS(5), |o| o.total == Fen(100));
    // The plug is pulled with the exchange under way: nothing of it is lost.
    till.kill9();
    let mut till = w.start_till();
    till.wait_for("the exchange is back", SECS(10), |o| o.screen == Screen::Sale && o.total == Fen(100));
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    let printed = w.receipts().len();
    till.scan("134680423163089456");
    let done = till.wait_for("paid", SECS(10), |o| matches!(o.screen, Screen::Done { .. }));
    assert_eq!(
        done.notice,
        Some(Notice::Paid { platform: Some(till::core::code::Platform::WeChat), amount: Fen(100) })
    );
    let number = done.number.expect("order number");
    // The exchange slip, decoded back from the printer's bytes (waited for with a deadline).
    let p = PrinterProfile::mm58();
    let slip = || till::app::receipt::preview(&w.receipts()[printed..], &p).join("\n");
    common::wait_until("the exchange slip", SECS(10), || slip().contains(&number[number.len() - 6..]));
    let text = slip();
    let title =
        till::i18n::exchange::exchange_text(till::core::Lang::Zh, till::i18n::exchange::ExchangeText::SlipTitle);
    let title_en =
        till::i18n::exchange::exchange_text(till::core::Lang::En, till::i18n::exchange::ExchangeText::SlipTitle);
    assert!(text.contains(title) || text.contains(title_en), "{text}");
    assert!(text.contains("-3.50") && text.contains("4.50") && text.contains("1.00"), "{text}");
    till.quit();
    let stored = w.stored_orders();
    let x = stored.iter().find(|o| o.number.as_deref() == Some(number.as_str())).expect("the exchange is stored");
    let credit = x.exchange.clone().expect("an exchange");
    assert_eq!((credit.credit, credit.approved_by.as_str()), (Fen(350), "01"));
    assert_eq!((x.status, x.goods_total(), x.total()), (OrderStatus::Paid, Fen(450), Fen(100)));
    assert!(matches!(x.tender, Some(Tender::Code { .. })), "{:?}", x.tender);
    assert_eq!(stored.iter().filter(|o| o.exchange.is_some()).count(), 1, "one exchange, across the kill");
}
