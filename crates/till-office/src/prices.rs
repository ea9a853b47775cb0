//! One product's price, now or from a time (`/prices`), and cancelling a scheduled change before
//! its time (`POST /prices/cancel`). Both need the owner's session and its CSRF token, as every
//! form does; the price reaches the tills as the next catalogue changeset (catalogue.rs), a
//! scheduled one from its time.

use crate::Shared;
use crate::auth::{LangQuery, Session, form_owner, signed_in};
use crate::catalogue::{now_ms, publish_due, set_price, well_formed};
use crate::pages::{Lang, escape, page, yuan};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

struct Text {
    title: &'static str,
    today: &'static str,
    barcode: &'static str,
    price: &'static str,
    when: &'static str,
    save: &'static str,
    scheduled: &'static str,
    whole: &'static str,
    cancel: &'static str,
    none: &'static str,
    saved: &'static str,
    unchanged: &'static str,
    scheduled_saved: &'static str,
    cancelled: &'static str,
    too_late: &'static str,
    no_product: &'static str,
    bad_price: &'static str,
    bad_time: &'static str,
}

const ZH: Text = Text {
    title: "改价",
    today: "今日营业",
    barcode: "条码",
    price: "新价格（元，如 3.50）",
    when: "生效时间（留空则立即生效）",
    save: "保存并发送到收银机",
    scheduled: "等待生效的变更",
    whole: "整个目录",
    cancel: "取消",
    none: "无",
    saved: "已保存，收银机一分钟内更新",
    unchanged: "价格没有变化",
    scheduled_saved: "已安排，到时间后发送到收银机",
    cancelled: "已取消，不会发送到收银机",
    too_late: "已经生效或已取消，无法再取消",
    no_product: "目录里没有这个条码",
    bad_price: "价格不对，请填写如 3.50",
    bad_time: "生效时间不对，请按 年-月-日 时:分 填写",
};

const EN: Text = Text {
    title: "Prices",
    today: "Today",
    barcode: "Barcode",
    price: "New price (yuan, like 3.50)",
    when: "Takes effect at (empty: now)",
    save: "Save and send to the tills",
    scheduled: "Changes waiting for their time",
    whole: "whole catalogue",
    cancel: "Cancel",
    none: "none",
    saved: "Saved: the tills have it within a minute",
    unchanged: "The price was already that",
    scheduled_saved: "Scheduled: the tills get it from that time",
    cancelled: "Cancelled: it will not reach the tills",
    too_late: "It has taken effect or was cancelled already: it cannot be cancelled",
    no_product: "No product with that barcode in the catalogue",
    bad_price: "The price is not right: write it like 3.50",
    bad_time: "The time is not right: write it as year-month-day hour:minute",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// A change waiting for its time: (id, when, barcode and name or none for a whole catalogue,
/// the price from then, the price now).
type Waiting = (i64, String, Option<(String, String)>, Option<i64>, Option<i64>);

async fn waiting(office: &Shared) -> anyhow::Result<Vec<Waiting>> {
    let mut client = office.pool.get().await?;
    publish_due(&mut client, now_ms()).await?;
    Ok(client
        .query(
            "SELECT s.id, to_char(s.effective_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'), s.barcode,
                    coalesce(p.product ->> 'name', ''), s.price_fen, (p.product ->> 'price')::bigint
             FROM scheduled_changes s LEFT JOIN products p ON p.barcode = s.barcode
             WHERE s.published_at IS NULL AND s.cancelled_at IS NULL ORDER BY s.effective_at, s.id LIMIT 50",
            &[&office.settings.time_zone],
        )
        .await?
        .iter()
        .map(|r| {
            let product = r.get::<_, Option<String>>(2).map(|b| (b, r.get(3)));
            (r.get(0), r.get(1), product, r.get(4), r.get(5))
        })
        .collect())
}

async fn render(office: &Shared, lang: Lang, csrf: &str, message: Option<(&str, &str)>) -> Response {
    let t = text(lang);
    let rows = match waiting(office).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "prices page");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let message = message
        .map(|(class, m)| format!("<p class=\"{class}\" id=\"message\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    let code = lang.code();
    let csrf = escape(csrf);
    let rows: String = rows
        .iter()
        .map(|(id, at, product, price, now)| {
            let what = match product {
                Some((barcode, name)) => format!(
                    "{}<br><small>{}</small><br>{} → <b>{}</b>",
                    escape(name),
                    escape(barcode),
                    now.map_or_else(|| "—".into(), yuan),
                    price.map_or_else(|| "—".into(), yuan)
                ),
                None => t.whole.to_string(),
            };
            format!(
                "<tr id=\"waiting-{id}\"><td>{at}</td><td>{what}</td><td><form method=\"post\" action=\"/prices/cancel\" \
                 class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                 <input type=\"hidden\" name=\"lang\" value=\"{code}\"><input type=\"hidden\" name=\"id\" value=\"{id}\">\
                 <button type=\"submit\" id=\"cancel-{id}\">{cancel}</button></form></td></tr>",
                cancel = t.cancel,
            )
        })
        .collect();
    let waiting = if rows.is_empty() {
        format!("<p id=\"waiting\">{}</p>", t.none)
    } else {
        format!("<table id=\"waiting\">{rows}</table>")
    };
    let body = format!(
        "<nav><h1>{title}</h1><a href=\"/?lang={code}\">{today}</a></nav>{message}\
         <form method=\"post\" action=\"/prices\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{code}\">\
         <label>{barcode}<input name=\"barcode\" id=\"barcode\" inputmode=\"numeric\" maxlength=\"64\" required></label>\
         <label>{price}<input name=\"price\" id=\"price\" inputmode=\"decimal\" maxlength=\"16\" required></label>\
         <label>{when}<input type=\"datetime-local\" name=\"effective_at\" id=\"effective_at\"></label>\
         <button type=\"submit\" id=\"save-price\">{save}</button></form>\
         <h2>{scheduled}</h2>{waiting}",
        title = t.title,
        today = t.today,
        barcode = t.barcode,
        price = t.price,
        when = t.when,
        save = t.save,
        scheduled = t.scheduled,
    );
    page(lang, t.title, &body).into_response()
}

/// The page with a message, and the status to answer with.
async fn answer(office: &Shared, lang: Lang, s: &Session, status: StatusCode, class: &str, m: &str) -> Response {
    let mut r = render(office, lang, &s.csrf, Some((class, m))).await;
    if r.status() == StatusCode::OK {
        *r.status_mut() = status;
    }
    r
}

pub async fn show(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    match signed_in(&office, &headers, lang).await {
        Ok(s) => render(&office, lang, &s.csrf, None).await,
        Err(r) => r,
    }
}

#[derive(Deserialize)]
pub struct PriceForm {
    pub csrf: String,
    pub lang: Option<String>,
    pub barcode: String,
    /// Yuan, `3.50`.
    pub price: String,
    /// `YYYY-MM-DDTHH:MM` in the shop's time zone; empty: now.
    #[serde(default)]
    pub effective_at: Option<String>,
}

/// `POST /prices`: one product's price, now or from a time.
pub async fn change(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<PriceForm>) -> Response {
    let lang = Lang::of(f.lang.as_deref(), &headers);
    let s = match form_owner(&office, &headers, lang, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let t = text(lang);
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let price = match till::core::money::Fen::parse_yuan(&f.price) {
        Ok(p) if p.0 >= 0 => p.0,
        _ => return answer(&office, lang, &s, unprocessable, "error", t.bad_price).await,
    };
    let barcode = f.barcode.trim();
    let exists = async {
        let client = office.pool.get().await?;
        anyhow::Ok(client.query_opt("SELECT 1 FROM products WHERE barcode = $1", &[&barcode]).await?.is_some())
    };
    match exists.await {
        Ok(true) => {}
        Ok(false) => return answer(&office, lang, &s, unprocessable, "error", t.no_product).await,
        Err(e) => return unavailable(e),
    }
    if let Some(at) = f.effective_at.as_deref().map(str::trim).filter(|at| !at.is_empty()) {
        return match schedule_price(&office, &s.login, barcode, price, at).await {
            Ok(Some(id)) => {
                tracing::info!(id, at, barcode, price, login = s.login, "price change scheduled");
                answer(&office, lang, &s, StatusCode::OK, "ok", t.scheduled_saved).await
            }
            Ok(None) => answer(&office, lang, &s, unprocessable, "error", t.bad_time).await,
            Err(e) => unavailable(e),
        };
    }
    match set_price(&office, &s.login, barcode, price).await {
        Ok(Some(Some(version))) => {
            tracing::info!(version, barcode, price, login = s.login, "price changed");
            answer(&office, lang, &s, StatusCode::OK, "ok", t.saved).await
        }
        Ok(Some(None)) => answer(&office, lang, &s, StatusCode::OK, "ok", t.unchanged).await,
        Ok(None) => answer(&office, lang, &s, unprocessable, "error", t.no_product).await,
        Err(e) => unavailable(e),
    }
}

fn unavailable(e: anyhow::Error) -> Response {
    tracing::warn!(error = %e, "prices");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

/// Keeps one product's price to be set from `at` (the shop's time zone). `None`: `at` is not a time.
pub async fn schedule_price(
    office: &Shared,
    login: &str,
    barcode: &str,
    price: i64,
    at: &str,
) -> anyhow::Result<Option<i64>> {
    if !well_formed(at) {
        return Ok(None);
    }
    let client = office.pool.get().await?;
    let id = client
        .query_one(
            "INSERT INTO scheduled_changes (effective_at, created_by, products, barcode, price_fen)
             VALUES ($1::text::timestamp AT TIME ZONE $2, (SELECT id FROM owners WHERE login = $3), '{}', $4, $5)
             RETURNING id",
            &[&at, &office.settings.time_zone, &login, &barcode, &price],
        )
        .await;
    match id {
        Ok(row) => Ok(Some(row.get(0))),
        // a date that does not exist (02-30, 25:00): the owner's to correct
        Err(e) if e.code().is_some_and(|c| c.code().starts_with("22")) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    pub csrf: String,
    pub lang: Option<String>,
    pub id: i64,
}

/// Cancels scheduled change `id` unless it is due at `now_ms` (unix milliseconds) or published or
/// cancelled already: whether it did.
pub async fn cancel_scheduled(office: &Shared, login: &str, id: i64, now_ms: i64) -> anyhow::Result<bool> {
    let mut client = office.pool.get().await?;
    // due ones are published first: what has taken effect cannot be cancelled
    publish_due(&mut client, now_ms).await?;
    let tx = client.transaction().await?;
    tx.execute("LOCK TABLE catalogue_changesets IN EXCLUSIVE MODE", &[]).await?;
    let n = tx
        .execute(
            "UPDATE scheduled_changes SET cancelled_at = now(), cancelled_by = (SELECT id FROM owners WHERE login = $2)
             WHERE id = $1 AND published_at IS NULL AND cancelled_at IS NULL
               AND effective_at > to_timestamp($3::bigint / 1000.0)",
            &[&id, &login, &now_ms],
        )
        .await?;
    tx.commit().await?;
    Ok(n == 1)
}

/// `POST /prices/cancel`: a scheduled change (one price, or a whole catalogue) that has not taken
/// effect never will. Publishing takes the changesets' lock, so a change is either published or
/// cancelled, never both.
pub async fn cancel(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<CancelForm>) -> Response {
    let lang = Lang::of(f.lang.as_deref(), &headers);
    let s = match form_owner(&office, &headers, lang, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let t = text(lang);
    let cancelled = cancel_scheduled(&office, &s.login, f.id, now_ms());
    match cancelled.await {
        Ok(true) => {
            tracing::info!(id = f.id, login = s.login, "scheduled change cancelled");
            answer(&office, lang, &s, StatusCode::OK, "ok", t.cancelled).await
        }
        Ok(false) => answer(&office, lang, &s, StatusCode::CONFLICT, "error", t.too_late).await,
        Err(e) => unavailable(e),
    }
}
