//! The enrolment QR scanned at the till ([`crate::core::enrol`]): read first (the office says what
//! the code is for, `POST /v1/enrol/preview`, the code not spent), then, once a supervisor has
//! confirmed, spent (`POST /v1/enrol`) and kept in the data directory, mode 0600
//! ([`crate::sync::enrolment`]). Both run in spawned tasks; the key is never logged.

use crate::core::Msg;
use crate::core::configure::{ConfigChange, ScannedCode};
use crate::core::enrol::{EnrolFailure, EnrolMsg};
use crate::sync::BackofficeConfig;
use std::path::Path;
use std::time::Duration;
use till_proto::enrol::{ENROL_PATH, EnrolPreview, EnrolRequest, Enrolment, PREVIEW_PATH, parse_qr};

/// A refusal or failure of a call to the office's enrolment endpoints.
#[derive(Debug, thiserror::Error)]
pub enum EnrolCallError {
    /// No answer (network, address, timeout).
    #[error("the back office {base} cannot be reached: {detail}")]
    Unreachable { base: String, detail: String },
    /// The office answered with this status and reason.
    #[error("the back office refused the code (HTTP {status}): {reason}")]
    Refused { status: u16, reason: String },
    /// The office's answer is not what the protocol says.
    #[error("the back office's answer is not understood: {0}")]
    Malformed(String),
}

impl EnrolCallError {
    /// In the shop's words.
    pub fn failure(&self) -> EnrolFailure {
        match self {
            EnrolCallError::Unreachable { .. } => EnrolFailure::Unreachable,
            EnrolCallError::Refused { status: 404, .. } => EnrolFailure::UnknownCode,
            EnrolCallError::Refused { status: 410, .. } => EnrolFailure::Spent,
            EnrolCallError::Refused { status: 403, .. } => EnrolFailure::Revoked,
            EnrolCallError::Refused { status: 429, .. } => EnrolFailure::TooManyTries,
            EnrolCallError::Refused { reason, .. } => EnrolFailure::Refused { reason: reason.clone() },
            EnrolCallError::Malformed(detail) => EnrolFailure::Refused { reason: detail.clone() },
        }
    }
}

/// `POST base+path` with the code: the answer decoded.
pub async fn call<T: serde::de::DeserializeOwned>(base: &str, path: &str, code: &str) -> Result<T, EnrolCallError> {
    let unreachable = |e: reqwest::Error| EnrolCallError::Unreachable { base: base.to_string(), detail: e.to_string() };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(unreachable)?;
    let request = EnrolRequest { code: code.to_string(), version: env!("CARGO_PKG_VERSION").to_string() };
    let body = serde_json::to_string(&request).map_err(|e| EnrolCallError::Malformed(e.to_string()))?;
    let answer = client
        .post(format!("{base}{path}"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(unreachable)?;
    let status = answer.status();
    let text = answer.text().await.unwrap_or_default();
    if !status.is_success() {
        let reason = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_else(|| text.chars().take(200).collect());
        return Err(EnrolCallError::Refused { status: status.as_u16(), reason });
    }
    serde_json::from_str(&text).map_err(|e| EnrolCallError::Malformed(e.to_string()))
}

/// Keeps an enrolment in `data_dir` (mode 0600, written atomically): the file it is in.
pub fn keep(data_dir: &Path, enrolled: &BackofficeConfig) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(data_dir)?;
    let file = crate::sync::enrolment::path(data_dir);
    let text = toml::to_string(enrolled).map_err(std::io::Error::other)?;
    crate::cli::provision::write_atomically(&file, text.as_bytes(), 0o600)?;
    Ok(file)
}

/// Reads a scanned enrolment QR without spending it: the confirmation's offer, or why not.
pub async fn read(code: &str) -> Msg {
    let Some((base, canonical)) = parse_qr(code) else {
        return Msg::Enrol(EnrolMsg::Failed { error: EnrolFailure::BadCode });
    };
    match call::<EnrolPreview>(&base, PREVIEW_PATH, &canonical).await {
        Ok(p) => Msg::ConfigOffer(ConfigChange::Enrol {
            office: base,
            device_id: p.device_id,
            till_name: p.name,
            code: ScannedCode(code.to_string()),
        }),
        Err(e) => {
            tracing::warn!(error = %e, "enrolment code not read");
            Msg::Enrol(EnrolMsg::Failed { error: e.failure() })
        }
    }
}

/// Spends a confirmed code and keeps the enrolment in `data_dir`.
pub async fn enrol(code: &ScannedCode, data_dir: &Path) -> Msg {
    let Some((base, canonical)) = parse_qr(&code.0) else {
        return Msg::Enrol(EnrolMsg::Failed { error: EnrolFailure::BadCode });
    };
    let enrolled = match call::<Enrolment>(&base, ENROL_PATH, &canonical).await {
        Ok(e) => BackofficeConfig::enrolled(e),
        Err(e) => {
            tracing::warn!(error = %e, "enrolment refused");
            return Msg::Enrol(EnrolMsg::Failed { error: e.failure() });
        }
    };
    let dir = data_dir.to_path_buf();
    let kept = {
        let enrolled = enrolled.clone();
        tokio::task::spawn_blocking(move || keep(&dir, &enrolled)).await
    };
    match kept {
        Ok(Ok(file)) => {
            tracing::info!(device_id = enrolled.device_id, key_id = enrolled.key_id, file = %file.display(), "enrolled");
            Msg::Enrol(EnrolMsg::Enrolled { device_id: enrolled.device_id, office: base })
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the enrolment could not be kept");
            Msg::Enrol(EnrolMsg::Failed { error: EnrolFailure::NotKept { detail: e.to_string() } })
        }
        Err(e) => Msg::Enrol(EnrolMsg::Failed { error: EnrolFailure::NotKept { detail: e.to_string() } }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_refusals_are_told_in_the_shops_words() {
        let refused = |status| EnrolCallError::Refused { status, reason: "r".into() }.failure();
        assert_eq!(refused(404), EnrolFailure::UnknownCode);
        assert_eq!(refused(410), EnrolFailure::Spent);
        assert_eq!(refused(403), EnrolFailure::Revoked);
        assert_eq!(refused(429), EnrolFailure::TooManyTries);
        assert_eq!(refused(400), EnrolFailure::Refused { reason: "r".into() });
    }

    #[test]
    fn an_enrolment_is_kept_readable_by_the_till_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let enrolled = BackofficeConfig { device_id: "till-x".into(), ..BackofficeConfig::demo("http://o") };
        let file = keep(&dir.path().join("data"), &enrolled).expect("kept");
        assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o600);
        let loaded = crate::sync::enrolment::load(&dir.path().join("data")).expect("load");
        assert_eq!(loaded, Some(enrolled));
    }
}
