//! `/cpay/client_order_detail` on the simulated platform (reference §7.8): the shop's orders in a time
//! window, with `refunded_fee`, padded with other terminals' orders to the 25 KB the guide warns of.

use super::{Entry, Ledger, Plan, Reply, content};
use crate::payments::cloudpay::proto::{OrderContent, OrderDetailRequest, TRADE_TYPE_MICRO_PAY, TradeStateExt};
use serde_json::{Value, json};

/// Answers are padded with other terminals' orders up to this size (reference §2.3: 10–25 KB).
pub const DETAIL_ANSWER_MIN_BYTES: usize = 26 * 1024;

impl Ledger {
    pub fn client_order_detail(&mut self, body: &[u8]) -> Plan {
        let request: OrderDetailRequest = match self.open(body) {
            Ok(r) => r,
            Err(plan) => return plan,
        };
        let shop_ok = request.out_shop_id.as_ref().is_none_or(|s| *s == self.cfg.out_shop_id);
        if request.out_sub_mch_id != self.cfg.out_sub_mch_id || !shop_ok {
            return self.refuse("unknown merchant or shop");
        }
        if request.page_num == 0 || request.page_size == 0 || request.page_size > 100 {
            return self.signed(104, "page_num and page_size must be 1.., page_size at most 100", 0);
        }
        for i in 0..self.entries.len() {
            self.settle(i);
        }
        let matches = |e: &&Entry| {
            let platform = crate::payments::cloudpay::proto::platform_numbers(e.platform).0;
            request.pay_platform.is_none_or(|p| p == 0 || p == platform)
                && request.device_id.as_ref().is_none_or(|d| *d == e.device_id)
                && (request.start_time..=request.end_time).contains(&e.create_time)
                && request.query_order_type != 2
        };
        let mut found: Vec<&Entry> = self.entries.iter().filter(matches).collect();
        found.sort_by_key(|e| e.create_time);
        let skip = (request.page_num as usize - 1) * request.page_size as usize;
        let mut details: Vec<Value> = found
            .iter()
            .skip(skip)
            .take(request.page_size as usize)
            .map(|e| {
                let mut order = self.order_content(e);
                order.refunded_fee = Some(e.order.refunded_fee);
                self.detail_entry(&order, &e.device_id, e.platform == crate::core::code::Platform::WeChat)
            })
            .collect();
        let mut total_count = found.len();
        // The shop's other terminals sold too: their orders fill the first page, as on a busy day.
        let mut filler = 0u32;
        if request.page_num == 1 {
            while serde_json::to_string(&details).map_or(0, |s| s.len()) < DETAIL_ANSWER_MIN_BYTES {
                filler += 1;
                details.push(self.detail_entry(
                    &other_order(filler, request.start_time),
                    "kiosk-02",
                    filler.is_multiple_of(2),
                ));
                total_count += 1;
            }
        }
        let log_id = self.log_id();
        let mut answer = serde_json::to_value(content(0, "", log_id, 0)).unwrap_or_default();
        answer["order_detail_query"] = json!({ "total_count": total_count, "order_details": details });
        Plan::now(Reply::Signed(answer.to_string()))
    }

    fn detail_entry(&self, order: &OrderContent, device_id: &str, wechat: bool) -> Value {
        let (pay_platform, sub) = if wechat { (1, 100) } else { (2, 200) };
        json!({
            "shop_info": { "shop_id": "1", "shop_name": "测试便利店", "out_shop_id": self.cfg.out_shop_id },
            "shop_staff_info": { "staff_id": "1001", "staff_name": "张三" },
            "receipt": { "order": {
                "order_mch": {
                    "pay_platform": pay_platform,
                    "sub_pay_platform": sub,
                    "out_mch_id": self.cfg.out_mch_id,
                    "out_sub_mch_id": self.cfg.out_sub_mch_id,
                    "out_shop_id": self.cfg.out_shop_id
                },
                "order_content": order,
                "order_client": {
                    "device_id": device_id, "staff_id": "1001", "terminal_type": 4, "sub_terminal_type": 50200,
                    "machine_no": "PI4B0000C0FFEE", "sdk_version": "rs0.1", "spbill_create_ip": "192.168.1.50"
                },
                "authen_info": { "a": { "authen_type": 1, "authen_code": "0".repeat(64) } }
            }}
        })
    }
}

/// Another terminal's paid order: a made-up number outside the till's own sequence.
fn other_order(n: u32, around: i64) -> OrderContent {
    let state = TradeStateExt { current_trade_state: 2, trade_state_desc: None };
    let wechat = n.is_multiple_of(2);
    OrderContent {
        out_trade_no: format!("0100005299{n:015}"),
        transaction_id: Some(format!("4200000099{n:018}")),
        trade_type: TRADE_TYPE_MICRO_PAY,
        author_code: None,
        time_end: Some(around + i64::from(n)),
        nonce_str: crate::payments::cloudpay::client::nonce().unwrap_or_default(),
        create_time: around + i64::from(n),
        last_update_time: around + i64::from(n),
        is_transforming: false,
        total_fee: 100 + i64::from(n),
        fee_type: "CNY".into(),
        refunded_fee: Some(0),
        body: Some("测试便利店-自助收银-矿泉水 550ml x2, 面包 x1, 口香糖 x1".into()),
        wxpay_order_content_ext: wechat.then(|| state.clone()),
        alipay_order_content_ext: (!wechat).then_some(state),
    }
}
