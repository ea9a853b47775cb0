//! What goes on the board: the stripped aarch64 binary, its boot under QEMU (against the same
//! kernel booting a shell), and the SD-card image. Each is measured when it has been built and
//! reported "not built" otherwise: the bench never fails for their absence.

use crate::Ctx;
use crate::table::{Row, Samples, mib};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const BINARY: &str = "stripped aarch64 binary";
pub const BOOT: &str = "QEMU-arm (-M virt, TCG): kernel start → till's first screen";
/// The boot's budget: a ratio to the same kernel booted to a busybox shell in the same run, as every
/// other timing row is (an absolute time measured the machine's load, not the till: issue 22).
pub const BOOT_BUDGET: &str = "median ≤ 2 × floor";
pub const IMAGE: &str = "SD-card image: uncompressed";
pub const IMAGE_XZ: &str = "SD-card image: xz-compressed";
const IMAGE_NAME: &str = "till-rpi-arm64.img";

fn path_from_env(var: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(var).map_or(default, PathBuf::from)
}

fn command_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

pub fn binary(ctx: &Ctx) -> Vec<Row> {
    let path =
        path_from_env("TILL_BENCH_AARCH64", ctx.root.join("target/cross/aarch64-unknown-linux-gnu/release/till"));
    let Ok(meta) = std::fs::metadata(&path) else {
        return vec![Row::skip(BINARY, "≤ 12 MiB", format!("not built: {} (run make aarch64)", path.display()))];
    };
    let kind = command_line("file", &["-b", &path.display().to_string()]);
    let host = std::fs::metadata(env!("CARGO_BIN_EXE_till")).map_or(0, |m| m.len());
    vec![Row::new(BINARY, mib(meta.len()), "≤ 12 MiB", "—".into(), meta.len() <= 12 << 20).note(format!(
        "`make aarch64` output {} ({}); the host's x86_64 release binary: {}.",
        path.display(),
        kind.split(',').take(2).chain(kind.split(',').filter(|p| p.contains("stripped"))).collect::<Vec<_>>().join(","),
        mib(host)
    ))]
}

/// Console text without terminal escape sequences.
pub fn strip_escapes(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b {
            i += 1;
            match bytes.get(i) {
                Some(b'[') => {
                    i += 1;
                    while i < bytes.len() && !(0x40..=0x7e).contains(&bytes[i]) {
                        i += 1;
                    }
                }
                Some(b']') => {
                    while i < bytes.len() && bytes[i] != 0x07 {
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Boots `initrd` on the kit's kernel with the QEMU test's machine and devices; returns the time
/// from QEMU's start until `marker` is on the serial console, and the console's text.
fn boot(
    kit: &Path,
    initrd: &Path,
    marker: &str,
    dir: &Path,
    n: usize,
    net: &str,
) -> anyhow::Result<(Duration, String)> {
    let disk = dir.join(format!("data{n}.img"));
    let made =
        Command::new(if Path::new("/usr/sbin/mkfs.ext4").exists() { "/usr/sbin/mkfs.ext4" } else { "mkfs.ext4" })
            .args(["-q", "-F"])
            .arg(&disk)
            .arg("32M")
            .stdout(Stdio::null())
            .status()?;
    anyhow::ensure!(made.success(), "mkfs.ext4 failed");
    let printer = dir.join(format!("printer{n}.bin"));
    let started = Instant::now();
    let mut qemu = Command::new("qemu-system-aarch64")
        .args(["-M", "virt", "-cpu", "cortex-a53", "-smp", "2", "-m", "512", "-display", "none"])
        .args(["-monitor", "none", "-no-reboot", "-global", "virtio-mmio.force-legacy=false"])
        .arg("-kernel")
        .arg(kit.join("vmlinuz"))
        .arg("-initrd")
        .arg(initrd)
        .args(["-append", "console=ttyAMA0 quiet loglevel=1 panic=-1"])
        .args(["-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con"])
        .args(["-device", "virtio-keyboard-device"])
        .args(["-chardev", &format!("file,id=prn,path={}", printer.display()), "-device", "virtio-serial-device"])
        .args(["-device", "virtserialport,chardev=prn,name=printer"])
        .args(["-netdev", net, "-device", "virtio-net-device,netdev=n0"])
        .args(["-drive", &format!("file={},format=raw,if=none,id=d0", disk.display())])
        .args(["-device", "virtio-blk-device,drive=d0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join(format!("qemu{n}.err")))?)
        .spawn()?;
    let rx = console_chunks(&mut qemu)?;
    let mut console = Vec::new();
    let deadline = started + Duration::from_secs(240);
    let result = loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(chunk) => {
                console.extend(chunk);
                if strip_escapes(&console).contains(marker) {
                    break Ok(started.elapsed());
                }
            }
            Err(_) => break Err(anyhow::anyhow!("{marker:?} not on the console within 240 s")),
        }
    };
    let _ = qemu.kill();
    let _ = qemu.wait();
    result.map(|t| (t, strip_escapes(&console)))
}

/// The serial console's bytes (QEMU's stdout), chunk by chunk, from a thread of their own.
pub fn console_chunks(qemu: &mut std::process::Child) -> anyhow::Result<mpsc::Receiver<Vec<u8>>> {
    let mut stdout = qemu.stdout.take().ok_or_else(|| anyhow::anyhow!("no console"))?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    Ok(rx)
}

/// A boot row: the till's median against its floor's in the same run, judged on their ratio.
pub fn ratio_row(figure: &str, budget: &str, limit: f64, till: &Samples, floor: &Samples, floor_is: &str) -> Row {
    let secs = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    let ratio = till.median().as_secs_f64() / floor.median().as_secs_f64().max(1e-9);
    Row::new(
        figure,
        format!("median {} = {ratio:.2} × floor (max {})", secs(till.median()), secs(till.max())),
        budget,
        format!("floor: {floor_is}: median {}", secs(floor.median())),
        ratio <= limit,
    )
}

/// An initramfs of busybox alone whose /init says when it runs and starts a shell.
fn shell_initrd(kit: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let root = dir.join("shell-root");
    for d in ["bin", "dev", "proc", "sys"] {
        std::fs::create_dir_all(root.join(d))?;
    }
    std::fs::copy(kit.join("k/bin/busybox"), root.join("bin/busybox"))?;
    let init = "#!/bin/busybox sh\n/bin/busybox mount -t proc proc /proc\n\
                /bin/busybox echo \"till-bench: shell up at $(/bin/busybox cut -d' ' -f1 /proc/uptime)\"\n\
                exec /bin/busybox sh\n";
    std::fs::write(root.join("init"), init)?;
    let out = dir.join("shell-initrd.gz");
    let script = format!("chmod +x init && find . | cpio -o -H newc --quiet | gzip -1 > '{}'", out.display());
    let ok = Command::new("sh").arg("-c").arg(script).current_dir(&root).status()?;
    anyhow::ensure!(ok.success(), "cpio of the shell initramfs failed");
    Ok(out)
}

/// The guest's uptime when the till's init started it (the init prints it).
fn till_start_uptime(console: &str) -> Option<String> {
    console.lines().find_map(|l| l.split("starting till at ").nth(1)).map(|s| s.trim().to_string())
}

pub fn qemu(ctx: &Ctx, rt: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    let kit = path_from_env("TILL_QEMU_ARM_KIT", ctx.root.join("target/qemu-arm"));
    let missing: Vec<String> = ["vmlinuz", "initrd.gz", "k/bin/busybox"]
        .iter()
        .filter(|f| !kit.join(f).exists())
        .map(|f| kit.join(f).display().to_string())
        .collect();
    let on_path = |cmd: &str| {
        let path = std::env::var("PATH").unwrap_or_default();
        path.split(':').chain(["/usr/sbin", "/sbin"]).any(|d| Path::new(d).join(cmd).exists())
    };
    let no_qemu = !["qemu-system-aarch64", "cpio", "mkfs.ext4"].iter().all(|c| on_path(c));
    if !missing.is_empty() || no_qemu {
        let why =
            if no_qemu { "qemu-system-aarch64, cpio or mkfs.ext4 missing".to_string() } else { missing.join(", ") };
        return Ok(vec![Row::skip(
            BOOT,
            BOOT_BUDGET,
            format!("not built: {why} (make bench builds the kit with make aarch64 and tests/qemu/run_arm.sh)"),
        )]);
    }
    let dir = ctx.work.join("qemu");
    std::fs::create_dir_all(&dir)?;
    let shell = shell_initrd(&kit, &dir)?;
    // The guest's payments reach the Cloud Pay simulator on the host as in make test-qemu (QEMU's
    // restricted user network, one socat per connection), so nothing at start waits on a dead network.
    let sim = {
        let _guard = rt.enter();
        till::sim::cloudpay::CloudPaySim::start(([127, 0, 0, 1], 0).into(), Default::default())?
    };
    let net = if on_path("socat") {
        let port = sim.addr().port();
        format!("user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:{port}")
    } else {
        "user,id=n0,restrict=on".to_string()
    };
    let boots = if ctx.fast { 1 } else { 3 };
    let (mut till, mut bare) = (Samples::default(), Samples::default());
    let mut uptimes = Vec::new();
    for n in 0..boots {
        eprintln!("  boot {} of {boots}: the till, then the shell", n + 1);
        let (t, console) = boot(&kit, &kit.join("initrd.gz"), "Happy Corner Shop", &dir, 2 * n, &net)?;
        till.push(t);
        uptimes.extend(till_start_uptime(&console));
        bare.push(boot(&kit, &shell, "till-bench: shell up", &dir, 2 * n + 1, &net)?.0);
    }
    Ok(vec![ratio_row(BOOT, BOOT_BUDGET, 2.0, &till, &bare, "same kernel to a busybox shell").note(format!(
        "{boots} boots of each, alternating: qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 2 -m 512 (TCG), \
             Debian's arm64 kernel and the initramfs of tests/qemu/run_arm.sh (its init loads the virtio \
             modules, waits for the devices and mounts the data disk), timed from QEMU's start to the shop's \
             name on the serial console; the reference initramfs is busybox alone. Guest uptime when init \
             started the till: {} s. {}",
        uptimes.join(" / "),
        if net.contains("guestfwd") {
            "Payments reach the simulator on the host through QEMU's guestfwd."
        } else {
            "No socat: the guest has no route to the simulator."
        }
    ))])
}

pub fn find_image(ctx: &Ctx) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TILL_BENCH_IMAGE") {
        return Some(PathBuf::from(p));
    }
    let found = command_line(
        "sh",
        &[
            "-c",
            &format!(
                "find '{}' '{}' -maxdepth 3 -name {IMAGE_NAME} 2>/dev/null | head -1",
                ctx.root.display(),
                ctx.root.join("target").display()
            ),
        ],
    );
    (!found.is_empty()).then(|| PathBuf::from(found))
}

pub fn image(ctx: &Ctx) -> anyhow::Result<Vec<Row>> {
    let Some(img) = find_image(ctx).filter(|p| p.exists()) else {
        let why = format!("not built (run make image): no {IMAGE_NAME}");
        return Ok(vec![Row::skip(IMAGE, "≤ 256 MiB", why.clone()), Row::skip(IMAGE_XZ, "≤ 64 MiB", why)]);
    };
    let size = std::fs::metadata(&img)?.len();
    let beside = PathBuf::from(format!("{}.xz", img.display()));
    let (xz, how) = match std::fs::metadata(&beside) {
        Ok(m) => (m.len(), format!("{} as built", beside.display())),
        Err(_) => {
            let mut child = Command::new("xz").args(["-T2", "-6", "-c"]).arg(&img).stdout(Stdio::piped()).spawn()?;
            let mut out = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no xz output"))?;
            let n = std::io::copy(&mut out, &mut std::io::sink())?;
            child.wait()?;
            (n, "compressed here with xz -6".into())
        }
    };
    let reference = "Raspberry Pi OS Lite 2,840 MB; Buildroot's default Pi image 152 MiB".to_string();
    Ok(vec![
        Row::new(IMAGE, mib(size), "≤ 256 MiB", reference.clone(), size <= 256 << 20).note(img.display().to_string()),
        Row::new(IMAGE_XZ, mib(xz), "≤ 64 MiB", reference, xz <= 64 << 20).note(how),
    ])
}
