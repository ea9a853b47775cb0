//! `till import` files: refused with the store left empty, or a store that reopens, reads back and
//! exports what imports to the same export.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    oracles::store_import(data);
});
