//! Configuration: compiled-in defaults plus one override file (`till.toml`).

use crate::core::intent::Binding;
use crate::core::{Lang, Settings};
use crate::devices::printer::{BAUD_RATES, Options as PrinterOptions, SerialSettings, Transport};
use crate::devices::{BuzzerConfig, ScannerConfig, VoiceConfig};
use crate::escpos::{PrinterProfile, ProfileChoice};
use crate::payments::cloudpay::CloudPayConfig;
use crate::payments::weishouyin::WeishouyinConfig;
use crate::sync::BackofficeConfig;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The format this build reads and writes.
pub const CONFIG_VERSION: u32 = 1;

/// Set to `1` only by the test harness (tests/common/process.rs, tests/store_corrupt.rs, the QEMU
/// test's init): then `till run` accepts `[operators] auto_sign_in`. The image's `till.service`
/// never sets it, and a till.toml cannot.
pub const TEST_AUTO_SIGN_IN_ENV: &str = "TILL_TEST_AUTO_SIGN_IN";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file is missing or unreadable. Technician sees the path and the OS error.
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// Not valid TOML, an unknown key, or a wrong type: the line and what is wrong, never the
    /// line itself (it may hold a key), as `till provision` reports it.
    #[error("{}: {}{message}", path.display(), line.map(|n| format!("line {n}: ")).unwrap_or_default())]
    Parse { path: PathBuf, line: Option<usize>, message: String },
    /// Written for a newer till.
    #[error("{path}: config version {found} is newer than this till's {CONFIG_VERSION}")]
    NewerVersion { path: PathBuf, found: u32 },
    /// A value is out of range.
    #[error("{0}")]
    Invalid(String),
}

/// `[printer]`: the profile, and where receipts go — at most one of `output`, `serial`, `tcp`
/// (none: `receipts.escpos` in the data directory).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    /// `58mm`, `80mm`, or a table: `{ dots_per_line = 512, encoding = "gb18030", chinese_mode = true, cut = true }`.
    #[serde(default = "default_profile")]
    pub profile: ProfileChoice,
    /// A file, or a printer device (`/dev/usb/lp0`; any path under `/dev` is treated as a device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
    /// A serial printer: `{ path = "/dev/ttyS0", baud = 9600, flow = "rtscts" | "xonxoff" | "none" }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<SerialSettings>,
    /// A network printer's raw port: `"192.168.1.87:9100"` (a bare host means port 9100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<String>,
    /// Serial and TCP: ask the printer's status (`DLE EOT`) before each receipt and keep the receipt
    /// queued on paper out, cover open or no answer. Turn off for printers that never answer.
    #[serde(default = "default_true")]
    pub status: bool,
    /// The longest one receipt may take to send before the printer counts as stuck.
    #[serde(default = "default_write_timeout")]
    pub write_timeout_ms: u64,
    /// TCP connect timeout.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_ms: u64,
    /// How often queued receipts are tried again while the printer is not ready.
    #[serde(default = "default_retry")]
    pub retry_secs: u64,
    /// Receipts kept waiting at most; more are refused (the oldest stay first in line).
    #[serde(default = "default_queue_limit")]
    pub queue_limit: usize,
}

impl PrinterConfig {
    /// The default printer: receipts to a file in the data directory, 58 mm.
    pub fn to_file() -> PrinterConfig {
        PrinterConfig {
            profile: default_profile(),
            output: None,
            serial: None,
            tcp: None,
            status: true,
            write_timeout_ms: default_write_timeout(),
            connect_timeout_ms: default_connect_timeout(),
            retry_secs: default_retry(),
            queue_limit: default_queue_limit(),
        }
    }

    /// Where receipts go; `data_dir` holds the default file.
    pub fn transport(&self, data_dir: &Path) -> Result<Transport, ConfigError> {
        match (&self.output, &self.serial, &self.tcp) {
            (None, None, None) => Ok(Transport::File(data_dir.join("receipts.escpos"))),
            (Some(path), None, None) if path.starts_with("/dev") => Ok(Transport::Device(path.clone())),
            (Some(path), None, None) => Ok(Transport::File(path.clone())),
            (None, Some(serial), None) => {
                if !BAUD_RATES.contains(&serial.baud) {
                    return Err(ConfigError::Invalid(format!(
                        "printer.serial.baud must be one of {BAUD_RATES:?}, not {}",
                        serial.baud
                    )));
                }
                Ok(Transport::Serial(serial.clone()))
            }
            (None, None, Some(addr)) if !addr.trim().is_empty() => Ok(Transport::Tcp(addr.trim().to_string())),
            (None, None, Some(_)) => Err(ConfigError::Invalid("printer.tcp must be host:port".into())),
            _ => Err(ConfigError::Invalid("[printer] takes one of output, serial or tcp, not several".into())),
        }
    }

    pub fn options(&self) -> PrinterOptions {
        PrinterOptions {
            write_timeout: Duration::from_millis(self.write_timeout_ms),
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
            check_status: self.status,
            ..PrinterOptions::default()
        }
    }
}

fn default_profile() -> ProfileChoice {
    ProfileChoice::Named("58mm".into())
}
fn default_true() -> bool {
    true
}
fn default_write_timeout() -> u64 {
    20_000
}
fn default_connect_timeout() -> u64 {
    3_000
}
fn default_retry() -> u64 {
    3
}
fn default_queue_limit() -> usize {
    50
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub version: u32,
    #[serde(default = "default_lang")]
    pub lang: Lang,
    pub shop_name: String,
    #[serde(default = "default_operator")]
    pub operator: String,
    #[serde(default = "default_terminal")]
    pub terminal_no: u8,
    #[serde(default = "default_offset")]
    pub utc_offset_minutes: i32,
    /// Where the order store and logs live; default: the user's state directory.
    #[serde(default)]
    pub data_dir: Option<PathBuf>,
    pub printer: PrinterConfig,
    /// A customer display (客显) on a serial port: `[display] profile = "led8" | "cd5220"`,
    /// `path`, `baud`, `flow`. Absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<crate::devices::display::DisplayConfig>,
    /// A counter scale on a serial port: `[scale] path`, `baud`, `protocol = "frame" |
    /// "aclas_stream" | "aclas_auto" | "toledo"` and the frame layout. Absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<crate::devices::scale::ScaleConfig>,
    /// A barcode scanner in serial mode (`/dev/ttyACM0`); codes end with CR/LF.
    #[serde(default)]
    pub scanner_serial: Option<PathBuf>,
    /// A barcode scanner in keyboard (USB HID) mode, read through evdev: `[scanner]`.
    #[serde(default)]
    pub scanner: Option<ScannerConfig>,
    /// The shop's payment platform: `cloudpay` (Tencent Cloud Pay) or `weishouyin` (微收银).
    #[serde(default)]
    pub platform: PaymentPlatform,
    /// Cloud Pay: the local parts (terminal info, domains, timeouts) and, unless the till was set up
    /// by scanning the merchant's configuration code, the merchant's settings.
    #[serde(default = "CloudPayConfig::blank")]
    pub cloudpay: CloudPayConfig,
    /// 微收银: the activation/configuration host and the operator; the device number and key
    /// come from activation (`till activate`).
    #[serde(default)]
    pub weishouyin: Option<WeishouyinConfig>,
    /// Wi-Fi joined from scanned `WIFI:` codes through wpa_supplicant; none = the till has no Wi-Fi.
    #[serde(default)]
    pub wifi: Option<crate::wifi::WifiConfig>,
    /// A buzzer on a GPIO line: `buzzer = { chip = "/dev/gpiochip0", line = 5, active_low = false }`;
    /// none: no buzzer (the demo rings the terminal bell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buzzer: Option<BuzzerConfig>,
    /// Spoken announcements through espeak-ng: `voice = { volume = 120, speed = 150 }`; none: logged only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceConfig>,
    /// Where completed orders and refunds are delivered; none: they stay queued in the outbox.
    #[serde(default)]
    pub backoffice: Option<BackofficeConfig>,
    /// Orders closed longer ago than this, settled and delivered to the back office, are removed from
    /// the store at start and daily (0: keep everything).
    #[serde(default = "default_retention_days")]
    pub retention_days: u32,
    /// Online upgrade: `[upgrade] url = "https://…/till.bundle"` (docs/upgrade.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<crate::upgrade::UpgradeConfig>,
    /// `[operators]`: which actions need a supervisor's PIN and (demo and tests only) an operator
    /// signed in at start. Its old `export_dir` is read as the top-level one's fallback.
    #[serde(default)]
    pub operators: crate::core::auth::Policy,
    /// The USB stick's mount point: CSV exports from the summary screen (F8, F2), the maintenance
    /// menu's export, its catalogue import and its upgrade bundle. Absent: `[operators]
    /// export_dir` if an older file has it, else `/media/usb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_dir: Option<PathBuf>,
    /// `[catalogue]`: scale labels, the low-stock threshold, the demo's catalogue.
    #[serde(default)]
    pub catalogue: CatalogueConfig,
    /// `[discounts]`: the reasons a cashier chooses from and a cashier's limits (`core::pricing::limits`).
    #[serde(default)]
    pub discounts: crate::core::pricing::limits::DiscountRules,
    /// A copy of each screen the till draws, as text, written to this file or device (e.g. a
    /// QEMU virtio port, `/dev/virtio-ports/screen`): what the till meant to show, to check the
    /// glass against (tests/qemu_glass.rs). Absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_copy: Option<PathBuf>,
    /// `[qr]`: the QR the customer scans (主扫, Cloud Pay only): `enabled`, `expire_secs`.
    #[serde(default)]
    pub qr: QrConfig,
    /// `[held]`: how old a held sale (挂单) may get before it is listed for a supervisor to discard.
    #[serde(default)]
    pub held: crate::core::held::HeldConfig,
    /// `[members]`: members (会员): the card barcodes' prefix.
    #[serde(default)]
    pub members: crate::core::members::MembersConfig,
    /// `[stored_value]`: stored value (储值): bonus tiers, the member PIN, the daily limit.
    #[serde(default)]
    pub stored_value: crate::core::stored_value::StoredValueConfig,
    /// The shop's function-key bindings, from `keys.toml` beside `till.toml` (none: the till's own
    /// map only; see `core::intent`).
    #[serde(skip)]
    pub keys: Vec<Binding>,
}

/// `[qr]`: the customer scans a QR the till shows (Cloud Pay `scan_code_pay`). Offered only on Cloud
/// Pay: 微收银's terminal API has no such action (docs/manual.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QrConfig {
    pub enabled: bool,
    /// How long a QR can be paid, 60–300 seconds (default 120).
    pub expire_secs: u32,
}

impl Default for QrConfig {
    fn default() -> QrConfig {
        QrConfig { enabled: true, expire_secs: crate::core::qr::DEFAULT_EXPIRE_SECS }
    }
}

/// `keys.toml`: `[[bind]]` tables, each a function key, its screen and its intent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    #[serde(default)]
    bind: Vec<Binding>,
}

/// The name of the key-binding file beside `till.toml`.
pub const KEYS_FILE: &str = "keys.toml";

/// `[catalogue]`. A scale label is `weighed_prefix` + item code (`weighed_item_digits`) + price in
/// fen (`weighed_price_digits`) and/or weight in grams (`weighed_weight_digits`) + check digit, as
/// `weighed_layout` says (see `core::scale_label`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueConfig {
    #[serde(default = "default_weighed_prefix")]
    pub weighed_prefix: Vec<String>,
    #[serde(default = "default_weighed_item_digits")]
    pub weighed_item_digits: usize,
    #[serde(default = "default_weighed_price_digits")]
    pub weighed_price_digits: usize,
    /// What the scale's labels carry: `price` (13 digits, the default), `weight` (13 digits, grams;
    /// the till prices it by the catalogue's price per kg) or `price_weight` (18 digits).
    #[serde(default)]
    pub weighed_layout: crate::core::scale_label::LabelKind,
    /// Digits of the weight in grams (weight and price_weight labels).
    #[serde(default = "default_weighed_weight_digits")]
    pub weighed_weight_digits: usize,
    /// Refuse a label with a wrong check digit (a misread). Off for scales that print another.
    #[serde(default = "default_true")]
    pub weighed_check_digit: bool,
    /// Products with this many or fewer in stock are on the low-stock list (F11).
    #[serde(default = "default_low_stock")]
    pub low_stock: i64,
    /// Seed the demo's catalogue into a store that has none (`till demo` and test configs).
    #[serde(default)]
    pub demo_seed: bool,
}

impl Default for CatalogueConfig {
    fn default() -> CatalogueConfig {
        CatalogueConfig {
            weighed_prefix: default_weighed_prefix(),
            weighed_item_digits: default_weighed_item_digits(),
            weighed_price_digits: default_weighed_price_digits(),
            weighed_layout: Default::default(),
            weighed_weight_digits: default_weighed_weight_digits(),
            weighed_check_digit: true,
            low_stock: default_low_stock(),
            demo_seed: false,
        }
    }
}

impl CatalogueConfig {
    pub fn layout(&self) -> crate::core::catalog::WeighedLayout {
        crate::core::catalog::WeighedLayout {
            prefixes: self.weighed_prefix.clone(),
            item_digits: self.weighed_item_digits,
            price_digits: self.weighed_price_digits,
            kind: self.weighed_layout,
            weight_digits: self.weighed_weight_digits,
            check_digit: self.weighed_check_digit,
        }
    }
}

fn default_weighed_prefix() -> Vec<String> {
    crate::core::catalog::WeighedLayout::default().prefixes
}
fn default_weighed_item_digits() -> usize {
    crate::core::catalog::WeighedLayout::default().item_digits
}
fn default_weighed_price_digits() -> usize {
    crate::core::catalog::WeighedLayout::default().price_digits
}
fn default_weighed_weight_digits() -> usize {
    crate::core::catalog::WeighedLayout::default().weight_digits
}
fn default_low_stock() -> i64 {
    crate::core::catalog::DEFAULT_LOW_STOCK
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentPlatform {
    #[default]
    CloudPay,
    Weishouyin,
}

/// The order-number prefix of a till not set up yet (Cloud Pay gives the real one).
pub const UNSET_PREFIX: &str = "00000000";

fn default_retention_days() -> u32 {
    400
}
fn default_export_dir() -> PathBuf {
    PathBuf::from(crate::core::office::DEFAULT_EXPORT_DIR)
}
fn default_lang() -> Lang {
    Lang::Zh
}
fn default_operator() -> String {
    "01".into()
}
fn default_terminal() -> u8 {
    1
}
fn default_offset() -> i32 {
    480
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
        let mut config = Config::parse(path, &text)?;
        let keys = path.with_file_name(KEYS_FILE);
        if keys.exists() {
            let text =
                std::fs::read_to_string(&keys).map_err(|source| ConfigError::Read { path: keys.clone(), source })?;
            config.keys = parse_keys(&keys, &text)?;
        }
        Ok(config)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
        if config.export_dir.is_none() {
            config.export_dir = config.operators.export_dir.as_ref().map(PathBuf::from);
        }
        if config.version > CONFIG_VERSION {
            return Err(ConfigError::NewerVersion { path: path.into(), found: config.version });
        }
        config.validate()?;
        Ok(config)
    }

    /// The one export directory (the USB stick's mount point): `export_dir`, else the deprecated
    /// `[operators] export_dir`, else `/media/usb`.
    pub fn export_dir(&self) -> PathBuf {
        self.export_dir.clone().unwrap_or_else(default_export_dir)
    }

    /// Logs what an older till.toml still says the old way (once logging is up).
    pub fn log_deprecations(&self) {
        if let Some(old) = &self.operators.export_dir {
            tracing::warn!(
                export_dir = %self.export_dir().display(),
                "till.toml: [operators] export_dir = {old:?} is deprecated: set export_dir at the top instead \
                 (one directory for every export and for USB imports)"
            );
        }
    }

    /// What `till run` refuses that only `till demo` and the tests may use: `[operators]
    /// auto_sign_in` signs an operator — the fresh till's 01 is a supervisor — in without a PIN.
    /// Allowed only when `test_harness` (the environment has [`TEST_AUTO_SIGN_IN_ENV`]` = 1`).
    pub fn check_for_run(&self, test_harness: bool) -> Result<(), ConfigError> {
        match &self.operators.auto_sign_in {
            Some(n) if !test_harness => Err(ConfigError::Invalid(format!(
                "[operators] auto_sign_in = {n:?} signs an operator in without a PIN: it is for `till demo` and \
                 the tests only. Remove it from the shop's till.toml"
            ))),
            Some(n) => {
                tracing::warn!(operator = n, "TEST HARNESS: operator signed in without a PIN (auto_sign_in)");
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let prefix = &self.cloudpay.cloud_cashier_id;
        let cloudpay = self.platform == PaymentPlatform::CloudPay && !prefix.is_empty();
        if cloudpay && (prefix.len() != 8 || !prefix.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ConfigError::Invalid(format!(
                "cloudpay.cloud_cashier_id must be the platform's 8-digit numeric order prefix, not {prefix:?}"
            )));
        }
        if self.held.max_age_hours == 0 {
            return Err(ConfigError::Invalid("held.max_age_hours must be at least 1".into()));
        }
        self.discounts.check().map_err(ConfigError::Invalid)?;
        if let Some(problem) = self.stored_value.problem() {
            return Err(ConfigError::Invalid(format!("stored_value: {problem}")));
        }
        if self.platform == PaymentPlatform::Weishouyin && self.weishouyin.is_none() {
            return Err(ConfigError::Invalid("platform = \"weishouyin\" needs a [weishouyin] section".into()));
        }
        if let Some(n) = &self.operators.auto_sign_in
            && (n.len() != 2 || !n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ConfigError::Invalid(format!("operators.auto_sign_in must be an operator number, not {n:?}")));
        }
        if self.terminal_no > 99 {
            return Err(ConfigError::Invalid("terminal_no must be 0..=99".into()));
        }
        if !crate::core::qr::EXPIRE_SECS_RANGE.contains(&self.qr.expire_secs) {
            return Err(ConfigError::Invalid("qr.expire_secs must be 60..=300".into()));
        }
        if let Some(scanner) = &self.scanner {
            scanner.validate().map_err(|e| ConfigError::Invalid(e.to_string()))?;
        }
        self.profile()?;
        self.printer.transport(Path::new("."))?;
        for (section, baud) in
            [("display", self.display.as_ref().map(|d| d.baud)), ("scale", self.scale.as_ref().map(|s| s.baud))]
        {
            if let Some(baud) = baud.filter(|b| !BAUD_RATES.contains(b)) {
                return Err(ConfigError::Invalid(format!("{section}.baud must be one of {BAUD_RATES:?}, not {baud}")));
            }
        }
        self.catalogue.layout().check().map_err(|e| ConfigError::Invalid(format!("[catalogue] {e}")))?;
        if self.printer.queue_limit == 0 || self.printer.retry_secs == 0 {
            return Err(ConfigError::Invalid("printer.queue_limit and printer.retry_secs must be at least 1".into()));
        }
        Ok(())
    }

    pub fn profile(&self) -> Result<PrinterProfile, ConfigError> {
        self.printer.profile.build().map_err(|e| ConfigError::Invalid(format!("printer.profile: {e}")))
    }

    pub fn settings(&self) -> Settings {
        Settings {
            shop_name: self.shop_name.clone(),
            operator: self.operator.clone(),
            order_prefix: self.order_prefix(),
            terminal_no: self.terminal_no,
            utc_offset_minutes: self.utc_offset_minutes,
            lang: self.lang,
        }
    }

    /// The QR the customer scans: offered only on Cloud Pay (微收银 has no such action).
    pub fn qr_settings(&self) -> crate::core::qr::QrSettings {
        crate::core::qr::QrSettings {
            offered: self.qr.enabled && self.platform == PaymentPlatform::CloudPay,
            expire_secs: self.qr.expire_secs,
        }
    }

    /// Every order number starts with this: Cloud Pay's `cloud_cashier_id`; for 微收银 the device
    /// number, zero-padded to 8 digits (the platform sets no prefix).
    pub fn order_prefix(&self) -> String {
        match self.platform {
            PaymentPlatform::CloudPay if self.cloudpay.cloud_cashier_id.is_empty() => UNSET_PREFIX.into(),
            PaymentPlatform::CloudPay => self.cloudpay.cloud_cashier_id.clone(),
            PaymentPlatform::Weishouyin => {
                let id = self.weishouyin.as_ref().map_or("", |w| w.device_id.as_str());
                let digits: String = id.chars().filter(char::is_ascii_digit).collect();
                let tail = &digits[digits.len().saturating_sub(8)..];
                format!("{tail:0>8}")
            }
        }
    }

    /// The data directory: configured, or `till` under the user's state directory.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }
}

pub fn default_data_dir() -> PathBuf {
    dirs::state_dir().or_else(dirs::data_local_dir).unwrap_or_else(std::env::temp_dir).join("till")
}

/// A TOML error as the technician sees it: the line and what is wrong, never the line itself.
fn parse_error(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
    ConfigError::Parse {
        path: path.into(),
        line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().lines().next().unwrap_or_default().to_string(),
    }
}

/// The bindings of a `keys.toml`: only function keys F1 to F12 (the other keys are typing).
pub fn parse_keys(path: &Path, text: &str) -> Result<Vec<Binding>, ConfigError> {
    let file: KeysFile = toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
    match file.bind.iter().find(|b| !(1..=12).contains(&b.f)) {
        Some(b) => Err(ConfigError::Invalid(format!("{}: F{} is not a function key (F1 to F12)", path.display(), b.f))),
        None => Ok(file.bind),
    }
}

impl Config {
    /// The embedded defaults of `till demo`: the reference's fictional merchant, a simulator at
    /// `base_url`, receipts to a file in `data_dir`.
    pub fn demo(lang: Lang, data_dir: PathBuf, base_url: String) -> Config {
        Config {
            version: CONFIG_VERSION,
            lang,
            shop_name: match lang {
                Lang::Zh => "幸福便利店".into(),
                Lang::En => "Happy Corner Shop".into(),
            },
            operator: default_operator(),
            terminal_no: default_terminal(),
            utc_offset_minutes: default_offset(),
            data_dir: Some(data_dir),
            printer: PrinterConfig::to_file(),
            display: None,
            scale: None,
            scanner_serial: None,
            scanner: None,
            platform: PaymentPlatform::CloudPay,
            cloudpay: CloudPayConfig::demo(&base_url),
            weishouyin: None,
            wifi: None,
            buzzer: None,
            voice: None,
            backoffice: None,
            retention_days: default_retention_days(),
            export_dir: None,
            catalogue: CatalogueConfig { demo_seed: true, ..CatalogueConfig::default() },
            discounts: crate::core::pricing::limits::DiscountRules::default(),
            // Demo and tests only: operator 01 is signed in at start, and the demo cannot power off.
            operators: crate::core::auth::Policy {
                auto_sign_in: Some(crate::core::auth::FIRST_OPERATOR.into()),
                power_off: false,
                ..crate::core::auth::Policy::default()
            },
            upgrade: None,
            screen_copy: None,
            qr: QrConfig::default(),
            held: crate::core::held::HeldConfig::default(),
            members: crate::core::members::MembersConfig::default(),
            stored_value: crate::core::stored_value::StoredValueConfig::default(),
            keys: Vec::new(),
        }
    }

    /// The demo on 微收银: the reference's test device 57206 against a simulator at `base_url`.
    pub fn demo_weishouyin(lang: Lang, data_dir: PathBuf, base_url: String) -> Config {
        Config {
            platform: PaymentPlatform::Weishouyin,
            weishouyin: Some(WeishouyinConfig::demo(&base_url)),
            ..Config::demo(lang, data_dir, base_url)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_round_trips_through_toml_and_keeps_its_key_out_of_debug() {
        let c = Config::demo(Lang::En, "/tmp/x".into(), "http://127.0.0.1:1".into());
        let text = toml::to_string(&c).expect("serialise");
        let back = Config::parse(Path::new("till.toml"), &text).expect("parse");
        assert_eq!(back.settings(), c.settings());
        assert!(!format!("{back:?}").contains("SimAuthenKey"), "secrets never in Debug output");
    }

    #[test]
    fn a_backoffice_section_is_optional_has_defaults_and_keeps_its_key_out_of_debug() {
        let mut c = Config::demo(Lang::En, "/tmp/x".into(), "http://127.0.0.1:1".into());
        assert!(c.backoffice.is_none());
        c.backoffice = Some(BackofficeConfig::demo("http://127.0.0.1:2"));
        let text = toml::to_string(&c).expect("serialise");
        let back = Config::parse(Path::new("t"), &text).expect("parse");
        assert_eq!(back.backoffice, c.backoffice);
        assert!(!format!("{back:?}").contains(crate::sync::DEMO_KEY));
        let minimal = "version = 1\nshop_name = \"小店\"\n[printer]\n[backoffice]\nurl = \"https://bo/v1/records\"\ndevice_id = \"t1\"\nkey = \"k\"\n";
        let b = Config::parse(Path::new("t"), minimal).expect("parse").backoffice.expect("section");
        assert_eq!((b.key_id.as_str(), b.timeout_ms), ("1", 10_000));
        let typo = minimal.replace("device_id", "device");
        assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
    }

    #[test]
    fn a_parse_error_names_the_line_and_never_quotes_it() {
        let text = "version = 1\nshop_name = \"小店\"\n[printer]\n[backoffice]\nurl = \"https://bo/v1/records\"\ndevice_id = \"t1\"\nkey = \"TopSecretKey42\" oops\n";
        let e = Config::parse(Path::new("/etc/till/till.toml"), text).expect_err("a syntax error");
        let shown = e.to_string();
        assert!(!shown.contains("TopSecretKey42"), "{shown}");
        assert!(shown.starts_with("/etc/till/till.toml: line 7: "), "{shown}");
        assert_eq!(shown.lines().count(), 1, "{shown}");
    }

    #[test]
    fn unknown_keys_and_bad_prefixes_are_refused_with_the_reason() {
        let c = Config::demo(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
        let text = toml::to_string(&c).expect("serialise");
        let typo = text.replacen("shop_name", "shop_nmae", 1);
        assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
        let newer = text.replacen("version = 1", "version = 2", 1);
        assert!(matches!(Config::parse(Path::new("t"), &newer), Err(ConfigError::NewerVersion { found: 2, .. })));
        let prefix = text.replacen("cloud_cashier_id = \"01000052\"", "cloud_cashier_id = \"sz0100lmnx\"", 1);
        assert!(
            matches!(Config::parse(Path::new("t"), &prefix), Err(ConfigError::Invalid(m)) if m.contains("8-digit"))
        );
    }

    #[test]
    fn a_weishouyin_till_needs_its_section_and_numbers_orders_by_device() {
        let c = Config::demo_weishouyin(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
        assert_eq!(c.settings().order_prefix, "00057206");
        let text = toml::to_string(&c).expect("serialise");
        let back = Config::parse(Path::new("t"), &text).expect("parse");
        assert_eq!(back.platform, PaymentPlatform::Weishouyin);
        let without = text.split("[weishouyin]").next().expect("head").to_string();
        assert!(
            matches!(Config::parse(Path::new("t"), &without), Err(ConfigError::Invalid(m)) if m.contains("weishouyin"))
        );
    }

    #[test]
    fn keys_toml_beside_till_toml_binds_function_keys_to_intents() {
        use crate::core::intent::{Intent, On};
        let dir = tempfile::tempdir().expect("tempdir");
        let till = dir.path().join("till.toml");
        std::fs::write(&till, "version = 1\nshop_name = \"小店\"\n[printer]\n").expect("till.toml");
        assert!(Config::load(&till).expect("no keys.toml").keys.is_empty());
        let keys = "[[bind]]\nf = 10\non = \"sale\"\nact = \"sign_out\"\n\n[[bind]]\nf = 11\nact = \"refund\"\namount = \"0.01\"\n";
        std::fs::write(dir.path().join(KEYS_FILE), keys).expect("keys.toml");
        let bound = Config::load(&till).expect("keys.toml").keys;
        assert_eq!(
            bound,
            [
                Binding { f: 10, on: Some(On::Sale), act: Intent::SignOut },
                Binding { f: 11, on: None, act: Intent::Refund { amount: "0.01".into() } },
            ]
        );
        // A discount key, as Chinese tills have them (a 9折 key): the intent with its values.
        let nine = "[[bind]]\nf = 7\non = \"sale\"\nact = \"discount\"\nhow = \"percent\"\nvalue = \"10\"\nreason = \"regular\"\n";
        let bound = parse_keys(Path::new("keys.toml"), nine).expect("a discount key");
        let want =
            Intent::Discount { order: false, how: "percent".into(), value: "10".into(), reason: "regular".into() };
        assert_eq!(bound, [Binding { f: 7, on: Some(On::Sale), act: want }]);
        let not_a_function_key = parse_keys(Path::new("keys.toml"), "[[bind]]\nf = 13\nact = \"pay\"\n");
        assert!(matches!(not_a_function_key, Err(ConfigError::Invalid(m)) if m.contains("F13")));
        let unknown = parse_keys(Path::new("keys.toml"), "[[bind]]\nf = 1\nact = \"dance\"\n");
        assert!(matches!(unknown, Err(ConfigError::Parse { line: Some(_), .. })));
    }

    #[test]
    fn a_cloudpay_till_may_start_unconfigured_and_is_set_up_by_qr() {
        let text = "version = 1\nshop_name = \"小店\"\n[printer]\n";
        let c = Config::parse(Path::new("t"), text).expect("parse");
        assert!(!c.cloudpay.is_set_up());
        assert_eq!(c.settings().order_prefix, UNSET_PREFIX);
        assert_eq!(c.cloudpay.base_urls.len(), 4);
    }

    fn printer(section: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("t"), &format!("version = 1\nshop_name = \"小店\"\n[printer]\n{section}\n"))
    }

    #[test]
    fn the_printer_is_a_file_a_device_a_serial_port_or_a_network_printer() {
        let data = Path::new("/var/lib/till");
        let t = |section: &str| printer(section).expect(section).printer.transport(data).expect("transport");
        assert_eq!(t(""), Transport::File(data.join("receipts.escpos")));
        assert_eq!(t("output = \"/dev/usb/lp0\""), Transport::Device("/dev/usb/lp0".into()));
        assert_eq!(t("output = \"/tmp/r.bin\""), Transport::File("/tmp/r.bin".into()));
        let serial = t("serial = { path = \"/dev/serial0\", baud = 115200, flow = \"xonxoff\" }");
        let want = SerialSettings { path: "/dev/serial0".into(), baud: 115200, flow: crate::devices::Flow::XonXoff };
        assert_eq!(serial, Transport::Serial(want));
        let defaults = t("serial = { path = \"/dev/ttyUSB0\" }");
        let want = SerialSettings { path: "/dev/ttyUSB0".into(), baud: 9600, flow: crate::devices::Flow::RtsCts };
        assert_eq!(defaults, Transport::Serial(want));
        assert_eq!(t("tcp = \"192.168.1.87:9100\""), Transport::Tcp("192.168.1.87:9100".into()));
        let c = printer("tcp = \"p:9100\"\nstatus = false\nwrite_timeout_ms = 5000").expect("parse");
        let o = c.printer.options();
        assert!(!o.check_status && o.write_timeout == Duration::from_secs(5));
        let custom = printer("profile = { dots_per_line = 416 }").expect("parse").profile().expect("profile");
        assert_eq!((custom.dots_per_line, custom.columns), (416, 34));
    }

    #[test]
    fn printer_mistakes_are_refused_with_the_reason() {
        let invalid = |section: &str| match printer(section) {
            Err(ConfigError::Invalid(m)) => m,
            other => format!("not refused as invalid: {other:?}"),
        };
        assert!(invalid("output = \"/dev/usb/lp0\"\ntcp = \"p:9100\"").contains("one of output, serial or tcp"));
        assert!(invalid("serial = { path = \"/dev/ttyS0\", baud = 14400 }").contains("baud"));
        assert!(invalid("profile = \"76mm\"").contains("76mm"));
        assert!(invalid("profile = { dots_per_line = 500 }").contains("dots_per_line"));
        assert!(matches!(
            printer("serial = { path = \"/dev/ttyS0\", parity = \"even\" }"),
            Err(ConfigError::Parse { .. })
        ));
        assert!(matches!(
            printer("serial = { path = \"/dev/ttyS0\", flow = \"dtr\" }"),
            Err(ConfigError::Parse { .. })
        ));
        assert!(matches!(printer("usb = \"/dev/usb/lp0\""), Err(ConfigError::Parse { .. })));
    }

    #[test]
    fn a_keyboard_scanner_section_parses_with_defaults_and_refuses_typos() {
        let head = "version = 1\nshop_name = \"小店\"\n[printer]\n";
        let c = Config::parse(Path::new("t"), &format!("{head}[scanner]\ndevice = \"/dev/till-scanner\"\n"))
            .expect("parse");
        let s = c.scanner.expect("scanner");
        assert_eq!(s.device.as_deref(), Some(Path::new("/dev/till-scanner")));
        assert_eq!(
            (s.layout.as_str(), s.inter_key_timeout_ms, s.suffix),
            ("us", 50, crate::devices::wedge::Suffix::Enter)
        );
        let full = format!(
            "{head}[scanner]\nvendor_product = \"0c2e:0b61\"\nname = \"Honeywell\"\nlayout = \"de\"\ninter_key_timeout_ms = 80\nsuffix = \"tab\"\n"
        );
        let s = Config::parse(Path::new("t"), &full).expect("parse").scanner.expect("scanner");
        assert_eq!(
            (s.layout.as_str(), s.inter_key_timeout_ms, s.suffix),
            ("de", 80, crate::devices::wedge::Suffix::Tab)
        );
        let typo = format!("{head}[scanner]\nname = \"x\"\nsufix = \"tab\"\n");
        assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
        let bad = format!("{head}[scanner]\nvendor_product = \"0c2e\"\n");
        assert!(
            matches!(Config::parse(Path::new("t"), &bad), Err(ConfigError::Invalid(m)) if m.contains("vendor_product"))
        );
        assert!(Config::parse(Path::new("t"), head).expect("parse").scanner.is_none());
    }

    #[test]
    fn buzzer_and_voice_are_optional_and_read_in_their_documented_form() {
        let base = "version = 1\nshop_name = \"小店\"\n";
        let c = Config::parse(Path::new("t"), &format!("{base}[printer]\n")).expect("parse");
        assert_eq!((c.buzzer, c.voice), (None, None));
        let text = format!(
            "{base}buzzer = {{ chip = \"/dev/gpiochip0\", line = 5, active_low = false }}\n\
             voice = {{ enabled = true, volume = 120, speed = 140 }}\n[printer]\n"
        );
        let c = Config::parse(Path::new("t"), &text).expect("parse");
        let buzzer = c.buzzer.clone().expect("buzzer");
        assert_eq!((buzzer.chip.to_str(), buzzer.line, buzzer.active_low), (Some("/dev/gpiochip0"), 5, false));
        let voice = c.voice.clone().expect("voice");
        assert_eq!((voice.enabled, voice.volume, voice.speed), (true, 120, 140));
        let back = Config::parse(Path::new("t"), &toml::to_string(&c).expect("serialise")).expect("round trip");
        assert_eq!((back.buzzer, back.voice), (c.buzzer, c.voice));
        let typo = text.replace("line = 5", "lin = 5");
        assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
    }

    #[test]
    fn the_operators_section_lists_what_needs_a_supervisor_and_defaults_to_sign_in() {
        use crate::core::Action;
        let head = "version = 1\nshop_name = \"小店\"\n[printer]\n";
        let c = Config::parse(Path::new("t"), head).expect("parse");
        assert_eq!(c.operators.auto_sign_in, None, "a shop's till asks for a sign-in");
        assert_eq!(c.operators.supervisor_for.len(), 5);
        assert!(c.operators.power_off);
        let text = format!("{head}[operators]\nsupervisor_for = [\"refund\", \"close_day\"]\n");
        let c = Config::parse(Path::new("t"), &text).expect("parse");
        assert_eq!(c.operators.supervisor_for, [Action::Refund, Action::CloseDay]);
        let bad = format!("{head}[operators]\nsupervisor_for = [\"reboot\"]\n");
        assert!(matches!(Config::parse(Path::new("t"), &bad), Err(ConfigError::Parse { .. })));
        let bad = format!("{head}[operators]\nauto_sign_in = \"x\"\n");
        assert!(matches!(Config::parse(Path::new("t"), &bad), Err(ConfigError::Invalid(_))));
        let demo = Config::demo(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
        assert_eq!((demo.operators.auto_sign_in.as_deref(), demo.operators.power_off), (Some("01"), false));
    }

    #[test]
    fn one_export_dir_serves_every_export_and_the_default_is_the_usb_mount() {
        let head = "version = 1\nshop_name = \"小店\"\n";
        let c = Config::parse(Path::new("t"), &format!("{head}[printer]\n")).expect("parse");
        assert_eq!(c.export_dir(), Path::new("/media/usb"));
        let c =
            Config::parse(Path::new("t"), &format!("{head}export_dir = \"/mnt/stick\"\n[printer]\n")).expect("parse");
        assert_eq!(c.export_dir(), Path::new("/mnt/stick"));
        assert_eq!(c.operators.export_dir, None);
        // Serialised and read back, it stays the same.
        let back = Config::parse(Path::new("t"), &toml::to_string(&c).expect("serialise")).expect("round trip");
        assert_eq!(back.export_dir(), Path::new("/mnt/stick"));
        let demo = Config::demo(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
        assert_eq!(demo.export_dir(), Path::new("/media/usb"));
    }

    #[test]
    fn an_older_files_operators_export_dir_is_still_read_when_the_top_level_one_is_absent() {
        let head = "version = 1\nshop_name = \"小店\"\n[printer]\n";
        let old = format!("{head}[operators]\nexport_dir = \"/mnt/usb\"\n");
        let c = Config::parse(Path::new("t"), &old).expect("an older till.toml still parses");
        assert_eq!(c.export_dir(), Path::new("/mnt/usb"), "the old key is used");
        assert_eq!(c.operators.export_dir.as_deref(), Some("/mnt/usb"), "and kept for the deprecation line");
        let both = "version = 1\nshop_name = \"x\"\nexport_dir = \"/media/stick\"\n[printer]\n[operators]\nexport_dir = \"/mnt/usb\"\n";
        let c = Config::parse(Path::new("t"), both).expect("parse");
        assert_eq!(c.export_dir(), Path::new("/media/stick"), "the top-level key wins");
        c.log_deprecations();
    }

    #[test]
    fn the_documented_example_config_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/till.example.toml");
        let c = Config::load(&path).expect("docs/till.example.toml parses");
        assert_eq!((c.export_dir(), &c.operators.export_dir), (PathBuf::from("/media/usb"), &None), "one key, not two");
        assert_eq!(c.cloudpay.base_urls.len(), 4);
        assert_eq!(c.settings().order_prefix, "01000052");
        assert_eq!(c.buzzer.map(|b| b.line), Some(5));
        assert_eq!(c.voice.map(|v| v.volume), Some(100));
        assert_eq!(c.held.max_age_hours, 24);
    }

    #[test]
    fn held_sales_grow_old_after_the_shops_hours_default_24_never_0() {
        let c = Config::demo(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
        assert_eq!(c.held.max_age_hours, 24, "the default");
        let text = toml::to_string(&c).expect("serialise");
        let with = |hours: &str| {
            let text = text.replace("[held]\nmax_age_hours = 24", &format!("[held]\nmax_age_hours = {hours}"));
            Config::parse(Path::new("till.toml"), &text)
        };
        assert_eq!(with("6").expect("parses").held.max_age_hours, 6);
        assert!(matches!(with("0"), Err(ConfigError::Invalid(m)) if m.contains("held.max_age_hours")));
    }
}
