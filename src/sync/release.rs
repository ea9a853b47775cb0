//! Upgrades for a fleet, the till's side (till_proto::release): at start and then every
//! [`BackofficeConfig::release_poll_secs`] (daily by default) the till asks the back office, with a
//! signed `GET /v1/release`, which release is for it, saying the version it runs and the one it
//! was rolled back from. A newer one is downloaded in the background (capped at the largest
//! bundle), its signature checked with the keys this till trusts, and kept as
//! [`OFFERED_FILE`] in the data directory, where the maintenance menu's upgrade item finds it.
//! Nothing installs itself: a supervisor confirms in the menu, which checks the bundle again.

use super::catalogue::CatalogueSyncError;
use super::{BackofficeConfig, SyncStatus, sign};
use crate::upgrade::{self, Slots, TrustedKeys, UpgradeError, Version, bundle};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use till_proto::release::{
    BUNDLES_PATH, Offer, RELEASE_PATH, ReleaseAnswer, ReleaseQuery, bundle_signing_key, signing_key,
};
use tokio::sync::watch;

/// The bundle a release brought, in the data directory: verified, waiting for a supervisor.
pub const OFFERED_FILE: &str = "offered.bundle";

/// The release follower, started once the maintenance host is known.
pub struct Follower {
    pub(super) config: Option<BackofficeConfig>,
    pub(super) status: watch::Sender<SyncStatus>,
}

/// What the follower needs of the till beyond the back office: the same as the maintenance menu's.
#[derive(Clone)]
pub struct Local {
    pub data_dir: PathBuf,
    pub slots: Slots,
    pub keys: Arc<dyn Fn() -> Result<TrustedKeys, UpgradeError> + Send + Sync>,
}

impl Follower {
    /// Starts asking on the current runtime (nothing without a back office).
    pub fn start(self, local: Local) {
        if let Some(config) = self.config {
            tokio::spawn(run(config, self.status, local));
        }
    }
}

async fn run(config: BackofficeConfig, status: watch::Sender<SyncStatus>, local: Local) {
    let client = match reqwest::Client::builder()
        .connect_timeout(Duration::from_millis(config.timeout_ms))
        .timeout(Duration::from_secs(600))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "no HTTP client: releases are not followed");
            return;
        }
    };
    let every = Duration::from_secs(config.release_poll_secs.max(1));
    loop {
        match follow_once(&client, &config, &local).await {
            Ok(waiting) => status.send_if_modified(|s| {
                let changed = s.upgrade_waiting != waiting || s.upgrade_refused.is_some();
                s.upgrade_waiting = waiting;
                s.upgrade_refused = None;
                changed
            }),
            Err(e) => {
                tracing::warn!(error = %e, "release");
                let refused = match e {
                    ReleaseError::Refused(why) => Some(why),
                    ReleaseError::Sync(_) => None,
                };
                status.send_if_modified(|s| {
                    let changed = refused.is_some() && s.upgrade_refused != refused;
                    if refused.is_some() {
                        s.upgrade_refused = refused;
                    }
                    changed
                })
            }
        };
        tokio::time::sleep(every).await;
    }
}

/// Why a round did not end with the release (or no release) settled.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// The office could not be asked (unreachable, refused): asked again next round.
    #[error("{0}")]
    Sync(#[from] CatalogueSyncError),
    /// The bundle offered is not taken: its signature, size or download (one line).
    #[error("the offered bundle is refused: {0}")]
    Refused(String),
}

/// What this till says of itself.
pub fn query(slots: &Slots) -> ReleaseQuery {
    ReleaseQuery {
        running: upgrade::installed_version(slots),
        target: upgrade::TARGET.to_string(),
        rolled_back_from: upgrade::rolled_back_from(slots).unwrap_or_default(),
    }
}

/// One round: report and ask; a newer release is downloaded, checked and kept. The version
/// waiting for a supervisor, if any.
pub async fn follow_once(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    local: &Local,
) -> Result<Option<String>, ReleaseError> {
    let q = query(&local.slots);
    let base = till_proto::enrol::base_url(&config.url);
    let url = format!("{base}{RELEASE_PATH}?{}", q.query_string());
    let text = super::catalogue::signed_get(client, config, &url, &signing_key(&q)).await?;
    let answer: ReleaseAnswer =
        serde_json::from_str(&text).map_err(|e| CatalogueSyncError::Malformed { version: 0, reason: e.to_string() })?;
    let path = local.data_dir.join(OFFERED_FILE);
    let running = Version::parse(&q.running).ok();
    let kept = read_kept(&path).await;
    let Some(offer) = answer.offer else {
        // Nothing (more) for this till: a bundle kept from before stays only while newer.
        return Ok(forget_unless_newer(&path, kept, running.as_ref()).await);
    };
    if kept.as_deref() == Some(offer.version.as_str()) {
        return Ok(kept);
    }
    let bytes = download(client, config, base, &offer).await?;
    let keys = (local.keys)().map_err(|e| ReleaseError::Refused(e.to_string()))?;
    let checked = tokio::task::spawn_blocking(move || keep(&path, &bytes, &keys, &offer))
        .await
        .map_err(|e| ReleaseError::Refused(e.to_string()))?;
    let version = checked.map_err(ReleaseError::Refused)?;
    tracing::info!(version, "release downloaded and checked: waiting in the maintenance menu");
    Ok(Some(version))
}

async fn download(
    client: &reqwest::Client,
    config: &BackofficeConfig,
    base: &str,
    offer: &Offer,
) -> Result<Vec<u8>, ReleaseError> {
    if offer.size > bundle::MAX_BUNDLE {
        return Err(ReleaseError::Refused(format!("{} bytes, more than {}", offer.size, bundle::MAX_BUNDLE)));
    }
    let signer = sign::Signer { device_id: &config.device_id, key_id: &config.key_id, key: &config.key };
    let mut request = client.get(format!("{base}{BUNDLES_PATH}/{}", offer.sha256));
    for (name, value) in signer.headers(super::deliver::signing_clock_secs(), &bundle_signing_key(&offer.sha256), "") {
        request = request.header(name, value);
    }
    let unreachable = |e: String| ReleaseError::Sync(CatalogueSyncError::Unreachable(e));
    let mut answer = request.send().await.map_err(|e| unreachable(crate::payments::http::error_chain(&e)))?;
    let cap = usize::try_from(offer.size.min(bundle::MAX_BUNDLE)).unwrap_or(usize::MAX);
    crate::payments::http::read_capped(&mut answer, cap).await.map_err(|e| match e {
        crate::payments::http::BodyError::Oversized(max) => {
            ReleaseError::Refused(format!("the download is longer than the {max} bytes offered"))
        }
        crate::payments::http::BodyError::Status(s) => unreachable(format!("HTTP {s}")),
        crate::payments::http::BodyError::Transport(e) => unreachable(crate::payments::http::error_chain(&e)),
    })
}

/// Checks the bundle (the offer's hash, then the signature as an install would) and writes it
/// whole (a new file renamed over the old, synced): the version kept.
fn keep(path: &Path, bytes: &[u8], keys: &TrustedKeys, offer: &Offer) -> Result<String, String> {
    use sha2::{Digest, Sha256};
    if hex::encode(Sha256::digest(bytes)) != offer.sha256 {
        return Err("the download is not the bundle offered (its SHA-256 differs)".into());
    }
    let verified = bundle::verify(bytes, keys, upgrade::TARGET).map_err(|e| e.to_string())?;
    if verified.manifest.version != offer.version {
        return Err(format!("the bundle is {}, the office said {}", verified.manifest.version, offer.version));
    }
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let partial = path.with_extension("partial");
    let mut file = std::fs::File::create(&partial).map_err(io)?;
    std::io::Write::write_all(&mut file, bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&partial, path).map_err(io)?;
    Ok(verified.manifest.version)
}

/// The version of the bundle kept, read from its manifest line (it was checked when kept; the
/// install checks it again).
async fn read_kept(path: &Path) -> Option<String> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut head = vec![0u8; 64 * 1024];
        let n = std::fs::File::open(&path).ok()?.read(&mut head).ok()?;
        let line = head[..n].strip_prefix(bundle::MAGIC)?.split(|&b| b == b'\n').next()?;
        serde_json::from_slice::<upgrade::Manifest>(line).ok().map(|m| m.version)
    })
    .await
    .ok()
    .flatten()
}

async fn forget_unless_newer(path: &Path, kept: Option<String>, running: Option<&Version>) -> Option<String> {
    let newer = kept.as_deref().and_then(|k| Version::parse(k).ok()).zip(running).is_some_and(|(k, r)| k > *r);
    if newer {
        return kept;
    }
    if kept.is_some() {
        let path = path.to_path_buf();
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
    }
    None
}
