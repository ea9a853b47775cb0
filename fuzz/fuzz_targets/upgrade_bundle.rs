//! Upgrade bundles: only a bundle signed by a trusted key verifies, exactly as signed.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::upgrade_bundle(data);
});
