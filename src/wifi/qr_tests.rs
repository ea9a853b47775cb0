use super::*;
use crate::wifi::{Secret, Security, WifiNetwork, WpaMode};

fn ok(code: &str) -> WifiNetwork {
    parse_wifi_qr(code).unwrap_or_else(|e| panic!("{code:?}: {e}"))
}

fn passphrase(n: &WifiNetwork) -> &str {
    match &n.security {
        Security::Wpa { secret: Secret::Passphrase(p), .. } => p,
        other => panic!("not a passphrase: {other:?}"),
    }
}

#[test]
fn the_usual_phone_code_reads_in_any_field_order() {
    for code in ["WIFI:T:WPA;S:小店WiFi;P:12345678;H:true;;", "WIFI:H:true;P:12345678;S:小店WiFi;T:WPA;;"] {
        let n = ok(code);
        assert_eq!(n.ssid, "小店WiFi");
        assert_eq!(passphrase(&n), "12345678");
        assert!(n.hidden);
        assert!(matches!(n.security, Security::Wpa { mode: WpaMode::Any, .. }));
    }
    assert!(!ok("WIFI:S:a;T:WPA;P:12345678;H:false;;").hidden);
}

#[test]
fn zxings_published_examples() {
    let open = ok("WIFI:S:NoPassword;P:;T:;;");
    assert_eq!((open.ssid.as_str(), &open.security), ("NoPassword", &Security::Open));
    assert_eq!(ok("WIFI:S:No Password;P:;T:;;").ssid, "No Password");
    assert_eq!(ok("WIFI:S:TenChars;P:0123456789;T:WEP;;").security, Security::Wep("0123456789".into()));
    assert_eq!(ok("WIFI:S:TenChars;P:abcde56789;T:WEP;;").security, Security::Wep("abcde56789".into()));
    assert_eq!(ok("WIFI:S:Ten\\;\\;Chars;P:0123456789;T:WEP;;").ssid, "Ten;;Chars");
    assert_eq!(ok("WIFI:S:Ten\\:\\:Chars;P:0123456789;T:WEP;;").ssid, "Ten::Chars");
    assert_eq!(passphrase(&ok("WIFI:S:TenChars;P:space is silent;T:WPA;;")), "space is silent");
    assert_eq!(passphrase(&ok("WIFI:T:WPA;S:test;P:my_password\\\\;;")), "my_password\\");
    // ZXing's `P:\"abcd\"` is `"abcd"`: 6 characters, too short for WPA; escaped quotes are kept.
    assert_eq!(parse_wifi_qr("WIFI:T:WPA;S:test;P:\\\"abcd\\\";;"), Err(WifiQrError::PasswordLength(6)));
    assert_eq!(passphrase(&ok("WIFI:T:WPA;S:test;P:\\\"abcdefgh\\\";;")), "\"abcdefgh\"");
    // ZXing keeps unescaped enclosing quotes ("foo;bar\baz" with quotes); this parser follows
    // ZXing's writer advice instead (quotes enclose a name that looks like hex) and drops them.
    assert_eq!(ok("WIFI:T:WPA;S:\"foo\\;bar\\\\baz\";P:12345678;;").ssid, "foo;bar\\baz");
    // ZXing accepts these; a till cannot join them.
    assert_eq!(parse_wifi_qr("WIFI:S:TenChars;P:wow;T:WPA;;"), Err(WifiQrError::PasswordLength(3)));
    assert_eq!(parse_wifi_qr("WIFI:T:WPA;S:My_WiFi_SSID;P:abc123/;;"), Err(WifiQrError::PasswordLength(7)));
    assert_eq!(parse_wifi_qr("WIFI:S:TenChars;P:hellothere;T:WEP;;"), Err(WifiQrError::BadWepKey));
    assert_eq!(parse_wifi_qr("WIFI:T:WPA;S:\"foo\\;bar\\\\baz\";;"), Err(WifiQrError::NoPassword));
}

#[test]
fn routers_that_escape_more_characters_still_read() {
    let n = ok("WIFI:T:WPA2;S:Caf\\é\\-\\ 2\\,4G;P:pa\\$\\$w\\,o\\:rd\\!;;");
    assert_eq!(n.ssid, "Café- 2,4G");
    assert_eq!(passphrase(&n), "pa$$w,o:rd!");
    assert_eq!(passphrase(&ok("wifi:t:wpa;s:x;p:12345678;;")), "12345678", "lower-case keys");
    assert_eq!(ok("WIFI:S:x;T:WPA;P:12345678;").ssid, "x", "one closing ; only");
    assert_eq!(ok("  WIFI:S:x;T:nopass;;\r\n").security, Security::Open, "scanner's CR/LF");
    assert_eq!(passphrase(&ok("WIFI:S:x;P:12345678;;")), "12345678", "T: left out but a password given");
}

#[test]
fn the_wpa3_form_is_percent_decoded_and_honours_transition_disable() {
    let n = ok("WIFI:T:SAE;S:caf%C3%A9%3Bbar;P:pa%3Bss%25word;;");
    assert_eq!(n.ssid, "café;bar");
    assert_eq!(passphrase(&n), "pa;ss%word");
    assert!(matches!(n.security, Security::Wpa { mode: WpaMode::Wpa3Only, .. }));
    let n = ok("WIFI:T:WPA;R:1;S:MyNet;I:alice;P:secret%5Cpass;K:MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgAD;;");
    assert!(matches!(n.security, Security::Wpa { mode: WpaMode::Wpa3Only, .. }), "R: bit 0 = WPA3 only");
    assert_eq!(passphrase(&n), "secret\\pass", "no backslash escapes in the WPA3 form");
    assert_eq!(n.sae_password_id.as_deref(), Some("alice"));
    assert!(n.sae_public_key.is_some());
    let n = ok("WIFI:T:WPA;R:2;S:MyNet;P:12345678;;");
    assert!(matches!(n.security, Security::Wpa { mode: WpaMode::Any, .. }), "R: bit 1 is SAE-PK");
    // Without a WPA3-only field a % is literal (ZXing form).
    assert_eq!(passphrase(&ok("WIFI:T:WPA;S:x;P:100%25off!;;")), "100%25off!");
    assert_eq!(parse_wifi_qr("WIFI:T:SAE;S:x;P:bad%zzpass;;"), Err(WifiQrError::BadPercent));
    assert_eq!(parse_wifi_qr("WIFI:T:SAE;S:x;P:%FF%FEpassword;;"), Err(WifiQrError::BadPercent));
    assert_eq!(parse_wifi_qr("WIFI:T:WPA;R:xyz;S:x;P:12345678;;"), Err(WifiQrError::BadTransitionDisable));
    let psk = "ab".repeat(32);
    assert_eq!(parse_wifi_qr(&format!("WIFI:T:SAE;S:x;P:{psk};;")), Err(WifiQrError::SaeNeedsPassphrase));
}

#[test]
fn hex_looking_passwords() {
    let psk = "0123456789abcdef".repeat(4);
    match ok(&format!("WIFI:T:WPA;S:x;P:{psk};;")).security {
        Security::Wpa { secret: Secret::Psk(k), .. } => assert_eq!(hex::encode(k), psk),
        other => panic!("64 hex digits are the key: {other:?}"),
    }
    let hexish = "0123456789abcdef".repeat(3);
    assert_eq!(passphrase(&ok(&format!("WIFI:T:WPA;S:x;P:{hexish};;"))), hexish, "48 hex digits: a passphrase");
    let sixty_four = "g".repeat(64);
    assert_eq!(parse_wifi_qr(&format!("WIFI:T:WPA;S:x;P:{sixty_four};;")), Err(WifiQrError::BadPsk));
    let long = "p".repeat(65);
    assert_eq!(parse_wifi_qr(&format!("WIFI:T:WPA;S:x;P:{long};;")), Err(WifiQrError::PasswordLength(65)));
    assert_eq!(passphrase(&ok("WIFI:T:WPA;S:x;P:密码密码密码;;")), "密码密码密码", "UTF-8: 18 bytes");
}

#[test]
fn ssid_limits() {
    let max = "s".repeat(32);
    assert_eq!(ok(&format!("WIFI:S:{max};;")).ssid, max);
    let over = "s".repeat(33);
    assert_eq!(parse_wifi_qr(&format!("WIFI:S:{over};;")), Err(WifiQrError::SsidTooLong(33)));
    assert_eq!(parse_wifi_qr("WIFI:S:一二三四五六七八九十一;;"), Err(WifiQrError::SsidTooLong(33)), "bytes count");
    assert_eq!(parse_wifi_qr("WIFI:T:WPA;P:12345678;;"), Err(WifiQrError::NoSsid));
    assert_eq!(parse_wifi_qr("WIFI:S:;;"), Err(WifiQrError::NoSsid));
}

#[test]
fn hostile_and_broken_codes_are_refused_with_a_reason() {
    let cases: &[(&str, WifiQrError)] = &[
        ("https://example.com", WifiQrError::NotWifi),
        ("WIFI:S:x\nnetwork={;T:nopass;;", WifiQrError::ControlChar("network name")),
        ("WIFI:S:x;T:WPA;P:12345678\n}\nnetwork={;;", WifiQrError::ControlChar("password")),
        ("WIFI:S:a\0b;;", WifiQrError::ControlChar("network name")),
        ("WIFI:S:x;T:WPA;P:12345678", WifiQrError::Truncated),
        ("WIFI:S:x;T:WPA;P:1234567\\", WifiQrError::Truncated),
        ("WIFI:S:x;S:y;T:nopass;;", WifiQrError::Repeated("S".into())),
        ("WIFI:S:x;T:WPA2-EAP;E:PEAP;I:user;P:12345678;;", WifiQrError::Enterprise),
        ("WIFI:S:x;T:WPA;E:TTLS;P:12345678;;", WifiQrError::Enterprise),
        ("WIFI:S:x;T:ROT13;P:12345678;;", WifiQrError::UnknownSecurity("ROT13".into())),
        ("WIFI:S:x;T:WPA;;", WifiQrError::NoPassword),
    ];
    for (code, want) in cases {
        assert_eq!(parse_wifi_qr(code).as_ref().err(), Some(want), "{code:?}");
    }
    let lossy = String::from_utf8_lossy(b"WIFI:S:\xd0\xa1\xb5\xea;T:nopass;;").into_owned();
    assert_eq!(parse_wifi_qr(&lossy), Err(WifiQrError::NotText), "GBK bytes through a lossy decoder");
    let huge = format!("WIFI:S:x;P:{};;", "a".repeat(5000));
    assert_eq!(parse_wifi_qr(&huge), Err(WifiQrError::TooLong));
    // Quotes, braces and `#` are ordinary characters; the writers make them harmless.
    let n = ok("WIFI:S:}\"#x;T:WPA;P:\"}#pass{word;;");
    assert_eq!((n.ssid.as_str(), passphrase(&n)), ("}\"#x", "\"}#pass{word"));
}

#[test]
fn every_error_is_one_line_and_secrets_stay_out_of_debug() {
    let errors = [WifiQrError::Truncated, WifiQrError::PasswordLength(3), WifiQrError::UnknownSecurity("x".into())];
    for e in errors {
        let s = e.to_string();
        assert!(!s.is_empty() && !s.contains('\n'), "{s:?}");
    }
    let n = ok("WIFI:T:WPA;S:shop;P:sup3rsecret;;");
    assert!(!format!("{n:?}").contains("sup3rsecret"));
    assert!(is_wifi_qr("wifi:S:x;;") && !is_wifi_qr("WIF") && !is_wifi_qr("微信"));
}
