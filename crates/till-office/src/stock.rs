//! The shop's stock (docs/back-office.md, "Stock across tills"): for each product the shop's tills
//! keep stock of (one on a goods-in or count sheet), the last count plus every movement since,
//! ordered by the till-side time — goods in, sales, exchanges' goods coming back and the goods
//! refunds take back. The low-stock list on the shop page and the levels sent down to the tills
//! (`GET /v1/stock`, till_proto::stock) are both this one query.

use crate::Shared;
use crate::ingest::{Answer, authenticate};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use deadpool_postgres::GenericClient;
use serde::Deserialize;
use till::core::order::{Order, Refund};
use till_proto::record::RefundRecord;
use till_proto::stock::{StockAnswer, StockLevels, signing_key};

/// Each kept product of `shop` (barcode, name, level), the lowest first; with `at_most`, only
/// those at or below it (and at most 50).
const LEVELS_SQL: &str = "
WITH tills AS (SELECT device_id FROM devices WHERE shop = $1),
sheets AS (SELECT s.kind, s.applied_at, s.sheet FROM stock_sheets s WHERE s.device_id IN (SELECT device_id FROM tills)),
counted AS (
    SELECT DISTINCT ON (l ->> 'barcode') l ->> 'barcode' AS barcode, (l ->> 'qty')::bigint AS qty, s.applied_at AS at
    FROM sheets s, jsonb_array_elements(
        CASE jsonb_typeof(s.sheet -> 'lines') WHEN 'array' THEN s.sheet -> 'lines' ELSE '[]' END) l
    WHERE s.kind = 'count'
    ORDER BY l ->> 'barcode', s.applied_at DESC),
received AS (
    SELECT m ->> 0 AS barcode, (m ->> 1)::bigint AS delta, s.applied_at AS at
    FROM sheets s, jsonb_array_elements(
        CASE jsonb_typeof(s.sheet -> 'deltas') WHEN 'array' THEN s.sheet -> 'deltas' ELSE '[]' END) m
    WHERE s.kind <> 'count'),
kept AS (SELECT barcode FROM counted UNION SELECT barcode FROM received),
moves AS (
    SELECT barcode, delta, at FROM received
    UNION ALL
    SELECT l.barcode, -l.qty::bigint, o.closed_at FROM order_lines l JOIN orders o USING (record_id)
    WHERE l.barcode IN (SELECT barcode FROM kept) AND o.device_id IN (SELECT device_id FROM tills)
    UNION ALL
    SELECT x.barcode, x.qty::bigint, o.closed_at FROM exchange_returned x JOIN orders o USING (record_id)
    WHERE x.barcode IN (SELECT barcode FROM kept) AND o.device_id IN (SELECT device_id FROM tills)
    UNION ALL
    SELECT g.barcode, g.qty, f.requested_at FROM refund_returned g JOIN refunds f USING (record_id)
    WHERE g.barcode IN (SELECT barcode FROM kept) AND f.device_id IN (SELECT device_id FROM tills)),
levels AS (
    SELECT k.barcode,
           coalesce(c.qty, 0) + coalesce((SELECT sum(m.delta) FROM moves m
                                          WHERE m.barcode = k.barcode AND (c.at IS NULL OR m.at > c.at)), 0)::bigint AS level
    FROM kept k LEFT JOIN counted c USING (barcode))
SELECT v.barcode, coalesce(p.product ->> 'name', v.barcode), v.level
FROM levels v LEFT JOIN products p USING (barcode)
WHERE $2::bigint IS NULL OR v.level <= $2
ORDER BY 3, 1 LIMIT CASE WHEN $2::bigint IS NULL THEN NULL ELSE 50 END";

/// The shop's levels: (barcode, name, level), the lowest first; with `at_most`, the low ones.
pub async fn levels(
    client: &impl GenericClient,
    shop: &str,
    at_most: Option<i64>,
) -> Result<Vec<(String, String, i64)>, tokio_postgres::Error> {
    Ok(client.query(LEVELS_SQL, &[&shop, &at_most]).await?.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
}

/// The goods a refund puts back, by barcode, as the till that made it moved its stock
/// (`till::core::stock_levels::refund_returns`): its returned goods, or, for the refund by amount
/// that completes the order, what earlier refunds had not taken back. Without the order (another
/// till's, not here yet), its returned goods as they are.
pub fn returned_goods(order: Option<Order>, earlier: Vec<Refund>, this: Refund) -> Vec<(String, i64)> {
    let Some(mut order) = order else {
        if this.state != till::core::order::RefundState::Refunded {
            return Vec::new();
        }
        return till::core::stock_levels::sum(this.returns.iter().map(|g| (g.barcode.clone(), i64::from(g.qty))));
    };
    let number = this.out_refund_no.clone();
    order.refunds = earlier;
    order.refunds.push(this);
    till::core::stock_levels::refund_returns(&order, &number)
}

/// Projects a refund record's returned goods (`refund_returned`), in the record's transaction.
pub(crate) async fn project_returned(
    tx: &tokio_postgres::Transaction<'_>,
    id: i64,
    device_id: &str,
    r: &RefundRecord,
    body: &str,
) -> Result<(), anyhow::Error> {
    if !r.refund.refunded() {
        return Ok(());
    }
    #[derive(Deserialize)]
    struct Body {
        refund: Refund,
    }
    let Ok(Body { refund: this }) = serde_json::from_str::<Body>(body) else {
        return Ok(()); // a till's older refund: no goods it could name
    };
    let order = tx
        .query_opt(
            "SELECT r.body -> 'order' FROM orders o JOIN records r ON r.id = o.record_id
             WHERE o.number = $2 ORDER BY o.device_id = $1 DESC LIMIT 1",
            &[&device_id, &r.order_number],
        )
        .await?
        .and_then(|row| serde_json::from_value::<Order>(row.get(0)).ok());
    let earlier: Vec<Refund> = tx
        .query(
            "SELECT r.body -> 'refund' FROM refunds f JOIN records r ON r.id = f.record_id
             WHERE f.order_number = $1 AND f.record_id <> $2 ORDER BY f.requested_at, f.record_id",
            &[&r.order_number, &id],
        )
        .await?
        .iter()
        .filter_map(|row| serde_json::from_value::<Refund>(row.get(0)).ok())
        .collect();
    for (barcode, qty) in returned_goods(order, earlier, this) {
        tx.execute("INSERT INTO refund_returned (record_id, barcode, qty) VALUES ($1, $2, $3)", &[&id, &barcode, &qty])
            .await?;
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct After {
    pub after: i64,
    #[serde(default)]
    pub from: u64,
}

/// `GET /v1/stock?after=N&from=S`, signed: the till's shop's levels if anything moved since N,
/// with which of the till's own records (from S) they count.
pub async fn changes(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<After>) -> Answer {
    let (signed, _) = match authenticate(&office, &headers, b"").await {
        Ok(ok) => ok,
        Err(answer) => return answer,
    };
    let key = headers.get(till_proto::sign::HEADER_IDEMPOTENCY).and_then(|v| v.to_str().ok());
    if key != Some(signing_key(q.after, q.from).as_str()) {
        return crate::ingest::refused(StatusCode::BAD_REQUEST, "the signed key is not this request's");
    }
    match read_levels(&office, &signed.device_id, q.after, q.from).await {
        Ok(answer) => (StatusCode::OK, Json(serde_json::to_value(answer).unwrap_or_default())),
        Err(e) => crate::ingest::unavailable(e),
    }
}

/// The levels and the till's own records they count, in one snapshot (repeatable read).
pub async fn read_levels(office: &Shared, device_id: &str, after: i64, from: u64) -> anyhow::Result<StockAnswer> {
    let mut client = office.pool.get().await?;
    let tx = client.build_transaction().isolation_level(tokio_postgres::IsolationLevel::RepeatableRead).start().await?;
    let shop: String = tx.query_one("SELECT shop FROM devices WHERE device_id = $1", &[&device_id]).await?.get(0);
    let version: i64 = tx
        .query_one(
            // Of every till, not the shop's alone: a till moved to another shop still gets its
            // new shop's levels.
            "SELECT coalesce(max(id), 0) FROM records WHERE kind IN ('order', 'refund', 'stock')",
            &[],
        )
        .await?
        .get(0);
    if version <= after {
        tx.commit().await?;
        return Ok(StockAnswer { levels: None });
    }
    let levels = levels(&tx, &shop, None).await?.into_iter().map(|(barcode, _, level)| (barcode, level)).collect();
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    let own = tx
        .query(
            "SELECT seq FROM records WHERE device_id = $1 AND seq >= $2 AND kind IN ('order', 'refund', 'stock') ORDER BY seq",
            &[&device_id, &from],
        )
        .await?
        .iter()
        .map(|r| u64::try_from(r.get::<_, i64>(0)).unwrap_or_default())
        .collect();
    tx.commit().await?;
    Ok(StockAnswer { levels: Some(StockLevels { version, levels, own }) })
}
