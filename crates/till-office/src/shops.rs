//! The owner's pages per shop (`/shops`, `/shop?shop=…`): the day against yesterday and the same
//! day last week, by till; payments by platform and refunds; Z reports with their cash
//! differences; discounts given per reason and operator; low stock; and the payments still in
//! doubt on any till (also on the today page). Phone first, zh-CN or English, no JavaScript.

use crate::Shared;
use crate::auth::signed_in;
use crate::pages::{Lang, escape, page, yuan};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use till_proto::record::PaymentKind;

pub(crate) mod read;
mod text;

pub use read::{Doubt, open_doubts};
use read::{ShopDay, Summary};
use text::{Text, text};

#[derive(Deserialize)]
pub struct ShopQuery {
    pub lang: Option<String>,
    /// The shop's name (empty: the tills in no shop yet).
    #[serde(default)]
    pub shop: String,
}

fn shop_name(t: &Text, shop: &str) -> String {
    if shop.is_empty() { t.no_shop.to_string() } else { escape(shop) }
}

fn shop_link(lang: Lang, shop: &str) -> String {
    format!("/shop?lang={}&amp;shop={}", lang.code(), crate::pages::query_value(shop))
}

/// The payments in doubt as a table (`#doubts`), or a line saying there are none.
pub fn doubts_html(lang: Lang, doubts: &[Doubt]) -> String {
    let t = text(lang);
    if doubts.is_empty() {
        return format!("<h2>{}</h2><p id=\"doubts\">{}</p>", t.doubts, t.none);
    }
    let rows: String = doubts
        .iter()
        .map(|d| {
            format!(
                "<tr><td>{number}<br><small>{shop} · {till}</small></td><td>{platform}</td>\
                 <td class=\"n\">{amount}</td><td><small>{since_h} {since}</small></td></tr>",
                number = escape(&d.order_number),
                shop = shop_name(t, &d.shop),
                till = escape(&d.till),
                platform = PaymentKind::parse(&d.platform).map_or_else(|| escape(&d.platform), |k| t.payment(k).into()),
                amount = yuan(d.amount_fen),
                since_h = t.since,
                since = escape(&d.since),
            )
        })
        .collect();
    format!("<h2>{}</h2><p><small>{}</small></p><table id=\"doubts\">{rows}</table>", t.doubts, t.doubts_note)
}

fn render_list(t: &Text, lang: Lang, shops: &[Summary], doubts: &[Doubt]) -> String {
    let rows: String = shops
        .iter()
        .map(|s| {
            format!(
                "<tr><td><a href=\"{link}\">{name}</a><br><small>{tills} {tills_h}</small></td>\
                 <td class=\"n\">{sales}<br><small>{orders_h}: {orders}</small></td></tr>",
                link = shop_link(lang, &s.shop),
                name = shop_name(t, &s.shop),
                tills = s.tills,
                tills_h = t.tills,
                sales = yuan(s.sales),
                orders_h = t.orders,
                orders = s.orders,
            )
        })
        .collect();
    format!(
        "<nav><h1>{title}</h1><a href=\"/?lang={code}\">{today}</a></nav>\
         <table id=\"shops\"><tr><th>{title}</th><th>{today_h}</th></tr>{rows}</table>{doubts}",
        title = t.shops,
        code = lang.code(),
        today = t.back,
        today_h = t.today,
        doubts = doubts_html(lang, doubts),
    )
}

fn render_shop(t: &Text, lang: Lang, d: &ShopDay) -> String {
    let card = |id: &str, label: &str, (orders, sales): (i64, i64)| {
        format!(
            "<div class=\"card\" id=\"{id}\"><div>{label}</div><div class=\"big\">{}</div><div>{}: {orders}</div></div>",
            yuan(sales),
            t.orders
        )
    };
    let tills: String = d
        .tills
        .iter()
        .map(|(name, orders, sales)| {
            format!(
                "<tr><td>{}</td><td class=\"n\">{orders}</td><td class=\"n\">{}</td></tr>",
                escape(name),
                yuan(*sales)
            )
        })
        .collect();
    let payments: String = d
        .payments
        .iter()
        .map(|(kind, n, fen)| {
            let label = PaymentKind::parse(kind).map_or_else(|| escape(kind), |k| t.payment(k).into());
            format!(
                "<tr id=\"pay-{}\"><td>{label}</td><td class=\"n\">{n}</td><td class=\"n\">{}</td></tr>",
                escape(kind),
                yuan(*fen)
            )
        })
        .collect();
    let z: String = d
        .z_reports
        .iter()
        .map(|z| {
            let class = if z.difference != 0 { " class=\"error\"" } else { "" };
            format!(
                "<tr><td>Z{} · {}<br><small>{}</small></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\"><b{class}>{}</b></td></tr>",
                z.number,
                escape(&z.till),
                escape(&z.closed),
                yuan(z.expected),
                yuan(z.counted),
                yuan(z.difference)
            )
        })
        .collect();
    let discounts: String = d
        .discounts
        .iter()
        .map(|(reason, promotion, operator, n, fen)| {
            let who = if *promotion { t.promotion.to_string() } else { format!("{} {}", t.operator, escape(operator)) };
            format!(
                "<tr><td>{}<br><small>{who}</small></td><td class=\"n\">{n}</td><td class=\"n\">{}</td></tr>",
                escape(reason),
                yuan(*fen)
            )
        })
        .collect();
    let low: String = d
        .low_stock
        .iter()
        .map(|(barcode, name, level)| {
            format!(
                "<tr><td>{}<br><small>{}</small></td><td class=\"n\">{level}</td></tr>",
                escape(name),
                escape(barcode)
            )
        })
        .collect();
    let or_none = |id: &str, head: &str, rows: &str| {
        if rows.is_empty() {
            format!("<p id=\"{id}\">{}</p>", t.none)
        } else {
            format!("<table id=\"{id}\">{head}{rows}</table>")
        }
    };
    format!(
        "<nav><h1>{name}</h1><a href=\"/shops?lang={code}\">{shops}</a></nav>\
         <div class=\"cards\">{today}{yesterday}{last_week}</div>\
         <h2>{tills_h}</h2>{tills}\
         <h2>{by_payment}</h2>{payments}<p id=\"refunds\">{refunds_h}: {refund_n} · {refund_fen}</p>{ledger}\
         <h2>{z_h}</h2>{z}\
         <h2>{discounts_h}</h2>{discounts}\
         <h2>{low_h} (≤ {low_at})</h2>{low}{doubts}",
        name = shop_name(t, &d.shop),
        code = lang.code(),
        shops = t.shops,
        today = card("today", t.today, d.today),
        yesterday = card("yesterday", t.yesterday, d.yesterday),
        last_week = card("last-week", t.last_week, d.last_week),
        tills_h = t.tills,
        tills = or_none("shop-tills", "", &tills),
        by_payment = t.by_payment,
        payments = or_none("payments", "", &payments),
        refunds_h = t.refunds,
        refund_n = d.refunds.0,
        refund_fen = yuan(d.refunds.1),
        z_h = t.z_reports,
        z = or_none(
            "z-reports",
            &format!("<tr><th></th><th>{}</th><th>{}</th><th>{}</th></tr>", t.expected, t.counted, t.difference),
            &z
        ),
        discounts_h = t.discounts,
        discounts = or_none("discounts", "", &discounts),
        low_h = t.low_stock,
        low_at = d.low_stock_at,
        low = or_none("low-stock", "", &low),
        doubts = doubts_html(lang, &d.doubts),
        ledger = crate::ledger::html(lang, &d.ledger),
    )
}

/// `GET /shops`: every shop's day, and the payments in doubt on any till.
pub async fn list(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<ShopQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    if let Err(r) = signed_in(&office, &headers, lang).await {
        return r;
    }
    let t = text(lang);
    match read::shops(&office).await {
        Ok((shops, doubts)) => page(lang, t.shops, &render_list(t, lang, &shops, &doubts)).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "shops page");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// `GET /shop?shop=NAME`: one shop's day.
pub async fn shop(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<ShopQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    if let Err(r) = signed_in(&office, &headers, lang).await {
        return r;
    }
    let t = text(lang);
    match read::shop_day(&office, &q.shop).await {
        Ok(d) => page(lang, &shop_name(t, &d.shop), &render_shop(t, lang, &d)).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "shop page");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shops_link_carries_its_name_percent_encoded() {
        assert_eq!(shop_link(Lang::En, "东店 A&B"), "/shop?lang=en&amp;shop=%E4%B8%9C%E5%BA%97%20A%26B");
    }

    #[test]
    fn no_payments_in_doubt_says_so_in_both_languages() {
        assert!(doubts_html(Lang::Zh, &[]).contains("id=\"doubts\">无"));
        assert!(doubts_html(Lang::En, &[]).contains("id=\"doubts\">none"));
    }
}
