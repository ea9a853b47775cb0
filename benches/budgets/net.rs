//! Loopback networking for the payment figures: a relay in front of the simulator that times the
//! simulator's part of each exchange, and the loopback HTTP round trip the till-side overhead is
//! compared with.

use crate::table::Samples;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Relays connections to the simulator and adds up, per request, the time from the request's last
/// byte leaving the relay to the answer's first byte reaching it: the simulator's time (its work
/// and the loopback hop behind the relay). Everything else of a payment is the till's.
pub struct Proxy {
    addr: SocketAddr,
    sim_ns: Arc<AtomicU64>,
}

/// One connection's half-exchange: when the request's last byte went to the simulator, while no
/// answer has come yet.
type Pending = Arc<Mutex<Option<Instant>>>;

impl Proxy {
    pub async fn start(target: SocketAddr) -> anyhow::Result<Proxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let sim_ns = Arc::new(AtomicU64::new(0));
        let total = sim_ns.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(target).await else { continue };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let pending: Pending = Arc::new(Mutex::new(None));
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::spawn(relay(cr, sw, pending.clone(), None));
                tokio::spawn(relay(sr, cw, pending, Some(total.clone())));
            }
        });
        Ok(Proxy { addr, sim_ns })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The simulator's time since the last call.
    pub fn take_sim_time(&self) -> Duration {
        Duration::from_nanos(self.sim_ns.swap(0, Ordering::SeqCst))
    }
}

/// Copies one direction. Requests (`answers` None) mark when their bytes went out; answers
/// (`answers` Some) close the pending exchange on their first bytes.
async fn relay(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    pending: Pending,
    answers: Option<Arc<AtomicU64>>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let now = Instant::now();
        if let Some(total) = &answers
            && let Some(sent) = pending.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            total.fetch_add(now.duration_since(sent).as_nanos() as u64, Ordering::SeqCst);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        if answers.is_none() {
            *pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        }
    }
    let _ = to.shutdown().await;
}

/// The loopback HTTP round trip: the till's HTTP client (reqwest) POSTs a small body to a server
/// that answers at once, over a kept-alive connection, `n` times after a warm-up.
pub async fn http_round_trip(n: usize) -> anyhow::Result<Samples> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = s.set_nodelay(true);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(read) = s.read(&mut chunk).await else { return };
                    if read == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..read]);
                    // One request: headers, then a body of content-length bytes.
                    while let Some(end) = find(&buf, b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if buf.len() < end + 4 + len {
                            break;
                        }
                        buf.drain(..end + 4 + len);
                        let answer = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok";
                        if s.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?;
    let url = format!("http://{addr}/ping");
    let body = "x".repeat(600);
    let mut samples = Samples::default();
    for i in 0..n + 20 {
        let t = Instant::now();
        let answer = client.post(&url).body(body.clone()).send().await?;
        answer.bytes().await?;
        if i >= 20 {
            samples.push(t.elapsed());
        }
    }
    Ok(samples)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
