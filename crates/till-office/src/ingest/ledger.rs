//! The members' ledger (issues 20/21), projected in the record's own transaction: each stored-value
//! entry once (`stored_value_entries`), a top-up order apart from the sales (`top_ups`), a sale's
//! parts paid from a balance as payments of kind `stored_value`, and a member's sales and the points
//! they earned or a refund took back (`member_points`). Money is integer fen with checked sums: a
//! record whose amounts do not add up is refused (422) and nothing of it is kept.

use super::Projected;
use till_proto::record::{Order, OrderRecord, PaymentKind, RefundRecord, StoredValueRecord, Tender, TenderPart};
use tokio_postgres::Transaction;

/// The kinds of entry the till makes (`core::stored_value::EntryKind`, snake case).
const KINDS: [&str; 4] = ["top_up", "bonus", "spend", "refund"];

/// One ledger entry; the same entry (till, member, entry key) again changes nothing.
pub(super) async fn project_entry(tx: &Transaction<'_>, id: i64, device_id: &str, r: &StoredValueRecord) -> Projected {
    let e = &r.entry;
    if !KINDS.contains(&e.kind.as_str()) {
        return Ok(Err(format!("{}: no such stored-value entry kind {:?}", r.key, e.kind)));
    }
    if e.amount <= 0 || r.balance < 0 {
        return Ok(Err(format!("{}: an entry's amount must be above zero and a balance never below", r.key)));
    }
    let delta = if e.kind == "spend" { -e.amount } else { e.amount };
    tx.execute(
        "INSERT INTO stored_value_entries (device_id, member_id, entry_key, record_id, kind, amount_fen, delta_fen,
                                           balance_fen, order_number, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (device_id, member_id, entry_key) DO NOTHING",
        &[&device_id, &e.member, &e.key, &id, &e.kind, &e.amount, &delta, &r.balance, &r.order_number, &e.at],
    )
    .await?;
    Ok(Ok(()))
}

/// A top-up order: what was paid must be its one line, and its payments must add up to it.
pub(super) async fn project_top_up(tx: &Transaction<'_>, id: i64, device_id: &str, r: &OrderRecord) -> Projected {
    let o = &r.order;
    let Some(t) = &o.top_up else { return Ok(Err("not a top-up".into())) };
    let paid = o.payments().and_then(|p| p.iter().try_fold(0i64, |sum, p| sum.checked_add(p.amount)));
    if t.paid <= 0 || t.bonus < 0 || o.total() != Some(t.paid) || paid != Some(t.paid) || o.stored_value_paid() != 0 {
        return Ok(Err(format!(
            "{}: a top-up's payments ({paid:?} fen) are not what it paid in ({} fen)",
            r.key, t.paid
        )));
    }
    let number = o.number.clone().unwrap_or_else(|| r.key.trim_start_matches("order:").to_string());
    let in_cash = matches!(o.tender, Some(Tender::Cash { .. }));
    tx.execute(
        "INSERT INTO top_ups (record_id, device_id, number, member_id, paid_fen, bonus_fen, in_cash, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[&id, &device_id, &number, &t.member, &t.paid, &t.bonus, &in_cash, &o.closed_at.unwrap_or(o.opened_at)],
    )
    .await?;
    Ok(Ok(()))
}

/// The order's parts paid from members' balances, as payments numbered after `after`.
pub(super) async fn stored_value_payments(
    tx: &Transaction<'_>,
    id: i64,
    o: &Order,
    after: usize,
) -> Result<(), tokio_postgres::Error> {
    let Some(Tender::Mixed { parts }) = &o.tender else { return Ok(()) };
    let spent = parts.iter().filter_map(|p| match p {
        TenderPart::StoredValue { member, amount } => Some((member, amount)),
        _ => None,
    });
    for (n, (member, amount)) in spent.enumerate() {
        let part_no = i32::try_from(after + n + 1).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO payments (record_id, part_no, kind, amount_fen, reference) VALUES ($1, $2, $3, $4, $5)",
            &[&id, &part_no, &PaymentKind::StoredValue.as_str(), amount, member],
        )
        .await?;
    }
    Ok(())
}

/// Points of `fen` at `rate` per whole yuan (the till's `core::points`).
fn points_of(fen: i64, rate: u32) -> i64 {
    (fen.max(0) / 100).saturating_mul(i64::from(rate))
}

/// A member's sale: a visit, and the points it earned.
pub(super) async fn member_sale(
    tx: &Transaction<'_>,
    device_id: &str,
    number: &str,
    o: &Order,
    total: i64,
) -> Result<(), tokio_postgres::Error> {
    let Some(m) = &o.member else { return Ok(()) };
    let rate = i32::try_from(m.points_per_yuan).unwrap_or(i32::MAX);
    let at = o.closed_at.unwrap_or(o.opened_at);
    tx.execute(
        "INSERT INTO member_points (device_id, key, member_id, order_number, points_per_yuan, points, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (device_id, key) DO NOTHING",
        &[&device_id, &format!("earn:{number}"), &m.id, &number, &rate, &points_of(total, m.points_per_yuan), &at],
    )
    .await?;
    Ok(())
}

/// A refund of a member's sale takes back the points of what it gave back, never more than the
/// sale earned (as the till does).
pub(super) async fn points_back(
    tx: &Transaction<'_>,
    device_id: &str,
    r: &RefundRecord,
) -> Result<(), tokio_postgres::Error> {
    if !r.refund.refunded() {
        return Ok(());
    }
    let Some(row) = tx
        .query_opt(
            "SELECT member_id, points_per_yuan, coalesce(sum(points), 0)::bigint FROM member_points
             WHERE device_id = $1 AND order_number = $2 GROUP BY member_id, points_per_yuan",
            &[&device_id, &r.order_number],
        )
        .await?
    else {
        return Ok(());
    };
    let (member, rate, left): (String, i32, i64) = (row.get(0), row.get(1), row.get(2));
    let back = points_of(r.refund.amount, u32::try_from(rate).unwrap_or(0)).min(left.max(0));
    if back > 0 {
        tx.execute(
            "INSERT INTO member_points (device_id, key, member_id, order_number, points_per_yuan, points, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (device_id, key) DO NOTHING",
            &[
                &device_id,
                &format!("back:{}", r.refund.out_refund_no),
                &member,
                &r.order_number,
                &rate,
                &-back,
                &r.refund.requested_at,
            ],
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::points_of;

    #[test]
    fn points_are_per_whole_yuan_as_at_the_till() {
        assert_eq!(points_of(1999, 2), 38);
        assert_eq!(points_of(-500, 2), 0);
        assert_eq!(points_of(i64::MAX, u32::MAX), i64::MAX);
    }
}
