//! What the per-shop pages read from PostgreSQL. Days are the shop's (the office's time zone),
//! turned into the tills' milliseconds once, so each query is a range on an index.

use crate::Shared;
use deadpool_postgres::Client;

/// A payment attempt still in doubt on a till.
pub struct Doubt {
    pub shop: String,
    pub till: String,
    pub order_number: String,
    pub amount_fen: i64,
    pub platform: String,
    /// When the till found it in doubt, in the shop's zone.
    pub since: String,
}

/// A shop on the shops page: its tills, today's orders and sales.
pub struct Summary {
    pub shop: String,
    pub tills: i64,
    pub orders: i64,
    pub sales: i64,
}

pub struct ZRow {
    pub till: String,
    pub number: i32,
    pub closed: String,
    pub expected: i64,
    pub counted: i64,
    pub difference: i64,
}

/// One shop's day.
pub struct ShopDay {
    pub shop: String,
    /// (orders, sales in fen)
    pub today: (i64, i64),
    pub yesterday: (i64, i64),
    pub last_week: (i64, i64),
    /// (till, orders, sales) today
    pub tills: Vec<(String, i64, i64)>,
    /// (kind, payments, fen) today
    pub payments: Vec<(String, i64, i64)>,
    /// (refunds, fen) today
    pub refunds: (i64, i64),
    pub z_reports: Vec<ZRow>,
    /// (reason, promotion, operator, times, fen) today
    pub discounts: Vec<(String, bool, String, i64, i64)>,
    /// (barcode, name, level) at or below `low_stock_at`
    pub low_stock: Vec<(String, String, i64)>,
    pub low_stock_at: i64,
    pub doubts: Vec<Doubt>,
    /// The shop's tills' stored value today, and what all members are owed.
    pub ledger: crate::ledger::LedgerDay,
}

/// The start of the shop's day `back` days ago, in unix milliseconds.
async fn day_start(client: &Client, tz: &str, back: i32) -> anyhow::Result<i64> {
    let row = client
        .query_one(
            "SELECT (extract(epoch FROM (((now() AT TIME ZONE $1)::date - $2::int)::timestamp AT TIME ZONE $1)) * 1000)::bigint",
            &[&tz, &back],
        )
        .await?;
    Ok(row.get(0))
}

/// [from, to) of the day `back` days ago.
pub(crate) async fn day(client: &Client, tz: &str, back: i32) -> anyhow::Result<(i64, i64)> {
    Ok((day_start(client, tz, back).await?, day_start(client, tz, back - 1).await?))
}

/// The payments in doubt (of one shop, or of all), the oldest first.
pub async fn open_doubts(client: &Client, tz: &str, shop: Option<&str>) -> anyhow::Result<Vec<Doubt>> {
    Ok(client
        .query(
            "SELECT d.shop, d.name, p.order_number, p.amount_fen, p.platform,
                    to_char(to_timestamp(p.since / 1000.0) AT TIME ZONE $1, 'MM-DD HH24:MI:SS')
             FROM payments_in_doubt p JOIN devices d USING (device_id)
             WHERE p.outcome IS NULL AND ($2::text IS NULL OR d.shop = $2)
             ORDER BY p.since, p.out_trade_no LIMIT 100",
            &[&tz, &shop],
        )
        .await?
        .iter()
        .map(|r| Doubt {
            shop: r.get(0),
            till: r.get(1),
            order_number: r.get(2),
            amount_fen: r.get(3),
            platform: r.get(4),
            since: r.get(5),
        })
        .collect())
}

pub async fn shops(office: &Shared) -> anyhow::Result<(Vec<Summary>, Vec<Doubt>)> {
    let client = office.pool.get().await?;
    let tz = office.settings.time_zone.as_str();
    let (from, to) = day(&client, tz, 0).await?;
    let shops = client
        .query(
            "SELECT d.shop, count(DISTINCT d.device_id), count(o.record_id), coalesce(sum(o.total_fen), 0)::bigint
             FROM devices d LEFT JOIN orders o ON o.device_id = d.device_id AND o.closed_at >= $1 AND o.closed_at < $2
             WHERE d.revoked_at IS NULL GROUP BY d.shop ORDER BY d.shop",
            &[&from, &to],
        )
        .await?
        .iter()
        .map(|r| Summary { shop: r.get(0), tills: r.get(1), orders: r.get(2), sales: r.get(3) })
        .collect();
    Ok((shops, open_doubts(&client, tz, None).await?))
}

/// Orders and sales of `shop` in [from, to).
async fn sales(client: &Client, shop: &str, (from, to): (i64, i64)) -> anyhow::Result<(i64, i64)> {
    let row = client
        .query_one(
            "SELECT count(*), coalesce(sum(o.total_fen), 0)::bigint FROM orders o JOIN devices d USING (device_id)
             WHERE d.shop = $1 AND o.closed_at >= $2 AND o.closed_at < $3",
            &[&shop, &from, &to],
        )
        .await?;
    Ok((row.get(0), row.get(1)))
}

pub async fn shop_day(office: &Shared, shop: &str) -> anyhow::Result<ShopDay> {
    let client = office.pool.get().await?;
    let tz = office.settings.time_zone.as_str();
    let today = day(&client, tz, 0).await?;
    let (from, to) = today;
    let tills = client
        .query(
            "SELECT d.name, count(o.record_id), coalesce(sum(o.total_fen), 0)::bigint FROM devices d
             LEFT JOIN orders o ON o.device_id = d.device_id AND o.closed_at >= $2 AND o.closed_at < $3
             WHERE d.shop = $1 AND d.revoked_at IS NULL GROUP BY d.device_id, d.name ORDER BY d.name, d.device_id",
            &[&shop, &from, &to],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let payments = client
        .query(
            "SELECT p.kind, count(*), coalesce(sum(p.amount_fen), 0)::bigint FROM payments p
             JOIN orders o USING (record_id) JOIN devices d ON d.device_id = o.device_id
             WHERE d.shop = $1 AND o.closed_at >= $2 AND o.closed_at < $3 GROUP BY p.kind ORDER BY p.kind",
            &[&shop, &from, &to],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let refunds = client
        .query_one(
            "SELECT count(*), coalesce(sum(r.amount_fen), 0)::bigint FROM refunds r JOIN devices d USING (device_id)
             WHERE r.refunded AND d.shop = $1 AND r.requested_at >= $2 AND r.requested_at < $3",
            &[&shop, &from, &to],
        )
        .await?;
    // Each Z report's closed shifts: what the drawer should have held, what was counted.
    let z_reports = client
        .query(
            "SELECT d.name, z.number, to_char(to_timestamp(z.closed_at / 1000.0) AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI'),
                    coalesce(sum((s -> 'close' ->> 'expected')::bigint), 0)::bigint,
                    coalesce(sum((s -> 'close' ->> 'counted')::bigint), 0)::bigint,
                    coalesce(sum((s -> 'close' ->> 'difference')::bigint), 0)::bigint
             FROM z_reports z JOIN devices d USING (device_id)
             LEFT JOIN LATERAL jsonb_array_elements(
                 CASE jsonb_typeof(z.report -> 'shifts') WHEN 'array' THEN z.report -> 'shifts' ELSE '[]' END) s
               ON jsonb_typeof(s -> 'close') = 'object'
             WHERE d.shop = $1 GROUP BY z.record_id, d.name, z.number, z.closed_at
             ORDER BY z.closed_at DESC, z.record_id DESC LIMIT 10",
            &[&shop, &tz],
        )
        .await?
        .iter()
        .map(|r| ZRow {
            till: r.get(0),
            number: r.get(1),
            closed: r.get(2),
            expected: r.get(3),
            counted: r.get(4),
            difference: r.get(5),
        })
        .collect();
    let discounts = client
        .query(
            "SELECT x.reason, x.promotion, x.operator, count(*), coalesce(sum(x.amount_fen), 0)::bigint
             FROM order_discounts x JOIN orders o USING (record_id) JOIN devices d ON d.device_id = o.device_id
             WHERE d.shop = $1 AND o.closed_at >= $2 AND o.closed_at < $3
             GROUP BY x.reason, x.promotion, x.operator ORDER BY 5 DESC, 1, 3",
            &[&shop, &from, &to],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    let low_stock_at = till::core::catalog::DEFAULT_LOW_STOCK;
    let low_stock = low_stock(&client, shop, low_stock_at).await?;
    Ok(ShopDay {
        shop: shop.to_string(),
        today: sales(&client, shop, today).await?,
        yesterday: sales(&client, shop, day(&client, tz, 1).await?).await?,
        last_week: sales(&client, shop, day(&client, tz, 7).await?).await?,
        tills,
        payments,
        refunds: (refunds.get(0), refunds.get(1)),
        z_reports,
        discounts,
        low_stock,
        low_stock_at,
        doubts: open_doubts(&client, tz, Some(shop)).await?,
        ledger: crate::ledger::read_day(&client, Some(shop), today).await?,
    })
}

/// The shop's products at or below `at` (`crate::stock::levels`: the last count plus every move
/// since), the lowest first.
async fn low_stock(client: &Client, shop: &str, at: i64) -> anyhow::Result<Vec<(String, String, i64)>> {
    Ok(crate::stock::levels(client, shop, Some(at)).await?)
}
