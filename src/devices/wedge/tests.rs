use super::*;
use crate::devices::keymap::{DE, FR, LAYOUTS, US};

const MS: Duration = Duration::from_millis(1);
const TIMEOUT: Duration = Duration::from_millis(50);

/// A scanner playing keys into an assembler, one event per millisecond; collects what comes out.
struct Scanner {
    asm: CodeAssembler,
    layout: &'static Layout,
    now: Duration,
    out: Vec<Assembled>,
    /// Which shift key the next shifted character uses: scanners differ.
    right_shift: bool,
}

impl Scanner {
    fn new(layout: &'static Layout, suffix: Suffix) -> Scanner {
        Scanner {
            asm: CodeAssembler::new(layout, suffix, TIMEOUT),
            layout,
            now: Duration::from_secs(1_700_000_000),
            out: vec![],
            right_shift: false,
        }
    }

    fn ev(&mut self, key: K, value: i32) -> &mut Self {
        self.now += MS;
        self.out.extend(self.asm.key(key.code(), value, self.now));
        self
    }

    fn tap(&mut self, key: K) -> &mut Self {
        self.ev(key, 1).ev(key, 0)
    }

    fn wait(&mut self, d: Duration) -> &mut Self {
        self.now += d;
        self
    }

    fn tick(&mut self) -> &mut Self {
        self.out.extend(self.asm.tick(self.now));
        self
    }

    /// Types `text` as a scanner set to this layout would: each character with the modifier its
    /// key needs, alternating left and right Shift.
    fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            let (key, mods) = key_for(self.layout, c);
            let modifier = if mods.altgr {
                Some(K::KEY_RIGHTALT)
            } else if mods.shift {
                self.right_shift = !self.right_shift;
                Some(if self.right_shift { K::KEY_RIGHTSHIFT } else { K::KEY_LEFTSHIFT })
            } else {
                None
            };
            if let Some(m) = modifier {
                self.ev(m, 1);
            }
            self.tap(key);
            if let Some(m) = modifier {
                self.ev(m, 0);
            }
        }
        self
    }

    fn codes(&self) -> Vec<Assembled> {
        self.out.clone()
    }
}

fn key_for(layout: &Layout, c: char) -> (K, Modifiers) {
    for mods in [
        Modifiers::default(),
        Modifiers { shift: true, ..Default::default() },
        Modifiers { altgr: true, ..Default::default() },
    ] {
        for key in 1..0x300 {
            if layout.char_for(key, mods) == Some(c) {
                return (K(key), mods);
            }
        }
    }
    panic!("{} cannot type {c:?}", layout.name);
}

fn code(s: &str) -> Assembled {
    Assembled::Code(s.to_string())
}

#[test]
fn digits_then_enter_make_a_code() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.type_text("6900138600889").tap(K::KEY_ENTER).type_text("134680423163089456").tap(K::KEY_KPENTER);
    assert_eq!(s.codes(), vec![code("6900138600889"), code("134680423163089456")]);
}

#[test]
fn shift_gives_capitals_and_punctuation_from_either_side() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.ev(K::KEY_LEFTSHIFT, 1).tap(K::KEY_A).tap(K::KEY_2).ev(K::KEY_LEFTSHIFT, 0);
    s.ev(K::KEY_RIGHTSHIFT, 1).tap(K::KEY_B).tap(K::KEY_SEMICOLON).tap(K::KEY_SLASH).ev(K::KEY_RIGHTSHIFT, 0);
    s.tap(K::KEY_C).tap(K::KEY_SEMICOLON).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![code("A@B:?c;")]);
}

#[test]
fn shift_holds_while_either_shift_key_is_down() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.ev(K::KEY_LEFTSHIFT, 1).ev(K::KEY_RIGHTSHIFT, 1).tap(K::KEY_X).ev(K::KEY_RIGHTSHIFT, 0).tap(K::KEY_Y);
    s.ev(K::KEY_LEFTSHIFT, 0).tap(K::KEY_Z).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![code("XYz")]);
}

#[test]
fn the_configured_suffix_ends_a_code_and_the_other_is_ignored() {
    let mut tab = Scanner::new(&US, Suffix::Tab);
    tab.type_text("12").tap(K::KEY_ENTER).type_text("34").tap(K::KEY_TAB);
    assert_eq!(tab.codes(), vec![code("1234")]);
    let mut enter = Scanner::new(&US, Suffix::Enter);
    enter.type_text("12").tap(K::KEY_TAB).type_text("34").tap(K::KEY_ENTER);
    assert_eq!(enter.codes(), vec![code("1234")]);
}

#[test]
fn a_suffix_alone_is_no_code() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.tap(K::KEY_ENTER).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![]);
}

#[test]
fn a_pause_abandons_a_partial_code_when_a_suffix_is_expected() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.type_text("123").wait(TIMEOUT + MS).type_text("456").tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![Assembled::Abandoned { len: 3 }, code("456")]);
    // A pause of exactly the timeout is still one code.
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.type_text("12").wait(TIMEOUT - MS).type_text("3").tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![code("123")]);
    // A pause before the suffix abandons the code too: the Enter then ends nothing.
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.type_text("789").wait(Duration::from_secs(2)).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![Assembled::Abandoned { len: 3 }]);
}

#[test]
fn with_no_suffix_a_pause_ends_the_code_even_when_no_key_follows() {
    let mut s = Scanner::new(&US, Suffix::None);
    s.type_text("111").wait(TIMEOUT + MS).type_text("222");
    assert_eq!(s.codes(), vec![code("111")]);
    let last_key = s.now;
    assert_eq!(s.asm.deadline(), Some(last_key + TIMEOUT));
    s.wait(TIMEOUT).tick();
    assert_eq!(s.codes(), vec![code("111")], "not before the timeout has passed");
    s.wait(MS).tick();
    assert_eq!(s.codes(), vec![code("111"), code("222")]);
    assert_eq!(s.asm.deadline(), None, "nothing pending");
    s.wait(Duration::from_secs(5)).tick();
    assert_eq!(s.out.len(), 2);
}

#[test]
fn a_tick_abandons_a_partial_code_waiting_for_its_suffix() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.type_text("42").wait(TIMEOUT + MS).tick().type_text("7").tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![Assembled::Abandoned { len: 2 }, code("7")]);
}

#[test]
fn overlong_codes_are_dropped_until_the_suffix_and_reported_once() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.type_text(&"9".repeat(MAX_CODE_LEN + 10)).tap(K::KEY_ENTER).type_text("5").tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![Assembled::TooLong { len: MAX_CODE_LEN + 10 }, code("5")]);
    assert!(s.asm.code.capacity() <= 2 * MAX_CODE_LEN, "memory stays bounded");
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.type_text(&"8".repeat(MAX_CODE_LEN)).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![code(&"8".repeat(MAX_CODE_LEN))], "the limit itself is allowed");
    // The limit counts bytes, as `classify` does: 'é' is two.
    let mut s = Scanner::new(&FR, Suffix::Enter);
    s.type_text(&"é".repeat(MAX_CODE_LEN / 2 + 1)).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![Assembled::TooLong { len: MAX_CODE_LEN + 2 }]);
}

#[test]
fn auto_repeat_is_ignored() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.ev(K::KEY_1, 1).ev(K::KEY_1, 2).ev(K::KEY_1, 2).ev(K::KEY_1, 0);
    s.ev(K::KEY_ENTER, 1).ev(K::KEY_ENTER, 2).ev(K::KEY_ENTER, 0);
    assert_eq!(s.codes(), vec![code("1")]);
}

#[test]
fn keys_that_type_nothing_and_chords_are_ignored() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.tap(K::KEY_F1).tap(K::KEY_ESC).tap(K::KEY_1).tap(K::KEY_UNKNOWN).tap(K(0x2ff)).tap(K(u16::MAX));
    s.ev(K::KEY_LEFTCTRL, 1).tap(K::KEY_C).ev(K::KEY_LEFTCTRL, 0);
    s.ev(K::KEY_LEFTALT, 1).tap(K::KEY_D).ev(K::KEY_LEFTALT, 0);
    s.tap(K::KEY_2).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![code("12")]);
}

#[test]
fn caps_lock_toggles_capitals() {
    let mut s = Scanner::new(&US, Suffix::Enter);
    s.tap(K::KEY_CAPSLOCK).tap(K::KEY_A).ev(K::KEY_LEFTSHIFT, 1).tap(K::KEY_B).ev(K::KEY_LEFTSHIFT, 0);
    s.tap(K::KEY_CAPSLOCK).tap(K::KEY_C).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![code("Abc")]);
}

const WIFI: &str = r"WIFI:T:WPA;S:my\;net;P:p@ss:word;;";
const CLOUD_PAY: &str = "https://pay.qcloud.com/cpay/use_device_setting?osi=a&si=b";

#[test]
fn a_wifi_qr_text_round_trips_exactly_in_every_layout() {
    for layout in LAYOUTS {
        let mut s = Scanner::new(layout, Suffix::Enter);
        s.type_text(WIFI).tap(K::KEY_ENTER);
        assert_eq!(s.codes(), vec![code(WIFI)], "{}", layout.name);
    }
}

#[test]
fn a_cloud_pay_setup_url_round_trips_exactly_in_every_layout() {
    for layout in LAYOUTS {
        let mut s = Scanner::new(layout, Suffix::Enter);
        s.type_text(CLOUD_PAY).tap(K::KEY_ENTER);
        assert_eq!(s.codes(), vec![code(CLOUD_PAY)], "{}", layout.name);
    }
}

#[test]
fn the_wifi_text_typed_as_a_us_scanner_presses_it() {
    // Written out key by key, so the US table is checked independently of `key_for`.
    use K as k;
    let mut s = Scanner::new(&US, Suffix::Enter);
    let shifted = |s: &mut Scanner, key: K| {
        s.ev(k::KEY_LEFTSHIFT, 1).tap(key).ev(k::KEY_LEFTSHIFT, 0);
    };
    for key in [k::KEY_W, k::KEY_I, k::KEY_F, k::KEY_I] {
        shifted(&mut s, key);
    }
    shifted(&mut s, k::KEY_SEMICOLON);
    shifted(&mut s, k::KEY_T);
    shifted(&mut s, k::KEY_SEMICOLON);
    for key in [k::KEY_W, k::KEY_P, k::KEY_A] {
        shifted(&mut s, key);
    }
    s.tap(k::KEY_SEMICOLON);
    shifted(&mut s, k::KEY_S);
    shifted(&mut s, k::KEY_SEMICOLON);
    s.tap(k::KEY_M).tap(k::KEY_Y).tap(k::KEY_BACKSLASH).tap(k::KEY_SEMICOLON).tap(k::KEY_N).tap(k::KEY_E).tap(k::KEY_T);
    s.tap(k::KEY_SEMICOLON);
    shifted(&mut s, k::KEY_P);
    shifted(&mut s, k::KEY_SEMICOLON);
    s.tap(k::KEY_P);
    shifted(&mut s, k::KEY_2);
    s.tap(k::KEY_S).tap(k::KEY_S);
    shifted(&mut s, k::KEY_SEMICOLON);
    s.tap(k::KEY_W).tap(k::KEY_O).tap(k::KEY_R).tap(k::KEY_D).tap(k::KEY_SEMICOLON).tap(k::KEY_SEMICOLON);
    s.tap(k::KEY_ENTER);
    assert_eq!(s.codes(), vec![code(WIFI)]);
}

#[test]
fn a_german_scanner_swaps_y_and_z_and_types_at_with_altgr() {
    let mut s = Scanner::new(&DE, Suffix::Enter);
    s.tap(K::KEY_Y).tap(K::KEY_Z).ev(K::KEY_RIGHTALT, 1).tap(K::KEY_Q).ev(K::KEY_RIGHTALT, 0);
    s.ev(K::KEY_LEFTSHIFT, 1).tap(K::KEY_7).ev(K::KEY_LEFTSHIFT, 0).tap(K::KEY_ENTER);
    assert_eq!(s.codes(), vec![code("zy@/")]);
}
