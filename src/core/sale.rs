//! Ringing up: keys and scanned codes on the sale and tender screens, the cart, and cash.

use super::auth::AuditEvent;
use super::catalog::{Found, ProductKind};
use super::code::{self, CodeKind, MAX_CODE_LEN};
use super::intent::{Intent, On};
use super::money::{Fen, MoneyError};
use super::notice::{Notice, refuse};
use super::order::{Line, MAX_QTY};
use super::{
    Beep, Effect, Key, Screen, SetupFailure, SetupInfo, Speech, State, WifiFailure, pay, price_entry, refund, tender,
};

pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    if let Screen::Done { .. } = state.screen {
        state.new_sale();
        state.notice = None;
        if matches!(key, Key::Enter | Key::Esc) {
            return;
        }
    }
    if state.screen == Screen::Promotions {
        // A list to read: any key leaves it.
        state.screen = Screen::Sale;
        state.notice = None;
        return;
    }
    if state.screen == Screen::LowStock {
        // Goods in and stock counts open from the list (F5, F6); any other key leaves it.
        if let Some(i @ (Intent::GoodsIn { .. } | Intent::StockCount)) = state.keymap.intent(On::Other, key) {
            return on_intent(state, i, fx);
        }
        state.screen = Screen::Sale;
        state.notice = None;
        return;
    }
    // Goods coming back with a refund are chosen on the lookup screen.
    if state.screen == Screen::Lookup && super::returns::on_key(state, key, fx) {
        return;
    }
    match key {
        // A key the map binds on the sale screen (`/`: hold) is never typing there.
        Key::Char(_) if state.screen == Screen::Sale && state.keymap.intent(On::Sale, key).is_some() => {
            if let Some(intent) = state.keymap.intent(On::Sale, key) {
                on_intent(state, intent, fx);
            }
        }
        Key::Char(c) => on_char(state, c, fx),
        Key::Backspace => {
            state.input.pop();
        }
        Key::Enter => on_enter(state, fx),
        Key::Esc if state.input.is_empty() && state.screen == Screen::Sale && super::exchange::can_cancel(state) => {
            super::exchange::cancel(state, fx)
        }
        Key::Esc => on_esc(state),
        Key::Up => state.selected = state.selected.saturating_sub(1),
        Key::Down => state.selected = (state.selected + 1).min(state.sale.lines.len().saturating_sub(1)),
        Key::Delete => {
            if state.screen == Screen::Sale {
                set_qty(state, 0, fx);
            }
        }
        // The function keys mean what the key map says on this screen (see `intent`).
        Key::F(_) => {
            if let Some(intent) = state.keymap.intent(On::of(state), key) {
                on_intent(state, intent, fx);
            }
        }
    }
}

fn on_char(state: &mut State, c: char, fx: &mut Vec<Effect>) {
    let typing = c.is_ascii_alphanumeric() || c == '.';
    match (&state.screen, c) {
        (Screen::Sale, '+') => change_qty(state, 1, fx),
        (Screen::Sale, '-') => change_qty(state, -1, fx),
        (Screen::Sale, '*') => match state.input.parse::<u32>() {
            Ok(n) if n <= MAX_QTY => {
                state.input.clear();
                set_qty(state, n, fx);
            }
            _ => state.notice = Some(Notice::BadQuantity),
        },
        (Screen::Pay { cash_entry: false }, 'c' | 'C') if state.input.is_empty() => go_to_pay(state, true),
        _ if typing && state.input.len() < MAX_CODE_LEN => state.input.push(c),
        _ => {}
    }
}

/// What the cashier means on the till's screens (from a key, a script, or a supervisor's approval).
/// Staff intents (sign out, maintenance, my PIN) are the router's, in `screens`.
pub(super) fn on_intent(state: &mut State, intent: Intent, fx: &mut Vec<Effect>) {
    if super::training::refused(state, &intent, fx) {
        return;
    }
    let (screen, empty) = (&state.screen, state.sale.lines.is_empty());
    match intent {
        Intent::Pay | Intent::PayCash if super::exchange::settles_now(state) => super::exchange::settle(state, fx),
        Intent::Pay => go_to_pay(state, false),
        Intent::PayCash => go_to_pay(state, true),
        Intent::Lookup if *screen == Screen::Sale && empty => refund::open_empty(state),
        Intent::Lookup => refuse(state, Notice::FinishSaleFirst, fx),
        Intent::Refund { amount } if *screen == Screen::Lookup => {
            state.input.clear(); // as Enter takes what was typed
            refund::on_enter(state, &amount, fx)
        }
        Intent::Reprint if *screen == Screen::Lookup => refund::reprint(state, fx),
        Intent::Discount { order, how, value, reason } => super::discount::ask(state, order, &how, &value, &reason, fx),
        Intent::OpenDiscount => super::discount_entry::open(state, fx),
        Intent::CashRefund if *screen == Screen::Lookup => refund::ask_cash_refund(state, fx),
        Intent::Exchange if *screen == Screen::Lookup => super::exchange_receipted::ask(state, fx),
        // Shift, reports, journal, summary (the office), from an empty sale screen.
        Intent::OpenShift => super::office::open(state, 5, fx),
        Intent::OpenReport => super::office::open(state, 6, fx),
        Intent::OpenJournal => super::office::open(state, 7, fx),
        Intent::OpenSummary => super::office::open(state, 8, fx),
        Intent::Promotions if *screen == Screen::Sale => {
            state.screen = Screen::Promotions;
            state.notice = None;
        }
        Intent::LowStock if *screen == Screen::Sale => {
            state.screen = Screen::LowStock;
            state.input.clear();
            state.notice = None;
        }
        Intent::ShowQr | Intent::QrWallet { .. } => {
            super::qr::on_intent(state, &intent, fx);
        }
        Intent::Hold { note } => super::held::hold_or_list(state, note, fx),
        Intent::HeldList => super::held::open_list(state, fx),
        Intent::Resume { number } => super::held::resume(state, number, fx),
        Intent::Tare => super::weighing::tare(state, fx),
        Intent::ReturnNoReceipt => super::no_receipt::open(state, fx),
        Intent::GoodsIn { supplier, note } => {
            super::stocktake::ask(state, super::stocktake::SheetKind::GoodsIn { supplier, note }, fx)
        }
        Intent::StockCount => {
            let kind = super::stocktake::SheetKind::Count { scope: super::stocktake::Scope::Everything };
            super::stocktake::ask(state, kind, fx)
        }
        Intent::TrainingOn => super::training::ask(state, true, fx),
        Intent::TrainingOff => super::training::ask(state, false, fx),
        Intent::Member { code } => match super::members::query_of(&state.members.config, &code) {
            Some(query) => super::members::find(state, query, fx),
            None => refuse(state, Notice::Garbage, fx),
        },
        Intent::PayStoredValue { amount } => super::sv_till::ask_spend(state, &amount, fx),
        Intent::TopUp { amount } => super::sv_till::top_up(state, &amount, fx),
        Intent::RefundStoredValue { amount } => super::sv_till::give_back(state, &amount, fx),
        Intent::PayPoints { amount } => super::points_tender::pay(state, &amount, fx),
        Intent::RedeemLine => super::points_tender::redeem_line(state, fx),
        // (The printer's test page is in the maintenance menu, F12.)
        _ => {}
    }
}

fn on_enter(state: &mut State, fx: &mut Vec<Effect>) {
    let input = std::mem::take(&mut state.input);
    match state.screen {
        Screen::Lookup => refund::on_enter(state, &input, fx),
        Screen::Pay { cash_entry: true } => tender::cash(state, &input, fx),
        Screen::PriceEntry(_) => price_entry::on_enter(state, &input, fx),
        Screen::Sale if input.is_empty() && super::exchange::settles_now(state) => super::exchange::settle(state, fx),
        Screen::Sale if input.is_empty() => go_to_pay(state, false),
        _ if input.is_empty() => {}
        // A payment code typed by hand, or the amount of the next code part of a mixed tender.
        Screen::Pay { cash_entry: false } if code::payment_platform(&input).is_none() => {
            tender::set_part_amount(state, &input, fx)
        }
        _ => on_code(state, &input, fx),
    }
}

fn on_esc(state: &mut State) {
    if !state.input.is_empty() {
        state.input.clear();
        return;
    }
    match state.screen {
        Screen::Lookup => {
            state.screen = Screen::Sale;
            state.lookup = None;
            state.notice = None;
        }
        Screen::PriceEntry(_) => price_entry::cancel(state),
        Screen::Pay { cash_entry: true } => state.screen = Screen::Pay { cash_entry: false },
        Screen::Pay { cash_entry: false } if state.part_amount.is_some() => {
            state.part_amount = None;
            state.notice = None;
        }
        // A part is paid: the order is finished here, never abandoned or parked with it.
        Screen::Pay { cash_entry: false } if state.sale.has_paid_parts() => state.notice = Some(Notice::FinishPayment),
        Screen::Pay { cash_entry: false } => match state.sale.open_attempt() {
            // Only a payment of the whole order may be confirmed in the background: a part
            // decides what is still to pay, so the customer waits for it.
            Some(a) if a.amount < state.sale.total() => state.notice = Some(Notice::FinishPayment),
            Some(a) => {
                let number = a.out_trade_no.clone();
                state.background.push(state.sale.clone());
                state.new_sale();
                state.notice = Some(Notice::Parked { number });
            }
            None => {
                state.screen = Screen::Sale;
                state.notice = None;
            }
        },
        _ => state.notice = None,
    }
}

/// A code from the scanner, or typed and ended with Enter.
pub(super) fn on_code(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    if let Screen::Done { .. } = state.screen {
        state.new_sale();
    }
    let code = code.trim();
    if let Screen::PriceEntry(_) = state.screen {
        // A scan while a price is asked for: the prompt is dropped, the code taken as on the sale screen.
        price_entry::cancel(state);
    }
    if matches!(state.screen, Screen::LowStock | Screen::Promotions) {
        state.screen = Screen::Sale;
    }
    if state.screen == Screen::Lookup {
        if refund::is_order_number(state, code) {
            return refund::start(state, code, fx);
        }
        return refuse(state, Notice::NotAnOrderNumber, fx);
    }
    if state.screen == Screen::Sale && state.sale.lines.is_empty() && refund::is_order_number(state, code) {
        return refund::start(state, code, fx);
    }
    if super::configure::is_config_code(code) {
        return super::configure::on_scan(state, code, fx);
    }
    // A member's dynamic code (动态会员码): the member present to spend stored value.
    if super::member_code::looks_like(code) {
        return super::sv_till::code_scanned(state, code, fx);
    }
    let kind = code::classify(code);
    // A member's phone, card or QR (a catalogue product's own barcode stays the product's).
    if let Some(query) = super::members::query_of(&state.members.config, code)
        .filter(|_| !matches!(kind, CodeKind::Payment(_)) && matches!(state.catalogue.find(code), Found::None))
    {
        return super::members::find(state, query, fx);
    }
    if let CodeKind::Payment(platform) = kind {
        if state.screen == Screen::Sale {
            go_to_pay(state, false);
            if state.screen == Screen::Sale {
                return; // refused: empty cart or zero total
            }
        }
        return pay::pay_with_code(state, code, platform, fx);
    }
    if state.screen != Screen::Sale {
        return refuse(state, Notice::NotAPaymentCode, fx);
    }
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    if state.sale.has_paid_parts() {
        return refuse(state, Notice::FinishPayment, fx);
    }
    let amount_shaped = code.contains('.') && code.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    match kind {
        _ if amount_shaped => match Fen::parse_yuan(code) {
            Ok(a) if a.is_zero() => refuse(state, Notice::ZeroAmount, fx),
            // A price typed by hand, as for an unknown barcode: one rule (`manual_price`).
            Ok(a) => super::approval::ask_supervisor(
                state,
                super::approval::Approval::ManualPrice { barcode: String::new(), price: a },
                fx,
            ),
            Err(MoneyError::TooLarge) => refuse(state, Notice::AmountTooLarge, fx),
            Err(MoneyError::NotAnAmount) => refuse(state, Notice::NotAnAmount, fx),
        },
        // A scale label whose check digit the shop does not enforce is still a label.
        CodeKind::BadCheckDigit if state.catalogue.weighed.read(code).is_some() => on_product(state, code, fx),
        CodeKind::Product => on_product(state, code, fx),
        CodeKind::BadCheckDigit => refuse(state, Notice::BadCheckDigit { code: code.to_string() }, fx),
        CodeKind::Garbage => refuse(state, Notice::Garbage, fx),
        CodeKind::Payment(_) => {}
    }
}

/// A product code on the sale screen: the catalogue's product, a scale label, or an unknown code.
fn on_product(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    match state.catalogue.find(code) {
        Found::Product(p) if p.kind == ProductKind::Normal => {
            let (barcode, name, price) = (p.barcode.clone(), p.name.clone(), p.price);
            add_line(state, &barcode, &name, price, fx)
        }
        // A weighed product's own code with a scale attached: the weight on the scale.
        Found::Product(p) if p.kind == ProductKind::Weighed && state.scale.is_some() => {
            let p = p.clone();
            super::weighing::sell(state, &p, fx)
        }
        // An open-price product (or a weighed one scanned by its catalogue code): ask the price.
        Found::Product(p) => {
            let (barcode, name) = (p.barcode.clone(), p.name.clone());
            price_entry::open(state, &barcode, &name, false, fx)
        }
        Found::Weighed(_, price, _) if price.is_zero() => refuse(state, Notice::ZeroAmount, fx),
        // The weight, if the label has one, goes with the name: kg with 3 decimals.
        Found::Weighed(p, price, weight) => {
            let name = weight.map_or_else(|| p.name.clone(), |w| format!("{} {w}", p.name));
            add_line(state, code, &name, price, fx)
        }
        Found::None => price_entry::open(state, code, "", true, fx),
    }
}

/// Applies the outcome of joining a Wi-Fi network.
pub(super) fn on_wifi_answer(state: &mut State, result: Result<String, WifiFailure>, fx: &mut Vec<Effect>) {
    match result {
        Ok(ssid) => {
            fx.push(state.audit(AuditEvent::SettingsChanged { what: format!("Wi-Fi {ssid}") }));
            state.notice = Some(Notice::WifiJoined { ssid });
            fx.push(Effect::Beep(Beep::Success));
        }
        Err(error) => {
            state.notice = Some(Notice::WifiFailed { error });
            fx.push(Effect::Beep(Beep::Failure));
        }
    }
}

/// Applies the outcome of a device set-up. Order numbers follow the new prefix from now on.
pub(super) fn on_setup_answer(state: &mut State, result: Result<SetupInfo, SetupFailure>, fx: &mut Vec<Effect>) {
    match result {
        Ok(info) => {
            state.settings.shop_name = info.shop_name.clone();
            if !info.order_prefix.is_empty() {
                state.settings.order_prefix = info.order_prefix;
            }
            // The platform's staff id stays the platform's default (its client sends it when no
            // operator's own id is given); receipts name the operator signed in.
            let what = format!("platform set-up: shop {}, prefix {}", info.shop_name, state.settings.order_prefix);
            fx.push(state.audit(AuditEvent::SettingsChanged { what }));
            state.notice = Some(Notice::SetupDone { shop_name: info.shop_name });
            fx.push(Effect::Beep(Beep::Success));
            fx.push(Effect::Say(Speech::SetupDone));
        }
        Err(error) => {
            state.notice = Some(Notice::SetupFailed { error });
            fx.push(Effect::Beep(Beep::Failure));
            fx.push(Effect::Say(Speech::SetupFailed));
        }
    }
}

/// Adds a product, or one more of it if a line has the same product at the same price. Amounts
/// typed without a barcode always get their own line.
pub(super) fn add_line(state: &mut State, barcode: &str, name: &str, price: Fen, fx: &mut Vec<Effect>) {
    if super::sv_till::is_top_up(state) {
        return super::sv_till::refuse_goods(state, fx);
    }
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    if state.sale.has_paid_parts() {
        return refuse(state, Notice::FinishPayment, fx);
    }
    let mut sale = state.sale.clone();
    let existing = sale.lines.iter().position(|l| !barcode.is_empty() && l.barcode == barcode && l.unit_price == price);
    let idx = match existing {
        Some(i) if sale.lines[i].qty < MAX_QTY => {
            sale.lines[i].qty += 1;
            i
        }
        Some(_) => return refuse(state, Notice::BadQuantity, fx),
        None => {
            sale.lines.push(Line { barcode: barcode.into(), name: name.into(), unit_price: price, qty: 1 });
            sale.lines.len() - 1
        }
    };
    if sale.checked_total().is_none() {
        return refuse(state, Notice::AmountTooLarge, fx);
    }
    state.sale = sale;
    super::discount::reprice(state, None);
    state.selected = idx;
    let line = &state.sale.lines[idx];
    state.notice = Some(Notice::Added { name: line.name.clone(), qty: line.qty });
    fx.push(state.save(&state.sale));
    fx.push(Effect::Beep(Beep::Accepted));
}

fn change_qty(state: &mut State, delta: i64, fx: &mut Vec<Effect>) {
    let Some(line) = state.sale.lines.get(state.selected) else {
        return refuse(state, Notice::NoLineSelected, fx);
    };
    let qty = (i64::from(line.qty) + delta).max(1);
    set_qty(state, u32::try_from(qty).unwrap_or(MAX_QTY), fx);
}

/// Sets the selected line's quantity; 0 removes the line.
fn set_qty(state: &mut State, qty: u32, fx: &mut Vec<Effect>) {
    if state.sale.open_attempt().is_some() {
        return refuse(state, Notice::PaymentInDoubt, fx);
    }
    if state.sale.has_paid_parts() {
        return refuse(state, Notice::FinishPayment, fx);
    }
    if state.selected >= state.sale.lines.len() {
        return refuse(state, Notice::NoLineSelected, fx);
    }
    if qty > MAX_QTY {
        return refuse(state, Notice::BadQuantity, fx);
    }
    if super::sv_till::is_top_up(state) {
        if qty > 0 {
            return super::sv_till::refuse_goods(state, fx);
        }
        state.sale.top_up = None; // the top-up's line removed: an empty sale again
    }
    let mut changed = state.sale.clone();
    changed.lines[state.selected].qty = qty;
    if qty > 0 && changed.checked_total().is_none() {
        return refuse(state, Notice::AmountTooLarge, fx);
    }
    if qty == 0 {
        let line = state.sale.lines.remove(state.selected);
        super::discount::reprice(state, Some(state.selected));
        state.selected = state.selected.min(state.sale.lines.len().saturating_sub(1));
        state.notice = Some(Notice::LineRemoved { name: line.name });
    } else {
        let line = &mut state.sale.lines[state.selected];
        line.qty = qty;
        let name = line.name.clone();
        super::discount::reprice(state, None);
        state.notice = Some(Notice::Added { name, qty });
    }
    fx.push(state.save(&state.sale));
}

/// Total: moves to the tender screen if there is something to pay.
fn go_to_pay(state: &mut State, cash_entry: bool) {
    if state.screen == (Screen::Pay { cash_entry }) {
        return;
    }
    if state.sale.lines.is_empty() {
        state.notice = Some(Notice::CartEmpty);
        return;
    }
    if state.sale.total() <= Fen::ZERO {
        state.notice = Some(Notice::ZeroAmount);
        return;
    }
    if cash_entry && state.sale.open_attempt().is_some() {
        state.notice = Some(Notice::PaymentInDoubt);
        return;
    }
    state.screen = Screen::Pay { cash_entry };
    state.notice = None;
}
