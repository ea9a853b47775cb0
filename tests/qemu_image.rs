#![allow(clippy::panic)] // test helpers fail the test by panicking
//! The Raspberry Pi image's own root file system booted under qemu-system-aarch64 -M virt
//! (`make test-image`, which builds the image and sets `TILL_IMAGE_DIR`; ignored without it):
//! the image's kernel, initramfs and kernel command line (console moved to the serial port), the
//! whole SD-card image as a virtio disk made larger than the image, as a bigger card would be.
//!
//! Checked from the host: systemd reports the till started (Type=notify: only after the till drew
//! its first screen and sent READY=1), the data partition grew to the end of the disk, the till
//! wrote its log on the data partition, the root partition's bytes never changed (read-only, even
//! across a power cut), and the system boots again after the power cut.
//!
//! The board's hardware watchdog is QEMU's `i6300esb` (the Pi's is `bcm2835_wdt`), armed by systemd
//! (`RuntimeWatchdogSec=`, systemd/system.conf.d/till.conf). Two more boots check both watchdogs:
//! a till that stops pinging systemd (its screen held with Scroll Lock, so its frame's write
//! never returns) is killed and started again by systemd (`WatchdogSec=` in till.service), and a
//! system that hangs (a kernel crash by sysrq with `panic=0`: nothing left to ping the watchdog) is
//! reset by the hardware watchdog (QEMU's `WATCHDOG` event) and boots to the till again.

mod qemu_board;

use qemu_board::{ImageArch, failures_on_console, qmp_connect, qmp_execute};
use std::io::BufRead;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;
/// The disk is this much larger than the image: the data partition must grow into it.
const EXTRA: u64 = 64 * MIB;

struct Board {
    qemu: Child,
    console: PathBuf,
}

/// How a boot differs from the plain one.
#[derive(Default)]
struct Opts<'a> {
    /// Appended to the image's kernel command line.
    cmdline: &'a [&'a str],
    /// A guest reset reboots it (QEMU's default) instead of ending QEMU (`-no-reboot`).
    reboot: bool,
    /// QEMU's monitor (QMP) on this Unix socket.
    qmp: Option<&'a Path>,
    /// The board's hardware watchdog (QEMU's i6300esb on the virt machine's PCIe bus), which
    /// systemd arms at start. Only the watchdog tests have it: on a host so loaded that the guest's
    /// systemd misses its 15 s, it would reset a boot that is merely slow.
    watchdog: bool,
}

impl Board {
    fn boot(dir: &Path, disk: &Path, tmp: &Path, n: u32) -> Board {
        Board::boot_with(dir, disk, tmp, n, &Opts::default())
    }

    fn boot_with(dir: &Path, disk: &Path, tmp: &Path, n: u32, opts: &Opts) -> Board {
        let arch = ImageArch::from_env();
        let fat = format!("{}@@{}", dir.join(arch.image()).display(), 4 * MIB);
        let out = Command::new("mtype").args(["-i", &fat, "::/cmdline.txt"]).output().expect("mtype");
        let cmdline = String::from_utf8_lossy(&out.stdout).replace("console=tty3", "console=ttyAMA0");
        let cmdline: Vec<&str> =
            cmdline.split_whitespace().filter(|a| *a != "quiet" && !a.starts_with("loglevel")).collect();
        assert!(cmdline.contains(&"root=LABEL=TILLROOT"), "{cmdline:?}");
        let console = tmp.join(format!("console{n}.log"));
        let mut qemu = Command::new(arch.qemu);
        qemu.args(["-M", "virt", "-cpu", arch.cpu, "-smp", "2", "-m", "512", "-display", "none"]).args([
            "-monitor",
            "none",
            "-global",
            "virtio-mmio.force-legacy=false",
        ]);
        if !opts.reboot {
            qemu.arg("-no-reboot");
        }
        if let Some(path) = opts.qmp {
            qemu.arg("-qmp").arg(format!("unix:{},server=on,wait=off", path.display()));
        }
        if opts.watchdog {
            qemu.args(["-device", "i6300esb"]);
        }
        let extra = opts.cmdline.join(" ");
        let qemu = qemu
            .arg("-kernel")
            .arg(dir.join("parts/vmlinuz"))
            .arg("-initrd")
            .arg(dir.join("parts/initrd.img"))
            // No getty on the serial console (systemd's generator starts one there, as it is the kernel's
            // console here): once it runs, systemd stops writing status lines to the console, the test's
            // only view of the boot, and a till slower to start than the getty was never seen starting.
            .args([
                "-append",
                &format!("{} systemd.show_status=1 systemd.getty_auto=0 loglevel=4 {extra}", cmdline.join(" ")),
            ])
            .args(["-chardev", &format!("file,id=con,path={}", console.display()), "-serial", "chardev:con"])
            .args(["-drive", &format!("file={},format=raw,if=none,id=d0", disk.display())])
            .args(["-device", "virtio-blk-device,drive=d0", "-device", "virtio-keyboard-device"])
            .args(["-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-device,netdev=n0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(arch.qemu);
        Board { qemu, console }
    }

    fn console(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.console).unwrap_or_default()).into_owned()
    }

    fn wait_console(&self, what: &str, within: Duration, probe: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + within;
        loop {
            let text = self.console();
            if probe(&text) {
                return;
            }
            let dead = ["Freezing execution", "Kernel panic", "till-initramfs:", "emergency mode"];
            assert!(!dead.iter().any(|d| text.contains(d)), "{what}: the boot failed; the console:\n{text}");
            assert!(Instant::now() < deadline, "{what}: not within {within:?}; the console:\n{text}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Pulls the plug: QEMU killed, nothing flushed by the guest.
    fn power_cut(mut self) {
        let _ = self.qemu.kill();
        let _ = self.qemu.wait();
    }
}

impl Drop for Board {
    fn drop(&mut self) {
        let _ = self.qemu.kill();
        let _ = self.qemu.wait();
    }
}

/// (start, length) in bytes of the MBR's partitions.
fn partitions(disk: &[u8]) -> Vec<(u64, u64)> {
    (0..4)
        .map(|i| &disk[446 + 16 * i..446 + 16 * (i + 1)])
        .filter(|e| e[4] != 0)
        .map(|e| {
            let n = |at: usize| u64::from(u32::from_le_bytes([e[at], e[at + 1], e[at + 2], e[at + 3]])) * 512;
            (n(8), n(12))
        })
        .collect()
}

fn debugfs(fs: &Path, request: &str) -> String {
    let out = Command::new("debugfs").arg("-R").arg(request).arg(fs).output().expect("debugfs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn started(console: &str) -> bool {
    // systemd shortens the status lines to the console's width: match the unit's name.
    console.lines().any(|l| l.contains("Started") && l.contains("till.service"))
}

#[test]
#[ignore = "needs the SD image: run by `make test-image`"]
fn the_image_boots_under_qemu_to_the_till_with_a_read_only_root_and_a_grown_data_partition() {
    let dir = image_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let disk = disk_copy(&dir, tmp.path());
    let image_len = std::fs::metadata(&disk).expect("disk").len();
    std::fs::OpenOptions::new().write(true).open(&disk).expect("disk").set_len(image_len + EXTRA).expect("grow");
    let before = std::fs::read(&disk).expect("disk");
    let parts = partitions(&before);
    let root = |d: &[u8]| d[parts[1].0 as usize..(parts[1].0 + parts[1].1) as usize].to_vec();
    let root_before = root(&before);
    drop(before);

    let t = Instant::now();
    let board = Board::boot(&dir, &disk, tmp.path(), 1);
    board.wait_console("the till started by systemd (its first screen drawn)", Duration::from_secs(240), started);
    let boot1 = t.elapsed();
    // The grower runs before the till starts: its status line is on the console already.
    let console = board.console();
    assert!(console.lines().any(|l| l.contains("Finished") && l.contains("till-grow-data")), "{console}");
    // Nothing failed on the way (what `systemctl --failed` would list: ldconfig.service did, on the
    // read-only root), and the boot partition was mounted, not given up after a device timeout:
    // till-provision.service needs it, and is ordered before the till.
    let failed = failures_on_console(&console);
    assert!(failed.is_empty(), "units failed during the boot:\n{}\nthe console:\n{console}", failed.join("\n"));
    assert!(
        console.lines().any(|l| l.contains("Mounted") && l.contains("/boot/firmware")),
        "the boot partition was not mounted before the till started:\n{console}"
    );
    // The till's log reaches the card with ext4's next commit: read the disk file (QEMU writes
    // through to it) until it is there, then pull the plug.
    let data = tmp.path().join("data.ext4");
    let till_log = |disk: &[u8]| -> String {
        let p = partitions(disk)[2];
        std::fs::write(&data, &disk[p.0 as usize..(p.0 + p.1).min(disk.len() as u64) as usize]).expect("data");
        debugfs(&data, "cat /till/till.log")
    };
    // Nothing syncs the log: it reaches the card by ext4's background writeback (dirty pages older
    // than 30 s, looked for every 5 s) or with the journal commit of a store fsync, which takes
    // the log's newly allocated blocks along. Under TCG, 60 s was too tight in two of four runs
    // (session 5), so the wait is 3 minutes.
    let deadline = Instant::now() + Duration::from_secs(180);
    // The render thread's line comes once the till has opened its store and starts drawing.
    while !till_log(&std::fs::read(&disk).expect("disk")).contains("render thread:") {
        assert!(Instant::now() < deadline, "the till's log never reached the data partition");
        std::thread::sleep(Duration::from_millis(500));
    }
    board.power_cut();

    let after = std::fs::read(&disk).expect("disk");
    assert!(root(&after) == root_before, "the root partition was written to: it is not read-only");
    let grown = partitions(&after);
    assert_eq!(grown[2].0, parts[2].0, "the data partition did not move");
    assert_eq!(grown[2].0 + grown[2].1, image_len + EXTRA, "the data partition reaches the end of the disk");
    let log = till_log(&after);
    assert!(log.contains("till starting"), "the till's log on the data partition:\n{log}");
    // till.service grants LimitRTPRIO=5 to the unprivileged till: its render thread takes it.
    assert!(
        log.contains("render thread: real-time priority (SCHED_RR)"),
        "the render thread's priority under the image's till.service:\n{log}"
    );
    drop(after);
    let super_block = Command::new("dumpe2fs").arg("-h").arg(&data).output().expect("dumpe2fs");
    let text = String::from_utf8_lossy(&super_block.stdout);
    let field = |name: &str| -> u64 {
        text.lines().find_map(|l| l.strip_prefix(name)).and_then(|n| n.trim().parse().ok()).expect(name)
    };
    let (blocks, block_size) = (field("Block count:"), field("Block size:"));
    assert!(blocks * block_size > parts[2].1 + EXTRA / 2, "the data file system grew: {blocks} blocks");

    // After the power cut: the same system boots to the till again.
    let t = Instant::now();
    let board = Board::boot(&dir, &disk, tmp.path(), 2);
    board.wait_console("the till after the power cut", Duration::from_secs(240), started);
    let boot2 = t.elapsed();
    board.power_cut();
    let after = std::fs::read(&disk).expect("disk");
    assert!(root(&after) == root_before, "the root partition was written to on the second boot");
    eprintln!(
        "image under QEMU (TCG): boot to the till {:.1} s, again after a power cut {:.1} s",
        boot1.as_secs_f64(),
        boot2.as_secs_f64()
    );
}

fn image_dir() -> PathBuf {
    std::env::var_os("TILL_IMAGE_DIR").map(PathBuf::from).expect("TILL_IMAGE_DIR not set: run `make test-image`")
}

/// A copy of the image as the board's disk.
fn disk_copy(dir: &Path, tmp: &Path) -> PathBuf {
    let disk = tmp.join("sd.img");
    std::fs::copy(dir.join(ImageArch::from_env().image()), &disk).expect("the image copied");
    disk
}

/// Presses the keys together, then lets them go (QMP send-key).
fn keys(qmp: &mut std::io::BufReader<std::os::unix::net::UnixStream>, qcodes: &[&str]) {
    let keys: Vec<_> = qcodes.iter().map(|k| serde_json::json!({"type": "qcode", "data": k})).collect();
    qmp_execute(qmp, &serde_json::json!({"execute": "send-key", "arguments": {"keys": keys}}));
}

/// `what` found in the console after byte `from`: its offset.
fn console_after(board: &Board, from: usize, what: &str, within: Duration, probe: impl Fn(&str) -> bool) -> usize {
    let deadline = Instant::now() + within;
    loop {
        let text = board.console();
        let tail = text.get(from..).unwrap_or("");
        if let Some(at) = tail.lines().find(|l| probe(l)).and_then(|l| tail.find(l)) {
            return from + at;
        }
        if Instant::now() >= deadline {
            // systemd's spinner rewrites one line many times: the lines worth reading only.
            let seen: Vec<&str> = text.lines().filter(|l| !l.contains("Job ") || l.contains("Started")).collect();
            panic!(
                "{what}: not within {within:?}; the console's last lines:\n{}",
                seen[seen.len().saturating_sub(80)..].join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn started_line(line: &str) -> bool {
    line.contains("Started") && line.contains("till")
}

#[test]
#[ignore = "needs the SD image: run by `make test-image`"]
fn a_till_that_stops_pinging_is_killed_and_started_again_by_systemd() {
    let dir = image_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let disk = disk_copy(&dir, tmp.path());
    let qmp_path = tmp.path().join("qmp.sock");
    // The journal on the serial console too: systemd's watchdog messages are read there.
    let opts = Opts {
        cmdline: &["systemd.journald.forward_to_console=1"],
        qmp: Some(&qmp_path),
        watchdog: true,
        ..Opts::default()
    };
    let board = Board::boot_with(&dir, &disk, tmp.path(), 1, &opts);
    let mut qmp = qmp_connect(&qmp_path);
    board.wait_console("the till started by systemd", Duration::from_secs(240), started);
    let t = Instant::now();
    let from = board.console().len();
    // Scroll Lock holds tty1's output (the VT's "hold"): the till's next frame is never written, its
    // render loop stops, and with it the WATCHDOG=1 pings. A digit makes the sign-in screen change.
    keys(&mut qmp, &["scroll_lock"]);
    keys(&mut qmp, &["1"]);
    let timeout =
        console_after(&board, from, "systemd's watchdog timeout of the till", Duration::from_secs(120), |l| {
            l.contains("till.service") && l.contains("Watchdog timeout")
        });
    let stuck = t.elapsed();
    // Released, as a technician's key press would: the till started again draws its first screen.
    keys(&mut qmp, &["scroll_lock"]);
    console_after(&board, timeout, "the till started again", Duration::from_secs(180), started_line);
    let console = board.console();
    assert!(
        console[timeout..].lines().any(|l| l.contains("till.service") && l.contains("Scheduled restart job")),
        "systemd restarted the till after its watchdog timeout:\n{}",
        &console[from..]
    );
    eprintln!(
        "the till's frame held: watchdog timeout after {:.1} s, started again after {:.1} s",
        stuck.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    board.power_cut();
}

#[test]
#[ignore = "needs the SD image: run by `make test-image`"]
fn a_hung_system_is_reset_by_the_hardware_watchdog_and_boots_to_the_till_again() {
    let dir = image_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let disk = disk_copy(&dir, tmp.path());
    let qmp_path = tmp.path().join("qmp.sock");
    // panic=0: a crashed kernel stays hung (no reboot of its own); sysrq from the keyboard allowed.
    let cmdline = ["sysrq_always_enabled", "panic=0", "systemd.journald.forward_to_console=1"];
    let opts = Opts { cmdline: &cmdline, reboot: true, qmp: Some(&qmp_path), watchdog: true };
    let board = Board::boot_with(&dir, &disk, tmp.path(), 1, &opts);
    let mut qmp = qmp_connect(&qmp_path);
    board.wait_console("the till started by systemd", Duration::from_secs(240), started);
    // What the console says of the watchdog (systemd's own early lines go to the kernel's log,
    // below the console's log level): shown, not required; the reset below is the proof.
    let said: Vec<String> =
        board.console().lines().filter(|l| l.to_lowercase().contains("watchdog")).map(str::to_string).collect();
    eprintln!("the console on the watchdog:\n{}", said.join("\n"));
    // No reset so far: the events QEMU sent until now hold no WATCHDOG.
    qmp.get_ref().set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
    let mut line = String::new();
    while qmp.read_line(&mut line).is_ok_and(|n| n > 0) {
        assert!(!line.contains("\"WATCHDOG\""), "the watchdog fired on a running system: {line}");
        line.clear();
    }
    qmp.get_ref().set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    // Alt+SysRq+C: the kernel crashes; nothing runs, nothing pings /dev/watchdog0 any more.
    let from = board.console().len();
    keys(&mut qmp, &["alt", "sysrq", "c"]);
    let panic =
        console_after(&board, from, "the kernel's crash", Duration::from_secs(30), |l| l.contains("Kernel panic"));
    let t = Instant::now();
    // QEMU's i6300esb resets the board once the timeout systemd set (15 s) passes without a ping.
    qmp.get_ref().set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let deadline = t + Duration::from_secs(120);
    let event = loop {
        let mut line = String::new();
        match qmp.read_line(&mut line) {
            Ok(0) => panic!("QMP closed before the watchdog fired"),
            Ok(_) if line.contains("\"WATCHDOG\"") => break line,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(e) => panic!("QMP: {e}"),
        }
        assert!(Instant::now() < deadline, "the hardware watchdog never fired; the console:\n{}", board.console());
    };
    let fired = t.elapsed();
    assert!(event.contains("\"reset\""), "the watchdog's action: {event}");
    console_after(&board, panic, "the till after the watchdog's reset", Duration::from_secs(240), started_line);
    eprintln!(
        "hung kernel: reset by the hardware watchdog {:.1} s after the crash, the till again {:.1} s after it",
        fired.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    board.power_cut();
}
