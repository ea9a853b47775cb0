//! The aarch64 till booted under qemu-system-aarch64 (`make test-qemu`, through
//! `tests/qemu/run_arm.sh`, which builds the kit and sets `TILL_QEMU_ARM_KIT`; ignored without it).
//!
//! The real TUI runs on the guest's serial console inside a tmux pane, whose screen text the test
//! reads; the scanner is QEMU's virtio keyboard played through QMP and read by the till through
//! evdev; receipts come out of a virtio serial port into a host file; payments go to the Cloud Pay
//! simulator on the host through QEMU's restricted user network; the data directory is an ext4
//! virtio disk image that outlives a power cut (QEMU killed during a payment).

mod qemu_board;

use qemu_board::{Board, Extra};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use till::config::Config;
use till::escpos::{Element, PrinterProfile};
use till::sim::cloudpay::{CloudPaySim, SimConfig, SimHandle, SimOrderState};

const PRODUCT: &str = "6900138600889";
const WECHAT_CODE: &str = "134680423163089456";
/// The simulator charges at once and answers only after `slow_ms`: the power goes meanwhile.
const SLOW_CODE: &str = "134680423163080003";

/// The texts and CODE128/QR payloads of everything printed so far.
fn receipt_contents(bytes: &[u8]) -> (String, Vec<String>) {
    let elements = till::escpos::decode(bytes, &PrinterProfile::mm58()).expect("receipt bytes decode");
    let mut text = String::new();
    let mut codes = Vec::new();
    for e in elements {
        match e {
            Element::Text(t) => text.push_str(&t),
            Element::Newline => text.push('\n'),
            Element::Barcode { data, .. } | Element::Qr(data) => codes.push(data),
            _ => {}
        }
    }
    (text, codes)
}

fn order_paid_with(sim: &SimHandle, code: &str) -> Option<till::sim::cloudpay::SimOrder> {
    sim.orders().into_iter().find(|o| o.author_code == code)
}

/// One emulated board at a time: the machine has two cores.
static ONE_BOARD: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the QEMU-arm kit: run by `make test-qemu`"]
async fn the_aarch64_till_sells_prints_and_survives_a_power_cut_under_qemu() {
    let kit = std::env::var_os("TILL_QEMU_ARM_KIT")
        .map(PathBuf::from)
        .expect("TILL_QEMU_ARM_KIT not set: run `make test-qemu`");
    let _one = ONE_BOARD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let started = Instant::now();
    let config = Config::load(Path::new("tests/qemu/till.toml")).expect("the guest's config parses");
    let demo = till::payments::cloudpay::CloudPayConfig::demo("http://10.0.2.100");
    assert_eq!(format!("{:?}", config.cloudpay), format!("{demo:?}"), "guest config = the simulator's merchant");

    let sim = CloudPaySim::start(([127, 0, 0, 1], 0).into(), SimConfig { slow_ms: 600_000, ..SimConfig::default() })
        .expect("simulator");
    let dir = qemu_board::work_dir();
    let mut timings: Vec<(&str, Duration)> = Vec::new();

    // First boot: one sale paid by WeChat, its receipt on the virtio serial printer.
    let t = Instant::now();
    let mut board = Board::boot(&kit, dir.path(), sim.addr().port(), 1);
    board.wait_screen("the till's first screen", "Happy Corner Shop", Duration::from_secs(60));
    timings.push(("boot to the till's first screen", t.elapsed()));
    let t = Instant::now();
    board.scan(PRODUCT);
    board.wait_screen("the product in the cart", "3.50", Duration::from_secs(20));
    timings.push(("scan to product on screen", t.elapsed()));
    board.console_key("Enter");
    let t = Instant::now();
    board.scan(WECHAT_CODE);
    let paid = board.wait("the WeChat payment in the simulator", Duration::from_secs(30), || {
        order_paid_with(&sim, WECHAT_CODE).filter(|o| o.state == SimOrderState::Paid)
    });
    let (text, codes) = board.wait("the receipt on the printer port", Duration::from_secs(30), || {
        let (text, codes) = receipt_contents(&board.printed());
        codes.iter().any(|c| c.contains(&paid.out_trade_no)).then_some((text, codes))
    });
    timings.push(("payment code to receipt printed", t.elapsed()));
    assert_eq!(paid.total_fee, 350, "charged 3.50");
    assert!(text.contains("3.50"), "the receipt shows 3.50:\n{text}");
    assert!(codes.iter().any(|c| c.contains(&paid.out_trade_no)), "order number barcode {codes:?}");

    // Second sale: the platform is slow; the power goes while the till waits for its answer.
    board.scan(PRODUCT);
    board.wait_screen("the second sale", "3.50", Duration::from_secs(20));
    board.console_key("Enter");
    board.scan(SLOW_CODE);
    let charged = board.wait("the slow payment reaching the simulator", Duration::from_secs(30), || {
        order_paid_with(&sim, SLOW_CODE).filter(|o| o.charged)
    });
    board.power_cut();
    let before_cut = receipt_contents(&std::fs::read(dir.path().join("printer1.bin")).unwrap_or_default()).1;
    assert!(!before_cut.iter().any(|c| c.contains(&charged.out_trade_no)), "no receipt before the answer");

    // Second boot on the same data disk: the till finds the payment in doubt and resolves it.
    let t = Instant::now();
    let mut board = Board::boot(&kit, dir.path(), sim.addr().port(), 2);
    board.wait_screen("the till after the power cut", "Happy Corner Shop", Duration::from_secs(60));
    timings.push(("boot to the till after the power cut", t.elapsed()));
    let resolved = board.wait("the order resolved after the restart", Duration::from_secs(60), || {
        let order = order_paid_with(&sim, SLOW_CODE)?;
        (order.query_calls > 0).then_some(order)
    });
    timings.push(("restart to order resolved", t.elapsed()));
    assert_eq!(sim.charge_count(&resolved.out_trade_no), 1, "charged exactly once");
    assert_eq!(resolved.state, SimOrderState::Paid);
    assert_eq!(resolved.micro_pay_calls, 1, "the payment was not sent again");
    let after = board.wait_screen("screen after resolving", "Happy Corner Shop", Duration::from_secs(1));
    eprintln!("console after the restart:\n{after}");

    // A Wi-Fi code on this board, which has no Wi-Fi adapter (no wlan0; tests/qemu_arm_wifi.rs has
    // one): its network is named on a confirmation that needs the supervisor's PIN typed now
    // (though operator 01, a supervisor, is signed in); then the till says in one line that it
    // has no adapter and tries nothing.
    let t = Instant::now();
    board.scan("WIFI:T:WPA;S:Corner Shop;P:mango tea 42;;");
    let confirm = board.wait_screen("the confirmation", "Join a Wi-Fi network?", Duration::from_secs(30));
    assert!(confirm.contains("Corner Shop") && !confirm.contains("mango"), "the name, not the password:\n{confirm}");
    board.wait_screen("the prompt's box", "Supervisor approval", Duration::from_secs(5));
    board.console_key("0000");
    board.console_key("Enter");
    let screen = board.wait_screen(
        "a Wi-Fi code on a till without Wi-Fi",
        "Wi-Fi not joined: this till has no Wi-Fi adapter (wlan0 not found)",
        Duration::from_secs(30),
    );
    assert!(!screen.contains("previous network"), "no network to keep:\n{screen}");
    timings.push(("Wi-Fi code on a till without Wi-Fi", t.elapsed()));
    drop(board);
    timings.push(("whole test (kit built)", started.elapsed()));
    eprintln!("\n{:<40} {:>8}", "QEMU-arm timings", "seconds");
    for (what, d) in &timings {
        eprintln!("{what:<40} {:>8.1}", d.as_secs_f64());
    }
}

/// Serves files to the guest (http://10.0.2.101/NAME through QEMU's guestfwd): a release server.
fn serve_files(files: Vec<(&'static str, Vec<u8>)>) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = asked.clone();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let text = String::from_utf8_lossy(&request);
            let path = text.split_whitespace().nth(1).unwrap_or_default().trim_start_matches('/').to_string();
            log.lock().expect("log").push(path.clone());
            let head = match files.iter().find(|(name, _)| *name == path) {
                Some((_, body)) => {
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
                }
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
            };
            let _ = conn.write_all(head.as_bytes());
            if let Some((_, body)) = files.iter().find(|(name, _)| *name == path) {
                let _ = conn.write_all(body);
            }
        }
    });
    (port, asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the QEMU-arm kit: run by `make test-qemu`"]
async fn the_aarch64_till_upgrades_itself_and_rolls_a_broken_version_back_under_qemu() {
    use till::upgrade::bundle;
    let kit = std::env::var_os("TILL_QEMU_ARM_KIT")
        .map(PathBuf::from)
        .expect("TILL_QEMU_ARM_KIT not set: run `make test-qemu`");
    let _one = ONE_BOARD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let started = Instant::now();
    const AARCH64: &str = "aarch64-unknown-linux-gnu";
    let release = ed25519_dalek::SigningKey::from_bytes(&[0x5a; 32]);
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[0xa5; 32]);
    // The new version is this very till relabelled 99.0.0; the broken one is a real aarch64
    // program that is no till at all (busybox: "till: applet not found", exit 127).
    let till = std::fs::read(kit.join("root/usr/bin/till")).expect("the kit's till");
    let busybox = std::fs::read(kit.join("root/bin/busybox")).expect("the kit's busybox");
    let good = bundle::create(&release, &till, "99.0.0", AARCH64, None).expect("bundle");
    let broken = bundle::create(&release, &busybox, "99.1.0", AARCH64, None).expect("bundle");
    let untrusted = bundle::create(&stranger, &busybox, "99.2.0", AARCH64, None).expect("bundle");
    let (files_port, asked) =
        serve_files(vec![("good.bundle", good), ("broken.bundle", broken), ("untrusted.bundle", untrusted)]);
    let key = till::upgrade::keys::public_hex(&release.verifying_key());
    let sim = CloudPaySim::start(([127, 0, 0, 1], 0).into(), SimConfig::default()).expect("simulator");
    let dir = qemu_board::work_dir();
    let url = |name: &str| format!("http://10.0.2.101/{name}");

    // Boot 1: a bundle signed by another key is refused; the release is installed into slot a and
    // started on trial; its first screen marks it good (a scanned product proves the loop went on).
    let t = Instant::now();
    let append = format!("till.update_key={key} till.upgrade={},{}", url("untrusted.bundle"), url("good.bundle"));
    let mut board = Board::boot_with(
        &kit,
        dir.path(),
        sim.addr().port(),
        1,
        &Extra { append, files_port: Some(files_port), ..Extra::default() },
    );
    board.wait_screen("the upgraded till's first screen", "Happy Corner Shop", Duration::from_secs(60));
    let log = board.console_log();
    assert!(log.contains("which this till does not trust"), "the stranger's bundle refused:\n{log}");
    let installed = format!("installed till 99.0.0 in slot a (was {})", env!("CARGO_PKG_VERSION"));
    assert!(log.contains(&installed), "{installed}:\n{log}");
    assert!(log.contains("starting slot a (99.0.0) on trial: start 1 of 3"), "booted into the new version:\n{log}");
    board.scan(PRODUCT);
    board.wait_screen("a sale on the new version", "3.50", Duration::from_secs(20));
    let upgrade_time = t.elapsed();
    board.power_cut();

    // Boot 2: the broken release goes into slot b (slot a, good, is kept); it fails three starts
    // and till-boot-slot switches back to slot a, which sells again.
    let t = Instant::now();
    let append = format!("till.update_key={key} till.upgrade={}", url("broken.bundle"));
    let board = Board::boot_with(
        &kit,
        dir.path(),
        sim.addr().port(),
        2,
        &Extra { append, files_port: Some(files_port), ..Extra::default() },
    );
    board.wait_screen("the till after the rollback", "Happy Corner Shop", Duration::from_secs(60));
    let log = board.console_log();
    assert!(log.contains("installed till 99.1.0 in slot b (was 99.0.0)"), "{log}");
    for n in 1..=3 {
        assert!(log.contains(&format!("starting slot b (99.1.0) on trial: start {n} of 3")), "start {n}:\n{log}");
    }
    let rolled = "slot b (99.1.0) did not reach its first screen in 3 start(s): rolled back to slot a (99.0.0)";
    assert!(log.contains(rolled), "{log}");
    let after = log.split(rolled).nth(1).unwrap_or_default();
    assert!(!after.contains("till exited"), "slot a runs on after the rollback:\n{after}");
    let rollback_time = t.elapsed();
    drop(board);
    let asked = asked.lock().expect("log").clone();
    assert_eq!(asked, ["untrusted.bundle", "good.bundle", "broken.bundle"], "one download each");
    eprintln!("\n{:<40} {:>8}", "QEMU-arm upgrade timings", "seconds");
    for (what, d) in [
        ("boot, upgrade, first screen, sale", upgrade_time),
        ("boot, upgrade, 3 failed starts, rollback", rollback_time),
        ("whole test", started.elapsed()),
    ] {
        eprintln!("{what:<40} {:>8.1}", d.as_secs_f64());
    }
}
