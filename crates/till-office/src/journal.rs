//! 今日单据 / "Today's orders" (`/orders`): the day's orders of every till (or one shop's), the
//! newest first: time, number, till, total, how it was paid (stored value as a tender), and for a
//! receipted exchange the order its goods came from ("exchange of N"). Top-ups are listed apart,
//! as what they are: money owed to members, not sales.

use crate::Shared;
use crate::auth::signed_in;
use crate::pages::{Lang, escape, page, yuan};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use deadpool_postgres::Client;
use till_proto::record::PaymentKind;

/// One order of the day.
pub struct Row {
    pub at: String,
    pub number: String,
    pub till: String,
    pub total: i64,
    /// (kind, fen) of each payment
    pub paid: Vec<(String, i64)>,
    /// An exchange: the original order's number (empty: an exchange without a receipt).
    pub exchange_of: Option<String>,
}

async fn read(client: &Client, tz: &str, shop: Option<&str>) -> anyhow::Result<(Vec<Row>, Vec<Row>)> {
    let day = crate::shops::read::day(client, tz, 0).await?;
    let orders = client
        .query(
            "SELECT to_char(to_timestamp(o.closed_at / 1000.0) AT TIME ZONE $1, 'HH24:MI'), o.number, d.name,
                    o.total_fen, x.record_id IS NOT NULL, coalesce(x.from_number, ''),
                    coalesce((SELECT string_agg(p.kind || ':' || p.amount_fen, ',' ORDER BY p.part_no)
                              FROM payments p WHERE p.record_id = o.record_id), '')
             FROM orders o JOIN devices d USING (device_id) LEFT JOIN exchanges x ON x.record_id = o.record_id
             WHERE o.closed_at >= $2 AND o.closed_at < $3 AND ($4::text IS NULL OR d.shop = $4)
             ORDER BY o.closed_at DESC, o.record_id DESC LIMIT 300",
            &[&tz, &day.0, &day.1, &shop],
        )
        .await?
        .iter()
        .map(|r| Row {
            at: r.get(0),
            number: r.get(1),
            till: r.get(2),
            total: r.get(3),
            exchange_of: r.get::<_, bool>(4).then(|| r.get(5)),
            paid: r
                .get::<_, &str>(6)
                .split(',')
                .filter_map(|p| p.split_once(':'))
                .map(|(k, fen)| (k.to_string(), fen.parse().unwrap_or(0)))
                .collect(),
        })
        .collect();
    let top_ups = client
        .query(
            "SELECT to_char(to_timestamp(t.closed_at / 1000.0) AT TIME ZONE $1, 'HH24:MI'), t.number, d.name,
                    t.paid_fen, CASE WHEN t.in_cash THEN 'cash' ELSE 'code' END, t.member_id
             FROM top_ups t JOIN devices d USING (device_id)
             WHERE t.closed_at >= $2 AND t.closed_at < $3 AND ($4::text IS NULL OR d.shop = $4)
             ORDER BY t.closed_at DESC, t.record_id DESC LIMIT 300",
            &[&tz, &day.0, &day.1, &shop],
        )
        .await?
        .iter()
        .map(|r| Row {
            at: r.get(0),
            number: r.get(1),
            till: format!("{} · {}", r.get::<_, String>(2), r.get::<_, String>(5)),
            total: r.get(3),
            paid: vec![(r.get(4), r.get(3))],
            exchange_of: None,
        })
        .collect();
    Ok((orders, top_ups))
}

struct Words {
    title: &'static str,
    top_ups: &'static str,
    exchange_of: &'static str,
    exchange: &'static str,
    none: &'static str,
    back: &'static str,
    code: &'static str,
}

const ZH: Words = Words {
    title: "今日单据",
    top_ups: "今日储值充值（不计入销售额）",
    exchange_of: "换货，原单",
    exchange: "换货（无小票）",
    none: "无",
    back: "今日营业",
    code: "扫码",
};

const EN: Words = Words {
    title: "Today's orders",
    top_ups: "Top-ups today (not sales)",
    exchange_of: "exchange of",
    exchange: "exchange (no receipt)",
    none: "none",
    back: "Today",
    code: "Code",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

fn render(lang: Lang, orders: &[Row], top_ups: &[Row]) -> String {
    let w = words(lang);
    let t = crate::pages::Text::of(lang);
    let label = |kind: &str| match (PaymentKind::parse(kind), kind) {
        (Some(k), _) => t.payment(k).to_string(),
        (None, "code") => w.code.to_string(),
        (None, _) => escape(kind),
    };
    let rows = |id: &str, list: &[Row]| {
        let rows: String = list
            .iter()
            .map(|r| {
                let paid: Vec<String> = r.paid.iter().map(|(k, fen)| format!("{} {}", label(k), yuan(*fen))).collect();
                let exchange = match r.exchange_of.as_deref() {
                    Some("") => format!("<br><small class=\"exchange\">{}</small>", w.exchange),
                    Some(n) => format!("<br><small class=\"exchange\">{} {}</small>", w.exchange_of, escape(n)),
                    None => String::new(),
                };
                format!(
                    "<tr id=\"{id}-{number}\"><td>{number}<br><small>{at} · {till}</small>{exchange}</td>\
                     <td class=\"n\">{total}<br><small>{paid}</small></td></tr>",
                    number = escape(&r.number),
                    at = escape(&r.at),
                    till = escape(&r.till),
                    total = yuan(r.total),
                    paid = paid.join(" · "),
                )
            })
            .collect();
        if rows.is_empty() {
            format!("<p id=\"{id}s\">{}</p>", w.none)
        } else {
            format!("<table id=\"{id}s\">{rows}</table>")
        }
    };
    format!(
        "<nav><h1>{title}</h1><a href=\"/?lang={code}\">{back}</a></nav>{orders}<h2>{top_ups_h}</h2>{top_ups}",
        title = w.title,
        code = lang.code(),
        back = w.back,
        orders = rows("order", orders),
        top_ups_h = w.top_ups,
        top_ups = rows("top-up", top_ups),
    )
}

/// `GET /orders?shop=…`: today's orders (of one shop when `shop` is given, else of every till) and
/// top-ups.
pub async fn orders(
    State(office): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<crate::shops::ShopQuery>,
) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    if let Err(r) = signed_in(&office, &headers, lang).await {
        return r;
    }
    let shop = Some(q.shop.as_str()).filter(|s| !s.is_empty());
    let read = async {
        let client = office.pool.get().await?;
        read(&client, &office.settings.time_zone, shop).await
    };
    match read.await {
        Ok((orders, top_ups)) => page(lang, words(lang).title, &render(lang, &orders, &top_ups)).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "orders page");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipted_exchange_names_its_original_order_in_both_languages() {
        let row = |exchange_of: Option<&str>| Row {
            at: "10:00".into(),
            number: "N2".into(),
            till: "Till 1".into(),
            total: 150,
            paid: vec![("cash".into(), 100), ("stored_value".into(), 50)],
            exchange_of: exchange_of.map(String::from),
        };
        let en = render(Lang::En, &[row(Some("N1"))], &[]);
        assert!(en.contains("exchange of N1") && en.contains("Stored value ¥0.50"), "{en}");
        let zh = render(Lang::Zh, &[row(Some(""))], &[]);
        assert!(zh.contains("换货（无小票）") && zh.contains("储值 ¥0.50"), "{zh}");
    }
}
