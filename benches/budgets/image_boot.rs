//! The SD image itself booted under QEMU (issue 22): from QEMU's start to the till's first frame on
//! the framebuffer, against the same image booted to a plain login prompt (the floor) in the same
//! run; then one more boot prints `systemd-analyze critical-chain till.service` from the guest.
//!
//! The machine is `tests/qemu_image.rs`'s (`-M virt`, Cortex-A53 ×2, 512 MiB, TCG, the image's own
//! kernel, initramfs and command line with the console on the serial port, the whole image as a
//! virtio disk) with `tests/qemu_glass.rs`'s framebuffer (virtio-gpu at
//! 800×480), so the till runs in fbterm as on a Pi. The till's first frame is systemd's
//! "Started till.service" on the serial console: the till sends READY=1 once its first screen is
//! drawn (`Type=notify`, src/app/watchdog.rs). The floor is the same boot with `till.service`
//! masked and a getty on the serial port (systemd-user-sessions masked too, so that the prompt does
//! not wait for the network): its "login:".

use crate::Ctx;
use crate::board::{console_chunks, find_image, ratio_row, strip_escapes};
use crate::table::{Row, Samples};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const FIGURE: &str = "SD image under QEMU (-M virt, TCG): QEMU start → till's first frame on the framebuffer";
pub const BUDGET: &str = "median ≤ 1.5 × floor";

/// The image's kernel command line as the tests boot it: the console on the serial port, systemd's
/// status lines on it.
fn cmdline(img: &Path) -> anyhow::Result<String> {
    let fat = format!("{}@@{}", img.display(), 4 << 20);
    let out = Command::new("mtype").args(["-i", &fat, "::/cmdline.txt"]).output()?;
    anyhow::ensure!(out.status.success(), "mtype: {}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8_lossy(&out.stdout).replace("console=tty3", "console=ttyAMA0");
    let kept: Vec<&str> = line.split_whitespace().filter(|a| *a != "quiet" && !a.starts_with("loglevel")).collect();
    Ok(format!("{} systemd.show_status=1 loglevel=4", kept.join(" ")))
}

/// One boot of a fresh copy of the image; the time from QEMU's start to the first console line
/// `done` accepts, and the console's text up to `until` accepting a line (`done` again when none),
/// and then until the console has been quiet for 3 s.
fn boot(
    img: &Path,
    dir: &Path,
    append: &str,
    done: impl Fn(&str) -> bool,
    until: Option<&dyn Fn(&str) -> bool>,
) -> anyhow::Result<(Duration, String)> {
    let disk = dir.join("sd.img");
    std::fs::copy(img, &disk)?;
    let parts = img.parent().map(|p| p.join("parts")).ok_or_else(|| anyhow::anyhow!("no parts/ beside the image"))?;
    let started = Instant::now();
    let mut qemu = Command::new("qemu-system-aarch64")
        .args(["-M", "virt", "-cpu", "cortex-a53", "-smp", "2", "-m", "512", "-display", "none"])
        .args(["-monitor", "none", "-no-reboot", "-global", "virtio-mmio.force-legacy=false"])
        .arg("-kernel")
        .arg(parts.join("vmlinuz"))
        .arg("-initrd")
        .arg(parts.join("initrd.img"))
        .args(["-append", append])
        .args(["-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con"])
        .args(["-drive", &format!("file={},format=raw,if=none,id=d0", disk.display())])
        .args(["-device", "virtio-blk-device,drive=d0", "-device", "virtio-keyboard-device"])
        .args(["-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-device,netdev=n0"])
        .args(["-device", "virtio-gpu-pci,xres=800,yres=480"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("qemu.err"))?)
        .spawn()?;
    let rx = console_chunks(&mut qemu)?;
    let (mut console, mut at) = (Vec::new(), None);
    let deadline = started + Duration::from_secs(360);
    let result = loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(chunk) => {
                console.extend(chunk);
                let text = strip_escapes(&console);
                if at.is_none() && text.lines().any(&done) {
                    at = Some(started.elapsed());
                }
                if let Some(t) = at
                    && until.is_none_or(|u| text.lines().any(u))
                {
                    if until.is_some() {
                        while let Ok(more) = rx.recv_timeout(Duration::from_secs(3)) {
                            console.extend(more);
                        }
                    }
                    break Ok((t, strip_escapes(&console)));
                }
            }
            Err(_) => {
                break Err(anyhow::anyhow!("not on the console within 360 s; its end:\n{}", {
                    let text = strip_escapes(&console);
                    let lines: Vec<&str> = text.lines().collect();
                    lines[lines.len().saturating_sub(15)..].join("\n")
                }));
            }
        }
    };
    let _ = qemu.kill();
    let _ = qemu.wait();
    let _ = std::fs::remove_file(&disk);
    result
}

fn till_started(line: &str) -> bool {
    line.contains("Started") && line.contains("till.service")
}

fn login_prompt(line: &str) -> bool {
    line.contains("login:")
}

pub fn run(ctx: &Ctx, _: &tokio::runtime::Runtime) -> anyhow::Result<Vec<Row>> {
    let Some(img) = find_image(ctx).filter(|p| p.exists()) else {
        return Ok(vec![Row::skip(FIGURE, BUDGET, "not built (run make image)".into())]);
    };
    let dir = ctx.work.join("image-boot");
    std::fs::create_dir_all(&dir)?;
    let append = cmdline(&img)?;
    // The getty waits for systemd-user-sessions.service, which waits for network.target, which under
    // QEMU waits 90 s for the Pi's Wi-Fi device (wpa_supplicant@wlan0); the till waits for none of
    // them. Masked, the login prompt comes as soon as the system can give one.
    let floor_append = format!(
        "{append} systemd.mask=till.service systemd.mask=systemd-user-sessions.service \
         systemd.wants=serial-getty@ttyAMA0.service"
    );
    let boots = if ctx.fast { 1 } else { 3 };
    let (mut till, mut floor) = (Samples::default(), Samples::default());
    for n in 0..boots {
        eprintln!("  image boot {} of {boots}: the till, then the login prompt", n + 1);
        till.push(boot(&img, &dir, &append, till_started, None)?.0);
        floor.push(boot(&img, &dir, &floor_append, login_prompt, None)?.0);
    }
    // Once more, untimed: systemd-analyze in the guest once the boot is over (systemd counts it over
    // when no job is left: under QEMU that includes 90 s of waiting for the Pi's Wi-Fi device), its
    // output on the serial port. The command line's own unit is part of the boot, so it only starts
    // a transient one that waits.
    let analyze = format!(
        "{append} systemd.run=\"/usr/bin/systemd-run --on-active=1 -p StandardOutput=file:/dev/ttyAMA0 \
         /bin/sh -c 'systemctl is-system-running --wait; systemd-analyze --no-pager critical-chain till.service'\" \
         systemd.run_success_action=none"
    );
    // The chain ends with the root slice (its first line, the till's, was not seen on this console).
    let chain_top = |l: &str| l.trim_start().starts_with("till.service") || l.contains("─-.slice @");
    let chain = match boot(&img, &dir, &analyze, till_started, Some(&chain_top)) {
        Ok((_, console)) => {
            let lines: Vec<&str> = console.lines().collect();
            let start = lines.iter().rposition(|l| l.contains("The time when unit became active")).unwrap_or(0);
            let end = lines.iter().rposition(|l| l.contains('@') && l.contains('─')).map_or(lines.len(), |e| e + 1);
            lines[start..end.max(start)].iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n")
        }
        Err(e) => format!("critical-chain not read: {e}"),
    };
    eprintln!("  systemd-analyze critical-chain till.service (in the guest):\n{chain}");
    let chain_note = chain.lines().filter(|l| l.contains('@')).map(str::trim).collect::<Vec<_>>().join("; ");
    let floor_is = "same image to a login prompt, till.service masked";
    Ok(vec![ratio_row(FIGURE, BUDGET, 1.5, &till, &floor, floor_is).note(format!(
        "{boots} boots of each, alternating, each from a fresh copy of {}: qemu-system-aarch64 -M virt -cpu \
             cortex-a53 -smp 2 -m 512 (TCG) with virtio-gpu 800x480, the image's kernel, initramfs \
             and command line (console on the serial port); the till's first frame = systemd's \"Started \
             till.service\" (READY=1 after the first screen); the floor's = agetty's \"login:\". \
             critical-chain till.service: {chain_note}",
        img.display()
    ))])
}
