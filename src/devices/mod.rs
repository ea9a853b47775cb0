//! The till's devices behind small traits: the real ones talk to the kernel, the fakes record.

pub mod fake;
pub mod keymap;
pub mod printer;
pub mod scanner;
pub mod sound;
pub mod wedge;

pub use printer::{FilePrinter, Printer, PrinterError};
pub use scanner::{LineScanner, Scanner, ScriptedScanner};
pub use sound::{Buzzer, LogSpeaker, NoBuzzer, Speaker, TerminalBell};
