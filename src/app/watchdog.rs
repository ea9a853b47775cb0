//! systemd's service notifications, sent straight to `$NOTIFY_SOCKET` (a datagram per message,
//! as sd_notify(3) does): `READY=1` once the first screen is drawn, then `WATCHDOG=1` from the
//! main loop at half the `WatchdogSec=` interval, so a hung loop gets the till restarted.
//! Without `NOTIFY_SOCKET` (not started by systemd) nothing is sent.

use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct Notifier {
    socket: UnixDatagram,
    target: Target,
    /// Half of `WATCHDOG_USEC`; none when the unit has no watchdog.
    every: Option<Duration>,
    last: Option<Instant>,
    ready: bool,
}

enum Target {
    Path(PathBuf),
    /// `@name`: Linux's abstract namespace.
    Abstract(Vec<u8>),
}

impl Notifier {
    /// From systemd's environment; none when the till was not started by a notify-aware manager.
    pub fn from_env() -> Option<Notifier> {
        let socket = std::env::var_os("NOTIFY_SOCKET")?;
        let watchdog_usec = std::env::var("WATCHDOG_USEC").ok();
        let watchdog_pid = std::env::var("WATCHDOG_PID").ok();
        Notifier::new(socket.as_encoded_bytes(), watchdog_usec.as_deref(), watchdog_pid.as_deref(), std::process::id())
    }

    fn new(socket: &[u8], watchdog_usec: Option<&str>, watchdog_pid: Option<&str>, pid: u32) -> Option<Notifier> {
        let target = match socket.split_first() {
            Some((b'@', name)) => Target::Abstract(name.to_vec()),
            Some((b'/', _)) => Target::Path(PathBuf::from(String::from_utf8_lossy(socket).into_owned())),
            _ => return None,
        };
        // WATCHDOG_PID names the process meant to ping; another one (a child) must not.
        let ours = watchdog_pid.is_none_or(|p| p.trim().parse() == Ok(pid));
        let every = watchdog_usec
            .and_then(|u| u.trim().parse::<u64>().ok())
            .filter(|&u| u > 0 && ours)
            .map(|u| Duration::from_micros(u / 2));
        let socket = UnixDatagram::unbound().ok()?;
        Some(Notifier { socket, target, every, last: None, ready: false })
    }

    /// Tells systemd the till is up (Type=notify); only the first call sends.
    pub fn ready_once(&mut self) {
        if !self.ready {
            self.send(b"READY=1");
            self.ready = true;
        }
    }

    /// Called on every pass of the main loop; pings the watchdog when half its interval has passed.
    pub fn alive(&mut self, now: Instant) {
        let Some(every) = self.every else { return };
        if self.last.is_none_or(|last| now.duration_since(last) >= every) {
            self.send(b"WATCHDOG=1");
            self.last = Some(now);
        }
    }

    fn send(&self, message: &[u8]) {
        let sent = match &self.target {
            Target::Path(path) => self.socket.send_to(message, path),
            Target::Abstract(name) => {
                use std::os::linux::net::SocketAddrExt;
                std::os::unix::net::SocketAddr::from_abstract_name(name)
                    .and_then(|addr| self.socket.send_to_addr(message, &addr))
            }
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "systemd notification not sent");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pings_at_half_the_watchdog_interval_and_says_ready() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notify");
        let systemd = UnixDatagram::bind(&path).expect("bind");
        systemd.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let mut n = Notifier::new(path.as_os_str().as_encoded_bytes(), Some("4000000"), None, 7).expect("notifier");
        let recv = || {
            let mut buf = [0u8; 64];
            let len = systemd.recv(&mut buf).expect("datagram");
            String::from_utf8_lossy(&buf[..len]).into_owned()
        };
        n.ready_once();
        assert_eq!(recv(), "READY=1");
        n.ready_once();
        let t0 = Instant::now();
        n.alive(t0);
        assert_eq!(recv(), "WATCHDOG=1");
        n.alive(t0 + Duration::from_secs(1)); // too soon: nothing sent
        n.alive(t0 + Duration::from_secs(2));
        assert_eq!(recv(), "WATCHDOG=1", "the next datagram is the ping at 2 s, none at 1 s");
    }

    #[test]
    fn no_watchdog_without_its_interval_or_for_another_pid_and_no_notifier_without_a_socket() {
        assert!(Notifier::new(b"", Some("1000"), None, 7).is_none());
        assert!(Notifier::new(b"relative", Some("1000"), None, 7).is_none());
        let n = Notifier::new(b"/run/systemd/notify", None, None, 7).expect("notifier");
        assert!(n.every.is_none());
        let n = Notifier::new(b"/run/systemd/notify", Some("1000"), Some("8"), 7).expect("notifier");
        assert!(n.every.is_none(), "WATCHDOG_PID names another process");
        let n = Notifier::new(b"@abstract", Some("1000"), Some("7"), 7).expect("notifier");
        assert_eq!(n.every, Some(Duration::from_micros(500)));
    }
}
