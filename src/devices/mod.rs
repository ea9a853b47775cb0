//! The till's devices behind small traits: the real ones talk to the kernel, the fakes record.

pub mod buzzer;
pub mod display;
pub mod evdev_scanner;
pub mod fake;
pub mod keymap;
pub mod printer;
pub mod scale;
pub mod scanner;
pub mod sound;
pub mod voice;
pub mod wedge;

pub use buzzer::{BuzzerConfig, PinBuzzer};
pub use evdev_scanner::{
    EvdevScanner, InputDeviceInfo, ScannerConfig, ScannerError, ScannerStatus, list_input_devices,
};
pub use printer::{
    DevicePrinter, FilePrinter, Flow, Printer, PrinterError, PrinterStatus, SerialPrinter, SerialSettings, TcpPrinter,
    Transport,
};
pub use scanner::{LineScanner, Scanner, ScriptedScanner};
pub use sound::{Buzzer, LogSpeaker, NoBuzzer, Speaker, TerminalBell};
pub use voice::{EspeakSpeaker, VoiceConfig};

use crate::core::WifiFailure;

/// Joins the Wi-Fi network of a scanned `WIFI:` code, keeping the previous one if that fails.
/// Blocking: it runs off the UI. Returns the network's name.
pub trait Wifi: Send + Sync {
    fn join(&self, code: &str) -> Result<String, WifiFailure>;
}

/// For boxes without Wi-Fi (and the demo): every code is refused with the reason.
pub struct NoWifi;

impl Wifi for NoWifi {
    fn join(&self, _code: &str) -> Result<String, WifiFailure> {
        Err(WifiFailure::NotConfigured)
    }
}
