//! The tills' side of fleet upgrades (till_proto::release): a till asks which release is for it,
//! saying what it runs and whether it was rolled back; a release that too many of its tills roll
//! back stops here, before the answer, so no further till is offered it.

use crate::Shared;
use crate::ingest::{Answer, authenticate, refused, unavailable};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use till::upgrade::Version;
use till_proto::release::{Offer, ReleaseAnswer, ReleaseQuery, bundle_signing_key, signing_key};

/// Whether a till (`d`) is in a release's (`r`) group: all tills, one shop's, or a list.
pub const IN_GROUP: &str =
    "((r.shop IS NULL AND r.device_ids IS NULL) OR d.shop = r.shop OR d.device_id = ANY(r.device_ids))";

/// `GET /v1/release?running=…&target=…&rolled_back_from=…`, signed.
pub async fn release(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<ReleaseQuery>) -> Answer {
    let (signed, _) = match authenticate(&office, &headers, b"").await {
        Ok(ok) => ok,
        Err(answer) => return answer,
    };
    let key = headers.get(till_proto::sign::HEADER_IDEMPOTENCY).and_then(|v| v.to_str().ok());
    if key != Some(signing_key(&q).as_str()) {
        return refused(StatusCode::BAD_REQUEST, "the signed key is not this request's");
    }
    match answer(&office, &signed.device_id, &q).await {
        Ok(a) => (StatusCode::OK, Json(serde_json::to_value(a).unwrap_or_default())),
        Err(e) => unavailable(e),
    }
}

async fn answer(office: &Shared, device_id: &str, q: &ReleaseQuery) -> anyhow::Result<ReleaseAnswer> {
    let client = office.pool.get().await?;
    client
        .execute(
            "UPDATE devices SET running_version = $2, version = $2, target = $3, rolled_back_from = NULLIF($4, ''),
                    release_asked_at = now(), last_contact_at = now()
             WHERE device_id = $1",
            &[&device_id, &q.running, &q.target, &q.rolled_back_from],
        )
        .await?;
    stop_rollouts(office).await?;
    let rows = client
        .query(
            &format!(
                "SELECT r.version, b.sha256, b.size FROM releases r
                 JOIN bundles b ON b.version = r.version AND b.target = $2
                 JOIN devices d ON d.device_id = $1 AND {IN_GROUP}
                 WHERE r.stopped_at IS NULL ORDER BY r.id DESC"
            ),
            &[&device_id, &q.target],
        )
        .await?;
    let running = Version::parse(&q.running).ok();
    // The newest release for this till, when it is newer than what it runs and is not the one it
    // was rolled back from (that one failed here: offering it again would only fail again).
    let offer = rows.first().and_then(|r| {
        let version: String = r.get(0);
        let newer = match (Version::parse(&version), &running) {
            (Ok(v), Some(running)) => v > *running,
            _ => false,
        };
        (newer && version != q.rolled_back_from).then(|| Offer {
            version,
            sha256: r.get(1),
            size: u64::try_from(r.get::<_, i64>(2)).unwrap_or(0),
        })
    });
    Ok(ReleaseAnswer { offer })
}

/// Stops every release more than its share of whose tills report it rolled back; returns how many.
pub async fn stop_rollouts(office: &Shared) -> anyhow::Result<u64> {
    let client = office.pool.get().await?;
    let stopped = client
        .query(
            &format!(
                "UPDATE releases s SET stopped_at = now(), stopped_rolled_back = c.rolled, stopped_of = c.tills
                 FROM (SELECT r.id, count(*)::int AS tills,
                              (count(*) FILTER (WHERE d.rolled_back_from = r.version))::int AS rolled
                       FROM releases r JOIN devices d ON d.revoked_at IS NULL AND {IN_GROUP}
                       WHERE r.stopped_at IS NULL GROUP BY r.id) c
                 WHERE s.id = c.id AND s.stopped_at IS NULL AND c.rolled * 100 > s.max_rollback_percent * c.tills
                 RETURNING s.id, s.version, c.rolled, c.tills, s.max_rollback_percent"
            ),
            &[],
        )
        .await?;
    for r in &stopped {
        let (id, version, rolled, tills, max): (i64, String, i32, i32, i32) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        tracing::warn!(id, version, rolled, tills, max, "rollout stopped: too many tills rolled it back");
    }
    Ok(stopped.len() as u64)
}

/// `GET /v1/bundles/<sha256>`, signed: the bundle's bytes (the till checks them itself).
pub async fn bundle(State(office): State<Shared>, headers: HeaderMap, Path(sha256): Path<String>) -> Response {
    if let Err(answer) = authenticate(&office, &headers, b"").await {
        return answer.into_response();
    }
    let key = headers.get(till_proto::sign::HEADER_IDEMPOTENCY).and_then(|v| v.to_str().ok());
    if key != Some(bundle_signing_key(&sha256).as_str()) {
        return refused(StatusCode::BAD_REQUEST, "the signed key is not this request's").into_response();
    }
    let row = match office.pool.get().await {
        Ok(c) => c.query_opt("SELECT bytes FROM bundles WHERE sha256 = $1", &[&sha256]).await,
        Err(e) => return unavailable(e).into_response(),
    };
    match row {
        Ok(Some(r)) => ([(header::CONTENT_TYPE, "application/octet-stream")], r.get::<_, Vec<u8>>(0)).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => unavailable(e).into_response(),
    }
}
