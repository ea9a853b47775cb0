//! The till's devices behind small traits: the real ones talk to the kernel, the fakes record.

pub mod evdev_scanner;
pub mod fake;
pub mod keymap;
pub mod printer;
pub mod scanner;
pub mod sound;
pub mod wedge;

pub use evdev_scanner::{
    EvdevScanner, InputDeviceInfo, ScannerConfig, ScannerError, ScannerStatus, list_input_devices,
};
pub use printer::{FilePrinter, Printer, PrinterError};
pub use scanner::{LineScanner, Scanner, ScriptedScanner};
pub use sound::{Buzzer, LogSpeaker, NoBuzzer, Speaker, TerminalBell};
