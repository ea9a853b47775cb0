//! Other tills' orders' words (其他收银机的订单), in Simplified Chinese and English.

use crate::core::Lang;
use crate::core::foreign::ForeignNotice;

pub fn foreign_notice(lang: Lang, n: &ForeignNotice) -> String {
    use ForeignNotice as N;
    match (lang, n) {
        (Lang::Zh, N::OtherTills { till }) => format!("这是{till}的订单（经后台查到），可在本机退款"),
        (Lang::En, N::OtherTills { till }) => format!("{till}'s sale, seen through the back office: refund it here"),
        (Lang::Zh, N::Unseen) => "看不到其他收银机的订单（后台连不上）".into(),
        (Lang::En, N::Unseen) => "Can't see other tills' sales (back office unreachable)".into(),
        (Lang::Zh, N::Holding { amount }) => format!("正在向后台登记现金退款 {amount}元……"),
        (Lang::En, N::Holding { amount }) => format!("Checking the {amount} yuan cash refund with the back office…"),
        (Lang::Zh, N::NotHeld { refundable }) => format!("后台不同意：其他收银机已退过，最多还能退 {refundable}元"),
        (Lang::En, N::NotHeld { refundable }) => {
            format!("Back office: refunded at another till, {refundable} yuan left at most")
        }
    }
}
