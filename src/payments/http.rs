//! What both platform clients do with an HTTP answer: read it whole, but never more than a cap.

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
