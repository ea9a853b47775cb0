//! Payments: the till's own part of a payment-code payment, and what the cashier sees while a
//! payment waits on the network and its receipt goes out at 9600 baud (frame gaps, the receipt's
//! first byte, the receipt against its wire time).

use crate::Ctx;
use crate::line::PrinterLine;
use crate::net::http_round_trip;
use crate::rig::{PtyScreen, TillRig};
use crate::shop::{barcode, catalogue, paid_order, wechat_code};
use crate::table::{Row, Samples, ms};
use std::time::{Duration, Instant};
use till::app::Engine;
use till::app::frames::{RenderLoop, run_on_render_thread};
use till::config::Config;
use till::core::order::OrderStatus;
use till::core::{Key, Lang, Msg, Screen, State};
use till::devices::{Flow, SerialSettings, Transport};
use till::sim::cloudpay::Fault;

pub const OVERHEAD: &str = "till-side overhead of a payment-code payment (total − simulator − commits)";
pub const GAP: &str = "longest UI frame gap: payment waiting 3 s on the network + receipt printing at 9600 baud";
pub const FIRST_BYTE: &str = "receipt: first byte on the printer line after payment success";
pub const RECEIPT: &str = "receipt: a 40-line receipt on the line at 9600 baud";

fn is_done(screen: &Screen) -> bool {
    matches!(screen, Screen::Done { .. })
}

pub fn overhead(ctx: &Ctx, rt: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    let n = if ctx.fast { 40 } else { 200 };
    rt.block_on(async {
        let dir = ctx.work.join("pay");
        let mut rig = TillRig::start(&dir, catalogue(10), Transport::File(dir.join("receipts.escpos"))).await?;
        let http = http_round_trip(200).await?;
        let (mut total, mut sim, mut commits, mut own) =
            (Samples::default(), Samples::default(), Samples::default(), Samples::default());
        let warm_up = 5;
        for i in 0..n + warm_up {
            rig.send(Msg::Scan(barcode(i % 10))).await;
            rig.send(Msg::Key(Key::Enter)).await;
            anyhow::ensure!(matches!(rig.engine.state.screen, Screen::Pay { .. }), "not on the pay screen");
            rig.proxy.take_sim_time();
            let t0 = Instant::now();
            rig.engine.handle(Msg::Scan(wechat_code(i)));
            rig.until("the payment shown paid", Duration::from_secs(20), |s| is_done(&s.screen)).await?;
            let all = t0.elapsed();
            let in_sim = rig.proxy.take_sim_time();
            let (saved, _) = rig.saves.spent_since(t0);
            if i >= warm_up {
                total.push(all);
                sim.push(in_sim);
                commits.push(saved);
                own.push(all.saturating_sub(in_sim).saturating_sub(saved));
            }
            rig.send(Msg::Key(Key::Enter)).await;
        }
        let row = Row::new(
            OVERHEAD,
            format!("median {} (p99 {})", ms(own.median()), ms(own.p99())),
            "≤ 2 ms",
            format!("loopback HTTP round trip: median {} (p99 {})", ms(http.median()), ms(http.p99())),
            own.median() <= Duration::from_millis(2),
        )
        .note(format!(
            "{n} payments (WeChat code, Cloud Pay simulator on loopback behind a timing relay): total from the \
             code's scan to the paid state on disk median {} (p99 {}); simulator median {}; the two flushed \
             saves (attempt before the call, paid after) median {}. The relay's own hop counts as the till's.",
            ms(total.median()),
            ms(total.p99()),
            ms(sim.median()),
            ms(commits.median())
        ));
        Ok(vec![row])
    })
}

/// The fewest cart lines whose receipt (58 mm, English) has at least 40 lines.
fn lines_for(receipt_lines: usize) -> anyhow::Result<usize> {
    let config = Config::demo(Lang::En, std::env::temp_dir(), String::new());
    let profile = config.profile()?;
    for k in 1..200 {
        let bytes = till::app::receipt::render(&paid_order(1, k, crate::shop::now(), 0), &config.settings(), &profile);
        if till::app::receipt::preview(&bytes, &profile).len() >= receipt_lines {
            return Ok(k);
        }
    }
    anyhow::bail!("no cart makes a {receipt_lines}-line receipt")
}

pub fn receipt(ctx: &Ctx, rt: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    let runs = if ctx.fast { 2 } else { 5 };
    rt.block_on(async {
        let dir = ctx.work.join("receipt");
        let line = PrinterLine::open(9600)?;
        let transport = Transport::Serial(SerialSettings { path: line.path.clone(), baud: 9600, flow: Flow::RtsCts });
        let k = lines_for(40)?;
        // The till's tasks on this (2-worker) runtime, as in `till run`.
        let rig = TillRig::start(&dir, catalogue(k), transport).await?;
        let screen = PtyScreen::open()?;
        // The render loop of `till run` on its own thread (app::frames), asked for a frame at 60 Hz.
        let frame = Duration::from_micros(16_667);
        run_on_render_thread(frame, None, None, move |render| measure_receipt(render, rig, screen, line, runs, k))
            .await?
    })
}

/// The receipt section's runs, on the render thread: frame gaps, first byte, the receipt on the line.
async fn measure_receipt(
    mut render: RenderLoop,
    mut rig: TillRig,
    mut screen: PtyScreen,
    line: PrinterLine,
    runs: usize,
    k: usize,
) -> anyhow::Result<Vec<Row>> {
    let (mut gaps, mut first, mut on_line) = (Samples::default(), Samples::default(), Samples::default());
    let (mut waits, mut writer, mut ratio) = (Samples::default(), Samples::default(), Vec::<f64>::new());
    let mut announced = Samples::default();
    let (mut bytes, mut printed_lines) = (0, 0);
    let mut long: Vec<(Instant, Instant)> = Vec::new();
    let priority = match till::app::frames::realtime_priority() {
        Some(p) => format!("real-time priority {p} (SCHED_RR)"),
        None => "normal priority (real-time not allowed to this user)".to_string(),
    };
    for run in 0..runs {
        for i in 0..k {
            rig.send(Msg::Scan(barcode(i))).await;
        }
        rig.send(Msg::Key(Key::Enter)).await;
        line.reset();
        let prints_before = rig.prints.log.lock().map(|l| l.len()).unwrap_or(0);
        rig.sim.inject(Fault::Delay(3000));
        let t0 = Instant::now();
        rig.engine.handle(Msg::Scan(wechat_code(10_000 + run)));
        let mut last_frame = Instant::now();
        let (mut paid_at, mut paid_shown) = (None, None);
        loop {
            let mut drawn = None;
            let draw = |state: &State, engine: &Engine| {
                screen.draw_state(state, engine, None)?;
                drawn = Some((Instant::now(), state.sale.status == OrderStatus::Paid));
                anyhow::Ok(())
            };
            render.turn(&mut rig.engine, draw, std::future::pending()).await?;
            if paid_at.is_none() && rig.engine.state.sale.status == OrderStatus::Paid {
                paid_at = Some(Instant::now());
            }
            let (now, shows_paid) = drawn.ok_or_else(|| anyhow::anyhow!("a turn without a frame"))?;
            if shows_paid && paid_shown.is_none() {
                paid_shown = Some(now);
            }
            gaps.push(now.duration_since(last_frame));
            if now.duration_since(last_frame) > Duration::from_millis(20) {
                long.push((last_frame, now));
            }
            last_frame = now;
            let printed = rig.prints.log.lock().map(|l| l.get(prints_before).copied()).unwrap_or(None);
            let traffic = line.traffic();
            if let Some((took, sent)) = printed
                && traffic.bytes >= sent + 9
                && traffic.last.is_some_and(|l| l <= now)
            {
                let (Some(paid), Some(shown), Some(start), Some(end)) =
                    (paid_at, paid_shown, traffic.first, traffic.last)
                else {
                    anyhow::bail!("the receipt came before the payment was seen paid");
                };
                announced.push(shown.saturating_duration_since(paid));
                first.push(start.saturating_duration_since(paid));
                on_line.push(end.duration_since(start));
                ratio.push(end.duration_since(start).as_secs_f64() / line.wire_time(sent).as_secs_f64());
                waits.push(paid.duration_since(t0));
                writer.push(took);
                bytes = sent;
                break;
            }
            anyhow::ensure!(t0.elapsed() < Duration::from_secs(30), "run {run}: receipt not out within 30 s");
        }
        rig.until("the receipt shown", Duration::from_secs(5), |s| !s.receipt_preview.is_empty()).await?;
        printed_lines = rig.engine.state.receipt_preview.len();
        rig.send(Msg::Key(Key::Enter)).await;
    }
    let saves = rig.saves.log.lock().map(|l| l.clone()).unwrap_or_default();
    let on_save =
        long.iter().filter(|(from, to)| saves.iter().any(|(at, took)| *at < *to && *at + *took > *from)).count();
    let worst = ratio.iter().copied().fold(0.0, f64::max);
    let wire = line.wire_time(bytes);
    Ok(vec![
        Row::new(
            GAP,
            format!("max {} (p99 {})", ms(gaps.max()), ms(gaps.p99())),
            "≤ 20 ms",
            "one frame at 60 Hz: 16.67 ms".into(),
            gaps.max() <= Duration::from_millis(20),
        )
        .note(format!(
            "{runs} runs of `till run`'s render loop (`app::frames::RenderLoop`, on a thread and timer of its \
                 own as `run_tui` starts it: `frames::run_on_render_thread`, at {priority}) asked for a frame at 60 Hz \
                 (a 16.7 ms ticker in place of the till's 250 ms one); a frame never waits for a save, it draws \
                 the newest state whose saves are on disk. Payment wait (simulator Delay(3000) fault) median {}. \
                 {} frames, {} of them more than 20 ms after the one before; {on_save} of those overlapped a \
                 save in flight. Paid shown (the step that applied the payment's answer → the first frame \
                 showing it paid, its save flushed first) median {} (max {}).",
            ms(waits.median()),
            gaps.len(),
            long.len(),
            ms(announced.median()),
            ms(announced.max())
        )),
        Row::new(
            FIRST_BYTE,
            format!("median {} (max {})", ms(first.median()), ms(first.max())),
            "≤ 50 ms",
            "—".into(),
            first.max() <= Duration::from_millis(50),
        )
        .note(
            "From the step that applied the paid answer to the first byte on the line (the status \
                 question DLE EOT 1); between them: the paid save (flushed), the receipt rendered and queued \
                 (print-queue.json written), the serial port opened and set up.",
        ),
        Row::new(
            RECEIPT,
            format!("{} = {worst:.3} × wire (worst of {runs})", ms(on_line.max())),
            "≤ 1.1 × wire time",
            format!("{bytes} bytes × 10 / 9600 = {}", ms(wire)),
            worst <= 1.1,
        )
        .note(format!(
            "The real serial writer (termios raw 9600 8N1, RTS/CTS, status asked first) into a pty; the \
                 printer end reads no faster than 9600 baud would carry and answers DLE EOT. A pty ignores the \
                 baud rate and buffers the whole receipt: the writer returned after median {} (the kernel's \
                 buffer takes the rest, as a UART's does), so the time on the line is the wire pace plus the \
                 writer's gaps and the status round trips. The receipt had {printed_lines} lines.",
            ms(writer.median())
        )),
    ])
}
