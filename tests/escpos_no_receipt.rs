//! The slip of a return without a receipt (无小票退货), made by the core's own `PrintRefund` and
//! decoded back from ESC/POS: its title says what it is, the goods come back at the catalogue's
//! price, the cash given back, the reason and the supervisor who approved it; 58 mm paper.

mod common;

use common::*;
use till::app::receipt::{preview, render_refund};
use till::core::{Effect, Event, Key, Lang, Msg, update};
use till::escpos::PrinterProfile;
use till::i18n::no_receipt::{ReturnText as R, return_text};

/// The return's order and slip number, as the core hands them to the printer.
fn returned(lang: Lang) -> (till::core::order::Order, String) {
    let mut till = Till::new(lang);
    till.key(Key::F(3)).key(Key::F(7)).scan(WATER).scan(WATER).scan(NOODLES).key(Key::F(2));
    let at = till.state.now;
    let fx = update(&mut till.state, Event { at, msg: Msg::Key(Key::Enter) });
    let (order, no) = fx
        .into_iter()
        .find_map(|e| match e {
            Effect::PrintRefund { order, out_refund_no } => Some((order, out_refund_no)),
            _ => None,
        })
        .expect("the slip is printed");
    (order, no)
}

fn slip(lang: Lang) -> Vec<String> {
    let (order, no) = returned(lang);
    let p = PrinterProfile::mm58();
    preview(&render_refund(&order, &no, &settings(lang), &p), &p)
}

#[test]
fn the_printed_x_report_counts_the_return_apart_from_receipted_refunds() {
    use till::core::office::report::{Period, compute};
    for lang in [Lang::Zh, Lang::En] {
        let (order, _) = returned(lang);
        let to = order.closed_at.expect("closed").plus_secs(60);
        let report = compute(&[order], Period { from: None, to }, &[]);
        let p = PrinterProfile::mm58();
        let text = preview(&till::app::report_print::render(&report, &settings(lang), &p), &p).join("\n");
        // The label then one return of 16.50, however the paper wraps them.
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let want = flat(&format!("{} 1 16.50", return_text(lang, R::ReportLine)));
        assert!(flat(&text).contains(&want), "{text}");
    }
}

#[test]
fn the_return_slip_says_what_it_is_why_who_approved_it_and_the_cash_given_back() {
    for (lang, l) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let lines = slip(lang);
        let text = lines.join("\n");
        assert!(text.contains(return_text(lang, R::SlipTitle)), "{text}");
        assert!(lines.iter().any(|x| x.contains("2 x 2.00") && x.ends_with("4.00")), "{text}");
        assert!(lines.iter().any(|x| x.contains("1 x 12.50") && x.ends_with("12.50")), "{text}");
        assert!(lines.iter().any(|x| x.ends_with("16.50")), "{text}");
        let reason = till::i18n::no_receipt::reason(lang, till::core::no_receipt::ReturnReason::Expired);
        assert!(text.contains(reason), "the reason is printed:\n{text}");
        assert!(text.contains(&format!("{}: 01", return_text(lang, R::ApprovedBy))), "{text}");
        for line in &lines {
            assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= 32, "{line}");
        }
        insta::assert_snapshot!(format!("no_receipt_slip_{l}"), text);
    }
}
