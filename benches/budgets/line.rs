//! The printer's end of a serial line, played on a pseudo-terminal: the till's real serial writer
//! opens the pty's slave as its port (termios raw, 9600 baud), and this end reads what it sends at
//! the pace of the wire (10 bits a byte), answering `DLE EOT` status questions as a printer does.
//!
//! What a pty models: the kernel's tty buffering and the writer's own behaviour (open, termios,
//! status round trip, write loop). What it does not: a pty ignores the baud rate, so the pace is
//! imposed here by reading no faster than the wire would carry; the pty's buffer (like a UART's
//! transmit buffer) then holds what the wire has not carried yet.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What reached the printer: when its first byte started on the wire and when the last one ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Traffic {
    pub first: Option<Instant>,
    pub last: Option<Instant>,
    pub bytes: usize,
}

pub struct PrinterLine {
    pub path: PathBuf,
    pub baud: u32,
    traffic: Arc<Mutex<Traffic>>,
    /// Kept open so the master never reads EIO between the writer's opens.
    _slave: OwnedFd,
}

impl PrinterLine {
    pub fn open(baud: u32) -> anyhow::Result<PrinterLine> {
        let pair = nix::pty::openpty(None, None)?;
        let path = std::fs::read_link(format!("/proc/self/fd/{}", pair.slave.as_raw_fd()))?;
        let master = File::from(pair.master);
        let (reader, writer) = (master.try_clone()?, master);
        let traffic = Arc::new(Mutex::new(Traffic::default()));
        let log = traffic.clone();
        let byte_time = Duration::from_secs_f64(10.0 / f64::from(baud));
        std::thread::spawn(move || play(reader, writer, byte_time, &log));
        Ok(PrinterLine { path, baud, traffic, _slave: pair.slave })
    }

    /// Forgets what was seen so far.
    pub fn reset(&self) {
        *self.traffic.lock().unwrap_or_else(|p| p.into_inner()) = Traffic::default();
    }

    pub fn traffic(&self) -> Traffic {
        *self.traffic.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The wire time of `bytes` bytes: 8N1 is 10 bits a byte.
    pub fn wire_time(&self, bytes: usize) -> Duration {
        Duration::from_secs_f64(bytes as f64 * 10.0 / f64::from(self.baud))
    }
}

/// Reads at most 16 bytes at a time, then waits until the wire has carried them; answers status.
fn play(mut reader: File, mut writer: File, byte_time: Duration, log: &Mutex<Traffic>) {
    let mut head = StatusHead::default();
    let mut free_at = Instant::now();
    let mut buf = [0u8; 16];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let start = Instant::now().max(free_at);
        free_at = start + byte_time * n as u32;
        {
            let mut t = log.lock().unwrap_or_else(|p| p.into_inner());
            t.first.get_or_insert(start);
            t.last = Some(free_at);
            t.bytes += n;
        }
        let answers: Vec<u8> = buf[..n].iter().filter_map(|b| head.feed(*b)).collect();
        std::thread::sleep(free_at.saturating_duration_since(Instant::now()));
        if !answers.is_empty() {
            // The answer takes the wire back too.
            std::thread::sleep(byte_time * answers.len() as u32);
            if writer.write_all(&answers).is_err() {
                return;
            }
        }
    }
}

/// A printer with paper, online: `DLE EOT n` is answered `0x12`.
#[derive(Default)]
struct StatusHead {
    state: u8,
}

impl StatusHead {
    fn feed(&mut self, b: u8) -> Option<u8> {
        match (self.state, b) {
            (0, 0x10) => self.state = 1,
            (1, 0x04) => self.state = 2,
            (2, _) => {
                self.state = 0;
                return Some(0x12);
            }
            _ => self.state = 0,
        }
        None
    }
}
