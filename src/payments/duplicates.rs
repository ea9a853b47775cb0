//! Numbers a platform answered "duplicate" (Cloud Pay 407, 微收银 `err="duplicate"`): the number was
//! taken by an earlier order. Only for these is a query's "paid" checked against the attempt's start
//! (see [`QueryCall::predates_attempt`]); elsewhere a till clock that runs ahead of the platform's
//! must not turn a customer's real payment into "not charged".

use crate::core::QueryCall;
use crate::core::clock::Millis;
use std::collections::VecDeque;
use std::sync::Mutex;

/// The most numbers kept (oldest forgotten first): a till never has this many in doubt.
const KEPT: usize = 64;

#[derive(Debug, Default)]
pub struct Duplicates(Mutex<VecDeque<String>>);

impl Duplicates {
    /// The platform answered the payment under `number` "duplicate".
    pub fn note(&self, number: &str) {
        let mut seen = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !seen.iter().any(|n| n == number) {
            if seen.len() == KEPT {
                seen.pop_front();
            }
            seen.push_back(number.to_string());
        }
    }

    /// `call` as the answer to its query is to be read: with the attempt's start only if its number
    /// was answered "duplicate", else unchecked (start 0).
    pub fn checked(&self, call: &QueryCall) -> QueryCall {
        let seen = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // The core keeps "number taken" on the order (this memory is lost at a restart).
        if call.after == crate::core::QueryAfter::NumberTaken || seen.iter().any(|n| *n == call.out_trade_no) {
            call.clone()
        } else {
            QueryCall { started_at: Millis(0), ..call.clone() }
        }
    }
}
