//! A till enrolled to its back office (`till enrol`, docs/back-office.md): the device id, key and
//! records URL the office gave it, kept in the data directory (mode 0600, the till's user's), and
//! used instead of `till.toml`'s `[backoffice]` (the newer word: an enrolment is made on purpose).

use super::BackofficeConfig;
use std::path::{Path, PathBuf};

/// In the data directory.
pub const FILE: &str = "backoffice.toml";

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// The enrolment kept in `data_dir`, if there is one. A file that cannot be read is an error:
/// the till must not quietly deliver to a back office it was moved away from.
pub fn load(data_dir: &Path) -> anyhow::Result<Option<BackofficeConfig>> {
    let file = path(data_dir);
    match std::fs::read_to_string(&file) {
        Ok(text) => Ok(Some(
            toml::from_str(&text)
                .map_err(|e| anyhow::anyhow!("the enrolment file {} is malformed: {}", file.display(), e.message()))?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::anyhow!("reading the enrolment file {}: {e}", file.display())),
    }
}

/// What the sync delivers to: the enrolment if the till has one, else `[backoffice]`.
pub fn effective(configured: Option<BackofficeConfig>, data_dir: &Path) -> anyhow::Result<Option<BackofficeConfig>> {
    Ok(match load(data_dir)? {
        Some(enrolled) => {
            tracing::info!(device_id = enrolled.device_id, url = enrolled.url, "delivering as enrolled");
            Some(enrolled)
        }
        None => configured,
    })
}

impl BackofficeConfig {
    /// The section an enrolment gives.
    pub fn enrolled(e: till_proto::enrol::Enrolment) -> BackofficeConfig {
        BackofficeConfig { url: e.records_url, device_id: e.device_id, key: e.key, key_id: e.key_id, ..Self::demo("") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrolment_file_wins_over_the_configured_section_and_a_bad_one_stops_the_till() {
        let dir = tempfile::tempdir().expect("dir");
        let configured = BackofficeConfig::demo("http://configured");
        assert_eq!(effective(Some(configured.clone()), dir.path()).expect("none"), Some(configured.clone()));
        let enrolled = BackofficeConfig { device_id: "till-x".into(), ..BackofficeConfig::demo("http://office") };
        std::fs::write(path(dir.path()), toml::to_string(&enrolled).expect("toml")).expect("write");
        assert_eq!(effective(Some(configured.clone()), dir.path()).expect("file"), Some(enrolled));
        std::fs::write(path(dir.path()), "url = ").expect("write");
        let e = effective(Some(configured), dir.path()).expect_err("malformed");
        assert!(e.to_string().contains("malformed"), "{e}");
    }
}
