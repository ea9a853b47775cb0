//! Configuration: compiled-in defaults plus one override file (`till.toml`). `Config` gathers the
//! sections and checks them (`validate`); the printer's and the catalogue's sections and the key
//! bindings (`keys.toml`) have files of their own.

mod catalogue;
mod keys;
mod printer;

pub use catalogue::CatalogueConfig;
pub use keys::{KEYS_FILE, parse_keys};
pub use printer::PrinterConfig;

use crate::core::intent::Binding;
use crate::core::{Lang, Settings};
use crate::devices::printer::BAUD_RATES;
use crate::devices::{BuzzerConfig, ScannerConfig, VoiceConfig};
use crate::escpos::PrinterProfile;
use crate::payments::cloudpay::CloudPayConfig;
use crate::payments::weishouyin::WeishouyinConfig;
use crate::sync::BackofficeConfig;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
    /// `[refund_windows]`: the days each platform still refunds an order paid (receipted exchanges).
    #[serde(default)]
    pub refund_windows: crate::core::exchange_receipted::RefundWindows,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentPlatform {
    #[default]
    CloudPay,
    Weishouyin,
}

/// The order-number prefix of a till not set up yet (Cloud Pay gives the real one).
pub const UNSET_PREFIX: &str = "00000000";

fn default_true() -> bool {
    true
}
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
        for (name, days) in
            [("wechat_days", self.refund_windows.wechat_days), ("alipay_days", self.refund_windows.alipay_days)]
        {
            // 0 would give every exchange's difference back in cash; WeChat Pay refunds for a year at most.
            if !(1..=365).contains(&days) {
                return Err(ConfigError::Invalid(format!("refund_windows.{name} must be 1..=365, not {days}")));
            }
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
            refund_windows: crate::core::exchange_receipted::RefundWindows::default(),
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
mod tests;
