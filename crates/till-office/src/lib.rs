//! till-office: the tills' back office (issue 21). It receives each till's signed records
//! (`POST /v1/records`, [`ingest`]) into PostgreSQL, each once, projects them into tables
//! (orders, lines, payments, refunds, Z reports), and shows the signed-in owner today's sales
//! ([`pages`]). Stateless: all state is in PostgreSQL, so instances can run side by side.

pub mod auth;
pub mod catalogue;
pub mod db;
pub mod devices;
pub mod enrol_preview;
pub mod fleet;
pub mod ingest;
pub mod journal;
pub mod ledger;
pub mod members;
pub mod orders;
pub mod pages;
pub mod prices;
pub mod promotions;
pub mod shops;
pub mod stock;
pub mod week;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use std::sync::Arc;

/// What every request handler reaches.
pub struct Office {
    pub pool: deadpool_postgres::Pool,
    pub settings: Settings,
}

/// The service's settings (command line or environment).
#[derive(Debug, Clone)]
pub struct Settings {
    /// How far a request's timestamp may be from the office's clock, either way, in seconds.
    pub window_secs: i64,
    /// The largest record body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The shop's time zone, for "today" (a PostgreSQL zone name).
    pub time_zone: String,
    /// Cookies marked `Secure` (behind TLS: always, see docs/back-office.md).
    pub secure_cookies: bool,
    /// Failed sign-ins allowed per login and per address in [`auth::RATE_WINDOW_MINUTES`].
    pub sign_in_limit: i64,
    /// The base URL tills reach this office at (`https://office.example.com`), for enrolment
    /// answers and QR codes; default: the host the request came to.
    pub public_url: Option<String>,
    /// Behind a reverse proxy on this host: a client's address is the last of `X-Forwarded-For`
    /// (what the proxy saw), not the connection's (the proxy's own, the same for everyone).
    pub behind_proxy: bool,
    /// The release public keys bundles must be signed with to be hosted here (the vendor's; the
    /// office never holds a signing key). None: no upload is accepted.
    pub update_keys: till::upgrade::TrustedKeys,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            window_secs: 300,
            max_body_bytes: 256 * 1024,
            time_zone: "Asia/Shanghai".into(),
            secure_cookies: true,
            sign_in_limit: 5,
            behind_proxy: false,
            public_url: None,
            update_keys: till::upgrade::TrustedKeys::default(),
        }
    }
}

pub type Shared = Arc<Office>;

/// Every route.
pub fn router(office: Shared) -> Router {
    Router::new()
        .route(
            till_proto::RECORDS_PATH,
            post(ingest::post_record).layer(DefaultBodyLimit::max(office.settings.max_body_bytes)),
        )
        .route(till_proto::enrol::ENROL_PATH, post(devices::enrol).layer(DefaultBodyLimit::max(4096)))
        .route(till_proto::enrol::PREVIEW_PATH, post(enrol_preview::preview).layer(DefaultBodyLimit::max(4096)))
        .route(till_proto::catalogue::CATALOGUE_PATH, get(catalogue::changes))
        .route("/catalogue", get(catalogue::show).post(catalogue::upload))
        .route(till_proto::promotions::PROMOTIONS_PATH, get(promotions::changes))
        .route(till_proto::orders::ORDERS_PATH, get(orders::lookup))
        .route(till_proto::orders::HOLDS_PATH, post(orders::hold).layer(DefaultBodyLimit::max(4096)))
        .route("/promotions", get(promotions::show).post(promotions::upload))
        .route(till_proto::release::RELEASE_PATH, get(fleet::api::release))
        .route(&format!("{}/{{sha256}}", till_proto::release::BUNDLES_PATH), get(fleet::api::bundle))
        .route("/fleet", get(fleet::show))
        .route("/fleet/bundles", post(fleet::upload).layer(DefaultBodyLimit::max(fleet::MAX_UPLOAD)))
        .route("/fleet/releases", post(fleet::define))
        .route("/", get(pages::today))
        .route("/week", get(week::week))
        .route("/shops", get(shops::list))
        .route("/shop", get(shops::shop))
        .route("/orders", get(journal::orders))
        .route("/members", get(members::list))
        .route("/member", get(members::one))
        .route("/prices", get(prices::show).post(prices::change))
        .route("/prices/cancel", post(prices::cancel))
        .route("/devices", get(devices::list))
        .route("/devices/add", post(devices::add))
        .route("/devices/new-key", post(devices::new_key))
        .route("/devices/revoke", post(devices::revoke))
        .route("/devices/shop", post(devices::change_shop))
        .route(till_proto::stock::STOCK_PATH, get(stock::changes))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/healthz", get(pages::health))
        .with_state(office)
}

/// Random bytes as lower-case hex (tokens).
pub fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(hex::encode(buf))
}
