//! The till's devices behind small traits: the real ones talk to the kernel, the fakes record.

pub mod fake;
pub mod printer;
pub mod scanner;
pub mod sound;

pub use printer::{
    DevicePrinter, FilePrinter, Flow, Printer, PrinterError, PrinterStatus, SerialPrinter, SerialSettings, TcpPrinter,
    Transport,
};
pub use scanner::{LineScanner, Scanner, ScriptedScanner};
pub use sound::{Buzzer, LogSpeaker, NoBuzzer, Speaker, TerminalBell};
