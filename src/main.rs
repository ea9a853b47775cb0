//! `till`: wiring only. See `till --help`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use till::app::{self, Devices, Engine, SystemClock};
use till::config::{self, Config, PaymentPlatform};
use till::core::auth::Role;
use till::core::{Lang, State};
use till::devices::{
    Buzzer, EspeakSpeaker, EvdevScanner, LineScanner, LogSpeaker, NoBuzzer, NoWifi, Speaker, TerminalBell, printer,
};
use till::logging::{self, LogTo};
use till::payments::Gateway;
use till::sim::backoffice::{BackofficeSim, BackofficeSimConfig};
use till::sim::cloudpay::{CloudPaySim, SimConfig};
use till::store::RedbStore;
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
        /// Deliver the records to this back office (e.g. `make office`'s
        /// `http://127.0.0.1:8787/v1/records`, as the demo device and key) instead of the built-in receiver.
        #[arg(long)]
        backoffice: Option<String>,
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
    /// Check that the data disk keeps what it acknowledged (a new SD card, a power supply): writes
    /// numbered records to a scratch store beside the order store, each flushed as a sale is, and
    /// prints each once it is on disk. Pull the plug while it runs; run it again: every number
    /// printed before the cut must be found. Exit status 1 if one is not.
    DiskTest {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
        /// Only check what is there.
        #[arg(long)]
        verify: bool,
        /// Check, then remove the scratch store.
        #[arg(long, conflicts_with = "verify")]
        done: bool,
        /// Write this many records and stop (default: until stopped).
        #[arg(long)]
        count: Option<u64>,
    },
    /// Write the whole order store (orders, counters, outbox) to stdout as JSON lines, for a backup.
    /// The till must not be running.
    Export {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
    },
    /// Write the sales and refunds of a day or a range of days as CSV (UTF-8, header row, amounts
    /// in yuan, refunds as their own rows), e.g. to a USB stick. The till must not be running.
    ExportCsv {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
        /// First day, `2026-11-01` (default: today).
        #[arg(long)]
        from: Option<String>,
        /// Last day, included (default: the first).
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Read a `till export` file from stdin into an empty order store.
    Import {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
    },
    /// The catalogue in the store: import a CSV (header barcode,name,price,stock,kind; the whole file
    /// or nothing, replacing the stored catalogue) or export it. The till must not be running.
    Catalogue {
        #[command(subcommand)]
        action: CatalogueAction,
        #[arg(long, default_value = "/etc/till/till.toml", global = true)]
        config: PathBuf,
    },
    /// Operators, for a technician while the till is stopped: list them, add one, or reset a
    /// forgotten PIN. PINs are read from stdin (asked for without echo on a terminal), never
    /// taken from the command line.
    Operators {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
        #[command(subcommand)]
        action: OperatorsAction,
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
    /// Install a signed update bundle into the other program slot (docs/upgrade.md). Refused while
    /// records are unsynced or payments in doubt, unless --force.
    Upgrade {
        /// The bundle: https://… or a file (a USB stick); default: [upgrade] url.
        #[arg(long)]
        from: Option<String>,
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
        /// Technician override: upgrade despite unsynced records, payments in doubt or a version on trial.
        #[arg(long)]
        force: bool,
        /// Technician override: install an older or the same version.
        #[arg(long)]
        allow_downgrade: bool,
        /// Show the slots (what boots, versions, trial starts, rollbacks) and change nothing.
        #[arg(long)]
        status: bool,
    },
    /// Sign a till program into an update bundle (on the release machine).
    Bundle {
        /// The secret key file written by `till keygen`.
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        binary: PathBuf,
        #[arg(long)]
        version: String,
        #[arg(long)]
        out: PathBuf,
        /// The target triple; default: read from the program's ELF header.
        #[arg(long)]
        target: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Make a release signing key: the secret in a new 0600 file, the public key printed.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Check an installed program slot's signature again (run by till-boot-slot with the factory
    /// till before it starts a slot): exit status 0 if it verifies, 1 with one line on stderr.
    #[command(hide = true)]
    VerifySlot {
        #[arg(long)]
        dir: PathBuf,
        /// A trusted public key (hex) instead of the system's (the tests' release key).
        #[arg(long)]
        key: Option<String>,
    },
}

#[derive(Subcommand)]
enum CatalogueAction {
    /// Replace the catalogue with a CSV file's products (UTF-8, prices like 3.50).
    Import { file: PathBuf },
    /// Write the catalogue as CSV to FILE, or to stdout.
    Export { file: Option<PathBuf> },
}

#[derive(Subcommand)]
enum OperatorsAction {
    /// Every operator: number, name, role, and whether they can sign in.
    List,
    /// Add an operator; their first PIN comes from stdin and is changed at their first sign-in.
    Add {
        /// Two digits (default: the lowest free one).
        #[arg(long)]
        number: Option<String>,
        #[arg(long)]
        name: String,
        /// cashier or supervisor.
        #[arg(long, value_parser = parse_role, default_value = "cashier")]
        role: Role,
        /// The payment platform's staff id for them, if it is not their number.
        #[arg(long)]
        staff_id: Option<String>,
    },
    /// Set the payment platform's staff id sent for an operator (empty: their number).
    StaffId {
        #[arg(long)]
        number: String,
        #[arg(long)]
        staff_id: String,
    },
    /// Set a temporary PIN (from stdin) and lift a lockout; changed at the next sign-in.
    ResetPin {
        #[arg(long)]
        number: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    match s {
        "cashier" => Ok(Role::Cashier),
        "supervisor" => Ok(Role::Supervisor),
        _ => Err(format!("{s}: use cashier or supervisor")),
    }
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
        let default = Command::Demo {
            lang: Lang::Zh,
            data_dir: None,
            headless: false,
            platform: PaymentPlatform::CloudPay,
            backoffice: None,
        };
        match cli.command.unwrap_or(default) {
            Command::Demo { lang, data_dir, headless, platform, backoffice } => {
                demo(lang, data_dir, headless, platform, backoffice).await
            }
            Command::Run { config, headless } => {
                let config = Config::load(&config)?;
                let test_harness = std::env::var(till::config::TEST_AUTO_SIGN_IN_ENV).is_ok_and(|v| v == "1");
                config.check_for_run(test_harness)?;
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
            Command::DiskTest { config, verify, done, count } => {
                let mode = if done {
                    app::disk_test::Mode::Done
                } else if verify {
                    app::disk_test::Mode::Verify
                } else {
                    app::disk_test::Mode::Write { count }
                };
                logging::init(LogTo::Stderr)?;
                app::disk_test::run_cli(&Config::load(&config)?.data_dir(), mode)
            }
            Command::Export { config } => export(&Config::load(&config)?),
            Command::Import { config } => import(&Config::load(&config)?),
            Command::ExportCsv { config, from, to, out } => {
                export_csv(&Config::load(&config)?, from.as_deref(), to.as_deref(), &out)
            }
            Command::Catalogue { action, config } => catalogue(&Config::load(&config)?, action),
            Command::Activate { config, code } => activate(&Config::load(&config)?, &code).await,
            Command::Operators { config, action } => operators(&Config::load(&config)?, action),
            Command::PrintTest { config } => print_test(&Config::load(&config)?).await,
            Command::Upgrade { status: true, config, .. } => till::upgrade::cli::status(&config),
            Command::Upgrade { from, config, force, allow_downgrade, status: false } => {
                let overrides = till::upgrade::Overrides { force, allow_downgrade };
                till::upgrade::cli::upgrade(&config, from, overrides).await
            }
            Command::Bundle { key, binary, version, out, target, notes } => {
                till::upgrade::cli::bundle(&key, &binary, &version, &out, target.as_deref(), notes)
            }
            Command::Keygen { out } => till::upgrade::cli::keygen(&out),
            Command::VerifySlot { dir, key } => till::upgrade::cli::verify_slot(&dir, key.as_deref()),
            Command::Provision { boot_dir, config, wpa_conf, activate } => {
                app::provision::run_cli(app::provision::Paths { boot_dir, config, wpa_conf }, activate).await
            }
        }
    })
}

async fn demo(
    lang: Lang,
    data_dir: Option<PathBuf>,
    headless: bool,
    platform: PaymentPlatform,
    backoffice_url: Option<String>,
) -> anyhow::Result<()> {
    let data_dir = data_dir.unwrap_or_else(|| config::default_data_dir().with_file_name("till-demo"));
    let backoffice = BackofficeSim::start(([127, 0, 0, 1], 0).into(), BackofficeSimConfig::default())?;
    let bo = Some(match backoffice_url {
        Some(url) => BackofficeConfig { url, ..BackofficeConfig::demo("") },
        None => BackofficeConfig::demo(&backoffice.base_url()),
    });
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
    let store = RedbStore::open(&path).with_context(|| format!("opening the order store at {}", path.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let header = store.export(&mut out)?;
    eprintln!("exported {} orders, {} queued and {} delivered records", header.orders, header.outbox, header.delivered);
    Ok(())
}

/// `till export-csv`: the days' sales and refunds as CSV; the row count on stderr.
fn export_csv(config: &Config, from: Option<&str>, to: Option<&str>, out: &std::path::Path) -> anyhow::Result<()> {
    use till::app::Clock;
    use till::core::office::{day::Day, summary};
    let offset = config.utc_offset_minutes;
    let day = |s: &str| Day::parse(s).with_context(|| format!("{s}: not a date (use 2026-11-22)"));
    let from = match from {
        Some(s) => day(s)?,
        None => Day::of(SystemClock.now(), offset),
    };
    let to = match to {
        Some(s) => day(s)?,
        None => from,
    };
    anyhow::ensure!(from <= to, "--from {} is after --to {}", from.display(), to.display());
    let path = config.data_dir().join("store");
    let store = RedbStore::open(&path).with_context(|| format!("opening the order store at {}", path.display()))?;
    let period = summary::period(from, to, offset);
    let rows = app::office::export_csv(&store, &period, offset, config.lang, out)?;
    eprintln!("exported {rows} rows ({} to {}) to {}", from.display(), to.display(), out.display());
    Ok(())
}

/// `till import`: a `till export` file on stdin into an empty store, every value checked (ids,
/// counters against the orders, numbers, prices, operators' PIN hashes), counts checked, flushed;
/// a file with any value wrong is refused whole, with its line number.
fn import(config: &Config) -> anyhow::Result<()> {
    let path = config.data_dir().join("store");
    std::fs::create_dir_all(config.data_dir())?;
    let store = RedbStore::open(&path).with_context(|| format!("opening the order store at {}", path.display()))?;
    let header = store.import_with(std::io::stdin().lock(), &app::auth::check_pin_hash)?;
    eprintln!("imported {} orders, {} queued and {} delivered records", header.orders, header.outbox, header.delivered);
    Ok(())
}

/// `till catalogue import|export`: one line on stderr with the count, or the first bad row.
fn catalogue(config: &Config, action: CatalogueAction) -> anyhow::Result<()> {
    let path = config.data_dir().join("store");
    std::fs::create_dir_all(config.data_dir())?;
    let store = RedbStore::open(&path).with_context(|| format!("opening the order store at {}", path.display()))?;
    match action {
        CatalogueAction::Import { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let n = app::catalogue::import_csv(&store, &text, &config.catalogue.layout())
                .with_context(|| format!("{}", file.display()))?;
            eprintln!("imported {n} products from {}", file.display());
        }
        CatalogueAction::Export { file } => {
            let text = app::catalogue::export_csv(&store)?;
            let n = text.lines().count().saturating_sub(1);
            match file {
                Some(file) => {
                    std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
                    eprintln!("exported {n} products to {}", file.display());
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().lock().write_all(text.as_bytes())?;
                    eprintln!("exported {n} products");
                }
            }
        }
    }
    Ok(())
}

/// `till operators`: the store opened directly (the till must not be running).
fn operators(config: &Config, action: OperatorsAction) -> anyhow::Result<()> {
    use till::app::Clock;
    use till::app::operators_cli as cli;
    let path = config.data_dir().join("store");
    std::fs::create_dir_all(config.data_dir())?;
    let store = RedbStore::open(&path).with_context(|| format!("opening the order store at {}", path.display()))?;
    let now = SystemClock.now();
    match action {
        OperatorsAction::List => {
            for line in cli::list(&store, config.lang, now)? {
                println!("{line}");
            }
        }
        OperatorsAction::Add { number, name, role, staff_id } => {
            let new = cli::NewOperator { number, name, supervisor: role == Role::Supervisor, staff_id };
            let number = cli::add(&store, config.lang, now, &new, &mut cli::pin_input()?)?;
            println!("operator {number} added: they choose their own PIN at their first sign-in");
        }
        OperatorsAction::StaffId { number, staff_id } => {
            cli::set_staff_id(&store, config.lang, now, &number, &staff_id)?;
            println!("operator {number} is sent to the payment platform as {:?}", staff_id.trim());
        }
        OperatorsAction::ResetPin { number } => {
            cli::reset_pin(&store, config.lang, now, &number, &mut cli::pin_input()?)?;
            println!("PIN of operator {number} reset: they choose their own at their next sign-in");
        }
    }
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
    config.log_deprecations();
    // Before the panic hook: the store's check turns a panic in redb on a damaged file into a refusal.
    let store_path = data_dir.join("store");
    let store = match RedbStore::open(&store_path) {
        Ok(store) => store,
        Err(e) => refuse_store(&store_path, &e),
    };
    install_panic_hook();
    let profile = config.profile()?;
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
    let status = Status {
        demo,
        gateway: gateway.describe(),
        printer: printer.describe(),
        clock: String::new(),
        unsynced: 0,
        insecure_link: gateway.insecure_link(),
    };
    if let Some(host) = &status.insecure_link {
        tracing::warn!(host, "insecure platform link: not HTTPS, its answers can be forged on the network");
    }
    tracing::info!(data_dir = %data_dir.display(), demo, headless, "till starting");
    let mut settings = config.settings();
    if let Some(info) = stored_setup {
        settings.shop_name = info.shop_name;
        settings.order_prefix = info.order_prefix;
        if let Some(op) = info.operator.filter(|o| !o.is_empty()) {
            settings.operator = op;
        }
    }
    let wifi: Arc<dyn till::devices::Wifi> = match &config.wifi {
        Some(w) => Arc::new(till::wifi::QrWifi::wpa_supplicant(w)),
        None => Arc::new(NoWifi),
    };
    let store = Arc::new(store);
    let catalogue =
        app::catalogue::start(&*store, &config.catalogue, settings.lang).context("loading the catalogue")?;
    keep_store_bounded(store.clone(), config.retention_days);
    let host = maintenance_host(store.clone(), &data_dir, &config);
    let sync = till::sync::start(store, config.backoffice.clone());
    let devices = Devices { store: sync.store, printer, buzzer, speaker, wifi, print_queue };
    let mut state = State::new(settings, catalogue);
    state.auth.policy = config.operators.clone();
    if demo {
        state.auth.policy.power_off = false;
    }
    let mut engine = Engine::start(state, gateway, devices, profile, Arc::new(SystemClock))?;
    engine.attach_sync(sync.status);
    engine.set_export_dir(&config.export_dir());
    engine.attach_maintenance(host);
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
    let result = if headless {
        app::headless::run_headless(engine).await
    } else {
        app::run_tui(engine, status, demo, config.screen_copy.clone()).await
    };
    if app::maintenance::restart_requested() {
        tracing::warn!("leaving for a restart (maintenance menu)");
        std::process::exit(app::maintenance::RESTART_EXIT_CODE);
    }
    result
}

/// The maintenance menu's view of the box: its store's size and the export (`till export`'s
/// format without the operators' PIN hashes, flushed, to a new file).
fn maintenance_host(store: Arc<RedbStore>, data_dir: &std::path::Path, config: &Config) -> app::maintenance::Host {
    let exporting = store.clone();
    let sizing = store.clone();
    app::maintenance::Host {
        store,
        upgrade: config.upgrade.clone().unwrap_or_default(),
        keys: Arc::new(till::upgrade::TrustedKeys::system),
        data_dir: data_dir.to_path_buf(),
        export: Arc::new(move |path: &std::path::Path| {
            let file = std::fs::File::create_new(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            exporting.export_without_pins(&mut out).map_err(|e| e.to_string())?;
            let file = out.into_inner().map_err(|e| e.to_string())?;
            file.sync_all().map_err(|e| e.to_string())
        }),
        store_bytes: Arc::new(move || sizing.size_on_disk().ok()),
    }
}

/// A store that cannot be opened (damaged, newer, locked, sled) is never repaired or replaced here:
/// one line on stderr (the journal) says where it is and how to recover, and the till does not start.
fn refuse_store(path: &std::path::Path, error: &till::store::StoreError) -> ! {
    use till::store::StoreError;
    tracing::error!(path = %path.display(), %error, "order store refused");
    let what = error.to_string().replace('\n', " ");
    let recovery = match error {
        StoreError::Locked { .. } => "stop the other till first (only one may use a store)".to_string(),
        StoreError::OldSled { .. } => format!(
            "to carry its orders over, run `till export > backup.jsonl` with the earlier till, move {} aside, \
             then `till import --config <till.toml> < backup.jsonl` with this one (docs/store.md)",
            path.display()
        ),
        _ => "keep a copy of that directory, then either move it aside and restore a backup with \
              `till import --config <till.toml> < backup.jsonl`, or move it aside to start an empty store"
            .to_string(),
    };
    eprintln!(
        "till: the order store at {} cannot be used ({what}); the till will not sell until it is fixed and has \
         changed nothing: {recovery}",
        path.display()
    );
    std::process::exit(2);
}

/// Retention, beside the till: at start and then daily, orders older than `days` that are settled and
/// delivered are removed from the store (`RedbStore::compact_closed_before`).
fn keep_store_bounded(store: Arc<RedbStore>, days: u32) {
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
