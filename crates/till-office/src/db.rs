//! The connection pool and the versioned migrations (`migrations/NNNN_name.sql`, applied in order,
//! each once, in its own transaction; an advisory lock keeps two instances from applying at once).

use anyhow::Context;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// The migrations, in order: (version, name, SQL).
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "records", include_str!("../migrations/0001_records.sql")),
    (2, "owners", include_str!("../migrations/0002_owners.sql")),
    (3, "enrolment", include_str!("../migrations/0003_enrolment.sql")),
    (4, "catalogue", include_str!("../migrations/0004_catalogue.sql")),
    (5, "stock_sheets", include_str!("../migrations/0005_stock_sheets.sql")),
    (6, "discounts_returns", include_str!("../migrations/0006_discounts_returns.sql")),
    (7, "scheduled_changes", include_str!("../migrations/0007_scheduled_changes.sql")),
    (8, "members", include_str!("../migrations/0008_members.sql")),
    (9, "promotions", include_str!("../migrations/0009_promotions.sql")),
    (10, "owner_views", include_str!("../migrations/0010_owner_views.sql")),
    (11, "order_lookup", include_str!("../migrations/0011_order_lookup.sql")),
    (12, "fleet", include_str!("../migrations/0012_fleet.sql")),
    (13, "ledger", include_str!("../migrations/0013_ledger.sql")),
    (14, "shop_stock", include_str!("../migrations/0014_shop_stock.sql")),
];

/// A pool for `url`: a libpq connection string (`host=/run/postgresql dbname=office`) or a
/// `postgresql://` URL.
pub fn pool(url: &str, size: usize) -> anyhow::Result<Pool> {
    let config: tokio_postgres::Config = url.parse().context("database URL")?;
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager).max_size(size).build().context("connection pool")
}

/// Applies the migrations not applied yet; returns how many it applied.
pub async fn migrate(pool: &Pool) -> anyhow::Result<usize> {
    let mut client = pool.get().await.context("connecting to PostgreSQL")?;
    let tx = client.transaction().await?;
    // One migrating instance at a time: the others wait here, then find nothing left to do.
    tx.execute("SELECT pg_advisory_xact_lock(7221021)", &[]).await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await?;
    let done: Vec<i32> =
        tx.query("SELECT version FROM schema_migrations", &[]).await?.iter().map(|r| r.get(0)).collect();
    let mut applied = 0;
    for (version, name, sql) in MIGRATIONS {
        if done.contains(version) {
            continue;
        }
        tx.batch_execute(sql).await.with_context(|| format!("migration {version:04}_{name}"))?;
        tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", &[version, name]).await?;
        tracing::info!(version, name, "migration applied");
        applied += 1;
    }
    tx.commit().await?;
    Ok(applied)
}

/// Adds a till (or gives an existing one a new key under `key_id`).
pub async fn add_device(pool: &Pool, device_id: &str, name: &str, key_id: &str, secret: &str) -> anyhow::Result<()> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO devices (device_id, name) VALUES ($1, $2) ON CONFLICT (device_id) DO UPDATE SET name = $2",
        &[&device_id, &name],
    )
    .await?;
    tx.execute(
        "INSERT INTO device_keys (device_id, key_id, secret) VALUES ($1, $2, $3)
         ON CONFLICT (device_id, key_id) DO UPDATE SET secret = $3, revoked_at = NULL",
        &[&device_id, &key_id, &secret],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts a till in a shop (the per-shop pages).
pub async fn set_shop(pool: &Pool, device_id: &str, shop: &str) -> anyhow::Result<()> {
    let client = pool.get().await?;
    let changed =
        client.execute("UPDATE devices SET shop = $2 WHERE device_id = $1", &[&device_id, &shop.trim()]).await?;
    anyhow::ensure!(changed == 1, "no till {device_id}");
    Ok(())
}

/// Revokes one key of a till (`key_id`), or the till itself with all its keys: its records are
/// refused (403) from then on; what it sent before stays.
pub async fn revoke(pool: &Pool, device_id: &str, key_id: Option<&str>) -> anyhow::Result<()> {
    let client = pool.get().await?;
    let changed = match key_id {
        Some(key_id) => {
            client
                .execute(
                    "UPDATE device_keys SET revoked_at = now() WHERE device_id = $1 AND key_id = $2",
                    &[&device_id, &key_id],
                )
                .await?
        }
        None => client.execute("UPDATE devices SET revoked_at = now() WHERE device_id = $1", &[&device_id]).await?,
    };
    anyhow::ensure!(changed == 1, "no till {device_id} (or no key {key_id:?} of it)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one_and_named_as_their_files() {
        for (i, (version, name, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(usize::try_from(*version).ok(), Some(i + 1));
            assert!(!name.is_empty() && !sql.trim().is_empty());
        }
        let mut files: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let named: Vec<String> = MIGRATIONS.iter().map(|(v, n, _)| format!("{v:04}_{n}.sql")).collect();
        assert_eq!(files, named, "every file in migrations/ is listed, in order");
    }
}
