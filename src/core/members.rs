//! Members (会员): a customer known by their phone number, their member card's barcode or their
//! member QR. The cashier types the phone number (11 digits) or scans the card or QR on the sale
//! or tender screen; the till looks the member up in its store (`app/members.rs`, off the render
//! loop) and shows them in a box over the screen: name, masked phone, level, points and balance.
//! Enter attaches them to the sale (kept in the order: `Order::member`), Esc leaves the sale as it
//! was.
//!
//! Rules:
//! * a phone number is personal data: it is masked (`138****5678`) wherever it is shown or kept
//!   with an order, and its `Debug` is the masked form, so no log line can carry it;
//! * a member is attached before anything is paid: a sale with a part paid or a payment in doubt
//!   keeps the member it has;
//! * one lookup is out at a time; an answer for an earlier one (its ticket) is dropped.

use super::money::Fen;
use super::notice::{Notice, refuse};
use super::{Beep, Effect, Key, Screen, State};
use serde::{Deserialize, Serialize};

/// `[members]` in `till.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersConfig {
    /// What a member card's barcode starts with (the shop's cards are printed so), e.g. `VIP`.
    #[serde(default = "default_card_prefix")]
    pub card_prefix: String,
    /// Points earned per whole yuan paid, after discounts (0: no points).
    #[serde(default = "default_points_per_yuan")]
    pub points_per_yuan: u32,
    /// Who may create and edit members at the till: `supervisor` (default) or `cashier`.
    #[serde(default)]
    pub edit_requires: super::member_form::EditRequires,
    /// Points that pay one yuan as a tender (积分抵现; 0: points are not a tender).
    #[serde(default = "default_points_per_yuan_redeemed")]
    pub points_per_yuan_redeemed: u32,
    /// The fewest points one redemption takes.
    #[serde(default = "default_points_per_yuan_redeemed")]
    pub redeem_min_points: u32,
    /// The most of a sale's total points may pay, in percent (100: all of it).
    #[serde(default = "default_redeem_max_percent")]
    pub redeem_max_percent: u32,
}

fn default_points_per_yuan_redeemed() -> u32 {
    100
}

fn default_redeem_max_percent() -> u32 {
    50
}

fn default_points_per_yuan() -> u32 {
    1
}

fn default_card_prefix() -> String {
    "VIP".into()
}

impl Default for MembersConfig {
    fn default() -> MembersConfig {
        MembersConfig {
            card_prefix: default_card_prefix(),
            points_per_yuan: default_points_per_yuan(),
            edit_requires: Default::default(),
            points_per_yuan_redeemed: default_points_per_yuan_redeemed(),
            redeem_min_points: default_points_per_yuan_redeemed(),
            redeem_max_percent: default_redeem_max_percent(),
        }
    }
}

/// A mobile phone number (11 digits, starting with 1). Personal data: shown and logged only masked.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// A phone number as the shop writes it (spaces and dashes dropped), if it is one.
    pub fn parse(text: &str) -> Option<Phone> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let ok = digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then_some(Phone(digits))
    }

    /// The whole number: for the store's index and the CSV export only.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `138****5678`: what screens, receipts and records show.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

/// The first three and the last four digits, the middle starred: `138****5678`.
pub fn mask_phone(digits: &str) -> String {
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// A member as the store keeps them (`members/<id>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The shop's member number.
    pub id: String,
    pub name: String,
    pub phone: Phone,
    /// The member card's barcode (none: no card).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub card: String,
    /// The level's name as the shop calls it (普通会员, 金卡…).
    #[serde(default)]
    pub level: String,
    /// Points held now.
    #[serde(default)]
    pub points: i64,
}

/// A member found, with what is derived from their records (the stored-value balance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    pub member: Member,
    pub balance: Fen,
}

/// What a member is looked up by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberQuery {
    Phone(Phone),
    Card(String),
    /// The member number (their member QR).
    Id(String),
}

/// What a member QR holds: this prefix and the member number.
pub const QR_PREFIX: &str = "till-member:";

/// The member attached to a sale, as the order keeps it: no whole phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberTag {
    pub id: String,
    pub name: String,
    /// Masked: `138****5678`.
    pub phone: String,
    #[serde(default)]
    pub level: String,
    /// Points this sale earns per whole yuan paid (`core::points`), fixed when attached.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub points_per_yuan: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl MemberTag {
    pub fn of(m: &Member) -> MemberTag {
        MemberTag {
            id: m.id.clone(),
            name: m.name.clone(),
            phone: m.phone.masked(),
            level: m.level.clone(),
            points_per_yuan: 0,
        }
    }
}

/// The member box while it is up: the lookup out, or the member found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub ticket: u32,
    /// How the member is being looked up, as shown (a phone masked).
    pub asked: String,
    pub found: Option<MemberCard>,
    /// What was asked (for the member form: a new member with the phone typed).
    #[serde(default)]
    pub query: Option<MemberQuery>,
    /// The lookup found nobody: the box stays, F2 creates the member.
    #[serde(default)]
    pub missing: bool,
}

/// Members at the till: the settings and the box.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Members {
    pub config: MembersConfig,
    pub view: Option<MemberView>,
    /// The last lookup's ticket.
    pub ticket: u32,
    /// The points and balance of the member attached to the sale on screen, as looked up.
    #[serde(default)]
    pub standing: Option<Standing>,
    /// The member form, over the box (see [`super::member_form`]).
    #[serde(default)]
    pub form: Option<super::member_form::MemberForm>,
}

/// A member's points and stored-value balance, as looked up for the sale `order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub order: super::order::OrderId,
    pub points: i64,
    pub balance: Fen,
}

/// Asks the app to look a member up (answered with `MemberMsg::Found`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberEffect {
    Find {
        ticket: u32,
        query: MemberQuery,
    },
    /// Save a member made or edited at the till (answered with `MemberMsg::Saved`), with its
    /// record for the back office.
    Save {
        ticket: u32,
        member: Member,
        new: bool,
        at: super::clock::Millis,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberMsg {
    /// The member of lookup `ticket`, none if no member has that phone, card or number, or why
    /// the store could not be read.
    Found { ticket: u32, result: Result<Option<MemberCard>, String> },
    /// The member form's save `ticket`: the member as stored, or why not.
    Saved { ticket: u32, result: Result<Member, super::member_form::SaveRefused> },
}

/// What the till says about members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberNotice {
    Looking,
    /// No member has that phone number, card or member number (shown as asked: a phone masked).
    NotFound {
        asked: String,
    },
    Failed {
        reason: String,
    },
    Attached {
        name: String,
    },
    /// Something is paid already: the sale keeps the member it has.
    TooLate,
    /// The member form: the name is empty.
    NameMissing,
    /// The member form: the phone is not an 11-digit mobile number.
    PhoneNotMobile,
    Saving,
    Saved {
        name: String,
    },
    /// The phone number is member `other`'s already.
    PhoneTaken {
        other: String,
    },
    /// The card is member `other`'s already.
    CardTaken {
        other: String,
    },
    /// A new member's number was taken: Enter again.
    NumberTaken,
}

impl MemberNotice {
    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            MemberNotice::Looking | MemberNotice::Attached { .. } | MemberNotice::Saving | MemberNotice::Saved { .. }
        )
    }
}

fn say(n: MemberNotice) -> Notice {
    Notice::Member(n)
}

/// What a code typed or scanned on the sale or tender screen asks for, if it is a member's: an
/// 11-digit phone number, a card with the shop's prefix, or a member QR.
pub fn query_of(config: &MembersConfig, code: &str) -> Option<MemberQuery> {
    let code = code.trim();
    if let Some(id) = code.strip_prefix(QR_PREFIX) {
        return (!id.is_empty()).then(|| MemberQuery::Id(id.to_string()));
    }
    if !config.card_prefix.is_empty() && code.starts_with(&config.card_prefix) && code.len() > config.card_prefix.len()
    {
        return Some(MemberQuery::Card(code.to_string()));
    }
    Phone::parse(code).filter(|_| code.bytes().all(|b| b.is_ascii_digit())).map(MemberQuery::Phone)
}

fn shown(query: &MemberQuery) -> String {
    match query {
        MemberQuery::Phone(p) => p.masked(),
        MemberQuery::Card(c) | MemberQuery::Id(c) => c.chars().take(32).collect(),
    }
}

/// Whether the sale on screen can take a member now.
fn can_attach(state: &State) -> bool {
    state.sale.open_attempt().is_none() && !state.sale.has_paid_parts()
}

/// Looks a member up for the sale on screen (a code typed or scanned, or a script's).
pub(super) fn find(state: &mut State, query: MemberQuery, fx: &mut Vec<Effect>) {
    if !matches!(state.screen, Screen::Sale | Screen::Pay { .. }) || !can_attach(state) {
        return refuse(state, say(MemberNotice::TooLate), fx);
    }
    state.members.ticket = state.members.ticket.wrapping_add(1);
    let ticket = state.members.ticket;
    state.input.clear();
    state.members.view =
        Some(MemberView { ticket, asked: shown(&query), found: None, query: Some(query.clone()), missing: false });
    state.notice = Some(say(MemberNotice::Looking));
    fx.push(Effect::Member(MemberEffect::Find { ticket, query }));
}

/// The store's answer.
pub(super) fn on_msg(state: &mut State, msg: MemberMsg, fx: &mut Vec<Effect>) {
    let (ticket, result) = match msg {
        MemberMsg::Found { ticket, result } => (ticket, result),
        MemberMsg::Saved { ticket, result } => return super::member_form::on_saved(state, ticket, result, fx),
    };
    let Some(view) = state.members.view.as_mut().filter(|v| v.ticket == ticket && v.found.is_none() && !v.missing)
    else {
        return; // an earlier lookup's answer, or the box was closed
    };
    match result {
        Ok(Some(card)) => {
            view.found = Some(card);
            state.notice = None;
            fx.push(Effect::Beep(Beep::Accepted));
        }
        Ok(None) => {
            let asked = view.asked.clone();
            view.missing = true;
            refuse(state, say(MemberNotice::NotFound { asked }), fx);
        }
        Err(reason) => {
            state.members.view = None;
            refuse(state, say(MemberNotice::Failed { reason }), fx);
        }
    }
}

/// The points and balance of the sale's member, if they were looked up for this sale.
pub fn standing(state: &State) -> Option<Standing> {
    state.members.standing.filter(|s| s.order == state.sale.id && state.sale.member.is_some())
}

/// Keys while the box is up: Enter attaches the member found, F2 opens the member form (to edit
/// the member found, or to create one when nobody was), Esc closes.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    match key {
        Key::F(2) if state.members.view.as_ref().is_some_and(|v| v.found.is_some() || v.missing) => {
            super::member_form::open(state)
        }
        Key::Enter => attach(state, fx),
        Key::Esc => {
            state.members.view = None;
            state.notice = None;
        }
        _ => {}
    }
}

fn attach(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(card) = state.members.view.as_ref().and_then(|v| v.found.clone()) else { return };
    state.members.view = None;
    if !can_attach(state) {
        return refuse(state, say(MemberNotice::TooLate), fx);
    }
    let tag = MemberTag { points_per_yuan: state.members.config.points_per_yuan, ..MemberTag::of(&card.member) };
    state.sale.member = Some(tag);
    // Member prices and level discounts (promotions for members) apply from now on.
    super::discount::reprice(state, None);
    state.members.standing = Some(Standing { order: state.sale.id, points: card.member.points, balance: card.balance });
    state.notice = Some(say(MemberNotice::Attached { name: card.member.name.clone() }));
    if !state.sale.lines.is_empty() {
        fx.push(state.save(&state.sale));
    }
}
