//! Bundle verification and slot installs, on bytes and temp dirs (the boot script's side is in
//! tests/upgrade_slots.rs).

use super::bundle::{self, MAX_PAYLOAD};
use super::*;
use ed25519_dalek::SigningKey;

/// A program for `arch` as far as an ELF header tells: enough for the checks, not runnable.
fn program(arch: &str, len: usize) -> Vec<u8> {
    let (machine, class): (u16, u8) = match arch {
        "aarch64" => (0xB7, 2),
        "x86_64" => (0x3E, 2),
        "arm" => (0x28, 1),
        _ => (0, 2),
    };
    let mut p = vec![0u8; len.max(64)];
    p[..4].copy_from_slice(b"\x7fELF");
    p[4] = class;
    p[5] = 1;
    p[18..20].copy_from_slice(&machine.to_le_bytes());
    for (i, b) in p.iter_mut().enumerate().skip(64) {
        *b = (i % 251) as u8;
    }
    p
}

fn here_arch() -> &'static str {
    TARGET.split('-').next().expect("triple")
}

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn trusting(k: &SigningKey) -> TrustedKeys {
    TrustedKeys::new(vec![k.verifying_key()])
}

fn signed(version: &str) -> Vec<u8> {
    bundle::create(&key(1), &program(here_arch(), 4096), version, TARGET, Some("faster receipts".into()))
        .expect("bundle")
}

#[test]
fn a_good_bundle_verifies_and_carries_its_manifest() {
    let bytes = signed("0.2.0");
    let v = bundle::verify(&bytes, &trusting(&key(1)), TARGET).expect("verifies");
    assert_eq!(v.manifest.version, "0.2.0");
    assert_eq!(v.manifest.target, TARGET);
    assert_eq!(v.manifest.notes.as_deref(), Some("faster receipts"));
    assert_eq!(v.program, &program(here_arch(), 4096)[..]);
    let head = String::from_utf8_lossy(&bytes[..200]);
    assert!(head.starts_with("till-bundle 1\n{\"format\":1,\"version\":\"0.2.0\""), "readable with head: {head}");
}

#[test]
fn another_key_is_named_and_refused() {
    let bytes = signed("0.2.0");
    let e = bundle::verify(&bytes, &trusting(&key(2)), TARGET).expect_err("other key");
    assert!(matches!(e, UpgradeError::UntrustedKey(ref k) if *k == keys::public_hex(&key(1).verifying_key())), "{e}");
    assert!(e.to_string().contains("does not trust"), "{e}");
    let e = bundle::verify(&bytes, &TrustedKeys::default(), TARGET).expect_err("no keys");
    assert!(e.to_string().contains("trusts no update key"), "{e}");
}

#[test]
fn a_tampered_program_or_manifest_is_refused() {
    let bytes = signed("0.2.0");
    let mut altered = bytes.clone();
    let last = altered.len() - 10;
    altered[last] ^= 0x55;
    let e = bundle::verify(&altered, &trusting(&key(1)), TARGET).expect_err("program altered");
    assert!(matches!(e, UpgradeError::HashMismatch), "{e}");

    // Raising the version in the manifest breaks the signature.
    let text = bytes.clone();
    let pos = text.windows(5).position(|w| w == b"0.2.0").expect("version in manifest");
    let mut manifest = text.clone();
    manifest[pos..pos + 5].copy_from_slice(b"9.2.0");
    let e = bundle::verify(&manifest, &trusting(&key(1)), TARGET).expect_err("manifest altered");
    assert!(matches!(e, UpgradeError::BadSignature), "{e}");

    // A valid signature from the trusted key over another manifest does not transfer.
    let other = bundle::create(&key(1), &program(here_arch(), 100), "0.3.0", TARGET, None).expect("bundle");
    let sig_line = |b: &[u8]| {
        let lines: Vec<&[u8]> = b.splitn(4, |&c| c == b'\n').collect();
        (lines[1].len(), lines[2].to_vec())
    };
    let (_, other_sig) = sig_line(&other);
    let (mlen, sig) = sig_line(&bytes);
    let start = bundle::MAGIC.len() + mlen + 1;
    let mut swapped = bytes.clone();
    swapped[start..start + sig.len()].copy_from_slice(&other_sig);
    assert!(matches!(bundle::verify(&swapped, &trusting(&key(1)), TARGET), Err(UpgradeError::BadSignature)));
}

#[test]
fn truncated_and_oversized_bundles_are_refused_with_the_reason() {
    let bytes = signed("0.2.0");
    let keys = trusting(&key(1));
    let e = bundle::verify(&bytes[..bytes.len() - 1], &keys, TARGET).expect_err("one byte short");
    assert!(matches!(e, UpgradeError::Truncated(_)) && e.to_string().contains("4095 of its 4096"), "{e}");
    for cut in [0, 5, bundle::MAGIC.len() + 20, bytes.len() - 4096 - 3] {
        let e = bundle::verify(&bytes[..cut], &keys, TARGET).expect_err("cut");
        assert!(matches!(e, UpgradeError::Truncated(_) | UpgradeError::Format(_)), "cut at {cut}: {e}");
    }
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"#!/bin/sh\nrm -rf /\n");
    let e = bundle::verify(&longer, &keys, TARGET).expect_err("trailing bytes");
    assert!(matches!(e, UpgradeError::Oversized(_)) && e.to_string().contains("19 bytes follow"), "{e}");
    let e = bundle::create(&key(1), &vec![0; MAX_PAYLOAD as usize + 1], "0.2.0", TARGET, None).expect_err("too big");
    assert!(matches!(e, UpgradeError::Oversized(_)), "{e}");
    assert!(
        bundle::verify(b"#!/bin/sh\necho hi\n", &keys, TARGET).is_err_and(|e| matches!(e, UpgradeError::Format(_)))
    );
}

#[test]
fn a_bundle_for_another_board_or_a_program_that_is_not_for_it_is_refused() {
    let other = if TARGET.starts_with("aarch64") { "x86_64-unknown-linux-gnu" } else { "aarch64-unknown-linux-gnu" };
    let other_arch = other.split('-').next().expect("arch");
    let keys = trusting(&key(1));
    let bytes = bundle::create(&key(1), &program(other_arch, 500), "0.2.0", other, None).expect("bundle");
    let e = bundle::verify(&bytes, &keys, TARGET).expect_err("other target");
    assert!(e.to_string().contains(&format!("for {other}, this till is {TARGET}")), "{e}");
    // Signed as this target but the program inside is for another machine (or is a script).
    for wrong in [program(other_arch, 500), b"#!/bin/sh\nexit 1\n".to_vec()] {
        let bytes = bundle::create(&key(1), &wrong, "0.2.0", TARGET, None).expect("bundle");
        let e = bundle::verify(&bytes, &keys, TARGET).expect_err("wrong program");
        assert!(matches!(e, UpgradeError::WrongTarget { .. }), "{e}");
    }
}

fn files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            out.push(e.path().display().to_string());
            out.extend(files(&e.path()));
        }
    }
    out.sort();
    out
}

#[test]
fn installs_switch_slots_keep_the_old_one_and_refuse_downgrades_and_bad_bundles_without_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let slots = Slots::new(dir.path().join("slots"));
    let keys = trusting(&key(1));
    let none = Overrides::default();
    assert_eq!(slots.current(), None, "factory till");

    let done = verify_and_install(&slots, &signed("99.0.0"), &keys, none, |_| true).expect("install");
    assert_eq!(
        (done.slot, done.version.as_str(), done.previous.as_str()),
        (Slot::A, "99.0.0", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(slots.current(), Some(Slot::A));
    assert_eq!(installed_version(&slots), "99.0.0");

    // A trial version must reach its first screen before the next install may replace the other slot.
    let e = verify_and_install(&slots, &signed("99.1.0"), &keys, none, |_| true).expect_err("on trial");
    assert!(matches!(e, UpgradeError::OnTrial("a")), "{e}");
    assert!(slots::mark_good(&slots.dir(Slot::A)).expect("mark"));
    assert!(!slots::mark_good(&slots.dir(Slot::A)).expect("mark again"), "written once");

    let before = files(dir.path());
    for (bytes, why) in [
        (signed("98.0.0"), "older"),
        (signed("99.0.0"), "same"),
        (bundle::create(&key(9), &program(here_arch(), 4096), "100.0.0", TARGET, None).expect("b"), "untrusted"),
        (signed("100.0.0")[..300].to_vec(), "truncated"),
    ] {
        let e = verify_and_install(&slots, &bytes, &keys, none, |_| true).expect_err(why);
        assert_eq!(e.to_string().lines().count(), 1, "{why}: one line: {e}");
        assert_eq!(files(dir.path()), before, "{why}: nothing written");
    }
    let e = verify_and_install(&slots, &signed("98.0.0"), &keys, none, |_| true).expect_err("downgrade");
    assert!(matches!(e, UpgradeError::NotNewer { .. }) && e.to_string().contains("--allow-downgrade"), "{e}");

    let done = verify_and_install(&slots, &signed("99.1.0"), &keys, none, |_| true).expect("second install");
    assert_eq!((done.slot, done.previous.as_str()), (Slot::B, "99.0.0"));
    assert_eq!(slots.current(), Some(Slot::B));
    let a = slots.state(Slot::A);
    assert!(a.good && a.version.as_deref() == Some("99.0.0"), "the old slot is kept: {a:?}");
    let b = slots.state(Slot::B);
    assert!(!b.good && b.starts.is_none() && b.failed.is_none(), "the new one starts on trial: {b:?}");

    let back = Overrides { allow_downgrade: true, force: true };
    let done = verify_and_install(&slots, &signed("98.0.0"), &keys, back, |_| true).expect("forced downgrade");
    assert_eq!((done.slot, slots.current()), (Slot::A, Some(Slot::A)));
    let a = slots.state(Slot::A);
    assert!(!a.good && a.version.as_deref() == Some("98.0.0"), "the reused slot's old `good` is gone: {a:?}");
}

#[test]
fn a_cut_after_any_install_step_leaves_the_old_or_the_complete_new_program_current() {
    for (n, stop_after) in slots::STEPS.iter().enumerate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let slots = Slots::new(dir.path().join("slots"));
        let keys = trusting(&key(1));
        verify_and_install(&slots, &signed("1.0.0"), &keys, Overrides::default(), |_| true).expect("first");
        slots::mark_good(&slots.dir(Slot::A)).expect("good");
        let new = signed("2.0.0");
        let result = verify_and_install(&slots, &new, &keys, Overrides::default(), |s| s != *stop_after);
        let current = slots.current().expect("a slot is current");
        let program = std::fs::read(slots.dir(current).join("till")).expect("its program");
        let old_program = program == bundle::verify(&signed("1.0.0"), &keys, TARGET).expect("v").program;
        let new_program = program == bundle::verify(&new, &keys, TARGET).expect("v").program;
        if n < 5 {
            assert!(matches!(result, Err(UpgradeError::Interrupted(s)) if s == *stop_after));
            assert_eq!(current, Slot::A, "cut after {stop_after:?}: still the old slot");
            assert!(old_program && slots.state(Slot::A).good, "cut after {stop_after:?}");
            assert!(!slots.state(Slot::B).good, "the half-written slot is never a rollback target");
        } else {
            assert_eq!(current, Slot::B, "switched");
            assert!(new_program && slots.state(Slot::B).version.as_deref() == Some("2.0.0"));
        }
    }
}

#[test]
fn a_slot_rolled_back_from_is_reported_by_its_version_and_a_good_one_is_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let slots = Slots::new(dir.path());
    assert_eq!(rolled_back_from(&slots), None, "the factory till, nothing installed");
    for (slot, version) in [("a", "0.3.0"), ("b", "0.2.0")] {
        std::fs::create_dir_all(dir.path().join(slot)).expect("slot");
        std::fs::write(dir.path().join(slot).join("till"), "program").expect("till");
        std::fs::write(dir.path().join(slot).join("version"), version).expect("version");
    }
    std::fs::write(dir.path().join("current"), "b").expect("current");
    assert_eq!(rolled_back_from(&slots), None, "the other slot is only older");
    std::fs::write(dir.path().join("a").join("failed"), "no first screen after 3 starts").expect("failed");
    assert_eq!(rolled_back_from(&slots).as_deref(), Some("0.3.0"));
    assert_eq!(installed_version(&slots), "0.2.0");
}
