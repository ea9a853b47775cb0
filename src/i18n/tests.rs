use super::*;

const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

#[test]
fn all_lists_every_text_in_order() {
    for (i, t) in Text::ALL.iter().enumerate() {
        assert_eq!(*t as usize, i, "{t:?} out of order in Text::ALL");
    }
    // Declaration order plus the last variant being listed means nothing is left out.
    assert_eq!(Text::ALL.last(), Some(&Text::ReturnValue));
}

#[test]
fn every_text_is_translated() {
    for lang in LANGS {
        for &t in Text::ALL {
            assert!(!text(lang, t).trim().is_empty(), "{lang:?} {t:?} is empty");
        }
    }
    // The Chinese table is Chinese: no label falls back to the English one, key caps aside.
    for &t in Text::ALL {
        let is_key = format!("{t:?}").starts_with("Key") && t != Text::KeyAny;
        if !is_key {
            assert_ne!(text(Lang::Zh, t), text(Lang::En, t), "{t:?} is not translated");
        }
    }
}

fn every_notice() -> Vec<Notice> {
    let p = Platform::WeChat;
    vec![
        Notice::Starting,
        Notice::Added { name: "可口可乐".into(), qty: 2 },
        Notice::UnknownBarcode { code: "6901234567892".into() },
        Notice::BadCheckDigit { code: "6900138600888".into() },
        Notice::Garbage,
        Notice::NotAnAmount,
        Notice::ZeroAmount,
        Notice::AmountTooLarge,
        Notice::BadQuantity,
        Notice::CartEmpty,
        Notice::NoLineSelected,
        Notice::LineRemoved { name: "可口可乐".into() },
        Notice::NotAPaymentCode,
        Notice::NotEnoughCash { short: Fen(350) },
        Notice::PaymentDeclined { platform: p, reason: "余额不足".into() },
        Notice::Paid { platform: Some(p), amount: Fen(1250) },
        Notice::PaymentInDoubt,
        Notice::Parked { number: "12345678251122010001".into() },
        Notice::BackgroundPaid { number: "12345678251122010001".into(), amount: Fen(1250) },
        Notice::BackgroundNotPaid { number: "12345678251122010001".into(), amount: Fen(1250) },
        Notice::NumbersExhausted,
        Notice::ClockBehind { last_day: 251122 },
        Notice::StoreFailed { why: crate::core::SaveFailure::Disk },
        Notice::PrintFailed { why: crate::core::PrintFailure::PaperOut },
        Notice::Restored { in_doubt: 1 },
        Notice::PaymentCancelled { platform: p },
        Notice::FinishSaleFirst,
        Notice::ScanReceipt,
        Notice::NotAnOrderNumber,
        Notice::OrderNotFound { number: "12345678251122010001".into() },
        Notice::LookupFailed { reason: "timeout".into() },
        Notice::RefundInDoubt,
        Notice::NothingToRefund,
        Notice::ExceedsRefundable { refundable: Fen(1) },
        Notice::Refunding { amount: Fen(1) },
        Notice::RefundAccepted { amount: Fen(1) },
        Notice::Refunded { amount: Fen(1), platform: Some(p) },
        Notice::RefundFailed { amount: Fen(1), reason: "余额不足".into() },
        Notice::SettingUp,
        Notice::SetupDone { shop_name: "幸福便利店".into() },
        Notice::SetupFailed { error: crate::core::SetupFailure::Expired },
        Notice::SetupNotNow,
        Notice::PrintingTestPage,
        Notice::Reprinting,
        Notice::Offline,
        Notice::OfflineTakeCash,
        Notice::BackOnline,
        Notice::ScannerGone,
        Notice::ScaleNotStable,
        Notice::JoiningWifi,
        Notice::WifiJoined { ssid: "ShopNet".into() },
        Notice::WifiFailed { error: crate::core::WifiFailure::WrongPassword },
        Notice::WifiFailed { error: crate::core::WifiFailure::NoAdapter { interface: "wlan0".into() } },
        Notice::WifiFailed { error: crate::core::WifiFailure::ServiceDown },
        Notice::WifiFailed { error: crate::core::WifiFailure::NotConfigured },
        Notice::WifiNotNow,
        Notice::NothingToReprint,
        Notice::Office(crate::core::office::OfficeNotice::DayClosed { number: 1 }),
        Notice::PartPaid { platform: Some(p), amount: Fen(3000), remaining: Fen(2000) },
        Notice::PartAmountSet { amount: Fen(3000) },
        Notice::PartTooLarge { remaining: Fen(2000) },
        Notice::FinishPayment,
        Notice::PaidTwice { platform: p, amount: Fen(3000), number: "12345678251122010001".into() },
        Notice::PaidInParts { amount: Fen(5000), parts: 2 },
        Notice::EnterPrice { name: "鲜花".into() },
        Notice::CashToRefund { amount: Fen(2000) },
        Notice::Auth(crate::core::auth::AuthNotice::SignInFirst),
        Notice::ReturnLimit { left: 2 },
        Notice::QrNotOffered,
        Notice::QrStillPayable { number: "12345678251122010001".into() },
        Notice::QrClockWrong,
        Notice::Held(crate::core::held::HeldNotice::OpenAtClose { numbers: "1, 2".into() }),
        Notice::UnknownReason { code: "vip".into() },
        Notice::DiscountGiven { total: Fen(1250) },
        Notice::Return(crate::core::no_receipt::ReturnNotice::NoGoods),
        Notice::Stock(crate::core::stocktake::StockNotice::NothingToApply),
        Notice::Training(crate::core::training::TrainingNotice::Started),
        Notice::Exchange(crate::core::exchange::ExchangeNotice::NoNewGoods),
        Notice::ReadingConfigCode,
        Notice::ConfigCancelled,
        Notice::MerchantChangeUnresolved { count: 2 },
        Notice::CheckingClock,
        Notice::Member(crate::core::members::MemberNotice::TooLate),
        Notice::StoredValue(crate::core::stored_value::SvNotice::NoMember),
        Notice::Enrol(crate::core::enrol::EnrolNotice::NotNow),
        Notice::Points(crate::core::points_tender::PointsNotice::GivenBack { points: 500 }),
        Notice::Foreign(crate::core::foreign::ForeignNotice::Unseen),
    ]
}

/// Exhaustive on purpose: a new `Notice` variant fails to compile here until it is in `every_notice`.
fn index(n: &Notice) -> usize {
    match n {
        Notice::Starting => 0,
        Notice::Added { .. } => 1,
        Notice::UnknownBarcode { .. } => 2,
        Notice::BadCheckDigit { .. } => 3,
        Notice::Garbage => 4,
        Notice::NotAnAmount => 5,
        Notice::ZeroAmount => 6,
        Notice::AmountTooLarge => 7,
        Notice::BadQuantity => 8,
        Notice::CartEmpty => 9,
        Notice::NoLineSelected => 10,
        Notice::LineRemoved { .. } => 11,
        Notice::NotAPaymentCode => 12,
        Notice::NotEnoughCash { .. } => 13,
        Notice::PaymentDeclined { .. } => 14,
        Notice::Paid { .. } => 15,
        Notice::PaymentInDoubt => 16,
        Notice::Parked { .. } => 17,
        Notice::BackgroundPaid { .. } => 18,
        Notice::BackgroundNotPaid { .. } => 19,
        Notice::NumbersExhausted => 20,
        Notice::StoreFailed { .. } => 21,
        Notice::PrintFailed { .. } => 22,
        Notice::Restored { .. } => 23,
        Notice::PaymentCancelled { .. } => 24,
        Notice::FinishSaleFirst => 25,
        Notice::ScanReceipt => 26,
        Notice::NotAnOrderNumber => 27,
        Notice::OrderNotFound { .. } => 28,
        Notice::LookupFailed { .. } => 29,
        Notice::RefundInDoubt => 30,
        Notice::NothingToRefund => 31,
        Notice::ExceedsRefundable { .. } => 32,
        Notice::Refunding { .. } => 33,
        Notice::RefundAccepted { .. } => 34,
        Notice::Refunded { .. } => 35,
        Notice::RefundFailed { .. } => 36,
        Notice::SettingUp => 37,
        Notice::SetupDone { .. } => 38,
        Notice::SetupFailed { .. } => 39,
        Notice::SetupNotNow => 40,
        Notice::Reprinting => 41,
        Notice::NothingToReprint => 42,
        Notice::JoiningWifi => 43,
        Notice::WifiJoined { .. } => 44,
        Notice::WifiFailed { .. } => 45,
        Notice::WifiNotNow => 46,
        Notice::ScannerGone => 47,
        Notice::Offline => 48,
        Notice::OfflineTakeCash => 49,
        Notice::BackOnline => 50,
        Notice::PrintingTestPage => 51,
        Notice::Office(_) => 52,
        Notice::PartPaid { .. } => 53,
        Notice::PartAmountSet { .. } => 54,
        Notice::PartTooLarge { .. } => 55,
        Notice::FinishPayment => 56,
        Notice::PaidTwice { .. } => 57,
        Notice::PaidInParts { .. } => 58,
        Notice::EnterPrice { .. } => 59,
        Notice::CashToRefund { .. } => 60,
        Notice::Auth(_) => 61,
        Notice::ReturnLimit { .. } => 62,
        Notice::QrNotOffered => 69,
        Notice::QrStillPayable { .. } => 70,
        Notice::QrClockWrong => 71,
        Notice::UnknownReason { .. } => 73,
        Notice::DiscountGiven { .. } => 74,
        Notice::ReadingConfigCode => 63,
        Notice::ConfigCancelled => 64,
        Notice::MerchantChangeUnresolved { .. } => 65,
        Notice::ClockBehind { .. } => 66,
        Notice::CheckingClock => 67,
        Notice::Held(_) => 68,
        Notice::ScaleNotStable => 72,
        Notice::Return(_) => 75,
        Notice::Stock(_) => 76,
        Notice::Training(_) => 77,
        Notice::Exchange(_) => 78,
        Notice::Member(_) => 79,
        Notice::StoredValue(_) => 80,
        Notice::Enrol(_) => 81,
        Notice::Points(_) => 82,
        Notice::Foreign(_) => 83,
    }
}

#[test]
fn every_notice_renders_on_one_line_in_both_languages() {
    let all = every_notice();
    let mut seen: Vec<usize> = all.iter().map(index).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, (0..84).collect::<Vec<_>>(), "every_notice() must list each variant once");
    for lang in LANGS {
        for n in &all {
            let s = notice(lang, n);
            assert!(!s.trim().is_empty(), "{lang:?} {n:?} is empty");
            assert!(!s.contains('\n'), "{lang:?} {n:?} is more than one line");
        }
    }
}

#[test]
fn notices_say_what_the_cashier_needs() {
    let unknown = Notice::UnknownBarcode { code: "6901234567892".into() };
    assert_eq!(notice(Lang::Zh, &unknown), "未知商品条码 6901234567892");
    assert_eq!(notice(Lang::En, &unknown), "Unknown barcode 6901234567892");
    assert_eq!(notice(Lang::Zh, &Notice::ZeroAmount), "金额不能为0");
    assert_eq!(notice(Lang::En, &Notice::ZeroAmount), "Amount must be more than 0.00");
    let added = Notice::Added { name: String::new(), qty: 1 };
    assert!(notice(Lang::Zh, &added).contains(text(Lang::Zh, Text::MiscItem)));
    assert!(notice(Lang::En, &added).contains(text(Lang::En, Text::MiscItem)));
}

#[test]
fn refunds_are_announced_with_the_wallet_and_the_amount() {
    let wechat = Some(Platform::WeChat);
    assert_eq!(refund_announcement(Lang::Zh, wechat, Fen(1)), "微信支付退款成功 0.01元");
    assert_eq!(refund_announcement(Lang::Zh, Some(Platform::Alipay), Fen(1)), "支付宝退款成功 0.01元");
    assert_eq!(refund_announcement(Lang::Zh, None, Fen(450)), "现金退款 4.50元");
    assert_eq!(refund_announcement(Lang::En, wechat, Fen(1)), "Refunded 0.01 yuan (WeChat Pay)");
    assert_eq!(refund_announcement(Lang::En, Some(Platform::Alipay), Fen(1)), "Refunded 0.01 yuan (Alipay)");
    assert_eq!(refund_announcement(Lang::En, None, Fen(450)), "Refunded 4.50 yuan (cash)");
    // The message line says the same as the voice.
    let shown = Notice::Refunded { amount: Fen(1), platform: wechat };
    assert_eq!(notice(Lang::Zh, &shown), "微信支付退款成功 0.01元");
    assert_eq!(notice(Lang::En, &shown), "Refunded 0.01 yuan (WeChat Pay)");
}

#[test]
fn announcements_name_the_tender_and_the_amount() {
    assert_eq!(announcement(Lang::Zh, Some(Platform::WeChat), Fen(1250)), "微信支付收款成功 12.50元");
    assert_eq!(announcement(Lang::Zh, Some(Platform::Alipay), Fen(2)), "支付宝收款成功 0.02元");
    assert_eq!(announcement(Lang::Zh, None, Fen(2000)), "现金收款 20.00元");
    assert_eq!(announcement(Lang::En, Some(Platform::WeChat), Fen(1250)), "WeChat Pay received 12.50 yuan");
    assert_eq!(announcement(Lang::En, Some(Platform::Alipay), Fen(2)), "Alipay received 0.02 yuan");
    assert_eq!(announcement(Lang::En, None, Fen(2000)), "Cash received 20.00 yuan");
}

#[test]
fn the_two_minute_message_is_the_platform_guides_wording() {
    assert_eq!(text(Lang::Zh, Text::CheckAfterTwoMinutes), "通过订单查询确认支付结果或手机端商户管理系统确认支付结果");
    assert_eq!(
        text(Lang::En, Text::CheckAfterTwoMinutes),
        "Confirm the result by order query or in the merchant mobile app"
    );
    assert_eq!(text(Lang::Zh, Text::WaitingPassword), "等待用户输入密码中");
    assert_eq!(text(Lang::Zh, Text::Confirming), "正在确认支付结果…");
}

#[test]
fn platform_names() {
    assert_eq!(platform_name(Lang::Zh, Platform::WeChat), "微信支付");
    assert_eq!(platform_name(Lang::Zh, Platform::Alipay), "支付宝");
    assert_eq!(platform_name(Lang::En, Platform::WeChat), "WeChat Pay");
    assert_eq!(platform_name(Lang::En, Platform::Alipay), "Alipay");
}
