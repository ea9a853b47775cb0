//! A network printer's raw port (`host:9100`). One connection per receipt: such printers serve one
//! client at a time, and a held connection would lock out the office PC. The same connection
//! answers `DLE EOT` before the receipt is sent.

use super::{Options, Printer, PrinterError, PrinterStatus, fdio, status, stopped};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::os::fd::AsFd;
use std::time::Instant;

pub struct TcpPrinter {
    addr: String,
    options: Options,
}

impl TcpPrinter {
    /// `addr` is `host:port`; a bare host means port 9100.
    pub fn new(addr: &str, options: Options) -> TcpPrinter {
        let addr = if addr.contains(':') { addr.to_string() } else { format!("{addr}:9100") };
        TcpPrinter { addr, options }
    }

    fn connect(&self) -> Result<TcpStream, PrinterError> {
        let open_error = |source| PrinterError::Open { device: self.addr.clone(), source };
        let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "address resolves to nothing");
        for addr in self.addr.to_socket_addrs().map_err(open_error)? {
            match TcpStream::connect_timeout(&addr, self.options.connect_timeout) {
                Ok(stream) => {
                    stream.set_nodelay(true).map_err(open_error)?;
                    stream.set_nonblocking(true).map_err(open_error)?;
                    return Ok(stream);
                }
                Err(e) => last = e,
            }
        }
        Err(open_error(last))
    }

    fn ask(&self, stream: &TcpStream) -> Result<PrinterStatus, PrinterError> {
        let deadline = Instant::now() + self.options.status_timeout;
        match status::ask(stream.as_fd(), deadline) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(PrinterError::NoAnswer { device: self.addr.clone() }),
            Err(source) => Err(PrinterError::Write { device: self.addr.clone(), source }),
        }
    }
}

impl Printer for TcpPrinter {
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError> {
        let stream = self.connect()?;
        if self.options.check_status {
            self.ask(&stream)?.ready(&self.addr)?;
        }
        let deadline = Instant::now() + self.options.write_timeout;
        fdio::write_all(stream.as_fd(), bytes, deadline).map_err(|stop| stopped(&self.addr, bytes.len(), stop))?;
        // Unread input at close would reset the connection and could lose the receipt's tail.
        let _ = stream.shutdown(Shutdown::Write);
        fdio::drain(stream.as_fd());
        Ok(())
    }

    fn status(&self) -> Result<Option<PrinterStatus>, PrinterError> {
        let stream = self.connect()?;
        let status = self.ask(&stream);
        let _ = stream.shutdown(Shutdown::Both);
        status.map(Some)
    }

    fn describe(&self) -> String {
        format!("tcp {}", self.addr)
    }
}
