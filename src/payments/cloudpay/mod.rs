//! Tencent Cloud Pay (腾讯云支付) device API: pure codec and signing ([`sign`], [`proto`], [`refund`],
//! [`lookup`]), the HTTP transport with domain failover ([`client`]), the [`crate::payments::Gateway`]
//! mapping ([`gateway`]) and device set-up by QR code ([`setup`]). See
//! `docs/reference/cloudpay-protocol.md` (cited as "reference §n").

pub mod client;
pub mod config;
mod gateway;
pub mod json_int;
pub mod lookup;
pub mod proto;
pub mod qr;
pub mod refund;
pub mod setup;
pub mod sign;

pub use client::{CloudPayClient, CloudPayError};
pub use config::CloudPayConfig;
pub use setup::{DeviceSetting, SetupError, SetupHttp, fetch_device_setting, load_device_setting, save_device_setting};
