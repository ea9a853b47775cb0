//! Online upgrade (seed 003 3.1.7): signed update bundles, verified before anything is written,
//! installed into A/B program slots with an atomic switch, rolled back by `till-boot-slot` when the
//! new version does not reach its first screen. See docs/upgrade.md.

pub mod bundle;
pub mod fetch;
pub mod keys;
pub mod slots;
pub mod version;

#[cfg(test)]
mod tests;

pub use bundle::{Manifest, Verified};
pub use keys::TrustedKeys;
pub use slots::{Slot, Slots, Step, mark_first_screen};
pub use version::Version;

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The target triple this till was built for: a bundle must be for the same one.
pub const TARGET: &str = env!("TILL_TARGET");

/// The exit status with which the till asks systemd to start it again (after an upgrade from the
/// maintenance menu): till.service lists it in `SuccessExitStatus=` and `RestartForceExitStatus=`.
pub const RESTART_EXIT_CODE: i32 = 75;

/// `[upgrade]` in till.toml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpgradeConfig {
    /// Where the maintenance menu fetches the bundle: `https://…` or a path (a USB stick's mount).
    #[serde(default)]
    pub url: Option<String>,
    /// The A/B slots; must match `TILL_SLOTS` of till-boot-slot (default /var/lib/till/slots).
    #[serde(default = "default_slots_dir")]
    pub slots_dir: PathBuf,
}

fn default_slots_dir() -> PathBuf {
    PathBuf::from(slots::DEFAULT_SLOTS_DIR)
}

impl Default for UpgradeConfig {
    fn default() -> Self {
        UpgradeConfig { url: None, slots_dir: default_slots_dir() }
    }
}

/// Why an upgrade did not happen. Each is one line for the technician (CLI) or the supervisor
/// (maintenance menu); when one of these is returned nothing was installed and the till runs on.
#[derive(Debug, thiserror::Error)]
pub enum UpgradeError {
    /// The file is not a bundle, or its header or manifest is malformed.
    #[error("refused: {0}")]
    Format(String),
    /// The file ends early: the program (or a header line) is cut short.
    #[error("refused: truncated bundle: {0}")]
    Truncated(String),
    /// More bytes than allowed or than the manifest says.
    #[error("refused: oversized bundle: {0}")]
    Oversized(String),
    /// Signed, but by a key this till does not trust.
    #[error("refused: signed by key {0}, which this till does not trust")]
    UntrustedKey(String),
    /// The signature does not match the manifest: altered after signing or damaged.
    #[error("refused: the signature does not match (the bundle was altered or damaged)")]
    BadSignature,
    /// The signed manifest is fine but the program is not the one it describes.
    #[error("refused: the program does not match its signed SHA-256 (altered or damaged)")]
    HashMismatch,
    /// Built for another board.
    #[error("refused: the bundle is for {bundle}, this till is {till}")]
    WrongTarget { bundle: String, till: String },
    /// Downgrade protection (a technician may pass --allow-downgrade).
    #[error("refused: version {offered} is not newer than the installed {installed} (--allow-downgrade to force)")]
    NotNewer { offered: String, installed: String },
    /// Issue 5's rule: no upgrade while the back office or a payment is waiting (--force overrides).
    #[error(
        "refused: {unsynced} record(s) not yet delivered to the back office and {unresolved} payment(s) or refund(s) \
         in doubt: let them settle first (--force to upgrade anyway)"
    )]
    Blocked { unsynced: usize, unresolved: usize },
    /// The running version is itself on trial: installing would overwrite the last good one.
    #[error(
        "refused: slot {0} has not reached its first screen yet; installing would replace the last good version (--force)"
    )]
    OnTrial(&'static str),
    /// Key files (release machine or the till's trusted keys).
    #[error("key: {0}")]
    Key(String),
    /// Download or file read failed.
    #[error("could not fetch {from}: {reason}")]
    Fetch { from: String, reason: String },
    /// The order store could not be checked.
    #[error("the order store: {0}")]
    Store(String),
    /// Writing a slot failed (disk full, read-only): the switch did not happen.
    #[error("installing: {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// A test stopped the install after this step (a simulated power cut).
    #[error("interrupted after {0:?}")]
    Interrupted(Step),
}

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub slot: Slot,
    pub version: String,
    /// The version that was running before (kept in the other slot, or the factory till).
    pub previous: String,
    pub notes: Option<String>,
}

/// The version `till-boot-slot` starts now: the current slot's, else this (factory) build's.
pub fn installed_version(slots: &Slots) -> String {
    slots.current().and_then(|s| slots.state(s).version).unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string())
}

/// The version `till-boot-slot` rolled back from, if the slot not started now holds one it marked
/// failed: what the till reports to its back office (a fleet's rollout stops on too many).
pub fn rolled_back_from(slots: &Slots) -> Option<String> {
    let current = slots.current();
    [Slot::A, Slot::B]
        .into_iter()
        .filter(|s| Some(*s) != current)
        .map(|s| slots.state(s))
        .find(|s| s.failed.is_some())
        .and_then(|s| s.version)
}

/// Technician overrides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Upgrade despite unsynced records, payments in doubt or a running version on trial.
    pub force: bool,
    /// Install an older (or the same) version.
    pub allow_downgrade: bool,
}

/// Checks a bundle completely, then installs it. Nothing is written unless every check passes.
pub fn verify_and_install(
    slots: &Slots,
    bytes: &[u8],
    keys: &TrustedKeys,
    overrides: Overrides,
    after: impl FnMut(Step) -> bool,
) -> Result<Installed, UpgradeError> {
    let verified = bundle::verify(bytes, keys, TARGET)?;
    let installed = installed_version(slots);
    let offered = Version::parse(&verified.manifest.version).map_err(UpgradeError::Format)?;
    let newer = Version::parse(&installed).is_ok_and(|v| offered > v);
    if !newer && !overrides.allow_downgrade {
        return Err(UpgradeError::NotNewer { offered: offered.to_string(), installed });
    }
    if let Some(current) = slots.current().filter(|s| !slots.state(*s).good)
        && !overrides.force
    {
        return Err(UpgradeError::OnTrial(current.name()));
    }
    let slot = slots.install(&verified, after)?;
    Ok(Installed {
        slot,
        version: verified.manifest.version.clone(),
        previous: installed,
        notes: verified.manifest.notes.clone(),
    })
}
