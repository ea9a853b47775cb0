//! `till enrol CODE [--office URL]`: the till asks its back office for a device id and key with the
//! one-time code the owner got in the office's web view (or the text of its QR), and keeps them
//! (mode 0600, in the data directory: [`crate::sync::enrolment`]). The till uses them from its
//! next start.

use crate::config::Config;
use crate::sync::BackofficeConfig;
use anyhow::Context;
use till_proto::enrol::{ENROL_PATH, Enrolment, normalize_code, parse_qr};

/// The office and the canonical code from what was typed: a code (with `office`, or the office of
/// the configured `[backoffice]`), or an enrolment QR's text (which names its office).
pub fn target(
    typed: &str,
    office: Option<&str>,
    configured: Option<&BackofficeConfig>,
) -> anyhow::Result<(String, String)> {
    if let Some((base, code)) = parse_qr(typed) {
        return Ok((office.map_or(base, str::to_string), code));
    }
    let code = normalize_code(typed)
        .context("not an enrolment code: 12 letters and digits, as the back office shows it (ABCD-EFGH-JKMN)")?;
    let base = match (office, configured) {
        (Some(office), _) => office.to_string(),
        (None, Some(c)) => till_proto::enrol::base_url(&c.url).to_string(),
        (None, None) => anyhow::bail!("which back office? --office https://office.example.com"),
    };
    Ok((till_proto::enrol::base_url(&base).to_string(), code))
}

/// Redeems `code` at the office `base`: the till's section for it.
pub async fn redeem(base: &str, code: &str) -> anyhow::Result<BackofficeConfig> {
    let enrolment: Enrolment = crate::app::enrol::call(base, ENROL_PATH, code).await?;
    Ok(BackofficeConfig::enrolled(enrolment))
}

/// `till enrol`.
pub async fn command(config: &Config, typed: &str, office: Option<&str>) -> anyhow::Result<()> {
    let (base, code) = target(typed, office, config.backoffice.as_ref())?;
    let enrolled = redeem(&base, &code).await?;
    let data_dir = config.data_dir();
    let file = crate::app::enrol::keep(&data_dir, &enrolled)
        .with_context(|| format!("keeping the enrolment in {}", data_dir.display()))?;
    println!(
        "enrolled as {} (key {}) at {}; kept in {}: the till uses it from its next start",
        enrolled.device_id,
        enrolled.key_id,
        enrolled.url,
        file.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_comes_from_the_option_the_qr_or_the_configured_section() {
        let configured = BackofficeConfig::demo("https://bo.example.com");
        let (base, code) = target("abcd-efgh-jkmn", None, Some(&configured)).expect("configured");
        assert_eq!((base.as_str(), code.as_str()), ("https://bo.example.com", "ABCDEFGHJKMN"));
        let (base, _) = target("ABCDEFGHJKMN", Some("http://127.0.0.1:8787/"), None).expect("option");
        assert_eq!(base, "http://127.0.0.1:8787");
        let (base, _) = target("TILL-ENROL:https://qr.example.com#ABCDEFGHJKMN", None, None).expect("qr");
        assert_eq!(base, "https://qr.example.com");
        assert!(target("ABCDEFGHJKMN", None, None).is_err(), "no office named");
        assert!(target("hello", Some("http://x"), None).is_err(), "not a code");
    }
}
