//! Members: a lookup by phone number among 100,000 members in the till's own store
//! (`app::members::find`, two point reads in redb), next to a lookup of a phone no member has.

use crate::Ctx;
use crate::table::{Row, Samples, ms};
use std::hint::black_box;
use std::time::{Duration, Instant};
use till::app::members::{find, put_all};
use till::core::members::{Member, MemberQuery, Phone};
use till::store::RedbStore;

pub const FIGURE: &str = "member lookup among 100,000 members";
pub const BUDGET: &str = "median ≤ 1 ms";

fn phone(i: usize) -> anyhow::Result<Phone> {
    let digits = format!("139{:08}", i * 7 % 100_000_000);
    Phone::parse(&digits).ok_or_else(|| anyhow::anyhow!("not a phone: {}", digits.len()))
}

/// `count` members, each with a phone and a card, written in chunks of 10,000.
pub fn fill(store: &dyn till::store::Store, count: usize) -> anyhow::Result<()> {
    let members = (0..count)
        .map(|i| {
            Ok(Member {
                id: format!("M{i:06}"),
                name: format!("会员{i}"),
                phone: phone(i)?,
                card: format!("VIP{i:06}"),
                level: "普通会员".into(),
                points: (i % 1000) as i64,
            })
        })
        .collect::<anyhow::Result<Vec<Member>>>()?;
    for chunk in members.chunks(10_000) {
        put_all(store, chunk)?;
    }
    Ok(())
}

pub fn run(ctx: &Ctx, _rt: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    let (count, runs) = if ctx.fast { (10_000, 500) } else { (100_000, 5_000) };
    let dir = ctx.work.join("members");
    std::fs::create_dir_all(&dir)?;
    let store = RedbStore::open(&dir)?;
    fill(&store, count)?;
    let none = MemberQuery::Phone(Phone::parse("13000000000").ok_or_else(|| anyhow::anyhow!("not a phone"))?);
    let (mut found, mut missing) = (Samples::default(), Samples::default());
    for i in 0..runs + 50 {
        let query = MemberQuery::Phone(phone(i * 7919 % count)?);
        let t = Instant::now();
        let hit = black_box(find(&store, black_box(&query))?);
        let a = t.elapsed();
        anyhow::ensure!(hit.is_some(), "member {i} not found");
        let t = Instant::now();
        black_box(find(&store, black_box(&none))?);
        let b = t.elapsed();
        if i >= 50 {
            found.push(a);
            missing.push(b);
        }
    }
    let row = Row::new(
        FIGURE,
        format!("median {} (p99 {})", ms(found.median()), ms(found.p99())),
        BUDGET,
        format!("a phone no member has: median {} (p99 {})", ms(missing.median()), ms(missing.p99())),
        found.median() <= Duration::from_millis(1),
    )
    .note(format!(
        "{runs} lookups by phone among {count} members (each with a card), each followed by a phone nobody has, after \
         50 of each as warm-up; the store is a redb file on this disk, read through the page cache."
    ));
    Ok(vec![row])
}
