use super::*;
use crate::core::csv_problem::CsvProblem;
use crate::core::maintenance::upgrade::UpgradeFailure;

const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

#[test]
fn all_lists_every_label_once_and_both_languages_have_it() {
    let mut seen: Vec<String> = UsbText::ALL.iter().map(|t| format!("{t:?}")).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), UsbText::ALL.len(), "a label is listed twice");
    assert_eq!(UsbText::ALL.last(), Some(&UsbText::DoNotPowerOff), "a label added at the end is listed");
    for &t in UsbText::ALL {
        for lang in LANGS {
            assert!(!text(lang, t).trim().is_empty(), "{lang:?} {t:?} is empty");
        }
        assert_ne!(text(Lang::Zh, t), text(Lang::En, t), "{t:?} is not translated");
    }
}

#[test]
fn every_line_is_one_line_in_both_languages_and_names_its_numbers() {
    let plan = ImportPlan { rows: 41, added: 3, changed: 5, removed: 7, promotions: false };
    let bad_signature = UpgradeFailure::BadSignature;
    let untrusted = UpgradeFailure::UntrustedKey { key: "8a88e3dd7409f195".into() };
    let unreachable = UpgradeFailure::Unreachable { from: "http://x/latest.bundle".into(), reason: "timed out".into() };
    let not_newer = UpgradeFailure::NotNewer { offered: "0.1.0".into(), installed: "0.2.0".into() };
    let other = UpgradeFailure::Other("installing: /var/lib/till/slots/b: disk full".into());
    let price = CsvProblem::Price("abc".into());
    let lines = [
        UsbLine::NoUsb { dir: "/media/usb" },
        UsbLine::NoCsv { dir: "/media/usb" },
        UsbLine::Plan(plan),
        UsbLine::Invalid { file: "catalogue.csv", line: 17, problem: &price },
        UsbLine::Imported { file: "catalogue.csv", rows: 41 },
        UsbLine::ReadFailed { error: "permission denied" },
        UsbLine::NoBundle { dir: "/media/usb" },
        UsbLine::Blocked { unsynced: 2, unresolved: 9 },
        UsbLine::NotUpgraded(&bad_signature),
        UsbLine::NotUpgraded(&untrusted),
        UsbLine::NotUpgraded(&unreachable),
        UsbLine::NotUpgraded(&not_newer),
        UsbLine::NotUpgraded(&other),
        UsbLine::Installed { version: "0.2.0" },
        UsbLine::PromotionsPlan(plan),
        UsbLine::PromotionsImported { file: "promotions.csv", rows: 3 },
    ];
    for lang in LANGS {
        for l in &lines {
            let s = line(lang, l);
            assert!(!s.trim().is_empty() && !s.contains('\n'), "{lang:?} {l:?}: {s:?}");
        }
        let p = line(lang, &UsbLine::Plan(plan));
        assert!(["41", "3", "5", "7"].iter().all(|n| p.contains(n)), "{p}");
        assert!(line(lang, &lines[3]).contains("17"));
        let b = line(lang, &lines[7]);
        assert!(b.contains('2') && b.contains('9'), "{b}");
        assert!(line(lang, &lines[0]).contains("/media/usb"));
    }
    assert_ne!(line(Lang::Zh, &lines[2]), line(Lang::En, &lines[2]));
    for lang in LANGS {
        assert!(line(lang, &UsbLine::NotUpgraded(&untrusted)).contains("8a88e3dd7409f195"));
        let n = line(lang, &UsbLine::NotUpgraded(&not_newer));
        assert!(n.contains("0.1.0") && n.contains("0.2.0"), "{n}");
        assert!(line(lang, &UsbLine::NotUpgraded(&unreachable)).contains("timed out"));
    }
}
