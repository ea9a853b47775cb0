//! Payments in doubt (record kind `doubt`): a till's payment attempt with no definite answer yet
//! opens a row; its resolution closes it. Only what the till said, shown to the owner: nothing
//! here moves money or asks a platform anything.

use super::Projected;
use till_proto::record::{DoubtRecord, PaymentKind};
use tokio_postgres::Transaction;

/// Opens (or, for a resolution, closes) the attempt's row. A resolution that arrives first (it
/// cannot, as the till sends them in order, but a row must never be lost) makes the row closed.
pub(super) async fn project(tx: &Transaction<'_>, device_id: &str, r: &DoubtRecord) -> Projected {
    let a = &r.attempt;
    let platform = PaymentKind::from(a.platform).as_str();
    let outcome = a.outcome();
    if r.key.starts_with("doubt-resolved:") != outcome.is_some() {
        return Ok(Err(format!("{}: its attempt's state does not fit its key", r.key)));
    }
    let resolved_at = outcome.map(|_| r.at);
    tx.execute(
        "INSERT INTO payments_in_doubt (device_id, out_trade_no, order_number, platform, amount_fen, started_at,
                                        since, reason, outcome, resolved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (device_id, out_trade_no) DO UPDATE SET
             order_number = EXCLUDED.order_number,
             outcome = coalesce(EXCLUDED.outcome, payments_in_doubt.outcome),
             resolved_at = coalesce(EXCLUDED.resolved_at, payments_in_doubt.resolved_at)",
        &[
            &device_id,
            &a.out_trade_no,
            &r.order_number,
            &platform,
            &a.amount,
            &a.started_at,
            &r.at,
            &a.reason(),
            &outcome,
            &resolved_at,
        ],
    )
    .await?;
    Ok(Ok(()))
}
