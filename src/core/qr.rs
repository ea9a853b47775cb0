//! The customer scans the till's QR (主扫, Cloud Pay `scan_code_pay`): the same never-wrong rules as a
//! scanned payment code (`pay`), plus what a QR that has left the till's control needs
//! (`docs/reference/dynamic-qr.md` §1.5, §3.3, §5):
//! * a fresh number for every QR; the attempt is saved before the request, the QR shown only once
//!   the platform gave it (`QrVerdict::Issued`);
//! * the QR expires `expire_secs` after the request (`time_expire`); only a paid state is paid, and
//!   "not found" is *waiting* (Alipay has no trade before the customer scans), never failed;
//! * on cancel (Esc) or expiry the order is closed (`close_order`); then, whatever the close said,
//!   it is watched until the expiry plus [`LATE_PAY_MARGIN_SECS`]: a customer who pays late is
//!   recorded as paid (a part, the whole, or "paid twice" to refund), never lost;
//! * while a QR of the sale may still be paid, no second QR is issued for it.

use super::clock::Millis;
use super::code::Platform;
use super::failure::Failure;
use super::intent::Intent;
use super::log::Log;
use super::notice::{Notice, refuse};
use super::order::{Attempt, AttemptState, OrderId, OrderStatus};
use super::{Effect, Key, QrCall, QrVerdict, QueryAfter, QueryTimer, Screen, State, Verdict};
use serde::{Deserialize, Serialize};

/// How long a QR can be paid by default (seconds; `[qr] expire_secs` in till.toml).
pub const DEFAULT_EXPIRE_SECS: u32 = 120;
/// The shortest and longest QR life the till accepts (WeChat raises less than a minute to one).
pub const EXPIRE_SECS_RANGE: std::ops::RangeInclusive<u32> = 60..=300;
/// After the expiry, a closed or expired QR is still watched this long for a late payment.
pub const LATE_PAY_MARGIN_SECS: i64 = 120;
/// A QR waiting for the customer is queried this often (the reference: every 2–3 s).
pub const QUERY_EVERY_SECS: i64 = 3;
/// A closed QR is watched this often.
pub const WATCH_EVERY_SECS: i64 = 5;
/// The app's ticker period (`app::TICK`): ticks counted measure time even when the wall clock jumps.
pub const TICK_MS: i64 = 250;

/// The shop's QR settings (`[qr]` in till.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QrSettings {
    /// Offered at all: only on a platform that has it (Cloud Pay), and when the shop wants it.
    pub offered: bool,
    /// How long a QR can be paid, seconds.
    pub expire_secs: u32,
}

impl Default for QrSettings {
    fn default() -> QrSettings {
        QrSettings { offered: false, expire_secs: DEFAULT_EXPIRE_SECS }
    }
}

/// What a QR attempt keeps besides the attempt itself (saved with the order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrPay {
    /// The QR's text, verbatim from the platform; empty until it was given (never shown before).
    #[serde(default)]
    pub code_url: String,
    /// The last moment the customer may pay, by the till's clock (sent as `time_expire`).
    pub expires_at: Millis,
    /// Closed or expired, but watched for a late payment until `expires_at` + the margin.
    #[serde(default)]
    pub watching: bool,
    /// The cashier cancelled it (else it expired).
    #[serde(default)]
    pub cancelled: bool,
    /// Ticks seen since the QR was asked for in this run (not saved: a restart counts again).
    /// The watch ends only once they too cover the QR's life and the margin, so a wall clock set
    /// forward never ends it early while the platform may still take the QR.
    #[serde(skip)]
    pub ticks: u32,
}

impl QrPay {
    /// Until when a late payment is looked for.
    pub fn watch_until(&self) -> Millis {
        self.expires_at.plus_secs(LATE_PAY_MARGIN_SECS)
    }

    /// The watch may end: the clock and the ticks counted both say the QR and the margin are past.
    fn watch_over(&self, now: Millis, started_at: Millis) -> bool {
        let life_ms = self.watch_until().since(started_at);
        now >= self.watch_until() && i64::from(self.ticks) * TICK_MS >= life_ms
    }
}

/// The QR screen (a modal over the tender screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QrView {
    /// Which wallet: one QR per wallet (1 WeChat Pay, 2 Alipay).
    Choose,
    /// The QR of attempt `out_trade_no`: waiting, then its outcome.
    Shown { out_trade_no: String },
}

/// Where the QR on screen stands, for the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrStage {
    /// Asked for, not given yet (or the answer was not trusted: being closed, never shown).
    Requesting,
    /// On screen: waiting for the customer until `expires_at`.
    Waiting {
        code_url: String,
        expires_at: Millis,
    },
    /// Being closed (cancelled or expired).
    Closing,
    Paid,
    /// Closed or expired without a payment (a late one is still looked for).
    NotPaid {
        cancelled: bool,
    },
    /// Refused by the platform.
    Failed {
        reason: String,
    },
}

/// The attempt of QR `out_trade_no` and where it stands.
pub fn stage(state: &State, out_trade_no: &str) -> Option<(Attempt, QrStage)> {
    let order = std::iter::once(&state.sale)
        .chain(&state.background)
        .find(|o| o.attempts.iter().any(|a| a.out_trade_no == out_trade_no))?;
    let a = order.attempts.iter().find(|a| a.out_trade_no == out_trade_no)?;
    let qr = a.qr.as_ref()?;
    let stage = match &a.state {
        AttemptState::Paid { .. } => QrStage::Paid,
        AttemptState::Cancelled => QrStage::NotPaid { cancelled: qr.cancelled },
        AttemptState::Failed { .. } if qr.code_url.is_empty() => {
            QrStage::Failed { reason: failed_reason(a).unwrap_or_default() }
        }
        AttemptState::Failed { .. } => QrStage::NotPaid { cancelled: qr.cancelled },
        AttemptState::Cancelling { .. } => QrStage::Closing,
        _ if qr.code_url.is_empty() => QrStage::Requesting,
        _ => QrStage::Waiting { code_url: qr.code_url.clone(), expires_at: qr.expires_at },
    };
    Some((a.clone(), stage))
}

fn failed_reason(a: &Attempt) -> Option<String> {
    match &a.state {
        AttemptState::Failed { reason } => Some(reason.text()),
        _ => None,
    }
}

/// A QR of the sale that may still be paid: open, or closed and still watched.
fn live_qr(state: &State) -> Option<&Attempt> {
    state.sale.attempts.iter().find(|a| a.qr.as_ref().is_some_and(|q| q.watching || !a.state.is_final()))
}

/// Why no QR can be issued for the sale now, if any.
fn refusal(state: &State) -> Option<Notice> {
    if !state.qr_settings.offered {
        return Some(Notice::QrNotOffered);
    }
    if let Some(a) = live_qr(state) {
        return Some(Notice::QrStillPayable { number: a.out_trade_no.clone() });
    }
    if state.sale.open_attempt().is_some() {
        return Some(Notice::PaymentInDoubt);
    }
    if !state.online {
        return Some(Notice::OfflineTakeCash);
    }
    // No number goes to the platform before its time was read (`platform_clock`); and the QR's
    // expiry and its watch for late payments are by the till's clock, so a clock far off the
    // platform's could stop watching a QR the platform still takes.
    if !state.clock.confirmed {
        return Some(Notice::CheckingClock);
    }
    if state.clock.wrong(state.wall_clock) {
        return Some(Notice::QrClockWrong);
    }
    if state.sale.remaining() <= super::money::Fen::ZERO {
        return Some(Notice::ZeroAmount);
    }
    None
}

/// `show_qr` (F7 on the tender screen): ask which wallet.
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    if !matches!(state.screen, Screen::Pay { .. }) {
        return;
    }
    if let Some(why) = refusal(state) {
        return refuse(state, why, fx);
    }
    state.qr = Some(QrView::Choose);
    state.notice = None;
}

/// The wallet is chosen: a new QR order for the remainder (or the part amount typed), saved before
/// it is asked for.
pub(super) fn issue(state: &mut State, platform: Platform, fx: &mut Vec<Effect>) {
    if !matches!(state.screen, Screen::Pay { .. }) {
        return;
    }
    if let Some(why) = refusal(state) {
        state.qr = None;
        return refuse(state, why, fx);
    }
    let amount = super::tender::next_code_amount(state);
    let Some(out_trade_no) = super::pay::next_number(state) else {
        state.qr = None;
        return refuse(state, Notice::NumbersExhausted, fx);
    };
    let expire_secs = state.qr_settings.expire_secs.clamp(*EXPIRE_SECS_RANGE.start(), *EXPIRE_SECS_RANGE.end());
    let expires_at = state.now.plus_secs(i64::from(expire_secs));
    let qr = QrPay { code_url: String::new(), expires_at, watching: false, cancelled: false, ticks: 0 };
    state.sale.attempts.push(Attempt {
        qr: Some(qr),
        ..Attempt::sending(out_trade_no.clone(), platform, "QR".into(), amount, state.now)
    });
    state.sale.status = OrderStatus::Paying;
    state.notice = None;
    state.qr = Some(QrView::Shown { out_trade_no: out_trade_no.clone() });
    state.timers.insert(out_trade_no.clone(), QueryTimer { due: state.now, in_flight: true, cancel: false });
    fx.push(state.save(&state.sale));
    fx.push(Effect::ScanCodePay(QrCall {
        order_id: state.sale.id,
        out_trade_no,
        platform,
        amount,
        body: state.settings.shop_name.clone(),
        expires_at,
        staff_id: state.auth.session.as_ref().map(|s| s.staff_id.clone()),
    }));
}

/// Keys on the QR screen: a wallet (1, 2), Esc to cancel a waiting QR or to leave a settled one.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(view) = state.qr.clone() else { return };
    match (view, key) {
        (QrView::Choose, Key::Char('1' | 'w' | 'W')) => issue(state, Platform::WeChat, fx),
        (QrView::Choose, Key::Char('2' | 'a' | 'A')) => issue(state, Platform::Alipay, fx),
        (QrView::Choose, Key::Esc) => state.qr = None,
        (QrView::Shown { out_trade_no }, Key::Esc | Key::Enter | Key::Char('p' | 'P')) => {
            let waiting = stage(state, &out_trade_no)
                .is_some_and(|(_, s)| matches!(s, QrStage::Waiting { .. } | QrStage::Requesting));
            if let (Key::Char('p' | 'P'), Some((a, QrStage::Waiting { code_url, expires_at }))) =
                (key, stage(state, &out_trade_no))
            {
                fx.push(Effect::PrintQr { out_trade_no, platform: a.platform, amount: a.amount, code_url, expires_at });
                return;
            }
            if waiting && key == Key::Esc {
                cancel(state, &out_trade_no, true, fx);
                super::pay::tick(state, fx);
            } else if !waiting && matches!(key, Key::Esc | Key::Enter) {
                state.qr = None;
            }
        }
        _ => {}
    }
}

/// Intents on the QR screen (a script's `{"act":"qr_wallet","wallet":"WeChat"}`, `qr_cancel`).
pub(super) fn on_intent(state: &mut State, intent: &Intent, fx: &mut Vec<Effect>) -> bool {
    match intent {
        Intent::ShowQr => open(state, fx),
        Intent::QrWallet { wallet } => {
            if state.qr == Some(QrView::Choose) || state.qr.is_none() {
                issue(state, *wallet, fx);
            }
        }
        _ => return false,
    }
    true
}

/// Gives up on a waiting QR: closed at the platform right away, then watched.
fn cancel(state: &mut State, out_trade_no: &str, by_cashier: bool, fx: &mut Vec<Effect>) {
    let Some(order_id) = state.order_id_of_attempt(out_trade_no) else { return };
    let now = state.now;
    let Some(order) = state.order_mut(order_id) else { return };
    let Some(a) = order.attempt_mut(out_trade_no) else { return };
    if a.state.is_final() || matches!(a.state, AttemptState::Cancelling { .. }) {
        return;
    }
    let reason = if by_cashier { Failure::QrCancelledByCashier } else { Failure::QrExpired };
    a.state = AttemptState::Cancelling { reason };
    if let Some(q) = a.qr.as_mut() {
        q.cancelled = by_cashier;
    }
    let order = order.clone();
    fx.push(state.save(&order));
    // A close goes out at once unless a request for this QR is still out (its answer comes first).
    let in_flight = state.timers.get(out_trade_no).is_some_and(|t| t.in_flight);
    state.timers.insert(out_trade_no.to_string(), QueryTimer { due: now, in_flight, cancel: true });
}

/// The platform's answer to the QR request.
pub(super) fn on_issued(state: &mut State, out_trade_no: &str, verdict: QrVerdict, fx: &mut Vec<Effect>) {
    let Some(order_id) = state.order_id_of_attempt(out_trade_no) else { return };
    let now = state.now;
    let Some(order) = state.order_mut(order_id) else { return };
    let Some(a) = order.attempt_mut(out_trade_no) else { return };
    let cancelling = matches!(a.state, AttemptState::Cancelling { .. });
    if a.state != AttemptState::Sending && !cancelling {
        return;
    }
    let timer = |due: Millis, cancel: bool| QueryTimer { due, in_flight: false, cancel };
    let next = match verdict {
        QrVerdict::Issued { code_url } => {
            if let Some(q) = a.qr.as_mut() {
                q.code_url = code_url;
            }
            if cancelling {
                // Cancelled while it was being asked for: closed now.
                timer(now, true)
            } else {
                a.state = AttemptState::UserPaying;
                timer(now.plus_secs(QUERY_EVERY_SECS), false)
            }
        }
        QrVerdict::Failed { reason } => {
            a.state = AttemptState::Failed { reason };
            let a = a.clone();
            state.timers.remove(out_trade_no);
            return super::pay::settle_not_paid(state, order_id, &a, fx);
        }
        QrVerdict::Unknown { .. } => {
            // The order may exist, but nobody has seen its QR: closed at once, then watched.
            a.state = AttemptState::Cancelling { reason: Failure::QrNoTrustedAnswer };
            timer(now, true)
        }
    };
    let order = order.clone();
    state.timers.insert(out_trade_no.to_string(), next);
    fx.push(state.save(&order));
    super::pay::tick(state, fx);
}

/// A query's answer about a QR order (open, being closed, or watched), by the reference's state
/// table (§1.5).
pub(super) fn on_query_answer(
    state: &mut State,
    order_id: OrderId,
    out_trade_no: &str,
    verdict: Verdict,
    fx: &mut Vec<Effect>,
) {
    let now = state.now;
    let Some(a) = state.order_mut(order_id).and_then(|o| o.attempt_mut(out_trade_no)) else { return };
    a.queries += 1;
    let a = a.clone();
    let Some(qr) = a.qr.clone() else { return };
    let expired = now >= qr.expires_at;
    let past_watch = qr.watch_over(now, a.started_at);
    let schedule = |state: &mut State, secs: i64, cancel: bool| {
        let timer = QueryTimer { due: now.plus_secs(secs), in_flight: false, cancel };
        state.timers.insert(out_trade_no.to_string(), timer);
    };
    if let Verdict::Paid { transaction_id } = verdict {
        // Paid, whenever it comes: recorded, never lost (late: a part, the rest, or paid twice).
        if a.state.is_final() {
            fx.push(Effect::Log(Log::ClosedQrPaidLate { out_trade_no: out_trade_no.to_string() }));
        }
        let paid = change(state, order_id, out_trade_no, |a, q| {
            a.state = AttemptState::Paid { transaction_id };
            q.watching = false;
        });
        state.timers.remove(out_trade_no);
        if let Some(paid) = paid {
            super::tender::code_paid(state, order_id, &paid, fx);
        }
        return;
    }
    if qr.watching {
        // Closed or expired already (final for the sale): only a payment or a definite end counts.
        let ended = match &verdict {
            Verdict::Failed { .. } => true,
            Verdict::NotFound => past_watch,
            _ => false,
        };
        if !ended {
            let every = if past_watch { super::pay::SLOW_QUERY_EVERY_SECS } else { WATCH_EVERY_SECS };
            return schedule(state, every, false);
        }
        change(state, order_id, out_trade_no, |_, q| q.watching = false);
        state.timers.remove(out_trade_no);
        if let Some(order) = state.order_mut(order_id).map(|o| o.clone()) {
            fx.push(state.save(&order));
            if !order.has_open_work() && state.sale.id != order_id {
                state.background.retain(|o| o.id != order_id);
            }
        }
        return;
    }
    if let AttemptState::Cancelling { .. } = a.state {
        // The close was refused (or is in doubt): the query says where the order stands.
        return match verdict {
            Verdict::Failed { .. } => close_done(state, order_id, out_trade_no, false, fx),
            // Alipay, never scanned: nothing to close, the QR stays payable until it expires.
            Verdict::NotFound => close_done(state, order_id, out_trade_no, true, fx),
            // Still open: closed again (at once if no close went out yet: this answer was in flight).
            _ if a.cancels == 0 => schedule(state, 0, true),
            _ => schedule(state, super::pay::CANCEL_AFTER_REFUSAL_SECS, true),
        };
    }
    match verdict {
        // Closed by the platform: final once the QR has expired; before that, still waiting.
        Verdict::Failed { reason } if expired => {
            let failed = change(state, order_id, out_trade_no, |a, q| {
                a.state = AttemptState::Failed { reason };
                q.watching = true;
            });
            schedule(state, WATCH_EVERY_SECS, false);
            if let Some(failed) = failed {
                super::pay::settle_not_paid(state, order_id, &failed, fx);
            }
        }
        _ if expired => {
            cancel(state, out_trade_no, false, fx);
            super::pay::tick(state, fx);
        }
        // Waiting: not scanned (Alipay "not found"), scanned, or no trusted answer.
        _ => schedule(state, QUERY_EVERY_SECS, false),
    }
}

/// Changes a QR attempt and its QR data; the attempt as changed.
fn change(
    state: &mut State,
    order_id: OrderId,
    out_trade_no: &str,
    f: impl FnOnce(&mut Attempt, &mut QrPay),
) -> Option<Attempt> {
    let a = state.order_mut(order_id)?.attempt_mut(out_trade_no)?;
    let mut qr = a.qr.take()?;
    f(a, &mut qr);
    a.qr = Some(qr);
    Some(a.clone())
}

/// The answer to a close.
pub(super) fn on_close_answer(
    state: &mut State,
    out_trade_no: &str,
    verdict: super::CancelVerdict,
    fx: &mut Vec<Effect>,
) {
    let Some(order_id) = state.order_id_of_attempt(out_trade_no) else { return };
    let now = state.now;
    let cancelling = state
        .order_mut(order_id)
        .and_then(|o| o.attempt_mut(out_trade_no))
        .is_some_and(|a| matches!(a.state, AttemptState::Cancelling { .. }));
    if !cancelling {
        return;
    }
    let timer = |due_secs: i64, cancel: bool| QueryTimer { due: now.plus_secs(due_secs), in_flight: false, cancel };
    match verdict {
        super::CancelVerdict::Cancelled | super::CancelVerdict::Unsupported => {
            close_done(state, order_id, out_trade_no, true, fx)
        }
        // Refused (paid meanwhile, or Alipay's "not found"): a query says which.
        super::CancelVerdict::Refused { .. } => {
            state.timers.insert(out_trade_no.into(), timer(super::pay::FIRST_QUERY_AFTER_UNKNOWN_SECS, false));
        }
        super::CancelVerdict::Unknown { .. } => {
            state.timers.insert(out_trade_no.into(), timer(super::pay::CANCEL_RETRY_SECS, true));
        }
    }
}

/// The QR is off the sale: not paid now. `watch`: a late payment is still looked for.
fn close_done(state: &mut State, order_id: OrderId, out_trade_no: &str, watch: bool, fx: &mut Vec<Effect>) {
    let now = state.now;
    let Some(a) = state.order_mut(order_id).and_then(|o| o.attempt_mut(out_trade_no)) else { return };
    a.state = AttemptState::Cancelled;
    if let Some(q) = a.qr.as_mut() {
        q.watching = watch;
    }
    let a = a.clone();
    if watch {
        let due = now.plus_secs(WATCH_EVERY_SECS);
        state.timers.insert(out_trade_no.into(), QueryTimer { due, in_flight: false, cancel: false });
    } else {
        state.timers.remove(out_trade_no);
    }
    super::pay::settle_not_paid(state, order_id, &a, fx)
}

/// One tick of the app's ticker (`Msg::Tick` only): counted by every QR that may still be paid.
pub(super) fn count_tick(state: &mut State) {
    for a in std::iter::once(&mut state.sale).chain(&mut state.background).flat_map(|o| &mut o.attempts) {
        let live = a.qr.as_ref().is_some_and(|q| q.watching || !a.state.is_final());
        if let Some(q) = a.qr.as_mut().filter(|_| live) {
            q.ticks = q.ticks.saturating_add(1);
        }
    }
}

/// Due work for QR orders: expiry of a waiting QR, and queries of watched ones.
pub(super) fn tick(state: &mut State, fx: &mut Vec<Effect>) {
    let now = state.now;
    let expired: Vec<String> = std::iter::once(&state.sale)
        .chain(&state.background)
        .flat_map(|o| &o.attempts)
        .filter(|a| matches!(a.state, AttemptState::UserPaying | AttemptState::Unknown { .. }))
        .filter(|a| a.qr.as_ref().is_some_and(|q| now >= q.expires_at))
        .map(|a| a.out_trade_no.clone())
        .collect();
    for no in expired {
        cancel(state, &no, false, fx);
    }
    let watched: Vec<(OrderId, Attempt)> = std::iter::once(&state.sale)
        .chain(&state.background)
        .flat_map(|o| o.attempts.iter().map(move |a| (o.id, a)))
        .filter(|(_, a)| a.state.is_final() && a.qr.as_ref().is_some_and(|q| q.watching))
        .map(|(id, a)| (id, a.clone()))
        .collect();
    for (order_id, a) in watched {
        if super::pay::take_due(state, &a.out_trade_no, false, WATCH_EVERY_SECS).is_none() {
            continue;
        }
        fx.push(Effect::Query(super::pay::query_of(order_id, &a, QueryAfter::Qr)));
    }
}

/// After a restart: a QR that was asked for but never shown (no `code_url`) is closed at once; a QR
/// of the sale on screen that may still be paid goes back on screen.
pub(super) fn restore_view(state: &mut State, fx: &mut Vec<Effect>) {
    let unseen: Vec<String> = std::iter::once(&state.sale)
        .chain(&state.background)
        .filter_map(|o| o.open_attempt())
        .filter(|a| a.qr.as_ref().is_some_and(|q| q.code_url.is_empty()))
        .map(|a| a.out_trade_no.clone())
        .collect();
    for no in unseen {
        cancel(state, &no, false, fx);
    }
    let shown = state.sale.open_attempt().filter(|a| a.qr.is_some()).map(|a| a.out_trade_no.clone());
    state.qr = shown.map(|out_trade_no| QrView::Shown { out_trade_no });
}
