//! Receipt printers. The bytes are ESC/POS already; a printer only moves them, over one of the
//! transports below, and (where the transport reads back) asks `DLE EOT` first so a receipt is not
//! sent into a printer that is out of paper.
//!
//! Every printer opens its device when it prints, not when the till starts: the till starts with
//! the printer unplugged, and a receipt it could not print waits in the print queue.

pub(crate) mod fdio;
mod file;
mod lp;
mod serial;
mod status;
mod tcp;

pub use file::FilePrinter;
pub use lp::DevicePrinter;
pub use serial::{BAUD_RATES, Flow, SerialPrinter, SerialSettings, open_port};
pub use status::{ASK_OFFLINE_CAUSE, ASK_PAPER, ASK_PRINTER, PrinterStatus};
pub use tcp::TcpPrinter;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    /// The printer device or file cannot be opened, or the network printer refuses the connection
    /// (unplugged, switched off, no permission, wrong path or address).
    /// Cashier sees: "printer … not available: …"; the receipt waits in the queue.
    #[error("printer {device} not available: {source}")]
    Open { device: String, source: std::io::Error },
    /// Writing stopped part-way (cable pulled, connection reset).
    #[error("printing to {device} failed: {source}")]
    Write { device: String, source: std::io::Error },
    /// The printer stopped taking data (flow control held, buffer full, network printer hung).
    #[error("printer {device} stopped taking data ({sent} of {total} bytes sent)")]
    Timeout { device: String, sent: usize, total: usize },
    /// The status answer says the paper roll is empty.
    #[error("printer {device} is out of paper")]
    PaperOut { device: String },
    /// The status answer says the cover is open.
    #[error("printer {device} cover is open")]
    CoverOpen { device: String },
    /// The status answer says offline or error (cutter jam, head too hot).
    #[error("printer {device} is offline or in error")]
    Offline { device: String },
    /// Status checking is on and the printer did not answer `DLE EOT` (switched off, cable loose).
    #[error("printer {device} does not answer (switched off?)")]
    NoAnswer { device: String },
}

impl PrinterError {
    /// What the cashier is told when a receipt fails with this error (the error itself is logged).
    pub fn print_failure(&self) -> crate::core::PrintFailure {
        use crate::core::PrintFailure as K;
        match self {
            PrinterError::Open { .. } => K::NotAvailable,
            PrinterError::Write { .. } => K::Interrupted,
            PrinterError::Timeout { .. } => K::Stuck,
            PrinterError::PaperOut { .. } => K::PaperOut,
            PrinterError::CoverOpen { .. } => K::CoverOpen,
            PrinterError::Offline { .. } => K::Offline,
            PrinterError::NoAnswer { .. } => K::NoAnswer,
        }
    }
}

pub trait Printer: Send + Sync {
    /// Sends one whole receipt; returns when the bytes are handed to the device.
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError>;
    /// The printer's real-time status, where the transport reads back; `Ok(None)` where it cannot.
    fn status(&self) -> Result<Option<PrinterStatus>, PrinterError> {
        Ok(None)
    }
    /// What the status bar shows: where receipts go.
    fn describe(&self) -> String;
}

/// Where receipts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Appended to a file (demo, tests).
    File(PathBuf),
    /// A character device such as `/dev/usb/lp0`: written, and asked for status if it reads back.
    Device(PathBuf),
    /// A UART, USB-serial adapter or virtio port, set up with termios.
    Serial(SerialSettings),
    /// A network printer's raw port, `host:9100`.
    Tcp(String),
}

/// How long a printer may take; whether to ask status before each receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// For one whole receipt, from the first byte to the last.
    pub write_timeout: Duration,
    /// TCP connect.
    pub connect_timeout: Duration,
    /// For the three `DLE EOT` answers together.
    pub status_timeout: Duration,
    /// Serial and TCP: ask `DLE EOT` before each receipt and refuse to print on paper out, cover
    /// open, offline or no answer. Devices (`/dev/usb/lp0`) are asked regardless, best effort.
    pub check_status: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            write_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(3),
            status_timeout: Duration::from_secs(1),
            check_status: true,
        }
    }
}

/// The printer for `transport`. Nothing is opened yet.
pub fn open(transport: &Transport, options: Options) -> Arc<dyn Printer> {
    match transport {
        Transport::File(path) => Arc::new(FilePrinter::new(path)),
        Transport::Device(path) => Arc::new(DevicePrinter::new(path, options)),
        Transport::Serial(settings) => Arc::new(SerialPrinter::new(settings.clone(), options)),
        Transport::Tcp(addr) => Arc::new(TcpPrinter::new(addr, options)),
    }
}

/// The error for a write that stopped.
fn stopped(device: &str, total: usize, stop: fdio::Stop) -> PrinterError {
    match stop {
        fdio::Stop::Timeout { sent } => PrinterError::Timeout { device: device.to_string(), sent, total },
        fdio::Stop::Io(source) => PrinterError::Write { device: device.to_string(), source },
    }
}
