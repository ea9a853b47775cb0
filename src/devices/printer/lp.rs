//! A printer character device: the USB printer class (`/dev/usb/lp0`), or any path written like
//! one. usblp hands back what a bidirectional printer sends, so status is asked on the same fd;
//! a printer that never answers (unidirectional) is printed to anyway.

use super::{Options, Printer, PrinterError, PrinterStatus, fdio, status, stopped};
use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct DevicePrinter {
    path: PathBuf,
    options: Options,
}

impl DevicePrinter {
    pub fn new(path: &Path, options: Options) -> DevicePrinter {
        DevicePrinter { path: path.to_path_buf(), options }
    }

    fn device(&self) -> String {
        self.path.display().to_string()
    }

    /// Read-write where allowed (for status), else write-only. Never creates a file under `/dev`:
    /// an unplugged printer must be an error, not a regular file named lp0.
    fn open(&self) -> Result<(File, bool), PrinterError> {
        let flags = nix::fcntl::OFlag::O_NONBLOCK.bits() | nix::fcntl::OFlag::O_NOCTTY.bits();
        let create = !self.path.starts_with("/dev");
        let attempt = |read: bool| {
            std::fs::OpenOptions::new().read(read).append(true).create(create).custom_flags(flags).open(&self.path)
        };
        let file = match attempt(true) {
            Ok(f) => f,
            Err(_) => attempt(false).map_err(|source| PrinterError::Open { device: self.device(), source })?,
        };
        let is_device = file.metadata().is_ok_and(|m| m.file_type().is_char_device());
        Ok((file, is_device))
    }

    fn ask(&self, file: &File) -> Option<PrinterStatus> {
        let deadline = Instant::now() + self.options.status_timeout;
        status::ask(file.as_fd(), deadline).ok().flatten()
    }
}

impl Printer for DevicePrinter {
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError> {
        let (file, is_device) = self.open()?;
        if is_device {
            match self.ask(&file) {
                Some(s) => s.ready(&self.device())?,
                None => tracing::debug!(device = self.device(), "no status answer: printing anyway"),
            }
        }
        let deadline = Instant::now() + self.options.write_timeout;
        fdio::write_all(file.as_fd(), bytes, deadline).map_err(|stop| stopped(&self.device(), bytes.len(), stop))
    }

    fn status(&self) -> Result<Option<PrinterStatus>, PrinterError> {
        let (file, is_device) = self.open()?;
        Ok(if is_device { self.ask(&file) } else { None })
    }

    fn describe(&self) -> String {
        self.device()
    }
}
