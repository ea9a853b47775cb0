//! The device's life outside payments: activation, the pay configuration read at every start, the
//! server's clock, and reprinting a receipt (reference §1, §4.1–§4.3, §4.8; shapes are [G], see
//! [`super`]).

use super::client::{WeishouyinClient, WeishouyinError, exchange, form_body, http_client, parse_answer};
use super::config::Device;
use super::printinfo;
use super::proto::{self, ERR_DEVICE};
use super::xml::Answer;

/// The pay configuration as read; `xml` is the answer as received, for the local copy the reference
/// asks the device to keep (§1 step 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayConfig {
    /// `{server}` of the time and payment interfaces.
    pub server: String,
    pub company: String,
    pub xml: String,
}

/// The platform's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTime {
    /// `YYYY-MM-DD HH:MM:SS`, Beijing time.
    pub now: String,
    pub unix: i64,
}

/// The answer's refusal, if `ok` is not `1`: `err="device"` means the device must be activated again.
fn refusal(answer: &Answer, root: &str) -> Option<WeishouyinError> {
    if answer.root != root {
        return Some(WeishouyinError::BadAnswer(format!("expected <{root}>, got <{}>", answer.root)));
    }
    let info = answer.attr("info").unwrap_or_default().to_string();
    match answer.attr("ok") {
        Some("1") => None,
        Some("0") if answer.attr("err") == Some(ERR_DEVICE) => Some(WeishouyinError::Reactivate(info)),
        Some("0") => Some(WeishouyinError::Refused(info)),
        other => Some(WeishouyinError::BadAnswer(format!("status {other:?}"))),
    }
}

fn required<'a>(answer: &'a Answer, name: &str) -> Result<&'a str, WeishouyinError> {
    answer
        .attr(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| WeishouyinError::BadAnswer(format!("answer without {name}")))
}

/// Activates this device with the code from the back office: `{base_url}/o2o-dm/activate.php`, form
/// `code=…`, answer `<device ok="1" device_id="…" key="…"/>`. Save the result with
/// [`super::save_device`]. Unsigned: the device has no key yet.
pub async fn activate(
    base_url: &str,
    code: &str,
    timeout_ms: u64,
    connect_timeout_ms: u64,
) -> Result<Device, WeishouyinError> {
    let http = http_client(timeout_ms, connect_timeout_ms)?;
    let url = format!("{}/o2o-dm/activate.php", base_url.trim_end_matches('/'));
    let body = form_body(&[("code".to_string(), code.to_string())]);
    let request = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8")
        .body(body);
    let answer = parse_answer(&exchange(request, timeout_ms).await?)?;
    if let Some(e) = refusal(&answer, "device") {
        tracing::warn!(error = %e, "weishouyin activation refused");
        return Err(e);
    }
    let device_id = required(&answer, "device_id")?.to_string();
    let key = required(&answer, "key")?.to_string();
    tracing::info!(device_id, "weishouyin device activated");
    Ok(Device { device_id, key })
}

impl WeishouyinClient {
    /// Reads the pay configuration (`{base_url}/o2o-dm/config.php`, signed with `device_id`) and
    /// switches payments to its `server`. [`WeishouyinError::Reactivate`]: activate again.
    pub async fn read_config(&self) -> Result<PayConfig, WeishouyinError> {
        let url = format!("{}/o2o-dm/config.php", self.cfg.base_url.trim_end_matches('/'));
        let params = vec![("device_id".to_string(), self.cfg.device_id.clone())];
        let body = form_body(&super::sign::signed(params, &self.cfg.key));
        let request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8")
            .body(body);
        let bytes = exchange(request, self.cfg.timeout_ms).await?;
        let answer = parse_answer(&bytes)?;
        if let Some(e) = refusal(&answer, "config") {
            tracing::warn!(device_id = self.cfg.device_id, error = %e, "weishouyin config refused");
            return Err(e);
        }
        let server = required(&answer, "server")?.trim_end_matches('/').to_string();
        if !(server.starts_with("http://") || server.starts_with("https://")) {
            return Err(WeishouyinError::BadAnswer(format!("server {server:?} is not an http(s) URL")));
        }
        self.set_server(&server);
        tracing::info!(device_id = self.cfg.device_id, server, "weishouyin pay configuration read");
        Ok(PayConfig {
            server,
            company: answer.attr("company").unwrap_or_default().to_string(),
            xml: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    /// The platform's clock: `{server}/o2o_dmprinter/time.php`, signed with `device_id`.
    pub async fn server_time(&self) -> Result<ServerTime, WeishouyinError> {
        let params = vec![("device_id".to_string(), self.cfg.device_id.clone())];
        let answer = self.post_signed("o2o_dmprinter/time.php", params).await?;
        if let Some(e) = refusal(&answer, "time") {
            return Err(e);
        }
        let now = required(&answer, "now")?.to_string();
        let unix = required(&answer, "unix")?
            .parse::<i64>()
            .map_err(|_| WeishouyinError::BadAnswer("unix is not a number".into()))?;
        if proto::parse_beijing_time(&now) != Some(unix) {
            return Err(WeishouyinError::BadAnswer(format!("now {now} and unix {unix} disagree")));
        }
        Ok(ServerTime { now, unix })
    }

    /// The platform's receipt of a bill again: GET `{server}/o2o-dm/pay_printinfo.php?reprint&dm_id=<digits>
    /// &custom_series` (unsigned, as in the reference), decoded to ESC/POS bytes. `Ok(None)` when the
    /// platform answers its empty record (unix time 0) for an unknown bill.
    pub async fn reprint_slip(&self, dm_id: &str) -> Result<Option<Vec<u8>>, WeishouyinError> {
        let Some(digits) = proto::bill_digits(dm_id) else { return Ok(None) };
        let server = self.server();
        if server.is_empty() {
            return Err(WeishouyinError::NoServer);
        }
        let url = format!("{server}/o2o-dm/pay_printinfo.php?reprint&dm_id={digits}&custom_series");
        let bytes = exchange(self.http.get(url), self.cfg.timeout_ms).await;
        tracing::info!(dm_id, ok = bytes.is_ok(), "weishouyin reprint");
        let text = String::from_utf8(bytes?).map_err(|_| WeishouyinError::BadAnswer("not UTF-8".into()))?;
        if text.trim().is_empty() || text.contains("1970-01-01 08:00:00") {
            return Ok(None);
        }
        printinfo::decode(&text).map(Some).map_err(|e| WeishouyinError::BadAnswer(e.to_string()))
    }
}
