//! The counter scale's reader: a thread of its own (`till-scale`) that reads the port and sends
//! the weight to the core as `Msg::Scale`, only when it changed and once a second besides (so the
//! core can tell a quiet scale from a steady one). The render loop never reads the port.

use super::Engine;
use crate::core::Msg;
use crate::devices::scale::{self, ScaleConfig};
use std::time::{Duration, Instant};

/// Sent again unchanged this often: the core's freshness check (`weighing::FRESH_MS`) needs it.
const HEARTBEAT: Duration = Duration::from_secs(1);

impl Engine {
    /// Starts reading the scale of `config`.
    pub fn attach_scale(&self, config: ScaleConfig) -> std::io::Result<()> {
        let msgs = self.msgs.clone();
        std::thread::Builder::new().name("till-scale".into()).spawn(move || {
            let mut last = None;
            let mut sent_at = Instant::now();
            scale::run(&config, &mut |reading| {
                if reading == last && sent_at.elapsed() < HEARTBEAT {
                    return true;
                }
                last = reading;
                sent_at = Instant::now();
                msgs.send(Msg::Scale(reading)).is_ok()
            });
        })?;
        Ok(())
    }
}
