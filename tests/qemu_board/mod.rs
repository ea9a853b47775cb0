//! One emulated aarch64 board of the QEMU-arm tests (`tests/qemu_arm.rs`, `tests/qemu_arm_wifi.rs`,
//! `tests/qemu_arm_disk.rs`):
//! QEMU in a tmux pane (the guest's serial console, whose screen text a test reads), the virtio
//! keyboard played through QMP as the barcode scanner, the printer's virtio serial port into a host
//! file, and an optional control port through which the guest's init powers off cleanly.

#![allow(dead_code)] // each test binary uses its part
#![allow(clippy::panic)] // a test fails by panicking

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One boot of the kit: QEMU in a tmux pane (the console), its QMP socket, its printer file.
pub struct Board {
    session: String,
    dir: PathBuf,
    printer: PathBuf,
    n: u32,
    qmp: Option<BufReader<UnixStream>>,
    /// The guest's `control` port (tests/qemu/init reads `poweroff` there), when asked for.
    control: Option<UnixStream>,
}

/// What a boot adds to the kit's defaults: kernel command line words for the guest's init, a
/// second host server the guest reaches at http://10.0.2.101/, another initramfs of the kit (the
/// Wi-Fi one), and the control port for a clean power-off.
#[derive(Default)]
pub struct Extra {
    pub append: String,
    pub files_port: Option<u16>,
    pub initrd: Option<&'static str>,
    pub control: bool,
}

impl Board {
    pub fn boot(kit: &Path, dir: &Path, sim_port: u16, n: u32) -> Board {
        Board::boot_with(kit, dir, sim_port, n, &Extra::default())
    }

    pub fn boot_with(kit: &Path, dir: &Path, sim_port: u16, n: u32, extra: &Extra) -> Board {
        // tmux reads '.' and ':' in a target as pane and window separators: letters and digits only.
        let tag: String = dir.to_string_lossy().chars().filter(char::is_ascii_alphanumeric).collect();
        let session = format!("till-qemu-{}-{tag}-{n}", std::process::id());
        let printer = dir.join(format!("printer{n}.bin"));
        let qmp = dir.join(format!("qmp{n}.sock"));
        let qemu = [
            "qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 2 -m 512 -display none -monitor none -no-reboot",
            "-global virtio-mmio.force-legacy=false -trace virtio_input_queue_full",
            &format!("-kernel {0}/vmlinuz -initrd {0}/{1}", kit.display(), extra.initrd.unwrap_or("initrd.gz")),
            &format!("-append 'console=ttyAMA0 quiet loglevel=1 panic=-1 {}'", extra.append),
            &format!("-chardev stdio,id=con,signal=off,logfile={}/console{n}.log -serial chardev:con", dir.display()),
            &format!("-qmp unix:{},server=on,wait=off -pidfile {}/qemu.pid", qmp.display(), dir.display()),
            "-device virtio-keyboard-device",
            &format!("-chardev file,id=prn,path={} -device virtio-serial-device", printer.display()),
            "-device virtserialport,chardev=prn,name=printer",
            &if extra.control {
                let sock = dir.join(format!("control{n}.sock"));
                format!(
                    "-chardev socket,id=ctl,path={},server=on,wait=off -device virtserialport,chardev=ctl,name=control",
                    sock.display()
                )
            } else {
                String::new()
            },
            // `cmd:` runs socat per connection; a `tcp:` target would be one connection for the boot.
            &format!(
                "-netdev 'user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:{sim_port}{}'",
                extra
                    .files_port
                    .map(|p| format!(",guestfwd=tcp:10.0.2.101:80-cmd:socat - TCP:127.0.0.1:{p}"))
                    .unwrap_or_default()
            ),
            "-device virtio-net-device,netdev=n0",
            &format!(
                "-drive file={}/data.img,format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0",
                dir.display()
            ),
            &format!("2>{}/qemu{n}.err", dir.display()),
        ]
        .join(" ");
        let status = tmux(dir, n)
            .args(["new-session", "-d", "-s", &session, "-x", "100", "-y", "30", &qemu])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        let mut board = Board { session, dir: dir.to_path_buf(), printer, n, qmp: None, control: None };
        let err = dir.join(format!("qemu{n}.err"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !qmp.exists() {
            let why = std::fs::read_to_string(&err).unwrap_or_default();
            assert!(Instant::now() < deadline, "QEMU did not start: {why}");
            std::thread::sleep(Duration::from_millis(50));
        }
        board.qmp = Some(qmp_connect(&qmp));
        if extra.control {
            let sock = dir.join(format!("control{n}.sock"));
            board.control =
                Some(wait_for("the control port", Duration::from_secs(10), || UnixStream::connect(&sock).ok()));
        }
        board
    }

    /// Everything the guest wrote on its console so far (init, till upgrade, till-boot-slot).
    pub fn console_log(&self) -> String {
        let log = std::fs::read(self.dir.join(format!("console{}.log", self.n))).unwrap_or_default();
        String::from_utf8_lossy(&log).into_owned()
    }

    /// The guest's boot messages (init's lines, before the till takes the screen).
    pub fn boot_log(&self) -> String {
        let n = self.n;
        let log = std::fs::read(self.dir.join(format!("console{n}.log"))).unwrap_or_default();
        String::from_utf8_lossy(&log).lines().filter(|l| l.contains("till-qemu")).collect::<Vec<_>>().join("\n")
    }

    pub fn screen(&self) -> String {
        let out = tmux(&self.dir, self.n).args(["capture-pane", "-p", "-t", &self.session]).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the console shows `text`; on a timeout the screen is in the panic message.
    pub fn wait_screen(&self, what: &str, text: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "{what}: {text:?} not on the console within {within:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for `probe`; on a timeout the console's screen is in the panic message.
    pub fn wait<T>(&self, what: &str, within: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + within;
        loop {
            if let Some(v) = probe() {
                return v;
            }
            let (boot, screen) = (self.boot_log(), self.screen());
            assert!(Instant::now() < deadline, "{what}: not within {within:?}; boot:\n{boot}\nthe console:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A key on the cashier's keyboard: the serial console.
    pub fn console_key(&self, key: &str) {
        let ok = tmux(&self.dir, self.n).args(["send-keys", "-t", &self.session, key]).status().expect("tmux");
        assert!(ok.success());
    }

    /// The barcode scanner: `code` typed on the virtio keyboard (US layout, Shift for capitals and
    /// symbols), then Enter. A newline in `code` is Enter, as a keyboard-wedge scanner types it: each
    /// line arrives as a code of its own.
    ///
    /// QEMU drops a batch of key events when the guest has not yet taken the previous ones from the
    /// virtio queue (its vCPU not scheduled on a loaded host); it says so on stderr (the
    /// `virtio_input_queue_full` trace). Each key is one batch (down and up together), so a line is
    /// either typed whole or known to be cut: then Enter is held back, the till's scanner abandons
    /// the partial code after its inter-key timeout, and the line is typed again.
    pub fn scan(&mut self, code: &str) {
        for line in code.split('\n') {
            self.scan_line(line);
        }
    }

    fn scan_line(&mut self, line: &str) {
        let err = self.dir.join(format!("qemu{}.err", self.n));
        let drops = || std::fs::read_to_string(&err).unwrap_or_default().matches("virtio_input_queue_full").count();
        for attempt in 1..=5 {
            let before = drops();
            for c in line.chars() {
                self.key_batch(c);
            }
            if drops() == before {
                self.key_batch('\n');
                if drops() == before {
                    return;
                }
            }
            eprintln!("the virtio keyboard dropped keys of {line:?} (attempt {attempt}): typed again");
            // Longer than tests/qemu/till.toml's inter_key_timeout_ms, in the guest's time.
            std::thread::sleep(Duration::from_secs(4));
        }
        panic!("the virtio keyboard kept dropping keys of {line:?}");
    }

    /// One character: Shift (if needed) and the key, down and up, in one QMP command.
    fn key_batch(&mut self, c: char) {
        let qmp = self.qmp.as_mut().expect("QMP connected");
        let (qcode, shift) = qcode_of(c);
        let key = |down: bool, qcode: &str| serde_json::json!({"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}});
        let events = if shift {
            vec![key(true, "shift"), key(true, qcode), key(false, qcode), key(false, "shift")]
        } else {
            vec![key(true, qcode), key(false, qcode)]
        };
        qmp_execute(qmp, &serde_json::json!({"execute": "input-send-event", "arguments": {"events": events}}));
    }

    pub fn printed(&self) -> Vec<u8> {
        std::fs::read(&self.printer).unwrap_or_default()
    }

    /// Cuts the power: QEMU killed at once, nothing flushed by the guest.
    pub fn power_cut(mut self) {
        self.qmp = None;
        let pid = std::fs::read_to_string(self.dir.join("qemu.pid")).expect("QEMU pid file");
        let ok = Command::new("kill").args(["-KILL", pid.trim()]).status().expect("kill");
        assert!(ok.success(), "kill QEMU {pid}");
    }

    /// A clean power-off: `poweroff` on the control port; the guest's init stops the till
    /// (SIGTERM, as systemd does), unmounts the data disk and powers off. Returns the console log
    /// once QEMU has exited.
    pub fn power_off(mut self, within: Duration) -> String {
        let control = self.control.as_mut().expect("booted with the control port");
        control.write_all(b"poweroff\n").expect("write to the control port");
        let pid = std::fs::read_to_string(self.dir.join("qemu.pid")).expect("QEMU pid file");
        let proc = PathBuf::from(format!("/proc/{}", pid.trim()));
        self.wait("QEMU to power off", within, || (!proc.exists()).then_some(()));
        self.console_log()
    }
}

impl Drop for Board {
    fn drop(&mut self) {
        // The board's own server: it ends with its one session.
        let _ = tmux(&self.dir, self.n)
            .args(["kill-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// The test's directory (console logs, printer files, sockets) with a fresh 32 MiB ext4 data disk
/// `data.img` in it, the boards' `/var/lib/till`; kept, and its path said, with `TILL_QEMU_KEEP`.
pub fn work_dir() -> tempfile::TempDir {
    let mut dir = tempfile::tempdir().expect("temp dir");
    if std::env::var_os("TILL_QEMU_KEEP").is_some() {
        dir.disable_cleanup(true);
        eprintln!("keeping {} (console logs, printer files, data.img)", dir.path().display());
    }
    let data = dir.path().join("data.img");
    let mkfs = Command::new("mkfs.ext4").args(["-q", "-F"]).arg(&data).arg("32M").status().expect("mkfs.ext4");
    assert!(mkfs.success(), "mkfs.ext4 {}", data.display());
    dir
}

/// tmux talking to this board's own server (a socket in its directory): tests boot boards in
/// parallel, and a shared default server exits when its last session ends, which made another
/// test's `new-session` fail with "server exited unexpectedly" (CI, session 4's stop).
fn tmux(dir: &Path, n: u32) -> Command {
    let mut cmd = Command::new("tmux");
    cmd.arg("-S").arg(dir.join(format!("tmux{n}.sock"))).env_remove("TMUX");
    cmd
}

pub fn qmp_connect(path: &Path) -> BufReader<UnixStream> {
    let stream = wait_for("QMP connection", Duration::from_secs(10), || UnixStream::connect(path).ok());
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut qmp = BufReader::new(stream);
    let mut greeting = String::new();
    qmp.read_line(&mut greeting).expect("QMP greeting");
    assert!(greeting.contains("QMP"), "not QMP: {greeting}");
    qmp_execute(&mut qmp, &serde_json::json!({"execute": "qmp_capabilities"}));
    qmp
}

pub fn qmp_execute(qmp: &mut BufReader<UnixStream>, cmd: &serde_json::Value) {
    writeln!(qmp.get_mut(), "{cmd}").expect("QMP write");
    loop {
        let mut line = String::new();
        qmp.read_line(&mut line).expect("QMP answer");
        if line.contains("\"return\"") {
            return;
        }
        assert!(!line.contains("\"error\"") && !line.is_empty(), "QMP {cmd}: {line}");
    }
}

pub fn wait_for<T>(what: &str, within: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The QMP key (qcode) that types `c` on a US keyboard, and whether Shift is held.
fn qcode_of(c: char) -> (&'static str, bool) {
    const PLAIN: &[(char, &str)] = &[
        ('\n', "ret"),
        (' ', "spc"),
        (';', "semicolon"),
        ('\'', "apostrophe"),
        ('\\', "backslash"),
        ('=', "equal"),
        ('-', "minus"),
        (',', "comma"),
        ('.', "dot"),
        ('/', "slash"),
        ('[', "bracket_left"),
        (']', "bracket_right"),
    ];
    const SHIFTED: &[(char, &str)] =
        &[(':', "semicolon"), ('"', "apostrophe"), ('_', "minus"), ('{', "bracket_left"), ('}', "bracket_right")];
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
    let key = |c: char| LETTERS.find(c).map(|i| &LETTERS[i..=i]);
    if let Some(k) = key(c) {
        return (k, false);
    }
    if let Some(k) = c.is_ascii_uppercase().then(|| key(c.to_ascii_lowercase())).flatten() {
        return (k, true);
    }
    if let Some((_, k)) = PLAIN.iter().find(|(p, _)| *p == c) {
        return (k, false);
    }
    let (_, k) = SHIFTED.iter().find(|(p, _)| *p == c).unwrap_or_else(|| panic!("no key types {c:?}"));
    (k, true)
}

/// The SD image under test (`TILL_IMAGE_ARCH`: `armhf` from `make test-image-armhf`, else arm64 as
/// `make test-image` builds it): its file name and the emulated machine that boots it.
pub struct ImageArch {
    /// Debian's architecture, as in the image's name `till-rpi-ARCH.img`.
    pub name: &'static str,
    pub qemu: &'static str,
    /// The board's core: the Pi 3's Cortex-A53, or the Pi 2's Cortex-A7 for the 32-bit image.
    pub cpu: &'static str,
}

impl ImageArch {
    pub fn from_env() -> ImageArch {
        match std::env::var("TILL_IMAGE_ARCH").as_deref() {
            Ok("armhf") => ImageArch { name: "armhf", qemu: "qemu-system-arm", cpu: "cortex-a7" },
            Ok("arm64") | Err(_) => ImageArch { name: "arm64", qemu: "qemu-system-aarch64", cpu: "cortex-a53" },
            Ok(other) => panic!("TILL_IMAGE_ARCH={other}: arm64 or armhf"),
        }
    }

    pub fn image(&self) -> String {
        format!("till-rpi-{}.img", self.name)
    }
}

/// The lines of a boot's console (systemd's status lines, `systemd.show_status=1`) that say a unit
/// failed, or a device it needed never came: what `systemctl --failed` would list, and the mounts
/// given up after their `x-systemd.device-timeout=`. Empty for a clean boot. The Wi-Fi is left out:
/// the emulated board has no radio, so `wpa_supplicant@wlan0.service` waits for `wlan0` in vain (its
/// device's timeout, then "Dependency failed"), as on a Pi 2 without a Wi-Fi dongle; that unit is then
/// inactive, not failed.
pub fn failures_on_console(console: &str) -> Vec<&str> {
    let signs = ["FAILED", "Failed to start", "Dependency failed", "Timed out waiting", "Failed with result"];
    let wifi = ["wlan0", "wpa_supplica"];
    console.lines().filter(|l| signs.iter().any(|s| l.contains(s)) && !wifi.iter().any(|w| l.contains(w))).collect()
}
