//! Promotions' way down (till_proto::promotions): the owner uploads the shop's promotions CSV (the
//! till's own format and parser, `till::app::promotions_csv`, so the same rows pass or fail with
//! the same line-numbered reasons); a file that changes something becomes the next numbered set;
//! the tills ask with a signed `GET /v1/promotions?after=N` and replace theirs with the newest.

use crate::Shared;
use crate::auth::{LangQuery, form_owner, signed_in};
use crate::ingest::{Answer, authenticate};
use crate::pages::{Lang, csv_line, escape, page, unprocessable};
use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use till::app::promotions_csv;
use till::core::csv_problem::CsvProblem;
use till_proto::promotions::{PromotionChanges, PromotionSet, signing_key};

struct Text {
    title: &'static str,
    version: &'static str,
    count: &'static str,
    upload: &'static str,
    csv: &'static str,
    saved: &'static str,
    unchanged: &'static str,
    catalogue: &'static str,
}

const ZH: Text = Text {
    title: "促销",
    version: "版本",
    count: "促销数",
    upload: "上传并发送到收银机",
    csv: "CSV（表头 id,name,kind,value,scope,from,until,days,hours；全部促销，替换收银机上的）",
    saved: "已保存，收银机一分钟内生效",
    unchanged: "没有变化",
    catalogue: "商品目录",
};

const EN: Text = Text {
    title: "Promotions",
    version: "Version",
    count: "Promotions",
    upload: "Upload and send to the tills",
    csv: "CSV (header id,name,kind,value,scope,from,until,days,hours; all the promotions, replacing the tills')",
    saved: "Saved: in force on the tills within a minute",
    unchanged: "Nothing changed",
    catalogue: "Catalogue",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The newest set: (version, promotions), (0, []) before the first upload.
async fn newest(office: &Shared) -> anyhow::Result<(i64, Vec<Value>)> {
    let client = office.pool.get().await?;
    let row =
        client.query_opt("SELECT version, promotions FROM promotion_sets ORDER BY version DESC LIMIT 1", &[]).await?;
    Ok(match row {
        Some(r) => (r.get(0), serde_json::from_value(r.get(1))?),
        None => (0, Vec::new()),
    })
}

async fn render(office: &Shared, lang: Lang, csrf: &str, message: Option<(&str, &str)>, csv: &str) -> Response {
    let t = text(lang);
    let (version, promotions) = match newest(office).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "promotions page");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let message = message
        .map(|(class, m)| format!("<p class=\"{class}\" id=\"message\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    let rows: String = promotions
        .iter()
        .map(|p| {
            let field = |k: &str| escape(p.get(k).and_then(Value::as_str).unwrap_or_default());
            format!("<tr><td>{}</td><td>{}</td></tr>", field("id"), field("name"))
        })
        .collect();
    let body = format!(
        "<nav><h1>{title}</h1><a href=\"/catalogue?lang={code}\">{catalogue}</a></nav>{message}\
         <p>{version_h}: <b id=\"version\">{version}</b> · {count_h}: <b id=\"count\">{count}</b></p>\
         <form method=\"post\" action=\"/promotions\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{code}\"><label>{csv_h}<textarea name=\"csv\" id=\"csv\" rows=\"8\" \
         style=\"width:100%;box-sizing:border-box\">{csv}</textarea></label>\
         <button type=\"submit\" id=\"upload\">{upload}</button></form><table id=\"promotions\">{rows}</table>",
        title = t.title,
        code = lang.code(),
        catalogue = t.catalogue,
        version_h = t.version,
        count_h = t.count,
        count = promotions.len(),
        csrf = escape(csrf),
        csv_h = t.csv,
        csv = escape(csv),
        upload = t.upload,
    );
    page(lang, t.title, &body).into_response()
}

pub async fn show(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    match signed_in(&office, &headers, lang).await {
        Ok(s) => render(&office, lang, &s.csrf, None, "").await,
        Err(r) => r,
    }
}

#[derive(Deserialize)]
pub struct Upload {
    pub csrf: String,
    pub lang: Option<String>,
    pub csv: String,
}

/// `POST /promotions`: the whole CSV or nothing.
pub async fn upload(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<Upload>) -> Response {
    let lang = Lang::of(f.lang.as_deref(), &headers);
    let s = match form_owner(&office, &headers, lang, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let promotions = match promotions_csv::parse(&f.csv) {
        Ok(promotions) => promotions,
        Err(e) => {
            let why = csv_line(lang, e.line, &CsvProblem::Promotion(e.problem));
            return unprocessable(render(&office, lang, &s.csrf, Some(("error", &why)), &f.csv).await);
        }
    };
    let Ok(json) = promotions.iter().map(serde_json::to_value).collect::<Result<Vec<Value>, _>>() else {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    };
    match save(&office, &s.login, &json).await {
        Ok(Some(version)) => {
            tracing::info!(version, login = s.login, "promotions saved");
            render(&office, lang, &s.csrf, Some(("ok", text(lang).saved)), "").await
        }
        Ok(None) => render(&office, lang, &s.csrf, Some(("ok", text(lang).unchanged)), "").await,
        Err(e) => {
            tracing::warn!(error = %e, "promotions upload");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Keeps `promotions` (all of them) as the next set; `None`: the same as the newest.
pub async fn save(office: &Shared, login: &str, promotions: &[Value]) -> anyhow::Result<Option<i64>> {
    let mut client = office.pool.get().await?;
    let tx = client.transaction().await?;
    // Writers in turn: versions are given in commit order.
    tx.execute("LOCK TABLE promotion_sets IN EXCLUSIVE MODE", &[]).await?;
    let newest =
        tx.query_opt("SELECT version, promotions FROM promotion_sets ORDER BY version DESC LIMIT 1", &[]).await?;
    let (version, old): (i64, Option<Value>) = newest.map_or((0, None), |r| (r.get(0), Some(r.get(1))));
    let new = Value::Array(promotions.to_vec());
    if old.as_ref() == Some(&new) || (old.is_none() && promotions.is_empty()) {
        return Ok(None);
    }
    let version = version + 1;
    tx.execute(
        "INSERT INTO promotion_sets (version, created_by, promotions)
         VALUES ($1, (SELECT id FROM owners WHERE login = $2), $3)",
        &[&version, &login, &new],
    )
    .await?;
    tx.commit().await?;
    Ok(Some(version))
}

#[derive(Deserialize)]
pub struct After {
    pub after: i64,
}

/// `GET /v1/promotions?after=N`, signed: the newest set if it is after N.
pub async fn changes(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<After>) -> Answer {
    let (signed, _) = match authenticate(&office, &headers, b"").await {
        Ok(ok) => ok,
        Err(answer) => return answer,
    };
    let key = headers.get(till_proto::sign::HEADER_IDEMPOTENCY).and_then(|v| v.to_str().ok());
    if key != Some(signing_key(q.after).as_str()) {
        return crate::ingest::refused(StatusCode::BAD_REQUEST, "the signed key is not this request's");
    }
    match read_changes(&office, &signed.device_id, q.after).await {
        Ok(changes) => (StatusCode::OK, Json(serde_json::to_value(changes).unwrap_or_default())),
        Err(e) => crate::ingest::unavailable(e),
    }
}

async fn read_changes(office: &Shared, device_id: &str, after: i64) -> anyhow::Result<PromotionChanges> {
    let client = office.pool.get().await?;
    client
        .execute(
            "UPDATE devices SET last_contact_at = now(), promotions_version = $2 WHERE device_id = $1",
            &[&device_id, &after],
        )
        .await?;
    let row = client
        .query_opt(
            "SELECT version, promotions FROM promotion_sets WHERE version > $1 ORDER BY version DESC LIMIT 1",
            &[&after],
        )
        .await?;
    let set = match row {
        Some(r) => Some(PromotionSet { version: r.get(0), promotions: serde_json::from_value(r.get(1))? }),
        None => None,
    };
    Ok(PromotionChanges { set })
}
