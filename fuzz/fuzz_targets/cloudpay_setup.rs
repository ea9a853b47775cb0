//! Cloud Pay set-up: a URL names only an allowed host over HTTPS; an answer configures only the scanned shop.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0, url)) => oracles::cloudpay_setup_url(&String::from_utf8_lossy(url)),
        Some((_, answer)) => oracles::cloudpay_setup_answer(answer),
        None => {}
    }
});
