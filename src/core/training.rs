//! Training mode (培训模式): new staff learn on the real till without touching the shop's money.
//!
//! A supervisor puts the till into training (the maintenance menu's last item, 培训模式; a
//! script's `{"act":"training_on"}`, or a key a shop binds in `keys.toml`; a cashier is asked for a
//! supervisor's PIN) and takes it out with the maintenance key (F12, which in training asks to
//! leave it rather than open the menu) or `training_off`. While it is on:
//! * a banner says so on every screen, and every receipt is marked "培训 / TRAINING";
//! * every order rung up is a training order (`Order::training`): [`contain`] drops its saves, so
//!   it never reaches the store — and so never the reports (X/Z are read from the store), the stock
//!   (moved by the order's save) or the back office (queued by the save);
//! * its numbers are apart: [`TRAINING_PREFIX`] (never a shop's platform prefix) then the date, the
//!   till and a sequence of its own, so no real order number is used; the app sends any number with
//!   this prefix to the built-in simulator (`app/training.rs`), never to the real platform;
//! * what has no meaning in training is refused (refunds and lookups, returns without a receipt,
//!   the office — shift, reports, journal, summary, closing the day —, held sales, goods in and
//!   stock counts, the maintenance menu), and a supervisor's approvals inside training sales are not
//!   logged: the audit log gets the two entries that say training began and ended (and sign-ins).
//!
//! Leaving is refused while a training sale is open or a training payment is in doubt; it puts the
//! order ids back as they were, so the only trace is the audit log's two entries. A till restarted
//! during training comes back out of it (nothing of it was saved), as a shop expects: the next
//! customer after a restart is a real one. Its audit log gets the end it is owed at that start
//! (`AuditEvent::TrainingInterrupted`, `app/auth.rs: end_interrupted_training`), so no "began" is
//! left without an "ended".

use super::auth::{AuditEvent, AuthEffect};
use super::clock::Millis;
use super::intent::Intent;
use super::notice::{Notice, refuse};
use super::order::OrderId;
use super::{Effect, Screen, State};
use serde::{Deserialize, Serialize};

/// The 8 digits training numbers start with, in place of the shop's platform prefix.
pub const TRAINING_PREFIX: &str = "99999999";

/// Whether `number` is a training order's (the app routes its calls to the simulator).
pub fn is_training_number(number: &str) -> bool {
    number.starts_with(TRAINING_PREFIX)
}

/// Training mode while on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    pub since: Millis,
    /// The supervisor who put the till into training.
    pub by: String,
    /// The next order id when training began: put back when it ends.
    pub next_order_id: OrderId,
    /// Training numbers issued (its own sequence).
    pub seq: u32,
    /// Training sales paid.
    pub sales: u32,
}

/// What the till says about training mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrainingNotice {
    /// Training began: nothing from here on counts.
    Started,
    /// Training ended: `sales` training sales, none of them kept.
    Ended { sales: u32 },
    /// Only from an empty sale screen with no payment in doubt.
    FinishSaleFirst,
    /// Not in training mode (refunds, the office, held sales, stock sheets).
    NotInTraining,
}

impl TrainingNotice {
    pub fn is_error(&self) -> bool {
        matches!(self, TrainingNotice::FinishSaleFirst | TrainingNotice::NotInTraining)
    }
}

fn say(n: TrainingNotice) -> Notice {
    Notice::Training(n)
}

/// A supervisor is asked to turn training on or off.
pub(super) fn ask(state: &mut State, on: bool, fx: &mut Vec<Effect>) {
    if on == state.training.is_some() {
        return;
    }
    if !idle(state) {
        return refuse(state, say(TrainingNotice::FinishSaleFirst), fx);
    }
    super::approval::ask_supervisor(state, super::approval::Approval::Training { on }, fx);
}

/// An empty sale screen, and no training payment still out.
fn idle(state: &State) -> bool {
    let training_out = state.background.iter().any(|o| o.training) || state.sale.has_open_work();
    state.screen == Screen::Sale && state.sale.lines.is_empty() && state.input.is_empty() && !training_out
}

/// Approved: training begins or ends.
pub(super) fn approved(state: &mut State, on: bool, fx: &mut Vec<Effect>) {
    if on == state.training.is_some() || !idle(state) {
        return;
    }
    let by = state.approver().unwrap_or(state.operator()).to_string();
    if on {
        // The empty sale on screen was opened as a real one: it is replaced by a training one.
        let next_order_id = state.sale.id;
        state.training = Some(Training { since: state.now, by, next_order_id, seq: 0, sales: 0 });
        fx.push(state.audit(AuditEvent::Training { on: true, sales: 0 }));
        state.counters.next_order_id = next_order_id;
        state.new_sale();
        state.notice = Some(say(TrainingNotice::Started));
    } else if let Some(t) = state.training.take() {
        // Nothing of training was saved: its order ids are given out again.
        state.counters.next_order_id = t.next_order_id;
        state.new_sale();
        fx.push(state.audit(AuditEvent::Training { on: false, sales: t.sales }));
        state.notice = Some(say(TrainingNotice::Ended { sales: t.sales }));
    }
}

/// Whether `intent` is refused in training (see the module comment).
pub(super) fn refuses(state: &State, intent: &Intent) -> bool {
    state.training.is_some()
        && matches!(
            intent,
            Intent::Lookup
                | Intent::Refund { .. }
                | Intent::Reprint
                | Intent::CashRefund
                | Intent::ReturnNoReceipt
                | Intent::Exchange
                | Intent::OpenShift
                | Intent::OpenReport
                | Intent::OpenJournal
                | Intent::OpenSummary
                | Intent::Hold { .. }
                | Intent::HeldList
                | Intent::Resume { .. }
                | Intent::GoodsIn { .. }
                | Intent::StockCount
        )
}

/// Refuses `intent` if training does not take it; true when refused.
pub(super) fn refused(state: &mut State, intent: &Intent, fx: &mut Vec<Effect>) -> bool {
    if refuses(state, intent) {
        refuse(state, say(TrainingNotice::NotInTraining), fx);
        return true;
    }
    false
}

/// The next training number: [`TRAINING_PREFIX`], yymmdd, the till, the training sequence.
pub(super) fn next_number(state: &mut State) -> Option<String> {
    let day = state.now.local(state.settings.utc_offset_minutes).yymmdd();
    let terminal_no = state.settings.terminal_no;
    let t = state.training.as_mut()?;
    t.seq = t.seq.checked_add(1).filter(|n| *n <= 99_999_999)?;
    Some(format!("{TRAINING_PREFIX}{day:06}{terminal_no:02}{:08}", t.seq))
}

/// Keeps training out of the books: run at the end of every `update`. A training order's saves
/// are dropped (so its stock, reports and outbox record never happen), and so are the supervisor
/// approvals logged while training, but the one for training itself. A training sale printed is
/// counted for the audit entry at the end.
pub(super) fn contain(state: &mut State, fx: &mut Vec<Effect>) {
    let training_on = state.training.is_some();
    let mut paid = 0;
    fx.retain(|e| match e {
        Effect::Save { order, .. } if order.training => false,
        Effect::Print { order } if order.training => {
            paid += 1;
            true
        }
        // A supervisor's approval inside a training sale (a discount, a price) is practice too;
        // signing in and out stays in the log (real people, real times).
        Effect::Auth(AuthEffect::Audit(entry)) if training_on => match &entry.event {
            AuditEvent::SupervisorApproved { action, .. } => *action == super::Action::Training,
            _ => true,
        },
        _ => true,
    });
    if let Some(t) = state.training.as_mut() {
        t.sales = t.sales.saturating_add(paid);
    }
}
