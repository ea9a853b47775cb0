use super::*;
use crate::core::auth::Role;
use crate::core::code::Platform;
use crate::core::maintenance::ITEMS;
use crate::core::money::Fen;

const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

#[test]
fn all_lists_every_label_once_and_both_languages_have_it() {
    let mut seen: Vec<String> = StaffText::ALL.iter().map(|t| format!("{t:?}")).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), StaffText::ALL.len(), "a label is listed twice");
    assert_eq!(StaffText::ALL.last(), Some(&StaffText::ChangePinNext), "a label added at the end is listed");
    for &t in StaffText::ALL {
        for lang in LANGS {
            assert!(!text(lang, t).trim().is_empty(), "{lang:?} {t:?} is empty");
        }
        let key = format!("{t:?}").starts_with("Key");
        if !key {
            assert_ne!(text(Lang::Zh, t), text(Lang::En, t), "{t:?} is not translated");
        }
    }
}

fn every_notice() -> Vec<AuthNotice> {
    let n = || "02".to_string();
    vec![
        AuthNotice::SignInFirst,
        AuthNotice::NotNow,
        AuthNotice::FinishSaleFirst,
        AuthNotice::NoSuchOperator { number: n() },
        AuthNotice::OperatorDisabled { number: n() },
        AuthNotice::NotASupervisor { number: n() },
        AuthNotice::WrongPin { left: 3 },
        AuthNotice::LockedOut { number: n(), minutes: 4 },
        AuthNotice::SignedIn { number: n(), name: "李".into() },
        AuthNotice::SignedOut { number: n() },
        AuthNotice::ChooseNewPin,
        AuthNotice::PinFormat,
        AuthNotice::SamePin,
        AuthNotice::PinsDiffer,
        AuthNotice::PinChanged,
        AuthNotice::SupervisorNeeded { action: Action::Refund },
        AuthNotice::Cancelled,
        AuthNotice::ScreenChanged,
        AuthNotice::SignOutBlocked { unsynced: 3, unresolved: 1 },
        AuthNotice::SignedOutOverride { number: n(), unsynced: 3, unresolved: 1 },
        AuthNotice::LastSupervisor,
        AuthNotice::NotYourself,
        AuthNotice::OperatorSaved { number: n() },
        AuthNotice::PinReset { number: n() },
        AuthNotice::NoFreeNumber,
        AuthNotice::NameEmpty,
        AuthNotice::Exported { path: "/media/usb/x.jsonl".into() },
        AuthNotice::ExportFailed { error: "no such directory".into() },
        AuthNotice::Restarting,
        AuthNotice::PoweringOff,
        AuthNotice::PowerOffDisabled,
        AuthNotice::PowerOffFailed { error: "denied".into() },
        AuthNotice::PinNotAllowed,
        AuthNotice::OwnPinChanged,
        AuthNotice::StaffIdFormat,
    ]
}

/// Exhaustive on purpose: a new variant fails to compile here until it is in `every_notice`.
fn index(n: &AuthNotice) -> usize {
    match n {
        AuthNotice::SignInFirst => 0,
        AuthNotice::NotNow => 1,
        AuthNotice::FinishSaleFirst => 2,
        AuthNotice::NoSuchOperator { .. } => 3,
        AuthNotice::OperatorDisabled { .. } => 4,
        AuthNotice::NotASupervisor { .. } => 5,
        AuthNotice::WrongPin { .. } => 6,
        AuthNotice::LockedOut { .. } => 7,
        AuthNotice::SignedIn { .. } => 8,
        AuthNotice::SignedOut { .. } => 9,
        AuthNotice::ChooseNewPin => 10,
        AuthNotice::PinFormat => 11,
        AuthNotice::SamePin => 12,
        AuthNotice::PinsDiffer => 13,
        AuthNotice::PinChanged => 14,
        AuthNotice::SupervisorNeeded { .. } => 15,
        AuthNotice::Cancelled => 16,
        AuthNotice::ScreenChanged => 17,
        AuthNotice::SignOutBlocked { .. } => 18,
        AuthNotice::SignedOutOverride { .. } => 19,
        AuthNotice::LastSupervisor => 20,
        AuthNotice::NotYourself => 21,
        AuthNotice::OperatorSaved { .. } => 22,
        AuthNotice::PinReset { .. } => 23,
        AuthNotice::NoFreeNumber => 24,
        AuthNotice::NameEmpty => 25,
        AuthNotice::Exported { .. } => 26,
        AuthNotice::ExportFailed { .. } => 27,
        AuthNotice::Restarting => 28,
        AuthNotice::PoweringOff => 29,
        AuthNotice::PowerOffDisabled => 30,
        AuthNotice::PowerOffFailed { .. } => 31,
        AuthNotice::PinNotAllowed => 32,
        AuthNotice::OwnPinChanged => 33,
        AuthNotice::StaffIdFormat => 34,
    }
}

#[test]
fn every_notice_is_one_line_in_both_languages_and_names_its_numbers() {
    let all = every_notice();
    let mut seen: Vec<usize> = all.iter().map(index).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, (0..35).collect::<Vec<_>>(), "every_notice() must list each variant once");
    for lang in LANGS {
        for n in &all {
            let s = notice(lang, n);
            assert!(!s.trim().is_empty() && !s.contains('\n'), "{lang:?} {n:?}: {s:?}");
            // Through the main table too.
            assert_eq!(crate::i18n::notice(lang, &crate::core::notice::Notice::Auth(n.clone())), s);
        }
        let blocked = notice(lang, &AuthNotice::SignOutBlocked { unsynced: 3, unresolved: 1 });
        assert!(blocked.contains('3') && blocked.contains('1'), "{blocked}");
        assert!(notice(lang, &AuthNotice::LockedOut { number: "02".into(), minutes: 4 }).contains('4'));
    }
}

#[test]
fn actions_items_roles_kinds_and_audit_events_are_worded_in_both_languages() {
    let actions = [
        Action::Refund,
        Action::Void,
        Action::Settings,
        Action::CloseDay,
        Action::ManualPrice,
        Action::Maintenance,
        Action::Override,
        Action::DiscardHeld,
        Action::Members,
        Action::StoredValueRefund,
    ];
    let kinds = [
        ScanKind::Product,
        ScanKind::BadCheckDigit,
        ScanKind::Payment(Platform::Alipay),
        ScanKind::OrderNumber,
        ScanKind::Amount,
        ScanKind::WifiCode,
        ScanKind::SetupCode,
        ScanKind::Garbage,
    ];
    let events = [
        AuditEvent::SignedIn,
        AuditEvent::SignInFailed,
        AuditEvent::LockedOut { minutes: 2 },
        AuditEvent::SignedOut,
        AuditEvent::SignOutOverridden { unsynced: 1, unresolved: 0 },
        AuditEvent::PinChanged,
        AuditEvent::SupervisorApproved { action: Action::Refund, supervisor: "01".into() },
        AuditEvent::Refund { order: "N".into(), out_refund_no: "R".into(), amount: Fen(1), approved_by: None },
        AuditEvent::SettingsChanged { what: "Wi-Fi".into() },
        AuditEvent::OperatorAdded { number: "02".into(), role: Role::Cashier },
        AuditEvent::OperatorRenamed { number: "02".into(), name: "Li".into() },
        AuditEvent::RoleChanged { number: "02".into(), role: Role::Supervisor },
        AuditEvent::PinReset { number: "02".into() },
        AuditEvent::OperatorDisabled { number: "02".into(), disabled: true },
        AuditEvent::Maintenance { what: "open".into() },
        AuditEvent::CatalogueImported { file: "catalogue.csv".into(), rows: 12 },
        AuditEvent::PromotionsImported { file: "promotions.csv".into(), rows: 3 },
        AuditEvent::PromotionsFromOffice { version: 4, rows: 3 },
        AuditEvent::UpgradeForced { unsynced: 2, unresolved: 1 },
        AuditEvent::Upgraded { version: "0.2.0".into(), from: "/media/usb/till-0.2.0-aarch64.bundle".into() },
        AuditEvent::StaffIdSet { number: "02".into(), staff_id: Some("1002".into()) },
        AuditEvent::StaffIdSet { number: "02".into(), staff_id: None },
        AuditEvent::TrainingInterrupted { since: crate::core::clock::Millis(0) },
        AuditEvent::MemberSaved { id: "M011796680800".into(), new: true },
        AuditEvent::MemberSaved { id: "M0001".into(), new: false },
    ];
    for lang in LANGS {
        for a in actions {
            assert!(!action(lang, a).is_empty());
        }
        for i in ITEMS {
            assert!(!item(lang, i).is_empty());
        }
        for k in kinds {
            assert!(!scan_kind(lang, k).is_empty());
        }
        for e in &events {
            assert!(!audit_event(lang, e).is_empty());
        }
        assert_ne!(role(lang, Role::Cashier), role(lang, Role::Supervisor));
    }
    assert_ne!(action(Lang::Zh, Action::Refund), action(Lang::En, Action::Refund));
    assert_eq!(size(512), "512 B");
    assert_eq!(size(3 * 1024 * 1024), "3.0 MiB");
}
