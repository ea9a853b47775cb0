//! The office's IO: the orders of a period read off the render loop, shifts and the closed day
//! written (the Z report queued for the back office in the same transaction), reports printed,
//! CSV exports written.

use super::print_queue::PrintJob;
use crate::core::office::csv;
use crate::core::office::day::Day;
use crate::core::office::report::{self, Period};
use crate::core::office::shift::Shift;
use crate::core::office::{OfficeEffect, OfficeMsg, ZMark, ZRecord};
use crate::core::order::Order;
use crate::core::{Lang, Msg};
use crate::store::{Dispatch, OutboxKind, Put, Store, StoreError, Table};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// The orders with anything in `period` (or a carried refund). The one filter over the store: a
/// range index can replace the scan here without touching the callers.
pub fn orders_for(store: &dyn Store, period: &Period, carried: &[String]) -> Result<Vec<Order>, StoreError> {
    Ok(store.orders()?.into_iter().filter(|o| report::touches(o, period, carried)).collect())
}

fn shift_key(id: u64) -> String {
    format!("shift/{id:010}")
}

fn z_key(number: u32) -> String {
    format!("z/{number:010}")
}

fn corrupt(key: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt { key: format!("shifts/{key}"), reason: e.to_string() }
}

/// The shift records at start: every shift, and the last closed day.
pub fn restore(store: &dyn Store) -> Result<OfficeMsg, StoreError> {
    let mut shifts = Vec::new();
    let mut last_z: Option<ZRecord> = None;
    for (key, value) in store.records(Table::Shifts)? {
        if key.starts_with("shift/") {
            shifts.push(serde_json::from_str::<Shift>(&value).map_err(|e| corrupt(&key, e))?);
        } else if key.starts_with("z/") {
            // Keys sort by number: the last one read is the newest.
            last_z = Some(serde_json::from_str::<ZRecord>(&value).map_err(|e| corrupt(&key, e))?);
        }
    }
    let last_z = last_z.map(|z| ZMark { number: z.number, at: z.closed_at, carried: z.report.carried });
    Ok(OfficeMsg::Restored { shifts, last_z })
}

fn json_put<T: serde::Serialize>(key: String, value: &T) -> Result<Put, StoreError> {
    Put::json(Table::Shifts, key.clone(), value).map_err(|e| corrupt(&key, e))
}

/// The back office's copy of a closed day: queued once under `zreport:<n>`.
pub fn z_dispatch(z: &ZRecord) -> Result<Dispatch, StoreError> {
    Ok(Dispatch {
        kind: OutboxKind::ZReport,
        key: format!("zreport:{}", z.number),
        subject: format!("z:{}", z.number),
        field: "zreport",
        content: serde_json::to_value(z).map_err(|e| corrupt(&z_key(z.number), e))?,
    })
}

/// The closed shift, the Z record and its dispatch: one transaction, flushed.
pub fn close_day(store: &dyn Store, shift: Option<&Shift>, z: &ZRecord) -> Result<(), StoreError> {
    let mut puts = Vec::new();
    if let Some(s) = shift {
        puts.push(json_put(shift_key(s.id), s)?);
    }
    puts.push(json_put(z_key(z.number), z)?);
    store.write_records(&puts, Some(&z_dispatch(z)?))
}

pub fn save_shift(store: &dyn Store, shift: &Shift) -> Result<(), StoreError> {
    store.write_records(&[json_put(shift_key(shift.id), shift)?], None)
}

/// `till-20261122.csv`, or `till-20261101-20261122.csv` for a range.
pub fn export_name(from: Day, to: Day) -> String {
    if from == to {
        format!("till-{}.csv", from.compact())
    } else {
        format!("till-{}-{}.csv", from.compact(), to.compact())
    }
}

/// Writes the CSV of `period` to `out` (flushed to the device: a USB stick may be pulled next).
/// Returns the number of rows.
pub fn export_csv(
    store: &dyn Store,
    period: &Period,
    utc_offset_minutes: i32,
    lang: Lang,
    out: &Path,
) -> anyhow::Result<usize> {
    use anyhow::Context;
    use std::io::Write;
    let orders = orders_for(store, period, &[])?;
    let rows = csv::rows(&orders, period, utc_offset_minutes);
    let text = csv::write(&crate::i18n::csv_header(lang), &rows);
    let mut file = std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", out.display()))?;
    file.sync_all().with_context(|| format!("cannot flush {}", out.display()))?;
    Ok(rows.len())
}

/// One line for the cashier from an error chain.
fn one_line(e: &anyhow::Error) -> String {
    format!("{e:#}").replace('\n', " ")
}

/// Runs one office effect. Writes are awaited (the batch is durable when it ends); reads and
/// exports run beside the till and answer with a message.
pub(super) async fn run(
    effect: OfficeEffect,
    store: &Arc<dyn Store>,
    msgs: &UnboundedSender<Msg>,
    receipts: &UnboundedSender<PrintJob>,
    lang: Lang,
) {
    match effect {
        OfficeEffect::LoadOrders { ticket, period, carried } => {
            let (store, msgs) = (store.clone(), msgs.clone());
            tokio::spawn(async move {
                let read = tokio::task::spawn_blocking(move || orders_for(store.as_ref(), &period, &carried)).await;
                let result = match read {
                    Ok(Ok(orders)) => Ok(orders),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(error) = &result {
                    tracing::error!(%error, "office: orders could not be read");
                }
                let _ = msgs.send(Msg::Office(OfficeMsg::OrdersLoaded { ticket, result }));
            });
        }
        OfficeEffect::SaveShift(shift) => {
            let s = store.clone();
            let id = shift.id;
            let done = tokio::task::spawn_blocking(move || save_shift(s.as_ref(), &shift)).await;
            let (why, error) = match done {
                Ok(Ok(())) => {
                    tracing::info!(shift = id, "shift saved");
                    return;
                }
                Ok(Err(e)) => (e.save_failure(), e.to_string()),
                Err(e) => (crate::core::SaveFailure::TillFault, e.to_string()),
            };
            tracing::error!(shift = id, %error, "shift not saved");
            let _ = msgs.send(Msg::Office(OfficeMsg::SaveFailed { why }));
        }
        OfficeEffect::CloseDay { shift, z } => {
            let s = store.clone();
            let number = z.number;
            let done = tokio::task::spawn_blocking(move || close_day(s.as_ref(), shift.as_ref(), &z)).await;
            let msg = match done {
                Ok(Ok(())) => {
                    tracing::info!(number, "day closed: Z report written and queued");
                    OfficeMsg::DayClosed { number }
                }
                Ok(Err(e)) => OfficeMsg::CloseDayFailed { error: e.to_string() },
                Err(e) => OfficeMsg::CloseDayFailed { error: e.to_string() },
            };
            if let OfficeMsg::CloseDayFailed { error } = &msg {
                tracing::error!(number, %error, "day not closed");
            }
            let _ = msgs.send(Msg::Office(msg));
        }
        OfficeEffect::Print(report) => {
            let _ = receipts.send(PrintJob::Report(Box::new(report)));
        }
        OfficeEffect::ExportCsv { period, from, to, dir, utc_offset_minutes } => {
            let (store, msgs) = (store.clone(), msgs.clone());
            tokio::task::spawn_blocking(move || {
                let dir = PathBuf::from(dir);
                let path = dir.join(export_name(from, to));
                let result = if dir.is_dir() {
                    export_csv(store.as_ref(), &period, utc_offset_minutes, lang, &path)
                } else {
                    Err(anyhow::anyhow!("{} is not there (is the USB stick in?)", dir.display()))
                };
                let msg = match result {
                    Ok(rows) => {
                        tracing::info!(path = %path.display(), rows, "exported");
                        OfficeMsg::Exported { path: path.display().to_string(), rows }
                    }
                    Err(e) => {
                        tracing::error!(error = %one_line(&e), "export failed");
                        OfficeMsg::ExportFailed { error: one_line(&e) }
                    }
                };
                let _ = msgs.send(Msg::Office(msg));
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::Millis;
    use crate::core::money::Fen;
    use crate::core::office::report::ReportKind;
    use crate::store::RedbStore;

    fn z(number: u32, shift: &Shift) -> ZRecord {
        let period = Period { from: None, to: Millis(5_000) };
        let mut report = report::compute(&[], period, &[]);
        report.kind = ReportKind::Z { number };
        report.shifts = vec![shift.clone()];
        report.carried = vec!["R9".into()];
        ZRecord { number, closed_at: Millis(5_000), report }
    }

    #[test]
    fn a_closed_day_is_written_with_its_shift_and_queued_for_the_back_office_exactly_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("store");
        let mut shift = Shift::open(1, "01", Millis(1_000), Fen(20_000));
        save_shift(&store, &shift).expect("open shift");
        assert!(store.outbox_pending(10).expect("outbox").is_empty(), "a shift alone is not sent");
        shift.close_with(Millis(4_000), Default::default(), Fen(20_000), "");
        let day = z(1, &shift);
        close_day(&store, Some(&shift), &day).expect("close");
        // A retry of the same close (the answer was lost) queues nothing new.
        close_day(&store, Some(&shift), &day).expect("again");
        let pending = store.outbox_pending(10).expect("outbox");
        let keys: Vec<_> = pending.iter().map(|r| (r.key.as_str(), r.kind)).collect();
        assert_eq!(keys, [("zreport:1", OutboxKind::ZReport)]);
        let body: serde_json::Value = serde_json::from_str(&pending[0].body).expect("json");
        assert_eq!(body["zreport"]["number"], 1);
        assert_eq!(body["zreport"]["report"]["kind"]["kind"], "z");
        assert_eq!(body["zreport"]["report"]["total"]["sales"]["amount"], 0, "amounts in fen");
        // The back office reads it as a Z report (the contract in crates/till-proto).
        match till_proto::read_body(&pending[0].body, "zreport:1") {
            Ok(till_proto::record::Record::ZReport(r)) => assert_eq!((r.seq, r.zreport.number), (1, 1)),
            other => panic!("not a Z report to the back office: {other:?}"),
        }
        drop(store);
        let store = RedbStore::open(dir.path()).expect("reopen");
        let OfficeMsg::Restored { shifts, last_z } = restore(&store).expect("restore") else { panic!("restored") };
        assert_eq!(shifts, [shift.clone()]);
        assert_eq!(last_z, Some(ZMark { number: 1, at: Millis(5_000), carried: vec!["R9".into()] }));
        close_day(&store, None, &z(2, &shift)).expect("next day");
        let keys: Vec<_> = store.outbox_pending(10).expect("outbox").into_iter().map(|r| r.key).collect();
        assert_eq!(keys, ["zreport:1", "zreport:2"]);
    }

    #[test]
    fn a_damaged_shift_record_is_reported_not_guessed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("store");
        let bad = Put { table: Table::Shifts, key: "shift/0000000001".into(), value: Some("{".into()) };
        store.write_records(&[bad], None).expect("write");
        assert!(matches!(restore(&store), Err(StoreError::Corrupt { .. })));
    }

    #[test]
    fn export_names_say_the_days() {
        let d = Day::parse("2026-11-22").expect("day");
        assert_eq!(export_name(d, d), "till-20261122.csv");
        assert_eq!(export_name(d.plus(-21), d), "till-20261101-20261122.csv");
    }
}
