#![allow(clippy::panic)] // test helpers fail the test by panicking
//! The image's own screen, looked at from outside (`make test-image`, which builds the image, sets
//! `TILL_IMAGE_DIR` and installs tesseract with its Chinese data; ignored without them): the SD
//! image booted under qemu-system-aarch64 with a framebuffer (virtio-gpu) at 800×480 (a 7-inch
//! panel) and at 1280×800, the till in fbterm on tty1 as on a Pi. A day's path is typed on the
//! virtio keyboard through QEMU's monitor (first sign-in with the PIN change, a sale, its payment
//! by a WeChat payment code charged by the host's Cloud Pay simulator, the done screen, a lookup,
//! the X report, sign-out), and after each step the glass (QMP `screendump`) is checked
//! against the text of the frame the till drew for that state, which the till copies to a virtio
//! port (`screen_copy` in till.toml): cell by cell, marks on the glass only where the till drew a
//! character (no remains of an earlier screen, no console message over the till), and by OCR
//! (tesseract, chi_sim+eng), the drawn text read back and nothing foreign read.
//!
//! The screenshots and what was read from them are kept in `target/glass/WxH/` (not committed).

mod qemu_board;

use qemu_board::{ImageArch, failures_on_console};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use till::sim::cloudpay::{CloudPaySim, SimConfig, SimOrderState};

const MIB: u64 = 1 << 20;
/// A customer's WeChat payment code, as the simulator takes it.
const WECHAT_CODE: &str = "134680423163089456";

/// The till's config for the test, in place of the image's own: the image's defaults in Chinese, the demo catalogue, payments to the host's simulator through
/// QEMU's guestfwd, receipts to a virtio port, the screen's text copied to another.
const TILL_TOML: &str = r#"version = 1
lang = "zh"
shop_name = "便利店"
data_dir = "/var/lib/till"
platform = "cloudpay"
export_dir = "/media/usb"
screen_copy = "/dev/virtio-ports/screen"

[catalogue]
demo_seed = true

[printer]
profile = "58mm"
output = "/dev/till-printer"
status = false

[cloudpay]
out_mch_id = "sz01SimMchA1b2C3d4E5"
out_sub_mch_id = "sz01SimSubF6g7H8i9J0"
out_shop_id = "sz01SimShopK1l2M3n4O"
cloud_cashier_id = "01000052"
authen_key = "SimAuthenKey0123456789abcdefABCD"
device_id = "kiosk-01"
staff_id = "1001"
terminal_type = 4
sub_terminal_type = 50200
machine_no = "PI4B0000C0FFEE"
sdk_version = "rs0.1"
spbill_create_ip = "192.168.1.50"
sn_code = "PI4B0000C0FFEE"
base_urls = ["http://10.0.2.100"]
"#;

/// Puts [`TILL_TOML`] in place of the image's /etc/till/till.toml, on the data partition (as the
/// first boot's provisioning would from the boot partition; that path is tests/provision.rs's).
fn configure(disk: &Path, tmp: &Path) {
    let mut bytes = std::fs::read(disk).expect("disk");
    let entry = &bytes[446 + 2 * 16..446 + 3 * 16];
    let sector = |at: usize| u64::from(u32::from_le_bytes([entry[at], entry[at + 1], entry[at + 2], entry[at + 3]]));
    let (start, len) = ((sector(8) * 512) as usize, (sector(12) * 512) as usize);
    let data = tmp.join("data.ext4");
    std::fs::write(&data, &bytes[start..start + len]).expect("data partition");
    let toml = tmp.join("till.toml");
    std::fs::write(&toml, TILL_TOML).expect("till.toml");
    let stat = Command::new("debugfs").args(["-R", "stat /etc/till/till.toml"]).arg(&data).output().expect("debugfs");
    let stat = String::from_utf8_lossy(&stat.stdout);
    let gid =
        stat.split("Group:").nth(1).and_then(|s| s.split_whitespace().next()).expect("till.toml's group").to_string();
    let script = format!(
        "rm /etc/till/till.toml\nwrite {} /etc/till/till.toml\nsif /etc/till/till.toml gid {gid}\nsif /etc/till/till.toml mode 0100640\n",
        toml.display()
    );
    let commands = tmp.join("debugfs.cmd");
    std::fs::write(&commands, script).expect("debugfs commands");
    let done = Command::new("debugfs").arg("-w").arg("-f").arg(&commands).arg(&data).output().expect("debugfs");
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    bytes[start..start + len].copy_from_slice(&std::fs::read(&data).expect("data partition"));
    std::fs::write(disk, bytes).expect("disk");
    let check = Command::new("debugfs").args(["-R", "cat /etc/till/till.toml"]).arg(&data).output().expect("debugfs");
    assert_eq!(String::from_utf8_lossy(&check.stdout), TILL_TOML, "the till's config on the data partition");
}

/// QEMU's monitor (QMP) on a Unix socket.
struct Qmp {
    out: UnixStream,
    replies: BufReader<UnixStream>,
}

impl Qmp {
    fn connect(path: &Path, within: Duration) -> Qmp {
        let deadline = Instant::now() + within;
        let out = loop {
            match UnixStream::connect(path) {
                Ok(s) => break s,
                Err(e) => assert!(Instant::now() < deadline, "QMP socket {}: {e}", path.display()),
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let replies = BufReader::new(out.try_clone().expect("socket"));
        let mut qmp = Qmp { out, replies };
        qmp.reply(); // the greeting
        qmp.run(r#"{"execute":"qmp_capabilities"}"#);
        qmp
    }

    fn reply(&mut self) -> String {
        loop {
            let mut line = String::new();
            self.replies.read_line(&mut line).expect("QMP reply");
            assert!(!line.is_empty(), "QMP closed");
            if !line.contains("\"event\"") {
                return line;
            }
        }
    }

    fn run(&mut self, command: &str) -> String {
        writeln!(self.out, "{command}").expect("QMP command");
        let reply = self.reply();
        assert!(!reply.contains("\"error\""), "{command}: {reply}");
        reply
    }

    /// One key press (QEMU's qcode names: "1", "a", "ret", "esc", "f3", …).
    fn key(&mut self, qcode: &str) {
        self.run(&format!(r#"{{"execute":"send-key","arguments":{{"keys":[{{"type":"qcode","data":"{qcode}"}}]}}}}"#));
        // The emulated board reads keys at its own pace: one at a time.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\n' => self.key("ret"),
                c => self.key(&c.to_string()),
            }
        }
    }

    fn screendump(&mut self, to: &Path) {
        self.run(&format!(r#"{{"execute":"screendump","arguments":{{"filename":"{}"}}}}"#, to.display()));
    }
}

struct Board {
    qemu: Child,
    qmp: Qmp,
    console: PathBuf,
    copy: PathBuf,
}

impl Drop for Board {
    fn drop(&mut self) {
        let _ = self.qemu.kill();
        let _ = self.qemu.wait();
    }
}

impl Board {
    fn boot(dir: &Path, tmp: &Path, (width, height): (u32, u32), sim_port: u16) -> Board {
        let arch = ImageArch::from_env();
        let disk = tmp.join("sd.img");
        std::fs::copy(dir.join(arch.image()), &disk).expect("the image copied");
        let len = std::fs::metadata(&disk).expect("disk").len();
        std::fs::OpenOptions::new().write(true).open(&disk).expect("disk").set_len(len + 64 * MIB).expect("grow");
        configure(&disk, tmp);
        let fat = format!("{}@@{}", disk.display(), 4 * MIB);
        let out = Command::new("mtype").args(["-i", &fat, "::/cmdline.txt"]).output().expect("mtype");
        // The image's own command line, the kernel's console moved to the serial port (read by
        // the test) so that tty1 is the till's alone, as on a shop's Pi where it is on tty3.
        let cmdline = String::from_utf8_lossy(&out.stdout).replace("console=tty3", "console=ttyAMA0");
        assert!(cmdline.contains("root=LABEL=TILLROOT"), "{cmdline}");
        let (console, copy, qmp) = (tmp.join("console.log"), tmp.join("screen.txt"), tmp.join("qmp.sock"));
        let qemu = Command::new(arch.qemu)
            .args(["-M", "virt", "-cpu", arch.cpu, "-smp", "2", "-m", "512", "-display", "none"])
            .args(["-monitor", "none", "-no-reboot", "-global", "virtio-mmio.force-legacy=false"])
            .arg("-kernel")
            .arg(dir.join("parts/vmlinuz"))
            .arg("-initrd")
            .arg(dir.join("parts/initrd.img"))
            // No getty on the serial console: it would silence systemd's status lines there (tests/qemu_image.rs).
            .args(["-append", &format!("{} systemd.show_status=1 systemd.getty_auto=0", cmdline.trim())])
            .args(["-chardev", &format!("file,id=con,path={}", console.display()), "-serial", "chardev:con"])
            .args(["-qmp", &format!("unix:{},server=on,wait=off", qmp.display())])
            .args(["-device", &format!("virtio-gpu-pci,xres={width},yres={height}")])
            .args(["-drive", &format!("file={},format=raw,if=none,id=d0", disk.display())])
            .args(["-device", "virtio-blk-device,drive=d0", "-device", "virtio-keyboard-device"])
            // guestfwd's `cmd:` target: a socat per guest connection. A `tcp:` target is a chardev,
            // one connection for the whole boot: once the till's first connection closed, every
            // later one was refused and the till stayed offline.
            .args([
                "-netdev",
                &format!("user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:{sim_port}"),
            ])
            .args(["-device", "virtio-net-device,netdev=n0", "-device", "virtio-serial-device"])
            .args(["-chardev", &format!("file,id=prn,path={}", tmp.join("printer.bin").display())])
            .args(["-device", "virtserialport,chardev=prn,name=printer"])
            .args(["-chardev", &format!("file,id=scr,path={}", copy.display())])
            .args(["-device", "virtserialport,chardev=scr,name=screen"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(arch.qemu);
        let qmp = Qmp::connect(&qmp, Duration::from_secs(30));
        Board { qemu, qmp, console, copy }
    }

    fn console(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.console).unwrap_or_default()).into_owned()
    }

    /// The last screen the till copied out (the copies end with a form feed).
    fn drawn(&self) -> String {
        let all = String::from_utf8_lossy(&std::fs::read(&self.copy).unwrap_or_default()).into_owned();
        let mut frames: Vec<&str> = all.split("\x0c\n").collect();
        frames.pop(); // what follows the last form feed: nothing, or a copy still being written
        frames.last().map(|s| s.to_string()).unwrap_or_default()
    }

    /// Waits until the till has drawn a screen that `ready` accepts; gives its text.
    fn wait_drawn(&self, what: &str, within: Duration, ready: &impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let text = self.drawn();
            if ready(&text) {
                return text;
            }
            let console = self.console();
            let dead = ["Kernel panic", "till-initramfs:", "emergency mode"];
            assert!(!dead.iter().any(|d| console.contains(d)), "{what}: the boot failed; the console:\n{console}");
            if Instant::now() >= deadline {
                let tail: Vec<&str> = console.lines().rev().take(40).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                panic!(
                    "{what}: not drawn within {within:?}; the last screen drawn:\n{text}\nthe console's end:\n{}",
                    tail.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// A screenshot as RGB.
struct Shot {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Shot {
    /// QMP's screendump: a binary PPM (P6, maxval 255).
    fn read(path: &Path) -> Option<Shot> {
        let data = std::fs::read(path).ok()?;
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while data.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !data.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&data[start..at]).into_owned());
        }
        let (width, height): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
        let rgb = data.get(at + 1..at + 1 + width * height * 3)?.to_vec();
        (fields[0] == "P6").then_some(Shot { width, height, rgb })
    }
}

/// What counts when comparing texts: Chinese characters, letters and digits. Punctuation, box
/// lines, block glyphs (the big digits) and spaces are left to the cell check: OCR reads them
/// unreliably (a box's line as 一一一, which is why 一 does not count either).
fn significant(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || (('\u{4e00}'..='\u{9fff}').contains(c) && *c != '一'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Longest common subsequence length: how much of `a` is found, in order, in `b`.
fn common(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { row[j + 1].max(row[j]) };
            diagonal = up;
        }
    }
    row[b.len()]
}

/// The glass read back: each OCR line's significant characters.
fn read_glass(png: &Path, out: &Path) -> Vec<Vec<char>> {
    // Tesseract reads dark text on light best, three times the panel's size: the till's screen is
    // mostly light text on black, its bars dark on light; grey levels are stretched first so that
    // both become black on white after the negation of the dark parts (-negate then -level).
    let prepared = out.with_extension("ocr.png");
    let status = Command::new("convert")
        .arg(png)
        .args(["-colorspace", "Gray", "-resize", "300%", "-negate", "-level", "20%,80%", "-normalize"])
        .arg(&prepared)
        .status()
        .expect("convert (imagemagick)");
    assert!(status.success());
    let ocr = Command::new("tesseract")
        .arg(&prepared)
        .args(["-", "-l", "chi_sim+eng", "--psm", "6"])
        .output()
        .expect("tesseract");
    let text = String::from_utf8_lossy(&ocr.stdout).into_owned();
    std::fs::write(out.with_extension("ocr.txt"), &text).expect("OCR text kept");
    text.lines().map(significant).filter(|l| !l.is_empty()).collect()
}

/// Compares what OCR read off the glass with the screen the till drew: most of the drawn text is
/// read back, in order (tesseract misreads some of it: 60% must be found), and no line read off the
/// glass is foreign to it (a line of 4 Chinese characters or more of which less than a third was
/// drawn: remains of another screen). Marks where nothing was drawn are [`compare_cells`]'s. Gives what is wrong, if anything.
fn compare(drawn: &str, glass: &[Vec<char>]) -> Vec<String> {
    let all_drawn = significant(drawn);
    let all_glass: Vec<char> = glass.concat();
    let mut wrong = Vec::new();
    let found = common(&all_drawn, &all_glass);
    if found * 10 < all_drawn.len() * 6 {
        wrong.push(format!("only {found} of the {} characters drawn were read off the glass", all_drawn.len()));
    }
    // Chinese characters only: tesseract turns a line it cannot read into Latin letters.
    let chinese = |l: &Vec<char>| l.iter().copied().filter(|c| !c.is_ascii()).collect::<Vec<char>>();
    for line in glass.iter().map(chinese).filter(|l| l.len() >= 4) {
        if common(&line, &all_drawn) * 3 < line.len() {
            wrong.push(format!("on the glass but not drawn: {:?}", line.iter().collect::<String>()));
        }
    }
    wrong
}

/// fbterm's character cell in pixels with WenQuanYi Micro Hei Mono at `--font-size=20` (till-console.sh):
/// 66×20 characters on an 800×480 panel, 106×34 at 1280×800.
const CELL: (usize, usize) = (12, 23);

/// The glass against the drawn screen, cell by cell: a cell where the till drew nothing (a blank, or
/// the solid block of the typing cursor, one colour all over) must be one colour on the glass; a
/// cell where it drew a character must have marks. "Marks" are pixels of another colour than the
/// cell's own (its most common): so whatever the colours, remains of an earlier screen or a message
/// over the till show as marks where there should be none. Gives what is wrong, row by row.
fn compare_cells(drawn: &str, shot: &Shot) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let (cw, ch) = CELL;
    let (cols, rows) = (shot.width / cw, shot.height / ch);
    let lines: Vec<&str> = drawn.lines().collect();
    assert_eq!(lines.len(), rows, "the till's rows = the glass's {}px / {ch}px", shot.height);
    let marks = |col: usize, row: usize, width: usize| -> usize {
        let mut counts = std::collections::HashMap::new();
        // Not the cell's outermost columns of pixels: a neighbour's glyph edge may be smoothed into them.
        let pixels =
            (row * ch..(row + 1) * ch).flat_map(|y| (col * cw + 1..(col + width) * cw - 1).map(move |x| (x, y)));
        let pixels: Vec<[u8; 3]> = pixels
            .map(|(x, y)| {
                let i = (y * shot.width + x) * 3;
                [shot.rgb[i], shot.rgb[i + 1], shot.rgb[i + 2]]
            })
            .collect();
        for p in &pixels {
            *counts.entry(*p).or_insert(0usize) += 1;
        }
        let own = counts.into_iter().max_by_key(|(_, n)| *n).map(|(c, _)| c).unwrap_or([0; 3]);
        let apart = |p: &[u8; 3]| (0..3).map(|i| i32::from(p[i]).abs_diff(i32::from(own[i]))).sum::<u32>() > 96;
        pixels.iter().filter(|p| apart(p)).count()
    };
    let mut wrong = Vec::new();
    for (row, line) in lines.iter().enumerate() {
        let mut cells = Vec::new();
        let mut col = 0;
        for c in line.chars() {
            let width = c.width().unwrap_or(0);
            if width > 0 {
                cells.push((col, width, c));
                col += width;
            }
        }
        cells.extend((col..cols).map(|col| (col, 1, ' ')));
        let (mut stray, mut missing) = (Vec::new(), Vec::new());
        for (col, width, c) in cells {
            let n = marks(col, row, width);
            if (c == ' ' || c == '█') && n > 3 {
                stray.push(col);
            } else if c != ' ' && c != '█' && n == 0 {
                missing.push(col);
            }
        }
        if !stray.is_empty() {
            wrong.push(format!("row {row}: marks where the till drew nothing, columns {stray:?}"));
        }
        if !missing.is_empty() {
            wrong.push(format!("row {row}: blank where the till drew {line:?}, columns {missing:?}"));
        }
    }
    wrong
}

/// After a step: waits for the till's screen, then for the glass to hold still, then checks it.
fn check_step(board: &mut Board, shots: &Path, name: &str, ready: impl Fn(&str) -> bool) {
    board.wait_drawn(name, Duration::from_secs(120), &ready);
    let ppm = shots.join(format!("{name}.ppm"));
    // fbterm draws what it reads as it reads it: the glass is done once two looks agree, with the
    // same screen drawn before and after them (the till may draw a newer one meanwhile: a notice
    // going, the clock).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last: Option<(String, Vec<u8>)> = None;
    let (drawn, shot) = loop {
        std::thread::sleep(Duration::from_millis(700));
        let before = board.drawn();
        board.qmp.screendump(&ppm);
        let Some(shot) = Shot::read(&ppm) else { continue };
        let same = last.as_ref().is_some_and(|(text, rgb)| *text == before && *rgb == shot.rgb);
        if same && board.drawn() == before && ready(&before) {
            break (before, shot);
        }
        assert!(Instant::now() < deadline, "{name}: the glass never held still");
        last = Some((before, shot.rgb));
    };
    assert!(shot.width > 0 && shot.height > 0);
    let png = shots.join(format!("{name}.png"));
    let converted = Command::new("convert").arg(&ppm).arg(&png).status().expect("convert");
    assert!(converted.success());
    let _ = std::fs::remove_file(&ppm);
    std::fs::write(shots.join(format!("{name}.drawn.txt")), &drawn).expect("drawn text kept");
    let mut wrong = compare_cells(&drawn, &shot);
    let glass = read_glass(&png, &shots.join(name));
    wrong.extend(compare(&drawn, &glass));
    assert!(
        wrong.is_empty(),
        "{name} ({}): the glass is not what the till drew:\n{}\nthe till drew:\n{drawn}\nread off the glass: {}",
        png.display(),
        wrong.join("\n"),
        shots.join(format!("{name}.ocr.txt")).display()
    );
}

/// A step of the day: with `glass`, [`check_step`]; without, only the screen the till drew.
fn step(board: &mut Board, shots: &Path, name: &str, glass: bool, ready: impl Fn(&str) -> bool) {
    if glass {
        check_step(board, shots, name, ready);
    } else {
        board.wait_drawn(name, Duration::from_secs(180), &ready);
    }
}

fn day_on_the_glass(size: (u32, u32)) {
    day(size, true);
}

/// The day's path on the image's till; with `glass`, each step's screen looked at (screendump, OCR).
fn day(size: (u32, u32), glass: bool) {
    let dir =
        std::env::var_os("TILL_IMAGE_DIR").map(PathBuf::from).expect("TILL_IMAGE_DIR not set: run `make test-image`");
    let arch = match ImageArch::from_env().name {
        "arm64" => String::new(),
        other => format!("{other}-"),
    };
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/glass/{arch}{}x{}", size.0, size.1));
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).expect("target/glass");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let _inside = runtime.enter();
    let sim = CloudPaySim::start(([127, 0, 0, 1], 0).into(), SimConfig::default()).expect("simulator");
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut board = Board::boot(&dir, tmp.path(), size, sim.addr().port());
    let has = |words: &'static [&'static str]| move |s: &str| words.iter().all(|w| s.contains(w));

    // The first boot of an image under emulation, on a loaded machine, can take minutes.
    board.wait_drawn("the till's first screen", Duration::from_secs(420), &has(&["签到", "柜员编号"]));
    step(&mut board, &shots, "1-sign-in", glass, has(&["签到", "柜员编号"]));
    board.qmp.typed("01\n");
    step(&mut board, &shots, "2-pin", glass, has(&["密码"]));
    board.qmp.typed("0000\n");
    step(&mut board, &shots, "3-new-pin", glass, has(&["新密码", "首次签到"]));
    board.qmp.typed("2468\n");
    board.qmp.typed("2468\n");
    step(&mut board, &shots, "4-sale", glass, has(&["收银", "请扫描商品条码"]));
    // A can of cola from the demo catalogue, paid with a customer's WeChat payment code scanned
    // (typed on the keyboard, as the scanner does) and charged by the host's simulator.
    board.qmp.typed("6900138600889\n");
    step(&mut board, &shots, "5-item", glass, has(&["可口可乐"]));
    board.qmp.typed("\n");
    step(&mut board, &shots, "6-pay", glass, has(&["付款码"]));
    board.qmp.typed(&format!("{WECHAT_CODE}\n"));
    step(&mut board, &shots, "7-done", glass, has(&["收款完成"]));
    let charged =
        sim.orders().into_iter().find(|o| o.author_code == WECHAT_CODE).expect("the payment in the simulator");
    assert_eq!((charged.total_fee, charged.state), (350, SimOrderState::Paid), "3.50 charged once: {charged:?}");
    if !glass {
        // Without the glass (the armhf image), the day ends with the sale: on a loaded host the till
        // may have started on the plain VT before virtio-gpu's framebuffer came (till-console waits
        // 10 s). There Esc then F3 once typed a "C": crossterm read `ESC ESC [ [ C` in one read as
        // one Alt-Escape. The till now reads keys with its own parser (`app::term_keys`), tested on a
        // pty with the console's bytes (`tests/console_keys.rs`); this armhf run has not been
        // repeated with the rest of the day since.
        return no_failed_units(&board);
    }
    board.qmp.key("esc");
    board.qmp.key("f3");
    step(&mut board, &shots, "8-lookup", glass, has(&["订单查询"]));
    board.qmp.key("esc");
    board.qmp.key("f6");
    step(&mut board, &shots, "9-x-report", glass, has(&["X 报表"]));
    board.qmp.key("esc");
    board.qmp.key("f9");
    step(&mut board, &shots, "10-signed-out", glass, has(&["签到", "柜员编号"]));
    eprintln!("the day on the glass at {}x{}: screenshots in {}", size.0, size.1, shots.display());
    no_failed_units(&board);
}

/// No unit failed during the boot and the day (what `systemctl --failed` would list).
fn no_failed_units(board: &Board) {
    let console = board.console();
    let failed = failures_on_console(&console);
    assert!(failed.is_empty(), "units failed during the boot:\n{}\nthe console:\n{console}", failed.join("\n"));
}

#[test]
#[ignore = "needs the SD image: run by `make test-image`"]
fn a_day_on_a_7_inch_800x480_panel_shows_what_the_till_draws() {
    day_on_the_glass((800, 480));
}

#[test]
#[ignore = "needs the SD image: run by `make test-image`"]
fn a_day_on_a_1280x800_monitor_shows_what_the_till_draws() {
    day_on_the_glass((1280, 800));
}

/// The day's path on the till of the image `TILL_IMAGE_ARCH` names, up to the sale paid, by the screens
/// it drew, without looking at the glass: `make test-image-armhf` runs it on the 32-bit image (booted on a Cortex-A7,
/// the Pi 2's core), where it is the proof that the image's till comes up and sells; `make
/// test-image` skips it, as the glass tests above walk the same path on the arm64 image.
#[test]
#[ignore = "needs the SD image: run by `make test-image-armhf`"]
fn a_day_on_the_image_s_till_by_the_screens_it_drew() {
    day((800, 480), false);
}

#[test]
fn the_comparison_finds_leftovers_and_missing_rows() {
    let drawn = "┌ 收银 ──┐\n│ 请扫描商品条码 │\n";
    let clean = vec![significant("r收银e"), significant("请扫描商品条和码")];
    assert!(compare(drawn, &clean).is_empty(), "{:?}", compare(drawn, &clean));
    let leftover = vec![significant("收银"), significant("请扫描商品条码"), significant("码（4-8位数字）")];
    assert_eq!(compare(drawn, &leftover), ["on the glass but not drawn: \"码位数字\""]);
    let message = vec![significant("ork! see SECURITY NOTES section of man page for solution.")];
    assert_eq!(compare(drawn, &message), ["only 0 of the 9 characters drawn were read off the glass"]);
}

#[test]
fn the_cell_check_finds_marks_where_nothing_was_drawn() {
    let (cw, ch) = CELL;
    // Two rows of three cells, black; the till drew "a" in the first cell of the first row.
    let mut shot = Shot { width: 3 * cw, height: 2 * ch, rgb: vec![0; 3 * cw * 2 * ch * 3] };
    let mark = |shot: &mut Shot, col: usize, row: usize| {
        for y in row * ch + 5..row * ch + 15 {
            for x in col * cw + 2..col * cw + 6 {
                let i = (y * shot.width + x) * 3;
                shot.rgb[i..i + 3].copy_from_slice(&[200, 200, 200]);
            }
        }
    };
    mark(&mut shot, 0, 0);
    assert!(compare_cells("a\n\n", &shot).is_empty());
    mark(&mut shot, 2, 1);
    assert_eq!(compare_cells("a\n\n", &shot), ["row 1: marks where the till drew nothing, columns [2]"]);
    assert_eq!(compare_cells("ab\n\n", &shot).len(), 2);
}

/// One screenshot checked by hand against a screen's text: `TILL_GLASS_SHOT=shot.ppm
/// TILL_GLASS_DRAWN=drawn.txt cargo test --test qemu_glass -- --ignored one_screenshot` (how the
/// screenshots of the garbled glass in issue 17 fail the checks above).
#[test]
#[ignore = "a tool for one screenshot by hand (TILL_GLASS_SHOT, TILL_GLASS_DRAWN)"]
fn one_screenshot_against_the_text_drawn() {
    let (Some(shot), Some(drawn)) = (std::env::var_os("TILL_GLASS_SHOT"), std::env::var_os("TILL_GLASS_DRAWN")) else {
        return;
    };
    let shot_path = PathBuf::from(shot);
    let drawn = std::fs::read_to_string(drawn).expect("the text drawn");
    let mut wrong = compare_cells(&drawn, &Shot::read(&shot_path).expect("a PPM screenshot"));
    let png = shot_path.with_extension("png");
    let converted = Command::new("convert").arg(&shot_path).arg(&png).status().expect("convert");
    assert!(converted.success());
    wrong.extend(compare(&drawn, &read_glass(&png, &shot_path.with_extension(""))));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
