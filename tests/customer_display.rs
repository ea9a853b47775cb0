//! The customer display (客显) through a pty: the far end decodes the bytes back into what an LED
//! price display or a CD5220 VFD would show (`devices::display::reader`). First the worker alone,
//! then the real `till` binary, headless, selling against the Cloud Pay simulator.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::process::{TillProcess, World};
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use till::core::Lang;
use till::core::display::Shown;
use till::core::money::Fen;
use till::core::order::AttemptState;
use till::core::{Key, Screen};
use till::devices::Flow;
use till::devices::display::reader::{Reader, Showing};
use till::devices::display::{DisplayConfig, DisplayProfile, SerialDisplay};
use till::sim::cloudpay::SimConfig;

const SECS: fn(u64) -> Duration = Duration::from_secs;

/// The display's end of a pty: every picture it completes, decoded.
struct DisplayEnd {
    path: PathBuf,
    _slave: OwnedFd,
    rx: mpsc::Receiver<Showing>,
    /// Every picture so far, oldest first.
    seen: Vec<Showing>,
}

impl DisplayEnd {
    fn new(profile: DisplayProfile) -> DisplayEnd {
        let pair = nix::pty::openpty(None, None).unwrap();
        let path = std::fs::read_link(format!("/proc/self/fd/{}", pair.slave.as_raw_fd())).unwrap();
        let mut master = std::fs::File::from(pair.master);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = Reader::new(profile);
            let mut buf = [0u8; 256];
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 {
                    return;
                }
                for b in &buf[..n] {
                    let before = reader.showing.pictures;
                    reader.feed(&[*b]);
                    if reader.showing.pictures != before && tx.send(reader.showing.clone()).is_err() {
                        return;
                    }
                }
            }
        });
        DisplayEnd { path, _slave: pair.slave, rx, seen: Vec::new() }
    }

    fn config(&self, profile: DisplayProfile) -> DisplayConfig {
        DisplayConfig { profile, path: self.path.clone(), baud: 9600, flow: Flow::None }
    }

    /// Waits until the display shows what `pred` wants; panics with the last pictures if not in time.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Showing) -> bool) -> Showing {
        if let Some(s) = self.seen.last().filter(|s| pred(s)) {
            return s.clone();
        }
        let deadline = Instant::now() + SECS(10);
        loop {
            match self.rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(s) => {
                    self.seen.push(s.clone());
                    if pred(&s) {
                        return s;
                    }
                }
                Err(_) => panic!(
                    "the display never showed {what}; last: {:#?}",
                    self.seen.iter().rev().take(3).collect::<Vec<_>>()
                ),
            }
        }
    }
}

fn led(legend: &str, number: &str) -> impl Fn(&Showing) -> bool {
    let (legend, number) = (legend.to_string(), number.to_string());
    move |s: &Showing| s.legend_name() == legend && s.number == number
}

#[test]
fn the_worker_writes_each_picture_over_the_serial_port_and_the_newest_wins() {
    let mut end = DisplayEnd::new(DisplayProfile::Cd5220);
    let port = Arc::new(SerialDisplay::new(&end.config(DisplayProfile::Cd5220)));
    let feed = till::app::display::start(port, DisplayProfile::Cd5220, Lang::En).unwrap();
    end.wait_for("welcome", |s| s.upper == "WELCOME");
    feed.show(Shown::Item { price: Fen(350), total: Fen(350) });
    end.wait_for("the price", |s| s.upper == "PRICE           3.50" && s.lower == "TOTAL           3.50");
    for n in 1..=50 {
        feed.show(Shown::Item { price: Fen(350), total: Fen(350 * n) });
    }
    feed.show(Shown::Paid { received: Fen(20000), change: Fen(2500) });
    let s = end.wait_for("paid", |s| s.lower.starts_with("CHANGE"));
    assert_eq!((s.upper.as_str(), s.lower.as_str()), ("CASH          200.00", "CHANGE         25.00"));
}

fn world(profile: DisplayProfile, end: &DisplayEnd) -> World {
    let sim = SimConfig { user_paying_polls: 2, ..SimConfig::default() };
    let config = end.config(profile);
    World::new(sim, move |c| c.display = Some(config))
}

fn ring_up(till: &mut TillProcess) {
    till.wait_for("ready", SECS(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
    till.scan("6900138600889");
    till.scan("6900138600889");
    till.scan("6920152400777");
    till.wait_for("three items", SECS(5), |o| o.total == Fen(1150));
}

#[test]
fn the_led_display_shows_each_price_the_total_while_a_code_is_confirmed_and_paid_only_once_paid() {
    let mut end = DisplayEnd::new(DisplayProfile::Led8);
    let mut w = world(DisplayProfile::Led8, &end);
    let mut till = w.start_till();
    ring_up(&mut till);
    end.wait_for("the noodles' price", led("单价", "4.50"));
    assert!(end.seen.iter().any(led("单价", "3.50")), "the cola's price was shown: {:#?}", end.seen);
    till.typed("");
    end.wait_for("the total", led("总计", "11.50"));
    // The customer types a password on the phone: the till queries until it is paid.
    till.scan("282129340414390001");
    till.wait_for("waiting for the password", SECS(5), |o| o.attempt == Some(AttemptState::UserPaying));
    till.wait_for("paid", SECS(20), |o| matches!(o.screen, Screen::Done { .. }));
    end.wait_for("received", led("收款", "11.50"));
    let paid_at = end.seen.iter().position(led("收款", "11.50")).unwrap();
    let before = &end.seen[..paid_at];
    assert!(before.iter().all(|s| s.legend != 3 && s.legend != 4), "no paid state before paid: {before:#?}");
    assert!(led("总计", "11.50")(&before[before.len() - 1]), "the total stayed up while confirming: {before:#?}");
    till.quit();
}

#[test]
fn the_vfd_shows_the_cash_received_and_the_change() {
    let mut end = DisplayEnd::new(DisplayProfile::Cd5220);
    let mut w = world(DisplayProfile::Cd5220, &end);
    let mut till = w.start_till();
    end.wait_for("welcome", |s| s.upper == "WELCOME");
    ring_up(&mut till);
    end.wait_for("the running total", |s| s.upper == "PRICE           4.50" && s.lower == "TOTAL          11.50");
    till.typed("");
    end.wait_for("the total", |s| s.upper == "TOTAL          11.50");
    till.key(Key::Char('c'));
    till.typed("20");
    till.wait_for("cash paid", SECS(5), |o| o.screen == Screen::Done { change: Fen(850) });
    let s = end.wait_for("the change", |s| s.lower.starts_with("CHANGE"));
    assert_eq!((s.upper.as_str(), s.lower.as_str()), ("CASH           20.00", "CHANGE          8.50"));
    till.key(Key::Esc);
    end.wait_for("welcome again", |s| s.upper == "WELCOME");
    till.quit();
}

/// A scale simulator on a pty: indicator frames, unstable while the goods settle, then stable.
#[test]
fn the_scale_reader_reports_unstable_then_stable_weights_from_a_pty() {
    use std::io::Write;
    use till::core::scale_label::Grams;
    use till::core::weighing::Reading;
    use till::devices::scale::{self, ScaleConfig};
    let pair = nix::pty::openpty(None, None).unwrap();
    let path = std::fs::read_link(format!("/proc/self/fd/{}", pair.slave.as_raw_fd())).unwrap();
    let mut master = std::fs::File::from(pair.master);
    let config: ScaleConfig = toml::from_str(&format!("path = {:?}\nprotocol = \"aclas_stream\"", path)).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        scale::run(&config, &mut |r| tx.send(r).is_ok());
    });
    // The reader opens the port when it starts: frames sent before would be lost, so the
    // simulator keeps sending until the stable weight is seen.
    let deadline = Instant::now() + SECS(10);
    let mut seen = Vec::new();
    'outer: while Instant::now() < deadline {
        for frame in ["US,GS,+000.512kg\r\n", "US,GS,+001.180kg\r\n", "ST,GS,+001.234kg\r\n"] {
            master.write_all(frame.as_bytes()).unwrap();
            while let Ok(r) = rx.recv_timeout(Duration::from_millis(50)) {
                seen.push(r);
                if r == Some(Reading { grams: Grams(1234), stable: true }) {
                    break 'outer;
                }
            }
        }
    }
    let last_unstable = seen.iter().rposition(|r| matches!(r, Some(Reading { stable: false, .. })));
    assert!(last_unstable.is_some(), "unstable frames were read: {seen:?}");
    assert_eq!(seen.last(), Some(&Some(Reading { grams: Grams(1234), stable: true })), "{seen:?}");
    drop(pair.slave);
}
