//! The payment platforms as the till's `app` sees them: a [`Gateway`] takes the core's calls and
//! answers with a [`Verdict`], never an error — every failure is already mapped to what it means
//! for the money (`Unknown` when nobody can tell whether the customer was charged).

pub mod cloudpay;

use crate::core::{PayCall, QueryCall, Verdict};
use std::future::Future;

/// A payment platform that charges payment codes and answers order queries.
pub trait Gateway: Send + Sync {
    /// Charges the customer's payment code once for `call.out_trade_no`.
    fn micro_pay(&self, call: &PayCall) -> impl Future<Output = Verdict> + Send;
    /// Asks the platform what became of `call.out_trade_no`.
    fn query(&self, call: &QueryCall) -> impl Future<Output = Verdict> + Send;
}
