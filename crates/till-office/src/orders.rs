//! Order lookup across tills (till_proto::orders): a till asks for an order another till of its
//! shop took (`GET /v1/orders?number=N`, signed), and holds the cash it is about to give back for
//! such an order (`POST /v1/refund-holds`, signed). Only tills of the order's own shop are
//! answered; any other till gets the same 404 as for a number nobody took. Unknown or revoked
//! tills and bad signatures are refused before anything is read ([`authenticate`]).
//!
//! Cash is the office's to guard: a hold is granted in a transaction that locks the order's row,
//! only while what was paid in cash, less every cash refund and hold of the order (by any till),
//! covers it. Two tills holding at once are served one after the other; the second sees the first.
//! A hold counts until the till's refund record under the same number arrives and replaces it.

use crate::Shared;
use crate::ingest::{Answer, authenticate, refused, unavailable};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use deadpool_postgres::GenericClient;
use serde::Deserialize;
use serde_json::Value;
use till_proto::orders::{HoldAnswer, HoldRequest, OrderAnswer, RefundSeen, hold_key, lookup_key};
use till_proto::sign::HEADER_IDEMPOTENCY;

#[derive(Deserialize)]
pub struct Number {
    pub number: String,
}

fn signed_key(headers: &HeaderMap) -> Option<&str> {
    headers.get(HEADER_IDEMPOTENCY).and_then(|v| v.to_str().ok())
}

fn not_here() -> Answer {
    refused(StatusCode::NOT_FOUND, "no such order in this till's shop")
}

/// `GET /v1/orders?number=N`: the order as its till recorded it, with every refund of it.
pub async fn lookup(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<Number>) -> Answer {
    let (signed, _) = match authenticate(&office, &headers, b"").await {
        Ok(ok) => ok,
        Err(answer) => return answer,
    };
    if signed_key(&headers) != Some(lookup_key(&q.number).as_str()) {
        return refused(StatusCode::BAD_REQUEST, "the signed key is not this request's");
    }
    let client = match office.pool.get().await {
        Ok(c) => c,
        Err(e) => return unavailable(e),
    };
    match read(&client, &signed.device_id, &q.number).await {
        Ok(Some(answer)) => {
            tracing::info!(asker = signed.device_id, till = answer.device_id, number = q.number, "order looked up");
            (StatusCode::OK, Json(serde_json::to_value(answer).unwrap_or_default()))
        }
        Ok(None) => not_here(),
        Err(e) => unavailable(e),
    }
}

/// The order `number` of a till in `asker`'s shop, with its refunds and holds.
async fn read(client: &impl GenericClient, asker: &str, number: &str) -> anyhow::Result<Option<OrderAnswer>> {
    let Some(row) = client
        .query_opt(
            "SELECT o.record_id, o.device_id, d.name, r.body -> 'order',
                    (SELECT coalesce(sum(amount_fen), 0)::bigint FROM payments p WHERE p.record_id = o.record_id)
             FROM orders o JOIN devices d ON d.device_id = o.device_id JOIN records r ON r.id = o.record_id
             WHERE o.number = $1 AND d.shop = (SELECT shop FROM devices WHERE device_id = $2)
             ORDER BY o.closed_at DESC LIMIT 1",
            &[&number, &asker],
        )
        .await?
    else {
        return Ok(None);
    };
    let device_id: String = row.get(1);
    let refunds = refunds_of(client, &device_id, number, asker).await?;
    Ok(Some(OrderAnswer { device_id, till_name: row.get(2), order: row.get::<_, Value>(3), paid: row.get(4), refunds }))
}

/// Money given back for an order (refunds that refunded, by any till) and cash held for it.
async fn refunds_of(
    client: &impl GenericClient,
    device_id: &str,
    number: &str,
    asker: &str,
) -> anyhow::Result<Vec<RefundSeen>> {
    let rows = client
        .query(
            "SELECT out_refund_no, amount_fen, cash, device_id = $3, false FROM refunds
             WHERE order_number = $2 AND coalesce(of_device_id, device_id) = $1 AND refunded
             UNION ALL
             SELECT out_refund_no, amount_fen, true, device_id = $3, true FROM refund_holds
             WHERE order_device_id = $1 AND order_number = $2",
            &[&device_id, &number, &asker],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| RefundSeen {
            out_refund_no: r.get(0),
            amount: r.get(1),
            cash: r.get(2),
            this_till: r.get(3),
            held: r.get(4),
        })
        .collect())
}

/// `POST /v1/refund-holds`: cash for another till's order, granted only while it is still owed.
pub async fn hold(State(office): State<Shared>, headers: HeaderMap, body: Bytes) -> Answer {
    let (signed, text) = match authenticate(&office, &headers, &body).await {
        Ok(ok) => ok,
        Err(answer) => return answer,
    };
    let Ok(request) = serde_json::from_str::<HoldRequest>(text) else {
        return refused(StatusCode::BAD_REQUEST, "not a refund hold");
    };
    if signed_key(&headers) != Some(hold_key(&request.out_refund_no).as_str()) {
        return refused(StatusCode::BAD_REQUEST, "the signed key is not this request's");
    }
    if request.amount <= 0 {
        return refused(StatusCode::UNPROCESSABLE_ENTITY, "a hold is of a positive amount");
    }
    match grant(&office, &signed.device_id, &request).await {
        Ok(Some(answer)) => {
            tracing::info!(
                asker = signed.device_id,
                number = request.number,
                amount = request.amount,
                granted = answer.granted,
                "refund hold"
            );
            let status = if answer.granted { StatusCode::CREATED } else { StatusCode::CONFLICT };
            (status, Json(serde_json::to_value(answer).unwrap_or_default()))
        }
        Ok(None) => not_here(),
        Err(e) => unavailable(e),
    }
}

async fn grant(office: &Shared, asker: &str, h: &HoldRequest) -> anyhow::Result<Option<HoldAnswer>> {
    let mut client = office.pool.get().await?;
    let tx = client.transaction().await?;
    // The order's row, locked: holds of one order are decided one at a time.
    let Some(row) = tx
        .query_opt(
            "SELECT o.record_id FROM orders o JOIN devices d ON d.device_id = o.device_id
             WHERE o.device_id = $1 AND o.number = $2
               AND d.shop = (SELECT shop FROM devices WHERE device_id = $3)
             FOR UPDATE OF o",
            &[&h.device_id, &h.number, &asker],
        )
        .await?
    else {
        return Ok(None);
    };
    let record_id: i64 = row.get(0);
    let paid = tx
        .query_one(
            "SELECT coalesce(sum(amount_fen), 0)::bigint, coalesce(sum(amount_fen) FILTER (WHERE kind = 'cash'), 0)::bigint
             FROM payments WHERE record_id = $1",
            &[&record_id],
        )
        .await?;
    let (paid, cash_paid): (i64, i64) = (paid.get(0), paid.get(1));
    let seen = refunds_of(&tx, &h.device_id, &h.number, asker).await?;
    let sum = |cash_only: bool| {
        seen.iter()
            .filter(|r| r.out_refund_no != h.out_refund_no || !r.this_till)
            .filter(|r| !cash_only || r.cash)
            .fold(0i64, |s, r| s.saturating_add(r.amount))
    };
    let refundable = paid.saturating_sub(sum(false)).min(cash_paid.saturating_sub(sum(true))).max(0);
    // Asked again under the same number (the till's answer was lost): answered as the first time.
    if seen.iter().any(|r| r.this_till && r.out_refund_no == h.out_refund_no && r.amount == h.amount) {
        tx.commit().await?;
        return Ok(Some(HoldAnswer { granted: true, refundable: refundable.saturating_sub(h.amount) }));
    }
    if h.amount > refundable {
        tx.commit().await?;
        return Ok(Some(HoldAnswer { granted: false, refundable }));
    }
    tx.execute(
        "INSERT INTO refund_holds (device_id, out_refund_no, order_device_id, order_number, amount_fen)
         VALUES ($1, $2, $3, $4, $5)",
        &[&asker, &h.out_refund_no, &h.device_id, &h.number, &h.amount],
    )
    .await?;
    tx.commit().await?;
    Ok(Some(HoldAnswer { granted: true, refundable: refundable - h.amount }))
}
