//! 微收银 answers: paid only with ok=1, a bill id, our amount and no other order number; its printinfo makes a safe slip.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::weishouyin_answer(data);
});
