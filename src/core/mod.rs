//! The till's whole logic as a pure state machine: `update(&mut State, Event) -> Vec<Effect>`.
//!
//! No IO, no clock, no randomness: time arrives in every [`Event`], outcomes of the platform, the
//! store and the printer arrive as [`Msg`]s, and everything the till must *do* leaves as [`Effect`]s,
//! which `app` runs in order (a `Save` is flushed before any effect after it starts).

pub mod approval;
pub mod auth;
pub mod calls;
pub mod catalog;
pub mod clock;
pub mod code;
pub mod configure;
pub mod csv_problem;
mod discount;
pub mod discount_entry;
pub mod display;
pub mod enrol;
pub mod exchange;
pub mod exchange_receipted;
pub mod failure;
pub mod foreign;
pub mod held;
pub mod help;
pub mod intent;
pub mod log;
pub mod maintenance;
pub mod member_code;
pub mod member_form;
pub mod members;
pub mod money;
pub mod no_receipt;
pub mod notice;
pub mod office;
pub mod order;
mod pay;
pub mod platform_clock;
pub mod points;
pub mod points_tender;
pub mod price_entry;
pub mod pricing;
pub mod qr;
pub mod reasons;
pub mod refund;
mod refund_parts;
pub mod returns;
mod sale;
pub mod scale_label;
pub mod screens;
mod setup;
pub mod stock;
pub mod stock_levels;
pub mod stocktake;
pub mod stored_value;
pub mod sv_pin;
pub mod sv_till;
mod tender;
pub mod training;
pub mod weighing;

use catalog::Catalogue;
use clock::Millis;
use code::Platform;
use money::Fen;
use notice::Notice;
use order::{Order, OrderId};
use serde::{Deserialize, Serialize};

pub use auth::Action;
pub use calls::*;
pub use failure::{Failure, PrintFailure, SaveFailure};
pub use pay::TELL_TO_CHECK_AFTER_SECS;
pub use setup::{SetupFailure, SetupInfo, Speech, WifiFailure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

/// What the core needs to know about the shop and this till; fixed while it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub shop_name: String,
    /// The configured operator (or the one the platform's set-up assigned): on the orders of a
    /// till nobody has signed in to yet. Whoever is signed in is the session's, see
    /// [`State::operator`].
    pub operator: String,
    /// The platform's 8-digit numeric order prefix (Cloud Pay `cloud_cashier_id`).
    pub order_prefix: String,
    /// Two digits that keep order numbers of several tills of one shop apart.
    pub terminal_no: u8,
    pub utc_offset_minutes: i32,
    pub lang: Lang,
}

#[cfg(test)]
impl Settings {
    /// The shop of the crate's unit tests: operator 01 at till 1, Chinese, UTC+8.
    pub(crate) fn test_shop() -> Settings {
        Settings {
            shop_name: "测试便利店".into(),
            operator: "01".into(),
            order_prefix: "01000052".into(),
            terminal_no: 1,
            utc_offset_minutes: 480,
            lang: Lang::Zh,
        }
    }
}

/// Sequences that must survive a restart; saved with every order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counters {
    pub next_order_id: OrderId,
    /// `yymmdd` of the day `seq` counts in.
    pub seq_day: u32,
    /// Order numbers used today.
    pub seq: u32,
}

/// A key the cashier pressed, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Key {
    Char(char),
    Enter,
    Backspace,
    Delete,
    Esc,
    Up,
    Down,
    F(u8),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Msg {
    /// The store's unfinished orders and counters, once at start.
    Restored {
        orders: Vec<Order>,
        counters: Option<Counters>,
    },
    /// The clock moved; timers (queries) are driven by it.
    Tick,
    Key(Key),
    /// What the cashier means, by name (a script, or a supervisor's approval replayed): see [`intent`].
    Act(intent::Intent),
    /// A whole code from the barcode scanner.
    Scan(String),
    PayAnswer {
        out_trade_no: String,
        verdict: Verdict,
    },
    QueryAnswer {
        out_trade_no: String,
        verdict: Verdict,
    },
    SaveFailed {
        order_id: OrderId,
        why: SaveFailure,
    },
    CancelAnswer {
        out_trade_no: String,
        verdict: CancelVerdict,
    },
    /// The platform's answer to a QR request (`Effect::ScanCodePay`).
    QrAnswer {
        out_trade_no: String,
        verdict: QrVerdict,
    },
    /// The platform's answer to a lookup, with the till's own record of the order if it has one.
    LookupAnswer {
        number: String,
        local: Option<Box<Order>>,
        verdict: LookupVerdict,
    },
    RefundAnswer {
        out_refund_no: String,
        verdict: RefundVerdict,
    },
    RefundQueryAnswer {
        out_refund_no: String,
        verdict: RefundVerdict,
    },
    /// A scanned configuration code read (nothing changed yet): what it would change, shown for a
    /// supervisor to confirm (see [`configure`]).
    ConfigOffer(configure::ConfigChange),
    /// The outcome of joining a Wi-Fi network: its name, or why not.
    WifiAnswer {
        result: Result<String, WifiFailure>,
    },
    /// The outcome of a device set-up: what changed, or why it failed (one line for the cashier).
    SetupAnswer {
        result: Result<SetupInfo, SetupFailure>,
    },
    /// Receipts waiting for the printer (it is out of paper, open, unplugged or off).
    PrintQueue {
        waiting: usize,
    },
    /// The barcode scanner came or went.
    Scanner(ScannerState),
    /// The counter scale's weight (none: the scale does not answer); see [`weighing`].
    Scale(Option<weighing::Reading>),
    /// Whether the payment platform can be reached (from pings and from calls that could not be sent).
    Connectivity {
        online: bool,
    },
    /// The payment platform's time read with a ping (unix seconds), or `None` when it answered but
    /// tells no time (see [`platform_clock`]).
    PlatformClock {
        unix_secs: Option<i64>,
    },
    Printed {
        order_id: OrderId,
        preview: Vec<String>,
    },
    PrintFailed {
        order_id: OrderId,
        why: PrintFailure,
    },
    /// Shifts, reports, journal, summary and export: the app's answers (see [`office`]).
    Office(office::OfficeMsg),
    /// Stock counts the store changed (a sale or a refund moved goods): barcode → new count.
    StockCounts {
        counts: Vec<(String, i64)>,
    },
    /// Operators: loaded, PINs checked and hashed, the audit log, unsynced records.
    Auth(auth::AuthMsg),
    /// A supervisor's approval of an action, re-applied once their PIN is verified (see [`approval`]).
    Approve(approval::Approval),
    /// The maintenance menu's answers.
    Maintenance(maintenance::MaintenanceMsg),
    /// A goods-in or stock-count sheet applied, or not (see [`stocktake`]).
    Stock(stocktake::StockMsg),
    /// A back-office catalogue changeset the store has applied (sync::catalogue): new and changed
    /// products, and the barcodes that left. A sale in progress keeps the prices it has.
    CatalogueChanged {
        products: Vec<catalog::Product>,
        removed: Vec<String>,
    },
    /// A member looked up (see [`members`]).
    Member(members::MemberMsg),
    /// A stored-value spend checked (see [`sv_till`]).
    StoredValue(sv_till::SvMsg),
    /// The back office's promotions the store has applied (sync::promotions): all of them, in
    /// force from the next change of the sale's lines.
    PromotionsChanged {
        version: i64,
        promotions: Vec<pricing::promo::Promotion>,
    },
    /// An enrolment code used, or why not (see [`enrol`]).
    Enrol(enrol::EnrolMsg),
    /// The back office's word on another till's order (see [`foreign`]).
    Foreign(foreign::ForeignMsg),
}

/// A message with the time it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at: Millis,
    pub msg: Msg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Beep {
    Accepted,
    Error,
    Success,
    Failure,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Write the order and counters and flush; effects after it run only once it is durable.
    Save {
        order: Order,
        counters: Counters,
    },
    MicroPay(PayCall),
    Query(QueryCall),
    Cancel(CancelCall),
    /// Ask for a QR the customer scans; the answer comes back as `Msg::QrAnswer`.
    ScanCodePay(QrCall),
    /// Close an unpaid QR order; the answer comes back as `Msg::CancelAnswer`.
    CloseQr(CancelCall),
    /// Print the QR the customer scans on a slip, with the wallet, amount and expiry.
    PrintQr {
        out_trade_no: String,
        platform: Platform,
        amount: Fen,
        code_url: String,
        expires_at: Millis,
    },
    /// Look an order up at the platform (the app adds the store's record of it).
    Lookup(LookupCall),
    /// Ask the back office about another till's order (see [`foreign`]).
    Foreign(foreign::ForeignEffect),
    Refund(RefundCall),
    QueryRefund(RefundCall),
    /// Print a looked-up order's receipt again: the platform's own (微收银 reprint) if it has
    /// one, else the till's from its record.
    Reprint {
        order: Option<Order>,
        transaction_id: String,
    },
    /// Print the refund slip of `out_refund_no`.
    PrintRefund {
        order: Order,
        out_refund_no: String,
    },
    /// Print the order's receipt (rendered to ESC/POS by `app`).
    Print {
        order: Order,
    },
    Beep(Beep),
    /// Speak the outcome of a payment: platform and amount, never a bare "success".
    Announce {
        platform: Option<Platform>,
        amount: Fen,
    },
    /// Speak one of the fixed prompts.
    Say(Speech),
    /// Speak a confirmed refund with the wallet it went back to: "微信支付退款成功 0.01元" (`platform`
    /// none: cash from the drawer).
    AnnounceRefund {
        amount: Fen,
        #[serde(default)]
        platform: Option<Platform>,
    },
    /// Print the printer's test page (ruler, Chinese and English, barcode, QR, cut).
    PrintTestPage,
    /// Kick the cash drawer open (ESC/POS pulse through the receipt printer): cash was taken or
    /// is given back.
    OpenDrawer,
    /// Read a scanned configuration code (a `WIFI:` code, a Cloud Pay `use_device_setting` URL)
    /// without changing anything: what it would change comes back as `Msg::ConfigOffer`, or a
    /// failure as `Msg::WifiAnswer` / `Msg::SetupAnswer`.
    ReadConfigCode {
        code: configure::ScannedCode,
    },
    /// Join the Wi-Fi network of a confirmed `WIFI:` code (it carries a password: never logged).
    JoinWifi {
        code: configure::ScannedCode,
    },
    /// Use the payment platform's settings read for `merchant` and confirmed by a supervisor;
    /// the answer comes back as `Msg::SetupAnswer`.
    Setup {
        merchant: configure::Merchant,
    },
    /// Shifts, reports, journal, summary and export (see [`office`]).
    Office(office::OfficeEffect),
    /// Check or hash a PIN, write an operator, append to the audit log.
    Auth(auth::AuthEffect),
    /// Device info, export, restart, power off.
    Maintenance(maintenance::MaintenanceEffect),
    /// Show this on the customer display (客显); see [`display`].
    Display(display::Shown),
    /// Goods in and stock counts (see [`stocktake`]).
    Stock(stocktake::StockEffect),
    /// Look a member up in the store (see [`members`]).
    Member(members::MemberEffect),
    /// Check a stored-value spend against the store (see [`sv_till`]).
    StoredValue(sv_till::SvEffect),
    /// A line for the till's log (see [`log`]): the core returns it, the runtime writes it.
    Log(log::Log),
}

/// Whether the barcode scanner (HID, through evdev) is there; none when the till has no such scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScannerState {
    Connected,
    /// It was there and went away: looked for again every second.
    Unplugged,
    /// Not found (yet).
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Screen {
    Sale,
    /// Waiting for a tender; `cash_entry` when the cashier is typing the cash received.
    Pay {
        cash_entry: bool,
    },
    /// The sale is settled; the receipt and change are shown until the next sale starts.
    Done {
        change: Fen,
    },
    /// An order looked up by its receipt's number; refunds are made here.
    Lookup,
    /// Shift and cash-up, reports, journal or summary: `State::office.view` says which.
    Office,
    /// The price of a scanned item is being typed (open-price product, or an unknown barcode).
    PriceEntry(price_entry::PriceEntry),
    /// Products at or below the low-stock threshold.
    LowStock,
    /// A scanned configuration code waits for a supervisor's PIN (see [`configure`]).
    Confirm(configure::ConfigChange),
    /// The promotions the till has, read-only: name, kind, window, in force now (`#` on the sale
    /// screen).
    Promotions,
}

/// When the next query of an in-doubt attempt is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryTimer {
    pub due: Millis,
    pub in_flight: bool,
    /// For a payment being cancelled: the next action is a cancel (else a query).
    pub cancel: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub settings: Settings,
    pub catalogue: Catalogue,
    pub now: Millis,
    /// False until the store's orders are restored: nothing is sold before that.
    pub ready: bool,
    pub counters: Counters,
    /// Where this run's numbers start on the day it started (`yymmdd`, sequence): past anything an
    /// earlier run of that day could have issued (see `pay::run_floor`).
    pub run_floor: (u32, u32),
    /// The order on screen.
    pub sale: Order,
    /// The promotions in force (`core::pricing`); none until the store's are loaded.
    #[serde(skip)]
    pub promotions: pricing::promo::Book,
    /// `[discounts]`: the reasons and a cashier's limits.
    #[serde(default)]
    pub discount_rules: pricing::limits::DiscountRules,
    pub screen: Screen,
    /// What the cashier has typed (digits of a barcode, an amount, a quantity).
    pub input: String,
    /// Index of the selected line on the sale screen.
    pub selected: usize,
    pub notice: Option<Notice>,
    /// Orders whose payment is still in doubt, confirmed in the background.
    pub background: Vec<Order>,
    /// Query timers by out_trade_no.
    pub timers: std::collections::BTreeMap<String, QueryTimer>,
    /// The last receipt as printed, decoded back to text.
    pub receipt_preview: Vec<String>,
    /// The order on the lookup screen.
    pub lookup: Option<refund::LookupView>,
    /// Receipts not yet printed (kept in order, printed when the printer is back).
    pub receipts_waiting: usize,
    pub scanner: Option<ScannerState>,
    /// The counter scale, once it has been heard from (none: the till has no scale).
    #[serde(default)]
    pub scale: Option<weighing::Scale>,
    /// The payment platform answered its last ping (assumed until told otherwise).
    pub online: bool,
    /// Shifts, reports, journal, summary.
    pub office: office::Office,
    /// An amount typed on the tender screen: the next payment code is charged this much (a part
    /// of a mixed tender) instead of the whole remainder.
    #[serde(default)]
    pub part_amount: Option<Fen>,
    /// Operators, who is signed in, the supervisor prompt.
    pub auth: auth::Auth,
    /// The maintenance menu, when open.
    pub maintenance: Option<maintenance::Maintenance>,
    /// The help screen (`?`) is up over the screen above.
    #[serde(default)]
    pub help: bool,
    /// The wall clock's reading in the last event. `now` moves on by how far the wall clock moved
    /// forward since, never back: a clock set back does not freeze the timers (see [`update`]).
    #[serde(default)]
    pub wall_clock: Millis,
    /// The back office's word on the number on the lookup screen (see [`foreign`]).
    #[serde(default)]
    pub foreign: Option<foreign::ForeignView>,
    /// Lookups sent whose answers have not come back: a refund waits for them, so no answer from
    /// before a refund can arrive after it (see `refund::on_lookup_answer`).
    #[serde(default)]
    pub lookups_in_flight: u32,
    /// Which function key means which intent where (see [`intent`]); fixed while the till runs.
    #[serde(default)]
    pub keymap: intent::KeyMap,
    /// The QR screen, when up (see [`qr`]).
    #[serde(default)]
    pub qr: Option<qr::QrView>,
    /// The QR the customer scans (主扫): offered or not, and its life; fixed while the till runs
    /// (set from `[qr]` by `cli/run.rs`, like the key map).
    #[serde(default)]
    pub qr_settings: qr::QrSettings,
    /// Held sales (挂单) and their list (see [`held`]).
    #[serde(default)]
    pub held: held::Held,
    /// The till's clock against the platform's (see [`platform_clock`]).
    #[serde(default)]
    pub clock: platform_clock::ClockCheck,
    /// A return without a receipt being entered (see [`no_receipt`]).
    #[serde(default)]
    pub no_receipt: Option<no_receipt::ReturnForm>,
    /// A goods-in or stock-count sheet being filled in (see [`stocktake`]).
    #[serde(default)]
    pub stock_sheet: Option<stocktake::StockSheet>,
    /// Training mode, while on (see [`training`]).
    #[serde(default)]
    pub training: Option<training::Training>,
    /// The discount entry form, while it is up (see [`discount_entry`]).
    #[serde(default)]
    pub discount_entry: Option<discount_entry::DiscountForm>,
    /// Members (会员): the settings, the member box (see [`members`]).
    #[serde(default)]
    pub members: members::Members,
    /// Stored value (储值): the settings, a spend being asked for (see [`sv_till`]).
    #[serde(default)]
    pub stored_value: sv_till::SvTill,
    /// How long after its payment each platform still refunds an order (`[refund_windows]`).
    pub refund_windows: exchange_receipted::RefundWindows,
}

impl State {
    pub fn new(settings: Settings, catalogue: Catalogue) -> State {
        let operator = settings.operator.clone();
        State {
            settings,
            catalogue,
            now: Millis(0),
            ready: false,
            counters: Counters { next_order_id: 2, seq_day: 0, seq: 0 },
            run_floor: (0, 0),
            sale: Order::new(1, Millis(0), operator),
            screen: Screen::Sale,
            input: String::new(),
            selected: 0,
            notice: Some(Notice::Starting),
            background: Vec::new(),
            timers: Default::default(),
            receipt_preview: Vec::new(),
            lookup: None,
            receipts_waiting: 0,
            scanner: None,
            scale: None,
            online: true,
            office: office::Office::default(),
            part_amount: None,
            auth: auth::Auth::default(),
            maintenance: None,
            help: false,
            wall_clock: Millis(0),
            lookups_in_flight: 0,
            foreign: None,
            keymap: intent::KeyMap::default(),
            qr: None,
            qr_settings: qr::QrSettings::default(),
            held: held::Held::default(),
            clock: platform_clock::ClockCheck::default(),
            promotions: pricing::promo::Book::default(),
            discount_rules: pricing::limits::DiscountRules::default(),
            no_receipt: None,
            stock_sheet: None,
            training: None,
            discount_entry: None,
            members: members::Members::default(),
            stored_value: sv_till::SvTill::default(),
            refund_windows: exchange_receipted::RefundWindows::default(),
        }
    }

    /// Whether a call to the platform is out and its answer awaited (payment, query, cancel,
    /// refund, refund query, lookup).
    pub fn calls_in_flight(&self) -> bool {
        self.timers.values().any(|t| t.in_flight) || self.lookup.as_ref().is_some_and(|v| v.pending)
    }

    /// Who rings up and refunds now: the operator signed in (the session), else the configured
    /// one. Printed on receipts and slips; `Settings` stays as configured.
    pub fn operator(&self) -> &str {
        self.auth.session.as_ref().map_or(self.settings.operator.as_str(), |s| s.number.as_str())
    }

    /// When the next query, cancel or refund query falls due, if any is waiting.
    pub fn next_due(&self) -> Option<Millis> {
        self.timers.values().filter(|t| !t.in_flight).map(|t| t.due).min()
    }

    /// Orders with a payment or a refund whose outcome is not yet known: on screen, in the
    /// background, or on the lookup screen.
    pub fn unresolved_count(&self) -> usize {
        let held = std::iter::once(&self.sale).chain(&self.background);
        let looked_up = self.lookup.as_ref().and_then(|v| v.order.as_ref());
        let looked_up = looked_up.filter(|o| !held.clone().any(|h| h.id == o.id));
        held.chain(looked_up).filter(|o| o.has_open_work()).count()
            + usize::from(self.lookup.as_ref().is_some_and(|v| v.pending))
    }

    /// Orders with a payment whose outcome is not yet known, on screen or in the background.
    pub fn in_doubt_count(&self) -> usize {
        std::iter::once(&self.sale).chain(&self.background).filter(|o| o.open_attempt().is_some()).count()
    }

    fn save(&self, order: &Order) -> Effect {
        Effect::Save { order: order.clone(), counters: self.counters }
    }

    /// The lookup screen's copy of an order that just changed elsewhere (a payment confirmed in
    /// the background) is replaced by the new one: a refund asked for there starts from it.
    fn refresh_lookup(&mut self, order: &Order) {
        if let Some(view) = self.lookup.as_mut().filter(|v| v.order.as_ref().is_some_and(|o| o.id == order.id)) {
            view.order = Some(order.clone());
        }
    }

    fn order_mut(&mut self, id: OrderId) -> Option<&mut Order> {
        if self.sale.id == id {
            return Some(&mut self.sale);
        }
        self.background.iter_mut().find(|o| o.id == id)
    }

    /// Whether `out_trade_no` is a QR attempt (the customer scans the till's QR).
    fn is_qr_attempt(&self, out_trade_no: &str) -> bool {
        std::iter::once(&self.sale)
            .chain(&self.background)
            .flat_map(|o| &o.attempts)
            .any(|a| a.out_trade_no == out_trade_no && a.qr.is_some())
    }

    fn order_id_of_attempt(&self, out_trade_no: &str) -> Option<OrderId> {
        std::iter::once(&self.sale)
            .chain(&self.background)
            .find(|o| o.attempts.iter().any(|a| a.out_trade_no == out_trade_no))
            .map(|o| o.id)
    }

    /// Starts an empty sale with a fresh order id.
    fn new_sale(&mut self) {
        // A QR of the sale still watched for a late payment (or a payment still out when a late QR
        // payment settled the sale) goes on being followed in the background.
        let settled_with_work = self.sale.status == order::OrderStatus::Paid && self.sale.has_open_work();
        if (self.sale.watched_qr().is_some() || settled_with_work)
            && !self.background.iter().any(|o| o.id == self.sale.id)
        {
            self.background.push(self.sale.clone());
        }
        self.qr = None;
        let id = self.counters.next_order_id;
        self.counters.next_order_id += 1;
        self.sale = Order::new(id, self.now, self.operator().to_string());
        self.sale.training = self.training.is_some();
        self.screen = Screen::Sale;
        self.input.clear();
        self.selected = 0;
        self.lookup = None;
        self.part_amount = None;
        self.clock.waiting = None;
    }
}

/// The one entry point: apply an event, return what must be done, in order.
pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    // Time only goes forward, and by as much as the wall clock moved forward: a clock set back a
    // day (by hand, by a bad time server) must not leave every query waiting for that day to pass.
    let forward = state.clock.forward(event.at.since(state.wall_clock).max(0));
    state.now = Millis(state.now.0.saturating_add(forward)).max(event.at);
    state.wall_clock = event.at;
    let mut fx = Vec::new();
    let shown = display::before(state);
    match event.msg {
        Msg::Restored { orders, counters } => pay::restore(state, orders, counters, &mut fx),
        Msg::Tick => {
            qr::count_tick(state);
            pay::tick(state, &mut fx)
        }
        Msg::Office(msg) => office::on_msg(state, msg, &mut fx),
        Msg::Auth(msg) => auth::on_msg(state, msg, &mut fx),
        Msg::PlatformClock { unix_secs } => platform_clock::on_platform_clock(state, unix_secs, &mut fx),
        _ if !state.ready => {}
        // Keys and scans go to the screen on top (see `screens`).
        Msg::Key(key) => screens::on_key(state, key, &mut fx),
        Msg::Scan(code) => screens::on_scan(state, &code, &mut fx),
        Msg::Act(intent) => screens::on_act(state, intent, &mut fx),
        Msg::Approve(approval) => approval::ask_supervisor(state, approval, &mut fx),
        Msg::Maintenance(msg) => maintenance::on_msg(state, msg, &mut fx),
        Msg::Stock(msg) => stocktake::on_msg(state, msg, &mut fx),
        Msg::Member(msg) => members::on_msg(state, msg, &mut fx),
        Msg::StoredValue(msg) => sv_till::on_msg(state, msg, &mut fx),
        Msg::PayAnswer { out_trade_no, verdict } => pay::on_answer(state, &out_trade_no, verdict, false, &mut fx),
        Msg::QueryAnswer { out_trade_no, verdict } => pay::on_answer(state, &out_trade_no, verdict, true, &mut fx),
        Msg::CancelAnswer { out_trade_no, verdict } => pay::on_cancel_answer(state, &out_trade_no, verdict, &mut fx),
        Msg::QrAnswer { out_trade_no, verdict } => qr::on_issued(state, &out_trade_no, verdict, &mut fx),
        Msg::LookupAnswer { number, local, verdict } => {
            refund::on_lookup_answer(state, &number, local, verdict, &mut fx)
        }
        Msg::RefundAnswer { out_refund_no, verdict } => {
            refund::on_refund_answer(state, &out_refund_no, verdict, false, &mut fx)
        }
        Msg::RefundQueryAnswer { out_refund_no, verdict } => {
            refund::on_refund_answer(state, &out_refund_no, verdict, true, &mut fx)
        }
        Msg::ConfigOffer(change) => configure::on_offer(state, change, &mut fx),
        Msg::SetupAnswer { result } => sale::on_setup_answer(state, result, &mut fx),
        Msg::WifiAnswer { result } => sale::on_wifi_answer(state, result, &mut fx),
        Msg::PrintQueue { waiting } => {
            state.receipts_waiting = waiting;
            if waiting == 0 && matches!(state.notice, Some(Notice::PrintFailed { .. })) {
                state.notice = None;
            }
        }
        Msg::Connectivity { online } => pay::on_connectivity(state, online, &mut fx),
        Msg::Scanner(s) => {
            if state.scanner == Some(ScannerState::Connected) && s != ScannerState::Connected {
                state.notice = Some(Notice::ScannerGone);
                fx.push(Effect::Beep(Beep::Error));
            } else if s == ScannerState::Connected && state.notice == Some(Notice::ScannerGone) {
                state.notice = None;
            }
            state.scanner = Some(s);
        }
        Msg::SaveFailed { why, .. } => {
            state.notice = Some(Notice::StoreFailed { why });
            fx.push(Effect::Beep(Beep::Error));
        }
        Msg::Printed { order_id, preview } => {
            if order_id == state.sale.id {
                state.receipt_preview = preview;
            }
        }
        Msg::PrintFailed { why, .. } => {
            state.notice = Some(Notice::PrintFailed { why });
            fx.push(Effect::Beep(Beep::Error));
        }
        Msg::StockCounts { counts } => state.catalogue.set_stock(counts),
        Msg::CatalogueChanged { products, removed } => state.catalogue.apply_changes(products, &removed),
        Msg::Enrol(msg) => enrol::on_msg(state, msg, &mut fx),
        Msg::Foreign(msg) => foreign::on_msg(state, msg, &mut fx),
        Msg::PromotionsChanged { version, promotions } => {
            let rows = promotions.len();
            state.promotions = pricing::promo::Book::new(promotions);
            fx.push(state.audit(auth::AuditEvent::PromotionsFromOffice { version, rows }));
        }
        Msg::Scale(reading) => weighing::on_reading(state, reading),
    }
    training::contain(state, &mut fx);
    display::follow(shown, state, &mut fx);
    // The log's lines come last: they never hold back the batch's save or its calls.
    fx.sort_by_key(|e| matches!(e, Effect::Log(_)));
    fx
}

#[cfg(test)]
mod tests;
