//! Whole-screen snapshots at the till's 80×24, in Chinese and English, of what the cashier sees
//! through a sale: states are built by feeding `core::update`, then drawn with `ui::view`.

mod common;

use common::*;
use ratatui::style::Color;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::order::Tender;
use till::core::{Key, Lang, Msg, Screen, Verdict};
use till::i18n::{self, Text};
use unicode_width::UnicodeWidthStr;

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

/// Water ×2, noodles, a 5.00 misc item; the noodles selected.
fn cart(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.send_at(1, Msg::Scan(WATER.into()));
    till.send_at(2, Msg::Scan(WATER.into()));
    till.send_at(3, Msg::Scan(NOODLES.into()));
    // An open-price entry, typed as an amount.
    till.send_at(4, Msg::Scan("5.00".into())).key(Key::Up);
    till
}

fn tender(lang: Lang) -> Till {
    let mut till = cart(lang);
    till.send_at(10, Msg::Key(Key::Enter));
    till
}

/// The customer's WeChat code scanned at 20 s.
fn paying(lang: Lang) -> Till {
    let mut till = tender(lang);
    till.send_at(20, Msg::Scan(WECHAT_CODE.into()));
    till
}

fn trade_no(till: &Till) -> String {
    till.state.sale.attempts.last().map(|a| a.out_trade_no.clone()).expect("an attempt")
}

fn answer(till: &mut Till, secs: i64, verdict: Verdict) {
    let out_trade_no = trade_no(till);
    till.send_at(secs, Msg::PayAnswer { out_trade_no, verdict });
}

fn confirming(lang: Lang) -> Till {
    let mut till = paying(lang);
    answer(&mut till, 30, Verdict::Unknown { reason: "timeout".into() });
    till
}

/// The receipt as the printer module would render it on 58 mm paper (32 columns).
fn receipt(till: &Till) -> Vec<String> {
    const COLS: usize = 32;
    let lang = till.state.settings.lang;
    let t = |x| i18n::text(lang, x);
    let centre = |s: &str| format!("{}{s}", " ".repeat((COLS - s.width()) / 2));
    let ends = |l: &str, r: &str| format!("{l}{}{r}", " ".repeat(COLS.saturating_sub(l.width() + r.width())));
    let sale = &till.state.sale;
    let mut out = vec![
        centre(&till.state.settings.shop_name),
        centre(t(Text::ReceiptTitle)),
        format!("{} {}", t(Text::ReceiptOrderNo), sale.number.clone().unwrap_or_default()),
        format!("{} 2025-11-22 14:05:23", t(Text::ReceiptTime)),
        format!("{} {}", t(Text::ReceiptOperator), sale.operator),
        "-".repeat(COLS),
    ];
    for l in &sale.lines {
        let name = i18n::line_name(lang, &l.name);
        let right = format!("{:>4}{:>10}", l.qty, l.amount().to_string());
        if name.width() + right.width() + 1 > COLS {
            out.push(name.to_string());
            out.push(ends("", &right));
        } else {
            out.push(ends(name, &right));
        }
    }
    out.push("-".repeat(COLS));
    out.push(ends(t(Text::ReceiptTotal), &sale.total().to_string()));
    match &sale.tender {
        Some(Tender::Code { platform, .. }) => {
            out.push(ends(t(Text::ReceiptPaidBy), i18n::platform_name(lang, *platform)));
        }
        Some(Tender::Cash { received, change }) => {
            out.push(ends(t(Text::TenderCash), &received.to_string()));
            out.push(ends(t(Text::TenderChange), &change.to_string()));
        }
        Some(Tender::Mixed { .. }) | None => {}
    }
    out.push(centre(t(Text::ReceiptFooter)));
    out
}

fn printed(till: &mut Till) {
    let preview = receipt(till);
    let order_id = till.state.sale.id;
    till.send(Msg::Printed { order_id, preview });
}

#[test]
fn empty_sale() {
    for (lang, l) in LANGS {
        snapshot("empty_sale", l, &Till::new(lang));
    }
}

#[test]
fn sale_with_three_lines_one_selected() {
    for (lang, l) in LANGS {
        let mut till = cart(lang);
        till.keys("690");
        assert_eq!(till.state.selected, 1);
        snapshot("sale_three_lines", l, &till);
    }
}

#[test]
fn sale_with_a_discount_on_a_line_and_on_the_whole_sale() {
    for (lang, l) in LANGS {
        let mut till = cart(lang);
        let discount = |order, how: &str, value: &str| till::core::intent::Intent::Discount {
            order,
            how: how.into(),
            value: value.into(),
            reason: "damaged".into(),
        };
        till.send_at(5, Msg::Act(discount(false, "percent", "10")));
        till.send_at(6, Msg::Act(discount(true, "amount", "1.00")));
        assert_eq!(till.state.sale.discounts.len(), 2, "10 % off the selected line, then 1.00 off the sale");
        snapshot("sale_discounted", l, &till);
    }
}

#[test]
fn unknown_barcode() {
    for (lang, l) in LANGS {
        let mut till = cart(lang);
        till.scan(UNKNOWN);
        snapshot("unknown_barcode", l, &till);
    }
}

#[test]
fn tender_screen() {
    for (lang, l) in LANGS {
        snapshot("tender", l, &tender(lang));
    }
}

#[test]
fn paying_sends_the_code() {
    for (lang, l) in LANGS {
        snapshot("paying", l, &paying(lang));
    }
}

#[test]
fn waiting_for_password() {
    for (lang, l) in LANGS {
        let mut till = paying(lang);
        answer(&mut till, 22, Verdict::UserPaying);
        snapshot("waiting_password", l, &till);
    }
}

#[test]
fn confirming_result() {
    for (lang, l) in LANGS {
        let till = confirming(lang);
        assert!(!screen_text(&till.render()).contains(i18n::text(lang, Text::CheckAfterTwoMinutes)));
        snapshot("confirming", l, &till);
    }
}

#[test]
fn confirming_after_two_minutes() {
    for (lang, l) in LANGS {
        let mut till = confirming(lang);
        till.send_at(20 + 119, Msg::Tick);
        assert!(!screen_text(&till.render()).contains(i18n::text(lang, Text::CheckAfterTwoMinutes)));
        till.send_at(20 + 120, Msg::Tick);
        assert!(screen_text(&till.render()).contains(i18n::text(lang, Text::CheckAfterTwoMinutes)));
        snapshot("confirming_2min", l, &till);
    }
}

#[test]
fn parked_payment_counts_as_in_doubt() {
    for (lang, l) in LANGS {
        let mut till = confirming(lang);
        till.send_at(40, Msg::Key(Key::Esc));
        assert_eq!(till.state.in_doubt_count(), 1);
        snapshot("parked", l, &till);
    }
}

#[test]
fn paid_by_wechat() {
    for (lang, l) in LANGS {
        let mut till = paying(lang);
        answer(&mut till, 23, Verdict::Paid { transaction_id: "4200001234202511220000".into() });
        assert_eq!(till.state.screen, Screen::Done { change: Fen::ZERO });
        let banner = i18n::announcement(lang, Some(Platform::WeChat), Fen(2150));
        assert!(screen_text(&till.render()).contains(&banner));
        printed(&mut till);
        snapshot("paid_wechat", l, &till);
    }
}

#[test]
fn cash_entry_shows_the_change_while_typing() {
    for (lang, l) in LANGS {
        let mut till = tender(lang);
        till.keys("c50");
        snapshot("cash_entry", l, &till);
    }
}

#[test]
fn cash_with_change() {
    for (lang, l) in LANGS {
        let mut till = tender(lang);
        till.keys("c50").key(Key::Enter);
        assert_eq!(till.state.screen, Screen::Done { change: Fen(2850) });
        printed(&mut till);
        snapshot("cash_change", l, &till);
    }
}

#[test]
fn declined() {
    for (lang, l) in LANGS {
        let mut till = paying(lang);
        let reason = if lang == Lang::Zh { "用户余额不足" } else { "insufficient balance" };
        answer(&mut till, 24, Verdict::Failed { reason: reason.into() });
        snapshot("declined", l, &till);
    }
}

// Colours carry meaning the text snapshots cannot show.

const NOTICE_ROW: u16 = 21;
const STATUS_ROW: u16 = 22;

fn fg_of_text(buf: &ratatui::buffer::Buffer, y: u16) -> Option<Color> {
    (0..buf.area.width).map(|x| &buf[(x, y)]).find(|c| c.symbol().trim() != "").map(|c| c.fg)
}

#[test]
fn error_notices_are_red_and_others_green() {
    let mut till = cart(Lang::Zh);
    assert_eq!(fg_of_text(&till.render(), NOTICE_ROW), Some(Color::Green));
    till.scan(UNKNOWN);
    let buf = till.render();
    assert!(row(&buf, NOTICE_ROW).contains("未知商品条码 6901234567892"));
    assert_eq!(fg_of_text(&buf, NOTICE_ROW), Some(Color::Red));
}

#[test]
fn payments_in_doubt_are_flagged_in_the_status_line() {
    let till = Till::new(Lang::En);
    assert_eq!(fg_of_text(&till.render(), STATUS_ROW), Some(Color::DarkGray));
    let mut till = confirming(Lang::En);
    till.send_at(40, Msg::Key(Key::Esc));
    let buf = till.render();
    assert!(row(&buf, STATUS_ROW).contains("Payments in doubt 1"));
    assert!((0..buf.area.width).any(|x| buf[(x, STATUS_ROW)].bg == Color::Yellow));
}

#[test]
fn the_selected_line_is_highlighted() {
    let till = cart(Lang::Zh);
    let buf = till.render();
    let text = screen_text(&buf);
    let y = text.lines().position(|l| l.contains("康师傅")).expect("noodles on screen");
    let y = u16::try_from(y).expect("row");
    assert!(row(&buf, y).contains('▸'));
    // The name's first character and the amount's last digit (a wide character's second cell keeps no style).
    assert_eq!(buf[(3, y)].bg, Color::Cyan);
    assert_eq!(buf[(76, y)].bg, Color::Cyan);
    assert_eq!(buf[(76, y + 1)].bg, Color::Reset);
}

#[test]
fn smaller_and_larger_terminals_still_draw() {
    let till = tender(Lang::Zh);
    for (w, h) in [(40, 12), (20, 6), (1, 1), (120, 40)] {
        let text = screen_text(&render_at(&till.state, w, h));
        assert_eq!(text.lines().count(), usize::from(h));
    }
    // Narrow: the shop's name and the item names keep their room; the gateway and unit price give way.
    let text = screen_text(&render_at(&cart(Lang::Zh).state, 40, 12));
    assert!(text.lines().next().is_some_and(|l| l.contains("幸福便利店") && l.contains("14:05")));
    assert!(text.contains("康师傅红烧牛肉…"), "a name too long for its column ends in an ellipsis: {text}");
    let text = screen_text(&render_at(&till.state, 120, 40));
    assert!(text.contains("幸福便利店"));
    assert!(text.contains(i18n::text(Lang::Zh, Text::ScanPaymentCode)));
}

/// A receipt of this shop (prefix 12345678) scanned on the empty sale screen, found paid 0.02 with
/// 0.01 refunded and a second refund accepted but not yet confirmed.
fn looked_up(lang: Lang) -> Till {
    use till::core::{LookupVerdict, PlatformOrder, PlatformOrderState};
    let number = format!("{}251122020001", settings(lang).order_prefix);
    let mut till = Till::new(lang);
    till.send_at(1, Msg::Scan(number.clone()));
    let found = LookupVerdict::Found(PlatformOrder {
        out_trade_no: number.clone(),
        platform: Platform::Alipay,
        state: PlatformOrderState::Paid,
        transaction_id: "2025112222001404620281091091".into(),
        total: Fen(2),
        refunded: Fen(0),
    });
    till.send_at(2, Msg::LookupAnswer { number, local: None, verdict: found });
    till
}

#[test]
fn lookup_proposes_the_refundable_amount() {
    for (lang, l) in LANGS {
        snapshot("lookup_paid", l, &looked_up(lang));
    }
}

#[test]
fn lookup_after_a_refund_accepted_says_accepted_not_refunded() {
    for (lang, l) in LANGS {
        let mut till = looked_up(lang);
        till.state.input.clear();
        for c in "0.01".chars() {
            till.key(Key::Char(c));
        }
        till.key(Key::Enter);
        let no = till.state.lookup.as_ref().and_then(|v| v.open_refund()).map(|r| r.out_refund_no.clone());
        let verdict = till::core::RefundVerdict::Accepted { refund_id: "r1".into() };
        till.send_at(3, Msg::RefundAnswer { out_refund_no: no.expect("a refund"), verdict });
        snapshot("lookup_refund_accepted", l, &till);
    }
}

#[test]
fn cancelling_a_payment_given_up_on() {
    for (lang, l) in LANGS {
        let mut till = confirming(lang);
        let no = trade_no(&till);
        till.send_at(70, Msg::QueryAnswer { out_trade_no: no, verdict: Verdict::Unknown { reason: "down".into() } });
        snapshot("cancelling", l, &till);
    }
}

#[test]
fn receipts_waiting_and_an_unplugged_scanner_show_in_the_status_line() {
    for (lang, l) in LANGS {
        let mut till = cart(lang);
        till.send_at(5, Msg::Scanner(till::core::ScannerState::Connected));
        till.send_at(6, Msg::Scanner(till::core::ScannerState::Unplugged));
        till.send_at(7, Msg::PrintQueue { waiting: 2 });
        snapshot("devices_status", l, &till);
    }
}

#[test]
fn offline_is_shown_on_the_status_line() {
    for (lang, l) in LANGS {
        let mut till = cart(lang);
        till.send_at(5, Msg::Connectivity { online: false });
        snapshot("offline", l, &till);
    }
}
