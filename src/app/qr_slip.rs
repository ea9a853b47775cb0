//! The QR slip's words and layout from a core `Effect::PrintQr` (the encoding is `escpos::qr_slip`).

use crate::core::Settings;
use crate::core::clock::Millis;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::escpos::PrinterProfile;
use crate::escpos::qr_slip::{self, QrSlip};
use crate::i18n::platform_name;
use crate::i18n::qr::{QrText as Q, qr_text};

pub fn render(
    out_trade_no: &str,
    platform: Platform,
    amount: Fen,
    code_url: &str,
    expires_at: Millis,
    settings: &Settings,
    profile: &PrinterProfile,
) -> Vec<u8> {
    let lang = settings.lang;
    let t = |x| qr_text(lang, x);
    let until = expires_at.local(settings.utc_offset_minutes);
    let slip = QrSlip {
        shop_name: settings.shop_name.clone(),
        heading: crate::i18n::qr::scan_with(lang, platform_name(lang, platform)),
        amount: format!("{} {amount}", t(Q::Amount)),
        code_url: code_url.to_string(),
        valid_until: format!("{} {:02}:{:02}", t(Q::ValidUntil), until.hour, until.minute),
        number: format!("{} {out_trade_no}", t(Q::Number)),
    };
    qr_slip::render(&slip, profile)
}
