//! `POST /v1/enrol/preview` (till_proto::enrol::PREVIEW_PATH): what an enrolment code is for,
//! without using it, so that the till can show a supervisor what scanning the office's QR would
//! change (this office, this till's name) before the code is spent.

use crate::Shared;
use crate::ingest::{Answer, refused};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use till_proto::enrol::{EnrolPreview, EnrolRequest, normalize_code};

pub async fn preview(State(office): State<Shared>, Json(req): Json<EnrolRequest>) -> Answer {
    let Some(code) = normalize_code(&req.code) else {
        return refused(StatusCode::BAD_REQUEST, "not an enrolment code");
    };
    match look(&office, &code).await {
        Ok(Ok(p)) => (StatusCode::OK, Json(serde_json::to_value(p).unwrap_or_default())),
        Ok(Err((status, reason))) => refused(status, reason),
        Err(e) => crate::ingest::unavailable(e),
    }
}

async fn look(office: &Shared, code: &str) -> anyhow::Result<Result<EnrolPreview, (StatusCode, &'static str)>> {
    let client = office.pool.get().await?;
    let Some(row) = client
        .query_opt(
            "SELECT c.device_id, d.name, c.used_at IS NOT NULL, c.expires_at <= now(), d.revoked_at IS NOT NULL
             FROM enrolment_codes c JOIN devices d USING (device_id) WHERE c.code_sha256 = $1",
            &[&crate::auth::sha256_hex(code)],
        )
        .await?
    else {
        return Ok(Err((StatusCode::NOT_FOUND, "unknown enrolment code")));
    };
    Ok(match (row.get::<_, bool>(2), row.get::<_, bool>(3), row.get::<_, bool>(4)) {
        (true, _, _) => Err((StatusCode::GONE, "this code was used already: make a new one")),
        (_, true, _) => Err((StatusCode::GONE, "this code has expired: make a new one")),
        (_, _, true) => Err((StatusCode::FORBIDDEN, "this till is revoked")),
        _ => Ok(EnrolPreview { device_id: row.get(0), name: row.get(1) }),
    })
}
