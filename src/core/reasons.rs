//! The till's own reasons for a payment or a refund that did not go through, as kept in the order's
//! record (the back office and the logs read them as they are). The cashier never reads them raw:
//! `i18n::reason` says each in shop words; a platform's own reason (e.g. "余额不足") is shown as given.

/// A payment the platform had no trace of after the grace period: nothing was charged.
pub const NOT_FOUND_NOT_CHARGED: &str = "order not found at the platform: not charged";
/// The attempt's number turned out to be another order's: nothing was charged under it for this sale.
pub const TAKEN_NOT_CHARGED: &str = "this number belongs to another order: not charged under it";
/// A payment saved as being sent when the till stopped.
pub const RESTARTED_DURING_PAYMENT: &str = "the till restarted during the payment";
/// The platform has no cancel: the payment is settled by querying.
pub const CANNOT_CANCEL: &str = "the platform cannot cancel: confirming by query";
/// A refund the platform had no trace of after the grace period: nothing was given back.
pub const NO_SUCH_REFUND: &str = "the platform has no such refund: nothing was refunded";
/// A refund saved as being sent when the till stopped.
pub const RESTARTED_DURING_REFUND: &str = "the till restarted during the refund";
/// The start of a reason for a call that never left the till (no connection, or not saved).
pub const NOT_SENT: &str = "not sent";
/// The start of the reason of a payment given up on after the wallet's deadline.
pub const NO_RESULT_AFTER: &str = "no result after";
