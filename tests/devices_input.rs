//! What the shop's devices send or print is untrusted input: scale frames off a serial line, label
//! codes off a scanner, and (for the tests' reader) display bytes. Properties: no input panics; what
//! the till writes reads back exactly.

use proptest::prelude::*;
use till::core::Lang;
use till::core::display::Shown;
use till::core::money::Fen;
use till::core::scale_label::{self, Fields, Grams, LabelKind};
use till::devices::display::reader::Reader;
use till::devices::display::{DisplayProfile, encode, led_number};
use till::devices::scale::{ScaleConfig, parse_frame};

fn scale(protocol: &str) -> ScaleConfig {
    toml::from_str(&format!("path = \"/dev/null\"\nprotocol = \"{protocol}\"")).expect("config")
}

const PROTOCOLS: [&str; 4] = ["frame", "aclas_stream", "aclas_auto", "toledo"];

proptest! {
    #[test]
    fn any_scale_frame_is_read_or_refused_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        for p in PROTOCOLS {
            let _ = parse_frame(&scale(p), &bytes);
        }
    }

    #[test]
    fn an_indicator_frame_reads_back_its_exact_grams(grams in 0u32..1_000_000, stable: bool) {
        let frame = format!("{},GS,+{:03}.{:03}kg\r", if stable { "ST" } else { "US" }, grams / 1000, grams % 1000);
        let r = parse_frame(&scale("frame"), frame.as_bytes()).expect("a reading");
        prop_assert_eq!((r.grams, r.stable), (Grams(grams), stable));
    }

    #[test]
    fn every_label_layout_reads_back_what_it_printed(
        plu in 0u32..100_000, amount in 0i64..100_000, grams in 0u32..100_000, kind in 0usize..3, check: bool,
    ) {
        let kind = [LabelKind::Price, LabelKind::Weight, LabelKind::PriceWeight][kind];
        // An 18-digit flag must not be one a payment code could start with: 21, not 2.
        let flag = if kind == LabelKind::PriceWeight { "21" } else { "2" };
        let plu_digits = if kind == LabelKind::PriceWeight { 5 } else { 6 };
        let key = format!("{flag}{plu:0plu_digits$}");
        let flags = vec![flag.to_string()];
        let fields = Fields { flags: &flags, kind, plu_digits, price_digits: 5, weight_digits: 5, check_digit: check };
        prop_assert_eq!(fields.check(), Ok(()));
        let code = scale_label::make(&fields, &key, Some(Fen(amount)), Some(Grams(grams))).expect("a label");
        let label = scale_label::read(&fields, &code).expect("reads back");
        prop_assert_eq!(&label.key, &key);
        prop_assert_eq!(label.amount, (kind != LabelKind::Weight).then_some(Fen(amount)));
        prop_assert_eq!(label.weight, (kind != LabelKind::Price).then_some(Grams(grams)));
    }

    #[test]
    fn any_digits_scanned_are_a_label_or_not_never_a_panic(code in "[0-9]{0,20}", kind in 0usize..3, check: bool) {
        let kind = [LabelKind::Price, LabelKind::Weight, LabelKind::PriceWeight][kind];
        let flags = vec!["2".to_string(), "20".to_string()];
        let fields = Fields { flags: &flags, kind, plu_digits: 5, price_digits: 5, weight_digits: 5, check_digit: check };
        let _ = scale_label::read(&fields, &code);
    }

    #[test]
    fn any_bytes_to_the_display_reader_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        for p in [DisplayProfile::Led8, DisplayProfile::Cd5220] {
            Reader::new(p).feed(&bytes);
        }
    }

    #[test]
    fn every_amount_the_led_shows_reads_back_as_sent(fen in 0i64..=9_999_999_999) {
        let mut r = Reader::new(DisplayProfile::Led8);
        r.feed(&encode(DisplayProfile::Led8, &Shown::Total(Fen(fen)), Lang::Zh));
        prop_assert_eq!(r.showing.legend_name(), "总计");
        prop_assert_eq!(&r.showing.number, &led_number(Fen(fen)));
        prop_assert!(r.showing.number.chars().filter(char::is_ascii_digit).count() <= 8);
    }
}
