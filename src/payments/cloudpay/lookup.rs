//! Looking up an order by its receipt number (reference §7.4, §7.8): query_order says the state, total
//! and transaction id; client_order_detail says how much was refunded (Alipay partial refunds are
//! invisible to query_order, §6 rule 6). Pure; the client does the two calls.

use super::proto::{
    Answer, CloudPayConfig, INTERNAL_ORDER_NOT_FOUND, OrderContent, ResponseContent, TRADE_TYPE_MICRO_PAY, read_with,
};
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::core::{Failure, PlatformOrder, PlatformOrderState};
use crate::payments::untrusted;
use serde::{Deserialize, Serialize};

/// How far around the order's `create_time` client_order_detail searches (the reference example's
/// window): there is no out_trade_no filter (open question 2).
pub const DETAIL_WINDOW_SECS: i64 = 300;
/// Rows per client_order_detail page, and how many pages are read before giving up.
pub const DETAIL_PAGE_SIZE: u32 = 10;
pub const DETAIL_MAX_PAGES: u32 = 5;

/// `request_content` of `/cpay/client_order_detail` (reference §7.8): top-level fields, no headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetailRequest {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::json_int::de_opt")]
    pub pay_platform: Option<u32>,
    pub out_sub_mch_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_shop_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(deserialize_with = "super::json_int::de")]
    pub query_order_type: u32,
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub start_time: i64,
    #[serde(deserialize_with = "super::json_int::de")]
    pub end_time: i64,
    #[serde(deserialize_with = "super::json_int::de")]
    pub page_num: u32,
    #[serde(deserialize_with = "super::json_int::de")]
    pub page_size: u32,
    #[serde(default)]
    pub nonce_str: String,
}

/// The `order_detail_query` object, reduced to what the till reads; everything else is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderDetailQuery {
    #[serde(default, deserialize_with = "super::json_int::de")]
    pub total_count: u64,
    #[serde(default)]
    pub order_details: Vec<OrderDetail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<DetailReceipt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DetailReceipt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<DetailOrder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DetailOrder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_content: Option<OrderContent>,
}

/// Page `page_num` of the orders of `platform` created within [`DETAIL_WINDOW_SECS`] of `create_time`,
/// at this shop and device.
pub fn order_detail_content(
    cfg: &CloudPayConfig,
    platform: Platform,
    create_time: i64,
    page_num: u32,
    nonce_str: &str,
) -> String {
    let request = OrderDetailRequest {
        pay_platform: Some(super::proto::platform_numbers(platform).0),
        out_sub_mch_id: cfg.out_sub_mch_id.clone(),
        out_shop_id: Some(cfg.out_shop_id.clone()),
        device_id: Some(cfg.device_id.clone()),
        query_order_type: 1,
        start_time: create_time - DETAIL_WINDOW_SECS,
        end_time: create_time + DETAIL_WINDOW_SECS,
        page_num,
        page_size: DETAIL_PAGE_SIZE,
        nonce_str: nonce_str.into(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

/// What query_order said about an order, for a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderFound {
    Found {
        platform: Platform,
        /// The platform's `current_trade_state`.
        trade_state: u32,
        total: Fen,
        transaction_id: String,
        create_time: i64,
    },
    NotFound,
    Unknown(Failure),
}

/// Reads a query_order answer for a lookup: any state, no amount to compare.
pub fn read_order(key: &str, out_trade_no: &str, body: &[u8]) -> Answer<OrderFound> {
    let unknown = |r: &str| OrderFound::Unknown(untrusted(Failure::BadAnswer, r));
    read_with(key, body, OrderFound::Unknown, |o| {
        let c: &ResponseContent = &o.content;
        match (c.status, o.signed) {
            (0, true) => {}
            (104, true) if c.internal_status == INTERNAL_ORDER_NOT_FOUND => return OrderFound::NotFound,
            _ => return unknown(&format!("query_order: {} ({})", c.description, c.status)),
        }
        let Some(order) = c.query_order.as_ref().and_then(|q| q.order_content.as_ref()) else {
            return unknown("answer without query_order order_content");
        };
        if order.out_trade_no != out_trade_no {
            return unknown(&format!("answer is about another order ({})", order.out_trade_no));
        }
        let (platform, trade_state) = match (&order.wxpay_order_content_ext, &order.alipay_order_content_ext) {
            (Some(wx), None) => (Platform::WeChat, wx.current_trade_state),
            (None, Some(ali)) if ali.current_trade_state == 7 => return OrderFound::NotFound,
            (None, Some(ali)) => (Platform::Alipay, ali.current_trade_state),
            _ => return unknown("answer without exactly one trade state"),
        };
        OrderFound::Found {
            platform,
            trade_state,
            total: Fen(order.total_fee),
            transaction_id: order.transaction_id.clone().unwrap_or_default(),
            create_time: order.create_time,
        }
    })
}

/// What client_order_detail said about one order's refunds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailFound {
    /// `refunded_fee` of the order, with its total.
    Refunded {
        refunded: Fen,
        total: Fen,
    },
    /// Not on this page; `more` if later pages exist.
    NotOnPage {
        more: bool,
    },
    Unknown(String),
}

/// Reads one client_order_detail page (reference §7.8) looking for `out_trade_no`.
pub fn read_detail(key: &str, out_trade_no: &str, page_num: u32, body: &[u8]) -> Answer<DetailFound> {
    let unknown = |r: &str| DetailFound::Unknown(r.to_string());
    read_with(
        key,
        body,
        |f: Failure| DetailFound::Unknown(f.text()),
        |o| {
            let c = &o.content;
            if (c.status, o.signed) != (0, true) {
                return unknown(&format!("client_order_detail: {} ({})", c.description, c.status));
            }
            let Some(query) = c.order_detail_query.as_ref() else {
                return unknown("answer without order_detail_query");
            };
            let found = query
                .order_details
                .iter()
                .filter_map(|d| d.receipt.as_ref()?.order.as_ref()?.order_content.as_ref())
                .find(|order| {
                    let kind = [TRADE_TYPE_MICRO_PAY, super::qr::TRADE_TYPE_SCAN_CODE];
                    order.out_trade_no == out_trade_no && kind.contains(&order.trade_type)
                });
            match found {
                Some(order) => DetailFound::Refunded {
                    refunded: Fen(order.refunded_fee.unwrap_or(0)),
                    total: Fen(order.total_fee),
                },
                None => DetailFound::NotOnPage {
                    more: u64::from(page_num) * u64::from(DETAIL_PAGE_SIZE) < query.total_count,
                },
            }
        },
    )
}

/// Puts query_order's state and client_order_detail's refunds together (reference §4, §6 rules 1, 6).
/// `refunded` is `None` when client_order_detail gave no answer for this order.
pub fn platform_order(out_trade_no: &str, found: &OrderFound, refunded: Option<Fen>) -> Result<PlatformOrder, String> {
    let OrderFound::Found { platform, trade_state, total, transaction_id, .. } = found else {
        return Err("no order to describe".into());
    };
    if refunded.is_some_and(|r| r < Fen::ZERO || r > *total) {
        return Err(format!("refunded {refunded:?} outside 0..={total}"));
    }
    let fully_refunded = refunded == Some(*total);
    use PlatformOrderState::*;
    let (state, refunded) = match (platform, trade_state) {
        // WeChat 2/3 say no refund was ever made, so the list is not needed to know "0".
        (Platform::WeChat, 2 | 3) => (Paid, refunded.unwrap_or(Fen::ZERO)),
        (Platform::WeChat, 4) | (Platform::Alipay, 2 | 6) => {
            (Paid, refunded.ok_or("refunds made, amount unknown (client_order_detail gave no answer)")?)
        }
        (Platform::Alipay, 5) if fully_refunded => (Paid, *total),
        // Never paid: a closed order without a transaction, or one the list shows nothing refunded of.
        (Platform::Alipay, 5) if transaction_id.is_empty() || refunded == Some(Fen::ZERO) => (NotPaid, Fen::ZERO),
        (Platform::Alipay, 5) => return Err("closed, or refunded by an amount that cannot be told".into()),
        (Platform::WeChat, 1 | 6 | 9) | (Platform::Alipay, 1 | 4) => (Paying, Fen::ZERO),
        (Platform::WeChat, 5 | 7 | 8 | 10 | 11) => (NotPaid, Fen::ZERO),
        (_, other) => return Err(format!("unknown trade state {other}")),
    };
    Ok(PlatformOrder {
        out_trade_no: out_trade_no.to_string(),
        platform: *platform,
        state,
        transaction_id: transaction_id.clone(),
        total: *total,
        refunded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use PlatformOrderState::*;

    fn found(platform: Platform, trade_state: u32, transaction_id: &str) -> OrderFound {
        OrderFound::Found {
            platform,
            trade_state,
            total: Fen(2),
            transaction_id: transaction_id.into(),
            create_time: 1,
        }
    }

    fn state(platform: Platform, trade_state: u32, refunded: Option<i64>) -> Result<(PlatformOrderState, Fen), String> {
        platform_order("N", &found(platform, trade_state, "T"), refunded.map(Fen)).map(|o| (o.state, o.refunded))
    }

    #[test]
    fn trade_states_and_refunded_fee_make_the_order() {
        use Platform::*;
        for s in [2, 3] {
            assert_eq!(state(WeChat, s, None), Ok((Paid, Fen(0))), "WeChat {s} never refunded");
        }
        assert_eq!(state(WeChat, 4, Some(1)), Ok((Paid, Fen(1))));
        assert!(state(WeChat, 4, None).is_err(), "refunded, amount unknown");
        assert_eq!(state(Alipay, 2, Some(1)), Ok((Paid, Fen(1))));
        assert!(state(Alipay, 2, None).is_err(), "Alipay partial refunds are invisible to query_order");
        assert_eq!(state(Alipay, 5, Some(2)), Ok((Paid, Fen(2))), "fully refunded");
        assert_eq!(state(Alipay, 5, Some(0)), Ok((NotPaid, Fen(0))), "closed");
        assert!(state(Alipay, 5, None).is_err());
        assert_eq!(platform_order("N", &found(Alipay, 5, ""), None).map(|o| o.state), Ok(NotPaid));
        for s in [1, 6, 9] {
            assert_eq!(state(WeChat, s, None), Ok((Paying, Fen(0))));
        }
        assert_eq!(state(Alipay, 4, None), Ok((Paying, Fen(0))));
        for s in [5, 7, 8, 10, 11] {
            assert_eq!(state(WeChat, s, None), Ok((NotPaid, Fen(0))));
        }
        assert!(state(WeChat, 99, None).is_err());
        assert!(state(WeChat, 2, Some(3)).is_err(), "refunded above the total");
    }
}
