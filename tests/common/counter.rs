#![allow(clippy::panic)] // test helpers fail the test by panicking
//! The whole till at the counter: the real engine and effect runner on a clock the test moves,
//! driven as a cashier does (keys, typing) and waited on until the platform's answers are in.

use std::sync::Arc;
use std::time::Duration;
use till::app::{Clock, Devices, Engine, ManualClock, PrintQueue};
use till::core::clock::Millis;
use till::core::order::Order;
use till::core::{Key, Msg, State};
use till::devices::fake::PaperRoll;
use till::devices::{LogSpeaker, NoBuzzer, NoWifi};
use till::escpos::PrinterProfile;
use till::payments::Gateway;
use till::payments::cloudpay::{CloudPayClient, CloudPayConfig};
use till::sim::cloudpay::{CloudPaySim, SimConfig, SimHandle};
use till::store::Store;

/// What `settle` makes of a till with nothing out, nothing due and `done` not holding yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idle {
    /// Settled as far as it goes: return.
    Return,
    /// The test waited for something that cannot come: fail.
    Fail,
    /// Something off the render loop (a PIN check, a report) is still to answer: wait for it.
    Wait,
}

/// How `settle` waits: each test's limits.
#[derive(Clone, Copy)]
pub struct Patience {
    /// Real time an answer may take while a call is out.
    pub answer_within: Duration,
    /// Something is out that an answer will come back for (by default a call to the platform).
    pub busy: fn(&State) -> bool,
    pub idle: Idle,
    /// Answers and timers taken before the test gives up.
    pub steps: usize,
    /// The till's time (ms) one settle may move on.
    pub till_time_ms: i64,
    /// A timer that falls due must send a call: a stuck timer fails the test at once.
    pub timers_send: bool,
}

impl Default for Patience {
    fn default() -> Patience {
        Patience {
            answer_within: Duration::from_secs(5),
            busy: State::calls_in_flight,
            idle: Idle::Wait,
            steps: usize::MAX,
            till_time_ms: i64::MAX,
            timers_send: false,
        }
    }
}

/// The Cloud Pay simulator on loopback, on the till's clock, and the real client to it.
pub fn cloud_pay(clock: &Arc<ManualClock>) -> (SimHandle, Arc<CloudPayClient>) {
    let sim_clock = clock.clone();
    let sim = CloudPaySim::start(
        ([127, 0, 0, 1], 0).into(),
        SimConfig { clock: Arc::new(move || sim_clock.now().0), ..SimConfig::default() },
    )
    .expect("payment simulator");
    let client = Arc::new(CloudPayClient::new(CloudPayConfig::demo(&sim.base_url())).expect("client"));
    (sim, client)
}

/// The devices of a till at the counter: `store`, printing onto `roll`, no buzzer, spoken lines
/// logged, no Wi-Fi, a print queue in memory of `queue_limit` receipts.
pub fn devices(store: Arc<dyn Store>, roll: &PaperRoll, queue_limit: usize) -> Devices {
    Devices {
        store,
        printer: Arc::new(roll.clone()),
        buzzer: Arc::new(NoBuzzer),
        speaker: Arc::new(LogSpeaker),
        wifi: Arc::new(NoWifi),
        print_queue: PrintQueue::in_memory(queue_limit, Duration::from_secs(3)),
        display: till::app::display::DisplayFeed::none(),
    }
}

pub struct Counter {
    pub engine: Engine,
    pub clock: Arc<ManualClock>,
    pub patience: Patience,
}

impl Counter {
    /// The engine started on `state` with operator 01 (the store's first operator, a supervisor)
    /// signed in, printing on a 58 mm roll.
    pub fn start<G: Gateway + 'static>(
        mut state: State,
        gateway: Arc<G>,
        devices: Devices,
        clock: Arc<ManualClock>,
        patience: Patience,
    ) -> Counter {
        state.auth.policy.auto_sign_in = Some("01".into());
        let engine = Engine::start(state, gateway, devices, PrinterProfile::mm58(), clock.clone()).expect("engine");
        Counter { engine, clock, patience }
    }

    pub fn state(&self) -> &State {
        &self.engine.state
    }

    pub fn key(&mut self, key: Key) {
        self.engine.handle(Msg::Key(key));
    }

    pub fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(Key::Char(c));
        }
    }

    /// Backspace over whatever is typed (an amount proposed on the lookup screen).
    pub fn clear_input(&mut self) {
        for _ in 0..16 {
            self.key(Key::Backspace);
        }
    }

    /// Waits for every call out to be answered, moving the till's clock to each timer as it falls
    /// due, until `done` holds with nothing out (see [`Patience`] for the limits).
    pub async fn settle(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let p = self.patience;
        let started = self.clock.now();
        for _ in 0..p.steps {
            if (p.busy)(self.state()) {
                if !self.engine.next_msg(p.answer_within).await {
                    let within = p.answer_within;
                    panic!("{what}: no answer within {within:?} while a call was out: {}", dump(self.state()));
                }
                continue;
            }
            if done(self.state()) {
                return;
            }
            let Some(due) = self.state().next_due() else {
                match p.idle {
                    Idle::Return => return,
                    Idle::Fail => panic!("{what}: nothing left to wait for: {}", dump(self.state())),
                    Idle::Wait => {
                        assert!(self.engine.next_msg(p.answer_within).await, "{what}: never happened");
                        continue;
                    }
                }
            };
            let now = self.clock.now();
            assert!(
                now.since(started) < p.till_time_ms,
                "{what}: still waiting after {} s of the till's time: {}",
                p.till_time_ms / 1000,
                dump(self.state())
            );
            self.clock.advance_to(due);
            self.engine.handle(Msg::Tick);
            if p.timers_send {
                assert!(
                    due > now || self.state().calls_in_flight(),
                    "{what}: a timer due at {due:?} sends nothing: {}",
                    dump(self.state())
                );
            }
        }
        panic!("{what}: not settled");
    }

    /// Time passes at the counter (the customer's time): background work goes on, and answers
    /// already in are applied; the rest is waited for by the next settle.
    pub async fn pass_secs(&mut self, secs: i64) {
        self.clock.advance_secs(secs);
        self.catch_up().await;
    }

    /// As [`Counter::pass_secs`], until the till's time `at`.
    pub async fn pass_until(&mut self, at: Millis) {
        self.clock.advance_to(at);
        self.catch_up().await;
    }

    async fn catch_up(&mut self) {
        self.engine.handle(Msg::Tick);
        while self.engine.next_msg(Duration::ZERO).await {}
    }
}

/// The state in short, for failure messages.
pub fn dump(s: &State) -> String {
    let attempts =
        |o: &Order| o.attempts.iter().map(|a| format!("{} {:?}", a.out_trade_no, a.state)).collect::<Vec<_>>();
    format!(
        "now {:?} screen {:?} notice {:?} input {:?}\nsale #{} {:?} {:?} refunds {:?}\nbackground {:#?}\ntimers {:?}\nlookup {:?}",
        s.now,
        s.screen,
        s.notice,
        s.input,
        s.sale.id,
        s.sale.status,
        attempts(&s.sale),
        s.sale.refunds,
        s.background.iter().map(|o| (o.id, o.status, attempts(o), &o.refunds)).collect::<Vec<_>>(),
        s.timers,
        s.lookup,
    )
}
