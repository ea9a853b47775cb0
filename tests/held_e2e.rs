#![allow(clippy::panic)] // a test fails by panicking
//! Held sales (挂单 / 取单) end to end: the real `till` binary (headless), a real store file, the Cloud
//! Pay simulator. A sale is held, the till is killed (SIGKILL) and started again on the same store:
//! the held sale is in the list, is taken back by its number and paid, and nothing was charged,
//! voided or counted twice.

mod common;

use common::process::World;
use std::time::Duration;
use till::core::Screen;
use till::core::intent::Intent;
use till::core::money::Fen;
use till::core::order::{OrderStatus, Tender};
use till::core::{Key, Msg};
use till::sim::cloudpay::SimConfig;

const COLA: &str = "6900138600889"; // 3.50
const NOODLES: &str = "6920152400777"; // 4.50
const SECS: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn a_held_sale_survives_a_kill_and_is_taken_back_by_its_number_and_paid() {
    let mut w = World::new(SimConfig::default(), |_| {});
    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan(COLA);
    till.scan(COLA);
    till.wait_for("two colas", SECS(5), |o| o.total == Fen(700));
    // The customer goes back for something: the sale is held (the keypad's `/`).
    till.key(Key::Char('/'));
    let o = till.wait_for("held", SECS(5), |o| o.held.len() == 1 && o.total == Fen::ZERO);
    let held = o.held[0].clone();
    assert_eq!((held.number, held.items, held.total), (1, 2, Fen(700)));
    let held_id = w_sale_id_before(&till.seen, Fen(700));
    // The next customer's noodles are being rung up when the plug is pulled.
    till.scan(NOODLES);
    till.wait_for("noodles", SECS(5), |o| o.total == Fen(450));
    till.kill9();

    let mut till = w.start_till();
    let o = till.wait_for("restarted", SECS(10), |o| o.screen == Screen::Sale && o.total == Fen(450));
    assert_eq!(o.held.len(), 1, "the held sale is still held: {o:?}");
    assert_eq!((o.held[0].number, o.held[0].total, o.held[0].held_at), (1, Fen(700), held.held_at));
    // The noodles are paid in cash; then number 1 is taken back by a script, and paid by code.
    till.key(Key::F(2));
    till.typed("5");
    till.wait_for("cash sale done", SECS(5), |o| matches!(o.screen, Screen::Done { .. }));
    till.key(Key::Esc);
    till.wait_for("empty sale", SECS(5), |o| o.screen == Screen::Sale && o.total == Fen::ZERO);
    till.send(&Msg::Act(Intent::Resume { number: 1 }));
    let o = till.wait_for("taken back", SECS(5), |o| o.total == Fen(700) && o.held.is_empty());
    assert_eq!(o.sale_id, held_id, "the same order came back");
    till.typed("");
    till.wait_for("tender screen", SECS(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
    till.scan("134680423163089456");
    let done = till.wait_for("paid", SECS(15), |o| matches!(o.screen, Screen::Done { .. }));
    let no = done.number.clone().expect("number");
    till.quit();

    // The books: the held order was paid once under its own id; nothing was voided.
    assert_eq!(w.sim.charge_count(&no), 1);
    let orders = w.stored_orders();
    let paid = orders.iter().find(|o| o.id == held_id).expect("the held order");
    assert_eq!((paid.status, paid.total()), (OrderStatus::Paid, Fen(700)));
    assert!(matches!(paid.tender, Some(Tender::Code { .. })));
    assert!(paid.hold.is_none());
    assert!(orders.iter().all(|o| o.status != OrderStatus::Voided), "nothing voided: {orders:#?}");
    assert_eq!(orders.iter().filter(|o| o.status == OrderStatus::Paid).count(), 2);
}

/// The id of the sale that showed `total` on screen before it was held.
fn w_sale_id_before(seen: &[till::app::headless::Observation], total: Fen) -> u64 {
    seen.iter().rev().find(|o| o.total == total).map(|o| o.sale_id).expect("the sale was seen")
}
