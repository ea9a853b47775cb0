//! Release keys. The release machine holds an ed25519 secret key in a 0600 file (`till keygen`);
//! a till trusts the public keys compiled in (`TILL_UPDATE_KEYS` at build time) and those listed in
//! a root-owned file (`/etc/till/update-keys`, one hex key per line, `#` comments).

use super::UpgradeError;
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Where a till looks for the public keys it trusts besides the compiled-in ones.
pub const SYSTEM_KEYS_FILE: &str = "/etc/till/update-keys";

/// The keys compiled into this build.
const COMPILED_KEYS: &str = env!("TILL_UPDATE_KEYS");

/// Hex of a public key, as printed by `till keygen` and written in manifests and key files.
pub fn public_hex(key: &VerifyingKey) -> String {
    hex::encode(key.as_bytes())
}

pub fn parse_public(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// A new key pair: the secret (32 random bytes, hex) in `path`, created 0600 and never
/// overwritten; the public key beside it in `path.pub`. Returns the public key.
pub fn generate(path: &Path) -> Result<VerifyingKey, UpgradeError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| UpgradeError::Key(format!("no randomness for a key: {e}")))?;
    let key = SigningKey::from_bytes(&seed);
    let io = |e: std::io::Error| UpgradeError::Key(format!("{}: {e}", path.display()));
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(io)?;
    file.write_all(format!("{}\n", hex::encode(seed)).as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    let public = key.verifying_key();
    let pub_path = PathBuf::from(format!("{}.pub", path.display()));
    std::fs::write(&pub_path, format!("{}\n", public_hex(&public)))
        .map_err(|e| UpgradeError::Key(format!("{}: {e}", pub_path.display())))?;
    Ok(public)
}

/// Reads a secret key file; refused when others may read it.
pub fn load_secret(path: &Path) -> Result<SigningKey, UpgradeError> {
    let err = |why: String| UpgradeError::Key(format!("{}: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    if meta.mode() & 0o077 != 0 {
        return Err(err(format!(
            "mode {:o}: a secret key must be readable by its owner only (chmod 600)",
            meta.mode() & 0o777
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let seed: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| err("not a till secret key (64 hex digits)".into()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The public keys an update bundle may be signed with.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: Vec<VerifyingKey>,
}

impl TrustedKeys {
    pub fn new(keys: Vec<VerifyingKey>) -> TrustedKeys {
        TrustedKeys { keys }
    }

    /// The compiled-in keys and those of [`SYSTEM_KEYS_FILE`].
    pub fn system() -> Result<TrustedKeys, UpgradeError> {
        let mut trusted = TrustedKeys::compiled()?;
        trusted.keys.extend(TrustedKeys::from_file(Path::new(SYSTEM_KEYS_FILE))?.keys);
        Ok(trusted)
    }

    fn compiled() -> Result<TrustedKeys, UpgradeError> {
        let mut keys = Vec::new();
        for text in COMPILED_KEYS.split([',', ' ', '\n']).filter(|k| !k.is_empty()) {
            keys.push(
                parse_public(text).ok_or_else(|| UpgradeError::Key(format!("compiled-in key {text} is not a key")))?,
            );
        }
        Ok(TrustedKeys { keys })
    }

    /// A key file: absent is no keys; present, it must belong to root and be writable by root only
    /// (the till's own user must not be able to add a key), and every line must be a key.
    pub fn from_file(path: &Path) -> Result<TrustedKeys, UpgradeError> {
        let err = |why: String| UpgradeError::Key(format!("{}: {why}", path.display()));
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(TrustedKeys::default()),
            Err(e) => return Err(err(e.to_string())),
        };
        if meta.uid() != 0 || meta.mode() & 0o022 != 0 {
            return Err(err(format!(
                "owner uid {} mode {:o}: trusted keys must be owned by root and writable by root only",
                meta.uid(),
                meta.mode() & 0o777
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        TrustedKeys::parse(&text).map_err(err)
    }

    /// A key file's text: one hex key a line, `#` comments. The back office reads the release
    /// keys this way too (it checks uploads against them; it is not a till, so no root check).
    pub fn parse(text: &str) -> Result<TrustedKeys, String> {
        let mut keys = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            keys.push(parse_public(line).ok_or_else(|| format!("line {} is not a hex ed25519 public key", n + 1))?);
        }
        Ok(TrustedKeys { keys })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &VerifyingKey> {
        self.keys.iter()
    }

    pub fn contains(&self, key: &VerifyingKey) -> bool {
        self.keys.contains(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn keygen_writes_a_private_secret_and_its_public_key_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("release.key");
        let public = generate(&path).expect("keygen");
        let mode = std::fs::metadata(&path).expect("key file").mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load_secret(&path).expect("secret").verifying_key(), public);
        let pub_text = std::fs::read_to_string(dir.path().join("release.key.pub")).expect("pub file");
        assert_eq!(parse_public(&pub_text), Some(public));
        assert!(generate(&path).is_err(), "an existing key is never overwritten");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let e = load_secret(&path).expect_err("readable by others");
        assert!(e.to_string().contains("chmod 600"), "{e}");
    }

    #[test]
    fn a_key_file_must_be_root_owned_and_not_writable_by_others() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(TrustedKeys::from_file(&dir.path().join("absent")).expect("absent is fine").is_empty());
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        let path = dir.path().join("update-keys");
        std::fs::write(&path, format!("# release key 2025\n{}  # the shop's vendor\n\n", public_hex(&key)))
            .expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let root = nix::unistd::geteuid().is_root();
        match TrustedKeys::from_file(&path) {
            Ok(keys) => assert!(root && keys.contains(&key), "accepted only when the tests run as root"),
            Err(e) => assert!(!root && e.to_string().contains("owned by root"), "{e}"),
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).expect("chmod");
        let e = TrustedKeys::from_file(&path).expect_err("world-writable");
        assert!(e.to_string().contains("writable by root only"), "{e}");
        std::fs::write(&path, "not a key\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(TrustedKeys::from_file(&path).is_err());
    }
}
