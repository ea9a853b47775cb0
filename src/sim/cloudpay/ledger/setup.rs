//! `GET /cpay/use_device_setting` on the simulated platform (reference §7.1): configuration codes valid
//! five minutes by the simulator's clock, each usable once, answering the demo device's settings.

use super::{Ledger, Plan, Reply};
use serde_json::json;

/// How long a configuration code is valid.
pub const SETUP_CODE_VALID_MS: i64 = 5 * 60 * 1000;

pub(super) struct SetupCode {
    si: String,
    issued_ms: i64,
    used: bool,
}

impl Ledger {
    /// Issues a configuration code: returns `(osi, si)` for the QR URL.
    pub fn issue_setup_code(&mut self) -> (String, String) {
        let si = format!("sz01SimCfg{:010}", self.setup_codes.len() + 1);
        let issued_ms = self.now_ms();
        self.setup_codes.push(SetupCode { si: si.clone(), issued_ms, used: false });
        (self.cfg.out_shop_id.clone(), si)
    }

    /// Answers a configuration request; `query` is the URL's query string.
    pub fn use_device_setting(&mut self, query: &str) -> Plan {
        let (mut osi, mut si, mut sn) = (String::new(), String::new(), String::new());
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "osi" => osi = value.into_owned(),
                "si" => si = value.into_owned(),
                "sn" => sn = value.into_owned(),
                _ => {}
            }
        }
        let now = self.now_ms();
        let shop = self.cfg.out_shop_id.clone();
        let code = self.setup_codes.iter_mut().find(|c| c.si == si && osi == shop);
        let answer = match code {
            _ if sn.is_empty() => json!({"status": 1, "description": "缺少设备序列号 / sn missing"}),
            None => json!({"status": 1, "description": "配置码无效 / unknown setting code"}),
            Some(c) if now - c.issued_ms >= SETUP_CODE_VALID_MS => {
                json!({"status": 2, "description": "配置二维码已过期 / setting code expired"})
            }
            Some(c) if c.used => json!({"status": 3, "description": "配置二维码已被使用 / setting code already used"}),
            Some(c) => {
                c.used = true;
                let device = crate::payments::cloudpay::CloudPayConfig::demo("");
                json!({"status": 0, "description": "", "use_device_setting": {
                    "out_mch_id": self.cfg.out_mch_id,
                    "out_sub_mch_id": self.cfg.out_sub_mch_id,
                    "cloud_cashier_id": self.cfg.order_prefix,
                    "authen_type": 1,
                    "authen_key": self.cfg.authen_key,
                    "out_shop_id": self.cfg.out_shop_id,
                    "shop_name": "测试便利店",
                    "device_id": device.device_id,
                    "device_name": "自助收银机1号",
                    "staff_id": device.staff_id,
                    "staff_name": "张三"
                }})
            }
        };
        Plan::now(Reply::Raw {
            status: 200,
            reason: "OK",
            content_type: "application/json",
            body: answer.to_string().into_bytes(),
        })
    }
}
