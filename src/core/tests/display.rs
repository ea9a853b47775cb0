//! What the customer display shows, when (core::display).

use super::*;
use crate::core::display::Shown;

/// The pictures a batch sends to the customer display, in order.
fn pictures(fx: &[Effect]) -> Vec<Shown> {
    fx.iter().filter_map(|e| if let Effect::Display(s) = e { Some(*s) } else { None }).collect()
}

#[test]
fn each_scanned_item_shows_its_price_and_the_running_total() {
    let mut t = Till::new();
    assert_eq!(pictures(&t.scan("6900138600889")), vec![Shown::Item { price: Fen(350), total: Fen(350) }]);
    assert_eq!(pictures(&t.scan("6900138600889")), vec![Shown::Item { price: Fen(350), total: Fen(700) }]);
    let fx = t.scan("6920152400777");
    assert_eq!(pictures(&fx), vec![Shown::Item { price: Fen(450), total: Fen(1150) }]);
    // After the save of the cart, like a receipt after its order.
    let save = fx.iter().position(|e| matches!(e, Effect::Save { .. })).expect("save");
    let display = fx.iter().position(|e| matches!(e, Effect::Display(_))).expect("display");
    assert!(save < display, "{fx:?}");
    // A refused code changes nothing on the display.
    assert!(pictures(&t.scan("6900138600888")).is_empty());
}

#[test]
fn totalling_shows_the_total_and_cash_shows_received_then_change() {
    let mut t = Till::new();
    t.scan("6900138600889");
    t.scan("6900138600889");
    t.scan("6920152400777");
    assert_eq!(pictures(&t.send(Msg::Key(Key::Enter))), vec![Shown::Total(Fen(1150))]);
    t.send(Msg::Key(Key::Char('c')));
    let mut fx = Vec::new();
    for c in "20".chars() {
        fx.extend(t.send(Msg::Key(Key::Char(c))));
    }
    assert_eq!(
        pictures(&fx),
        vec![
            Shown::Received { received: Fen(200), due: Fen(1150) },
            Shown::Received { received: Fen(2000), due: Fen(1150) }
        ]
    );
    let fx = t.send(Msg::Key(Key::Enter));
    assert_eq!(pictures(&fx), vec![Shown::Paid { received: Fen(2000), change: Fen(850) }]);
    let paid_save = fx.iter().position(|e| matches!(e, Effect::Save { .. })).expect("save");
    assert!(paid_save < fx.iter().position(|e| matches!(e, Effect::Display(_))).expect("display"));
    // The next sale's first item replaces it.
    assert_eq!(pictures(&t.scan("6920152400777")), vec![Shown::Item { price: Fen(450), total: Fen(450) }]);
}

#[test]
fn while_a_code_payment_is_confirmed_the_display_shows_the_total_never_paid() {
    let mut t = Till::new();
    t.ring_up();
    let (no, fx) = t.pay(WECHAT_CODE);
    assert!(pictures(&fx).is_empty(), "still the total: {fx:?}");
    assert_eq!(crate::core::display::shown(&t.state), Shown::Total(Fen(1150)));
    // In doubt, queried, the customer's phone asking for a password: still the total.
    let fx = t.send(Msg::PayAnswer { out_trade_no: no.clone(), verdict: Verdict::UserPaying });
    assert!(pictures(&fx).is_empty());
    for _ in 0..4 {
        let fx = t.wait(5);
        assert!(pictures(&fx).is_empty());
        assert_eq!(crate::core::display::shown(&t.state), Shown::Total(Fen(1150)));
    }
    // Failed: still the total, for another try.
    let fx = t.send(Msg::QueryAnswer { out_trade_no: no, verdict: Verdict::Failed { reason: "declined".into() } });
    assert!(pictures(&fx).is_empty());
    assert_eq!(crate::core::display::shown(&t.state), Shown::Total(Fen(1150)));
    // Paid at last: now, and only now, received.
    let (no, _) = t.pay(WECHAT_CODE);
    let fx = t.send(Msg::PayAnswer { out_trade_no: no, verdict: paid("4200") });
    assert_eq!(pictures(&fx), vec![Shown::Paid { received: Fen(1150), change: Fen(0) }]);
}

#[test]
fn a_part_paid_shows_what_is_left_and_the_printer_test_lights_the_display() {
    let mut t = Till::new();
    t.ring_up();
    t.send(Msg::Key(Key::Char('c')));
    let fx = t.typed("10");
    assert_eq!(pictures(&fx).last(), Some(&Shown::Total(Fen(150))), "10 of 11.50 taken: 1.50 left");
    // The maintenance menu's printer test lights every segment; leaving the menu clears it.
    let mut t = Till::new();
    t.send(Msg::Act(intent::Intent::OpenMaintenance));
    assert!(t.state.maintenance.is_some());
    let fx = t.send(Msg::Key(Key::Char('2')));
    assert!(fx.contains(&Effect::PrintTestPage));
    assert_eq!(pictures(&fx), vec![Shown::Test]);
    let fx = t.send(Msg::Key(Key::Esc));
    assert!(t.state.maintenance.is_none());
    assert_eq!(pictures(&fx), vec![Shown::Idle]);
}
