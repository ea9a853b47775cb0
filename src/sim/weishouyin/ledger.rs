//! The simulated platform's books and rules: who is charged, what each interface answers.
//! No sockets here; [`super`] moves the bytes and applies faults.

use super::answers::{self, DECLARATION, RefundSlip, element, text_element, wallet_name};
use super::{Scenario, SimConfig};
use crate::core::code::{Platform, payment_platform};
use crate::core::money::Fen;
use crate::payments::weishouyin::amount::{parse_amount, yuan};
use crate::payments::weishouyin::proto::{self, ERR_DEVICE, ERR_DUPLICATE, ERR_NOT_FOUND, SIGN_ERROR, beijing_time};
use crate::payments::weishouyin::sign;

/// Where a bill stands on the simulated platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimBillState {
    /// Waiting for the customer's password (status −1).
    UserPaying,
    /// Charged. A paid bill stays paid; refunds are movements on it.
    Paid,
    /// Declined by the wallet; never charged.
    Declined,
}

/// One bill in the simulator's ledger, as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimBill {
    /// The till's order number (`no`), empty if none was sent.
    pub no: String,
    pub dm_id: String,
    pub authcode: String,
    pub platform: Platform,
    pub total: Fen,
    pub refunded: Fen,
    pub state: SimBillState,
    /// How many times the customer's money moved in: never above 1.
    pub charges: u32,
    pub micropay_calls: u32,
    pub query_calls: u32,
}

/// An HTTP answer and how long the platform "thinks" before sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub status: u16,
    pub reason: &'static str,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub delay_ms: u64,
}

pub const XML: &str = "text/xml; charset=utf-8";

impl Plan {
    pub fn xml(body: String) -> Plan {
        Plan {
            status: 200,
            reason: "OK",
            content_type: XML,
            body: format!("{DECLARATION}{body}").into_bytes(),
            delay_ms: 0,
        }
    }

    pub fn raw(status: u16, reason: &'static str, content_type: &'static str, body: &[u8]) -> Plan {
        Plan { status, reason, content_type, body: body.to_vec(), delay_ms: 0 }
    }
}

/// The answer to a request whose signature does not verify.
pub fn sign_error(root: &str) -> String {
    element(root, &[("ok", "0"), ("info", SIGN_ERROR)], "")
}

const DECLINE_REASON: &str = "余额不足 / insufficient balance";
const OPERATOR: &str = "01";

struct Movement {
    amount: Fen,
    time: i64,
    pay_id: String,
}

struct Entry {
    bill: SimBill,
    number: u64,
    info: String,
    operator_id: String,
    polls_left: u32,
    pay_id: String,
    open_time: i64,
    pay_time: i64,
    movements: Vec<Movement>,
    last_refund_secs: i64,
}

/// The simulator's books.
pub struct Ledger {
    cfg: SimConfig,
    server: String,
    entries: Vec<Entry>,
    next_number: u64,
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn refuse(root: &str, err: Option<&str>, info: &str) -> Plan {
    let mut attrs = vec![("ok", "0")];
    if let Some(err) = err {
        attrs.push(("err", err));
    }
    attrs.push(("info", info));
    Plan::xml(element(root, &attrs, ""))
}

impl Ledger {
    /// `server` is what config.php announces as `{server}` (the simulator's own address by default).
    pub fn new(cfg: SimConfig, server: String) -> Ledger {
        let server = cfg.server.clone().unwrap_or(server);
        Ledger { cfg, server, entries: Vec::new(), next_number: 2_034_085_636 }
    }

    pub fn bills(&self) -> Vec<SimBill> {
        self.entries.iter().map(|e| e.bill.clone()).collect()
    }

    pub fn charge_count(&self, no: &str) -> u32 {
        self.entries.iter().filter(|e| e.bill.no == no).map(|e| e.bill.charges).sum()
    }

    pub(crate) fn now_secs(&self) -> i64 {
        (self.cfg.clock)().div_euclid(1000)
    }

    /// Device and signature checks shared by every signed interface; `Err` is the refusal to send.
    fn authentic(&self, root: &str, params: &[(String, String)]) -> Result<(), Plan> {
        if param(params, "device_id") != Some(self.cfg.device_id.as_str()) {
            return Err(refuse(root, Some(ERR_DEVICE), "设备不存在，请重新激活 / unknown device"));
        }
        let given = param(params, "sign").unwrap_or_default();
        if !sign::verify(params, &self.cfg.key, given) {
            return Err(Plan::xml(sign_error(root)));
        }
        Ok(())
    }

    pub fn activate(&self, params: &[(String, String)]) -> Plan {
        // The same code may be used again: re-activating a replaced device gives the same credentials.
        if param(params, "code") != Some(self.cfg.activation_code.as_str()) {
            return refuse("device", None, "激活码无效 / invalid activation code");
        }
        Plan::xml(element("device", &[("ok", "1"), ("device_id", &self.cfg.device_id), ("key", &self.cfg.key)], ""))
    }

    pub fn config(&self, params: &[(String, String)]) -> Plan {
        if let Err(plan) = self.authentic("config", params) {
            return plan;
        }
        Plan::xml(element(
            "config",
            &[
                ("ok", "1"),
                ("server", &self.server),
                ("company", &self.cfg.company),
                ("device_id", &self.cfg.device_id),
                ("device_name", "001"),
                ("wxpay", "1"),
                ("alipay", "1"),
            ],
            "",
        ))
    }

    pub fn time(&self, params: &[(String, String)]) -> Plan {
        if let Err(plan) = self.authentic("time", params) {
            return plan;
        }
        let now = self.now_secs();
        Plan::xml(element("time", &[("ok", "1"), ("now", &beijing_time(now)), ("unix", &now.to_string())], ""))
    }

    /// `op.php`: every action signed.
    pub fn op(&mut self, params: &[(String, String)]) -> Plan {
        if let Err(plan) = self.authentic("dm", params) {
            return plan;
        }
        match param(params, "action").unwrap_or_default() {
            "micropay" => self.micropay(params),
            "query" | "query_timeout" => self.query(params),
            "read" => self.read(params),
            "refund" => self.refund(params),
            _ => refuse("dm", None, "action error"),
        }
    }

    fn micropay(&mut self, params: &[(String, String)]) -> Plan {
        let authcode = param(params, "authcode").unwrap_or_default();
        let no = param(params, "no").unwrap_or_default();
        let Some(total) = param(params, "total").and_then(parse_amount).filter(|t| t.0 > 0) else {
            return refuse("dm", None, "参数错误: total");
        };
        let dic_ok =
            param(params, "dic_amount").is_none_or(|d| parse_amount(d).is_some_and(|d| d.0 >= 0 && d <= total));
        if !dic_ok {
            return refuse("dm", None, "参数错误: dic_amount");
        }
        let platform = match param(params, "paytype") {
            Some("wxpay") => Platform::WeChat,
            Some("alipay") => Platform::Alipay,
            _ => return refuse("dm", None, "参数错误: paytype"),
        };
        if payment_platform(authcode) != Some(platform) {
            return refuse("dm", None, "付款码无效或与支付方式不符 / payment code does not match paytype");
        }
        if !no.is_empty()
            && let Some(i) = self.entries.iter().position(|e| e.bill.no == no)
        {
            let entry = &mut self.entries[i];
            entry.bill.micropay_calls += 1;
            if entry.bill.total != total || entry.bill.authcode != authcode {
                let first = yuan(entry.bill.total);
                let attrs = [
                    ("ok", "0"),
                    ("err", ERR_DUPLICATE),
                    ("info", "订单号重复 / duplicate order"),
                    ("no", no),
                    ("total", &first),
                ];
                return Plan::xml(element("dm", &attrs, ""));
            }
            // The same request again: the bill as it stands, nothing charged.
            return Plan::xml(self.pay_answer(i, true));
        }
        let scenario = Scenario::of(authcode);
        let state = match scenario {
            Scenario::SlowNotCharged => {
                return Plan {
                    delay_ms: self.cfg.slow_ms,
                    ..Plan::raw(
                        504,
                        "Gateway Timeout",
                        "text/html",
                        b"<html><body><h1>504 Gateway Time-out</h1></body></html>",
                    )
                };
            }
            Scenario::BadGateway => {
                return Plan::raw(502, "Bad Gateway", "text/html", b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>");
            }
            Scenario::PasswordNeeded => SimBillState::UserPaying,
            Scenario::Declined => SimBillState::Declined,
            _ => SimBillState::Paid,
        };
        let now = self.now_secs();
        let number = self.next_number;
        self.next_number += 1;
        self.entries.push(Entry {
            bill: SimBill {
                no: no.to_string(),
                dm_id: format!("dm{number:010}"),
                authcode: authcode.to_string(),
                platform,
                total,
                refunded: Fen::ZERO,
                state,
                charges: 0,
                micropay_calls: 1,
                query_calls: 0,
            },
            number,
            info: param(params, "info").unwrap_or_default().to_string(),
            operator_id: param(params, "operator_id").unwrap_or(OPERATOR).to_string(),
            polls_left: self.cfg.user_paying_polls,
            pay_id: String::new(),
            open_time: now,
            pay_time: 0,
            movements: Vec::new(),
            last_refund_secs: 0,
        });
        let i = self.entries.len() - 1;
        if state == SimBillState::Paid {
            self.charge(i);
        }
        let answer = self.pay_answer(i, true);
        match scenario {
            Scenario::SlowCharged => Plan { delay_ms: self.cfg.slow_ms, ..Plan::xml(answer) },
            // Charged, yet the answer claims the signature was refused: "failed" must not be trusted.
            Scenario::BadSignature => Plan::xml(sign_error("dm")),
            Scenario::Busy => {
                let attrs = [("ok", "2"), ("info", "系统繁忙，请稍后查询 / busy, query later"), ("no", no)];
                Plan::xml(element("dm", &attrs, ""))
            }
            _ => Plan::xml(answer),
        }
    }

    /// The one and only charge of bill `i`.
    fn charge(&mut self, i: usize) {
        let now = self.now_secs();
        let Some(e) = self.entries.get_mut(i) else { return };
        e.bill.state = SimBillState::Paid;
        e.bill.charges += 1;
        e.pay_time = now;
        e.pay_id = match e.bill.platform {
            Platform::WeChat => format!("42000000{:020}", e.number),
            Platform::Alipay => format!("20180422220014{:014}", e.number),
        };
        e.movements.push(Movement { amount: e.bill.total, time: now, pay_id: e.pay_id.clone() });
    }

    fn find(&self, params: &[(String, String)]) -> Option<usize> {
        if let Some(dm_id) = param(params, "dm_id") {
            return self.entries.iter().position(|e| e.bill.dm_id == dm_id);
        }
        let no = param(params, "no").filter(|no| !no.is_empty())?;
        self.entries.iter().position(|e| e.bill.no == no)
    }

    fn not_found(params: &[(String, String)]) -> Plan {
        let no = param(params, "no").unwrap_or_default();
        Plan::xml(element(
            "dm",
            &[("ok", "0"), ("err", ERR_NOT_FOUND), ("info", "订单不存在 / no such order"), ("no", no)],
            "",
        ))
    }

    fn query(&mut self, params: &[(String, String)]) -> Plan {
        let Some(i) = self.find(params) else { return Self::not_found(params) };
        let entry = &mut self.entries[i];
        entry.bill.query_calls += 1;
        if entry.bill.state == SimBillState::UserPaying {
            if entry.polls_left > 0 {
                entry.polls_left -= 1;
            } else {
                // The customer typed the password.
                self.charge(i);
            }
        }
        Plan::xml(self.pay_answer(i, false))
    }

    /// A micropay / query answer for bill `i`; `full` adds the paylist, receipt and popup.
    fn pay_answer(&self, i: usize, full: bool) -> String {
        let Some(e) = self.entries.get(i) else {
            return element("dm", &[("ok", "2"), ("info", "ledger lost the bill")], "");
        };
        let b = &e.bill;
        let total = yuan(b.total);
        match b.state {
            SimBillState::UserPaying => {
                let attrs = [
                    ("ok", "-1"),
                    ("total", total.as_str()),
                    ("dm_id", &b.dm_id),
                    ("no", &b.no),
                    ("info", "需要用户输入支付密码"),
                ];
                element("dm", &attrs, "")
            }
            SimBillState::Declined => element(
                "dm",
                &[("ok", "0"), ("total", &total), ("dm_id", &b.dm_id), ("no", &b.no), ("info", DECLINE_REASON)],
                "",
            ),
            SimBillState::Paid => {
                let code = proto::pay_type_code(b.platform).to_string();
                let pay_time = beijing_time(e.pay_time);
                let openid = format!("sim-openid-{}", &b.authcode[b.authcode.len().saturating_sub(4)..]);
                let attrs = [
                    ("ok", "1"),
                    ("total", total.as_str()),
                    ("pay_type", &code),
                    ("pay_time", &pay_time),
                    ("info", "支付成功"),
                    ("dm_id", &b.dm_id),
                    ("remark", &e.pay_id),
                    ("openid", &openid),
                    ("pay_id", &e.pay_id),
                    ("no", &b.no),
                ];
                let children = if full {
                    let receipt = answers::payment_receipt(b.platform, &e.number.to_string(), e.pay_time, b.total);
                    let pay = [
                        text_element("id", &e.number.to_string()),
                        text_element("device_id", &self.cfg.device_id),
                        text_element("no", &b.no),
                        text_element("tabno", ""),
                        text_element("company", &self.cfg.company),
                        text_element("opentime", &beijing_time(e.open_time)),
                        text_element("paymode", wallet_name(b.platform)),
                        text_element("user", ""),
                        text_element("total_fee", &b.total.0.to_string()),
                        text_element("time", &pay_time),
                        text_element("printinfo", &receipt),
                    ]
                    .concat();
                    let lines = [e.info.clone(), format!("订单号: {}", b.dm_id), format!("时间: {pay_time}")];
                    format!(
                        "{}<paylist><pay>{pay}</pay></paylist>{}",
                        text_element("ok", "1"),
                        answers::canvas(b.platform, &lines, &format!("实收金额: {total}"))
                    )
                } else {
                    String::new()
                };
                element("dm", &attrs, &children)
            }
        }
    }

    fn read(&self, params: &[(String, String)]) -> Plan {
        let Some(i) = self.find(params) else { return Self::not_found(params) };
        let e = &self.entries[i];
        let b = &e.bill;
        if b.state != SimBillState::Paid {
            return Plan::xml(self.pay_answer(i, false).replacen(
                "<dm ",
                &format!("<dm pay_type=\"{}\" ", proto::pay_type_code(b.platform)),
                1,
            ));
        }
        let code = proto::pay_type_code(b.platform).to_string();
        let name = wallet_name(b.platform);
        let pay_total = yuan(b.total);
        let pay_time = beijing_time(e.pay_time);
        let refund_total = yuan(Fen(-b.refunded.0));
        let mut attrs = vec![
            ("ok", "1"),
            ("dm_id", b.dm_id.as_str()),
            ("pay_type", name),
            ("pay_total", &pay_total),
            ("pay_time", &pay_time),
            ("no", &b.no),
        ];
        if !b.refunded.is_zero() {
            attrs.push(("refund_total", &refund_total));
        }
        let children: String = e
            .movements
            .iter()
            .map(|m| {
                let (amount, time) = (yuan(m.amount), beijing_time(m.time));
                element(
                    "pay",
                    &[
                        ("pay_type", &code),
                        ("pay_name", name),
                        ("pay_total", &amount),
                        ("pay_time", &time),
                        ("pay_id", &m.pay_id),
                    ],
                    "",
                )
            })
            .collect();
        Plan::xml(element("dm", &attrs, &children))
    }

    fn refund(&mut self, params: &[(String, String)]) -> Plan {
        let Some(amount) = param(params, "refund").and_then(parse_amount).filter(|a| a.0 > 0) else {
            return refuse("dm", None, "参数错误: refund");
        };
        let Some(i) = param(params, "dm_id").and_then(|_| self.find(params)) else { return Self::not_found(params) };
        let now = self.now_secs();
        let e = &mut self.entries[i];
        if e.bill.state != SimBillState::Paid {
            return refuse("dm", None, "订单未支付 / bill not paid");
        }
        if e.bill.refunded.0 + amount.0 > e.bill.total.0 {
            return refuse("dm", None, "exceeds refundable / 超出可退金额");
        }
        // Record ids are dm_id + unix seconds; two refunds within one second take the next second.
        let secs = now.max(e.last_refund_secs + 1);
        e.last_refund_secs = secs;
        e.bill.refunded = e.bill.refunded + amount;
        e.movements.push(Movement { amount: Fen(-amount.0), time: now, pay_id: format!("{}{secs}", e.bill.dm_id) });
        let e = &self.entries[i];
        let b = &e.bill;
        let code = proto::pay_type_code(b.platform).to_string();
        let refund_time = beijing_time(now);
        let total = yuan(Fen(-amount.0));
        let receipt = answers::refund_receipt(&RefundSlip {
            company: &self.cfg.company,
            dm_id: &b.dm_id,
            operator_id: &e.operator_id,
            device_id: &self.cfg.device_id,
            pay_id: &e.pay_id,
            pay_time: e.pay_time,
            total: b.total,
            refund_time: now,
            refund: amount,
        });
        let pay = [
            text_element("id", &e.number.to_string()),
            text_element("device_id", &self.cfg.device_id),
            text_element("no", &b.no),
            text_element("tabno", ""),
            text_element("company", &self.cfg.company),
            text_element("opentime", &beijing_time(e.open_time)),
            text_element("paymode", wallet_name(b.platform)),
            text_element("user", ""),
            text_element("total_fee", &b.total.0.to_string()),
            text_element("time", &beijing_time(e.pay_time)),
            text_element("printinfo", &receipt),
        ]
        .concat();
        let lines = [
            format!("单号: {}", b.dm_id),
            format!("支付时间: {}", beijing_time(e.pay_time)),
            format!("退款时间: {refund_time}"),
        ];
        let children = format!(
            "{}<paylist><pay>{pay}</pay></paylist>{}",
            text_element("ok", "1"),
            answers::canvas(b.platform, &lines, &format!("退款金额: {total}"))
        );
        let attrs = [
            ("ok", "1"),
            ("info", "退款成功"),
            ("dm_id", b.dm_id.as_str()),
            ("pay_type", &code),
            ("pay_time", &refund_time),
            ("total", &total),
            ("pay_id", &e.pay_id),
            ("no", &b.no),
            ("type_id", "2"),
        ];
        Plan::xml(element("dm", &attrs, &children))
    }

    /// `pay_printinfo.php?reprint&dm_id=<digits>&custom_series`: the payment receipt as raw text;
    /// an unknown bill gives the empty record the reference shows (1970-01-01 08:00:00, ¥0.00).
    pub fn reprint(&self, params: &[(String, String)]) -> Plan {
        let digits = param(params, "dm_id").unwrap_or_default();
        let found = self.entries.iter().find(|e| e.number.to_string() == digits && e.bill.state == SimBillState::Paid);
        let text = match found {
            Some(e) => answers::payment_receipt(e.bill.platform, digits, e.pay_time, e.bill.total),
            None => answers::payment_receipt(Platform::WeChat, digits, 0, Fen::ZERO),
        };
        Plan::raw(200, "OK", "text/plain; charset=utf-8", text.as_bytes())
    }
}

#[cfg(test)]
mod tests;
