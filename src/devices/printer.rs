//! Receipt printers. The bytes are ESC/POS already; a printer only moves them.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    /// The printer device or file cannot be opened (unplugged, no permission, wrong path).
    /// Cashier sees: "Printer not available: …"; the receipt can be reprinted.
    #[error("printer {path} not available: {source}")]
    Open { path: PathBuf, source: std::io::Error },
    /// Writing stopped part-way (cable pulled, paper jam on a device that blocks).
    #[error("printing to {path} failed: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

pub trait Printer: Send + Sync {
    /// Sends one whole receipt; returns when the bytes are handed to the device.
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError>;
    /// What the status bar shows: where receipts go.
    fn describe(&self) -> String;
}

/// Appends receipts to a file or writes them to a character device such as `/dev/usb/lp0`.
pub struct FilePrinter {
    path: PathBuf,
}

impl FilePrinter {
    pub fn new(path: &Path) -> FilePrinter {
        FilePrinter { path: path.to_path_buf() }
    }
}

impl Printer for FilePrinter {
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|source| PrinterError::Open { path: self.path.clone(), source })?;
        f.write_all(bytes)
            .and_then(|()| f.flush())
            .map_err(|source| PrinterError::Write { path: self.path.clone(), source })
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_whole_receipts_and_reports_a_missing_device() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = FilePrinter::new(&dir.path().join("r.bin"));
        p.print(b"\x1b@one").expect("print");
        p.print(b"\x1b@two").expect("print");
        assert_eq!(std::fs::read(dir.path().join("r.bin")).expect("read"), b"\x1b@one\x1b@two");
        let missing = FilePrinter::new(Path::new("/nonexistent-dir/lp0"));
        assert!(matches!(missing.print(b"x"), Err(PrinterError::Open { .. })));
    }
}
