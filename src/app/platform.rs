//! Starts the shop's payment platform from the configuration and the settings stored in the data
//! directory (a Cloud Pay set-up by QR code, a 微收银 activation), as the till does at every start.

use crate::config::{Config, PaymentPlatform};
use crate::core::SetupInfo;
use crate::payments::Payments;
use crate::payments::choice::CloudPaySetup;
use crate::payments::cloudpay::{CloudPayClient, SetupHttp, load_device_setting};
use crate::payments::weishouyin::{WeishouyinClient, WeishouyinError, load_device};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// Where a Cloud Pay set-up by QR code is kept (mode 0600).
pub fn cloudpay_device_file(data_dir: &Path) -> PathBuf {
    data_dir.join("cloudpay-device.json")
}

/// Where a 微收银 activation is kept (mode 0600).
pub fn weishouyin_device_file(data_dir: &Path) -> PathBuf {
    data_dir.join("weishouyin-device.json")
}

/// The pay configuration of the last start, kept for starts without network.
fn weishouyin_config_file(data_dir: &Path) -> PathBuf {
    data_dir.join("weishouyin-config.xml")
}

/// 微收银 does not (or no longer) know this till: a technician activates it (`till activate`).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct NotActivated(String);

fn weishouyin_server_file(data_dir: &Path) -> PathBuf {
    data_dir.join("weishouyin-server")
}

/// The platform client, and what a stored set-up changes in the settings.
pub async fn start(config: &Config, data_dir: &Path) -> anyhow::Result<(Payments, Option<SetupInfo>)> {
    match config.platform {
        PaymentPlatform::CloudPay => start_cloudpay(config, data_dir).await,
        // A till that cannot reach 微收银 as a device still starts: it sells for cash and says why.
        PaymentPlatform::Weishouyin => match start_weishouyin(config, data_dir).await {
            Ok(p) => Ok((p, None)),
            Err(e) => {
                tracing::error!(error = %e, "微收银 not usable");
                let kind = match e.downcast_ref::<NotActivated>() {
                    Some(_) => crate::core::Failure::NotActivated,
                    None => crate::core::Failure::NotSetUp,
                };
                Ok((Payments::not_ready(kind), None))
            }
        },
    }
}

async fn start_cloudpay(config: &Config, data_dir: &Path) -> anyhow::Result<(Payments, Option<SetupInfo>)> {
    let device_file = cloudpay_device_file(data_dir);
    let mut template = config.cloudpay.clone();
    if template.sn_code.is_empty() {
        template.sn_code = device_serial();
    }
    if template.machine_no.is_empty() {
        template.machine_no = template.sn_code.clone();
    }
    let mut cfg = template.clone();
    let mut info = None;
    if device_file.exists() {
        let setting =
            load_device_setting(&device_file).with_context(|| format!("reading {}", device_file.display()))?;
        setting.apply_to(&mut cfg);
        info = Some(SetupInfo {
            shop_name: setting.shop_name.clone(),
            order_prefix: setting.cloud_cashier_id.clone(),
            operator: setting.staff_id.clone(),
        });
    }
    let client = CloudPayClient::new(cfg.clone())?;
    if !cfg.is_set_up() {
        tracing::warn!("Cloud Pay is not set up: scan the merchant's configuration code");
    } else if client.probe().await.is_none() {
        // Reference §6 rule 8: start on the first domain that answers ping (stays on the first if none does).
        tracing::warn!("no Cloud Pay domain answers ping; payments will be in doubt until one does");
    }
    // The configured domains are trusted too (the simulator's loopback address in the demo).
    let mut http = SetupHttp { timeout_ms: cfg.timeout_ms, ..SetupHttp::default() };
    for url in &template.base_urls {
        if let Some(host) = reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(String::from)) {
            http.allowed_hosts.push(host);
        }
    }
    let setup = CloudPaySetup { template, device_file, http };
    Ok((Payments::cloudpay(client, setup), info))
}

async fn start_weishouyin(config: &Config, data_dir: &Path) -> anyhow::Result<Payments> {
    let Some(mut cfg) = config.weishouyin.clone() else {
        bail!("platform = \"weishouyin\" needs a [weishouyin] section")
    };
    let device_file = weishouyin_device_file(data_dir);
    if device_file.exists() {
        let device = load_device(&device_file).with_context(|| format!("reading {}", device_file.display()))?;
        cfg = cfg.with_device(&device);
    }
    if cfg.key.is_empty() || cfg.device_id.is_empty() {
        return Err(NotActivated(
            "the 微收银 device is not activated: run `till activate --code <activation code>`".into(),
        )
        .into());
    }
    let server_file = weishouyin_server_file(data_dir);
    if let Ok(saved) = std::fs::read_to_string(&server_file)
        && !saved.trim().is_empty()
    {
        cfg.server = saved.trim().to_string();
    }
    let client = WeishouyinClient::new(cfg)?;
    // The platform asks for its pay configuration at every start (it may have changed).
    match client.read_config().await {
        Ok(pay) => {
            write_private(&weishouyin_config_file(data_dir), pay.xml.as_bytes())?;
            write_private(&server_file, pay.server.as_bytes())?;
            tracing::info!(server = pay.server, "微收银 pay configuration read");
        }
        Err(WeishouyinError::Reactivate(why)) => {
            let why = format!(
                "微收银 says this device is no longer valid ({why}): activate it again with `till activate --code <code>`"
            );
            return Err(NotActivated(why).into());
        }
        Err(e) if !client.server().is_empty() => {
            tracing::warn!(error = %e, server = client.server(), "微收银 pay configuration not read; using the last one");
        }
        Err(e) => bail!("微收银 pay configuration could not be read and none is saved: {e}"),
    }
    // Order times and the wallets' deadlines follow the till's clock: say loudly if it is off.
    match client.server_time().await {
        Ok(t) => {
            let ours = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let skew = i64::try_from(ours).unwrap_or(i64::MAX).saturating_sub(t.unix);
            if skew.abs() > CLOCK_SKEW_WARN_SECS {
                tracing::warn!(skew_secs = skew, platform_time = t.now, "the till's clock differs from 微收银's");
            } else {
                tracing::info!(skew_secs = skew, "clock checked against 微收银");
            }
        }
        Err(e) => tracing::warn!(error = %e, "微收银 server time not read"),
    }
    Ok(Payments::weishouyin(client))
}

/// When this build was made (`build.rs`: SOURCE_DATE_EPOCH or the commit's time): a clock reading
/// earlier is plainly wrong.
pub fn built_at() -> crate::core::clock::Millis {
    let secs = env!("TILL_BUILD_UNIX").parse::<i64>().unwrap_or(0);
    crate::core::clock::Millis(secs.saturating_mul(1000))
}

/// More than this between the till's clock and the platform's is logged as a warning.
const CLOCK_SKEW_WARN_SECS: i64 = 60;

/// This board's serial number, as Cloud Pay's `sn` (upper-case letters and digits, at most 32): the
/// SoC serial from the device tree on a Pi, else the machine id, else a fixed placeholder.
pub fn device_serial() -> String {
    let sources = ["/sys/firmware/devicetree/base/serial-number", "/proc/device-tree/serial-number", "/etc/machine-id"];
    sources
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|bytes| {
            bytes
                .iter()
                .filter(|b| b.is_ascii_alphanumeric())
                .map(|b| b.to_ascii_uppercase() as char)
                .collect::<String>()
        })
        .map(|s| s.chars().take(32).collect::<String>())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "TILL0000000000".to_string())
}

/// Writes a file readable by the till's user only, atomically.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
