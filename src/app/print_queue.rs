//! Receipts waiting for the printer. A receipt that could not be printed stays here, in order, and
//! is tried again every few seconds until the printer takes it; the file (if any) keeps the queue
//! across a restart. Bounded: when full, a new receipt is refused and the oldest keep their place.

use crate::core::order::OrderId;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// Something to print, in order.
#[derive(Debug)]
pub enum PrintJob {
    /// A sale's receipt, then the platform's own slip for its payment, if it gave one.
    Sale(crate::core::order::Order),
    /// A refund's slip, then the platform's own slip for it, if it gave one.
    Refund { order: crate::core::order::Order, out_refund_no: String },
    /// The printer's test page.
    TestPage,
    /// A receipt again: the platform's slip if it gave one, else the till's receipt of the order.
    Reprint { order: Option<crate::core::order::Order>, platform_slip: Option<Vec<u8>> },
    /// An X or Z report.
    Report(Box<crate::core::office::report::Report>),
    /// The QR the customer scans, on a slip.
    Qr {
        out_trade_no: String,
        platform: crate::core::code::Platform,
        amount: crate::core::money::Fen,
        code_url: String,
        expires_at: crate::core::clock::Millis,
    },
    /// A goods-in or stock-count sheet applied.
    Stock(Box<crate::core::stocktake::StockSheet>),
    /// Kick the cash drawer now (between receipts, never queued for later: a drawer that opens
    /// minutes after the sale is worse than one the cashier opens by key).
    OpenDrawer,
}

/// One receipt as the printer will get it, and the preview the screen shows once it is printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedReceipt {
    pub order_id: OrderId,
    #[serde(with = "hex_bytes")]
    pub bytes: Vec<u8>,
    pub preview: Vec<String>,
    /// The cashier has been told it did not print (told once, not on every retry).
    #[serde(default)]
    pub reported: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The queue holds `limit` receipts already. Cashier sees: "… receipts waiting for the printer:
    /// this one was not kept" and reprints it later from the order lookup.
    #[error("{0} receipts are waiting for the printer: this one was not kept")]
    Full(usize),
    /// The queue file cannot be read or written. The queue keeps working in memory.
    #[error("print queue file {path}: {reason}")]
    File { path: PathBuf, reason: String },
}

struct Inner {
    items: VecDeque<QueuedReceipt>,
    file: Option<PathBuf>,
}

/// Shared between the print task and whoever shows how many receipts wait.
#[derive(Clone)]
pub struct PrintQueue {
    inner: Arc<Mutex<Inner>>,
    pending: watch::Sender<usize>,
    limit: usize,
    retry: Duration,
}

impl PrintQueue {
    pub fn in_memory(limit: usize, retry: Duration) -> PrintQueue {
        PrintQueue {
            inner: Arc::new(Mutex::new(Inner { items: VecDeque::new(), file: None })),
            pending: watch::Sender::new(0),
            limit: limit.max(1),
            retry,
        }
    }

    /// A queue kept in `file`, with what a previous run left in it. An unreadable file is set
    /// aside (renamed `.bad`) rather than stopping the till.
    pub fn persistent(file: &Path, limit: usize, retry: Duration) -> Result<PrintQueue, QueueError> {
        let q = PrintQueue::in_memory(limit, retry);
        let items = match std::fs::read(file) {
            Ok(text) => match serde_json::from_slice::<VecDeque<QueuedReceipt>>(&text) {
                Ok(items) => items,
                Err(e) => {
                    tracing::error!(path = %file.display(), error = %e, "print queue file unreadable: set aside");
                    let _ = std::fs::rename(file, file.with_extension("bad"));
                    VecDeque::new()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => VecDeque::new(),
            Err(e) => return Err(QueueError::File { path: file.into(), reason: e.to_string() }),
        };
        {
            let mut inner = q.lock();
            inner.items = items;
            inner.file = Some(file.to_path_buf());
            q.pending.send_replace(inner.items.len());
        }
        Ok(q)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Receipts waiting, the one being printed included.
    pub fn pending(&self) -> usize {
        *self.pending.borrow()
    }

    /// Follows [`PrintQueue::pending`] as it changes.
    pub fn watch(&self) -> watch::Receiver<usize> {
        self.pending.subscribe()
    }

    /// How long to wait before trying the printer again.
    pub fn retry(&self) -> Duration {
        self.retry
    }

    /// Puts a receipt at the back of the line.
    pub fn push(&self, receipt: QueuedReceipt) -> Result<(), QueueError> {
        let mut inner = self.lock();
        if inner.items.len() >= self.limit {
            return Err(QueueError::Full(inner.items.len()));
        }
        inner.items.push_back(receipt);
        self.changed(&inner);
        Ok(())
    }

    /// The receipt to print next.
    pub fn front(&self) -> Option<QueuedReceipt> {
        self.lock().items.front().cloned()
    }

    /// The front receipt is printed.
    pub fn pop_front(&self) {
        let mut inner = self.lock();
        inner.items.pop_front();
        self.changed(&inner);
    }

    /// Marks every waiting receipt as reported; returns those that were not yet.
    pub fn report_all(&self) -> Vec<OrderId> {
        let mut inner = self.lock();
        let mut fresh = Vec::new();
        for r in inner.items.iter_mut().filter(|r| !r.reported) {
            r.reported = true;
            fresh.push(r.order_id);
        }
        if !fresh.is_empty() {
            self.changed(&inner);
        }
        fresh
    }

    fn changed(&self, inner: &Inner) {
        self.pending.send_replace(inner.items.len());
        if let Some(file) = &inner.file
            && let Err(e) = save(file, &inner.items)
        {
            tracing::error!(path = %file.display(), error = %e, "print queue not saved: kept in memory");
        }
    }
}

/// Written to a temporary file and renamed, so a crash leaves the old queue or the new one.
fn save(file: &Path, items: &VecDeque<QueuedReceipt>) -> std::io::Result<()> {
    let tmp = file.with_extension("tmp");
    let json = serde_json::to_vec(items).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, file)
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(order_id: OrderId) -> QueuedReceipt {
        QueuedReceipt { order_id, bytes: vec![0x1B, b'@', order_id as u8], preview: vec![], reported: false }
    }

    #[test]
    fn keeps_order_refuses_past_its_limit_and_reports_each_receipt_once() {
        let q = PrintQueue::in_memory(2, Duration::from_secs(3));
        let watch = q.watch();
        q.push(receipt(1)).expect("first");
        q.push(receipt(2)).expect("second");
        assert!(matches!(q.push(receipt(3)), Err(QueueError::Full(2))));
        assert_eq!((q.pending(), *watch.borrow()), (2, 2));
        assert_eq!(q.report_all(), vec![1, 2]);
        assert_eq!(q.report_all(), Vec::<OrderId>::new());
        assert_eq!(q.front().map(|r| r.order_id), Some(1));
        q.pop_front();
        assert_eq!(q.front().map(|r| r.order_id), Some(2));
        assert_eq!(*watch.borrow(), 1);
    }

    #[test]
    fn a_restart_finds_the_receipts_still_waiting_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("print-queue.json");
        let q = PrintQueue::persistent(&file, 10, Duration::from_secs(3)).expect("open");
        for id in [7, 8, 9] {
            q.push(receipt(id)).expect("push");
        }
        q.pop_front();
        drop(q);
        let again = PrintQueue::persistent(&file, 10, Duration::from_secs(3)).expect("reopen");
        assert_eq!(again.pending(), 2);
        assert_eq!(again.front(), Some(receipt(8)));
        std::fs::write(&file, b"not json").expect("spoil");
        let fresh = PrintQueue::persistent(&file, 10, Duration::from_secs(3)).expect("set aside");
        assert_eq!(fresh.pending(), 0);
        assert!(file.with_extension("bad").exists());
    }
}
