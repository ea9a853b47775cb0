//! The tills: the devices page (last contact, version, unsynced records; a new key; revoke), adding
//! a till with a one-time enrolment code and its QR, and `POST /v1/enrol`, where a till redeems
//! the code for its device id and key (till_proto::enrol).
//!
//! A code is good once and for [`CODE_MINUTES`]; only its SHA-256 is kept. Redeeming it for a till
//! that has keys gives a new key that revokes the older ones when it is first used (ingest), so a
//! till keeps delivering while it is re-enrolled.

use crate::auth::{LangQuery, Session, form_owner, sha256_hex, signed_in};
use crate::ingest::{Answer, refused};
use crate::pages::{Lang, escape, page};
use crate::{Shared, random_hex};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;
use till_proto::enrol::{CODE_ALPHABET, CODE_LEN, EnrolRequest, Enrolment, display_code, normalize_code, qr_text};

/// How long an enrolment code is good for.
pub const CODE_MINUTES: i32 = 30;

/// A new enrolment code: [`CODE_LEN`] characters of [`CODE_ALPHABET`], evenly drawn.
pub fn new_code() -> anyhow::Result<String> {
    let mut code = String::with_capacity(CODE_LEN);
    while code.len() < CODE_LEN {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        // Rejection sampling: only bytes below the largest multiple of the alphabet's size.
        let n = CODE_ALPHABET.len();
        if usize::from(byte[0]) < 256 - 256 % n {
            code.push(char::from(CODE_ALPHABET[usize::from(byte[0]) % n]));
        }
    }
    Ok(code)
}

/// The base URL tills reach this office at: `--public-url`, else this request's host.
fn base_url(office: &Shared, headers: &HeaderMap) -> String {
    if let Some(url) = &office.settings.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let https = office.settings.behind_proxy && header("x-forwarded-proto") == Some("https");
    let scheme = if https || office.settings.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{}", header("host").unwrap_or("localhost"))
}

struct Text {
    title: &'static str,
    add: &'static str,
    name: &'static str,
    shop: &'static str,
    code_title: &'static str,
    scan: &'static str,
    or_run: &'static str,
    good_until: &'static str,
    last_contact: &'static str,
    version: &'static str,
    catalogue: &'static str,
    unsynced: &'static str,
    never: &'static str,
    in_use: &'static str,
    waiting: &'static str,
    revoked: &'static str,
    new_key: &'static str,
    revoke: &'static str,
    back: &'static str,
    today: &'static str,
    move_shop: &'static str,
}

const ZH: Text = Text {
    title: "收银机",
    add: "添加收银机",
    name: "名称（如：一号收银台）",
    shop: "门店（可留空）",
    code_title: "登记码",
    scan: "在收银机上扫描这个二维码（主管输入PIN确认），只能用一次：",
    or_run: "或在收银机上输入：",
    good_until: "有效期至",
    last_contact: "最后联系",
    version: "版本",
    catalogue: "商品目录版本",
    unsynced: "未同步",
    never: "从未",
    in_use: "在用",
    waiting: "等待登记",
    revoked: "已停用",
    new_key: "换新密钥",
    revoke: "停用",
    back: "返回收银机列表",
    today: "今日营业",
    move_shop: "改门店",
};

const EN: Text = Text {
    title: "Tills",
    add: "Add a till",
    name: "Name (e.g. Front counter)",
    shop: "Shop (may be left empty)",
    code_title: "Enrolment code",
    scan: "Scan this QR code at the till (a supervisor confirms with their PIN); it works once:",
    or_run: "or type at the till:",
    good_until: "Good until",
    last_contact: "Last contact",
    version: "Version",
    catalogue: "Catalogue version",
    unsynced: "Unsynced",
    never: "never",
    in_use: "in use",
    waiting: "waiting for enrolment",
    revoked: "revoked",
    new_key: "New key",
    revoke: "Revoke",
    back: "Back to the tills",
    today: "Today",
    move_shop: "Change shop",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

struct Device {
    device_id: String,
    name: String,
    shop: String,
    last_contact: Option<String>,
    version: Option<String>,
    unsynced: Option<i64>,
    catalogue_version: Option<i64>,
    keys: i64,
    revoked: bool,
}

async fn read_devices(office: &Shared) -> anyhow::Result<Vec<Device>> {
    let client = office.pool.get().await?;
    let rows = client
        .query(
            "SELECT d.device_id, d.name, to_char(d.last_contact_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS'),
                    d.version, d.unsynced,
                    (SELECT count(*) FROM device_keys k WHERE k.device_id = d.device_id AND k.revoked_at IS NULL),
                    d.revoked_at IS NOT NULL, d.catalogue_version, d.shop
             FROM devices d ORDER BY d.revoked_at IS NOT NULL, d.name, d.device_id",
            &[&office.settings.time_zone],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Device {
            device_id: r.get(0),
            name: r.get(1),
            last_contact: r.get(2),
            version: r.get(3),
            unsynced: r.get(4),
            keys: r.get(5),
            revoked: r.get(6),
            catalogue_version: r.get(7),
            shop: r.get(8),
        })
        .collect())
}

fn button(action: &str, device_id: &str, csrf: &str, lang: Lang, label: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{}\"><input type=\"hidden\" name=\"device_id\" value=\"{}\">\
         <button type=\"submit\">{label}</button></form>",
        escape(csrf),
        lang.code(),
        escape(device_id)
    )
}

/// The till's shop, changed in place (`POST /devices/shop`).
fn shop_form(device_id: &str, shop: &str, csrf: &str, lang: Lang, t: &Text) -> String {
    format!(
        "<form method=\"post\" action=\"/devices/shop\" class=\"inline shop\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{}\"><input type=\"hidden\" name=\"device_id\" value=\"{}\">\
         <input name=\"shop\" value=\"{}\" maxlength=\"60\" aria-label=\"{}\"><button type=\"submit\">{}</button></form>",
        escape(csrf),
        lang.code(),
        escape(device_id),
        escape(shop),
        t.shop,
        t.move_shop
    )
}

fn render_list(t: &Text, lang: Lang, csrf: &str, devices: &[Device]) -> String {
    let rows: String = devices
        .iter()
        .map(|d| {
            let state = match (d.revoked, d.keys) {
                (true, _) => t.revoked,
                (false, 0) => t.waiting,
                (false, _) => t.in_use,
            };
            let actions = if d.revoked {
                String::new()
            } else {
                shop_form(&d.device_id, &d.shop, csrf, lang, t)
                    + &button("/devices/new-key", &d.device_id, csrf, lang, t.new_key)
                    + &button("/devices/revoke", &d.device_id, csrf, lang, t.revoke)
            };
            format!(
                "<tr id=\"till-{id}\"><td>{name}<br><small>{id}</small><br><small class=\"state\">{state}</small></td>\
                 <td>{contact}<br><small>{version_h}: {version}</small><br><small>{catalogue_h}: {catalogue}</small></td><td class=\"n unsynced\">{unsynced}</td>\
                 <td>{actions}</td></tr>",
                id = escape(&d.device_id),
                name = escape(&d.name),
                contact = d.last_contact.as_deref().map_or_else(|| t.never.to_string(), escape),
                version_h = t.version,
                version = d.version.as_deref().map_or_else(|| "—".to_string(), escape),
                catalogue_h = t.catalogue,
                catalogue = d.catalogue_version.map_or_else(|| "—".to_string(), |n| n.to_string()),
                unsynced = d.unsynced.map_or_else(|| "—".to_string(), |n| n.to_string()),
            )
        })
        .collect();
    format!(
        "<nav><h1>{title}</h1><a href=\"/?lang={code}\">{today}</a></nav>\
         <table id=\"devices\"><tr><th>{title}</th><th>{last_contact}</th><th>{unsynced}</th><th></th></tr>{rows}</table>\
         <h2>{add}</h2><form method=\"post\" action=\"/devices/add\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{code}\"><label>{name}<input name=\"name\" id=\"till-name\" \
         maxlength=\"60\" required></label><label>{shop}<input name=\"shop\" id=\"till-shop\" maxlength=\"60\"></label>\
         <button type=\"submit\" id=\"add-till\">{add}</button></form>",
        title = t.title,
        code = lang.code(),
        today = t.today,
        last_contact = t.last_contact,
        unsynced = t.unsynced,
        add = t.add,
        name = t.name,
        shop = t.shop,
        csrf = escape(csrf),
    )
}

/// An SVG of `text` as a QR code.
fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build()
            .replacen("<?xml version=\"1.0\" standalone=\"yes\"?>", "", 1),
        Err(_) => String::new(),
    }
}

fn render_code(t: &Text, lang: Lang, name: &str, code: &str, qr: &str, until: &str) -> String {
    format!(
        "<h1>{title}: {name}</h1><p>{scan}</p><div id=\"qr\">{svg}</div><p>{or_run}</p>\
         <p class=\"big\" id=\"code\">{code}</p><p><code>till enrol {code}</code></p>\
         <p>{good_until} <span id=\"until\">{until}</span></p><p><a href=\"/devices?lang={lang}\">{back}</a></p>",
        title = t.code_title,
        name = escape(name),
        scan = t.scan,
        svg = qr_svg(qr),
        or_run = t.or_run,
        code = display_code(code),
        good_until = t.good_until,
        until = escape(until),
        back = t.back,
        lang = lang.code(),
    )
}

fn unavailable(e: anyhow::Error) -> Response {
    tracing::warn!(error = %e, "devices page");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

pub async fn list(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    let s = match signed_in(&office, &headers, lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match read_devices(&office).await {
        Ok(devices) => page(lang, text(lang).title, &render_list(text(lang), lang, &s.csrf, &devices)).into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Deserialize)]
pub struct DeviceForm {
    pub csrf: String,
    pub lang: Option<String>,
    #[serde(default)]
    pub device_id: String,
    #[serde(default)]
    pub name: String,
    /// The shop a new till is in, or a till moves to (empty: none yet).
    #[serde(default)]
    pub shop: String,
}

/// A signed-in owner's form with its session's CSRF token, or the answer to give instead.
async fn checked(office: &Shared, headers: &HeaderMap, f: &DeviceForm) -> Result<(Lang, Session), Response> {
    let lang = Lang::of(f.lang.as_deref(), headers);
    Ok((lang, form_owner(office, headers, lang, &f.csrf).await?))
}

/// A new code for `device_id`: (the code, when it expires in the shop's zone).
async fn issue_code(office: &Shared, device_id: &str, login: &str) -> anyhow::Result<(String, String)> {
    let code = new_code()?;
    let client = office.pool.get().await?;
    let row = client
        .query_one(
            "INSERT INTO enrolment_codes (code_sha256, device_id, created_by, expires_at)
             VALUES ($1, $2, (SELECT id FROM owners WHERE login = $3), now() + make_interval(mins => $4))
             RETURNING to_char(expires_at AT TIME ZONE $5, 'YYYY-MM-DD HH24:MI')",
            &[&sha256_hex(&code), &device_id, &login, &CODE_MINUTES, &office.settings.time_zone],
        )
        .await?;
    tracing::info!(device_id, login, "enrolment code made");
    Ok((code, row.get(0)))
}

async fn code_page(office: &Shared, headers: &HeaderMap, lang: Lang, s: &Session, device_id: &str) -> Response {
    let name = match office.pool.get().await {
        Ok(c) => match c.query_opt("SELECT name FROM devices WHERE device_id = $1", &[&device_id]).await {
            Ok(Some(row)) => row.get::<_, String>(0),
            Ok(None) => return StatusCode::NOT_FOUND.into_response(),
            Err(e) => return unavailable(e.into()),
        },
        Err(e) => return unavailable(e.into()),
    };
    match issue_code(office, device_id, &s.login).await {
        Ok((code, until)) => {
            let t = text(lang);
            let qr = qr_text(&base_url(office, headers), &code);
            page(lang, t.code_title, &render_code(t, lang, &name, &code, &qr, &until)).into_response()
        }
        Err(e) => unavailable(e),
    }
}

/// `POST /devices/add`: a new till (device id `till-` and 8 hex digits) and its first code.
pub async fn add(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<DeviceForm>) -> Response {
    let (lang, s) = match checked(&office, &headers, &f).await {
        Ok(ok) => ok,
        Err(r) => return r,
    };
    let name: String = f.name.trim().chars().take(60).collect();
    if name.is_empty() {
        return Redirect::to(&format!("/devices?lang={}", lang.code())).into_response();
    }
    let added = async {
        let device_id = format!("till-{}", random_hex(4)?);
        let client = office.pool.get().await?;
        let shop: String = f.shop.trim().chars().take(60).collect();
        client
            .execute("INSERT INTO devices (device_id, name, shop) VALUES ($1, $2, $3)", &[&device_id, &name, &shop])
            .await?;
        tracing::info!(device_id, login = s.login, "till added");
        anyhow::Ok(device_id)
    };
    match added.await {
        Ok(device_id) => code_page(&office, &headers, lang, &s, &device_id).await,
        Err(e) => unavailable(e),
    }
}

/// `POST /devices/new-key`: a new code for a till; the key it gives replaces the till's keys.
pub async fn new_key(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<DeviceForm>) -> Response {
    match checked(&office, &headers, &f).await {
        Ok((lang, s)) => code_page(&office, &headers, lang, &s, &f.device_id).await,
        Err(r) => r,
    }
}

/// `POST /devices/revoke`: the till's records are refused (403) from now on; its codes die.
pub async fn revoke(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<DeviceForm>) -> Response {
    let (lang, s) = match checked(&office, &headers, &f).await {
        Ok(ok) => ok,
        Err(r) => return r,
    };
    let done = async {
        crate::db::revoke(&office.pool, &f.device_id, None).await?;
        let client = office.pool.get().await?;
        client.execute("DELETE FROM enrolment_codes WHERE device_id = $1", &[&f.device_id]).await?;
        anyhow::Ok(())
    };
    match done.await {
        Ok(()) => {
            tracing::info!(device_id = f.device_id, login = s.login, "till revoked");
            Redirect::to(&format!("/devices?lang={}", lang.code())).into_response()
        }
        Err(e) => unavailable(e),
    }
}

/// `POST /devices/shop`: the till moves to another shop (empty: none). The change and who made
/// it are kept in `device_changes` with the shop it was in, in the same transaction.
pub async fn change_shop(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<DeviceForm>) -> Response {
    let (lang, s) = match checked(&office, &headers, &f).await {
        Ok(ok) => ok,
        Err(r) => return r,
    };
    let shop: String = f.shop.trim().chars().take(60).collect();
    let moved = async {
        let mut client = office.pool.get().await?;
        let tx = client.transaction().await?;
        let Some(row) =
            tx.query_opt("SELECT shop FROM devices WHERE device_id = $1 FOR UPDATE", &[&f.device_id]).await?
        else {
            return anyhow::Ok(false);
        };
        let was: String = row.get(0);
        if was != shop {
            tx.execute("UPDATE devices SET shop = $2 WHERE device_id = $1", &[&f.device_id, &shop]).await?;
            tx.execute(
                "INSERT INTO device_changes (device_id, field, was, now, changed_by)
                 VALUES ($1, 'shop', $2, $3, (SELECT id FROM owners WHERE login = $4))",
                &[&f.device_id, &was, &shop, &s.login],
            )
            .await?;
            tracing::info!(device_id = f.device_id, login = s.login, was, shop, "till moved to another shop");
        }
        tx.commit().await?;
        anyhow::Ok(true)
    };
    match moved.await {
        Ok(true) => Redirect::to(&format!("/devices?lang={}", lang.code())).into_response(),
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => unavailable(e),
    }
}

/// `POST /v1/enrol`: a code for the till's device id, a new key and where to send records.
pub async fn enrol(State(office): State<Shared>, headers: HeaderMap, Json(req): Json<EnrolRequest>) -> Answer {
    let Some(code) = normalize_code(&req.code) else {
        return refused(StatusCode::BAD_REQUEST, "not an enrolment code");
    };
    let records_url = format!("{}{}", base_url(&office, &headers), till_proto::RECORDS_PATH);
    let version = Some(req.version).filter(|v| !v.is_empty() && v.len() <= 64);
    match redeem(&office, &code, version).await {
        Ok(Ok((device_id, key_id, key))) => {
            tracing::info!(device_id, key_id, "till enrolled");
            let e = Enrolment { device_id, key_id, key, records_url };
            (StatusCode::OK, Json(serde_json::to_value(e).unwrap_or_default()))
        }
        Ok(Err((status, reason))) => refused(status, reason),
        Err(e) => crate::ingest::unavailable(e),
    }
}

type Redeemed = Result<(String, String, String), (StatusCode, &'static str)>;

async fn redeem(office: &Shared, code: &str, version: Option<String>) -> anyhow::Result<Redeemed> {
    let mut client = office.pool.get().await?;
    let tx = client.transaction().await?;
    let Some(row) = tx
        .query_opt(
            "SELECT c.device_id, c.used_at IS NOT NULL, c.expires_at <= now(), d.revoked_at IS NOT NULL
             FROM enrolment_codes c JOIN devices d USING (device_id) WHERE c.code_sha256 = $1 FOR UPDATE OF c",
            &[&sha256_hex(code)],
        )
        .await?
    else {
        return Ok(Err((StatusCode::NOT_FOUND, "unknown enrolment code")));
    };
    let device_id: String = row.get(0);
    match (row.get::<_, bool>(1), row.get::<_, bool>(2), row.get::<_, bool>(3)) {
        (true, _, _) => return Ok(Err((StatusCode::GONE, "this code was used already: make a new one"))),
        (_, true, _) => return Ok(Err((StatusCode::GONE, "this code has expired: make a new one"))),
        (_, _, true) => return Ok(Err((StatusCode::FORBIDDEN, "this till is revoked"))),
        _ => {}
    }
    tx.execute("UPDATE enrolment_codes SET used_at = now() WHERE code_sha256 = $1", &[&sha256_hex(code)]).await?;
    let key_id: i64 = tx
        .query_one(
            "SELECT coalesce(max(key_id::bigint), 0) + 1 FROM device_keys WHERE device_id = $1 AND key_id ~ '^[0-9]{1,18}$'",
            &[&device_id],
        )
        .await?
        .get(0);
    let (key_id, key) = (key_id.to_string(), random_hex(32)?);
    tx.execute(
        "INSERT INTO device_keys (device_id, key_id, secret, replaces_older)
         VALUES ($1, $2, $3, EXISTS (SELECT 1 FROM device_keys WHERE device_id = $1 AND revoked_at IS NULL))",
        &[&device_id, &key_id, &key],
    )
    .await?;
    tx.execute(
        "UPDATE devices SET last_contact_at = now(), version = coalesce($2, version) WHERE device_id = $1",
        &[&device_id, &version],
    )
    .await?;
    tx.commit().await?;
    Ok(Ok((device_id, key_id, key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_of_the_alphabet_and_differ() {
        let (a, b) = (new_code().unwrap_or_default(), new_code().unwrap_or_default());
        assert_eq!(normalize_code(&a).as_deref(), Some(a.as_str()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_qr_is_an_svg_of_the_text() {
        let svg = qr_svg("TILL-ENROL:https://office.example.com#ABCDEFGHJKMN");
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"), "{}", &svg[..svg.len().min(80)]);
    }
}
