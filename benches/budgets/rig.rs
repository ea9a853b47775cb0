//! A till in this process, wired as `till run` wires it (real store files, the real Cloud Pay
//! client against the simulator on loopback, the real printer transports), with a screen drawn
//! by the real view through ratatui's crossterm backend into a pseudo-terminal, and its store's
//! saves timed.

use crate::net::Proxy;
use crate::store_impl::open_store;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use till::app::{Devices, Engine, PrintQueue, SystemClock};
use till::config::Config;
use till::core::catalog::Catalogue;
use till::core::order::Order;
use till::core::{Counters, Lang, State};
use till::devices::printer::{self, Options, Transport};
use till::devices::{LogSpeaker, NoBuzzer, NoWifi, Printer, PrinterError};
use till::sim::cloudpay::{CloudPaySim, SimConfig, SimHandle};
use till::store::{self, Store, StoreError};
use till::sync::BackofficeConfig;
use till::ui::Status;

/// The kiosk's screen: 80 × 24, as the UI snapshots.
pub const COLS: u16 = 80;
pub const ROWS: u16 = 24;

pub struct TillRig {
    pub engine: Engine,
    pub sim: SimHandle,
    pub proxy: Proxy,
    pub saves: Arc<TimedStore>,
    pub prints: Arc<TimedPrinter>,
}

impl TillRig {
    /// Starts a till on the data directory `dir/data` (its store is opened or created), printing to
    /// `transport`.
    pub async fn start(dir: &Path, catalogue: Catalogue, transport: Transport) -> anyhow::Result<TillRig> {
        TillRig::start_with(dir, catalogue, transport, None).await
    }

    /// As `start`, delivering the outbox to the back office at `backoffice` (a base URL) as `till run` does.
    pub async fn start_with(
        dir: &Path,
        catalogue: Catalogue,
        transport: Transport,
        backoffice: Option<String>,
    ) -> anyhow::Result<TillRig> {
        let data = dir.join("data");
        std::fs::create_dir_all(&data)?;
        let sim = CloudPaySim::start(([127, 0, 0, 1], 0).into(), SimConfig::default())?;
        let proxy = Proxy::start(sim.addr()).await?;
        let config = Config::demo(Lang::En, data.clone(), proxy.base_url());
        let profile = config.profile()?;
        let (gateway, _) = till::app::platform::start(&config, &data).await?;
        let saves = Arc::new(TimedStore::new(open_store(&data.join("store"))?));
        let prints = Arc::new(TimedPrinter::new(printer::open(&transport, Options::default())));
        let retry = Duration::from_secs(config.printer.retry_secs);
        let print_queue = PrintQueue::persistent(&data.join("print-queue.json"), config.printer.queue_limit, retry)?;
        let sync = backoffice.map(|url| till::sync::start(saves.clone(), Some(BackofficeConfig::demo(&url))));
        let store: Arc<dyn Store> = match &sync {
            Some(sync) => sync.store.clone(),
            None => saves.clone(),
        };
        let devices = Devices {
            store,
            printer: prints.clone(),
            buzzer: Arc::new(NoBuzzer),
            speaker: Arc::new(LogSpeaker),
            wifi: Arc::new(NoWifi),
            print_queue,
            display: till::app::display::DisplayFeed::none(),
        };
        let mut state = State::new(config.settings(), catalogue);
        state.auth.policy = config.operators.clone(); // the demo's: operator 01 signed in
        let mut engine = Engine::start(state, Arc::new(gateway), devices, profile, Arc::new(SystemClock))?;
        if let Some(sync) = sync {
            engine.attach_sync(sync.status);
        }
        let mut rig = TillRig { engine, sim, proxy, saves, prints };
        rig.settle().await;
        Ok(rig)
    }

    /// Applies every message waiting and waits until each save behind the state is on disk.
    pub async fn settle(&mut self) {
        while self.engine.next_msg(Duration::ZERO).await {}
        self.engine.durable().await;
    }

    /// Handles `msg`, then settles.
    pub async fn send(&mut self, msg: till::core::Msg) {
        self.engine.handle(msg);
        self.settle().await;
    }

    /// Applies messages as they come until `done` holds; an error after `within`.
    pub async fn until(&mut self, what: &str, within: Duration, done: impl Fn(&State) -> bool) -> anyhow::Result<()> {
        let deadline = Instant::now() + within;
        while !done(&self.engine.state) {
            let left = deadline.saturating_duration_since(Instant::now());
            anyhow::ensure!(!left.is_zero(), "{what}: not reached within {within:?}");
            self.engine.next_msg(left.min(Duration::from_millis(100))).await;
        }
        self.engine.durable().await;
        Ok(())
    }
}

/// The till's view drawn as `till run` draws it, into a pty whose other end is read and dropped.
pub struct PtyScreen {
    terminal: Terminal<CrosstermBackend<File>>,
    status: Status,
}

impl PtyScreen {
    pub fn open() -> anyhow::Result<PtyScreen> {
        let size = nix::pty::Winsize { ws_row: ROWS, ws_col: COLS, ws_xpixel: 0, ws_ypixel: 0 };
        let pair = nix::pty::openpty(Some(&size), None)?;
        let mut master = File::from(pair.master);
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while matches!(master.read(&mut buf), Ok(n) if n > 0) {}
        });
        let backend = CrosstermBackend::new(File::from(pair.slave));
        let viewport = Viewport::Fixed(Rect::new(0, 0, COLS, ROWS));
        let terminal = Terminal::with_options(backend, TerminalOptions { viewport })?;
        let status = Status {
            demo: true,
            gateway: String::new(),
            printer: "bench".into(),
            clock: String::new(),
            unsynced: 0,
            clock_off: false,
            insecure_link: None,
            upgrade_waiting: None,
        };
        Ok(PtyScreen { terminal, status })
    }

    /// Draws the engine's live state once its saves are on disk (the caller waits for them);
    /// returns how often `text` is on the drawn frame.
    pub fn draw(&mut self, engine: &Engine, text: Option<&str>) -> anyhow::Result<usize> {
        self.draw_state(&engine.state, engine, text)
    }

    /// Draws `state` as `run_tui`'s render loop does (it gives the durable state, `Engine::shown`).
    pub fn draw_state(&mut self, state: &State, engine: &Engine, text: Option<&str>) -> anyhow::Result<usize> {
        self.status.clock = state.now.local(state.settings.utc_offset_minutes).hhmm();
        self.status.gateway = engine.gateway_name();
        self.status.unsynced = engine.sync_status().unsynced();
        let status = &self.status;
        let frame = self.terminal.draw(|f| till::ui::view(state, status, f))?;
        Ok(match text {
            Some(t) => {
                let screen: String = frame.buffer.content().iter().map(|c| c.symbol()).collect();
                screen.matches(t).count()
            }
            None => 0,
        })
    }
}

/// The store, each `save` timed: (when it started, how long it took).
pub struct TimedStore {
    inner: Arc<dyn Store>,
    pub log: Mutex<Vec<(Instant, Duration)>>,
}

impl TimedStore {
    pub fn new(inner: Arc<dyn Store>) -> TimedStore {
        TimedStore { inner, log: Mutex::new(Vec::new()) }
    }

    /// The time spent in saves that started at or after `since`.
    pub fn spent_since(&self, since: Instant) -> (Duration, usize) {
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let mine: Vec<_> = log.iter().filter(|(at, _)| *at >= since).collect();
        (mine.iter().map(|(_, d)| *d).sum(), mine.len())
    }
}

impl store::Wrapper for TimedStore {
    fn inner(&self) -> &dyn Store {
        &*self.inner
    }
    fn save(&self, order: &Order, counters: &Counters) -> Result<store::Moved, StoreError> {
        let at = Instant::now();
        let result = self.inner.save(order, counters);
        self.log.lock().unwrap_or_else(|p| p.into_inner()).push((at, at.elapsed()));
        result
    }
}

/// The printer, each `print` timed: how long the writer took to hand a receipt to the device, and
/// how many bytes it was.
pub struct TimedPrinter {
    inner: Arc<dyn Printer>,
    pub log: Mutex<Vec<(Duration, usize)>>,
}

impl TimedPrinter {
    pub fn new(inner: Arc<dyn Printer>) -> TimedPrinter {
        TimedPrinter { inner, log: Mutex::new(Vec::new()) }
    }
}

impl Printer for TimedPrinter {
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError> {
        let at = Instant::now();
        let result = self.inner.print(bytes);
        self.log.lock().unwrap_or_else(|p| p.into_inner()).push((at.elapsed(), bytes.len()));
        result
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}
