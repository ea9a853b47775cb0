//! What the till knows about a printer model: paper width, text encoding and whether it can cut.

use serde::{Deserialize, Serialize};

/// How text bytes are sent to the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextEncoding {
    /// Chinese-market printers: ASCII as single bytes, hanzi as GB18030 multi-byte sequences.
    #[serde(alias = "gb18030")]
    Gb18030,
    /// Printers with a UTF-8 font.
    #[serde(alias = "utf8", alias = "utf-8")]
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

/// Print head widths the till lays receipts out for: 48 mm (384), 52 mm (416), 64 mm (512) and
/// 72 mm (576) of printable width at 8 dots/mm.
pub const DOTS_PER_LINE: [u16; 4] = [384, 416, 512, 576];

/// Normal-size ASCII characters per line: font A is 12 dots wide, so 384 → 32, 416 → 34,
/// 512 → 42, 576 → 48 (a hanzi takes two columns, 24 dots).
pub fn columns_for(dots_per_line: u16) -> usize {
    usize::from(dots_per_line / 12)
}

/// A printer model described in the config instead of picked by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    /// Shown in settings; default: `<dots> dots`.
    #[serde(default)]
    pub name: Option<String>,
    /// One of [`DOTS_PER_LINE`]; the columns follow from it ([`columns_for`]).
    pub dots_per_line: u16,
    /// `gb18030` (default) or `utf8`.
    #[serde(default = "default_encoding")]
    pub encoding: TextEncoding,
    /// GB18030 only: `FS &` at init so GB bytes print as hanzi (default on). UTF-8 always sends `FS .`.
    #[serde(default = "default_true")]
    pub chinese_mode: bool,
    /// Has an auto-cutter (default off: the receipt is fed past the tear bar).
    #[serde(default)]
    pub cut: bool,
}

fn default_encoding() -> TextEncoding {
    TextEncoding::Gb18030
}
fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// A name the till has no built-in profile for. Technician sees the name and the choices.
    #[error("printer profile {0:?} is unknown: use 58mm, 80mm or a table with dots_per_line")]
    UnknownName(String),
    /// A print head width the layout is not made for.
    #[error("dots_per_line must be one of 384, 416, 512, 576, not {0}")]
    Dots(u16),
}

impl ProfileSpec {
    pub fn build(&self) -> Result<PrinterProfile, ProfileError> {
        if !DOTS_PER_LINE.contains(&self.dots_per_line) {
            return Err(ProfileError::Dots(self.dots_per_line));
        }
        Ok(PrinterProfile {
            name: self.name.clone().unwrap_or_else(|| format!("{} dots", self.dots_per_line)),
            dots_per_line: self.dots_per_line,
            columns: columns_for(self.dots_per_line),
            encoding: self.encoding,
            chinese_mode: self.chinese_mode,
            cut: self.cut,
        })
    }
}

/// `profile = "58mm"` or `profile = { dots_per_line = 512, cut = true }` in the config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProfileChoice {
    Named(String),
    Custom(ProfileSpec),
}

impl ProfileChoice {
    pub fn build(&self) -> Result<PrinterProfile, ProfileError> {
        match self {
            ProfileChoice::Named(name) => PrinterProfile::named(name),
            ProfileChoice::Custom(spec) => spec.build(),
        }
    }
}

impl PrinterProfile {
    /// A built-in profile by name: `58mm` or `80mm`.
    pub fn named(name: &str) -> Result<PrinterProfile, ProfileError> {
        match name {
            "58mm" => Ok(PrinterProfile::mm58()),
            "80mm" => Ok(PrinterProfile::mm80()),
            other => Err(ProfileError::UnknownName(other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_dots_of_font_a() {
        let cols: Vec<usize> = DOTS_PER_LINE.iter().map(|d| columns_for(*d)).collect();
        assert_eq!(cols, [32, 34, 42, 48]);
        assert_eq!(columns_for(PrinterProfile::mm58().dots_per_line), PrinterProfile::mm58().columns);
        assert_eq!(columns_for(PrinterProfile::mm80().dots_per_line), PrinterProfile::mm80().columns);
    }

    #[test]
    fn a_profile_is_named_or_given_as_a_table() {
        #[derive(Deserialize)]
        struct P {
            profile: ProfileChoice,
        }
        let named: P = toml::from_str("profile = \"80mm\"").expect("named");
        assert_eq!(named.profile.build(), Ok(PrinterProfile::mm80()));
        let custom: P =
            toml::from_str("profile = { dots_per_line = 512, encoding = \"utf8\", cut = true }").expect("custom");
        let p = custom.profile.build().expect("build");
        assert_eq!((p.columns, p.encoding, p.cut, p.name.as_str()), (42, TextEncoding::Utf8, true, "512 dots"));
        let odd: P = toml::from_str("profile = { dots_per_line = 500 }").expect("parses");
        assert_eq!(odd.profile.build(), Err(ProfileError::Dots(500)));
        let typo = toml::from_str::<P>("profile = { dots_per_line = 512, knife = true }");
        assert!(typo.is_err());
        assert!(matches!(PrinterProfile::named("76mm"), Err(ProfileError::UnknownName(_))));
    }

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
