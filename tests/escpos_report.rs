//! The X/Z report on paper: laid out, encoded, decoded back and read as the printer prints it.

use till::app::report_print;
use till::core::clock::Millis;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::office::report::{self, Period, ReportKind};
use till::core::office::shift::Shift;
use till::core::order::{Attempt, AttemptState, Line, Order, OrderStatus, Tender};
use till::core::{Lang, Settings};
use till::escpos::{Element, PrinterProfile, decode, to_text_lines};
use unicode_width::UnicodeWidthStr;

const T0: Millis = Millis(1_763_773_200_000); // 2025-11-22 09:00 Beijing

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

fn paid(id: u64, fen: i64, tender: Tender, operator: &str) -> Order {
    let mut o = Order::new(id, T0, operator.into());
    o.lines.push(Line { barcode: "1".into(), name: "货".into(), unit_price: Fen(fen), qty: 1 });
    o.status = OrderStatus::Paid;
    o.tender = Some(tender);
    o.number = Some(format!("N{id}"));
    o.closed_at = Some(T0.plus_secs(id as i64 * 60));
    o
}

fn z_report() -> report::Report {
    let code = |p| Tender::Code { platform: p, out_trade_no: "x".into(), transaction_id: "t".into() };
    let mut doubt = Order::new(9, T0, "02".into());
    doubt.status = OrderStatus::Paying;
    doubt.attempts.push(Attempt {
        out_trade_no: "12345678251122010009".into(),
        platform: Platform::Alipay,
        code_masked: "28****01".into(),
        amount: Fen(1_234),
        started_at: T0.plus_secs(600),
        state: AttemptState::Unknown { reason: "timeout".into() },
        queries: 1,
        cancels: 0,
        cancel_unsupported: false,
        qr: None,
    });
    let orders = vec![
        paid(1, 350, Tender::Cash { received: Fen(500), change: Fen(150) }, "01"),
        paid(2, 2_150, code(Platform::WeChat), "01"),
        paid(3, 99_999, code(Platform::Alipay), "02"),
        doubt,
    ];
    let mut r = report::compute(&orders, Period { from: Some(T0), to: T0.plus_secs(3_600) }, &[]);
    r.kind = ReportKind::Z { number: 12 };
    let mut shift = Shift::open(3, "01", T0, Fen(20_000));
    shift.close_with(T0.plus_secs(3_600), Default::default(), Fen(20_300), "多了三元，找零时少找");
    r.shifts = vec![shift];
    r
}

fn printed(lang: Lang, profile: &PrinterProfile) -> (Vec<Element>, Vec<String>) {
    let bytes = report_print::render(&z_report(), &settings(lang), profile);
    let elements = decode(&bytes, profile).expect("the report decodes");
    let lines = to_text_lines(&elements, profile.columns);
    (elements, lines)
}

#[test]
fn the_z_report_prints_each_method_the_operators_and_what_is_unresolved_in_chinese() {
    let p = PrinterProfile::mm58();
    let (elements, lines) = printed(Lang::Zh, &p);
    let text = lines.join("\n");
    for needle in ["Z 报表（日结）", "日结编号", "12", "微信支付", "支付宝", "现金", "收银员 01", "收银员 02"]
    {
        assert!(text.contains(needle), "no {needle}:\n{text}");
    }
    // Counts and amounts in their columns: 销售, 1 sale, 999.99, right edge of the paper.
    let alipay_sales = format!("  销售{}1{}999.99", " ".repeat(14), " ".repeat(5));
    assert!(lines.contains(&alipay_sales), "{text}");
    let total_net = lines.iter().position(|l| l == "合计").expect("total heading");
    assert!(lines[total_net + 3].ends_with("1024.99"), "{text}");
    // The unresolved payment is listed with its number and amount, and not in the totals.
    assert!(text.contains("收款 12345678251122010009"), "{text}");
    assert!(lines.iter().any(|l| l.starts_with(" 支付宝 02") && l.ends_with("12.34")), "{text}");
    assert_eq!(lines[total_net + 1], format!("  销售{}3{}1024.99", " ".repeat(14), " ".repeat(4)), "{text}");
    assert!(text.contains("差额") && text.contains("3.00") && text.contains("多了三元"), "{text}");
    for l in &lines {
        assert!(l.width() <= p.columns, "over the paper: {l:?}");
    }
    // The 58 mm printer has no cutter: the paper is fed past the tear bar instead.
    assert!(!elements.iter().any(|e| matches!(e, Element::Cut)));
}

#[test]
fn the_report_fits_80mm_paper_in_english() {
    let p = PrinterProfile::mm80();
    let (elements, lines) = printed(Lang::En, &p);
    assert!(elements.iter().any(|e| matches!(e, Element::Cut)), "the 80 mm printer cuts the report off");
    let text = lines.join("\n");
    for needle in ["Z report (end of day)", "Z number", "WeChat Pay", "Alipay", "Cash", "Unresolved (not counted)"] {
        assert!(text.contains(needle), "no {needle}:\n{text}");
    }
    for l in &lines {
        assert!(l.width() <= p.columns, "over the paper: {l:?}");
    }
    assert!(lines.iter().any(|l| l.trim_start().starts_with("Sales") && l.ends_with("999.99")), "{text}");
}

#[test]
fn the_z_report_lists_the_held_sales_discarded_that_day_and_counts_none_of_them() {
    use till::core::held::{Discard, Hold};
    let held = |id: u64, number: u32, fen: i64, at_close: bool| {
        let mut o = Order::new(id, T0, "02".into());
        o.lines.push(Line { barcode: "1".into(), name: "货".into(), unit_price: Fen(fen), qty: 2 });
        let at = T0.plus_secs(id as i64 * 60);
        let discard = Discard { at, by: "01".into(), at_close };
        o.hold = Some(Hold { number, at: T0, by: "02".into(), note: None, discarded: Some(discard) });
        o.status = OrderStatus::Voided;
        o.closed_at = Some(at);
        o
    };
    let orders = vec![held(5, 1, 350, false), held(6, 3, 1_000, true)];
    let mut r = report::compute(&orders, Period { from: Some(T0), to: T0.plus_secs(3_600) }, &[]);
    r.kind = ReportKind::Z { number: 13 };
    assert_eq!(r.total.sales.n, 0, "a discarded held sale is no sale");
    for (lang, heading, number) in [(Lang::Zh, "作废的挂单", "挂单号 3"), (Lang::En, "Held sales discarded", "No. 3")]
    {
        let p = PrinterProfile::mm58();
        let bytes = report_print::render(&r, &settings(lang), &p);
        let lines = to_text_lines(&decode(&bytes, &p).expect("decodes"), p.columns);
        let text = lines.join("\n");
        assert!(text.contains(heading), "{lang:?}:\n{text}");
        // The label, then its count (2 items) and amount in their columns (on the next line if the
        // label takes the room).
        let i = lines.iter().position(|l| l.starts_with(number)).unwrap_or_else(|| panic!("no {number}:\n{text}"));
        let numbers = if lines[i].ends_with("20.00") { &lines[i] } else { &lines[i + 1] };
        assert!(numbers.ends_with("20.00") && numbers.contains(" 2 "), "{text}");
        assert!(lines.iter().any(|l| l.starts_with("挂单号 1") || l.starts_with("No. 1")), "{text}");
    }
}

#[test]
fn discounts_given_are_printed_per_reason_and_operator_and_the_sales_count_the_net() {
    use till::core::pricing::record::Discount;
    use till::core::pricing::{Change, Source};
    let code = Tender::Code { platform: Platform::WeChat, out_trade_no: "x".into(), transaction_id: "t".into() };
    let mut o = paid(1, 1_150, code, "02");
    o.discounts.push(Discount {
        source: Source::Order { reason: "regular".into() },
        amount: Fen(150),
        shares: vec![(0, Fen(150))],
        operator: "02".into(),
        change: Some(Change::AmountOff(Fen(150))),
    });
    let r = report::compute(&[o], Period { from: Some(T0), to: T0.plus_secs(3_600) }, &[]);
    assert_eq!(r.total.sales.amount, Fen(1_000), "the sale counts what was paid");
    for (lang, heading) in [(Lang::Zh, "优惠（按原因、收银员）"), (Lang::En, "Discounts by reason and operator")]
    {
        let (lines, at) = on_58mm(&r, lang, heading);
        assert!(lines[at + 1].starts_with(" regular 02") && lines[at + 1].ends_with("1.50"), "{lines:#?}");
    }
}

#[test]
fn stored_value_is_printed_apart_from_the_sales_in_both_languages() {
    use till::core::stored_value::{Spent, TopUp};
    let cash = Tender::Cash { received: Fen(20_000), change: Fen::ZERO };
    let mut top_up = paid(1, 20_000, cash, "01");
    top_up.top_up = Some(TopUp {
        member: "M1".into(),
        phone: "138****5678".into(),
        paid: Fen(20_000),
        bonus: Fen(5_000),
        balance: None,
    });
    let mut sale = paid(2, 1_000, Tender::Cash { received: Fen(700), change: Fen::ZERO }, "01");
    sale.stored_value.push(Spent { member: "M1".into(), amount: Fen(300), at: T0.plus_secs(60) });
    let r = report::compute(&[top_up, sale], Period { from: Some(T0), to: T0.plus_secs(3_600) }, &[]);
    assert_eq!(r.total.sales.amount, Fen(700), "a top-up is no sale; stored value spent is no money taken");
    for (lang, heading, top_ups, spent) in [
        (Lang::Zh, "储值（预收款，不计营业额）", "现金充值", "储值消费"),
        (Lang::En, "Stored value (owed, not sales)", "Top-ups, cash", "Spent"),
    ] {
        let (lines, at) = on_58mm(&r, lang, heading);
        assert!(lines[at + 1].starts_with(top_ups) && lines[at + 1].ends_with("200.00"), "{lines:#?}");
        assert!(lines.iter().any(|l| l.starts_with(spent) && l.ends_with("3.00")), "{lines:#?}");
    }
}

#[test]
fn points_redeemed_and_given_back_are_printed_apart_from_the_money_in_both_languages() {
    use till::core::points_tender::{PointsBack, PointsUsed};
    let mut sale = paid(1, 1_000, Tender::Cash { received: Fen(500), change: Fen::ZERO }, "01");
    let at = T0.plus_secs(60);
    sale.points_used.push(PointsUsed { member: "M1".into(), points: 500, amount: Fen(500), at, left: 100 });
    sale.points_back.push(PointsBack { number: "N9".into(), points: 500, at, operator: "01".into() });
    let r = report::compute(&[sale], Period { from: Some(T0), to: T0.plus_secs(3_600) }, &[]);
    assert_eq!(r.total.sales.amount, Fen(500), "points are no money taken");
    for (lang, heading, redeemed, back) in [
        (Lang::Zh, "积分（不计营业额）", "积分抵现 500", "退回积分 500"),
        (Lang::En, "Points (not money)", "Redeemed 500", "Given back 500"),
    ] {
        let (lines, at) = on_58mm(&r, lang, heading);
        assert!(lines[at + 1].starts_with(redeemed) && lines[at + 1].ends_with("5.00"), "{lines:#?}");
        assert!(lines[at + 2].starts_with(back), "{lines:#?}");
    }
}

/// The report printed on 58 mm paper in `lang`, every line within the paper, and where `heading` is.
fn on_58mm(r: &report::Report, lang: Lang, heading: &str) -> (Vec<String>, usize) {
    let p = PrinterProfile::mm58();
    let bytes = report_print::render(r, &settings(lang), &p);
    let lines = to_text_lines(&decode(&bytes, &p).expect("decodes"), p.columns);
    for l in &lines {
        assert!(l.width() <= p.columns, "over the paper: {l:?}");
    }
    let at = lines.iter().position(|l| l == heading);
    assert!(at.is_some(), "no {heading}: {lines:#?}");
    (lines, at.unwrap_or_default())
}
