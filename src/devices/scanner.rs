//! Barcode scanners: each delivers whole codes as `Msg::Scan`.
//!
//! `LineScanner` reads a scanner in its serial mode (USB CDC-ACM "virtual COM port", e.g.
//! `/dev/ttyACM0`), which sends each code followed by CR or LF. The keyboard-wedge (HID) mode is
//! read through evdev (issue 4); in the demo the terminal keyboard plays the scanner.

use crate::core::Msg;
use crate::core::code::MAX_CODE_LEN;
use std::io::Read;
use tokio::sync::mpsc::UnboundedSender;

pub trait Scanner: Send + 'static {
    /// Delivers each whole code as `Msg::Scan` until the device ends or the till stops listening.
    fn run(self: Box<Self>, codes: UnboundedSender<Msg>);
}

/// A scanner that ends each code with CR and/or LF on a byte stream.
pub struct LineScanner<R: Read + Send + 'static> {
    reader: R,
    name: String,
}

impl<R: Read + Send + 'static> LineScanner<R> {
    pub fn new(reader: R, name: &str) -> LineScanner<R> {
        LineScanner { reader, name: name.to_string() }
    }
}

impl<R: Read + Send + 'static> Scanner for LineScanner<R> {
    fn run(mut self: Box<Self>, codes: UnboundedSender<Msg>) {
        let mut code: Vec<u8> = Vec::new();
        let mut overlong = false;
        let mut buf = [0u8; 256];
        loop {
            let n = match self.reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    tracing::error!(scanner = %self.name, error = %e, "scanner read failed");
                    break;
                }
            };
            for &b in &buf[..n] {
                if b == b'\r' || b == b'\n' {
                    if overlong {
                        // Bounded memory: the over-long code was dropped as it came; say so once.
                        tracing::warn!(scanner = %self.name, limit = MAX_CODE_LEN, "code longer than the limit dropped");
                        let _ = codes.send(Msg::Scan(String::from("\u{fffd}")));
                    } else if !code.is_empty() {
                        let text = String::from_utf8_lossy(&code).into_owned();
                        if codes.send(Msg::Scan(text)).is_err() {
                            return;
                        }
                    }
                    code.clear();
                    overlong = false;
                } else if code.len() < MAX_CODE_LEN {
                    code.push(b);
                } else {
                    overlong = true;
                }
            }
        }
        tracing::warn!(scanner = %self.name, "scanner closed");
    }
}

/// A fake scanner for tests: scans the given codes, in order.
pub struct ScriptedScanner(pub Vec<String>);

impl Scanner for ScriptedScanner {
    fn run(self: Box<Self>, codes: UnboundedSender<Msg>) {
        for c in self.0 {
            if codes.send(Msg::Scan(c)).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_codes_ended_by_cr_or_lf_from_a_real_socket_and_bounds_their_length() {
        let (mut tx, rx) = std::os::unix::net::UnixStream::pair().expect("socketpair");
        let (codes, mut out) = tokio::sync::mpsc::unbounded_channel();
        let reader = std::thread::spawn(move || Box::new(LineScanner::new(rx, "test")).run(codes));
        tx.write_all(b"6900138600889\r\n134680423163089456\r").expect("write");
        tx.write_all(&vec![b'9'; MAX_CODE_LEN + 10]).expect("write");
        tx.write_all(b"\n\xff\xfeX\n").expect("write");
        drop(tx);
        reader.join().expect("reader ends with the stream");
        let mut got = Vec::new();
        while let Ok(Msg::Scan(c)) = out.try_recv() {
            got.push(c);
        }
        assert_eq!(got, vec!["6900138600889", "134680423163089456", "\u{fffd}", "\u{fffd}\u{fffd}X"]);
    }
}
