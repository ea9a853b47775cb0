//! The till's devices behind small traits: the real ones talk to the kernel, the fakes record.

pub mod buzzer;
pub mod fake;
pub mod printer;
pub mod scanner;
pub mod sound;
pub mod voice;

pub use buzzer::{BuzzerConfig, PinBuzzer};
pub use printer::{FilePrinter, Printer, PrinterError};
pub use scanner::{LineScanner, Scanner, ScriptedScanner};
pub use sound::{Buzzer, LogSpeaker, NoBuzzer, Speaker, TerminalBell};
pub use voice::{EspeakSpeaker, VoiceConfig};
