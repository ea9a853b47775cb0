#![allow(clippy::panic)] // test helpers fail the test by panicking
//! The real `till` binary, headless, against the Cloud Pay simulator on loopback: a "world" of one
//! simulator, one data directory and one config, in which tills can be started and killed.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use till::app::headless::Observation;
use till::config::Config;
use till::core::no_receipt::ReturnNotice;
use till::core::notice::Notice;
use till::core::order::Order;
use till::core::{Key, Lang, Msg, Screen};
use till::sim::backoffice::{BackofficeHandle, BackofficeSim, BackofficeSimConfig};
use till::sim::cloudpay::{CloudPaySim, SimConfig, SimHandle};
use till::sim::weishouyin::{SimConfig as WsySimConfig, SimHandle as WsySimHandle, WeishouyinSim};
use till::store::{RedbStore, Store};
use till::sync::BackofficeConfig;

pub struct World<S = SimHandle> {
    pub sim: S,
    pub dir: tempfile::TempDir,
    pub config_path: PathBuf,
    starts: u32,
    // Declared last: dropped after the simulator handle.
    _rt: tokio::runtime::Runtime,
}

impl World {
    /// A Cloud Pay simulator and a config pointing at it; `tweak` adjusts the config (timeouts, language).
    pub fn new(sim_cfg: SimConfig, tweak: impl FnOnce(&mut Config)) -> World {
        World::build(
            |addr| CloudPaySim::start(addr, sim_cfg),
            |sim: &SimHandle, dir| Config::demo(Lang::En, dir, sim.base_url()),
            tweak,
        )
    }
}

impl World {
    /// A Cloud Pay simulator serving `n` domains (one ledger), the config listing them all.
    pub fn domains(n: usize, sim_cfg: SimConfig, tweak: impl FnOnce(&mut Config)) -> World {
        World::build(
            |_| CloudPaySim::start_domains(n, sim_cfg),
            |sim: &SimHandle, dir| {
                let mut c = Config::demo(Lang::En, dir, sim.base_url());
                c.cloudpay.base_urls = sim.base_urls();
                c
            },
            tweak,
        )
    }
}

impl World<WsySimHandle> {
    /// A 微收银 simulator and a config pointing at it (the reference's test device 57206).
    pub fn weishouyin(sim_cfg: WsySimConfig, tweak: impl FnOnce(&mut Config)) -> World<WsySimHandle> {
        World::build(
            |addr| WeishouyinSim::start(addr, sim_cfg),
            |sim: &WsySimHandle, dir| Config::demo_weishouyin(Lang::En, dir, sim.base_url()),
            tweak,
        )
    }
}

impl<S> World<S> {
    fn build(
        start: impl FnOnce(std::net::SocketAddr) -> std::io::Result<S>,
        config_for: impl FnOnce(&S, PathBuf) -> Config,
        tweak: impl FnOnce(&mut Config),
    ) -> World<S> {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
        let sim = {
            let _guard = rt.enter();
            start(([127, 0, 0, 1], 0).into()).expect("simulator")
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = config_for(&sim, dir.path().join("data"));
        config.printer.output = Some(dir.path().join("receipts.escpos"));
        tweak(&mut config);
        let config_path = dir.path().join("till.toml");
        std::fs::write(&config_path, toml::to_string(&config).expect("toml")).expect("write config");
        World { sim, dir, config_path, starts: 0, _rt: rt }
    }

    /// Starts the reference back-office receiver on the world's runtime and points the till's
    /// config at it.
    pub fn start_backoffice(&mut self) -> BackofficeHandle {
        let receiver = {
            let _guard = self._rt.enter();
            BackofficeSim::start(([127, 0, 0, 1], 0).into(), BackofficeSimConfig::default()).expect("receiver")
        };
        let mut config = Config::load(&self.config_path).expect("config");
        config.backoffice = Some(BackofficeConfig::demo(&receiver.base_url()));
        std::fs::write(&self.config_path, toml::to_string(&config).expect("toml")).expect("write config");
        receiver
    }

    /// Runs `f` on the simulator's runtime (for async simulator calls).
    pub fn block_on<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        self._rt.block_on(f)
    }

    pub fn start_till(&mut self) -> TillProcess {
        self.start_till_with(&[])
    }

    /// Another till's config on the same simulator (its own data directory, receipts and config
    /// file, named `name`); `tweak` sets it apart (device id, terminal number). Start it with
    /// [`World::start_till_from`].
    pub fn another_till(&self, name: &str, tweak: impl FnOnce(&mut Config)) -> PathBuf {
        let mut config = Config::load(&self.config_path).expect("config");
        config.data_dir = Some(self.dir.path().join(format!("data-{name}")));
        config.printer.output = Some(self.dir.path().join(format!("receipts-{name}.escpos")));
        tweak(&mut config);
        let path = self.dir.path().join(format!("till-{name}.toml"));
        std::fs::write(&path, toml::to_string(&config).expect("toml")).expect("write config");
        path
    }

    /// Starts `till run --headless` with the config at `config_path` (see [`World::another_till`]).
    pub fn start_till_from(&mut self, config_path: &std::path::Path) -> TillProcess {
        let main = std::mem::replace(&mut self.config_path, config_path.to_path_buf());
        let till = self.start_till_with(&[]);
        self.config_path = main;
        till
    }

    /// Starts `till run --headless` with extra environment variables (e.g. TILL_CRASH_AT).
    pub fn start_till_with(&mut self, env: &[(&str, &str)]) -> TillProcess {
        self.starts += 1;
        let stderr =
            std::fs::File::create(self.dir.path().join(format!("till-{}.stderr", self.starts))).expect("stderr");
        let mut child = Command::new(till_binary())
            .args(["run", "--headless", "--config"])
            .arg(&self.config_path)
            .envs(env.iter().copied())
            .env(till::config::TEST_AUTO_SIGN_IN_ENV, "1")
            .env("TILL_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn till");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                match serde_json::from_str::<Observation>(&line) {
                    Ok(o) => {
                        if tx.send(o).is_err() {
                            return;
                        }
                    }
                    Err(e) => eprintln!("till printed a non-observation: {e}: {line}"),
                }
            }
        });
        TillProcess { child, stdin, rx, seen: Vec::new() }
    }

    pub fn receipts(&self) -> Vec<u8> {
        std::fs::read(self.dir.path().join("receipts.escpos")).unwrap_or_default()
    }

    /// Every order in the store (only while no till runs: redb locks its file).
    pub fn stored_orders(&self) -> Vec<Order> {
        let store = RedbStore::open(&self.dir.path().join("data").join("store")).expect("open store");
        store.orders().expect("orders")
    }

    /// The data directory of the till (its store is `store/` under it).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `till catalogue import` / `till promotions import` (`what`) of `text`, through the real CLI.
    pub fn import_csv(&self, what: &str, text: &str) {
        let file = self.dir.path().join(format!("{what}.csv"));
        std::fs::write(&file, text).expect("write");
        let out = Command::new(till_binary())
            .args([what, "import"])
            .arg(&file)
            .arg("--config")
            .arg(&self.config_path)
            .output()
            .expect("run");
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn till_log(&self) -> String {
        (1..=self.starts)
            .map(|n| std::fs::read_to_string(self.dir.path().join(format!("till-{n}.stderr"))).unwrap_or_default())
            .collect()
    }
}

/// The `till` binary cargo built: this package's own (`CARGO_BIN_EXE_till`) or, in another package's
/// tests (crates/till-office includes this file), the one in the same target directory, which
/// `cargo build --bin till` makes first (`make test` does).
pub fn till_binary() -> PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_till") {
        return PathBuf::from(path);
    }
    // target/<profile>/deps/<test> -> target/<profile>/till
    let exe = std::env::current_exe().expect("the test's own path");
    let till = exe.parent().and_then(|deps| deps.parent()).map(|dir| dir.join("till")).expect("a target directory");
    assert!(till.exists(), "{} is not built: run `cargo build --locked --bin till` first", till.display());
    till
}

pub struct TillProcess {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Observation>,
    /// Every observation so far, oldest first.
    pub seen: Vec<Observation>,
}

impl TillProcess {
    pub fn send(&mut self, msg: &Msg) {
        let line = serde_json::to_string(msg).expect("json");
        writeln!(self.stdin, "{line}").expect("write to till");
        self.stdin.flush().expect("flush");
    }

    /// Sends one line of a script as it is (e.g. an intent by name, `{"act":"sign_out"}`).
    pub fn line(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("write to till");
        self.stdin.flush().expect("flush");
    }

    pub fn scan(&mut self, code: &str) {
        self.send(&Msg::Scan(code.into()));
    }

    pub fn key(&mut self, key: Key) {
        self.send(&Msg::Key(key));
    }

    /// Types text and Enter, as the keyboard does in the demo.
    pub fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(Key::Char(c));
        }
        self.key(Key::Enter);
    }

    /// One cola (3.50, barcode 6900138600889) for cash, 5.00 given, back to an empty sale.
    pub fn cash_sale_cola(&mut self) {
        use till::core::money::Fen;
        use till::core::{Key, Screen};
        let secs = Duration::from_secs;
        self.wait_for("sale screen", secs(10), |o| o.screen == Screen::Sale && o.total == Fen(0));
        self.scan("6900138600889");
        self.wait_for("one item", secs(5), |o| o.total == Fen(350));
        self.typed("");
        self.wait_for("tender screen", secs(5), |o| o.screen == (Screen::Pay { cash_entry: false }));
        self.key(Key::Char('c'));
        self.typed("5");
        self.wait_for("cash paid", secs(5), |o| o.screen == Screen::Done { change: Fen(150) });
        self.key(Key::Esc);
    }

    /// From an empty sale screen: looks up order `number`, chooses `units` of its first line (worth
    /// `value` as paid), refunds them, and waits for the refund to be confirmed; returns what was seen then.
    pub fn refund_first_line_units(&mut self, number: &str, units: u32, value: till::core::money::Fen) -> Observation {
        use till::core::order::RefundState;
        let secs = Duration::from_secs;
        self.scan(number);
        self.wait_for("looked up", secs(10), |o| o.lookup.as_ref().is_some_and(|v| !v.pending && v.answer.is_some()));
        for c in format!("{units}*").chars() {
            self.key(Key::Char(c));
        }
        self.wait_for("goods chosen", secs(5), |o| o.lookup.as_ref().is_some_and(|v| v.chosen_value() == value));
        self.key(Key::Enter);
        self.wait_for("refunded", secs(20), |o| {
            o.lookup.as_ref().and_then(|v| v.order.as_ref()).is_some_and(|order| {
                order.refunds.len() == 1
                    && order.refunds[0].state == RefundState::Refunded
                    && !o.lookup.as_ref().is_some_and(|v| v.pending)
            })
        })
    }

    /// Waits until an observation satisfies `pred`; panics with the last ones if none does in time.
    /// From a till just started: ready on the sale screen, F3 (the lookup), F7: the form of a return
    /// without a receipt, asking for the goods (the start of a return and of an exchange).
    pub fn open_return_form(&mut self) {
        self.wait_for("ready", Duration::from_secs(10), |o| o.notice.is_none() && o.screen == Screen::Sale);
        self.key(Key::F(3));
        self.wait_for("lookup", Duration::from_secs(5), |o| o.screen == Screen::Lookup);
        self.key(Key::F(7));
        self.wait_for("the form", Duration::from_secs(5), |o| {
            o.notice == Some(Notice::Return(ReturnNotice::ScanGoods))
        });
    }

    pub fn wait_for(&mut self, what: &str, within: Duration, pred: impl Fn(&Observation) -> bool) -> Observation {
        if let Some(o) = self.seen.last().filter(|o| pred(o)) {
            return o.clone();
        }
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(o) => {
                    self.seen.push(o.clone());
                    if pred(&o) {
                        return o;
                    }
                }
                Err(_) => panic!(
                    "till did not reach '{what}' within {within:?}; last: {:#?}",
                    self.seen.iter().rev().take(3).collect::<Vec<_>>()
                ),
            }
        }
    }

    /// Collects observations until `pred` holds (returned) or `deadline` passes (`None`).
    pub fn poll_until(&mut self, deadline: Instant, pred: impl Fn(&Observation) -> bool) -> Option<Observation> {
        if let Some(o) = self.seen.last().filter(|o| pred(o)) {
            return Some(o.clone());
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(o) => {
                    self.seen.push(o.clone());
                    if pred(&o) {
                        return Some(o);
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// Whether the process has ended by itself (a crash point).
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// SIGKILL, then every observation the till wrote before it died, oldest first.
    pub fn kill9_seen(mut self) -> Vec<Observation> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The reader thread ends at end of file: what is left in the pipe was shown before the kill.
        while let Ok(o) = self.rx.recv_timeout(Duration::from_secs(2)) {
            self.seen.push(o);
        }
        std::mem::take(&mut self.seen)
    }

    /// SIGKILL, as a pulled plug: nothing runs after it.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to end by itself (a crash point) and returns whether it failed.
    pub fn wait_exit(mut self, within: Duration) -> bool {
        // Killed by `Drop` if it does not.
        wait_until("till exits", within, || matches!(self.child.try_wait(), Ok(Some(_))));
        !self.child.wait().expect("wait").success()
    }

    pub fn quit(mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.stdin.flush();
        let _ = self.child.wait();
    }
}

impl Drop for TillProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `cond` holds, checking every 20 ms; panics naming `what` if it still does not hold by
/// `within`. For events the tests can only see from outside (a log line, a simulator's ledger, a file):
/// the wait ends with the event, so a loaded machine only makes it slower, never wrong.
pub fn wait_until(what: &str, within: std::time::Duration, mut cond: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + within;
    while !cond() {
        assert!(std::time::Instant::now() < deadline, "not within {within:?}: {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
