//! Reverse (撤单), refund and refund query on the simulated platform (reference §7.5–§7.7).

use super::{Entry, Ledger, Plan, REVERSE_MIN_AGE_MS, Reply, SimOrderState, content, to_json};
use crate::core::code::Platform;
use crate::payments::cloudpay::client::nonce;
use crate::payments::cloudpay::proto::{
    FEE_TYPE, INTERNAL_ORDER_NOT_FOUND, QueryRefundAnswer, QueryRefundRequest, RefundAnswer, RefundOrderContent,
    RefundRequest, RefundStateExt, ReverseAnswer, ReverseRequest, TRADE_TYPE_MICRO_PAY,
};
use crate::payments::cloudpay::refund::INTERNAL_NO_REFUNDS;

/// Where a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimRefundState {
    /// Taken, money not yet back (WeChat 4 / Alipay 1).
    Processing,
    /// Money back (WeChat 2 / Alipay 2).
    Success,
}

/// One refund of an order, as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRefund {
    pub out_refund_no: String,
    pub refund_id: String,
    pub refund_fee: i64,
    pub state: SimRefundState,
    /// query_refund_order calls still answered "processing".
    pub polls_left: u32,
    pub create_time: i64,
}

const NOT_FOUND: &str = "订单不存在 / order does not exist";

impl Ledger {
    /// `/cpay/reverse`: closes an order for good; a paid one gives the money back.
    pub fn reverse(&mut self, body: &[u8]) -> Plan {
        let request: ReverseRequest = match self.open(body) {
            Ok(r) => r,
            Err(plan) => return plan,
        };
        if !self.known_merchant(&request.pay_mch_key) {
            return self.refuse("unknown merchant or shop");
        }
        let Some(i) = self.find(&request.out_trade_no) else {
            return self.signed(104, NOT_FOUND, INTERNAL_ORDER_NOT_FOUND);
        };
        self.settle(i);
        let now = self.now_ms();
        let now_secs = self.unix_now();
        let e = &self.entries[i];
        if !Self::same_wallet(e, request.pay_mch_key.pay_platform) {
            return self.signed(104, "pay_platform does not match the order", 0);
        }
        if e.qr.is_some() && e.platform == Platform::WeChat {
            return self.signed(104, "微信支付只能撤销刷卡支付的订单 / WeChat reverses payment-code orders only", 0);
        }
        if e.device_id != request.order_client.device_id {
            return self.signed(104, "只能由下单终端撤销 / only the terminal that took the payment may reverse it", 0);
        }
        if e.platform == Platform::WeChat && now - e.create_ms < REVERSE_MIN_AGE_MS {
            return self.signed(
                104,
                "下单15秒后才能撤销 / an order can be reversed 15 s after the payment at the earliest",
                0,
            );
        }
        if !e.order.refunds.is_empty() {
            return self.signed(104, "订单已退款，不能撤销 / a refunded order cannot be reversed", 0);
        }
        let e = &mut self.entries[i];
        if e.order.state != SimOrderState::Reversed {
            e.order.reversed = e.order.charged;
            e.order.state = SimOrderState::Reversed;
            e.update_time = now_secs;
        }
        let log_id = self.log_id();
        let mut answer = content(0, "", log_id, 0);
        answer.reverse = Some(ReverseAnswer { nonce_str: nonce().unwrap_or_default() });
        Plan::now(Reply::Signed(to_json(&answer)))
    }

    /// `/cpay/refund`: idempotent per out_refund_no; never more than the order's total in all.
    pub fn refund(&mut self, body: &[u8]) -> Plan {
        let request: RefundRequest = match self.open(body) {
            Ok(r) => r,
            Err(plan) => return plan,
        };
        if !self.known_merchant(&request.pay_mch_key) {
            return self.refuse("unknown merchant or shop");
        }
        let rc = &request.refund_content;
        if rc.refund_fee <= 0 || rc.refund_fee_type != FEE_TYPE {
            return self.signed(104, "refund_fee must be a positive amount of CNY fen", 0);
        }
        if !rc.out_refund_no.starts_with(&self.cfg.order_prefix) {
            return self.signed(104, "out_refund_no must start with the order prefix (cloud_cashier_id)", 0);
        }
        let Some(i) = self.find(&rc.out_trade_no) else {
            return self.signed(104, NOT_FOUND, INTERNAL_ORDER_NOT_FOUND);
        };
        self.settle(i);
        if !Self::same_wallet(&self.entries[i], request.pay_mch_key.pay_platform) {
            return self.signed(104, "pay_platform does not match the order", 0);
        }
        // The same refund number again: the same refund, never a second one.
        for (oi, e) in self.entries.iter().enumerate() {
            if let Some(ri) = e.order.refunds.iter().position(|r| r.out_refund_no == rc.out_refund_no) {
                if oi == i && e.order.refunds[ri].refund_fee == rc.refund_fee {
                    return self.refund_answer(i, ri);
                }
                return self.signed(104, "退款单号重复 / out_refund_no already used with other data", 0);
            }
        }
        let e = &self.entries[i];
        if e.order.state != SimOrderState::Paid {
            return self.signed(104, "订单未支付 / the order is not paid", 0);
        }
        if rc.total_fee != e.order.total_fee {
            return self.signed(104, "total_fee does not match the order", 0);
        }
        if e.order.refunded_fee + rc.refund_fee > e.order.total_fee {
            return self.signed(104, "可退金额不足 / insufficient refundable amount", 0);
        }
        let n = self.next_refund;
        self.next_refund += 1;
        let polls = self.cfg.refund_processing_polls;
        let refund = SimRefund {
            out_refund_no: rc.out_refund_no.clone(),
            refund_id: format!("50000000{n:022}"),
            refund_fee: rc.refund_fee,
            state: if polls == 0 { SimRefundState::Success } else { SimRefundState::Processing },
            polls_left: polls,
            create_time: self.unix_now(),
        };
        let e = &mut self.entries[i];
        e.order.refunded_fee += refund.refund_fee;
        e.order.refunds.push(refund);
        let ri = e.order.refunds.len() - 1;
        self.refund_answer(i, ri)
    }

    /// `/cpay/query_refund_order`: each query moves a processing refund one poll closer to success.
    pub fn query_refund_order(&mut self, body: &[u8]) -> Plan {
        let request: QueryRefundRequest = match self.open(body) {
            Ok(r) => r,
            Err(plan) => return plan,
        };
        if !self.known_merchant(&request.pay_mch_key) {
            return self.refuse("unknown merchant or shop");
        }
        let no_refunds = "没有退款单 / no refund orders";
        let Some(i) = self.find(&request.out_trade_no) else {
            return self.signed(104, no_refunds, INTERNAL_NO_REFUNDS);
        };
        let wanted = |no: &str| request.out_refund_no.is_empty() || request.out_refund_no == no;
        let e = &mut self.entries[i];
        let mut list = Vec::new();
        for r in e.order.refunds.iter_mut().filter(|r| wanted(&r.out_refund_no)) {
            r.polls_left = r.polls_left.saturating_sub(1);
            if r.polls_left == 0 {
                r.state = SimRefundState::Success;
            }
        }
        let e = &self.entries[i];
        for r in e.order.refunds.iter().filter(|r| wanted(&r.out_refund_no)) {
            list.push(refund_content(e, r));
        }
        if list.is_empty() {
            return self.signed(104, no_refunds, INTERNAL_NO_REFUNDS);
        }
        let answer_key = QueryRefundAnswer {
            pay_mch_key: Some(e.pay_mch_key.clone()),
            refund_order_content: list,
            nonce_str: nonce().unwrap_or_default(),
        };
        let log_id = self.log_id();
        let mut answer = content(0, "", log_id, 0);
        answer.query_refund_order = Some(answer_key);
        Plan::now(Reply::Signed(to_json(&answer)))
    }

    fn refund_answer(&mut self, i: usize, ri: usize) -> Plan {
        let e = &self.entries[i];
        let object = RefundAnswer {
            pay_mch_key: Some(e.pay_mch_key.clone()),
            refund_order_content: Some(refund_content(e, &e.order.refunds[ri])),
            nonce_str: nonce().unwrap_or_default(),
        };
        let log_id = self.log_id();
        let mut answer = content(0, "", log_id, 0);
        answer.refund = Some(object);
        Plan::now(Reply::Signed(to_json(&answer)))
    }
}

fn refund_content(e: &Entry, r: &SimRefund) -> RefundOrderContent {
    let done = r.state == SimRefundState::Success;
    let (wx, ali) = match e.platform {
        Platform::WeChat => (Some(RefundStateExt { state: Some(if done { 2 } else { 4 }), refund_status: None }), None),
        Platform::Alipay => (None, Some(RefundStateExt { state: None, refund_status: Some(if done { 2 } else { 1 }) })),
    };
    RefundOrderContent {
        out_refund_no: r.out_refund_no.clone(),
        refund_id: r.refund_id.clone(),
        out_trade_no: e.order.out_trade_no.clone(),
        trade_type: TRADE_TYPE_MICRO_PAY,
        nonce_str: crate::payments::cloudpay::client::nonce().unwrap_or_default(),
        create_time: r.create_time,
        last_update_time: r.create_time,
        is_transforming: !done,
        total_fee: e.order.total_fee,
        refund_fee: r.refund_fee,
        refund_fee_type: FEE_TYPE.into(),
        wxpay_refund_order_content_ext: wx,
        alipay_refund_order_content_ext: ali,
    }
}
