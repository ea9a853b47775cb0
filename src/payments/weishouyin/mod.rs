//! 微收银 (weishouyin) aggregated payment platform, terminal interface V4.0: signing ([`sign`]), amounts
//! ([`amount`]), answers ([`xml`]), receipts ([`printinfo`]), requests and verdicts ([`proto`]), the
//! HTTP transport and [`Gateway`](crate::payments::Gateway) ([`client`]), activation and configuration
//! ([`setup`]). See `docs/reference/weishouyin-protocol.md` ("reference §n") and
//! `docs/weishouyin.md`.
//!
//! # Choices where the reference is silent ([G])
//!
//! * Micropay also sends `no=<out_trade_no>`; every answer about that order echoes it in `no`. An
//!   answer echoing another number is `Unknown`.
//! * After status −1 (`QueryAfter::UserPaying`) the till asks `action=query&no=…`; after no or an
//!   untrusted answer (`QueryAfter::Unknown`) `action=query_timeout&no=…`. Both answer a `<dm …>` like
//!   micropay: `ok="1"` paid, `ok="-1"` customer paying, `ok="0"` failed with the reason in `info`;
//!   `ok="0" err="notfound"` no such order (`Verdict::NotFound`).
//! * `ok="0" err="duplicate"` (the `no` is taken by another amount or code) and `ok="0" info="sign
//!   error"` are `Unknown`, never `Failed`: the first may hide a paid order, the second is not an
//!   answer the till can trust to say "not charged".
//! * `read` accepts `dm_id` or `no`; an unpaid bill answers `ok="-1"` / `ok="0"` with its `dm_id`.
//! * `paytype` is `alipay` / `wxpay`; `pay_type` codes are 4 WeChat Pay, 3 Alipay.
//! * Activation: `{base_url}/o2o-dm/activate.php`, `code=…` (unsigned) →
//!   `<device ok="1" device_id="57206" key="…"/>`, refusal `ok="0" info="…"`.
//! * Pay configuration: `{base_url}/o2o-dm/config.php`, signed `device_id` →
//!   `<config ok="1" server="http://…" company="…" …/>`; `ok="0" err="device"` = activate again.
//! * Time: `{server}/o2o_dmprinter/time.php`, signed `device_id` →
//!   `<time ok="1" now="2018-04-22 09:29:39" unix="1524360579"/>`.
//! * Signatures are sent in lower-case hex; answers are compared case-insensitively; empty values
//!   are signed as `name=`. Requests are form-encoded UTF-8 POSTs; reprint is an unsigned GET.
//! * There is no cancel (`CancelVerdict::Unsupported`). A refund's id is `dm_id` + the unix time of
//!   its `pay_time` (the read answer's record id pattern); a refund confirmed by `query_refund`
//!   (read: `-(refund_total) >= refunded_before + amount`) gets `dm_id/out_refund_no`.
//! * A `printinfo` backslash not starting a valid `\xNN` escape is printed literally.

pub mod amount;
pub mod client;
pub mod config;
pub mod printinfo;
pub mod proto;
pub mod setup;
pub mod sign;
pub mod xml;

pub use client::{MAX_ANSWER_BYTES, WeishouyinClient, WeishouyinError};
pub use config::{Device, DeviceFileError, TEST_ACTIVATION_CODE, WeishouyinConfig, load_device, save_device};
pub use setup::{PayConfig, ServerTime, activate};
