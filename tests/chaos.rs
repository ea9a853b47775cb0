//! The chaos test: at least 1,000 payments and 200 refunds against each platform's simulator
//! with random faults (timeouts, resets, 5xx, HTML pages, truncated and oversized answers, bad
//! signatures, garbage) on top of the payment-code scenarios (password, declined, slow, busy…).
//! Afterwards the till's records (the real redb store) and the simulator's ledger must agree
//! exactly: no order charged twice, none charged without a record, none left unknown, every
//! refund the till calls made is made, and none other.
//!
//! In process, with real HTTP and the real redb store; time is driven by events: the engine's clock and the
//! simulator's are one manual clock, moved to the next due query only when no call is out.
//! The driver is seeded (`CHAOS_SEED` overrides); fault draws follow the order requests reach the
//! simulator, which parked payments resolving in the background can interleave.

#![allow(clippy::panic)] // the driver and the reconciliation fail the test by panicking

mod common;

use common::counter::{self, Counter, Idle, Patience, dump};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use till::app::{Clock, ManualClock};
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::notice::Notice;
use till::core::order::{AttemptState, Order, OrderStatus, RefundState, Tender};
use till::core::{Key, Lang, LookupVerdict, Msg, PlatformOrderState, Screen, Settings, State};
use till::devices::fake::PaperRoll;
use till::payments::Gateway;
use till::store::{RedbStore, Store};

/// 2025-11-22 09:00:00 in Beijing.
const T0: Millis = Millis(1_763_773_200_000);
const DEFAULT_SEED: u64 = 0x00c4_a05e_ed11;
/// A message must come back within this much real time while a call is out: else an answer was lost.
const ANSWER_WITHIN: Duration = Duration::from_secs(3);
const CLIENT_TIMEOUT_MS: u64 = 120;
/// Just above the client's timeout: "slow" scenarios and delay faults end in a client timeout.
const SLOW_MS: u64 = 170;
const PREFIX: &str = "01000052";

/// xorshift64, seeded: the driver's every choice.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, per_cent: u64) -> bool {
        self.below(100) < per_cent
    }
}

fn seed() -> u64 {
    std::env::var("CHAOS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SEED)
}

/// One order of a simulator's ledger, as both platforms can say it.
#[derive(Debug)]
struct SimEntry {
    no: String,
    /// Times the customer's money moved in (never above 1).
    charges: u32,
    /// Charged and not given back by a reverse.
    kept_charge: bool,
    total: i64,
    refunded: i64,
    /// The refund numbers the platform made, when it keeps them (Cloud Pay).
    refund_nos: Option<BTreeSet<String>>,
}

#[derive(Debug, Default)]
struct Counts {
    sales: u32,
    payments: u32,
    parked: u32,
    cash: u32,
    lookups: u32,
    refunds_sent: u32,
    refunds_parked: u32,
    over_refunds_refused: u32,
    refunds_refused_in_doubt: u32,
    /// Payment codes refused at once because the till knew the platform was unreachable.
    offline_refusals: u32,
}

struct Plan {
    payments: u32,
    refunds: u32,
}

struct Driver {
    till: Counter,
    rng: Rng,
    counts: Counts,
    /// Numbers paid on screen (refund candidates) and numbers parked (whatever became of them).
    paid: Vec<String>,
    parked: Vec<String>,
    products: Vec<String>,
}

impl Driver {
    /// The customer's time at the counter: the clock moves on and background work goes on.
    async fn pause(&mut self) {
        let secs = 1 + self.rng.below(12) as i64;
        self.till.pass_secs(secs).await;
    }

    fn payment_code(&mut self) -> String {
        let last4 = match self.rng.below(100) {
            0..=11 => "0001".to_string(), // password
            12..=18 => "0002".into(),     // declined
            19..=24 => "0003".into(),     // slow, charged
            25..=29 => "0004".into(),     // slow, not charged
            30..=34 => "0005".into(),     // charged, bad signature
            35..=39 => "0006".into(),     // 502, no order
            40..=44 => "0007".into(),     // busy, charged
            _ => format!("{}", 1000 + self.rng.below(9000)),
        };
        let middle = format!("{:012}", self.rng.below(1_000_000_000_000));
        if self.rng.chance(50) {
            format!("13{middle}{last4}") // WeChat: 18 digits, 10–15
        } else {
            format!("28{middle}{last4}") // Alipay: 18 digits, 25–30
        }
    }

    /// One customer: rings up, pays by code (retrying or taking cash after a decline), sometimes
    /// parks a payment in doubt and serves the next customer.
    async fn sale(&mut self) {
        self.counts.sales += 1;
        if matches!(self.till.state().screen, Screen::Done { .. }) {
            self.till.key(Key::Esc);
        }
        assert_eq!(self.till.state().screen, Screen::Sale, "{}", dump(self.till.state()));
        assert!(self.till.state().sale.lines.is_empty(), "a new sale starts empty: {}", dump(self.till.state()));
        for _ in 0..=self.rng.below(3) {
            if self.rng.chance(25) {
                let amount = Fen(1 + self.rng.below(20_000) as i64).to_string();
                self.till.typed(&amount);
                self.till.key(Key::Enter);
            } else {
                let i = self.rng.below(self.products.len() as u64) as usize;
                let code = self.products[i].clone();
                self.till.engine.handle(Msg::Scan(code));
            }
        }
        assert!(self.till.state().sale.total() > Fen::ZERO, "{}", dump(self.till.state()));
        self.till.key(Key::Enter);
        assert_eq!(self.till.state().screen, Screen::Pay { cash_entry: false }, "{}", dump(self.till.state()));
        let mut offline = false;
        for try_no in 0..3 {
            let code = self.payment_code();
            self.till.engine.handle(Msg::Scan(code));
            if self.till.state().notice == Some(Notice::OfflineTakeCash) {
                // Faults hit the platform's pings too: two missed in a row and the till says it is
                // offline and takes cash, nothing sent. A legitimate outcome, counted apart.
                assert!(
                    self.till.state().sale.attempts.last().is_none_or(|a| a.state.is_final()),
                    "{}",
                    dump(self.till.state())
                );
                self.counts.offline_refusals += 1;
                offline = true;
                break;
            }
            self.counts.payments += 1;
            let number = match self.till.state().sale.attempts.last() {
                Some(a) if !a.state.is_final() => a.out_trade_no.clone(),
                _ => panic!("the payment was not sent: {}", dump(self.till.state())),
            };
            let sale_id = self.till.state().sale.id;
            let settled = move |s: &State| {
                s.sale.id != sale_id
                    || matches!(s.screen, Screen::Done { .. })
                    || s.sale.attempts.last().is_some_and(|a| a.state.is_final())
            };
            // The first answer; then, now and then, the cashier parks a payment still in doubt.
            self.till.settle("first answer", |s| !s.calls_in_flight()).await;
            let open = self.till.state().sale.open_attempt().is_some();
            if open && self.rng.chance(12) {
                self.till.key(Key::Esc);
                assert!(
                    matches!(self.till.state().notice, Some(Notice::Parked { .. })),
                    "parked: {}",
                    dump(self.till.state())
                );
                self.counts.parked += 1;
                self.parked.push(number);
                return;
            }
            self.till.settle("payment", settled).await;
            if let Screen::Done { .. } = self.till.state().screen {
                match &self.till.state().sale.tender {
                    Some(Tender::Code { out_trade_no, .. }) => {
                        assert_eq!(out_trade_no, &number);
                        self.paid.push(number);
                    }
                    other => panic!("paid by {other:?}: {}", dump(self.till.state())),
                }
                return;
            }
            let last = self.till.state().sale.attempts.last().map(|a| a.state.clone());
            assert!(
                matches!(last, Some(AttemptState::Failed { .. } | AttemptState::Cancelled)),
                "not paid, so failed or cancelled: {}",
                dump(self.till.state())
            );
            assert_eq!(self.till.state().sale.status, OrderStatus::Open);
            if try_no == 2 || self.rng.chance(40) {
                break;
            }
        }
        // Cash, exactly the total.
        self.till.key(Key::F(2));
        self.till.key(Key::Enter);
        assert!(matches!(self.till.state().screen, Screen::Done { .. }), "cash: {}", dump(self.till.state()));
        assert!(matches!(self.till.state().sale.tender, Some(Tender::Cash { .. })));
        self.counts.cash += 1;
        if offline {
            self.wait_online().await;
        }
    }

    /// The till went offline (two pings lost to injected faults); its pinger looks again every
    /// 15 s of real time, while this driver serves a customer in microseconds. Selling on meanwhile
    /// made thousands of cash sales, each taking an order number, until the day's 9,999 numbers
    /// ran out (seen once on a loaded machine). The next customer waits for the network instead.
    async fn wait_online(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.till.state().online {
            assert!(Instant::now() < deadline, "still offline after 60 s: {}", dump(self.till.state()));
            self.till.engine.next_msg(Duration::from_millis(200)).await;
        }
    }

    /// No number leaves before the platform's first ping answer told its time (`core::platform_clock`):
    /// a customer who pays at once waits for it; the driver waits before the first customer.
    async fn wait_for_the_platforms_time(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.till.state().clock.confirmed {
            assert!(Instant::now() < deadline, "no ping answered in 60 s: {}", dump(self.till.state()));
            self.till.engine.next_msg(Duration::from_millis(200)).await;
        }
    }

    /// Back to an empty sale screen.
    fn back_to_sale_screen(&mut self) {
        for _ in 0..3 {
            if self.till.state().screen == Screen::Sale && self.till.state().input.is_empty() {
                break;
            }
            self.till.key(Key::Esc);
        }
        assert_eq!(self.till.state().screen, Screen::Sale, "{}", dump(self.till.state()));
        assert!(self.till.state().sale.lines.is_empty(), "{}", dump(self.till.state()));
    }

    /// Looks `number` up from the empty sale screen; true once the platform's answer is in.
    async fn look_up(&mut self, number: &str) -> bool {
        self.back_to_sale_screen();
        for _ in 0..6 {
            self.till.engine.handle(Msg::Scan(number.to_string()));
            self.counts.lookups += 1;
            assert_eq!(self.till.state().screen, Screen::Lookup, "{}", dump(self.till.state()));
            self.till.settle("lookup", |s| s.lookup.as_ref().is_some_and(|v| !v.pending)).await;
            let answer = self.till.state().lookup.as_ref().and_then(|v| v.answer.clone());
            match answer {
                Some(LookupVerdict::Found(_) | LookupVerdict::NotFound) => return true,
                _ => self.pause().await, // a fault spoiled the lookup: ask again a little later
            }
        }
        false
    }

    /// One refund of a paid order: look it up, sometimes ask for too much (refused at the till),
    /// then refund part or all of what is refundable and follow it until the platform says.
    async fn refund(&mut self) {
        let pick_parked = !self.parked.is_empty() && self.rng.chance(20);
        let list = if pick_parked { &self.parked } else { &self.paid };
        if list.is_empty() {
            return;
        }
        // A parked payment is looked up while it may still be in doubt at the till: the newest.
        let i = if pick_parked { list.len() - 1 } else { self.rng.below(list.len() as u64) as usize };
        let number = list[i].clone();
        if !self.look_up(&number).await {
            return;
        }
        let view = self.till.state().lookup.clone().expect("lookup view");
        if view.open_refund().is_some() {
            self.till.key(Key::Enter);
            assert_eq!(self.till.state().notice, Some(Notice::RefundInDoubt), "{}", dump(self.till.state()));
            return;
        }
        if view.order.as_ref().is_some_and(|o| o.open_attempt().is_some()) && view.refundable() > Fen::ZERO {
            // Paid at the platform, still being confirmed at the till: refused, nothing sent.
            self.till.key(Key::Enter);
            assert_eq!(self.till.state().notice, Some(Notice::PaymentInDoubt), "{}", dump(self.till.state()));
            assert!(!self.till.state().calls_in_flight(), "{}", dump(self.till.state()));
            self.counts.refunds_refused_in_doubt += 1;
            return;
        }
        let refundable = view.refundable();
        if refundable.is_zero() {
            if !pick_parked && view.found().is_some_and(|o| o.state == PlatformOrderState::Paid) {
                self.paid.retain(|n| *n != number); // fully refunded
            }
            return;
        }
        let refunds_before = view.order.as_ref().map_or(0, |o| o.refunds.len());
        if self.rng.chance(20) {
            self.till.clear_input();
            let too_much = Fen(refundable.0 + 1 + self.rng.below(500) as i64);
            self.till.typed(&too_much.to_string());
            self.till.key(Key::Enter);
            assert_eq!(
                self.till.state().notice,
                Some(Notice::ExceedsRefundable { refundable }),
                "{}",
                dump(self.till.state())
            );
            assert!(!self.till.state().calls_in_flight(), "nothing sent for too much: {}", dump(self.till.state()));
            let now = self.till.state().lookup.as_ref().and_then(|v| v.order.as_ref()).map_or(0, |o| o.refunds.len());
            assert_eq!(now, refunds_before, "no refund recorded for too much");
            self.counts.over_refunds_refused += 1;
        }
        let amount = if self.rng.chance(30) { refundable } else { Fen(1 + self.rng.below(refundable.0 as u64) as i64) };
        self.till.clear_input();
        self.till.typed(&amount.to_string());
        self.till.key(Key::Enter);
        assert_eq!(self.till.state().notice, Some(Notice::Refunding { amount }), "{}", dump(self.till.state()));
        // The order is followed in the background while its refund is open.
        let id = view.order.as_ref().map(|o| o.id);
        let order = self
            .till
            .state()
            .background
            .iter()
            .find(|o| Some(o.id) == id || (id.is_none() && o.number.as_deref() == Some(number.as_str())))
            .cloned()
            .expect("the refund's order is followed");
        let out_refund_no = order.refunds.last().map(|r| r.out_refund_no.clone()).expect("refund recorded");
        assert_eq!(order.refunds.len(), refunds_before + 1);
        self.counts.refunds_sent += 1;
        let id = order.id;
        let no = out_refund_no.clone();
        let final_in = move |s: &State| {
            s.background
                .iter()
                .chain(s.lookup.as_ref().and_then(|v| v.order.as_ref()))
                .filter(|o| o.id == id)
                .all(|o| o.refund_final(&no))
        };
        self.till.settle("refund answer", |s| !s.calls_in_flight()).await;
        if !final_in(self.till.state()) && self.rng.chance(15) {
            self.counts.refunds_parked += 1; // left to the background
            return;
        }
        self.till.settle("refund", move |s| final_in(s) && s.lookup.as_ref().is_none_or(|v| !v.pending)).await;
    }

    /// Nothing out, nothing due: every payment and refund has its final outcome.
    async fn drain(&mut self) {
        self.till.settle("drain", |_| false).await;
        let s = self.till.state();
        assert_eq!(s.in_doubt_count(), 0, "{}", dump(s));
        assert!(s.background.iter().all(|o| !o.has_open_work()), "{}", dump(s));
        assert!(s.timers.is_empty(), "no timer left: {}", dump(s));
    }
}

trait RefundFinal {
    fn refund_final(&self, out_refund_no: &str) -> bool;
}

impl RefundFinal for Order {
    fn refund_final(&self, out_refund_no: &str) -> bool {
        self.refunds.iter().find(|r| r.out_refund_no == out_refund_no).is_none_or(|r| r.state.is_final())
    }
}

fn settings() -> Settings {
    Settings {
        shop_name: "Chaos Corner".into(),
        operator: "01".into(),
        order_prefix: PREFIX.into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang: Lang::En,
    }
}

/// A store in memory-backed files where there are some (every commit is fsynced: the point is the
/// real store, not the disk's latency).
fn store_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    let builder = tempfile::Builder::new().prefix("till-chaos").tempdir_in(shm);
    builder.or_else(|_| tempfile::tempdir()).expect("tempdir")
}

struct Outcome {
    orders: Vec<Order>,
    counts: Counts,
    simulated: Duration,
}

/// Runs the till against `gateway` until the plan is met, drains, and returns the store's orders.
async fn run<G: Gateway + 'static>(gateway: Arc<G>, clock: Arc<ManualClock>, seed: u64, plan: Plan) -> Outcome {
    let dir = store_dir();
    let store = Arc::new(RedbStore::open(&dir.path().join("orders")).expect("store"));
    let devices = counter::devices(store.clone(), &PaperRoll::default(), 50);
    let catalogue = till::demo::catalogue(Lang::En);
    let products = catalogue.iter().map(|p| p.barcode.clone()).collect();
    let state = State::new(settings(), catalogue);
    let patience = Patience {
        answer_within: ANSWER_WITHIN,
        idle: Idle::Return,
        till_time_ms: 2 * 3600 * 1000,
        timers_send: true,
        ..Patience::default()
    };
    let mut d = Driver {
        till: Counter::start(state, gateway, devices, clock.clone(), patience),
        rng: Rng(seed | 1),
        counts: Counts::default(),
        paid: Vec::new(),
        parked: Vec::new(),
        products,
    };
    d.till.settle("start", |s| s.ready).await;
    d.wait_for_the_platforms_time().await;
    while d.counts.payments < plan.payments || d.counts.refunds_sent < plan.refunds {
        let want_refund = d.counts.refunds_sent < plan.refunds && !d.paid.is_empty();
        if want_refund && (d.rng.chance(30) || d.counts.payments >= plan.payments) {
            d.refund().await;
            d.back_to_sale_screen();
        } else {
            d.sale().await;
        }
        d.pause().await;
        assert!(d.counts.sales + d.counts.lookups < 20 * (plan.payments + plan.refunds), "the plan cannot be met");
    }
    d.back_to_sale_screen();
    d.drain().await;
    let simulated = Duration::from_millis(clock.now().since(T0) as u64);
    let counts = std::mem::take(&mut d.counts);
    drop(d);
    // The effect runner writes the last saves after the engine is gone; it lets go of the store when done.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Arc::strong_count(&store) > 1 {
        assert!(Instant::now() < deadline, "the effect runner did not finish");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let orders = store.orders().expect("orders");
    Outcome { orders, counts, simulated }
}

/// The exact agreement between the till's records and the platform's ledger; prints the summary.
fn reconcile(platform: &str, seed: u64, out: &Outcome, ledger: &[SimEntry], faults: u64, wall: Duration) {
    let mut attempts: BTreeMap<&str, (&Order, &till::core::order::Attempt)> = BTreeMap::new();
    let (mut paid, mut failed, mut cancelled) = (0, 0, 0);
    let (mut refunds, mut refunded, mut refund_failed) = (0, 0, 0);
    for o in &out.orders {
        assert!(o.status != OrderStatus::Paying, "order #{} still paying: {o:#?}", o.id);
        let paid_attempts = o.attempts.iter().filter(|a| matches!(a.state, AttemptState::Paid { .. })).count();
        assert!(paid_attempts <= 1, "order #{} paid twice: {o:#?}", o.id);
        for a in &o.attempts {
            assert!(a.state.is_final(), "attempt {} left {:?}", a.out_trade_no, a.state);
            assert!(attempts.insert(&a.out_trade_no, (o, a)).is_none(), "number {} used twice", a.out_trade_no);
            match &a.state {
                AttemptState::Paid { .. } => {
                    paid += 1;
                    assert_eq!(o.status, OrderStatus::Paid);
                    assert!(
                        matches!(&o.tender, Some(Tender::Code { out_trade_no, .. }) if *out_trade_no == a.out_trade_no),
                        "order #{} paid by {} but its tender is {:?}",
                        o.id,
                        a.out_trade_no,
                        o.tender
                    );
                }
                AttemptState::Failed { .. } => failed += 1,
                _ => cancelled += 1,
            }
        }
        for r in &o.refunds {
            refunds += 1;
            assert!(r.state.is_final(), "refund {} left {:?}", r.out_refund_no, r.state);
            match r.state {
                RefundState::Refunded => refunded += 1,
                _ => refund_failed += 1,
            }
        }
    }
    let c = &out.counts;
    eprintln!("chaos {platform}: seed {seed} (CHAOS_SEED={seed} to replay)");
    eprintln!("  {:<34}{:>8}", "sales", c.sales);
    eprintln!("  {:<34}{:>8}", "payment attempts", attempts.len());
    eprintln!("  {:<34}{:>8}", "  paid", paid);
    eprintln!("  {:<34}{:>8}", "  failed (declined, not found)", failed);
    eprintln!("  {:<34}{:>8}", "  cancelled (reversed)", cancelled);
    eprintln!("  {:<34}{:>8}", "parked in doubt", c.parked);
    eprintln!("  {:<34}{:>8}", "finished in cash", c.cash);
    eprintln!("  {:<34}{:>8}", "lookups", c.lookups);
    eprintln!("  {:<34}{:>8}", "refunds", refunds);
    eprintln!("  {:<34}{:>8}", "  refunded", refunded);
    eprintln!("  {:<34}{:>8}", "  failed", refund_failed);
    eprintln!("  {:<34}{:>8}", "  left to the background", c.refunds_parked);
    eprintln!("  {:<34}{:>8}", "too-large refunds refused", c.over_refunds_refused);
    eprintln!("  {:<34}{:>8}", "refunds refused: payment in doubt", c.refunds_refused_in_doubt);
    eprintln!("  {:<34}{:>8}", "codes refused: platform offline", c.offline_refusals);
    eprintln!("  {:<34}{:>8}", "platform orders", ledger.len());
    eprintln!("  {:<34}{:>8}", "faults injected", faults);
    eprintln!("  {:<34}{:>7}s", "simulated time", out.simulated.as_secs());
    eprintln!("  {:<34}{:>7.1}s", "wall time", wall.as_secs_f64());
    let sim: BTreeMap<&str, &SimEntry> = ledger.iter().map(|e| (e.no.as_str(), e)).collect();
    assert_eq!(sim.len(), ledger.len(), "the simulator has one order per number");
    for e in ledger {
        assert!(e.charges <= 1, "{} charged {} times", e.no, e.charges);
        let Some((order, attempt)) = attempts.get(e.no.as_str()) else {
            panic!("the platform has an order the till has no record of: {e:?}");
        };
        assert_eq!(e.total, attempt.amount.0, "{}: amount", e.no);
        let till_paid = matches!(attempt.state, AttemptState::Paid { .. });
        assert_eq!(
            e.kept_charge, till_paid,
            "{}: platform kept the money {}, till says {:?}",
            e.no, e.kept_charge, attempt.state
        );
        // Refunds belong to the order's paid attempt; its other attempts were never refunded.
        let is_tender = matches!(&order.tender, Some(Tender::Code { out_trade_no, .. }) if *out_trade_no == e.no);
        let refunds_here = order.refunds.iter().filter(|r| is_tender && r.state == RefundState::Refunded);
        let till_refunded: i64 = refunds_here.clone().map(|r| r.amount.0).sum();
        assert_eq!(e.refunded, till_refunded, "{}: refunded at the platform vs the till: {order:#?}", e.no);
        if let Some(nos) = &e.refund_nos {
            let till_nos: BTreeSet<String> = refunds_here.map(|r| r.out_refund_no.clone()).collect();
            assert_eq!(nos, &till_nos, "{}: refund numbers", e.no);
        }
    }
    for (no, (order, attempt)) in &attempts {
        if matches!(attempt.state, AttemptState::Paid { .. }) {
            let e = sim.get(no).unwrap_or_else(|| panic!("till paid {no} that the platform never charged"));
            assert_eq!(e.charges, 1, "{no}");
        }
        let is_tender = matches!(&order.tender, Some(Tender::Code { out_trade_no, .. }) if out_trade_no == no);
        if !sim.contains_key(no) && is_tender {
            assert!(order.refunds.iter().all(|r| r.state != RefundState::Refunded), "{no}: refunded unknown order");
        }
    }
    assert_eq!(refunds as u32, c.refunds_sent, "every refund sent is on record");
}

fn shared_clock() -> (Arc<ManualClock>, Arc<dyn Fn() -> i64 + Send + Sync>) {
    let clock = Arc::new(ManualClock::new(T0));
    let sim_side = clock.clone();
    (clock, Arc::new(move || sim_side.now().0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudpay_chaos_payments_and_refunds_agree_with_the_ledger() {
    use till::payments::cloudpay::{CloudPayClient, CloudPayConfig};
    use till::sim::cloudpay::{CloudPaySim, RandomFaults, SimConfig};
    let wall = Instant::now();
    let seed = seed();
    let (clock, sim_clock) = shared_clock();
    let sim = CloudPaySim::start(
        ([127, 0, 0, 1], 0).into(),
        SimConfig {
            user_paying_polls: 10,
            slow_ms: SLOW_MS,
            refund_processing_polls: 1,
            random_faults: Some(RandomFaults { seed: seed ^ 0x5eed, per_mille: 200 }),
            clock: sim_clock,
            ..SimConfig::default()
        },
    )
    .expect("simulator");
    let mut cfg = CloudPayConfig::demo(&sim.base_url());
    cfg.timeout_ms = CLIENT_TIMEOUT_MS;
    cfg.connect_timeout_ms = CLIENT_TIMEOUT_MS;
    let client = Arc::new(CloudPayClient::new(cfg).expect("client"));
    let out = run(client, clock, seed, Plan { payments: 1000, refunds: 200 }).await;
    let ledger: Vec<SimEntry> = sim
        .orders()
        .into_iter()
        .map(|o| SimEntry {
            charges: sim.charge_count(&o.out_trade_no),
            kept_charge: o.charged && !o.reversed,
            total: o.total_fee,
            refunded: o.refunded_fee,
            refund_nos: Some(o.refunds.iter().map(|r| r.out_refund_no.clone()).collect()),
            no: o.out_trade_no,
        })
        .collect();
    reconcile("Cloud Pay", seed, &out, &ledger, sim.faults_injected(), wall.elapsed());
    assert!(out.counts.payments >= 1000 && out.counts.refunds_sent >= 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weishouyin_chaos_payments_and_refunds_agree_with_the_ledger() {
    use till::payments::weishouyin::{WeishouyinClient, WeishouyinConfig};
    use till::sim::weishouyin::{RandomFaults, SimConfig, WeishouyinSim};
    let wall = Instant::now();
    let seed = seed();
    let (clock, sim_clock) = shared_clock();
    let sim = WeishouyinSim::start(
        ([127, 0, 0, 1], 0).into(),
        SimConfig {
            user_paying_polls: 10,
            slow_ms: SLOW_MS,
            random_faults: Some(RandomFaults { seed: seed ^ 0xd15c, per_mille: 200 }),
            clock: sim_clock,
            ..SimConfig::default()
        },
    )
    .expect("simulator");
    let mut cfg = WeishouyinConfig::demo(&sim.base_url());
    cfg.timeout_ms = CLIENT_TIMEOUT_MS;
    cfg.connect_timeout_ms = CLIENT_TIMEOUT_MS;
    let client = Arc::new(WeishouyinClient::new(cfg).expect("client"));
    let out = run(client, clock, seed, Plan { payments: 1000, refunds: 200 }).await;
    let ledger: Vec<SimEntry> = sim
        .orders()
        .into_iter()
        .map(|b| SimEntry {
            charges: b.charges,
            kept_charge: b.charges > 0,
            total: b.total.0,
            refunded: b.refunded.0,
            refund_nos: None,
            no: b.no,
        })
        .collect();
    reconcile("微收银", seed, &out, &ledger, sim.faults_injected(), wall.elapsed());
    assert!(out.counts.payments >= 1000 && out.counts.refunds_sent >= 200);
}
