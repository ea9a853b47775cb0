//! The buzzer and the voice. Both are best-effort: a silent till still sells.

use crate::core::Beep;

pub trait Buzzer: Send + Sync {
    fn beep(&self, kind: Beep);
}

pub trait Speaker: Send + Sync {
    /// Speaks a whole announcement such as "微信支付收款成功 12.50元".
    fn say(&self, text: &str);
}

/// For boxes without a buzzer.
pub struct NoBuzzer;

impl Buzzer for NoBuzzer {
    fn beep(&self, kind: Beep) {
        tracing::debug!(?kind, "beep (no buzzer fitted)");
    }
}

/// The demo's buzzer: the terminal bell on the controlling terminal, errors twice.
pub struct TerminalBell;

impl Buzzer for TerminalBell {
    fn beep(&self, kind: Beep) {
        use std::io::Write;
        let rings: &[u8] = match kind {
            Beep::Accepted | Beep::Success => b"\x07",
            Beep::Error | Beep::Failure => b"\x07\x07",
        };
        if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
            let _ = tty.write_all(rings);
        }
    }
}

/// Writes announcements to the log (the screen shows them as a banner).
pub struct LogSpeaker;

impl Speaker for LogSpeaker {
    fn say(&self, text: &str) {
        tracing::info!(announcement = text, "voice");
    }
}
