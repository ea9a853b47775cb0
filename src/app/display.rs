//! The customer display's worker: a thread of its own that writes each new picture to the display.
//! The effect runner only hands it the newest `Shown` ([`DisplayFeed::show`] never waits): a
//! display that is slow, stuck or unplugged never holds back a sale, a save or a frame. Pictures
//! are not queued: only the newest one matters to the customer, so while a write is under way the
//! ones after it collapse into the last. A picture the display did not take is tried again every
//! few seconds until it does or a newer one replaces it.

use crate::core::Lang;
use crate::core::display::Shown;
use crate::devices::display::{CustomerDisplay, DisplayProfile, encode};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// How often a picture the display did not take is sent again.
pub const RETRY: Duration = Duration::from_secs(3);

/// The effect runner's end: cheap to clone, never blocks.
#[derive(Clone)]
pub struct DisplayFeed {
    tx: Option<Sender<Shown>>,
}

impl DisplayFeed {
    /// A till without a customer display.
    pub fn none() -> DisplayFeed {
        DisplayFeed { tx: None }
    }

    pub fn show(&self, shown: Shown) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(shown);
        }
    }
}

/// Starts the worker thread, which shows `Shown::Idle` first.
pub fn start(display: Arc<dyn CustomerDisplay>, profile: DisplayProfile, lang: Lang) -> std::io::Result<DisplayFeed> {
    let (tx, rx) = channel();
    let _ = tx.send(Shown::Idle);
    std::thread::Builder::new().name("till-display".into()).spawn(move || run(&rx, &*display, profile, lang))?;
    Ok(DisplayFeed { tx: Some(tx) })
}

fn run(rx: &Receiver<Shown>, port: &dyn CustomerDisplay, profile: DisplayProfile, lang: Lang) {
    let mut waiting: Option<Shown> = None;
    let mut failing = false;
    loop {
        let next = match waiting {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(shown) => match rx.recv_timeout(RETRY) {
                Err(RecvTimeoutError::Timeout) => Ok(shown),
                other => other,
            },
        };
        let Ok(mut shown) = next else { return };
        // Only the newest picture is worth sending.
        while let Ok(newer) = rx.try_recv() {
            shown = newer;
        }
        match port.send(&encode(profile, &shown, lang)) {
            Ok(()) => {
                if failing {
                    tracing::info!(device = port.describe(), "customer display back");
                }
                failing = false;
                waiting = None;
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "customer display not updated: tried again every few seconds");
                }
                failing = true;
                waiting = Some(shown);
            }
        }
    }
}
