//! Slip bytes: the sanitized slip keeps only allow-listed commands, and sanitizing is idempotent.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::slip_bytes(data);
});
