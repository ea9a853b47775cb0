//! This device's Cloud Pay settings (reference §3.1, §3.4) and how they fill the request headers.

use super::proto::{OrderClient, PayMchKey, platform_numbers};
use crate::core::code::Platform;
use serde::{Deserialize, Serialize};
use std::fmt;

fn default_terminal_type() -> u32 {
    4 // linux
}
/// The reference's placeholder model code (§7): Cloud Pay allocates the real one per device model
/// (open question 11). Always sent, because the acceptance guide makes it mandatory.
pub const DEFAULT_SUB_TERMINAL_TYPE: u32 = 50200;
fn default_sub_terminal_type() -> u32 {
    DEFAULT_SUB_TERMINAL_TYPE
}
fn default_base_urls() -> Vec<String> {
    ["https://pay.qcloud.com", "https://sz.pay.qcloud.com", "https://sh.pay.qcloud.com", "https://tj.pay.qcloud.com"]
        .map(String::from)
        .to_vec()
}
fn default_timeout_ms() -> u64 {
    10_000 // the official SDK's read timeout (reference §1)
}
fn default_connect_timeout_ms() -> u64 {
    3_000
}

/// This device's Cloud Pay settings, as received from `use_device_setting` plus local choices.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudPayConfig {
    pub out_mch_id: String,
    pub out_sub_mch_id: String,
    pub out_shop_id: String,
    /// The 8-digit order-number prefix every out_trade_no starts with.
    pub cloud_cashier_id: String,
    /// The HMAC key: a secret, never printed (see the `Debug` impl).
    pub authen_key: String,
    pub device_id: String,
    pub staff_id: String,
    #[serde(default = "default_terminal_type")]
    pub terminal_type: u32,
    /// Allocated by Cloud Pay per device model; always on the wire. Defaults to
    /// [`DEFAULT_SUB_TERMINAL_TYPE`], the reference's placeholder, until Cloud Pay allocates ours.
    #[serde(default = "default_sub_terminal_type")]
    pub sub_terminal_type: u32,
    pub machine_no: String,
    pub sdk_version: String,
    pub spbill_create_ip: String,
    pub sn_code: String,
    /// The platform's domains in failover order; requests go to `<base>/cpay/<interface>`.
    #[serde(default = "default_base_urls")]
    pub base_urls: Vec<String>,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
}

impl fmt::Debug for CloudPayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudPayConfig")
            .field("out_mch_id", &self.out_mch_id)
            .field("out_sub_mch_id", &self.out_sub_mch_id)
            .field("out_shop_id", &self.out_shop_id)
            .field("cloud_cashier_id", &self.cloud_cashier_id)
            .field("authen_key", &"***")
            .field("device_id", &self.device_id)
            .field("staff_id", &self.staff_id)
            .field("terminal_type", &self.terminal_type)
            .field("sub_terminal_type", &self.sub_terminal_type)
            .field("machine_no", &self.machine_no)
            .field("sdk_version", &self.sdk_version)
            .field("spbill_create_ip", &self.spbill_create_ip)
            .field("sn_code", &self.sn_code)
            .field("base_urls", &self.base_urls)
            .field("timeout_ms", &self.timeout_ms)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .finish()
    }
}

impl CloudPayConfig {
    /// The reference's fictional device (§7), which the simulator accepts by default: for the demo
    /// and tests, pointed at one base URL.
    pub fn demo(base_url: &str) -> CloudPayConfig {
        CloudPayConfig {
            out_mch_id: "sz01SimMchA1b2C3d4E5".into(),
            out_sub_mch_id: "sz01SimSubF6g7H8i9J0".into(),
            out_shop_id: "sz01SimShopK1l2M3n4O".into(),
            cloud_cashier_id: "01000052".into(),
            authen_key: "SimAuthenKey0123456789abcdefABCD".into(),
            device_id: "kiosk-01".into(),
            staff_id: "1001".into(),
            terminal_type: 4,
            sub_terminal_type: DEFAULT_SUB_TERMINAL_TYPE,
            machine_no: "PI4B0000C0FFEE".into(),
            sdk_version: "rs0.1".into(),
            spbill_create_ip: "192.168.1.50".into(),
            sn_code: "PI4B0000C0FFEE".into(),
            base_urls: vec![base_url.to_string()],
            timeout_ms: default_timeout_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
        }
    }

    /// A till not set up yet: no merchant, no key, the real domains. Scanning the merchant's
    /// configuration code fills it in (`DeviceSetting::apply_to`).
    pub fn blank() -> CloudPayConfig {
        CloudPayConfig {
            out_mch_id: String::new(),
            out_sub_mch_id: String::new(),
            out_shop_id: String::new(),
            cloud_cashier_id: String::new(),
            authen_key: String::new(),
            device_id: String::new(),
            staff_id: String::new(),
            terminal_type: default_terminal_type(),
            sub_terminal_type: DEFAULT_SUB_TERMINAL_TYPE,
            machine_no: String::new(),
            sdk_version: "rs0.1".into(),
            spbill_create_ip: String::new(),
            sn_code: String::new(),
            base_urls: default_base_urls(),
            timeout_ms: default_timeout_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
        }
    }

    /// Whether the platform's settings are in (a key and an order prefix).
    pub fn is_set_up(&self) -> bool {
        !self.authen_key.is_empty() && !self.cloud_cashier_id.is_empty()
    }

    pub fn pay_mch_key(&self, platform: Platform) -> PayMchKey {
        let (pay_platform, sub) = platform_numbers(platform);
        PayMchKey {
            pay_platform,
            sub_pay_platform: Some(sub),
            out_mch_id: self.out_mch_id.clone(),
            out_sub_mch_id: self.out_sub_mch_id.clone(),
            out_shop_id: self.out_shop_id.clone(),
        }
    }

    /// The terminal info naming `staff_id` (the operator signed in) instead of the configured one.
    pub fn order_client_for(&self, staff_id: Option<&str>) -> OrderClient {
        let mut client = self.order_client();
        if let Some(id) = staff_id.filter(|s| !s.is_empty()) {
            client.staff_id = id.to_string();
        }
        client
    }

    pub fn order_client(&self) -> OrderClient {
        OrderClient {
            device_id: self.device_id.clone(),
            staff_id: self.staff_id.clone(),
            terminal_type: self.terminal_type,
            sub_terminal_type: Some(self.sub_terminal_type),
            machine_no: Some(self.machine_no.clone()),
            sdk_version: self.sdk_version.clone(),
            spbill_create_ip: self.spbill_create_ip.clone(),
            sn_code: Some(self.sn_code.clone()),
        }
    }
}
