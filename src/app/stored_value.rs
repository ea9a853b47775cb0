//! Stored value (储值) in the store, on the app side: a member's balance and ledger as the order
//! saves left them (`store/redb_stored_value.rs`), their PIN (an argon2id hash, `member_pins/<id>`,
//! never logged), and the check a spend waits for (`SvEffect::Check`), off the render loop.

use super::auth::{hash_pin, verify_pin};
use super::members::MembersError;
use crate::core::Msg;
use crate::core::auth::PinHash;
use crate::core::stored_value::Entry;
use crate::core::sv_till::{CheckFailed, SvEffect, SvMsg};
use crate::store::redb_stored_value::Balance;
use crate::store::{Put, Store, StoreError, Table};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

fn corrupt(key: &str, e: &serde_json::Error) -> MembersError {
    MembersError::Corrupt { key: key.to_string(), reason: e.to_string() }
}

/// The member's balance (zero if they never had stored value).
pub fn balance(store: &dyn Store, member: &str) -> Result<Balance, MembersError> {
    match store.record(Table::StoredBalance, member)? {
        Some(v) => serde_json::from_str(&v).map_err(|e| corrupt(&format!("stored_balance/{member}"), &e)),
        None => Ok(Balance::default()),
    }
}

/// The member's ledger, oldest first (a top-up before its bonus).
pub fn ledger(store: &dyn Store, member: &str) -> Result<Vec<Entry>, MembersError> {
    let prefix = format!("{member}/");
    let mut out = Vec::new();
    for (k, v) in store.records(Table::StoredValue)?.into_iter().filter(|(k, _)| k.starts_with(&prefix)) {
        out.push(serde_json::from_str::<Entry>(&v).map_err(|e| corrupt(&format!("stored_value/{k}"), &e))?);
    }
    out.sort_by(|a, b| (a.at, a.kind, &a.key).cmp(&(b.at, b.kind, &b.key)));
    Ok(out)
}

/// Sets the member's PIN (its hash only is kept). CPU work: call it off the render loop.
pub fn set_pin(store: &dyn Store, member: &str, pin: &str) -> Result<(), MembersError> {
    if pin.len() < 4 || pin.len() > crate::core::sv_till::PIN_MAX || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MembersError::Store(StoreError::Corrupt {
            key: format!("member_pins/{member}"),
            reason: "a member PIN is 4 to 8 digits".into(),
        }));
    }
    let hash = hash_pin(pin).map_err(|e| MembersError::Corrupt { key: member.to_string(), reason: e.to_string() })?;
    store.write_records(&[Put { table: Table::MemberPins, key: member.to_string(), value: Some(hash.0) }], None)?;
    Ok(())
}

/// Sets the member's PIN if they have none (a top-up's new PIN); `false`: they had one, unchanged.
pub fn set_pin_if_none(store: &dyn Store, member: &str, pin: &str) -> Result<bool, MembersError> {
    if store.record(Table::MemberPins, member)?.is_some() {
        return Ok(false);
    }
    set_pin(store, member, pin).map(|()| true)
}

/// The balance and today's spending of `member`, if `pin` is theirs (when one is asked for).
fn check(
    store: &dyn Store,
    member: &str,
    pin: Option<&str>,
    since: crate::core::clock::Millis,
) -> Result<(crate::core::money::Fen, crate::core::money::Fen), CheckFailed> {
    let failed = |e: MembersError| CheckFailed::Store(e.to_string());
    if let Some(pin) = pin {
        let hash = store.record(Table::MemberPins, member).map_err(|e| failed(e.into()))?.ok_or(CheckFailed::NoPin)?;
        if !verify_pin(pin, &PinHash(hash)) {
            return Err(CheckFailed::WrongPin);
        }
    }
    let b = balance(store, member).map_err(failed)?;
    Ok((b.balance, b.spent_since(since)))
}

/// Runs a stored-value effect off the render loop; the answer comes back as `Msg::StoredValue`.
pub(super) fn run(effect: SvEffect, store: &Arc<dyn Store>, msgs: &UnboundedSender<Msg>) {
    let (store, msgs) = (store.clone(), msgs.clone());
    match effect {
        SvEffect::Check { ticket, member, pin, since } => {
            tokio::spawn(async move {
                let read = tokio::task::spawn_blocking(move || {
                    check(store.as_ref(), &member, pin.as_ref().map(|p| p.0.as_str()), since)
                })
                .await;
                let result = read.unwrap_or_else(|e| Err(CheckFailed::Store(e.to_string())));
                if let Err(CheckFailed::Store(error)) = &result {
                    tracing::warn!(error, "stored value could not be checked");
                }
                let _ = msgs.send(Msg::StoredValue(SvMsg::Checked { ticket, result }));
            });
        }
        SvEffect::HasPin { ticket, member } => {
            tokio::spawn(async move {
                let read = tokio::task::spawn_blocking(move || store.record(Table::MemberPins, &member)).await;
                // A store that cannot be read asks for no new PIN (a PIN is never replaced blindly).
                let set = !matches!(read, Ok(Ok(None)));
                let _ = msgs.send(Msg::StoredValue(SvMsg::HasPin { ticket, set }));
            });
        }
        SvEffect::SetPin { ticket, member, pin } => {
            tokio::spawn(async move {
                let kept = tokio::task::spawn_blocking(move || set_pin_if_none(store.as_ref(), &member, &pin.0)).await;
                let result = match kept {
                    Ok(Ok(kept)) => Ok(kept),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(error) = &result {
                    tracing::warn!(error, "a member's new PIN could not be kept");
                }
                let _ = msgs.send(Msg::StoredValue(SvMsg::PinSet { ticket, result }));
            });
        }
        SvEffect::VerifyCode { ticket, code, at } => {
            tokio::spawn(async move {
                let member = code.member.clone();
                let read =
                    tokio::task::spawn_blocking(move || super::member_code::verify(store.as_ref(), &code, at)).await;
                let result = read.unwrap_or_else(|e| Err(crate::core::member_code::CodeRefused::Store(e.to_string())));
                if let Err(crate::core::member_code::CodeRefused::Store(error)) = &result {
                    tracing::warn!(error, "a member code could not be checked");
                }
                let _ = msgs.send(Msg::StoredValue(SvMsg::CodeChecked { ticket, member, result }));
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Counters;
    use crate::core::clock::Millis;
    use crate::core::money::Fen;
    use crate::core::order::{Line, Order, OrderStatus, Tender};
    use crate::core::stored_value::{EntryKind, GivenBack, Spent, TopUp};
    use crate::store::{OutboxKind, RedbStore};

    fn top_up(id: u64) -> Order {
        let mut o = Order::new(id, Millis(1_000), "01".into());
        o.lines.push(Line { barcode: String::new(), name: "top-up".into(), unit_price: Fen(20000), qty: 1 });
        o.top_up = Some(TopUp {
            member: "M1".into(),
            phone: "138****5678".into(),
            paid: Fen(20000),
            bonus: Fen(5000),
            balance: None,
        });
        o.status = OrderStatus::Paid;
        o.tender = Some(Tender::Cash { received: Fen(20000), change: Fen::ZERO });
        o.number = Some(format!("N{id}"));
        o.closed_at = Some(Millis(2_000));
        o
    }

    #[test]
    fn entries_are_appended_once_with_the_orders_save_and_each_goes_to_the_outbox() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        let t = top_up(1);
        store.save(&t, &Counters::default()).expect("top-up");
        store.save(&t, &Counters::default()).expect("saved again: nothing twice");
        assert_eq!(balance(&store, "M1").expect("balance").balance, Fen(25000));
        // A sale paid partly from the balance, then a part of that given back.
        let mut sale = Order::new(2, Millis(3_000), "01".into());
        sale.lines.push(Line { barcode: "1".into(), name: "a".into(), unit_price: Fen(1500), qty: 1 });
        sale.stored_value.push(Spent { member: "M1".into(), amount: Fen(1000), at: Millis(3_500) });
        store.save(&sale, &Counters::default()).expect("the part taken");
        let b = balance(&store, "M1").expect("balance");
        assert_eq!(
            (b.balance, b.spent_since(Millis(0)), b.spent_since(Millis(4_000))),
            (Fen(24000), Fen(1000), Fen::ZERO)
        );
        sale.value_back.push(GivenBack {
            number: "R1".into(),
            amount: Fen(400),
            at: Millis(5_000),
            operator: "01".into(),
        });
        store.save(&sale, &Counters::default()).expect("given back");
        store.save(&sale, &Counters::default()).expect("again");
        let kinds: Vec<(EntryKind, Fen)> =
            ledger(&store, "M1").expect("ledger").iter().map(|e| (e.kind, e.amount)).collect();
        assert_eq!(
            kinds,
            [
                (EntryKind::TopUp, Fen(20000)),
                (EntryKind::Bonus, Fen(5000)),
                (EntryKind::Spend, Fen(1000)),
                (EntryKind::Refund, Fen(400))
            ]
        );
        assert_eq!(balance(&store, "M1").expect("balance").balance, Fen(24400));
        let sent: Vec<String> = store
            .outbox_pending(100)
            .expect("outbox")
            .into_iter()
            .filter(|r| r.kind == OutboxKind::StoredValue)
            .map(|r| r.key)
            .collect();
        assert_eq!(
            sent,
            [
                "stored_value:M1:topup:1",
                "stored_value:M1:bonus:1",
                "stored_value:M1:spend:2:0",
                "stored_value:M1:refund:2:R1"
            ]
        );
    }

    #[test]
    fn a_members_pin_is_kept_hashed_and_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        assert_eq!(check(&store, "M1", Some("2468"), Millis(0)), Err(CheckFailed::NoPin));
        set_pin(&store, "M1", "2468").expect("pin");
        let kept = store.record(Table::MemberPins, "M1").expect("read").expect("hash");
        assert!(!kept.contains("2468") && kept.starts_with("$argon2id$"), "only a hash is kept");
        assert_eq!(check(&store, "M1", Some("1357"), Millis(0)), Err(CheckFailed::WrongPin));
        assert_eq!(check(&store, "M1", Some("2468"), Millis(0)), Ok((Fen::ZERO, Fen::ZERO)));
        assert!(set_pin(&store, "M1", "12").is_err(), "4 to 8 digits");
    }
}
