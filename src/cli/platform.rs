//! The platform and printer verbs: `till activate` (微收银's activation code) and `till print-test`.

use crate::app;
use crate::config::Config;
use crate::devices::printer;
use crate::logging::{self, LogTo};
use anyhow::Context;

/// `till activate`: one request to 微收银, the answer stored for every later start.
pub async fn activate(config: &Config, code: &str) -> anyhow::Result<()> {
    logging::init(LogTo::Stderr)?;
    let Some(w) = &config.weishouyin else { anyhow::bail!("the configuration has no [weishouyin] section") };
    let device = crate::payments::weishouyin::activate(&w.base_url, code.trim(), w.timeout_ms, w.connect_timeout_ms)
        .await
        .context("activation")?;
    let data_dir = config.data_dir();
    std::fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let file = app::platform::weishouyin_device_file(&data_dir);
    crate::payments::weishouyin::save_device(&file, &device)?;
    println!("activated: device {} (key stored in {}, mode 0600)", device.device_id, file.display());
    Ok(())
}

/// `till print-test`: the status where the printer reports one, then the test page.
pub async fn print_test(config: &Config) -> anyhow::Result<()> {
    logging::init(LogTo::Stderr)?;
    let profile = config.profile()?;
    let printer = printer::open(&config.printer.transport(&config.data_dir())?, config.printer.options());
    println!("printer: {}", printer.describe());
    println!("profile: {} ({} dots, {} columns)", profile.name, profile.dots_per_line, profile.columns);
    let bytes = crate::escpos::testpage::render(&config.shop_name, &profile);
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
