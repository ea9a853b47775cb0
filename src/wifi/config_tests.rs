use super::*;
use crate::wifi::{Secret, Security, WifiNetwork, WpaMode, parse_wifi_qr};

fn net(ssid: &str, pass: &str, mode: WpaMode) -> WifiNetwork {
    WifiNetwork {
        ssid: ssid.into(),
        security: Security::Wpa { secret: Secret::Passphrase(pass.into()), mode },
        hidden: false,
        sae_password_id: None,
        sae_public_key: None,
    }
}

/// wpa_supplicant.conf(5)'s grammar for what these writers emit: `network={`, then tab-indented
/// `key=value` lines whose value is hex, a number/keyword list, or one quoted printable string.
fn assert_wpa_grammar(block: &str) {
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(lines.first(), Some(&"network={"), "{block}");
    assert_eq!(lines.last(), Some(&"}"), "{block}");
    assert_eq!(block.matches('\n').count(), lines.len(), "only the lines' own newlines");
    for line in &lines[1..lines.len() - 1] {
        let (key, value) = line.strip_prefix('\t').and_then(|l| l.split_once('=')).expect("\\tkey=value");
        assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{line}");
        let quoted = value.len() >= 2
            && value.starts_with('"')
            && value.ends_with('"')
            && !value[1..value.len() - 1].contains(['"', '\\']);
        let plain = value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b' ');
        assert!(quoted || plain, "{line}");
        assert!(value.bytes().all(|b| (0x20..0x7f).contains(&b)), "{line}");
    }
}

#[test]
fn psk_derivation_matches_ieee_802_11i_test_vectors() {
    assert_eq!(
        hex::encode(wpa_psk("password", "IEEE")),
        "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e"
    );
    assert_eq!(
        hex::encode(wpa_psk("ThisIsAPassword", "ThisIsASSID")),
        "0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af"
    );
}

#[test]
fn a_usual_network_gives_a_readable_block() {
    let n = parse_wifi_qr("WIFI:T:WPA;S:shop;P:12345678;H:true;;").expect("parse");
    let block = wpa_supplicant_block(&n);
    assert_eq!(
        block,
        "network={\n\tssid=73686f70\n\tscan_ssid=1\n\tkey_mgmt=WPA-PSK WPA-PSK-SHA256 SAE\n\tieee80211w=1\n\
         \tpsk=\"12345678\"\n\tsae_password=3132333435363738\n}\n"
    );
    assert_wpa_grammar(&block);
}

#[test]
fn malicious_names_and_passwords_cannot_inject_lines() {
    let evil = [
        ("x\"\n}\nnetwork={\n\tssid=\"evil", "pa\"ss\nword}"),
        ("}", "\"; rm -rf /; \""),
        ("a\0b", "back\\slash\\\""),
        ("  spaced  ", " leading space"),
        ("#comment", "\u{7f}del char pass"),
    ];
    for (ssid, pass) in evil {
        for mode in [WpaMode::Any, WpaMode::Wpa3Only] {
            let n = net(ssid, pass, mode);
            let block = wpa_supplicant_block(&n);
            assert_wpa_grammar(&block);
            assert!(block.contains(&format!("\tssid={}\n", hex::encode(ssid))));
            if mode == WpaMode::Any {
                assert!(block.contains(&format!("\tpsk={}\n", hex::encode(wpa_psk(pass, ssid)))), "{block}");
            }
            let iwd = iwd_file(&n);
            if mode == WpaMode::Any {
                let iwd = iwd.expect("iwd file");
                assert!(iwd.lines().all(|l| l.starts_with('[') || l.starts_with("PreSharedKey=")), "{iwd}");
            } else {
                assert!(matches!(iwd, Err(WifiError::Unsupported(_))), "WPA3-only needs the passphrase itself");
            }
            assert!(iwd_file_name(&n).expect("name").starts_with('='));
        }
    }
}

#[test]
fn raw_keys_open_and_wep_networks() {
    let key = "0123456789abcdef".repeat(4);
    let n = parse_wifi_qr(&format!("WIFI:T:WPA;S:shop;P:{key};;")).expect("parse");
    let block = wpa_supplicant_block(&n);
    assert!(block.contains(&format!("\tpsk={key}\n")) && !block.contains("SAE"), "{block}");
    assert_eq!(iwd_file(&n).expect("iwd"), format!("[Security]\nPreSharedKey={key}\n"));

    let open = parse_wifi_qr("WIFI:S:Free WiFi;H:true;;").expect("parse");
    assert_eq!(
        wpa_supplicant_block(&open),
        "network={\n\tssid=467265652057694669\n\tscan_ssid=1\n\tkey_mgmt=NONE\n}\n"
    );
    assert_eq!(iwd_file_name(&open).expect("name"), "=467265652057694669.open");
    assert_eq!(iwd_file(&open).expect("iwd"), "[Settings]\nHidden=true\n");

    let wep = parse_wifi_qr("WIFI:T:WEP;S:old;P:abcde;;").expect("parse");
    let block = wpa_supplicant_block(&wep);
    assert!(block.contains("\twep_key0=6162636465\n"), "ASCII WEP keys written as hex: {block}");
    assert_wpa_grammar(&block);
    assert!(matches!(iwd_file_name(&wep), Err(WifiError::Unsupported(_))));
}

#[test]
fn iwd_names_and_passphrases() {
    let n = net("Shop_1-a", "12345678", WpaMode::Any);
    assert_eq!(iwd_file_name(&n).expect("name"), "Shop_1-a.psk");
    assert_eq!(iwd_file(&n).expect("iwd"), "[Security]\nPassphrase=12345678\n");
    let n = net("小店", "12345678", WpaMode::Wpa3Only);
    assert_eq!(iwd_file_name(&n).expect("name"), "=e5b08fe5ba97.psk");
    let mut hidden = n.clone();
    hidden.hidden = true;
    assert_eq!(iwd_file(&hidden).expect("iwd"), "[Security]\nPassphrase=12345678\n[Settings]\nHidden=true\n");
}

#[test]
fn files_are_private_and_the_old_one_stays_until_commit() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("shop.psk");
    std::fs::write(&target, "old").expect("old");
    let staged = Staged::write(&target, "new").expect("stage");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
    assert_eq!(std::fs::metadata(&staged.new).expect("meta").permissions().mode() & 0o777, 0o600);
    staged.discard().expect("discard");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
    Staged::write(&target, "new").expect("stage").commit().expect("commit");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
    assert_eq!(std::fs::metadata(&target).expect("meta").permissions().mode() & 0o777, 0o600);
    let names: Vec<_> = std::fs::read_dir(dir.path()).expect("ls").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
}
