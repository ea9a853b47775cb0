//! Fakes for tests: they record what the till asked of them, in one shared journal so that tests
//! can check the order of things (a save before the platform call, a receipt after the save).

use super::{Buzzer, Printer, PrinterError, Speaker};
use crate::core::Beep;
use std::sync::{Arc, Mutex};

/// What happened, in order, across all fakes that share it.
#[derive(Clone, Default)]
pub struct Journal(Arc<Mutex<Vec<String>>>);

impl Journal {
    pub fn push(&self, entry: impl Into<String>) {
        if let Ok(mut j) = self.0.lock() {
            j.push(entry.into());
        }
    }

    pub fn entries(&self) -> Vec<String> {
        self.0.lock().map(|j| j.clone()).unwrap_or_default()
    }
}

pub struct RecordingPrinter(pub Journal);

impl Printer for RecordingPrinter {
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError> {
        self.0.push(format!("print {} bytes", bytes.len()));
        Ok(())
    }

    fn describe(&self) -> String {
        "recording printer".into()
    }
}

/// A printer that keeps every job's bytes, in order (the integration tests read receipts off it).
#[derive(Clone, Default)]
pub struct PaperRoll(Arc<Mutex<Vec<Vec<u8>>>>);

impl PaperRoll {
    /// Every job printed so far, oldest first.
    pub fn jobs(&self) -> Vec<Vec<u8>> {
        self.0.lock().map(|j| j.clone()).unwrap_or_default()
    }
}

impl Printer for PaperRoll {
    fn print(&self, bytes: &[u8]) -> Result<(), PrinterError> {
        if let Ok(mut j) = self.0.lock() {
            j.push(bytes.to_vec());
        }
        Ok(())
    }

    fn describe(&self) -> String {
        "paper roll".into()
    }
}

pub struct RecordingBuzzer(pub Journal);

impl Buzzer for RecordingBuzzer {
    fn beep(&self, kind: Beep) {
        self.0.push(format!("beep {kind:?}"));
    }
}

pub struct RecordingSpeaker(pub Journal);

impl Speaker for RecordingSpeaker {
    fn say(&self, text: &str) {
        self.0.push(format!("say {text}"));
    }
}
