//! Member points (积分): earned per whole yuan actually paid (the order's total, after its
//! discounts) at the rate kept with the sale's member (`MemberTag::points_per_yuan`, from
//! `[members] points_per_yuan` when the member was attached); a confirmed refund takes back the
//! points of the yuan it gives back, never more than the order earned.
//!
//! Points redeemed as a tender and given back by refunds: `core::points_tender`.
//!
//! Like stock, points move in the order's own durable save (`store/redb_members.rs`), each move
//! once by its key (`earn:<order id>`, `back:<order id>:<out_refund_no>`): a pulled plug and the
//! order log's replay move the same points once.

use super::order::{Order, OrderStatus, RefundState};

/// One change of a member's points, applied once by its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointMove {
    pub key: String,
    pub member: String,
    pub delta: i64,
}

fn points_of(fen: i64, rate: u32) -> i64 {
    (fen.max(0) / 100).saturating_mul(i64::from(rate))
}

/// The points a paid member's order earns: per whole yuan of its total less what points paid.
pub fn earned(order: &Order) -> i64 {
    let Some(member) = order.member.as_ref().filter(|m| m.points_per_yuan > 0) else { return 0 };
    if order.status != OrderStatus::Paid || order.imported || order.no_receipt.is_some() || order.top_up.is_some() {
        return 0;
    }
    let paid_in_money = order.total().0.saturating_sub(super::points_tender::paid(order).0);
    points_of(paid_in_money, member.points_per_yuan)
}

/// The point moves a member's order makes: points redeemed as a tender (as they are taken) and
/// given back; for a paid order, the points earned and those its confirmed refunds take back.
pub fn point_moves(order: &Order) -> Vec<PointMove> {
    if order.training {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (n, p) in order.points_used.iter().enumerate() {
        out.push(PointMove { key: format!("redeem:{}:{n}", order.id), member: p.member.clone(), delta: -p.points });
    }
    if let Some(first) = order.points_used.first() {
        for b in &order.points_back {
            let key = format!("unredeem:{}:{}", order.id, b.number);
            out.push(PointMove { key, member: first.member.clone(), delta: b.points });
        }
    }
    let earned = earned(order);
    if let Some(member) = order.member.as_ref().filter(|_| earned > 0) {
        let rate = member.points_per_yuan;
        out.push(PointMove { key: format!("earn:{}", order.id), member: member.id.clone(), delta: earned });
        let mut left = earned;
        for r in order.refunds.iter().filter(|r| r.state == RefundState::Refunded) {
            let back = points_of(r.amount.0, rate).min(left);
            left -= back;
            if back > 0 {
                let key = format!("back:{}:{}", order.id, r.out_refund_no);
                out.push(PointMove { key, member: member.id.clone(), delta: -back });
            }
        }
    }
    out.retain(|m| m.delta != 0);
    out
}
