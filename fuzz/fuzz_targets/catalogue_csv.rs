//! Catalogue CSV: whatever is read is written back and read again to the same rows.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        oracles::catalogue_csv(text);
    }
});
