use super::*;
use crate::devices::printer::{SerialSettings, Transport};
use std::time::Duration;

#[test]
fn the_demo_config_round_trips_through_toml_and_keeps_its_key_out_of_debug() {
    let c = Config::demo(Lang::En, "/tmp/x".into(), "http://127.0.0.1:1".into());
    let text = toml::to_string(&c).expect("serialise");
    let back = Config::parse(Path::new("till.toml"), &text).expect("parse");
    assert_eq!(back.settings(), c.settings());
    assert!(!format!("{back:?}").contains("SimAuthenKey"), "secrets never in Debug output");
}

#[test]
fn a_backoffice_section_is_optional_has_defaults_and_keeps_its_key_out_of_debug() {
    let mut c = Config::demo(Lang::En, "/tmp/x".into(), "http://127.0.0.1:1".into());
    assert!(c.backoffice.is_none());
    c.backoffice = Some(BackofficeConfig::demo("http://127.0.0.1:2"));
    let text = toml::to_string(&c).expect("serialise");
    let back = Config::parse(Path::new("t"), &text).expect("parse");
    assert_eq!(back.backoffice, c.backoffice);
    assert!(!format!("{back:?}").contains(crate::sync::DEMO_KEY));
    let minimal = "version = 1\nshop_name = \"小店\"\n[printer]\n[backoffice]\nurl = \"https://bo/v1/records\"\ndevice_id = \"t1\"\nkey = \"k\"\n";
    let b = Config::parse(Path::new("t"), minimal).expect("parse").backoffice.expect("section");
    assert_eq!((b.key_id.as_str(), b.timeout_ms), ("1", 10_000));
    let typo = minimal.replace("device_id", "device");
    assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
}

#[test]
fn a_parse_error_names_the_line_and_never_quotes_it() {
    let text = "version = 1\nshop_name = \"小店\"\n[printer]\n[backoffice]\nurl = \"https://bo/v1/records\"\ndevice_id = \"t1\"\nkey = \"TopSecretKey42\" oops\n";
    let e = Config::parse(Path::new("/etc/till/till.toml"), text).expect_err("a syntax error");
    let shown = e.to_string();
    assert!(!shown.contains("TopSecretKey42"), "{shown}");
    assert!(shown.starts_with("/etc/till/till.toml: line 7: "), "{shown}");
    assert_eq!(shown.lines().count(), 1, "{shown}");
}

#[test]
fn unknown_keys_and_bad_prefixes_are_refused_with_the_reason() {
    let c = Config::demo(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
    let text = toml::to_string(&c).expect("serialise");
    let typo = text.replacen("shop_name", "shop_nmae", 1);
    assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
    let newer = text.replacen("version = 1", "version = 2", 1);
    assert!(matches!(Config::parse(Path::new("t"), &newer), Err(ConfigError::NewerVersion { found: 2, .. })));
    let prefix = text.replacen("cloud_cashier_id = \"01000052\"", "cloud_cashier_id = \"sz0100lmnx\"", 1);
    assert!(matches!(Config::parse(Path::new("t"), &prefix), Err(ConfigError::Invalid(m)) if m.contains("8-digit")));
}

#[test]
fn a_weishouyin_till_needs_its_section_and_numbers_orders_by_device() {
    let c = Config::demo_weishouyin(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
    assert_eq!(c.settings().order_prefix, "00057206");
    let text = toml::to_string(&c).expect("serialise");
    let back = Config::parse(Path::new("t"), &text).expect("parse");
    assert_eq!(back.platform, PaymentPlatform::Weishouyin);
    let without = text.split("[weishouyin]").next().expect("head").to_string();
    assert!(
        matches!(Config::parse(Path::new("t"), &without), Err(ConfigError::Invalid(m)) if m.contains("weishouyin"))
    );
}

#[test]
fn keys_toml_beside_till_toml_binds_function_keys_to_intents() {
    use crate::core::intent::{Intent, On};
    let dir = tempfile::tempdir().expect("tempdir");
    let till = dir.path().join("till.toml");
    std::fs::write(&till, "version = 1\nshop_name = \"小店\"\n[printer]\n").expect("till.toml");
    assert!(Config::load(&till).expect("no keys.toml").keys.is_empty());
    let keys = "[[bind]]\nf = 10\non = \"sale\"\nact = \"sign_out\"\n\n[[bind]]\nf = 11\nact = \"refund\"\namount = \"0.01\"\n";
    std::fs::write(dir.path().join(KEYS_FILE), keys).expect("keys.toml");
    let bound = Config::load(&till).expect("keys.toml").keys;
    assert_eq!(
        bound,
        [
            Binding { f: 10, on: Some(On::Sale), act: Intent::SignOut },
            Binding { f: 11, on: None, act: Intent::Refund { amount: "0.01".into() } },
        ]
    );
    // A discount key, as Chinese tills have them (a 9折 key): the intent with its values.
    let nine =
        "[[bind]]\nf = 7\non = \"sale\"\nact = \"discount\"\nhow = \"percent\"\nvalue = \"10\"\nreason = \"regular\"\n";
    let bound = parse_keys(Path::new("keys.toml"), nine).expect("a discount key");
    let want = Intent::Discount { order: false, how: "percent".into(), value: "10".into(), reason: "regular".into() };
    assert_eq!(bound, [Binding { f: 7, on: Some(On::Sale), act: want }]);
    let not_a_function_key = parse_keys(Path::new("keys.toml"), "[[bind]]\nf = 13\nact = \"pay\"\n");
    assert!(matches!(not_a_function_key, Err(ConfigError::Invalid(m)) if m.contains("F13")));
    let unknown = parse_keys(Path::new("keys.toml"), "[[bind]]\nf = 1\nact = \"dance\"\n");
    assert!(matches!(unknown, Err(ConfigError::Parse { line: Some(_), .. })));
}

#[test]
fn a_cloudpay_till_may_start_unconfigured_and_is_set_up_by_qr() {
    let text = "version = 1\nshop_name = \"小店\"\n[printer]\n";
    let c = Config::parse(Path::new("t"), text).expect("parse");
    assert!(!c.cloudpay.is_set_up());
    assert_eq!(c.settings().order_prefix, UNSET_PREFIX);
    assert_eq!(c.cloudpay.base_urls.len(), 4);
}

fn printer(section: &str) -> Result<Config, ConfigError> {
    Config::parse(Path::new("t"), &format!("version = 1\nshop_name = \"小店\"\n[printer]\n{section}\n"))
}

#[test]
fn the_printer_is_a_file_a_device_a_serial_port_or_a_network_printer() {
    let data = Path::new("/var/lib/till");
    let t = |section: &str| printer(section).expect(section).printer.transport(data).expect("transport");
    assert_eq!(t(""), Transport::File(data.join("receipts.escpos")));
    assert_eq!(t("output = \"/dev/usb/lp0\""), Transport::Device("/dev/usb/lp0".into()));
    assert_eq!(t("output = \"/tmp/r.bin\""), Transport::File("/tmp/r.bin".into()));
    let serial = t("serial = { path = \"/dev/serial0\", baud = 115200, flow = \"xonxoff\" }");
    let want = SerialSettings { path: "/dev/serial0".into(), baud: 115200, flow: crate::devices::Flow::XonXoff };
    assert_eq!(serial, Transport::Serial(want));
    let defaults = t("serial = { path = \"/dev/ttyUSB0\" }");
    let want = SerialSettings { path: "/dev/ttyUSB0".into(), baud: 9600, flow: crate::devices::Flow::RtsCts };
    assert_eq!(defaults, Transport::Serial(want));
    assert_eq!(t("tcp = \"192.168.1.87:9100\""), Transport::Tcp("192.168.1.87:9100".into()));
    let c = printer("tcp = \"p:9100\"\nstatus = false\nwrite_timeout_ms = 5000").expect("parse");
    let o = c.printer.options();
    assert!(!o.check_status && o.write_timeout == Duration::from_secs(5));
    let custom = printer("profile = { dots_per_line = 416 }").expect("parse").profile().expect("profile");
    assert_eq!((custom.dots_per_line, custom.columns), (416, 34));
}

#[test]
fn printer_mistakes_are_refused_with_the_reason() {
    let invalid = |section: &str| match printer(section) {
        Err(ConfigError::Invalid(m)) => m,
        other => format!("not refused as invalid: {other:?}"),
    };
    assert!(invalid("output = \"/dev/usb/lp0\"\ntcp = \"p:9100\"").contains("one of output, serial or tcp"));
    assert!(invalid("serial = { path = \"/dev/ttyS0\", baud = 14400 }").contains("baud"));
    assert!(invalid("profile = \"76mm\"").contains("76mm"));
    assert!(invalid("profile = { dots_per_line = 500 }").contains("dots_per_line"));
    assert!(matches!(printer("serial = { path = \"/dev/ttyS0\", parity = \"even\" }"), Err(ConfigError::Parse { .. })));
    assert!(matches!(printer("serial = { path = \"/dev/ttyS0\", flow = \"dtr\" }"), Err(ConfigError::Parse { .. })));
    assert!(matches!(printer("usb = \"/dev/usb/lp0\""), Err(ConfigError::Parse { .. })));
}

#[test]
fn a_keyboard_scanner_section_parses_with_defaults_and_refuses_typos() {
    let head = "version = 1\nshop_name = \"小店\"\n[printer]\n";
    let c =
        Config::parse(Path::new("t"), &format!("{head}[scanner]\ndevice = \"/dev/till-scanner\"\n")).expect("parse");
    let s = c.scanner.expect("scanner");
    assert_eq!(s.device.as_deref(), Some(Path::new("/dev/till-scanner")));
    assert_eq!((s.layout.as_str(), s.inter_key_timeout_ms, s.suffix), ("us", 50, crate::devices::wedge::Suffix::Enter));
    let full = format!(
        "{head}[scanner]\nvendor_product = \"0c2e:0b61\"\nname = \"Honeywell\"\nlayout = \"de\"\ninter_key_timeout_ms = 80\nsuffix = \"tab\"\n"
    );
    let s = Config::parse(Path::new("t"), &full).expect("parse").scanner.expect("scanner");
    assert_eq!((s.layout.as_str(), s.inter_key_timeout_ms, s.suffix), ("de", 80, crate::devices::wedge::Suffix::Tab));
    let typo = format!("{head}[scanner]\nname = \"x\"\nsufix = \"tab\"\n");
    assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
    let bad = format!("{head}[scanner]\nvendor_product = \"0c2e\"\n");
    assert!(
        matches!(Config::parse(Path::new("t"), &bad), Err(ConfigError::Invalid(m)) if m.contains("vendor_product"))
    );
    assert!(Config::parse(Path::new("t"), head).expect("parse").scanner.is_none());
}

#[test]
fn buzzer_and_voice_are_optional_and_read_in_their_documented_form() {
    let base = "version = 1\nshop_name = \"小店\"\n";
    let c = Config::parse(Path::new("t"), &format!("{base}[printer]\n")).expect("parse");
    assert_eq!((c.buzzer, c.voice), (None, None));
    let text = format!(
        "{base}buzzer = {{ chip = \"/dev/gpiochip0\", line = 5, active_low = false }}\n\
         voice = {{ enabled = true, volume = 120, speed = 140 }}\n[printer]\n"
    );
    let c = Config::parse(Path::new("t"), &text).expect("parse");
    let buzzer = c.buzzer.clone().expect("buzzer");
    assert_eq!((buzzer.chip.to_str(), buzzer.line, buzzer.active_low), (Some("/dev/gpiochip0"), 5, false));
    let voice = c.voice.clone().expect("voice");
    assert_eq!((voice.enabled, voice.volume, voice.speed), (true, 120, 140));
    let back = Config::parse(Path::new("t"), &toml::to_string(&c).expect("serialise")).expect("round trip");
    assert_eq!((back.buzzer, back.voice), (c.buzzer, c.voice));
    let typo = text.replace("line = 5", "lin = 5");
    assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
}

#[test]
fn the_operators_section_lists_what_needs_a_supervisor_and_defaults_to_sign_in() {
    use crate::core::Action;
    let head = "version = 1\nshop_name = \"小店\"\n[printer]\n";
    let c = Config::parse(Path::new("t"), head).expect("parse");
    assert_eq!(c.operators.auto_sign_in, None, "a shop's till asks for a sign-in");
    assert_eq!(c.operators.supervisor_for.len(), 5);
    assert!(c.operators.power_off);
    let text = format!("{head}[operators]\nsupervisor_for = [\"refund\", \"close_day\"]\n");
    let c = Config::parse(Path::new("t"), &text).expect("parse");
    assert_eq!(c.operators.supervisor_for, [Action::Refund, Action::CloseDay]);
    let bad = format!("{head}[operators]\nsupervisor_for = [\"reboot\"]\n");
    assert!(matches!(Config::parse(Path::new("t"), &bad), Err(ConfigError::Parse { .. })));
    let bad = format!("{head}[operators]\nauto_sign_in = \"x\"\n");
    assert!(matches!(Config::parse(Path::new("t"), &bad), Err(ConfigError::Invalid(_))));
    let demo = Config::demo(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
    assert_eq!((demo.operators.auto_sign_in.as_deref(), demo.operators.power_off), (Some("01"), false));
}

#[test]
fn one_export_dir_serves_every_export_and_the_default_is_the_usb_mount() {
    let head = "version = 1\nshop_name = \"小店\"\n";
    let c = Config::parse(Path::new("t"), &format!("{head}[printer]\n")).expect("parse");
    assert_eq!(c.export_dir(), Path::new("/media/usb"));
    let c = Config::parse(Path::new("t"), &format!("{head}export_dir = \"/mnt/stick\"\n[printer]\n")).expect("parse");
    assert_eq!(c.export_dir(), Path::new("/mnt/stick"));
    assert_eq!(c.operators.export_dir, None);
    // Serialised and read back, it stays the same.
    let back = Config::parse(Path::new("t"), &toml::to_string(&c).expect("serialise")).expect("round trip");
    assert_eq!(back.export_dir(), Path::new("/mnt/stick"));
    let demo = Config::demo(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
    assert_eq!(demo.export_dir(), Path::new("/media/usb"));
}

#[test]
fn an_older_files_operators_export_dir_is_still_read_when_the_top_level_one_is_absent() {
    let head = "version = 1\nshop_name = \"小店\"\n[printer]\n";
    let old = format!("{head}[operators]\nexport_dir = \"/mnt/usb\"\n");
    let c = Config::parse(Path::new("t"), &old).expect("an older till.toml still parses");
    assert_eq!(c.export_dir(), Path::new("/mnt/usb"), "the old key is used");
    assert_eq!(c.operators.export_dir.as_deref(), Some("/mnt/usb"), "and kept for the deprecation line");
    let both = "version = 1\nshop_name = \"x\"\nexport_dir = \"/media/stick\"\n[printer]\n[operators]\nexport_dir = \"/mnt/usb\"\n";
    let c = Config::parse(Path::new("t"), both).expect("parse");
    assert_eq!(c.export_dir(), Path::new("/media/stick"), "the top-level key wins");
    c.log_deprecations();
}

#[test]
fn the_documented_example_config_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/till.example.toml");
    let c = Config::load(&path).expect("docs/till.example.toml parses");
    assert_eq!((c.export_dir(), &c.operators.export_dir), (PathBuf::from("/media/usb"), &None), "one key, not two");
    assert_eq!(c.cloudpay.base_urls.len(), 4);
    assert_eq!(c.settings().order_prefix, "01000052");
    assert_eq!(c.buzzer.map(|b| b.line), Some(5));
    assert_eq!(c.voice.map(|v| v.volume), Some(100));
    assert_eq!(c.held.max_age_hours, 24);
    assert_eq!(c.refund_windows, crate::core::exchange_receipted::RefundWindows::default());
}

#[test]
fn refund_windows_default_to_a_year_and_90_days_and_a_shop_may_set_them() {
    use crate::core::code::Platform;
    use crate::core::exchange_receipted::RefundWindows;
    let c = Config::demo(Lang::En, "/tmp/x".into(), "http://127.0.0.1:1".into());
    let text = toml::to_string(&c).expect("serialise");
    let without: String = text.lines().take_while(|l| *l != "[refund_windows]").collect::<Vec<_>>().join("\n");
    let back = Config::parse(Path::new("t"), &format!("{without}\n")).expect("parse");
    assert_eq!((back.refund_windows.days(Platform::WeChat), back.refund_windows.days(Platform::Alipay)), (365, 90));
    let set = format!("{without}\n[refund_windows]\nalipay_days = 365\n");
    let back = Config::parse(Path::new("t"), &set).expect("parse");
    assert_eq!(back.refund_windows, RefundWindows { wechat_days: 365, alipay_days: 365 });
    for bad in ["wechat_days = 0", "alipay_days = 366"] {
        let text = format!("{without}\n[refund_windows]\n{bad}\n");
        let err = Config::parse(Path::new("t"), &text).expect_err(bad).to_string();
        assert!(err.contains("refund_windows.") && err.contains("1..=365"), "{bad}: {err}");
    }
    let typo = format!("{without}\n[refund_windows]\nalipay = 365\n");
    assert!(matches!(Config::parse(Path::new("t"), &typo), Err(ConfigError::Parse { .. })));
}

#[test]
fn held_sales_grow_old_after_the_shops_hours_default_24_never_0() {
    let c = Config::demo(Lang::Zh, "/tmp/x".into(), "http://127.0.0.1:1".into());
    assert_eq!(c.held.max_age_hours, 24, "the default");
    let text = toml::to_string(&c).expect("serialise");
    let with = |hours: &str| {
        let text = text.replace("[held]\nmax_age_hours = 24", &format!("[held]\nmax_age_hours = {hours}"));
        Config::parse(Path::new("till.toml"), &text)
    };
    assert_eq!(with("6").expect("parses").held.max_age_hours, 6);
    assert!(matches!(with("0"), Err(ConfigError::Invalid(m)) if m.contains("held.max_age_hours")));
}
