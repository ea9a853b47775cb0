//! Keys as the Linux console sends them, to the full-screen till on a pseudo-terminal
//! (`TERM=linux`, as on the image's plain console): Esc then F3 written at once — what a reader
//! behind a busy moment sees in one read — opens the lookup. crossterm's parser read these bytes
//! as one Alt-Escape and typed the rest (`[[C`): seen on the armhf image under QEMU (issue 22).

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn escape_then_f3_in_one_read_on_the_linux_console_opens_the_lookup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let size = nix::pty::Winsize { ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
    let pty = nix::pty::openpty(Some(&size), None).expect("pty");
    let slave = || std::fs::File::from(pty.slave.try_clone().expect("slave"));
    let mut till = Killed(
        Command::new(env!("CARGO_BIN_EXE_till"))
            .args(["demo", "--lang", "en", "--data-dir"])
            .arg(dir.path())
            .env("TERM", "linux")
            .stdin(slave())
            .stdout(slave())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn till demo"),
    );
    let screen = Arc::new(Mutex::new(Vec::new()));
    let mut master = std::fs::File::from(pty.master);
    let mut reader = master.try_clone().expect("master");
    let seen = screen.clone();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf)
            && n > 0
        {
            seen.lock().expect("screen").extend_from_slice(&buf[..n]);
        }
    });
    let shown = |text: &str| {
        let out = screen.lock().expect("screen").clone();
        String::from_utf8_lossy(&out).contains(text)
    };
    common::wait_until("the sale screen", Duration::from_secs(30), || shown("Scan an item"));
    master.write_all(b"\x1b\x1b[[C").expect("Esc and F3 at once");
    common::wait_until("the lookup opened by F3", Duration::from_secs(30), || {
        shown("Scan the order barcode on the receipt")
    });
    master.write_all(b"\x1b[21~").expect("F10");
    common::wait_until("F10 ends the demo", Duration::from_secs(20), || till.0.try_wait().expect("wait").is_some());
}

/// The till, killed if the test ends before it does.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
