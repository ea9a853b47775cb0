//! The `till` command: its verbs parsed by clap ([`Cli`]) and each sent to the module that does it.
//! `run` and `demo` start the till ([`run`]); the rest are a technician's tools: the store
//! ([`store`], [`catalogue`], [`operators`]), the platforms and the printer ([`platform`]), the box
//! ([`doctor`], [`disk_test`], [`provision`]) and upgrades ([`upgrade`]).

pub mod catalogue;
pub mod disk_test;
pub mod doctor;
pub mod enrol;
pub mod members;
pub mod operators;
pub mod platform;
pub mod provision;
pub mod run;
pub mod store;
pub mod upgrade;

use crate::config::{Config, PaymentPlatform};
use crate::core::Lang;
use crate::core::auth::Role;
use crate::logging::{self, LogTo};
use crate::sim::cloudpay::SimConfig;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "till", version, about = "Point-of-sale till for small shops")]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// The promotions in the store: import a CSV (header id,name,kind,value,scope,from,until,days,hours;
    /// the whole file or nothing, replacing the stored promotions) or export it. The till must not
    /// be running.
    Promotions {
        #[command(subcommand)]
        action: CatalogueAction,
        #[arg(long, default_value = "/etc/till/till.toml", global = true)]
        config: PathBuf,
    },
    /// Members (会员) in the store: import a CSV (header id,name,phone,card,level,points; the whole
    /// file or nothing, adding or updating by member number) or export them. The till must not be running.
    Members {
        #[command(subcommand)]
        action: MembersAction,
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
    /// Enrol this till to its back office with the one-time code the owner got in the office's web
    /// view (or the text of its QR): the device id and key are kept (mode 0600) in the data
    /// directory and used from the till's next start (docs/back-office.md).
    Enrol {
        /// The code (ABCD-EFGH-JKMN) or the enrolment QR's text.
        code: String,
        /// The back office (https://office.example.com); default: the QR's, or `[backoffice] url`'s.
        #[arg(long)]
        office: Option<String>,
        #[arg(long, default_value = "/etc/till/till.toml")]
        config: PathBuf,
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
pub enum CatalogueAction {
    /// Replace the catalogue (or the promotions) with a CSV file's rows (UTF-8, prices like 3.50).
    Import { file: PathBuf },
    /// Write the catalogue (or the promotions) as CSV to FILE, or to stdout.
    Export { file: Option<PathBuf> },
}

#[derive(Subcommand)]
pub enum MembersAction {
    /// Add or update members from a CSV file (UTF-8).
    Import { file: PathBuf },
    /// Write every member as CSV to FILE, or to stdout.
    Export { file: Option<PathBuf> },
    /// Set the PIN a member types to spend stored value (储值), 4-8 digits read from stdin (its
    /// first line), never from the command line; only its hash is kept.
    Pin { id: String },
    /// Print the member's dynamic member code now (动态会员码; the simulator of the member's page,
    /// for tests and training): `till-mcode:<id>:<6 digits>`.
    Code { id: String },
    /// Print the otpauth:// link the shop's member page is set up with for this member (their
    /// code secret: handle it like a PIN); a member made before codes existed gets one now.
    CodeSecret { id: String },
}

#[derive(Subcommand)]
pub enum OperatorsAction {
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

/// Parses the command line and runs the verb (no verb: the demo).
pub fn main() -> anyhow::Result<()> {
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
                run::demo(lang, data_dir, headless, platform, backoffice).await
            }
            Command::Run { config, headless } => {
                let config = Config::load(&config)?;
                let test_harness = std::env::var(crate::config::TEST_AUTO_SIGN_IN_ENV).is_ok_and(|v| v == "1");
                config.check_for_run(test_harness)?;
                run::run(config, false, headless).await
            }
            Command::Sim { port, platform } => {
                logging::init(LogTo::Stderr)?;
                let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
                match platform {
                    PaymentPlatform::CloudPay => {
                        Ok(crate::sim::cloudpay::run_forever(addr, SimConfig::default()).await?)
                    }
                    PaymentPlatform::Weishouyin => {
                        let cfg = crate::sim::weishouyin::SimConfig::default();
                        Ok(crate::sim::weishouyin::run_forever(addr, cfg).await?)
                    }
                }
            }
            Command::Doctor { config } => doctor::command(&config).await,
            Command::DiskTest { config, verify, done, count } => {
                let mode = if done {
                    disk_test::Mode::Done
                } else if verify {
                    disk_test::Mode::Verify
                } else {
                    disk_test::Mode::Write { count }
                };
                logging::init(LogTo::Stderr)?;
                disk_test::run_cli(&Config::load(&config)?.data_dir(), mode)
            }
            Command::Export { config } => store::export(&Config::load(&config)?),
            Command::Import { config } => store::import(&Config::load(&config)?),
            Command::ExportCsv { config, from, to, out } => {
                store::export_csv(&Config::load(&config)?, from.as_deref(), to.as_deref(), &out)
            }
            Command::Catalogue { action, config } => catalogue::command(&Config::load(&config)?, action),
            Command::Promotions { action, config } => catalogue::promotions(&Config::load(&config)?, action),
            Command::Enrol { code, office, config } => {
                enrol::command(&Config::load(&config)?, &code, office.as_deref()).await
            }
            Command::Members { action, config } => members::command(&Config::load(&config)?, action),
            Command::Activate { config, code } => platform::activate(&Config::load(&config)?, &code).await,
            Command::Operators { config, action } => operators::command(&Config::load(&config)?, action),
            Command::PrintTest { config } => platform::print_test(&Config::load(&config)?).await,
            Command::Upgrade { status: true, config, .. } => upgrade::status(&config),
            Command::Upgrade { from, config, force, allow_downgrade, status: false } => {
                let overrides = crate::upgrade::Overrides { force, allow_downgrade };
                upgrade::upgrade(&config, from, overrides).await
            }
            Command::Bundle { key, binary, version, out, target, notes } => {
                upgrade::bundle(&key, &binary, &version, &out, target.as_deref(), notes)
            }
            Command::Keygen { out } => upgrade::keygen(&out),
            Command::VerifySlot { dir, key } => upgrade::verify_slot(&dir, key.as_deref()),
            Command::Provision { boot_dir, config, wpa_conf, activate } => {
                provision::run_cli(provision::Paths { boot_dir, config, wpa_conf }, activate).await
            }
        }
    })
}
