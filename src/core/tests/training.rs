//! Training mode (培训模式): a supervisor turns it on; its sales are numbered apart, never saved,
//! counted or sent; leaving leaves only the audit entries.

use super::held::{as_cashier, key, saved, supervisor_approves};
use super::*;
use crate::core::auth::{AuditEvent, AuthEffect};
use crate::core::intent::Intent;
use crate::core::training::{TRAINING_PREFIX, TrainingNotice};

fn audits(fx: &[Effect]) -> Vec<AuditEvent> {
    fx.iter()
        .filter_map(|e| match e {
            // The supervisor's approval of training is logged too (and kept).
            Effect::Auth(AuthEffect::Audit(entry)) if !matches!(entry.event, AuditEvent::SupervisorApproved { .. }) => {
                Some(entry.event.clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_training_sale_is_numbered_apart_never_saved_and_leaving_leaves_only_the_audit_entries() {
    let mut t = Till::new();
    as_cashier(&mut t);
    let (counters, sale_id) = (t.state.counters, t.state.sale.id);
    t.send(Msg::Act(Intent::TrainingOn));
    assert!(t.state.training.is_none(), "a cashier needs a supervisor");
    let fx = supervisor_approves(&mut t);
    assert!(t.state.training.is_some() && t.state.sale.training);
    assert_eq!(audits(&fx), vec![AuditEvent::Training { on: true, sales: 0 }]);
    // A code payment: the cart and the attempt are not saved; the number is a training one.
    t.ring_up();
    let (out_trade_no, fx) = t.pay(WECHAT_CODE);
    assert!(out_trade_no.starts_with(TRAINING_PREFIX), "{out_trade_no}");
    assert!(saved(&fx).is_empty(), "{fx:?}");
    let fx = t.send(Msg::PayAnswer { out_trade_no, verdict: paid("4200000001") });
    assert!(saved(&fx).is_empty(), "the paid sale is not saved either: {fx:?}");
    let receipt = fx.iter().find_map(|e| if let Effect::Print { order } = e { Some(order) } else { None });
    assert!(receipt.is_some_and(|o| o.training), "its receipt is printed, marked");
    assert_eq!(t.state.counters.seq, counters.seq, "no real number used");
    // What has no meaning in training is refused.
    key(&mut t, Key::Esc);
    for intent in [Intent::OpenReport, Intent::Lookup, Intent::StockCount, Intent::HeldList] {
        t.send(Msg::Act(intent));
        assert_eq!(t.state.notice, Some(Notice::Training(TrainingNotice::NotInTraining)));
    }
    // A cash sale, then out of training: the ids are given back, two entries in the audit log.
    t.scan("6900138600889");
    key(&mut t, Key::F(2));
    assert!(saved(&t.typed("5")).is_empty());
    key(&mut t, Key::Esc);
    t.send(Msg::Act(Intent::TrainingOff));
    let fx = supervisor_approves(&mut t);
    assert_eq!(audits(&fx), vec![AuditEvent::Training { on: false, sales: 2 }]);
    assert!(t.state.training.is_none() && !t.state.sale.training);
    assert_eq!((t.state.counters, t.state.sale.id), (counters, sale_id), "as before training");
    assert_eq!(t.state.notice, Some(Notice::Training(TrainingNotice::Ended { sales: 2 })));
    // The next real sale is saved under a real number.
    t.scan("6900138600889");
    key(&mut t, Key::F(2));
    let fx = t.typed("5");
    let paid = saved(&fx).into_iter().last().expect("saved");
    assert!(paid.number.is_some_and(|n| n.starts_with("01000052")) && !paid.training);
}

#[test]
fn training_is_entered_and_left_only_from_an_empty_sale() {
    let mut t = Till::new();
    t.scan("6900138600889");
    t.send(Msg::Act(Intent::TrainingOn));
    assert!(t.state.training.is_none());
    assert_eq!(t.state.notice, Some(Notice::Training(TrainingNotice::FinishSaleFirst)));
    key(&mut t, Key::Delete);
    t.send(Msg::Act(Intent::TrainingOn));
    assert!(t.state.training.is_some(), "a supervisor signed in turns it on at once");
    t.scan("6900138600889");
    t.send(Msg::Act(Intent::TrainingOff));
    assert!(t.state.training.is_some(), "not with a training sale open");
}

#[test]
fn a_shop_binds_training_to_keys_in_keys_toml() {
    let on: crate::core::intent::Binding =
        toml::from_str("f = 10\non = \"sale\"\nact = \"training_on\"").expect("toml");
    let off: crate::core::intent::Binding = toml::from_str("f = 10\nact = \"training_off\"").expect("toml");
    assert_eq!((on.act, off.act), (Intent::TrainingOn, Intent::TrainingOff));
    let mut t = Till::new();
    t.state.keymap.extra =
        vec![crate::core::intent::Binding { f: 10, on: Some(intent::On::Sale), act: Intent::TrainingOn }];
    key(&mut t, Key::F(10));
    assert!(t.state.training.is_some());
}

/// Training has a key by default: the maintenance menu's last item turns it on (F12, the
/// supervisor's PIN, then the item), and in training the maintenance key asks to leave it.
#[test]
fn the_maintenance_menu_turns_training_on_and_its_key_in_training_turns_it_off() {
    use crate::core::maintenance::{Item, keys_to};
    let mut t = Till::new();
    key(&mut t, Key::F(12));
    assert!(t.state.maintenance.is_some(), "a supervisor signed in opens the menu");
    let mut fx = Vec::new();
    for k in keys_to(Item::Training) {
        fx = key(&mut t, k);
    }
    assert!(t.state.training.is_some() && t.state.maintenance.is_none(), "training, on the sale screen");
    assert_eq!(audits(&fx), vec![AuditEvent::Training { on: true, sales: 0 }]);
    let fx = key(&mut t, Key::F(12));
    assert!(t.state.training.is_none() && t.state.maintenance.is_none(), "F12 in training leaves it");
    assert_eq!(audits(&fx), vec![AuditEvent::Training { on: false, sales: 0 }]);
}
