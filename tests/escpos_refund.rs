//! The refund slip as printed (ESC/POS decoded back to text) in Chinese and English: a refund of
//! goods lists each good with its quantity, price and amount; a refund by amount lists none.

use till::app::receipt::{preview, render_refund};
use till::core::clock::Millis;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::order::{Line, Order, OrderStatus, Refund, RefundOf, RefundState, Returned, Tender};
use till::core::{Lang, Settings};
use till::escpos::PrinterProfile;

/// 2025-11-22 14:05:00 in Beijing.
const T0: Millis = Millis(1_763_791_500_000);
const NUMBER: &str = "12345678251122010001";

fn settings(lang: Lang) -> Settings {
    Settings {
        shop_name: "幸福便利店".into(),
        operator: "01".into(),
        order_prefix: "12345678".into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang,
    }
}

/// Water ×2 and noodles by WeChat Pay; refund R1 takes one water and the noodles back, R2 is a
/// price adjustment of 1.00.
fn order() -> Order {
    let mut o = Order::new(3, T0, "02".into());
    let line = |barcode: &str, name: &str, price, qty| Line {
        barcode: barcode.into(),
        name: name.into(),
        unit_price: Fen(price),
        qty,
    };
    o.lines = vec![
        line("6921168509256", "农夫山泉 550ml", 200, 2),
        line("6902152400773", "康师傅红烧牛肉面 五连包", 1250, 1),
    ];
    o.status = OrderStatus::Paid;
    o.number = Some(NUMBER.into());
    o.tender =
        Some(Tender::Code { platform: Platform::WeChat, out_trade_no: NUMBER.into(), transaction_id: "4200".into() });
    o.closed_at = Some(T0);
    let refund = |no: &str, amount, returns| Refund {
        out_refund_no: no.into(),
        amount: Fen(amount),
        total: Fen(1650),
        refunded_before: Fen::ZERO,
        requested_at: T0.plus_secs(600),
        operator: "02".into(),
        state: RefundState::Refunded,
        refund_id: Some("r".into()),
        queries: 0,
        of: Some(RefundOf { platform: Platform::WeChat, out_trade_no: NUMBER.into(), transaction_id: "4200".into() }),
        cash: false,
        returns,
    };
    let back = |line, barcode: &str, qty| Returned { line, barcode: barcode.into(), qty };
    o.refunds = vec![
        refund("12345678251122010002", 1450, vec![back(0, "6921168509256", 1), back(1, "6902152400773", 1)]),
        refund("12345678251122010003", 100, vec![]),
    ];
    o
}

fn slip(lang: Lang, refund_no: &str) -> Vec<String> {
    let p = PrinterProfile::mm58();
    preview(&render_refund(&order(), refund_no, &settings(lang), &p), &p)
}

#[test]
fn a_refund_of_goods_lists_them_on_the_slip() {
    for (lang, l) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let lines = slip(lang, "12345678251122010002");
        assert!(lines.iter().any(|x| x.contains("农夫山泉 550ml")), "{lines:#?}");
        assert!(lines.iter().any(|x| x.contains("1 x 2.00") && x.ends_with("2.00")), "{lines:#?}");
        assert!(lines.iter().any(|x| x.contains("1 x 12.50") && x.ends_with("12.50")), "{lines:#?}");
        assert!(lines.iter().any(|x| x.ends_with("14.50")), "{lines:#?}");
        for line in &lines {
            assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= 32, "{line}");
        }
        insta::assert_snapshot!(format!("refund_slip_goods_{l}"), lines.join("\n"));
    }
}

#[test]
fn a_refund_by_amount_lists_no_goods() {
    for lang in [Lang::Zh, Lang::En] {
        let lines = slip(lang, "12345678251122010003");
        assert!(!lines.iter().any(|x| x.contains(" x ")), "{lines:#?}");
        assert!(lines.iter().any(|x| x.ends_with("1.00")), "{lines:#?}");
    }
}
