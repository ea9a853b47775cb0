//! Getting a bundle into memory: over HTTP(S) or from a file (a USB stick). Capped at
//! [`MAX_BUNDLE`](super::bundle::MAX_BUNDLE); nothing is written to disk here.

use super::UpgradeError;
use super::bundle::MAX_BUNDLE;
use std::io::Read;
use std::time::Duration;

/// Reads the bundle at `source`: `http://…` / `https://…`, or a file path.
pub async fn fetch(source: &str) -> Result<Vec<u8>, UpgradeError> {
    let fail = |reason: String| UpgradeError::Fetch { from: source.to_string(), reason };
    if source.starts_with("http://") || source.starts_with("https://") {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(600))
            .build()
            .map_err(|e| fail(crate::payments::http::error_chain(&e)))?;
        let mut response = client.get(source).send().await.map_err(|e| fail(crate::payments::http::error_chain(&e)))?;
        return crate::payments::http::read_capped(&mut response, usize::try_from(MAX_BUNDLE).unwrap_or(usize::MAX))
            .await
            .map_err(|e| match e {
                crate::payments::http::BodyError::Status(s) => fail(format!("HTTP status {s}")),
                crate::payments::http::BodyError::Oversized(max) => {
                    UpgradeError::Oversized(format!("the download is longer than {max} bytes"))
                }
                crate::payments::http::BodyError::Transport(e) => fail(crate::payments::http::error_chain(&e)),
            });
    }
    let path = source.strip_prefix("file://").unwrap_or(source).to_string();
    tokio::task::spawn_blocking(move || read_file(&path)).await.map_err(|e| fail(e.to_string()))?.map_err(|e| match e {
        UpgradeError::Fetch { reason, .. } => fail(reason),
        other => other,
    })
}

fn read_file(path: &str) -> Result<Vec<u8>, UpgradeError> {
    let fail = |reason: String| UpgradeError::Fetch { from: path.to_string(), reason };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut bytes = Vec::new();
    // One byte past the cap tells an oversized file from one exactly at it.
    file.take(MAX_BUNDLE + 1).read_to_end(&mut bytes).map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_BUNDLE {
        return Err(UpgradeError::Oversized(format!("the file is longer than {MAX_BUNDLE} bytes")));
    }
    Ok(bytes)
}
