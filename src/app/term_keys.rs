//! The terminal's bytes read as keys: the till's own small parser for what a keyboard and a
//! keyboard-wedge scanner send through the Linux console, fbterm and xterm-like terminals.
//!
//! crossterm's parser reads an Escape followed at once by a key's escape sequence in the same read
//! (`ESC ESC [ [ C`: Esc, then F3 on the Linux console) as one Alt-modified Escape and drops both
//! escapes, so the sequence's tail arrives as typed characters (issue 22: on the plain console under
//! load, Esc then F3 typed `[[C`). Here every ESC starts a new key: ESC ESC is Esc and then whatever
//! the second ESC begins, and a lone ESC is Esc once no byte follows it within [`ESC_WAIT`].
//!
//! Sequences read (any modifier parameters are ignored: the till has no modified keys):
//! - CSI `ESC [` … final: `A`/`B` up/down, `~` with 3 (Delete), 11–15, 17–21, 23–24 (F1–F12),
//!   `P`–`S` (F1–F4 with modifiers), `200~` … `201~` a bracketed paste;
//! - the Linux console's `ESC [ [ A`…`E` (F1–F5);
//! - SS3 `ESC O` `P`–`S` (F1–F4), `A`/`B` (up/down in application mode), `M` (keypad Enter).
//!
//! Other sequences are read whole and dropped. Control characters but CR (Enter), DEL and BS
//! (Backspace) are dropped, as Ctrl-C is: the till is a kiosk. A paste keeps at most [`PASTE_MAX`]
//! characters (a payment code is 18 digits; the rest of a runaway paste is dropped).

use crate::core::Key;
use std::time::Duration;

/// How long a lone ESC waits for the rest of a sequence before it is the Escape key. A key's whole
/// sequence is written at once by the console, so this only matters on a slow link.
pub const ESC_WAIT: Duration = Duration::from_millis(25);

/// The longest paste kept, in characters.
pub const PASTE_MAX: usize = 4096;

/// The longest escape sequence read; a longer one is dropped whole.
const SEQ_MAX: usize = 32;

/// A key, or a paste, as the terminal sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermKey {
    Key(Key),
    Paste(String),
}

#[derive(Debug, Default)]
enum State {
    #[default]
    Ground,
    /// An ESC read; what follows decides.
    Esc,
    /// `ESC [` and the parameter/intermediate bytes since.
    Csi(Vec<u8>),
    /// `ESC [ [`: the Linux console's F1–F5.
    ConsoleF,
    /// `ESC O`.
    Ss3,
    /// Inside a bracketed paste: the text so far and the bytes that may be its end (`ESC [ 201 ~`).
    Paste { text: Vec<u8>, tail: Vec<u8> },
    /// An over-long sequence being dropped up to its final byte.
    Drop,
}

/// Bytes in, keys out; keeps a sequence split across reads.
#[derive(Debug, Default)]
pub struct KeyParser {
    state: State,
    /// The bytes of a UTF-8 character not yet complete.
    utf8: Vec<u8>,
}

const PASTE_END: &[u8] = b"\x1b[201~";

impl KeyParser {
    pub fn new() -> KeyParser {
        KeyParser::default()
    }

    /// Whether a read should wait at most [`ESC_WAIT`] and then call [`KeyParser::flush`]: a lone
    /// ESC is pending.
    pub fn waiting_for_escape(&self) -> bool {
        matches!(self.state, State::Esc)
    }

    /// No byte came after a lone ESC: it was the Escape key.
    pub fn flush(&mut self) -> Vec<TermKey> {
        match self.state {
            State::Esc => {
                self.state = State::Ground;
                vec![TermKey::Key(Key::Esc)]
            }
            _ => Vec::new(),
        }
    }

    /// The keys that `bytes` complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<TermKey> {
        let mut keys = Vec::new();
        for &b in bytes {
            self.byte(b, &mut keys);
        }
        keys
    }

    fn byte(&mut self, b: u8, keys: &mut Vec<TermKey>) {
        match std::mem::take(&mut self.state) {
            State::Ground => self.ground(b, keys),
            State::Esc => match b {
                b'[' => self.state = State::Csi(Vec::new()),
                b'O' => self.state = State::Ss3,
                // Esc, and a new sequence begins.
                0x1b => {
                    keys.push(TermKey::Key(Key::Esc));
                    self.state = State::Esc;
                }
                // Esc pressed, then a key at once (an Alt-modified key to crossterm).
                _ => {
                    keys.push(TermKey::Key(Key::Esc));
                    self.ground(b, keys);
                }
            },
            State::Csi(mut params) => match b {
                b'[' if params.is_empty() => self.state = State::ConsoleF,
                0x1b => self.state = State::Esc,
                0x20..=0x3f => {
                    params.push(b);
                    self.state = if params.len() > SEQ_MAX { State::Drop } else { State::Csi(params) };
                }
                0x40..=0x7e => self.csi(&params, b, keys),
                // A control byte inside a sequence: the sequence is broken; drop it.
                _ => {}
            },
            State::ConsoleF => match b {
                b'A'..=b'E' => keys.push(TermKey::Key(Key::F(1 + b - b'A'))),
                0x1b => self.state = State::Esc,
                _ => {}
            },
            State::Ss3 => match b {
                b'P'..=b'S' => keys.push(TermKey::Key(Key::F(1 + b - b'P'))),
                b'A' => keys.push(TermKey::Key(Key::Up)),
                b'B' => keys.push(TermKey::Key(Key::Down)),
                b'M' => keys.push(TermKey::Key(Key::Enter)),
                0x1b => self.state = State::Esc,
                _ => {}
            },
            State::Paste { mut text, mut tail } => {
                tail.push(b);
                if PASTE_END.starts_with(&tail) {
                    if tail.len() == PASTE_END.len() {
                        keys.push(TermKey::Paste(paste_text(&text)));
                    } else {
                        self.state = State::Paste { text, tail };
                    }
                } else {
                    // Not the end after all: what was held back is pasted text (bounded), but
                    // an ESC that may begin the end.
                    let restart = b == 0x1b && tail.len() > 1;
                    if restart {
                        tail.pop();
                    }
                    for &t in &tail {
                        if text.len() < PASTE_MAX * 4 {
                            text.push(t);
                        }
                    }
                    tail.clear();
                    if restart {
                        tail.push(0x1b);
                    }
                    self.state = State::Paste { text, tail };
                }
            }
            State::Drop => {
                if !(0x20..=0x3f).contains(&b) {
                    // The final byte (or a stray control byte) ends the dropped sequence.
                    if b == 0x1b {
                        self.state = State::Esc;
                    }
                } else {
                    self.state = State::Drop;
                }
            }
        }
    }

    fn ground(&mut self, b: u8, keys: &mut Vec<TermKey>) {
        if !self.utf8.is_empty() || b >= 0x80 {
            self.utf8.push(b);
            match std::str::from_utf8(&self.utf8) {
                Ok(s) => {
                    keys.extend(s.chars().map(|c| TermKey::Key(Key::Char(c))));
                    self.utf8.clear();
                }
                // Incomplete: wait for the rest, up to a character's four bytes.
                Err(e) if e.error_len().is_none() && self.utf8.len() < 4 => {}
                // Not UTF-8: dropped.
                Err(_) => self.utf8.clear(),
            }
            return;
        }
        match b {
            0x1b => self.state = State::Esc,
            b'\r' => keys.push(TermKey::Key(Key::Enter)),
            0x7f | 0x08 => keys.push(TermKey::Key(Key::Backspace)),
            0x20..=0x7e => keys.push(TermKey::Key(Key::Char(b as char))),
            // Tab, LF (Ctrl-J in raw mode) and the other control characters: nothing, as Ctrl-C.
            _ => {}
        }
    }

    fn csi(&mut self, params: &[u8], fin: u8, keys: &mut Vec<TermKey>) {
        let first: Option<u32> =
            params.split(|&c| c == b';').next().and_then(|p| std::str::from_utf8(p).ok()).and_then(|p| p.parse().ok());
        let key = match (fin, first) {
            (b'A', _) => Some(TermKey::Key(Key::Up)),
            (b'B', _) => Some(TermKey::Key(Key::Down)),
            (b'P'..=b'S', _) => Some(TermKey::Key(Key::F(1 + fin - b'P'))),
            (b'~', Some(200)) => {
                self.state = State::Paste { text: Vec::new(), tail: Vec::new() };
                None
            }
            (b'~', Some(3)) => Some(TermKey::Key(Key::Delete)),
            (b'~', Some(n @ 11..=15)) => Some(TermKey::Key(Key::F((n - 10) as u8))),
            (b'~', Some(n @ 17..=21)) => Some(TermKey::Key(Key::F((n - 11) as u8))),
            (b'~', Some(n @ 23..=24)) => Some(TermKey::Key(Key::F((n - 12) as u8))),
            _ => None,
        };
        keys.extend(key);
    }
}

/// A paste's text, at most [`PASTE_MAX`] characters (invalid UTF-8 replaced).
fn paste_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(PASTE_MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Key::*;

    /// The keys of `bytes`, a paste as `Paste`.
    fn keys(bytes: &[u8]) -> Vec<TermKey> {
        let mut p = KeyParser::new();
        let mut k = p.feed(bytes);
        k.extend(p.flush());
        k
    }

    /// `keys` as expected.
    fn k(keys: impl IntoIterator<Item = Key>) -> Vec<TermKey> {
        keys.into_iter().map(TermKey::Key).collect()
    }

    #[allow(non_snake_case)]
    fn Paste(text: &str) -> TermKey {
        TermKey::Paste(text.into())
    }

    #[test]
    fn escape_then_a_function_key_in_one_read_is_both_keys() {
        // The Linux console's F3 right after Esc: seen as "[[C" typed with crossterm.
        assert_eq!(keys(b"\x1b\x1b[[C"), k([Esc, F(3)]));
        // xterm's and fbterm's.
        assert_eq!(keys(b"\x1b\x1bOR"), k([Esc, F(3)]));
        assert_eq!(keys(b"\x1b\x1b[17~"), k([Esc, F(6)]));
        assert_eq!(keys(b"\x1b\x1b\x1b"), k([Esc, Esc, Esc]));
        assert_eq!(keys(b"\x1ba"), k([Esc, Char('a')]));
    }

    #[test]
    fn function_keys_of_every_terminal() {
        let console: Vec<_> =
            [b"\x1b[[A", b"\x1b[[B", b"\x1b[[C", b"\x1b[[D", b"\x1b[[E"].iter().flat_map(|s| keys(&s[..])).collect();
        assert_eq!(console, k((1..=5).map(F)));
        let ss3: Vec<_> = [b"\x1bOP", b"\x1bOQ", b"\x1bOR", b"\x1bOS"].iter().flat_map(|s| keys(&s[..])).collect();
        assert_eq!(ss3, k((1..=4).map(F)));
        let tilde: Vec<_> =
            [15, 17, 18, 19, 20, 21, 23, 24].iter().flat_map(|n| keys(format!("\x1b[{n}~").as_bytes())).collect();
        assert_eq!(tilde, k((5..=12).map(F)));
        assert_eq!(keys(b"\x1b[11~\x1b[1;2P\x1b[15;5~"), k([F(1), F(1), F(5)]));
        assert_eq!(keys(b"\x1b[A\x1b[B\x1bOA\x1bOB\x1b[1;5A"), k([Up, Down, Up, Down, Up]));
        assert_eq!(keys(b"\x1b[3~\x1b[C\x1b[H\x1b[5~"), k([Delete]));
    }

    #[test]
    fn typing_and_a_scanner() {
        assert_eq!(keys(b"69\r"), k([Char('6'), Char('9'), Enter]));
        assert_eq!(keys(b"\x7f\x08"), k([Backspace, Backspace]));
        // Ctrl-C, Tab and LF do nothing.
        assert_eq!(keys(b"\x03\t\n"), k([]));
        assert_eq!(keys("收银".as_bytes()), k([Char('收'), Char('银')]));
    }

    #[test]
    fn sequences_split_across_reads_are_kept() {
        let mut p = KeyParser::new();
        assert_eq!(p.feed(b"\x1b"), k([]));
        assert!(p.waiting_for_escape());
        assert_eq!(p.feed(b"["), k([]));
        assert!(!p.waiting_for_escape());
        assert_eq!(p.feed(b"[C"), k([F(3)]));
        let bytes = "银".as_bytes();
        assert_eq!(p.feed(&bytes[..1]), k([]));
        assert_eq!(p.feed(&bytes[1..]), k([Char('银')]));
        // A lone ESC with nothing after it is the Escape key.
        assert_eq!(p.feed(b"\x1b"), k([]));
        assert_eq!(p.flush(), k([Esc]));
        assert_eq!(p.flush(), k([]));
    }

    #[test]
    fn a_paste_is_one_event_bounded() {
        assert_eq!(keys(b"\x1b[200~1346\r\x1b[201~5"), vec![Paste("1346\r"), TermKey::Key(Char('5'))]);
        // An ESC inside the paste that is not its end is pasted text.
        assert_eq!(keys(b"\x1b[200~a\x1b[2b\x1b[201~"), vec![Paste("a\x1b[2b")]);
        assert_eq!(keys(b"\x1b[200~a\x1b[2\x1b[201~"), vec![Paste("a\x1b[2")]);
        let long = format!("\x1b[200~{}\x1b[201~", "8".repeat(PASTE_MAX * 10));
        assert_eq!(keys(long.as_bytes()), vec![TermKey::Paste("8".repeat(PASTE_MAX))]);
    }

    #[test]
    fn broken_and_overlong_sequences_are_dropped_whole() {
        let long = format!("\x1b[{}A1", "9".repeat(SEQ_MAX * 4));
        assert_eq!(keys(long.as_bytes()), k([Char('1')]));
        assert_eq!(keys(b"\x1b[12\x03x"), k([Char('x')]));
        assert_eq!(keys(b"\xff\xfe2"), k([Char('2')]));
        assert_eq!(keys(b"\x1b[[Z1"), k([Char('1')]));
    }
}
