//! Pure request building and answer interpretation for `op.php` (reference §3–§5, design choices in
//! the module docs of [`super`]). No IO: [`super::client`] moves the bytes.

use super::amount::{parse_amount, yuan};
use super::config::WeishouyinConfig;
use super::xml::Answer;
use crate::core::clock::Millis;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::core::{
    Failure, LookupVerdict, PayCall, PlatformOrder, PlatformOrderState, QueryCall, RefundCall, RefundVerdict, Verdict,
};
use crate::payments::untrusted;

/// `pay_type` code of WeChat Pay (reference §5, [R]).
pub const PAY_TYPE_WECHAT: u32 = 4;
/// `pay_type` code of Alipay ([G]).
pub const PAY_TYPE_ALIPAY: u32 = 3;
/// `err` of a query or read of a number or bill the platform does not know ([G]).
pub const ERR_NOT_FOUND: &str = "notfound";
/// `err` of a micropay whose `no` is taken by another amount or code ([G]).
pub const ERR_DUPLICATE: &str = "duplicate";
/// `err` of a config read (or any call) by a device the platform does not know: re-activate ([G]).
pub const ERR_DEVICE: &str = "device";
/// `info` of an answer to a request whose signature the platform refused.
pub const SIGN_ERROR: &str = "sign error";
/// The rule between the scan line and the goods lines of `infoaddo`: exactly 20 dashes.
pub const INFOADDO_RULE: &str = "--------------------";

/// The query to use (reference §1 step 3): `query` after status −1, `query_timeout` after no answer.
pub const ACTION_QUERY: &str = "query";
pub const ACTION_QUERY_TIMEOUT: &str = "query_timeout";

/// `paytype` of a micropay: `alipay` (reference §4.4) or `wxpay` ([G]).
pub fn paytype(platform: Platform) -> &'static str {
    match platform {
        Platform::WeChat => "wxpay",
        Platform::Alipay => "alipay",
    }
}

pub fn pay_type_code(platform: Platform) -> u32 {
    match platform {
        Platform::WeChat => PAY_TYPE_WECHAT,
        Platform::Alipay => PAY_TYPE_ALIPAY,
    }
}

/// The wallet of a `pay_type` (numeric code, or the wallet's name as in a read answer's root).
pub fn platform_of_pay_type(text: &str) -> Option<Platform> {
    match text {
        "4" => Some(Platform::WeChat),
        "3" => Some(Platform::Alipay),
        t if t.contains("微信") => Some(Platform::WeChat),
        t if t.contains("支付宝") => Some(Platform::Alipay),
        _ => None,
    }
}

/// `infoaddo` as in the reference's example: the scan line, a 20-dash rule, one `GS1:` line per unit.
/// It carries the payment code because the platform's own example does; it is never logged.
pub fn infoaddo(code: &str, items: &[String]) -> String {
    let mut text = format!("[被扫支付]授权码:{code}\r\n{INFOADDO_RULE}\r\n");
    for barcode in items {
        text.push_str("GS1:");
        text.push_str(barcode);
        text.push_str("\r\n");
    }
    text
}

fn p(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_string(), value.into())
}

/// Micropay's parameters, unsigned: the reference's nine plus `no` (the till's order number).
pub fn micropay_params(cfg: &WeishouyinConfig, call: &PayCall) -> Vec<(String, String)> {
    vec![
        p("action", "micropay"),
        p("authcode", call.code.as_str()),
        p("device_id", cfg.device_id.as_str()),
        p("dic_amount", yuan(call.amount)),
        p("info", call.body.as_str()),
        p("infoaddo", infoaddo(&call.code, &call.items)),
        p("no", call.out_trade_no.as_str()),
        p("operator_id", call.staff_id.as_deref().filter(|s| !s.is_empty()).unwrap_or(&cfg.operator_id)),
        p("paytype", paytype(call.platform)),
        p("total", yuan(call.amount)),
    ]
}

/// `query` / `query_timeout` by the till's order number.
pub fn query_params(cfg: &WeishouyinConfig, action: &str, out_trade_no: &str) -> Vec<(String, String)> {
    vec![p("action", action), p("device_id", cfg.device_id.as_str()), p("no", out_trade_no)]
}

/// `read` by bill id when known, else by the till's order number.
pub fn read_params(cfg: &WeishouyinConfig, dm_id: Option<&str>, out_trade_no: &str) -> Vec<(String, String)> {
    let by = match dm_id {
        Some(id) => p("dm_id", id),
        None => p("no", out_trade_no),
    };
    vec![p("action", "read"), p("device_id", cfg.device_id.as_str()), by]
}

pub fn refund_params(cfg: &WeishouyinConfig, call: &RefundCall) -> Vec<(String, String)> {
    vec![
        p("action", "refund"),
        p("device_id", cfg.device_id.as_str()),
        p("dm_id", call.transaction_id.as_str()),
        p("refund", yuan(call.amount)),
    ]
}

/// The bill id's digits for `pay_printinfo.php` (`dm2032288236` → `2032288236`); None if not a bill id.
pub fn bill_digits(dm_id: &str) -> Option<&str> {
    let digits = dm_id.strip_prefix("dm").unwrap_or(dm_id);
    (!digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

fn is_bill_id(text: &str) -> bool {
    text.starts_with("dm") && bill_digits(text).is_some()
}

/// An answer not trusted: the detail to the log, [`Failure::BadAnswer`] to the core.
fn unknown(detail: impl AsRef<str>) -> Verdict {
    Verdict::Unknown { reason: untrusted(Failure::BadAnswer, detail.as_ref()) }
}

/// The `ok` flag, checked against the `<ok>` child when both are present.
fn ok_flag(answer: &Answer) -> Option<&str> {
    let ok = answer.attr("ok")?;
    match &answer.ok_child {
        Some(child) if child.trim() != ok => None,
        _ => Some(ok),
    }
}

/// The amount attribute `name`, if present: Err if it is malformed or not `expected`.
fn amount_matches(answer: &Answer, name: &str, expected: Fen) -> Result<bool, String> {
    match answer.attr(name) {
        None => Ok(false),
        Some(text) => match parse_amount(text) {
            Some(found) if found == expected => Ok(true),
            Some(found) => Err(format!("answer {name} {} differs from {}", yuan(found), yuan(expected))),
            None => Err(format!("answer {name} is not an amount")),
        },
    }
}

/// What a micropay, query or query_timeout answer means for the money. `Paid` only with a bill id,
/// the exact amount and, if echoed, our own order number; anything doubtful is `Unknown`.
pub fn pay_verdict(answer: &Answer, amount: Fen, out_trade_no: &str, is_query: bool) -> Verdict {
    if answer.root != "dm" {
        return unknown(format!("unexpected answer <{}>", answer.root));
    }
    let Some(ok) = ok_flag(answer) else { return unknown("answer without a consistent ok flag") };
    if let Some(no) = answer.attr("no").filter(|no| !no.is_empty() && *no != out_trade_no) {
        return unknown(format!("answer is about order {no}"));
    }
    let total = match amount_matches(answer, "total", amount) {
        Ok(present) => present,
        // A bill paid under our number for another amount is another order's (the number was
        // issued twice, issue 16): never this customer's payment, and never to be waited on.
        Err(reason)
            if is_query
                && ok == "1"
                && answer.attr("dm_id").is_some_and(is_bill_id)
                && answer.attr("total").and_then(parse_amount).is_some() =>
        {
            tracing::warn!(
                detail = reason,
                "a bill under this number for another amount: the number was another sale's"
            );
            return Verdict::number_taken();
        }
        Err(reason) => return unknown(reason),
    };
    let info = answer.attr("info").unwrap_or_default();
    match ok {
        "1" => match answer.attr("dm_id") {
            Some(dm_id) if is_bill_id(dm_id) && total => Verdict::Paid { transaction_id: dm_id.to_string() },
            Some(_) if !total => unknown("paid answer without the amount"),
            _ => unknown("paid answer without a bill id"),
        },
        "-1" => Verdict::UserPaying,
        "0" => match answer.attr("err").unwrap_or_default() {
            ERR_NOT_FOUND if is_query => Verdict::NotFound,
            // A query's "0" is final only when it names our bill in a closed state: its bill id and
            // amount, no refusal code. Anything else refused the query, not the payment.
            err if is_query && (!err.is_empty() || !total || !answer.attr("dm_id").is_some_and(is_bill_id)) => {
                unknown(format!("query refused ({err}): {info}"))
            }
            // The number is taken by another order, which may be paid: never a failure.
            ERR_DUPLICATE => {
                tracing::warn!(info, "order number already used (duplicate)");
                Verdict::number_taken()
            }
            ERR_NOT_FOUND => unknown(format!("refused: {info}")),
            // Refused before anything happened — but an untrusted "failed" could hide a charge.
            _ if info == SIGN_ERROR => Verdict::Unknown {
                reason: untrusted(Failure::BadSignature, "platform refused the signature (check the device key)"),
            },
            _ if info.is_empty() => Verdict::Failed { reason: Failure::Declined("declined".into()) },
            _ => Verdict::Failed { reason: Failure::Declined(info.to_string()) },
        },
        other => unknown(format!("status {other}: {info}")),
    }
}

/// What a read answer says about the order: the paid bill with its totals, or where it stands.
pub fn lookup_verdict(answer: &Answer, out_trade_no: &str, fallback: Option<Platform>) -> LookupVerdict {
    let unknown = |detail: String| LookupVerdict::Unknown { reason: untrusted(Failure::BadAnswer, &detail) };
    if answer.root != "dm" {
        return unknown(format!("unexpected answer <{}>", answer.root));
    }
    let Some(ok) = ok_flag(answer) else { return unknown("answer without a consistent ok flag".into()) };
    if ok == "0" && answer.attr("err") == Some(ERR_NOT_FOUND) {
        return LookupVerdict::NotFound;
    }
    let Some(dm_id) = answer.attr("dm_id").filter(|id| is_bill_id(id)) else {
        return unknown(format!("status {ok} without a bill id: {}", answer.attr("info").unwrap_or_default()));
    };
    let out_trade_no = match answer.attr("no") {
        Some(no) if !no.is_empty() => no.to_string(),
        _ => out_trade_no.to_string(),
    };
    let platform = answer
        .pays
        .iter()
        .find_map(|pay| pay.get("pay_type").and_then(|t| platform_of_pay_type(t)))
        .or_else(|| answer.pays.iter().find_map(|pay| pay.get("pay_name").and_then(|t| platform_of_pay_type(t))))
        .or_else(|| answer.attr("pay_type").and_then(platform_of_pay_type))
        .or(fallback);
    let Some(platform) = platform else { return unknown("answer names no wallet".into()) };
    let (state, total_attr) = match ok {
        "1" => (PlatformOrderState::Paid, "pay_total"),
        "-1" => (PlatformOrderState::Paying, "total"),
        "0" => (PlatformOrderState::NotPaid, "total"),
        other => return unknown(format!("status {other}")),
    };
    let total = match answer.attr(total_attr).map(parse_amount) {
        Some(Some(t)) if t.0 >= 0 => t,
        None if state != PlatformOrderState::Paid => Fen::ZERO,
        _ => return unknown(format!("bad or missing {total_attr}")),
    };
    let refunded = match answer.attr("refund_total").map(parse_amount) {
        None => Fen::ZERO,
        Some(Some(r)) if r.0 <= 0 && -r.0 <= total.0 => Fen(-r.0),
        Some(_) => return unknown("bad refund_total".into()),
    };
    if state == PlatformOrderState::Paid && total.0 <= 0 {
        return unknown("paid bill without an amount".into());
    }
    LookupVerdict::Found(PlatformOrder {
        out_trade_no,
        platform,
        state,
        transaction_id: dm_id.to_string(),
        total,
        refunded,
    })
}

/// What a refund answer means. The platform refunds synchronously: `ok=1` is money on its way back.
pub fn refund_verdict(answer: &Answer, call: &RefundCall) -> RefundVerdict {
    let unknown = |detail: String| RefundVerdict::Unknown { reason: untrusted(Failure::BadAnswer, &detail) };
    if answer.root != "dm" {
        return unknown(format!("unexpected answer <{}>", answer.root));
    }
    let Some(ok) = ok_flag(answer) else { return unknown("answer without a consistent ok flag".into()) };
    let info = answer.attr("info").unwrap_or_default();
    match ok {
        "1" => {
            if answer.attr("dm_id") != Some(call.transaction_id.as_str()) {
                return unknown("refund answer is about another bill".into());
            }
            match amount_matches(answer, "total", Fen(-call.amount.0)) {
                Ok(true) => {}
                Ok(false) => return unknown("refund answer without the amount".into()),
                Err(reason) => return unknown(reason),
            }
            let refund_id = match answer.attr("pay_time").and_then(parse_beijing_time) {
                Some(unix) => format!("{}{unix}", call.transaction_id),
                None => answer.attr("pay_id").unwrap_or(call.transaction_id.as_str()).to_string(),
            };
            RefundVerdict::Refunded { refund_id }
        }
        "0" if info == SIGN_ERROR => RefundVerdict::Unknown {
            reason: untrusted(Failure::BadSignature, "platform refused the signature (check the device key)"),
        },
        "0" if answer.attr("err") == Some(ERR_NOT_FOUND) => {
            RefundVerdict::Failed { reason: Failure::Declined("no such bill".into()) }
        }
        "0" => RefundVerdict::Failed {
            reason: Failure::Declined(if info.is_empty() { "refused".into() } else { info.to_string() }),
        },
        other => unknown(format!("status {other}: {info}")),
    }
}

/// query_refund through read (no refund-query interface, reference §1 step 4): refunded if the bill's
/// refund total has grown by at least this refund.
pub fn refund_confirmed(lookup: &LookupVerdict, call: &RefundCall) -> RefundVerdict {
    match lookup {
        LookupVerdict::Found(order) if order.refunded.0 >= call.refunded_before.0 + call.amount.0 => {
            RefundVerdict::Refunded { refund_id: format!("{}/{}", order.transaction_id, call.out_refund_no) }
        }
        LookupVerdict::Found(_) | LookupVerdict::NotFound => RefundVerdict::NotFound,
        LookupVerdict::Unknown { reason } => RefundVerdict::Unknown { reason: reason.clone() },
    }
}

const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD HH:MM:SS` in Beijing time (UTC+8, no daylight saving) of a unix time.
pub fn beijing_time(unix_secs: i64) -> String {
    let t = unix_secs + BEIJING_OFFSET_SECS;
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// The unix time of a Beijing `YYYY-MM-DD HH:MM:SS`; None unless exactly that shape.
/// A query's answer for `call`: as [`pay_verdict`], and a "paid" whose `pay_time` is before the
/// attempt began is another sale's under a number issued twice (the platform answered "duplicate"):
/// not this customer's payment (issue 16).
pub fn query_verdict(answer: &Answer, call: &QueryCall) -> Verdict {
    let verdict = pay_verdict(answer, call.amount, &call.out_trade_no, true);
    let paid_at = answer.attr("pay_time").and_then(parse_beijing_time);
    match paid_at {
        Some(secs) if matches!(verdict, Verdict::Paid { .. }) && call.predates_attempt(Millis(secs * 1000)) => {
            call.earlier_sale()
        }
        _ => verdict,
    }
}

pub fn parse_beijing_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok()).flatten()
    };
    let (y, mo, d, h, mi, s) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match mo {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=12).contains(&mo) || !(1..=month_days).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - BEIJING_OFFSET_SECS)
}

#[cfg(test)]
mod tests;
