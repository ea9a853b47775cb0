//! The only place that runs things: it feeds messages into the pure core, hands the core's
//! effects to the effect runner, and draws (or, headless, reports) the newest state.

pub mod auth;
pub mod catalogue;
pub mod catalogue_csv;
pub mod console;
pub mod display;
mod effects;
pub mod enrol;
mod foreign;
pub mod frames;
pub mod headless;
mod log;
pub mod maintenance;
pub mod member_code;
pub mod members;
pub mod members_csv;
pub mod office;
pub mod platform;
mod platform_calls;
pub mod print_queue;
pub mod promotions;
pub mod promotions_csv;
pub mod qr_slip;
pub mod receipt;
pub mod report_print;
mod scale;
pub mod stock;
pub mod stocktake;
pub mod stored_value;
mod term_keys;
mod terminal;
pub mod upgrade;
pub mod watchdog;

pub use effects::{Devices, Slips, print_receipts};
pub use print_queue::PrintJob;
pub use print_queue::{PrintQueue, QueuedReceipt};

use crate::core::clock::Millis;
use crate::core::{self, Effect, Event, Msg, State};
use crate::escpos::PrinterProfile;
use crate::payments::Gateway;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

/// How often timers in the core are driven.
pub const TICK: Duration = Duration::from_millis(250);

/// The clock, behind a trait so that tests can drive time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Millis;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Millis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told: the fake for tests.
#[derive(Default)]
pub struct ManualClock(std::sync::atomic::AtomicI64);

impl ManualClock {
    pub fn new(at: Millis) -> ManualClock {
        ManualClock(std::sync::atomic::AtomicI64::new(at.0))
    }

    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, std::sync::atomic::Ordering::SeqCst);
    }

    /// Moves the clock forward to `at` (never back).
    pub fn advance_to(&self, at: Millis) {
        self.0.fetch_max(at.0, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        Millis(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// The running till: its state, and the channels to the effect runner.
pub struct Engine {
    pub state: State,
    clock: Arc<dyn Clock>,
    effects: UnboundedSender<Vec<Effect>>,
    pub msgs: UnboundedSender<Msg>,
    inbox: UnboundedReceiver<Msg>,
    /// Names where payments go now (it changes when the platform's domain fails over).
    describe: Arc<dyn Fn() -> String + Send + Sync>,
    /// Back-office delivery, when started (see [`crate::sync`]).
    sync: Option<tokio::sync::watch::Receiver<crate::sync::SyncStatus>>,
    /// Effect batches handed to the runner, and how many it has finished (saves flushed).
    batches_sent: u64,
    batches_done: tokio::sync::watch::Receiver<u64>,
    /// What the maintenance effects need of the box, shared with the effect runner (see
    /// [`maintenance::Context`]).
    maintenance: Arc<maintenance::Context>,
    /// The state as of the last point where its saves were on disk: what the screen draws.
    view: frames::DurableView,
    /// Batches done at the last catch-up, and when that count last moved (or nothing was waiting).
    progress: (u64, std::time::Instant),
    /// The runtime the Engine was started on: everything it spawns runs there, never on the render
    /// thread that owns the Engine (see [`frames::run_on_render_thread`]).
    rt: tokio::runtime::Handle,
}

impl Engine {
    /// Starts the effect runner and the receipt printer (on the current runtime, which keeps
    /// everything the Engine spawns later), then restores unfinished orders from the store.
    pub fn start<G: Gateway + 'static>(
        state: State,
        gateway: Arc<G>,
        devices: Devices,
        profile: PrinterProfile,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Engine> {
        let rt = tokio::runtime::Handle::try_current()?;
        let (msgs, inbox) = mpsc::unbounded_channel();
        let (effects, batches) = mpsc::unbounded_channel();
        let (receipts, receipt_rx) = mpsc::unbounded_channel();
        let restored = devices.store.load_unsettled()?;
        let office = office::restore(devices.store.as_ref())
            .inspect_err(|e| tracing::error!(error = %e, "shift records unreadable: the office stays closed"))
            .ok();
        let operators = auth::load_operators(devices.store.as_ref(), state.settings.lang)?;
        if let Some(end) = auth::end_interrupted_training(devices.store.as_ref(), clock.now())? {
            tracing::warn!(at = end.at.0, "the till stopped during training: training ended");
        }
        let described = gateway.clone();
        let describe = Arc::new(move || described.describe());
        let slips_from = gateway.clone();
        let slips: effects::Slips = Arc::new(move |number: &str| slips_from.take_slip(number));
        rt.spawn(effects::print_receipts(
            receipt_rx,
            msgs.clone(),
            devices.printer.clone(),
            state.settings.clone(),
            profile,
            slips,
            devices.print_queue.clone(),
        ));
        rt.spawn(forward(devices.print_queue.watch(), msgs.clone(), |waiting| Some(Msg::PrintQueue { waiting })));
        rt.spawn(watch_connectivity(gateway.clone(), msgs.clone()));
        let lang = state.settings.lang;
        let (done, batches_done) = tokio::sync::watch::channel(0);
        let maintenance = Arc::new(maintenance::Context::new(
            describe.clone(),
            clock.clone(),
            state.settings.utc_offset_minutes,
            state.catalogue.weighed.clone(),
        ));
        let runner = effects::Runner { gateway, devices, receipts, lang, maintenance: maintenance.clone() };
        rt.spawn(effects::run(batches, msgs.clone(), runner, done));
        let view = frames::DurableView::new(&state);
        let mut engine = Engine {
            state,
            clock,
            effects,
            msgs,
            inbox,
            describe,
            sync: None,
            batches_sent: 0,
            batches_done,
            maintenance,
            view,
            progress: (0, std::time::Instant::now()),
            rt,
        };
        engine.handle(Msg::Auth(core::auth::AuthMsg::Loaded { operators }));
        let (orders, counters) = restored;
        engine.handle(Msg::Restored { orders, counters });
        if let Some(office) = office {
            engine.handle(Msg::Office(office));
        }
        Ok(engine)
    }

    /// Shows the HID scanner's comings and goings.
    pub fn watch_scanner(&self, status: tokio::sync::watch::Receiver<crate::devices::ScannerStatus>) {
        use crate::core::ScannerState;
        use crate::devices::ScannerStatus;
        self.rt.spawn(forward(status, self.msgs.clone(), |s| match s {
            ScannerStatus::Starting => None,
            ScannerStatus::Connected { .. } => Some(Msg::Scanner(ScannerState::Connected)),
            ScannerStatus::Unplugged => Some(Msg::Scanner(ScannerState::Unplugged)),
            ScannerStatus::Missing(_) => Some(Msg::Scanner(ScannerState::Missing)),
        }));
    }

    /// Where CSV exports go (a USB stick's mount path).
    pub fn set_export_dir(&mut self, dir: &std::path::Path) {
        self.handle(Msg::Office(core::office::OfficeMsg::ExportDir { dir: dir.display().to_string() }));
    }

    /// Where payments go now, for the status bar.
    pub fn gateway_name(&self) -> String {
        (self.describe)()
    }

    /// Shows back-office delivery on the status bar and in observations.
    pub fn attach_sync(&mut self, status: tokio::sync::watch::Receiver<crate::sync::SyncStatus>) {
        // Sign-out waits for records the back office has not got (none are expected without one).
        self.rt.spawn(forward(status.clone(), self.msgs.clone(), |s| {
            let count = if s.enabled { s.unsynced() } else { 0 };
            Some(Msg::Auth(core::auth::AuthMsg::Unsynced { count }))
        }));
        self.maintenance.attach_sync(status.clone());
        self.sync = Some(status);
    }

    /// The back office other tills' orders are asked of (none: the till says it cannot see them).
    pub fn attach_office(&self, config: Option<crate::sync::BackofficeConfig>) {
        if let Some(config) = config {
            self.maintenance.attach_office(config);
        }
    }

    /// How back-office delivery is going (all zero when it was not started).
    pub fn sync_status(&self) -> crate::sync::SyncStatus {
        self.sync.as_ref().map(|s| s.borrow().clone()).unwrap_or_default()
    }

    /// Starts a scanner on its own thread; its codes arrive as messages.
    pub fn attach_scanner(&self, scanner: Box<dyn crate::devices::Scanner>) {
        let msgs = self.msgs.clone();
        std::thread::spawn(move || scanner.run(msgs));
    }

    /// Applies one message and sends its effects on their way.
    pub fn handle(&mut self, msg: Msg) {
        // Called on the render thread: anything spawned from here goes to the Engine's runtime.
        let _main = self.rt.enter();
        // Keys and scans may carry a customer's payment code: log their size, never their text.
        match &msg {
            Msg::Tick | Msg::Key(_) => {}
            Msg::Scan(code) => tracing::debug!(len = code.len(), "scan"),
            other => tracing::debug!(msg = ?other, "msg"),
        }
        let fx = core::update(&mut self.state, Event { at: self.clock.now(), msg });
        let mut sent = None;
        if !fx.is_empty() && self.effects.send(fx).is_ok() {
            self.batches_sent += 1;
            sent = Some(self.batches_sent);
        }
        self.view.changed(&self.state, sent);
    }

    /// The state the screen may show: the newest one whose saves are all on disk (as of the last
    /// [`Engine::catch_up`]).
    pub fn shown(&self) -> &State {
        self.view.shown()
    }

    /// Moves what [`Engine::shown`] gives on to the newest state whose saves have all run.
    pub fn catch_up(&mut self) {
        let done = *self.batches_done.borrow_and_update();
        if done != self.progress.0 || done >= self.batches_sent {
            self.progress = (done, std::time::Instant::now());
        }
        self.view.catch_up(&self.state, done, self.batches_sent);
    }

    /// How long, at `now`, the effect runner has had batches waiting without finishing any (as of
    /// the last [`Engine::catch_up`]); zero when none wait.
    pub fn saves_stalled_for(&self, now: std::time::Instant) -> Duration {
        if self.progress.0 >= self.batches_sent {
            Duration::ZERO
        } else {
            now.saturating_duration_since(self.progress.1)
        }
    }

    /// Waits until every effect batch handed out so far has run, so that each save behind the
    /// current state is on disk. For leaving (restart), headless observations and tests: the
    /// screen never waits for this, it draws [`Engine::shown`] (see [`frames`]).
    pub async fn durable(&mut self) {
        let sent = self.batches_sent;
        let _ = self.batches_done.wait_for(|done| *done >= sent).await;
    }

    /// Applies the next message (and everything queued behind it) if one arrives within `within`;
    /// false if none did. For tests that drive time themselves.
    pub async fn next_msg(&mut self, within: Duration) -> bool {
        match tokio::time::timeout(within, self.inbox.recv()).await {
            Ok(Some(msg)) => {
                self.handle(msg);
                while let Ok(msg) = self.inbox.try_recv() {
                    self.handle(msg);
                }
                true
            }
            _ => false,
        }
    }

    /// Waits for the next message (or the next tick) and applies it and everything queued behind it.
    pub async fn step(&mut self, ticker: &mut tokio::time::Interval) {
        tokio::select! {
            Some(msg) = self.inbox.recv() => self.handle(msg),
            _ = ticker.tick() => self.handle(Msg::Tick),
        }
        while let Ok(msg) = self.inbox.try_recv() {
            self.handle(msg);
        }
    }
}

impl Engine {
    /// Waits for what changes what the screen shows: a message (applied, with everything queued
    /// behind it), a tick, or the effect runner finishing a batch (a save reached the disk).
    pub async fn next_change(&mut self, ticker: &mut tokio::time::Interval) {
        tokio::select! {
            Some(msg) = self.inbox.recv() => self.handle(msg),
            _ = ticker.tick() => self.handle(Msg::Tick),
            Ok(()) = self.batches_done.changed() => {}
        }
        while let Ok(msg) = self.inbox.try_recv() {
            self.handle(msg);
        }
    }
}

/// Pings the platform: every minute while it answers; a missed ping is tried again after 5 s, and
/// only two missed in a row mean offline (one lost packet must not stop payments); then every 15 s.
const PING_ONLINE: Duration = Duration::from_secs(60);
const PING_AGAIN: Duration = Duration::from_secs(5);
const PING_OFFLINE: Duration = Duration::from_secs(15);

async fn watch_connectivity<G: Gateway + 'static>(gateway: Arc<G>, msgs: UnboundedSender<Msg>) {
    let mut missed = 0u32;
    loop {
        let online = gateway.reachable().await;
        // The platform's time first: the core checks its clock before any number leaves.
        if online && msgs.send(Msg::PlatformClock { unix_secs: gateway.clock().await }).is_err() {
            return;
        }
        missed = if online { 0 } else { missed + 1 };
        if (online || missed >= 2) && msgs.send(Msg::Connectivity { online }).is_err() {
            return;
        }
        let wait = match missed {
            0 => PING_ONLINE,
            1 => PING_AGAIN,
            _ => PING_OFFLINE,
        };
        tokio::time::sleep(wait).await;
    }
}

/// Sends each value of `watch` (the current one first) as the message `to` makes of it.
async fn forward<T: Clone + Send + Sync + 'static>(
    mut watch: tokio::sync::watch::Receiver<T>,
    msgs: UnboundedSender<Msg>,
    to: impl Fn(T) -> Option<Msg> + Send + 'static,
) {
    loop {
        let value = watch.borrow_and_update().clone();
        if let Some(msg) = to(value)
            && msgs.send(msg).is_err()
        {
            return;
        }
        if watch.changed().await.is_err() {
            return;
        }
    }
}

pub fn ticker() -> tokio::time::Interval {
    ticker_every(TICK)
}

/// A ticker every `period`, on the current runtime's timer; a late tick is not made up for.
pub fn ticker_every(period: Duration) -> tokio::time::Interval {
    let mut t = tokio::time::interval(period);
    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    t
}

pub use terminal::run_tui;
