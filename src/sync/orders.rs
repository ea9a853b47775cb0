//! Other tills' orders through the back office (till_proto::orders): the signed lookup and the
//! cash hold, each one short request (the lookup screen waits on it, never the render loop).

use super::catalogue::{CatalogueSyncError, signed_get};
use super::{BackofficeConfig, sign};
use till_proto::orders::{HOLDS_PATH, HoldAnswer, HoldRequest, ORDERS_PATH, OrderAnswer, hold_key, lookup_key};

/// The office's answer to a lookup: the order, or `None` when none of the shop's tills has it (404).
pub async fn lookup(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    number: &str,
) -> Result<Option<OrderAnswer>, CatalogueSyncError> {
    let base = till_proto::enrol::base_url(&config.url);
    let query: String = url_encode(number);
    let url = format!("{base}{ORDERS_PATH}?number={query}");
    match signed_get(client, config, &url, &lookup_key(number)).await {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| CatalogueSyncError::Malformed { version: 0, reason: e.to_string() }),
        Err(CatalogueSyncError::Refused(404)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Asks the office to hold cash for another till's order: its answer (granted or not).
pub async fn hold(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    request: &HoldRequest,
) -> Result<HoldAnswer, CatalogueSyncError> {
    let url = format!("{}{HOLDS_PATH}", till_proto::enrol::base_url(&config.url));
    let body = serde_json::to_string(request).map_err(|e| CatalogueSyncError::Store(e.to_string()))?;
    let signer = sign::Signer { device_id: &config.device_id, key_id: &config.key_id, key: &config.key };
    let mut post = client.post(url).header("content-type", "application/json");
    for (name, value) in signer.headers(super::deliver::signing_clock_secs(), &hold_key(&request.out_refund_no), &body)
    {
        post = post.header(name, value);
    }
    let answer = post.body(body).send().await.map_err(|e| CatalogueSyncError::Unreachable(e.to_string()))?;
    let code = answer.status().as_u16();
    if code != 201 && code != 409 {
        return Err(if code >= 500 {
            CatalogueSyncError::Unreachable(format!("HTTP {code}"))
        } else {
            CatalogueSyncError::Refused(code)
        });
    }
    let text = answer.text().await.map_err(|e| CatalogueSyncError::Unreachable(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| CatalogueSyncError::Malformed { version: 0, reason: e.to_string() })
}

/// A receipt number in a query string (they are letters and digits; anything else is escaped).
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
