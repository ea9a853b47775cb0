//! Compile-time facts the update code needs: the target triple (an update bundle must be for the
//! same one) and the release keys compiled in from `TILL_UPDATE_KEYS` (hex ed25519 public keys,
//! separated by commas or spaces), checked here so a typo fails the build, not an upgrade; and when
//! the build was made.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=TILL_TARGET={target}");
    println!("cargo:rerun-if-env-changed=TILL_UPDATE_KEYS");
    println!("cargo:rerun-if-changed=build.rs");
    let keys = std::env::var("TILL_UPDATE_KEYS").unwrap_or_default();
    for key in keys.split([',', ' ', '\n']).filter(|k| !k.is_empty()) {
        let ok = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            eprintln!("TILL_UPDATE_KEYS: {key:?} is not a 64-digit hex ed25519 public key");
            std::process::exit(1);
        }
    }
    println!("cargo:rustc-env=TILL_UPDATE_KEYS={keys}");
    // When this build was made (unix seconds): a till clock reading earlier is plainly wrong
    // (`core::platform_clock`). SOURCE_DATE_EPOCH for reproducible builds, else the commit's time.
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let built = std::env::var("SOURCE_DATE_EPOCH").ok().or_else(commit_time);
    let built = built.and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(0);
    println!("cargo:rustc-env=TILL_BUILD_UNIX={built}");
}

fn commit_time() -> Option<String> {
    let out = std::process::Command::new("git").args(["log", "-1", "--format=%ct"]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
