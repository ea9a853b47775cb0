use super::*;
use crate::core::Counters;
use crate::core::clock::Millis;
use crate::core::money::Fen;
use crate::core::order::Order;
use crate::core::order::{Line, OrderStatus, Refund, RefundState};
use crate::store::Put;
use crate::store::RedbStore;

fn store() -> (tempfile::TempDir, RedbStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path()).expect("open");
    store
        .write_records(
            &[
                Put { table: Table::Stock, key: "A".into(), value: Some("10".into()) },
                Put { table: Table::Stock, key: "B".into(), value: Some("1".into()) },
            ],
            None,
        )
        .expect("counts");
    (dir, store)
}

fn order(id: u64) -> Order {
    let mut o = Order::new(id, Millis(0), "01".into());
    let line = |b: &str, qty| Line { barcode: b.into(), name: b.into(), unit_price: Fen(100), qty };
    o.lines = vec![line("A", 2), line("B", 3), line("UNTRACKED", 1)];
    o
}

fn count(store: &RedbStore, barcode: &str) -> Option<i64> {
    counts(store).expect("counts").into_iter().find(|(b, _)| b == barcode).map(|(_, n)| n)
}

/// What the effect runner does for one save: the save moves the stock in its own write.
fn save(store: &RedbStore, order: &Order) -> Vec<(String, i64)> {
    store.save(order, &Counters::default()).expect("save")
}

#[test]
fn a_sale_moves_stock_once_however_often_it_is_saved() {
    let (_dir, store) = store();
    let mut o = order(1);
    assert!(save(&store, &o).is_empty(), "an open order moves nothing");
    o.status = OrderStatus::Paid;
    assert_eq!(save(&store, &o), vec![("A".to_string(), 8), ("B".to_string(), -2)]);
    assert!(save(&store, &o).is_empty(), "saved again: already applied");
    assert_eq!(count(&store, "A"), Some(8));
    assert_eq!(count(&store, "B"), Some(-2), "sold more than counted: shown negative");
    assert_eq!(count(&store, "UNTRACKED"), None);
}

#[test]
fn a_full_refund_returns_the_goods_once() {
    let (_dir, store) = store();
    let mut o = order(2);
    o.status = OrderStatus::Paid;
    save(&store, &o);
    o.refunds.push(Refund {
        out_refund_no: "r".into(),
        amount: o.total(),
        total: o.total(),
        refunded_before: Fen::ZERO,
        requested_at: Millis(0),
        operator: "01".into(),
        state: RefundState::Accepted,
        refund_id: None,
        queries: 0,
        of: None,
        cash: false,
        returns: Vec::new(),
    });
    assert!(save(&store, &o).is_empty(), "accepted is not refunded");
    o.refunds[0].state = RefundState::Refunded;
    assert_eq!(save(&store, &o), vec![("A".to_string(), 10), ("B".to_string(), 1)]);
    assert!(save(&store, &o).is_empty());
    assert_eq!(count(&store, "A"), Some(10));
}

#[test]
fn a_sale_saved_before_a_cut_keeps_its_stock_moved_once_after_the_restart() {
    let (dir, store) = store();
    let mut o = order(3);
    o.status = OrderStatus::Paid;
    assert_eq!(save(&store, &o), vec![("A".to_string(), 8), ("B".to_string(), -2)], "moved by the save itself");
    // ...the process dies here: the order log's record is applied again at open if redb lacks it.
    drop(store);
    let store = RedbStore::open(dir.path()).expect("reopen");
    assert_eq!(count(&store, "A"), Some(8));
    assert!(save(&store, &o).is_empty(), "and the sale's own later saves do not move it again");
    assert_eq!(count(&store, "A"), Some(8));
}

/// A store of an earlier build, cut between an order's save and its counts' write, holds a
/// `due:` marker: the open finishes the movement once, and drops a marker whose order never
/// reached the state that makes it.
#[test]
fn due_markers_of_an_earlier_build_are_finished_once_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path()).expect("open");
    let mut paid = order(3);
    paid.status = OrderStatus::Paid;
    assert!(save(&store, &paid).is_empty(), "no counts yet: nothing moves");
    save(&store, &order(4));
    let put = |k: &str, v: &str| Put { table: Table::Stock, key: k.into(), value: Some(v.into()) };
    let puts = [put("A", "10"), put("B", "1"), put("due:sale:3", "3"), put("due:sale:4", "4")];
    store.write_records(&puts, None).expect("an earlier build's records");
    drop(store);
    let store = RedbStore::open(dir.path()).expect("reopen");
    assert_eq!((count(&store, "A"), count(&store, "B")), (Some(8), Some(-2)));
    assert!(store.records(Table::Stock).expect("stock").iter().all(|(k, _)| !k.starts_with("due:")));
    drop(store);
    let store = RedbStore::open(dir.path()).expect("again");
    assert_eq!(count(&store, "A"), Some(8), "not again");
    assert!(save(&store, &paid).is_empty());
}

fn refund(no: &str, amount: i64, returns: Vec<crate::core::order::Returned>) -> Refund {
    Refund {
        out_refund_no: no.into(),
        amount: Fen(amount),
        total: Fen(600),
        refunded_before: Fen::ZERO,
        requested_at: Millis(0),
        operator: "01".into(),
        state: RefundState::Accepted,
        refund_id: None,
        queries: 0,
        of: None,
        cash: false,
        returns,
    }
}

#[test]
fn goods_come_back_with_their_refund_and_the_rest_with_the_full_refund_once_each() {
    use crate::core::order::Returned;
    let (dir, store) = store();
    let mut o = order(5);
    o.status = OrderStatus::Paid;
    save(&store, &o);
    assert_eq!((count(&store, "A"), count(&store, "B")), (Some(8), Some(-2)));
    // One A and two B come back: nothing moves while the refund is only accepted.
    let back =
        vec![Returned { line: 0, barcode: "A".into(), qty: 1 }, Returned { line: 1, barcode: "B".into(), qty: 2 }];
    o.refunds.push(refund("R1", 300, back));
    assert!(save(&store, &o).is_empty());
    o.refunds[0].state = RefundState::Refunded;
    // The refund's save moves its goods back; the process dies right after: once, still.
    assert_eq!(save(&store, &o), vec![("A".to_string(), 9), ("B".to_string(), 0)]);
    drop(store);
    let store = RedbStore::open(dir.path()).expect("reopen");
    assert_eq!((count(&store, "A"), count(&store, "B")), (Some(9), Some(0)));
    assert!(save(&store, &o).is_empty(), "saved again: already applied");
    // A failed refund of goods moves nothing; the rest refunded by amount brings back only the
    // A and the B that had not come back.
    let mut failed = refund("R2", 100, vec![Returned { line: 0, barcode: "A".into(), qty: 1 }]);
    failed.state = RefundState::Failed { reason: "no".into() };
    o.refunds.push(failed);
    assert!(save(&store, &o).is_empty());
    let mut rest = refund("R3", 300, vec![]);
    rest.state = RefundState::Refunded;
    o.refunds.push(rest);
    assert_eq!(save(&store, &o), vec![("A".to_string(), 10), ("B".to_string(), 1)]);
    assert!(save(&store, &o).is_empty());
    let markers: Vec<String> = store.records(Table::StockMoves).expect("markers").into_iter().map(|(k, _)| k).collect();
    assert_eq!(markers, ["return:5", "return:5:R1", "sale:5"]);
}
