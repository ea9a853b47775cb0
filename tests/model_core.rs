//! A model-based random test of the pure core (issue 16): a seeded world drives `core::update` with
//! a cashier's keys and scans, a network that answers late, twice, out of order or not at all, a
//! truthful payment platform (Cloud Pay or 微收银), a store, clock steps and restarts, and checks
//! after every step that money is never wrong (see `model_core/oracles.rs` and docs/fuzzing.md).
//!
//! `MODEL_SEED=0x…` replays one case; `MODEL_CASES` and `MODEL_STEPS` change the budget. A failing
//! case writes its whole trace to `$TMPDIR/model_core-<seed>.trace` and names the seed.

#![allow(clippy::panic)] // a failed oracle fails the test

#[path = "model_core/oracles.rs"]
mod oracles;
#[path = "model_core/platform.rs"]
mod platform;
#[path = "model_core/rng.rs"]
mod rng;
#[path = "model_core/store.rs"]
mod store;
#[path = "model_core/world.rs"]
mod world;

use std::collections::BTreeMap;
use std::time::Instant;

const BASE_SEED: u64 = 0x0016_d0d0_5eed;
const CASES: u64 = 2_000;
const STEPS: usize = 150;

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={text}: {e}")))
}

/// One case: `steps` random steps, then settling; the trace on failure.
fn run_case(seed: u64, steps: usize, seen: &mut BTreeMap<&'static str, u64>) -> Result<(), (String, Vec<String>)> {
    // One case in four (by seed) may empty its store during the day (`MODEL_AMNESIA=0` never, `=1` always).
    let amnesia = match env_number("MODEL_AMNESIA") {
        Some(n) => n == 1,
        None => seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 62 == 0,
    };
    let mut world = match world::World::new(seed, amnesia) {
        Ok(w) => w,
        Err(e) => return Err((e, Vec::new())),
    };
    let result = (0..steps).try_for_each(|i| {
        world.trace.push(format!("step {i}"));
        world.step()
    });
    let result = result.and_then(|()| world.settle());
    for (k, n) in &world.seen {
        *seen.entry(k).or_insert(0) += n;
    }
    result.map_err(|e| (e, std::mem::take(&mut world.trace)))
}

#[test]
fn money_is_never_wrong_against_a_truthful_platform() {
    let steps = env_number("MODEL_STEPS").map_or(STEPS, |n| n as usize);
    let seeds: Vec<u64> = match env_number("MODEL_SEED") {
        Some(seed) => vec![seed],
        None => {
            let cases = env_number("MODEL_CASES").unwrap_or(CASES);
            (0..cases).map(|i| BASE_SEED.wrapping_add(i.wrapping_mul(0x9e37_79b9))).collect()
        }
    };
    let started = Instant::now();
    let mut seen = BTreeMap::new();
    for seed in &seeds {
        if let Err((why, trace)) = run_case(*seed, steps, &mut seen) {
            let dir = std::env::var_os("TMPDIR").map_or_else(std::env::temp_dir, std::path::PathBuf::from);
            let path = dir.join(format!("model_core-{seed:#x}.trace"));
            let text = format!("{}\nFAILED: {why}\n", trace.join("\n"));
            let _ = std::fs::write(&path, &text);
            let tail: Vec<&str> = text.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
            panic!(
                "{why}\nreplay: MODEL_SEED={seed:#x} MODEL_STEPS={steps} cargo test --test model_core\ntrace: {}\n…\n{}",
                path.display(),
                tail.join("\n")
            );
        }
    }
    eprintln!("{} cases of {steps} steps in {:.1} s: {seen:?}", seeds.len(), started.elapsed().as_secs_f64());
}
