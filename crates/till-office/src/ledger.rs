//! Stored value (储值) on the owner's day pages (today, one shop): the day's top-ups (cash, payment
//! code), bonuses, spending and refunds to balances, and what the shop owes its members — a
//! liability, shown apart from sales revenue. Read from `stored_value_entries` (one row per ledger
//! entry, as the tills' X/Z reports count them: by the entry's time) and `top_ups` (cash or code).

use crate::pages::{Lang, yuan};
use deadpool_postgres::Client;

/// A number of ledger moves and their sum in fen (a Z report's `Moves`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Moves {
    pub n: i64,
    pub fen: i64,
}

/// A day's stored value, and the liability now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LedgerDay {
    pub top_up_cash: Moves,
    pub top_up_code: Moves,
    pub bonus: Moves,
    pub spent: Moves,
    pub given_back: Moves,
    /// What all members' balances add up to (all shops: a member spends anywhere).
    pub owed: i64,
}

/// The stored value moved in [from, to) at `shop`'s tills (`None`: every till).
pub async fn read_day(client: &Client, shop: Option<&str>, (from, to): (i64, i64)) -> anyhow::Result<LedgerDay> {
    let rows = client
        .query(
            "SELECT e.kind, coalesce(t.in_cash, false), count(*), coalesce(sum(e.amount_fen), 0)::bigint
             FROM stored_value_entries e JOIN devices d USING (device_id)
             LEFT JOIN top_ups t ON e.kind = 'top_up' AND t.device_id = e.device_id AND t.number = e.order_number
             WHERE e.at >= $1 AND e.at < $2 AND ($3::text IS NULL OR d.shop = $3)
             GROUP BY 1, 2",
            &[&from, &to, &shop],
        )
        .await?;
    let mut day = LedgerDay::default();
    for r in rows {
        let moves = Moves { n: r.get(2), fen: r.get(3) };
        let slot = match (r.get::<_, &str>(0), r.get::<_, bool>(1)) {
            ("top_up", true) => &mut day.top_up_cash,
            ("top_up", false) => &mut day.top_up_code,
            ("bonus", _) => &mut day.bonus,
            ("spend", _) => &mut day.spent,
            _ => &mut day.given_back,
        };
        *slot = moves;
    }
    day.owed = client
        .query_one("SELECT coalesce(sum(delta_fen), 0)::numeric::text FROM stored_value_entries", &[])
        .await?
        .get::<_, String>(0)
        .parse()
        .unwrap_or(i64::MAX);
    Ok(day)
}

struct Words {
    title: &'static str,
    note: &'static str,
    top_up_cash: &'static str,
    top_up_code: &'static str,
    bonus: &'static str,
    spent: &'static str,
    given_back: &'static str,
    owed_change: &'static str,
    owed: &'static str,
    members: &'static str,
}

const ZH: Words = Words {
    title: "储值（今天）",
    note: "储值是欠会员的钱，不是营业收入：充值不计入销售额。",
    top_up_cash: "现金充值",
    top_up_code: "扫码充值",
    bonus: "赠送",
    spent: "储值消费",
    given_back: "退回储值",
    owed_change: "今天欠会员增减",
    owed: "共欠会员（储值余额）",
    members: "会员",
};

const EN: Words = Words {
    title: "Stored value (today)",
    note: "Stored value is owed to members, not revenue: top-ups are not sales.",
    top_up_cash: "Top-ups in cash",
    top_up_code: "Top-ups by code",
    bonus: "Bonus given",
    spent: "Spent from balances",
    given_back: "Refunded to balances",
    owed_change: "Owed to members, change today",
    owed: "Owed to members (all balances)",
    members: "Members",
};

impl LedgerDay {
    /// What the day added to what is owed (the till's `LedgerTotals::owed_change`), `None` on overflow.
    pub fn owed_change(&self) -> Option<i64> {
        [self.top_up_cash.fen, self.top_up_code.fen, self.bonus.fen, self.given_back.fen]
            .iter()
            .try_fold(0i64, |sum, fen| sum.checked_add(*fen))?
            .checked_sub(self.spent.fen)
    }
}

/// The day's stored value as its own section (`#stored-value`), apart from the sales.
pub fn html(lang: Lang, d: &LedgerDay) -> String {
    let w = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let row = |id: &str, label: &str, m: Moves| {
        format!(
            "<tr id=\"sv-{id}\"><td>{label}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            m.n,
            yuan(m.fen)
        )
    };
    let change = d.owed_change().map_or_else(|| "—".to_string(), yuan);
    format!(
        "<h2>{title}</h2><p><small>{note}</small></p><table id=\"stored-value\">{cash}{by_code}{bonus}{spent}{back}\
         <tr id=\"sv-change\"><td>{owed_change}</td><td></td><td class=\"n\">{change}</td></tr>\
         <tr id=\"sv-owed\"><th>{owed}</th><td></td><th class=\"n\">{owed_fen}</th></tr></table>\
         <p><a href=\"/members?lang={code}\" id=\"members\">{members}</a></p>",
        title = w.title,
        note = w.note,
        cash = row("top-up-cash", w.top_up_cash, d.top_up_cash),
        by_code = row("top-up-code", w.top_up_code, d.top_up_code),
        bonus = row("bonus", w.bonus, d.bonus),
        spent = row("spent", w.spent, d.spent),
        back = row("given-back", w.given_back, d.given_back),
        owed_change = w.owed_change,
        owed = w.owed,
        owed_fen = yuan(d.owed),
        code = lang.code(),
        members = w.members,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_change_owed_is_what_came_in_less_what_was_spent_checked() {
        let m = |fen| Moves { n: 1, fen };
        let d = LedgerDay {
            top_up_cash: m(20000),
            bonus: m(5000),
            spent: m(200),
            given_back: m(100),
            ..Default::default()
        };
        assert_eq!(d.owed_change(), Some(24900));
        let d = LedgerDay { top_up_cash: m(i64::MAX), bonus: m(1), ..Default::default() };
        assert_eq!(d.owed_change(), None);
        assert!(
            html(Lang::En, &d).contains("sv-change\"><td>Owed to members, change today</td><td></td><td class=\"n\">—")
        );
    }

    #[test]
    fn both_languages_say_it_is_not_revenue() {
        let d = LedgerDay::default();
        assert!(html(Lang::Zh, &d).contains("不是营业收入"));
        assert!(html(Lang::En, &d).contains("not revenue"));
    }
}
