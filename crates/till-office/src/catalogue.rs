//! The catalogue's way down (till_proto::catalogue): the owner uploads the shop's CSV (the till's
//! own format and parser, so the same rows pass or fail with the same line-numbered reasons); what
//! changed against the office's catalogue becomes the next numbered changeset; the tills ask for
//! the changesets after their cursor with a signed `GET /v1/catalogue?after=N`.
//!
//! Changesets are numbered in commit order (writers take the table's lock in turn), so a till that
//! has seen version N has seen everything before it. Stock counts are the tills' own: the CSV's
//! stock column is not sent down.

use crate::Shared;
use crate::auth::{LangQuery, form_owner, signed_in};
use crate::ingest::{Answer, authenticate};
use crate::pages::{Lang, csv_line, escape, page, unprocessable};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use till::app::catalogue_csv;
use till::core::catalog::WeighedLayout;
use till_proto::catalogue::{Changes, Changeset, MAX_CHANGESETS, signing_key};

struct Text {
    title: &'static str,
    version: &'static str,
    products: &'static str,
    upload: &'static str,
    csv: &'static str,
    file: &'static str,
    saved: &'static str,
    unchanged: &'static str,
    history: &'static str,
    today: &'static str,
    when: &'static str,
    scheduled: &'static str,
    scheduled_saved: &'static str,
    bad_time: &'static str,
    waiting: &'static str,
}

const ZH: Text = Text {
    title: "商品目录",
    version: "版本",
    products: "商品数",
    upload: "上传并发送到收银机",
    csv: "CSV（表头 barcode,name,price,stock,kind；价格如 3.50；整个目录）",
    file: "或选择文件",
    saved: "已保存，收银机一分钟内更新",
    unchanged: "没有变化",
    history: "变更记录",
    today: "今日营业",
    when: "生效时间（留空则立即生效）",
    scheduled: "定时变更",
    scheduled_saved: "已安排，到时间后发送到收银机",
    bad_time: "生效时间不对，请按 年-月-日 时:分 填写",
    waiting: "等待中",
};

const EN: Text = Text {
    title: "Catalogue",
    version: "Version",
    products: "Products",
    upload: "Upload and send to the tills",
    csv: "CSV (header barcode,name,price,stock,kind; prices like 3.50; the whole catalogue)",
    file: "or choose a file",
    saved: "Saved: the tills have it within a minute",
    unchanged: "Nothing changed",
    history: "Changes",
    today: "Today",
    when: "Takes effect at (empty: now)",
    scheduled: "Scheduled changes",
    scheduled_saved: "Scheduled: the tills get it from that time",
    bad_time: "The time is not right: write it as year-month-day hour:minute",
    waiting: "waiting",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// A scheduled change as the page lists it: (when, products, the changeset it became or none yet,
/// published).
type ScheduledRow = (String, i64, Option<i64>, bool);

/// The catalogue's newest version, its product count, the latest changesets (version, when,
/// products changed, removed) and the scheduled changes not yet due or lately published. Publishes
/// what is due first.
async fn summary(office: &Shared) -> anyhow::Result<(i64, i64, Vec<(i64, String, i64, i64)>, Vec<ScheduledRow>)> {
    let mut client = office.pool.get().await?;
    publish_due(&mut client, now_ms()).await?;
    let scheduled = client
        .query(
            "SELECT to_char(effective_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
                    (SELECT count(*) FROM jsonb_object_keys(products)), published_version, published_at IS NOT NULL
             FROM scheduled_changes WHERE barcode IS NULL AND cancelled_at IS NULL ORDER BY effective_at DESC, id DESC LIMIT 10",
            &[&office.settings.time_zone],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let products: i64 = client.query_one("SELECT count(*) FROM products", &[]).await?.get(0);
    let history: Vec<(i64, String, i64, i64)> = client
        .query(
            "SELECT version, to_char(created_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'),
                    jsonb_array_length(products)::bigint, jsonb_array_length(removed)::bigint
             FROM catalogue_changesets ORDER BY version DESC LIMIT 10",
            &[&office.settings.time_zone],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    Ok((history.first().map_or(0, |h| h.0), products, history, scheduled))
}

async fn render(office: &Shared, lang: Lang, csrf: &str, message: Option<(&str, &str)>, csv: &str) -> Response {
    let t = text(lang);
    let (version, products, history, scheduled) = match summary(office).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "catalogue page");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let message = message
        .map(|(class, m)| format!("<p class=\"{class}\" id=\"message\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    let rows: String = history
        .iter()
        .map(|(v, at, changed, removed)| {
            format!("<tr><td>{v}</td><td>{at}</td><td class=\"n\">+{changed} −{removed}</td></tr>")
        })
        .collect();
    let scheduled: String = scheduled
        .iter()
        .map(|(at, n, published, done)| {
            let state = match (done, published) {
                (false, _) => t.waiting.to_string(),
                (true, Some(v)) => format!("{} {v}", t.version),
                (true, None) => t.unchanged.to_string(),
            };
            format!("<tr><td>{at}</td><td class=\"n\">{n}</td><td>{state}</td></tr>")
        })
        .collect();
    let body = format!(
        "<nav><h1>{title}</h1><a href=\"/?lang={code}\">{today}</a></nav>{message}\
         <p>{version_h}: <b id=\"version\">{version}</b> · {products_h}: <b id=\"products\">{products}</b></p>\
         <form method=\"post\" action=\"/catalogue\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{code}\"><label>{csv_h}<textarea name=\"csv\" id=\"csv\" rows=\"8\" \
         style=\"width:100%;box-sizing:border-box\">{csv}</textarea></label>\
         <label>{file_h}<input type=\"file\" id=\"file\" accept=\".csv,text/csv\" \
         onchange=\"this.files[0]&amp;&amp;this.files[0].text().then(t=&gt;document.getElementById('csv').value=t)\"></label>\
         <label>{when}<input type=\"datetime-local\" name=\"effective_at\" id=\"effective_at\"></label>\
         <button type=\"submit\" id=\"upload\">{upload}</button></form>\
         <h2>{scheduled_h}</h2><table id=\"scheduled\">{scheduled}</table>\
         <h2>{history_h}</h2><table id=\"history\">{rows}</table>",
        when = t.when,
        scheduled_h = t.scheduled,
        title = t.title,
        code = lang.code(),
        today = t.today,
        version_h = t.version,
        products_h = t.products,
        csrf = escape(csrf),
        csv_h = t.csv,
        csv = escape(csv),
        file_h = t.file,
        upload = t.upload,
        history_h = t.history,
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
    /// `YYYY-MM-DDTHH:MM` in the shop's time zone (a `datetime-local` field); empty: now.
    #[serde(default)]
    pub effective_at: Option<String>,
}

/// `POST /catalogue`: the whole CSV or nothing.
pub async fn upload(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<Upload>) -> Response {
    let lang = Lang::of(f.lang.as_deref(), &headers);
    let s = match form_owner(&office, &headers, lang, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let rows = match catalogue_csv::parse(&f.csv, &WeighedLayout::default()) {
        Ok(rows) => rows,
        Err(e) => {
            let why = csv_line(lang, e.line, &e.problem);
            return unprocessable(render(&office, lang, &s.csrf, Some(("error", &why)), &f.csv).await);
        }
    };
    let mut products = BTreeMap::new();
    for r in rows {
        match serde_json::to_value(&r.product) {
            Ok(json) => products.insert(r.product.barcode.clone(), json),
            Err(_) => return StatusCode::UNPROCESSABLE_ENTITY.into_response(),
        };
    }
    if let Some(at) = f.effective_at.as_deref().map(str::trim).filter(|at| !at.is_empty()) {
        let t = text(lang);
        return match schedule(&office, &s.login, &products, at).await {
            Ok(Some(id)) => {
                tracing::info!(id, at, login = s.login, "catalogue change scheduled");
                render(&office, lang, &s.csrf, Some(("ok", t.scheduled_saved)), "").await
            }
            Ok(None) => unprocessable(render(&office, lang, &s.csrf, Some(("error", t.bad_time)), &f.csv).await),
            Err(e) => {
                tracing::warn!(error = %e, "catalogue schedule");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        };
    }
    match save(&office, &s.login, products).await {
        Ok(Some(version)) => {
            tracing::info!(version, login = s.login, "catalogue changeset saved");
            render(&office, lang, &s.csrf, Some(("ok", text(lang).saved)), "").await
        }
        Ok(None) => render(&office, lang, &s.csrf, Some(("ok", text(lang).unchanged)), "").await,
        Err(e) => {
            tracing::warn!(error = %e, "catalogue upload");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The wall clock in unix milliseconds (what the requests pass as "now" to [`publish_due`]).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `YYYY-MM-DDTHH:MM` (or with a space, or with seconds): what a `datetime-local` field sends.
pub fn well_formed(at: &str) -> bool {
    at.len() >= 16
        && at.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T' || b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        })
}

/// Keeps `products` (the whole catalogue) to replace the office's from `at` (`YYYY-MM-DDTHH:MM`,
/// the shop's time zone). `None`: `at` is not such a time.
pub async fn schedule(
    office: &Shared,
    login: &str,
    products: &BTreeMap<String, Value>,
    at: &str,
) -> anyhow::Result<Option<i64>> {
    if !well_formed(at) {
        return Ok(None);
    }
    let client = office.pool.get().await?;
    let id = client
        .query_one(
            "INSERT INTO scheduled_changes (effective_at, created_by, products)
             VALUES ($1::text::timestamp AT TIME ZONE $2, (SELECT id FROM owners WHERE login = $3), $4) RETURNING id",
            &[&at, &office.settings.time_zone, &login, &tokio_postgres::types::Json(products)],
        )
        .await;
    match id {
        Ok(row) => Ok(Some(row.get(0))),
        // a date that does not exist (02-30, 25:00): the owner's to correct
        Err(e) if e.code().is_some_and(|c| c.code().starts_with("22")) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Publishes the scheduled changes due at `now_ms` (unix milliseconds), oldest first, each as the
/// next changeset. A cheap look first: the changesets' lock only when something is due.
pub async fn publish_due(client: &mut deadpool_postgres::Client, now_ms: i64) -> anyhow::Result<usize> {
    let due = "SELECT id, products, created_by, barcode, price_fen FROM scheduled_changes
               WHERE published_at IS NULL AND cancelled_at IS NULL
                 AND effective_at <= to_timestamp($1::bigint / 1000.0)
               ORDER BY effective_at, id";
    if client.query(due, &[&now_ms]).await?.is_empty() {
        return Ok(0);
    }
    let tx = client.transaction().await?;
    tx.execute("LOCK TABLE catalogue_changesets IN EXCLUSIVE MODE", &[]).await?;
    // looked at again under the lock: another request may have published them meanwhile
    let rows = tx.query(due, &[&now_ms]).await?;
    for row in &rows {
        let id: i64 = row.get(0);
        let version = match (row.get::<_, Option<String>>(3), row.get::<_, Option<i64>>(4)) {
            // one product's price: on the catalogue as it is at that time
            (Some(barcode), Some(price)) => set_price_in(&tx, row.get(2), &barcode, price).await?.flatten(),
            _ => save_in(&tx, row.get(2), &serde_json::from_value(row.get(1))?).await?,
        };
        tx.execute(
            "UPDATE scheduled_changes SET published_at = to_timestamp($2::bigint / 1000.0), published_version = $3
             WHERE id = $1",
            &[&id, &now_ms, &version],
        )
        .await?;
        tracing::info!(id, version, "scheduled catalogue change published");
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Replaces the office's catalogue with `products`; the difference becomes the next changeset.
/// `None`: nothing changed. What was scheduled before now is published first.
pub async fn save(office: &Shared, login: &str, products: BTreeMap<String, Value>) -> anyhow::Result<Option<i64>> {
    let mut client = office.pool.get().await?;
    publish_due(&mut client, now_ms()).await?;
    let tx = client.transaction().await?;
    // Writers in turn: versions are given in commit order (readers are not blocked).
    tx.execute("LOCK TABLE catalogue_changesets IN EXCLUSIVE MODE", &[]).await?;
    let owner: Option<i64> = tx.query_opt("SELECT id FROM owners WHERE login = $1", &[&login]).await?.map(|r| r.get(0));
    let version = save_in(&tx, owner, &products).await?;
    tx.commit().await?;
    Ok(version)
}

/// Sets one product's price (fen) now; the change becomes the next changeset. `None`: no such
/// product; `Some(None)`: it had that price already. What was scheduled before now is published first.
pub async fn set_price(office: &Shared, login: &str, barcode: &str, price: i64) -> anyhow::Result<Option<Option<i64>>> {
    let mut client = office.pool.get().await?;
    publish_due(&mut client, now_ms()).await?;
    let tx = client.transaction().await?;
    tx.execute("LOCK TABLE catalogue_changesets IN EXCLUSIVE MODE", &[]).await?;
    let owner: Option<i64> = tx.query_opt("SELECT id FROM owners WHERE login = $1", &[&login]).await?.map(|r| r.get(0));
    let version = set_price_in(&tx, owner, barcode, price).await?;
    tx.commit().await?;
    Ok(version)
}

/// [`set_price`] inside `tx`, which holds the changesets' lock: the office's catalogue with that
/// one product's price changed.
async fn set_price_in(
    tx: &deadpool_postgres::Transaction<'_>,
    owner: Option<i64>,
    barcode: &str,
    price: i64,
) -> anyhow::Result<Option<Option<i64>>> {
    let mut products: BTreeMap<String, Value> =
        tx.query("SELECT barcode, product FROM products", &[]).await?.iter().map(|r| (r.get(0), r.get(1))).collect();
    let Some(product) = products.get_mut(barcode).and_then(Value::as_object_mut) else { return Ok(None) };
    product.insert("price".into(), Value::from(price));
    Ok(Some(save_in(tx, owner, &products).await?))
}

/// [`save`] inside `tx`, which holds the changesets' lock.
async fn save_in(
    tx: &deadpool_postgres::Transaction<'_>,
    owner: Option<i64>,
    products: &BTreeMap<String, Value>,
) -> anyhow::Result<Option<i64>> {
    let old: BTreeMap<String, Value> =
        tx.query("SELECT barcode, product FROM products", &[]).await?.iter().map(|r| (r.get(0), r.get(1))).collect();
    let changed: Vec<&Value> =
        products.iter().filter(|(barcode, p)| old.get(*barcode) != Some(*p)).map(|(_, p)| p).collect();
    let removed: Vec<&String> = old.keys().filter(|barcode| !products.contains_key(*barcode)).collect();
    if changed.is_empty() && removed.is_empty() {
        return Ok(None);
    }
    let version: i64 =
        tx.query_one("SELECT coalesce(max(version), 0) + 1 FROM catalogue_changesets", &[]).await?.get(0);
    tx.execute(
        "INSERT INTO catalogue_changesets (version, created_by, products, removed)
         VALUES ($1, $2, $3, $4)",
        &[&version, &owner, &tokio_postgres::types::Json(&changed), &tokio_postgres::types::Json(&removed)],
    )
    .await?;
    tx.execute("DELETE FROM products WHERE barcode = ANY($1)", &[&removed]).await?;
    for p in changed {
        let barcode = p.get("barcode").and_then(Value::as_str).unwrap_or_default();
        tx.execute(
            "INSERT INTO products (barcode, product, version) VALUES ($1, $2, $3)
             ON CONFLICT (barcode) DO UPDATE SET product = $2, version = $3",
            &[&barcode, p, &version],
        )
        .await?;
    }
    Ok(Some(version))
}

#[derive(Deserialize)]
pub struct After {
    pub after: i64,
}

/// `GET /v1/catalogue?after=N`, signed: the changesets after N (or, at 0, the whole catalogue).
pub async fn changes(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<After>) -> Answer {
    let (signed, _) = match authenticate(&office, &headers, b"").await {
        Ok(ok) => ok,
        Err(answer) => return answer,
    };
    let key = headers.get(till_proto::sign::HEADER_IDEMPOTENCY).and_then(|v| v.to_str().ok());
    if key != Some(signing_key(q.after).as_str()) {
        return crate::ingest::refused(StatusCode::BAD_REQUEST, "the signed key is not this request's");
    }
    match read_changes(&office, &signed.device_id, q.after, now_ms()).await {
        Ok(changes) => (StatusCode::OK, Json(serde_json::to_value(changes).unwrap_or_default())),
        Err(e) => crate::ingest::unavailable(e),
    }
}

/// The changesets after `after` for `device_id`, at `now_ms` (unix milliseconds): what was
/// scheduled before then is published first, and nothing scheduled later is seen.
pub async fn read_changes(office: &Shared, device_id: &str, after: i64, now_ms: i64) -> anyhow::Result<Changes> {
    let mut client = office.pool.get().await?;
    publish_due(&mut client, now_ms).await?;
    client
        .execute(
            "UPDATE devices SET last_contact_at = now(), catalogue_version = $2 WHERE device_id = $1",
            &[&device_id, &after],
        )
        .await?;
    if after <= 0 {
        let tx_rows = client
            .query(
                "SELECT (SELECT coalesce(max(version), 0) FROM catalogue_changesets), product FROM products
                 ORDER BY barcode",
                &[],
            )
            .await?;
        let Some(version) = tx_rows.first().map(|r| r.get::<_, i64>(0)) else { return Ok(Changes::default()) };
        let products = tx_rows.iter().map(|r| r.get::<_, Value>(1)).collect();
        return Ok(Changes { changesets: vec![Changeset { version, full: true, products, removed: vec![] }] });
    }
    let limit = i64::try_from(MAX_CHANGESETS).unwrap_or(50);
    let changesets = client
        .query(
            "SELECT version, products, removed FROM catalogue_changesets WHERE version > $1 ORDER BY version LIMIT $2",
            &[&after, &limit],
        )
        .await?
        .iter()
        .map(|r| Changeset {
            version: r.get(0),
            full: false,
            products: serde_json::from_value(r.get(1)).unwrap_or_default(),
            removed: serde_json::from_value(r.get(2)).unwrap_or_default(),
        })
        .collect();
    Ok(Changes { changesets })
}
