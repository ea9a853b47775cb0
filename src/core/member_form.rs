//! The member form (会员资料): members created and edited at the till. F2 in the member box opens
//! it: on the member found, to edit them; on a lookup that found nobody, to create a member, with
//! the phone number typed already filled in. Up and Down move between the fields (name, phone,
//! card, level), typed characters go into the field, a scanned card goes into the card field,
//! Enter saves, Esc closes with nothing saved.
//!
//! Rules:
//! * who may save is the shop's choice (`[members] edit_requires`, `supervisor` by default): a
//!   cashier's save goes through the one supervisor prompt (`approval::Approval::Member`);
//! * the phone must be a mobile number and the name must not be empty; a phone number or card
//!   another member keeps is refused by the store with a one-line notice naming that member's
//!   number (never their phone);
//! * the save is durable before the form closes, with an audit entry (`AuditEvent::MemberSaved`,
//!   the member's number only) and the record for the back office (`app/members.rs: save`);
//! * the phone is shown masked except in the field being typed, and never logged (`Phone`'s
//!   `Debug` is masked, and the form's `Debug` masks the field too).
//!
//! A new member's number is made from the till's number and the time (`M<terminal><unix secs>`),
//! the store refusing a number already taken.

use super::auth::AuditEvent;
use super::members::{Member, MemberCard, MemberEffect, MemberNotice, MemberQuery, MemberView, Phone};
use super::notice::{Notice, refuse};
use super::{Beep, Effect, Key, State};
use serde::{Deserialize, Serialize};

/// Who may create and edit members at the till (`[members] edit_requires`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditRequires {
    /// A supervisor signed in, or a supervisor's PIN at the prompt.
    #[default]
    Supervisor,
    /// Any operator signed in.
    Cashier,
}

/// The form's fields, in order on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Field {
    #[default]
    Name,
    Phone,
    Card,
    Level,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Name, Field::Phone, Field::Card, Field::Level];

    fn step(self, down: bool) -> Field {
        let i = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        let n = Field::ALL.len();
        Field::ALL[if down { (i + 1) % n } else { (i + n - 1) % n }]
    }

    fn max_len(self) -> usize {
        match self {
            Field::Name => 20,
            Field::Phone => 11,
            Field::Card => 32,
            Field::Level => 10,
        }
    }
}

/// The form while it is up.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MemberForm {
    /// The member edited (their number); none: a new member.
    pub id: Option<String>,
    pub name: String,
    /// As typed (digits).
    pub phone: String,
    pub card: String,
    pub level: String,
    pub field: Field,
    /// Points of the member edited (kept as they are: the store keeps the newer count).
    #[serde(default)]
    pub points: i64,
    /// The save sent and not answered yet.
    #[serde(default)]
    pub saving: Option<u32>,
}

impl std::fmt::Debug for MemberForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberForm")
            .field("id", &self.id)
            .field("phone", &super::members::mask_phone(&self.phone))
            .field("field", &self.field)
            .field("saving", &self.saving)
            .finish_non_exhaustive()
    }
}

/// Why the store did not save a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveRefused {
    /// Member `other` has this phone number.
    PhoneTaken { other: String },
    /// Member `other` has this card.
    CardTaken { other: String },
    /// A new member's number is taken (two saves in one second): Enter again.
    NumberTaken,
    /// The store could not be written; nothing was saved.
    Failed { reason: String },
}

/// F2 in the member box: the form on the member found, else a new member (with the phone asked).
pub(super) fn open(state: &mut State) {
    let Some(view) = state.members.view.as_ref() else { return };
    let form = match (&view.found, &view.query) {
        (Some(MemberCard { member: m, .. }), _) => MemberForm {
            id: Some(m.id.clone()),
            name: m.name.clone(),
            phone: m.phone.digits().to_string(),
            card: m.card.clone(),
            level: m.level.clone(),
            points: m.points,
            ..MemberForm::default()
        },
        (None, Some(MemberQuery::Phone(p))) => MemberForm { phone: p.digits().to_string(), ..MemberForm::default() },
        (None, Some(MemberQuery::Card(c))) => MemberForm { card: c.clone(), ..MemberForm::default() },
        (None, _) => MemberForm::default(),
    };
    state.notice = None;
    state.members.form = Some(form);
}

/// Keys while the form is up.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(form) = state.members.form.as_mut() else { return };
    if form.saving.is_some() {
        return; // the save is on its way: the answer closes the form or says why not
    }
    match key {
        Key::Up | Key::Down => form.field = form.field.step(key == Key::Down),
        Key::Backspace => {
            field_mut(form).pop();
        }
        Key::Char(c) if !c.is_control() => {
            let max = form.field.max_len();
            let phone = form.field == Field::Phone;
            let text = field_mut(form);
            if text.chars().count() < max && (!phone || c.is_ascii_digit()) {
                text.push(c);
            }
        }
        Key::Esc => {
            state.members.form = None;
            state.notice = None;
        }
        Key::Enter => ask(state, fx),
        _ => {}
    }
}

/// A code scanned while the form is up is the member's card.
pub(super) fn on_scan(state: &mut State, code: &str) {
    if let Some(form) = state.members.form.as_mut().filter(|f| f.saving.is_none()) {
        form.card = code.trim().chars().take(Field::Card.max_len()).collect();
        form.field = Field::Card;
    }
}

fn field_mut(form: &mut MemberForm) -> &mut String {
    match form.field {
        Field::Name => &mut form.name,
        Field::Phone => &mut form.phone,
        Field::Card => &mut form.card,
        Field::Level => &mut form.level,
    }
}

/// The member the form describes, or what is wrong with it.
fn member_of(state: &State, form: &MemberForm) -> Result<Member, MemberNotice> {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(MemberNotice::NameMissing);
    }
    let phone = Phone::parse(&form.phone).ok_or(MemberNotice::PhoneNotMobile)?;
    let id = form.id.clone().unwrap_or_else(|| format!("M{:02}{}", state.settings.terminal_no, state.now.unix_secs()));
    Ok(Member {
        id,
        name: name.to_string(),
        phone,
        card: form.card.trim().to_string(),
        level: form.level.trim().to_string(),
        points: form.points,
    })
}

/// Enter: a form that reads is saved, through the supervisor when the shop asks for one.
fn ask(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(form) = state.members.form.as_ref() else { return };
    let new = form.id.is_none();
    match member_of(state, form) {
        Err(why) => refuse(state, Notice::Member(why), fx),
        Ok(member) => {
            let approval = super::approval::Approval::Member { member, new };
            if state.members.config.edit_requires == EditRequires::Cashier {
                super::approval::approved(state, approval, fx);
            } else {
                super::approval::ask_supervisor(state, approval, fx);
            }
        }
    }
}

/// Allowed: the save goes to the store (answered with `MemberMsg::Saved`).
pub(super) fn save(state: &mut State, member: Member, new: bool, fx: &mut Vec<Effect>) {
    let Some(form) = state.members.form.as_mut() else { return };
    state.members.ticket = state.members.ticket.wrapping_add(1);
    let ticket = state.members.ticket;
    form.saving = Some(ticket);
    state.notice = Some(Notice::Member(MemberNotice::Saving));
    fx.push(Effect::Member(MemberEffect::Save { ticket, member, new, at: state.now }));
}

/// The store's answer: saved (the member box shows the member, ready to attach) or why not.
pub(super) fn on_saved(state: &mut State, ticket: u32, result: Result<Member, SaveRefused>, fx: &mut Vec<Effect>) {
    let Some(form) = state.members.form.as_mut().filter(|f| f.saving == Some(ticket)) else { return };
    form.saving = None;
    let new = form.id.is_none();
    match result {
        Ok(member) => {
            state.members.form = None;
            fx.push(state.audit(AuditEvent::MemberSaved { id: member.id.clone(), new }));
            fx.push(Effect::Beep(Beep::Accepted));
            state.notice = Some(Notice::Member(MemberNotice::Saved { name: member.name.clone() }));
            let asked = member.phone.masked();
            let query = Some(MemberQuery::Phone(member.phone.clone()));
            let balance = state.members.view.as_ref().and_then(|v| v.found.as_ref()).map(|c| c.balance);
            let card = MemberCard { member, balance: balance.unwrap_or_default() };
            state.members.view = Some(MemberView { ticket, asked, found: Some(card), query, missing: false });
        }
        Err(why) => {
            let notice = match why {
                SaveRefused::PhoneTaken { other } => MemberNotice::PhoneTaken { other },
                SaveRefused::CardTaken { other } => MemberNotice::CardTaken { other },
                SaveRefused::NumberTaken => MemberNotice::NumberTaken,
                SaveRefused::Failed { reason } => MemberNotice::Failed { reason },
            };
            refuse(state, Notice::Member(notice), fx);
        }
    }
}
