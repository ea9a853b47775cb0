//! Upgrades for a fleet, the owner's page (`/fleet`): upload a bundle the vendor signed (checked
//! against the release public keys before it is kept, so the office never hosts a bad one; the
//! tills check it again), define a release (a version for all tills, one shop's or a list), and
//! see per till what it runs, whether it rolled back, and when it last asked. A release stops by
//! itself when more than its share of tills roll it back ([`api::stop_rollouts`]); the page says so.

pub mod api;

use crate::Shared;
use crate::auth::{LangQuery, form_owner, signed_in};
use crate::pages::{Lang, escape, page, unprocessable};
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use till::upgrade::bundle::{self, MAX_BUNDLE};
use till::upgrade::{Manifest, TrustedKeys, UpgradeError};

/// The largest upload: a bundle and the form's few fields.
pub const MAX_UPLOAD: usize = MAX_BUNDLE as usize + 64 * 1024;

mod text;
use text::{Text, text};

/// Checks a bundle as a till would, for the target its manifest names: `Ok` only when it is signed
/// by one of `keys` and whole.
pub fn check(bytes: &[u8], keys: &TrustedKeys) -> Result<Manifest, UpgradeError> {
    let target = bytes
        .strip_prefix(bundle::MAGIC)
        .and_then(|rest| rest.split(|&b| b == b'\n').next())
        .and_then(|line| serde_json::from_slice::<Manifest>(line).ok())
        .map(|m| m.target)
        .ok_or_else(|| UpgradeError::Format("not a till update bundle".into()))?;
    bundle::verify(bytes, keys, &target).map(|v| v.manifest)
}

struct Till {
    id: String,
    name: String,
    shop: String,
    running: Option<String>,
    rolled_back_from: Option<String>,
    last_contact: Option<String>,
}

struct Release {
    version: String,
    group: String,
    max: i32,
    installed: i64,
    rolled: i64,
    tills: i64,
    stopped: Option<(i32, i32)>,
}

async fn read(office: &Shared, t: &Text) -> anyhow::Result<(Vec<Till>, Vec<Release>, Vec<(String, String, i64)>)> {
    let client = office.pool.get().await?;
    let tills = client
        .query(
            "SELECT device_id, name, shop, running_version, rolled_back_from,
                    to_char(last_contact_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI')
             FROM devices WHERE revoked_at IS NULL ORDER BY shop, device_id",
            &[&office.settings.time_zone],
        )
        .await?
        .iter()
        .map(|r| Till {
            id: r.get(0),
            name: r.get(1),
            shop: r.get(2),
            running: r.get(3),
            rolled_back_from: r.get(4),
            last_contact: r.get(5),
        })
        .collect();
    let releases = client
        .query(
            &format!(
                "SELECT r.version, r.shop, r.device_ids, r.max_rollback_percent,
                        count(d.device_id) FILTER (WHERE d.running_version = r.version),
                        count(d.device_id) FILTER (WHERE d.rolled_back_from = r.version),
                        count(d.device_id), r.stopped_rolled_back, r.stopped_of
                 FROM releases r LEFT JOIN devices d ON d.revoked_at IS NULL AND {}
                 GROUP BY r.id ORDER BY r.id DESC",
                api::IN_GROUP
            ),
            &[],
        )
        .await?
        .iter()
        .map(|r| {
            let (shop, ids): (Option<String>, Option<Vec<String>>) = (r.get(1), r.get(2));
            let group = match (shop, ids) {
                (Some(shop), _) => format!("{} {shop}", t.shop),
                (None, Some(ids)) => ids.join(", "),
                (None, None) => t.all.to_string(),
            };
            let stopped = match (r.get::<_, Option<i32>>(7), r.get::<_, Option<i32>>(8)) {
                (Some(rolled), Some(of)) => Some((rolled, of)),
                _ => None,
            };
            Release {
                version: r.get(0),
                group,
                max: r.get(3),
                installed: r.get(4),
                rolled: r.get(5),
                tills: r.get(6),
                stopped,
            }
        })
        .collect();
    let bundles = client
        .query("SELECT version, target, size FROM bundles ORDER BY uploaded_at DESC", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    Ok((tills, releases, bundles))
}

async fn render(office: &Shared, lang: Lang, csrf: &str, message: Option<(&str, String)>) -> Response {
    let t = text(lang);
    let (tills, releases, bundles) = match read(office, t).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "fleet page");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let message = message
        .map(|(class, m)| format!("<p class=\"{class}\" id=\"message\" role=\"alert\">{}</p>", escape(&m)))
        .unwrap_or_default();
    let dash = || "—".to_string();
    let till_rows: String = tills
        .iter()
        .map(|d| {
            format!(
                "<tr data-device=\"{id}\"><td>{name}<br><small>{id}</small></td><td>{shop}</td>\
                 <td class=\"version\">{running}</td><td class=\"rolled\">{rolled}</td><td>{contact}</td></tr>",
                id = escape(&d.id),
                name = escape(&d.name),
                shop = escape(&d.shop),
                running = d.running.as_deref().map(escape).unwrap_or_else(dash),
                rolled =
                    d.rolled_back_from.as_deref().map(|v| format!("{} {}", t.from, escape(v))).unwrap_or_else(dash),
                contact = d.last_contact.as_deref().map(escape).unwrap_or_else(|| t.never.to_string()),
            )
        })
        .collect();
    let release_rows: String = releases
        .iter()
        .map(|r| {
            let status = match r.stopped {
                Some((rolled, of)) => {
                    format!("<span class=\"error stopped\">{}</span>", (t.stopped)(rolled, of, r.max))
                }
                None => format!("<span class=\"offered\">{}</span>", t.offered),
            };
            format!(
                "<tr data-version=\"{v}\"><td>{v}</td><td>{group}</td><td class=\"n\">{installed}/{tills}</td>\
                 <td class=\"n\">{rolled} (≤{max}%)</td><td class=\"status\">{status}</td></tr>",
                v = escape(&r.version),
                group = escape(&r.group),
                installed = r.installed,
                tills = r.tills,
                rolled = r.rolled,
                max = r.max,
            )
        })
        .collect();
    let bundle_rows: String = bundles
        .iter()
        .map(|(v, target, size)| {
            format!(
                "<tr><td>{}</td><td><small>{}</small></td><td class=\"n\">{:.1} MB</td></tr>",
                escape(v),
                escape(target),
                *size as f64 / 1e6
            )
        })
        .collect();
    let (code, csrf) = (lang.code(), escape(csrf));
    let body = format!(
        "<nav><h1>{title}</h1><a href=\"/devices?lang={code}\">{devices}</a></nav>{message}\
         <h2>{tills_h}</h2><div style=\"overflow-x:auto\"><table id=\"tills\"><tr><th>{till_h}</th><th>{shop_h}</th><th>{version_h}</th>\
         <th>{rolled_h}</th><th>{contact_h}</th></tr>{till_rows}</table></div>\
         <h2>{releases_h}</h2><div style=\"overflow-x:auto\"><table id=\"releases\"><tr><th>{version_h}</th><th>{group_h}</th><th>{installed_h}</th>\
         <th>{rolled_h}</th><th></th></tr>{release_rows}</table></div>\
         <form method=\"post\" action=\"/fleet/releases\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{code}\">\
         <label>{version_h}<input name=\"version\" id=\"version\" required></label>\
         <label>{shop_h} ({optional})<input name=\"shop\" id=\"shop\"></label>\
         <label>{list_h} ({optional})<input name=\"devices\" id=\"devices\"></label>\
         <label>{max_h}<input name=\"max_rollback_percent\" id=\"max\" type=\"number\" min=\"0\" max=\"100\" value=\"20\"></label>\
         <button type=\"submit\" id=\"release\">{define}</button></form>\
         <h2>{bundles_h}</h2><table id=\"bundles\">{bundle_rows}</table>\
         <form method=\"post\" action=\"/fleet/bundles\" enctype=\"multipart/form-data\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"lang\" value=\"{code}\">\
         <label>{file_h}<input type=\"file\" name=\"bundle\" id=\"bundle\" accept=\".bundle\" required></label>\
         <button type=\"submit\" id=\"upload\">{upload}</button></form>",
        title = t.title,
        devices = t.devices,
        tills_h = t.tills,
        till_h = t.till,
        shop_h = t.shop,
        version_h = t.version,
        rolled_h = t.rolled_back,
        contact_h = t.last_contact,
        releases_h = t.releases,
        group_h = t.group,
        installed_h = t.installed,
        optional = t.optional,
        list_h = t.list,
        max_h = t.max,
        define = t.define,
        bundles_h = t.bundles,
        file_h = t.file,
        upload = t.upload,
    );
    page(lang, t.title, &body).into_response()
}

pub async fn show(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    match signed_in(&office, &headers, lang).await {
        Ok(s) => render(&office, lang, &s.csrf, None).await,
        Err(r) => r,
    }
}

/// `POST /fleet/bundles` (multipart: csrf, lang, bundle): kept only when it verifies.
pub async fn upload(State(office): State<Shared>, headers: HeaderMap, mut form: Multipart) -> Response {
    let (mut csrf, mut lang_field, mut bytes) = (String::new(), None, Vec::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let Ok(data) = field.bytes().await else { return StatusCode::BAD_REQUEST.into_response() };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&data).into_owned(),
                    "lang" => lang_field = Some(String::from_utf8_lossy(&data).into_owned()),
                    "bundle" => bytes = data.to_vec(),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        }
    }
    let lang = Lang::of(lang_field.as_deref(), &headers);
    let s = match form_owner(&office, &headers, lang, &csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let t = text(lang);
    let manifest = match check(&bytes, &office.settings.update_keys) {
        Ok(m) => m,
        Err(e) => {
            tracing::info!(error = %e, login = s.login, "bundle refused");
            let why = format!("{}: {e}", t.refused);
            return unprocessable(render(&office, lang, &s.csrf, Some(("error", why))).await);
        }
    };
    let sha256 = hex::encode(Sha256::digest(&bytes));
    match keep(&office, &s.login, &manifest, &sha256, &bytes).await {
        Ok(()) => {
            tracing::info!(version = manifest.version, target = manifest.target, sha256, "bundle kept");
            let saved = format!("{} {} ({})", t.kept, manifest.version, manifest.target);
            render(&office, lang, &s.csrf, Some(("ok", saved))).await
        }
        Err(e) => {
            tracing::warn!(error = %e, "bundle upload");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn keep(office: &Shared, login: &str, m: &Manifest, sha256: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let client = office.pool.get().await?;
    // One bundle per version and board: a new upload of the same replaces it (the vendor's fix).
    client
        .execute(
            "INSERT INTO bundles (sha256, version, target, size, notes, bytes, uploaded_by)
             VALUES ($1, $2, $3, $4, $5, $6, (SELECT id FROM owners WHERE login = $7))
             ON CONFLICT (version, target) DO UPDATE SET sha256 = $1, size = $4, notes = $5, bytes = $6,
                 uploaded_at = now(), uploaded_by = EXCLUDED.uploaded_by",
            &[&sha256, &m.version, &m.target, &i64::try_from(bytes.len())?, &m.notes, &bytes, &login],
        )
        .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct ReleaseForm {
    pub csrf: String,
    pub lang: Option<String>,
    pub version: String,
    #[serde(default)]
    pub shop: String,
    /// Till ids, separated by commas or spaces.
    #[serde(default)]
    pub devices: String,
    #[serde(default)]
    pub max_rollback_percent: Option<String>,
}

/// `POST /fleet/releases`: a version (one uploaded) for a group of tills.
pub async fn define(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<ReleaseForm>) -> Response {
    let lang = Lang::of(f.lang.as_deref(), &headers);
    let s = match form_owner(&office, &headers, lang, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let t = text(lang);
    let version = f.version.trim();
    let shop = Some(f.shop.trim()).filter(|s| !s.is_empty());
    let ids: Vec<String> =
        f.devices.split([',', ' ', '，']).map(str::trim).filter(|d| !d.is_empty()).map(String::from).collect();
    let ids = (!ids.is_empty()).then_some(ids);
    let max = match f.max_rollback_percent.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => 20,
        Some(m) => match m.trim_end_matches('%').parse::<i32>() {
            Ok(m) if (0..=100).contains(&m) => m,
            _ => return unprocessable(render(&office, lang, &s.csrf, Some(("error", t.bad_share.into()))).await),
        },
    };
    if shop.is_some() && ids.is_some() {
        return unprocessable(render(&office, lang, &s.csrf, Some(("error", t.one_group.into()))).await);
    }
    let result = async {
        let client = office.pool.get().await?;
        let known = client.query_opt("SELECT 1 FROM bundles WHERE version = $1", &[&version]).await?.is_some();
        if known {
            client
                .execute(
                    "INSERT INTO releases (version, shop, device_ids, max_rollback_percent, created_by)
                     VALUES ($1, $2, $3, $4, (SELECT id FROM owners WHERE login = $5))",
                    &[&version, &shop, &ids, &max, &s.login],
                )
                .await?;
        }
        anyhow::Ok(known)
    }
    .await;
    match result {
        Ok(true) => {
            tracing::info!(version, ?shop, ?ids, max, login = s.login, "release defined");
            render(&office, lang, &s.csrf, Some(("ok", format!("{} {version}", t.defined)))).await
        }
        Ok(false) => {
            let why = format!("{} {version}", t.no_bundle);
            unprocessable(render(&office, lang, &s.csrf, Some(("error", why))).await)
        }
        Err(e) => {
            tracing::warn!(error = %e, "release");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
