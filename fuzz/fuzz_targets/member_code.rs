//! Dynamic member codes (`core::member_code::parse`): read only when bounded and well formed; the digits never in a `Debug`.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::member_code(&String::from_utf8_lossy(data));
});
