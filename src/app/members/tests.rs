use super::*;
use crate::core::members::Phone;
use crate::core::money::Fen;
use crate::store::RedbStore;

fn store() -> (tempfile::TempDir, RedbStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RedbStore::open(dir.path()).expect("open");
    (dir, store)
}

fn member(id: &str, phone: &str, card: &str) -> Member {
    Member {
        id: id.into(),
        name: format!("会员{id}"),
        phone: Phone::parse(phone).expect("phone"),
        card: card.into(),
        level: "金卡".into(),
        points: 10,
    }
}

fn phone(p: &str) -> MemberQuery {
    MemberQuery::Phone(Phone::parse(p).expect("phone"))
}

#[test]
fn a_member_is_found_by_phone_card_and_number_and_a_changed_phone_leaves_the_index() {
    let (_dir, store) = store();
    put_all(&store, &[member("M1", "13812345678", "VIP001"), member("M2", "13900001111", "")]).expect("put");
    let by_phone = find(&store, &phone("13812345678")).expect("find").expect("found");
    assert_eq!(by_phone.member.id, "M1");
    assert_eq!(
        find(&store, &MemberQuery::Card("VIP001".into())).expect("find").map(|c| c.member.id),
        Some("M1".into())
    );
    assert_eq!(find(&store, &MemberQuery::Id("M2".into())).expect("find").map(|c| c.member.id), Some("M2".into()));
    assert_eq!(find(&store, &phone("13700000000")).expect("find"), None);
    // M1 changes phone and card: the old ones find nobody, the new ones find M1.
    put_all(&store, &[member("M1", "13611112222", "VIP009")]).expect("edit");
    assert_eq!(find(&store, &phone("13812345678")).expect("find"), None);
    assert_eq!(find(&store, &MemberQuery::Card("VIP001".into())).expect("find"), None);
    assert!(find(&store, &phone("13611112222")).expect("find").is_some());
    assert_eq!(all(&store).expect("all").len(), 2);
}

#[test]
fn another_members_phone_or_card_is_refused_with_nothing_written() {
    let (_dir, store) = store();
    put_all(&store, &[member("M1", "13812345678", "VIP001")]).expect("put");
    let e = put_all(&store, &[member("M3", "13700000000", ""), member("M2", "13812345678", "")]).expect_err("taken");
    assert!(matches!(&e, MembersError::Taken { id, other } if id == "M2" && other == "M1"), "{e}");
    assert!(!e.to_string().contains("13812345678"), "{e}");
    assert_eq!(find(&store, &phone("13700000000")).expect("find"), None, "nothing written");
    // Handing a card from one member to another in one write is fine.
    put_all(&store, &[member("M1", "13812345678", ""), member("M2", "13900001111", "VIP001")]).expect("swap");
    assert_eq!(
        find(&store, &MemberQuery::Card("VIP001".into())).expect("find").map(|c| c.member.id),
        Some("M2".into())
    );
}

#[test]
fn csv_import_adds_and_updates_and_export_gives_the_same_file() {
    let (_dir, store) = store();
    put_all(&store, &[member("M0", "13000000000", "")]).expect("created at the till");
    let text = "id,name,phone,card,level,points\nM1,张三,13812345678,VIP001,金卡,120\nM2,李四,13900001111,,,0\n";
    assert_eq!(import_csv(&store, text).expect("import"), 2);
    let out = export_csv(&store).expect("export");
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.contains("M1,张三,13812345678,VIP001,金卡,120"), "{out}");
    // A file whose phone is another member's: refused by line, nothing imported.
    let bad = "id,name,phone,card,level,points\nM5,王五,13700000000,,,\nM6,赵六,13000000000,,,\n";
    let e = import_csv(&store, bad).expect_err("taken");
    assert!(e.to_string().contains("line 3"), "{e}");
    assert!(!e.to_string().contains("13000000000"), "{e}");
    assert_eq!(find(&store, &phone("13700000000")).expect("find"), None);
}

/// A paid member's sale of 12.50 (2 × 6.25) at 2 points per yuan.
fn member_sale(id: u64) -> crate::core::order::Order {
    use crate::core::clock::Millis;
    use crate::core::members::MemberTag;
    use crate::core::order::{Line, Order, OrderStatus};
    let mut o = Order::new(id, Millis(0), "01".into());
    o.lines = vec![Line { barcode: "A".into(), name: "A".into(), unit_price: Fen(625), qty: 2 }];
    let m = member("M1", "13812345678", "");
    o.member = Some(MemberTag { points_per_yuan: 2, ..MemberTag::of(&m) });
    o.status = OrderStatus::Paid;
    o
}

fn points(store: &RedbStore) -> i64 {
    get(store, "M1").expect("get").expect("member").points
}

#[test]
fn points_are_earned_per_yuan_paid_in_the_orders_own_save_once_and_a_refund_takes_them_back() {
    use crate::core::Counters;
    use crate::core::clock::Millis;
    use crate::core::order::{Refund, RefundState};
    let (_dir, store) = store();
    put_all(&store, &[member("M1", "13812345678", "")]).expect("put");
    let mut o = member_sale(7);
    o.status = crate::core::order::OrderStatus::Open;
    store.save(&o, &Counters::default()).expect("open save");
    assert_eq!(points(&store), 10, "an open sale earns nothing");
    o.status = crate::core::order::OrderStatus::Paid;
    store.save(&o, &Counters::default()).expect("paid");
    assert_eq!(points(&store), 10 + 24, "12 whole yuan at 2 points");
    store.save(&o, &Counters::default()).expect("saved again");
    assert_eq!(points(&store), 34, "once");
    let refund = |no: &str, fen: i64, state| Refund {
        out_refund_no: no.into(),
        amount: Fen(fen),
        total: Fen(1250),
        refunded_before: Fen::ZERO,
        requested_at: Millis(0),
        operator: "01".into(),
        state,
        refund_id: None,
        queries: 0,
        of: None,
        cash: true,
        returns: vec![],
    };
    o.refunds.push(refund("R1", 625, RefundState::Sending));
    store.save(&o, &Counters::default()).expect("refund asked");
    assert_eq!(points(&store), 34, "a refund not yet confirmed takes nothing back");
    o.refunds[0].state = RefundState::Refunded;
    store.save(&o, &Counters::default()).expect("refunded");
    store.save(&o, &Counters::default()).expect("again");
    assert_eq!(points(&store), 34 - 12, "6 yuan back: 12 points back, once");
    o.refunds.push(refund("R2", 625, RefundState::Refunded));
    store.save(&o, &Counters::default()).expect("the rest");
    assert_eq!(points(&store), 10, "never more back than the order earned");
}

/// The member form's save: another member's phone or card is refused naming that member, a new
/// member's number taken is refused, an edit keeps the stored points; each change is one record
/// for the back office, the phone masked.
#[test]
fn a_member_saved_at_the_till_is_refused_on_a_taken_phone_or_card_and_queued_for_the_office_masked() {
    use crate::core::member_form::SaveRefused;
    let (_dir, store) = store();
    put_all(&store, &[member("M1", "13812345678", "VIP001")]).expect("put");
    let at = Millis(1_796_680_800_000);
    let taken = save(&store, &member("M2", "13812345678", ""), true, at);
    assert_eq!(taken, Err(SaveRefused::PhoneTaken { other: "M1".into() }));
    let taken = save(&store, &member("M2", "13900001111", "VIP001"), true, at);
    assert_eq!(taken, Err(SaveRefused::CardTaken { other: "M1".into() }));
    assert_eq!(save(&store, &member("M1", "13900001111", ""), true, at), Err(SaveRefused::NumberTaken));
    assert_eq!(store.outbox_counts().expect("outbox"), (0, 0), "nothing written");
    let new = save(&store, &member("M2", "13900001111", "VIP002"), true, at).expect("saved");
    assert_eq!(find(&store, &phone("13900001111")).expect("find").map(|c| c.member), Some(new));
    // M1's points moved since the form was opened: the edit keeps the store's.
    put_all(&store, &[Member { points: 99, ..member("M1", "13812345678", "VIP001") }]).expect("points");
    let edited = save(
        &store,
        &Member { level: "银卡".into(), ..member("M1", "13812345678", "VIP001") },
        false,
        Millis(at.0 + 1),
    )
    .expect("edited");
    assert_eq!((edited.level.as_str(), edited.points), ("银卡", 99));
    let sent = store.outbox_pending(10).expect("pending");
    let keys: Vec<&str> = sent.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, vec!["member:M2:1796680800000", "member:M1:1796680800001"]);
    assert!(sent.iter().all(|r| r.kind == OutboxKind::Member && !r.body.contains("13812345678")));
    assert!(sent[1].body.contains("138****5678"), "{}", sent[1].body);
    let read = till_proto::read_body(&sent[0].body, &sent[0].key).expect("the office reads it");
    assert!(matches!(read, till_proto::record::Record::Member(r) if r.member.phone == "139****1111" && r.member.new));
}
