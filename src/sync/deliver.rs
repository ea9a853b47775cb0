//! The delivery task: reads the outbox, posts records in sequence order, marks what the back
//! office accepted or refused, and waits (woken by saves) when there is nothing to do.

use super::{BackofficeConfig, SyncStatus, Timing, sign};
use crate::core::clock::Millis;
use crate::store::{OutboxRecord, OutboxState, Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

/// Records read from the store per pass (plus the failed ones, which may be skipped). The records a
/// pass gets through are marked delivered together, in one flushed transaction.
const BATCH: usize = 64;
/// The longest a record the back office accepted waits to be marked delivered (a slow back office:
/// a pass of [`BATCH`] records may take long). A till stopped meanwhile sends it again (409).
const MARK_WITHIN: Duration = Duration::from_secs(1);
/// How often the whole outbox is counted while records are being delivered.
const RECOUNT_EVERY: Duration = Duration::from_secs(2);
/// How much of a refusal's body is kept as its reason.
const REASON_CHARS: usize = 200;
/// The most of a refusal's body read (enough for [`REASON_CHARS`] characters of any script).
const REASON_BYTES: usize = 4 * REASON_CHARS;

/// What the back office made of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// 2xx, or 409: it has the record.
    Delivered,
    /// Another 4xx (or a redirect): this record is refused; the reason is shown.
    Refused(String),
    /// The network, a timeout, 408, 429 or 5xx: try again later, this record first.
    Retry(String),
    /// 401 with `clock_skew`: the till's clock is outside the office's window. No record can get
    /// through until the time is set right: the whole queue waits, as for [`Outcome::Retry`].
    ClockOff(till_proto::ClockSkew),
}

/// How a pass over the outbox ended.
enum Pass {
    /// A whole batch was worked through: there may be more.
    More,
    /// Nothing left to send now; the earliest refused record may be tried again at this time.
    Idle(Option<Instant>),
    /// The back office cannot be reached: wait, then start again from the oldest record.
    Retry(String),
}

struct Delivery {
    store: Arc<dyn Store>,
    config: BackofficeConfig,
    client: reqwest::Client,
    timing: Timing,
    status: watch::Sender<SyncStatus>,
    /// Refused records and when they may be sent again (in memory: a restart tries them at once).
    parked: HashMap<u64, Instant>,
    /// Failures in a row, for the backoff.
    failures: u32,
    /// When the outbox was last counted. Counting reads every queued record, so while a long
    /// queue drains it is counted at most every [`RECOUNT_EVERY`] (each pass counts its own
    /// records out of the status meanwhile).
    counted_at: Option<Instant>,
}

pub(super) async fn run(
    store: Arc<dyn Store>,
    config: Option<BackofficeConfig>,
    timing: Timing,
    wake: Arc<Notify>,
    status: watch::Sender<SyncStatus>,
    delivery: super::DeliveryLock,
) {
    let client = config.as_ref().map(|c| {
        reqwest::Client::builder()
            .timeout(Duration::from_millis(c.timeout_ms))
            .redirect(reqwest::redirect::Policy::none())
            .build()
    });
    let (config, client) = match (config, client) {
        (Some(config), Some(Ok(client))) => (config, client),
        (_, Some(Err(e))) => {
            status.send_modify(|s| s.last_error = Some(format!("back office client: {e}")));
            return count_only(store, timing, wake, status).await;
        }
        _ => return count_only(store, timing, wake, status).await,
    };
    tracing::info!(url = config.url, device = config.device_id, "back-office sync started");
    let mut d =
        Delivery { store, config, client, timing, status, parked: HashMap::new(), failures: 0, counted_at: None };
    loop {
        d.refresh_counts().await;
        let pass = {
            let _delivering = delivery.lock().await;
            d.pass().await
        };
        match pass {
            Pass::More => continue,
            Pass::Idle(due) => {
                // The status is exact before waiting (a pass counts its records out as it goes).
                d.counted_at = None;
                d.refresh_counts().await;
                let wait = due.map_or(timing.idle_poll, |t| t.saturating_duration_since(Instant::now()));
                tokio::select! {
                    () = wake.notified() => {}
                    () = tokio::time::sleep(wait.min(timing.idle_poll)) => {}
                }
                d.counted_at = None;
            }
            Pass::Retry(reason) => {
                let delay = backoff(timing, d.failures);
                d.failures = d.failures.saturating_add(1);
                tracing::warn!(error = reason, retry_in_ms = delay.as_millis() as u64, "back office not reached");
                d.status.send_modify(|s| s.last_error = Some(reason));
                // Sales made meanwhile still show up in the count.
                let until = Instant::now() + delay;
                loop {
                    tokio::select! {
                        () = wake.notified() => {
                            d.counted_at = None;
                            d.refresh_counts().await;
                        }
                        () = tokio::time::sleep_until(until) => break,
                    }
                }
            }
        }
    }
}

/// No back office configured: the records stay queued and are counted for the status bar.
async fn count_only(store: Arc<dyn Store>, timing: Timing, wake: Arc<Notify>, status: watch::Sender<SyncStatus>) {
    loop {
        if let Ok(Ok((pending, failed))) = tokio::task::spawn_blocking({
            let store = store.clone();
            move || store.outbox_counts()
        })
        .await
        {
            status.send_modify(|s| (s.pending, s.failed) = (pending, failed));
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(timing.idle_poll) => {}
        }
    }
}

impl Delivery {
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, String> {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        }
    }

    async fn refresh_counts(&mut self) {
        if self.counted_at.is_some_and(|at| at.elapsed() < RECOUNT_EVERY) {
            return;
        }
        self.counted_at = Some(Instant::now());
        match self.blocking(|s| s.outbox_counts()).await {
            Ok((pending, failed)) => self.status.send_modify(|s| (s.pending, s.failed) = (pending, failed)),
            Err(e) => self.status.send_modify(|s| s.last_error = Some(e)),
        }
    }

    async fn pass(&mut self) -> Pass {
        let limit = BATCH + self.status.borrow().failed;
        let batch = match self.blocking(move |s| s.outbox_pending(limit)).await {
            Ok(batch) => batch,
            Err(e) => return Pass::Retry(e),
        };
        let full = batch.len() >= limit;
        let now = Instant::now();
        // Orders with a refused record: their later records wait behind it.
        let mut held: HashSet<String> = HashSet::new();
        let mut worked = false;
        // Accepted by the back office, not yet marked in the store: marked together, in one
        // flushed transaction, at the end of the pass (or before anything else is written).
        let mut accepted: Vec<OutboxRecord> = Vec::new();
        let mut oldest_unmarked: Option<Instant> = None;
        for record in batch {
            if held.contains(&record.order_number) {
                continue;
            }
            if record.state == OutboxState::Failed && self.parked.get(&record.seq).is_some_and(|due| *due > now) {
                held.insert(record.order_number);
                continue;
            }
            // The records waiting behind this one.
            let unsynced = self.status.borrow().unsynced().saturating_sub(1);
            match post(&self.client, &self.config, &record, unsynced).await {
                Outcome::Delivered => {
                    crate::crash::point("after-delivery-answer");
                    tracing::info!(seq = record.seq, key = record.key, "delivered to the back office");
                    self.failures = 0;
                    worked = true;
                    accepted.push(record);
                    // A slow back office: do not keep answers unmarked for long.
                    if oldest_unmarked.get_or_insert_with(Instant::now).elapsed() >= MARK_WITHIN {
                        if let Err(e) = self.mark_delivered(&mut accepted).await {
                            return Pass::Retry(e);
                        }
                        oldest_unmarked = None;
                    }
                }
                Outcome::Refused(reason) => {
                    if let Err(e) = self.mark_delivered(&mut accepted).await {
                        return Pass::Retry(e);
                    }
                    oldest_unmarked = None;
                    let (seq, why) = (record.seq, reason.clone());
                    if let Err(e) = self.blocking(move |s| s.outbox_mark_failed(seq, &why)).await {
                        return Pass::Retry(e);
                    }
                    tracing::warn!(seq, key = record.key, reason, "refused by the back office");
                    self.parked.insert(seq, now + self.timing.failed_retry);
                    worked = true;
                    self.status.send_modify(|s| {
                        if record.state == OutboxState::Pending {
                            s.pending = s.pending.saturating_sub(1);
                            s.failed += 1;
                        }
                        s.last_error = Some(format!("{}: {reason}", record.key));
                    });
                    held.insert(record.order_number);
                }
                Outcome::Retry(reason) => {
                    // What got through before the failure is kept (else it is sent again, answered 409).
                    if let Err(e) = self.mark_delivered(&mut accepted).await {
                        return Pass::Retry(e);
                    }
                    return Pass::Retry(reason);
                }
                Outcome::ClockOff(skew) => {
                    if let Err(e) = self.mark_delivered(&mut accepted).await {
                        return Pass::Retry(e);
                    }
                    let ahead = skew.till_ahead_secs();
                    let reason = format!(
                        "the back office refuses the till's clock: {} s {} (allowed ±{} s): set the time",
                        ahead.unsigned_abs(),
                        if ahead >= 0 { "ahead" } else { "behind" },
                        skew.window
                    );
                    tracing::warn!(till_ahead_secs = ahead, window_secs = skew.window, "{reason}");
                    self.status.send_modify(|s| s.clock_ahead_secs = Some(ahead));
                    return Pass::Retry(reason);
                }
            }
        }
        if let Err(e) = self.mark_delivered(&mut accepted).await {
            return Pass::Retry(e);
        }
        if full && worked { Pass::More } else { Pass::Idle(self.parked.values().min().copied()) }
    }

    /// Marks the records the back office accepted as delivered, all in one flushed transaction,
    /// and counts them out of the status. On a store error none is marked: each is sent again
    /// later and the back office answers 409 (it has it), and it is marked then.
    async fn mark_delivered(&mut self, accepted: &mut Vec<OutboxRecord>) -> Result<(), String> {
        if accepted.is_empty() {
            return Ok(());
        }
        let records = std::mem::take(accepted);
        let seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
        self.blocking(move |s| s.outbox_mark_delivered_batch(&seqs)).await?;
        let (mut pending, mut failed) = (0, 0);
        for record in &records {
            self.parked.remove(&record.seq);
            match record.state {
                OutboxState::Pending => pending += 1,
                OutboxState::Failed => failed += 1,
            }
        }
        self.status.send_modify(|s| {
            s.pending = s.pending.saturating_sub(pending);
            s.failed = s.failed.saturating_sub(failed);
            s.last_error = None;
            s.clock_ahead_secs = None;
            s.last_success_at = Some(wall_clock());
        });
        Ok(())
    }
}

/// One signed POST of one record.
/// `unsynced` and the program's version go along for the office's devices page (not signed).
pub(super) async fn post(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    record: &OutboxRecord,
    unsynced: usize,
) -> Outcome {
    let timestamp = signing_clock_secs();
    let signer = sign::Signer { device_id: &config.device_id, key_id: &config.key_id, key: &config.key };
    let mut request = client.post(&config.url).header(reqwest::header::CONTENT_TYPE, "application/json");
    for (name, value) in signer.headers(timestamp, &record.key, &record.body) {
        request = request.header(name, value);
    }
    let request = request
        .header(sign::HEADER_VERSION, env!("CARGO_PKG_VERSION"))
        .header(sign::HEADER_UNSYNCED, unsynced.to_string());
    let sent = request.body(record.body.clone()).send().await;
    let answer = match sent {
        Ok(answer) => answer,
        Err(e) => return Outcome::Retry(describe(&e)),
    };
    let code = answer.status().as_u16();
    if answer.status().is_success() || code == 409 {
        return Outcome::Delivered;
    }
    if code == 408 || code == 429 || code >= 500 {
        return Outcome::Retry(format!("HTTP {code}"));
    }
    // Only the start of the body is shown: a refusal's body is read up to a cap, never to its end.
    let mut answer = answer;
    let mut body = Vec::new();
    while body.len() < REASON_BYTES {
        match answer.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body.truncate(REASON_BYTES);
    let text = String::from_utf8_lossy(&body);
    if code == 401
        && let Some(skew) = till_proto::ClockSkew::of_answer(&text)
    {
        return Outcome::ClockOff(skew);
    }
    let text: String = text.trim().chars().take(REASON_CHARS).collect();
    Outcome::Refused(if text.is_empty() { format!("HTTP {code}") } else { format!("HTTP {code}: {text}") })
}

/// A reqwest error with its causes ("error sending request …: connection refused").
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The wait after `failures` failures in a row: first, 2×, 4×, … up to the cap, plus up to a
/// quarter more at random so that tills cut off together do not all come back at once.
fn backoff(timing: Timing, failures: u32) -> Duration {
    let base = timing.backoff_first.saturating_mul(1u32 << failures.min(20)).min(timing.backoff_max);
    let mut bytes = [0u8; 4];
    let jitter = match getrandom::fill(&mut bytes) {
        Ok(()) => base.mul_f64(f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX) / 4.0),
        Err(_) => Duration::ZERO,
    };
    base + jitter
}

/// Test hook (the test harness only, as `TILL_TEST_AUTO_SIGN_IN=1`): `TILL_TEST_CLOCK_AHEAD_SECS=N`
/// signs requests as a till whose clock is N seconds ahead (negative: behind) of the true time.
pub const TEST_CLOCK_AHEAD_ENV: &str = "TILL_TEST_CLOCK_AHEAD_SECS";

/// The signature's timestamp: the till's wall clock, unix seconds.
pub(super) fn signing_clock_secs() -> i64 {
    let now = wall_clock().0 / 1000;
    let harness = std::env::var(crate::config::TEST_AUTO_SIGN_IN_ENV).is_ok_and(|v| v == "1");
    let ahead = harness.then(|| std::env::var(TEST_CLOCK_AHEAD_ENV).ok()?.parse::<i64>().ok()).flatten();
    now.saturating_add(ahead.unwrap_or(0))
}

fn wall_clock() -> Millis {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Millis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A back office that refuses with a 400 whose body never ends.
    async fn endless_refusal() -> std::net::SocketAddr {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let head = "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n";
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
            while socket.write_all(chunk.as_bytes()).await.is_ok() {}
        });
        addr
    }

    #[tokio::test]
    async fn a_refusal_body_is_read_only_up_to_a_cap() {
        let addr = endless_refusal().await;
        let mut config = BackofficeConfig::demo(&format!("http://{addr}"));
        config.timeout_ms = 600_000;
        let client = reqwest::Client::builder().timeout(Duration::from_secs(600)).build().expect("client");
        let record = OutboxRecord {
            seq: 1,
            key: "order:1".into(),
            kind: crate::store::OutboxKind::Order,
            order_number: "1".into(),
            body: "{}".into(),
            created_at: Millis(0),
            state: OutboxState::Pending,
            attempts: 0,
            last_error: None,
        };
        let outcome = tokio::time::timeout(Duration::from_secs(20), post(&client, &config, &record, 0))
            .await
            .expect("the refusal is read without waiting for the end of its body");
        let Outcome::Refused(reason) = outcome else { panic!("{outcome:?}") };
        assert!(reason.starts_with("HTTP 400: xxx") && reason.chars().count() < 300, "{reason}");
    }

    #[test]
    fn backoff_doubles_from_the_first_wait_up_to_the_cap_with_at_most_a_quarter_of_jitter() {
        let t = Timing::default();
        for (failures, secs) in [(0, 1), (1, 2), (2, 4), (8, 256), (9, 300), (40, 300)] {
            let d = backoff(t, failures);
            let base = Duration::from_secs(secs);
            assert!(d >= base && d <= base + base / 4, "{failures} failures: {d:?}");
        }
    }
}
