//! The QR the customer scans (issue 23): the screen in Chinese and English at the till's 80×24 and at
//! 100×30 (800×480 with an 8×16 font), and the QR drawn in the buffer decoded back (rqrr) to the very
//! `code_url` the platform gave.

mod common;

use common::*;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use till::core::code::Platform;
use till::core::intent::Intent;
use till::core::{CancelVerdict, Effect, Key, Lang, Msg, QrVerdict, Verdict};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];
const WX_URL: &str = "weixin://wxpay/bizpayurl?pr=3oi3IB6";
/// Cloud Pay's longest `code_url` (String(64)).
const LONG_URL: &str = "https://qr.alipay.com/bax08668jw96ytts9mdg20cfxxxxxxxxxxxxxxxxxx";

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

/// Water ×2 and noodles on the tender screen, F7 pressed: the wallet is asked for.
fn choosing(lang: Lang) -> Till {
    let mut till = Till::new(lang);
    till.state.qr_settings.offered = true;
    // The platform's time was read (a ping), as before any number goes out.
    till.state.clock.confirmed = true;
    till.send_at(1, Msg::Scan(WATER.into()));
    till.send_at(2, Msg::Scan(WATER.into()));
    till.send_at(3, Msg::Scan(NOODLES.into()));
    till.send_at(10, Msg::Key(Key::Enter));
    till.send_at(11, Msg::Key(Key::F(7)));
    till
}

/// The QR for `wallet` issued as `url` at 12 s, seen at 40 s (80 s left).
fn waiting(lang: Lang, wallet: Platform, url: &str) -> (Till, String) {
    let mut till = choosing(lang);
    let mut no = String::new();
    let fx = till::core::update(
        &mut till.state,
        till::core::Event { at: T0.plus_secs(12), msg: Msg::Act(Intent::QrWallet { wallet }) },
    );
    for e in fx {
        if let Effect::ScanCodePay(call) = e {
            no = call.out_trade_no;
        }
    }
    assert!(!no.is_empty(), "a QR was asked for");
    till.send_at(12, Msg::QrAnswer { out_trade_no: no.clone(), verdict: QrVerdict::Issued { code_url: url.into() } });
    till.send_at(40, Msg::Tick);
    (till, no)
}

/// The cells as a greyscale image, `scale` pixels per module: a dark half is a black foreground
/// half-block, or no block on a background that is not white (what a camera sees of the glass).
fn decode(buf: &Buffer, scale: usize) -> Vec<String> {
    let (w, h) = (usize::from(buf.area.width), usize::from(buf.area.height) * 2);
    let mut px = vec![255u8; w * h];
    for row in 0..buf.area.height {
        for col in 0..buf.area.width {
            let cell = &buf[(col, row)];
            let light_bg = cell.bg == Color::White;
            let (top, bottom) = match cell.symbol() {
                "█" => (true, true),
                "▀" => (true, false),
                "▄" => (false, true),
                _ => (!light_bg, !light_bg),
            };
            let (x, y) = (usize::from(col), usize::from(row) * 2);
            px[y * w + x] = if top { 0 } else { 255 };
            px[(y + 1) * w + x] = if bottom { 0 } else { 255 };
        }
    }
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(w * scale, h * scale, |x, y| px[(y / scale) * w + x / scale]);
    img.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

#[test]
fn the_qr_on_screen_decodes_to_the_code_url_at_80x24_and_at_800x480() {
    for (wallet, url) in [(Platform::WeChat, WX_URL), (Platform::Alipay, LONG_URL)] {
        for (lang, _) in LANGS {
            let (till, _) = waiting(lang, wallet, url);
            for (w, h) in [(80, 24), (100, 30)] {
                let decoded = decode(&render_at(&till.state, w, h), 4);
                assert_eq!(decoded, vec![url.to_string()], "{wallet:?} {lang:?} at {w}×{h}");
            }
        }
    }
}

#[test]
fn the_qr_screens_in_both_languages() {
    for (lang, name) in LANGS {
        // The tender screen offers F7 where the platform has QRs.
        let mut tender = choosing(lang);
        tender.key(Key::Esc);
        snapshot("qr_tender", name, &tender);
        snapshot("qr_choose", name, &choosing(lang));
        let (mut till, no) = waiting(lang, Platform::WeChat, WX_URL);
        snapshot("qr_waiting", name, &till);
        // Paid (WeChat 3).
        let (mut paid, paid_no) = waiting(lang, Platform::WeChat, WX_URL);
        paid.send_at(
            43,
            Msg::QueryAnswer { out_trade_no: paid_no, verdict: Verdict::Paid { transaction_id: "4200000001".into() } },
        );
        snapshot("qr_paid", name, &paid);
        // Esc: closed at the platform, not paid, still watched for a late payment.
        till.send_at(45, Msg::Key(Key::Esc));
        till.send_at(46, Msg::CancelAnswer { out_trade_no: no, verdict: CancelVerdict::Cancelled });
        snapshot("qr_cancelled", name, &till);
    }
}
