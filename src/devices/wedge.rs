//! Turns a keyboard-wedge scanner's key presses into whole codes: a pure state machine fed
//! `(key code, value, timestamp)` as the kernel reports them, with no IO and no clock of its own.
//!
//! Rules:
//! - A key press (value 1) types its character in the layout; releases (0) matter only for
//!   modifiers; auto-repeat (2) and keys that type nothing are ignored. Ctrl or left Alt held
//!   makes a chord, not text: ignored.
//! - The configured suffix (Enter, keypad Enter, or Tab) ends a code; the other of Enter/Tab is
//!   ignored (codes are one line). An empty code is no code.
//! - A pause longer than the inter-key timeout between two key events of one code: with a suffix
//!   configured, the partial code is abandoned (a scanner never pauses mid-code, so it was a
//!   stray key or a misread) and the next key starts a new one; with `Suffix::None` the pause is
//!   what ends the code. `tick` applies the same rule when no key comes at all.
//! - A code longer than `MAX_CODE_LEN` bytes is dropped as it comes (bounded memory) and reported
//!   once, with its length, when it ends.

use super::keymap::{Layout, Modifiers};
use crate::core::code::MAX_CODE_LEN;
use evdev::KeyCode as K;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the scanner sends after each code (its factory setting is usually Enter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Suffix {
    #[default]
    Enter,
    Tab,
    /// Nothing: a pause longer than the inter-key timeout ends the code.
    None,
}

/// The outcome of a key event or a tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assembled {
    /// A whole code.
    Code(String),
    /// Longer than `MAX_CODE_LEN` bytes: dropped. `len` is the bytes typed.
    TooLong { len: usize },
    /// A partial code abandoned after a pause, `len` bytes long.
    Abandoned { len: usize },
}

#[derive(Debug)]
pub struct CodeAssembler {
    layout: &'static Layout,
    suffix: Suffix,
    timeout: Duration,
    left_shift: bool,
    right_shift: bool,
    altgr: bool,
    caps_lock: bool,
    /// Ctrl (either) and left Alt held: keys pressed are chords, not text.
    chord: [bool; 3],
    code: String,
    /// Bytes typed in this code, counting those dropped past the limit.
    typed: usize,
    /// When the current code's last key event came (kernel time).
    last: Option<Duration>,
}

impl CodeAssembler {
    pub fn new(layout: &'static Layout, suffix: Suffix, timeout: Duration) -> CodeAssembler {
        CodeAssembler {
            layout,
            suffix,
            timeout,
            left_shift: false,
            right_shift: false,
            altgr: false,
            caps_lock: false,
            chord: [false; 3],
            code: String::new(),
            typed: 0,
            last: None,
        }
    }

    /// Feeds one `EV_KEY` event: `value` 1 press, 0 release, 2 auto-repeat; `at` its timestamp.
    pub fn key(&mut self, key: u16, value: i32, at: Duration) -> Option<Assembled> {
        if value != 0 && value != 1 {
            return None;
        }
        let paused = self.tick(at);
        let pressed = value == 1;
        if self.typed > 0 {
            self.last = Some(at);
        }
        match K(key) {
            K::KEY_LEFTSHIFT => self.left_shift = pressed,
            K::KEY_RIGHTSHIFT => self.right_shift = pressed,
            K::KEY_RIGHTALT => self.altgr = pressed,
            K::KEY_LEFTCTRL => self.chord[0] = pressed,
            K::KEY_RIGHTCTRL => self.chord[1] = pressed,
            K::KEY_LEFTALT => self.chord[2] = pressed,
            K::KEY_CAPSLOCK if pressed => self.caps_lock = !self.caps_lock,
            _ if !pressed || self.chord.iter().any(|&c| c) => {}
            K::KEY_ENTER | K::KEY_KPENTER if self.suffix == Suffix::Enter => return paused.or_else(|| self.end()),
            K::KEY_TAB if self.suffix == Suffix::Tab => return paused.or_else(|| self.end()),
            _ => {
                let mods = Modifiers {
                    shift: self.left_shift || self.right_shift,
                    caps_lock: self.caps_lock,
                    altgr: self.altgr,
                };
                if let Some(c) = self.layout.char_for(key, mods) {
                    self.push(c, at);
                }
            }
        }
        paused
    }

    /// Applies the inter-key timeout at time `now` (same clock as the events): ends or abandons
    /// a partial code that has waited too long.
    pub fn tick(&mut self, now: Duration) -> Option<Assembled> {
        let last = self.last?;
        if now.saturating_sub(last) <= self.timeout {
            return None;
        }
        match self.suffix {
            Suffix::None => self.end(),
            Suffix::Enter | Suffix::Tab => {
                let len = self.typed;
                self.clear();
                Some(Assembled::Abandoned { len })
            }
        }
    }

    /// When `tick` next has something to do: the end of the timeout after a partial code's last key.
    pub fn deadline(&self) -> Option<Duration> {
        self.last.map(|last| last + self.timeout)
    }

    fn push(&mut self, c: char, at: Duration) {
        self.typed += c.len_utf8();
        self.last = Some(at);
        if self.typed <= MAX_CODE_LEN {
            self.code.push(c);
        }
    }

    fn end(&mut self) -> Option<Assembled> {
        let out = match self.typed {
            0 => None,
            len if len > MAX_CODE_LEN => Some(Assembled::TooLong { len }),
            _ => Some(Assembled::Code(std::mem::take(&mut self.code))),
        };
        self.clear();
        out
    }

    fn clear(&mut self) {
        self.code.clear();
        self.typed = 0;
        self.last = None;
    }
}

#[cfg(test)]
mod tests;
