//! Issue 18, the store at ten times today's scale: a cleanly closed store opens without the full
//! check; one not closed cleanly, or changed since, still gets it, and a damaged one is refused.

use super::MARKER;
use crate::core::Counters;
use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::order::{Line, Order, OrderStatus};
use crate::store::{FILE_NAME, RedbStore, Store, StoreError};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

/// A store with `n` paid sales, closed cleanly.
fn sales(dir: &Path, n: u64) {
    let s = RedbStore::open(dir).expect("open");
    for id in 1..=n {
        let mut o = Order::new(id, Millis(1), "01".into());
        let name = format!("商品 {id} with a name long enough to be deflated");
        o.lines.push(Line { barcode: format!("69{id:011}"), name, unit_price: Fen(350), qty: 2 });
        o.status = OrderStatus::Paid;
        o.number = Some(format!("N{id}"));
        s.save(&o, &Counters { next_order_id: id + 1, seq_day: 1, seq: 0 }).expect("save");
    }
}

#[test]
fn a_cleanly_closed_store_opens_without_the_full_check_and_is_read_whole_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    sales(dir.path(), 30);
    assert!(dir.path().join(MARKER).exists(), "the clean close left its marker");
    let s = RedbStore::open(dir.path()).expect("reopen");
    assert!(s.opened_without_full_check(), "a clean close: no full check");
    assert!(!dir.path().join(MARKER).exists(), "taken away before anything is written");
    assert!(s.verify().expect("read whole") >= 30);
    assert_eq!(s.orders().expect("orders").len(), 30);
    drop(s);
    assert!(RedbStore::open(dir.path()).expect("again").opened_without_full_check());
}

#[test]
fn a_store_not_closed_cleanly_gets_the_full_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    sales(dir.path(), 3);
    // A killed till or a power cut never drops the store: no marker.
    std::fs::remove_file(dir.path().join(MARKER)).expect("as a kill leaves it");
    let s = RedbStore::open(dir.path()).expect("reopen");
    assert!(!s.opened_without_full_check());
    assert_eq!(s.orders().expect("orders").len(), 3);
}

/// Waits (with a deadline) until the file system's clock has moved past `file`'s modification
/// time, so that a write now shows in it.
fn clock_moves_past(file: &Path) {
    let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).expect("mtime");
    let probe = file.with_extension("probe");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        std::fs::write(&probe, b"tick").expect("probe");
        if mtime(&probe) > mtime(file) {
            break;
        }
        assert!(Instant::now() < deadline, "the file system's clock did not move");
        std::thread::yield_now();
    }
    std::fs::remove_file(&probe).expect("probe");
    assert!(mtime(file) < SystemTime::now());
}

#[test]
fn a_store_damaged_after_its_clean_close_is_checked_fully_and_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    sales(dir.path(), 30);
    let file = dir.path().join(FILE_NAME);
    clock_moves_past(&file);
    // Every stored order (a deflated value starts 01 78 9c) overwritten in place: only the full
    // check, which reads every page's checksum, finds it.
    let mut bytes = std::fs::read(&file).expect("read");
    let found: Vec<usize> =
        bytes.windows(3).enumerate().filter(|(_, w)| *w == [1, 0x78, 0x9c]).map(|(i, _)| i).collect();
    assert!(!found.is_empty(), "the sales are in the file");
    for at in found {
        bytes[at + 3..at + 19].fill(b'#');
    }
    {
        use std::io::{Seek, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&file).expect("open");
        f.seek(std::io::SeekFrom::Start(0)).expect("seek");
        f.write_all(&bytes).expect("damage");
    }
    let before = std::fs::read(&file).expect("read");
    for _ in 0..2 {
        match RedbStore::open(dir.path()) {
            Err(StoreError::Damaged { .. }) => {}
            Err(e) => panic!("refused, but not as damaged: {e}"),
            Ok(_) => panic!("a damaged store was opened"),
        }
        assert_eq!(std::fs::read(&file).expect("read"), before, "the file is left as it is");
    }
}
