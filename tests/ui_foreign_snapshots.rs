//! The lookup screen for another till's sale (found through the back office) and for a number the
//! till does not have while the back office cannot be reached, in Chinese and English, at the
//! till's 80×24 (states fed through `core::update`, drawn by `ui::view`).

mod common;

use common::*;
use till::core::foreign::{ForeignMsg, OfficeAnswer, Seen};
use till::core::money::Fen;
use till::core::{Lang, LookupVerdict, Msg};
use till::i18n;

const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

/// Another till's WeChat sale (water ×2, noodles), its receipt scanned at this till: the office
/// answers with the order, then the platform that it is paid.
#[test]
fn another_tills_sale_looked_up() {
    for (lang, l) in LANGS {
        // The sale as till 1 made it (its own till, its own store).
        let (_, order) = paid_by_wechat_and_looked_up(lang, &[WATER, WATER, NOODLES]);
        let number = order.number.clone().expect("number");
        let mut till = Till::new(lang);
        till.send_at(60, Msg::Scan(number.clone()));
        let seen = Seen {
            device_id: "till-1".into(),
            till_name: "1号机".into(),
            order: order.clone(),
            by_others: Fen::ZERO,
            cash_by_others: Fen::ZERO,
        };
        till.send_at(
            61,
            Msg::Foreign(ForeignMsg::Answer { number: number.clone(), answer: OfficeAnswer::Found(Box::new(seen)) }),
        );
        let found = till::core::LookupVerdict::Found(till::core::PlatformOrder {
            out_trade_no: number.clone(),
            platform: till::core::code::Platform::WeChat,
            state: till::core::PlatformOrderState::Paid,
            transaction_id: "4200".into(),
            total: order.total(),
            refunded: Fen::ZERO,
        });
        till.send_at(62, Msg::LookupAnswer { number, local: None, verdict: found });
        let text = screen_text(&till.render());
        let notice = till.state.notice.clone().expect("a notice");
        assert!(text.contains(&i18n::notice(lang, &notice)), "{text}");
        assert!(text.contains("1号机"), "{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("lookup_foreign_{l}"), text);
    }
}

#[test]
fn other_tills_cannot_be_seen_offline() {
    for (lang, l) in LANGS {
        // A number of another till's sale (made on a till of its own); this till has no record of it.
        let (_, order) = paid_by_wechat_and_looked_up(lang, &[WATER]);
        let number = order.number.clone().expect("number");
        let number = number.as_str();
        let mut till = Till::new(lang);
        till.send_at(60, Msg::Scan(number.into()));
        till.send_at(61, Msg::LookupAnswer { number: number.into(), local: None, verdict: LookupVerdict::NotFound });
        till.send_at(63, Msg::Foreign(ForeignMsg::Answer { number: number.into(), answer: OfficeAnswer::Unreachable }));
        let text = screen_text(&till.render());
        let unseen =
            i18n::notice(lang, &till::core::notice::Notice::Foreign(till::core::foreign::ForeignNotice::Unseen));
        assert!(text.contains(&unseen), "one line, whole:\n{text}");
        keys::check_keys(&till.state);
        insta::assert_snapshot!(format!("lookup_foreign_offline_{l}"), text);
    }
}
