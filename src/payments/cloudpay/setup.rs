//! Device set-up by the configuration QR code (reference §7.1, §3.1): check the scanned URL, fetch the
//! device's settings, keep them in a private file.

use super::client::{MAX_ANSWER_BYTES, host_of};
use super::config::CloudPayConfig;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// The longest configuration URL accepted; the real one is about 100 characters.
pub const MAX_SETUP_URL_LEN: usize = 512;
/// The answer is a few hundred bytes; anything near the payment cap is not a device setting.
const MAX_SETUP_ANSWER_BYTES: usize = MAX_ANSWER_BYTES / 16;
const SETUP_PATH: &str = "/cpay/use_device_setting";

/// Why a configuration QR code gave no settings. Each `Display` text is the one line the cashier sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    /// The scanned text is not a Cloud Pay configuration URL (wrong scheme, host, path or parameters,
    /// too long, control characters): maybe a payment code or a hostile QR. Nothing was sent.
    #[error("not a Cloud Pay configuration code")]
    NotASetupCode,
    /// The configuration code is older than its 5 minutes.
    #[error("configuration code expired: generate a new one in the merchant app")]
    Expired,
    /// The configuration code was already used by a device.
    #[error("configuration code already used: generate a new one in the merchant app")]
    AlreadyUsed,
    /// The platform refused with another reason (its description).
    #[error("configuration refused by the platform: {0}")]
    Refused(String),
    /// The answer is not a usable device setting (missing or malformed fields, wrong shop).
    #[error("bad configuration answer: {0}")]
    BadAnswer(String),
    /// No answer: DNS, connection, TLS, timeout, HTTP error.
    #[error("network problem, configuration not received: {0}")]
    Network(String),
    /// The settings file could not be written or read.
    #[error("cannot save or read the device settings: {0}")]
    File(String),
}

/// How the set-up request is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupHttp {
    pub timeout_ms: u64,
    /// Hosts a configuration URL may name (a QR naming another host could hand the till someone
    /// else's merchant account). Plain `http` is accepted only for loopback hosts (the simulator).
    pub allowed_hosts: Vec<String>,
}

impl Default for SetupHttp {
    fn default() -> SetupHttp {
        SetupHttp {
            timeout_ms: 10_000,
            allowed_hosts: ["pay.qcloud.com", "sz.pay.qcloud.com", "sh.pay.qcloud.com", "tj.pay.qcloud.com"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// What the platform configures a device with (reference §3.1).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSetting {
    pub out_mch_id: String,
    pub out_sub_mch_id: String,
    pub cloud_cashier_id: String,
    pub authen_type: u32,
    /// The HMAC key: never in `Debug` output or logs.
    pub authen_key: String,
    pub out_shop_id: String,
    pub shop_name: String,
    pub device_id: String,
    pub device_name: String,
    #[serde(default)]
    pub staff_id: Option<String>,
    #[serde(default)]
    pub staff_name: Option<String>,
}

impl std::fmt::Debug for DeviceSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSetting")
            .field("out_mch_id", &self.out_mch_id)
            .field("out_sub_mch_id", &self.out_sub_mch_id)
            .field("cloud_cashier_id", &self.cloud_cashier_id)
            .field("authen_type", &self.authen_type)
            .field("authen_key", &"***")
            .field("out_shop_id", &self.out_shop_id)
            .field("shop_name", &self.shop_name)
            .field("device_id", &self.device_id)
            .field("device_name", &self.device_name)
            .field("staff_id", &self.staff_id)
            .field("staff_name", &self.staff_name)
            .finish()
    }
}

impl DeviceSetting {
    /// Puts the platform's settings into the device config; local choices (domains, terminal type,
    /// timeouts, SN) stay. Without a staff member in the QR the configured staff id stays.
    pub fn apply_to(&self, cfg: &mut CloudPayConfig) {
        cfg.out_mch_id = self.out_mch_id.clone();
        cfg.out_sub_mch_id = self.out_sub_mch_id.clone();
        cfg.out_shop_id = self.out_shop_id.clone();
        cfg.cloud_cashier_id = self.cloud_cashier_id.clone();
        cfg.authen_key = self.authen_key.clone();
        cfg.device_id = self.device_id.clone();
        if let Some(staff) = self.staff_id.as_ref().filter(|s| !s.is_empty()) {
            cfg.staff_id = staff.clone();
        }
    }

    /// The checks of reference §7.1's field table.
    fn check(&self, osi: &str) -> Result<(), String> {
        let ids = [
            ("out_mch_id", &self.out_mch_id),
            ("out_sub_mch_id", &self.out_sub_mch_id),
            ("out_shop_id", &self.out_shop_id),
        ];
        for (name, value) in ids {
            if !is_id(value, 32) {
                return Err(format!("{name} missing or malformed"));
            }
        }
        if self.out_shop_id != osi {
            return Err("settings are for another shop than the code".into());
        }
        if self.cloud_cashier_id.len() != 8 || !self.cloud_cashier_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err("cloud_cashier_id is not 8 digits".into());
        }
        if self.authen_type != 1 {
            return Err(format!("authen_type {} is not HMAC-SHA256 (1)", self.authen_type));
        }
        if self.authen_key.len() != 32 || !self.authen_key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("authen_key is not 32 printable characters".into());
        }
        if !is_id(&self.device_id, 64) || self.staff_id.as_ref().is_some_and(|s| !s.is_empty() && !is_id(s, 64)) {
            return Err("device_id or staff_id malformed".into());
        }
        let names = [Some(&self.shop_name), Some(&self.device_name), self.staff_name.as_ref()];
        if names.into_iter().flatten().any(|n| n.chars().count() > 128 || n.chars().any(char::is_control)) {
            return Err("a name is too long or has control characters".into());
        }
        Ok(())
    }
}

fn is_id(value: &str, max: usize) -> bool {
    !value.is_empty() && value.len() <= max && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Checks a scanned configuration URL strictly; returns it parsed plus its `osi`.
pub fn parse_setup_url(qr_url: &str, http: &SetupHttp) -> Result<(reqwest::Url, String), SetupError> {
    if qr_url.len() > MAX_SETUP_URL_LEN || qr_url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(SetupError::NotASetupCode);
    }
    let url = reqwest::Url::parse(qr_url).map_err(|_| SetupError::NotASetupCode)?;
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) || host == "localhost";
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
    let host_ok = http.allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(host) || *h == host_of(qr_url));
    if !scheme_ok || !host_ok || !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(SetupError::NotASetupCode);
    }
    if !url.path().ends_with(SETUP_PATH) {
        return Err(SetupError::NotASetupCode);
    }
    let (mut osi, mut si) = (None, None);
    for (name, value) in url.query_pairs() {
        let slot = match name.as_ref() {
            "osi" => &mut osi,
            "si" => &mut si,
            _ => return Err(SetupError::NotASetupCode),
        };
        if slot.is_some() || !is_id(&value, 64) {
            return Err(SetupError::NotASetupCode);
        }
        *slot = Some(value.into_owned());
    }
    match (osi, si) {
        (Some(osi), Some(_)) => Ok((url, osi)),
        _ => Err(SetupError::NotASetupCode),
    }
}

/// The answer of use_device_setting: `status` may come as a number or a string (open question 6).
#[derive(Deserialize)]
struct SetupAnswer {
    status: serde_json::Value,
    #[serde(default)]
    description: String,
    #[serde(default)]
    use_device_setting: Option<serde_json::Value>,
}

/// Scans a configuration QR: checks `qr_url`, GETs it with `&sn=<sn>` appended (no envelope, no HMAC,
/// reference §7.1) and checks the answer. Expired and used codes are told apart by the platform's
/// description (its codes are undocumented): 过期/expired, 已使用/已被使用/already used.
pub async fn fetch_device_setting(qr_url: &str, sn: &str, http: &SetupHttp) -> Result<DeviceSetting, SetupError> {
    let (mut url, osi) = parse_setup_url(qr_url, http)?;
    if !is_id(sn, 64) {
        return Err(SetupError::BadAnswer("the device serial number is malformed".into()));
    }
    url.query_pairs_mut().append_pair("sn", sn);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(http.timeout_ms))
        .no_proxy()
        .build()
        .map_err(|e| SetupError::Network(e.to_string()))?;
    let net = |e: reqwest::Error| SetupError::Network(e.to_string());
    let mut response = client.get(url).send().await.map_err(net)?;
    if !response.status().is_success() {
        return Err(SetupError::Network(format!("HTTP status {}", response.status().as_u16())));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(net)? {
        if body.len() + chunk.len() > MAX_SETUP_ANSWER_BYTES {
            return Err(SetupError::BadAnswer("oversized answer".into()));
        }
        body.extend_from_slice(&chunk);
    }
    let setting = read_setup_answer(&body, &osi)?;
    tracing::info!(device_id = setting.device_id, out_shop_id = setting.out_shop_id, "cloudpay device configured");
    Ok(setting)
}

/// Reads a use_device_setting answer `body` for the set-up code's `osi`: the settings, checked.
pub fn read_setup_answer(body: &[u8], osi: &str) -> Result<DeviceSetting, SetupError> {
    let answer: SetupAnswer =
        serde_json::from_slice(body).map_err(|_| SetupError::BadAnswer("not a use_device_setting answer".into()))?;
    let ok = answer.status == serde_json::json!(0) || answer.status == serde_json::json!("0");
    if !ok {
        let d = answer.description.to_lowercase();
        return Err(if d.contains("过期") || d.contains("expired") {
            SetupError::Expired
        } else if d.contains("已使用") || d.contains("已被使用") || d.contains("already used") {
            SetupError::AlreadyUsed
        } else {
            SetupError::Refused(format!("{} ({})", answer.description, answer.status))
        });
    }
    let setting: DeviceSetting = answer
        .use_device_setting
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| SetupError::BadAnswer("use_device_setting missing or malformed".into()))?;
    setting.check(osi).map_err(SetupError::BadAnswer)?;
    Ok(setting)
}

/// Writes the settings as JSON, readable by the till's user only (0600), atomically: a temporary file
/// in the same directory, fsync, rename, fsync of the directory.
pub fn save_device_setting(path: &Path, setting: &DeviceSetting) -> Result<(), SetupError> {
    use std::os::unix::fs::OpenOptionsExt;
    let file_err = |e: std::io::Error| SetupError::File(format!("{}: {e}", path.display()));
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| SetupError::File("no file name".into()))?;
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    let json = serde_json::to_vec_pretty(setting).map_err(|e| SetupError::File(e.to_string()))?;
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp).map_err(file_err)?;
    file.write_all(&json).and_then(|()| file.sync_all()).map_err(file_err)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(file_err)?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(file_err)
}

pub fn load_device_setting(path: &Path) -> Result<DeviceSetting, SetupError> {
    let bytes = std::fs::read(path).map_err(|e| SetupError::File(format!("{}: {e}", path.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| SetupError::File(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> SetupHttp {
        SetupHttp { timeout_ms: 500, allowed_hosts: vec!["127.0.0.1".into()] }
    }

    #[test]
    fn accepts_only_real_setup_urls() {
        let real = "https://pay.qcloud.com/cpay/use_device_setting?osi=sz01SimShopK1l2M3n4O&si=sz01SimCfgP5q6R7s8T";
        assert!(parse_setup_url(real, &SetupHttp::default()).is_ok());
        let sim = "http://127.0.0.1:4000/cpay/use_device_setting?osi=a&si=b";
        assert!(parse_setup_url(sim, &loopback()).is_ok());
        let long = format!("https://pay.qcloud.com/cpay/use_device_setting?osi=a&si={}", "b".repeat(600));
        for hostile in [
            "",
            "134680423163089456",
            "http://pay.qcloud.com/cpay/use_device_setting?osi=a&si=b",
            "https://evil.example/cpay/use_device_setting?osi=a&si=b",
            "https://pay.qcloud.com.evil.example/cpay/use_device_setting?osi=a&si=b",
            "https://user:pw@pay.qcloud.com/cpay/use_device_setting?osi=a&si=b",
            "https://pay.qcloud.com/cpay/micro_pay?osi=a&si=b",
            "https://pay.qcloud.com/cpay/use_device_setting?osi=a",
            "https://pay.qcloud.com/cpay/use_device_setting?osi=a&si=b&sn=x",
            "https://pay.qcloud.com/cpay/use_device_setting?osi=a&si=b&si=c",
            "https://pay.qcloud.com/cpay/use_device_setting?osi=a&si=b%0a",
            "https://pay.qcloud.com/cpay/use_device_setting?osi=a&si=b#x",
            "https://pay.qcloud.com/cpay/use_device_setting?osi=a\n&si=b",
            "ftp://pay.qcloud.com/cpay/use_device_setting?osi=a&si=b",
            "javascript:alert(1)",
            long.as_str(),
        ] {
            assert_eq!(
                parse_setup_url(hostile, &SetupHttp::default()).err(),
                Some(SetupError::NotASetupCode),
                "{hostile:?}"
            );
        }
    }
}
