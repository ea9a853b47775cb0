//! Runs the core's effects, in order, off the render loop. A `Save` is flushed before any later
//! effect of its batch starts; if it fails, the batch's platform calls are not made.

use crate::core::order::Order;
use crate::core::{Effect, Lang, Msg, Settings, Verdict};
use crate::devices::{Buzzer, Printer, Speaker};
use crate::escpos::PrinterProfile;
use crate::i18n;
use crate::payments::Gateway;
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

pub struct Devices {
    pub store: Arc<dyn Store>,
    pub printer: Arc<dyn Printer>,
    pub buzzer: Arc<dyn Buzzer>,
    pub speaker: Arc<dyn Speaker>,
}

/// Takes batches of effects and feeds their outcomes back as messages.
pub async fn run<G: Gateway + 'static>(
    mut batches: UnboundedReceiver<Vec<Effect>>,
    msgs: UnboundedSender<Msg>,
    gateway: Arc<G>,
    devices: Devices,
    receipts: UnboundedSender<Order>,
    lang: Lang,
) {
    while let Some(batch) = batches.recv().await {
        let mut saved = true;
        for effect in batch {
            match effect {
                Effect::Save { order, counters } => {
                    let store = devices.store.clone();
                    let id = order.id;
                    let result = tokio::task::spawn_blocking(move || store.save(&order, &counters)).await;
                    let error = match result {
                        Ok(Ok(())) => None,
                        Ok(Err(e)) => Some(e.to_string()),
                        Err(e) => Some(e.to_string()),
                    };
                    if let Some(error) = error {
                        tracing::error!(order_id = id, %error, "save failed: the batch's platform calls are not made");
                        saved = false;
                        let _ = msgs.send(Msg::SaveFailed { order_id: id, error });
                    }
                }
                Effect::MicroPay(call) if !saved => {
                    let reason = "not sent: the order could not be saved".to_string();
                    let _ = msgs
                        .send(Msg::PayAnswer { out_trade_no: call.out_trade_no, verdict: Verdict::Unknown { reason } });
                }
                Effect::Query(call) if !saved => {
                    let reason = "not sent: the order could not be saved".to_string();
                    let _ = msgs.send(Msg::QueryAnswer {
                        out_trade_no: call.out_trade_no,
                        verdict: Verdict::Unknown { reason },
                    });
                }
                Effect::MicroPay(call) => {
                    crash_point("before-pay-call");
                    let (gateway, msgs) = (gateway.clone(), msgs.clone());
                    tokio::spawn(async move {
                        let verdict = gateway.micro_pay(&call).await;
                        crash_point("after-pay-answer");
                        let _ = msgs.send(Msg::PayAnswer { out_trade_no: call.out_trade_no, verdict });
                    });
                }
                Effect::Query(call) => {
                    let (gateway, msgs) = (gateway.clone(), msgs.clone());
                    tokio::spawn(async move {
                        let verdict = gateway.query(&call).await;
                        let _ = msgs.send(Msg::QueryAnswer { out_trade_no: call.out_trade_no, verdict });
                    });
                }
                Effect::Print { order } => {
                    let _ = receipts.send(order);
                }
                Effect::Beep(kind) => devices.buzzer.beep(kind),
                Effect::Announce { platform, amount } => {
                    devices.speaker.say(&i18n::announcement(lang, platform, amount))
                }
            }
        }
    }
}

/// Prints receipts one after another (a printer at 9600 baud takes a second each) and sends the
/// decoded receipt back for the screen.
pub async fn print_receipts(
    mut orders: UnboundedReceiver<Order>,
    msgs: UnboundedSender<Msg>,
    printer: Arc<dyn Printer>,
    settings: Settings,
    profile: PrinterProfile,
) {
    while let Some(order) = orders.recv().await {
        let bytes = super::receipt::render(&order, &settings, &profile);
        let preview = super::receipt::preview(&bytes, &profile);
        let printer = printer.clone();
        let order_id = order.id;
        let result = tokio::task::spawn_blocking(move || printer.print(&bytes)).await;
        let msg = match result {
            Ok(Ok(())) => Msg::Printed { order_id, preview },
            Ok(Err(e)) => Msg::PrintFailed { order_id, error: e.to_string() },
            Err(e) => Msg::PrintFailed { order_id, error: e.to_string() },
        };
        if let Msg::PrintFailed { error, .. } = &msg {
            tracing::error!(order_id, %error, "receipt not printed");
        }
        let _ = msgs.send(msg);
    }
}

/// Test hook: `TILL_CRASH_AT=<point>` makes the process abort there, as a pulled plug would
/// (no destructors, no flush). Used by the kill tests to hit exact points of a payment.
fn crash_point(point: &str) {
    if std::env::var("TILL_CRASH_AT").is_ok_and(|v| v == point) {
        tracing::warn!(point, "TILL_CRASH_AT: aborting");
        std::process::abort();
    }
}
