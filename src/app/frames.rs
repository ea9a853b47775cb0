//! The render loop, shared by `run_tui` and the bench (which measures what ships).
//!
//! Two rules meet here. The cashier is never kept waiting: a frame never waits for the disk. Money
//! is never wrong: the screen never shows a state whose saves are not on disk yet (a sale shown
//! paid survives a pulled plug). So input is applied to the live state at once, and the screen
//! draws the newest state whose every effect batch has run (saves flushed): a copy of the state
//! taken right after each batch was handed to the effect runner, shown once the runner reports
//! that batch done. The loop wakes for a message, a tick, the runner's progress (the durable state
//! is drawn as soon as it is durable, not a tick later) or `stop`.
//!
//! The loop runs on a thread of its own with a current-thread runtime of its own
//! ([`run_on_render_thread`]), so its ticker is turned by that thread: on the till's shared
//! multi-thread runtime a timer fires only when a worker thread turns the time driver and then wakes
//! the thread that waits on it, and on two busy cores both hops wait for a CPU (the frame-gap row
//! of docs/performance.md). What the Engine spawns still runs on the runtime it was started on.
//!
//! Why a copy per batch and not one copy taken whenever the runner has caught up: with saves
//! slower than scans (a slow card, a busy disk) the runner may never quite catch up, and the
//! screen would freeze on an old state; with a copy per batch it moves on save by save. A copy is
//! cheap: the catalogue is shared (`Arc`, copied on write), the rest is the sale and the screens.

use super::Engine;
use crate::core::State;
use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

/// Copies kept waiting for their saves at most; past that the newest replaces the one before it
/// (the screen skips a state, never shows one early).
const MAX_WAITING: usize = 16;

/// Batches waiting this long with none finished: the effect runner is stuck, the watchdog unfed.
const STALLED: Duration = Duration::from_secs(2);

/// What the screen may show: the state as of the last point where every save behind it is on disk.
pub(super) struct DurableView {
    /// Copies of the state taken right after batch `n` was handed out, oldest first.
    waiting: VecDeque<(u64, State)>,
    /// The newest state known durable: what is drawn.
    shown: State,
    /// The live state changed since `shown` was taken.
    dirty: bool,
}

impl DurableView {
    pub(super) fn new(state: &State) -> DurableView {
        DurableView { waiting: VecDeque::new(), shown: state.clone(), dirty: false }
    }

    /// After a message was applied to `live`; `sent` is the batch it handed out, if any.
    pub(super) fn changed(&mut self, live: &State, sent: Option<u64>) {
        self.dirty = true;
        if let Some(n) = sent {
            if self.waiting.len() >= MAX_WAITING {
                self.waiting.pop_back();
            }
            self.waiting.push_back((n, live.clone()));
        }
    }

    /// Moves on to the newest state whose batches (up to `done`, of `sent` handed out) have all run.
    pub(super) fn catch_up(&mut self, live: &State, done: u64, sent: u64) {
        if done >= sent {
            // Every save behind the live state is on disk: it may be shown as it is.
            self.waiting.clear();
            if self.dirty {
                self.shown = live.clone();
                self.dirty = false;
            }
            return;
        }
        while let Some((n, _)) = self.waiting.front()
            && *n <= done
        {
            if let Some((_, state)) = self.waiting.pop_front() {
                self.shown = state;
            }
        }
    }

    pub(super) fn shown(&self) -> &State {
        &self.shown
    }
}

/// What the loop does after a turn.
#[derive(Debug, PartialEq, Eq)]
pub enum Turn {
    Again,
    /// Quit, SIGTERM, or a restart asked for (its saves are on disk first).
    Stop,
}

/// The render loop: its ticker (the core's timers; the bench's frame rate), the first-screen mark
/// and systemd's watchdog.
pub struct RenderLoop {
    ticker: tokio::time::Interval,
    systemd: Option<super::watchdog::Notifier>,
    /// Called once, after the first frame (`upgrade::mark_first_screen` in `till run`).
    first_screen: Option<fn()>,
}

impl RenderLoop {
    pub fn new(
        ticker: tokio::time::Interval,
        systemd: Option<super::watchdog::Notifier>,
        first_screen: Option<fn()>,
    ) -> RenderLoop {
        RenderLoop { ticker, systemd, first_screen }
    }

    /// One turn: draws the durable state with `draw` (given the engine too, for the status bar),
    /// then applies what comes next — a message (and everything queued behind it), a tick, or the
    /// runner's progress — unless `stop` comes first. Never waits for the disk, except to leave for
    /// a restart, which waits for every save handed out.
    pub async fn turn<E>(
        &mut self,
        engine: &mut Engine,
        draw: impl FnOnce(&State, &Engine) -> Result<(), E>,
        stop: impl Future<Output = ()>,
    ) -> Result<Turn, E> {
        engine.catch_up();
        draw(engine.shown(), engine)?;
        // The first screen of the restored till (not the one drawn while the store is read).
        let up = engine.shown().ready;
        if up && let Some(mark) = self.first_screen.take() {
            mark();
        }
        // The loop runs at least once a tick; a drawn screen is the sign of life systemd waits for.
        // A save that hangs (a dead card) stops the pings, as it did when the loop waited for it:
        // systemd restarts the till after `WatchdogSec=` rather than it selling on unsaved.
        let now = std::time::Instant::now();
        if let Some(n) = &mut self.systemd {
            if up {
                n.ready_once();
            }
            if engine.saves_stalled_for(now) < STALLED {
                n.alive(now);
            }
        }
        tokio::select! {
            () = engine.next_change(&mut self.ticker) => {}
            () = stop => return Ok(Turn::Stop),
        }
        if engine.restart_requested() {
            // The normal quit path: every save and audit entry handed out is on disk first.
            engine.durable().await;
            return Ok(Turn::Stop);
        }
        Ok(Turn::Again)
    }
}

/// Runs `body` on a thread of its own (`till-render`) with a current-thread runtime of its own,
/// given a [`RenderLoop`] built there: its ticker (every `period`) is on that runtime's timer, so
/// frames keep their pace however busy the caller's runtime is. `till run` and the bench both start
/// their render loop here. The Engine that `body` drives keeps spawning on the runtime it was
/// started on ([`Engine::start`]). Gives back what `body` returned, once the thread is done.
pub async fn run_on_render_thread<T, F, Fut>(
    period: Duration,
    systemd: Option<super::watchdog::Notifier>,
    first_screen: Option<fn()>,
    body: F,
) -> anyhow::Result<T>
where
    F: FnOnce(RenderLoop) -> Fut + Send + 'static,
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    let (done, result) = tokio::sync::oneshot::channel();
    std::thread::Builder::new().name("till-render".into()).spawn(move || {
        realtime();
        let out = tokio::runtime::Builder::new_current_thread().enable_all().build().map(|rt| {
            rt.block_on(async move {
                let frames = RenderLoop::new(super::ticker_every(period), systemd, first_screen);
                body(frames).await
            })
        });
        let _ = done.send(out);
    })?;
    match result.await {
        Ok(out) => Ok(out?),
        Err(_) => anyhow::bail!("the render thread ended without a result (it panicked)"),
    }
}

/// The render thread's real-time priority: above every normal thread (the effect runner, the HTTP
/// client, the printer's writer), below the kernel's interrupt threads (50).
pub const RENDER_PRIORITY: i32 = 5;

/// Puts the calling thread (the render thread) in the real-time round-robin class at
/// [`RENDER_PRIORITY`], where it is allowed: `till.service` grants `LimitRTPRIO=5`; a till run by
/// hand without that keeps the normal class. Measured on this 2-core machine (docs/performance.md,
/// the render thread): the longest frame gap went from 17.8–19.9 ms to 17.4–17.6 ms. The thread
/// sleeps between frames; should it ever spin, the kernel's real-time throttling leaves 5% of each
/// second to the rest, and the watchdog (pinged by this loop) restarts the till.
fn realtime() {
    let param = libc::sched_param { sched_priority: RENDER_PRIORITY };
    // SAFETY: pid 0 is the calling thread (Linux applies the policy per thread); `param` is an
    // initialised sched_param that lives through the call, which only reads it.
    let set = unsafe { libc::sched_setscheduler(0, libc::SCHED_RR, &param) };
    if set == 0 {
        tracing::info!(priority = RENDER_PRIORITY, "render thread: real-time priority (SCHED_RR)");
    } else {
        let e = std::io::Error::last_os_error();
        tracing::info!(error = %e, "render thread: normal priority (real-time not allowed: LimitRTPRIO= in till.service)");
    }
}

/// The calling thread's real-time priority, if it runs in the round-robin class (the bench's note).
pub fn realtime_priority() -> Option<i32> {
    let mut param = libc::sched_param { sched_priority: 0 };
    // SAFETY: pid 0 is the calling thread; both calls only read it, the second into a local struct.
    let (policy, got) = unsafe { (libc::sched_getscheduler(0), libc::sched_getparam(0, &mut param)) };
    (policy == libc::SCHED_RR && got == 0).then_some(param.sched_priority)
}

#[cfg(test)]
#[path = "frames_tests.rs"]
mod tests;
