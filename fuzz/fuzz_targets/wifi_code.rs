//! WIFI: codes: a written wpa_supplicant block or iwd file has no line break, control character or unescaped quote in a value.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        oracles::wifi_code(text);
    }
});
