use super::*;
use crate::app::effects::tests::{FakeStore, Gate, engine_on};
use crate::core::catalog::Catalogue;
use crate::core::order::OrderStatus;
use crate::core::{Key, Lang, Msg, Screen, Settings};
use crate::devices::fake::Journal;
use crate::i18n::{self, Text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

const COLA: &str = "6900138600889";

/// Polls `f` once: what a turn does before it would wait.
fn once<F: Future>(f: F) -> Option<F::Output> {
    match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// A ticker that does not tick within any test: frames come from messages and saves only.
fn never() -> tokio::time::Interval {
    let hour = Duration::from_secs(3600);
    tokio::time::interval_at(tokio::time::Instant::now() + hour, hour)
}

/// The kiosk's screen drawn by the real view; what each frame showed.
struct Screen80 {
    terminal: Terminal<TestBackend>,
    /// Per frame: the drawn state's sale paid, and the screen's text.
    frames: Vec<(bool, String)>,
}

impl Screen80 {
    fn new() -> Screen80 {
        Screen80 { terminal: Terminal::new(TestBackend::new(80, 24)).expect("terminal"), frames: Vec::new() }
    }

    fn draw(&mut self, state: &State, _: &Engine) -> Result<(), std::convert::Infallible> {
        let status = crate::ui::Status {
            demo: false,
            gateway: "fake".into(),
            printer: "fake".into(),
            clock: String::new(),
            unsynced: 0,
            clock_off: false,
            insecure_link: None,
            upgrade_waiting: None,
        };
        let frame = self.terminal.draw(|f| crate::ui::view(state, &status, f))?;
        // Without blanks: a wide character's second cell is one.
        let text: String = frame.buffer.content().iter().map(|c| c.symbol()).filter(|s| *s != " ").collect();
        self.frames.push((state.sale.status == OrderStatus::Paid, text));
        Ok(())
    }

    fn last(&self) -> &(bool, String) {
        self.frames.last().expect("a frame")
    }
}

fn gated(journal: &Journal, gate: &Gate) -> Engine {
    let mut store = FakeStore::new(journal, false, Duration::ZERO);
    store.gate = gate.clone();
    engine_on(journal, store)
}

#[tokio::test]
async fn frames_keep_coming_while_the_paid_save_is_held_and_paid_shows_only_once_it_is_on_disk() {
    let (journal, gate) = (Journal::default(), Gate::default());
    let mut engine = gated(&journal, &gate);
    let mut frames = RenderLoop::new(never(), None, None);
    let mut screen = Screen80::new();
    let paid = i18n::text(Lang::Zh, Text::DoneTitle);
    for msg in [Msg::Scan(COLA.into()), Msg::Key(Key::Enter), Msg::Key(Key::Char('c'))] {
        engine.handle(msg);
    }
    engine.durable().await;
    gate.shut();
    engine.handle(Msg::Key(Key::Enter)); // cash, exact: the sale is paid, its save held
    assert!(matches!(engine.state.screen, Screen::Done { .. }), "{:?}", engine.state.screen);
    for n in 0..5 {
        // Each turn draws and comes back (stop is ready) without waiting for the held save.
        let turn = frames.turn(&mut engine, |s, e| screen.draw(s, e), std::future::ready(()));
        assert!(once(turn).is_some(), "frame {n} waited for the disk");
    }
    assert_eq!(screen.frames.len(), 5);
    for (shown_paid, text) in &screen.frames {
        assert!(!shown_paid && !text.contains(paid), "paid shown before its save is on disk:\n{text}");
    }
    assert!(!journal.entries().iter().any(|e| e.starts_with("save Paid")), "{:#?}", journal.entries());
    gate.open();
    engine.durable().await;
    assert!(journal.entries().iter().any(|e| e.starts_with("save Paid")), "{:#?}", journal.entries());
    let turn = frames.turn(&mut engine, |s, e| screen.draw(s, e), std::future::ready(()));
    assert!(once(turn).is_some());
    let (shown_paid, text) = screen.last();
    assert!(*shown_paid && text.contains(paid), "the first frame after the save does not show paid:\n{text}");
}

#[tokio::test]
async fn a_save_reaching_the_disk_wakes_the_loop_without_waiting_for_a_tick() {
    let (journal, gate) = (Journal::default(), Gate::default());
    let mut engine = gated(&journal, &gate);
    let mut frames = RenderLoop::new(never(), None, None);
    let mut screen = Screen80::new();
    engine.durable().await;
    let turn = frames.turn(&mut engine, |s, e| screen.draw(s, e), std::future::pending());
    assert!(once(turn).is_some(), "the restored till's messages are applied");
    // Their effects (a log line of the platform's clock) run before the gate shuts: only the
    // cart's save is held.
    engine.durable().await;
    gate.shut();
    engine.handle(Msg::Scan(COLA.into())); // the cart's save, held
    assert_eq!(engine.state.sale.lines.len(), 1);
    // The ticker never ticks and nothing else is sent: only the save's landing ends this turn.
    let (turn, ()) = tokio::join!(
        tokio::time::timeout(
            Duration::from_secs(10),
            frames.turn(&mut engine, |s, e| screen.draw(s, e), std::future::pending())
        ),
        async { gate.open() },
    );
    assert_eq!(turn.expect("the landed save woke the loop"), Ok(Turn::Again));
    assert!(!screen.last().1.contains("可乐"), "the cart line shown before its save:\n{}", screen.last().1);
    let turn = frames.turn(&mut engine, |s, e| screen.draw(s, e), std::future::ready(()));
    assert!(once(turn).is_some());
    assert!(screen.last().1.contains("可乐"), "the saved cart line not shown:\n{}", screen.last().1);
}

#[tokio::test]
async fn a_save_that_hangs_stops_the_watchdog_pings_and_one_that_lands_does_not() {
    let (journal, gate) = (Journal::default(), Gate::default());
    let mut engine = gated(&journal, &gate);
    engine.durable().await;
    engine.catch_up();
    let later = std::time::Instant::now() + Duration::from_secs(60);
    assert_eq!(engine.saves_stalled_for(later), Duration::ZERO, "nothing waits");
    gate.shut();
    engine.handle(Msg::Scan(COLA.into()));
    engine.catch_up();
    assert!(engine.saves_stalled_for(later) >= STALLED, "a held save is a stall");
    gate.open();
    engine.durable().await;
    engine.catch_up();
    assert_eq!(engine.saves_stalled_for(later), Duration::ZERO);
}

fn state(input: &str) -> State {
    let settings = Settings::test_shop();
    let mut s = State::new(settings, Catalogue::default());
    s.input = input.into();
    s
}

#[test]
fn the_view_moves_on_save_by_save_and_never_ahead_of_the_disk() {
    let mut view = DurableView::new(&state("0"));
    view.changed(&state("1"), Some(1));
    view.changed(&state("1+"), None);
    view.changed(&state("2"), Some(2));
    view.catch_up(&state("2"), 0, 2);
    assert_eq!(view.shown().input, "0");
    view.catch_up(&state("2"), 1, 2);
    assert_eq!(view.shown().input, "1", "batch 1 on disk, batch 2 not");
    view.changed(&state("3"), None);
    view.catch_up(&state("3"), 2, 2);
    assert_eq!(view.shown().input, "3", "everything on disk: the live state");
    // Saves far behind: the copies kept are bounded, the newest is never dropped.
    for n in 3..3 + 2 * MAX_WAITING as u64 {
        view.changed(&state(&n.to_string()), Some(n));
    }
    assert_eq!(view.waiting.len(), MAX_WAITING);
    let last = 2 + 2 * MAX_WAITING as u64;
    view.catch_up(&state("live"), 3, last + 1);
    assert_eq!(view.shown().input, "3");
    view.catch_up(&state("live"), last, last + 1);
    assert_eq!(view.shown().input, last.to_string());
}

/// Both workers of a 2-worker runtime (the till's) held by busy tasks: the render loop started by
/// `run_on_render_thread` still ticks, on its own thread. On the shared runtime nothing would turn
/// its timer (only a worker does) and no tick would come until a worker came free.
#[test]
fn the_render_loop_ticks_while_every_worker_of_the_main_runtime_is_busy() {
    const TURNS: usize = 10;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let journal = Journal::default();
    let mut engine = rt.block_on(async {
        let mut engine = engine_on(&journal, FakeStore::new(&journal, false, Duration::ZERO));
        while engine.next_msg(Duration::ZERO).await {}
        engine.durable().await;
        engine
    });
    // Each task holds its worker thread until its sender is dropped.
    let (started_tx, started) = std::sync::mpsc::channel();
    let mut holds = Vec::new();
    for _ in 0..2 {
        let (hold, held) = std::sync::mpsc::channel::<()>();
        let started = started_tx.clone();
        rt.spawn(async move {
            let _ = started.send(());
            let _ = held.recv();
        });
        holds.push(hold);
    }
    for _ in 0..2 {
        started.recv_timeout(Duration::from_secs(60)).expect("both workers taken");
    }
    let (out_tx, out) = std::sync::mpsc::channel();
    let handle = rt.handle().clone();
    std::thread::spawn(move || {
        let frames = run_on_render_thread(Duration::from_millis(5), None, None, move |mut frames| async move {
            let mut drawn = Vec::new();
            for _ in 0..TURNS {
                let draw = |_: &State, _: &Engine| {
                    drawn.push(std::thread::current().name().map(String::from));
                    Ok::<(), std::convert::Infallible>(())
                };
                assert_eq!(frames.turn(&mut engine, draw, std::future::pending()).await, Ok(Turn::Again));
            }
            drawn
        });
        let _ = out_tx.send(handle.block_on(frames).map_err(|e| e.to_string()));
    });
    // Generous: TURNS ticks take 50 ms.
    let drawn = out.recv_timeout(Duration::from_secs(60));
    drop(holds);
    let drawn = drawn.expect("no ticks while the runtime's workers were busy").expect("the render thread");
    assert_eq!(drawn.len(), TURNS);
    assert!(drawn.iter().all(|name| name.as_deref() == Some("till-render")), "{drawn:?}");
}

#[test]
fn the_render_thread_runs_at_real_time_priority_where_this_process_may_have_it() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let policy = rt
        .block_on(run_on_render_thread(Duration::from_millis(5), None, None, |_| async {
            // SAFETY: reads the calling thread's policy.
            (unsafe { libc::sched_getscheduler(0) }, super::realtime_priority())
        }))
        .expect("the render thread");
    // Whether this process may: the same request from a thread of the test's own.
    let allowed = std::thread::spawn(|| {
        let param = libc::sched_param { sched_priority: super::RENDER_PRIORITY };
        // SAFETY: as in `realtime`: changes only this short-lived thread's policy.
        unsafe { libc::sched_setscheduler(0, libc::SCHED_RR, &param) == 0 }
    })
    .join()
    .expect("probe");
    if allowed {
        assert_eq!(policy, (libc::SCHED_RR, Some(super::RENDER_PRIORITY)), "(policy, priority)");
    } else {
        assert_eq!(policy.0, libc::SCHED_OTHER, "not allowed: the normal class, and the till goes on");
    }
}
