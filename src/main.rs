//! `till`: wiring only. See `till --help`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use till::app::{self, Devices, Engine, SystemClock};
use till::config::{self, Config, PaymentPlatform};
use till::core::{Lang, State};
use till::devices::{
    Buzzer, EspeakSpeaker, EvdevScanner, LineScanner, LogSpeaker, NoBuzzer, NoWifi, Speaker, TerminalBell, printer,
};
use till::logging::{self, LogTo};
use till::payments::Gateway;
use till::sim::backoffice::{BackofficeSim, BackofficeSimConfig};
use till::sim::cloudpay::{CloudPaySim, SimConfig};
use till::store::SledStore;
use till::sync::BackofficeConfig;
use till::ui::Status;

#[derive(Parser)]
#[command(name = "till", version, about = "Point-of-sale till for small shops")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the till on its embedded defaults: demo catalogue, built-in Cloud Pay simulator,
    /// receipts to a file. The keyboard plays the scanner. F10 quits.
    Demo {
        #[arg(long, value_parser = parse_lang, default_value = "zh")]
        lang: Lang,
        /// Data directory (default: till-demo under the user's state directory).
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Read JSON messages on stdin and write JSON observations on stdout instead of drawing.
        #[arg(long)]
        headless: bool,
        /// The payment platform to simulate: cloudpay or weishouyin.
        #[arg(long, value_parser = parse_platform, default_value = "cloudpay")]
        platform: PaymentPlatform,
    },
    /// Run the till with a configuration file.
    Run {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
        #[arg(long)]
        headless: bool,
    },
    /// Serve a payment platform simulator on loopback until killed.
    Sim {
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// cloudpay or weishouyin.
        #[arg(long, value_parser = parse_platform, default_value = "cloudpay")]
        platform: PaymentPlatform,
    },
    /// Print a test page (shop name, profile, column ruler, Chinese and English, a CODE128 and a
    /// QR, cut) to the configured printer and report its status.
    PrintTest {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
    },
    /// Check every device and service the till uses and say what works (changes nothing).
    Doctor {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
    },
    /// Write the whole order store (orders, counters, outbox) to stdout as JSON lines, for a backup.
    /// The till must not be running.
    Export {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
    },
    /// Read a `till export` file from stdin into an empty order store.
    Import {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
    },
    /// Apply the settings a technician dropped on the boot partition (till.toml, wifi.txt,
    /// activation.txt) and remove them from it; `--activate` sends a kept activation code instead.
    Provision {
        #[arg(long, default_value = "/boot/firmware")]
        boot_dir: PathBuf,
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
        #[arg(long, default_value = "/etc/wpa_supplicant/wpa_supplicant-wlan0.conf")]
        wpa_conf: PathBuf,
        #[arg(long)]
        activate: bool,
    },
    /// Activate this till at 微收银 with the activation code from the merchant's back office; the
    /// device number and key are stored (mode 0600) in the data directory.
    Activate {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
        #[arg(long)]
        code: String,
    },
}

fn parse_platform(s: &str) -> Result<PaymentPlatform, String> {
    match s {
        "cloudpay" => Ok(PaymentPlatform::CloudPay),
        "weishouyin" => Ok(PaymentPlatform::Weishouyin),
        _ => Err(format!("{s}: use cloudpay or weishouyin")),
    }
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    match s {
        "zh" => Ok(Lang::Zh),
        "en" => Ok(Lang::En),
        _ => Err(format!("{s}: use zh or en")),
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async {
        let default =
            Command::Demo { lang: Lang::Zh, data_dir: None, headless: false, platform: PaymentPlatform::CloudPay };
        match cli.command.unwrap_or(default) {
            Command::Demo { lang, data_dir, headless, platform } => demo(lang, data_dir, headless, platform).await,
            Command::Run { config, headless } => {
                let config = Config::load(&config)?;
                run(config, false, headless).await
            }
            Command::Sim { port, platform } => {
                logging::init(LogTo::Stderr)?;
                let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
                match platform {
                    PaymentPlatform::CloudPay => {
                        Ok(till::sim::cloudpay::run_forever(addr, SimConfig::default()).await?)
                    }
                    PaymentPlatform::Weishouyin => {
                        let cfg = till::sim::weishouyin::SimConfig::default();
                        Ok(till::sim::weishouyin::run_forever(addr, cfg).await?)
                    }
                }
            }
            Command::Doctor { config } => doctor(&config).await,
            Command::Export { config } => export(&Config::load(&config)?),
            Command::Import { config } => import(&Config::load(&config)?),
            Command::Activate { config, code } => activate(&Config::load(&config)?, &code).await,
            Command::PrintTest { config } => print_test(&Config::load(&config)?).await,
            Command::Provision { boot_dir, config, wpa_conf, activate } => {
                app::provision::run_cli(app::provision::Paths { boot_dir, config, wpa_conf }, activate).await
            }
        }
    })
}

async fn demo(lang: Lang, data_dir: Option<PathBuf>, headless: bool, platform: PaymentPlatform) -> anyhow::Result<()> {
    let data_dir = data_dir.unwrap_or_else(|| config::default_data_dir().with_file_name("till-demo"));
    let backoffice = BackofficeSim::start(([127, 0, 0, 1], 0).into(), BackofficeSimConfig::default())?;
    let bo = Some(BackofficeConfig::demo(&backoffice.base_url()));
    match platform {
        PaymentPlatform::CloudPay => {
            let sim = CloudPaySim::start(([127, 0, 0, 1], 0).into(), SimConfig::default())?;
            run(Config { backoffice: bo, ..Config::demo(lang, data_dir, sim.base_url()) }, true, headless).await
        }
        PaymentPlatform::Weishouyin => {
            let cfg = till::sim::weishouyin::SimConfig::default();
            let sim = till::sim::weishouyin::WeishouyinSim::start(([127, 0, 0, 1], 0).into(), cfg)?;
            let config = Config::demo_weishouyin(lang, data_dir, sim.base_url());
            run(Config { backoffice: bo, ..config }, true, headless).await
        }
    }
}

/// `till doctor`: one line per check; exit status 1 if anything fails.
async fn doctor(path: &std::path::Path) -> anyhow::Result<()> {
    let config = match Config::load(path) {
        Ok(c) => {
            println!("[ OK ] config     {}", path.display());
            c
        }
        Err(e) => {
            println!("[FAIL] config     {e}");
            std::process::exit(1);
        }
    };
    let checks = app::doctor::run(&config).await;
    for c in &checks {
        println!("{c}");
    }
    if checks.iter().any(|c| c.level == app::doctor::Level::Fail) {
        std::process::exit(1);
    }
    Ok(())
}

/// `till export`: the store as JSON lines on stdout; the counts on stderr.
fn export(config: &Config) -> anyhow::Result<()> {
    let path = config.data_dir().join("store");
    let store = SledStore::open(&path).with_context(|| format!("opening the order store at {}", path.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let header = store.export(&mut out)?;
    eprintln!("exported {} orders, {} queued and {} delivered records", header.orders, header.outbox, header.delivered);
    Ok(())
}

/// `till import`: a `till export` file on stdin into an empty store, counts checked, flushed.
fn import(config: &Config) -> anyhow::Result<()> {
    let path = config.data_dir().join("store");
    std::fs::create_dir_all(config.data_dir())?;
    let store = SledStore::open(&path).with_context(|| format!("opening the order store at {}", path.display()))?;
    let header = store.import(std::io::stdin().lock())?;
    eprintln!("imported {} orders, {} queued and {} delivered records", header.orders, header.outbox, header.delivered);
    Ok(())
}

/// `till activate`: one request to 微收银, the answer stored for every later start.
async fn activate(config: &Config, code: &str) -> anyhow::Result<()> {
    logging::init(LogTo::Stderr)?;
    let Some(w) = &config.weishouyin else { anyhow::bail!("the configuration has no [weishouyin] section") };
    let device = till::payments::weishouyin::activate(&w.base_url, code.trim(), w.timeout_ms, w.connect_timeout_ms)
        .await
        .context("activation")?;
    let data_dir = config.data_dir();
    std::fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let file = app::platform::weishouyin_device_file(&data_dir);
    till::payments::weishouyin::save_device(&file, &device)?;
    println!("activated: device {} (key stored in {}, mode 0600)", device.device_id, file.display());
    Ok(())
}

/// `till print-test`: the status where the printer reports one, then the test page.
async fn print_test(config: &Config) -> anyhow::Result<()> {
    logging::init(LogTo::Stderr)?;
    let profile = config.profile()?;
    let printer = printer::open(&config.printer.transport(&config.data_dir())?, config.printer.options());
    println!("printer: {}", printer.describe());
    println!("profile: {} ({} dots, {} columns)", profile.name, profile.dots_per_line, profile.columns);
    let bytes = till::escpos::testpage::render(&config.shop_name, &profile);
    let p = printer.clone();
    let status = tokio::task::spawn_blocking(move || p.status()).await?;
    match status {
        Ok(Some(status)) => println!("status: {status}"),
        Ok(None) => println!("status: not reported by this transport"),
        Err(e) => println!("status: {e}"),
    }
    tokio::task::spawn_blocking(move || printer.print(&bytes)).await?.context("printing the test page")?;
    println!("test page printed");
    Ok(())
}

async fn run(config: Config, demo: bool, headless: bool) -> anyhow::Result<()> {
    let data_dir = config.data_dir();
    std::fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    if headless {
        logging::init(LogTo::Stderr)?;
    } else {
        logging::init(LogTo::File(&data_dir.join("till.log")))?;
    }
    install_panic_hook();
    let profile = config.profile()?;
    let store_path = data_dir.join("store");
    let store = match SledStore::open(&store_path) {
        Ok(store) => store,
        Err(e) => refuse_store(&store_path, &e),
    };
    let printer = printer::open(&config.printer.transport(&data_dir)?, config.printer.options());
    let retry = std::time::Duration::from_secs(config.printer.retry_secs);
    let print_queue =
        app::PrintQueue::persistent(&data_dir.join("print-queue.json"), config.printer.queue_limit, retry)?;
    let buzzer: Arc<dyn Buzzer> = match &config.buzzer {
        Some(b) => match till::devices::buzzer::open(b) {
            Ok(buzzer) => Arc::new(buzzer),
            Err(e) => {
                tracing::warn!(error = %e, "running without the buzzer");
                Arc::new(NoBuzzer)
            }
        },
        None if demo && !headless => Arc::new(TerminalBell),
        None => Arc::new(NoBuzzer),
    };
    let speaker: Arc<dyn Speaker> = match &config.voice {
        Some(v) => Arc::new(EspeakSpeaker::start(v, config.lang)),
        None => Arc::new(LogSpeaker),
    };
    let (gateway, stored_setup) = app::platform::start(&config, &data_dir).await?;
    let gateway = Arc::new(gateway);
    let status =
        Status { demo, gateway: gateway.describe(), printer: printer.describe(), clock: String::new(), unsynced: 0 };
    tracing::info!(data_dir = %data_dir.display(), demo, headless, "till starting");
    let mut settings = config.settings();
    if let Some(info) = stored_setup {
        settings.shop_name = info.shop_name;
        settings.order_prefix = info.order_prefix;
        if let Some(op) = info.operator.filter(|o| !o.is_empty()) {
            settings.operator = op;
        }
    }
    let catalogue = till::demo::catalogue(settings.lang);
    let wifi: Arc<dyn till::devices::Wifi> = match &config.wifi {
        Some(w) => Arc::new(till::wifi::QrWifi::wpa_supplicant(w)),
        None => Arc::new(NoWifi),
    };
    let store = Arc::new(store);
    keep_store_bounded(store.clone(), config.retention_days);
    let sync = till::sync::start(store, config.backoffice.clone());
    let devices = Devices { store: sync.store, printer, buzzer, speaker, wifi, print_queue };
    let mut engine = Engine::start(State::new(settings, catalogue), gateway, devices, profile, Arc::new(SystemClock))?;
    engine.attach_sync(sync.status);
    if let Some(path) = &config.scanner_serial {
        let port = std::fs::File::open(path).with_context(|| format!("opening the scanner {}", path.display()))?;
        engine.attach_scanner(Box::new(LineScanner::new(port, &path.display().to_string())));
    }
    if let Some(scanner) = &config.scanner {
        // Not plugged in yet is fine: the reader keeps looking (its status is logged).
        let scanner = EvdevScanner::new(scanner.clone())?;
        engine.watch_scanner(scanner.status());
        engine.attach_scanner(Box::new(scanner));
    }
    if headless { app::headless::run_headless(engine).await } else { app::run_tui(engine, status, demo).await }
}

/// A store that cannot be opened (damaged, newer, locked) is never repaired or replaced here: one
/// line on stderr (the journal) says where it is and how to recover, and the till does not start.
fn refuse_store(path: &std::path::Path, error: &till::store::StoreError) -> ! {
    tracing::error!(path = %path.display(), %error, "order store refused");
    let error = error.to_string().replace('\n', " ");
    eprintln!(
        "till: the order store at {} cannot be used ({error}); the till will not sell until it is fixed and has \
         changed nothing: keep a copy of that directory, then either move it aside and restore a backup with \
         `till import --config <till.toml> < backup.jsonl`, or move it aside to start an empty store",
        path.display()
    );
    std::process::exit(2);
}

/// Retention, beside the till: at start and then daily, orders older than `days` that are settled and
/// delivered are removed from the store (`SledStore::compact_closed_before`).
fn keep_store_bounded(store: Arc<SledStore>, days: u32) {
    if days == 0 {
        return;
    }
    tokio::spawn(async move {
        loop {
            let store = store.clone();
            let done = tokio::task::spawn_blocking(move || {
                use till::app::Clock;
                let cutoff = SystemClock.now().plus_secs(-i64::from(days) * 86_400);
                store.compact_closed_before(cutoff)
            })
            .await;
            match done {
                Ok(Ok(n)) => tracing::info!(removed = n, days, "store retention"),
                Ok(Err(e)) => tracing::error!(error = %e, "store retention failed"),
                Err(e) => tracing::error!(error = %e, "store retention failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(86_400)).await;
        }
    });
}

/// A panic restores the terminal (ratatui's hook), is logged, and ends the process non-zero so
/// systemd restarts the till on a clean screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "till panicked");
        previous(info);
        std::process::exit(70);
    }));
}
