//! Test hook: `TILL_CRASH_AT=<point>` makes the process abort at that point, as a pulled plug
//! would (no destructors, no flush). The kill and power-cut tests use it to hit exact points of a
//! payment, a refund or a back-office delivery.

/// Aborts the process if `TILL_CRASH_AT` names `point`.
pub fn point(point: &str) {
    if std::env::var("TILL_CRASH_AT").is_ok_and(|v| v == point) {
        tracing::warn!(point, "TILL_CRASH_AT: aborting");
        std::process::abort();
    }
}
