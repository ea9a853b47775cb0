//! The office's arithmetic and flows, through `core::update` where a cashier would press keys.

use super::csv;
use super::journal::{self, EntryKind, EntryState, Filter};
use super::report::{self, PayMethod, Period, Unsettled};
use super::shift::Movement;
use super::*;
use crate::core::catalog::Catalogue;
use crate::core::code::Platform;
use crate::core::notice::Notice;
use crate::core::order::{Attempt, AttemptState, Line, OrderStatus, Refund, RefundOf, RefundState, Tender};
use crate::core::{Effect, Event, Key, Lang, Msg, Screen, Settings, State, update};

/// 2025-11-22 09:00:00 in Beijing.
const T0: Millis = Millis(1_763_773_200_000);

fn at(secs: i64) -> Millis {
    T0.plus_secs(secs)
}

fn order(id: u64, secs: i64, fen: i64, operator: &str) -> Order {
    let mut o = Order::new(id, at(secs - 5), operator.into());
    o.lines.push(Line { barcode: "1".into(), name: "货".into(), unit_price: Fen(fen), qty: 1 });
    o
}

fn cash(id: u64, secs: i64, fen: i64, operator: &str) -> Order {
    let mut o = order(id, secs, fen, operator);
    o.status = OrderStatus::Paid;
    o.tender = Some(Tender::Cash { received: Fen(fen + 50), change: Fen(50) });
    o.number = Some(format!("C{id}"));
    o.closed_at = Some(at(secs));
    o
}

fn attempt(no: &str, platform: Platform, secs: i64, fen: i64, state: AttemptState) -> Attempt {
    Attempt {
        out_trade_no: no.into(),
        platform,
        code_masked: "13****56".into(),
        amount: Fen(fen),
        started_at: at(secs),
        state,
        queries: 0,
        cancels: 0,
        cancel_unsupported: false,
        qr: None,
    }
}

fn code(id: u64, secs: i64, fen: i64, platform: Platform, operator: &str) -> Order {
    let mut o = order(id, secs, fen, operator);
    let no = format!("P{id}");
    o.attempts.push(attempt(&no, platform, secs - 2, fen, AttemptState::Paid { transaction_id: format!("T{id}") }));
    o.status = OrderStatus::Paid;
    o.tender = Some(Tender::Code { platform, out_trade_no: no.clone(), transaction_id: format!("T{id}") });
    o.number = Some(no);
    o.closed_at = Some(at(secs));
    o
}

fn in_doubt(id: u64, secs: i64, fen: i64, platform: Platform) -> Order {
    let mut o = order(id, secs, fen, "01");
    o.status = OrderStatus::Paying;
    o.attempts.push(attempt(
        &format!("P{id}"),
        platform,
        secs,
        fen,
        AttemptState::Unknown { reason: "timeout".into() },
    ));
    o
}

fn refund(o: &mut Order, no: &str, secs: i64, fen: i64, state: RefundState, operator: &str) {
    let of = match &o.tender {
        Some(Tender::Code { platform, out_trade_no, transaction_id }) => Some(RefundOf {
            platform: *platform,
            out_trade_no: out_trade_no.clone(),
            transaction_id: transaction_id.clone(),
        }),
        _ => None,
    };
    o.refunds.push(Refund {
        out_refund_no: no.into(),
        amount: Fen(fen),
        total: o.total(),
        refunded_before: Fen::ZERO,
        requested_at: at(secs),
        operator: operator.into(),
        state,
        refund_id: None,
        queries: 0,
        of,
        cash: false,
        returns: Vec::new(),
    });
}

/// A day: operator 01 sells cash and WeChat, 02 sells Alipay; a full and a partial refund, a failed
/// one, one in doubt, a payment in doubt, a sale from yesterday, and an order paid at another till
/// refunded here.
fn day() -> Vec<Order> {
    let mut orders = vec![
        cash(1, 100, 1_250, "01"),
        cash(2, 200, 330, "01"),
        code(3, 300, 2_000, Platform::WeChat, "01"),
        code(4, 400, 999, Platform::Alipay, "02"),
        code(5, 500, 5_000, Platform::WeChat, "02"),
        in_doubt(6, 600, 777, Platform::Alipay),
        cash(7, -86_400, 10_000, "01"), // yesterday: outside the period
    ];
    refund(&mut orders[2], "R1", 700, 2_000, RefundState::Refunded, "01"); // full
    refund(&mut orders[4], "R2", 800, 1_500, RefundState::Refunded, "02"); // partial
    refund(&mut orders[4], "R3", 900, 100, RefundState::Failed { reason: "no".into() }, "02");
    refund(&mut orders[3], "R4", 950, 99, RefundState::Unknown { reason: "timeout".into() }, "02");
    let mut imported = Order::new(8, at(990), "01".into());
    imported.status = OrderStatus::Paid;
    imported.imported = true;
    imported.tender =
        Some(Tender::Code { platform: Platform::Alipay, out_trade_no: "X".into(), transaction_id: "TX".into() });
    imported.number = Some("X".into());
    imported.closed_at = Some(at(990));
    refund(&mut imported, "R5", 995, 300, RefundState::Refunded, "01");
    orders.push(imported);
    orders
}

fn today() -> Period {
    Period { from: Some(at(0)), to: at(3_600) }
}

#[test]
fn a_report_counts_each_method_with_refunds_and_lists_what_is_in_doubt_apart() {
    let r = report::compute(&day(), today(), &[]);
    let cash = r.method(PayMethod::Cash);
    assert_eq!((cash.sales.n, cash.sales.amount, cash.refunds.n, cash.net()), (2, Fen(1_580), 0, Fen(1_580)));
    let wechat = r.method(PayMethod::WeChat);
    assert_eq!((wechat.sales.n, wechat.sales.amount), (2, Fen(7_000)));
    assert_eq!((wechat.refunds.n, wechat.refunds.amount, wechat.net()), (2, Fen(3_500), Fen(3_500)));
    let alipay = r.method(PayMethod::Alipay);
    // The in-doubt payment (7.77) is not a sale; the other till's order refunded here is a refund.
    assert_eq!((alipay.sales.n, alipay.sales.amount), (1, Fen(999)));
    assert_eq!((alipay.refunds.n, alipay.refunds.amount, alipay.net()), (1, Fen(300), Fen(699)));
    assert_eq!(r.total.sales.amount, Fen(1_580 + 7_000 + 999));
    assert_eq!(r.total.refunds.amount, Fen(3_500 + 300));
    assert_eq!(r.total.net(), Fen(9_579 - 3_800));
    let unresolved: Vec<_> = r.unresolved.iter().map(|u| (u.what, u.number.as_str(), u.amount)).collect();
    assert_eq!(unresolved, [(Unsettled::Payment, "P6", Fen(777)), (Unsettled::Refund, "R4", Fen(99))]);
    assert_eq!(r.carried, ["R4"]);
}

#[test]
fn a_report_splits_per_operator_and_the_operators_add_up() {
    let r = report::compute(&day(), today(), &[]);
    let ops: Vec<_> =
        r.operators.iter().map(|o| (o.operator.as_str(), o.total.sales.amount, o.total.refunds.amount)).collect();
    assert_eq!(ops, [("01", Fen(3_580), Fen(2_300)), ("02", Fen(5_999), Fen(1_500))]);
    let sum: Fen = r.operators.iter().map(|o| o.total.net()).sum();
    assert_eq!(sum, r.total.net());
    for m in PayMethod::ALL {
        let by_op: Fen =
            r.operators.iter().flat_map(|o| &o.methods).filter(|t| t.method == m).map(|t| t.totals.net()).sum();
        assert_eq!(by_op, r.method(m).net(), "{m:?}");
    }
}

#[test]
fn a_refund_in_doubt_at_a_z_report_is_counted_the_day_it_is_seen_made_and_only_then() {
    let mut orders = day();
    let z1 = report::compute(&orders, today(), &[]);
    assert_eq!(z1.carried, ["R4"]);
    // The refund is made after the close; the next day's report counts it once.
    orders[3].refunds[0].state = RefundState::Refunded;
    let next = Period { from: Some(at(3_600)), to: at(7_200) };
    let z2 = report::compute(&orders, next, &z1.carried);
    assert_eq!(z2.method(PayMethod::Alipay).refunds.amount, Fen(99));
    assert_eq!(z2.total.sales.n, 0);
    assert!(z2.unresolved.iter().all(|u| u.number != "R4"));
    // Without it carried (another day entirely) it is not counted again.
    let later = Period { from: Some(at(7_200)), to: at(9_000) };
    assert_eq!(report::compute(&orders, later, &[]).total.refunds.n, 0);
}

#[test]
fn a_payment_confirmed_after_a_close_counts_on_the_next_day() {
    let mut orders = day();
    let z1 = report::compute(&orders, today(), &[]);
    assert_eq!(z1.method(PayMethod::Alipay).sales.n, 1);
    let o = &mut orders[5];
    o.attempts[0].state = AttemptState::Paid { transaction_id: "T6".into() };
    o.status = OrderStatus::Paid;
    o.tender =
        Some(Tender::Code { platform: Platform::Alipay, out_trade_no: "P6".into(), transaction_id: "T6".into() });
    o.closed_at = Some(at(4_000));
    let z2 = report::compute(&orders, Period { from: Some(at(3_600)), to: at(7_200) }, &z1.carried);
    assert_eq!((z2.method(PayMethod::Alipay).sales.n, z2.method(PayMethod::Alipay).sales.amount), (1, Fen(777)));
    assert!(z2.unresolved.iter().all(|u| u.what != Unsettled::Payment));
}

#[test]
fn cash_flow_of_a_shift_is_its_operators_cash_in_its_time() {
    let mut orders = day();
    orders.push(cash(9, 300, 4_000, "02")); // another operator's cash: not this drawer's
    let mut c = cash(10, 1_000, 600, "01");
    refund(&mut c, "R6", 1_100, 200, RefundState::Refunded, "01");
    orders.push(c);
    let flow = report::cash_flow(&orders, "01", Period { from: Some(at(150)), to: at(3_600) });
    assert_eq!(flow, shift::CashFlow { sales: Fen(330 + 600), refunds: Fen(200) });
}

#[test]
fn the_journal_lists_payments_and_refunds_and_filters_them() {
    let entries = journal::entries(&day(), &today());
    let rows: Vec<_> = entries.iter().map(|e| (e.kind, e.state, e.number.as_str(), e.amount)).collect();
    assert!(rows.contains(&(EntryKind::Payment, EntryState::InDoubt, "P6", Fen(777))), "{rows:?}");
    assert!(rows.contains(&(EntryKind::Refund, EntryState::Failed, "P5", Fen(100))), "{rows:?}");
    assert!(!rows.iter().any(|r| r.2 == "C7"), "yesterday's sale is not in today's journal");
    assert!(!rows.iter().any(|r| r.0 == EntryKind::Payment && r.2 == "X"), "another till's sale");
    assert!(entries.windows(2).all(|w| w[0].at <= w[1].at));
    let paid: Fen = entries.iter().filter(|e| e.state == EntryState::Paid).map(|e| e.amount).sum();
    let refunded: Fen = entries.iter().filter(|e| e.state == EntryState::Refunded).map(|e| e.amount).sum();
    let r = report::compute(&day(), today(), &[]);
    assert_eq!((paid, refunded), (r.total.sales.amount, r.total.refunds.amount));
    let f = Filter { operator: Some("02".into()), method: Some(PayMethod::WeChat), state: Some(EntryState::Refunded) };
    let kept: Vec<_> = entries.iter().filter(|e| f.keeps(e)).map(|e| e.refund_no.clone()).collect();
    assert_eq!(kept, [Some("R2".to_string())]);
    assert_eq!(journal::cycle(&None, &PayMethod::ALL), Some(PayMethod::Cash));
    assert_eq!(journal::cycle(&Some(PayMethod::Alipay), &PayMethod::ALL), None);
}

#[test]
fn the_csv_export_reads_back_with_the_same_totals() {
    let orders = day();
    let rows = csv::rows(&orders, &today(), 480);
    let header = ["类型", "时间", "订单号", "退款单号", "支付,方式", "收银员", "件数", "金额"];
    let text = csv::write(&header, &rows);
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("\"支付,方式\""), "a comma in a field is quoted");
    assert!(text.contains("refund,2025-11-22 09:11:40,P3,R1,wechat,01,0,-20.00\r\n"), "{text}");
    let back = csv::parse(&text).expect("reads back");
    assert_eq!(back, rows);
    let r = report::compute(&orders, today(), &[]);
    let sales: Fen = back.iter().filter(|r| r.kind == csv::RowKind::Sale).map(|r| r.amount).sum();
    let net: Fen = back.iter().map(|r| r.amount).sum();
    assert_eq!((sales, net), (r.total.sales.amount, r.total.net()));
    assert_eq!(back.iter().filter(|r| r.kind == csv::RowKind::Refund).count() as u32, r.total.refunds.n);
    let bad = "\u{feff}h\r\nsale,t,n,,bitcoin,01,1,1.00\r\n";
    assert_eq!(csv::parse(bad).map_err(|e| e.line), Err(2));
}

// ---- through update: keys and the app's answers ----

fn till() -> State {
    let settings = Settings {
        shop_name: "小店".into(),
        operator: "01".into(),
        order_prefix: "12345678".into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang: Lang::Zh,
    };
    let mut s = State::new(settings, Catalogue::default());
    sign_in_01(&mut s);
    send(&mut s, 0, Msg::Restored { orders: vec![], counters: None });
    send(&mut s, 0, Msg::Office(OfficeMsg::Restored { shifts: vec![], last_z: None }));
    s
}

/// Operator 01, a supervisor, signed in as the demo and the tests do.
fn sign_in_01(s: &mut State) {
    use crate::core::auth;
    s.auth.policy.auto_sign_in = Some("01".into());
    let first = auth::Operator::new("01", "店长", auth::Role::Supervisor, auth::PinHash("-".into()));
    send(s, 0, Msg::Auth(auth::AuthMsg::Loaded { operators: vec![first] }));
}

fn send(s: &mut State, secs: i64, msg: Msg) -> Vec<Effect> {
    update(s, Event { at: at(secs), msg })
}

fn keys(s: &mut State, secs: i64, typed: &str) {
    for c in typed.chars() {
        send(s, secs, Msg::Key(Key::Char(c)));
    }
}

fn enter(s: &mut State, secs: i64) -> Vec<Effect> {
    send(s, secs, Msg::Key(Key::Enter))
}

/// The load the core asked for, answered with `orders`.
fn answer_load(s: &mut State, secs: i64, fx: &[Effect], orders: Vec<Order>) -> Vec<Effect> {
    let ticket = fx
        .iter()
        .find_map(|e| match e {
            Effect::Office(OfficeEffect::LoadOrders { ticket, .. }) => Some(*ticket),
            _ => None,
        })
        .expect("a load");
    send(s, secs, Msg::Office(OfficeMsg::OrdersLoaded { ticket, result: Ok(orders) }))
}

fn saved_shifts(fx: &[Effect]) -> Vec<Shift> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Office(OfficeEffect::SaveShift(s)) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_shift_opens_with_a_float_takes_pay_ins_and_outs_and_closes_with_its_difference() {
    let mut s = till();
    send(&mut s, 1, Msg::Key(Key::F(5)));
    assert_eq!(s.screen, Screen::Office);
    keys(&mut s, 1, "200");
    let fx = enter(&mut s, 1);
    assert_eq!(saved_shifts(&fx)[0].float, Fen(20_000));
    send(&mut s, 2, Msg::Key(Key::F(1)));
    keys(&mut s, 2, "50");
    enter(&mut s, 2);
    let fx = enter(&mut s, 2);
    assert!(saved_shifts(&fx).is_empty(), "a pay-in needs a reason");
    assert_eq!(s.notice, Some(Notice::Office(OfficeNotice::ReasonNeeded)));
    keys(&mut s, 2, "零钱");
    let fx = enter(&mut s, 2);
    assert_eq!(saved_shifts(&fx)[0].pay_ins(), Fen(5_000));
    send(&mut s, 3, Msg::Key(Key::F(2)));
    keys(&mut s, 3, "30.5");
    enter(&mut s, 3);
    keys(&mut s, 3, "送货费");
    enter(&mut s, 3);
    // Cash-up: the shift's cash sales come from the store.
    let fx = send(&mut s, 4_000, Msg::Key(Key::F(3)));
    let mut c = cash(1, 1_000, 1_250, "01");
    refund(&mut c, "R1", 1_100, 250, RefundState::Refunded, "01");
    answer_load(&mut s, 4_000, &fx, vec![c, cash(2, 1_200, 9_900, "02")]);
    // expected = 200 + 12.50 − 2.50 + 50 − 30.50 = 229.50; counted 229.00
    keys(&mut s, 4_001, "229");
    enter(&mut s, 4_001);
    let fx = enter(&mut s, 4_002);
    assert!(saved_shifts(&fx).is_empty(), "a difference needs a note");
    assert_eq!(s.notice, Some(Notice::Office(OfficeNotice::NoteNeeded)));
    keys(&mut s, 4_002, "少五毛");
    let fx = enter(&mut s, 4_002);
    let closed = saved_shifts(&fx).pop().expect("closed shift saved");
    let up = closed.close.expect("cash-up");
    assert_eq!((up.expected, up.counted, up.difference), (Fen(22_950), Fen(22_900), Fen(-50)));
    assert_eq!(up.note, "少五毛");
    assert_eq!(s.notice, Some(Notice::Office(OfficeNotice::ShiftClosed { difference: Fen(-50) })));
    assert!(s.office.shift.is_none());
    assert_eq!(s.office.day_shifts.len(), 1);
}

fn close_day_effect(fx: &[Effect]) -> Option<(Option<Shift>, ZRecord)> {
    fx.iter().find_map(|e| match e {
        Effect::Office(OfficeEffect::CloseDay { shift, z }) => Some((shift.clone(), z.clone())),
        _ => None,
    })
}

#[test]
fn the_x_report_changes_nothing_and_the_z_report_closes_the_day_with_the_shift_numbered() {
    let mut s = till();
    send(&mut s, 1, Msg::Key(Key::F(5)));
    keys(&mut s, 1, "100");
    enter(&mut s, 1);
    send(&mut s, 1, Msg::Key(Key::Esc));
    // X report.
    let fx = send(&mut s, 3_600, Msg::Key(Key::F(6)));
    answer_load(&mut s, 3_600, &fx, day());
    let Some(View::Report(ReportView { report: Some(x), .. })) = &s.office.view else { panic!("no report") };
    assert_eq!(x.kind, report::ReportKind::X);
    // No Z yet: the report runs from the first sale, so yesterday's 100.00 is in it.
    assert_eq!(x.total.net(), Fen(5_779 + 10_000));
    assert_eq!(x.shifts.len(), 1, "the open shift is on the X report");
    let fx = send(&mut s, 3_600, Msg::Key(Key::F(4)));
    assert!(fx.iter().any(|e| matches!(e, Effect::Office(OfficeEffect::Print(r)) if r.kind == report::ReportKind::X)));
    assert!(s.office.shift.is_some() && s.office.last_z.is_none(), "an X report changes nothing");
    // Z: the open shift is counted first.
    let fx = send(&mut s, 3_601, Msg::Key(Key::F(7)));
    assert!(matches!(&s.office.view, Some(View::Shift(v)) if v.closes_day && v.step == ShiftStep::Count));
    answer_load(&mut s, 3_601, &fx, day());
    keys(&mut s, 3_602, "115.80");
    enter(&mut s, 3_602);
    let fx = enter(&mut s, 3_602);
    // request_close_day → (supervisor) → the day's orders.
    assert_eq!(s.notice, Some(Notice::Office(OfficeNotice::ClosingDay)));
    let fx = answer_load(&mut s, 3_603, &fx, day());
    let (shift, z) = close_day_effect(&fx).expect("close day written");
    assert_eq!(z.number, 1);
    assert_eq!(z.report.kind, report::ReportKind::Z { number: 1 });
    let up = shift.and_then(|s| s.close).expect("the shift closes with the day");
    // float 100 + cash sales 15.80 (01's) = 115.80 counted: no difference, no note needed.
    assert_eq!((up.expected, up.difference), (Fen(11_580), Fen::ZERO));
    assert!(s.office.last_z.is_none(), "not closed until the store says so");
    let fx = send(&mut s, 3_604, Msg::Office(OfficeMsg::DayClosed { number: 1 }));
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Office(OfficeEffect::Print(r)) if r.kind == report::ReportKind::Z { number: 1 })
        )
    );
    assert_eq!(s.office.last_z.as_ref().map(|z| (z.number, z.at)), Some((1, at(3_603))));
    assert!(s.office.shift.is_none());
    // F7 on the Z just made closes nothing more.
    assert!(send(&mut s, 3_605, Msg::Key(Key::F(7))).is_empty());
    // The next day's Z is number 2 and starts where the first ended.
    send(&mut s, 7_000, Msg::Key(Key::Esc));
    send(&mut s, 7_000, Msg::Key(Key::F(6)));
    let fx = send(&mut s, 7_000, Msg::Key(Key::F(7)));
    let load_period = fx.iter().find_map(|e| match e {
        Effect::Office(OfficeEffect::LoadOrders { period, carried, .. }) => Some((*period, carried.clone())),
        _ => None,
    });
    assert_eq!(load_period, Some((Period { from: Some(at(3_603)), to: at(7_000) }, vec!["R4".to_string()])));
    let fx = answer_load(&mut s, 7_001, &fx, day());
    let (shift, z) = close_day_effect(&fx).expect("second close");
    assert_eq!((shift, z.number, z.report.total.sales.n), (None, 2, 0));
}

#[test]
fn a_failed_close_leaves_the_day_open_and_a_stale_answer_is_ignored() {
    let mut s = till();
    let fx = send(&mut s, 10, Msg::Key(Key::F(6)));
    send(&mut s, 11, Msg::Key(Key::Esc));
    answer_load(&mut s, 12, &fx, day());
    assert_eq!(s.screen, Screen::Sale, "an answer after leaving changes nothing");
    send(&mut s, 20, Msg::Key(Key::F(6)));
    let fx = send(&mut s, 21, Msg::Key(Key::F(7)));
    let fx = answer_load(&mut s, 22, &fx, vec![]);
    assert!(close_day_effect(&fx).is_some());
    send(&mut s, 23, Msg::Office(OfficeMsg::CloseDayFailed { error: "disk full".into() }));
    assert!(s.office.last_z.is_none() && s.office.closing.is_none());
    assert!(matches!(s.notice, Some(Notice::Office(OfficeNotice::CloseDayFailed { .. }))));
    // Tried again: the same number.
    let fx = send(&mut s, 30, Msg::Key(Key::F(7)));
    let fx = answer_load(&mut s, 31, &fx, vec![]);
    assert_eq!(close_day_effect(&fx).map(|(_, z)| z.number), Some(1));
}

#[test]
fn the_journal_selects_an_entry_shows_it_and_reprints_its_receipt() {
    let mut s = till();
    let fx = send(&mut s, 3_600, Msg::Key(Key::F(7)));
    answer_load(&mut s, 3_600, &fx, day());
    let Some(View::Journal(v)) = &s.office.view else { panic!("journal") };
    assert_eq!(v.visible().len(), v.entries.len());
    // Only refunds, then the first refund made.
    for _ in 0..2 {
        send(&mut s, 3_601, Msg::Key(Key::F(7)));
    }
    let Some(View::Journal(v)) = &s.office.view else { panic!("journal") };
    assert_eq!(v.filter.state, Some(EntryState::Refunded));
    assert!(v.visible().iter().all(|e| e.state == EntryState::Refunded));
    send(&mut s, 3_601, Msg::Key(Key::Enter));
    let fx = send(&mut s, 3_601, Msg::Key(Key::F(4)));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::PrintRefund { out_refund_no, .. } if out_refund_no == "R1")),
        "{fx:?}"
    );
    // A paid cash sale reprints through the Reprint effect with the till's record.
    send(&mut s, 3_602, Msg::Key(Key::Esc));
    send(&mut s, 3_602, Msg::Key(Key::F(7))); // in doubt
    send(&mut s, 3_602, Msg::Key(Key::F(7))); // failed
    send(&mut s, 3_602, Msg::Key(Key::F(7))); // all
    send(&mut s, 3_602, Msg::Key(Key::F(6))); // cash
    let fx = send(&mut s, 3_602, Msg::Key(Key::F(4)));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Reprint { order: Some(o), transaction_id } if o.id == 1 && transaction_id.is_empty())),
        "{fx:?}"
    );
    send(&mut s, 3_603, Msg::Key(Key::Esc));
    assert_eq!(s.screen, Screen::Sale);
}

#[test]
fn the_office_is_only_for_an_empty_sale_screen_and_the_summary_takes_a_range() {
    let mut s = till();
    send(&mut s, 1, Msg::Scan("5.00".into()));
    send(&mut s, 1, Msg::Key(Key::F(8)));
    assert_eq!((s.screen.clone(), s.notice.clone()), (Screen::Sale, Some(Notice::FinishSaleFirst)));
    send(&mut s, 1, Msg::Key(Key::Delete));
    let fx = send(&mut s, 2, Msg::Key(Key::F(8)));
    answer_load(&mut s, 2, &fx, day());
    let Some(View::Summary(v)) = &s.office.view else { panic!("summary") };
    let sum = v.summary.clone().expect("summary");
    assert_eq!(sum.by_hour.iter().copied().sum::<Fen>(), sum.total.sales.amount);
    assert_eq!(sum.by_hour[9], Fen(9_579), "09:00–10:00");
    keys(&mut s, 3, "20251101-20251122");
    let fx = enter(&mut s, 3);
    let period = fx.iter().find_map(|e| match e {
        Effect::Office(OfficeEffect::LoadOrders { period, .. }) => Some(*period),
        _ => None,
    });
    let from = day::Day::parse("2025-11-01").expect("day");
    assert_eq!(period.and_then(|p| p.from), Some(from.start(480)));
    keys(&mut s, 4, "2025");
    enter(&mut s, 4);
    assert_eq!(s.notice, Some(Notice::Office(OfficeNotice::BadDate)));
    let fx = send(&mut s, 5, Msg::Key(Key::F(2)));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Office(OfficeEffect::ExportCsv { dir, .. }) if dir == DEFAULT_EXPORT_DIR))
    );
}

#[test]
fn a_restart_restores_the_open_shift_and_the_last_close() {
    let mut s = State::new(till().settings.clone(), Catalogue::default());
    let mut closed = Shift::open(1, "01", at(0), Fen(100));
    closed.close_with(at(50), Default::default(), Fen(100), "");
    let open = Shift::open(2, "02", at(100), Fen(200));
    let z = ZMark { number: 4, at: at(40), carried: vec![] };
    send(&mut s, 0, Msg::Office(OfficeMsg::Restored { shifts: vec![closed, open.clone()], last_z: Some(z) }));
    assert_eq!(s.office.shift, Some(open));
    assert_eq!((s.office.next_shift_id, s.office.day_shifts.len()), (3, 1));
    assert!(s.office.restored);
}

#[test]
fn movement_names_serialise_for_the_records() {
    assert_eq!(serde_json::to_string(&Movement::PayOut).expect("json"), "\"payout\"");
    assert_eq!(serde_json::to_string(&PayMethod::WeChat).expect("json"), "\"wechat\"");
}

#[test]
fn a_cashier_closing_the_day_needs_a_supervisors_pin_and_a_bare_message_closes_nothing() {
    use crate::core::auth::{self, AuthMsg};
    let settings = till().settings.clone();
    let mut s = State::new(settings, Catalogue::default());
    s.auth.policy.auto_sign_in = Some("02".into());
    let boss = auth::Operator::new("01", "店长", auth::Role::Supervisor, auth::PinHash("-".into()));
    let cashier = auth::Operator::new("02", "收银员", auth::Role::Cashier, auth::PinHash("-".into()));
    send(&mut s, 0, Msg::Auth(AuthMsg::Loaded { operators: vec![boss, cashier] }));
    send(&mut s, 0, Msg::Restored { orders: vec![], counters: None });
    send(&mut s, 0, Msg::Office(OfficeMsg::Restored { shifts: vec![], last_z: None }));
    let fx = send(&mut s, 10, Msg::Key(Key::F(6)));
    answer_load(&mut s, 10, &fx, day());
    let fx = send(&mut s, 11, Msg::Key(Key::F(7)));
    assert_eq!(s.auth.prompt.as_ref().map(|p| p.action), Some(crate::core::Action::CloseDay));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Office(_))), "nothing loaded or written yet: {fx:?}");
    // A message alone (e.g. forged on a headless till's stdin) only asks again.
    let fx = send(&mut s, 12, Msg::Office(OfficeMsg::CloseDay));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Office(_))), "{fx:?}");
    // The supervisor's PIN, checked by the app, lets the close go on.
    assert!(s.auth.prompt.as_ref().is_some_and(|p| p.number == "01" && p.at_pin), "the one supervisor is asked");
    keys(&mut s, 13, "4321");
    let fx = enter(&mut s, 13);
    assert!(fx.iter().any(|e| matches!(e, Effect::Auth(_))), "the PIN goes to be checked: {fx:?}");
    let fx = send(&mut s, 14, Msg::Auth(AuthMsg::PinChecked { number: "01".into(), ok: true }));
    assert!(fx.iter().any(|e| matches!(e, Effect::Office(OfficeEffect::LoadOrders { .. }))), "{fx:?}");
}
