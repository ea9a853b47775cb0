//! Weighing at the till (称重模式): a counter scale's live weight, and the rule that only a stable,
//! fresh, non-zero weight enters a sale (docs/reference/retail-devices.md, "Scales read by the
//! till"). A weighed product's own code (not a label) scanned or typed with a scale attached is sold
//! at its price per kilogram × the weight on the scale, rounded half up to the fen.

use super::catalog::Product;
use super::clock::Millis;
use super::notice::{Notice, refuse};
use super::scale_label::Grams;
use super::{Effect, State};
use serde::{Deserialize, Serialize};

/// A reading older than this is no reading: the scale went quiet (unplugged, switched off).
pub const FRESH_MS: i64 = 3_000;

/// One weight from the scale: net grams (kg with 3 decimals) and whether it has settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub grams: Grams,
    pub stable: bool,
}

/// What the till knows of its scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scale {
    /// The last reading, none while the scale does not answer.
    pub reading: Option<Reading>,
    pub at: Millis,
    /// The container's weight, taken off each reading (`Intent::Tare`).
    #[serde(default)]
    pub tare: Grams,
}

impl Scale {
    /// The weight a sale may take now: stable, fresh and more than nothing.
    pub fn sellable(&self, now: Millis) -> Option<Grams> {
        let r = self.net()?;
        (r.stable && r.grams.0 > 0 && now.since(self.at) <= FRESH_MS).then_some(r.grams)
    }

    /// The last reading less the tare (never below nothing).
    pub fn net(&self) -> Option<Reading> {
        self.reading.map(|r| Reading { grams: Grams(r.grams.0.saturating_sub(self.tare.0)), ..r })
    }
}

/// A reading from the scale's reader (none: the scale is not there).
pub(super) fn on_reading(state: &mut State, reading: Option<Reading>) {
    let tare = state.scale.map(|s| s.tare).unwrap_or_default();
    state.scale = Some(Scale { reading, at: state.now, tare });
}

/// What is on the scale now, settled, becomes the tare (an empty scale clears it).
pub(super) fn tare(state: &mut State, fx: &mut Vec<Effect>) {
    let now = state.now;
    match state.scale.as_mut() {
        Some(s) if now.since(s.at) <= FRESH_MS && s.reading.is_some_and(|r| r.stable) => {
            s.tare = s.reading.map(|r| r.grams).unwrap_or_default();
            fx.push(Effect::Beep(super::Beep::Accepted));
        }
        _ => refuse(state, Notice::ScaleNotStable, fx),
    }
}

/// Sells `product` by the weight on the scale, or says why not.
pub(super) fn sell(state: &mut State, product: &Product, fx: &mut Vec<Effect>) {
    let Some(grams) = state.scale.and_then(|s| s.sellable(state.now)) else {
        return refuse(state, Notice::ScaleNotStable, fx);
    };
    let Some(amount) = grams.amount_at(product.price) else {
        return refuse(state, Notice::AmountTooLarge, fx);
    };
    let name = format!("{} {grams}", product.name);
    super::sale::add_line(state, &product.barcode, &name, amount, fx);
}
