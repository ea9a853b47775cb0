#![allow(clippy::panic)] // a test fails by panicking
//! The keyboard-wedge scanner on a real kernel: a virtual USB keyboard made through
//! `/dev/uinput` plays the scanner. It is found by name, grabbed, read; unplugged and plugged
//! back in, it is found again without a restart. Where there is no writable `/dev/uinput` (the
//! build machines), the test says so and passes; it runs for real in the QEMU image tests.

use evdev::uinput::VirtualDevice;
use evdev::{AttributeSet, BusType, Device, EventType, InputEvent, InputId, KeyCode as K};
use std::time::Duration;
use till::core::Msg;
use till::devices::{EvdevScanner, Scanner, ScannerConfig, ScannerStatus};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::watch;

const DEADLINE: Duration = Duration::from_secs(10);

/// A USB barcode scanner as the kernel sees one: a keyboard with a vendor:product id.
fn plug_in(name: &str) -> std::io::Result<VirtualDevice> {
    let mut keys = AttributeSet::<K>::new();
    for code in 1..=K::KEY_KPDOT.code() {
        keys.insert(K(code));
    }
    VirtualDevice::builder()?
        .name(name)
        .input_id(InputId::new(BusType::BUS_USB, 0x0c2e, 0x0b61, 1))
        .with_keys(&keys)?
        .build()
}

/// Presses and releases each key as a US-layout scanner does, Shift around the shifted ones.
fn scan(dev: &mut VirtualDevice, keys: &[(K, bool)]) {
    let key = |k: K, v: i32| InputEvent::new(EventType::KEY.0, k.code(), v);
    for &(k, shifted) in keys {
        if shifted {
            dev.emit(&[key(K::KEY_LEFTSHIFT, 1)]).expect("emit");
        }
        dev.emit(&[key(k, 1)]).expect("emit");
        dev.emit(&[key(k, 0)]).expect("emit");
        if shifted {
            dev.emit(&[key(K::KEY_LEFTSHIFT, 0)]).expect("emit");
        }
    }
}

fn plain(keys: &[K]) -> Vec<(K, bool)> {
    keys.iter().map(|&k| (k, false)).collect()
}

async fn wait_status(
    status: &mut watch::Receiver<ScannerStatus>,
    what: &str,
    f: impl Fn(&ScannerStatus) -> bool,
) -> ScannerStatus {
    let seen =
        tokio::time::timeout(DEADLINE, status.wait_for(|s| f(s))).await.ok().and_then(|r| r.ok()).map(|s| s.clone());
    seen.unwrap_or_else(|| panic!("scanner not {what} within {DEADLINE:?}: {:?}", *status.borrow()))
}

async fn next_scan(codes: &mut UnboundedReceiver<Msg>) -> String {
    match tokio::time::timeout(DEADLINE, codes.recv()).await {
        Ok(Some(Msg::Scan(code))) => code,
        other => panic!("no scan within {DEADLINE:?}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs /dev/uinput (the kernel's uinput module): run by `make test` where the kernel has it"]
async fn a_uinput_scanner_is_grabbed_read_and_found_again_after_replugging() {
    let name = format!("till test scanner {}", std::process::id());
    let mut dev = plug_in(&name).unwrap_or_else(|e| panic!("no virtual scanner: /dev/uinput: {e}"));
    let scanner = EvdevScanner::new(ScannerConfig::by_name(&name)).expect("config");
    let mut status = scanner.status();
    let (tx, mut codes) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || Box::new(scanner).run(tx));

    let connected = wait_status(&mut status, "connected", |s| matches!(s, ScannerStatus::Connected { .. })).await;
    let ScannerStatus::Connected { path, name: seen } = connected else { unreachable!() };
    assert_eq!(seen, name);
    // Grabbed: nobody else (the console, a shell, this test) can have the device.
    let mut other = Device::open(&path).expect("open the scanner's node");
    assert!(other.grab().is_err(), "{} is not grabbed by the till", path.display());
    drop(other);

    let mut keys = plain(&[K::KEY_6, K::KEY_9, K::KEY_0, K::KEY_0, K::KEY_1, K::KEY_3, K::KEY_8]);
    keys.extend(plain(&[K::KEY_6, K::KEY_0, K::KEY_0, K::KEY_8, K::KEY_8, K::KEY_9, K::KEY_ENTER]));
    scan(&mut dev, &keys);
    assert_eq!(next_scan(&mut codes).await, "6900138600889");
    scan(
        &mut dev,
        &[(K::KEY_A, true), (K::KEY_B, false), (K::KEY_2, true), (K::KEY_SLASH, false), (K::KEY_ENTER, false)],
    );
    assert_eq!(next_scan(&mut codes).await, "Ab@/");

    drop(dev);
    wait_status(&mut status, "unplugged", |s| *s == ScannerStatus::Unplugged).await;
    let mut dev = plug_in(&name).expect("plug the scanner back in");
    wait_status(&mut status, "reconnected", |s| matches!(s, ScannerStatus::Connected { .. })).await;
    scan(&mut dev, &plain(&[K::KEY_4, K::KEY_2, K::KEY_ENTER]));
    assert_eq!(next_scan(&mut codes).await, "42");
    assert!(codes.try_recv().is_err(), "nothing else was scanned");
}
