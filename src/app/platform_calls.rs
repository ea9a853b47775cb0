//! The payment platform's executor: each platform effect is one call on the [`Gateway`], made off
//! the batch (spawned), whose answer comes back as one message. The batch runner (`effects.rs`)
//! hands it only effects whose order is saved; [`unsaved`] answers the rest without calling.

use super::PrintJob;
use crate::core::{Effect, Failure, Msg, QrVerdict, RefundVerdict, Verdict};
use crate::crash::point as crash_point;
use crate::payments::Gateway;
use crate::store::Store;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Spawns one call and sends its answer: the shape every platform effect shares.
fn answer<G, F, Fut>(gateway: &Arc<G>, msgs: &UnboundedSender<Msg>, call: F)
where
    G: Gateway + 'static,
    F: FnOnce(Arc<G>, UnboundedSender<Msg>) -> Fut,
    Fut: Future<Output = Option<Msg>> + Send + 'static,
{
    let work = call(gateway.clone(), msgs.clone());
    let msgs = msgs.clone();
    tokio::spawn(async move {
        if let Some(msg) = work.await {
            let _ = msgs.send(msg);
        }
    });
}

/// The answer to a platform effect whose order (or refund) could not be saved: never sent, so
/// nothing moved. `None` for an effect that is no platform call (or needs no answer).
pub(super) fn unsaved(effect: &Effect) -> Option<Msg> {
    let reason = Failure::NotSaved;
    Some(match effect {
        Effect::MicroPay(call) => {
            Msg::PayAnswer { out_trade_no: call.out_trade_no.clone(), verdict: Verdict::Unknown { reason } }
        }
        Effect::Query(call) => {
            Msg::QueryAnswer { out_trade_no: call.out_trade_no.clone(), verdict: Verdict::Unknown { reason } }
        }
        Effect::ScanCodePay(call) => {
            Msg::QrAnswer { out_trade_no: call.out_trade_no.clone(), verdict: QrVerdict::Failed { reason } }
        }
        Effect::Refund(call) => {
            Msg::RefundAnswer { out_refund_no: call.out_refund_no.clone(), verdict: RefundVerdict::Failed { reason } }
        }
        _ => return None,
    })
}

/// Runs `effect` if it is a platform call; gives it back otherwise.
pub(super) fn run<G: Gateway + 'static>(
    effect: Effect,
    gateway: &Arc<G>,
    msgs: &UnboundedSender<Msg>,
    store: &Arc<dyn Store>,
    receipts: &UnboundedSender<PrintJob>,
) -> Option<Effect> {
    match effect {
        Effect::MicroPay(call) => {
            crash_point("before-pay-call");
            answer(gateway, msgs, |g, msgs| async move {
                let verdict = g.micro_pay(&call).await;
                crash_point("after-pay-answer");
                if matches!(&verdict, Verdict::Failed { reason } if reason.never_left()) {
                    let _ = msgs.send(Msg::Connectivity { online: false });
                }
                Some(Msg::PayAnswer { out_trade_no: call.out_trade_no, verdict })
            });
        }
        Effect::Query(call) => answer(gateway, msgs, |g, _| async move {
            let verdict = g.query(&call).await;
            Some(Msg::QueryAnswer { out_trade_no: call.out_trade_no, verdict })
        }),
        Effect::Cancel(call) => answer(gateway, msgs, |g, _| async move {
            let verdict = g.cancel(&call).await;
            tracing::info!(out_trade_no = call.out_trade_no, ?verdict, "cancel");
            Some(Msg::CancelAnswer { out_trade_no: call.out_trade_no, verdict })
        }),
        Effect::ScanCodePay(call) => answer(gateway, msgs, |g, _| async move {
            let verdict = g.scan_code_pay(&call).await;
            tracing::info!(out_trade_no = call.out_trade_no, ?verdict, "scan_code_pay");
            Some(Msg::QrAnswer { out_trade_no: call.out_trade_no, verdict })
        }),
        Effect::CloseQr(call) => answer(gateway, msgs, |g, _| async move {
            let verdict = g.close_order(&call).await;
            tracing::info!(out_trade_no = call.out_trade_no, ?verdict, "close_order");
            Some(Msg::CancelAnswer { out_trade_no: call.out_trade_no, verdict })
        }),
        Effect::Lookup(call) => {
            let store = store.clone();
            answer(gateway, msgs, |g, msgs| async move {
                super::effects::lookup(call, g, store, msgs).await;
                None
            });
        }
        Effect::Refund(call) => {
            crash_point("before-refund-call");
            answer(gateway, msgs, |g, _| async move {
                let verdict = g.refund(&call).await;
                crash_point("after-refund-answer");
                Some(Msg::RefundAnswer { out_refund_no: call.out_refund_no, verdict })
            });
        }
        Effect::QueryRefund(call) => answer(gateway, msgs, |g, _| async move {
            let verdict = g.query_refund(&call).await;
            Some(Msg::RefundQueryAnswer { out_refund_no: call.out_refund_no, verdict })
        }),
        Effect::Reprint { order, transaction_id } => {
            let receipts = receipts.clone();
            answer(gateway, msgs, |g, _| async move {
                let platform_slip = g.reprint(&transaction_id).await;
                let _ = receipts.send(PrintJob::Reprint { order, platform_slip });
                None
            });
        }
        Effect::ReadConfigCode { code } => {
            answer(
                gateway,
                msgs,
                |g, _| async move { Some(super::effects::read_config_code(&code.0, g.as_ref()).await) },
            )
        }
        Effect::Setup { merchant } => answer(gateway, msgs, |g, _| async move {
            let result = g.apply_setup(&merchant).await;
            match &result {
                Ok(info) => tracing::info!(shop = info.shop_name, "device set up"),
                Err(error) => tracing::warn!(?error, "device set-up failed"),
            }
            Some(Msg::SetupAnswer { result })
        }),
        other => return Some(other),
    }
    None
}
