//! A member for the tests: 张三, phone 13812345678 (shown 138****5678), member M0001.

use till::core::members::{Member, MemberCard, Phone};
use till::core::money::Fen;

/// 张三 as the store keeps them, with card `VIP0001`, level 金卡 and 120 points.
pub fn zhang() -> Member {
    Member {
        id: "M0001".into(),
        name: "张三".into(),
        phone: Phone::parse("13812345678").expect("phone"),
        card: "VIP0001".into(),
        level: "金卡".into(),
        points: 120,
    }
}

/// 张三 as a lookup finds them, with a stored-value balance of 50.00.
pub fn zhang_card() -> MemberCard {
    MemberCard { member: zhang(), balance: Fen(5000) }
}
