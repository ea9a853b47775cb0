//! Members (会员) in the store: `members/<number>` → the member's JSON, and the lookup index
//! `member_keys/phone:<digits>` and `member_keys/card:<barcode>` → the member number. A lookup is
//! two point reads (`find`); a write keeps the index and the record together in one transaction
//! (`put_all`). Phone numbers never reach a log: errors name the member number or the line.

use super::members_csv::{self, MemberCsvError, Problem};
use crate::core::Msg;
use crate::core::clock::Millis;
use crate::core::member_form::SaveRefused;
use crate::core::members::{Member, MemberCard, MemberEffect, MemberMsg, MemberQuery};
use crate::store::{Dispatch, OutboxKind, Put, Store, StoreError, Table};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, thiserror::Error)]
pub enum MembersError {
    /// The store could not be read or written; nothing was changed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored member does not decode (damaged store).
    #[error("member record {key} is damaged: {reason}")]
    Corrupt { key: String, reason: String },
    /// A malformed CSV row: nothing was imported.
    #[error("nothing imported: {0}")]
    Csv(#[from] MemberCsvError),
    /// The phone number or card is another member's (named by number, never by phone).
    #[error("the phone number or card of member {id} is already member {other}'s")]
    Taken { id: String, other: String },
}

fn phone_key(m: &Member) -> String {
    format!("phone:{}", m.phone.digits())
}

fn card_key(card: &str) -> String {
    format!("card:{card}")
}

fn decode(key: &str, value: &str) -> Result<Member, MembersError> {
    serde_json::from_str(value)
        .map_err(|e| MembersError::Corrupt { key: format!("members/{key}"), reason: e.to_string() })
}

/// The member with this number.
pub fn get(store: &dyn Store, id: &str) -> Result<Option<Member>, MembersError> {
    store.record(Table::Members, id)?.map(|v| decode(id, &v)).transpose()
}

/// The member a phone number, card or member number belongs to, with their balance.
pub fn find(store: &dyn Store, query: &MemberQuery) -> Result<Option<MemberCard>, MembersError> {
    let id = match query {
        MemberQuery::Id(id) => Some(id.clone()),
        MemberQuery::Phone(p) => store.record(Table::MemberKeys, &format!("phone:{}", p.digits()))?,
        MemberQuery::Card(c) => store.record(Table::MemberKeys, &card_key(c))?,
    };
    let Some(id) = id else { return Ok(None) };
    let Some(member) = get(store, &id)? else { return Ok(None) };
    let balance = super::stored_value::balance(store, &member.id)?.balance;
    Ok(Some(MemberCard { member, balance }))
}

/// Every stored member, by number.
pub fn all(store: &dyn Store) -> Result<Vec<Member>, MembersError> {
    store.records(Table::Members)?.into_iter().map(|(k, v)| decode(&k, &v)).collect()
}

/// Writes members (new ones, or new versions of stored ones) with their index in one
/// transaction. A phone number or card another member keeps is refused, with nothing written.
pub fn put_all(store: &dyn Store, members: &[Member]) -> Result<(), MembersError> {
    let mut puts = puts_of(store, members)?;
    // A member's dynamic-code secret is made with the member (kept when they are imported again).
    puts.extend(super::member_code::secret_puts(store, members)?);
    store.write_records(&puts, None)?;
    Ok(())
}

/// The writes of [`put_all`]: members and their index, old keys removed first.
fn puts_of(store: &dyn Store, members: &[Member]) -> Result<Vec<Put>, MembersError> {
    let mut puts = Vec::new();
    let mut claimed: BTreeMap<String, &str> = BTreeMap::new();
    for m in members {
        let mut keys = vec![phone_key(m)];
        if !m.card.is_empty() {
            keys.push(card_key(&m.card));
        }
        for key in &keys {
            let owner = match claimed.insert(key.clone(), &m.id) {
                Some(other) => Some(other.to_string()),
                None => store.record(Table::MemberKeys, key)?,
            };
            if let Some(other) = owner.filter(|o| *o != m.id && !members.iter().any(|n| n.id == *o && !owns(n, key))) {
                return Err(MembersError::Taken { id: m.id.clone(), other });
            }
        }
        if let Some(old) = get(store, &m.id)? {
            puts.push(Put::remove(Table::MemberKeys, phone_key(&old)));
            if !old.card.is_empty() {
                puts.push(Put::remove(Table::MemberKeys, card_key(&old.card)));
            }
        }
        let json = serde_json::to_string(m)
            .map_err(|e| MembersError::Corrupt { key: format!("members/{}", m.id), reason: e.to_string() })?;
        puts.push(Put { table: Table::Members, key: m.id.clone(), value: Some(json) });
        for key in keys {
            puts.push(Put { table: Table::MemberKeys, key, value: Some(m.id.clone()) });
        }
    }
    // The removals of old keys come before the new ones of the same transaction: a key handed
    // from one member to another in one import ends with its new owner.
    puts.sort_by_key(|p| p.value.is_some());
    Ok(puts)
}

/// The member form's save (`MemberEffect::Save`, at `at` by the till's clock): a phone number or
/// card another member keeps, or a new member's number already taken, is refused with nothing
/// written; an edited member keeps the points the store has now. The member, their index and
/// their record for the back office (`member:<number>:<at>`, one per change, the phone masked)
/// are one flushed write. Returns the member as stored.
pub fn save(store: &dyn Store, member: &Member, new: bool, at: Millis) -> Result<Member, SaveRefused> {
    let failed = |e: MembersError| SaveRefused::Failed { reason: e.to_string() };
    let stored = get(store, &member.id).map_err(failed)?;
    if new && stored.is_some() {
        return Err(SaveRefused::NumberTaken);
    }
    let owner = |key: String| store.record(Table::MemberKeys, &key).map_err(|e| failed(e.into()));
    if let Some(other) = owner(phone_key(member))?.filter(|o| *o != member.id) {
        return Err(SaveRefused::PhoneTaken { other });
    }
    if !member.card.is_empty()
        && let Some(other) = owner(card_key(&member.card))?.filter(|o| *o != member.id)
    {
        return Err(SaveRefused::CardTaken { other });
    }
    let member = Member { points: stored.map_or(member.points, |m| m.points), ..member.clone() };
    let mut puts = puts_of(store, std::slice::from_ref(&member)).map_err(failed)?;
    puts.extend(super::member_code::secret_puts(store, std::slice::from_ref(&member)).map_err(failed)?);
    let key = format!("member:{}:{}", member.id, at.0);
    let content = serde_json::json!({
        "id": member.id,
        "name": member.name,
        "phone": member.phone.masked(),
        "card": member.card,
        "level": member.level,
        "new": new,
        "changed_at": at.0,
    });
    let dispatch = Dispatch { kind: OutboxKind::Member, key: key.clone(), subject: key, field: "member", content };
    store.write_records(&puts, Some(&dispatch)).map_err(|e| failed(e.into()))?;
    Ok(member)
}

/// Whether member `m` keeps index key `key` after this write.
fn owns(m: &Member, key: &str) -> bool {
    phone_key(m) == key || (!m.card.is_empty() && card_key(&m.card) == key)
}

/// `till members import`: the file's members are added, or replace the stored ones with their
/// numbers; others stay. The whole file or nothing. Returns the number of members in the file.
pub fn import_csv(store: &dyn Store, text: &str) -> Result<usize, MembersError> {
    let rows = members_csv::parse(text)?;
    let members: Vec<Member> = rows.iter().map(|(_, m)| m.clone()).collect();
    match put_all(store, &members) {
        Err(MembersError::Taken { id, other }) => {
            let line = rows.iter().find(|(_, m)| m.id == id).map_or(1, |(l, _)| *l);
            let problem = Problem::Csv(format!("the phone number or card is already member {other}'s"));
            Err(MembersError::Csv(MemberCsvError { line, problem }))
        }
        other => other.map(|()| members.len()),
    }
}

/// `till members export`: every member as CSV, by number.
pub fn export_csv(store: &dyn Store) -> Result<String, MembersError> {
    Ok(members_csv::write(&all(store)?))
}

/// Runs a member effect off the render loop; the answer comes back as `Msg::Member`.
pub(super) fn run(effect: MemberEffect, store: &Arc<dyn Store>, msgs: &UnboundedSender<Msg>) {
    let (store, msgs) = (store.clone(), msgs.clone());
    match effect {
        MemberEffect::Find { ticket, query } => {
            tokio::spawn(async move {
                let read = tokio::task::spawn_blocking(move || find(store.as_ref(), &query)).await;
                let result = match read {
                    Ok(found) => found.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(error) = &result {
                    tracing::warn!(error, "member lookup failed");
                }
                let _ = msgs.send(Msg::Member(MemberMsg::Found { ticket, result }));
            });
        }
        MemberEffect::Save { ticket, member, new, at } => {
            tokio::spawn(async move {
                let id = member.id.clone();
                let written = tokio::task::spawn_blocking(move || save(store.as_ref(), &member, new, at)).await;
                let result = written.unwrap_or_else(|e| Err(SaveRefused::Failed { reason: e.to_string() }));
                if let Err(error) = &result {
                    tracing::warn!(member = %id, ?error, "member not saved");
                }
                let _ = msgs.send(Msg::Member(MemberMsg::Saved { ticket, result }));
            });
        }
    }
}

#[cfg(test)]
mod tests;
