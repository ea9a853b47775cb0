//! Keyboard-wedge events (8 bytes each: key, value, microseconds since the previous): codes are 1..=MAX_CODE_LEN bytes of text.
#![no_main]

#[path = "../../tests/untrusted_input/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else { return };
    let suffix = match head % 3 {
        0 => till::devices::wedge::Suffix::Enter,
        1 => till::devices::wedge::Suffix::Tab,
        _ => till::devices::wedge::Suffix::None,
    };
    let events: Vec<(u16, i32, u64)> = rest
        .chunks_exact(8)
        .map(|c| {
            let key = u16::from_le_bytes([c[0], c[1]]);
            let value = i32::from(c[2] % 4);
            let dt = u64::from(u32::from_le_bytes([c[3], c[4], c[5], c[6]])) * u64::from(c[7] % 4);
            (key, value, dt)
        })
        .collect();
    oracles::wedge_events(suffix, 50_000, &events);
});
