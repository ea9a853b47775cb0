//! The owner's members (会员) pages: `/members` lists them (search by member number or masked
//! phone), with level, points, the balance per the ledger and the last visit; `/member?id=…` shows
//! one member's stored-value ledger entries and points. A member is known to the office by the
//! records the tills send: created or edited at a till (`members`, phone masked), a ledger entry
//! (`stored_value_entries`) or a member's sale (`member_points`). Phone first, zh-CN or English,
//! no JavaScript.

use crate::Shared;
use crate::auth::signed_in;
use crate::pages::{Lang, escape, page, yuan};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use deadpool_postgres::Client;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct MembersQuery {
    pub lang: Option<String>,
    /// A member number, or digits of the masked phone (`5678`, `138****5678`).
    #[serde(default)]
    pub q: String,
    /// One member's number (`/member`).
    #[serde(default)]
    pub id: String,
}

/// One member on the list.
pub struct Member {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub level: String,
    pub points: i64,
    pub balance: i64,
    pub last_visit: Option<String>,
}

/// Every member number the office knows, with what it knows of each.
const MEMBERS: &str = "WITH ids AS (
        SELECT member_id FROM members UNION SELECT member_id FROM stored_value_entries
        UNION SELECT member_id FROM member_points),
    visits AS (
        SELECT member_id, max(at) AS at FROM (
            SELECT member_id, at FROM stored_value_entries UNION ALL SELECT member_id, at FROM member_points) v
        GROUP BY member_id)
    SELECT i.member_id, coalesce(m.name, ''), coalesce(m.phone_masked, ''), coalesce(m.level, ''),
           coalesce((SELECT sum(points) FROM member_points p WHERE p.member_id = i.member_id), 0)::bigint,
           coalesce((SELECT sum(delta_fen) FROM stored_value_entries e WHERE e.member_id = i.member_id), 0)::bigint,
           to_char(to_timestamp(v.at / 1000.0) AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI')
    FROM ids i LEFT JOIN members m USING (member_id) LEFT JOIN visits v USING (member_id)";

/// The members matching `q` (all when empty; only the member numbered `q` when `exact`), the
/// newest visit first, at most 200.
pub async fn find(client: &Client, tz: &str, q: &str, exact: bool) -> anyhow::Result<Vec<Member>> {
    let q = q.trim();
    let rows = client
        .query(
            &format!(
                "{MEMBERS} WHERE CASE WHEN $3 THEN i.member_id = $2 ELSE $2 = ''
                     OR i.member_id ILIKE '%' || $2 || '%' OR m.phone_masked LIKE '%' || $2 || '%' END
                 ORDER BY v.at DESC NULLS LAST, i.member_id LIMIT 200"
            ),
            &[&tz, &q, &exact],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Member {
            id: r.get(0),
            name: r.get(1),
            phone: r.get(2),
            level: r.get(3),
            points: r.get(4),
            balance: r.get(5),
            last_visit: r.get(6),
        })
        .collect())
}

/// One ledger entry as the member page shows it.
pub struct Entry {
    pub at: String,
    pub till: String,
    pub kind: String,
    pub amount: i64,
    pub balance: i64,
    pub order_number: String,
}

async fn entries(client: &Client, tz: &str, id: &str) -> anyhow::Result<Vec<Entry>> {
    let rows = client
        .query(
            "SELECT to_char(to_timestamp(e.at / 1000.0) AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI'), d.name, e.kind,
                    e.delta_fen, (sum(e.delta_fen) OVER (ORDER BY e.at, e.device_id, e.entry_key))::bigint,
                    coalesce(e.order_number, '')
             FROM stored_value_entries e JOIN devices d USING (device_id) WHERE e.member_id = $2
             ORDER BY e.at DESC, e.device_id DESC, e.entry_key DESC LIMIT 500",
            &[&tz, &id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Entry {
            at: r.get(0),
            till: r.get(1),
            kind: r.get(2),
            amount: r.get(3),
            balance: r.get(4),
            order_number: r.get(5),
        })
        .collect())
}

struct Words {
    members: &'static str,
    search: &'static str,
    search_hint: &'static str,
    number: &'static str,
    points: &'static str,
    balance: &'static str,
    last_visit: &'static str,
    none: &'static str,
    back: &'static str,
    ledger: &'static str,
    after: &'static str,
    top_up: &'static str,
    bonus: &'static str,
    spend: &'static str,
    refund: &'static str,
    not_found: &'static str,
}

const ZH: Words = Words {
    members: "会员",
    search: "查找",
    search_hint: "会员号或手机号（如 5678）",
    number: "会员号",
    points: "积分",
    balance: "储值余额",
    last_visit: "最近到店",
    none: "无",
    back: "今日营业",
    ledger: "储值明细",
    after: "余额",
    top_up: "充值",
    bonus: "赠送",
    spend: "消费",
    refund: "退回储值",
    not_found: "没有这个会员",
};

const EN: Words = Words {
    members: "Members",
    search: "Search",
    search_hint: "Member number or phone (e.g. 5678)",
    number: "Member",
    points: "Points",
    balance: "Balance",
    last_visit: "Last visit",
    none: "none",
    back: "Today",
    ledger: "Stored value entries",
    after: "Balance",
    top_up: "Top-up",
    bonus: "Bonus",
    spend: "Spent",
    refund: "Refunded to balance",
    not_found: "No such member",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

fn member_link(lang: Lang, id: &str) -> String {
    format!("/member?lang={}&amp;id={}", lang.code(), crate::pages::query_value(id))
}

fn member_cells(w: &Words, m: &Member) -> String {
    let level = if m.level.is_empty() { String::new() } else { format!(" · {}", escape(&m.level)) };
    format!(
        "<td>{name}<br><small>{phone}{level}</small></td><td class=\"n\">{balance}<br><small>{points_h} {points}</small></td>\
         <td><small>{last}</small></td>",
        name = if m.name.is_empty() { escape(&m.id) } else { escape(&m.name) },
        phone = escape(&m.phone),
        balance = yuan(m.balance),
        points_h = w.points,
        points = m.points,
        last = m.last_visit.as_deref().map_or_else(|| w.none.to_string(), escape),
    )
}

fn render_list(lang: Lang, q: &str, members: &[Member]) -> String {
    let w = words(lang);
    let rows: String = members
        .iter()
        .map(|m| {
            format!(
                "<tr id=\"member-{id}\"><td><a href=\"{link}\">{id}</a></td>{cells}</tr>",
                id = escape(&m.id),
                link = member_link(lang, &m.id),
                cells = member_cells(w, m)
            )
        })
        .collect();
    let table = if rows.is_empty() {
        format!("<p id=\"members\">{}</p>", w.none)
    } else {
        format!(
            "<table id=\"members\"><tr><th>{}</th><th></th><th>{}</th><th>{}</th></tr>{rows}</table>",
            w.number, w.balance, w.last_visit
        )
    };
    format!(
        "<nav><h1>{title}</h1><a href=\"/?lang={code}\">{back}</a></nav>\
         <form method=\"get\" action=\"/members\"><input type=\"hidden\" name=\"lang\" value=\"{code}\">\
         <label>{hint}<input name=\"q\" id=\"q\" value=\"{q}\" inputmode=\"search\"></label>\
         <button type=\"submit\" id=\"search\">{search}</button></form>{table}",
        title = w.members,
        code = lang.code(),
        back = w.back,
        hint = w.search_hint,
        q = escape(q),
        search = w.search,
    )
}

fn render_member(lang: Lang, m: &Member, entries: &[Entry]) -> String {
    let w = words(lang);
    let kind = |k: &str| match k {
        "top_up" => w.top_up,
        "bonus" => w.bonus,
        "spend" => w.spend,
        _ => w.refund,
    };
    let rows: String = entries
        .iter()
        .map(|e| {
            format!(
                "<tr><td>{kind}<br><small>{at} · {till} {number}</small></td><td class=\"n\">{amount}</td>\
                 <td class=\"n\">{balance}</td></tr>",
                kind = kind(&e.kind),
                at = escape(&e.at),
                till = escape(&e.till),
                number = escape(&e.order_number),
                amount = yuan(e.amount),
                balance = yuan(e.balance),
            )
        })
        .collect();
    let ledger = if rows.is_empty() {
        format!("<p id=\"ledger\">{}</p>", w.none)
    } else {
        format!("<table id=\"ledger\"><tr><th></th><th></th><th>{}</th></tr>{rows}</table>", w.after)
    };
    format!(
        "<nav><h1>{id}</h1><a href=\"/members?lang={code}\">{members}</a></nav>\
         <table id=\"member\"><tr><th>{number}</th><th></th><th>{balance}</th><th>{last}</th></tr>\
         <tr><td>{id}</td>{cells}</tr></table><h2>{ledger_h}</h2>{ledger}",
        id = escape(&m.id),
        code = lang.code(),
        members = w.members,
        number = w.number,
        balance = w.balance,
        last = w.last_visit,
        cells = member_cells(w, m),
        ledger_h = w.ledger,
    )
}

/// `GET /members?q=…`: the members found (all, the latest visits first, when `q` is empty).
pub async fn list(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<MembersQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    if let Err(r) = signed_in(&office, &headers, lang).await {
        return r;
    }
    let found = async {
        let client = office.pool.get().await?;
        find(&client, &office.settings.time_zone, &q.q, false).await
    };
    match found.await {
        Ok(members) => page(lang, words(lang).members, &render_list(lang, &q.q, &members)).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "members page");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// `GET /member?id=…`: one member and their ledger entries, the newest first.
pub async fn one(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<MembersQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    if let Err(r) = signed_in(&office, &headers, lang).await {
        return r;
    }
    let tz = office.settings.time_zone.as_str();
    let read = async {
        let client = office.pool.get().await?;
        let member = find(&client, tz, &q.id, true).await?.into_iter().next();
        let entries = entries(&client, tz, &q.id).await?;
        anyhow::Ok(member.map(|m| (m, entries)))
    };
    let w = words(lang);
    match read.await {
        Ok(Some((m, entries))) => page(lang, &m.id, &render_member(lang, &m, &entries)).into_response(),
        Ok(None) => {
            (StatusCode::NOT_FOUND, page(lang, w.not_found, &format!("<p>{}</p>", w.not_found))).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "member page");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_members_link_carries_its_number_percent_encoded() {
        assert_eq!(member_link(Lang::En, "M 1&2"), "/member?lang=en&amp;id=M%201%262");
    }

    #[test]
    fn a_member_without_a_record_of_their_own_shows_by_number() {
        let m = Member {
            id: "M0001".into(),
            name: String::new(),
            phone: String::new(),
            level: String::new(),
            points: 0,
            balance: 24900,
            last_visit: None,
        };
        let html = render_list(Lang::Zh, "", &[m]);
        assert!(html.contains("<td>M0001<br>") && html.contains("¥249.00") && html.contains("无"), "{html}");
    }
}
