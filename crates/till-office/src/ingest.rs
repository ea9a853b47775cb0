//! `POST /v1/records`, exactly as the tills send it (till_proto): the device and key id name the
//! signing key; the timestamp must be within the window; the signature must verify; the body must
//! be a record for its `Idempotency-Key`. 201: stored now; 409: stored before (the till takes both
//! as delivered); 401/403/400/413/422: refused, with the reason as `{"error": …}`, nothing stored;
//! 503: PostgreSQL is not reachable (the till tries again later).
//!
//! A record is stored with its projection (order, lines, payments / refund / Z report / the
//! members' ledger, `ingest/ledger.rs`) in one transaction; the unique key `(device_id, key)` is
//! what keeps each record once.

use crate::Shared;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use till_proto::record::{MemberRecord, OrderRecord, Record, RefundRecord, StockRecord, ZReportRecord};

mod doubt;
mod ledger;
use till_proto::sign;
use tokio_postgres::Transaction;

pub type Answer = (StatusCode, Json<Value>);

pub fn refused(status: StatusCode, reason: impl Into<String>) -> Answer {
    let reason = reason.into();
    tracing::info!(status = status.as_u16(), reason, "request refused");
    (status, Json(json!({ "error": reason })))
}

pub fn unavailable(e: impl std::fmt::Display) -> Answer {
    tracing::warn!(error = %e, "PostgreSQL");
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "error": "the back office's database is not reachable" })))
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Who signed a request: the till and the key id, once the key, the window and the signature
/// check out.
pub struct Signed {
    pub device_id: String,
    pub key_id: String,
}

/// Checks a till's signed request (records, catalogue): the signer and the body as text, or the
/// refusal to answer.
pub async fn authenticate<'b>(
    office: &Shared,
    headers: &HeaderMap,
    body: &'b [u8],
) -> Result<(Signed, &'b str), Answer> {
    let client = office.pool.get().await.map_err(unavailable)?;
    authenticate_on(&client, office, headers, body).await.map(|(signed, text, _)| (signed, text))
}

/// [`authenticate`] on a connection the caller goes on using; also whether the key is a new
/// enrolment's, which revokes the till's older keys when it first signs a record.
async fn authenticate_on<'b>(
    client: &deadpool_postgres::Client,
    office: &Shared,
    headers: &HeaderMap,
    body: &'b [u8],
) -> Result<(Signed, &'b str, bool), Answer> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (device_id, key_id) = (header(sign::HEADER_DEVICE), header(sign::HEADER_KEY_ID));
    let key = async {
        let statement = client
            .prepare_cached(
                "SELECT k.secret, d.revoked_at IS NOT NULL OR k.revoked_at IS NOT NULL, k.replaces_older
                 FROM device_keys k JOIN devices d USING (device_id) WHERE k.device_id = $1 AND k.key_id = $2",
            )
            .await?;
        client.query_opt(&statement, &[&device_id, &key_id]).await
    };
    let key = match key.await {
        Ok(Some(row)) => (row.get::<_, String>(0), row.get::<_, bool>(1), row.get::<_, bool>(2)),
        Ok(None) => return Err(refused(StatusCode::UNAUTHORIZED, "unknown device or key")),
        Err(e) => return Err(unavailable(e)),
    };
    let Ok(timestamp) = header(sign::HEADER_TIMESTAMP).parse::<i64>() else {
        return Err(refused(StatusCode::UNAUTHORIZED, "no timestamp"));
    };
    let now = now_secs();
    if timestamp.abs_diff(now) > office.settings.window_secs.unsigned_abs() {
        let skew = till_proto::ClockSkew { till: timestamp, office: now, window: office.settings.window_secs };
        let reason = format!(
            "timestamp outside the window: the till says {timestamp}, the back office {now} (±{} s)",
            skew.window
        );
        tracing::info!(device_id, reason, "request refused: the till's clock is off");
        return Err((StatusCode::UNAUTHORIZED, Json(json!({ "error": reason, "clock_skew": skew }))));
    }
    let idempotency_key = header(sign::HEADER_IDEMPOTENCY);
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(refused(StatusCode::BAD_REQUEST, "body is not UTF-8"));
    };
    if !sign::verify(&key.0, timestamp, &idempotency_key, text, &header(sign::HEADER_SIGNATURE)) {
        return Err(refused(StatusCode::UNAUTHORIZED, "bad signature"));
    }
    if key.1 {
        return Err(refused(StatusCode::FORBIDDEN, "this till or its key is revoked"));
    }
    Ok((Signed { device_id, key_id }, text, key.2))
}

/// One connection per request: the key is read, then the record stored, on it. The body is
/// parsed once (into the record); PostgreSQL keeps the text as `jsonb` itself.
pub async fn post_record(State(office): State<Shared>, headers: HeaderMap, body: Bytes) -> Answer {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let mut client = match office.pool.get().await {
        Ok(client) => client,
        Err(e) => return unavailable(e),
    };
    let (Signed { device_id, key_id }, text, replaces_older) =
        match authenticate_on(&client, &office, &headers, &body).await {
            Ok(signed) => signed,
            Err(answer) => return answer,
        };
    let idempotency_key = header(sign::HEADER_IDEMPOTENCY);
    let record = match till_proto::read_body(text, &idempotency_key) {
        Ok(record) => record,
        Err(e) => return refused(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let seq = i64::try_from(record.seq()).unwrap_or(i64::MAX);
    let till = Till {
        device_id: &device_id,
        key_id: &key_id,
        replaces_older,
        version: Some(header(sign::HEADER_VERSION)).filter(|v| !v.is_empty() && v.len() <= 64),
        unsynced: header(sign::HEADER_UNSYNCED).parse::<i64>().ok(),
    };
    match store(&mut client, &till, &idempotency_key, seq, &record, text).await {
        Ok(Stored::New) => (StatusCode::CREATED, Json(json!({ "status": "stored" }))),
        Ok(Stored::Had) => (StatusCode::CONFLICT, Json(json!({ "status": "duplicate" }))),
        Ok(Stored::Refused(reason)) => refused(StatusCode::UNPROCESSABLE_ENTITY, reason),
        Err(e) => unavailable(e),
    }
}

/// Who sent a record, and what it said of itself (unsigned: only shown).
struct Till<'a> {
    device_id: &'a str,
    key_id: &'a str,
    /// The key is a new enrolment's, signing for the first time (as read with it).
    replaces_older: bool,
    version: Option<String>,
    unsynced: Option<i64>,
}

enum Stored {
    New,
    Had,
    Refused(String),
}

/// The till's contact and the record, in one statement: the record's id, or none when it was
/// stored before (the contact is new all the same).
const RECORD_SQL: &str = "WITH contact AS (
        UPDATE devices SET last_contact_at = now(), last_seq = greatest(last_seq, $3),
               version = coalesce($5, version), unsynced = coalesce($6, unsynced)
        WHERE device_id = $1)
    INSERT INTO records (device_id, key, seq, kind, body) VALUES ($1, $2, $3, $4, $7::text::jsonb)
    ON CONFLICT (device_id, key) DO NOTHING RETURNING id";

async fn store(
    client: &mut deadpool_postgres::Client,
    till: &Till<'_>,
    key: &str,
    seq: i64,
    record: &Record,
    body: &str,
) -> Result<Stored, anyhow::Error> {
    let tx = client.transaction().await?;
    let device_id = till.device_id;
    // A new enrolment's key, used for the first time: the till has restarted with it, so the
    // keys it had before are revoked now (the flag cleared here, once, whoever gets here first).
    let replaced = if till.replaces_older {
        tx.execute(
            "UPDATE device_keys SET replaces_older = false
             WHERE device_id = $1 AND key_id = $2 AND replaces_older",
            &[&device_id, &till.key_id],
        )
        .await?
    } else {
        0
    };
    if replaced > 0 {
        tx.execute(
            "UPDATE device_keys SET revoked_at = now() WHERE device_id = $1 AND key_id <> $2 AND revoked_at IS NULL",
            &[&device_id, &till.key_id],
        )
        .await?;
        tracing::info!(device_id, key_id = till.key_id, "the till's new key is in use: its older keys are revoked");
    }
    let kind = match record {
        Record::Order(_) => "order",
        Record::Refund(_) => "refund",
        Record::ZReport(_) => "zreport",
        Record::Stock(_) => "stock",
        Record::StoredValue(_) => "stored_value",
        Record::Member(_) => "member",
        Record::Doubt(_) => "doubt",
    };
    let statement = tx.prepare_cached(RECORD_SQL).await?;
    let id: Option<i64> = tx
        .query_opt(&statement, &[&device_id, &key, &seq, &kind, &till.version, &till.unsynced, &body])
        .await?
        .map(|row| row.get(0));
    let Some(id) = id else {
        // Already had it: only the contact is new.
        tx.commit().await?;
        return Ok(Stored::Had);
    };
    let projected = match record {
        Record::Order(r) if r.order.top_up.is_some() => ledger::project_top_up(&tx, id, device_id, r).await?,
        Record::Order(r) => project_order(&tx, id, device_id, r).await?,
        Record::Refund(r) => {
            let projected = project_refund(&tx, id, device_id, r).await?;
            crate::stock::project_returned(&tx, id, device_id, r, body).await?;
            projected
        }
        Record::ZReport(r) => project_z(&tx, id, device_id, r).await?,
        Record::Stock(r) => {
            let body: Value = serde_json::from_str(body)?;
            project_stock(&tx, id, device_id, r, &body).await?
        }
        Record::StoredValue(r) => ledger::project_entry(&tx, id, device_id, r).await?,
        Record::Member(r) => project_member(&tx, id, device_id, r).await?,
        Record::Doubt(r) => doubt::project(&tx, device_id, r).await?,
    };
    if let Err(reason) = projected {
        tx.rollback().await?;
        return Ok(Stored::Refused(reason));
    }
    tx.commit().await?;
    tracing::debug!(device_id, key, seq, "record stored");
    Ok(Stored::New)
}

pub(crate) type Projected = Result<Result<(), String>, tokio_postgres::Error>;

/// The order, its lines and its payments: one statement (the lines and payments as arrays).
const ORDER_SQL: &str = "WITH o AS (
        INSERT INTO orders (record_id, device_id, number, operator, total_fen, opened_at, closed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING record_id),
    l AS (
        INSERT INTO order_lines (record_id, line_no, barcode, name, unit_price_fen, qty, amount_fen, net_fen)
        SELECT o.record_id, t.* FROM o,
            unnest($8::int[], $9::text[], $10::text[], $11::bigint[], $12::int[], $13::bigint[], $14::bigint[]) t)
    INSERT INTO payments (record_id, part_no, kind, amount_fen, reference)
    SELECT o.record_id, t.* FROM o, unnest($15::int[], $16::text[], $17::bigint[], $18::text[]) t";

async fn project_order(
    tx: &deadpool_postgres::Transaction<'_>,
    id: i64,
    device_id: &str,
    r: &OrderRecord,
) -> Projected {
    let o = &r.order;
    let (Some(total), Some(payments)) = (o.total(), o.payments()) else {
        return Ok(Err("the order's amounts overflow".into()));
    };
    let members_paid = o.stored_value_paid().saturating_add(o.points_paid());
    let paid = payments.iter().try_fold(members_paid, |sum, p| sum.checked_add(p.amount));
    if paid != Some(total) {
        return Ok(Err(format!("the order's payments ({paid:?} fen) are not its total ({total} fen)")));
    }
    let number = o.number.clone().unwrap_or_else(|| r.key.trim_start_matches("order:").to_string());
    let closed_at = o.closed_at.unwrap_or(o.opened_at);
    let lines = &o.lines;
    let line_no: Vec<i32> = (1..=lines.len()).map(|n| i32::try_from(n).unwrap_or(i32::MAX)).collect();
    let barcode: Vec<&str> = lines.iter().map(|l| l.barcode.as_str()).collect();
    let name: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
    let unit_price: Vec<i64> = lines.iter().map(|l| l.unit_price).collect();
    let qty: Vec<i32> = lines.iter().map(|l| i32::try_from(l.qty).unwrap_or(i32::MAX)).collect();
    let amount: Vec<i64> = lines.iter().map(|l| l.amount().unwrap_or(i64::MAX)).collect();
    let net: Vec<Option<i64>> = (0..lines.len()).map(|n| o.line_net(n)).collect();
    let part_no: Vec<i32> = (1..=payments.len()).map(|n| i32::try_from(n).unwrap_or(i32::MAX)).collect();
    let kind: Vec<&str> = payments.iter().map(|p| p.kind.as_str()).collect();
    let paid: Vec<i64> = payments.iter().map(|p| p.amount).collect();
    let reference: Vec<Option<&str>> = payments.iter().map(|p| p.reference.as_deref()).collect();
    let statement = tx.prepare_cached(ORDER_SQL).await?;
    tx.execute(
        &statement,
        &[
            &id,
            &device_id,
            &number,
            &o.operator,
            &total,
            &o.opened_at,
            &closed_at,
            &line_no,
            &barcode,
            &name,
            &unit_price,
            &qty,
            &amount,
            &net,
            &part_no,
            &kind,
            &paid,
            &reference,
        ],
    )
    .await?;
    project_discounts(tx, id, o).await?;
    if let Some(x) = &o.exchange {
        project_exchange(tx, id, x).await?;
    }
    ledger::stored_value_payments(tx, id, o, payments.len()).await?;
    ledger::member_sale(tx, device_id, &number, o, total).await?;
    Ok(Ok(()))
}

/// Each discount with its reason and who gave it, and each line's share of it.
async fn project_discounts(
    tx: &Transaction<'_>,
    id: i64,
    o: &till_proto::record::Order,
) -> Result<(), tokio_postgres::Error> {
    for (k, d) in o.discounts.iter().enumerate() {
        let discount_no = k as i32 + 1;
        let promotion = d.source.get("Promotion").is_some();
        tx.execute(
            "INSERT INTO order_discounts (record_id, discount_no, reason, promotion, operator, amount_fen, source)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &id,
                &discount_no,
                &d.reason(),
                &promotion,
                &d.operator,
                &d.amount,
                &tokio_postgres::types::Json(&d.source),
            ],
        )
        .await?;
        for (line, share) in &d.shares {
            let line_no = i32::try_from(*line).unwrap_or(i32::MAX - 1) + 1;
            tx.execute(
                "INSERT INTO line_discounts (record_id, line_no, discount_no, amount_fen) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (record_id, line_no, discount_no) DO UPDATE SET amount_fen = line_discounts.amount_fen + EXCLUDED.amount_fen",
                &[&id, &line_no, &discount_no, share],
            )
            .await?;
        }
    }
    Ok(())
}

/// An exchange: its credit, reason and supervisor, and the goods that came back.
async fn project_exchange(
    tx: &Transaction<'_>,
    id: i64,
    x: &till_proto::record::Exchange,
) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "INSERT INTO exchanges (record_id, credit_fen, reason, approved_by, from_number) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &x.credit, &x.reason, &x.approved_by, &x.from.as_ref().map(|f| f.number.clone())],
    )
    .await?;
    for (n, line) in x.returned.iter().enumerate() {
        let (line_no, qty) = (n as i32 + 1, i32::try_from(line.qty).unwrap_or(i32::MAX));
        tx.execute(
            "INSERT INTO exchange_returned (record_id, line_no, barcode, name, unit_price_fen, qty)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&id, &line_no, &line.barcode, &line.name, &line.unit_price, &qty],
        )
        .await?;
    }
    Ok(())
}

async fn project_refund(tx: &Transaction<'_>, id: i64, device_id: &str, r: &RefundRecord) -> Projected {
    let f = &r.refund;
    // The cash held for it (another till's order) is now given: the refund counts instead.
    tx.execute("DELETE FROM refund_holds WHERE device_id = $1 AND out_refund_no = $2", &[&device_id, &f.out_refund_no])
        .await?;
    tx.execute(
        "INSERT INTO refunds (record_id, device_id, order_number, out_refund_no, amount_fen, refunded, cash, state,
                              requested_at, no_receipt_reason, approved_by, of_device_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            &id,
            &device_id,
            &r.order_number,
            &f.out_refund_no,
            &f.amount,
            &f.refunded(),
            &f.cash,
            &tokio_postgres::types::Json(&f.state),
            &f.requested_at,
            &r.no_receipt.as_ref().map(|n| n.reason.clone()),
            &r.no_receipt.as_ref().map(|n| n.approved_by.clone()),
            &r.of_device,
        ],
    )
    .await?;
    ledger::points_back(tx, device_id, r).await?;
    Ok(Ok(()))
}

/// A stock sheet: one row, the sheet kept whole as the till sent it.
async fn project_stock(tx: &Transaction<'_>, id: i64, device_id: &str, r: &StockRecord, body: &Value) -> Projected {
    let s = &r.sheet;
    let sheet = body.get("sheet").cloned().unwrap_or(Value::Null);
    tx.execute(
        "INSERT INTO stock_sheets (record_id, device_id, number, kind, applied_at, sheet) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&id, &device_id, &s.number, &s.kind, &s.applied_at.unwrap_or(0), &tokio_postgres::types::Json(&sheet)],
    )
    .await?;
    Ok(Ok(()))
}

/// A member created or edited at a till: the newest change of each member number wins (by the
/// till's clock), the phone as the till sent it, masked.
async fn project_member(tx: &Transaction<'_>, id: i64, device_id: &str, r: &MemberRecord) -> Projected {
    let m = &r.member;
    tx.execute(
        "INSERT INTO members (member_id, record_id, device_id, name, phone_masked, card, level, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (member_id) DO UPDATE SET record_id = EXCLUDED.record_id, device_id = EXCLUDED.device_id,
             name = EXCLUDED.name, phone_masked = EXCLUDED.phone_masked, card = EXCLUDED.card,
             level = EXCLUDED.level, changed_at = EXCLUDED.changed_at
         WHERE members.changed_at <= EXCLUDED.changed_at",
        &[&m.id, &id, &device_id, &m.name, &m.phone, &m.card, &m.level, &m.changed_at],
    )
    .await?;
    Ok(Ok(()))
}

async fn project_z(tx: &Transaction<'_>, id: i64, device_id: &str, r: &ZReportRecord) -> Projected {
    let z = &r.zreport;
    let number = i32::try_from(z.number).unwrap_or(i32::MAX);
    tx.execute(
        "INSERT INTO z_reports (record_id, device_id, number, closed_at, report) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &device_id, &number, &z.closed_at, &tokio_postgres::types::Json(&z.report)],
    )
    .await?;
    Ok(Ok(()))
}
