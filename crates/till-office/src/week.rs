//! The owner's week: the last seven days by day, today by hour (bars, no JavaScript), the top
//! products of the week, and refunds that did not go through. Phone first, zh-CN or English.

use crate::Shared;
use crate::auth::{LangQuery, signed_in};
use crate::pages::{Lang, escape, page, yuan};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

struct Text {
    title: &'static str,
    by_day: &'static str,
    by_hour: &'static str,
    top: &'static str,
    qty: &'static str,
    refunds_open: &'static str,
    none: &'static str,
    today: &'static str,
}

const ZH: Text = Text {
    title: "最近一周",
    by_day: "每天销售额",
    by_hour: "今天每小时",
    top: "本周热销商品",
    qty: "件",
    refunds_open: "未成功的退款",
    none: "无",
    today: "今日营业",
};

const EN: Text = Text {
    title: "Last week",
    by_day: "Sales by day",
    by_hour: "Today by hour",
    top: "Top products this week",
    qty: "sold",
    refunds_open: "Refunds not completed",
    none: "none",
    today: "Today",
};

struct Week {
    /// (day, orders, sales in fen), oldest first.
    days: Vec<(String, i64, i64)>,
    /// (hour, orders, sales in fen) of today, hours with sales only.
    hours: Vec<(i32, i64, i64)>,
    /// (name, quantity, amount in fen), the most sold first.
    top: Vec<(String, i64, i64)>,
    /// (till, order number, amount in fen, state) of refunds not refunded.
    open_refunds: Vec<(String, String, i64, String)>,
}

/// A till's milliseconds as a local time in the shop's zone ($1).
const LOCAL: &str = "(to_timestamp(o.closed_at / 1000.0) AT TIME ZONE $1)";
/// Today's date in the shop's zone ($1).
const TODAY: &str = "(now() AT TIME ZONE $1)::date";

/// The till's milliseconds at the start of a local date (an SQL `date` expression) in the shop's zone
/// ($1): days are filtered as ranges of `closed_at`, which its index serves (an expression on it, none).
fn start_ms(date: &str) -> String {
    format!("(extract(epoch FROM ({date})::timestamp AT TIME ZONE $1) * 1000)::bigint")
}

async fn read_week(office: &Shared) -> anyhow::Result<Week> {
    let client = office.pool.get().await?;
    let tz = &office.settings.time_zone;
    let days = client
        .query(
            &format!(
                "SELECT to_char(d, 'MM-DD'), count(o.record_id), coalesce(sum(o.total_fen), 0)::bigint
                 FROM generate_series({TODAY} - 6, {TODAY}, '1 day') d
                 LEFT JOIN orders o ON o.closed_at >= {} AND o.closed_at < {} GROUP BY d ORDER BY d",
                start_ms("d::date"),
                start_ms("d::date + 1")
            ),
            &[tz],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let hours = client
        .query(
            &format!(
                "SELECT extract(hour FROM {LOCAL})::int, count(*), sum(o.total_fen)::bigint FROM orders o
                 WHERE o.closed_at >= {} AND o.closed_at < {} GROUP BY 1 ORDER BY 1",
                start_ms(TODAY),
                start_ms(&format!("{TODAY} + 1"))
            ),
            &[tz],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let top = client
        .query(
            &format!(
                "SELECT l.name, sum(l.qty)::bigint, sum(l.amount_fen)::bigint FROM order_lines l
                 JOIN orders o USING (record_id) WHERE o.closed_at >= {}
                 GROUP BY l.barcode, l.name ORDER BY 3 DESC, 1 LIMIT 10",
                start_ms(&format!("{TODAY} - 6"))
            ),
            &[tz],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let open_refunds = client
        .query(
            "SELECT d.name, r.order_number, r.amount_fen, coalesce(r.state ->> 'Failed', r.state::text)
             FROM refunds r JOIN devices d USING (device_id) WHERE NOT r.refunded
             ORDER BY r.requested_at DESC LIMIT 20",
            &[],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    Ok(Week { days, hours, top, open_refunds })
}

/// A row with a bar as wide as its share of the largest.
fn bar_row(label: &str, fen: i64, max: i64, extra: &str) -> String {
    let pct = if max > 0 { fen.saturating_mul(100) / max } else { 0 };
    format!(
        "<tr><td>{label}</td><td class=\"bar\"><div style=\"width:{pct}%\"></div></td><td class=\"n\">{}{extra}</td></tr>",
        yuan(fen)
    )
}

fn render(t: &Text, lang: Lang, w: &Week) -> String {
    let max_day = w.days.iter().map(|d| d.2).max().unwrap_or(0);
    let days: String = w.days.iter().map(|(d, n, fen)| bar_row(d, *fen, max_day, &format!(" · {n}"))).collect();
    let max_hour = w.hours.iter().map(|h| h.2).max().unwrap_or(0);
    let hours: String =
        w.hours.iter().map(|(h, n, fen)| bar_row(&format!("{h:02}:00"), *fen, max_hour, &format!(" · {n}"))).collect();
    let top: String = w
        .top
        .iter()
        .map(|(name, qty, fen)| {
            format!(
                "<tr><td>{}</td><td class=\"n\">{qty} {}</td><td class=\"n\">{}</td></tr>",
                escape(name),
                t.qty,
                yuan(*fen)
            )
        })
        .collect();
    let refunds: String = if w.open_refunds.is_empty() {
        format!("<p>{}</p>", t.none)
    } else {
        let rows: String = w
            .open_refunds
            .iter()
            .map(|(till, number, fen, state)| {
                format!(
                    "<tr><td>{}<br><small>{}</small></td><td class=\"n\">{}</td><td><small>{}</small></td></tr>",
                    escape(number),
                    escape(till),
                    yuan(*fen),
                    escape(state)
                )
            })
            .collect();
        format!("<table id=\"open-refunds\">{rows}</table>")
    };
    format!(
        "<nav><h1>{title}</h1><a href=\"/?lang={code}\">{today}</a></nav>\
         <h2>{by_day}</h2><table id=\"by-day\">{days}</table>\
         <h2>{by_hour}</h2><table id=\"by-hour\">{hours}</table>\
         <h2>{top_h}</h2><table id=\"top\">{top}</table>\
         <h2>{refunds_h}</h2>{refunds}",
        title = t.title,
        code = lang.code(),
        today = t.today,
        by_day = t.by_day,
        by_hour = t.by_hour,
        top_h = t.top,
        refunds_h = t.refunds_open,
    )
}

pub async fn week(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    if let Err(r) = signed_in(&office, &headers, lang).await {
        return r;
    }
    let t = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    match read_week(&office).await {
        Ok(w) => page(lang, t.title, &render(t, lang, &w)).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "week page");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
