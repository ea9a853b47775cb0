//! Spoken announcements through espeak-ng (Debian `espeak-ng`, which has Mandarin as `cmn`).
//!
//! `say` only queues: one utterance is spoken at a time on a background thread, and when
//! [`QUEUE`] are already waiting a new one is dropped (a late "paid" helps nobody). The text goes
//! to espeak-ng on stdin, never as an argument, so no announcement can be read as an option.
//! Prerecorded clips (better Mandarin than espeak-ng's) are left out.

use super::sound::Speaker;
use crate::core::Lang;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// Utterances waiting behind the one being spoken; more are dropped.
pub const QUEUE: usize = 3;

/// `voice = { enabled = true, volume = 120, speed = 150 }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceConfig {
    /// Off: announcements are only logged.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The espeak-ng binary (any program taking its options and reading text on stdin).
    #[serde(default = "default_program")]
    pub program: PathBuf,
    /// espeak-ng's voice; default `cmn` (Mandarin) for a Chinese till, `en` otherwise.
    #[serde(default)]
    pub voice: Option<String>,
    /// Amplitude, espeak-ng `-a` (0–200, its default 100).
    #[serde(default = "default_volume")]
    pub volume: u32,
    /// Words per minute, espeak-ng `-s` (80–450).
    #[serde(default = "default_speed")]
    pub speed: u32,
}

fn yes() -> bool {
    true
}
fn default_program() -> PathBuf {
    "espeak-ng".into()
}
fn default_volume() -> u32 {
    100
}
fn default_speed() -> u32 {
    150
}

impl Default for VoiceConfig {
    fn default() -> Self {
        VoiceConfig {
            enabled: true,
            program: default_program(),
            voice: None,
            volume: default_volume(),
            speed: default_speed(),
        }
    }
}

impl VoiceConfig {
    /// espeak-ng's arguments for the shop's language: voice, amplitude, speed, UTF-8 text on stdin.
    pub fn args(&self, lang: Lang) -> Vec<String> {
        let voice = self.voice.clone().unwrap_or_else(|| {
            match lang {
                Lang::Zh => "cmn",
                Lang::En => "en",
            }
            .into()
        });
        let volume = self.volume.min(200).to_string();
        let speed = self.speed.clamp(80, 450).to_string();
        ["-v", &voice, "-a", &volume, "-s", &speed, "-b", "1", "--stdin"].map(String::from).to_vec()
    }
}

/// Speaks through espeak-ng on a background thread.
pub struct EspeakSpeaker {
    queue: Option<mpsc::SyncSender<String>>,
    worker: Option<JoinHandle<()>>,
}

impl EspeakSpeaker {
    pub fn start(config: &VoiceConfig, lang: Lang) -> EspeakSpeaker {
        if !config.enabled {
            return EspeakSpeaker { queue: None, worker: None };
        }
        let (queue, texts) = mpsc::sync_channel::<String>(QUEUE);
        let program = config.program.clone();
        let args = config.args(lang);
        let worker = std::thread::Builder::new().name("voice".into()).spawn(move || {
            for text in texts {
                if let Err(e) = speak(&program, &args, &text) {
                    tracing::warn!(error = %e, program = %program.display(), "announcement not spoken");
                }
            }
        });
        match worker {
            Ok(worker) => EspeakSpeaker { queue: Some(queue), worker: Some(worker) },
            Err(e) => {
                tracing::warn!(error = %e, "no voice thread: announcements are only logged");
                EspeakSpeaker { queue: None, worker: None }
            }
        }
    }

    /// Speaks what is queued, then returns (for shutdown and tests).
    pub fn finish(mut self) {
        self.queue = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn speak(program: &PathBuf, args: &[String], text: &str) -> std::io::Result<()> {
    let mut child =
        Command::new(program).args(args).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes())?;
    }
    let status = child.wait()?;
    if status.success() { Ok(()) } else { Err(std::io::Error::other(format!("exited with {status}"))) }
}

impl Speaker for EspeakSpeaker {
    fn say(&self, text: &str) {
        tracing::info!(announcement = text, "voice");
        if let Some(queue) = &self.queue
            && queue.try_send(text.to_string()).is_err()
        {
            tracing::debug!(announcement = text, "voice busy: announcement dropped");
        }
    }
}

#[cfg(test)]
#[path = "voice_tests.rs"]
mod tests;
