//! `till doctor`: every device and service the till uses, how it is configured and whether it works,
//! one line each, for the technician in front of the box. Reads and probes; never changes anything
//! (no receipt is printed, no payment made, the buzzer stays silent).

use crate::config::{Config, PaymentPlatform};
use crate::core::clock::Millis;
use crate::devices::{list_input_devices, printer};
use crate::i18n::day_text;
use crate::store::{RedbStore, Store, StoreError};
use std::fmt;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    /// Works, or is not needed, but worth a look.
    Warn,
    /// The till cannot do this part of its job until it is fixed.
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub level: Level,
    pub what: &'static str,
    pub detail: String,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = match self.level {
            Level::Ok => " OK ",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        };
        write!(f, "[{tag}] {:<10} {}", self.what, self.detail)
    }
}

fn check(level: Level, what: &'static str, detail: impl Into<String>) -> Check {
    Check { level, what, detail: detail.into() }
}

/// Runs every check.
pub async fn run(config: &Config) -> Vec<Check> {
    let data_dir = config.data_dir();
    let mut checks = vec![store(&data_dir)];
    let not_before = NOT_BEFORE.max(crate::app::platform::built_at());
    checks.push(clock(system_now(), not_before, config.utc_offset_minutes, last_number_day(&data_dir)));
    checks.extend(platform(config, &data_dir).await);
    checks.extend(scanner(config));
    checks.push(printer_check(config, &data_dir));
    checks.push(display_check(config));
    checks.push(scale_check(config));
    checks.push(buzzer(config));
    checks.push(voice(config));
    checks.push(wifi(config));
    checks.push(upgrade(config));
    checks
}

fn store(data_dir: &Path) -> Check {
    let path = data_dir.join("store");
    if !path.exists() {
        return check(Level::Warn, "store", format!("{} does not exist yet (created at first start)", path.display()));
    }
    match RedbStore::open(&path) {
        Ok(s) => match s.load_unsettled() {
            Ok((open, _)) => check(Level::Ok, "store", format!("{}: {} open order(s)", path.display(), open.len())),
            Err(e) => check(Level::Fail, "store", format!("{}: {e}", path.display())),
        },
        // redb locks its file: a running till holds it.
        Err(StoreError::Locked { .. }) => {
            check(Level::Ok, "store", format!("{}: in use by the running till", path.display()))
        }
        Err(e) => check(Level::Fail, "store", e.to_string()),
    }
}

/// No till's clock can rightly read earlier than this (2026-12-01 UTC, before this till's software
/// was made): a board without a real-time clock that has not had its time from the network yet.
const NOT_BEFORE: Millis = Millis(1_796_083_200_000);

fn system_now() -> Millis {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Millis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The day (`yymmdd`) of the last order number the store's counters record, if the store can be read.
fn last_number_day(data_dir: &Path) -> Option<u32> {
    let path = data_dir.join("store");
    if !path.exists() {
        return None;
    }
    let (_, counters) = RedbStore::open(&path).ok()?.load_unsettled().ok()?;
    counters.map(|c| c.seq_day).filter(|&d| d > 0)
}

/// The till's clock against the platform's time read with a ping (`core::platform_clock`).
fn platform_clock(now: Millis, platform_secs: Option<i64>) -> Check {
    let Some(platform) = platform_secs else {
        return check(Level::Warn, "clock", "the platform told no time: the till's clock is not checked against it");
    };
    let skew = now.unix_secs().saturating_sub(platform);
    let limit = crate::core::platform_clock::WRONG_AFTER_SECS;
    if skew.abs() > limit {
        let way = if skew > 0 { "ahead of" } else { "behind" };
        return check(
            Level::Fail,
            "clock",
            format!("{} s {way} the payment platform's: set the date and time", skew.abs()),
        );
    }
    check(Level::Ok, "clock", format!("within {} s of the payment platform's", skew.abs()))
}

/// Whether the clock is plainly wrong: before the software was made, or a day earlier than the last
/// order number issued (order numbers then go on from that day's, never again from 0001).
fn clock(now: Millis, not_before: Millis, utc_offset_minutes: i32, last_day: Option<u32>) -> Check {
    let local = now.local(utc_offset_minutes);
    let reads = local.display();
    if now < not_before {
        let floor = not_before.local(utc_offset_minutes).display();
        return check(Level::Fail, "clock", format!("reads {reads}, before {floor}: set the date and time (NTP)"));
    }
    match last_day {
        Some(day) if day > local.yymmdd() => check(
            Level::Fail,
            "clock",
            format!(
                "reads {reads}, earlier than the last order number's date {}: set the date and time",
                day_text(day)
            ),
        ),
        _ => check(Level::Ok, "clock", format!("reads {reads}")),
    }
}

async fn platform(config: &Config, data_dir: &Path) -> Vec<Check> {
    match config.platform {
        PaymentPlatform::CloudPay => {
            let mut out = Vec::new();
            let setup = crate::app::platform::cloudpay_device_file(data_dir);
            let set_up = config.cloudpay.is_set_up() || setup.exists();
            out.push(if set_up {
                check(Level::Ok, "cloudpay", "set up (order prefix and key present)")
            } else {
                check(Level::Fail, "cloudpay", "not set up: scan the merchant's configuration QR code on the till")
            });
            match crate::payments::cloudpay::CloudPayClient::new(config.cloudpay.clone()) {
                Ok(client) => {
                    for url in &config.cloudpay.base_urls {
                        let up = client.ping(url).await;
                        if up && !out.iter().any(|c| c.what == "clock") {
                            out.push(platform_clock(system_now(), client.take_answer_date()));
                        }
                        let level = if up { Level::Ok } else { Level::Warn };
                        out.push(check(
                            level,
                            "domain",
                            format!("{url}: {}", if up { "answers ping" } else { "no answer" }),
                        ));
                    }
                }
                Err(e) => out.push(check(Level::Fail, "cloudpay", e.to_string())),
            }
            out
        }
        PaymentPlatform::Weishouyin => {
            let mut out = match crate::app::platform::start(config, data_dir).await {
                Ok((payments, _)) => {
                    use crate::payments::Gateway;
                    let name = payments.describe();
                    let level = if name.starts_with('—') { Level::Fail } else { Level::Ok };
                    let mut out = vec![check(level, "weishouyin", name)];
                    out.extend(payments.insecure_link().map(insecure));
                    if payments.reachable().await {
                        out.push(platform_clock(system_now(), payments.clock().await));
                    }
                    out
                }
                Err(e) => vec![check(Level::Fail, "weishouyin", format!("{e:#}"))],
            };
            let base_url = config.weishouyin.as_ref().map(|w| w.base_url.clone()).unwrap_or_default();
            if crate::payments::is_insecure_link(&base_url) && !out.iter().any(|c| c.what == "insecure") {
                out.push(insecure(base_url));
            }
            out
        }
    }
}

/// A platform link that is not HTTPS: on a hostile network its answers ("paid") can be forged.
fn insecure(link: String) -> Check {
    check(
        Level::Warn,
        "insecure",
        format!("insecure platform link {link}: not HTTPS, anyone on the network can forge its answers"),
    )
}

fn scanner(config: &Config) -> Vec<Check> {
    let devices = list_input_devices();
    let mut out = Vec::new();
    match (&config.scanner, &config.scanner_serial) {
        (Some(s), _) => out.push(check(Level::Ok, "scanner", format!("HID through evdev: {s:?}"))),
        (None, Some(p)) => out.push(check(Level::Ok, "scanner", format!("serial mode on {}", p.display()))),
        (None, None) => out.push(check(Level::Warn, "scanner", "none configured: the keyboard plays the scanner")),
    }
    if devices.is_empty() {
        out.push(check(Level::Warn, "input", "no /dev/input/event* devices"));
    }
    for d in devices {
        let detail = match &d.error {
            Some(e) => format!("{}: cannot open ({e})", d.path.display()),
            None => format!("{} {} \"{}\"", d.path.display(), d.vendor_product, d.name),
        };
        out.push(check(if d.error.is_some() { Level::Warn } else { Level::Ok }, "input", detail));
    }
    out
}

fn printer_check(config: &Config, data_dir: &Path) -> Check {
    let transport = match config.printer.transport(data_dir) {
        Ok(t) => t,
        Err(e) => return check(Level::Fail, "printer", e.to_string()),
    };
    let p = printer::open(&transport, config.printer.options());
    match p.status() {
        Ok(Some(status)) => {
            let level = if status.paper_out || status.cover_open || !status.online { Level::Fail } else { Level::Ok };
            check(level, "printer", format!("{}: {status}", p.describe()))
        }
        Ok(None) => check(Level::Ok, "printer", format!("{} (status not readable on this transport)", p.describe())),
        Err(e) => check(Level::Fail, "printer", format!("{}: {e}", p.describe())),
    }
}

/// The customer display is write-only: the port opening and taking its settings is all that can
/// be known without showing something to the customer.
fn display_check(config: &Config) -> Check {
    use crate::devices::display::{CustomerDisplay, SerialDisplay};
    let Some(d) = &config.display else { return check(Level::Warn, "display", "no customer display configured") };
    let port = SerialDisplay::new(d);
    match port.check() {
        Ok(()) => check(
            Level::Ok,
            "display",
            format!("{}: the port opens (the maintenance menu's test lights it)", port.describe()),
        ),
        Err(e) => check(Level::Fail, "display", e.to_string()),
    }
}

/// The counter scale: the port opens and a frame is read within a second (what it weighs now).
fn scale_check(config: &Config) -> Check {
    let Some(s) = &config.scale else { return check(Level::Warn, "scale", "no counter scale configured") };
    let port = format!("{} {} baud ({:?})", s.path.display(), s.baud, s.protocol);
    match crate::devices::scale::read_one(s, std::time::Duration::from_secs(1)) {
        Ok(Some(r)) => {
            let state = if r.stable { "stable" } else { "settling" };
            check(Level::Ok, "scale", format!("{port}: {} {state}", r.grams))
        }
        Ok(None) => check(Level::Fail, "scale", format!("{port}: no weight read in 1 s (protocol or frame layout?)")),
        Err(e) => check(Level::Fail, "scale", format!("{port}: not available: {e}")),
    }
}

fn buzzer(config: &Config) -> Check {
    match &config.buzzer {
        None => check(Level::Warn, "buzzer", "none configured"),
        Some(b) => match crate::devices::buzzer::open(b) {
            Ok(_) => check(Level::Ok, "buzzer", format!("{} line {} can be driven", b.chip.display(), b.line)),
            Err(e) => check(Level::Fail, "buzzer", e.to_string()),
        },
    }
}

fn voice(config: &Config) -> Check {
    match &config.voice {
        None => check(Level::Warn, "voice", "none configured: announcements are only logged"),
        Some(v) if !v.enabled => check(Level::Warn, "voice", "switched off"),
        Some(v) => match std::process::Command::new(&v.program).arg("--version").output() {
            Ok(out) if out.status.success() => {
                let version = String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or_default().to_string();
                check(Level::Ok, "voice", format!("{}: {version}", v.program.display()))
            }
            Ok(_) | Err(_) => check(Level::Fail, "voice", format!("{} cannot be run", v.program.display())),
        },
    }
}

fn wifi(config: &Config) -> Check {
    let Some(w) = &config.wifi else { return check(Level::Warn, "wifi", "none configured") };
    let mut cmd = std::process::Command::new("wpa_cli");
    if let Some(dir) = &w.ctrl_dir {
        cmd.arg("-p").arg(dir);
    }
    match cmd.arg("-i").arg(&w.interface).arg("status").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)).unwrap_or("?").to_string();
            let state = field("wpa_state=");
            let level = if state == "COMPLETED" { Level::Ok } else { Level::Warn };
            check(level, "wifi", format!("{}: {state}, ssid {}", w.interface, field("ssid=")))
        }
        Ok(_) | Err(_) => check(Level::Fail, "wifi", format!("wpa_supplicant on {} does not answer", w.interface)),
    }
}

/// What boots (a slot or the factory till), whether a version was rolled back, the trusted keys.
fn upgrade(config: &Config) -> Check {
    use crate::upgrade::{Slot, Slots, TrustedKeys};
    let settings = config.upgrade.clone().unwrap_or_default();
    let slots = Slots::new(&settings.slots_dir);
    let running = match slots.current() {
        Some(s) => format!("runs slot {} (till {})", s.name(), crate::upgrade::installed_version(&slots)),
        None => format!("runs the factory till ({})", env!("CARGO_PKG_VERSION")),
    };
    let from = settings.url.unwrap_or_else(|| "no [upgrade] url".into());
    let failed = [Slot::A, Slot::B]
        .into_iter()
        .map(|s| slots.state(s))
        .find_map(|s| Some(format!("slot {} ({}) {}", s.slot.name(), s.version?, s.failed?)));
    match (TrustedKeys::system(), failed) {
        (Err(e), _) => check(Level::Fail, "upgrade", format!("{running}; {e}")),
        (Ok(k), _) if k.is_empty() => {
            check(Level::Warn, "upgrade", format!("{running}; no trusted update key: bundles are refused"))
        }
        (Ok(_), Some(failed)) => check(Level::Warn, "upgrade", format!("{running}; {failed}")),
        (Ok(k), None) => check(Level::Ok, "upgrade", format!("{running}; {} trusted key(s); {from}", k.iter().count())),
    }
}

/// `till doctor`: one line per check; exit status 1 if anything fails.
pub async fn command(path: &std::path::Path) -> anyhow::Result<()> {
    let config = match crate::config::Config::load(path) {
        Ok(c) => {
            println!("[ OK ] config     {}", path.display());
            c
        }
        Err(e) => {
            println!("[FAIL] config     {e}");
            std::process::exit(1);
        }
    };
    let checks = run(&config).await;
    for c in &checks {
        println!("{c}");
    }
    if checks.iter().any(|c| c.level == Level::Fail) {
        std::process::exit(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Lang;

    #[tokio::test]
    async fn the_demo_configuration_is_checked_line_by_line_without_side_effects() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config::demo(Lang::En, dir.path().join("data"), "http://127.0.0.1:9".into());
        let checks = run(&config).await;
        let text: Vec<String> = checks.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|l| l.contains("store") && l.contains("does not exist yet")), "{text:#?}");
        assert!(text.iter().any(|l| l.starts_with("[WARN] domain") && l.contains("no answer")), "{text:#?}");
        assert!(text.iter().any(|l| l.contains("printer")), "{text:#?}");
        assert!(text.iter().any(|l| l.contains("upgrade") && l.contains("runs the factory till")), "{text:#?}");
        assert!(!dir.path().join("data").join("store").exists(), "the doctor creates nothing");
    }

    /// A pty pair and its slave's path: the device's end for the tests.
    fn open_pty() -> (nix::pty::OpenptyResult, std::path::PathBuf) {
        let pty = nix::pty::openpty(None, None).expect("openpty");
        let path = std::fs::read_link(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&pty.slave)))
            .expect("slave path");
        (pty, path)
    }

    #[test]
    fn the_customer_display_is_checked_by_opening_its_port() {
        use crate::devices::display::{DisplayConfig, DisplayProfile};
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::demo(Lang::En, dir.path().join("data"), "http://127.0.0.1:9".into());
        assert_eq!(display_check(&config).level, Level::Warn, "none configured");
        let (_pty, path) = open_pty();
        let display = DisplayConfig { profile: DisplayProfile::Led8, path, baud: 9600, flow: Default::default() };
        config.display = Some(display.clone());
        let ok = display_check(&config);
        assert_eq!(ok.level, Level::Ok, "{ok}");
        assert!(ok.detail.contains("9600 baud (led8)"), "{ok}");
        config.display = Some(DisplayConfig { path: dir.path().join("ttyNONE"), ..display });
        assert_eq!(display_check(&config).level, Level::Fail);
    }

    #[test]
    fn the_scale_is_checked_by_reading_a_weight() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::demo(Lang::En, dir.path().join("data"), "http://127.0.0.1:9".into());
        assert_eq!(scale_check(&config).level, Level::Warn, "none configured");
        let (pty, path) = open_pty();
        config.scale = Some(toml::from_str(&format!("path = {path:?}")).expect("scale"));
        // Said before the doctor opens the port: the pty keeps it for the reader.
        let mut master = std::fs::File::from(pty.master);
        master.write_all(b"ST,GS,+000.750kg\r\n").expect("frame");
        let ok = scale_check(&config);
        assert!(ok.level == Level::Ok && ok.detail.ends_with("0.750kg stable"), "{ok}");
        drop(master);
        let (_silent, path) = open_pty();
        config.scale = Some(toml::from_str(&format!("path = {path:?}")).expect("scale"));
        assert_eq!(scale_check(&config).level, Level::Fail, "a scale that says nothing");
    }

    #[test]
    fn a_clock_far_from_the_platforms_is_said_to_be() {
        let now = Millis(NOT_BEFORE.0 + 86_400_000);
        let secs = now.unix_secs();
        assert_eq!(platform_clock(now, Some(secs - 5)).level, Level::Ok);
        let behind = platform_clock(now, Some(secs + 600));
        assert_eq!(behind.level, Level::Fail, "{behind}");
        assert!(behind.to_string().contains("600 s behind"), "{behind}");
        assert_eq!(platform_clock(now, Some(secs - 600)).level, Level::Fail);
        assert_eq!(platform_clock(now, None).level, Level::Warn);
    }

    #[test]
    fn a_clock_that_is_plainly_wrong_is_said_to_be() {
        let day = 86_400_000;
        let ok = clock(Millis(NOT_BEFORE.0 + 10 * day), NOT_BEFORE, 480, Some(261201));
        assert_eq!(ok.level, Level::Ok, "{ok}");
        // A board that has not had its time yet (1970, or a fake-hwclock's last shutdown long ago).
        let unset = clock(Millis(0), NOT_BEFORE, 480, None);
        assert_eq!(unset.level, Level::Fail, "{unset}");
        assert!(unset.to_string().contains("1970-01-01"), "{unset}");
        // A day earlier than the last order number issued.
        let back = clock(Millis(NOT_BEFORE.0 + 10 * day), NOT_BEFORE, 480, Some(261231));
        assert_eq!(back.level, Level::Fail, "{back}");
        assert!(back.to_string().contains("2026-12-31"), "{back}");
    }

    #[tokio::test]
    async fn a_weishouyin_link_that_is_not_https_is_an_insecure_platform_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::demo_weishouyin(Lang::En, dir.path().join("data"), "http://dct.semoor.cn/".into());
        if let Some(w) = config.weishouyin.as_mut() {
            w.key.clear(); // not activated: nothing is asked of the network
        }
        let text: Vec<String> = platform(&config, &config.data_dir()).await.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|l| l.starts_with("[WARN] insecure") && l.contains("dct.semoor.cn")), "{text:#?}");
        config.weishouyin.as_mut().expect("weishouyin").base_url = "https://dct.semoor.cn/".into();
        let text: Vec<String> = platform(&config, &config.data_dir()).await.iter().map(ToString::to_string).collect();
        assert!(!text.iter().any(|l| l.contains("insecure")), "{text:#?}");
    }
}
