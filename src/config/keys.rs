//! `keys.toml` beside `till.toml`: function keys bound to intents.

use super::{ConfigError, parse_error};
use crate::core::intent::Binding;
use serde::Deserialize;
use std::path::Path;

/// `keys.toml`: `[[bind]]` tables, each a function key, its screen and its intent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    #[serde(default)]
    bind: Vec<Binding>,
}

/// The name of the key-binding file beside `till.toml`.
pub const KEYS_FILE: &str = "keys.toml";

/// The bindings of a `keys.toml`: only function keys F1 to F12 (the other keys are typing).
pub fn parse_keys(path: &Path, text: &str) -> Result<Vec<Binding>, ConfigError> {
    let file: KeysFile = toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
    match file.bind.iter().find(|b| !(1..=12).contains(&b.f)) {
        Some(b) => Err(ConfigError::Invalid(format!("{}: F{} is not a function key (F1 to F12)", path.display(), b.f))),
        None => Ok(file.bind),
    }
}
