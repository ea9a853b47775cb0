//! A whole shop day through the real engine: the real Cloud Pay client over HTTP against the
//! simulator, the real redb store, the real print queue. Operator 01 opens a shift with a float,
//! sells, pays in and out, cashes up; operator 01 signs out and operator 02 signs in on the sign-in
//! screen (number and first PIN typed, a PIN of their own chosen and hashed by the app), refunds
//! approved with the supervisor's PIN; 200 mixed sales (cash, WeChat Pay,
//! Alipay), a few full and partial refunds, an X report at midday and a Z report at closing.
//! The reports' totals are checked against the sum of the journal, per method and per operator;
//! the Z report is in the outbox exactly once and comes out of the printer.

#![allow(clippy::panic)] // the driver fails the test by panicking

mod common;

use common::counter::{self, Counter, Patience};

use std::sync::Arc;
use std::time::Duration;
use till::app::ManualClock;
use till::cli::operators::{self, NewOperator};
use till::core::auth::{AuditEvent, SignInStep};
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::office::csv;
use till::core::office::journal::{self, EntryKind, EntryState};
use till::core::office::report::{self, PayMethod, Period, Report, ReportKind};
use till::core::office::{OfficeNotice, ReportView, ShiftStep, View};
use till::core::order::{Order, RefundState, Tender};
use till::core::{Action, Key, Lang, Msg, Screen, Settings, State};
use till::devices::fake::PaperRoll;
use till::escpos::{PrinterProfile, decode, to_text_lines};
use till::store::{OutboxKind, RedbStore, Store};

/// 2025-11-22 08:30:00 in Beijing.
const T0: Millis = Millis(1_763_771_400_000);
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
const SALES: u32 = 200;
/// Operator 01's PIN: the fresh till's, still asked for when 02 refunds.
const SUPERVISOR_PIN: &str = "0000";

struct Shop {
    till: Counter,
    rng: u64,
    products: Vec<String>,
    /// Code-paid order numbers: refund candidates.
    paid_by_code: Vec<String>,
    sales: [u32; 3],
}

impl Shop {
    fn next(&mut self, n: u64) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % n.max(1)
    }

    async fn pause(&mut self) {
        let secs = 20 + self.next(60) as i64;
        self.till.pass_secs(secs).await;
    }

    fn back_to_sale(&mut self) {
        for _ in 0..4 {
            if self.till.state().screen == Screen::Sale && self.till.state().input.is_empty() {
                return;
            }
            self.till.key(Key::Esc);
        }
        assert_eq!(self.till.state().screen, Screen::Sale);
    }

    /// One customer: one to three items, then cash (a third), WeChat Pay or Alipay.
    async fn sale(&mut self) {
        self.back_to_sale();
        for _ in 0..=self.next(3) {
            let i = self.next(self.products.len() as u64) as usize;
            let code = self.products[i].clone();
            self.till.engine.handle(Msg::Scan(code));
        }
        let how = self.next(3) as usize;
        self.sales[how] += 1;
        if how == 0 {
            self.till.key(Key::F(2));
            self.till.key(Key::Enter);
            assert!(matches!(self.till.state().screen, Screen::Done { .. }), "cash sale");
            return;
        }
        self.till.key(Key::Enter);
        let tail = format!("{:012}{}", self.next(1_000_000_000_000), 1000 + self.next(9000));
        let code = if how == 1 { format!("13{tail}") } else { format!("28{tail}") };
        self.till.engine.handle(Msg::Scan(code));
        self.till.settle("payment", |s| matches!(s.screen, Screen::Done { .. })).await;
        let Some(Tender::Code { out_trade_no, .. }) = &self.till.state().sale.tender else { panic!("paid by code") };
        let number = out_trade_no.clone();
        self.paid_by_code.push(number);
    }

    /// Looks a code-paid order up and refunds all of it, or `part` of it.
    async fn refund(&mut self, part: Option<&str>) {
        self.back_to_sale();
        let i = self.next(self.paid_by_code.len() as u64) as usize;
        let number = self.paid_by_code.remove(i);
        self.till.engine.handle(Msg::Scan(number));
        self.till.settle("lookup", |s| s.lookup.as_ref().is_some_and(|v| !v.pending)).await;
        if let Some(amount) = part {
            self.till.clear_input();
            self.till.typed(amount);
        }
        self.till.key(Key::Enter);
        self.approve().await;
        self.till.settle("refund", |s| s.background.is_empty() && s.lookup.as_ref().is_some_and(|v| !v.pending)).await;
        self.back_to_sale();
    }

    /// A cashier's refund or close: if the supervisor's PIN is asked for, they type it and the
    /// action goes on.
    async fn approve(&mut self) {
        if self.till.state().auth.prompt.is_some() {
            self.till.typed(SUPERVISOR_PIN);
            self.till.key(Key::Enter);
            self.pin_checked().await;
            assert!(self.till.state().auth.prompt.is_none(), "supervisor approved: {:?}", self.till.state().notice);
        }
    }

    /// The app checks (or hashes) a PIN off the render loop; its answer comes back as a message.
    async fn pin_checked(&mut self) {
        while self.till.state().auth.checking.is_some() {
            assert!(self.till.engine.next_msg(ANSWER_WITHIN).await, "the PIN was never checked");
        }
    }

    /// F9 signs the operator out (a second F9, approved by the supervisor signed in, if records
    /// are still unsynced); the next operator types their number and PIN on the sign-in screen.
    async fn hand_over(&mut self, number: &str, first_pin: &str, own_pin: &str) {
        self.back_to_sale();
        self.till.key(Key::F(9));
        if self.till.state().auth.session.is_some() {
            self.till.key(Key::F(9));
        }
        assert!(self.till.state().auth.session.is_none(), "signed out: {:?}", self.till.state().notice);
        assert_eq!(self.till.state().auth.signin.step, SignInStep::Number);
        self.till.typed(number);
        self.till.key(Key::Enter);
        assert_eq!(self.till.state().auth.signin.step, SignInStep::Pin);
        self.till.typed(first_pin);
        self.till.key(Key::Enter);
        self.pin_checked().await;
        // A first PIN set by the technician: the operator chooses their own, typed twice.
        assert_eq!(self.till.state().auth.signin.step, SignInStep::NewPin, "{:?}", self.till.state().notice);
        for _ in 0..2 {
            self.till.typed(own_pin);
            self.till.key(Key::Enter);
        }
        self.pin_checked().await;
        assert_eq!(self.till.state().auth.session.as_ref().map(|s| s.number.as_str()), Some(number));
    }

    fn report_on_screen(&self) -> Report {
        match &self.till.state().office.view {
            Some(View::Report(ReportView { report: Some(r), pending: false })) => r.clone(),
            other => panic!("no report on screen: {other:?}"),
        }
    }

    /// F5, the float, Enter.
    fn open_shift(&mut self, float: &str) {
        self.back_to_sale();
        self.till.key(Key::F(5));
        self.till.typed(float);
        self.till.key(Key::Enter);
        assert!(self.till.state().office.shift.is_some(), "shift opened");
    }

    /// Counts exactly what is expected (or `short` less, with a note) and confirms.
    async fn count_drawer(&mut self, short: Fen) {
        self.till
            .settle(
                "shift's sales",
                |s| matches!(&s.office.view, Some(View::Shift(v)) if v.step == ShiftStep::Count && v.flow.is_some()),
            )
            .await;
        let (shift, flow) = match (&self.till.state().office.shift, &self.till.state().office.view) {
            (Some(shift), Some(View::Shift(v))) => (shift.clone(), v.flow.expect("flow")),
            _ => panic!("counting"),
        };
        let counted = shift.expected(flow) - short;
        self.till.typed(&counted.to_string());
        self.till.key(Key::Enter);
        if short != Fen::ZERO {
            self.till.typed("short");
        }
        self.till.key(Key::Enter);
    }
}

/// Answers still to come: a call out, a report being gathered, or a Z report being closed.
fn office_busy(s: &State) -> bool {
    let waiting = s.calls_in_flight() || s.office.waiting.is_some();
    let closing = s.office.closing.as_ref().is_some_and(|c| c.z.is_some());
    waiting || closing
}

fn settings(operator: &str) -> Settings {
    Settings {
        shop_name: "Happy Corner Shop".into(),
        operator: operator.into(),
        order_prefix: "01000052".into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang: Lang::En,
    }
}

/// A number of journal entries and their sum.
type Sum = (u32, Fen);

/// The journal's sums: paid payments and made refunds per method.
fn journal_sums(orders: &[Order], period: &Period) -> Vec<(PayMethod, Sum, Sum)> {
    let entries = journal::entries(orders, period);
    PayMethod::ALL
        .iter()
        .map(|m| {
            let sum = |kind, state| {
                let es: Vec<_> =
                    entries.iter().filter(|e| e.method == *m && e.kind == kind && e.state == state).collect();
                (es.len() as u32, es.iter().map(|e| e.amount).sum::<Fen>())
            };
            (*m, sum(EntryKind::Payment, EntryState::Paid), sum(EntryKind::Refund, EntryState::Refunded))
        })
        .collect()
}

fn assert_report_is_the_journal(report: &Report, orders: &[Order]) {
    let period = Period { from: report.from, to: report.to };
    for (m, (sold_n, sold), (refunded_n, refunded)) in journal_sums(orders, &period) {
        let t = report.method(m);
        assert_eq!((t.sales.n, t.sales.amount), (sold_n, sold), "{m:?} sales");
        assert_eq!((t.refunds.n, t.refunds.amount), (refunded_n, refunded), "{m:?} refunds");
    }
    for op in &report.operators {
        let entries = journal::entries(orders, &period);
        let paid: Fen = entries
            .iter()
            .filter(|e| e.operator == op.operator && e.kind == EntryKind::Payment && e.state == EntryState::Paid)
            .map(|e| e.amount)
            .sum();
        let refunded: Fen = entries
            .iter()
            .filter(|e| e.operator == op.operator && e.kind == EntryKind::Refund && e.state == EntryState::Refunded)
            .map(|e| e.amount)
            .sum();
        assert_eq!((op.total.sales.amount, op.total.refunds.amount), (paid, refunded), "operator {}", op.operator);
    }
    let net: Fen = report.operators.iter().map(|o| o.total.net()).sum();
    assert_eq!(net, report.total.net());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_day_of_200_sales_reconciles_in_the_x_and_z_reports() {
    let clock = Arc::new(ManualClock::new(T0));
    let (_sim, client) = counter::cloud_pay(&clock); // the simulator runs while its handle lives
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(RedbStore::open(&dir.path().join("store")).expect("store"));
    // The technician added cashier 02 with a first PIN (`till operators add`); 01 is the fresh
    // till's supervisor.
    let new = NewOperator { number: Some("02".into()), name: "Li Na".into(), supervisor: false, staff_id: None };
    operators::add(&*store, Lang::En, T0, &new, &mut "2468\n".as_bytes()).expect("operator 02");
    let roll = PaperRoll::default();
    let devices = counter::devices(store.clone(), &roll, 500);
    let catalogue = till::demo::catalogue(Lang::En);
    let products = catalogue.iter().map(|p| p.barcode.clone()).collect();
    // Operator 01 (the fresh till's supervisor) signed in as the demo does.
    let state = State::new(settings("01"), catalogue);
    let patience = Patience { answer_within: ANSWER_WITHIN, busy: office_busy, steps: 10_000, ..Patience::default() };
    let till = Counter::start(state, client, devices, clock, patience);
    let mut shop = Shop { till, rng: 0x5eed_da11, products, paid_by_code: Vec::new(), sales: [0; 3] };
    shop.till.settle("start", |s| s.ready && s.office.restored).await;

    // 08:30 operator 01 opens the drawer with 200.00, and pays 50.00 of change in.
    shop.open_shift("200");
    shop.till.key(Key::F(1));
    shop.till.typed("50");
    shop.till.key(Key::Enter);
    shop.till.typed("change from the bank");
    shop.till.key(Key::Enter);
    for i in 0..SALES {
        shop.sale().await;
        shop.pause().await;
        if i % 40 == 39 {
            let part = if i % 80 == 39 { Some("1.00") } else { None };
            shop.refund(part).await;
        }
        if i == SALES / 2 {
            // Midday: an X report (changes nothing), then 01 pays a supplier and hands over to 02.
            shop.back_to_sale();
            shop.till.key(Key::F(6));
            shop.till.settle("X report", |s| matches!(&s.office.view, Some(View::Report(v)) if !v.pending)).await;
            let x = shop.report_on_screen();
            assert_eq!(x.kind, ReportKind::X);
            shop.till.engine.durable().await;
            assert_report_is_the_journal(&x, &store.orders().expect("orders"));
            assert!(shop.till.state().office.last_z.is_none());
            shop.till.key(Key::Esc);
            shop.till.key(Key::F(5));
            shop.till.key(Key::F(2));
            shop.till.typed("30.50");
            shop.till.key(Key::Enter);
            shop.till.typed("milk delivery");
            shop.till.key(Key::Enter);
            shop.till.key(Key::F(3));
            shop.count_drawer(Fen(50)).await;
            let closed = shop.till.state().office.day_shifts.last().cloned().expect("01's shift closed");
            assert_eq!(closed.close.as_ref().map(|c| c.difference), Some(Fen(-50)));
            shop.back_to_sale();
            // Operator 01 signs out; 02 signs in on the sign-in screen and opens the drawer again.
            shop.hand_over("02", "2468", "8642").await;
            assert_eq!((shop.till.state().operator(), shop.till.state().sale.operator.as_str()), ("02", "02"));
            shop.open_shift("300");
            shop.back_to_sale();
        }
    }
    assert!(shop.sales.iter().all(|n| *n > 20), "a mix of tenders: {:?}", shop.sales);

    // Closing: the Z report, with 02's drawer counted.
    shop.back_to_sale();
    shop.till.key(Key::F(6));
    shop.till.settle("report", |s| matches!(&s.office.view, Some(View::Report(v)) if !v.pending)).await;
    shop.till.key(Key::F(7));
    shop.count_drawer(Fen::ZERO).await;
    assert!(shop.till.state().auth.prompt.is_some(), "closing the day needs the supervisor: 02 is a cashier");
    shop.approve().await;
    shop.till.settle("day closed", |s| s.office.last_z.is_some()).await;
    let z = shop.report_on_screen();
    assert_eq!(z.kind, ReportKind::Z { number: 1 });
    shop.till.engine.durable().await;
    let orders = store.orders().expect("orders");
    assert_report_is_the_journal(&z, &orders);

    // Every sale and refund of the day is in it; nothing in doubt.
    let sold: Fen = orders.iter().filter(|o| o.tender.is_some() && !o.imported).map(Order::total).sum();
    let refunded: Fen =
        orders.iter().flat_map(|o| &o.refunds).filter(|r| r.state == RefundState::Refunded).map(|r| r.amount).sum();
    assert_eq!((z.total.sales.n, z.total.sales.amount, z.total.refunds.amount), (SALES, sold, refunded));
    assert_eq!(z.total.refunds.n, SALES / 40);
    assert!(z.unresolved.is_empty(), "{:?}", z.unresolved);
    let ops: Vec<_> = z.operators.iter().map(|o| o.operator.as_str()).collect();
    assert_eq!(ops, ["01", "02"]);
    // Both cash-ups are on it; 02's counted exactly: float + 02's cash sales.
    assert_eq!(z.shifts.len(), 2);
    let second = z.shifts[1].close.clone().expect("02's cash-up");
    assert_eq!(second.difference, Fen::ZERO);
    let cash_02 = report::cash_flow(&orders, "02", Period { from: Some(z.shifts[1].opened_at), to: z.to });
    assert_eq!(second.expected, Fen(30_000) + cash_02.sales - cash_02.refunds);
    let first = z.shifts[0].close.clone().expect("01's cash-up");
    assert_eq!((first.pay_ins, first.pay_outs, first.note.as_str()), (Fen(5_000), Fen(3_050), "short"));

    // The Z report went to the back office's outbox once, beside the sales.
    let zs: Vec<_> =
        store.outbox_pending(10_000).expect("outbox").into_iter().filter(|r| r.kind == OutboxKind::ZReport).collect();
    assert_eq!(zs.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["zreport:1"]);
    let body: serde_json::Value = serde_json::from_str(&zs[0].body).expect("json");
    assert_eq!(body["zreport"]["report"]["total"]["sales"]["amount"], z.total.sales.amount.0);

    // And it came out of the printer.
    for _ in 0..50 {
        let printed = roll.jobs().iter().any(|job| job.windows(8).any(|w| w == b"Z report"));
        if printed {
            break;
        }
        shop.till.engine.next_msg(Duration::from_millis(100)).await;
    }
    let last = roll.jobs().last().cloned().expect("printed");
    let p = PrinterProfile::mm58();
    let lines = to_text_lines(&decode(&last, &p).expect("decodes"), p.columns);
    assert!(lines.iter().any(|l| l.contains("Z report")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.ends_with(&z.total.net().to_string())), "{lines:#?}");

    // The day exported from the summary screen (F8, F2) to the USB stick reads back to the Z's totals.
    let usb = tempfile::tempdir().expect("usb");
    shop.till.engine.set_export_dir(usb.path());
    shop.back_to_sale();
    shop.till.key(Key::F(8));
    shop.till.settle("summary", |s| matches!(&s.office.view, Some(View::Summary(v)) if !v.pending)).await;
    shop.till.key(Key::F(2));
    shop.till.settle("export", |s| matches!(s.notice, Some(Notice::Office(OfficeNotice::Exported { .. })))).await;
    let text = std::fs::read_to_string(usb.path().join("till-20251122.csv")).expect("the file on the stick");
    let rows = csv::parse(&text).expect("reads back");
    let sales: Fen = rows.iter().filter(|r| r.kind == csv::RowKind::Sale).map(|r| r.amount).sum();
    let net: Fen = rows.iter().map(|r| r.amount).sum();
    assert_eq!((rows.len() as u32, sales, net), (SALES + SALES / 40, z.total.sales.amount, z.total.net()));

    // The handover is in the audit log as a shop's would be: 01 out, 02 in with a PIN of their
    // own, and 02's refunds and the close approved by supervisor 01.
    let audit = till::app::auth::read_audit(&*store, 10_000).expect("audit");
    let has = |op: &str, e: &AuditEvent| audit.iter().any(|a| a.operator == op && &a.event == e);
    assert!(has("01", &AuditEvent::SignedOut) && has("02", &AuditEvent::SignedIn));
    assert!(has("02", &AuditEvent::PinChanged));
    let approved = |action| AuditEvent::SupervisorApproved { action, supervisor: "01".into() };
    assert!(has("02", &approved(Action::Refund)) && has("02", &approved(Action::CloseDay)), "{audit:#?}");

    // The journal screen shows the same day.
    shop.back_to_sale();
    shop.till.key(Key::F(7));
    shop.till.settle("journal", |s| matches!(&s.office.view, Some(View::Journal(v)) if !v.pending)).await;
    let Some(View::Journal(v)) = &shop.till.state().office.view else { panic!("journal") };
    let day = Period { from: Some(T0.plus_secs(-8 * 3600 - 1_800)), to: T0.plus_secs(16 * 3600 - 1_800) };
    assert_eq!(v.entries, journal::entries(&orders, &day));
}
