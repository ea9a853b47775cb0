//! The store on redb: orders survive reopening; what cannot be vouched for (a newer schema, a
//! damaged file, a sled store, a store in use) is refused with the files left byte for byte.

use super::*;
use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::order::{Line, OrderStatus};
use crate::store::FILE_NAME;
use std::path::Path;

fn order(id: OrderId, status: OrderStatus) -> Order {
    let mut o = Order::new(id, Millis(1), "01".into());
    o.lines.push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty: 2 });
    o.status = status;
    o
}

/// Every file in `dir` with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read"))
        })
        .collect();
    out.sort();
    out
}

/// A store with three orders, closed.
fn store_with_orders(dir: &Path) {
    store_with_orders_in(&RedbStore::open(dir).expect("open"));
}

fn store_with_orders_in(s: &RedbStore) {
    for id in 1..=3 {
        s.save(&order(id, OrderStatus::Open), &Counters { next_order_id: id + 1, seq_day: 1, seq: 0 }).expect("save");
    }
}

#[test]
fn saves_that_skip_unchanged_tables_still_keep_the_newest_counters_list_and_numbers() {
    // A save writes the open-orders set, the numbers and the counters only when they changed:
    // the same values again, then changed ones, then back, must all read back as last saved.
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (
        Counters { next_order_id: 4, seq_day: 250301, seq: 7 },
        Counters { next_order_id: 5, seq_day: 250301, seq: 8 },
    );
    {
        let s = RedbStore::open(dir.path()).expect("open");
        s.save(&order(1, OrderStatus::Open), &a).expect("save");
        s.save(&order(1, OrderStatus::Open), &a).expect("same again");
        s.save(&order(1, OrderStatus::Open), &b).expect("counters changed");
        let mut paid = order(1, OrderStatus::Paid);
        paid.number = Some("01000052250301010008".into());
        s.save(&paid, &b).expect("paid");
        s.save(&paid, &b).expect("paid again");
        s.save(&order(2, OrderStatus::Open), &a).expect("counters back");
    }
    let s = RedbStore::open(dir.path()).expect("reopen");
    let (open, c) = s.load_unsettled().expect("load");
    assert_eq!(open.iter().map(|o| o.id).collect::<Vec<_>>(), vec![2]);
    assert_eq!(c, Some(a));
    assert_eq!(s.order_by_number("01000052250301010008").expect("by number").map(|o| o.id), Some(1));
}

#[test]
fn saved_orders_survive_reopening_and_settled_ones_leave_the_unsettled_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let counters = Counters { next_order_id: 4, seq_day: 250301, seq: 7 };
    {
        let s = RedbStore::open(dir.path()).expect("open");
        s.save(&order(1, OrderStatus::Open), &counters).expect("save");
        s.save(&order(2, OrderStatus::Paying), &counters).expect("save");
        let mut paid = order(3, OrderStatus::Paid);
        paid.number = Some("01000052250301010007".into());
        s.save(&paid, &counters).expect("save");
        s.save(&order(1, OrderStatus::Voided), &counters).expect("save");
    }
    let s = RedbStore::open(dir.path()).expect("reopen");
    let (open, c) = s.load_unsettled().expect("load");
    assert_eq!(open.iter().map(|o| o.id).collect::<Vec<_>>(), vec![2]);
    assert_eq!(c, Some(counters));
    assert_eq!(s.orders().expect("all").len(), 3);
    assert_eq!(s.order_by_number("01000052250301010007").expect("by number").map(|o| o.id), Some(3));
    assert_eq!(s.order(1).expect("get").map(|o| o.status), Some(OrderStatus::Voided));
    assert_eq!(s.file(), dir.path().join(FILE_NAME));
    assert!(s.size_on_disk().expect("size") > 0);
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let s = RedbStore::open(dir.path()).expect("open");
        s.write(|txn| Ok(txn.open_table(META)?.insert(SCHEMA, b"99".as_slice()).map(|_| ())?)).expect("schema 99");
    }
    let before = files(dir.path());
    assert!(matches!(RedbStore::open(dir.path()), Err(StoreError::NewerSchema { found: 99 })));
    assert_eq!(files(dir.path()), before, "not a byte changed");
}

#[test]
fn a_damaged_record_is_reported_not_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let s = RedbStore::open(dir.path()).expect("open");
        s.save(&order(5, OrderStatus::Open), &Counters::default()).expect("save");
        s.write(|txn| Ok(txn.open_table(ORDERS)?.insert(5, b"{not json".as_slice()).map(|_| ())?)).expect("damage");
    }
    let s = RedbStore::open(dir.path()).expect("open");
    assert!(matches!(s.load_unsettled(), Err(StoreError::Corrupt { key, .. }) if key == "orders/5"));
    assert!(matches!(s.orders(), Err(StoreError::Corrupt { key, .. }) if key == "orders/5"));
    assert!(matches!(s.order(5), Err(StoreError::Corrupt { .. })));
}

#[test]
fn a_sled_store_of_an_earlier_till_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("conf"), b"segment_size: 524288\n").expect("conf");
    std::fs::write(dir.path().join("db"), [7u8; 4096]).expect("db");
    std::fs::write(dir.path().join("snap.0000000000001234"), [1u8; 100]).expect("snap");
    let before = files(dir.path());
    let e = RedbStore::open(dir.path()).err().expect("refused");
    assert!(matches!(e, StoreError::OldSled { .. }), "{e}");
    assert!(e.to_string().contains("till export"), "{e}");
    assert_eq!(files(dir.path()), before, "nothing written beside it either");
}

#[test]
fn a_damaged_file_is_refused_with_nothing_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    store_with_orders(dir.path());
    let file = dir.path().join(FILE_NAME);
    let pristine = std::fs::read(&file).expect("read");
    let len = pristine.len();
    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("emptied", Vec::new()),
        ("truncated to 10 bytes", pristine[..10].to_vec()),
        ("truncated to half", pristine[..len / 2].to_vec()),
        ("first 4 KiB zeroed", [vec![0u8; 4096], pristine[4096..].to_vec()].concat()),
        // Over every copy of an order's barcode: the live one among them, wherever redb put it.
        // Over every stored order (a deflated value starts 01 78 9c), wherever redb put it.
        ("orders overwritten with garbage", {
            let mut b = pristine.clone();
            let at: Vec<usize> =
                b.windows(3).enumerate().filter(|(_, w)| *w == [0x01, 0x78, 0x9c]).map(|(i, _)| i).collect();
            assert!(!at.is_empty(), "the orders are in the file");
            for i in at {
                b[i + 3..i + 19].fill(b'#');
            }
            b
        }),
    ];
    for (what, bytes) in damages {
        std::fs::write(&file, &bytes).expect("damage");
        match RedbStore::open(dir.path()) {
            Err(StoreError::Damaged { reason, .. }) => eprintln!("{what}: {reason}"),
            Err(e) => panic!("{what}: refused, but not as damaged: {e}"),
            Ok(s) => panic!("{what}: opened, {:?} orders", s.orders().map(|o| o.len())),
        }
        assert!(std::fs::read(&file).expect("read") == bytes, "{what}: the file was changed");
    }
    std::fs::write(&file, &pristine).expect("restore");
    assert_eq!(RedbStore::open(dir.path()).expect("pristine opens").orders().expect("orders").len(), 3);
}

#[test]
fn a_store_left_open_by_a_killed_till_reopens_with_everything_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let killed = tempfile::tempdir().expect("tempdir");
    let s = RedbStore::open(dir.path()).expect("open");
    for id in 1..=3 {
        s.save(&order(id, OrderStatus::Open), &Counters::default()).expect("save");
    }
    // A copy taken while the till has it open is what a kill leaves: not shut down cleanly, the
    // saves in the order log and in redb's unsynced commits.
    for name in [FILE_NAME, crate::store::LOG_FILE_NAME] {
        std::fs::copy(dir.path().join(name), killed.path().join(name)).expect("copy");
    }
    drop(s);
    let s = RedbStore::open(killed.path()).expect("a killed till's store opens");
    assert_eq!(s.load_unsettled().expect("load").0.len(), 3);
}

#[test]
fn a_store_in_use_is_refused_as_another_till_running() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = RedbStore::open(dir.path()).expect("open");
    let e = RedbStore::open(dir.path()).err().expect("second open refused");
    assert!(matches!(e, StoreError::Locked { .. }), "{e}");
    assert!(e.to_string().contains("another till is running"), "{e}");
    drop(first);
    RedbStore::open(dir.path()).expect("free once the first is closed");
}

#[test]
fn an_order_log_without_its_store_file_is_set_aside_not_applied_to_a_new_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    store_with_orders(dir.path());
    std::fs::remove_file(dir.path().join(FILE_NAME)).expect("the store file goes");
    let s = RedbStore::open(dir.path()).expect("a new store");
    assert!(s.orders().expect("orders").is_empty(), "another store's saves are not applied to a new one");
    let aside = dir.path().join(format!("{}.orphaned", crate::store::LOG_FILE_NAME));
    assert!(aside.exists(), "the old log is kept for recovery");
}

#[test]
fn a_log_record_that_is_whole_but_unreadable_is_refused_as_damage_with_nothing_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let killed = tempfile::tempdir().expect("tempdir");
    {
        // Redb's file as it was before the saves; the log with the saves in it.
        let s = RedbStore::open(dir.path()).expect("open");
        std::fs::copy(dir.path().join(FILE_NAME), killed.path().join(FILE_NAME)).expect("copy");
        store_with_orders_in(&s);
    }
    let log = std::fs::read(dir.path().join(crate::store::LOG_FILE_NAME)).expect("log");
    // The first record, its payload's kind byte changed and its checksum made right again.
    let mut bad = log.clone();
    bad[28] = 9;
    let len = u32::from_le_bytes(bad[20..24].try_into().expect("len")) as usize;
    let mut h = crc32fast::Hasher::new();
    h.update(&bad[..24]);
    h.update(&bad[28..28 + len]);
    bad[24..28].copy_from_slice(&h.finalize().to_le_bytes());
    let path = killed.path().join(crate::store::LOG_FILE_NAME);
    std::fs::write(&path, &bad).expect("write");
    let before = files(killed.path());
    let e = RedbStore::open(killed.path()).err().expect("refused");
    assert!(matches!(e, StoreError::Damaged { .. }), "{e}");
    assert!(e.to_string().contains("orders.wal"), "{e}");
    assert!(files(killed.path()) == before, "nothing written to a damaged store");
    // The whole log applies to the store file it belongs with.
    std::fs::write(&path, &log).expect("write");
    assert_eq!(RedbStore::open(killed.path()).expect("opens").orders().expect("orders").len(), 3);
}

#[test]
fn a_store_closed_cleanly_holds_every_save_in_its_file_without_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = tempfile::tempdir().expect("tempdir");
    store_with_orders(dir.path());
    // Closing the database (redb's own close) makes its unsynced commits durable: the store file
    // alone has the three saves, and a till stopped cleanly needs nothing of its log.
    std::fs::copy(dir.path().join(FILE_NAME), copy.path().join(FILE_NAME)).expect("copy");
    assert_eq!(RedbStore::open(copy.path()).expect("opens").orders().expect("orders").len(), 3);
}

#[test]
fn a_number_of_one_order_is_never_given_to_another_the_save_is_refused() {
    // A store restored from an older export, or counters lost: the till is about to send a payment
    // under a number that an earlier sale holds. The save fails, so the payment never leaves.
    let dir = tempfile::tempdir().expect("tempdir");
    let counters = Counters { next_order_id: 3, seq_day: 250301, seq: 1 };
    let no = "01000052250301010001";
    {
        let s = RedbStore::open(dir.path()).expect("open");
        let mut first = order(1, OrderStatus::Paid);
        first.number = Some(no.into());
        s.save(&first, &counters).expect("first sale");
        // Saving the same order again under its own number is fine.
        s.save(&first, &counters).expect("same order again");
        let mut second = order(2, OrderStatus::Open);
        second.number = Some(no.into());
        let err = s.save(&second, &counters).expect_err("a second order under the same number");
        assert!(matches!(&err, StoreError::NumberTaken { number, other: 1 } if number == no), "{err}");
        assert_eq!(s.order_by_number(no).expect("read").map(|o| o.id), Some(1));
        assert_eq!(s.order(2).expect("read"), None, "nothing of the refused save is written");
    }
    // Nor is it applied again from the order log after a reopen.
    let s = RedbStore::open(dir.path()).expect("reopen");
    assert_eq!(s.order_by_number(no).expect("read").map(|o| o.id), Some(1));
    assert_eq!(s.order(2).expect("read"), None);
}
