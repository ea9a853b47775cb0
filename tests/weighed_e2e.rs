//! Weighed goods end to end through the real `till` binary (headless) against the Cloud Pay
//! simulator: a price label from a label scale, and apples weighed on a counter scale played by a
//! pty (unstable frames, then stable), sold for cash; the store keeps the weight in the line.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::process::World;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use till::core::catalog::{WeighedLayout, weighed_label};
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::OrderStatus;
use till::core::scale_label::Grams;
use till::core::{Key, Screen};
use till::devices::scale::ScaleConfig;
use till::sim::cloudpay::SimConfig;

const SECS: fn(u64) -> Duration = Duration::from_secs;
const APPLES: &str = "2100015";

#[test]
fn a_label_and_a_stable_weight_from_a_pty_scale_are_sold_and_an_unstable_one_is_not() {
    let pair = nix::pty::openpty(None, None).unwrap();
    let path = std::fs::read_link(format!("/proc/self/fd/{}", pair.slave.as_raw_fd())).unwrap();
    let scale: ScaleConfig = toml::from_str(&format!("path = {path:?}\nprotocol = \"aclas_stream\"")).unwrap();
    let mut w = World::new(SimConfig::default(), move |c| c.scale = Some(scale));

    // Apples sold by weight at 9.80 a kilogram.
    let csv = w.dir.path().join("catalogue.csv");
    std::fs::write(&csv, format!("barcode,name,price,stock,kind\n{APPLES},Apples,9.80,,weighed\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["catalogue", "import", csv.to_str().unwrap(), "--config"])
        .arg(&w.config_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The scale: goods settling (unstable frames) until the test says they have settled.
    let settled = Arc::new(AtomicBool::new(false));
    let mut master = std::fs::File::from(pair.master);
    let settled_sim = settled.clone();
    std::thread::spawn(move || {
        loop {
            let frame: &[u8] =
                if settled_sim.load(Ordering::SeqCst) { b"ST,GS,+001.234kg\r\n" } else { b"US,GS,+001.180kg\r\n" };
            if master.write_all(frame).is_err() {
                return;
            }
            // The scale's own pace: 8 frames a second.
            std::thread::sleep(Duration::from_millis(125));
        }
    });

    let mut till = w.start_till();
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    // A label from the label scale: 12.34.
    let label = weighed_label(APPLES, Fen(1234), &WeighedLayout::default()).unwrap();
    till.scan(&label);
    till.wait_for("the label's price", SECS(5), |o| o.total == Fen(1234));
    // On the counter scale, still settling: refused.
    till.wait_for("the scale's weight", SECS(10), |o| o.scale.is_some_and(|r| !r.stable));
    till.scan(APPLES);
    till.wait_for("refused", SECS(5), |o| o.notice == Some(Notice::ScaleNotStable));
    // Settled: 9.80 × 1.234 kg = 12.09.
    settled.store(true, Ordering::SeqCst);
    till.wait_for("a stable weight", SECS(10), |o| o.scale.is_some_and(|r| r.stable && r.grams == Grams(1234)));
    till.scan(APPLES);
    till.wait_for("the weighed apples", SECS(5), |o| o.total == Fen(1234 + 1209));
    till.typed("");
    till.key(Key::Char('c'));
    till.typed("30");
    let deadline = Instant::now() + SECS(5);
    let done = till.poll_until(deadline, |o| o.sale_status == OrderStatus::Paid).expect("paid");
    assert_eq!(done.screen, Screen::Done { change: Fen(3000 - 2443) });
    till.quit();
    let orders = w.stored_orders();
    let paid = orders.iter().find(|o| o.status == OrderStatus::Paid).expect("the paid order");
    let lines: Vec<(&str, Fen)> = paid.lines.iter().map(|l| (l.name.as_str(), l.unit_price)).collect();
    assert_eq!(lines, vec![("Apples", Fen(1234)), ("Apples 1.234kg", Fen(1209))]);
    drop(pair.slave);
}
