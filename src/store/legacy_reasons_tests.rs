//! An order log written before the reasons were typed (the reason's detail in its text) still
//! loads, each reason as its kind.

use super::read_saves;
use crate::core::Failure;
use crate::core::clock::Millis;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::core::order::{Attempt, AttemptState, Order};
use crate::store::codec::pack_json;
use crate::store::wal::save_record;
use crate::store::wal::{Mark, Record};

#[test]
fn an_order_log_written_with_text_reasons_still_loads_with_their_kinds() {
    let mut order = Order::new(7, Millis(1_000), "01".into());
    let attempt = |no: &str, reason: Failure| Attempt {
        state: AttemptState::Failed { reason },
        ..Attempt::sending(no.into(), Platform::WeChat, "1346****9456".into(), Fen(350), Millis(1_000))
    };
    order.attempts.push(attempt("1001", Failure::NotSent));
    order.attempts.push(attempt("1002", Failure::Declined("余额不足".into())));
    order.attempts.push(Attempt {
        state: AttemptState::Cancelling { reason: Failure::NoResultInTime },
        ..attempt("1003", Failure::NotSent)
    });
    // As an older till wrote it: the texts carried the detail.
    let json = serde_json::to_string(&order)
        .unwrap()
        .replacen("not sent: no connection to the platform", "not sent: error sending request: connection refused", 1)
        .replace("no result after the wallet's deadline: cancelling", "no result after 45 s: cancelling");
    assert!(json.contains("connection refused") && json.contains("45 s"), "{json}");
    let record = Record {
        mark: Mark { generation: 1, seq: 1 },
        payload: save_record(Millis(1_000), b"{}", &pack_json(json.as_bytes())),
    };

    let saves = read_saves(vec![record], std::path::Path::new("orders.wal")).unwrap();
    let states: Vec<_> = saves[0].order.attempts.iter().map(|a| a.state.clone()).collect();
    assert_eq!(
        states,
        vec![
            AttemptState::Failed { reason: Failure::NotSent },
            AttemptState::Failed { reason: Failure::Declined("余额不足".into()) },
            AttemptState::Cancelling { reason: Failure::NoResultInTime },
        ]
    );
}
