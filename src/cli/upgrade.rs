//! The upgrade verbs of the `till` command: `keygen` and `bundle` for the release machine,
//! `upgrade` (and `upgrade --status`) for the technician at the till.

use crate::config::Config;
use crate::store::{RedbStore, Store};
use crate::upgrade::{Overrides, Slot, Slots, TrustedKeys, bundle, keys};
use std::path::Path;

/// `till keygen --out FILE`: a new release key pair; prints the public key.
pub fn keygen(out: &Path) -> anyhow::Result<()> {
    let public = keys::generate(out)?;
    println!("secret key: {} (mode 0600: keep it on the release machine only)", out.display());
    println!("public key: {}", keys::public_hex(&public));
    println!(
        "a till trusts it when the key is compiled in (TILL_UPDATE_KEYS=… make aarch64) or listed in {}",
        keys::SYSTEM_KEYS_FILE
    );
    Ok(())
}

/// `till bundle`: signs `binary` as release `version` into `out` (written whole, then renamed).
pub fn bundle(
    key: &Path,
    binary: &Path,
    version: &str,
    out: &Path,
    target: Option<&str>,
    notes: Option<String>,
) -> anyhow::Result<()> {
    let key = keys::load_secret(key)?;
    let program = std::fs::read(binary).map_err(|e| anyhow::anyhow!("{}: {e}", binary.display()))?;
    let found = bundle::elf_triple(&program)
        .ok_or_else(|| anyhow::anyhow!("{}: not an executable for a known board (ELF header)", binary.display()))?;
    let target = match target {
        Some(t) if bundle::program_matches(&program, t) => t,
        Some(t) => anyhow::bail!("{} is a program for {found}, not {t}", binary.display()),
        None => found,
    };
    let bytes = bundle::create(&key, &program, version, target, notes)?;
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, &bytes).map_err(|e| anyhow::anyhow!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    let verified = bundle::verify(&bytes, &TrustedKeys::new(vec![key.verifying_key()]), target)?;
    println!(
        "{}: till {version} for {target}, {} bytes, sha256 {}, signed by {}",
        out.display(),
        program.len(),
        verified.manifest.sha256,
        verified.manifest.key
    );
    Ok(())
}

/// `till upgrade --from URL|PATH`: the shop's till upgraded from the command line (the till's
/// service stopped, so its store can be checked).
pub async fn upgrade(config_path: &Path, from: Option<String>, overrides: Overrides) -> anyhow::Result<()> {
    let config = Config::load(config_path)?;
    let settings = config.upgrade.clone().unwrap_or_default();
    let slots = Slots::new(&settings.slots_dir);
    let Some(source) = from.or(settings.url) else {
        anyhow::bail!("no bundle: pass --from URL|PATH or set [upgrade] url in {}", config_path.display())
    };
    let keys = TrustedKeys::system()?;
    drop_to_owner_of(&config.data_dir())?;
    let store_path = config.data_dir().join("store");
    // No store yet: nothing can be waiting (and none is created here).
    let opened = store_path.exists().then(|| RedbStore::open(&store_path));
    let store = match opened.transpose() {
        Ok(store) => store,
        Err(e) if overrides.force => {
            eprintln!(
                "WARNING: the order store at {} cannot be checked for unsynced records ({e}); --force",
                store_path.display()
            );
            None
        }
        Err(e) => {
            anyhow::bail!(
                "refused: the order store at {} cannot be checked ({e}); is the till running? stop it first (systemctl stop till) or use the maintenance menu",
                store_path.display()
            )
        }
    };
    let store_ref = store.as_ref().map(|s| s as &dyn Store);
    let result = crate::app::upgrade::upgrade(&source, &slots, keys, store_ref, overrides, |w| eprintln!("{w}")).await;
    match result {
        Ok(done) => {
            println!(
                "installed till {} in slot {} (was {}); it starts on trial at the next start of the till",
                done.version,
                done.slot.name(),
                done.previous
            );
            if let Some(notes) = &done.notes {
                println!("release notes: {notes}");
            }
            Ok(())
        }
        Err(e) => {
            eprintln!("till upgrade: {e}");
            std::process::exit(1);
        }
    }
}

/// Run as root (a technician's shell), the upgrade becomes the owner of the data directory, so
/// the slots it writes and the store files sled may create stay the till user's.
fn drop_to_owner_of(dir: &Path) -> anyhow::Result<()> {
    use nix::unistd::{Gid, Uid, setgid, setgroups, setuid};
    use std::os::unix::fs::MetadataExt;
    if !Uid::effective().is_root() {
        return Ok(());
    }
    let Ok(meta) = std::fs::metadata(dir) else { return Ok(()) };
    if meta.uid() == 0 {
        return Ok(());
    }
    let (uid, gid) = (Uid::from_raw(meta.uid()), Gid::from_raw(meta.gid()));
    setgroups(&[gid]).and_then(|()| setgid(gid)).and_then(|()| setuid(uid))?;
    eprintln!("running as uid {uid} (the owner of {})", dir.display());
    Ok(())
}

/// `till upgrade --status`: what boots now, and each slot.
pub fn status(config_path: &Path) -> anyhow::Result<()> {
    let config = Config::load(config_path)?;
    let settings = config.upgrade.clone().unwrap_or_default();
    let slots = Slots::new(&settings.slots_dir);
    match slots.current() {
        Some(s) => println!("current: slot {} ({})", s.name(), crate::upgrade::installed_version(&slots)),
        None => {
            println!("current: the factory till (/usr/bin/till; this program is till {})", env!("CARGO_PKG_VERSION"))
        }
    }
    for slot in [Slot::A, Slot::B] {
        let s = slots.state(slot);
        let Some(version) = s.version else {
            println!("slot {}: empty", slot.name());
            continue;
        };
        let mut line = format!("slot {}: till {version}", slot.name());
        if s.good {
            line.push_str(", good");
        } else if let Some(n) = s.starts {
            line.push_str(&format!(", on trial ({n} start(s))"));
        }
        if let Some(why) = s.failed {
            line.push_str(&format!(", failed: {why}"));
        }
        println!("{line}");
    }
    Ok(())
}

/// `till verify-slot`: the slot's signed header and program checked again; silent when it
/// verifies, one line on stderr and exit status 1 when it does not.
pub fn verify_slot(dir: &Path, key: Option<&str>) -> anyhow::Result<()> {
    let keys = match key {
        Some(hex) => TrustedKeys::new(vec![
            keys::parse_public(hex).ok_or_else(|| anyhow::anyhow!("--key {hex} is not a public key"))?,
        ]),
        None => TrustedKeys::system()?,
    };
    match bundle::verify_installed(dir, &keys, crate::upgrade::TARGET) {
        Ok(_) => Ok(()),
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(1)
        }
    }
}
