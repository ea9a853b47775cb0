//! What the core has to say to the till's log, as values: the core does no IO, so it returns these
//! as `Effect::Log` and the runtime writes them (`app/log.rs: write`, at the level each names).
//! Nothing here reaches the cashier; a notice does that.

use super::order::{OrderId, OrderStatus};
use serde::{Deserialize, Serialize};

/// One line for the log, with its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Log {
    /// `[operators] auto_sign_in` names no enabled operator: the cashier signs in by hand.
    AutoSignInUnknown { number: String },
    /// At start: a settled order the store listed as open is left in the store.
    SettledListedOpen { order_id: OrderId, status: OrderStatus },
    /// At start: a second order with a part paid is left open in the store.
    SecondPartPaid { order_id: OrderId },
    /// At start: the clock reads a day earlier than the last order number's.
    ClockBeforeLastNumber { today: u32, last_day: u32 },
    /// A lookup answer that knows less than the screen shows: dropped.
    StaleLookup { number: String },
    /// A lookup answer from before the payment was reversed: asked again.
    LookupBeforeReversal { number: String },
    /// The platform says paid an order the till has as unpaid: a late paid.
    LatePaid { order_id: OrderId, number: String },
    /// A refund recorded without its platform order: it cannot be queried.
    RefundWithoutOrder { out_refund_no: String },
    /// The payment platform's answer tells no time: the till's clock is not checked.
    NoPlatformTime,
    /// A platform time before the till was built: ignored.
    PlatformTimeBeforeBuild { platform_secs: i64 },
    /// The till's clock checked against the platform's (logged when the skew changes).
    ClockChecked { skew_secs: i64 },
    /// The till's clock is behind the platform's: going on from the platform's time.
    ClockBehindPlatform { behind_secs: i64 },
    /// A QR already closed was paid late: recorded as paid.
    ClosedQrPaidLate { out_trade_no: String },
}
