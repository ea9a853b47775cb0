//! Amounts and times: a parsed amount (微收银 wire or typed yuan) re-formats to the same fen; a 微收银
//! time re-formats to its own text.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        oracles::weishouyin_amount(text);
        oracles::yuan_entry(text);
        oracles::weishouyin_time(text);
    }
});
