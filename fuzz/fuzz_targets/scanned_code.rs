//! Scanned codes: classified without panicking; a payment code is digits of its wallet's length; masks show at most 8 characters.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::scanned_code(&String::from_utf8_lossy(data));
});
