//! What both platform clients do with an HTTP exchange: send it, read the answer whole but never
//! more than a cap, and say what went wrong in one [`TransportError`] shared by both.

use crate::core::Failure;
use std::time::Duration;

/// Why an HTTP exchange with a payment platform got no answer to read. The same for both clients:
/// a request that never left the box is [`TransportError::NotSent`] whichever platform it was for,
/// and so the till knows the platform is unreachable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The connection could not be made (refused, no route, DNS, TLS handshake): the request never
    /// left the box, so it certainly did not reach the platform. Cashier: "not sent, no money moved"
    /// and the till goes offline.
    #[error("not sent: {0}")]
    NotSent(String),
    /// The connection broke, or the answer was cut short, after the request may have left.
    /// Cashier: "network problem, result unknown".
    #[error("network error: {0}")]
    Network(String),
    /// No complete answer within the limit (ms). Cashier: "platform slow, result unknown".
    #[error("no answer within {0} ms")]
    Timeout(u64),
    /// An HTTP status outside 200–299, e.g. a proxy's 502 page. Cashier: "platform error, result unknown".
    #[error("HTTP status {0}")]
    HttpStatus(u16),
    /// The answer is larger than the client's cap. Cashier: "bad answer from the platform".
    #[error("oversized answer (more than {0} bytes)")]
    Oversized(usize),
}

impl TransportError {
    /// The kind the core acts on (the text above goes to the log only).
    pub fn failure(&self) -> Failure {
        match self {
            TransportError::NotSent(_) => Failure::NotSent,
            TransportError::Network(_) => Failure::Network,
            TransportError::Timeout(_) => Failure::Timeout,
            TransportError::HttpStatus(_) => Failure::PlatformError,
            TransportError::Oversized(_) => Failure::BadAnswer,
        }
    }

    /// What a reqwest error means for the request: never left, timed out, or broke on the way.
    pub fn of(e: &reqwest::Error, timeout_ms: u64) -> TransportError {
        if e.is_timeout() {
            TransportError::Timeout(timeout_ms)
        } else if e.is_connect() {
            TransportError::NotSent(error_chain(e))
        } else {
            TransportError::Network(error_chain(e))
        }
    }
}

/// Sends `request` and reads its answer whole (at most `max` bytes), all within `timeout_ms`.
/// `answered` sees the response's headers before the body is read (e.g. to read its `Date`).
pub async fn exchange(
    request: reqwest::RequestBuilder,
    timeout_ms: u64,
    max: usize,
    answered: impl FnOnce(&reqwest::header::HeaderMap),
) -> Result<Vec<u8>, TransportError> {
    let work = async {
        let mut response = request.send().await.map_err(|e| TransportError::of(&e, timeout_ms))?;
        answered(response.headers());
        read_capped(&mut response, max).await.map_err(|e| match e {
            BodyError::Status(status) => TransportError::HttpStatus(status),
            BodyError::Oversized(max) => TransportError::Oversized(max),
            BodyError::Transport(e) => TransportError::of(&e, timeout_ms),
        })
    };
    // reqwest's own timeout covers the body too; this one also bounds the chunk loop.
    tokio::time::timeout(Duration::from_millis(timeout_ms), work)
        .await
        .unwrap_or(Err(TransportError::Timeout(timeout_ms)))
}

/// Why an answer's body was not read.
#[derive(Debug)]
pub enum BodyError {
    /// An HTTP status outside 200–299.
    Status(u16),
    /// Longer than the cap (declared or as received).
    Oversized(usize),
    /// The connection broke or timed out while reading.
    Transport(reqwest::Error),
}

/// Reads a response body of at most `max` bytes, chunk by chunk, so a broken or hostile server
/// cannot make the till hold more; non-2xx is an error.
pub async fn read_capped(response: &mut reqwest::Response, max: usize) -> Result<Vec<u8>, BodyError> {
    let status = response.status();
    if !status.is_success() {
        return Err(BodyError::Status(status.as_u16()));
    }
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(BodyError::Oversized(max));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if bytes.len() + chunk.len() > max {
            return Err(BodyError::Oversized(max));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// reqwest's top-level message hides the cause ("error sending request"); the chain says what broke.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
