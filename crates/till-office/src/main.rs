//! `till-office`: serve, migrate, add a till, add an owner (docs/back-office.md).

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use till_office::{Office, Settings, auth, db, random_hex, router};

#[derive(Parser)]
#[command(name = "till-office", about = "The tills' back office on PostgreSQL")]
struct Cli {
    /// PostgreSQL: a libpq connection string (`host=/run/postgresql dbname=office user=office`) or a URL.
    #[arg(long, env = "TILL_OFFICE_DATABASE_URL")]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Applies the migrations, then serves HTTP (tills' records, owners' pages).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080", env = "TILL_OFFICE_LISTEN")]
        listen: SocketAddr,
        /// How far a till's timestamp may be from this server's clock, either way, in seconds
        /// (a till outside it is answered 401 with `clock_skew`, and says its clock is off).
        #[arg(long, default_value_t = 300, env = "TILL_OFFICE_WINDOW_SECS")]
        window_secs: i64,
        /// The largest record accepted, in bytes.
        #[arg(long, default_value_t = 256 * 1024)]
        max_body_bytes: usize,
        /// The shop's time zone (for "today").
        #[arg(long, default_value = "Asia/Shanghai", env = "TILL_OFFICE_TIME_ZONE")]
        time_zone: String,
        /// Cookies without `Secure`: only for plain HTTP on this machine (make office, the tests).
        #[arg(long)]
        insecure_cookies: bool,
        #[arg(long, default_value_t = 16)]
        pool_size: usize,
        /// Behind a reverse proxy on this host (docs/back-office.md): a client's address, for the
        /// sign-in rate limit, is the last X-Forwarded-For entry.
        #[arg(long, env = "TILL_OFFICE_BEHIND_PROXY")]
        behind_proxy: bool,
        /// The base URL tills reach this office at (https://office.example.com), given to enrolled
        /// tills and put in enrolment QR codes; default: the host each request came to.
        #[arg(long, env = "TILL_OFFICE_PUBLIC_URL")]
        public_url: Option<String>,
        /// The release public keys (one hex key a line, as /etc/till/update-keys on a till) that
        /// uploaded bundles must be signed with; without it no bundle is accepted.
        #[arg(long, env = "TILL_OFFICE_UPDATE_KEYS")]
        update_keys: Option<std::path::PathBuf>,
    },
    /// Applies the migrations not applied yet.
    Migrate,
    /// Adds a till (or a new key for it). The key is read from TILL_OFFICE_DEVICE_KEY, or made and
    /// printed once (for the till's `[backoffice] key`).
    AddDevice {
        device_id: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "1")]
        key_id: String,
        /// The shop the till is in (the per-shop pages); left as it was when not given.
        #[arg(long)]
        shop: Option<String>,
    },
    /// Revokes a till (its records are refused from then on), or only one of its keys (after the
    /// till has a new one: `add-device ID --key-id 2`).
    RevokeDevice {
        device_id: String,
        #[arg(long)]
        key_id: Option<String>,
    },
    /// Adds an owner (or sets their password), read from TILL_OFFICE_PASSWORD or the first line of stdin.
    AddOwner { login: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TILL_OFFICE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            listen,
            window_secs,
            max_body_bytes,
            time_zone,
            insecure_cookies,
            pool_size,
            behind_proxy,
            public_url,
            update_keys,
        } => {
            let update_keys = match update_keys {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                    till::upgrade::TrustedKeys::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
                }
                None => till::upgrade::TrustedKeys::default(),
            };
            let pool = db::pool(&cli.database_url, pool_size)?;
            db::migrate(&pool).await?;
            let settings = Settings {
                window_secs,
                max_body_bytes,
                time_zone,
                secure_cookies: !insecure_cookies,
                behind_proxy,
                public_url,
                update_keys,
                ..Settings::default()
            };
            let app = router(Arc::new(Office { pool, settings }));
            let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, "till-office serving");
            // The line tests and `make office` wait for.
            println!("listening on http://{addr}");
            std::io::stdout().flush()?;
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
        }
        Command::Migrate => {
            let n = db::migrate(&db::pool(&cli.database_url, 1)?).await?;
            println!("{n} migrations applied");
        }
        Command::AddDevice { device_id, name, key_id, shop } => {
            let pool = db::pool(&cli.database_url, 1)?;
            db::migrate(&pool).await?;
            let (key, made) = match std::env::var("TILL_OFFICE_DEVICE_KEY") {
                Ok(key) if !key.is_empty() => (key, false),
                _ => (random_hex(32)?, true),
            };
            let name = if name.is_empty() { device_id.clone() } else { name };
            db::add_device(&pool, &device_id, &name, &key_id, &key).await?;
            if let Some(shop) = shop {
                db::set_shop(&pool, &device_id, &shop).await?;
            }
            println!("till {device_id} added (key id {key_id})");
            if made {
                println!("its key (put it in the till's [backoffice] key; shown only now): {key}");
            }
        }
        Command::RevokeDevice { device_id, key_id } => {
            let pool = db::pool(&cli.database_url, 1)?;
            db::migrate(&pool).await?;
            db::revoke(&pool, &device_id, key_id.as_deref()).await?;
            println!("revoked: till {device_id}{}", key_id.map(|k| format!(" key {k}")).unwrap_or_default());
        }
        Command::AddOwner { login } => {
            let password = match std::env::var("TILL_OFFICE_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => std::io::stdin().lock().lines().next().transpose()?.unwrap_or_default(),
            };
            anyhow::ensure!(password.chars().count() >= 8, "a password of at least 8 characters");
            let pool = db::pool(&cli.database_url, 1)?;
            db::migrate(&pool).await?;
            auth::add_owner(&pool, &login, &password).await?;
            println!("owner {login} added");
        }
    }
    Ok(())
}
