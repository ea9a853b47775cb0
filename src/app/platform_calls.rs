//! The payment platform's executor: each platform effect is one call on the [`Gateway`], made off
//! the batch (spawned), whose answer comes back as one message. The batch runner (`effects.rs`)
//! hands it only effects whose order is saved; [`unsaved`] answers the rest without calling.

use super::PrintJob;
use crate::core::configure::{ConfigChange, ScannedCode};
use crate::core::order::{Order, TenderPart};
use crate::core::{Effect, Failure, Msg, QrVerdict, RefundVerdict, Verdict};
use crate::core::{LookupCall, WifiFailure};
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
                lookup(call, g, store, msgs).await;
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
            answer(gateway, msgs, |g, _| async move { Some(read_config_code(&code.0, g.as_ref()).await) })
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

/// Reads a configuration code without using it: what it would change, or why it cannot be used.
async fn read_config_code<G: Gateway>(code: &str, gateway: &G) -> Msg {
    if crate::core::enrol::is_enrol_code(code) {
        return super::enrol::read(code).await;
    }
    if crate::wifi::is_wifi_qr(code) {
        let result = crate::wifi::parse_wifi_qr(code);
        return match result {
            Ok(network) => Msg::ConfigOffer(ConfigChange::Wifi { ssid: network.ssid, code: ScannedCode(code.into()) }),
            Err(e) => Msg::WifiAnswer { result: Err(WifiFailure::BadCode { detail: e.to_string() }) },
        };
    }
    match gateway.read_setup(code).await {
        Ok(change) => Msg::ConfigOffer(change),
        Err(error) => {
            tracing::warn!(?error, "configuration code not read");
            Msg::SetupAnswer { result: Err(error) }
        }
    }
}

/// Looks an order up: the store's record first (it tells the wallet and the platform's id), then
/// the platform.
async fn lookup<G: Gateway + 'static>(
    mut call: LookupCall,
    gateway: Arc<G>,
    store: Arc<dyn Store>,
    msgs: UnboundedSender<Msg>,
) {
    let local = stored_order(&store, &call.out_trade_no).await;
    // The wallet and the platform's id of the order (or, for a mixed order, of the code part
    // looked up by its own number).
    let part = local.as_ref().and_then(|o| {
        o.tender_parts().into_iter().find_map(|p| match p {
            TenderPart::Code { platform, out_trade_no, transaction_id, .. } if out_trade_no == call.out_trade_no => {
                Some((platform, transaction_id))
            }
            _ => None,
        })
    });
    if let Some((platform, transaction_id)) = part {
        call.platform = Some(platform);
        call.transaction_id = Some(transaction_id);
    }
    let verdict = gateway.lookup(&call).await;
    // The record again, as it is now: the platform may take seconds, and meanwhile a payment in
    // doubt may have settled or a refund been made (the answer is applied to the newest record).
    let local = match stored_order(&store, &call.out_trade_no).await {
        Some(now) => Some(now),
        None => local,
    };
    tracing::info!(number = call.out_trade_no, local = local.is_some(), ?verdict, "lookup");
    let _ = msgs.send(Msg::LookupAnswer { number: call.out_trade_no, local: local.map(Box::new), verdict });
}

/// The store's record of the order with this receipt number (none if it cannot be read: logged).
async fn stored_order(store: &Arc<dyn Store>, number: &str) -> Option<Order> {
    let (store, number) = (store.clone(), number.to_string());
    match tokio::task::spawn_blocking(move || store.order_by_number(&number)).await {
        Ok(Ok(order)) => order,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "lookup: the store's record could not be read");
            None
        }
        Err(e) => {
            tracing::error!(error = %e, "lookup: the store's record could not be read");
            None
        }
    }
}
