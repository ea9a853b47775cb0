//! A whole shop day through the real engine: the real Cloud Pay client over HTTP against the
//! simulator, the real sled store, the real print queue. Operator 01 opens a shift with a float,
//! sells, pays in and out, cashes up; operator 01 signs out and operator 02 signs in on the sign-in
//! screen (number and first PIN typed, a PIN of their own chosen and hashed by the app), refunds
//! approved with the supervisor's PIN; 200 mixed sales (cash, WeChat Pay,
//! Alipay), a few full and partial refunds, an X report at midday and a Z report at closing.
//! The reports' totals are checked against the sum of the journal, per method and per operator;
//! the Z report is in the outbox exactly once and comes out of the printer.

#![allow(clippy::panic)] // the driver fails the test by panicking

use std::sync::Arc;
use std::time::Duration;
use till::app::operators_cli::{self, NewOperator};
use till::app::{Clock, Devices, Engine, ManualClock};
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
use till::devices::{LogSpeaker, NoBuzzer};
use till::escpos::{PrinterProfile, decode, to_text_lines};
use till::payments::cloudpay::{CloudPayClient, CloudPayConfig};
use till::sim::cloudpay::{CloudPaySim, SimConfig};
use till::store::{OutboxKind, RedbStore, Store};

/// 2025-11-22 08:30:00 in Beijing.
const T0: Millis = Millis(1_763_771_400_000);
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
const SALES: u32 = 200;
/// Operator 01's PIN: the fresh till's, still asked for when 02 refunds.
const SUPERVISOR_PIN: &str = "0000";

struct Shop {
    engine: Engine,
    clock: Arc<ManualClock>,
    rng: u64,
    products: Vec<String>,
    /// Code-paid order numbers: refund candidates.
    paid_by_code: Vec<String>,
    sales: [u32; 3],
}

impl Shop {
    fn state(&self) -> &State {
        &self.engine.state
    }

    fn next(&mut self, n: u64) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % n.max(1)
    }

    fn key(&mut self, key: Key) {
        self.engine.handle(Msg::Key(key));
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(Key::Char(c));
        }
    }

    /// Answers in until nothing is out and `done` holds; time moves to the next due query.
    async fn settle(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        for _ in 0..10_000 {
            let waiting = self.state().calls_in_flight() || self.state().office.waiting.is_some();
            let closing = self.state().office.closing.as_ref().is_some_and(|c| c.z.is_some());
            if waiting || closing {
                assert!(self.engine.next_msg(ANSWER_WITHIN).await, "{what}: no answer");
                continue;
            }
            if done(self.state()) {
                return;
            }
            match self.state().next_due() {
                Some(due) => {
                    self.clock.advance_to(due);
                    self.engine.handle(Msg::Tick);
                }
                None => assert!(self.engine.next_msg(ANSWER_WITHIN).await, "{what}: never happened"),
            }
        }
        panic!("{what}: not settled");
    }

    async fn pause(&mut self) {
        let secs = 20 + self.next(60) as i64;
        self.clock.advance_secs(secs);
        self.engine.handle(Msg::Tick);
        while self.engine.next_msg(Duration::ZERO).await {}
    }

    fn back_to_sale(&mut self) {
        for _ in 0..4 {
            if self.state().screen == Screen::Sale && self.state().input.is_empty() {
                return;
            }
            self.key(Key::Esc);
        }
        assert_eq!(self.state().screen, Screen::Sale);
    }

    /// One customer: one to three items, then cash (a third), WeChat Pay or Alipay.
    async fn sale(&mut self) {
        self.back_to_sale();
        for _ in 0..=self.next(3) {
            let i = self.next(self.products.len() as u64) as usize;
            let code = self.products[i].clone();
            self.engine.handle(Msg::Scan(code));
        }
        let how = self.next(3) as usize;
        self.sales[how] += 1;
        if how == 0 {
            self.key(Key::F(2));
            self.key(Key::Enter);
            assert!(matches!(self.state().screen, Screen::Done { .. }), "cash sale");
            return;
        }
        self.key(Key::Enter);
        let tail = format!("{:012}{}", self.next(1_000_000_000_000), 1000 + self.next(9000));
        let code = if how == 1 { format!("13{tail}") } else { format!("28{tail}") };
        self.engine.handle(Msg::Scan(code));
        self.settle("payment", |s| matches!(s.screen, Screen::Done { .. })).await;
        let Some(Tender::Code { out_trade_no, .. }) = &self.state().sale.tender else { panic!("paid by code") };
        let number = out_trade_no.clone();
        self.paid_by_code.push(number);
    }

    /// Looks a code-paid order up and refunds all of it, or `part` of it.
    async fn refund(&mut self, part: Option<&str>) {
        self.back_to_sale();
        let i = self.next(self.paid_by_code.len() as u64) as usize;
        let number = self.paid_by_code.remove(i);
        self.engine.handle(Msg::Scan(number));
        self.settle("lookup", |s| s.lookup.as_ref().is_some_and(|v| !v.pending)).await;
        if let Some(amount) = part {
            for _ in 0..16 {
                self.key(Key::Backspace);
            }
            self.typed(amount);
        }
        self.key(Key::Enter);
        self.approve().await;
        self.settle("refund", |s| s.background.is_empty() && s.lookup.as_ref().is_some_and(|v| !v.pending)).await;
        self.back_to_sale();
    }

    /// A cashier's refund or close: if the supervisor's PIN is asked for, they type it and the
    /// action goes on.
    async fn approve(&mut self) {
        if self.state().auth.prompt.is_some() {
            self.typed(SUPERVISOR_PIN);
            self.key(Key::Enter);
            self.pin_checked().await;
            assert!(self.state().auth.prompt.is_none(), "supervisor approved: {:?}", self.state().notice);
        }
    }

    /// The app checks (or hashes) a PIN off the render loop; its answer comes back as a message.
    async fn pin_checked(&mut self) {
        while self.state().auth.checking.is_some() {
            assert!(self.engine.next_msg(ANSWER_WITHIN).await, "the PIN was never checked");
        }
    }

    /// F9 signs the operator out (a second F9, approved by the supervisor signed in, if records
    /// are still unsynced); the next operator types their number and PIN on the sign-in screen.
    async fn hand_over(&mut self, number: &str, first_pin: &str, own_pin: &str) {
        self.back_to_sale();
        self.key(Key::F(9));
        if self.state().auth.session.is_some() {
            self.key(Key::F(9));
        }
        assert!(self.state().auth.session.is_none(), "signed out: {:?}", self.state().notice);
        assert_eq!(self.state().auth.signin.step, SignInStep::Number);
        self.typed(number);
        self.key(Key::Enter);
        assert_eq!(self.state().auth.signin.step, SignInStep::Pin);
        self.typed(first_pin);
        self.key(Key::Enter);
        self.pin_checked().await;
        // A first PIN set by the technician: the operator chooses their own, typed twice.
        assert_eq!(self.state().auth.signin.step, SignInStep::NewPin, "{:?}", self.state().notice);
        for _ in 0..2 {
            self.typed(own_pin);
            self.key(Key::Enter);
        }
        self.pin_checked().await;
        assert_eq!(self.state().auth.session.as_ref().map(|s| s.number.as_str()), Some(number));
    }

    fn report_on_screen(&self) -> Report {
        match &self.state().office.view {
            Some(View::Report(ReportView { report: Some(r), pending: false })) => r.clone(),
            other => panic!("no report on screen: {other:?}"),
        }
    }

    /// F5, the float, Enter.
    fn open_shift(&mut self, float: &str) {
        self.back_to_sale();
        self.key(Key::F(5));
        self.typed(float);
        self.key(Key::Enter);
        assert!(self.state().office.shift.is_some(), "shift opened");
    }

    /// Counts exactly what is expected (or `short` less, with a note) and confirms.
    async fn count_drawer(&mut self, short: Fen) {
        self.settle(
            "shift's sales",
            |s| matches!(&s.office.view, Some(View::Shift(v)) if v.step == ShiftStep::Count && v.flow.is_some()),
        )
        .await;
        let (shift, flow) = match (&self.state().office.shift, &self.state().office.view) {
            (Some(shift), Some(View::Shift(v))) => (shift.clone(), v.flow.expect("flow")),
            _ => panic!("counting"),
        };
        let counted = shift.expected(flow) - short;
        self.typed(&counted.to_string());
        self.key(Key::Enter);
        if short != Fen::ZERO {
            self.typed("short");
        }
        self.key(Key::Enter);
    }
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
    let sim_clock = clock.clone();
    let sim = CloudPaySim::start(
        ([127, 0, 0, 1], 0).into(),
        SimConfig { clock: Arc::new(move || sim_clock.now().0), ..SimConfig::default() },
    )
    .expect("simulator");
    let client = Arc::new(CloudPayClient::new(CloudPayConfig::demo(&sim.base_url())).expect("client"));
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(RedbStore::open(&dir.path().join("store")).expect("store"));
    // The technician added cashier 02 with a first PIN (`till operators add`); 01 is the fresh
    // till's supervisor.
    let new = NewOperator { number: Some("02".into()), name: "Li Na".into(), supervisor: false, staff_id: None };
    operators_cli::add(&*store, Lang::En, T0, &new, &mut "2468\n".as_bytes()).expect("operator 02");
    let roll = PaperRoll::default();
    let devices = Devices {
        store: store.clone(),
        printer: Arc::new(roll.clone()),
        buzzer: Arc::new(NoBuzzer),
        speaker: Arc::new(LogSpeaker),
        wifi: Arc::new(till::devices::NoWifi),
        print_queue: till::app::PrintQueue::in_memory(500, Duration::from_secs(3)),
    };
    let catalogue = till::demo::catalogue(Lang::En);
    let products = catalogue.iter().map(|p| p.barcode.clone()).collect();
    let mut state = State::new(settings("01"), catalogue);
    // Operator 01 (the fresh till's supervisor) signed in as the demo does.
    state.auth.policy.auto_sign_in = Some("01".into());
    let engine = Engine::start(state, client, devices, PrinterProfile::mm58(), clock.clone()).expect("engine");
    let mut shop = Shop { engine, clock, rng: 0x5eed_da11, products, paid_by_code: Vec::new(), sales: [0; 3] };
    shop.settle("start", |s| s.ready && s.office.restored).await;

    // 08:30 operator 01 opens the drawer with 200.00, and pays 50.00 of change in.
    shop.open_shift("200");
    shop.key(Key::F(1));
    shop.typed("50");
    shop.key(Key::Enter);
    shop.typed("change from the bank");
    shop.key(Key::Enter);
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
            shop.key(Key::F(6));
            shop.settle("X report", |s| matches!(&s.office.view, Some(View::Report(v)) if !v.pending)).await;
            let x = shop.report_on_screen();
            assert_eq!(x.kind, ReportKind::X);
            shop.engine.durable().await;
            assert_report_is_the_journal(&x, &store.orders().expect("orders"));
            assert!(shop.state().office.last_z.is_none());
            shop.key(Key::Esc);
            shop.key(Key::F(5));
            shop.key(Key::F(2));
            shop.typed("30.50");
            shop.key(Key::Enter);
            shop.typed("milk delivery");
            shop.key(Key::Enter);
            shop.key(Key::F(3));
            shop.count_drawer(Fen(50)).await;
            let closed = shop.state().office.day_shifts.last().cloned().expect("01's shift closed");
            assert_eq!(closed.close.as_ref().map(|c| c.difference), Some(Fen(-50)));
            shop.back_to_sale();
            // Operator 01 signs out; 02 signs in on the sign-in screen and opens the drawer again.
            shop.hand_over("02", "2468", "8642").await;
            assert_eq!((shop.state().settings.operator.as_str(), shop.state().sale.operator.as_str()), ("02", "02"));
            shop.open_shift("300");
            shop.back_to_sale();
        }
    }
    assert!(shop.sales.iter().all(|n| *n > 20), "a mix of tenders: {:?}", shop.sales);

    // Closing: the Z report, with 02's drawer counted.
    shop.back_to_sale();
    shop.key(Key::F(6));
    shop.settle("report", |s| matches!(&s.office.view, Some(View::Report(v)) if !v.pending)).await;
    shop.key(Key::F(7));
    shop.count_drawer(Fen::ZERO).await;
    assert!(shop.state().auth.prompt.is_some(), "closing the day needs the supervisor: 02 is a cashier");
    shop.approve().await;
    shop.settle("day closed", |s| s.office.last_z.is_some()).await;
    let z = shop.report_on_screen();
    assert_eq!(z.kind, ReportKind::Z { number: 1 });
    shop.engine.durable().await;
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
        shop.engine.next_msg(Duration::from_millis(100)).await;
    }
    let last = roll.jobs().last().cloned().expect("printed");
    let p = PrinterProfile::mm58();
    let lines = to_text_lines(&decode(&last, &p).expect("decodes"), p.columns);
    assert!(lines.iter().any(|l| l.contains("Z report")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.ends_with(&z.total.net().to_string())), "{lines:#?}");

    // The day exported from the summary screen (F8, F2) to the USB stick reads back to the Z's totals.
    let usb = tempfile::tempdir().expect("usb");
    shop.engine.set_export_dir(usb.path());
    shop.back_to_sale();
    shop.key(Key::F(8));
    shop.settle("summary", |s| matches!(&s.office.view, Some(View::Summary(v)) if !v.pending)).await;
    shop.key(Key::F(2));
    shop.settle("export", |s| matches!(s.notice, Some(Notice::Office(OfficeNotice::Exported { .. })))).await;
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
    shop.key(Key::F(7));
    shop.settle("journal", |s| matches!(&s.office.view, Some(View::Journal(v)) if !v.pending)).await;
    let Some(View::Journal(v)) = &shop.state().office.view else { panic!("journal") };
    let day = Period { from: Some(T0.plus_secs(-8 * 3600 - 1_800)), to: T0.plus_secs(16 * 3600 - 1_800) };
    assert_eq!(v.entries, journal::entries(&orders, &day));
}
