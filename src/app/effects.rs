//! Runs the core's effects, in order, off the render loop. A `Save` is flushed before any later
//! effect of its batch starts; if it fails, the batch's platform calls are not made.

use super::print_queue::{PrintJob, PrintQueue, QueuedReceipt};
use crate::core::order::Order;
use crate::core::stocktake::StockEffect;
use crate::core::{Effect, Lang, Msg, PrintFailure, SaveFailure, Settings};
use crate::crash::point as crash_point;
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
    pub wifi: Arc<dyn crate::devices::Wifi>,
    /// Receipts waiting for the printer; see [`print_receipts`].
    pub print_queue: PrintQueue,
    /// The customer display's worker (`app/display.rs`), or none.
    pub display: super::display::DisplayFeed,
}

/// The platform's own receipt for a payment or refund, by number (see `Gateway::take_slip`).
pub type Slips = Arc<dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync>;

/// What the effect runner runs effects with.
pub struct Runner<G> {
    pub gateway: Arc<G>,
    pub devices: Devices,
    pub receipts: UnboundedSender<PrintJob>,
    pub lang: Lang,
    /// The maintenance menu's effects' view of the box (see `app/maintenance.rs`).
    pub maintenance: Arc<super::maintenance::Context>,
}

/// Takes batches of effects and feeds their outcomes back as messages.
pub async fn run<G: Gateway + 'static>(
    mut batches: UnboundedReceiver<Vec<Effect>>,
    msgs: UnboundedSender<Msg>,
    runner: Runner<G>,
    done: tokio::sync::watch::Sender<u64>,
) {
    let Runner { gateway, devices, receipts, lang, maintenance } = runner;
    while let Some(batch) = batches.recv().await {
        run_batch(batch, &msgs, &gateway, &devices, &receipts, lang, &maintenance).await;
        // Every save of the batch is on disk: the state that made it may be shown.
        done.send_modify(|n| *n += 1);
    }
}

/// One batch, in order; its saves are flushed before the next effect starts. The dispatcher: the
/// save here, platform calls to `platform_calls` (answered "not sent" when a save of the batch
/// failed), the rest to [`run_local`].
async fn run_batch<G: Gateway + 'static>(
    batch: Vec<Effect>,
    msgs: &UnboundedSender<Msg>,
    gateway: &Arc<G>,
    devices: &Devices,
    receipts: &UnboundedSender<PrintJob>,
    lang: Lang,
    maintenance: &super::maintenance::Context,
) {
    let mut saved = true;
    for effect in batch {
        if let Effect::Save { order, counters } = effect {
            saved &= save(order, counters, &devices.store, msgs).await;
            continue;
        }
        if !saved && let Some(msg) = super::platform_calls::unsaved(&effect) {
            let _ = msgs.send(msg);
            continue;
        }
        if let Some(effect) = super::platform_calls::run(effect, gateway, msgs, &devices.store, receipts) {
            run_local(effect, msgs, devices, receipts, lang, maintenance).await;
        }
    }
}

/// Saves an order and waits until it is on disk; false (reported) if it is not.
async fn save(
    order: Order,
    counters: crate::core::Counters,
    store: &Arc<dyn Store>,
    msgs: &UnboundedSender<Msg>,
) -> bool {
    let store = store.clone();
    let id = order.id;
    let stock_msgs = msgs.clone();
    let result = tokio::task::spawn_blocking(move || {
        // The stock the order moves is moved by the save itself, in its one durable
        // write (see `store/redb_stock.rs`).
        let counts = store.save(&order, &counters)?;
        if !counts.is_empty() {
            crash_point("after-stock-save");
            let _ = stock_msgs.send(Msg::StockCounts { counts });
        }
        Ok::<(), crate::store::StoreError>(())
    })
    .await;
    let (why, error) = match result {
        Ok(Ok(())) => return true,
        Ok(Err(e)) => (e.save_failure(), e.to_string()),
        Err(e) => (SaveFailure::TillFault, e.to_string()),
    };
    tracing::error!(order_id = id, %error, "save failed: the batch's platform calls are not made");
    let _ = msgs.send(Msg::SaveFailed { order_id: id, why });
    false
}

/// The till's own devices, the printer's queue, and the office and staff executors.
async fn run_local(
    effect: Effect,
    msgs: &UnboundedSender<Msg>,
    devices: &Devices,
    receipts: &UnboundedSender<PrintJob>,
    lang: Lang,
    maintenance: &super::maintenance::Context,
) {
    match effect {
        Effect::Print { order } => {
            let _ = receipts.send(PrintJob::Sale(order));
        }
        Effect::PrintRefund { order, out_refund_no } => {
            let _ = receipts.send(PrintJob::Refund { order, out_refund_no });
        }
        Effect::Beep(kind) => devices.buzzer.beep(kind),
        Effect::Say(speech) => devices.speaker.say(i18n::speech(lang, speech)),
        Effect::AnnounceRefund { amount, platform } => {
            devices.speaker.say(&i18n::refund_announcement(lang, platform, amount))
        }
        Effect::PrintQr { out_trade_no, platform, amount, code_url, expires_at } => {
            let _ = receipts.send(PrintJob::Qr { out_trade_no, platform, amount, code_url, expires_at });
        }
        Effect::PrintTestPage => {
            let _ = receipts.send(PrintJob::TestPage);
        }
        Effect::OpenDrawer => {
            let _ = receipts.send(PrintJob::OpenDrawer);
        }
        Effect::Display(shown) => devices.display.show(shown),
        Effect::JoinWifi { code } => {
            let msgs = msgs.clone();
            let wifi = devices.wifi.clone();
            tokio::task::spawn_blocking(move || {
                let result = wifi.join(&code.0);
                match &result {
                    Ok(ssid) => tracing::info!(ssid, "joined Wi-Fi"),
                    Err(error) => tracing::warn!(?error, "Wi-Fi not joined"),
                }
                let _ = msgs.send(Msg::WifiAnswer { result });
            });
        }
        Effect::Announce { platform, amount } => devices.speaker.say(&i18n::announcement(lang, platform, amount)),
        Effect::Office(effect) => super::office::run(effect, &devices.store, msgs, receipts, lang).await,
        Effect::Auth(effect) => super::auth::run(effect, devices.store.clone(), msgs.clone()).await,
        Effect::Member(effect) => super::members::run(effect, &devices.store, msgs),
        Effect::StoredValue(effect) => super::stored_value::run(effect, &devices.store, msgs),
        Effect::Stock(StockEffect::Apply { sheet, export_dir }) => {
            apply_sheet(sheet, export_dir, devices.store.clone(), msgs, receipts, lang).await
        }
        Effect::Maintenance(effect) => super::maintenance::run(effect, maintenance, msgs),
        Effect::Foreign(effect) => super::foreign::run(effect, maintenance.office(), msgs),
        Effect::Log(log) => super::log::write(log),
        // The save and the platform's calls are taken by `run_batch` before this; listed, not
        // `_`, so a new effect is a compile error until it has an executor.
        other @ (Effect::Save { .. }
        | Effect::MicroPay(_)
        | Effect::Query(_)
        | Effect::Cancel(_)
        | Effect::ScanCodePay(_)
        | Effect::CloseQr(_)
        | Effect::Lookup(_)
        | Effect::Refund(_)
        | Effect::QueryRefund(_)
        | Effect::Reprint { .. }
        | Effect::ReadConfigCode { .. }
        | Effect::Setup { .. }) => tracing::error!(?other, "platform effect past the dispatcher: dropped"),
    }
}

/// Applies a stock sheet in one durable write (`app/stocktake.rs`), then prints it and writes its
/// CSV; the core hears the outcome.
async fn apply_sheet(
    sheet: Box<crate::core::stocktake::StockSheet>,
    export_dir: String,
    store: Arc<dyn Store>,
    msgs: &UnboundedSender<Msg>,
    receipts: &UnboundedSender<PrintJob>,
    lang: Lang,
) {
    use crate::core::stocktake::StockMsg;
    let number = sheet.number.clone();
    let applying = sheet.clone();
    let result = tokio::task::spawn_blocking(move || super::stocktake::apply(store.as_ref(), &applying)).await;
    let counts = match result {
        Ok(Ok(counts)) => counts,
        Ok(Err(e)) => return send_failed(msgs, number, e.to_string()),
        Err(e) => return send_failed(msgs, number, e.to_string()),
    };
    tracing::info!(number, products = counts.len(), "stock sheet applied");
    let csv_sheet = sheet.clone();
    let written = tokio::task::spawn_blocking(move || {
        super::stocktake::export(&csv_sheet, lang, std::path::Path::new(&export_dir))
    })
    .await;
    match written {
        Ok(Ok(path)) => tracing::info!(path = %path.display(), "stock sheet exported"),
        Ok(Err(e)) => tracing::warn!(error = %e, "stock sheet CSV not written"),
        Err(e) => tracing::warn!(error = %e, "stock sheet CSV not written"),
    }
    let _ = receipts.send(PrintJob::Stock(sheet));
    let _ = msgs.send(Msg::Stock(StockMsg::Applied { number, counts }));

    fn send_failed(msgs: &UnboundedSender<Msg>, number: String, error: String) {
        tracing::error!(number, error, "stock sheet not applied");
        let _ = msgs.send(Msg::Stock(StockMsg::Failed { number, error }));
    }
}

/// Prints receipts one after another (a printer at 9600 baud takes a second each) and sends the
/// decoded receipt back for the screen. A receipt the printer does not take stays in `queue`, in
/// order, and is tried again every `queue.retry()`: the cashier hears `PrintFailed` once per
/// receipt, then `Printed` when it comes out.
pub async fn print_receipts(
    mut jobs: UnboundedReceiver<PrintJob>,
    msgs: UnboundedSender<Msg>,
    printer: Arc<dyn Printer>,
    settings: Settings,
    profile: PrinterProfile,
    slips: Slips,
    queue: PrintQueue,
) {
    let mut retry = tokio::time::interval(queue.retry());
    retry.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            job = jobs.recv() => {
                let Some(job) = job else { break };
                if let PrintJob::OpenDrawer = job {
                    open_drawer(&printer, &profile).await;
                    continue;
                }
                let Some(receipt) = render_job(job, &settings, &profile, &slips, &msgs) else { continue };
                let order_id = receipt.order_id;
                if let Err(e) = queue.push(receipt) {
                    tracing::error!(order_id, error = %e, "receipt not queued");
                    let _ = msgs.send(Msg::PrintFailed { order_id, why: PrintFailure::QueueFull });
                }
            }
            _ = retry.tick(), if queue.pending() > 0 => {}
        }
        print_queued(&queue, &printer, &msgs).await;
    }
}

/// Sends the drawer pulse (ESC p) through the receipt printer; a printer that does not take it is
/// logged (the cashier opens the drawer by key).
async fn open_drawer(printer: &Arc<dyn Printer>, profile: &PrinterProfile) {
    let mut e = crate::escpos::Encoder::new(profile);
    e.drawer_pulse();
    let bytes = e.into_bytes();
    let printer = printer.clone();
    match tokio::task::spawn_blocking(move || printer.print(&bytes)).await {
        Ok(Ok(())) => tracing::info!("cash drawer opened"),
        Ok(Err(e)) => tracing::warn!(error = %e, "cash drawer pulse not sent"),
        Err(e) => tracing::warn!(error = %e, "cash drawer pulse not sent"),
    }
}

/// Prints from the front of the queue until it is empty or the printer fails.
async fn print_queued(queue: &PrintQueue, printer: &Arc<dyn Printer>, msgs: &UnboundedSender<Msg>) {
    while let Some(receipt) = queue.front() {
        let printer = printer.clone();
        let bytes = receipt.bytes;
        let result = tokio::task::spawn_blocking(move || printer.print(&bytes)).await;
        let (why, error) = match result {
            Ok(Ok(())) => {
                queue.pop_front();
                let _ = msgs.send(Msg::Printed { order_id: receipt.order_id, preview: receipt.preview });
                continue;
            }
            Ok(Err(e)) => (e.print_failure(), e.to_string()),
            Err(e) => (PrintFailure::Interrupted, e.to_string()),
        };
        let fresh = queue.report_all();
        tracing::warn!(order_id = receipt.order_id, %error, waiting = queue.pending(), "receipt not printed: queued");
        for order_id in fresh {
            let _ = msgs.send(Msg::PrintFailed { order_id, why });
        }
        return;
    }
}

/// A platform's own slip as this printer may print it: only the allow-listed commands, Chinese mode
/// after every reset, the till's cut (`escpos::slip`). What was left out is logged.
fn platform_slip(slip: &[u8], profile: &PrinterProfile) -> Vec<u8> {
    let (bytes, dropped) = crate::escpos::slip::sanitize(slip, profile);
    if dropped != crate::escpos::slip::Dropped::default() {
        tracing::warn!(commands = dropped.commands, controls = dropped.controls, "platform slip: commands left out");
    }
    bytes
}

/// The job's bytes and preview; `None` (reported) when there is nothing to print.
fn render_job(
    job: PrintJob,
    settings: &Settings,
    profile: &PrinterProfile,
    slips: &Slips,
    msgs: &UnboundedSender<Msg>,
) -> Option<QueuedReceipt> {
    let (order_id, bytes, preview) = match job {
        PrintJob::Sale(order) => {
            let mut bytes = super::receipt::render(&order, settings, profile);
            let preview = super::receipt::preview(&bytes, profile);
            bytes.extend(
                order.number.as_deref().and_then(|n| slips(n)).map(|s| platform_slip(&s, profile)).unwrap_or_default(),
            );
            (order.id, bytes, preview)
        }
        PrintJob::Refund { order, out_refund_no } => {
            let mut bytes = super::receipt::render_refund(&order, &out_refund_no, settings, profile);
            let preview = super::receipt::preview(&bytes, profile);
            bytes.extend(slips(&out_refund_no).map(|s| platform_slip(&s, profile)).unwrap_or_default());
            (order.id, bytes, preview)
        }
        PrintJob::Qr { out_trade_no, platform, amount, code_url, expires_at } => {
            let bytes =
                super::qr_slip::render(&out_trade_no, platform, amount, &code_url, expires_at, settings, profile);
            let preview = super::receipt::preview(&bytes, profile);
            (0, bytes, preview)
        }
        PrintJob::TestPage => {
            let bytes = crate::escpos::testpage::render(&settings.shop_name, profile);
            let preview = super::receipt::preview(&bytes, profile);
            (0, bytes, preview)
        }
        PrintJob::Report(report) => {
            let bytes = super::report_print::render(&report, settings, profile);
            let preview = super::receipt::preview(&bytes, profile);
            (0, bytes, preview)
        }
        PrintJob::Reprint { order, platform_slip: slip } => {
            let id = order.as_ref().map_or(0, |o| o.id);
            let bytes = match (slip, &order) {
                (Some(slip), _) => platform_slip(&slip, profile),
                (None, Some(order)) => super::receipt::render(order, settings, profile),
                (None, None) => {
                    tracing::warn!(
                        order_id = id,
                        "no receipt to print: the platform gave none and the till has no record"
                    );
                    let _ = msgs.send(Msg::PrintFailed { order_id: id, why: PrintFailure::NothingToPrint });
                    return None;
                }
            };
            let preview = super::receipt::preview(&bytes, profile);
            (id, bytes, preview)
        }
        PrintJob::Stock(sheet) => {
            let bytes = super::stocktake::render(&sheet, settings, profile);
            let preview = super::receipt::preview(&bytes, profile);
            (0, bytes, preview)
        }
        PrintJob::OpenDrawer => return None,
    };
    Some(QueuedReceipt { order_id, bytes, preview, reported: false })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::core::catalog::{Catalogue, Product};
    use crate::core::money::Fen;
    use crate::core::order::Order;
    use crate::core::{Counters, Failure, PayCall, QueryCall, Verdict};
    use crate::devices::fake::{Journal, RecordingBuzzer, RecordingPrinter, RecordingSpeaker};
    use crate::store::StoreError;
    use crate::store::fake::RecordingStore;
    use std::time::Duration;

    /// A disk that journals each save (and can fail, be slow, or hold saves at a gate); it keeps
    /// nothing, and every other call gets an empty store's answer.
    pub(in crate::app) struct FakeStore {
        pub journal: Journal,
        pub fail: bool,
        /// A slow disk: each save takes this long.
        pub delay: Duration,
        /// A save waits while this is shut (see [`Gate`]).
        pub gate: Gate,
        empty: RecordingStore,
    }

    /// Holds saves back until opened: a save in flight for as long as a test wants.
    #[derive(Clone, Default)]
    pub(in crate::app) struct Gate(Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>);

    impl Gate {
        pub fn shut(&self) {
            *self.0.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
        }

        pub fn open(&self) {
            *self.0.0.lock().unwrap_or_else(|p| p.into_inner()) = false;
            self.0.1.notify_all();
        }

        fn pass(&self) {
            let mut shut = self.0.0.lock().unwrap_or_else(|p| p.into_inner());
            while *shut {
                shut = self.0.1.wait(shut).unwrap_or_else(|p| p.into_inner());
            }
        }
    }

    impl FakeStore {
        pub(in crate::app) fn new(journal: &Journal, fail: bool, delay: Duration) -> FakeStore {
            FakeStore { journal: journal.clone(), fail, delay, gate: Gate::default(), empty: RecordingStore::default() }
        }
    }

    impl crate::store::Wrapper for FakeStore {
        fn inner(&self) -> &dyn Store {
            &self.empty
        }
        fn save(&self, order: &Order, _: &Counters) -> Result<crate::store::Moved, StoreError> {
            if self.fail {
                self.journal.push("save FAILED");
                return Err(StoreError::Corrupt { key: "disk".into(), reason: "full".into() });
            }
            std::thread::sleep(self.delay);
            self.gate.pass();
            self.journal.push(format!("save {:?} {:?}", order.status, order.attempts.last().map(|a| &a.state)));
            Ok(Vec::new())
        }
    }

    struct FakeGateway(Journal);

    impl Gateway for FakeGateway {
        async fn micro_pay(&self, call: &PayCall) -> Verdict {
            self.0.push(format!("micro_pay {}", call.amount));
            Verdict::Paid { transaction_id: "t1".into() }
        }
        async fn query(&self, _: &QueryCall) -> Verdict {
            self.0.push("query");
            Verdict::UserPaying
        }
        async fn cancel(&self, _: &crate::core::CancelCall) -> crate::core::CancelVerdict {
            crate::core::CancelVerdict::Cancelled
        }
        async fn lookup(&self, _: &crate::core::LookupCall) -> crate::core::LookupVerdict {
            crate::core::LookupVerdict::NotFound
        }
        async fn refund(&self, _: &crate::core::RefundCall) -> crate::core::RefundVerdict {
            crate::core::RefundVerdict::Failed { reason: "fake".into() }
        }
        async fn query_refund(&self, _: &crate::core::RefundCall) -> crate::core::RefundVerdict {
            crate::core::RefundVerdict::NotFound
        }
        fn describe(&self) -> String {
            "fake".into()
        }
    }

    fn engine(journal: &Journal, fail_saves: bool) -> super::super::Engine {
        engine_on(journal, FakeStore::new(journal, fail_saves, Duration::ZERO))
    }

    pub(in crate::app) fn engine_on(journal: &Journal, store: FakeStore) -> super::super::Engine {
        engine_with(journal, store, FakeGateway(journal.clone()))
    }

    fn engine_with<G: Gateway + 'static>(journal: &Journal, store: FakeStore, gateway: G) -> super::super::Engine {
        let settings = crate::core::Settings::test_shop();
        let catalogue = Catalogue::new([Product::new("6900138600889", "可乐", Fen(350))]);
        let devices = Devices {
            store: Arc::new(store),
            printer: Arc::new(RecordingPrinter(journal.clone())),
            buzzer: Arc::new(RecordingBuzzer(journal.clone())),
            speaker: Arc::new(RecordingSpeaker(journal.clone())),
            wifi: Arc::new(crate::devices::NoWifi),
            print_queue: PrintQueue::in_memory(10, Duration::from_secs(3)),
            display: super::super::display::DisplayFeed::none(),
        };
        let mut state = crate::core::State::new(settings, catalogue);
        state.auth.policy.auto_sign_in = Some("01".into());
        super::super::Engine::start(
            state,
            Arc::new(gateway),
            devices,
            PrinterProfile::mm58(),
            Arc::new(super::super::ManualClock::new(crate::core::clock::Millis(1_740_796_215_000))),
        )
        .expect("engine")
    }

    async fn run_until(engine: &mut super::super::Engine, done: impl Fn(&crate::core::State) -> bool) {
        let mut ticker = super::super::ticker();
        let reached = tokio::time::timeout(Duration::from_secs(5), async {
            while !done(&engine.state) {
                engine.step(&mut ticker).await;
            }
        })
        .await;
        assert!(reached.is_ok(), "not reached in time: {:?} {:?}", engine.state.notice, engine.state.sale.attempts);
    }

    #[tokio::test]
    async fn the_attempt_is_saved_before_the_platform_is_called_and_the_receipt_after_the_paid_save() {
        let journal = Journal::default();
        let mut engine = engine(&journal, false);
        let codes = vec!["6900138600889".to_string(), "134680423163089456".to_string()];
        engine.attach_scanner(Box::new(crate::devices::ScriptedScanner(codes)));
        run_until(&mut engine, |s| !s.receipt_preview.is_empty()).await;
        let j = journal.entries();
        let pos = |prefix: &str| j.iter().position(|e| e.starts_with(prefix)).unwrap_or(usize::MAX);
        assert!(pos("save Paying Some(Sending)") < pos("micro_pay 3.50"), "{j:#?}");
        assert!(pos("save Paid") < pos("print"), "{j:#?}");
        assert!(pos("save Paid") < pos("say 微信支付收款成功 3.50元"), "{j:#?}");
    }

    #[tokio::test]
    async fn a_cash_sale_is_shown_paid_only_once_its_save_is_on_disk() {
        let journal = Journal::default();
        let store = FakeStore::new(&journal, false, Duration::from_millis(300));
        let mut engine = engine_on(&journal, store);
        engine.handle(Msg::Scan("6900138600889".into()));
        engine.handle(Msg::Key(crate::core::Key::Enter));
        engine.handle(Msg::Key(crate::core::Key::Char('c')));
        engine.handle(Msg::Key(crate::core::Key::Enter));
        assert!(matches!(engine.state.screen, crate::core::Screen::Done { .. }), "{:?}", engine.state.screen);
        // What the screen (or the headless observation) shows waits for this: a pulled plug
        // after the cashier saw "paid" cannot take the sale back.
        engine.durable().await;
        assert!(journal.entries().iter().any(|e| e.starts_with("save Paid")), "{:#?}", journal.entries());
    }

    #[tokio::test]
    async fn when_the_attempt_cannot_be_saved_the_platform_is_not_called() {
        let journal = Journal::default();
        let mut engine = engine(&journal, true);
        engine.handle(Msg::Scan("6900138600889".into()));
        engine.handle(Msg::Scan("134680423163089456".into()));
        run_until(&mut engine, |s| {
            matches!(s.sale.attempts.last().map(|a| &a.state), Some(crate::core::order::AttemptState::Unknown { .. }))
        })
        .await;
        assert!(!journal.entries().iter().any(|e| e.starts_with("micro_pay")), "{:#?}", journal.entries());
        assert!(
            matches!(engine.state.notice, Some(crate::core::notice::Notice::StoreFailed { .. })),
            "{:?}",
            engine.state.notice
        );
    }

    /// The real 微收银 client behind a link that went down since the last ping said it was up:
    /// its payment goes out through the real transport and finds nothing listening.
    struct DownSinceLastPing(crate::payments::weishouyin::WeishouyinClient);

    impl Gateway for DownSinceLastPing {
        async fn micro_pay(&self, call: &PayCall) -> Verdict {
            self.0.micro_pay(call).await
        }
        async fn query(&self, call: &QueryCall) -> Verdict {
            self.0.query(call).await
        }
        async fn cancel(&self, call: &crate::core::CancelCall) -> crate::core::CancelVerdict {
            self.0.cancel(call).await
        }
        async fn lookup(&self, call: &crate::core::LookupCall) -> crate::core::LookupVerdict {
            self.0.lookup(call).await
        }
        async fn refund(&self, call: &crate::core::RefundCall) -> crate::core::RefundVerdict {
            self.0.refund(call).await
        }
        async fn query_refund(&self, call: &crate::core::RefundCall) -> crate::core::RefundVerdict {
            self.0.query_refund(call).await
        }
        fn describe(&self) -> String {
            self.0.describe()
        }
    }

    /// 微收银 and Cloud Pay share one transport error: a 微收银 payment whose connection was refused
    /// (nothing listens on port 1) certainly never reached the platform. The till goes offline and
    /// tells the cashier to take cash; the payment is not announced as declined, nor left in doubt.
    #[tokio::test]
    async fn a_weishouyin_payment_that_never_left_makes_the_till_offline_and_is_not_announced_as_failed() {
        use crate::core::notice::Notice;
        use crate::core::order::AttemptState;
        let journal = Journal::default();
        let cfg = crate::payments::weishouyin::WeishouyinConfig::demo("http://127.0.0.1:1");
        let client = crate::payments::weishouyin::WeishouyinClient::new(cfg).expect("client");
        let store = FakeStore::new(&journal, false, Duration::ZERO);
        let mut engine = engine_with(&journal, store, DownSinceLastPing(client));
        engine.handle(Msg::Scan("6900138600889".into()));
        engine.handle(Msg::Scan("134680423163089456".into()));
        run_until(&mut engine, |s| s.sale.attempts.last().is_some_and(|a| a.state.is_final())).await;
        assert!(!engine.state.online, "the till is offline");
        let failed = engine.state.sale.attempts.last().map(|a| a.state.clone());
        assert!(matches!(&failed, Some(AttemptState::Failed { reason }) if *reason == Failure::NotSent), "{failed:?}");
        assert_eq!(engine.state.notice, Some(Notice::OfflineTakeCash), "{:?}", engine.state.notice);
    }
}
