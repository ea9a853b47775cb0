//! The back office's word on other tills' orders (`core::foreign`): each effect is one short signed
//! request, spawned, whose answer comes back as one message. Without a back office the lookup is
//! answered `NoOffice` at once and a cash hold is not granted.

use crate::core::Msg;
use crate::core::foreign::{ForeignEffect, ForeignMsg, OfficeAnswer, Seen};
use crate::core::money::Fen;
use crate::core::order::Order;
use crate::sync::BackofficeConfig;
use std::time::Duration;
use till_proto::orders::{HoldRequest, OrderAnswer};
use tokio::sync::mpsc::UnboundedSender;

/// How long the lookup screen waits for the office (the platform's lookup runs meanwhile).
pub const OFFICE_TIMEOUT: Duration = Duration::from_secs(3);

pub(super) fn run(effect: ForeignEffect, config: Option<BackofficeConfig>, msgs: &UnboundedSender<Msg>) {
    let msgs = msgs.clone();
    tokio::spawn(async move {
        let client = reqwest::Client::builder().timeout(OFFICE_TIMEOUT).build();
        let msg = match (effect, config, client) {
            (ForeignEffect::Lookup { number }, None, _) => {
                ForeignMsg::Answer { number, answer: OfficeAnswer::NoOffice }
            }
            (ForeignEffect::Lookup { number }, Some(config), Ok(client)) => {
                let answer = match crate::sync::orders::lookup(&client, &config, &number).await {
                    Ok(Some(found)) => {
                        seen(found).map_or(OfficeAnswer::Unreachable, |s| OfficeAnswer::Found(Box::new(s)))
                    }
                    Ok(None) => OfficeAnswer::NotFound,
                    Err(e) => {
                        tracing::warn!(number, error = %e, "other tills' order: the back office did not answer");
                        OfficeAnswer::Unreachable
                    }
                };
                ForeignMsg::Answer { number, answer }
            }
            (ForeignEffect::Lookup { number }, Some(_), Err(e)) => {
                tracing::error!(error = %e, "no HTTP client");
                ForeignMsg::Answer { number, answer: OfficeAnswer::Unreachable }
            }
            (ForeignEffect::Hold { device_id, number, out_refund_no, amount }, config, client) => {
                let request = HoldRequest { device_id, number, out_refund_no: out_refund_no.clone(), amount: amount.0 };
                let answer = match (config, client) {
                    (Some(config), Ok(client)) => crate::sync::orders::hold(&client, &config, &request).await.ok(),
                    _ => None,
                };
                tracing::info!(out_refund_no, amount = amount.0, ?answer, "cash hold");
                ForeignMsg::Held {
                    out_refund_no,
                    granted: answer.is_some_and(|a| a.granted),
                    refundable: answer.map(|a| Fen(a.refundable)),
                }
            }
        };
        let _ = msgs.send(Msg::Foreign(msg));
    });
}

/// The office's answer as the core reads it; `None` if its order is not a till order.
fn seen(answer: OrderAnswer) -> Option<Seen> {
    let order: Order = match serde_json::from_value(answer.order.clone()) {
        Ok(order) => order,
        Err(e) => {
            tracing::warn!(error = %e, "other tills' order: not an order the till can read");
            return None;
        }
    };
    Some(Seen {
        device_id: answer.device_id.clone(),
        till_name: answer.till_name.clone(),
        order,
        by_others: Fen(answer.by_others()),
        cash_by_others: Fen(answer.cash_by_others()),
    })
}
