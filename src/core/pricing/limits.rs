//! `[discounts]` in `till.toml`: the reasons a cashier chooses from and how far a cashier may go
//! without a supervisor. Above the limit, the discount goes through the one approval mechanism
//! (`core::approval`); a supervisor signed in is not limited.
//!
//! The limits are by kind, as the shop says them: "a cashier gives up to 10 % or 5.00 yuan" means a
//! percentage off up to 10 %, and an amount off (or a new price that takes off) up to 5.00 yuan.

use super::super::auth::Role;
use super::super::money::Fen;
use super::Change;
use super::arith::{Bp, WHOLE};
use serde::{Deserialize, Serialize};

/// A reason for a discount: the code kept in the order and the reports, and its words in both
/// languages for the screen and the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountRules {
    /// The short list the cashier chooses from, in this order.
    #[serde(default = "default_reasons")]
    pub reasons: Vec<Reason>,
    /// The largest percentage off a cashier gives alone, in whole or decimal percent (`"10"`, `"12.5"`).
    #[serde(default = "default_percent")]
    pub cashier_percent: String,
    /// The largest amount off a cashier gives alone, in yuan (`"5.00"`).
    #[serde(default = "default_amount")]
    pub cashier_amount: String,
}

fn reason(code: &str, zh: &str, en: &str) -> Reason {
    Reason { code: code.into(), zh: zh.into(), en: en.into() }
}

fn default_reasons() -> Vec<Reason> {
    vec![
        reason("damaged", "商品瑕疵", "Damaged goods"),
        reason("regular", "老顾客", "Regular customer"),
        reason("staff", "员工购买", "Staff purchase"),
        reason("price_match", "价格匹配", "Price match"),
        reason("goodwill", "店长赠送", "Goodwill"),
    ]
}

fn default_percent() -> String {
    "10".into()
}

fn default_amount() -> String {
    "5.00".into()
}

impl Default for DiscountRules {
    fn default() -> DiscountRules {
        DiscountRules {
            reasons: default_reasons(),
            cashier_percent: default_percent(),
            cashier_amount: default_amount(),
        }
    }
}

/// A percentage as typed (`"10"`, `"12.5"`, `"8.25"`) in basis points; at most 100 %.
pub fn parse_percent(text: &str) -> Option<Bp> {
    let t = text.trim().trim_end_matches('%').trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || int.len() > 3
        || frac.len() > 2
        || !(int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let frac = format!("{frac:0<2}");
    let bp = int.parse::<u32>().ok()? * 100 + frac.parse::<u32>().ok()?;
    (bp <= WHOLE).then_some(bp)
}

impl DiscountRules {
    /// Why the section cannot be used, for the config's error.
    pub fn check(&self) -> Result<(), String> {
        self.limits()?;
        if self.reasons.is_empty() {
            return Err("discounts.reasons: list at least one reason".into());
        }
        for (i, r) in self.reasons.iter().enumerate() {
            if r.code.trim().is_empty() || r.zh.trim().is_empty() || r.en.trim().is_empty() {
                return Err(format!("discounts.reasons[{i}]: each reason needs a code, zh and en"));
            }
            if self.reasons[..i].iter().any(|o| o.code == r.code) {
                return Err(format!("discounts.reasons: {:?} is listed twice", r.code));
            }
        }
        Ok(())
    }

    fn limits(&self) -> Result<(Bp, Fen), String> {
        let pct = parse_percent(&self.cashier_percent).ok_or_else(|| {
            format!("discounts.cashier_percent {:?} is not a percentage from 0 to 100", self.cashier_percent)
        })?;
        let amount = Fen::parse_yuan(&self.cashier_amount)
            .map_err(|_| format!("discounts.cashier_amount {:?} is not an amount in yuan", self.cashier_amount))?;
        Ok((pct, amount))
    }

    pub fn reason(&self, code: &str) -> Option<&Reason> {
        self.reasons.iter().find(|r| r.code == code)
    }

    /// Whether `change`, on something worth `base` before it (a line's net, the order's total),
    /// needs a supervisor when `role` gives it. Unreadable limits (refused at start) let nothing through.
    pub fn needs_supervisor(&self, role: Role, change: Change, base: Fen) -> bool {
        if role == Role::Supervisor {
            return false;
        }
        let Ok((pct, amount)) = self.limits() else { return true };
        match change {
            Change::PercentOff(bp) => bp > pct,
            Change::AmountOff(off) => off > amount,
            Change::NewPrice(price) => Fen(base.0.saturating_sub(price.0)) > amount,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cashier_gives_up_to_the_limits_alone_and_a_supervisor_is_not_limited() {
        let r = DiscountRules::default();
        assert!(r.check().is_ok());
        assert!(!r.needs_supervisor(Role::Cashier, Change::PercentOff(1000), Fen(100_000)));
        assert!(r.needs_supervisor(Role::Cashier, Change::PercentOff(1001), Fen(100)));
        assert!(!r.needs_supervisor(Role::Cashier, Change::AmountOff(Fen(500)), Fen(600)));
        assert!(r.needs_supervisor(Role::Cashier, Change::AmountOff(Fen(501)), Fen(10_000)));
        // A new price of 94.99 for a 100.00 line takes 5.01 off.
        assert!(r.needs_supervisor(Role::Cashier, Change::NewPrice(Fen(9_499)), Fen(10_000)));
        assert!(!r.needs_supervisor(Role::Cashier, Change::NewPrice(Fen(9_500)), Fen(10_000)));
        assert!(!r.needs_supervisor(Role::Supervisor, Change::PercentOff(WHOLE), Fen(10_000)));
        assert_eq!(r.reason("damaged").map(|x| x.zh.as_str()), Some("商品瑕疵"));
    }

    #[test]
    fn percentages_parse_exactly_and_bad_sections_are_refused_with_the_reason() {
        assert_eq!(parse_percent("10"), Some(1000));
        assert_eq!(parse_percent("12.5%"), Some(1250));
        assert_eq!(parse_percent("8.25"), Some(825));
        assert_eq!(parse_percent("100"), Some(WHOLE));
        for bad in ["", "101", "1.234", "-5", "x", "1e2"] {
            assert_eq!(parse_percent(bad), None, "{bad:?}");
        }
        let bad = DiscountRules { cashier_percent: "150".into(), ..DiscountRules::default() };
        assert!(bad.check().unwrap_err().contains("cashier_percent"));
        let twice = DiscountRules {
            reasons: vec![reason("a", "甲", "A"), reason("a", "乙", "B")],
            ..DiscountRules::default()
        };
        assert!(twice.check().unwrap_err().contains("twice"));
        assert!(!bad.needs_supervisor(Role::Supervisor, Change::PercentOff(1), Fen(1)));
        assert!(bad.needs_supervisor(Role::Cashier, Change::PercentOff(1), Fen(1)));
    }
}
