//! Whole-screen snapshots (80×24, Chinese and English) of a configuration code's confirmation: the
//! Wi-Fi network's name, the new merchant and shop beside the current ones, and the supervisor's
//! PIN asked for now; and the permanent warning of an insecure platform link.

mod common;

use common::*;
use till::core::configure::{ConfigChange, Merchant, ScannedCode};
use till::core::{Lang, Msg, Screen};

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

fn snapshot(name: &str, lang: &str, till: &Till) {
    keys::check_keys(&till.state);
    insta::assert_snapshot!(format!("{name}_{lang}"), screen_text(&till.render()));
}

fn merchant(sub: &str, shop: &str) -> Merchant {
    Merchant {
        mch_id: "sz01SimMchA1b2C3d4E5".into(),
        sub_mch_id: sub.into(),
        shop_id: "sz01Shop".into(),
        shop_name: shop.into(),
    }
}

#[test]
fn a_wifi_code_names_the_network_and_asks_for_the_supervisor_pin() {
    let code = "WIFI:T:WPA;S:Corner Shop 5G;P:secret123;;";
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.scan(code);
        till.send(Msg::ConfigOffer(ConfigChange::Wifi {
            ssid: "Corner Shop 5G".into(),
            code: ScannedCode(code.into()),
        }));
        assert!(matches!(till.state.screen, Screen::Confirm(_)));
        let text = screen_text(&till.render());
        assert!(text.contains("Corner Shop 5G") && !text.contains("secret123"), "{text}");
        snapshot("confirm_wifi", l, &till);
    }
}

#[test]
fn a_set_up_code_names_the_new_merchant_and_shop_beside_the_current_ones() {
    for (lang, l) in LANGS {
        let mut till = Till::new(lang);
        till.scan("https://pay.qcloud.com/cpay/use_device_setting?osi=sz01Shop&si=abc");
        let current = Some(merchant("sz01SimSubF6g7H8i9J0", ""));
        let new = merchant("sz01OtherSub9Z8Y7", "隔壁水果店");
        till.send(Msg::ConfigOffer(ConfigChange::Platform { current, new }));
        let text = screen_text(&till.render());
        assert!(text.contains("sz01OtherSub9Z8Y7") && text.contains("sz01SimSubF6g7H8i9J0"), "{text}");
        assert!(text.contains("隔壁水果店"), "{text}");
        snapshot("confirm_setup", l, &till);
    }
}

#[test]
fn an_insecure_platform_link_is_warned_on_the_status_line() {
    for (lang, l) in LANGS {
        let till = Till::new(lang);
        let status = till::ui::Status { insecure_link: Some("dct.semoor.cn".into()), ..status() };
        let text = screen_text(&render_with(&till.state, &status, 80, 24));
        let warning = if lang == Lang::En { "Insecure platform link" } else { "支付平台连接不安全" };
        assert!(text.contains(warning) && text.contains("dct.semoor.cn"), "{text}");
        insta::assert_snapshot!(format!("insecure_link_{l}"), text);
    }
}

#[test]
fn a_clock_the_back_office_refuses_is_shown_on_the_status_line_with_the_unsynced_count() {
    for (lang, _) in LANGS {
        let till = Till::new(lang);
        let off = till::ui::Status { clock_off: true, unsynced: 3, ..status() };
        let text = screen_text(&render_with(&till.state, &off, 80, 24));
        let (warning, unsynced) = if lang == Lang::En {
            ("Clock wrong: set the time", "Unsynced 3")
        } else {
            ("时钟不准，请校时", "未同步 3")
        };
        assert!(text.contains(warning) && text.contains(unsynced), "{text}");
        let plain = screen_text(&render_with(&till.state, &status(), 80, 24));
        assert!(!plain.contains(warning), "{plain}");
    }
}

#[test]
fn a_release_waiting_in_the_maintenance_menu_is_hinted_quietly_on_the_status_line() {
    for (lang, _) in LANGS {
        let till = Till::new(lang);
        let waiting = till::ui::Status { upgrade_waiting: Some("0.3.0".into()), unsynced: 3, ..status() };
        let text = screen_text(&render_with(&till.state, &waiting, 80, 24));
        let hint = if lang == Lang::En {
            "Upgrade waiting (maintenance): 0.3.0"
        } else {
            "有新版本待安装（维护菜单） 0.3.0"
        };
        assert!(text.contains(hint), "{text}");
        let unsynced = if lang == Lang::En { "Unsynced 3" } else { "未同步 3" };
        assert!(text.contains(unsynced) && text.contains("USB OK"), "the rest of the line stays: {text}");
    }
}
