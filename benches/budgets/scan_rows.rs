//! Scan to screen: from the scanner's last key event (Enter) to the frame that shows the new line,
//! on a sale of 100 lines. The line is removed again after each scan (not timed), so every timed
//! scan makes the 100th line.
//!
//! With a writable `/dev/uinput`, a virtual USB keyboard types the code and the till's real evdev
//! reader (`EvdevScanner`) reads it. Without one, the key events go, on a reader thread, into the
//! same `CodeAssembler` the evdev reader feeds, and the code is sent on as the reader sends it.

use crate::Ctx;
use crate::rig::{PtyScreen, TillRig};
use crate::shop::{barcode, catalogue, product_name};
use crate::table::{Row, Samples, ms};
use evdev::KeyCode as K;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use till::app::Engine;
use till::app::TICK;
use till::app::frames::{RenderLoop, run_on_render_thread};
use till::core::{Key, Msg, State};
use till::devices::Transport;
use till::devices::keymap::Layout;
use till::devices::wedge::{Assembled, CodeAssembler, Suffix};
use tokio::sync::mpsc::UnboundedSender;

pub const FIGURE: &str = "scan to screen: last key event → frame with the new line (sale of 100 lines)";
pub const BUDGET: &str = "p99 ≤ 5 ms";
pub const PROMO_FIGURE: &str = "scan to screen with 1,000 promotions active (sale of 100 lines)";

/// When the last key of the current scan was sent.
type Stamp = Arc<Mutex<Option<Instant>>>;

fn digit_key(c: char) -> K {
    match c {
        '1' => K::KEY_1,
        '2' => K::KEY_2,
        '3' => K::KEY_3,
        '4' => K::KEY_4,
        '5' => K::KEY_5,
        '6' => K::KEY_6,
        '7' => K::KEY_7,
        '8' => K::KEY_8,
        '9' => K::KEY_9,
        _ => K::KEY_0,
    }
}

/// Types each code sent on `codes` into the wedge assembler and sends the result to the till.
fn wedge_thread(codes: mpsc::Receiver<String>, till: UnboundedSender<Msg>, stamp: Stamp) -> anyhow::Result<()> {
    let layout = Layout::named("us").ok_or_else(|| anyhow::anyhow!("no us layout"))?;
    std::thread::spawn(move || {
        let mut asm = CodeAssembler::new(layout, Suffix::Enter, Duration::from_millis(50));
        let now = || SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        for code in codes {
            for c in code.chars() {
                asm.key(digit_key(c).code(), 1, now());
                asm.key(digit_key(c).code(), 0, now());
            }
            *stamp.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
            if let Some(Assembled::Code(text)) = asm.key(K::KEY_ENTER.code(), 1, now())
                && till.send(Msg::Scan(text)).is_err()
            {
                return;
            }
            asm.key(K::KEY_ENTER.code(), 0, now());
        }
    });
    Ok(())
}

/// A virtual USB scanner through `/dev/uinput`; `None` where `/dev/uinput` cannot be used.
fn plug_in(name: &str) -> Option<evdev::uinput::VirtualDevice> {
    use evdev::{AttributeSet, BusType, InputId};
    let mut keys = AttributeSet::<K>::new();
    for code in 1..=K::KEY_KPDOT.code() {
        keys.insert(K(code));
    }
    evdev::uinput::VirtualDevice::builder()
        .and_then(|b| b.name(name).input_id(InputId::new(BusType::BUS_USB, 0x0c2e, 0x0b61, 1)).with_keys(&keys))
        .and_then(|b| b.build())
        .ok()
}

/// Starts the scanner's end: a uinput keyboard read by the till's evdev reader where it can, else
/// the wedge assembler on a thread. Returns which.
async fn start_scanner(codes: mpsc::Receiver<String>, rig: &TillRig, stamp: Stamp) -> anyhow::Result<&'static str> {
    use evdev::{EventType, InputEvent};
    let name = format!("till bench scanner {}", std::process::id());
    let Some(mut dev) = plug_in(&name) else {
        wedge_thread(codes, rig.engine.msgs.clone(), stamp)?;
        return Ok("wedge");
    };
    let scanner = till::devices::EvdevScanner::new(till::devices::ScannerConfig::by_name(&name))?;
    let mut status = scanner.status();
    rig.engine.attach_scanner(Box::new(scanner));
    let connected = status.wait_for(|s| matches!(s, till::devices::ScannerStatus::Connected { .. }));
    tokio::time::timeout(Duration::from_secs(10), connected).await??;
    std::thread::spawn(move || {
        let key = |k: K, v: i32| InputEvent::new(EventType::KEY.0, k.code(), v);
        for code in codes {
            for c in code.chars() {
                let _ = dev.emit(&[key(digit_key(c), 1)]);
                let _ = dev.emit(&[key(digit_key(c), 0)]);
            }
            *stamp.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
            let _ = dev.emit(&[key(K::KEY_ENTER, 1)]);
            let _ = dev.emit(&[key(K::KEY_ENTER, 0)]);
        }
    });
    Ok("uinput")
}

pub fn run(ctx: &Ctx, rt: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    run_with(ctx, rt, None)
}

/// The same scans with the pricing bench's 1,000 promotions in force: every scan prices the sale again.
pub fn with_promotions(ctx: &Ctx, rt: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    run_with(ctx, rt, Some(till::core::pricing::promo::Book::new(crate::pricing_rows::promotions())))
}

fn run_with(
    ctx: &Ctx,
    rt: &tokio::runtime::Runtime,
    promotions: Option<till::core::pricing::promo::Book>,
) -> anyhow::Result<Vec<Row>> {
    let scans = 1000;
    let figure = if promotions.is_some() { PROMO_FIGURE } else { FIGURE };
    rt.block_on(async {
        let dir = ctx.work.join(if promotions.is_some() { "scan-promotions" } else { "scan" });
        let mut rig = TillRig::start(&dir, catalogue(102), Transport::File(dir.join("receipts.escpos"))).await?;
        if let Some(book) = promotions {
            rig.engine.state.promotions = book;
        }
        let screen = PtyScreen::open()?;
        for i in 0..99 {
            rig.send(Msg::Scan(barcode(i))).await;
        }
        anyhow::ensure!(
            rig.engine.state.sale.lines.len() == 99,
            "the sale has {} lines",
            rig.engine.state.sale.lines.len()
        );
        let stamp: Stamp = Arc::new(Mutex::new(None));
        let (codes, codes_rx) = mpsc::channel::<String>();
        let path = start_scanner(codes_rx, &rig, stamp.clone()).await?;
        // The render loop of `till run` on its own thread (app::frames), with its ticker.
        let scanner = Scanner { codes, stamp, path };
        run_on_render_thread(TICK, None, None, move |render| measure(render, rig, screen, scanner, scans, figure))
            .await?
    })
}

/// The scanner's end: where codes go, when the last was sent, and which path it is.
struct Scanner {
    codes: mpsc::Sender<String>,
    stamp: Stamp,
    path: &'static str,
}

/// The scans, on the render thread: each code typed, then frames until the one showing its line.
async fn measure(
    mut render: RenderLoop,
    mut rig: TillRig,
    mut screen: PtyScreen,
    scanner: Scanner,
    scans: usize,
    figure: &'static str,
) -> anyhow::Result<Vec<Row>> {
    let Scanner { codes, stamp, path } = scanner;
    let (mut samples, mut besides) = (Samples::default(), Samples::default());
    let mut not_drawn = 0;
    let started = Instant::now();
    for n in 0..scans {
        let item = 100 + n % 2;
        codes.send(barcode(item))?;
        let name = product_name(item);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // The turn ends at once after the frame with the line (no wait for the next tick).
            let seen = std::cell::Cell::new(None);
            let draw = |state: &State, engine: &Engine| {
                if state.sale.lines.len() == 100 {
                    seen.set(Some((screen.draw_state(state, engine, Some(&name))?, Instant::now())));
                } else {
                    screen.draw_state(state, engine, None)?;
                }
                anyhow::Ok(())
            };
            let stop = std::future::poll_fn(|_| match seen.get() {
                Some(_) => std::task::Poll::Ready(()),
                None => std::task::Poll::Pending,
            });
            render.turn(&mut rig.engine, draw, stop).await?;
            if let Some((count, drawn)) = seen.get() {
                let sent = stamp.lock().unwrap_or_else(|p| p.into_inner()).take();
                let sent = sent.ok_or_else(|| anyhow::anyhow!("no key time"))?;
                samples.push(drawn.duration_since(sent));
                let (saving, _) = rig.saves.spent_since(sent);
                besides.push(drawn.duration_since(sent).saturating_sub(saving));
                // The notice names the product too: the table's row makes the second.
                not_drawn += usize::from(count < 2);
                break;
            }
            anyhow::ensure!(Instant::now() < deadline, "scan {n} not on screen within 10 s");
        }
        rig.engine.handle(Msg::Key(Key::Delete));
        rig.engine.durable().await;
        screen.draw(&rig.engine, None)?;
    }
    let elapsed = started.elapsed();
    let (saved, count) = rig.saves.spent_since(started);
    let commit = saved / count.max(1) as u32;
    let row = Row::new(
            figure,
            format!("p99 {} (median {})", ms(samples.p99()), ms(samples.median())),
            BUDGET,
            "— (HID needs ≥ 28 ms for an EAN-13 at 1 kHz)".into(),
            samples.p99() <= Duration::from_millis(5),
        )
        .note(format!(
            "{scans} scans in {:.0} s. {} The code goes to the Engine (core update, then the cart's save, \
             flushed and fsynced: the screen shows the line once it is on disk), then `till run`'s render loop \
             (`app::frames`, on its own thread as in `run_tui`) draws ui::view through ratatui's crossterm backend into a pty (80×24). Mean save in the loop: {} ({count} saves); without its save a scan \
             takes median {} (p99 {}). Frames without the new line in the table: {not_drawn}.",
            elapsed.as_secs_f64(),
            if path == "uinput" {
                "A uinput keyboard types each code; the till's evdev reader reads it."
            } else {
                "No /dev/uinput here: the key events go into the evdev reader's own CodeAssembler on a reader \
                 thread, which sends the code on as the reader does (the kernel's evdev hop is not measured)."
            },
            ms(commit),
            ms(besides.median()),
            ms(besides.p99())
        ));
    Ok(vec![row])
}
