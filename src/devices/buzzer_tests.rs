use super::*;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Records each edge with the time it happened: virtual time (advanced by the fake wait) or real.
struct RecordingPin {
    edges: Arc<Mutex<Vec<(bool, u64)>>>,
    now: Arc<Mutex<u64>>,
    fail_on: Option<usize>,
}

impl BuzzerPin for RecordingPin {
    fn set(&mut self, on: bool) -> Result<(), BuzzerError> {
        let mut edges = self.edges.lock().expect("edges");
        if self.fail_on == Some(edges.len()) {
            self.fail_on = None;
            return Err(BuzzerError::Drive("line gone".into()));
        }
        edges.push((on, *self.now.lock().expect("now")));
        Ok(())
    }
}

fn played(kind: Beep) -> Vec<(bool, u64)> {
    let edges = Arc::new(Mutex::new(Vec::new()));
    let now = Arc::new(Mutex::new(0));
    let mut pin = RecordingPin { edges: edges.clone(), now: now.clone(), fail_on: None };
    let clock = now.clone();
    play(&mut pin, kind, &mut |d| *clock.lock().expect("now") += d.as_millis() as u64).expect("play");
    edges.lock().expect("edges").clone()
}

#[test]
fn each_beep_has_its_documented_pattern_and_ends_off() {
    assert_eq!(played(Beep::Accepted), [(true, 0), (false, 60)]);
    assert_eq!(played(Beep::Error), [(true, 0), (false, 60), (true, 120), (false, 180), (true, 240), (false, 300)]);
    assert_eq!(played(Beep::Success), [(true, 0), (false, 300)]);
    assert_eq!(played(Beep::Failure), [(true, 0), (false, 300), (true, 450), (false, 750)]);
}

#[test]
fn a_failed_edge_still_leaves_the_buzzer_off() {
    let edges = Arc::new(Mutex::new(Vec::new()));
    let mut pin = RecordingPin { edges: edges.clone(), now: Arc::new(Mutex::new(0)), fail_on: Some(1) };
    assert!(play(&mut pin, Beep::Error, &mut |_| {}).is_err());
    assert_eq!(edges.lock().expect("edges").last(), Some(&(false, 0)));
}

/// A pin that reports each edge on a channel with the real time.
struct ChannelPin(mpsc::Sender<(bool, Instant)>);

impl BuzzerPin for ChannelPin {
    fn set(&mut self, on: bool) -> Result<(), BuzzerError> {
        let _ = self.0.send((on, Instant::now()));
        Ok(())
    }
}

#[test]
fn beeping_returns_at_once_and_the_thread_plays_at_least_the_pattern_length() {
    let (tx, rx) = mpsc::channel();
    let buzzer = PinBuzzer::spawn(Box::new(ChannelPin(tx)));
    let start = Instant::now();
    buzzer.beep(Beep::Failure);
    assert!(start.elapsed() < Duration::from_millis(50), "beep() must not wait for the pattern");
    let edges: Vec<_> = (0..4).map(|_| rx.recv_timeout(Duration::from_secs(5)).expect("edge")).collect();
    assert_eq!(edges.iter().map(|e| e.0).collect::<Vec<_>>(), [true, false, true, false]);
    assert!(edges[3].1 - edges[0].1 >= Duration::from_millis(750), "two long beeps and the gap");
}

#[test]
fn beeps_beyond_the_queue_are_dropped_not_delayed() {
    let (tx, rx) = mpsc::channel();
    let buzzer = PinBuzzer::spawn(Box::new(ChannelPin(tx)));
    let start = Instant::now();
    for _ in 0..20 {
        buzzer.beep(Beep::Success);
    }
    assert!(start.elapsed() < Duration::from_millis(50));
    drop(buzzer); // the thread ends once the queue is played
    let ons = rx.iter().filter(|e| e.0).count();
    assert!((1..=QUEUE + 1).contains(&ons), "{ons} beeps played of 20");
}

#[test]
fn the_config_reads_the_documented_form() {
    let c: BuzzerConfig = toml::from_str("chip = \"/dev/gpiochip1\"\nline = 5\nactive_low = true").expect("toml");
    assert_eq!(
        (c.backend, c.chip.to_str(), c.line, c.active_low),
        (BuzzerBackend::Gpiochip, Some("/dev/gpiochip1"), 5, true)
    );
    let c: BuzzerConfig = toml::from_str("backend = \"rpi\"\nline = 18").expect("toml");
    assert_eq!((c.backend, c.chip.to_str(), c.active_low), (BuzzerBackend::Rpi, Some("/dev/gpiochip0"), false));
    #[cfg(not(feature = "rpi"))]
    assert!(matches!(open(&c), Err(BuzzerError::NotBuilt)));
    assert!(toml::from_str::<BuzzerConfig>("line = 5\npin = 3").is_err(), "unknown keys refused");
}

#[test]
fn a_missing_chip_is_a_clear_error() {
    let c = BuzzerConfig {
        backend: BuzzerBackend::Gpiochip,
        chip: "/nonexistent/gpiochip9".into(),
        line: 5,
        active_low: false,
    };
    let e = open(&c).err().expect("no such chip");
    assert!(e.to_string().contains("/nonexistent/gpiochip9 line 5"), "{e}");
}

/// The real kernel path: QEMU's virt machine (PL061, `/dev/gpiochip0` line 5) or a chip named in
/// `TILL_TEST_GPIO=/dev/gpiochipN:LINE`. Never drives a line on a machine it was not told about.
#[test]
fn a_real_gpiochip_line_follows_the_pattern() {
    let target = std::env::var("TILL_TEST_GPIO").ok().and_then(|v| {
        let (chip, line) = v.rsplit_once(':')?;
        Some((PathBuf::from(chip), line.parse().ok()?))
    });
    let target = target.or_else(|| {
        let info = gpiocdev::Chip::from_path("/dev/gpiochip0").ok()?.info().ok()?;
        (info.label == "9030000.pl061").then(|| (PathBuf::from("/dev/gpiochip0"), 5))
    });
    let Some((chip, line)) = target else {
        eprintln!("SKIP: no QEMU PL061 at /dev/gpiochip0 and TILL_TEST_GPIO unset: real GPIO not tested here");
        return;
    };
    let config = BuzzerConfig { backend: BuzzerBackend::Gpiochip, chip, line, active_low: false };
    let mut gpio = GpioLine::open(&config).expect("open the line");
    gpio.set(true).expect("on");
    assert!(gpio.is_on().expect("read"));
    play(&mut gpio, Beep::Accepted, &mut std::thread::sleep).expect("play");
    assert!(!gpio.is_on().expect("read"), "left off");
}
