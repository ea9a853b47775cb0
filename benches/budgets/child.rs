//! The real `till` binary in a child process, headless (`till run --headless`: JSON messages in,
//! observations out), so that its resident memory is the till's own and nobody else's.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use till::app::headless::Observation;
use till::config::Config;
use till::core::{Key, Lang, Msg, Screen};

/// Writes a till.toml for a till on `data_dir` paying at `sim_url`, receipts to a file, and
/// delivering to the back office at `backoffice` when given.
pub fn write_config(
    dir: &Path,
    data_dir: PathBuf,
    sim_url: String,
    backoffice: Option<&str>,
) -> anyhow::Result<PathBuf> {
    let mut config = Config::demo(Lang::En, data_dir, sim_url);
    config.printer.output = Some(dir.join("receipts.escpos"));
    config.backoffice = backoffice.map(till::sync::BackofficeConfig::demo);
    let path = dir.join("till.toml");
    std::fs::write(&path, toml::to_string(&config)?)?;
    Ok(path)
}

pub struct TillProcess {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Observation>,
    pub last: Option<Observation>,
}

/// Resident memory now and at its peak (VmRSS, VmHWM), in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub rss: u64,
    pub peak: u64,
    /// Of `rss`: anonymous memory (heap, stacks) and file pages (the binary's code, libraries).
    pub anon: u64,
    pub file: u64,
}

impl Memory {
    pub fn split(&self) -> String {
        use crate::table::mib;
        format!("{} anonymous + {} file-backed", mib(self.anon), mib(self.file))
    }
}

impl TillProcess {
    pub fn start(config: &Path, stderr: &Path) -> anyhow::Result<TillProcess> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
            .args(["run", "--headless", "--config"])
            .arg(config)
            // The demo's config signs operator 01 in: `till run` takes it from a test harness only.
            .env(till::config::TEST_AUTO_SIGN_IN_ENV, "1")
            .env("TILL_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(stderr)?)
            .spawn()?;
        let stdin = child.stdin.take().ok_or_else(|| anyhow::anyhow!("no stdin"))?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if let Ok(o) = serde_json::from_str::<Observation>(&line)
                    && tx.send(o).is_err()
                {
                    return;
                }
            }
        });
        Ok(TillProcess { child, stdin, rx, last: None })
    }

    pub fn send(&mut self, msg: &Msg) -> anyhow::Result<()> {
        writeln!(self.stdin, "{}", serde_json::to_string(msg)?)?;
        Ok(self.stdin.flush()?)
    }

    /// Waits for an observation satisfying `pred` (the newest one counts).
    pub fn wait(&mut self, what: &str, within: Duration, pred: impl Fn(&Observation) -> bool) -> anyhow::Result<()> {
        if self.last.as_ref().is_some_and(&pred) {
            return Ok(());
        }
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let o = self.rx.recv_timeout(left).map_err(|_| anyhow::anyhow!("till: {what} not within {within:?}"))?;
            let hit = pred(&o);
            self.last = Some(o);
            if hit {
                return Ok(());
            }
        }
    }

    pub fn memory(&self) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kib = |field: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0)
        };
        Ok(Memory {
            rss: kib("VmRSS:") * 1024,
            peak: kib("VmHWM:") * 1024,
            anon: kib("RssAnon:") * 1024,
            file: kib("RssFile:") * 1024,
        })
    }

    /// One sale: the products scanned, then paid by `code` (a payment code) or exact cash; waits
    /// until it is shown paid, then starts the next sale.
    pub fn sell(&mut self, products: &[String], code: Option<String>) -> anyhow::Result<()> {
        let before = self.last.as_ref().map_or(0, |o| o.sale_id);
        for p in products {
            self.send(&Msg::Scan(p.clone()))?;
        }
        self.send(&Msg::Key(Key::Enter))?;
        match code {
            Some(code) => self.send(&Msg::Scan(code))?,
            None => {
                self.send(&Msg::Key(Key::F(2)))?;
                self.send(&Msg::Key(Key::Enter))?;
            }
        }
        self.wait("the sale paid", Duration::from_secs(20), |o| matches!(o.screen, Screen::Done { .. }))?;
        self.send(&Msg::Key(Key::Enter))?;
        self.wait("the next sale", Duration::from_secs(20), |o| o.screen == Screen::Sale && o.sale_id != before)
    }
}

impl Drop for TillProcess {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.stdin.flush();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const DAY: &str = "till resident memory after a 500-sale day";

/// The real till through a day of 500 sales (three items each; every other one paid by WeChat
/// code, the rest cash), records delivered to the back office; its memory at the end.
pub fn day(ctx: &crate::Ctx, rt: &tokio::runtime::Runtime) -> anyhow::Result<Vec<crate::table::Row>> {
    use crate::table::{Row, mib};
    let sales = 500;
    let dir = ctx.work.join("day");
    std::fs::create_dir_all(&dir)?;
    let (sim, receiver) = {
        let _guard = rt.enter();
        let sim = till::sim::cloudpay::CloudPaySim::start(([127, 0, 0, 1], 0).into(), Default::default())?;
        let cfg = till::sim::backoffice::BackofficeSimConfig::default();
        (sim, till::sim::backoffice::BackofficeSim::start(([127, 0, 0, 1], 0).into(), cfg)?)
    };
    let config = write_config(&dir, dir.join("data"), sim.base_url(), Some(&receiver.base_url()))?;
    let mut till = TillProcess::start(&config, &dir.join("till.stderr"))?;
    till.wait("the first screen", Duration::from_secs(60), |_| true)?;
    let start = till.memory()?;
    let demo: Vec<String> = till::demo::catalogue(Lang::En).iter().map(|p| p.barcode.clone()).collect();
    let started = Instant::now();
    for i in 0..sales {
        let items: Vec<String> = (0..3).map(|j| demo[(i * 3 + j) % demo.len()].clone()).collect();
        let code = (i % 2 == 0).then(|| crate::shop::wechat_code(i));
        till.sell(&items, code)?;
    }
    let selling = started.elapsed();
    till.wait("the back office has every record", Duration::from_secs(120), |o| o.sync.unsynced() == 0)?;
    let end = till.memory()?;
    drop(till);
    Ok(vec![
        Row::new(
            DAY,
            format!("{} (peak {})", mib(end.rss), mib(end.peak)),
            "≤ 20 MiB",
            "—".into(),
            end.rss <= 20 << 20,
        )
        .note(format!(
            "The real till binary (`till run --headless`, a child process; no terminal drawn), {sales} sales in \
             {:.0} s against the Cloud Pay simulator and the back-office receiver on loopback; {} at the first \
             screen. At the end: {}. VmRSS, VmHWM, RssAnon, RssFile from /proc.",
            selling.as_secs_f64(),
            mib(start.rss),
            end.split()
        )),
    ])
}
