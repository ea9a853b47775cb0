//! What the till knows about a printer model: paper width, text encoding and whether it can cut.

use serde::{Deserialize, Serialize};

/// How text bytes are sent to the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextEncoding {
    /// Chinese-market printers: ASCII as single bytes, hanzi as GB18030 multi-byte sequences.
    Gb18030,
    /// Printers with a UTF-8 font.
    Utf8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterProfile {
    /// Shown in settings, e.g. `58mm`.
    pub name: String,
    /// Printable dots across the paper; barcodes and QR codes are sized to fit it.
    pub dots_per_line: u16,
    /// Normal-size ASCII characters per line (a hanzi takes two).
    pub columns: usize,
    pub encoding: TextEncoding,
    /// Switch the printer into Chinese character mode (FS &) at init, so GB18030 bytes print as hanzi.
    pub chinese_mode: bool,
    /// Has an auto-cutter. Without one the receipt is fed past the tear bar instead.
    pub cut: bool,
}

impl PrinterProfile {
    /// The common cheap 58 mm printer: 384 dots, 32 columns of 12×24 font A. Most have no cutter.
    pub fn mm58() -> PrinterProfile {
        PrinterProfile {
            name: "58mm".into(),
            dots_per_line: 384,
            columns: 32,
            encoding: TextEncoding::Gb18030,
            chinese_mode: true,
            cut: false,
        }
    }

    /// The 80 mm counter printer: 576 dots, 48 columns, with an auto-cutter.
    pub fn mm80() -> PrinterProfile {
        PrinterProfile {
            name: "80mm".into(),
            dots_per_line: 576,
            columns: 48,
            encoding: TextEncoding::Gb18030,
            chinese_mode: true,
            cut: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_match_their_paper() {
        let p58 = PrinterProfile::mm58();
        assert_eq!((p58.dots_per_line, p58.columns, p58.cut), (384, 32, false));
        let p80 = PrinterProfile::mm80();
        assert_eq!((p80.dots_per_line, p80.columns, p80.cut), (576, 48, true));
        assert_eq!(p80.encoding, TextEncoding::Gb18030);
    }

    #[test]
    fn profile_survives_a_config_round_trip() {
        let p = PrinterProfile::mm58();
        let json = serde_json::to_string(&p).expect("serialize");
        let back: PrinterProfile = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, p);
        assert!(serde_json::from_str::<PrinterProfile>(&json.replace("\"cut\"", "\"knife\"")).is_err());
    }
}
