//! A wrapper passes on every call it does not override, once, as the same call: the batched
//! outbox mark stays one batch (one fsync), never one mark per record.

use super::*;
use crate::store::Table;
use crate::store::fake::RecordingStore;

/// Overrides nothing.
struct Plain(RecordingStore);

impl Wrapper for Plain {
    fn inner(&self) -> &dyn Store {
        &self.0
    }
}

/// Overrides one call; the rest still pass.
struct SavesTwice(RecordingStore);

impl Wrapper for SavesTwice {
    fn inner(&self) -> &dyn Store {
        &self.0
    }
    fn save(&self, order: &Order, counters: &Counters) -> Result<crate::store::Moved, StoreError> {
        self.0.save(order, counters)?;
        self.0.save(order, counters)
    }
}

/// Every call of the trait, through `dyn Store` as the till makes them.
fn call_each(store: &dyn Store) {
    let order = Order::new(3, crate::core::clock::Millis(1), "01".into());
    store.save(&order, &Counters::default()).expect("save");
    store.load_unsettled().expect("load_unsettled");
    store.order(3).expect("order");
    store.order_by_number("N1").expect("order_by_number");
    store.orders().expect("orders");
    store.outbox_pending(64).expect("outbox_pending");
    store.outbox_mark_delivered(5).expect("outbox_mark_delivered");
    store.outbox_mark_delivered_batch(&[1, 2, 3]).expect("outbox_mark_delivered_batch");
    store.outbox_mark_failed(4, "409").expect("outbox_mark_failed");
    store.outbox_counts().expect("outbox_counts");
    store.write_records(&[], None).expect("write_records");
    store.record(Table::Audit, "k").expect("record");
    store.records(Table::Audit).expect("records");
    store.append_record(Table::Audit, "v").expect("append_record");
}

fn expected(saves: usize) -> Vec<String> {
    let mut calls = vec!["save 3".to_string(); saves];
    calls.extend(
        [
            "load_unsettled",
            "order 3",
            "order_by_number N1",
            "orders",
            "outbox_pending 64",
            "outbox_mark_delivered 5",
            "outbox_mark_delivered_batch [1, 2, 3]",
            "outbox_mark_failed 4 409",
            "outbox_counts",
            "write_records 0 false",
            "record Audit k",
            "records Audit",
            "append_record Audit v",
        ]
        .map(String::from),
    );
    calls
}

#[test]
fn a_wrapper_that_overrides_nothing_passes_every_call_on_once_and_the_batch_as_one_batch() {
    let plain = Plain(RecordingStore::default());
    call_each(&plain);
    assert_eq!(plain.0.0.entries(), expected(1));
}

#[test]
fn a_wrapper_changes_only_the_call_it_overrides() {
    let wrapper = SavesTwice(RecordingStore::default());
    call_each(&wrapper);
    assert_eq!(wrapper.0.0.entries(), expected(2));
}

#[test]
fn wrappers_stack_and_the_batch_stays_one_call_through_both() {
    struct Outer(Plain);
    impl Wrapper for Outer {
        fn inner(&self) -> &dyn Store {
            &self.0
        }
    }
    let outer = Outer(Plain(RecordingStore::default()));
    let store: &dyn Store = &outer;
    store.outbox_mark_delivered_batch(&[8, 9]).expect("batch");
    assert_eq!(outer.0.0.0.entries(), vec!["outbox_mark_delivered_batch [8, 9]".to_string()]);
}
