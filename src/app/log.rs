//! Writes the core's log lines (`core::log::Log`, returned as `Effect::Log`) to the till's log, each
//! at its level with its fields: the core says what happened, the runtime does the writing.

use crate::core::log::Log;

pub(super) fn write(log: Log) {
    match log {
        Log::AutoSignInUnknown { number } => {
            tracing::warn!(number, "auto_sign_in names no enabled operator: sign in by hand")
        }
        Log::SettledListedOpen { order_id, status } => {
            tracing::error!(order_id, ?status, "a settled order listed as open: left in the store")
        }
        Log::SecondPartPaid { order_id } => {
            tracing::error!(order_id, "a second order with a part paid: left open in the store")
        }
        Log::ClockBeforeLastNumber { today, last_day } => {
            tracing::warn!(today, last_day, "the clock reads earlier than the last order number")
        }
        Log::StaleLookup { number } => {
            tracing::warn!(number, "a lookup answer older than what the screen shows: dropped")
        }
        Log::LookupBeforeReversal { number } => {
            tracing::warn!(number, "a lookup answer from before the payment was reversed: asked again")
        }
        Log::LatePaid { order_id, number } => tracing::warn!(order_id, number, "the platform says paid: a late paid"),
        Log::RefundWithoutOrder { out_refund_no } => {
            tracing::error!(refund = out_refund_no, "refund without its platform order: cannot be queried")
        }
        Log::NoPlatformTime => tracing::warn!("the payment platform tells no time: the till's clock is not checked"),
        Log::PlatformTimeBeforeBuild { platform_secs } => {
            tracing::warn!(platform_secs, "a platform time before the till was built: ignored")
        }
        Log::ClockChecked { skew_secs } => {
            tracing::info!(skew_secs, "the till's clock checked against the payment platform's")
        }
        Log::ClockBehindPlatform { behind_secs } => tracing::warn!(
            behind_secs,
            "the till's clock is behind the payment platform's: going on from the platform's time"
        ),
        Log::ClosedQrPaidLate { out_trade_no } => {
            tracing::warn!(out_trade_no, "a closed QR was paid late: recorded as paid")
        }
    }
}
