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
    if file.metadata().is_ok_and(|m| m.len() > MAX_BUNDLE) {
        return Err(UpgradeError::Oversized(format!("the file is longer than {MAX_BUNDLE} bytes")));
    }
    let mut bytes = Vec::new();
    // One byte past the cap tells an oversized file from one exactly at it.
    file.take(MAX_BUNDLE + 1).read_to_end(&mut bytes).map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_BUNDLE {
        return Err(UpgradeError::Oversized(format!("the file is longer than {MAX_BUNDLE} bytes")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// One HTTP answer per connection: `status` and `body`.
    async fn serve(status: &'static str, body: Vec<u8>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let mut buf = [0u8; 2048];
                let _ = conn.read(&mut buf).await;
                let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = conn.write_all(head.as_bytes()).await;
                let _ = conn.write_all(&body).await;
            }
        });
        format!("http://{addr}/till.bundle")
    }

    #[tokio::test]
    async fn a_bundle_comes_over_http_or_from_a_file_and_failures_are_one_line() {
        let url = serve("200 OK", b"till-bundle 1\n...".to_vec()).await;
        assert_eq!(fetch(&url).await.expect("fetched"), b"till-bundle 1\n...");
        let url = serve("404 Not Found", Vec::new()).await;
        let e = fetch(&url).await.expect_err("404");
        assert_eq!(e.to_string(), format!("could not fetch {url}: HTTP status 404"));
        let e = fetch("http://127.0.0.1:9/till.bundle").await.expect_err("nobody listens");
        assert!(
            e.to_string().starts_with("could not fetch http://127.0.0.1:9/till.bundle: ")
                && e.to_string().lines().count() == 1,
            "{e}"
        );

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("till.bundle");
        std::fs::write(&path, b"bytes").expect("write");
        assert_eq!(fetch(&path.display().to_string()).await.expect("file"), b"bytes");
        // A (sparse) file one byte past the cap is refused.
        let file = std::fs::File::create(&path).expect("create");
        file.set_len(MAX_BUNDLE + 1).expect("sparse");
        let e = fetch(&format!("file://{}", path.display())).await.expect_err("too long");
        assert!(matches!(e, UpgradeError::Oversized(_)), "{e}");
        let e = fetch("/nonexistent/till.bundle").await.expect_err("no file");
        assert!(e.to_string().contains("/nonexistent/till.bundle") && e.to_string().contains("No such file"), "{e}");
    }
}
