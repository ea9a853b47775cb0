//! Receipts appended to a file: the demo's printer, and tests.

use super::{Printer, PrinterError};
use std::io::Write;
use std::path::{Path, PathBuf};

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
        let device = || self.path.display().to_string();
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|source| PrinterError::Open { device: device(), source })?;
        f.write_all(bytes).and_then(|()| f.flush()).map_err(|source| PrinterError::Write { device: device(), source })
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
