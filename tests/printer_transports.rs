//! The printer transports with real bytes: a pty pair plays the serial printer, loopback TCP the
//! network printer at 9100, a temporary file the lp device. The far ends answer `DLE EOT` as a
//! printer would.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use till::app::{PrintJob, PrintQueue};
use till::core::{Lang, Msg, Settings};
use till::devices::printer::{self, ASK_OFFLINE_CAUSE, ASK_PAPER, ASK_PRINTER, Options, Transport};
use till::devices::{DevicePrinter, Flow, Printer, PrinterError, SerialPrinter, SerialSettings, TcpPrinter};

const RECEIPT: &[u8] = b"\x1b@\x1c&hello \xc4\xe3\xba\xc3\n\x1dVB\x00";

fn asked_then(receipt: &[u8]) -> Vec<u8> {
    [&ASK_PRINTER[..], &ASK_OFFLINE_CAUSE, &ASK_PAPER, receipt].concat()
}

fn quick() -> Options {
    Options {
        write_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        status_timeout: Duration::from_millis(500),
        check_status: true,
    }
}

/// Plays the printer's side of `DLE EOT`: answers 1, 2 and 4 as a printer with paper, or out of it.
struct FakeHead {
    paper_out: Arc<AtomicBool>,
    state: u8,
}

impl FakeHead {
    fn new(paper_out: &Arc<AtomicBool>) -> FakeHead {
        FakeHead { paper_out: paper_out.clone(), state: 0 }
    }

    /// Feeds one byte from the till; returns the answer to send, if it completed a question.
    fn feed(&mut self, b: u8) -> Option<u8> {
        let out = self.paper_out.load(Ordering::SeqCst);
        match (self.state, b) {
            (0, 0x10) => self.state = 1,
            (1, 0x04) => self.state = 2,
            (2, n) => {
                self.state = 0;
                return Some(match (n, out) {
                    (1, false) | (2, false) | (4, false) => 0x12,
                    (1, true) => 0x1A,
                    (2, true) => 0x32,
                    (_, true) => 0x7E,
                    _ => 0x12,
                });
            }
            _ => self.state = 0,
        }
        None
    }
}

/// Reads everything `r` sends, answering status questions on `w`; each chunk goes to the channel.
fn play_printer(mut r: impl Read, mut w: impl Write, paper_out: &Arc<AtomicBool>, seen: mpsc::Sender<Vec<u8>>) {
    let mut head = FakeHead::new(paper_out);
    let mut buf = [0u8; 4096];
    while let Ok(n) = r.read(&mut buf) {
        if n == 0 {
            break;
        }
        for b in &buf[..n] {
            if let Some(answer) = head.feed(*b) {
                let _ = w.write_all(&[answer]);
            }
        }
        if seen.send(buf[..n].to_vec()).is_err() {
            break;
        }
    }
}

/// Collects chunks until `len` bytes came or the deadline passes.
fn collect(seen: &mpsc::Receiver<Vec<u8>>, len: usize) -> Vec<u8> {
    collect_until(seen, |got| got.len() >= len)
}

fn collect_until(seen: &mpsc::Receiver<Vec<u8>>, done: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut got = Vec::new();
    while !done(&got) {
        match seen.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(chunk) => got.extend(chunk),
            Err(_) => break,
        }
    }
    got
}

/// A pty: the slave's path is the printer port; the master is the printer.
struct Pty {
    path: PathBuf,
    slave: OwnedFd,
    master: std::fs::File,
}

fn pty() -> Pty {
    let pair = nix::pty::openpty(None, None).unwrap();
    let path = std::fs::read_link(format!("/proc/self/fd/{}", pair.slave.as_raw_fd())).unwrap();
    Pty { path, slave: pair.slave, master: std::fs::File::from(pair.master) }
}

/// Starts the printer end of a pty on its own thread.
fn pty_printer(pty: &Pty, paper_out: &Arc<AtomicBool>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    let (r, w) = (pty.master.try_clone().unwrap(), pty.master.try_clone().unwrap());
    let paper_out = paper_out.clone();
    std::thread::spawn(move || play_printer(r, w, &paper_out, tx));
    rx
}

#[test]
fn serial_printer_asks_status_then_prints_and_holds_the_receipt_when_the_paper_is_out() {
    let pty = pty();
    let paper_out = Arc::new(AtomicBool::new(false));
    let seen = pty_printer(&pty, &paper_out);
    let settings = SerialSettings { path: pty.path.clone(), baud: 9600, flow: Flow::RtsCts };
    let p = SerialPrinter::new(settings, quick());
    p.print(RECEIPT).unwrap();
    assert_eq!(collect(&seen, asked_then(RECEIPT).len()), asked_then(RECEIPT));

    paper_out.store(true, Ordering::SeqCst);
    assert!(matches!(p.print(RECEIPT), Err(PrinterError::PaperOut { .. })));
    let after = collect(&seen, asked_then(b"").len());
    assert_eq!(after, asked_then(b""), "only the questions went out, not the receipt");
    let status = p.status().unwrap().unwrap();
    assert!(status.paper_out && !status.online, "{status}");
    assert_eq!(
        PrinterError::PaperOut { device: "/dev/ttyS0".into() }.to_string(),
        "printer /dev/ttyS0 is out of paper"
    );

    paper_out.store(false, Ordering::SeqCst);
    collect(&seen, asked_then(b"").len());
    p.print(RECEIPT).unwrap();
    assert_eq!(collect(&seen, asked_then(RECEIPT).len()), asked_then(RECEIPT));
}

#[test]
fn a_serial_printer_that_never_answers_is_not_printed_to() {
    let pty = pty();
    let p = SerialPrinter::new(SerialSettings { path: pty.path.clone(), baud: 115200, flow: Flow::None }, quick());
    let started = Instant::now();
    assert!(matches!(p.print(RECEIPT), Err(PrinterError::NoAnswer { .. })));
    assert!(started.elapsed() < Duration::from_secs(3));
    // Without status checking the receipt goes straight out.
    let unchecked = SerialPrinter::new(
        SerialSettings { path: pty.path.clone(), baud: 115200, flow: Flow::None },
        Options { check_status: false, ..quick() },
    );
    let seen = pty_printer(&pty, &Arc::new(AtomicBool::new(false)));
    unchecked.print(RECEIPT).unwrap();
    let got = collect_until(&seen, |got| got.ends_with(RECEIPT));
    assert!(got.ends_with(RECEIPT), "{got:02x?}");
}

#[test]
fn an_lp_device_path_that_is_a_file_gets_exactly_the_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    let p = printer::open(&Transport::Device(path.clone()), quick());
    p.print(b"one").unwrap();
    p.print(b"two").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"onetwo", "a file cannot answer: no status questions in it");
    assert!(p.status().unwrap().is_none());
    let unplugged = DevicePrinter::new(&PathBuf::from("/dev/usb/lp-not-there"), quick());
    assert!(matches!(unplugged.print(b"x"), Err(PrinterError::Open { .. })));
    assert!(!PathBuf::from("/dev/usb/lp-not-there").exists(), "no file is created under /dev");
}

#[test]
fn an_lp_device_that_reads_back_is_asked_for_status() {
    let pty = pty();
    // A usblp fd passes bytes through untouched; a pty does once it is raw.
    let mut t = nix::sys::termios::tcgetattr(&pty.slave).unwrap();
    nix::sys::termios::cfmakeraw(&mut t);
    nix::sys::termios::tcsetattr(&pty.slave, nix::sys::termios::SetArg::TCSANOW, &t).unwrap();
    let paper_out = Arc::new(AtomicBool::new(true));
    let seen = pty_printer(&pty, &paper_out);
    let p = DevicePrinter::new(&pty.path, quick());
    assert!(matches!(p.print(RECEIPT), Err(PrinterError::PaperOut { .. })));
    assert_eq!(collect(&seen, asked_then(b"").len()), asked_then(b""));
}

/// A network printer on loopback: answers status, collects each connection's bytes.
fn tcp_printer(listener: TcpListener, paper_out: &Arc<AtomicBool>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    let paper_out = paper_out.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let (chunks_tx, chunks) = mpsc::channel();
            let w = stream.try_clone().unwrap();
            play_printer(stream, w, &paper_out, chunks_tx);
            if tx.send(chunks.try_iter().flatten().collect()).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn tcp_printer_asks_status_on_the_connection_then_prints() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let paper_out = Arc::new(AtomicBool::new(false));
    let jobs = tcp_printer(listener, &paper_out);
    let p = TcpPrinter::new(&addr, quick());
    p.print(RECEIPT).unwrap();
    assert_eq!(jobs.recv_timeout(Duration::from_secs(5)).unwrap(), asked_then(RECEIPT));
    paper_out.store(true, Ordering::SeqCst);
    assert!(matches!(p.print(RECEIPT), Err(PrinterError::PaperOut { .. })));
    assert_eq!(jobs.recv_timeout(Duration::from_secs(5)).unwrap(), asked_then(b""));
}

#[test]
fn a_tcp_printer_that_accepts_and_never_reads_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (held_tx, held) = mpsc::channel::<TcpStream>();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = held_tx.send(stream);
        }
    });
    // Asked for status, it says nothing.
    let started = Instant::now();
    assert!(matches!(TcpPrinter::new(&addr, quick()).print(RECEIPT), Err(PrinterError::NoAnswer { .. })));
    assert!(started.elapsed() < Duration::from_secs(3));
    // Not asked, it takes what fits in the socket buffers and then nothing more.
    let options = Options { check_status: false, write_timeout: Duration::from_millis(700), ..quick() };
    let big = vec![b'x'; 64 << 20];
    let started = Instant::now();
    let result = TcpPrinter::new(&addr, options).print(&big);
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(PrinterError::Timeout { sent, total, .. }) if sent < total && total == big.len()),
        "{result:?}"
    );
    assert!(elapsed >= Duration::from_millis(700) && elapsed < Duration::from_secs(5), "{elapsed:?}");
    drop(held);
}

async fn next(inbox: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> Msg {
    tokio::time::timeout(Duration::from_secs(5), inbox.recv()).await.unwrap().unwrap()
}

fn settings() -> Settings {
    Settings {
        shop_name: "小店".into(),
        operator: "01".into(),
        order_prefix: "01000052".into(),
        terminal_no: 1,
        utc_offset_minutes: 480,
        lang: Lang::Zh,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_wait_in_order_while_the_printer_refuses_and_print_once_it_listens() {
    // A port nobody listens on yet.
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let queue = PrintQueue::in_memory(10, Duration::from_millis(100));
    let mut waiting = queue.watch();
    let (jobs_tx, jobs) = tokio::sync::mpsc::unbounded_channel();
    let (msgs, mut inbox) = tokio::sync::mpsc::unbounded_channel();
    let printer: Arc<dyn Printer> = Arc::new(TcpPrinter::new(&addr.to_string(), quick()));
    let slips: till::app::Slips = Arc::new(|_: &str| None);
    let profile = till::escpos::PrinterProfile::mm58();
    tokio::spawn(till::app::print_receipts(jobs, msgs, printer, settings(), profile, slips, queue.clone()));

    for bytes in [b"first".to_vec(), b"second".to_vec()] {
        jobs_tx.send(PrintJob::Reprint { order: None, platform_slip: Some(bytes) }).unwrap();
    }
    let mut failed = 0;
    while failed < 2 {
        match next(&mut inbox).await {
            Msg::PrintFailed { why, .. } => {
                assert_eq!(why, till::core::PrintFailure::NotAvailable, "not available");
                failed += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    tokio::time::timeout(Duration::from_secs(5), waiting.wait_for(|n| *n == 2)).await.unwrap().unwrap();
    // Retries go on without telling the cashier again.
    let quiet = tokio::time::timeout(Duration::from_millis(400), inbox.recv()).await;
    assert!(quiet.is_err(), "{quiet:?}");

    let listener = TcpListener::bind(addr).unwrap();
    let printed = tcp_printer(listener, &Arc::new(AtomicBool::new(false)));
    for _ in 0..2 {
        assert!(matches!(next(&mut inbox).await, Msg::Printed { .. }));
    }
    tokio::time::timeout(Duration::from_secs(5), waiting.wait_for(|n| *n == 0)).await.unwrap().unwrap();
    let first = printed.recv_timeout(Duration::from_secs(5)).unwrap();
    let second = printed.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!((first, second), (asked_then(b"first"), asked_then(b"second")), "in order, each once");
    assert!(printed.recv_timeout(Duration::from_millis(300)).is_err());
}
