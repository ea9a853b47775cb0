#![allow(clippy::panic, clippy::unwrap_used)] // a test fails by panicking
//! A scheduled catalogue change against a real PostgreSQL cluster, the time injected: a till asking
//! a second before the change's time sees nothing new; asking at its time, the change as the next
//! changeset, once; a till starting afresh gets the catalogue with it. No waiting for the clock.

mod common;

use common::pg::Cluster;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use till_office::catalogue::{read_changes, save, schedule};
use till_office::{Office, Settings, db};

fn catalogue(price: i64) -> BTreeMap<String, Value> {
    let cola = json!({"barcode": "6900138600889", "name": "Cola", "price": price, "kind": "Normal"});
    BTreeMap::from([("6900138600889".to_string(), cola)])
}

/// 2030-01-01 00:00 UTC in unix milliseconds; 09:00 in Asia/Shanghai is 01:00 UTC.
const NEW_YEAR_2030_MS: i64 = 1_893_456_000_000;
const HOUR_MS: i64 = 3_600_000;

fn price_of(changes: &till_proto::catalogue::Changes) -> Vec<(i64, i64)> {
    changes.changesets.iter().map(|c| (c.version, c.products[0]["price"].as_i64().unwrap())).collect()
}

#[test]
fn a_scheduled_price_reaches_the_tills_only_from_its_time() {
    let cluster = Cluster::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let pool = db::pool(&cluster.url(), 2).unwrap();
        db::migrate(&pool).await.unwrap();
        let office = Arc::new(Office { pool, settings: Settings::default() });

        assert_eq!(save(&office, "nobody", catalogue(400)).await.unwrap(), Some(1));
        for bad in ["tomorrow", "2030-02-30T09:00", "2030-01-01T25:00"] {
            assert_eq!(schedule(&office, "nobody", &catalogue(350), bad).await.unwrap(), None, "{bad}");
        }
        assert!(schedule(&office, "nobody", &catalogue(350), "2030-01-01T09:00").await.unwrap().is_some());

        let before = NEW_YEAR_2030_MS + HOUR_MS - 1000;
        let early = read_changes(&office, "till-1", 1, before).await.unwrap();
        assert!(early.changesets.is_empty(), "a second early: nothing new ({:?})", price_of(&early));
        let fresh = read_changes(&office, "till-2", 0, before).await.unwrap();
        assert_eq!(price_of(&fresh), [(1, 400)], "a till starting afresh: the price of now");

        let at = NEW_YEAR_2030_MS + HOUR_MS;
        let due = read_changes(&office, "till-1", 1, at).await.unwrap();
        assert_eq!(price_of(&due), [(2, 350)], "at its time: the change as the next changeset");
        assert!(!due.changesets[0].full);
        let again = read_changes(&office, "till-1", 1, at + 60_000).await.unwrap();
        assert_eq!(price_of(&again), [(2, 350)], "published once, not again");
        assert!(read_changes(&office, "till-1", 2, at + 60_000).await.unwrap().changesets.is_empty());
        let fresh = read_changes(&office, "till-2", 0, at + 60_000).await.unwrap();
        assert_eq!(price_of(&fresh), [(2, 350)], "a till starting afresh: the new price");

        let client = office.pool.get().await.unwrap();
        let row = client
            .query_one(
                "SELECT published_version, to_char(effective_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
                 FROM scheduled_changes",
                &[],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<_, Option<i64>>(0), Some(2));
        assert_eq!(row.get::<_, String>(1), "2030-01-01 01:00", "09:00 in the shop's zone");
    });
}
