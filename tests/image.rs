#![allow(clippy::panic)] // test helpers fail the test by panicking
//! The built Raspberry Pi image (`make test-image`, which runs `make image` first and sets
//! `TILL_IMAGE_DIR`; ignored without it), read without mounting anything: the partition table
//! parsed here, the boot partition through mtools, the two ext4 file systems through debugfs.

mod qemu_board;

use qemu_board::ImageArch;
use std::path::{Path, PathBuf};
use std::process::Command;
use till::config::Config;

const MIB: u64 = 1 << 20;

struct Partition {
    bootable: bool,
    kind: u8,
    start: u64,
    len: u64,
}

/// The four primary entries of an MBR.
fn partitions(img: &[u8]) -> Vec<Partition> {
    assert_eq!(&img[510..512], &[0x55, 0xAA], "no MBR signature");
    (0..4)
        .map(|i| &img[446 + 16 * i..446 + 16 * (i + 1)])
        .filter(|e| e[4] != 0)
        .map(|e| Partition {
            bootable: e[0] == 0x80,
            kind: e[4],
            start: u64::from(u32::from_le_bytes([e[8], e[9], e[10], e[11]])) * 512,
            len: u64::from(u32::from_le_bytes([e[12], e[13], e[14], e[15]])) * 512,
        })
        .collect()
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One ext4 file system of the image, copied out of it (debugfs reads files, not offsets).
struct Ext4 {
    file: PathBuf,
}

impl Ext4 {
    fn debugfs(&self, request: &str) -> String {
        let out = Command::new("debugfs").arg("-R").arg(request).arg(&self.file).output().expect("debugfs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn cat(&self, path: &str) -> String {
        self.debugfs(&format!("cat {path}"))
    }
    /// Mode (octal, permission bits), uid, gid and, for a symbolic link, its target.
    fn stat(&self, path: &str) -> (u32, u32, u32, Option<String>) {
        let s = self.debugfs(&format!("stat {path}"));
        assert!(s.contains("Inode:"), "{path} is not in the file system");
        let field = |name: &str| -> String {
            let at = s.find(name).unwrap_or_else(|| panic!("{path}: no {name} in:\n{s}")) + name.len();
            s[at..].split_whitespace().next().unwrap_or_default().to_string()
        };
        let mode = u32::from_str_radix(&field("Mode:"), 8).expect("mode") & 0o7777;
        let link = s.find("Fast link dest: \"").map(|at| {
            let rest = &s[at + 17..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_string()
        });
        (mode, field("User:").parse().expect("uid"), field("Group:").parse().expect("gid"), link)
    }
    fn label(&self) -> String {
        let out = run("dumpe2fs", &["-h", self.file.to_str().expect("utf-8 path")]);
        out.lines().find_map(|l| l.strip_prefix("Filesystem volume name:")).unwrap_or("").trim().to_string()
    }
    fn id_of(&self, file: &str, name: &str) -> u32 {
        let text = self.cat(file);
        let line =
            text.lines().find(|l| l.split(':').next() == Some(name)).unwrap_or_else(|| panic!("no {name} in {file}"));
        line.split(':').nth(2).and_then(|n| n.parse().ok()).expect("numeric id")
    }
}

fn extract(img: &[u8], p: &Partition, to: &Path) -> Ext4 {
    std::fs::write(to, &img[p.start as usize..(p.start + p.len) as usize]).expect("partition copied out");
    Ext4 { file: to.to_path_buf() }
}

#[test]
#[ignore = "needs the SD image: run by `make test-image`"]
fn the_raspberry_pi_image_has_its_partitions_the_till_and_a_read_only_root() {
    let dir =
        std::env::var_os("TILL_IMAGE_DIR").map(PathBuf::from).expect("TILL_IMAGE_DIR not set: run `make test-image`");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The arm64 image of `make test-image`, or the armhf one of `make test-image-armhf`.
    let arch = ImageArch::from_env();
    let armhf = arch.name == "armhf";
    let img_path = dir.join(arch.image());
    let img = std::fs::read(&img_path).expect("the image");
    let size = img.len() as u64;
    assert!(size <= 256 * MIB, "image {} MiB > 256 MiB", size / MIB);
    let xz = std::fs::metadata(dir.join(format!("{}.xz", arch.image()))).expect("the .xz").len();
    assert!(xz <= 64 * MIB, "compressed image {} MiB > 64 MiB", xz / MIB);

    // MBR: FAT boot partition (LBA, bootable) at 4 MiB, then root and data back to back.
    let parts = partitions(&img);
    assert_eq!(parts.len(), 3);
    assert!(parts[0].bootable && parts[0].kind == 0x0c && parts[0].start == 4 * MIB);
    assert!(parts[1].kind == 0x83 && parts[1].start == parts[0].start + parts[0].len);
    assert!(parts[2].kind == 0x83 && parts[2].start == parts[1].start + parts[1].len);
    assert_eq!(parts[2].start + parts[2].len, size, "the data partition ends the image (it grows on the card)");

    // Boot partition: firmware, kernel, initramfs, device trees, settings; no secrets.
    let fat = format!("{}@@{}", img_path.display(), parts[0].start);
    let listing = run("mdir", &["-b", "-i", &fat, "::/"]);
    let names: Vec<&str> = listing.lines().map(|l| l.trim_start_matches("::/")).collect();
    let files = ["bootcode.bin", "start.elf", "fixup.dat", "vmlinuz", "initrd.img", "config.txt", "cmdline.txt"];
    // The boards' device trees: the Pi 2 in 32-bit only; the Pi 4 and 400 checked in 64-bit only.
    let boards: &[&str] = if armhf {
        &["bcm2836-rpi-2-b.dtb", "bcm2837-rpi-3-b.dtb", "bcm2837-rpi-3-b-plus.dtb", "bcm2837-rpi-zero-2-w.dtb"]
    } else {
        &[
            "start4.elf",
            "fixup4.dat",
            "bcm2837-rpi-3-b.dtb",
            "bcm2837-rpi-3-b-plus.dtb",
            "bcm2837-rpi-zero-2-w.dtb",
            "bcm2711-rpi-4-b.dtb",
            "bcm2711-rpi-400.dtb",
        ]
    };
    for f in files.iter().chain(boards) {
        assert!(names.contains(f), "{f} not on the boot partition: {names:?}");
    }
    assert!(!names.iter().any(|n| ["till.toml", "wifi.txt", "activation.txt"].contains(n)));
    let config_txt = run("mtype", &["-i", &fat, "::/config.txt"]);
    for line in ["kernel=vmlinuz", "initramfs initrd.img followkernel", "upstream_kernel=1"] {
        assert!(config_txt.lines().any(|l| l.trim() == line), "config.txt lacks {line}:\n{config_txt}");
    }
    // The firmware starts the CPU in 64-bit mode for the arm64 image only.
    assert_eq!(config_txt.lines().any(|l| l.trim() == "arm_64bit=1"), !armhf, "arm_64bit in config.txt:\n{config_txt}");
    let cmdline = run("mtype", &["-i", &fat, "::/cmdline.txt"]);
    let args: Vec<&str> = cmdline.split_whitespace().collect();
    assert!(args.contains(&"ro") && args.contains(&"root=LABEL=TILLROOT"), "{cmdline}");

    let tmp = tempfile::tempdir().expect("temp dir");
    let root = extract(&img, &parts[1], &tmp.path().join("root.ext4"));
    let data = extract(&img, &parts[2], &tmp.path().join("data.ext4"));
    assert_eq!(root.label(), "TILLROOT");
    assert_eq!(data.label(), "TILLDATA");

    // The till: the aarch64 (or armhf) build, root-owned, executable.
    let triple = if armhf { "armv7-unknown-linux-gnueabihf" } else { "aarch64-unknown-linux-gnu" };
    let built = std::fs::read(repo.join(format!("target/cross/{triple}/release/till"))).expect("make aarch64 / armhf");
    let dumped = tmp.path().join("till");
    root.debugfs(&format!("dump /usr/bin/till {}", dumped.display()));
    assert!(std::fs::read(&dumped).expect("till in the image") == built, "/usr/bin/till is not the {triple} build");
    // ldconfig.service masked (the image has no ldconfig, and the loader needs no cache), and /etc and
    // /var marked updated for this /usr, so that no ConditionNeedsUpdate= unit tries to write the
    // read-only root at boot.
    assert_eq!(root.stat("/etc/systemd/system/ldconfig.service").3.as_deref(), Some("/dev/null"), "ldconfig masked");
    for f in ["/etc/.updated", "/var/.updated"] {
        assert!(root.cat(f).contains("TIMESTAMP_NSEC="), "{f}: {}", root.cat(f));
    }
    assert_eq!(root.stat("/usr/bin/till").0, 0o755);

    // The one copy of the units and rules, installed unchanged.
    let same = |image_path: &str, repo_path: &str| {
        let want = std::fs::read_to_string(repo.join(repo_path)).expect(repo_path);
        assert_eq!(root.cat(image_path), want, "{image_path} differs from {repo_path}");
    };
    for unit in ["till.service", "till-provision.service", "till-activate.service", "till-grow-data.service"] {
        same(&format!("/usr/lib/systemd/system/{unit}"), &format!("systemd/{unit}"));
    }
    same("/usr/lib/systemd/system/till.service.d/console.conf", "systemd/till.service.d/console.conf");
    same("/usr/lib/udev/rules.d/70-till.rules", "udev/70-till.rules");
    same("/usr/libexec/till/till-boot-slot", "systemd/till-boot-slot");
    same("/usr/libexec/till/till-console", "systemd/till-console.sh");
    for tool in ["cat", "mv", "rm", "sync", "date"] {
        assert!(
            root.stat(&format!("/usr/bin/{tool}")).0 & 0o111 != 0 || root.stat(&format!("/usr/bin/{tool}")).3.is_some(),
            "{tool}"
        );
    }
    same("/usr/lib/sysusers.d/till.conf", "systemd/till.sysusers");
    same("/etc/fstab", "image/debian/fstab");

    // Enabled: the till, provisioning, the network; no getty on tty1.
    let wants = "/etc/systemd/system/multi-user.target.wants";
    let sysinit = "/etc/systemd/system/sysinit.target.wants";
    for (dir, unit) in [
        (wants, "till.service"),
        (wants, "till-provision.service"),
        (wants, "till-activate.service"),
        (wants, "till-grow-data.service"),
        (wants, "wpa_supplicant@wlan0.service"),
        (wants, "systemd-networkd.service"),
        (sysinit, "systemd-resolved.service"),
        (sysinit, "systemd-timesyncd.service"),
    ] {
        let link = root.stat(&format!("{dir}/{unit}")).3;
        let target = link.unwrap_or_else(|| panic!("{unit} is not enabled"));
        let template = unit.replace("@wlan0", "@");
        assert!(target.ends_with(&format!("/{template}")), "{unit} -> {target}");
    }
    assert!(!root.debugfs("ls -l /etc/systemd/system/getty.target.wants").contains("getty@tty1"), "getty on tty1");
    let ls_wants = root.debugfs(&format!("ls {wants}"));
    assert!(!ls_wants.contains("wpa_supplicant.service"), "the D-Bus wpa_supplicant is not wanted: {ls_wants}");

    // Read-only root, and the writable places on the data partition.
    let fstab = root.cat("/etc/fstab");
    let mounts: Vec<Vec<&str>> = fstab
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect())
        .filter(|f: &Vec<&str>| f.len() == 6)
        .collect();
    let mount = |at: &str| mounts.iter().find(|f| f[1] == at).unwrap_or_else(|| panic!("{at} not in fstab")).clone();
    assert!(mount("/")[3].split(',').any(|o| o == "ro"), "/ not read-only");
    assert_eq!(mount("/data")[0], "LABEL=TILLDATA");
    assert_eq!(mount("/var/lib/till")[..3], ["/data/till", "/var/lib/till", "none"]);
    assert!(mount("/boot/firmware")[3].split(',').any(|o| o == "ro"), "boot partition not read-only");
    assert_eq!(root.stat("/etc/till").3.as_deref(), Some("/data/etc/till"));
    assert_eq!(root.stat("/etc/wpa_supplicant").3.as_deref(), Some("/data/etc/wpa_supplicant"));
    assert!(root.cat("/usr/lib/systemd/journald.conf.d/till.conf").contains("Storage=volatile"));

    // The till's user and groups, and its data directory on the data partition.
    let uid = root.id_of("/etc/passwd", "till");
    let gid = root.id_of("/etc/group", "till");
    let group = root.cat("/etc/group");
    for g in ["input", "dialout", "lp", "gpio", "netdev", "video", "audio"] {
        let line = group.lines().find(|l| l.starts_with(&format!("{g}:"))).unwrap_or_else(|| panic!("no group {g}"));
        assert!(line.rsplit(':').next().unwrap_or("").split(',').any(|m| m == "till"), "till not in {g}: {line}");
    }
    assert!(root.cat("/etc/shadow").lines().all(|l| l.split(':').nth(1).is_some_and(|p| p.starts_with('!'))));
    assert_eq!(data.stat("/till"), (0o700, uid, gid, None));
    assert_eq!(data.stat("/etc/till/till.toml").0, 0o640);
    assert_eq!(data.stat("/etc/till/till.toml").2, gid);
    let config = data.cat("/etc/till/till.toml");
    Config::parse(Path::new("till.toml"), &config).expect("the image's default till.toml is valid");
    assert!(data.cat("/etc/wpa_supplicant/wpa_supplicant-wlan0.conf").contains("update_config=1"));

    // Kernel modules for the Pi's SD card, Wi-Fi, USB; the Pis' Wi-Fi firmware; the CJK console.
    let flavour = if armhf { "-armmp-lpae" } else { "-arm64" };
    let kver =
        root.debugfs("ls /usr/lib/modules").split_whitespace().find(|w| w.ends_with(flavour)).map(str::to_string);
    let kver = kver.expect("a kernel's modules");
    let deps = root.cat(&format!("/usr/lib/modules/{kver}/modules.dep"));
    for m in ["brcmfmac.ko", "sdhci-iproc.ko", "vc4.ko", "usblp.ko", "ftdi_sio.ko", "evdev.ko", "bcm2835_wdt.ko"] {
        // bookworm's modules are plain .ko, trixie's xz-compressed .ko.xz.
        let named = |p: &str| p.ends_with(&format!("/{m}")) || p.ends_with(&format!("/{m}.xz"));
        assert!(deps.lines().any(|l| l.split(':').next().is_some_and(named)), "{m}");
    }
    let firmware = root.debugfs("ls /usr/lib/firmware/brcm");
    assert!(firmware.contains("brcmfmac43455-sdio.bin") && firmware.contains("brcmfmac43430-sdio.bin"), "{firmware}");
    assert!(root.stat("/usr/bin/fbterm").0 & 0o111 != 0);
    assert!(root.debugfs("ls /usr/share/fonts/truetype/wqy").contains("wqy-microhei.ttc"));
}
