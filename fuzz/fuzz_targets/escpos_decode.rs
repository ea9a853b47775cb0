//! ESC/POS decode: never panics on any bytes.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::escpos_decode(data);
});
