//! The one table of keys per screen: the hint line at the bottom and the help screen (`?`) are both
//! drawn from [`for_state`], so they list the same keys, in the same words. Each entry names the
//! real [`Key`]s it stands for, so a test can press them and see the core act on that screen.
//!
//! Entries come most important first: the hint line shows as many as fit whole, then always the
//! help key; the help screen lists them all.

use unicode_width::UnicodeWidthStr;

use crate::core::intent::{Intent, On};
use crate::core::maintenance::Page;
use crate::core::maintenance::import::ImportStep;
use crate::core::maintenance::upgrade::UpgradeStep;
use crate::core::office::ShiftStep;
use crate::core::office::View;
use crate::core::office::report::ReportKind;
use crate::core::order::OrderStatus;
use crate::core::refund::cash_to_refund;
use crate::core::screens::{self, Base, Modal, Top};
use crate::core::stored_value::refundable as sv_refundable;
use crate::core::{Key, Lang, PlatformOrderState, Screen, State, help};
use crate::i18n::discount::{DiscountText as DT, discount_text};
use crate::i18n::held::{HeldText as HT, held_text};
use crate::i18n::help::{HelpText as H, help_text};
use crate::i18n::members::{MemberText as MT, member_text};
use crate::i18n::no_receipt::{ReturnText as RT, return_text};
use crate::i18n::staff::{self, StaffText as S};
use crate::i18n::stored_value::SvText as SV;
use crate::i18n::{self, OfficeText as O, Text as T};

/// A label from one of the translation tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Main(T),
    Office(O),
    Staff(S),
    Help(H),
    Qr(crate::i18n::qr::QrText),
    Held(HT),
    Return(RT),
    Stock(crate::i18n::stocktake::StockText),
    Discount(DT),
    Exchange(crate::i18n::exchange::ExchangeText),
    Member(MT),
    Promo(crate::i18n::promotions::PromoText),
    StoredValue(crate::i18n::stored_value::SvText),
    Points(crate::i18n::points::PointsText),
}

impl Label {
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Label::Main(t) => i18n::text(lang, t),
            Label::Office(t) => i18n::office_text(lang, t),
            Label::Staff(t) => staff::text(lang, t),
            Label::Help(t) => help_text(lang, t),
            Label::Qr(t) => crate::i18n::qr::qr_text(lang, t),
            Label::Held(t) => held_text(lang, t),
            Label::Return(t) => return_text(lang, t),
            Label::Stock(t) => crate::i18n::stocktake::stock_text(lang, t),
            Label::Discount(t) => discount_text(lang, t),
            Label::Exchange(t) => crate::i18n::exchange::exchange_text(lang, t),
            Label::Member(t) => member_text(lang, t),
            Label::Promo(t) => crate::i18n::promotions::promo_text(lang, t),
            Label::StoredValue(t) => crate::i18n::stored_value::sv_text(lang, t),
            Label::Points(t) => crate::i18n::points::points_text(lang, t),
        }
    }
}

/// One line of the table: the keys, their cap and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHelp {
    /// The keys this line stands for (any one of them does it; "any key" lists one).
    pub keys: Vec<Key>,
    pub cap: Label,
    pub does: Label,
    /// The key acts on what has been typed (Enter after a number or PIN): with nothing typed it
    /// waits for it.
    pub after_typing: bool,
    /// A few more words for the help screen.
    pub detail: Option<Label>,
}

fn k(keys: &[Key], cap: Label, does: Label) -> KeyHelp {
    KeyHelp { keys: keys.to_vec(), cap, does, after_typing: false, detail: detail(does) }
}

/// Enter that takes what is typed.
fn enter_typed(cap: Label, does: Label) -> KeyHelp {
    KeyHelp { after_typing: true, ..k(&[Key::Enter], cap, does) }
}

fn staff_enter() -> KeyHelp {
    enter_typed(Label::Staff(S::KeyEnter), Label::Staff(S::HintConfirm))
}

const DIGITS: &[Key] = &[Key::Char('1')];
const UP_DOWN: &[Key] = &[Key::Down, Key::Up];

/// The keys of the screen up now, most important first; the help key last when `?` opens it.
pub fn for_state(state: &State) -> Vec<KeyHelp> {
    if state.help {
        return vec![k(&[Key::Esc, Key::Char('?')], Label::Help(H::KeyClose), Label::Help(H::HintClose))];
    }
    if !state.ready || state.auth.checking.is_some() {
        return Vec::new();
    }
    let mut keys = screen_keys(state);
    if help::available(state) {
        keys.push(help_key());
    }
    keys
}

/// The help screen's longer words on what a key does, where its hint is terse.
fn detail(does: Label) -> Option<Label> {
    let d = match does {
        Label::Main(T::HintLookup) => H::DetailLookup,
        Label::Office(O::HintShift) => H::DetailShift,
        Label::Office(O::HintReports) => H::DetailReports,
        Label::Office(O::HintJournal) => H::DetailJournal,
        Label::Office(O::HintSummary) => H::DetailSummary,
        Label::Staff(S::HintSignOut) => H::DetailSignOut,
        Label::Main(T::HintLowStock) => H::DetailLowStock,
        Label::Staff(S::HintMaintenance) => H::DetailMaintenance,
        Label::Help(H::HintChangePin) => H::DetailChangePin,
        Label::Main(T::HintQty) => H::DetailQty,
        Label::Main(T::HintSetQty) => H::DetailSetQty,
        Label::Main(T::HintDelete) => H::DetailDelete,
        Label::Main(T::HintTotal) => H::DetailTotal,
        Label::Main(T::HintCash) => H::DetailCash,
        Label::Staff(S::HintRole) => H::DetailRole,
        Label::Staff(S::HintResetPin) => H::DetailResetPin,
        Label::Staff(S::HintDisable) => H::DetailDisable,
        Label::Main(T::HintPark) => H::DetailPark,
        Label::Office(O::HintCashUp) => H::DetailCashUp,
        Label::Office(O::HintCloseDay) => H::DetailCloseDay,
        Label::Office(O::HintFilter) => H::DetailFilter,
        Label::Main(T::HintCashRefund) => H::DetailCashRefund,
        _ => return None,
    };
    Some(Label::Help(d))
}

pub fn help_key() -> KeyHelp {
    k(&[Key::Char('?')], Label::Help(H::KeyHelp), Label::Help(H::HintHelp))
}

fn staff_keys(list: &[(&[Key], S, S)]) -> Vec<KeyHelp> {
    list.iter().map(|(keys, cap, does)| k(keys, Label::Staff(*cap), Label::Staff(*does))).collect()
}

fn main_keys(list: &[(&[Key], T, T)]) -> Vec<KeyHelp> {
    list.iter().map(|(keys, cap, does)| k(keys, Label::Main(*cap), Label::Main(*does))).collect()
}

fn office_keys(list: &[(&[Key], O, O)]) -> Vec<KeyHelp> {
    list.iter().map(|(keys, cap, does)| k(keys, Label::Office(*cap), Label::Office(*does))).collect()
}

/// The keys the core's key map gives `intent` on `on`: the hint and the help follow the map.
fn act(state: &State, on: On, intent: Intent, cap: Label, does: Label) -> KeyHelp {
    KeyHelp { keys: state.keymap.keys(on, &intent), ..k(&[], cap, does) }
}

/// An intent of the sale screen with the main table's words.
fn main_act(state: &State, intent: Intent, cap: T, does: T) -> KeyHelp {
    act(state, On::Sale, intent, Label::Main(cap), Label::Main(does))
}

fn digits(does: H) -> KeyHelp {
    k(DIGITS, Label::Help(H::KeyDigits), Label::Help(does))
}

/// The keys of the screen on top of the core's stack, the one the core routes keys to.
fn screen_keys(state: &State) -> Vec<KeyHelp> {
    match screens::stack(state).top() {
        Top::Modal(Modal::Help) => Vec::new(), // drawn by `for_state`
        Top::Modal(Modal::SupervisorPrompt | Modal::PinChange) => {
            let mut keys = vec![staff_enter()];
            keys.extend(staff_keys(&[(&[Key::Esc], S::KeyEsc, S::HintCancel)]));
            keys.push(digits(H::HintTypePin));
            keys
        }
        Top::Modal(Modal::Audit) => {
            staff_keys(&[(UP_DOWN, S::KeyUpDown, S::HintScroll), (&[Key::Esc], S::KeyEsc, S::HintBack)])
        }
        Top::Modal(Modal::Operators) => operators_keys(state),
        Top::Modal(Modal::HeldSales) => held_keys(state),
        Top::Modal(Modal::NoReceiptReturn) => return_keys(state),
        Top::Modal(Modal::StockSheet) => sheet_keys(state),
        Top::Modal(Modal::DiscountEntry) => discount_keys(state),
        Top::Modal(Modal::Member) => member_keys(state),
        Top::Modal(Modal::StoredValuePin) => stored_value_pin_keys(state),
        Top::Modal(Modal::MemberForm) => member_form_keys(),
        Top::Modal(Modal::Maintenance) => maintenance_keys(state),
        Top::Modal(Modal::Qr) => qr_keys(state),
        Top::Base(Base::SignIn) => sign_in_keys(state),
        Top::Base(Base::Till) => till_keys(state),
    }
}

/// The member box: Enter uses the member found, Esc closes.
fn member_keys(state: &State) -> Vec<KeyHelp> {
    let member = |keys: &[Key], cap, does| k(keys, cap, Label::Member(does));
    let mut keys = Vec::new();
    let view = state.members.view.as_ref();
    if view.is_some_and(|v| v.found.is_some()) {
        keys.push(member(&[Key::Enter], Label::Main(T::KeyEnter), MT::HintAttach));
        keys.push(member(&[Key::F(2)], Label::Main(T::KeyF2), MT::HintEdit));
    } else if view.is_some_and(|v| v.missing) {
        keys.push(member(&[Key::F(2)], Label::Main(T::KeyF2), MT::HintNew));
    }
    keys.push(member(&[Key::Esc], Label::Main(T::KeyEsc), MT::HintClose));
    keys
}

/// The member PIN box: Enter checks the PIN, Esc gives the spend up.
fn stored_value_pin_keys(state: &State) -> Vec<KeyHelp> {
    let sv = |keys: &[Key], cap, does| k(keys, cap, Label::StoredValue(does));
    let esc = if state.stored_value.new_pin.is_some() { SV::HintSkip } else { SV::HintCancel };
    vec![sv(&[Key::Enter], Label::Main(T::KeyEnter), SV::HintCheck), sv(&[Key::Esc], Label::Main(T::KeyEsc), esc)]
}

/// The member form: Up/Down move between fields, Enter saves, Esc closes.
fn member_form_keys() -> Vec<KeyHelp> {
    let member = |keys: &[Key], cap, does| k(keys, cap, Label::Member(does));
    vec![
        member(UP_DOWN, Label::Main(T::KeyUpDown), MT::HintField),
        member(&[Key::Enter], Label::Main(T::KeyEnter), MT::HintSave),
        member(&[Key::Esc], Label::Main(T::KeyEsc), MT::HintClose),
    ]
}

/// The held sales' list: Enter takes one back, Del discards an old one, Esc closes.
fn held_keys(state: &State) -> Vec<KeyHelp> {
    let held = |keys: &[Key], cap, does| k(keys, cap, Label::Held(does));
    let mut keys = vec![held(&[Key::Enter], Label::Main(T::KeyEnter), HT::HintResume)];
    if state.held.sales.iter().any(|o| state.held.is_old(o, state.now)) {
        keys.push(held(&[Key::Delete], Label::Main(T::KeyDel), HT::HintDiscard));
    }
    keys.push(held(&[Key::Esc], Label::Main(T::KeyEsc), HT::HintClose));
    if state.held.sales.len() > 1 {
        keys.push(k(UP_DOWN, Label::Main(T::KeyUpDown), Label::Main(T::HintSelect)));
    }
    keys.push(held(DIGITS, Label::Held(HT::KeyDigits), HT::HintTypeNumber));
    keys
}

/// The return without a receipt: Enter adds what is typed, or asks the supervisor; F2 the reason.
fn return_keys(state: &State) -> Vec<KeyHelp> {
    let ret = |keys: &[Key], cap, does| k(keys, cap, Label::Return(does));
    let typed = !state.input.is_empty();
    let goods = state.no_receipt.as_ref().is_some_and(|f| !f.lines.is_empty());
    let mut keys = Vec::new();
    if typed || goods {
        let does = if typed { RT::HintAdd } else { RT::HintConfirm };
        keys.push(ret(&[Key::Enter], Label::Main(T::KeyEnter), does));
    }
    keys.push(ret(&[Key::F(2)], Label::Main(T::KeyF2), RT::HintReason));
    if goods && !typed && state.sale.lines.is_empty() && state.sale.exchange.is_none() {
        use crate::i18n::exchange::ExchangeText as X;
        keys.push(k(&[Key::F(4)], Label::Main(T::KeyF4), Label::Exchange(X::HintExchange)));
    }
    if goods {
        keys.push(ret(&[Key::Char('+'), Key::Char('-')], Label::Main(T::KeyPlusMinus), RT::HintQty));
        keys.push(ret(&[Key::Delete], Label::Main(T::KeyDel), RT::HintRemove));
    }
    // ↑↓ move between lines: listed only with two or more.
    if state.no_receipt.as_ref().is_some_and(|f| f.lines.len() > 1) {
        keys.push(k(UP_DOWN, Label::Main(T::KeyUpDown), Label::Main(T::HintSelect)));
    }
    keys.push(ret(&[Key::Esc], Label::Main(T::KeyEsc), RT::HintClose));
    keys.push(digits(H::HintTypeCode));
    keys
}

/// A goods-in or stock-count sheet: Enter adds what is typed, or applies the sheet.
fn sheet_keys(state: &State) -> Vec<KeyHelp> {
    use crate::i18n::stocktake::StockText as ST;
    let st = |keys: &[Key], cap, does| k(keys, cap, Label::Stock(does));
    let goods = state.stock_sheet.as_ref().is_some_and(|s| !s.lines.is_empty());
    let mut keys = Vec::new();
    if state.stock_sheet.as_ref().is_some_and(|s| s.typing.is_some()) {
        // Typing the supplier or the note: Enter (or Esc) ends it.
        keys.push(st(&[Key::Enter, Key::Esc], Label::Main(T::KeyEnter), ST::HintDoneTyping));
        return keys;
    }
    match state.stock_sheet.as_ref() {
        Some(s) if s.is_count() && s.lines.is_empty() => {
            keys.push(st(&[Key::F(3)], Label::Main(T::KeyF3), ST::HintScope));
        }
        Some(s) if !s.is_count() && s.lines.is_empty() => {
            keys.push(st(&[Key::F(3)], Label::Main(T::KeyF3), ST::HintSupplier));
            keys.push(st(&[Key::F(4)], Label::Main(T::KeyF4), ST::HintNote));
        }
        _ => {}
    }
    if !state.input.is_empty() || goods {
        let does = if state.input.is_empty() { ST::HintApply } else { ST::HintAdd };
        keys.push(st(&[Key::Enter], Label::Main(T::KeyEnter), does));
    }
    if goods {
        keys.push(st(&[Key::Char('+'), Key::Char('-')], Label::Main(T::KeyPlusMinus), ST::HintQty));
        keys.push(st(&[Key::Delete], Label::Main(T::KeyDel), ST::HintRemove));
        keys.push(k(UP_DOWN, Label::Main(T::KeyUpDown), Label::Main(T::HintSelect)));
    }
    keys.push(st(&[Key::F(2)], Label::Main(T::KeyF2), ST::HintPark));
    keys.push(st(&[Key::Esc], Label::Main(T::KeyEsc), ST::HintClose));
    keys.push(digits(H::HintTypeCode));
    keys
}

/// The discount entry: Enter gives it once a value is typed; F2 item or sale, F3 the kind, F4 the reason.
fn discount_keys(state: &State) -> Vec<KeyHelp> {
    let d = |keys: &[Key], cap, does| k(keys, cap, Label::Discount(does));
    let mut keys = Vec::new();
    if state.discount_entry.as_ref().is_some_and(|f| !f.value.is_empty()) {
        keys.push(d(&[Key::Enter], Label::Main(T::KeyEnter), DT::HintGive));
    }
    keys.push(d(&[Key::F(2)], Label::Main(T::KeyF2), DT::HintOn));
    keys.push(d(&[Key::F(3)], Label::Main(T::KeyF3), DT::HintKind));
    keys.push(d(&[Key::F(4)], Label::Main(T::KeyF4), DT::HintReason));
    keys.push(d(&[Key::Esc], Label::Main(T::KeyEsc), DT::HintClose));
    keys.push(d(DIGITS, Label::Discount(DT::KeyDigits), DT::HintTypeValue));
    keys
}

fn operators_keys(state: &State) -> Vec<KeyHelp> {
    let Some(view) = &state.auth.admin else { return Vec::new() };
    match &view.form {
        Some(form) => {
            let mut keys = vec![staff_enter()];
            keys.extend(staff_keys(&[(&[Key::Esc], S::KeyEsc, S::HintCancel)]));
            if form.is_pin() {
                keys.push(digits(H::HintTypePin));
            }
            keys
        }
        None => {
            let mut keys = staff_keys(&[
                (&[Key::Char('a')], S::KeyA, S::HintAdd),
                (&[Key::Char('n')], S::KeyN, S::HintRename),
                (&[Key::Char('r')], S::KeyR, S::HintRole),
                (&[Key::Char('p')], S::KeyP, S::HintResetPin),
                (&[Key::Char('d')], S::KeyD, S::HintDisable),
                (&[Key::Esc], S::KeyEsc, S::HintBack),
                (&[Key::Char('s')], S::KeyS, S::HintStaffId),
            ]);
            keys.push(k(UP_DOWN, Label::Staff(S::KeyUpDown), Label::Help(H::HintSelect)));
            keys
        }
    }
}

fn maintenance_keys(state: &State) -> Vec<KeyHelp> {
    let Some(m) = &state.maintenance else { return Vec::new() };
    match m.page {
        Page::Menu => {
            let mut keys = staff_keys(&[
                (UP_DOWN, S::KeyUpDown, S::HintChoose),
                (&[Key::Enter], S::KeyEnter, S::HintConfirm),
                (&[Key::Esc], S::KeyEsc, S::HintBack),
            ]);
            keys.push(k(&[Key::Char('2')], Label::Help(H::KeyDigitsMenu), Label::Help(H::HintChooseByNumber)));
            keys
        }
        Page::Confirm(_) => {
            staff_keys(&[(&[Key::Enter], S::KeyEnter, S::HintConfirm), (&[Key::Esc], S::KeyEsc, S::HintBack)])
        }
        Page::Export => {
            let mut keys = vec![staff_enter()];
            keys.extend(staff_keys(&[(&[Key::Esc], S::KeyEsc, S::HintBack)]));
            keys
        }
        Page::Import => import_keys(&m.import.step, m.import.files.is_empty()),
        Page::Upgrade => upgrade_keys(&m.upgrade.step),
        _ => staff_keys(&[(&[Key::Esc], S::KeyEsc, S::HintBack)]),
    }
}

fn sign_in_keys(state: &State) -> Vec<KeyHelp> {
    let auth = &state.auth;
    let mut keys = vec![staff_enter()];
    keys.extend(staff_keys(&[(&[Key::Esc], S::KeyEsc, S::HintBack)]));
    keys.push(act(
        state,
        On::SignIn,
        Intent::OpenMaintenance,
        Label::Staff(S::KeyF12),
        Label::Staff(S::HintMaintenance),
    ));
    use crate::core::auth::SignInStep;
    if matches!(auth.signin.step, SignInStep::Number | SignInStep::Pin) {
        keys.push(k(&[Key::F(4)], Label::Help(H::KeyF4), Label::Help(H::HintChangePin)));
    }
    let typing = if auth.signin.step == SignInStep::Number { H::HintTypeNumber } else { H::HintTypePin };
    keys.push(digits(typing));
    keys
}

fn till_keys(state: &State) -> Vec<KeyHelp> {
    match &state.screen {
        Screen::Office => office(state),
        Screen::Sale => sale(state),
        Screen::Pay { cash_entry: true } => {
            let mut keys =
                main_keys(&[(&[Key::Enter], T::KeyEnter, T::HintConfirmCash), (&[Key::Esc], T::KeyEsc, T::HintBack)]);
            keys.push(k(DIGITS, Label::Help(H::KeyDigitsDot), Label::Help(H::HintTypeAmount)));
            keys
        }
        Screen::Pay { cash_entry: false } => pay(state),
        Screen::Done { .. } => main_keys(&[(&[Key::Enter], T::KeyAny, T::HintNextSale)]),
        Screen::Lookup => lookup(state),
        Screen::PriceEntry(_) => {
            let mut keys =
                main_keys(&[(&[Key::Enter], T::KeyEnter, T::HintAddItem), (&[Key::Esc], T::KeyEsc, T::HintBack)]);
            keys.push(k(DIGITS, Label::Help(H::KeyDigitsDot), Label::Help(H::HintTypeAmount)));
            keys
        }
        Screen::Promotions => main_keys(&[(&[Key::Esc], T::KeyAny, T::HintBack)]),
        Screen::LowStock => {
            use crate::i18n::stocktake::StockText as ST;
            let mut keys = main_keys(&[(&[Key::Esc], T::KeyAny, T::HintBack)]);
            let goods_in = Intent::GoodsIn { supplier: String::new(), note: String::new() };
            keys.push(act(state, On::Other, goods_in, Label::Stock(ST::KeyF5), Label::Stock(ST::HintGoodsIn)));
            keys.push(act(state, On::Other, Intent::StockCount, Label::Stock(ST::KeyF6), Label::Stock(ST::HintCount)));
            keys
        }
        Screen::Confirm(_) => {
            main_keys(&[(&[Key::Enter], T::KeyEnter, T::HintConfirmPin), (&[Key::Esc], T::KeyEsc, T::HintCancelConfig)])
        }
    }
}

/// The catalogue import page (`ui::maintenance::usb`): nothing while the till reads or writes.
fn import_keys(step: &ImportStep, no_files: bool) -> Vec<KeyHelp> {
    let back = (&[Key::Esc][..], S::KeyEsc, S::HintBack);
    match step {
        ImportStep::Checking | ImportStep::Applying(_) => Vec::new(),
        ImportStep::Choosing if !no_files => {
            staff_keys(&[(UP_DOWN, S::KeyUpDown, S::HintChoose), (&[Key::Enter], S::KeyEnter, S::HintConfirm), back])
        }
        ImportStep::Ready(_) => staff_keys(&[(&[Key::Enter], S::KeyEnter, S::HintConfirm), back]),
        _ => staff_keys(&[back]),
    }
}

/// The upgrade page: Enter to install (a second Enter overrides waiting work), nothing while it runs.
fn upgrade_keys(step: &UpgradeStep) -> Vec<KeyHelp> {
    let back = (&[Key::Esc][..], S::KeyEsc, S::HintBack);
    match step {
        UpgradeStep::Running { .. } | UpgradeStep::Installed { .. } => Vec::new(),
        UpgradeStep::Ready(_) | UpgradeStep::Blocked { .. } => {
            staff_keys(&[(&[Key::Enter], S::KeyEnter, S::HintConfirm), back])
        }
        _ => staff_keys(&[back]),
    }
}

fn sale(state: &State) -> Vec<KeyHelp> {
    let typed = !state.input.is_empty();
    let mut keys = Vec::new();
    if state.sale.lines.is_empty() {
        keys.push(main_act(state, Intent::Lookup, T::KeyF3, T::HintLookup));
        if state.sale.member.is_some() {
            keys.push(sv_act(state, On::Sale, Intent::TopUp { amount: String::new() }, SV::KeyDollar, SV::HintTopUp));
        }
        // Held sales waiting: taking one back is the counter's next most frequent key.
        if !typed && !state.held.sales.is_empty() {
            keys.push(hold_key(state, HT::HintHeldList));
        }
        if typed {
            keys.push(k(&[Key::Enter], Label::Main(T::KeyEnter), Label::Help(H::HintAddCode)));
            keys.push(k(&[Key::Esc], Label::Main(T::KeyEsc), Label::Help(H::HintClear)));
        }
        let office = |intent, cap, does| act(state, On::Sale, intent, Label::Office(cap), Label::Office(does));
        keys.push(office(Intent::OpenShift, O::KeyF5, O::HintShift));
        keys.push(office(Intent::OpenReport, O::KeyF6, O::HintReports));
        keys.push(office(Intent::OpenJournal, O::KeyF7, O::HintJournal));
        keys.push(office(Intent::OpenSummary, O::KeyF8, O::HintSummary));
        let staff = |intent, cap, does| act(state, On::Sale, intent, Label::Staff(cap), Label::Staff(does));
        if !typed {
            keys.push(staff(Intent::SignOut, S::KeyF9, S::HintSignOut));
        }
        keys.push(main_act(state, Intent::LowStock, T::KeyF11, T::HintLowStock));
        if !typed {
            keys.push(staff(Intent::OpenMaintenance, S::KeyF12, S::HintMaintenance));
            keys.push(act(state, On::Sale, Intent::ChangePin, Label::Help(H::KeyF4), Label::Help(H::HintChangePin)));
            keys.push(promotions_key(state));
        }
        keys.push(digits(H::HintTypeCode));
        return keys;
    }
    let busy = state.sale.open_attempt().is_some() || state.sale.has_paid_parts();
    keys.extend(main_keys(&[(&[Key::Enter], T::KeyEnter, T::HintTotal)]));
    if typed {
        keys.push(k(&[Key::Esc], Label::Main(T::KeyEsc), Label::Help(H::HintClear)));
    }
    if !busy {
        keys.push(main_act(state, Intent::PayCash, T::KeyF2, T::HintCash));
        keys.extend(main_keys(&[
            (&[Key::Char('+'), Key::Char('-')], T::KeyPlusMinus, T::HintQty),
            (&[Key::Char('*')], T::KeySetQty, T::HintSetQty),
        ]));
        // `/` and `%` before Del: at 80 columns they fit on the hint line (Del is a labelled key,
        // and stays in the help).
        keys.push(hold_key(state, HT::HintHold));
        keys.push(act(
            state,
            On::Sale,
            Intent::OpenDiscount,
            Label::Discount(DT::KeyPercent),
            Label::Discount(DT::HintOpen),
        ));
        keys.extend(main_keys(&[(&[Key::Delete], T::KeyDel, T::HintDelete)]));
    }
    // `&`: the selected item for the member's points (积分兑换), when they have enough.
    if !typed && crate::core::points_tender::line_redeemable(state).is_some() {
        use crate::i18n::points::PointsText as P;
        keys.push(act(state, On::Sale, Intent::RedeemLine, Label::Points(P::KeyAmp), Label::Points(P::HintRedeemLine)));
    }
    keys.extend(main_keys(&[(UP_DOWN, T::KeyUpDown, T::HintSelect)]));
    if !busy && !typed {
        keys.push(promotions_key(state));
    }
    keys.push(digits(H::HintTypeCode));
    keys
}

/// A stored-value (储值) intent with its words.
fn sv_act(state: &State, on: On, intent: Intent, cap: SV, does: SV) -> KeyHelp {
    act(state, on, intent, Label::StoredValue(cap), Label::StoredValue(does))
}

/// `#`: the promotion list.
fn promotions_key(state: &State) -> KeyHelp {
    use crate::i18n::promotions::PromoText as P;
    act(state, On::Sale, Intent::Promotions, Label::Promo(P::KeyHash), Label::Promo(P::HintOpen))
}

/// `/` (or the shop's key): 挂单 with a cart, 取单 on an empty sale.
fn hold_key(state: &State, does: HT) -> KeyHelp {
    act(state, On::Sale, Intent::Hold { note: None }, Label::Held(HT::KeySlash), Label::Held(does))
}

/// F7 on the lookup screen: a return without a receipt.
fn no_receipt_key(state: &State) -> KeyHelp {
    act(state, On::Lookup, Intent::ReturnNoReceipt, Label::Return(RT::KeyF7), Label::Return(RT::HintOpen))
}

fn pay(state: &State) -> Vec<KeyHelp> {
    let total = state.sale.total();
    if let Some(a) = state.sale.open_attempt() {
        // Only a payment of the whole order may be confirmed in the background.
        return if a.amount >= total { main_keys(&[(&[Key::Esc], T::KeyEsc, T::HintPark)]) } else { Vec::new() };
    }
    let mut keys = Vec::new();
    if !state.input.is_empty() {
        keys.push(k(&[Key::Enter], Label::Main(T::KeyEnter), Label::Help(H::HintPartAmount)));
    }
    keys.extend(main_keys(&[(&[Key::Char('c'), Key::F(2)], T::KeyCash, T::HintCash)]));
    if state.sale.member.is_some() && state.sale.top_up.is_none() {
        let spend = Intent::PayStoredValue { amount: String::new() };
        keys.push(sv_act(state, On::Pay, spend, SV::KeyF5, SV::HintPay));
    }
    if crate::core::points_tender::can_pay(state) {
        use crate::i18n::points::PointsText as P;
        let points = Intent::PayPoints { amount: String::new() };
        keys.push(act(state, On::Pay, points, Label::Points(P::KeyF8), Label::Points(P::HintPay)));
    }
    if state.qr_settings.offered {
        use crate::i18n::qr::QrText as Q;
        keys.push(act(state, On::Pay, Intent::ShowQr, Label::Qr(Q::KeyF7), Label::Qr(Q::HintShowQr)));
    }
    if !state.input.is_empty() {
        keys.push(k(&[Key::Esc], Label::Main(T::KeyEsc), Label::Help(H::HintClear)));
    } else if state.part_amount.is_some() || !state.sale.has_paid_parts() {
        keys.extend(main_keys(&[(&[Key::Esc], T::KeyEsc, T::HintBack)]));
    }
    keys.push(k(DIGITS, Label::Help(H::KeyDigitsDot), Label::Help(H::HintPartAmount)));
    keys
}

/// The QR screen: the wallets, then Esc (cancel a waiting QR, or leave a settled one).
fn qr_keys(state: &State) -> Vec<KeyHelp> {
    use crate::core::qr::{QrStage, QrView};
    use crate::i18n::qr::QrText as Q;
    let qr = |keys: &[Key], cap: Q, does: Q| k(keys, Label::Qr(cap), Label::Qr(does));
    match &state.qr {
        Some(QrView::Choose) => vec![
            qr(&[Key::Char('1')], Q::KeyWallet1, Q::HintWeChat),
            qr(&[Key::Char('2')], Q::KeyWallet2, Q::HintAlipay),
            k(&[Key::Esc], Label::Main(T::KeyEsc), Label::Qr(Q::HintClose)),
        ],
        Some(QrView::Shown { out_trade_no }) => match crate::core::qr::stage(state, out_trade_no).map(|(_, s)| s) {
            Some(QrStage::Waiting { .. }) => vec![
                k(&[Key::Esc], Label::Main(T::KeyEsc), Label::Qr(Q::HintCancelQr)),
                qr(&[Key::Char('p')], Q::KeyP, Q::HintPrint),
            ],
            Some(QrStage::Requesting) => vec![k(&[Key::Esc], Label::Main(T::KeyEsc), Label::Qr(Q::HintCancelQr))],
            Some(QrStage::Closing) => Vec::new(),
            _ => vec![k(&[Key::Esc, Key::Enter], Label::Main(T::KeyEsc), Label::Qr(Q::HintClose))],
        },
        None => Vec::new(),
    }
}

fn lookup(state: &State) -> Vec<KeyHelp> {
    let back = || k(&[Key::Esc], Label::Main(T::KeyEsc), Label::Main(T::HintBack));
    let reprint = || act(state, On::Lookup, Intent::Reprint, Label::Main(T::KeyF4), Label::Main(T::HintReprint));
    let cash_refund =
        || act(state, On::Lookup, Intent::CashRefund, Label::Main(T::KeyF6), Label::Main(T::HintCashRefund));
    let Some(view) = &state.lookup else {
        let mut keys = Vec::new();
        if !state.input.is_empty() {
            keys.push(k(&[Key::Enter], Label::Main(T::KeyEnter), Label::Help(H::HintLookUp)));
        }
        if state.input.is_empty() {
            keys.push(no_receipt_key(state));
        }
        keys.push(back());
        keys.push(digits(H::HintTypeOrderNo));
        return keys;
    };
    let cash = !view.pending && view.order.as_ref().is_some_and(|o| !cash_to_refund(o).is_zero());
    // Stored value the order spent and not yet given back: F5 returns it to the balance.
    let sv_back = !view.pending
        && view.order.as_ref().is_some_and(|o| {
            o.status == OrderStatus::Paid
                && (!sv_refundable(o).is_zero() || crate::core::points_tender::points_left(o) > 0)
        });
    let give_back = || {
        let back = Intent::RefundStoredValue { amount: String::new() };
        sv_act(state, On::Lookup, back, SV::KeyF5, SV::HintGiveBack)
    };
    // Goods to choose (core::returns): the line (↑↓ only with two or more lines to move between),
    // its quantity, a number then `*`.
    let lines = view.order.as_ref().map_or(0, |o| o.lines.len());
    let goods: &[(&[Key], T, T)] = match view.can_choose() {
        true if lines > 1 => &[
            (UP_DOWN, T::KeyUpDown, T::HintSelect),
            (&[Key::Char('+'), Key::Char('-')], T::KeyPlusMinus, T::HintQty),
            (&[Key::Char('*')], T::KeySetQty, T::HintSetQty),
        ],
        true => &[
            (&[Key::Char('+'), Key::Char('-')], T::KeyPlusMinus, T::HintQty),
            (&[Key::Char('*')], T::KeySetQty, T::HintSetQty),
        ],
        false => &[],
    };
    if view.refundable().is_zero() || view.open_refund().is_some() {
        let paid = view.found().is_some_and(|f| f.state == PlatformOrderState::Paid);
        let first: Vec<KeyHelp> = if sv_back { vec![give_back()] } else { Vec::new() };
        return if cash && view.open_refund().is_none() {
            [first, vec![cash_refund()], main_keys(goods), vec![back()]].concat()
        } else if paid {
            [first, vec![reprint(), back()]].concat()
        } else {
            [first, vec![back()]].concat()
        };
    }
    let mut keys = main_keys(&[(&[Key::Enter][..], T::KeyEnter, T::HintRefund)]);
    if cash {
        keys.push(cash_refund());
    }
    if sv_back {
        keys.push(give_back());
    }
    keys.extend(main_keys(goods));
    if !goods.is_empty() {
        use crate::i18n::exchange::ExchangeText as X;
        keys.push(act(
            state,
            On::Lookup,
            Intent::Exchange,
            Label::Office(O::KeyF8),
            Label::Exchange(X::HintReceiptExchange),
        ));
    }
    // With goods to choose Esc comes before F4, which the hint line may then leave to the help.
    if goods.is_empty() {
        keys.extend([reprint(), back()]);
    } else {
        keys.extend([back(), reprint()]);
    }
    keys.push(k(DIGITS, Label::Help(H::KeyDigitsDot), Label::Help(H::HintTypeAmount)));
    keys
}

fn office(state: &State) -> Vec<KeyHelp> {
    let enter = (&[Key::Enter][..], O::KeyEnter, O::HintConfirm);
    let back = (&[Key::Esc][..], O::KeyEsc, O::HintBack);
    let amount = || k(DIGITS, Label::Help(H::KeyDigitsDot), Label::Help(H::HintTypeAmount));
    match &state.office.view {
        Some(View::Shift(v)) => match v.step {
            ShiftStep::Overview if state.office.shift.is_some() => office_keys(&[
                (&[Key::F(1)], O::KeyF1, O::HintPayIn),
                (&[Key::F(2)], O::KeyF2, O::HintPayOut),
                (&[Key::F(3)], O::KeyF3, O::HintCashUp),
                back,
            ]),
            ShiftStep::Float => {
                let mut keys = office_keys(&[(&[Key::Enter], O::KeyEnter, O::HintOpenShift), back]);
                keys.push(amount());
                keys
            }
            ShiftStep::Amount(_) | ShiftStep::Count => {
                let mut keys = office_keys(&[enter, back]);
                keys.push(amount());
                keys
            }
            _ => office_keys(&[enter, back]),
        },
        Some(View::Report(v)) if v.report.as_ref().is_some_and(|r| r.kind != ReportKind::X) => {
            office_keys(&[(&[Key::F(4)], O::KeyF4, O::HintPrint), back])
        }
        Some(View::Report(v)) if v.report.is_none() => office_keys(&[back]),
        Some(View::Report(_)) => {
            office_keys(&[(&[Key::F(4)], O::KeyF4, O::HintPrint), (&[Key::F(7)], O::KeyF7, O::HintCloseDay), back])
        }
        Some(View::Journal(v)) if v.detail => office_keys(&[(&[Key::F(4)], O::KeyF4, O::HintReprint), back]),
        Some(View::Journal(v)) => {
            let mut keys = Vec::new();
            if !v.visible().is_empty() {
                keys.extend(office_keys(&[
                    (&[Key::Enter], O::KeyEnter, O::HintDetail),
                    (&[Key::F(4)], O::KeyF4, O::HintReprint),
                ]));
            }
            keys.extend(office_keys(&[
                (&[Key::Char('-'), Key::Char('+')], O::KeyMinusPlus, O::HintDay),
                (&[Key::F(5), Key::F(6), Key::F(7)], O::KeyF5F7, O::HintFilter),
                back,
            ]));
            if v.visible().len() > 1 {
                keys.extend(office_keys(&[(UP_DOWN, O::KeyUpDown, O::HintSelect)]));
            }
            keys
        }
        Some(View::Summary(_)) => {
            let mut keys = Vec::new();
            if !state.input.is_empty() {
                keys.extend(office_keys(&[(&[Key::Enter], O::KeyEnter, O::RangePrompt)]));
            }
            keys.extend(office_keys(&[
                (&[Key::Char('-'), Key::Char('+')], O::KeyMinusPlus, O::HintRange),
                (&[Key::F(1)], O::KeyF1, O::HintToday),
                (&[Key::F(2)], O::KeyF2, O::HintExport),
                back,
            ]));
            keys.push(k(&[Key::Char('2')], Label::Help(H::KeyDigits), Label::Office(O::RangePrompt)));
            keys
        }
        None => Vec::new(),
    }
}

/// The hint line's items for `width` columns: as many entries as fit whole, in order, then the help
/// key, which always keeps its room.
pub fn hint_items(state: &State, width: u16) -> Vec<(&'static str, &'static str)> {
    let lang = state.settings.lang;
    let all = for_state(state);
    let help = all.last().filter(|e| **e == help_key()).cloned();
    let item = |e: &KeyHelp| (e.cap.text(lang), e.does.text(lang));
    let reserved = help.as_ref().map_or(0, |e| item_width(item(e)) + SEPARATOR);
    let mut used = LEAD;
    let mut out = Vec::new();
    for e in all.iter().filter(|e| Some(*e) != help.as_ref()) {
        let w = item_width(item(e)) + if out.is_empty() { 0 } else { SEPARATOR };
        if used + w + reserved > usize::from(width) {
            break; // the most important keys first, none skipped over
        }
        used += w;
        out.push(item(e));
    }
    if let Some(e) = &help {
        out.push(item(e));
    }
    out
}

/// One space before the first key cap and between items (the caps stand out by their colour).
const LEAD: usize = 1;
const SEPARATOR: usize = 1;

/// ` cap ` then ` does`.
fn item_width((cap, does): (&str, &str)) -> usize {
    cap.width() + 2 + 1 + does.width()
}

/// The hint line as text, exactly as drawn (the test measures it).
pub fn hint_text(state: &State, width: u16) -> String {
    let items = hint_items(state, width);
    let parts: Vec<String> = items.iter().map(|(cap, does)| format!(" {cap}  {does}")).collect();
    format!(" {}", parts.join(" "))
}
