//! Device set-up by configuration QR code (reference §7.1) against the simulator, and the settings
//! file.

use std::os::unix::fs::PermissionsExt;
use till::payments::cloudpay::{
    CloudPayConfig, SetupError, SetupHttp, fetch_device_setting, load_device_setting, save_device_setting,
};
use till::sim::cloudpay::{CloudPaySim, ManualClock, SETUP_CODE_VALID_MS, SimConfig, SimHandle};

const SN: &str = "PI4B0000C0FFEE";

fn sim(clock: &ManualClock) -> SimHandle {
    let cfg = SimConfig { clock: clock.clock(), ..SimConfig::default() };
    CloudPaySim::start("127.0.0.1:0".parse().expect("addr"), cfg).expect("simulator starts")
}

fn http(sim: &SimHandle) -> SetupHttp {
    SetupHttp { timeout_ms: 500, allowed_hosts: vec![sim.addr().to_string()] }
}

#[tokio::test]
async fn a_fresh_code_configures_the_device_once() {
    let clock = ManualClock::new();
    let sim = sim(&clock);
    let qr = sim.issue_setup_qr();
    let setting = fetch_device_setting(&qr, SN, &http(&sim)).await.expect("setting");
    let demo = CloudPayConfig::demo("");
    assert_eq!(
        (setting.out_mch_id.as_str(), setting.out_sub_mch_id.as_str(), setting.out_shop_id.as_str()),
        (demo.out_mch_id.as_str(), demo.out_sub_mch_id.as_str(), demo.out_shop_id.as_str())
    );
    assert_eq!((setting.cloud_cashier_id.as_str(), setting.authen_type), ("01000052", 1));
    assert_eq!(setting.authen_key, demo.authen_key);
    assert_eq!((setting.device_id.as_str(), setting.device_name.as_str()), ("kiosk-01", "自助收银机1号"));
    assert_eq!(setting.shop_name, "测试便利店");
    assert_eq!((setting.staff_id.as_deref(), setting.staff_name.as_deref()), (Some("1001"), Some("张三")));
    assert!(!format!("{setting:?}").contains(&demo.authen_key), "the key never reaches a log");

    let err = fetch_device_setting(&qr, SN, &http(&sim)).await.expect_err("used");
    assert_eq!(err, SetupError::AlreadyUsed);
    assert!(err.to_string().contains("already used"), "{err}");

    let mut cfg = CloudPayConfig::demo("http://x");
    cfg.authen_key = "old".into();
    cfg.staff_id = "9".into();
    setting.apply_to(&mut cfg);
    assert_eq!(
        (cfg.authen_key.as_str(), cfg.staff_id.as_str(), cfg.base_urls[0].as_str()),
        (demo.authen_key.as_str(), "1001", "http://x")
    );
}

#[tokio::test]
async fn a_code_older_than_5_minutes_is_expired() {
    let clock = ManualClock::new();
    let sim = sim(&clock);
    let qr = sim.issue_setup_qr();
    clock.advance_ms(SETUP_CODE_VALID_MS);
    let err = fetch_device_setting(&qr, SN, &http(&sim)).await.expect_err("expired");
    assert_eq!(err, SetupError::Expired);
    assert!(err.to_string().contains("expired"), "{err}");
    let fresh = sim.issue_setup_qr();
    clock.advance_ms(SETUP_CODE_VALID_MS - 1);
    assert!(fetch_device_setting(&fresh, SN, &http(&sim)).await.is_ok());
}

#[tokio::test]
async fn hostile_codes_are_not_setup_codes_and_nothing_is_sent() {
    let clock = ManualClock::new();
    let sim = sim(&clock);
    let qr = sim.issue_setup_qr();
    let base = sim.base_url();
    for hostile in [
        "134680423163089456".to_string(),
        qr.replace("use_device_setting", "micro_pay"),
        qr.replace("127.0.0.1", "localhost"),
        format!("{qr}&sn=other"),
        format!("{qr}\r\nX-Evil: 1"),
        format!("{qr}{}", "0".repeat(600)),
        format!("{base}/cpay/use_device_setting?osi=a"),
        qr.replace("http://", "file://"),
    ] {
        let err = fetch_device_setting(&hostile, SN, &http(&sim)).await.expect_err(&hostile);
        assert_eq!(err, SetupError::NotASetupCode, "{hostile:?}");
    }
    // None of them used the code.
    assert!(fetch_device_setting(&qr, SN, &http(&sim)).await.is_ok());
}

#[tokio::test]
async fn a_dead_platform_is_a_network_error() {
    let clock = ManualClock::new();
    let sim = sim(&clock);
    let qr = sim.issue_setup_qr();
    sim.set_down(true).await;
    assert!(matches!(fetch_device_setting(&qr, SN, &http(&sim)).await, Err(SetupError::Network(_))));
}

#[tokio::test]
async fn the_settings_file_is_private_and_replaced_atomically() {
    let clock = ManualClock::new();
    let sim = sim(&clock);
    let setting = fetch_device_setting(&sim.issue_setup_qr(), SN, &http(&sim)).await.expect("setting");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cloudpay-device.json");
    save_device_setting(&path, &setting).expect("save");
    save_device_setting(&path, &setting).expect("save again over the old file");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(load_device_setting(&path).expect("load"), setting);
    let names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    assert!(matches!(load_device_setting(&dir.path().join("missing.json")), Err(SetupError::File(_))));
}
