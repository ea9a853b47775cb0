//! A serial printer: the Pi's UART (`/dev/serial0`, `/dev/ttyS0`), a USB-serial adapter
//! (`/dev/ttyUSB0`) or a virtio port (`/dev/vport0p1`). Raw 8N1 at the configured baud, with
//! RTS/CTS or XON/XOFF flow control so a printer with a full buffer holds the till back instead
//! of losing bytes. The port stays open between receipts (closing a tty waits for its output to
//! drain, which a stuck printer never lets happen); after an error it is flushed and reopened.

use super::{Options, Printer, PrinterError, PrinterStatus, fdio, status, stopped};
use nix::sys::termios::{
    BaudRate, ControlFlags, FlushArg, InputFlags, SetArg, SpecialCharacterIndices, cfmakeraw, cfsetspeed, tcflush,
    tcgetattr, tcsetattr,
};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// The speeds receipt printers are set to (DIP switches or their self-test page says which).
pub const BAUD_RATES: [u32; 5] = [9600, 19200, 38400, 57600, 115200];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    /// No flow control: only safe when the printer's buffer outruns the baud rate.
    None,
    /// Hardware handshake on the RTS/CTS lines: what most serial receipt printers ship set to.
    #[default]
    RtsCts,
    /// Software handshake: the printer sends XOFF (`13`) when its buffer fills, XON (`11`) after.
    XonXoff,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerialSettings {
    pub path: PathBuf,
    #[serde(default = "default_baud")]
    pub baud: u32,
    #[serde(default)]
    pub flow: Flow,
}

fn default_baud() -> u32 {
    9600
}

fn baud_rate(baud: u32) -> Option<BaudRate> {
    Some(match baud {
        9600 => BaudRate::B9600,
        19200 => BaudRate::B19200,
        38400 => BaudRate::B38400,
        57600 => BaudRate::B57600,
        115200 => BaudRate::B115200,
        _ => return None,
    })
}

pub struct SerialPrinter {
    settings: SerialSettings,
    options: Options,
    port: Mutex<Option<File>>,
}

impl SerialPrinter {
    pub fn new(settings: SerialSettings, options: Options) -> SerialPrinter {
        SerialPrinter { settings, options, port: Mutex::new(None) }
    }

    fn device(&self) -> String {
        self.settings.path.display().to_string()
    }

    fn open(&self) -> Result<File, PrinterError> {
        open_port(&self.settings).map_err(|source| PrinterError::Open { device: self.device(), source })
    }

    /// Runs `f` on the open port; on an error the port is flushed and closed, to be reopened next time.
    fn with_port<T>(&self, f: impl FnOnce(&File) -> Result<T, PrinterError>) -> Result<T, PrinterError> {
        let mut port = self.port.lock().unwrap_or_else(PoisonError::into_inner);
        let file = match port.take() {
            Some(file) => file,
            None => self.open()?,
        };
        let result = f(&file);
        match &result {
            Ok(_) | Err(PrinterError::PaperOut { .. } | PrinterError::CoverOpen { .. }) => *port = Some(file),
            Err(_) => {
                let _ = tcflush(&file, FlushArg::TCIOFLUSH);
            }
        }
        result
    }

    fn ask(&self, file: &File) -> Result<PrinterStatus, PrinterError> {
        let _ = tcflush(file, FlushArg::TCIFLUSH);
        let deadline = Instant::now() + self.options.status_timeout;
        match status::ask(file.as_fd(), deadline) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(PrinterError::NoAnswer { device: self.device() }),
            Err(source) => Err(PrinterError::Write { device: self.device(), source }),
        }
    }
}

/// Opens a serial port non-blocking and sets it up (raw 8N1, the baud, the flow control): the
/// printer's, and the customer display's and the scale's (`devices::display`).
pub fn open_port(settings: &SerialSettings) -> std::io::Result<File> {
    let flags = nix::fcntl::OFlag::O_NONBLOCK.bits() | nix::fcntl::OFlag::O_NOCTTY.bits();
    let file = std::fs::OpenOptions::new().read(true).write(true).custom_flags(flags).open(&settings.path)?;
    configure(&file, settings)?;
    Ok(file)
}

/// Raw mode, 8N1, the baud rate and the flow control. VMIN = 1: with O_NONBLOCK an empty port
/// reads as EAGAIN (poll then waits); VMIN = 0 would read as 0 bytes, indistinguishable from EOF.
fn configure(file: &File, settings: &SerialSettings) -> Result<(), nix::Error> {
    let baud = baud_rate(settings.baud).ok_or(nix::Error::EINVAL)?;
    let mut t = tcgetattr(file)?;
    cfmakeraw(&mut t);
    cfsetspeed(&mut t, baud)?;
    t.control_flags &= !(ControlFlags::CSIZE | ControlFlags::PARENB | ControlFlags::CSTOPB | ControlFlags::CRTSCTS);
    t.control_flags |= ControlFlags::CS8 | ControlFlags::CREAD | ControlFlags::CLOCAL;
    t.input_flags &= !(InputFlags::IXON | InputFlags::IXOFF | InputFlags::IXANY);
    match settings.flow {
        Flow::None => {}
        Flow::RtsCts => t.control_flags |= ControlFlags::CRTSCTS,
        Flow::XonXoff => t.input_flags |= InputFlags::IXON | InputFlags::IXOFF,
    }
    t.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
    t.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
    tcsetattr(file, SetArg::TCSANOW, &t)
}

impl Printer for SerialPrinter {
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError> {
        self.with_port(|file| {
            if self.options.check_status {
                self.ask(file)?.ready(&self.device())?;
            }
            let deadline = Instant::now() + self.options.write_timeout;
            fdio::write_all(file.as_fd(), bytes, deadline).map_err(|stop| stopped(&self.device(), bytes.len(), stop))
        })
    }

    fn status(&self) -> Result<Option<PrinterStatus>, PrinterError> {
        self.with_port(|file| self.ask(file).map(Some))
    }

    fn describe(&self) -> String {
        format!("{} {} baud", self.device(), self.settings.baud)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_baud_rate_is_a_termios_speed() {
        assert!(BAUD_RATES.iter().all(|b| baud_rate(*b).is_some()));
        assert!(baud_rate(14400).is_none());
    }

    #[test]
    fn the_port_is_configured_raw_8n1_with_the_flow_control() {
        let pty = nix::pty::openpty(None, None).expect("openpty");
        let path = std::fs::read_link(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&pty.slave)))
            .expect("slave path");
        let settings = SerialSettings { path, baud: 19200, flow: Flow::XonXoff };
        let p = SerialPrinter::new(settings, Options::default());
        let file = p.open().expect("open");
        let t = tcgetattr(&file).expect("tcgetattr");
        assert_eq!(nix::sys::termios::cfgetospeed(&t), BaudRate::B19200);
        assert!(t.control_flags.contains(ControlFlags::CS8));
        assert!(!t.control_flags.intersects(ControlFlags::PARENB | ControlFlags::CSTOPB));
        assert!(t.input_flags.contains(InputFlags::IXON | InputFlags::IXOFF));
        assert!(!t.local_flags.contains(nix::sys::termios::LocalFlags::ICANON));
    }
}
