//! The owner's pages: plain server-rendered HTML for a phone first (one column, 360 px and up),
//! in Chinese (zh-CN) or English, no JavaScript.

use crate::Shared;
use crate::auth::{LangQuery, signed_in};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use till_proto::record::PaymentKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `?lang=` first, then the browser's Accept-Language; Chinese unless English is asked for.
    pub fn of(asked: Option<&str>, headers: &HeaderMap) -> Lang {
        let accept = headers.get("accept-language").and_then(|v| v.to_str().ok()).unwrap_or_default();
        match asked {
            Some("en") => Lang::En,
            Some("zh") => Lang::Zh,
            _ if accept.trim_start().to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// Every string a page shows, in one language.
pub struct Text {
    pub html_lang: &'static str,
    pub title: &'static str,
    pub sign_in_title: &'static str,
    pub login: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub wrong: &'static str,
    pub too_many: &'static str,
    pub form_expired: &'static str,
    pub today: &'static str,
    pub yesterday: &'static str,
    pub sales: &'static str,
    pub orders: &'static str,
    pub by_payment: &'static str,
    pub refunds: &'static str,
    pub tills: &'static str,
    pub last_contact: &'static str,
    pub never: &'static str,
    pub records: &'static str,
    pub missing: &'static str,
    pub other_lang: &'static str,
    pub cash: &'static str,
    pub wechat: &'static str,
    pub alipay: &'static str,
    pub stored_value: &'static str,
    pub devices: &'static str,
    pub week: &'static str,
    pub catalogue: &'static str,
    pub shops: &'static str,
    pub prices: &'static str,
    pub journal: &'static str,
}

const ZH: Text = Text {
    html_lang: "zh-CN",
    title: "今日营业",
    sign_in_title: "店主登录",
    login: "账号",
    password: "密码",
    sign_in: "登录",
    sign_out: "退出",
    wrong: "账号或密码不对",
    too_many: "尝试次数太多，请15分钟后再试",
    form_expired: "页面已过期，请重新登录",
    today: "今天",
    yesterday: "昨天",
    sales: "销售额",
    orders: "单数",
    by_payment: "按支付方式（今天）",
    refunds: "退款（今天）",
    tills: "收银机",
    last_contact: "最后联系",
    never: "从未",
    records: "已收记录",
    missing: "缺少记录",
    other_lang: "English",
    cash: "现金",
    wechat: "微信支付",
    alipay: "支付宝",
    stored_value: "储值",
    devices: "管理收银机",
    week: "最近一周",
    catalogue: "商品目录",
    shops: "各门店",
    prices: "改价",
    journal: "今日单据",
};

const EN: Text = Text {
    html_lang: "en",
    title: "Today",
    sign_in_title: "Owner sign-in",
    login: "Login",
    password: "Password",
    sign_in: "Sign in",
    sign_out: "Sign out",
    wrong: "Wrong login or password",
    too_many: "Too many attempts: try again in 15 minutes",
    form_expired: "The page had expired: please sign in again",
    today: "Today",
    yesterday: "Yesterday",
    sales: "Sales",
    orders: "Orders",
    by_payment: "By payment (today)",
    refunds: "Refunds (today)",
    tills: "Tills",
    last_contact: "Last contact",
    never: "never",
    records: "Records received",
    missing: "Records missing",
    other_lang: "中文",
    cash: "Cash",
    wechat: "WeChat Pay",
    alipay: "Alipay",
    stored_value: "Stored value",
    devices: "Manage tills",
    week: "Last week",
    catalogue: "Catalogue",
    shops: "Shops",
    prices: "Prices",
    journal: "Today's orders",
};

impl Text {
    pub fn of(lang: Lang) -> &'static Text {
        match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    pub fn payment(&self, kind: PaymentKind) -> &'static str {
        match kind {
            PaymentKind::Cash => self.cash,
            PaymentKind::WeChat => self.wechat,
            PaymentKind::Alipay => self.alipay,
            PaymentKind::StoredValue => self.stored_value,
        }
    }
}

/// Which line of an uploaded CSV is wrong and why, in the till's words and the page's language.
pub fn csv_line(lang: Lang, line: usize, problem: &till::core::csv_problem::CsvProblem) -> String {
    let lang = match lang {
        Lang::Zh => till::core::Lang::Zh,
        Lang::En => till::core::Lang::En,
    };
    till::i18n::usb::line(lang, &till::i18n::usb::UsbLine::Invalid { file: "CSV", line, problem })
}

/// A form's page again, answered 422: what was sent could not be used.
pub fn unprocessable(mut page: Response) -> Response {
    *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    page
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// `text` percent-encoded for a link's query (everything but unreserved characters).
pub fn query_value(text: &str) -> String {
    let mut encoded = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => encoded.push(b as char),
            _ => encoded.push_str(&format!("%{b:02X}")),
        }
    }
    encoded
}

/// Fen as yuan: `¥12.34`, `-¥0.50`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}¥{}.{:02}", abs / 100, abs % 100)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:12px;max-width:40rem;margin:auto;\
line-height:1.4}h1{font-size:1.4rem}table{width:100%;border-collapse:collapse}td,th{padding:6px 4px;\
border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}\
label{display:block;margin:8px 0}input{display:block;width:100%;box-sizing:border-box;font-size:1rem;padding:8px}\
button{font-size:1rem;padding:10px 16px;margin-top:8px}.error{color:#b00020}.cards{display:flex;gap:8px}\
.card{flex:1;border:1px solid #ddd;border-radius:8px;padding:8px}.big{font-size:1.5rem;font-weight:600}\
nav{display:flex;justify-content:space-between;align-items:center}form.inline{display:inline-block;margin-right:6px}\
#qr svg{width:100%;max-width:320px;height:auto}code{word-break:break-all}\
td.bar{width:45%}td.bar div{background:#4a90d9;height:12px;border-radius:2px}";

/// A whole page around `body`.
pub fn page(lang: Lang, title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        Text::of(lang).html_lang,
        escape(title)
    ))
}

pub async fn health(State(office): State<Shared>) -> StatusCode {
    match office.pool.get().await {
        Ok(client) if client.simple_query("SELECT 1").await.is_ok() => StatusCode::OK,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// One day's sales: (orders, sales in fen).
struct Day {
    orders: i64,
    sales: i64,
}

struct Till {
    name: String,
    device_id: String,
    last_contact: Option<String>,
    records: i64,
    missing: i64,
}

struct Today {
    today: Day,
    yesterday: Day,
    by_payment: Vec<(PaymentKind, i64, i64)>,
    refunds: (i64, i64),
    tills: Vec<Till>,
    doubts: Vec<crate::shops::Doubt>,
    ledger: crate::ledger::LedgerDay,
}

/// "Today" in the shop's zone: days back from today (0 today, 1 yesterday) of a till's milliseconds,
/// as a range of milliseconds (an index serves it; an expression on `closed_at` none).
const DAY_OF: &str = "closed_at >= (extract(epoch FROM (((now() AT TIME ZONE $1)::date - $2::int)::timestamp      AT TIME ZONE $1)) * 1000)::bigint AND closed_at < (extract(epoch FROM (((now() AT TIME ZONE $1)::date - $2::int      + 1)::timestamp AT TIME ZONE $1)) * 1000)::bigint";

async fn read_today(office: &Shared) -> anyhow::Result<Today> {
    let client = office.pool.get().await?;
    let tz = &office.settings.time_zone;
    let mut days = Vec::new();
    for back in [0i32, 1] {
        let row = client
            .query_one(
                &format!("SELECT count(*), coalesce(sum(total_fen), 0)::bigint FROM orders WHERE {DAY_OF}"),
                &[tz, &back],
            )
            .await?;
        days.push(Day { orders: row.get(0), sales: row.get(1) });
    }
    let by_payment = client
        .query(
            &format!(
                "SELECT p.kind, count(*), coalesce(sum(p.amount_fen), 0)::bigint FROM payments p
                 JOIN orders USING (record_id) WHERE {DAY_OF} GROUP BY p.kind ORDER BY p.kind"
            ),
            &[tz, &0i32],
        )
        .await?
        .iter()
        .filter_map(|r| Some((PaymentKind::parse(r.get::<_, &str>(0))?, r.get(1), r.get(2))))
        .collect();
    let refunds = client
        .query_one(
            &format!(
                "SELECT count(*), coalesce(sum(amount_fen), 0)::bigint FROM refunds
                 WHERE refunded AND {}",
                DAY_OF.replace("closed_at", "requested_at")
            ),
            &[tz, &0i32],
        )
        .await?;
    let tills = client
        .query(
            "SELECT d.name, d.device_id,
                    to_char(d.last_contact_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS'),
                    (SELECT count(*) FROM records r WHERE r.device_id = d.device_id), d.last_seq
             FROM devices d WHERE d.revoked_at IS NULL ORDER BY d.name, d.device_id",
            &[tz],
        )
        .await?
        .iter()
        .map(|r| {
            let (records, last_seq): (i64, i64) = (r.get(3), r.get(4));
            Till {
                name: r.get(0),
                device_id: r.get(1),
                last_contact: r.get(2),
                records,
                missing: last_seq.saturating_sub(records).max(0),
            }
        })
        .collect();
    let mut days = days.into_iter();
    let (Some(today), Some(yesterday)) = (days.next(), days.next()) else { anyhow::bail!("two days") };
    let doubts = crate::shops::open_doubts(&client, tz, None).await?;
    let ledger = crate::ledger::read_day(&client, None, crate::shops::read::day(&client, tz, 0).await?).await?;
    Ok(Today { today, yesterday, by_payment, refunds: (refunds.get(0), refunds.get(1)), tills, doubts, ledger })
}

fn render(t: &Text, lang: Lang, csrf: &str, d: &Today) -> String {
    let other = match lang {
        Lang::Zh => "en",
        Lang::En => "zh",
    };
    let card = |id: &str, label: &str, day: &Day| {
        format!(
            "<div class=\"card\" id=\"{id}\"><div>{label}</div><div class=\"big\">{}</div><div>{}: {}</div></div>",
            yuan(day.sales),
            t.orders,
            day.orders
        )
    };
    let payments: String = d
        .by_payment
        .iter()
        .map(|(kind, n, fen)| {
            format!(
                "<tr id=\"pay-{}\"><td>{}</td><td class=\"n\">{n}</td><td class=\"n\">{}</td></tr>",
                kind.as_str(),
                t.payment(*kind),
                yuan(*fen)
            )
        })
        .collect();
    let tills: String = d
        .tills
        .iter()
        .map(|till| {
            format!(
                "<tr><td>{}<br><small>{}</small></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&till.name),
                escape(&till.device_id),
                till.last_contact.as_deref().map_or_else(|| t.never.to_string(), escape),
                till.records,
                till.missing
            )
        })
        .collect();
    format!(
        "<nav><h1>{title}</h1><a href=\"/?lang={other}\" id=\"lang\">{other_lang}</a></nav>\
         <div class=\"cards\">{today}{yesterday}</div>\
         <h2>{by_payment}</h2><table id=\"payments\">{payments}</table>\
         <h2>{refunds}</h2><p id=\"refunds\">{refund_n} · {refund_fen}</p>\
         {ledger}{doubts}<h2>{tills_h}</h2><table id=\"tills\"><tr><th>{tills_h}</th><th>{last_contact}</th><th>{records}</th>\
         <th>{missing}</th></tr>{tills}</table><p><a href=\"/week?lang={code}\" id=\"week\">{week}</a> · \
         <a href=\"/devices?lang={code}\" id=\"manage-tills\">{devices}</a> · \
         <a href=\"/catalogue?lang={code}\" id=\"catalogue\">{catalogue}</a> · \
         <a href=\"/shops?lang={code}\" id=\"shops\">{shops}</a> · \
         <a href=\"/prices?lang={code}\" id=\"prices\">{prices}</a> · \
         <a href=\"/orders?lang={code}\" id=\"orders\">{journal}</a></p>\
         <form method=\"post\" action=\"/sign-out\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button type=\"submit\">{sign_out}</button></form>",
        title = t.title,
        other_lang = t.other_lang,
        today = card("today", t.today, &d.today),
        yesterday = card("yesterday", t.yesterday, &d.yesterday),
        by_payment = t.by_payment,
        refunds = t.refunds,
        refund_n = d.refunds.0,
        refund_fen = yuan(d.refunds.1),
        tills_h = t.tills,
        last_contact = t.last_contact,
        records = t.records,
        missing = t.missing,
        sign_out = t.sign_out,
        csrf = escape(csrf),
        code = lang.code(),
        devices = t.devices,
        week = t.week,
        catalogue = t.catalogue,
        shops = t.shops,
        prices = t.prices,
        journal = t.journal,
        doubts = crate::shops::doubts_html(lang, &d.doubts),
        ledger = crate::ledger::html(lang, &d.ledger),
    )
}

pub async fn today(State(office): State<Shared>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::of(q.lang.as_deref(), &headers);
    let s = match signed_in(&office, &headers, lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match read_today(&office).await {
        Ok(d) => {
            let t = Text::of(lang);
            page(lang, t.title, &render(t, lang, &s.csrf, &d)).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, login = s.login, "today page");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_is_exact_to_the_fen() {
        assert_eq!(yuan(350), "¥3.50");
        assert_eq!(yuan(0), "¥0.00");
        assert_eq!(yuan(-50), "-¥0.50");
        assert_eq!(yuan(i64::MIN), "-¥92233720368547758.08");
    }

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }

    #[test]
    fn the_language_is_asked_for_or_the_browsers() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::of(None, &h), Lang::Zh);
        h.insert("accept-language", axum::http::HeaderValue::from_static("en-GB,en;q=0.8"));
        assert_eq!(Lang::of(None, &h), Lang::En);
        assert_eq!(Lang::of(Some("zh"), &h), Lang::Zh);
    }
}
