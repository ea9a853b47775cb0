//! Promotions as CSV (UTF-8, RFC 4180 quoting, the catalogue's reader), one promotion a row under
//! the header `id,name,kind,value,scope,from,until,days,hours`:
//!
//! | kind | value | e.g. |
//! | --- | --- | --- |
//! | `special` (特价) | the price | `3.50` |
//! | `percent` (折扣) | percent off | `20` (8折) |
//! | `nth` (第N件X折) | N / percent paid for the Nth | `2/50` (第2件半价) |
//! | `bundle` (一口价) | N / the price of N | `3/10.00` |
//! | `threshold` (满减) | tiers, threshold-off, `;` between | `100-10;200-30` |
//! | `gift` (赠送) | spend / the gift's barcode / quantity | `50.00/6901234567892/1` |
//!
//! `scope` is `all`, `item:` or `cat:` followed by barcodes or categories separated by `|`. `from`
//! and `until` are days (`2026-12-01`, inclusive), `days` the days of the week as digits (1 Monday …
//! 7 Sunday; empty every day), `hours` a time range (`17:00-19:00`; empty all day). Parsing is all or
//! nothing: the first malformed row is reported with its line number and why.
//!
//! An optional tenth column, `member` (header `…,hours,member`), makes a promotion a member's (会员价,
//! 会员折扣): empty for everyone, `member` for any member attached to the sale, `level:金卡` for
//! members of that level only. A nine-column file reads as before; the tenth column is written
//! only when a promotion has one.

use super::catalogue_csv::{quote, records};
use crate::core::money::Fen;
use crate::core::pricing::limits::parse_percent;
use crate::core::pricing::promo::{Kind, Promotion, Scope, Window};
use std::collections::BTreeSet;

pub const HEADER: &str = "id,name,kind,value,scope,from,until,days,hours";
/// [`HEADER`] with the optional `member` column.
pub const HEADER_MEMBER: &str = "id,name,kind,value,scope,from,until,days,hours,member";

fn member(t: &str) -> Result<Option<String>, String> {
    match t.trim() {
        "" => Ok(None),
        "member" => Ok(Some(String::new())),
        m => match m.strip_prefix("level:").map(str::trim) {
            Some(level) if !level.is_empty() => Ok(Some(level.to_string())),
            _ => Err(format!("member {t:?} is not empty, member or level:…")),
        },
    }
}

fn member_cell(m: &Option<String>) -> String {
    match m.as_deref() {
        None => String::new(),
        Some("") => "member".into(),
        Some(level) => format!("level:{level}"),
    }
}

/// A malformed file: the line (1 = the header) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct PromoCsvError {
    pub line: usize,
    pub problem: String,
}

fn money(t: &str) -> Result<Fen, String> {
    Fen::parse_yuan(t).map_err(|_| format!("{t:?} is not an amount like 12.50"))
}

fn count(t: &str) -> Result<u32, String> {
    t.trim().parse().map_err(|_| format!("{t:?} is not a whole number"))
}

fn pct(t: &str) -> Result<u32, String> {
    parse_percent(t).ok_or_else(|| format!("{t:?} is not a percentage from 0 to 100"))
}

fn kind(kind: &str, value: &str) -> Result<Kind, String> {
    let parts: Vec<&str> = value.split('/').map(str::trim).collect();
    Ok(match (kind, parts.as_slice()) {
        ("special", [p]) => Kind::Special { price: money(p)? },
        ("percent", [p]) => Kind::PercentOff { off: pct(p)? },
        ("nth", [n, p]) => Kind::NthAt { n: count(n)?, pay: pct(p)? },
        ("bundle", [n, p]) => Kind::Bundle { n: count(n)?, price: money(p)? },
        ("threshold", [tiers]) => Kind::Threshold {
            tiers: tiers
                .split(';')
                .map(|t| {
                    let (at, off) = t.split_once('-').ok_or_else(|| format!("tier {t:?} is not like 100-10"))?;
                    Ok((money(at)?, money(off)?))
                })
                .collect::<Result<_, String>>()?,
        },
        ("gift", [spend, item, qty]) => Kind::Gift { spend: money(spend)?, item: item.to_string(), qty: count(qty)? },
        ("special" | "percent" | "nth" | "bundle" | "threshold" | "gift", _) => {
            return Err(format!("value {value:?} does not fit kind {kind}"));
        }
        _ => return Err(format!("kind {kind:?} is not special, percent, nth, bundle, threshold or gift")),
    })
}

fn scope(t: &str) -> Result<Scope, String> {
    let set = |s: &str| -> BTreeSet<String> {
        s.split('|').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
    };
    match t.split_once(':') {
        None if t == "all" => Ok(Scope::All),
        Some(("item", s)) if !set(s).is_empty() => Ok(Scope::Items(set(s))),
        Some(("cat", s)) if !set(s).is_empty() => Ok(Scope::Categories(set(s))),
        _ => Err(format!("scope {t:?} is not all, item:… or cat:…")),
    }
}

fn day(t: &str) -> Result<Option<u32>, String> {
    if t.is_empty() {
        return Ok(None);
    }
    let d: Vec<&str> = t.split('-').collect();
    let bad = || format!("day {t:?} is not like 2026-12-01");
    match d.as_slice() {
        [y, m, dd] if y.len() == 4 && m.len() == 2 && dd.len() == 2 => {
            let (y, m, dd): (u32, u32, u32) =
                (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, dd.parse().map_err(|_| bad())?);
            if !(1..=12).contains(&m) || !(1..=31).contains(&dd) {
                return Err(bad());
            }
            Ok(Some(y * 10_000 + m * 100 + dd))
        }
        _ => Err(bad()),
    }
}

fn days(t: &str) -> Result<u8, String> {
    t.chars().try_fold(0u8, |mask, c| match c.to_digit(10) {
        Some(d @ 1..=7) => Ok(mask | 1 << (d - 1)),
        _ => Err(format!("days {t:?}: digits 1 (Monday) to 7 (Sunday)")),
    })
}

fn minute(t: &str) -> Result<u16, String> {
    let bad = || format!("time {t:?} is not like 17:00");
    let (h, m) = t.split_once(':').filter(|(_, m)| m.len() == 2).ok_or_else(bad)?;
    match (h.parse::<u16>(), m.parse::<u16>()) {
        (Ok(h), Ok(m)) if m < 60 && h * 60 + m <= 1440 => Ok(h * 60 + m),
        _ => Err(bad()),
    }
}

fn hours(t: &str) -> Result<Option<(u16, u16)>, String> {
    if t.is_empty() {
        return Ok(None);
    }
    let (a, b) = t.split_once('-').ok_or_else(|| format!("hours {t:?} are not like 17:00-19:00"))?;
    Ok(Some((minute(a.trim())?, minute(b.trim())?)))
}

fn row(f: &[String], with_member: bool) -> Result<Promotion, String> {
    let (f, m) = match (with_member, f) {
        (true, [rest @ .., m]) => (rest, m.as_str()),
        _ => (f, ""),
    };
    let [id, name, k, value, sc, from, until, ds, hs] = f else {
        let (n, head) = if with_member { (10, HEADER_MEMBER) } else { (9, HEADER) };
        return Err(format!("{} fields, expected {n} ({head})", f.len() + usize::from(with_member)));
    };
    let window =
        Window { from: day(from)?, until: day(until)?, days: days(ds)?, hours: hours(hs)?, member: member(m)? };
    let p = Promotion { id: id.clone(), name: name.clone(), window, scope: scope(sc)?, kind: kind(k, value)? };
    p.check()?;
    Ok(p)
}

/// Reads a promotions file: every row or none.
pub fn parse(text: &str) -> Result<Vec<Promotion>, PromoCsvError> {
    let recs = records(text).map_err(|e| PromoCsvError { line: e.line, problem: e.problem.to_string() })?;
    let mut rows = recs.into_iter();
    let with_member = match rows.next() {
        Some((_, h)) if h.join(",") == HEADER => false,
        Some((_, h)) if h.join(",") == HEADER_MEMBER => true,
        _ => return Err(PromoCsvError { line: 1, problem: format!("the first line must be the header {HEADER}") }),
    };
    let mut out: Vec<Promotion> = Vec::new();
    for (line, f) in rows {
        let p = row(&f, with_member).map_err(|problem| PromoCsvError { line, problem })?;
        if out.iter().any(|o| o.id == p.id) {
            return Err(PromoCsvError { line, problem: format!("id {:?} is listed twice", p.id) });
        }
        out.push(p);
    }
    Ok(out)
}

fn yuan(f: Fen) -> String {
    f.to_string()
}

fn percent(bp: u32) -> String {
    if bp.is_multiple_of(100) { format!("{}", bp / 100) } else { format!("{}.{:02}", bp / 100, bp % 100) }
}

fn date(d: Option<u32>) -> String {
    d.map_or(String::new(), |d| format!("{:04}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100))
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Writes promotions (in the order given) under the header; [`parse`] reads it back the same.
pub fn write(promos: &[Promotion]) -> String {
    let with_member = promos.iter().any(|p| p.window.member.is_some());
    let mut out = format!("{}\n", if with_member { HEADER_MEMBER } else { HEADER });
    for p in promos {
        let (k, value) = match &p.kind {
            Kind::Special { price } => ("special", yuan(*price)),
            Kind::PercentOff { off } => ("percent", percent(*off)),
            Kind::NthAt { n, pay } => ("nth", format!("{n}/{}", percent(*pay))),
            Kind::Bundle { n, price } => ("bundle", format!("{n}/{}", yuan(*price))),
            Kind::Threshold { tiers } => (
                "threshold",
                tiers.iter().map(|(a, o)| format!("{}-{}", yuan(*a), yuan(*o))).collect::<Vec<_>>().join(";"),
            ),
            Kind::Gift { spend, item, qty } => ("gift", format!("{}/{item}/{qty}", yuan(*spend))),
        };
        let join = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join("|");
        let sc = match &p.scope {
            Scope::All => "all".to_string(),
            Scope::Items(s) => format!("item:{}", join(s)),
            Scope::Categories(s) => format!("cat:{}", join(s)),
        };
        let ds: String = (0..7).filter(|d| p.window.days & (1 << d) != 0).map(|d| char::from(b'1' + d)).collect();
        let hs = p.window.hours.map_or(String::new(), |(a, b)| format!("{}-{}", hhmm(a), hhmm(b)));
        let (m, from, until) = (member_cell(&p.window.member), date(p.window.from), date(p.window.until));
        let mut fields = vec![&p.id, &p.name, k, &value, &sc, &from, &until, &ds, &hs];
        if with_member {
            fields.push(&m);
        }
        out.push_str(&fields.iter().map(|f| quote(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "id,name,kind,value,scope,from,until,days,hours
T1,可乐特价,special,2.50,item:6901234567892,2026-12-01,2026-12-31,,
D1,饮料8折,percent,20,cat:饮料|果汁,,,67,
N2,第2件半价,nth,2/50,item:6901234567892,,,,
B3,\"3件10元, 面包\",bundle,3/10.00,cat:面包,,,,
M1,满100减10 满200减30,threshold,100-10;200-30,all,,,12345,17:00-19:00
G1,满50送购物袋,gift,50.00/6900000000015/1,all,,,,22:00-02:00
";

    #[test]
    fn every_kind_is_read_from_the_shops_words_and_written_back_the_same() {
        let promos = parse(FILE).expect("parses");
        assert_eq!(promos.len(), 6);
        assert_eq!(promos[0].kind, Kind::Special { price: Fen(250) });
        assert_eq!(promos[0].window.from, Some(20261201));
        assert_eq!(promos[1].kind, Kind::PercentOff { off: 2000 });
        assert_eq!(promos[1].window.days, 0b110_0000);
        assert_eq!(promos[2].kind, Kind::NthAt { n: 2, pay: 5000 });
        assert_eq!(promos[3].name, "3件10元, 面包");
        assert_eq!(
            promos[4].kind,
            Kind::Threshold { tiers: vec![(Fen(10_000), Fen(1_000)), (Fen(20_000), Fen(3_000))] }
        );
        assert_eq!(promos[4].window.hours, Some((1020, 1140)));
        assert_eq!(promos[5].window.hours, Some((1320, 120)));
        assert_eq!(parse(&write(&promos)).expect("reads back"), promos);
    }

    #[test]
    fn a_malformed_row_is_refused_with_its_line_and_why() {
        let bad = |row: &str| parse(&format!("{HEADER}\n{row}\n")).unwrap_err();
        assert_eq!(bad("X,x,special,abc,all,,,,").line, 2);
        assert!(bad("X,x,cheap,1,all,,,,").problem.contains("kind"));
        assert!(bad("X,x,threshold,100-200,all,,,,").problem.contains("满减"));
        assert!(bad("X,x,percent,10,some,,,,").problem.contains("scope"));
        assert!(bad("X,x,percent,10,all,2026-13-01,,,").problem.contains("day"));
        assert!(bad("X,x,percent,10,all,,,8,").problem.contains("days"));
        assert!(bad("X,x,percent,10,all,,,,7:00-9").problem.contains("time"));
        assert!(bad("X,x,percent,10,all,,,").problem.contains("fields"));
        let twice = parse(&format!("{HEADER}\nA,x,percent,10,all,,,,\nA,y,percent,20,all,,,,\n")).unwrap_err();
        assert_eq!((twice.line, twice.problem.contains("twice")), (3, true));
        assert_eq!(parse("id,name\n").unwrap_err().line, 1);
    }

    #[test]
    fn the_member_column_makes_member_prices_and_level_discounts_and_is_written_back() {
        let file = format!(
            "{HEADER_MEMBER}\nV1,会员价,special,3.00,item:6900138600889,,,,,member\nG1,金卡9折,percent,10,all,,,,,level:金卡\nA1,全场95折,percent,5,all,,,,,\n"
        );
        let promos = parse(&file).expect("parses");
        let members: Vec<Option<&str>> = promos.iter().map(|p| p.window.member.as_deref()).collect();
        assert_eq!(members, vec![Some(""), Some("金卡"), None]);
        assert_eq!(write(&promos), file);
        assert!(
            parse(&format!("{HEADER_MEMBER}\nX,x,percent,10,all,,,,,vip\n")).unwrap_err().problem.contains("member")
        );
        // Without member promotions the file keeps its nine columns.
        assert!(write(&promos[2..]).starts_with(&format!("{HEADER}\n")));
    }
}
