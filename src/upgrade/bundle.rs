//! The update bundle: one file a technician can inspect with `head -2`.
//!
//! ```text
//! till-bundle 1\n
//! {"format":1,"version":"0.2.0","target":"aarch64-unknown-linux-gnu","size":7012345,"sha256":"…","key":"…"}\n
//! <ed25519 signature, 128 hex digits>\n
//! <the program: exactly `size` bytes>
//! ```
//!
//! The signature covers the first line and the manifest's exact bytes; the manifest carries the
//! payload's SHA-256, so it covers the program too. Verification is pure (bytes in memory): nothing
//! is written before a bundle has passed every check here.

use super::UpgradeError;
use super::keys::{TrustedKeys, parse_public, public_hex};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MAGIC: &[u8] = b"till-bundle 1\n";
pub const FORMAT: u32 = 1;
/// The largest program a bundle may carry (the till is ~7 MiB stripped).
pub const MAX_PAYLOAD: u64 = 64 << 20;
/// The manifest line's longest allowed length (release notes included).
const MAX_MANIFEST: usize = 16 << 10;
/// The longest whole bundle: what a download or a file read is capped at.
pub const MAX_BUNDLE: u64 = MAX_PAYLOAD + MAX_MANIFEST as u64 + 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub version: String,
    /// The Rust target triple the program was built for.
    pub target: String,
    /// The program's length in bytes.
    pub size: u64,
    /// The program's SHA-256, hex.
    pub sha256: String,
    /// The signer's public key, hex: says which key to check (and which is missing when untrusted).
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A bundle that passed every check; the program bytes borrow from the bundle.
#[derive(Debug)]
pub struct Verified<'a> {
    pub manifest: Manifest,
    /// The signed header (magic, manifest line, signature line): kept in the slot beside the
    /// program so that the boot can check the signature again ([`verify_installed`]).
    pub header: &'a [u8],
    pub program: &'a [u8],
}

/// The file of a slot that keeps its bundle's signed header.
pub const SIGNED_HEADER_FILE: &str = "signed";

/// Checks an installed slot again, as its bundle was checked before install: the signed header
/// kept in `dir` and the program `dir/till` must verify by a trusted key, whole. Run at every
/// boot by the factory till (`till verify-slot`) before `till-boot-slot` starts a slot: a program
/// changed on the data partition after its install is never started.
pub fn verify_installed(dir: &std::path::Path, keys: &TrustedKeys, target: &str) -> Result<Manifest, UpgradeError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|e| UpgradeError::Format(format!("{}: {e}", path.display())))
    };
    let mut bytes = read(SIGNED_HEADER_FILE)?;
    if bytes.len() > MAX_MANIFEST + 256 {
        return Err(UpgradeError::Format(format!("{SIGNED_HEADER_FILE}: not a bundle header")));
    }
    bytes.extend(read("till")?);
    verify(&bytes, keys, target).map(|v| v.manifest)
}

fn signed_message(manifest_line: &[u8]) -> Vec<u8> {
    [MAGIC, manifest_line].concat()
}

/// Builds a signed bundle for `program` (on the release machine).
pub fn create(
    key: &SigningKey,
    program: &[u8],
    version: &str,
    target: &str,
    notes: Option<String>,
) -> Result<Vec<u8>, UpgradeError> {
    super::version::Version::parse(version).map_err(UpgradeError::Format)?;
    if program.len() as u64 > MAX_PAYLOAD {
        return Err(UpgradeError::Oversized(format!(
            "the program is {} bytes, more than {MAX_PAYLOAD}",
            program.len()
        )));
    }
    let manifest = Manifest {
        format: FORMAT,
        version: version.to_string(),
        target: target.to_string(),
        size: program.len() as u64,
        sha256: hex::encode(Sha256::digest(program)),
        key: public_hex(&key.verifying_key()),
        notes,
    };
    let line = serde_json::to_vec(&manifest).map_err(|e| UpgradeError::Format(e.to_string()))?;
    if line.len() > MAX_MANIFEST {
        return Err(UpgradeError::Format(format!(
            "the manifest is longer than {MAX_MANIFEST} bytes (shorten the notes)"
        )));
    }
    let signature = key.sign(&signed_message(&line));
    let mut out = Vec::with_capacity(program.len() + line.len() + 200);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&line);
    out.push(b'\n');
    out.extend_from_slice(hex::encode(signature.to_bytes()).as_bytes());
    out.push(b'\n');
    out.extend_from_slice(program);
    Ok(out)
}

/// Splits off one `\n`-terminated line of at most `max` bytes.
fn line<'a>(bytes: &'a [u8], max: usize, what: &str) -> Result<(&'a [u8], &'a [u8]), UpgradeError> {
    let end = bytes
        .iter()
        .take(max + 1)
        .position(|&b| b == b'\n')
        .ok_or_else(|| UpgradeError::Truncated(format!("the {what} line is missing or cut short")))?;
    Ok((&bytes[..end], &bytes[end + 1..]))
}

/// Checks a whole bundle: its signature by a trusted key, the manifest, the target, the program's
/// length and hash, and that the program is an executable for that target.
pub fn verify<'a>(bytes: &'a [u8], keys: &TrustedKeys, target: &str) -> Result<Verified<'a>, UpgradeError> {
    if keys.is_empty() {
        return Err(UpgradeError::Key(format!(
            "this till trusts no update key: add the release's public key to {}",
            super::keys::SYSTEM_KEYS_FILE
        )));
    }
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| {
        let short = bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes);
        if short {
            UpgradeError::Truncated("the file ends before its header".into())
        } else {
            UpgradeError::Format("not a till update bundle (no `till-bundle 1` header)".into())
        }
    })?;
    let (manifest_line, rest) = line(rest, MAX_MANIFEST, "manifest")?;
    let (signature_line, program) = line(rest, 128, "signature")?;
    let signature = hex::decode(signature_line)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or_else(|| UpgradeError::Format("the signature line is not 128 hex digits".into()))?;
    let message = signed_message(manifest_line);
    if !keys.iter().any(|k| k.verify(&message, &signature).is_ok()) {
        // Say which: a key we do not know, or a bundle altered after signing.
        let named = serde_json::from_slice::<Manifest>(manifest_line).ok().and_then(|m| parse_public(&m.key));
        return Err(match named {
            Some(k) if keys.contains(&k) => UpgradeError::BadSignature,
            Some(k) => UpgradeError::UntrustedKey(public_hex(&k)),
            None => UpgradeError::BadSignature,
        });
    }
    let manifest: Manifest = serde_json::from_slice(manifest_line)
        .map_err(|e| UpgradeError::Format(format!("the signed manifest does not parse: {e}")))?;
    if manifest.format != FORMAT {
        return Err(UpgradeError::Format(format!("bundle format {} (this till reads {FORMAT})", manifest.format)));
    }
    super::version::Version::parse(&manifest.version).map_err(UpgradeError::Format)?;
    if manifest.target != target {
        return Err(UpgradeError::WrongTarget { bundle: manifest.target, till: target.to_string() });
    }
    if manifest.size > MAX_PAYLOAD {
        return Err(UpgradeError::Oversized(format!(
            "the program claims {} bytes, more than {MAX_PAYLOAD}",
            manifest.size
        )));
    }
    let got = program.len() as u64;
    if got < manifest.size {
        return Err(UpgradeError::Truncated(format!("the program has {got} of its {} bytes", manifest.size)));
    }
    if got > manifest.size {
        return Err(UpgradeError::Oversized(format!(
            "{} bytes follow the {}-byte program",
            got - manifest.size,
            manifest.size
        )));
    }
    if hex::encode(Sha256::digest(program)) != manifest.sha256 {
        return Err(UpgradeError::HashMismatch);
    }
    match elf_target(program) {
        Some(t) if t == target_arch(target) => {}
        found => {
            return Err(UpgradeError::WrongTarget {
                bundle: format!("a program for {}", found.unwrap_or("no known machine (not an ELF executable)")),
                till: target.to_string(),
            });
        }
    }
    let header = &bytes[..bytes.len() - program.len()];
    Ok(Verified { manifest, header, program })
}

/// The architecture part of a target triple as [`elf_target`] names it.
fn target_arch(triple: &str) -> &str {
    match triple.split('-').next().unwrap_or_default() {
        a if a.starts_with("armv7") || a == "arm" => "arm",
        a => a,
    }
}

/// The machine an ELF executable is for, from its header: `aarch64`, `x86_64`, `arm` (32-bit), …
pub fn elf_target(program: &[u8]) -> Option<&'static str> {
    if program.len() < 20 || &program[..4] != b"\x7fELF" {
        return None;
    }
    let little = program[5] == 1;
    let machine = if little {
        u16::from_le_bytes([program[18], program[19]])
    } else {
        u16::from_be_bytes([program[18], program[19]])
    };
    let class64 = program[4] == 2;
    match (machine, class64) {
        (0xB7, true) => Some("aarch64"),
        (0x3E, true) => Some("x86_64"),
        (0x28, false) => Some("arm"),
        (0xF3, true) => Some("riscv64gc"),
        (0x03, false) => Some("i686"),
        _ => None,
    }
}

/// The full target triple of a program for the common boards and hosts (for `till bundle`).
pub fn elf_triple(program: &[u8]) -> Option<&'static str> {
    Some(match elf_target(program)? {
        "aarch64" => "aarch64-unknown-linux-gnu",
        "x86_64" => "x86_64-unknown-linux-gnu",
        "arm" => "armv7-unknown-linux-gnueabihf",
        "riscv64gc" => "riscv64gc-unknown-linux-gnu",
        _ => return None,
    })
}

/// Whether `triple`'s architecture is the one `program` was built for.
pub fn program_matches(program: &[u8], triple: &str) -> bool {
    elf_target(program) == Some(target_arch(triple))
}
