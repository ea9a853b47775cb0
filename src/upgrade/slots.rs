//! The till's two program slots on the data partition, and the switch between them.
//!
//! ```text
//! slots/current        "a" or "b": the slot `till-boot-slot` starts (absent: the factory /usr/bin/till)
//! slots/a/till         the program
//! slots/a/version      its version; slots/a/manifest.json the verified manifest
//! slots/a/good         written by the till itself once it has drawn its first screen
//! slots/a/starts       starts on trial, counted by till-boot-slot (systemd/till-boot-slot)
//! slots/a/failed       why till-boot-slot rolled this slot back
//! ```
//!
//! An install writes only into the slot `current` does not name, fsyncs the program, its metadata
//! and the directory, and then replaces `current` with rename(2): a power cut at any moment leaves
//! `current` naming either the old slot or the complete new one. A slot without `good` is never a
//! rollback target, so the markers of the slot being written are removed first.

use super::UpgradeError;
use super::bundle::{SIGNED_HEADER_FILE, Verified};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Where the slots live on an image (the data partition); `[upgrade] slots_dir` overrides it, and
/// `till-boot-slot` reads `TILL_SLOTS`.
pub const DEFAULT_SLOTS_DIR: &str = "/var/lib/till/slots";
/// Set by `till-boot-slot` to the slot directory of the program it starts.
pub const SLOT_ENV: &str = "TILL_SLOT_DIR";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    A,
    B,
}

impl Slot {
    pub fn name(self) -> &'static str {
        match self {
            Slot::A => "a",
            Slot::B => "b",
        }
    }

    pub fn other(self) -> Slot {
        match self {
            Slot::A => Slot::B,
            Slot::B => Slot::A,
        }
    }

    fn parse(text: &str) -> Option<Slot> {
        match text.trim() {
            "a" => Some(Slot::A),
            "b" => Some(Slot::B),
            _ => None,
        }
    }
}

/// The steps of an install, in order; a test stops after any of them to play a power cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The target slot's markers (`good`, `starts`, `failed`) and metadata are gone.
    Cleared,
    /// `till.new` is written, made executable and fsynced.
    ProgramWritten,
    /// `till.new` is renamed to `till`, the slot directory fsynced.
    ProgramInPlace,
    /// `version` and `manifest.json` are in place.
    MetadataWritten,
    /// `current.new` names the new slot (fsynced), `current` not yet replaced.
    SwitchPrepared,
    /// `current` names the new slot, the slots directory fsynced.
    Switched,
}

pub const STEPS: [Step; 6] = [
    Step::Cleared,
    Step::ProgramWritten,
    Step::ProgramInPlace,
    Step::MetadataWritten,
    Step::SwitchPrepared,
    Step::Switched,
];

/// One slot as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotState {
    pub slot: Slot,
    pub version: Option<String>,
    pub good: bool,
    pub starts: Option<String>,
    pub failed: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Slots {
    root: PathBuf,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> UpgradeError + '_ {
    move |source| UpgradeError::Io { path: path.to_path_buf(), source }
}

/// fsync of a directory: makes renames and new names in it durable.
pub fn sync_dir(dir: &Path) -> Result<(), UpgradeError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// Writes `bytes` to `path` (created with `mode`) and fsyncs it.
fn write_synced(path: &Path, bytes: &[u8], mode: u32) -> Result<(), UpgradeError> {
    let _ = std::fs::remove_file(path);
    let mut file = OpenOptions::new().write(true).create_new(true).mode(mode).open(path).map_err(io(path))?;
    file.write_all(bytes).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

/// Replaces `path` atomically: `path.new` written and fsynced, renamed over `path`, directory fsynced.
fn replace_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), UpgradeError> {
    let tmp = with_suffix(path, ".new");
    write_synced(&tmp, bytes, mode)?;
    std::fs::rename(&tmp, path).map_err(io(path))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_string())
}

impl Slots {
    pub fn new(root: impl Into<PathBuf>) -> Slots {
        Slots { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn dir(&self, slot: Slot) -> PathBuf {
        self.root.join(slot.name())
    }

    /// The slot `till-boot-slot` would start, if it holds a program; none: the factory till.
    pub fn current(&self) -> Option<Slot> {
        let slot = Slot::parse(&read_trimmed(&self.root.join("current"))?)?;
        self.dir(slot).join("till").is_file().then_some(slot)
    }

    pub fn state(&self, slot: Slot) -> SlotState {
        let dir = self.dir(slot);
        SlotState {
            slot,
            version: read_trimmed(&dir.join("version")).filter(|_| dir.join("till").is_file()),
            good: dir.join("good").exists(),
            starts: read_trimmed(&dir.join("starts")),
            failed: read_trimmed(&dir.join("failed")),
        }
    }

    /// Installs a verified program into the slot `current` does not name and switches to it.
    /// `after` is called after each [`Step`]; returning false stops there (a test's power cut).
    pub fn install(&self, bundle: &Verified<'_>, mut after: impl FnMut(Step) -> bool) -> Result<Slot, UpgradeError> {
        let target = self.current().map_or(Slot::A, Slot::other);
        let dir = self.dir(target);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let stop = |step| Err(UpgradeError::Interrupted(step));

        for marker in ["good", "starts", "failed", "version", "manifest.json", "till.new", SIGNED_HEADER_FILE] {
            match std::fs::remove_file(dir.join(marker)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&dir)(e)),
                _ => {}
            }
        }
        sync_dir(&dir)?;
        sync_dir(&self.root)?;
        if !after(Step::Cleared) {
            return stop(Step::Cleared);
        }

        let program = dir.join("till");
        let tmp = with_suffix(&program, ".new");
        write_synced(&tmp, bundle.program, 0o755)?;
        if !after(Step::ProgramWritten) {
            return stop(Step::ProgramWritten);
        }
        std::fs::rename(&tmp, &program).map_err(io(&program))?;
        sync_dir(&dir)?;
        if !after(Step::ProgramInPlace) {
            return stop(Step::ProgramInPlace);
        }

        let manifest = serde_json::to_vec_pretty(&bundle.manifest).map_err(|e| UpgradeError::Format(e.to_string()))?;
        replace_file(&dir.join("manifest.json"), &manifest, 0o644)?;
        replace_file(&dir.join(SIGNED_HEADER_FILE), bundle.header, 0o644)?;
        replace_file(&dir.join("version"), format!("{}\n", bundle.manifest.version).as_bytes(), 0o644)?;
        if !after(Step::MetadataWritten) {
            return stop(Step::MetadataWritten);
        }

        let current = self.root.join("current");
        write_synced(&with_suffix(&current, ".new"), format!("{}\n", target.name()).as_bytes(), 0o644)?;
        if !after(Step::SwitchPrepared) {
            return stop(Step::SwitchPrepared);
        }
        std::fs::rename(with_suffix(&current, ".new"), &current).map_err(io(&current))?;
        sync_dir(&self.root)?;
        after(Step::Switched);
        Ok(target)
    }
}

/// Called by the till once its first screen is up: when it was started from a slot on trial
/// (`TILL_SLOT_DIR`), that slot is marked good, so `till-boot-slot` stops counting its starts and
/// will never roll it back. Failures are logged: the till keeps running either way.
pub fn mark_first_screen() {
    let Some(dir) = std::env::var_os(SLOT_ENV).map(PathBuf::from) else { return };
    match mark_good(&dir) {
        Ok(true) => tracing::info!(slot = %dir.display(), "this version reached its first screen: marked good"),
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "could not mark this version good: it may be rolled back"),
    }
}

/// Writes `dir/good` if missing (fsynced with its directory). Returns whether it was written.
pub fn mark_good(dir: &Path) -> Result<bool, UpgradeError> {
    let good = dir.join("good");
    if good.exists() {
        return Ok(false);
    }
    let when = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    let text = format!("reached the first screen at unix time {when} (till {})\n", env!("CARGO_PKG_VERSION"));
    replace_file(&good, text.as_bytes(), 0o644)?;
    Ok(true)
}
