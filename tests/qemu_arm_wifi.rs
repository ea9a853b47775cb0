//! The aarch64 till joins a Wi-Fi network from a scanned `WIFI:` code under qemu-system-aarch64
//! (`make test-qemu`, through `tests/qemu/run_arm.sh`, which builds the kit and sets
//! `TILL_QEMU_ARM_KIT`; ignored without it).
//!
//! The guest boots the kit's Wi-Fi initramfs (`initrd-wifi.gz`, `tests/qemu/wifi.sh`): two radios
//! simulated by the kernel (mac80211_hwsim), the shop's access point on wlan1 (hostapd, WPA2-PSK)
//! and wpa_supplicant on wlan0 with its file on the data disk, as the image has it. A cashier is
//! signed in, so each Wi-Fi code needs the supervisor's PIN, typed on the console. The till's
//! `wpa_cli` applier adds the network, waits for wpa_supplicant to complete the WPA2 handshake with
//! hostapd, then has it save its file. After a clean power-off the host reads that file from the
//! data disk image (debugfs) and checks the network that was saved and that nothing else was.

mod qemu_board;

use qemu_board::{Board, Extra};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use till::sim::cloudpay::{CloudPaySim, SimConfig};

/// The access point of `tests/qemu/hostapd.conf`.
const SSID: &str = "Corner Shop";
const PASSPHRASE: &str = "mango;tea\"42";
/// Its QR code: ZXing's form, with `;` escaped; the `"` makes the till hand wpa_supplicant the PSK.
const GOOD_CODE: &str = "WIFI:T:WPA;S:Corner Shop;P:mango\\;tea\"42;;";
/// A code whose SSID tries to close wpa_supplicant's quotes and start a network block of its own on
/// the next line. A keyboard-wedge scanner types the newline as Enter: the till gets the cut-off
/// code, then the rest as a second scan.
const HOSTILE_CODE: &str = "WIFI:T:WPA;S:Evil\"\nnetwork={ssid=\"Free\" key_mgmt=NONE};P:secret123;;";
/// The PIN of operator 01, the supervisor of a fresh store.
const SUPERVISOR_PIN: &str = "0000";

/// `debugfs` prints a file of an ext4 image without mounting it.
fn read_from_disk(image: &Path, path: &str) -> String {
    let out = Command::new("debugfs").arg("-R").arg(format!("cat {path}")).arg(image).output().expect("debugfs runs");
    assert!(out.status.success(), "debugfs: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `network={...}` blocks of a wpa_supplicant file, each as its `key=value` lines.
fn network_blocks(conf: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<(String, String)>> = None;
    for line in conf.lines().map(str::trim) {
        if line == "network={" {
            current = Some(Vec::new());
        } else if line == "}" {
            blocks.extend(current.take());
        } else if let (Some(block), Some((k, v))) = (current.as_mut(), line.split_once('=')) {
            block.push((k.to_string(), v.to_string()));
        }
    }
    blocks
}

/// The PSK of the access point's passphrase, from Debian's `wpa_passphrase` (not the till's code).
fn psk_by_wpa_passphrase(ssid: &str, passphrase: &str) -> Option<String> {
    let out = Command::new("wpa_passphrase").arg(ssid).arg(passphrase).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines().map(str::trim).find_map(|l| l.strip_prefix("psk=").filter(|v| !v.starts_with('"')).map(String::from))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the QEMU-arm kit: run by `make test-qemu`"]
async fn the_aarch64_till_joins_a_scanned_wifi_network_and_refuses_a_hostile_code_under_qemu() {
    let kit = std::env::var_os("TILL_QEMU_ARM_KIT")
        .map(PathBuf::from)
        .expect("TILL_QEMU_ARM_KIT not set: run `make test-qemu`");
    let started = Instant::now();
    let sim = CloudPaySim::start(([127, 0, 0, 1], 0).into(), SimConfig::default()).expect("simulator");
    let dir = qemu_board::work_dir();
    let mut timings: Vec<(&str, Duration)> = Vec::new();

    let t = Instant::now();
    let extra = Extra { initrd: Some("initrd-wifi.gz"), control: true, ..Extra::default() };
    let mut board = Board::boot_with(&kit, dir.path(), sim.addr().port(), 1, &extra);
    board.wait_screen("the till's first screen", "Happy Corner Shop", Duration::from_secs(90));
    timings.push(("boot with Wi-Fi to the till's first screen", t.elapsed()));
    let boot = board.boot_log();
    assert!(boot.contains("till-qemu: wifi: wlan0 wlan1 up, access point on wlan1"), "the radios:\n{boot}");

    // The hostile code: its first line is read and refused as incomplete before anything is asked
    // (nothing to confirm); its second line is no code at all.
    let t = Instant::now();
    board.scan(HOSTILE_CODE);
    let screen = board.wait_screen(
        "the hostile code refused",
        "Wi-Fi not joined: not a valid Wi-Fi code (the Wi-Fi code is incomplete",
        Duration::from_secs(30),
    );
    assert!(!screen.contains("Evil") && !screen.contains("Free"), "no name from the code shown:\n{screen}");
    let screen = board.wait_screen("the rest refused", "Unreadable code, scan it again", Duration::from_secs(30));
    assert!(!screen.contains("Join a Wi-Fi network?"), "nothing to confirm:\n{screen}");
    timings.push(("hostile code refused", t.elapsed()));

    // The shop's code: the supervisor's PIN, then the WPA2 handshake with the access point.
    let t = Instant::now();
    board.scan(GOOD_CODE);
    let confirm = board.wait_screen("the confirmation", "Join a Wi-Fi network?", Duration::from_secs(20));
    assert!(confirm.contains(SSID) && !confirm.contains("mango"), "the name, not the password:\n{confirm}");
    board.wait_screen("the supervisor asked for", "Changing settings needs a supervisor", Duration::from_secs(5));
    board.wait_screen("the prompt's box", "Supervisor approval", Duration::from_secs(1));
    board.console_key(SUPERVISOR_PIN);
    board.console_key("Enter");
    board.wait_screen("the network joined", &format!("Connected to Wi-Fi {SSID}"), Duration::from_secs(60));
    timings.push(("Wi-Fi code to network joined (PIN included)", t.elapsed()));

    let t = Instant::now();
    let log = board.power_off(Duration::from_secs(30));
    timings.push(("clean power-off", t.elapsed()));
    assert!(log.contains("till-qemu: till exited 0"), "the till stopped on SIGTERM:\n{log}");
    assert!(log.contains("till-qemu: data disk unmounted"), "the data disk unmounted cleanly:\n{log}");

    // What wpa_supplicant saved on the data disk, read by the host.
    let conf = read_from_disk(&dir.path().join("data.img"), "/wpa_supplicant-wlan0.conf");
    eprintln!("the guest's /var/lib/till/wpa_supplicant-wlan0.conf:\n{conf}");
    assert!(conf.starts_with("ctrl_interface=DIR=/run/wpa_supplicant"), "its header kept:\n{conf}");
    assert!(conf.contains("update_config=1"), "{conf}");
    let blocks = network_blocks(&conf);
    assert_eq!(blocks.len(), 1, "exactly the one network joined:\n{conf}");
    let get = |k: &str| blocks[0].iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    // wpa_supplicant writes a printable name quoted, any other in hex.
    let ssid_hex = hex::encode(SSID);
    assert!(matches!(get("ssid"), Some(s) if s == format!("\"{SSID}\"") || s == ssid_hex), "ssid:\n{conf}");
    let psk = psk_by_wpa_passphrase(SSID, PASSPHRASE).expect("wpa_passphrase (Debian's wpasupplicant) runs");
    assert_eq!(get("psk"), Some(psk.as_str()), "the PSK of the passphrase, as wpa_passphrase derives it");
    assert_eq!(get("key_mgmt"), Some("WPA-PSK WPA-PSK-SHA256 SAE"), "{conf}");
    for hostile in ["Evil", &hex::encode("Evil"), "Free", "NONE"] {
        assert!(!conf.contains(hostile), "nothing of the hostile code written ({hostile}):\n{conf}");
    }
    timings.push(("whole test (kit built)", started.elapsed()));
    eprintln!("\n{:<44} {:>8}", "QEMU-arm Wi-Fi timings", "seconds");
    for (what, d) in &timings {
        eprintln!("{what:<44} {:>8.1}", d.as_secs_f64());
    }
}
