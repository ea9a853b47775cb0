//! Keyboard layouts a HID ("keyboard wedge") scanner types in: which character each key gives.
//!
//! A scanner does not send characters, it presses keys as if on a keyboard of the layout it was
//! configured for; the till must read them with the same layout. The tables are data: a layout is
//! its letter rows, its other keys (plain and shifted) and its AltGr keys. Dead keys (`^ ´ `` on
//! `de`, `^ ¨` on `fr`) are not composed and so not listed: a code with them comes out without them.

use evdev::KeyCode as K;

/// A layout, by the name used in the config (`us`, `de`, `fr`).
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    pub name: &'static str,
    /// Keys that type a letter, row by row: Shift or Caps Lock gives its capital.
    letters: &'static [(&'static [K], &'static str)],
    /// Other keys: (key, plain, shifted); `NONE` where that level types nothing.
    symbols: &'static [(K, char, char)],
    /// Keys typed with AltGr (right Alt).
    altgr: &'static [(K, char)],
}

const NONE: char = '\0';

/// What a key types, given the modifiers held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Modifiers {
    pub shift: bool,
    pub caps_lock: bool,
    pub altgr: bool,
}

impl Layout {
    /// The layout named in the config, or `None` for a name the till has no table for.
    pub fn named(name: &str) -> Option<&'static Layout> {
        LAYOUTS.iter().copied().find(|l| l.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The character `key` types with `mods`, or `None` for keys that type no text here.
    pub fn char_for(&self, key: u16, mods: Modifiers) -> Option<char> {
        let key = K(key);
        if mods.altgr {
            return self.altgr.iter().find(|(k, _)| *k == key).map(|&(_, c)| c);
        }
        for (row, chars) in self.letters {
            if let Some(c) = row.iter().zip(chars.chars()).find(|(k, _)| **k == key).map(|(_, c)| c) {
                return Some(if mods.shift != mods.caps_lock { upper(c) } else { c });
            }
        }
        if let Some(&(_, plain, shifted)) = self.symbols.iter().find(|(k, _, _)| *k == key) {
            let c = if mods.shift { shifted } else { plain };
            return (c != NONE).then_some(c);
        }
        keypad(key)
    }
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// The numeric keypad types the same on every layout (with Num Lock on, as scanners assume).
fn keypad(key: K) -> Option<char> {
    Some(match key {
        K::KEY_KP0 => '0',
        K::KEY_KP1 => '1',
        K::KEY_KP2 => '2',
        K::KEY_KP3 => '3',
        K::KEY_KP4 => '4',
        K::KEY_KP5 => '5',
        K::KEY_KP6 => '6',
        K::KEY_KP7 => '7',
        K::KEY_KP8 => '8',
        K::KEY_KP9 => '9',
        K::KEY_KPDOT => '.',
        K::KEY_KPMINUS => '-',
        K::KEY_KPPLUS => '+',
        K::KEY_KPASTERISK => '*',
        K::KEY_KPSLASH => '/',
        _ => return None,
    })
}

pub static LAYOUTS: [&Layout; 3] = [&US, &DE, &FR];

const TOP: &[K] = &[K::KEY_Q, K::KEY_W, K::KEY_E, K::KEY_R, K::KEY_T, K::KEY_Y, K::KEY_U, K::KEY_I, K::KEY_O, K::KEY_P];
const HOME: &[K] = &[K::KEY_A, K::KEY_S, K::KEY_D, K::KEY_F, K::KEY_G, K::KEY_H, K::KEY_J, K::KEY_K, K::KEY_L];
const BOTTOM: &[K] = &[K::KEY_Z, K::KEY_X, K::KEY_C, K::KEY_V, K::KEY_B, K::KEY_N, K::KEY_M];

/// US English (QWERTY), most scanners' factory setting.
pub static US: Layout = Layout {
    name: "us",
    letters: &[(TOP, "qwertyuiop"), (HOME, "asdfghjkl"), (BOTTOM, "zxcvbnm")],
    symbols: &[
        (K::KEY_1, '1', '!'),
        (K::KEY_2, '2', '@'),
        (K::KEY_3, '3', '#'),
        (K::KEY_4, '4', '$'),
        (K::KEY_5, '5', '%'),
        (K::KEY_6, '6', '^'),
        (K::KEY_7, '7', '&'),
        (K::KEY_8, '8', '*'),
        (K::KEY_9, '9', '('),
        (K::KEY_0, '0', ')'),
        (K::KEY_MINUS, '-', '_'),
        (K::KEY_EQUAL, '=', '+'),
        (K::KEY_LEFTBRACE, '[', '{'),
        (K::KEY_RIGHTBRACE, ']', '}'),
        (K::KEY_SEMICOLON, ';', ':'),
        (K::KEY_APOSTROPHE, '\'', '"'),
        (K::KEY_GRAVE, '`', '~'),
        (K::KEY_BACKSLASH, '\\', '|'),
        (K::KEY_COMMA, ',', '<'),
        (K::KEY_DOT, '.', '>'),
        (K::KEY_SLASH, '/', '?'),
        (K::KEY_SPACE, ' ', ' '),
    ],
    altgr: &[],
};

/// German (QWERTZ, T1).
pub static DE: Layout = Layout {
    name: "de",
    letters: &[
        (TOP, "qwertzuiop"),
        (&[K::KEY_LEFTBRACE], "ü"),
        (HOME, "asdfghjkl"),
        (&[K::KEY_SEMICOLON, K::KEY_APOSTROPHE], "öä"),
        (BOTTOM, "yxcvbnm"),
    ],
    symbols: &[
        (K::KEY_1, '1', '!'),
        (K::KEY_2, '2', '"'),
        (K::KEY_3, '3', '§'),
        (K::KEY_4, '4', '$'),
        (K::KEY_5, '5', '%'),
        (K::KEY_6, '6', '&'),
        (K::KEY_7, '7', '/'),
        (K::KEY_8, '8', '('),
        (K::KEY_9, '9', ')'),
        (K::KEY_0, '0', '='),
        (K::KEY_MINUS, 'ß', '?'),
        (K::KEY_RIGHTBRACE, '+', '*'),
        (K::KEY_GRAVE, NONE, '°'),
        (K::KEY_BACKSLASH, '#', '\''),
        (K::KEY_102ND, '<', '>'),
        (K::KEY_COMMA, ',', ';'),
        (K::KEY_DOT, '.', ':'),
        (K::KEY_SLASH, '-', '_'),
        (K::KEY_SPACE, ' ', ' '),
    ],
    altgr: &[
        (K::KEY_Q, '@'),
        (K::KEY_E, '€'),
        (K::KEY_2, '²'),
        (K::KEY_3, '³'),
        (K::KEY_7, '{'),
        (K::KEY_8, '['),
        (K::KEY_9, ']'),
        (K::KEY_0, '}'),
        (K::KEY_MINUS, '\\'),
        (K::KEY_RIGHTBRACE, '~'),
        (K::KEY_102ND, '|'),
        (K::KEY_M, 'µ'),
    ],
};

/// French (AZERTY): digits need Shift.
pub static FR: Layout = Layout {
    name: "fr",
    letters: &[
        (TOP, "azertyuiop"),
        (HOME, "qsdfghjkl"),
        (&[K::KEY_SEMICOLON], "m"),
        (&[K::KEY_Z, K::KEY_X, K::KEY_C, K::KEY_V, K::KEY_B, K::KEY_N], "wxcvbn"),
    ],
    symbols: &[
        (K::KEY_1, '&', '1'),
        (K::KEY_2, 'é', '2'),
        (K::KEY_3, '"', '3'),
        (K::KEY_4, '\'', '4'),
        (K::KEY_5, '(', '5'),
        (K::KEY_6, '-', '6'),
        (K::KEY_7, 'è', '7'),
        (K::KEY_8, '_', '8'),
        (K::KEY_9, 'ç', '9'),
        (K::KEY_0, 'à', '0'),
        (K::KEY_MINUS, ')', '°'),
        (K::KEY_EQUAL, '=', '+'),
        (K::KEY_RIGHTBRACE, '$', '£'),
        (K::KEY_APOSTROPHE, 'ù', '%'),
        (K::KEY_GRAVE, '²', NONE),
        (K::KEY_BACKSLASH, '*', 'µ'),
        (K::KEY_102ND, '<', '>'),
        (K::KEY_M, ',', '?'),
        (K::KEY_COMMA, ';', '.'),
        (K::KEY_DOT, ':', '/'),
        (K::KEY_SLASH, '!', '§'),
        (K::KEY_SPACE, ' ', ' '),
    ],
    altgr: &[
        (K::KEY_E, '€'),
        (K::KEY_3, '#'),
        (K::KEY_4, '{'),
        (K::KEY_5, '['),
        (K::KEY_6, '|'),
        (K::KEY_8, '\\'),
        (K::KEY_0, '@'),
        (K::KEY_MINUS, ']'),
        (K::KEY_EQUAL, '}'),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Modifiers = Modifiers { shift: false, caps_lock: false, altgr: false };
    const SHIFT: Modifiers = Modifiers { shift: true, caps_lock: false, altgr: false };
    const ALTGR: Modifiers = Modifiers { shift: false, caps_lock: false, altgr: true };

    #[test]
    fn layouts_are_found_by_their_config_name() {
        assert_eq!(Layout::named("us"), Some(&US));
        assert_eq!(Layout::named(" DE "), Some(&DE));
        assert_eq!(Layout::named("fr").map(|l| l.name), Some("fr"));
        assert_eq!(Layout::named("dvorak"), None);
    }

    #[test]
    fn the_same_key_types_what_its_layout_prints_on_it() {
        let y = K::KEY_Y.code();
        assert_eq!(
            (US.char_for(y, PLAIN), DE.char_for(y, PLAIN), FR.char_for(y, PLAIN)),
            (Some('y'), Some('z'), Some('y'))
        );
        let q = K::KEY_Q.code();
        assert_eq!(
            (US.char_for(q, SHIFT), DE.char_for(q, ALTGR), FR.char_for(q, SHIFT)),
            (Some('Q'), Some('@'), Some('A'))
        );
        let one = K::KEY_1.code();
        assert_eq!(
            (US.char_for(one, PLAIN), FR.char_for(one, PLAIN), FR.char_for(one, SHIFT)),
            (Some('1'), Some('&'), Some('1'))
        );
        assert_eq!(DE.char_for(K::KEY_APOSTROPHE.code(), SHIFT), Some('Ä'));
        assert_eq!(US.char_for(K::KEY_Q.code(), ALTGR), None, "US has no AltGr level");
    }

    #[test]
    fn every_layout_types_every_digit_and_ascii_letter() {
        for layout in LAYOUTS {
            let mut typed = String::new();
            for key in 0..0x300 {
                for mods in [PLAIN, SHIFT, ALTGR] {
                    typed.extend(layout.char_for(key, mods));
                }
            }
            for c in ('0'..='9').chain('a'..='z').chain('A'..='Z').chain(":/.?=&;-_@".chars()) {
                assert!(typed.contains(c), "{} cannot type {c:?}", layout.name);
            }
        }
    }

    #[test]
    fn caps_lock_capitalises_letters_only_and_shift_undoes_it() {
        let caps = Modifiers { caps_lock: true, ..PLAIN };
        let both = Modifiers { caps_lock: true, shift: true, altgr: false };
        assert_eq!(US.char_for(K::KEY_A.code(), caps), Some('A'));
        assert_eq!(US.char_for(K::KEY_A.code(), both), Some('a'));
        assert_eq!(US.char_for(K::KEY_1.code(), caps), Some('1'));
    }

    #[test]
    fn keys_that_type_nothing_say_so() {
        assert_eq!(US.char_for(K::KEY_F1.code(), PLAIN), None);
        assert_eq!(US.char_for(K::KEY_LEFTSHIFT.code(), PLAIN), None);
        assert_eq!(DE.char_for(K::KEY_GRAVE.code(), PLAIN), None, "dead key");
        assert_eq!(FR.char_for(K::KEY_KP7.code(), PLAIN), Some('7'));
    }
}
