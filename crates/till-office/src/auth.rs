//! Owners' sign-in: argon2id password hashes, a session cookie (HttpOnly, SameSite=Strict, Secure
//! behind TLS) whose token PostgreSQL keeps only as a SHA-256, a CSRF token on every form (the
//! sign-in form's in a cookie of its own, compared with the form's: double submit; a session's
//! kept with the session), and a sign-in rate limit per login and per address, counted in
//! PostgreSQL so that every instance enforces it.

use crate::pages::{Lang, Text, page};
use crate::{Shared, random_hex};
use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "till_office_session";
pub const CSRF_COOKIE: &str = "till_office_csrf";
/// Failed sign-ins are counted over this many minutes.
pub const RATE_WINDOW_MINUTES: i32 = 15;
const SESSION_HOURS: i32 = 12;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?
        .to_string())
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Adds an owner, or sets an existing owner's password.
pub async fn add_owner(pool: &deadpool_postgres::Pool, login: &str, password: &str) -> anyhow::Result<()> {
    let hash = {
        let password = password.to_string();
        tokio::task::spawn_blocking(move || hash_password(&password)).await??
    };
    pool.get()
        .await?
        .execute(
            "INSERT INTO owners (login, password_hash) VALUES ($1, $2)
             ON CONFLICT (login) DO UPDATE SET password_hash = $2",
            &[&login, &hash],
        )
        .await
        .context("adding the owner")?;
    Ok(())
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The value of cookie `name` in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(office: &Shared, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
    let secure = if office.settings.secure_cookies { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A signed-in owner.
pub struct Session {
    pub login: String,
    pub csrf: String,
}

/// The session of this request's cookie, if it is valid and not expired.
pub async fn session(office: &Shared, headers: &HeaderMap) -> Option<Session> {
    let token = cookie(headers, SESSION_COOKIE)?;
    let client = office.pool.get().await.ok()?;
    let row = client
        .query_opt(
            "SELECT o.login, s.csrf FROM sessions s JOIN owners o ON o.id = s.owner_id
             WHERE s.token_sha256 = $1 AND s.expires_at > now()",
            &[&sha256_hex(&token)],
        )
        .await
        .ok()??;
    Some(Session { login: row.get(0), csrf: row.get(1) })
}

/// The signed-in owner, or the answer instead: to the sign-in page, in `lang`.
pub async fn signed_in(office: &Shared, headers: &HeaderMap, lang: Lang) -> Result<Session, Response> {
    session(office, headers)
        .await
        .ok_or_else(|| Redirect::to(&format!("/sign-in?lang={}", lang.code())).into_response())
}

/// The signed-in owner of a form carrying its session's CSRF token (`csrf`), or the answer instead:
/// to the sign-in page without a session, 403 with a token not the session's.
pub async fn form_owner(office: &Shared, headers: &HeaderMap, lang: Lang, csrf: &str) -> Result<Session, Response> {
    let s = signed_in(office, headers, lang).await?;
    if csrf != s.csrf {
        return Err(StatusCode::FORBIDDEN.into_response());
    }
    Ok(s)
}

#[derive(Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

fn form(t: &Text, lang: Lang, csrf: &str, error: Option<&str>) -> String {
    let error =
        error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", crate::pages::escape(e))).unwrap_or_default();
    format!(
        "<h1>{title}</h1>{error}<form method=\"post\" action=\"/sign-in\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"lang\" value=\"{code}\">\
         <label>{login}<input name=\"login\" id=\"login\" autocomplete=\"username\" required></label>\
         <label>{password}<input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
         <button type=\"submit\" id=\"sign-in\">{sign_in}</button></form>",
        title = t.sign_in_title,
        login = t.login,
        password = t.password,
        sign_in = t.sign_in,
        code = lang.code(),
    )
}

fn sign_in_form(office: &Shared, lang: Lang, status: StatusCode, error: Option<&str>) -> Response {
    let Ok(csrf) = random_hex(16) else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let t = Text::of(lang);
    let mut response = (status, page(lang, t.sign_in_title, &form(t, lang, &csrf, error))).into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(office, CSRF_COOKIE, &csrf, "/sign-in", 3600));
    response
}

pub async fn sign_in_page(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    sign_in_form(&office, Lang::of(q.lang.as_deref(), &headers), StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct SignIn {
    pub login: String,
    pub password: String,
    pub csrf: String,
    pub lang: Option<String>,
}

pub async fn sign_in(
    State(office): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Response {
    let lang = Lang::of(f.lang.as_deref(), &headers);
    let t = Text::of(lang);
    if f.csrf.is_empty() || cookie(&headers, CSRF_COOKIE).as_deref() != Some(f.csrf.as_str()) {
        return sign_in_form(&office, lang, StatusCode::FORBIDDEN, Some(t.form_expired));
    }
    match attempt(&office, &f.login, &f.password, &client_address(office.settings.behind_proxy, &headers, peer)).await {
        Ok(Attempt::Limited) => sign_in_form(&office, lang, StatusCode::TOO_MANY_REQUESTS, Some(t.too_many)),
        Ok(Attempt::Wrong) => sign_in_form(&office, lang, StatusCode::UNAUTHORIZED, Some(t.wrong)),
        Ok(Attempt::Ok(token)) => {
            let mut response = Redirect::to(&format!("/?lang={}", lang.code())).into_response();
            let age = i64::from(SESSION_HOURS) * 3600;
            let headers = response.headers_mut();
            headers.append(header::SET_COOKIE, set_cookie(&office, SESSION_COOKIE, &token, "/", age));
            headers.append(header::SET_COOKIE, set_cookie(&office, CSRF_COOKIE, "", "/sign-in", 0));
            response
        }
        Err(e) => {
            tracing::warn!(error = %e, "sign-in");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Who is signing in, for the rate limit: the connection's address, or behind a proxy the last
/// `X-Forwarded-For` entry (the one the proxy added; earlier ones are the client's own word).
pub fn client_address(behind_proxy: bool, headers: &HeaderMap, peer: SocketAddr) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .filter(|a| !a.is_empty());
    match forwarded {
        Some(address) if behind_proxy => address.to_string(),
        _ => peer.ip().to_string(),
    }
}

enum Attempt {
    Ok(String),
    Wrong,
    Limited,
}

/// A hash to verify against when the login is unknown, so that an unknown login takes as long.
const NO_SUCH_OWNER: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$pcC7MIcNzNnL2yKcHW2Yz3XKVLBdxBOSvnyXdKUHhoY";

async fn attempt(office: &Shared, login: &str, password: &str, peer: &str) -> anyhow::Result<Attempt> {
    let client = office.pool.get().await?;
    let failed: i64 = client
        .query_one(
            "SELECT count(*) FROM sign_in_attempts
             WHERE NOT ok AND (login = $1 OR peer = $2) AND at > now() - make_interval(mins => $3)",
            &[&login, &peer, &RATE_WINDOW_MINUTES],
        )
        .await?
        .get(0);
    if failed >= office.settings.sign_in_limit {
        tracing::warn!(peer, "sign-in rate-limited");
        return Ok(Attempt::Limited);
    }
    let owner = client.query_opt("SELECT id, password_hash FROM owners WHERE login = $1", &[&login]).await?;
    let (id, hash) = owner.map_or((None, NO_SUCH_OWNER.to_string()), |r| (Some(r.get::<_, i64>(0)), r.get(1)));
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&hash, &password)).await? && id.is_some();
    client.execute("INSERT INTO sign_in_attempts (login, peer, ok) VALUES ($1, $2, $3)", &[&login, &peer, &ok]).await?;
    let (true, Some(id)) = (ok, id) else { return Ok(Attempt::Wrong) };
    let (token, csrf) = (random_hex(32)?, random_hex(16)?);
    client
        .execute(
            "INSERT INTO sessions (token_sha256, owner_id, csrf, expires_at)
             VALUES ($1, $2, $3, now() + make_interval(hours => $4))",
            &[&sha256_hex(&token), &id, &csrf, &SESSION_HOURS],
        )
        .await?;
    tracing::info!(login, "signed in");
    Ok(Attempt::Ok(token))
}

#[derive(Deserialize)]
pub struct SignOut {
    pub csrf: String,
}

pub async fn sign_out(State(office): State<Shared>, headers: HeaderMap, Form(f): Form<SignOut>) -> Response {
    let Some(s) = session(&office, &headers).await else {
        return Redirect::to("/sign-in").into_response();
    };
    if f.csrf != s.csrf {
        return StatusCode::FORBIDDEN.into_response();
    }
    if let (Some(token), Ok(client)) = (cookie(&headers, SESSION_COOKIE), office.pool.get().await) {
        let _ = client.execute("DELETE FROM sessions WHERE token_sha256 = $1", &[&sha256_hex(&token)]).await;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&office, SESSION_COOKIE, "", "/", 0));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "wrong horse"));
        assert!(!verify_password(NO_SUCH_OWNER, ""));
        assert!(PasswordHash::new(NO_SUCH_OWNER).is_ok(), "the stand-in hash parses, so it costs a real verify");
    }

    #[test]
    fn behind_a_proxy_the_client_is_the_address_the_proxy_added() {
        let peer: SocketAddr = ([127, 0, 0, 1], 40000).into();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("10.9.9.9, 203.0.113.7"));
        assert_eq!(client_address(true, &h, peer), "203.0.113.7");
        assert_eq!(client_address(false, &h, peer), "127.0.0.1", "not behind a proxy: the header is anyone's");
        assert_eq!(client_address(true, &HeaderMap::new(), peer), "127.0.0.1");
    }

    #[test]
    fn cookies_are_read_by_name_from_every_cookie_header() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; till_office_session=abc"));
        h.append(header::COOKIE, HeaderValue::from_static("till_office_csrf=x"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, CSRF_COOKIE).as_deref(), Some("x"));
        assert_eq!(cookie(&h, "b"), None);
    }
}
