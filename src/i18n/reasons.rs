//! Why a payment or a refund did not go through, in shop words: the till's own reasons
//! (`core::reasons`) say what happened to the customer's money and what to do; a platform's own
//! words (e.g. "余额不足", "insufficient balance") are shown as the platform gave them.

use crate::core::{Failure, Lang, PrintFailure, SaveFailure};

/// `reason` (as kept on the order's record) as the cashier is told it.
pub fn reason(lang: Lang, reason: &str) -> String {
    failure(lang, &Failure::from_text(reason))
}

/// A failure's kind in shop words; a platform's own words are shown as it gave them.
pub fn failure(lang: Lang, failure: &Failure) -> String {
    let zh = lang == Lang::Zh;
    let said = match failure {
        Failure::Declined(words) => return words.clone(),
        Failure::NotFoundNotCharged if zh => "顾客的钱没有扣",
        Failure::NotFoundNotCharged => "the customer was not charged",
        Failure::RestartedDuringPayment if zh => "收银机在收款时重启了，正在核实顾客是否已付",
        Failure::RestartedDuringPayment => {
            "the till restarted while taking the payment: checking whether the customer paid"
        }
        Failure::CannotCancel if zh => "这笔付款无法撤销，正在核实结果",
        Failure::CannotCancel => "this payment cannot be called off: checking the result",
        Failure::NoSuchRefund if zh => "没有退钱给顾客",
        Failure::NoSuchRefund => "nothing was given back to the customer",
        Failure::RestartedDuringRefund if zh => "收银机在退款时重启了，正在核实是否已退",
        Failure::RestartedDuringRefund => "the till restarted during the refund: checking whether it went through",
        Failure::TakenNotCharged if zh => "单号与另一笔订单重复，这位顾客没有被扣款",
        Failure::TakenNotCharged => "the order number was another sale's: this customer was not charged",
        Failure::NotSent | Failure::NotSaved if zh => "没有发出（网络不通或保存失败），钱没有动",
        Failure::NotSent | Failure::NotSaved => "not sent (no connection, or it could not be saved): no money moved",
        Failure::NoResultInTime if zh => "等了很久没有结果，正在撤销这笔付款",
        Failure::NoResultInTime => "no answer in time: calling the payment off",
        Failure::Timeout if zh => "支付平台没有及时回复，结果未知，正在核实",
        Failure::Timeout => "no answer in time: result unknown, checking",
        Failure::Network if zh => "网络中途断开，结果未知，正在核实",
        Failure::Network => "the connection broke: result unknown, checking",
        Failure::PlatformError if zh => "支付平台出错，结果未知，正在核实",
        Failure::PlatformError => "the payment service had an error: result unknown, checking",
        Failure::BadAnswer if zh => "支付平台的回复无法读取，结果未知，正在核实",
        Failure::BadAnswer => "the answer could not be read: result unknown, checking",
        Failure::BadSignature if zh => "回复的签名不对，不能采信，正在核实",
        Failure::BadSignature => "the answer's signature is wrong: not trusted, checking",
        Failure::NotSetUp if zh => "收款还没有设置好：请扫商户的配置码",
        Failure::NotSetUp => "payments are not set up yet: scan the merchant's configuration code",
        Failure::NotActivated if zh => "收款设备未激活：请技术员运行 till activate 激活",
        Failure::NotActivated => "this till is not activated for payments: a technician runs till activate",
        Failure::TillFault if zh => "收银机没能发出请求，钱没有动",
        Failure::TillFault => "the till could not make the request: no money moved",
        Failure::NumberTaken if zh => "单号已被另一笔订单使用，正在核实",
        Failure::NumberTaken => "the order number is another order's: checking",
        Failure::QrCancelledByCashier if zh => "收款码已取消，正在关闭",
        Failure::QrCancelledByCashier => "the QR was cancelled: closing it",
        Failure::QrExpired if zh => "收款码已过期，正在关闭",
        Failure::QrExpired => "the QR expired: closing it",
        Failure::QrNoTrustedAnswer if zh => "支付平台的回复不可信，收款码正在关闭",
        Failure::QrNoTrustedAnswer => "no trusted answer for the QR: closing it",
    };
    said.to_string()
}

/// Why something was not saved, in shop words (the store's own error is in the log).
pub fn save_failure(lang: Lang, why: SaveFailure) -> &'static str {
    let zh = lang == Lang::Zh;
    match why {
        SaveFailure::Disk if zh => "存储卡写入出错，请联系店长",
        SaveFailure::Disk => "the till's storage would not take it: call the manager",
        SaveFailure::Damaged if zh => "收银记录文件损坏，请联系技术员",
        SaveFailure::Damaged => "the till's records are damaged: call the technician",
        SaveFailure::NumberTaken if zh => "订单号已属于另一笔订单，未保存",
        SaveFailure::NumberTaken => "the order number is another order's: not saved",
        SaveFailure::TillFault if zh => "收银机内部出错，请重试或联系技术员",
        SaveFailure::TillFault => "the till had an internal fault: try again or call the technician",
    }
}

/// Why a receipt was not printed, in shop words (the printer's own error is in the log).
pub fn print_failure(lang: Lang, why: PrintFailure) -> &'static str {
    let zh = lang == Lang::Zh;
    match why {
        PrintFailure::NotAvailable if zh => "打印机没有连接或没开",
        PrintFailure::NotAvailable => "the printer is not connected or is off",
        PrintFailure::Interrupted if zh => "打印中途断开",
        PrintFailure::Interrupted => "printing stopped part-way",
        PrintFailure::Stuck if zh => "打印机卡住了",
        PrintFailure::Stuck => "the printer is stuck",
        PrintFailure::PaperOut if zh => "打印机没纸了",
        PrintFailure::PaperOut => "the printer is out of paper",
        PrintFailure::CoverOpen if zh => "打印机盖子没关好",
        PrintFailure::CoverOpen => "the printer's cover is open",
        PrintFailure::Offline if zh => "打印机报错（可能卡纸或过热）",
        PrintFailure::Offline => "the printer reports an error (paper jam or too hot)",
        PrintFailure::NoAnswer if zh => "打印机没有响应（可能没开）",
        PrintFailure::NoAnswer => "the printer does not answer (is it on?)",
        PrintFailure::QueueFull if zh => "待打印的小票太多",
        PrintFailure::QueueFull => "too many receipts are waiting",
        PrintFailure::NothingToPrint if zh => "没有这张小票可打印",
        PrintFailure::NothingToPrint => "there is no receipt to print for it",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::code::Platform;
    use crate::core::notice::Notice;
    use crate::core::reasons as r;

    #[test]
    fn every_save_and_print_failure_is_said_in_both_languages_in_shop_words() {
        use strum::VariantArray;
        let said = SaveFailure::VARIANTS
            .iter()
            .map(|&k| (save_failure(Lang::Zh, k), save_failure(Lang::En, k)))
            .chain(PrintFailure::VARIANTS.iter().map(|&k| (print_failure(Lang::Zh, k), print_failure(Lang::En, k))));
        for (zh, en) in said {
            assert!(!zh.is_ascii(), "not in Chinese: {zh}");
            assert!(en.is_ascii() && !en.is_empty(), "{en}");
            for log_word in ["redb", "error:", "os error", "/dev/", "bytes"] {
                assert!(!en.contains(log_word), "{en}");
            }
        }
    }

    #[test]
    fn every_failure_kind_is_said_in_both_languages_and_never_in_the_logs_words() {
        for kind in Failure::KINDS {
            let (zh, en) = (failure(Lang::Zh, &kind), failure(Lang::En, &kind));
            assert!(!zh.is_ascii(), "{kind:?} is not in Chinese: {zh}");
            assert!(en.is_ascii() && !en.is_empty(), "{kind:?}: {en}");
            assert_ne!(en, kind.text(), "{kind:?} is said as the record keeps it");
        }
        assert_eq!(failure(Lang::Zh, &Failure::Declined("余额不足".into())), "余额不足");
    }

    #[test]
    fn the_tills_own_reasons_are_said_in_shop_words_and_a_platforms_are_kept() {
        for own in [
            r::NOT_FOUND_NOT_CHARGED,
            r::TAKEN_NOT_CHARGED,
            r::RESTARTED_DURING_PAYMENT,
            r::CANNOT_CANCEL,
            r::NO_SUCH_REFUND,
            r::RESTARTED_DURING_REFUND,
            "not sent: the order could not be saved",
            "no result after 45 s: cancelling",
            "this number belongs to an earlier payment, not this one: not charged under it",
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let said = reason(lang, own);
                assert_ne!(said, own, "{lang:?}: {own} is said as it is kept");
                assert!(!said.contains("platform"), "{lang:?}: {said}");
            }
            assert!(!reason(Lang::Zh, own).is_ascii(), "{own} is not in Chinese");
        }
        assert_eq!(
            crate::i18n::notice(
                Lang::En,
                &Notice::PaymentDeclined { platform: Platform::WeChat, reason: r::NOT_FOUND_NOT_CHARGED.into() }
            ),
            "WeChat Pay did not go through: the customer was not charged. Scan again or take cash"
        );
        assert_eq!(
            crate::i18n::notice(
                Lang::Zh,
                &Notice::PaymentDeclined { platform: Platform::WeChat, reason: r::NOT_FOUND_NOT_CHARGED.into() }
            ),
            "微信支付未成功：顾客的钱没有扣。请重新扫码或收现金"
        );
        assert_eq!(reason(Lang::Zh, "余额不足"), "余额不足");
    }
}
