//! `till run` and `till demo`: the till itself. The devices, the platform, the store and the sync are
//! opened from the configuration and handed to the [`Engine`]; the store is refused (never repaired)
//! when it cannot be used; retention keeps it bounded beside the till.

use crate::app::{self, Devices, Engine, SystemClock};
use crate::config::{self, Config, PaymentPlatform};
use crate::core::{Lang, State};
use crate::devices::{
    Buzzer, EspeakSpeaker, EvdevScanner, LineScanner, LogSpeaker, NoBuzzer, NoWifi, Speaker, TerminalBell, printer,
};
use crate::logging::{self, LogTo};
use crate::payments::Gateway;
use crate::sim::backoffice::{BackofficeSim, BackofficeSimConfig};
use crate::sim::cloudpay::{CloudPaySim, SimConfig};
use crate::store::RedbStore;
use crate::sync::BackofficeConfig;
use crate::ui::Status;
use anyhow::Context;
use std::path::PathBuf;
use std::sync::Arc;

/// `till demo`: the till on its embedded defaults, with the simulators started here.
pub async fn demo(
    lang: Lang,
    data_dir: Option<PathBuf>,
    headless: bool,
    platform: PaymentPlatform,
    backoffice_url: Option<String>,
) -> anyhow::Result<()> {
    let data_dir = data_dir.unwrap_or_else(|| config::default_data_dir().with_file_name("till-demo"));
    let backoffice = BackofficeSim::start(([127, 0, 0, 1], 0).into(), BackofficeSimConfig::default())?;
    let bo = Some(match backoffice_url {
        Some(url) => BackofficeConfig { url, ..BackofficeConfig::demo("") },
        None => BackofficeConfig::demo(&backoffice.base_url()),
    });
    match platform {
        PaymentPlatform::CloudPay => {
            let sim = CloudPaySim::start(([127, 0, 0, 1], 0).into(), SimConfig::default())?;
            run(Config { backoffice: bo, ..Config::demo(lang, data_dir, sim.base_url()) }, true, headless).await
        }
        PaymentPlatform::Weishouyin => {
            let cfg = crate::sim::weishouyin::SimConfig::default();
            let sim = crate::sim::weishouyin::WeishouyinSim::start(([127, 0, 0, 1], 0).into(), cfg)?;
            let config = Config::demo_weishouyin(lang, data_dir, sim.base_url());
            run(Config { backoffice: bo, ..config }, true, headless).await
        }
    }
}

/// The simulator training payments go to, and its client (none, logged, if it cannot start).
fn training_simulator() -> (Option<crate::sim::cloudpay::SimHandle>, Option<crate::payments::cloudpay::CloudPayClient>)
{
    let cfg = SimConfig { order_prefix: crate::core::training::TRAINING_PREFIX.into(), ..SimConfig::default() };
    let started = CloudPaySim::start(([127, 0, 0, 1], 0).into(), cfg).map_err(anyhow::Error::from).and_then(|sim| {
        let config = crate::payments::cloudpay::CloudPayConfig::demo(&sim.base_url());
        let client = crate::payments::cloudpay::CloudPayClient::new(config)?;
        Ok((sim, client))
    });
    match started {
        Ok((sim, client)) => (Some(sim), Some(client)),
        Err(e) => {
            tracing::warn!(error = %e, "the training simulator did not start: training payments will fail");
            (None, None)
        }
    }
}

/// `till run`: the till on `config` until it quits (`demo`: a demo's buzzer and power button).
pub async fn run(config: Config, demo: bool, headless: bool) -> anyhow::Result<()> {
    let data_dir = config.data_dir();
    std::fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    if headless {
        logging::init(LogTo::Stderr)?;
    } else {
        logging::init(LogTo::File(&data_dir.join("till.log")))?;
    }
    config.log_deprecations();
    // Before the panic hook: the store's check turns a panic in redb on a damaged file into a refusal.
    let store_path = data_dir.join("store");
    let store = match RedbStore::open(&store_path) {
        Ok(store) => store,
        Err(e) => refuse_store(&store_path, &e),
    };
    install_panic_hook();
    let profile = config.profile()?;
    let printer = printer::open(&config.printer.transport(&data_dir)?, config.printer.options());
    let retry = std::time::Duration::from_secs(config.printer.retry_secs);
    let print_queue =
        app::PrintQueue::persistent(&data_dir.join("print-queue.json"), config.printer.queue_limit, retry)?;
    let buzzer: Arc<dyn Buzzer> = match &config.buzzer {
        Some(b) => match crate::devices::buzzer::open(b) {
            Ok(buzzer) => Arc::new(buzzer),
            Err(e) => {
                tracing::warn!(error = %e, "running without the buzzer");
                Arc::new(NoBuzzer)
            }
        },
        None if demo && !headless => Arc::new(TerminalBell),
        None => Arc::new(NoBuzzer),
    };
    let speaker: Arc<dyn Speaker> = match &config.voice {
        Some(v) => Arc::new(EspeakSpeaker::start(v, config.lang)),
        None => Arc::new(LogSpeaker),
    };
    let (gateway, stored_setup) = app::platform::start(&config, &data_dir).await?;
    // Training mode's payments go to a Cloud Pay simulator of the till's own, on loopback, never
    // to the shop's platform (`payments/training.rs`); it lives as long as the till.
    let (training_sim, training) = training_simulator();
    let gateway = Arc::new(crate::payments::training::WithTraining { real: gateway, training });
    let status = Status {
        demo,
        gateway: gateway.describe(),
        printer: printer.describe(),
        clock: String::new(),
        unsynced: 0,
        clock_off: false,
        insecure_link: gateway.insecure_link(),
        upgrade_waiting: None,
    };
    if let Some(host) = &status.insecure_link {
        tracing::warn!(host, "insecure platform link: not HTTPS, its answers can be forged on the network");
    }
    tracing::info!(data_dir = %data_dir.display(), demo, headless, "till starting");
    let mut settings = config.settings();
    if let Some(info) = stored_setup {
        settings.shop_name = info.shop_name;
        settings.order_prefix = info.order_prefix;
        if let Some(op) = info.operator.filter(|o| !o.is_empty()) {
            settings.operator = op;
        }
    }
    let wifi: Arc<dyn crate::devices::Wifi> = match &config.wifi {
        Some(w) => Arc::new(crate::wifi::QrWifi::wpa_supplicant(w)),
        None => Arc::new(NoWifi),
    };
    let store = Arc::new(store);
    let catalogue =
        app::catalogue::start(&*store, &config.catalogue, settings.lang).context("loading the catalogue")?;
    let promotions = app::promotions::load(&*store).context("loading the promotions")?;
    keep_store_bounded(store.clone(), config.retention_days);
    verify_in_background(store.clone());
    let host = maintenance_host(store.clone(), &data_dir, &config);
    let backoffice = crate::sync::enrolment::effective(config.backoffice.clone(), &data_dir)?;
    let office = backoffice.clone();
    let sync = crate::sync::start(store, backoffice);
    let display = match &config.display {
        Some(d) => {
            let port = Arc::new(crate::devices::display::SerialDisplay::new(d));
            tracing::info!(device = crate::devices::display::CustomerDisplay::describe(&*port), "customer display");
            app::display::start(port, d.profile, config.lang).context("starting the customer display")?
        }
        None => app::display::DisplayFeed::none(),
    };
    let catalogue_follower = sync.catalogue;
    sync.release.start(crate::sync::release::Local {
        data_dir: host.data_dir.clone(),
        slots: crate::upgrade::Slots::new(host.upgrade.slots_dir.clone()),
        keys: host.keys.clone(),
    });
    let devices = Devices { store: sync.store, printer, buzzer, speaker, wifi, print_queue, display };
    let mut state = State::new(settings, catalogue);
    state.auth.policy = config.operators.clone();
    state.keymap = crate::core::intent::KeyMap { extra: config.keys.clone() };
    state.qr_settings = config.qr_settings();
    state.held.config = config.held;
    state.members.config = config.members.clone();
    state.stored_value.config = config.stored_value.clone();
    state.refund_windows = config.refund_windows;
    state.clock.built_at = crate::app::platform::built_at();
    state.discount_rules = config.discounts.clone();
    state.promotions = promotions;
    if demo {
        state.auth.policy.power_off = false;
    }
    let mut engine = Engine::start(state, gateway, devices, profile, Arc::new(SystemClock))?;
    let _training_sim = training_sim;
    engine.attach_sync(sync.status);
    engine.attach_office(office);
    catalogue_follower.start(engine.msgs.clone());
    engine.set_export_dir(&config.export_dir());
    engine.attach_maintenance(host);
    if let Some(scale) = &config.scale {
        engine.attach_scale(scale.clone()).context("starting the scale reader")?;
    }
    if let Some(path) = &config.scanner_serial {
        let port = std::fs::File::open(path).with_context(|| format!("opening the scanner {}", path.display()))?;
        engine.attach_scanner(Box::new(LineScanner::new(port, &path.display().to_string())));
    }
    if let Some(scanner) = &config.scanner {
        // Not plugged in yet is fine: the reader keeps looking (its status is logged).
        let scanner = EvdevScanner::new(scanner.clone())?;
        engine.watch_scanner(scanner.status());
        engine.attach_scanner(Box::new(scanner));
    }
    let restart = engine.restart_watch();
    let result = if headless {
        app::headless::run_headless(engine).await
    } else {
        app::run_tui(engine, status, demo, config.screen_copy.clone()).await
    };
    if *restart.borrow() {
        tracing::warn!("leaving for a restart (maintenance menu)");
        std::process::exit(app::maintenance::RESTART_EXIT_CODE);
    }
    result
}

/// The maintenance menu's view of the box: its store's size and the export (`till export`'s
/// format without the operators' PIN hashes, flushed, to a new file).
fn maintenance_host(store: Arc<RedbStore>, data_dir: &std::path::Path, config: &Config) -> app::maintenance::Host {
    let exporting = store.clone();
    let sizing = store.clone();
    app::maintenance::Host {
        store,
        upgrade: config.upgrade.clone().unwrap_or_default(),
        keys: Arc::new(crate::upgrade::TrustedKeys::system),
        data_dir: data_dir.to_path_buf(),
        export: Arc::new(move |path: &std::path::Path| {
            let file = std::fs::File::create_new(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            exporting.export_without_pins(&mut out).map_err(|e| e.to_string())?;
            let file = out.into_inner().map_err(|e| e.to_string())?;
            file.sync_all().map_err(|e| e.to_string())
        }),
        store_bytes: Arc::new(move || sizing.size_on_disk().ok()),
    }
}

/// A store that cannot be opened (damaged, newer, locked, sled) is never repaired or replaced here:
/// one line on stderr (the journal) says where it is and how to recover, and the till does not start.
fn refuse_store(path: &std::path::Path, error: &crate::store::StoreError) -> ! {
    use crate::store::StoreError;
    tracing::error!(path = %path.display(), %error, "order store refused");
    let what = error.to_string().replace('\n', " ");
    let recovery = match error {
        StoreError::Locked { .. } => "stop the other till first (only one may use a store)".to_string(),
        StoreError::OldSled { .. } => format!(
            "to carry its orders over, run `till export > backup.jsonl` with the earlier till, move {} aside, \
             then `till import --config <till.toml> < backup.jsonl` with this one (docs/store.md)",
            path.display()
        ),
        _ => "keep a copy of that directory, then either move it aside and restore a backup with \
              `till import --config <till.toml> < backup.jsonl`, or move it aside to start an empty store"
            .to_string(),
    };
    eprintln!(
        "till: the order store at {} cannot be used ({what}); the till will not sell until it is fixed and has \
         changed nothing: {recovery}",
        path.display()
    );
    std::process::exit(2);
}

/// A store opened without the full check (its last close was clean, `store/redb_clean.rs`) is read
/// whole beside the till, which sells meanwhile: damage found is logged, and the store is then
/// closed without its clean marker so that the next start checks it fully and refuses it.
fn verify_in_background(store: Arc<RedbStore>) {
    if !store.opened_without_full_check() {
        return;
    }
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        match store.verify() {
            Ok(records) => {
                tracing::info!(
                    records,
                    ms = started.elapsed().as_millis() as u64,
                    "order store verified in the background"
                )
            }
            Err(e) => tracing::error!(error = %e, "order store damaged: the next start checks it fully"),
        }
    });
}

/// Retention, beside the till: at start and then daily, orders older than `days` that are settled and
/// delivered are removed from the store (`RedbStore::compact_closed_before`).
fn keep_store_bounded(store: Arc<RedbStore>, days: u32) {
    if days == 0 {
        return;
    }
    tokio::spawn(async move {
        loop {
            let store = store.clone();
            let done = tokio::task::spawn_blocking(move || {
                use crate::app::Clock;
                let cutoff = SystemClock.now().plus_secs(-i64::from(days) * 86_400);
                store.compact_closed_before(cutoff)
            })
            .await;
            match done {
                Ok(Ok(n)) => tracing::info!(removed = n, days, "store retention"),
                Ok(Err(e)) => tracing::error!(error = %e, "store retention failed"),
                Err(e) => tracing::error!(error = %e, "store retention failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(86_400)).await;
        }
    });
}

/// A panic restores the terminal (ratatui's hook), is logged, and ends the process non-zero so
/// systemd restarts the till on a clean screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "till panicked");
        previous(info);
        std::process::exit(70);
    }));
}
