//! The world around the pure core: a cashier pressing keys and scanning at random, a network that
//! answers late, twice, out of order or with a timeout, a truthful platform, a store, a clock that
//! moves (and is set wrong), restarts. The core's effects are run here as `app::effects` runs them.

use super::oracles::{self, Numbers};
use super::platform::{Kind, PayOutcome, PlatformModel};
use super::rng::Rng;
use super::store::StoreModel;
use std::collections::BTreeSet;
use till::core::auth::{AuthMsg, Operator, PinHash, Role};
use till::core::catalog::{Catalogue, Product};
use till::core::clock::Millis;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::{
    CancelVerdict, Effect, Event, Key, Lang, LookupVerdict, Msg, QrVerdict, QueryAfter, RefundVerdict, Screen,
    Settings, State, Verdict, update,
};

/// 2025-11-22 09:00:00 in Beijing.
const T0: i64 = 1_763_773_200_000;
const PRODUCTS: [(&str, i64); 3] = [("6900138600889", 350), ("6920152400777", 450), ("6901028075022", 1200)];

pub struct World {
    rng: Rng,
    /// True time (the platform's clock), ms.
    t: i64,
    /// The till's clock less the true time.
    offset: i64,
    state: State,
    pub store: StoreModel,
    pub platform: PlatformModel,
    /// Answers on their way back to the running till, in no particular order.
    pending: Vec<Msg>,
    /// Numbers the gateway heard "duplicate" for (its memory: lost at a restart).
    duplicates: BTreeSet<String>,
    numbers: Numbers,
    /// Numbers the cashier may scan on the lookup screen (receipts seen).
    receipts: Vec<String>,
    /// How many times the store was emptied (same-day amnesia): the platform remembers.
    era: u32,
    /// The network answers truthfully and on time (the settling phase).
    reliable: bool,
    /// Whether the store may be emptied during the day (weight of that step).
    amnesia: bool,
    pub trace: Vec<String>,
    /// How often each kind of effect and answer happened, for the run's summary.
    pub seen: std::collections::BTreeMap<&'static str, u64>,
}

fn settings() -> Settings {
    Settings {
        shop_name: "模型便利店".into(),
        operator: "01".into(),
        order_prefix: "01000052".into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang: Lang::Zh,
    }
}

fn yuan(f: Fen) -> String {
    format!("{}.{:02}", f.0 / 100, f.0 % 100)
}

impl World {
    pub fn new(seed: u64, amnesia: bool) -> Result<World, String> {
        let mut rng = Rng::new(seed);
        let kind = if rng.chance(50) { Kind::CloudPay } else { Kind::Weishouyin };
        let mut world = World {
            rng,
            t: T0,
            offset: 0,
            state: State::new(settings(), Catalogue::new([])),
            store: StoreModel::default(),
            platform: PlatformModel::new(kind),
            pending: Vec::new(),
            duplicates: BTreeSet::new(),
            numbers: Numbers::default(),
            receipts: Vec::new(),
            era: 0,
            reliable: false,
            amnesia: false,
            trace: vec![format!("seed {seed:#x}: {kind:?}")],
            seen: Default::default(),
        };
        world.amnesia = amnesia;
        world.start()?;
        Ok(world)
    }

    fn now(&self) -> Millis {
        Millis(self.t + self.offset)
    }

    /// A till process starts: a fresh state, the operators, the store's unsettled orders.
    fn start(&mut self) -> Result<(), String> {
        let catalogue = Catalogue::new(PRODUCTS.iter().map(|(b, p)| Product::new(*b, format!("p{b}"), Fen(*p))));
        self.state = State::new(settings(), catalogue);
        self.state.qr_settings.offered = self.platform.kind == Kind::CloudPay;
        self.state.auth.policy.auto_sign_in = Some("01".into());
        let first = Operator::new("01", "店长", Role::Supervisor, PinHash("-".into()));
        self.send(Msg::Auth(AuthMsg::Loaded { operators: vec![first] }))?;
        let (orders, counters) = self.store.unsettled();
        self.send(Msg::Restored { orders, counters })?;
        // The first ping usually answers before the cashier scans; sometimes after (the till then
        // holds a code until it does: nothing leaves before the platform told its time).
        if self.rng.chance(80) { self.ping(true) } else { Ok(()) }
    }

    /// A ping: answered (with the platform's time, the model's true time) or not.
    fn ping(&mut self, online: bool) -> Result<(), String> {
        if online {
            self.send(Msg::PlatformClock { unix_secs: Some(self.t.div_euclid(1000)) })?;
        }
        self.send(Msg::Connectivity { online })
    }

    fn send(&mut self, msg: Msg) -> Result<(), String> {
        self.trace.push(format!("  t={} till={} <- {}", self.t - T0, self.now().0 - T0, short(&format!("{msg:?}"))));
        let at = self.now();
        let fx = update(&mut self.state, Event { at, msg });
        self.run(fx)?;
        oracles::never_charged_twice(&self.store, &self.platform, self.era)
    }

    fn keys(&mut self, text: &str) -> Result<(), String> {
        for c in text.chars() {
            self.send(Msg::Key(Key::Char(c)))?;
        }
        self.send(Msg::Key(Key::Enter))
    }

    /// A timeout or a garbled answer, `percent` of the time while the network is unreliable.
    fn lost(&mut self, percent: u64) -> bool {
        !self.reliable && self.rng.chance(percent)
    }

    /// Runs a batch as `app::effects::run_batch` does: saves first, a failed save stops the batch's
    /// payment and refund calls; every call's answer goes back on the network.
    fn run(&mut self, fx: Vec<Effect>) -> Result<(), String> {
        let mut saved = true;
        for effect in fx {
            self.trace.push(format!("    -> {}", short(&format!("{effect:?}"))));
            self.count(kind_of(&effect));
            match effect {
                Effect::Display(till::core::display::Shown::Paid { received, .. }) => {
                    oracles::display_paid_only_when_paid(&self.state, received)?;
                }
                Effect::Save { order, counters } => {
                    self.numbers.saved(&order)?;
                    self.platform.given_up(&order);
                    oracles::saved_order_is_true(&order, &self.platform, self.era, self.t)?;
                    if let Some(n) = &order.number {
                        self.receipts.push(n.clone());
                    }
                    if self.store.save(&order, &counters).is_err() {
                        // The model store refuses only a number another order has.
                        saved = false;
                        let why = till::core::SaveFailure::NumberTaken;
                        self.pending.push(Msg::SaveFailed { order_id: order.id, why });
                    }
                }
                Effect::MicroPay(call) if !saved => {
                    let verdict = Verdict::Unknown { reason: "not sent: the order could not be saved".into() };
                    self.pending.push(Msg::PayAnswer { out_trade_no: call.out_trade_no, verdict });
                }
                Effect::MicroPay(call) => {
                    self.numbers.pay_sent(&call)?;
                    self.receipts.push(call.out_trade_no.clone());
                    let verdict = if self.lost(4) {
                        Verdict::Unknown { reason: "connection reset before the request".into() }
                    } else {
                        let (fate, wait, pays) =
                            (self.rng.below(100), self.rng.range(1_000, 90_000), self.rng.chance(70));
                        match self.platform.pay(&call, self.era, self.t, fate, wait, pays) {
                            PayOutcome::Duplicate => {
                                self.count("duplicate");
                                self.duplicates.insert(call.out_trade_no.clone());
                                Verdict::number_taken()
                            }
                            PayOutcome::Answer(_) if self.lost(15) => Verdict::Unknown { reason: "timeout".into() },
                            PayOutcome::Answer(v) => v,
                        }
                    };
                    self.pending.push(Msg::PayAnswer { out_trade_no: call.out_trade_no, verdict });
                }
                Effect::Query(call) => {
                    let verdict = if !saved || self.lost(12) {
                        Verdict::Unknown { reason: "timeout".into() }
                    } else {
                        // As `payments::duplicates` reads it: the core's "number taken", or the
                        // gateway's own memory of a duplicate answer.
                        let taken =
                            call.after == QueryAfter::NumberTaken || self.duplicates.contains(&call.out_trade_no);
                        let checked = taken.then_some(call.started_at.0);
                        self.platform.query(&call.out_trade_no, call.amount, checked)
                    };
                    self.pending.push(Msg::QueryAnswer { out_trade_no: call.out_trade_no, verdict });
                }
                Effect::Cancel(call) => {
                    oracles::cancel_is_ours(&call, &self.platform, self.era)?;
                    let verdict = if self.lost(5) {
                        CancelVerdict::Unknown { reason: "connection reset before the request".into() }
                    } else {
                        let reversible = self.rng.chance(70);
                        let v = self.platform.cancel(&call, self.era, self.t, reversible);
                        if self.lost(10) { CancelVerdict::Unknown { reason: "timeout".into() } } else { v }
                    };
                    self.pending.push(Msg::CancelAnswer { out_trade_no: call.out_trade_no, verdict });
                }
                Effect::ScanCodePay(call) if !saved => {
                    let verdict = QrVerdict::Failed { reason: "not sent: the order could not be saved".into() };
                    self.pending.push(Msg::QrAnswer { out_trade_no: call.out_trade_no, verdict });
                }
                Effect::ScanCodePay(call) => {
                    self.numbers.qr_sent(&call)?;
                    self.receipts.push(call.out_trade_no.clone());
                    let verdict = if self.lost(4) {
                        QrVerdict::Unknown { reason: "connection reset before the request".into() }
                    } else {
                        // Most customers pay within a minute or two; some after the QR was closed
                        // or expired, some never.
                        let pays_at = self.rng.chance(75).then(|| self.t + self.rng.range(1_000, 200_000));
                        let made = self.platform.scan_code_pay(&call, self.era, self.t, pays_at);
                        match made {
                            false => QrVerdict::Failed { reason: "refused".into() },
                            true if self.lost(15) => QrVerdict::Unknown { reason: "timeout".into() },
                            true => QrVerdict::Issued {
                                code_url: format!("weixin://wxpay/bizpayurl?pr={}", call.out_trade_no),
                            },
                        }
                    };
                    self.pending.push(Msg::QrAnswer { out_trade_no: call.out_trade_no, verdict });
                }
                Effect::CloseQr(call) => {
                    oracles::cancel_is_ours(&call, &self.platform, self.era)?;
                    let verdict = if self.lost(5) {
                        CancelVerdict::Unknown { reason: "connection reset before the request".into() }
                    } else {
                        let v = self.platform.close_qr(&call.out_trade_no);
                        if self.lost(10) { CancelVerdict::Unknown { reason: "timeout".into() } } else { v }
                    };
                    self.pending.push(Msg::CancelAnswer { out_trade_no: call.out_trade_no, verdict });
                }
                Effect::Lookup(call) => {
                    let verdict = if self.lost(10) {
                        LookupVerdict::Unknown { reason: "timeout".into() }
                    } else {
                        self.platform.lookup(&call.out_trade_no)
                    };
                    // The store's record is added when the answer is delivered, as the app reads
                    // it again once the platform has answered.
                    self.pending.push(Msg::LookupAnswer { number: call.out_trade_no, local: None, verdict });
                }
                Effect::Refund(call) if !saved => {
                    let verdict = RefundVerdict::Failed { reason: "not sent: the refund could not be saved".into() };
                    self.pending.push(Msg::RefundAnswer { out_refund_no: call.out_refund_no, verdict });
                }
                Effect::Refund(call) => {
                    self.numbers.refund_sent(&call)?;
                    oracles::refund_within_paid(&call, &self.platform)?;
                    let verdict = if self.lost(4) {
                        RefundVerdict::Unknown { reason: "connection reset before the request".into() }
                    } else {
                        let delay = if self.rng.chance(30) { self.rng.range(1_000, 60_000) } else { 0 };
                        let v = self.platform.refund(&call, self.t, delay);
                        if self.lost(12) { RefundVerdict::Unknown { reason: "timeout".into() } } else { v }
                    };
                    self.pending.push(Msg::RefundAnswer { out_refund_no: call.out_refund_no, verdict });
                }
                Effect::QueryRefund(call) => {
                    let verdict = if self.lost(12) {
                        RefundVerdict::Unknown { reason: "timeout".into() }
                    } else {
                        self.platform.query_refund(&call.out_refund_no, self.t)
                    };
                    self.pending.push(Msg::RefundQueryAnswer { out_refund_no: call.out_refund_no, verdict });
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn count(&mut self, what: &'static str) {
        *self.seen.entry(what).or_insert(0) += 1;
    }

    /// One answer off the network, any of them; now and then it arrives twice.
    fn deliver(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let i = self.rng.below(self.pending.len() as u64) as usize;
        let mut msg = self.pending.swap_remove(i);
        if let Msg::LookupAnswer { number, local, .. } = &mut msg {
            *local = self.store.by_number(number).map(Box::new);
        }
        if !self.reliable && self.rng.chance(5) && !matches!(msg, Msg::SaveFailed { .. }) {
            self.pending.push(msg.clone());
        }
        self.send(msg)
    }

    fn tick(&mut self, ms: i64) -> Result<(), String> {
        self.t += ms;
        self.platform.advance(self.t);
        self.send(Msg::Tick)
    }

    fn restart(&mut self) -> Result<(), String> {
        self.count("restart");
        self.trace.push("  RESTART".into());
        self.pending.clear();
        self.duplicates.clear();
        // A restart takes time: the process stops, starts again and reads its store (a second at
        // least; each run starts the day's numbers at a floor set by the second it started at).
        self.t += self.rng.range(1_000, 20_000);
        self.platform.advance(self.t);
        self.start()
    }

    /// One random step of the day.
    pub fn step(&mut self) -> Result<(), String> {
        match self.rng.weighted(&[46, 30, 18, 2, 2, 2, u64::from(self.amnesia)]) {
            0 => self.cashier(),
            1 => self.deliver(),
            2 => {
                let ms = if self.rng.chance(15) { self.rng.range(15_000, 150_000) } else { self.rng.range(100, 8_000) };
                self.tick(ms)
            }
            3 => self.restart(),
            4 => {
                // The till's clock is set wrong (or right again): by minutes, or by a day.
                let step = match self.rng.below(3) {
                    0 => self.rng.range(-600_000, 600_000),
                    1 => self.rng.range(-86_400_000 - 600_000, -86_400_000 + 600_000),
                    _ => -self.offset,
                };
                self.offset += step;
                self.trace.push(format!("  CLOCK offset {} s", self.offset / 1000));
                if self.rng.chance(50) { self.restart() } else { self.send(Msg::Tick) }
            }
            5 => {
                let online = !self.state.online || self.rng.chance(30);
                self.ping(online)
            }
            _ => {
                // Same-day amnesia: the store is moved aside (damaged) and the till starts empty
                // on the same day; the platform still knows the day's numbers.
                self.trace.push("  STORE EMPTIED".into());
                self.count("store emptied");
                self.store = StoreModel::default();
                self.numbers = Numbers::default();
                self.receipts.clear();
                self.era += 1;
                self.restart()
            }
        }
    }

    fn cashier(&mut self) -> Result<(), String> {
        let screen = self.state.screen.clone();
        let r = self.rng.below(100);
        match screen {
            Screen::Sale if self.state.sale.lines.is_empty() && r < 20 && !self.receipts.is_empty() => {
                let number = self.rng.pick(&self.receipts).cloned().unwrap_or_default();
                self.send(Msg::Scan(number))
            }
            Screen::Sale if r < 50 || self.state.sale.lines.is_empty() && r < 80 => {
                let (barcode, _) = *self.rng.pick(&PRODUCTS).expect("products");
                self.send(Msg::Scan(barcode.into()))
            }
            Screen::Sale if r < 85 => self.send(Msg::Key(Key::Enter)),
            Screen::Sale | Screen::Done { .. } if r < 95 => {
                let number = self.rng.pick(&self.receipts).cloned();
                match number {
                    Some(n) => self.send(Msg::Scan(n)),
                    None => self.send(Msg::Key(Key::Esc)),
                }
            }
            Screen::Pay { cash_entry: false } if r < 55 => {
                let wallet = if self.rng.chance(50) { "13" } else { "28" };
                let code = format!("{wallet}{:016}", self.rng.below(10_000_000_000_000_000));
                self.send(Msg::Scan(code))
            }
            Screen::Pay { cash_entry: false } if r < 65 => self.send(Msg::Key(Key::Char('c'))),
            Screen::Pay { cash_entry: false } if r < 72 => {
                let part = Fen(self.rng.range(1, self.state.sale.remaining().0.max(1)));
                self.keys(&yuan(part))
            }
            Screen::Pay { cash_entry: false } if r < 80 && self.state.qr.is_none() => {
                // The customer scans the till's QR (one per wallet).
                let wallet = if self.rng.chance(50) { Platform::WeChat } else { Platform::Alipay };
                self.send(Msg::Key(Key::F(7)))?;
                self.send(Msg::Act(till::core::intent::Intent::QrWallet { wallet }))
            }
            Screen::Pay { cash_entry: true } if r < 85 => {
                let remaining = self.state.sale.remaining().0;
                let received = match self.rng.below(3) {
                    0 => remaining,
                    1 => remaining + self.rng.range(1, 5_000),
                    _ => self.rng.range(1, remaining.max(1)),
                };
                self.keys(&yuan(Fen(received)))
            }
            Screen::Lookup if r < 55 => {
                let refundable = self.state.lookup.as_ref().map_or(Fen(0), |v| v.refundable()).0;
                let amount = match self.rng.below(4) {
                    0 => refundable,
                    1 => refundable + self.rng.range(1, 500),
                    _ => self.rng.range(1, refundable.max(1)),
                };
                self.send(Msg::Key(Key::Esc))?; // clear what was prefilled
                self.keys(&yuan(Fen(amount)))
            }
            Screen::Lookup if r < 75 => {
                let number = self.rng.pick(&self.receipts).cloned().unwrap_or_default();
                self.send(Msg::Scan(number))
            }
            Screen::Lookup if r < 78 => self.send(Msg::Key(Key::F(6))),
            Screen::Done { .. } => self.send(Msg::Key(Key::Enter)),
            _ => self.send(Msg::Key(Key::Esc)),
        }
    }

    /// The end of the day: the network is good, every customer has decided, every answer comes
    /// back; time goes on until the till has nothing left to follow (or gives up trying).
    pub fn settle(&mut self) -> Result<(), String> {
        self.trace.push("SETTLE".into());
        self.reliable = true;
        if self.rng.chance(50) {
            self.restart()?;
        }
        self.ping(true)?;
        for _ in 0..2_000 {
            self.platform.decide_all(self.t);
            let mut n = 0;
            while !self.pending.is_empty() && n < 500 {
                self.deliver()?;
                n += 1;
            }
            let open = self.store.orders.values().any(|o| o.has_open_work());
            if !open && self.pending.is_empty() && self.state.unresolved_count() == 0 {
                break;
            }
            self.tick(5_000)?;
        }
        oracles::settled(&self.store, &self.platform, self.era, self.t)
    }
}

fn kind_of(effect: &Effect) -> &'static str {
    match effect {
        Effect::Save { order, .. }
            if order.refunds.iter().any(|r| r.state == till::core::order::RefundState::Refunded) =>
        {
            "save with a refund made"
        }
        Effect::Save { order, .. } if order.status == till::core::order::OrderStatus::Paid => "save paid",
        Effect::Save { .. } => "save",
        Effect::MicroPay(_) => "pay",
        Effect::Query(_) => "query",
        Effect::Cancel(_) => "cancel",
        Effect::ScanCodePay(_) => "qr",
        Effect::CloseQr(_) => "qr close",
        Effect::Lookup(_) => "lookup",
        Effect::Refund(_) => "refund",
        Effect::QueryRefund(_) => "refund query",
        Effect::Announce { platform: Some(_), .. } => "announce code paid",
        _ => "other",
    }
}

/// A message or effect, cut for the trace.
fn short(text: &str) -> String {
    const MAX: usize = 400;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
