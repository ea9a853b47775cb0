//! The full-screen till (`till demo`, the code `till run` runs) on a pseudo-terminal, told it runs
//! under systemd: its frames come from a thread of its own (`till-render`, `app::frames`), it says
//! READY=1 and keeps feeding the watchdog from there, and SIGTERM ends it cleanly with the terminal
//! restored.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The threads of process `pid`, by name.
fn thread_names(pid: u32) -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .collect()
}

#[test]
fn the_full_screen_till_draws_on_its_render_thread_feeds_the_watchdog_and_leaves_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let notify = dir.path().join("notify");
    let systemd = UnixDatagram::bind(&notify).expect("bind the notify socket");
    systemd.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let size = nix::pty::Winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 };
    let pty = nix::pty::openpty(Some(&size), None).expect("pty");
    let slave = || std::fs::File::from(pty.slave.try_clone().expect("slave"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["demo", "--lang", "en", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("TERM", "xterm")
        .env("NOTIFY_SOCKET", &notify)
        .env("WATCHDOG_USEC", "400000")
        .stdin(slave())
        .stdout(slave())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn till demo");
    // Keep what the till writes to its screen (it never blocks writing it).
    let screen = Arc::new(Mutex::new(Vec::new()));
    let mut master = std::fs::File::from(pty.master);
    let seen = screen.clone();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        while let Ok(n) = master.read(&mut buf)
            && n > 0
        {
            seen.lock().expect("screen").extend_from_slice(&buf[..n]);
        }
    });
    let recv = || {
        let mut buf = [0u8; 64];
        let len = systemd.recv(&mut buf).expect("a notification within 20 s");
        String::from_utf8_lossy(&buf[..len]).into_owned()
    };
    // Pings may come before READY=1 (frames of the till still reading its store); two after it.
    let mut said = Vec::new();
    while said.iter().skip_while(|m| *m != "READY=1").filter(|m| *m == "WATCHDOG=1").count() < 2 {
        said.push(recv());
        assert!(said.len() < 100, "{said:?}");
    }
    let names = thread_names(child.id());
    assert!(names.iter().any(|n| n == "till-render"), "no render thread among {names:?}");
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "SIGTERM did not end the till");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
    // ratatui::restore on the way out: the alternate screen left, after the frames drawn on it.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = screen.lock().expect("screen").clone();
        let entered = out.windows(8).position(|w| w == b"\x1b[?1049h");
        let left = out.windows(8).rposition(|w| w == b"\x1b[?1049l");
        if let (Some(entered), Some(left)) = (entered, left)
            && left > entered
        {
            break;
        }
        assert!(Instant::now() < deadline, "the terminal was not restored ({} bytes written)", out.len());
        std::thread::sleep(Duration::from_millis(50));
    }
}
