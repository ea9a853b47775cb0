//! The customer scans the till's QR (主扫) on the simulated platform: `scan_code_pay`, `close_order`,
//! and the wallets' behaviours while the till waits (`docs/reference/dynamic-qr.md` §1.5, §1.6, §3):
//!
//! | wallet | before the scan | scanned, not paid | paid | closed / expired |
//! |---|---|---|---|---|
//! | WeChat | state 6 (the order exists from the request) | 6 | 3 | 7 |
//! | Alipay | **state 7 "order does not exist"** (no trade until the scan) | 4 | 2 | 5 |
//!
//! `close_order` closes a WeChat order at any time before it is paid; an Alipay order only once
//! scanned — before that it answers "not found" and **the QR stays payable until it expires**. A paid
//! order refuses the close (ORDERPAID). `time_expire` (unix seconds) is when the QR stops working;
//! WeChat raises one less than a minute away to a minute; without it the QR lives two hours. The
//! customer is driven by [`SimHandle::customer_pays_at`](super::super::SimHandle::customer_pays_at)
//! (or `SimConfig::qr_customer_pays_after_ms` for every QR): at that time the customer scans and pays,
//! and is charged only if the QR is still payable then — including after a close that did not take.

use super::{Entry, Ledger, Plan, Reply, SimOrder, SimOrderState, content, to_json};
use crate::core::code::Platform;
use crate::payments::cloudpay::client::nonce;
use crate::payments::cloudpay::proto::{FEE_TYPE, INTERNAL_ORDER_NOT_FOUND};
use crate::payments::cloudpay::qr::{
    CloseOrderAnswer, CloseOrderRequest, ScanCodePayAnswer, ScanCodePayRequest, TRADE_TYPE_SCAN_CODE,
};

/// Without `time_expire` a QR lives this long (the wallets' 2 hours, §3.1, §3.2).
pub const QR_DEFAULT_LIFE_MS: i64 = 2 * 3600 * 1000;
/// WeChat raises a shorter `time_expire` to about a minute (§3.1).
pub const WECHAT_MIN_EXPIRE_MS: i64 = 60_000;

/// A QR order's life on the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrWait {
    pub code_url: String,
    /// After this (simulator clock, ms) the QR can no longer be paid.
    pub expire_ms: i64,
    /// The customer scans at this time: Alipay's trade exists from then.
    pub scan_at: Option<i64>,
    /// ...and pays at this time (scanning too, if not scanned before).
    pub pay_at: Option<i64>,
    /// Closed by close_order (it took).
    pub closed: bool,
}

impl QrWait {
    fn scanned(&self, now: i64) -> bool {
        [self.scan_at, self.pay_at].into_iter().flatten().any(|t| t <= now.min(self.expire_ms))
    }
}

const NOT_FOUND: &str = "订单不存在 / order does not exist";

impl Ledger {
    /// `/cpay/scan_code_pay`: a new order waiting for the customer, answered with its `code_url`.
    pub fn scan_code_pay(&mut self, body: &[u8]) -> Plan {
        let request: ScanCodePayRequest = match self.open(body) {
            Ok(r) => r,
            Err(plan) => return plan,
        };
        if !self.known_merchant(&request.pay_mch_key) {
            return self.refuse("unknown merchant or shop");
        }
        let pay = &request.pay_content;
        let platform = match request.pay_mch_key.pay_platform {
            1 => Platform::WeChat,
            2 => Platform::Alipay,
            _ => return self.signed(104, "pay_platform must be 1 (WeChat Pay) or 2 (Alipay)", 0),
        };
        if pay.total_fee <= 0 || pay.fee_type != FEE_TYPE || pay.body.is_empty() {
            return self.signed(104, "total_fee (positive CNY fen) and body are required", 0);
        }
        if !pay.out_trade_no.starts_with(&self.cfg.order_prefix) {
            return self.signed(104, "out_trade_no must start with the order prefix (cloud_cashier_id)", 0);
        }
        if request.order_client.machine_no.as_deref().unwrap_or_default().is_empty() {
            return self.signed(104, "order_client.machine_no is required for scan_code_pay", 0);
        }
        let product_id = pay.wxpay_pay_content_ext.as_ref().map(|w| w.product_id.as_str()).unwrap_or_default();
        if platform == Platform::WeChat && product_id.is_empty() {
            return self.signed(104, "wxpay_pay_content_ext.product_id is required for WeChat scan_code_pay", 0);
        }
        let now = self.now_ms();
        let expire_ms = match pay.time_expire {
            Some(secs) if secs * 1000 <= now => return self.signed(104, "time_expire is in the past", 0),
            Some(secs) if platform == Platform::WeChat => (secs * 1000).max(now + WECHAT_MIN_EXPIRE_MS),
            Some(secs) => secs * 1000,
            None => now + QR_DEFAULT_LIFE_MS,
        };
        if let Some(i) = self.find(&pay.out_trade_no) {
            let e = &self.entries[i];
            let same = e.qr.is_some() && e.platform == platform && e.order.total_fee == pay.total_fee;
            if !same {
                return self.signed(102, "订单号重复 / out_trade_no already used", super::INTERNAL_DUPLICATE_ORDER);
            }
            let code_url = e.qr.as_ref().map(|q| q.code_url.clone()).unwrap_or_default();
            return self.issued(code_url);
        }
        let n = self.next_transaction;
        let code_url = match platform {
            Platform::WeChat => format!("weixin://wxpay/bizpayurl?pr=Sim{n:04}"),
            Platform::Alipay => format!("https://qr.alipay.com/bax0{n:020}"),
        };
        let pay_at = self.cfg.qr_customer_pays_after_ms.map(|ms| now + ms as i64);
        let secs = self.unix_now();
        self.entries.push(Entry {
            order: SimOrder {
                out_trade_no: pay.out_trade_no.clone(),
                author_code: String::new(),
                total_fee: pay.total_fee,
                state: SimOrderState::UserPaying,
                charged: false,
                micro_pay_calls: 0,
                query_calls: 0,
                reversed: false,
                refunded_fee: 0,
                refunds: Vec::new(),
            },
            platform,
            pay_mch_key: request.pay_mch_key.clone(),
            body: pay.body.clone(),
            charges: 0,
            polls_left: 0,
            transaction_id: String::new(),
            device_id: request.order_client.device_id.clone(),
            create_ms: now,
            create_time: secs,
            update_time: secs,
            qr: Some(QrWait { code_url: code_url.clone(), expire_ms, scan_at: None, pay_at, closed: false }),
        });
        // The number feeds the next code_url too: every QR differs.
        self.next_transaction += 1;
        self.issued(code_url)
    }

    fn issued(&mut self, code_url: String) -> Plan {
        let log_id = self.log_id();
        let mut answer = content(0, "", log_id, 0);
        answer.scan_code_pay = Some(ScanCodePayAnswer { code_url, nonce_str: nonce().unwrap_or_default() });
        Plan::now(Reply::Signed(to_json(&answer)))
    }

    /// What time does to a QR order: the customer pays if it is still payable then; it expires.
    pub(super) fn settle_qr(&mut self, i: usize) {
        let now = self.now_ms();
        let Some(e) = self.entries.get_mut(i) else { return };
        let Some(qr) = e.qr.clone() else { return };
        if e.order.state != SimOrderState::UserPaying {
            return;
        }
        if let Some(at) = qr.pay_at.filter(|&at| at <= now && at < qr.expire_ms && !qr.closed) {
            e.order.state = SimOrderState::Paid;
            e.order.charged = true;
            e.charges += 1;
            e.update_time = at.div_euclid(1000);
            self.assign_transaction(i);
        } else if now >= qr.expire_ms {
            e.order.state = SimOrderState::Closed;
            e.update_time = qr.expire_ms.div_euclid(1000);
        }
    }

    /// Whether the platform answers "no such order" for entry `i` now: an Alipay QR never scanned.
    pub(super) fn qr_unseen(&self, i: usize) -> bool {
        self.entries.get(i).is_some_and(|e| unseen(e, self.now_ms()))
    }

    /// `/cpay/close_order` (`trade_type` 2 only: a payment-code order is reversed, not closed).
    pub fn close_order(&mut self, body: &[u8]) -> Plan {
        let request: CloseOrderRequest = match self.open(body) {
            Ok(r) => r,
            Err(plan) => return plan,
        };
        if !self.known_merchant(&request.pay_mch_key) {
            return self.refuse("unknown merchant or shop");
        }
        let found = self.find(&request.out_trade_no);
        let Some(i) = found.filter(|&i| Self::same_wallet(&self.entries[i], request.pay_mch_key.pay_platform)) else {
            return self.signed(104, NOT_FOUND, INTERNAL_ORDER_NOT_FOUND);
        };
        if self.entries[i].qr.is_none() || request.trade_type != TRADE_TYPE_SCAN_CODE {
            return self.signed(
                104,
                "刷卡支付时，订单不能关闭，只能撤单 / a payment-code order is reversed, not closed",
                0,
            );
        }
        self.settle_qr(i);
        if self.qr_unseen(i) {
            // Alipay has no trade before the scan: nothing to close, the QR stays payable (§3.2).
            return self.signed(104, NOT_FOUND, INTERNAL_ORDER_NOT_FOUND);
        }
        let now_secs = self.unix_now();
        let e = &mut self.entries[i];
        match e.order.state {
            SimOrderState::Paid => return self.signed(104, "ORDERPAID 订单已支付 / the order is paid", 0),
            SimOrderState::UserPaying => {
                e.order.state = SimOrderState::Closed;
                e.update_time = now_secs;
                if let Some(q) = e.qr.as_mut() {
                    q.closed = true;
                }
            }
            _ => {}
        }
        let log_id = self.log_id();
        let mut answer = content(0, "", log_id, 0);
        answer.close_order = Some(CloseOrderAnswer { nonce_str: nonce().unwrap_or_default() });
        Plan::now(Reply::Signed(to_json(&answer)))
    }

    /// The customer of QR order `out_trade_no` scans and pays at `at_ms` (simulator clock); charged
    /// then only if the QR is still payable. `false` if there is no such QR order.
    pub fn customer_pays_at(&mut self, out_trade_no: &str, at_ms: i64) -> bool {
        self.with_qr(out_trade_no, |q| q.pay_at = Some(at_ms))
    }

    /// The customer scans at `at_ms` without paying (yet): Alipay's trade exists from then.
    pub fn customer_scans_at(&mut self, out_trade_no: &str, at_ms: i64) -> bool {
        self.with_qr(out_trade_no, |q| q.scan_at = Some(at_ms))
    }

    fn with_qr(&mut self, out_trade_no: &str, change: impl FnOnce(&mut QrWait)) -> bool {
        let Some(q) =
            self.entries.iter_mut().find(|e| e.order.out_trade_no == out_trade_no).and_then(|e| e.qr.as_mut())
        else {
            return false;
        };
        change(q);
        true
    }

    /// The `code_url` of a QR order.
    pub fn code_url(&self, out_trade_no: &str) -> Option<String> {
        self.entries.iter().find(|e| e.order.out_trade_no == out_trade_no)?.qr.as_ref().map(|q| q.code_url.clone())
    }
}

/// An Alipay QR order never scanned: the wallet has no trade for it yet.
pub(super) fn unseen(e: &Entry, now: i64) -> bool {
    e.platform == Platform::Alipay && e.qr.as_ref().is_some_and(|q| !q.scanned(now)) && !e.order.charged
}

/// `current_trade_state` of a QR order (WeChat, Alipay), per the table above; refunds as for any order.
pub(super) fn qr_states(state: SimOrderState, refunded: bool, fully: bool, alipay_refunded: u32) -> (u32, u32) {
    match state {
        SimOrderState::UserPaying => (6, 4),
        SimOrderState::Paid if !refunded => (3, 2),
        SimOrderState::Paid if fully => (4, alipay_refunded),
        SimOrderState::Paid => (4, 2),
        SimOrderState::Closed | SimOrderState::Declined | SimOrderState::Reversed => (7, 5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::money::Fen;
    use crate::core::{CancelCall, QrCall, QueryAfter, QueryCall};
    use crate::payments::cloudpay::proto::{self, CloudPayConfig, ResponseContent};
    use crate::payments::cloudpay::{qr as client, sign};
    use crate::sim::cloudpay::{ManualClock, SimConfig};

    struct World {
        ledger: Ledger,
        clock: ManualClock,
        cfg: CloudPayConfig,
    }

    const NO: &str = "010000522512070100000001";

    fn world() -> World {
        let clock = ManualClock::new();
        let ledger = Ledger::new(SimConfig { clock: clock.clock(), ..SimConfig::default() });
        World { ledger, clock, cfg: CloudPayConfig::demo("http://sim") }
    }

    fn sealed(cfg: &CloudPayConfig, content: &str) -> Vec<u8> {
        let code = sign::authen_code(&cfg.authen_key, content);
        serde_json::json!({"request_content": content, "authen_info": {"a": {"authen_type": 1, "authen_code": code}}})
            .to_string()
            .into_bytes()
    }

    fn answer(plan: &Plan) -> ResponseContent {
        match &plan.reply {
            Reply::Signed(c) | Reply::Unsigned(c) => serde_json::from_str(c).expect("answer"),
            Reply::Raw { .. } => panic!("raw answer"),
        }
    }

    impl World {
        fn issue(&mut self, platform: Platform, expire_in_ms: i64) -> String {
            let call = QrCall {
                order_id: 1,
                out_trade_no: NO.into(),
                platform,
                amount: Fen(350),
                body: "shop".into(),
                expires_at: Millis(self.clock.now_ms() + expire_in_ms),
                staff_id: None,
            };
            let body = sealed(&self.cfg, &client::scan_code_pay_content(&self.cfg, &call, "n1"));
            let a = answer(&self.ledger.scan_code_pay(&body));
            assert_eq!(a.status, 0, "{a:?}");
            a.scan_code_pay.expect("scan_code_pay").code_url
        }

        /// (status, WeChat or Alipay state) of a query with `trade_type` 2.
        fn query(&mut self, platform: Platform) -> (i64, Option<u32>) {
            let call = QueryCall {
                order_id: 1,
                out_trade_no: NO.into(),
                platform,
                amount: Fen(350),
                after: QueryAfter::Qr,
                started_at: Millis(0),
            };
            let a = answer(
                &self.ledger.query_order(&sealed(&self.cfg, &proto::query_order_content(&self.cfg, &call, "n"))),
            );
            let order = a.query_order.and_then(|q| q.order_content);
            let state = order
                .and_then(|o| o.wxpay_order_content_ext.or(o.alipay_order_content_ext))
                .map(|x| x.current_trade_state);
            (a.status, state)
        }

        fn close(&mut self, platform: Platform) -> i64 {
            let call = CancelCall { order_id: 1, out_trade_no: NO.into(), platform, amount: Fen(350) };
            answer(&self.ledger.close_order(&sealed(&self.cfg, &client::close_order_content(&self.cfg, &call, "n"))))
                .status
        }
    }

    #[test]
    fn wechat_waits_in_state_6_is_paid_in_3_once_and_a_paid_order_refuses_the_close() {
        let mut w = world();
        let url = w.issue(Platform::WeChat, 120_000);
        assert!(url.starts_with("weixin://wxpay/bizpayurl?pr="), "{url}");
        assert_eq!(w.query(Platform::WeChat), (0, Some(6)));
        assert!(w.ledger.customer_pays_at(NO, w.clock.now_ms() + 10_000));
        assert_eq!(w.query(Platform::WeChat), (0, Some(6)), "not before the customer pays");
        w.clock.advance_ms(10_000);
        assert_eq!(w.query(Platform::WeChat), (0, Some(3)));
        assert_eq!(w.query(Platform::WeChat), (0, Some(3)));
        assert_eq!(w.ledger.charge_count(NO), 1);
        assert_eq!(w.close(Platform::WeChat), 104, "ORDERPAID");
        assert_eq!(w.issue(Platform::WeChat, 120_000), url, "the same request again: the same QR, no new order");
    }

    #[test]
    fn a_closed_wechat_qr_cannot_be_paid_but_an_unscanned_alipay_one_can_until_it_expires() {
        let mut w = world();
        w.issue(Platform::WeChat, 120_000);
        assert_eq!(w.close(Platform::WeChat), 0);
        assert!(w.ledger.customer_pays_at(NO, w.clock.now_ms() + 1_000));
        w.clock.advance_ms(2_000);
        assert_eq!(w.query(Platform::WeChat), (0, Some(7)));
        assert_eq!(w.ledger.charge_count(NO), 0);

        let mut w = world();
        let url = w.issue(Platform::Alipay, 120_000);
        assert!(url.starts_with("https://qr.alipay.com/"), "{url}");
        // The trap: "does not exist" until the customer scans.
        assert_eq!(w.query(Platform::Alipay), (0, Some(7)));
        assert_eq!(w.close(Platform::Alipay), 104, "nothing to close before the scan");
        assert!(w.ledger.customer_pays_at(NO, w.clock.now_ms() + 30_000));
        w.clock.advance_ms(30_000);
        assert_eq!(w.query(Platform::Alipay), (0, Some(2)), "paid after the close: the QR was still live");
        assert_eq!(w.ledger.charge_count(NO), 1);
    }

    #[test]
    fn a_scanned_alipay_qr_waits_in_4_closes_to_5_and_qrs_expire() {
        let mut w = world();
        w.issue(Platform::Alipay, 120_000);
        assert!(w.ledger.customer_scans_at(NO, w.clock.now_ms()));
        assert_eq!(w.query(Platform::Alipay), (0, Some(4)));
        assert_eq!(w.close(Platform::Alipay), 0);
        assert_eq!(w.query(Platform::Alipay), (0, Some(5)));

        // WeChat raises a short expiry to a minute; after it, paying does nothing.
        let mut w = world();
        w.issue(Platform::WeChat, 10_000);
        assert!(w.ledger.customer_pays_at(NO, w.clock.now_ms() + 61_000));
        w.clock.advance_ms(30_000);
        assert_eq!(w.query(Platform::WeChat), (0, Some(6)), "still live after 30 s: raised to a minute");
        w.clock.advance_ms(40_000);
        assert_eq!(w.query(Platform::WeChat), (0, Some(7)));
        assert_eq!(w.ledger.charge_count(NO), 0);
    }

    #[test]
    fn qr_orders_are_not_payment_code_orders() {
        let mut w = world();
        w.issue(Platform::WeChat, 120_000);
        let call = QueryCall {
            order_id: 1,
            out_trade_no: NO.into(),
            platform: Platform::WeChat,
            amount: Fen(350),
            after: QueryAfter::Unknown,
            started_at: Millis(0),
        };
        let a = answer(&w.ledger.query_order(&sealed(&w.cfg, &proto::query_order_content(&w.cfg, &call, "n"))));
        assert_eq!((a.status, a.internal_status), (104, INTERNAL_ORDER_NOT_FOUND), "trade_type 1 finds no QR order");
        // WeChat product_id and machine_no are required.
        let mut content: serde_json::Value = serde_json::from_str(&client::scan_code_pay_content(
            &w.cfg,
            &QrCall {
                order_id: 1,
                out_trade_no: "010000522512070100000002".into(),
                platform: Platform::WeChat,
                amount: Fen(1),
                body: "b".into(),
                expires_at: Millis(w.clock.now_ms() + 120_000),
                staff_id: None,
            },
            "n",
        ))
        .expect("json");
        content["pay_content"].as_object_mut().expect("pay_content").remove("wxpay_pay_content_ext");
        let a = answer(&w.ledger.scan_code_pay(&sealed(&w.cfg, &content.to_string())));
        assert_eq!(a.status, 104, "{a:?}");
        assert!(w.ledger.orders().len() == 1, "no order for a refused request");
    }
}
