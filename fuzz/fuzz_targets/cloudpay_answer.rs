//! Cloud Pay answers: never paid, cancelled, refunded or found unless signed with our key; paid only for our order and amount.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::cloudpay_answer(data);
});
