//! Tencent Cloud Pay (腾讯云支付) device API: pure codec and signing ([`sign`], [`proto`]) and the
//! HTTP transport ([`client`]). See `/work/shared/reference/cloudpay-protocol.md` (cited as "reference §n").

pub mod client;
pub mod config;
pub mod proto;
pub mod sign;

pub use client::{CloudPayClient, CloudPayError};
pub use config::CloudPayConfig;
