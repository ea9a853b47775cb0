//! The wpa_supplicant writer and the `wpa_cli` applier against the real wpa_supplicant (Debian's
//! `wpasupplicant`), run on the loopback interface with its `none` driver: it reads the config
//! with its own parser and answers its control interface, but never associates. Skips (and says
//! why) where wpa_supplicant is missing or cannot start (it needs root for its control socket).

#![allow(clippy::panic)] // a test fails by panicking

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use till::wifi::config::wpa_supplicant_block;
use till::wifi::{Secret, Security, WifiApplier, WifiNetwork, WifiOutcome, WpaCliApplier, WpaMode, apply::WpaCli};

fn tool(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].iter().map(|d| Path::new(d).join(name)).find(|p| p.exists())
}

struct Supplicant {
    child: Child,
    dir: tempfile::TempDir,
    wpa_cli: PathBuf,
}

impl Drop for Supplicant {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Supplicant {
    /// Starts wpa_supplicant on `networks`; Err with its output if it refuses the file or cannot start.
    fn start(networks: &str) -> Result<Supplicant, String> {
        let (Some(bin), Some(wpa_cli)) = (tool("wpa_supplicant"), tool("wpa_cli")) else {
            return Err("SKIP: wpa_supplicant/wpa_cli not installed (Debian package wpasupplicant)".into());
        };
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let conf = dir.path().join("wpa.conf");
        let ctrl = dir.path().join("ctrl");
        std::fs::write(&conf, format!("ctrl_interface={}\n{networks}", ctrl.display())).map_err(|e| e.to_string())?;
        let log = dir.path().join("log");
        let mut child = Command::new(bin)
            .args(["-D", "none", "-i", "lo", "-c"])
            .arg(&conf)
            .arg("-f")
            .arg(&log)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("SKIP: cannot start wpa_supplicant: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ctrl.join("lo").exists() {
            if let Ok(Some(_)) = child.try_wait() {
                return Err(std::fs::read_to_string(&log).unwrap_or_default());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err("SKIP: wpa_supplicant started but opened no control socket".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Supplicant { child, dir, wpa_cli })
    }

    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(&self.wpa_cli)
            .arg("-p")
            .arg(self.dir.path().join("ctrl"))
            .args(["-i", "lo"])
            .args(args)
            .output()
            .expect("wpa_cli");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn network_count(&self) -> usize {
        self.cli(&["list_networks"]).lines().skip(1).count()
    }
}

fn wpa(ssid: &str, pass: &str, mode: WpaMode, hidden: bool) -> WifiNetwork {
    WifiNetwork {
        ssid: ssid.into(),
        security: Security::Wpa { secret: Secret::Passphrase(pass.into()), mode },
        hidden,
        sae_password_id: None,
        sae_public_key: None,
    }
}

fn networks() -> Vec<WifiNetwork> {
    let mut nets = vec![
        wpa("shop", "12345678", WpaMode::Any, true),
        wpa("x\"\n}\nnetwork={\n\tssid=\"evil", "pa\"ss\nword}\n", WpaMode::Any, false),
        wpa("小店 WiFi", "密码密码密码", WpaMode::Wpa3Only, false),
        wpa("#}", "\\back\\slash\"", WpaMode::Wpa3Only, false),
    ];
    for code in ["WIFI:S:Free;;", "WIFI:T:WEP;S:old;P:abcde;;", "WIFI:T:WEP;S:old2;P:0123456789abcdef0123456789;;"] {
        nets.push(till::wifi::parse_wifi_qr(code).expect("parse"));
    }
    let mut psk = wpa("raw", "", WpaMode::Any, false);
    psk.security = Security::Wpa { secret: Secret::Psk([0xab; 32]), mode: WpaMode::Any };
    nets.push(psk);
    let mut id = wpa("ided", "12345678", WpaMode::Wpa3Only, false);
    id.sae_password_id = Some("alice;\n".into());
    nets.push(id);
    nets
}

#[test]
fn wpa_supplicant_reads_every_block_as_exactly_one_network_with_its_name() {
    let nets = networks();
    let blocks: String = nets.iter().map(wpa_supplicant_block).collect();
    let s = match Supplicant::start(&blocks) {
        Ok(s) => s,
        Err(why) if why.starts_with("SKIP") => return eprintln!("{why}"),
        Err(log) => panic!("wpa_supplicant refused the file:\n{log}\n{blocks}"),
    };
    assert_eq!(s.network_count(), nets.len(), "no block injected another network");
    for (i, n) in nets.iter().enumerate() {
        let ssid = s.cli(&["get_network", &i.to_string(), "ssid"]);
        let printable = n.ssid.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"');
        let want = if printable { format!("\"{}\"", n.ssid) } else { hex::encode(&n.ssid) };
        assert_eq!(ssid, want, "network {i}");
        let key_mgmt = s.cli(&["get_network", &i.to_string(), "key_mgmt"]);
        assert!(!key_mgmt.contains("FAIL") && !key_mgmt.is_empty(), "network {i}: {key_mgmt}");
    }
}

#[test]
fn wpa_supplicant_refuses_a_broken_block_so_the_check_above_can_fail() {
    match Supplicant::start("network={\n\tssid=\"a\"\n\tpsk=\"short\"\n}\n") {
        Err(why) if why.starts_with("SKIP") => eprintln!("{why}"),
        Err(log) => assert!(log.contains("Invalid passphrase length"), "{log}"),
        Ok(_) => panic!("a 5-character passphrase was accepted"),
    }
}

#[test]
fn a_network_that_does_not_answer_is_removed_and_the_old_one_stays() {
    let s = match Supplicant::start("network={\n\tssid=\"old\"\n\tkey_mgmt=NONE\n}\n") {
        Ok(s) => s,
        Err(why) if why.starts_with("SKIP") => return eprintln!("{why}"),
        Err(log) => panic!("{log}"),
    };
    let control =
        WpaCli { program: s.wpa_cli.clone(), interface: "lo".into(), ctrl_dir: Some(s.dir.path().join("ctrl")) };
    let applier =
        WpaCliApplier { control, timeout: Duration::from_millis(500), poll: Duration::from_millis(50), save: false };
    for n in networks() {
        // Every field is accepted by the real set_network (an Err here would be a refused value).
        assert_eq!(applier.apply(&n).expect("apply"), WifiOutcome::NotFound, "{n:?}");
        assert_eq!(s.cli(&["list_networks"]).lines().skip(1).count(), 1, "only the old network is left");
        assert_eq!(s.cli(&["get_network", "0", "ssid"]), "\"old\"");
    }
}
