//! First-boot provisioning through the real `till provision` binary, with a temp dir standing for
//! the SD card's boot partition: files applied and wiped, run twice = nothing more, a bad file left
//! for the technician with its reason, and the kept activation code sent to the 微收银 simulator.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use till::cli::provision::{ACTIVATION_FILE, CONFIG_FILE, ERRORS_FILE, PENDING_ACTIVATION, WIFI_FILE};
use till::sim::weishouyin::{SimConfig, WeishouyinSim};

const WIFI_QR: &str = "WIFI:T:WPA;S:ShopNet;P:correct horse battery;;";
const SECRET: &str = "SimAuthenKeyTopSecret0123456789a";

struct Card {
    _dir: tempfile::TempDir,
    boot: PathBuf,
    config: PathBuf,
    wpa: PathBuf,
    data: PathBuf,
}

impl Card {
    fn new() -> Card {
        let dir = tempfile::tempdir().expect("temp dir");
        let boot = dir.path().join("boot");
        let etc = dir.path().join("etc/till");
        std::fs::create_dir_all(&boot).expect("boot");
        std::fs::create_dir_all(&etc).expect("etc");
        let data = dir.path().join("data");
        Card { config: etc.join("till.toml"), wpa: dir.path().join("wpa_supplicant-wlan0.conf"), boot, data, _dir: dir }
    }

    fn drop_file(&self, name: &str, text: &str) {
        std::fs::write(self.boot.join(name), text).expect("write to the boot partition");
    }

    fn provision(&self, extra: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_till"))
            .arg("provision")
            .arg("--boot-dir")
            .arg(&self.boot)
            .arg("--config")
            .arg(&self.config)
            .arg("--wpa-conf")
            .arg(&self.wpa)
            .args(extra)
            .output()
            .expect("till provision runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!text.contains(SECRET) && !text.contains("correct horse"), "a secret in the output:\n{text}");
        out
    }

    fn boot_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.boot)
            .expect("boot dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn weishouyin_toml(&self, base_url: &str) -> String {
        format!(
            "version = 1\nlang = \"en\"\nshop_name = \"Provisioned Shop\"\ndata_dir = {:?}\nplatform = \"weishouyin\"\n\
             [printer]\nprofile = \"58mm\"\n[weishouyin]\nbase_url = {base_url:?}\ndevice_id = \"\"\nkey = \"{SECRET}\"\n",
            self.data.display().to_string()
        )
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn the_boot_partitions_settings_are_applied_once_and_removed() {
    let card = Card::new();
    let toml = card.weishouyin_toml("http://127.0.0.1:9");
    card.drop_file(CONFIG_FILE, &toml);
    card.drop_file(WIFI_FILE, &format!("{WIFI_QR}\n"));
    card.drop_file(ACTIVATION_FILE, "ABCD-1234\r\n");
    card.drop_file("config.txt", "arm_64bit=1\n");

    let out = card.provision(&[]);
    assert!(out.status.success(), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(report.contains("till.toml applied") && report.contains("\"ShopNet\""), "{report}");

    // Only the card's own files stay: the secrets are gone from the FAT partition.
    assert_eq!(card.boot_files(), vec!["config.txt".to_string()]);
    assert_eq!(std::fs::read_to_string(&card.config).expect("config written"), toml);
    assert_eq!(mode(&card.config), 0o640);
    let wpa = std::fs::read_to_string(&card.wpa).expect("wpa_supplicant's file");
    assert!(wpa.starts_with("ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\nupdate_config=1\n"), "{wpa}");
    let net = till::wifi::parse_wifi_qr(WIFI_QR).expect("the code parses");
    assert!(wpa.contains(&till::wifi::config::wpa_supplicant_block(&net)), "{wpa}");
    assert_eq!(mode(&card.wpa), 0o600);
    let pending = card.data.join(PENDING_ACTIVATION);
    assert_eq!(std::fs::read_to_string(&pending).expect("code kept"), "ABCD-1234\n");
    assert_eq!(mode(&pending), 0o600);

    // Run twice: nothing left to apply, nothing changed.
    let before = (std::fs::read(&card.config).expect("c"), std::fs::read(&card.wpa).expect("w"));
    let again = card.provision(&[]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("nothing to apply"), "{}", stdout(&again));
    assert_eq!(before, (std::fs::read(&card.config).expect("c"), std::fs::read(&card.wpa).expect("w")));

    // The same Wi-Fi code dropped again is not added twice; another network is added beside it.
    card.drop_file(WIFI_FILE, WIFI_QR);
    assert!(card.provision(&[]).status.success());
    assert_eq!(std::fs::read_to_string(&card.wpa).expect("w").matches("network={").count(), 1);
    card.drop_file(WIFI_FILE, "WIFI:T:WPA;S:BackRoom;P:another password;;");
    assert!(card.provision(&[]).status.success());
    assert_eq!(std::fs::read_to_string(&card.wpa).expect("w").matches("network={").count(), 2);
}

#[test]
fn a_bad_file_stays_for_the_technician_with_its_reason_and_the_good_ones_are_applied() {
    let card = Card::new();
    let good = card.weishouyin_toml("http://127.0.0.1:9");
    std::fs::write(&card.config, &good).expect("the till's current config");
    let bad = good.replace("shop_name", "shop_nmae");
    card.drop_file(CONFIG_FILE, &bad);
    card.drop_file(WIFI_FILE, "WIFI:T:WPA;S:ShopNet;P:short;;");
    card.drop_file(ACTIVATION_FILE, "ABCD-1234");

    let out = card.provision(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    // The bad ones stay (byte for byte), the activation code (valid for the current config) went.
    assert_eq!(card.boot_files(), vec![ERRORS_FILE.to_string(), CONFIG_FILE.to_string(), WIFI_FILE.to_string()]);
    assert_eq!(std::fs::read_to_string(card.boot.join(CONFIG_FILE)).expect("left"), bad);
    assert_eq!(std::fs::read_to_string(&card.config).expect("config"), good, "the running config untouched");
    assert!(!card.wpa.exists(), "no network from a bad code");
    let errors = std::fs::read_to_string(card.boot.join(ERRORS_FILE)).expect("errors file");
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(lines.len(), 2, "{errors}");
    assert!(lines[0].starts_with("till.toml: line 3: unknown field `shop_nmae`"), "{errors}");
    assert!(lines[1].starts_with("wifi.txt: the Wi-Fi password must have 8 to 63 characters"), "{errors}");
    assert!(!errors.contains(SECRET) && !errors.contains("short"), "{errors}");

    // Fixed by the technician: applied at the next boot, and the errors file goes too.
    card.drop_file(CONFIG_FILE, &good.replace("Provisioned Shop", "Fixed Shop"));
    std::fs::remove_file(card.boot.join(WIFI_FILE)).expect("rm");
    assert!(card.provision(&[]).status.success());
    assert!(card.boot_files().is_empty(), "{:?}", card.boot_files());
    assert!(std::fs::read_to_string(&card.config).expect("c").contains("Fixed Shop"));
}

#[test]
fn an_activation_code_for_a_cloud_pay_till_is_refused() {
    let card = Card::new();
    std::fs::write(&card.config, "version = 1\nshop_name = \"C\"\nplatform = \"cloudpay\"\n[printer]\n")
        .expect("config");
    card.drop_file(ACTIVATION_FILE, "ABCD-1234");
    let out = card.provision(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("activation.txt not applied: activation codes are for 微收银"), "{}", stdout(&out));
    assert!(card.boot.join(ACTIVATION_FILE).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kept_activation_code_is_sent_once_the_network_is_up() {
    let sim = WeishouyinSim::start(([127, 0, 0, 1], 0).into(), SimConfig::default()).expect("simulator");
    let card = Card::new();
    card.drop_file(CONFIG_FILE, &card.weishouyin_toml(&sim.base_url()));
    card.drop_file(ACTIVATION_FILE, till::payments::weishouyin::TEST_ACTIVATION_CODE);
    let boot = tokio::task::spawn_blocking(move || (card.provision(&[]), card)).await.expect("join");
    let (out, card) = boot;
    assert!(out.status.success(), "{}", stdout(&out));
    let card = tokio::task::spawn_blocking(move || {
        let out = card.provision(&["--activate"]);
        assert!(out.status.success(), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert!(stdout(&out).contains("activated"), "{}", stdout(&out));
        card
    })
    .await
    .expect("join");
    assert!(!card.data.join(PENDING_ACTIVATION).exists(), "the code is used once");
    let device = card.data.join("weishouyin-device.json");
    assert_eq!(mode(&device), 0o600);
    let second = tokio::task::spawn_blocking(move || stdout(&card.provision(&["--activate"]))).await.expect("join");
    assert!(second.contains("no activation code waiting"), "{second}");
}
