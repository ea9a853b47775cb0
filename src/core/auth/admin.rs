//! The supervisor's screens, reached from the maintenance menu: operators (add, rename, role,
//! reset PIN, disable) and the audit log (read only).

use super::{
    AuditEntry, AuditEvent, AuthEffect, AuthNotice, Check, Operator, PIN_MAX, Pending, Pin, PinHash, Role, say,
    type_digit, valid_pin,
};
use crate::core::{Effect, Key, State};
use serde::{Deserialize, Serialize};

/// Names are short: they fit the receipt's operator line and the list.
pub const NAME_MAX: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OperatorsView {
    pub selected: usize,
    pub form: Option<OperatorForm>,
}

/// What the supervisor is typing on the operators screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OperatorForm {
    /// A new operator's name (then their first PIN).
    NewName {
        number: String,
        entry: String,
    },
    /// A new operator's first PIN; they choose their own at their first sign-in.
    NewPin {
        number: String,
        name: String,
        entry: String,
    },
    Rename {
        number: String,
        entry: String,
    },
    /// A temporary PIN for an operator who forgot theirs (changed at their next sign-in).
    ResetPin {
        number: String,
        entry: String,
    },
    /// The id the payment platforms know this operator by (seed 003 §3.1.6); empty: their number.
    StaffId {
        number: String,
        entry: String,
    },
}

/// A platform staff id: what both platforms take as an operator/staff id.
pub const STAFF_ID_MAX: usize = 32;

impl OperatorForm {
    pub fn entry(&self) -> &str {
        match self {
            OperatorForm::NewName { entry, .. }
            | OperatorForm::NewPin { entry, .. }
            | OperatorForm::Rename { entry, .. }
            | OperatorForm::ResetPin { entry, .. }
            | OperatorForm::StaffId { entry, .. } => entry,
        }
    }

    fn max_len(&self) -> usize {
        if matches!(self, OperatorForm::StaffId { .. }) { STAFF_ID_MAX } else { NAME_MAX }
    }

    fn entry_mut(&mut self) -> &mut String {
        match self {
            OperatorForm::NewName { entry, .. }
            | OperatorForm::NewPin { entry, .. }
            | OperatorForm::Rename { entry, .. }
            | OperatorForm::ResetPin { entry, .. }
            | OperatorForm::StaffId { entry, .. } => entry,
        }
    }

    pub fn is_pin(&self) -> bool {
        matches!(self, OperatorForm::NewPin { .. } | OperatorForm::ResetPin { .. })
    }
}

/// The audit log on screen, newest first; `None` until read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditView {
    pub entries: Option<Vec<AuditEntry>>,
    /// The first entry shown.
    pub offset: usize,
}

pub(crate) fn open_operators(state: &mut State) {
    state.auth.admin = Some(OperatorsView::default());
    state.notice = None;
}

pub(crate) fn open_audit(state: &mut State, fx: &mut Vec<Effect>) {
    state.auth.audit = Some(AuditView::default());
    state.notice = None;
    fx.push(Effect::Auth(AuthEffect::LoadAudit));
}

pub(crate) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    if let Some(view) = state.auth.audit.as_mut() {
        let len = view.entries.as_ref().map_or(0, Vec::len);
        match key {
            Key::Up => view.offset = view.offset.saturating_sub(1),
            Key::Down => view.offset = (view.offset + 1).min(len.saturating_sub(1)),
            Key::Esc => state.auth.audit = None,
            _ => {}
        }
        return;
    }
    let Some(view) = state.auth.admin.as_mut() else { return };
    if view.form.is_some() {
        return on_form_key(state, key, fx);
    }
    let count = state.auth.operators.len();
    match key {
        Key::Up => view.selected = view.selected.saturating_sub(1),
        Key::Down => view.selected = (view.selected + 1).min(count.saturating_sub(1)),
        Key::Esc => {
            state.auth.admin = None;
            state.notice = None;
        }
        Key::Char('a' | 'A') => match next_number(state) {
            Some(number) => set_form(state, OperatorForm::NewName { number, entry: String::new() }),
            None => crate::core::notice::refuse(state, say(AuthNotice::NoFreeNumber), fx),
        },
        Key::Char(c @ ('n' | 'N' | 'p' | 'P' | 'r' | 'R' | 'd' | 'D' | 's' | 'S')) => {
            let Some(op) = selected(state).cloned() else { return };
            match c.to_ascii_lowercase() {
                'n' => set_form(state, OperatorForm::Rename { number: op.number, entry: op.name }),
                'p' => set_form(state, OperatorForm::ResetPin { number: op.number, entry: String::new() }),
                'r' => toggle_role(state, op, fx),
                's' => {
                    let entry = op.staff_id.unwrap_or_default();
                    set_form(state, OperatorForm::StaffId { number: op.number, entry })
                }
                _ => toggle_disabled(state, op, fx),
            }
        }
        _ => {}
    }
}

fn set_form(state: &mut State, form: OperatorForm) {
    if let Some(view) = state.auth.admin.as_mut() {
        view.form = Some(form);
    }
    state.notice = None;
}

fn selected(state: &State) -> Option<&Operator> {
    let index = state.auth.admin.as_ref()?.selected;
    state.auth.operators.get(index)
}

/// The lowest free number, `02`…`99`.
fn next_number(state: &State) -> Option<String> {
    (1..=99).map(|n| format!("{n:02}")).find(|n| state.auth.operator(n).is_none())
}

fn on_form_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(form) = state.auth.admin.as_mut().and_then(|v| v.form.as_mut()) else { return };
    if form.is_pin() {
        if type_digit(form.entry_mut(), key, PIN_MAX) {
            return;
        }
    } else {
        match key {
            Key::Char(c) if !c.is_control() && form.entry().chars().count() < form.max_len() => {
                form.entry_mut().push(c);
                return;
            }
            Key::Backspace => {
                form.entry_mut().pop();
                return;
            }
            _ => {}
        }
    }
    match key {
        Key::Esc => set_form_none(state),
        Key::Enter => submit(state, fx),
        _ => {}
    }
}

fn set_form_none(state: &mut State) {
    if let Some(view) = state.auth.admin.as_mut() {
        view.form = None;
    }
}

fn submit(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(form) = state.auth.admin.as_ref().and_then(|v| v.form.clone()) else { return };
    match form {
        OperatorForm::NewName { number, entry } | OperatorForm::Rename { number, entry } if entry.trim().is_empty() => {
            let _ = number;
            crate::core::notice::refuse(state, say(AuthNotice::NameEmpty), fx)
        }
        OperatorForm::NewName { number, entry } => {
            set_form(state, OperatorForm::NewPin { number, name: entry.trim().to_string(), entry: String::new() })
        }
        OperatorForm::Rename { number, entry } => {
            let Some(mut op) = state.auth.operator(&number).cloned() else { return };
            op.name = entry.trim().to_string();
            fx.push(state.audit(AuditEvent::OperatorRenamed { number: number.clone(), name: op.name.clone() }));
            save(state, op, fx);
            set_form_none(state);
        }
        OperatorForm::StaffId { number, entry } => set_staff_id(state, &number, entry.trim(), fx),
        OperatorForm::NewPin { entry, .. } | OperatorForm::ResetPin { entry, .. } if !valid_pin(&entry) => {
            crate::core::notice::refuse(state, say(AuthNotice::PinFormat), fx)
        }
        OperatorForm::NewPin { number, name, entry } => {
            let new = Operator::new(&number, &name, Role::Cashier, PinHash(String::new()));
            state.auth.checking = Some(Check { number: number.clone(), why: Pending::SetPin { new: Some(new) } });
            fx.push(Effect::Auth(AuthEffect::HashPin { number, pin: Pin::new(entry) }));
        }
        OperatorForm::ResetPin { number, entry } => {
            state.auth.checking = Some(Check { number: number.clone(), why: Pending::SetPin { new: None } });
            fx.push(Effect::Auth(AuthEffect::HashPin { number, pin: Pin::new(entry) }));
        }
    }
}

/// A PIN set by the supervisor is hashed: the new operator is added, or the operator's PIN is
/// replaced (and their lockout lifted); either way they choose their own at the next sign-in.
pub(super) fn on_pin_set(state: &mut State, number: &str, new: Option<Operator>, hash: PinHash, fx: &mut Vec<Effect>) {
    let (mut op, event, notice) = match new {
        Some(op) => {
            let event = AuditEvent::OperatorAdded { number: number.into(), role: op.role };
            (op, event, AuthNotice::OperatorSaved { number: number.into() })
        }
        None => {
            let Some(op) = state.auth.operator(number).cloned() else { return };
            (op, AuditEvent::PinReset { number: number.into() }, AuthNotice::PinReset { number: number.into() })
        }
    };
    op.pin_hash = hash;
    op.must_change_pin = true;
    op.failures = 0;
    op.lockouts = 0;
    op.locked_until = None;
    fx.push(state.audit(event));
    save(state, op, fx);
    set_form_none(state);
    if let Some(view) = state.auth.admin.as_mut() {
        view.selected = state.auth.operators.iter().position(|o| o.number == number).unwrap_or(0);
    }
    state.notice = Some(say(notice));
}

/// Sets (or with nothing typed, clears) the id the platforms know `number` by.
fn set_staff_id(state: &mut State, number: &str, entry: &str, fx: &mut Vec<Effect>) {
    let fits =
        entry.len() <= STAFF_ID_MAX && entry.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !fits {
        return crate::core::notice::refuse(state, say(AuthNotice::StaffIdFormat), fx);
    }
    let Some(mut op) = state.auth.operator(number).cloned() else { return };
    op.staff_id = (!entry.is_empty()).then(|| entry.to_string());
    fx.push(state.audit(AuditEvent::StaffIdSet { number: number.into(), staff_id: op.staff_id.clone() }));
    save(state, op, fx);
    set_form_none(state);
}

/// Enabled supervisors other than `number`.
fn other_supervisors(state: &State, number: &str) -> usize {
    state.auth.supervisors().filter(|o| o.number != number).count()
}

fn toggle_role(state: &mut State, mut op: Operator, fx: &mut Vec<Effect>) {
    if op.role == Role::Supervisor && other_supervisors(state, &op.number) == 0 {
        return crate::core::notice::refuse(state, say(AuthNotice::LastSupervisor), fx);
    }
    op.role = if op.role == Role::Supervisor { Role::Cashier } else { Role::Supervisor };
    fx.push(state.audit(AuditEvent::RoleChanged { number: op.number.clone(), role: op.role }));
    save(state, op, fx);
}

fn toggle_disabled(state: &mut State, mut op: Operator, fx: &mut Vec<Effect>) {
    if !op.disabled {
        if state.auth.session.as_ref().is_some_and(|s| s.number == op.number) {
            return crate::core::notice::refuse(state, say(AuthNotice::NotYourself), fx);
        }
        if op.role == Role::Supervisor && other_supervisors(state, &op.number) == 0 {
            return crate::core::notice::refuse(state, say(AuthNotice::LastSupervisor), fx);
        }
    }
    op.disabled = !op.disabled;
    fx.push(state.audit(AuditEvent::OperatorDisabled { number: op.number.clone(), disabled: op.disabled }));
    save(state, op, fx);
}

/// Keeps the change in memory (and in the session, for the operator signed in) and writes it.
fn save(state: &mut State, op: Operator, fx: &mut Vec<Effect>) {
    if let Some(session) = state.auth.session.as_mut().filter(|s| s.number == op.number) {
        session.name = op.name.clone();
        session.role = op.role;
        session.staff_id = op.platform_id().to_string();
    }
    state.notice = Some(say(AuthNotice::OperatorSaved { number: op.number.clone() }));
    fx.push(Effect::Auth(AuthEffect::Save(op.clone())));
    state.auth.put(op);
}
