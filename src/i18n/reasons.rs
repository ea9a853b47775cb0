//! Why a payment or a refund did not go through, in shop words: the till's own reasons
//! (`core::reasons`) say what happened to the customer's money and what to do; a platform's own
//! words (e.g. "余额不足", "insufficient balance") are shown as the platform gave them.

use crate::core::Lang;
use crate::core::reasons as r;

/// `reason` as the cashier is told it.
pub fn reason(lang: Lang, reason: &str) -> String {
    let zh = lang == Lang::Zh;
    let said = match reason {
        r::NOT_FOUND_NOT_CHARGED if zh => "顾客的钱没有扣",
        r::NOT_FOUND_NOT_CHARGED => "the customer was not charged",
        r::RESTARTED_DURING_PAYMENT if zh => "收银机在收款时重启了，正在核实顾客是否已付",
        r::RESTARTED_DURING_PAYMENT => {
            "the till restarted while taking the payment: checking whether the customer paid"
        }
        r::CANNOT_CANCEL if zh => "这笔付款无法撤销，正在核实结果",
        r::CANNOT_CANCEL => "this payment cannot be called off: checking the result",
        r::NO_SUCH_REFUND if zh => "没有退钱给顾客",
        r::NO_SUCH_REFUND => "nothing was given back to the customer",
        r::RESTARTED_DURING_REFUND if zh => "收银机在退款时重启了，正在核实是否已退",
        r::RESTARTED_DURING_REFUND => "the till restarted during the refund: checking whether it went through",
        _ if reason.ends_with("not charged under it") && zh => "单号与另一笔订单重复，这位顾客没有被扣款",
        _ if reason.ends_with("not charged under it") => {
            "the order number was another sale's: this customer was not charged"
        }
        _ if reason.starts_with(r::NOT_SENT) && zh => "没有发出（网络不通或保存失败），钱没有动",
        _ if reason.starts_with(r::NOT_SENT) => "not sent (no connection, or it could not be saved): no money moved",
        _ if reason.starts_with(r::NO_RESULT_AFTER) && zh => "等了很久没有结果，正在撤销这笔付款",
        _ if reason.starts_with(r::NO_RESULT_AFTER) => "no answer in time: calling the payment off",
        _ => return reason.to_string(),
    };
    said.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::code::Platform;
    use crate::core::notice::Notice;

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
