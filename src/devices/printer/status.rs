//! Real-time status: `DLE EOT n` (`10 04 n`) and the printer's one-byte answers, per the ESC/POS
//! command reference. Every answer has the form `0xx1xx10`: bits 1 and 4 set, bits 0 and 7 clear.

use super::PrinterError;
use super::fdio::{self, Stop};
use std::os::fd::BorrowedFd;
use std::time::Instant;

/// `DLE EOT 1`: printer status (bit 3: offline).
pub const ASK_PRINTER: [u8; 3] = [0x10, 0x04, 1];
/// `DLE EOT 2`: offline cause (bit 2: cover open, bit 5: stopped by paper end, bit 6: error).
pub const ASK_OFFLINE_CAUSE: [u8; 3] = [0x10, 0x04, 2];
/// `DLE EOT 4`: roll paper sensor (bits 2-3: near end, bits 5-6: paper not present).
pub const ASK_PAPER: [u8; 3] = [0x10, 0x04, 4];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PrinterStatus {
    pub online: bool,
    pub cover_open: bool,
    pub paper_out: bool,
    /// Still prints; the cashier should put a roll ready.
    pub paper_near_end: bool,
    /// Cutter jam, head too hot, or another error the printer stopped for.
    pub error: bool,
}

impl PrinterStatus {
    /// True for a byte shaped like a status answer (`0xx1xx10`); anything else is noise.
    pub fn is_answer(byte: u8) -> bool {
        byte & 0x93 == 0x12
    }

    /// From the answers to `DLE EOT 1`, `2` and `4`.
    pub fn from_dle_eot(printer: u8, offline_cause: u8, paper: u8) -> PrinterStatus {
        PrinterStatus {
            online: printer & 0x08 == 0,
            cover_open: offline_cause & 0x04 != 0,
            paper_out: offline_cause & 0x20 != 0 || paper & 0x60 != 0,
            paper_near_end: paper & 0x0C != 0,
            error: offline_cause & 0x40 != 0,
        }
    }

    /// Whether a receipt can be printed now; the most specific reason first.
    pub fn ready(&self, device: &str) -> Result<(), PrinterError> {
        let device = device.to_string();
        if self.cover_open {
            Err(PrinterError::CoverOpen { device })
        } else if self.paper_out {
            Err(PrinterError::PaperOut { device })
        } else if self.error || !self.online {
            Err(PrinterError::Offline { device })
        } else {
            Ok(())
        }
    }
}

impl std::fmt::Display for PrinterStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = vec![if self.online { "online" } else { "offline" }];
        if self.cover_open {
            parts.push("cover open");
        }
        if self.paper_out {
            parts.push("paper out");
        } else if self.paper_near_end {
            parts.push("paper near end");
        }
        if self.error {
            parts.push("error");
        }
        f.write_str(&parts.join(", "))
    }
}

/// Asks `DLE EOT 1, 2, 4` one after another; `Ok(None)` if the printer does not answer in time.
pub(crate) fn ask(fd: BorrowedFd<'_>, deadline: Instant) -> Result<Option<PrinterStatus>, std::io::Error> {
    fdio::drain(fd);
    let mut answers = [0u8; 3];
    for (question, answer) in [ASK_PRINTER, ASK_OFFLINE_CAUSE, ASK_PAPER].iter().zip(answers.iter_mut()) {
        match fdio::write_all(fd, question, deadline) {
            Ok(()) => {}
            Err(Stop::Timeout { .. }) => return Ok(None),
            Err(Stop::Io(e)) => return Err(e),
        }
        match fdio::read_byte(fd, deadline, PrinterStatus::is_answer)? {
            Some(b) => *answer = b,
            None => return Ok(None),
        }
    }
    Ok(Some(PrinterStatus::from_dle_eot(answers[0], answers[1], answers[2])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_decode_per_the_command_reference() {
        let fine = PrinterStatus::from_dle_eot(0x12, 0x12, 0x12);
        assert_eq!(fine, PrinterStatus { online: true, ..PrinterStatus::default() });
        assert!(fine.ready("p").is_ok());
        // Out of paper: offline (bit 3), stopped by paper end (bit 5), sensors near end and end.
        let out = PrinterStatus::from_dle_eot(0x1A, 0x32, 0x7E);
        assert!(!out.online && out.paper_out && out.paper_near_end && !out.cover_open);
        assert!(matches!(out.ready("p"), Err(PrinterError::PaperOut { .. })));
        let cover = PrinterStatus::from_dle_eot(0x1A, 0x16, 0x12);
        assert!(matches!(cover.ready("p"), Err(PrinterError::CoverOpen { .. })));
        let near = PrinterStatus::from_dle_eot(0x12, 0x12, 0x1E);
        assert!(near.paper_near_end && near.ready("p").is_ok());
        let jam = PrinterStatus::from_dle_eot(0x1A, 0x52, 0x12);
        assert!(matches!(jam.ready("p"), Err(PrinterError::Offline { .. })));
        assert_eq!(out.to_string(), "offline, paper out");
    }

    #[test]
    fn only_answer_shaped_bytes_count() {
        assert!(PrinterStatus::is_answer(0x12) && PrinterStatus::is_answer(0x7E));
        // XON/XOFF and other noise never pass for a status answer.
        for b in [0x00, 0x11, 0x13, 0x0A, 0x92, 0xFF] {
            assert!(!PrinterStatus::is_answer(b), "{b:#04x}");
        }
    }
}
