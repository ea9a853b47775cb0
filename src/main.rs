//! `till`: wiring only. See `till --help`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use till::app::{self, Devices, Engine, SystemClock};
use till::config::{self, Config};
use till::core::{Lang, State};
use till::devices::{Buzzer, FilePrinter, LineScanner, LogSpeaker, NoBuzzer, Printer, TerminalBell};
use till::logging::{self, LogTo};
use till::payments::Gateway;
use till::payments::cloudpay::CloudPayClient;
use till::sim::cloudpay::{CloudPaySim, SimConfig};
use till::store::SledStore;
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
    },
    /// Run the till with a configuration file.
    Run {
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
        #[arg(long)]
        headless: bool,
    },
    /// Serve the payment platform simulator on loopback until killed.
    Sim {
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
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
        match cli.command.unwrap_or(Command::Demo { lang: Lang::Zh, data_dir: None, headless: false }) {
            Command::Demo { lang, data_dir, headless } => demo(lang, data_dir, headless).await,
            Command::Run { config, headless } => {
                let config = Config::load(&config)?;
                run(config, false, headless).await
            }
            Command::Sim { port } => {
                logging::init(LogTo::Stderr)?;
                let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
                Ok(till::sim::cloudpay::run_forever(addr, SimConfig::default()).await?)
            }
        }
    })
}

async fn demo(lang: Lang, data_dir: Option<PathBuf>, headless: bool) -> anyhow::Result<()> {
    let data_dir = data_dir.unwrap_or_else(|| config::default_data_dir().with_file_name("till-demo"));
    let sim = CloudPaySim::start(([127, 0, 0, 1], 0).into(), SimConfig::default())?;
    let config = Config::demo(lang, data_dir, sim.base_url());
    run(config, true, headless).await
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
    let store = SledStore::open(&data_dir.join("store")).context("opening the order store")?;
    let receipts = config.printer.output.clone().unwrap_or_else(|| data_dir.join("receipts.escpos"));
    let printer = Arc::new(FilePrinter::new(&receipts));
    let buzzer: Arc<dyn Buzzer> = if demo && !headless { Arc::new(TerminalBell) } else { Arc::new(NoBuzzer) };
    let gateway = Arc::new(CloudPayClient::new(config.cloudpay.clone())?);
    // Reference §6 rule 8: start on the first domain that answers ping (stays on the first if none does).
    if gateway.probe().await.is_none() {
        tracing::warn!("no Cloud Pay domain answers ping; payments will be in doubt until one does");
    }
    let status = Status { demo, gateway: gateway.describe(), printer: printer.describe(), clock: String::new() };
    tracing::info!(data_dir = %data_dir.display(), demo, headless, "till starting");
    let settings = config.settings();
    let catalogue = till::demo::catalogue(settings.lang);
    let devices = Devices { store: Arc::new(store), printer, buzzer, speaker: Arc::new(LogSpeaker) };
    let engine = Engine::start(State::new(settings, catalogue), gateway, devices, profile, Arc::new(SystemClock))?;
    if let Some(path) = &config.scanner_serial {
        let port = std::fs::File::open(path).with_context(|| format!("opening the scanner {}", path.display()))?;
        engine.attach_scanner(Box::new(LineScanner::new(port, &path.display().to_string())));
    }
    if headless { app::headless::run_headless(engine).await } else { app::run_tui(engine, status, demo).await }
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
