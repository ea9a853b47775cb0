//! Why a call across the IO boundary did not go through, as a kind the core can act on and the
//! cashier can be told in shop words (`i18n::failure`). Each IO module maps its own error enum to a
//! kind in one place (`payments::http::TransportError::failure`, each platform's protocol reader);
//! the details (a socket error, an HTTP status, the bytes that did not parse) go to the log only.
//!
//! The order's record keeps a reason as text (the back office and the logs read it as it is):
//! [`Failure::text`] writes it, [`Failure::from_text`] reads it back, also from records written
//! before the kinds existed; the attempt and refund states hold the kind ([`as_text`]).

use super::calls::NUMBER_TAKEN;
use super::reasons as r;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kinds of "it did not go through". `Debug` shows the kind with its kept text
/// (`NotSetUp("payment platform not set up")`), as logs and test messages read it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
pub enum Failure {
    /// The platform said no, in its own words (e.g. "余额不足"): shown as it gave them.
    Declined(String),
    /// The request never left the till (no connection, refused, no route): certainly not at the
    /// platform, no money moved, and the platform is taken as unreachable.
    NotSent,
    /// Not sent because the order (or refund) could not be saved first.
    NotSaved,
    /// No answer in time: the request may or may not have arrived.
    Timeout,
    /// The connection broke after the request may have left: the result is unknown.
    Network,
    /// The platform (or a proxy on the way) answered with an HTTP error.
    PlatformError,
    /// An answer that is not the platform's protocol (cut short, oversized, garbage).
    BadAnswer,
    /// An answer whose signature does not check: not trusted.
    BadSignature,
    /// The payment platform is not set up on this till.
    NotSetUp,
    /// 微收银 has not activated this till (or no longer knows it): a technician runs `till activate`.
    NotActivated,
    /// The till could not build the request (no random numbers): nothing was sent.
    TillFault,
    /// The platform answered that the number is taken by another order (see `Verdict::number_taken`).
    NumberTaken,
    /// The till's own reasons, kept on the order (`core::reasons`).
    NotFoundNotCharged,
    /// The attempt's number turned out to be another (or an earlier) order's.
    TakenNotCharged,
    /// A payment saved as being sent when the till stopped.
    RestartedDuringPayment,
    /// The platform has no cancel: settled by querying.
    CannotCancel,
    /// A refund the platform had no trace of after the grace period.
    NoSuchRefund,
    /// A refund saved as being sent when the till stopped.
    RestartedDuringRefund,
    /// A payment given up on after the wallet's deadline: being called off.
    NoResultInTime,
    /// A QR the cashier cancelled: being closed at the platform.
    QrCancelledByCashier,
    /// A QR nobody paid before it expired: being closed at the platform.
    QrExpired,
    /// No trusted answer to a QR request: closed at once, then watched.
    QrNoTrustedAnswer,
}

impl Failure {
    /// Every kind but the platform's own words.
    pub const KINDS: [Failure; 21] = [
        Failure::NotSent,
        Failure::NotSaved,
        Failure::Timeout,
        Failure::Network,
        Failure::PlatformError,
        Failure::BadAnswer,
        Failure::BadSignature,
        Failure::NotSetUp,
        Failure::NotActivated,
        Failure::TillFault,
        Failure::NumberTaken,
        Failure::NotFoundNotCharged,
        Failure::TakenNotCharged,
        Failure::RestartedDuringPayment,
        Failure::CannotCancel,
        Failure::NoSuchRefund,
        Failure::RestartedDuringRefund,
        Failure::NoResultInTime,
        Failure::QrCancelledByCashier,
        Failure::QrExpired,
        Failure::QrNoTrustedAnswer,
    ];

    /// The text kept on the order's record for this kind.
    pub fn text(&self) -> String {
        let text = match self {
            Failure::Declined(words) => return words.clone(),
            Failure::NotSent => "not sent: no connection to the platform",
            Failure::NotSaved => "not sent: the order could not be saved",
            Failure::Timeout => "no answer in time",
            Failure::Network => "network error: result unknown",
            Failure::PlatformError => "platform error",
            Failure::BadAnswer => "bad answer from the platform",
            Failure::BadSignature => "bad signature on the platform's answer",
            Failure::NotSetUp => "payment platform not set up",
            Failure::NotActivated => "payment device not activated: run till activate",
            Failure::TillFault => "the till could not build the request",
            Failure::NumberTaken => return format!("{NUMBER_TAKEN} by another order"),
            Failure::NotFoundNotCharged => r::NOT_FOUND_NOT_CHARGED,
            Failure::TakenNotCharged => r::TAKEN_NOT_CHARGED,
            Failure::RestartedDuringPayment => r::RESTARTED_DURING_PAYMENT,
            Failure::CannotCancel => r::CANNOT_CANCEL,
            Failure::NoSuchRefund => r::NO_SUCH_REFUND,
            Failure::RestartedDuringRefund => r::RESTARTED_DURING_REFUND,
            Failure::NoResultInTime => "no result after the wallet's deadline: cancelling",
            Failure::QrCancelledByCashier => "cancelled by the cashier: closing",
            Failure::QrExpired => "expired: closing",
            Failure::QrNoTrustedAnswer => "no trusted answer: closing",
        };
        text.to_string()
    }

    /// The kind of a reason kept as text (by [`Failure::text`], or by an older till): anything the
    /// till did not write itself is the platform's own words.
    pub fn from_text(text: &str) -> Failure {
        if let Some(kind) = Failure::KINDS.into_iter().find(|k| k.text() == text) {
            return kind;
        }
        match text {
            // "not sent: the refund could not be saved", as older tills wrote it.
            _ if text.starts_with(r::NOT_SENT) && text.ends_with("could not be saved") => Failure::NotSaved,
            _ if text.starts_with(r::NOT_SENT) => Failure::NotSent,
            _ if text.starts_with(NUMBER_TAKEN) => Failure::NumberTaken,
            _ if text.ends_with("not charged under it") => Failure::TakenNotCharged,
            _ if text.starts_with(r::NO_RESULT_AFTER) => Failure::NoResultInTime,
            // "no trusted answer (<why>): closing", as older tills wrote it.
            _ if text.starts_with("no trusted answer") && text.ends_with(": closing") => Failure::QrNoTrustedAnswer,
            _ => Failure::Declined(text.to_string()),
        }
    }

    /// Whether the request certainly never reached the platform for want of a connection: the
    /// platform is then taken as unreachable.
    pub fn never_left(&self) -> bool {
        matches!(self, Failure::NotSent)
    }
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind: &'static str = self.into();
        f.debug_tuple(kind).field(&self.text()).finish()
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

/// Serde for a reason an order's record keeps: written as its text ([`Failure::text`]), so records
/// and the order log stay readable and the same for the back office; read with
/// [`Failure::from_text`], so records written before the kinds (with the reason's detail in the
/// text) still load.
pub mod as_text {
    use super::*;

    pub fn serialize<S: Serializer>(failure: &Failure, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&failure.text())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Failure, D::Error> {
        String::deserialize(d).map(|text| Failure::from_text(&text))
    }
}

/// A platform's words (or a kept text read back): see [`Failure::from_text`].
impl From<&str> for Failure {
    fn from(text: &str) -> Failure {
        Failure::from_text(text)
    }
}

/// A kind against a kept text (a platform's words, a record's reason): equal when it is its text.
impl PartialEq<str> for Failure {
    fn eq(&self, text: &str) -> bool {
        match self {
            Failure::Declined(words) => words == text,
            kind => kind.text() == text,
        }
    }
}

impl From<String> for Failure {
    fn from(text: String) -> Failure {
        Failure::from_text(&text)
    }
}

/// Why an order (or an operator's record, or a shift) was not written to the till's disk: the
/// store's error (`store::StoreError::save_failure`) as the cashier is told it; its detail is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
pub enum SaveFailure {
    /// A read or write failed at the disk (full, failing, read-only).
    Disk,
    /// The store file is damaged or not the till's: nothing more is written to it.
    Damaged,
    /// The order number already belongs to another order (a store restored from an older export).
    NumberTaken,
    /// The till itself failed (a bug, no random numbers for a PIN's salt).
    TillFault,
}

/// Why a receipt (or a report, a slip) was not printed: the printer's error
/// (`devices::printer::PrinterError::print_failure`) as the cashier is told it; its detail is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
pub enum PrintFailure {
    /// The printer cannot be reached (unplugged, switched off, wrong device, refuses connections).
    NotAvailable,
    /// Printing stopped part-way (cable pulled, connection reset).
    Interrupted,
    /// The printer stopped taking data.
    Stuck,
    PaperOut,
    CoverOpen,
    /// The printer reports itself offline or in error (cutter jam, head too hot).
    Offline,
    /// The printer does not answer its status request (switched off, cable loose).
    NoAnswer,
    /// The queue of receipts waiting for the printer is full.
    QueueFull,
    /// A reprint with no receipt to print: the platform gave none and the till has no record.
    NothingToPrint,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_read_back_from_the_text_kept_on_the_order() {
        for kind in Failure::KINDS.into_iter().chain([Failure::Declined("余额不足".into())]) {
            assert_eq!(Failure::from_text(&kind.text()), kind);
        }
    }

    #[test]
    fn texts_written_by_older_tills_are_read_as_their_kind() {
        assert_eq!(Failure::from_text("not sent: error sending request: connection refused"), Failure::NotSent);
        assert_eq!(Failure::from_text("not sent: the refund could not be saved"), Failure::NotSaved);
        assert_eq!(Failure::from_text("no result after 45 s: cancelling"), Failure::NoResultInTime);
        assert_eq!(Failure::from_text("order number already used by another order: 407"), Failure::NumberTaken);
        assert_eq!(
            Failure::from_text("this number belongs to an earlier payment, not this one: not charged under it"),
            Failure::TakenNotCharged
        );
        assert_eq!(
            Failure::from_text("authen code check fail (101)"),
            Failure::Declined("authen code check fail (101)".into())
        );
        assert_eq!(
            Failure::from_text("no trusted answer (network error: result unknown): closing"),
            Failure::QrNoTrustedAnswer
        );
    }

    #[test]
    fn attempt_and_refund_states_keep_their_reason_as_text_and_read_older_texts() {
        use crate::core::order::{AttemptState, RefundState};
        let state = AttemptState::Failed { reason: Failure::NotSent };
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(json, r#"{"Failed":{"reason":"not sent: no connection to the platform"}}"#);
        assert_eq!(serde_json::from_str::<AttemptState>(&json).unwrap(), state);
        // Written by a till before the kinds, with the detail in the text.
        let old = r#"{"Cancelling":{"reason":"no result after 45 s: cancelling"}}"#;
        assert_eq!(
            serde_json::from_str::<AttemptState>(old).unwrap(),
            AttemptState::Cancelling { reason: Failure::NoResultInTime }
        );
        let old = r#"{"Unknown":{"reason":"not sent: error sending request: connection refused"}}"#;
        assert_eq!(
            serde_json::from_str::<RefundState>(old).unwrap(),
            RefundState::Unknown { reason: Failure::NotSent }
        );
        // A platform's own words are kept as they are, byte for byte.
        let declined = r#"{"Failed":{"reason":"余额不足"}}"#;
        let state = serde_json::from_str::<RefundState>(declined).unwrap();
        assert_eq!(state, RefundState::Failed { reason: Failure::Declined("余额不足".into()) });
        assert_eq!(serde_json::to_string(&state).unwrap(), declined);
    }
}
