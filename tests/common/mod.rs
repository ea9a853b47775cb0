//! Builders shared by the integration tests: a till fed through `core::update` at fixed times, and
//! the screen as text.

#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use till::core::auth::{AuthMsg, Operator, PinHash, Role};
use till::core::catalog::{Catalogue, Product};
use till::core::clock::Millis;
use till::core::money::Fen;
use till::core::{Event, Key, Lang, Msg, Settings, State, update};
use till::ui::{self, Status};
use unicode_width::UnicodeWidthStr;

/// 2025-11-22 14:05:00 in Beijing.
pub const T0: Millis = Millis(1_763_791_500_000);

pub const WATER: &str = "6921168509256";
pub const NOODLES: &str = "6902152400773";
pub const UNKNOWN: &str = "6901234567892";
pub const WECHAT_CODE: &str = "134680423163089456";

pub fn settings(lang: Lang) -> Settings {
    Settings {
        shop_name: "幸福便利店".into(),
        operator: "01".into(),
        order_prefix: "12345678".into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang,
    }
}

pub fn catalogue() -> Catalogue {
    let p = |barcode: &str, name: &str, price| Product::new(barcode, name, Fen(price));
    Catalogue::new(vec![p(WATER, "农夫山泉 550ml", 200), p(NOODLES, "康师傅红烧牛肉面 五连包", 1250)])
}

/// PIN hashes are opaque to the core: these are placeholders, checked by no one.
pub fn operators() -> Vec<Operator> {
    let mut first = Operator::new("01", "店长", Role::Supervisor, PinHash("hash-of-0000".into()));
    first.must_change_pin = true;
    vec![first, Operator::new("02", "Li", Role::Cashier, PinHash("hash-of-2222".into()))]
}

pub fn status() -> Status {
    Status {
        demo: true,
        gateway: "Cloud Pay 127.0.0.1:40123".into(),
        printer: "USB OK".into(),
        clock: "14:05".into(),
        unsynced: 0,
        clock_off: false,
        insecure_link: None,
        upgrade_waiting: None,
    }
}

/// A till that has restored its (empty) store, with its own clock in whole seconds after [`T0`].
pub struct Till {
    pub state: State,
}

impl Till {
    /// Operator 01 (a supervisor) signed in, as `till demo` and the process tests do.
    pub fn new(lang: Lang) -> Till {
        Till::signed_out(lang, Some("01"))
    }

    /// Restored, with the store's operators 01 (supervisor, PIN 0000 to be changed) and 02
    /// (cashier "Li", PIN 2222); `auto` signs one in as the demo's config does.
    pub fn signed_out(lang: Lang, auto: Option<&str>) -> Till {
        let mut state = State::new(settings(lang), catalogue());
        state.auth.policy.auto_sign_in = auto.map(str::to_string);
        let mut till = Till { state };
        till.send_at(0, Msg::Auth(AuthMsg::Loaded { operators: operators() }));
        till.send_at(0, Msg::Restored { orders: vec![], counters: None });
        // The first ping's answer: the platform's clock reads as the till's (`core::platform_clock`).
        till.send_at(0, Msg::PlatformClock { unix_secs: Some(T0.unix_secs()) });
        till
    }

    pub fn send_at(&mut self, secs: i64, msg: Msg) -> &mut Till {
        update(&mut self.state, Event { at: T0.plus_secs(secs), msg });
        self
    }

    /// A message at the till's current time.
    pub fn send(&mut self, msg: Msg) -> &mut Till {
        let secs = self.state.now.since(T0) / 1000;
        self.send_at(secs, msg)
    }

    pub fn key(&mut self, key: Key) -> &mut Till {
        self.send(Msg::Key(key))
    }

    pub fn keys(&mut self, typed: &str) -> &mut Till {
        for c in typed.chars() {
            self.key(Key::Char(c));
        }
        self
    }

    /// Opens a maintenance menu item by its place in the menu (the menu must be up).
    pub fn item(&mut self, item: till::core::maintenance::Item) -> &mut Till {
        for k in till::core::maintenance::keys_to(item) {
            self.key(k);
        }
        self
    }

    pub fn scan(&mut self, code: &str) -> &mut Till {
        self.send(Msg::Scan(code.into()))
    }

    pub fn render(&self) -> Buffer {
        render_at(&self.state, 80, 24)
    }
}

pub fn render_at(state: &State, width: u16, height: u16) -> Buffer {
    render_with(state, &status(), width, height)
}

pub fn render_with(state: &State, status: &Status, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| ui::view(state, status, frame)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen as lines of text. A wide (CJK) character fills two cells; the cell after it is its
/// continuation and is skipped, so each line reads as the terminal shows it.
pub fn screen_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buf[(x, y)].symbol();
            line.push_str(symbol);
            skip = symbol.width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The text of one screen row.
pub fn row(buf: &Buffer, y: u16) -> String {
    screen_text(buf).lines().nth(usize::from(y)).unwrap_or_default().to_string()
}
#[allow(unused_imports)] // not every test binary waits
pub use process::wait_until;

pub mod books;
pub mod counter;
pub mod keys;
pub mod members;
pub mod process;

/// `codes` scanned, paid by WeChat Pay at once, then the receipt scanned back a minute later and
/// found paid at the platform (nothing refunded): the lookup screen, and the order as paid.
pub fn paid_by_wechat_and_looked_up(lang: Lang, codes: &[&str]) -> (Till, till::core::order::Order) {
    use till::core::{LookupVerdict, PlatformOrder, PlatformOrderState, Verdict};
    let mut till = Till::new(lang);
    for (i, code) in codes.iter().enumerate() {
        till.send_at(1 + i as i64, Msg::Scan((*code).into()));
    }
    let n = codes.len() as i64;
    till.send_at(n + 1, Msg::Key(Key::Enter));
    till.send_at(n + 2, Msg::Scan(WECHAT_CODE.into()));
    let no = till.state.sale.attempts.last().map(|a| a.out_trade_no.clone()).expect("attempt");
    let paid = Verdict::Paid { transaction_id: "4200".into() };
    till.send_at(n + 3, Msg::PayAnswer { out_trade_no: no.clone(), verdict: paid });
    let order = till.state.sale.clone();
    till.send_at(60, Msg::Scan(no.clone()));
    let found = LookupVerdict::Found(PlatformOrder {
        out_trade_no: no.clone(),
        platform: till::core::code::Platform::WeChat,
        state: PlatformOrderState::Paid,
        transaction_id: "4200".into(),
        total: order.total(),
        refunded: Fen::ZERO,
    });
    till.send_at(61, Msg::LookupAnswer { number: no, local: Some(Box::new(order.clone())), verdict: found });
    (till, order)
}
