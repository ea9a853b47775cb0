//! Provisioning files (till.toml, wifi.txt, activation.txt on the boot partition, split at NUL bytes): no secret in a reason, no file both applied and kept.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::provision_files(data);
});
