use super::*;
use crate::wifi::parse_wifi_qr;

/// wpa_supplicant played from a script: `status` answers come from `states` in turn (the last
/// repeats); every request is recorded.
struct Scripted {
    states: Mutex<Vec<&'static str>>,
    log: Mutex<Vec<String>>,
    refuse: Option<&'static str>,
}

impl Scripted {
    fn new(states: &[&'static str]) -> Scripted {
        Scripted { states: Mutex::new(states.to_vec()), log: Mutex::new(Vec::new()), refuse: None }
    }
    fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }
}

impl WpaControl for Scripted {
    fn request(&self, args: &[&str]) -> Result<String, WifiError> {
        self.log.lock().expect("log").push(args.join(" "));
        let answer = match args[0] {
            "status" => {
                let mut states = self.states.lock().expect("states");
                let s = if states.len() > 1 { states.remove(0) } else { states[0] };
                s.replace(';', "\n")
            }
            "add_network" => "1".into(),
            cmd if Some(cmd) == self.refuse => "FAIL".into(),
            _ => "OK".into(),
        };
        Ok(answer)
    }
}

fn applier(c: Scripted) -> WpaCliApplier<Scripted> {
    WpaCliApplier { control: c, timeout: Duration::from_millis(30), poll: Duration::ZERO, save: true }
}

fn shop() -> WifiNetwork {
    parse_wifi_qr("WIFI:T:WPA;S:shop;P:12345678;;").expect("parse")
}

#[test]
fn a_working_network_is_kept_and_saved() {
    let a = applier(Scripted::new(&[
        "wpa_state=COMPLETED;id=0;ssid=old",
        "wpa_state=SCANNING",
        "wpa_state=4WAY_HANDSHAKE;id=1",
        "wpa_state=COMPLETED;id=1;ssid=shop",
    ]));
    assert_eq!(a.apply(&shop()).expect("apply"), WifiOutcome::Connected);
    let log = a.control.log();
    assert_eq!(log[1], "add_network");
    assert!(log.contains(&"set_network 1 ssid 73686f70".to_string()));
    assert!(log.contains(&"set_network 1 psk \"12345678\"".to_string()));
    assert!(log.contains(&"select_network 1".to_string()));
    assert_eq!(log[log.len() - 2..], ["enable_network all".to_string(), "save_config".to_string()]);
    assert!(!log.iter().any(|l| l.starts_with("remove_network")));
}

#[test]
fn a_wrong_password_removes_the_new_network_and_reselects_the_old() {
    let a = applier(Scripted::new(&[
        "wpa_state=COMPLETED;id=0;ssid=old",
        "wpa_state=ASSOCIATED;id=1",
        "wpa_state=4WAY_HANDSHAKE;id=1",
        "wpa_state=DISCONNECTED",
    ]));
    assert_eq!(a.apply(&shop()).expect("apply"), WifiOutcome::WrongPassword);
    let log = a.control.log();
    assert_eq!(log[log.len() - 2..], ["remove_network 1".to_string(), "select_network 0".to_string()]);
}

#[test]
fn a_network_never_seen_is_not_found_and_without_an_old_one_all_are_enabled_again() {
    let a = applier(Scripted::new(&["wpa_state=INACTIVE", "wpa_state=SCANNING"]));
    assert_eq!(a.apply(&shop()).expect("apply"), WifiOutcome::NotFound);
    let log = a.control.log();
    assert_eq!(log[log.len() - 2..], ["remove_network 1".to_string(), "enable_network all".to_string()]);
}

#[test]
fn a_refused_setting_is_an_error_and_rolls_back() {
    let mut s = Scripted::new(&["wpa_state=COMPLETED;id=0"]);
    s.refuse = Some("set_network");
    let a = applier(s);
    assert!(matches!(a.apply(&shop()), Err(WifiError::Refused { .. })));
    let log = a.control.log();
    assert_eq!(log[log.len() - 2..], ["remove_network 1".to_string(), "select_network 0".to_string()]);
}

#[test]
fn failures_are_classified_from_the_states_passed() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(classify_failure(&s(&["SCANNING", "DISCONNECTED"]), true), WifiOutcome::NotFound);
    assert_eq!(classify_failure(&s(&["ASSOCIATED", "4WAY_HANDSHAKE"]), true), WifiOutcome::WrongPassword);
    assert_eq!(classify_failure(&s(&["SCANNING", "AUTHENTICATING"]), true), WifiOutcome::WrongPassword, "SAE");
    assert_eq!(classify_failure(&s(&["AUTHENTICATING"]), false), WifiOutcome::Timeout);
    assert_eq!(classify_failure(&s(&["ASSOCIATING"]), true), WifiOutcome::Timeout);
}

#[test]
fn the_fake_records_what_it_was_given() {
    let fake = FakeApplier::new(WifiOutcome::Timeout);
    assert_eq!(fake.apply(&shop()).expect("apply"), WifiOutcome::Timeout);
    assert_eq!(fake.applied.lock().expect("lock")[0].ssid, "shop");
}
