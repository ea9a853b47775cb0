//! The promotion list (促销列表), in Simplified Chinese and English: its labels, and each
//! promotion's kind and window said in the shop's words.

use crate::core::Lang;
use crate::core::pricing::arith::{Bp, WHOLE};
use crate::core::pricing::promo::{Kind, Window};

/// A static label of the promotion list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum PromoText {
    Title,
    Empty,
    ColName,
    ColKind,
    ColWindow,
    ColNow,
    InForce,
    NotNow,
    Always,
    KeyHash,
    HintOpen,
}

impl PromoText {
    /// Every label (strum; the tests check each is translated).
    pub const ALL: &'static [PromoText] = <PromoText as strum::VariantArray>::VARIANTS;
}

pub fn promo_text(lang: Lang, t: PromoText) -> &'static str {
    use PromoText as P;
    match (lang, t) {
        (Lang::Zh, P::Title) => "促销活动",
        (Lang::En, P::Title) => "Promotions",
        (Lang::Zh, P::Empty) => "没有促销活动",
        (Lang::En, P::Empty) => "No promotions",
        (Lang::Zh, P::ColName) => "名称",
        (Lang::En, P::ColName) => "Name",
        (Lang::Zh, P::ColKind) => "优惠",
        (Lang::En, P::ColKind) => "Offer",
        (Lang::Zh, P::ColWindow) => "时间",
        (Lang::En, P::ColWindow) => "When",
        (Lang::Zh, P::ColNow) => "现在",
        (Lang::En, P::ColNow) => "Now",
        (Lang::Zh, P::InForce) => "进行中",
        (Lang::En, P::InForce) => "on",
        (Lang::Zh, P::NotNow) => "未生效",
        (Lang::En, P::NotNow) => "off",
        (Lang::Zh, P::Always) => "长期",
        (Lang::En, P::Always) => "always",
        (Lang::Zh, P::KeyHash) | (Lang::En, P::KeyHash) => "#",
        (Lang::Zh, P::HintOpen) => "促销",
        (Lang::En, P::HintOpen) => "Promos",
    }
}

/// `bp` of a price as 折 (8000 → "8", 8500 → "8.5"); for display only.
fn zhe(pay: Bp) -> String {
    trim(f64::from(pay) / 1000.0)
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn percent(bp: Bp) -> String {
    trim(f64::from(bp) / 100.0)
}

/// What a promotion gives, e.g. "满100.00减10.00" / "spend 100.00, 10.00 off".
pub fn kind(lang: Lang, k: &Kind) -> String {
    match (lang, k) {
        (Lang::Zh, Kind::Special { price }) => format!("特价 {price}元"),
        (Lang::En, Kind::Special { price }) => format!("special {price}"),
        (Lang::Zh, Kind::PercentOff { off }) => format!("{}折", zhe(WHOLE.saturating_sub(*off))),
        (Lang::En, Kind::PercentOff { off }) => format!("{}% off", percent(*off)),
        (Lang::Zh, Kind::NthAt { n, pay }) => format!("第{n}件{}折", zhe(*pay)),
        (Lang::En, Kind::NthAt { n, pay }) => format!("item {n} at {}%", percent(*pay)),
        (Lang::Zh, Kind::Bundle { n, price }) => format!("{n}件 {price}元"),
        (Lang::En, Kind::Bundle { n, price }) => format!("{n} for {price}"),
        (Lang::Zh, Kind::Threshold { tiers }) => {
            tiers.iter().map(|(a, b)| format!("满{a}减{b}")).collect::<Vec<_>>().join("，")
        }
        (Lang::En, Kind::Threshold { tiers }) => {
            tiers.iter().map(|(a, b)| format!("{a} → -{b}")).collect::<Vec<_>>().join(", ")
        }
        (Lang::Zh, Kind::Gift { spend, qty, .. }) => format!("满{spend}元送{qty}件"),
        (Lang::En, Kind::Gift { spend, qty, .. }) => format!("spend {spend}, {qty} free"),
    }
}

const DAYS_ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
const DAYS_EN: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

fn date(d: u32) -> String {
    format!("{:04}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100)
}

/// When a promotion is valid, e.g. "2026-12-01–12-31 周六日 17:00–19:00".
pub fn window(lang: Lang, w: &Window) -> String {
    let mut parts = Vec::new();
    match (w.from, w.until) {
        // The same year is said once: 2026-12-01–12-31.
        (Some(a), Some(b)) if a / 10_000 == b / 10_000 => {
            parts.push(format!("{}–{:02}-{:02}", date(a), b / 100 % 100, b % 100))
        }
        (Some(a), Some(b)) => parts.push(format!("{}–{}", date(a), date(b))),
        (Some(a), None) => parts.push(format!("{}–", date(a))),
        (None, Some(b)) => parts.push(format!("–{}", date(b))),
        (None, None) => {}
    }
    if w.days != 0 {
        let names = if lang == Lang::Zh { DAYS_ZH } else { DAYS_EN };
        let on: Vec<&str> = (0..7).filter(|i| w.days & (1 << i) != 0).map(|i| names[i]).collect();
        parts.push(if lang == Lang::Zh { format!("周{}", on.concat()) } else { on.join(" ") });
    }
    if let Some((a, b)) = w.hours {
        parts.push(format!("{:02}:{:02}–{:02}:{:02}", a / 60, a % 60, b / 60, b % 60));
    }
    if parts.is_empty() { promo_text(lang, PromoText::Always).to_string() } else { parts.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::money::Fen;

    #[test]
    fn every_label_and_kind_is_worded_in_both_languages() {
        for t in PromoText::ALL.iter().filter(|t| **t != PromoText::KeyHash) {
            assert_ne!(promo_text(Lang::Zh, *t), promo_text(Lang::En, *t), "{t:?}");
        }
        assert_eq!(kind(Lang::Zh, &Kind::PercentOff { off: 2000 }), "8折");
        assert_eq!(kind(Lang::Zh, &Kind::PercentOff { off: 1500 }), "8.5折");
        assert_eq!(kind(Lang::Zh, &Kind::NthAt { n: 2, pay: 5000 }), "第2件5折");
        assert_eq!(kind(Lang::En, &Kind::PercentOff { off: 2000 }), "20% off");
        let tiers = Kind::Threshold { tiers: vec![(Fen(10_000), Fen(1000)), (Fen(20_000), Fen(3000))] };
        assert_eq!(kind(Lang::Zh, &tiers), "满100.00减10.00，满200.00减30.00");
        let w = Window {
            from: Some(20261201),
            until: Some(20261231),
            days: 0b110_0000,
            hours: Some((1020, 1140)),
            ..Window::default()
        };
        assert_eq!(window(Lang::Zh, &w), "2026-12-01–12-31 周六日 17:00–19:00");
        assert_eq!(window(Lang::En, &Window::default()), "always");
    }
}
