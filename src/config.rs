//! Configuration: compiled-in defaults plus one override file (`till.toml`).

use crate::core::{Lang, Settings};
use crate::escpos::PrinterProfile;
use crate::payments::cloudpay::CloudPayConfig;
use crate::payments::weishouyin::WeishouyinConfig;
use crate::sync::BackofficeConfig;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The format this build reads and writes.
pub const CONFIG_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file is missing or unreadable. Technician sees the path and the OS error.
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// Not valid TOML, an unknown key, or a wrong type: the message names the line.
    #[error("{path}: {source}")]
    Parse { path: PathBuf, source: toml::de::Error },
    /// Written for a newer till.
    #[error("{path}: config version {found} is newer than this till's {CONFIG_VERSION}")]
    NewerVersion { path: PathBuf, found: u32 },
    /// A value is out of range.
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    /// `58mm` or `80mm`.
    #[serde(default = "default_profile")]
    pub profile: String,
    /// A file or device (`/dev/usb/lp0`); default: `receipts.escpos` in the data directory.
    #[serde(default)]
    pub output: Option<PathBuf>,
}

fn default_profile() -> String {
    "58mm".into()
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
    /// A barcode scanner in serial mode (`/dev/ttyACM0`); codes end with CR/LF.
    #[serde(default)]
    pub scanner_serial: Option<PathBuf>,
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
    /// Where completed orders and refunds are delivered; none: they stay queued in the outbox.
    #[serde(default)]
    pub backoffice: Option<BackofficeConfig>,
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
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|source| ConfigError::Parse { path: path.into(), source })?;
        if config.version > CONFIG_VERSION {
            return Err(ConfigError::NewerVersion { path: path.into(), found: config.version });
        }
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let prefix = &self.cloudpay.cloud_cashier_id;
        let cloudpay = self.platform == PaymentPlatform::CloudPay && !prefix.is_empty();
        if cloudpay && (prefix.len() != 8 || !prefix.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ConfigError::Invalid(format!(
                "cloudpay.cloud_cashier_id must be the platform's 8-digit numeric order prefix, not {prefix:?}"
            )));
        }
        if self.platform == PaymentPlatform::Weishouyin && self.weishouyin.is_none() {
            return Err(ConfigError::Invalid("platform = \"weishouyin\" needs a [weishouyin] section".into()));
        }
        if self.terminal_no > 99 {
            return Err(ConfigError::Invalid("terminal_no must be 0..=99".into()));
        }
        self.profile()?;
        Ok(())
    }

    pub fn profile(&self) -> Result<PrinterProfile, ConfigError> {
        match self.printer.profile.as_str() {
            "58mm" => Ok(PrinterProfile::mm58()),
            "80mm" => Ok(PrinterProfile::mm80()),
            other => Err(ConfigError::Invalid(format!("printer.profile must be 58mm or 80mm, not {other:?}"))),
        }
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
            printer: PrinterConfig { profile: default_profile(), output: None },
            scanner_serial: None,
            platform: PaymentPlatform::CloudPay,
            cloudpay: CloudPayConfig::demo(&base_url),
            weishouyin: None,
            backoffice: None,
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
    fn a_cloudpay_till_may_start_unconfigured_and_is_set_up_by_qr() {
        let text = "version = 1\nshop_name = \"小店\"\n[printer]\n";
        let c = Config::parse(Path::new("t"), text).expect("parse");
        assert!(!c.cloudpay.is_set_up());
        assert_eq!(c.settings().order_prefix, UNSET_PREFIX);
        assert_eq!(c.cloudpay.base_urls.len(), 4);
    }

    #[test]
    fn the_documented_example_config_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/till.example.toml");
        let c = Config::load(&path).expect("docs/till.example.toml parses");
        assert_eq!(c.cloudpay.base_urls.len(), 4);
        assert_eq!(c.settings().order_prefix, "01000052");
    }
}
