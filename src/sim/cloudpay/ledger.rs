//! The simulated platform's books and rules: who is charged, what each interface answers.
//! No sockets here; [`super`] moves the bytes and applies faults. Time is the simulator's clock
//! (`SimConfig::clock`), so tests can jump over the 15 s / 45 s / 5 min rules.

pub mod detail;
pub mod qr;
mod refunds;
pub mod setup;

pub use qr::QrWait;
pub use refunds::{SimRefund, SimRefundState};

use super::{Scenario, SimConfig};
use crate::core::code::{Platform, payment_platform};
use crate::payments::cloudpay::proto::{
    self, FEE_TYPE, INTERNAL_DUPLICATE_ORDER, INTERNAL_ORDER_NOT_FOUND, MicroPayRequest, OrderAnswer, OrderContent,
    PayMchKey, QueryOrderRequest, ResponseContent, TRADE_TYPE_MICRO_PAY, TradeStateExt,
};
use crate::payments::cloudpay::sign;

/// Where an order stands on the simulated platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimOrderState {
    /// Waiting for the customer's password (WeChat 9 USERPAYING / Alipay 4 WAIT_BUYER_PAY).
    UserPaying,
    /// Charged (WeChat 2 / Alipay 2). A paid order stays paid.
    Paid,
    /// Declined by the wallet (WeChat 10 PAYERROR / Alipay 5 TRADE_CLOSED); never charged.
    Declined,
    /// WeChat closed it: the customer did not pay within [`AUTO_CLOSE_MS`] (WeChat 5 NOTPAY).
    Closed,
    /// Reversed (撤单) by the till (WeChat 8 REVOKED / Alipay 5 TRADE_CLOSED); if it was paid, the
    /// money went back (`SimOrder::reversed`).
    Reversed,
}

/// WeChat refuses to reverse a micro_pay younger than this (status 104).
pub const REVERSE_MIN_AGE_MS: i64 = 15_000;
/// WeChat closes a micro_pay still waiting for the password this long after its creation.
pub const AUTO_CLOSE_MS: i64 = 45_000;

/// One order in the simulator's ledger, as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimOrder {
    pub out_trade_no: String,
    pub author_code: String,
    pub total_fee: i64,
    pub state: SimOrderState,
    pub charged: bool,
    pub micro_pay_calls: u32,
    pub query_calls: u32,
    /// A reverse gave the whole charge back (`charged` stays true: it did happen).
    pub reversed: bool,
    /// Sum of the refunds taken (processing or done), fen.
    pub refunded_fee: i64,
    pub refunds: Vec<SimRefund>,
}

impl SimOrder {
    /// What the customer is out of pocket now: the charge minus refunds, nothing after a reverse.
    pub fn kept_fee(&self) -> i64 {
        if !self.charged || self.reversed { 0 } else { self.total_fee - self.refunded_fee }
    }
}

fn qr_trade_type() -> u32 {
    crate::payments::cloudpay::qr::TRADE_TYPE_SCAN_CODE
}

/// What to send back, before faults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `response_content` sent with a correct `authen_info` (or a wrong one if a fault says so).
    Signed(String),
    /// `response_content` without `authen_info`, as the platform does for status 3 and 101.
    Unsigned(String),
    /// A non-Cloud-Pay HTTP answer, e.g. a proxy's 502 page.
    Raw { status: u16, reason: &'static str, content_type: &'static str, body: Vec<u8> },
}

/// A reply and how long the platform "thinks" before sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub reply: Reply,
    pub delay_ms: u64,
    /// Sign with the wrong key (scenario `…0005`).
    pub bad_signature: bool,
}

impl Plan {
    pub fn now(reply: Reply) -> Plan {
        Plan { reply, delay_ms: 0, bad_signature: false }
    }
}

const DECLINE_REASON: &str = "余额不足 / insufficient balance";

struct Entry {
    order: SimOrder,
    platform: Platform,
    pay_mch_key: PayMchKey,
    body: String,
    /// How many times the customer's money moved: the assertion behind "never charge twice".
    charges: u32,
    polls_left: u32,
    transaction_id: String,
    /// The terminal that created the order: only it may reverse (reference §6 rule 7).
    device_id: String,
    create_ms: i64,
    create_time: i64,
    update_time: i64,
    /// A QR order (`trade_type` 2): its QR and the customer's plan.
    qr: Option<QrWait>,
}

/// The simulator's books.
pub struct Ledger {
    cfg: SimConfig,
    entries: Vec<Entry>,
    next_log_id: u64,
    next_transaction: u64,
    next_refund: u64,
    setup_codes: Vec<setup::SetupCode>,
}

fn content(status: i64, description: &str, log_id: u64, internal_status: i64) -> ResponseContent {
    ResponseContent { status, description: description.into(), log_id, internal_status, ..Default::default() }
}

fn to_json(value: &ResponseContent) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl Ledger {
    pub fn new(cfg: SimConfig) -> Ledger {
        Ledger {
            cfg,
            entries: Vec::new(),
            next_log_id: 18_654_852,
            next_transaction: 1,
            next_refund: 1,
            setup_codes: Vec::new(),
        }
    }

    /// The simulator's clock, unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        (self.cfg.clock)()
    }

    fn unix_now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    fn find(&self, out_trade_no: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.order.out_trade_no == out_trade_no)
    }

    /// Applies what time does to order `i`: WeChat closes an unpaid password wait after 45 s.
    fn settle(&mut self, i: usize) {
        if self.entries.get(i).is_some_and(|e| e.qr.is_some()) {
            return self.settle_qr(i);
        }
        let now = self.now_ms();
        let now_secs = self.unix_now();
        if let Some(e) = self.entries.get_mut(i) {
            let waiting = e.order.state == SimOrderState::UserPaying;
            if waiting && e.platform == Platform::WeChat && now - e.create_ms >= AUTO_CLOSE_MS {
                e.order.state = SimOrderState::Closed;
                e.update_time = now_secs;
            }
        }
    }

    /// Whether `pay_platform` (0 = omitted, as the SDK does) names the order's wallet.
    fn same_wallet(e: &Entry, pay_platform: u32) -> bool {
        pay_platform == 0 || pay_platform == proto::platform_numbers(e.platform).0
    }

    pub fn orders(&self) -> Vec<SimOrder> {
        self.entries.iter().map(|e| e.order.clone()).collect()
    }

    pub fn charge_count(&self, out_trade_no: &str) -> u32 {
        self.entries.iter().find(|e| e.order.out_trade_no == out_trade_no).map_or(0, |e| e.charges)
    }

    fn log_id(&mut self) -> u64 {
        self.next_log_id += 1;
        self.next_log_id
    }

    /// Status 101 without authen_info: the request itself is refused (reference §7.3).
    fn refuse(&mut self, description: &str) -> Plan {
        let log_id = self.log_id();
        Plan::now(Reply::Unsigned(to_json(&content(101, description, log_id, 0))))
    }

    fn signed(&mut self, status: i64, description: &str, internal_status: i64) -> Plan {
        let log_id = self.log_id();
        Plan::now(Reply::Signed(to_json(&content(status, description, log_id, internal_status))))
    }

    /// Checks the envelope's HMAC (upper or lower hex, like the client: open question 10) and the merchant.
    fn open<T: serde::de::DeserializeOwned>(&mut self, body: &[u8]) -> Result<T, Plan> {
        let Ok(envelope) = sign::open_request(body) else {
            return Err(self.refuse("request is not a Cloud Pay envelope"));
        };
        let authentic = envelope
            .authen_code()
            .is_some_and(|code| sign::verify(&self.cfg.authen_key, &envelope.request_content, code));
        if !authentic {
            return Err(self.refuse("authen code check fail"));
        }
        serde_json::from_str(&envelope.request_content).map_err(|_| self.refuse("invalid request_content"))
    }

    fn known_merchant(&self, key: &PayMchKey) -> bool {
        key.out_mch_id == self.cfg.out_mch_id
            && key.out_sub_mch_id == self.cfg.out_sub_mch_id
            && key.out_shop_id == self.cfg.out_shop_id
    }

    pub fn micro_pay(&mut self, body: &[u8]) -> Plan {
        let request: MicroPayRequest = match self.open(body) {
            Ok(r) => r,
            Err(plan) => return plan,
        };
        if !self.known_merchant(&request.pay_mch_key) {
            return self.refuse("unknown merchant or shop");
        }
        let pay = &request.pay_content;
        let platform = payment_platform(&pay.author_code);
        let (expected_platform, _) = platform.map(proto::platform_numbers).unwrap_or_default();
        if pay.total_fee <= 0 || pay.fee_type != FEE_TYPE {
            return self.signed(104, "total_fee must be a positive amount of CNY fen", 0);
        }
        if !pay.out_trade_no.starts_with(&self.cfg.order_prefix) {
            return self.signed(104, "out_trade_no must start with the order prefix (cloud_cashier_id)", 0);
        }
        let Some(platform) = platform.filter(|_| expected_platform == request.pay_mch_key.pay_platform) else {
            return self.signed(104, "付款码无效 / payment code does not match pay_platform", 0);
        };
        if let Some(i) = self.find(&pay.out_trade_no) {
            self.settle(i);
            let entry = &mut self.entries[i];
            entry.order.micro_pay_calls += 1;
            if entry.order.total_fee != pay.total_fee || entry.order.author_code != pay.author_code {
                // Cloud Pay's anti-re-entry: the number is taken; the first order is untouched.
                return self.signed(102, "订单号重复 / out_trade_no already used", INTERNAL_DUPLICATE_ORDER);
            }
            // The same request again: answer the order as it stands, charge nothing.
            return Plan::now(Reply::Signed(self.order_answer(i, true)));
        }
        let scenario = Scenario::of(&pay.author_code);
        let (state, created) = match scenario {
            Scenario::SlowNotCharged | Scenario::BadGateway => (SimOrderState::Declined, false),
            Scenario::PasswordNeeded => (SimOrderState::UserPaying, true),
            Scenario::Declined => (SimOrderState::Declined, true),
            _ => (SimOrderState::Paid, true),
        };
        if created {
            let now = self.unix_now();
            let create_ms = self.now_ms();
            let paid = state == SimOrderState::Paid;
            self.entries.push(Entry {
                order: SimOrder {
                    out_trade_no: pay.out_trade_no.clone(),
                    author_code: pay.author_code.clone(),
                    total_fee: pay.total_fee,
                    state,
                    charged: paid,
                    micro_pay_calls: 1,
                    query_calls: 0,
                    reversed: false,
                    refunded_fee: 0,
                    refunds: Vec::new(),
                },
                platform,
                pay_mch_key: request.pay_mch_key.clone(),
                body: pay.body.clone(),
                charges: u32::from(paid),
                polls_left: self.cfg.user_paying_polls,
                transaction_id: String::new(),
                device_id: request.order_client.device_id.clone(),
                create_ms,
                create_time: now,
                update_time: now,
                qr: None,
            });
            if paid {
                self.assign_transaction(self.entries.len() - 1);
            }
        }
        let last = self.entries.len().saturating_sub(1);
        match scenario {
            Scenario::BadGateway => Plan::now(Reply::Raw {
                status: 502,
                reason: "Bad Gateway",
                content_type: "text/html",
                body: b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>".to_vec(),
            }),
            Scenario::SlowNotCharged => {
                let log_id = self.log_id();
                let answer = to_json(&content(3, "系统超时 / timed out, result unknown", log_id, 0));
                Plan { delay_ms: self.cfg.slow_ms, ..Plan::now(Reply::Unsigned(answer)) }
            }
            Scenario::Busy => self.signed(103, "系统繁忙，请稍后查询订单", 0),
            Scenario::SlowCharged => Plan { delay_ms: self.cfg.slow_ms, ..Plan::now(Reply::Signed(self.order_answer(last, true))) },
            Scenario::BadSignature => Plan { bad_signature: true, ..Plan::now(Reply::Signed(self.order_answer(last, true))) },
            _ => Plan::now(Reply::Signed(self.order_answer(last, true))),
        }
    }

    pub fn query_order(&mut self, body: &[u8]) -> Plan {
        let request: QueryOrderRequest = match self.open(body) {
            Ok(r) => r,
            Err(plan) => return plan,
        };
        if !self.known_merchant(&request.pay_mch_key) {
            return self.refuse("unknown merchant or shop");
        }
        // Another wallet's pay_platform does not find the order (the client's lookup without a known
        // wallet tries WeChat, then Alipay).
        let found = self.find(&request.out_trade_no);
        let kind = |e: &Entry| if e.qr.is_some() { qr_trade_type() } else { TRADE_TYPE_MICRO_PAY };
        let same_kind = |e: &Entry| request.trade_type.is_none_or(|t| t == kind(e));
        let found = found.filter(|&i| same_kind(&self.entries[i]));
        let Some(i) = found.filter(|&i| Self::same_wallet(&self.entries[i], request.pay_mch_key.pay_platform)) else {
            // Open question 9: the platform's "no such order" is undocumented; this is the simulator's
            // (and the client's) choice, see proto::INTERNAL_ORDER_NOT_FOUND.
            return self.signed(104, "订单不存在 / order does not exist", INTERNAL_ORDER_NOT_FOUND);
        };
        self.settle(i);
        let now = self.unix_now();
        let entry = &mut self.entries[i];
        entry.order.query_calls += 1;
        if entry.order.state == SimOrderState::UserPaying && entry.qr.is_none() {
            if entry.polls_left > 0 {
                entry.polls_left -= 1;
            } else {
                // The customer typed the password: the one and only charge.
                entry.order.state = SimOrderState::Paid;
                entry.order.charged = true;
                entry.charges += 1;
                entry.update_time = now;
                self.assign_transaction(i);
            }
        }
        Plan::now(Reply::Signed(self.order_answer(i, false)))
    }

    fn assign_transaction(&mut self, i: usize) {
        let n = self.next_transaction;
        self.next_transaction += 1;
        if let Some(e) = self.entries.get_mut(i) {
            e.transaction_id = match e.platform {
                Platform::WeChat => format!("42000000{n:020}"),
                Platform::Alipay => format!("20250301220014{n:014}"),
            };
        }
    }

    /// The order as query_order / micro_pay / client_order_detail show it.
    fn order_content(&self, e: &Entry) -> OrderContent {
        let fully_refunded = e.order.refunded_fee >= e.order.total_fee;
        let refunded = !e.order.refunds.is_empty();
        let alipay_refunded = self.cfg.alipay_refunded_state;
        let unseen = qr::unseen(e, self.now_ms());
        let (wx_state, ali_state) = match e.order.state {
            _ if unseen => (6, 7),
            state if e.qr.is_some() => qr::qr_states(state, refunded, fully_refunded, alipay_refunded),
            SimOrderState::UserPaying => (9, 4),
            // WeChat shows 4 after any refund; Alipay stays 2 until fully refunded (reference §6 rule 6).
            SimOrderState::Paid if e.order.refunds.is_empty() => (2, 2),
            SimOrderState::Paid if fully_refunded => (4, self.cfg.alipay_refunded_state),
            SimOrderState::Paid => (4, 2),
            SimOrderState::Declined => (10, 5),
            SimOrderState::Closed => (5, 5),
            SimOrderState::Reversed => (8, 5),
        };
        let (wx, ali) = match e.platform {
            Platform::WeChat => {
                let desc = match e.order.state {
                    SimOrderState::UserPaying => Some("需要用户输入支付密码".to_string()),
                    SimOrderState::Declined => Some(DECLINE_REASON.to_string()),
                    SimOrderState::Closed => Some("用户未支付，订单已关闭 / not paid in time, closed".to_string()),
                    SimOrderState::Reversed => Some("已撤销 / reversed".to_string()),
                    SimOrderState::Paid => None,
                };
                (Some(TradeStateExt { current_trade_state: wx_state, trade_state_desc: desc }), None)
            }
            Platform::Alipay => (None, Some(TradeStateExt { current_trade_state: ali_state, trade_state_desc: None })),
        };
        let charged = e.order.charged;
        OrderContent {
            out_trade_no: e.order.out_trade_no.clone(),
            transaction_id: charged.then(|| e.transaction_id.clone()),
            trade_type: if e.qr.is_some() { qr_trade_type() } else { TRADE_TYPE_MICRO_PAY },
            author_code: e.qr.is_none().then(|| e.order.author_code.clone()),
            time_end: charged.then_some(e.update_time),
            nonce_str: crate::payments::cloudpay::client::nonce().unwrap_or_default(),
            create_time: e.create_time,
            last_update_time: e.update_time,
            is_transforming: false,
            total_fee: e.order.total_fee,
            fee_type: FEE_TYPE.into(),
            refunded_fee: None,
            body: Some(e.body.clone()),
            wxpay_order_content_ext: wx,
            alipay_order_content_ext: ali,
        }
    }

    /// A status-0 answer carrying the order, under the `micro_pay` or `query_order` key.
    fn order_answer(&mut self, i: usize, for_micro_pay: bool) -> String {
        let log_id = self.log_id();
        let Some(e) = self.entries.get(i) else { return to_json(&content(3, "ledger lost the order", log_id, 0)) };
        let object = OrderAnswer {
            pay_mch_key: Some(e.pay_mch_key.clone()),
            order_content: Some(self.order_content(e)),
            nonce_str: crate::payments::cloudpay::client::nonce().unwrap_or_default(),
        };
        // Alipay's extension has no text field, so a decline's reason travels in `description`.
        let description = if e.order.state == SimOrderState::Declined { DECLINE_REASON } else { "" };
        let mut answer = content(0, description, log_id, 0);
        if for_micro_pay {
            answer.micro_pay = Some(object);
        } else {
            answer.query_order = Some(object);
        }
        to_json(&answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::PayCall;
    use crate::core::money::Fen;
    use crate::payments::cloudpay::CloudPayConfig;

    fn request(out_trade_no: &str, code: &str, platform: Platform) -> (String, String) {
        let cfg = CloudPayConfig::demo("http://sim");
        let call = PayCall {
            order_id: 1,
            out_trade_no: out_trade_no.into(),
            platform,
            code: code.into(),
            amount: Fen(2),
            body: "b".into(),
            items: vec![],
            staff_id: None,
        };
        let content = proto::micro_pay_content(&cfg, &call, "00");
        (content.clone(), sign::authen_code(&cfg.authen_key, &content))
    }

    fn sealed(content: &str, code: &str) -> Vec<u8> {
        serde_json::json!({"request_content": content, "authen_info": {"a": {"authen_type": 1, "authen_code": code}}})
            .to_string()
            .into_bytes()
    }

    fn status(plan: &Plan) -> (i64, bool) {
        let (content, signed) = match &plan.reply {
            Reply::Signed(c) => (c, true),
            Reply::Unsigned(c) => (c, false),
            Reply::Raw { .. } => return (-1, false),
        };
        (serde_json::from_str::<ResponseContent>(content).map_or(-2, |r| r.status), signed)
    }

    #[test]
    fn refuses_foreign_numbers_and_codes_of_the_other_wallet_without_charging() {
        let mut ledger = Ledger::new(SimConfig::default());
        let (c, code) = request("99990052001", "134680423163084321", Platform::WeChat);
        assert_eq!(status(&ledger.micro_pay(&sealed(&c, &code))), (104, true), "order prefix");
        let (c, code) = request("01000052001", "134680423163084321", Platform::Alipay);
        assert_eq!(status(&ledger.micro_pay(&sealed(&c, &code))), (104, true), "WeChat code sent as Alipay");
        assert!(ledger.orders().is_empty());
    }

    /// Integral numbers as Tencent's Java device SDK writes them (`1250.0`): JSON allows it and the
    /// platform takes it (issue 16, defect 7), so the simulator must too; a fraction is no amount of fen.
    fn as_sdk_writes_it(content: &str) -> String {
        let mut v: serde_json::Value = serde_json::from_str(content).expect("json");
        fn floats(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Number(n) => {
                    if let Some(i) = n.as_i64() {
                        *v = serde_json::json!(i as f64);
                    }
                }
                serde_json::Value::Object(m) => m.values_mut().for_each(floats),
                serde_json::Value::Array(a) => a.iter_mut().for_each(floats),
                _ => {}
            }
        }
        floats(&mut v);
        v.to_string()
    }

    #[test]
    fn takes_integral_numbers_written_with_a_point_as_the_java_sdk_sends_them() {
        let mut ledger = Ledger::new(SimConfig::default());
        let cfg = CloudPayConfig::demo("http://sim");
        let (c, _) = request("01000052004", "134680423163084321", Platform::WeChat);
        let c = as_sdk_writes_it(&c);
        assert!(c.contains("\"total_fee\":2.0") && c.contains("\"pay_platform\":1.0"), "{c}");
        let code = sign::authen_code(&cfg.authen_key, &c);
        let plan = ledger.micro_pay(&sealed(&c, &code));
        assert_eq!(status(&plan), (0, true));
        let Reply::Signed(answer) = &plan.reply else { unreachable!() };
        let answer: ResponseContent = serde_json::from_str(answer).expect("answer");
        let order = answer.micro_pay.and_then(|m| m.order_content).expect("order_content");
        assert_eq!(order.total_fee, 2);
        assert!(!order.nonce_str.is_empty(), "order_content carries its nonce_str (reference §3.6)");

        let call = crate::core::calls::RefundCall {
            order_id: 1,
            out_trade_no: "01000052004".into(),
            out_refund_no: "01000052004R1".into(),
            platform: Platform::WeChat,
            transaction_id: order.transaction_id.clone().unwrap_or_default(),
            total: Fen(2),
            amount: Fen(1),
            refunded_before: Fen(0),
            staff_id: None,
        };
        let r = as_sdk_writes_it(&crate::payments::cloudpay::refund::refund_content(&cfg, &call, "01"));
        assert!(r.contains("\"refund_fee\":1.0"), "{r}");
        let plan = ledger.refund(&sealed(&r, &sign::authen_code(&cfg.authen_key, &r)));
        assert_eq!(status(&plan), (0, true), "{:?}", plan.reply);

        // Half a fen is no amount: the request is refused and nothing is charged.
        let (c, _) = request("01000052005", "134680423163084321", Platform::WeChat);
        let c = c.replace("\"total_fee\":2", "\"total_fee\":2.5");
        assert_eq!(status(&ledger.micro_pay(&sealed(&c, &sign::authen_code(&cfg.authen_key, &c)))), (101, false));
        assert_eq!(ledger.charge_count("01000052005"), 0);
    }

    #[test]
    fn checks_the_authen_code_in_either_case() {
        let mut ledger = Ledger::new(SimConfig::default());
        let (c, code) = request("01000052002", "134680423163084321", Platform::WeChat);
        assert_eq!(status(&ledger.micro_pay(&sealed(&c, &code.to_lowercase()))), (0, true));
        let (c, _) = request("01000052003", "134680423163084321", Platform::WeChat);
        assert_eq!(status(&ledger.micro_pay(&sealed(&c, &code))), (101, false), "code of another body");
        assert_eq!(status(&ledger.micro_pay(b"{}")), (101, false));
        assert_eq!(ledger.charge_count("01000052002"), 1);
        assert_eq!(ledger.charge_count("01000052003"), 0);
    }
}
