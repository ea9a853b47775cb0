//! A truthful payment platform: it knows what it charged, refunded and reversed, and answers every
//! question from that truth (the world decides separately whether the till hears the answer).

use std::collections::BTreeMap;
use till::core::code::Platform;
use till::core::money::Fen;
use till::core::order::OrderId;
use till::core::{
    CancelVerdict, LookupVerdict, PayCall, PlatformOrder, PlatformOrderState, RefundCall, RefundVerdict, Verdict,
};

/// Which platform's gateway the till uses: Cloud Pay reverses, 微收银 has no cancel interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    CloudPay,
    Weishouyin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PState {
    /// The customer is entering a password; at `decides_at` (platform time) they pay or give up.
    Paying {
        decides_at: i64,
        pays: bool,
    },
    Paid {
        txn: String,
    },
    /// Never charged: declined, given up, cancelled before it was paid.
    Closed,
    /// Charged, then reversed: the money went back.
    Reversed {
        txn: String,
    },
}

#[derive(Debug, Clone)]
pub struct PRefund {
    pub no: String,
    pub amount: Fen,
    /// Platform time from which the refund is done (before: accepted, in progress).
    pub done_at: i64,
    pub id: String,
}

#[derive(Debug, Clone)]
pub struct POrder {
    pub wallet: Platform,
    pub amount: Fen,
    /// The till's order the request came from (the world's knowledge, not the platform's).
    pub order_id: OrderId,
    /// The till's store the order id belongs to (a new one each time the store is emptied).
    pub era: u32,
    /// Platform time the order was created.
    pub created_at: i64,
    pub state: PState,
    pub refunds: Vec<PRefund>,
    /// A QR the customer scans (`scan_code_pay`): its expiry (platform time) and whether the till
    /// gave up on it (closed or failed it: a payment after that is a late one, recorded and
    /// refundable, allowed on top).
    pub qr: Option<PQr>,
}

#[derive(Debug, Clone, Copy)]
pub struct PQr {
    pub expires_at: i64,
    pub close_asked: bool,
}

impl POrder {
    /// Charged and not given back by a reversal (refunds are counted apart).
    pub fn charged(&self) -> bool {
        matches!(self.state, PState::Paid { .. })
    }

    pub fn refunded(&self) -> Fen {
        self.refunds.iter().map(|r| r.amount).sum()
    }
}

/// What the platform did with a payment request.
pub enum PayOutcome {
    Answer(Verdict),
    /// The number is taken by an earlier order (Cloud Pay 407, 微收银 `err="duplicate"`).
    Duplicate,
}

pub struct PlatformModel {
    pub kind: Kind,
    pub orders: BTreeMap<String, POrder>,
    txns: u64,
}

impl PlatformModel {
    pub fn new(kind: Kind) -> PlatformModel {
        PlatformModel { kind, orders: BTreeMap::new(), txns: 0 }
    }

    fn txn(&mut self) -> String {
        self.txns += 1;
        format!("tx{:06}", self.txns)
    }

    /// Customers who were entering a password decide once their time comes.
    pub fn advance(&mut self, now: i64) {
        let due: Vec<String> = self
            .orders
            .iter()
            .filter(|(_, o)| matches!(o.state, PState::Paying { decides_at, .. } if decides_at <= now))
            .map(|(n, _)| n.clone())
            .collect();
        for n in due {
            let txn = self.txn();
            let o = self.orders.get_mut(&n).expect("listed");
            if let PState::Paying { pays, decides_at } = o.state {
                // A QR is paid only while it is live (the close is applied when it takes).
                let live = o.qr.is_none_or(|q| decides_at < q.expires_at);
                o.state = if pays && live { PState::Paid { txn } } else { PState::Closed };
            }
        }
        for o in self.orders.values_mut() {
            if o.qr.is_some_and(|q| now >= q.expires_at) && matches!(o.state, PState::Paying { .. }) {
                o.state = PState::Closed;
            }
        }
    }

    /// A QR request reaches the platform: an order waiting for the customer, who pays at `pays_at`
    /// (platform time) if the QR is still live then, or never.
    pub fn scan_code_pay(&mut self, call: &till::core::QrCall, era: u32, now: i64, pays_at: Option<i64>) -> bool {
        if self.orders.contains_key(&call.out_trade_no) || call.expires_at.0 <= now {
            return false;
        }
        let order = POrder {
            wallet: call.platform,
            amount: call.amount,
            order_id: call.order_id,
            era,
            created_at: now,
            state: PState::Paying { decides_at: pays_at.unwrap_or(i64::MAX), pays: pays_at.is_some() },
            refunds: Vec::new(),
            qr: Some(PQr { expires_at: call.expires_at.0, close_asked: false }),
        };
        self.orders.insert(call.out_trade_no.clone(), order);
        true
    }

    /// The till gave up on its QRs that `order` records closed or failed: a payment after that is a
    /// late one (the world's knowledge, for the oracles).
    pub fn given_up(&mut self, order: &till::core::order::Order) {
        use till::core::order::AttemptState;
        for a in order.attempts.iter().filter(|a| a.qr.is_some()) {
            if matches!(a.state, AttemptState::Cancelled | AttemptState::Failed { .. })
                && let Some(q) = self.orders.get_mut(&a.out_trade_no).and_then(|p| p.qr.as_mut())
            {
                q.close_asked = true;
            }
        }
    }

    /// `close_order`: WeChat closes an unpaid QR; Alipay has no trade before the scan (here: the
    /// payment), so it refuses and the QR stays payable until it expires.
    pub fn close_qr(&mut self, number: &str) -> CancelVerdict {
        let Some(o) = self.orders.get_mut(number) else {
            return CancelVerdict::Refused { reason: "order does not exist".into() };
        };
        if let Some(q) = o.qr.as_mut() {
            q.close_asked = true;
        }
        match (&o.state, o.wallet) {
            (PState::Paying { .. }, Platform::WeChat) | (PState::Closed, _) => {
                o.state = PState::Closed;
                CancelVerdict::Cancelled
            }
            (PState::Paying { .. }, Platform::Alipay) => {
                CancelVerdict::Refused { reason: "order does not exist".into() }
            }
            _ => CancelVerdict::Refused { reason: "ORDERPAID".into() },
        }
    }

    /// Every customer still paying decides now (the end of a case: nobody stands there forever).
    pub fn decide_all(&mut self, now: i64) {
        for o in self.orders.values_mut().filter(|o| o.qr.is_none()) {
            if let PState::Paying { decides_at, .. } = &mut o.state {
                *decides_at = (*decides_at).min(now);
            }
        }
        self.advance(now);
    }

    /// A payment request reaches the platform. `fate`: 0..60 paid at once, 60..72 declined, else the
    /// customer enters a password and decides `wait_ms` later (`pays` or not).
    pub fn pay(&mut self, call: &PayCall, era: u32, now: i64, fate: u64, wait_ms: i64, pays: bool) -> PayOutcome {
        if self.orders.contains_key(&call.out_trade_no) {
            return PayOutcome::Duplicate;
        }
        let state = match fate {
            0..60 => PState::Paid { txn: self.txn() },
            60..72 => PState::Closed,
            _ => PState::Paying { decides_at: now + wait_ms, pays },
        };
        let verdict = truth(&state);
        let order = POrder {
            wallet: call.platform,
            amount: call.amount,
            order_id: call.order_id,
            era,
            created_at: now,
            state,
            refunds: Vec::new(),
            qr: None,
        };
        self.orders.insert(call.out_trade_no.clone(), order);
        PayOutcome::Answer(verdict)
    }

    /// A payment query, as the gateway reads it. `started_at_checked`: the attempt's start (till
    /// clock) when the gateway heard "duplicate" for this number (else None, nothing checked).
    pub fn query(&self, number: &str, amount: Fen, started_at_checked: Option<i64>) -> Verdict {
        let Some(o) = self.orders.get(number) else { return Verdict::NotFound };
        if o.qr.is_some() && o.wallet == Platform::Alipay && matches!(o.state, PState::Paying { .. }) {
            return Verdict::NotFound;
        }
        let verdict = truth(&o.state);
        // Both gateways read a "paid" for another amount as the number taken by another order.
        if matches!(verdict, Verdict::Paid { .. }) && o.amount != amount {
            return Verdict::number_taken();
        }
        match started_at_checked {
            Some(started) if matches!(verdict, Verdict::Paid { .. }) => {
                let call = till::core::QueryCall {
                    order_id: 0,
                    out_trade_no: number.into(),
                    platform: o.wallet,
                    amount: o.amount,
                    after: Default::default(),
                    started_at: till::core::clock::Millis(started),
                };
                if call.predates_attempt(till::core::clock::Millis(o.created_at)) {
                    call.earlier_sale()
                } else {
                    verdict
                }
            }
            _ => verdict,
        }
    }

    /// A cancel (WeChat reverse, Alipay cancel). `reversible`: whether the wallet still reverses a
    /// paid order (else the cancel is refused and the till must ask where the order stands).
    pub fn cancel(&mut self, call: &till::core::CancelCall, era: u32, now: i64, reversible: bool) -> CancelVerdict {
        let (number, order_id, amount, wallet) = (&call.out_trade_no, call.order_id, call.amount, call.platform);
        if self.kind == Kind::Weishouyin {
            return CancelVerdict::Unsupported;
        }
        let Some(o) = self.orders.get_mut(number) else {
            // Cancelling an order the platform never saw closes the number for good.
            let order = POrder {
                wallet,
                amount,
                order_id,
                era,
                created_at: now,
                state: PState::Closed,
                refunds: Vec::new(),
                qr: None,
            };
            self.orders.insert(number.to_string(), order);
            return CancelVerdict::Cancelled;
        };
        match &o.state {
            PState::Paying { .. } | PState::Closed => {
                o.state = PState::Closed;
                CancelVerdict::Cancelled
            }
            PState::Paid { .. } if !o.refunds.is_empty() || !reversible => {
                CancelVerdict::Refused { reason: "paid orders cannot be reversed now".into() }
            }
            PState::Paid { txn } => {
                o.state = PState::Reversed { txn: txn.clone() };
                CancelVerdict::Cancelled
            }
            PState::Reversed { .. } => CancelVerdict::Cancelled,
        }
    }

    pub fn lookup(&self, number: &str) -> LookupVerdict {
        let Some(o) = self.orders.get(number) else { return LookupVerdict::NotFound };
        let (state, txn) = match &o.state {
            PState::Paid { txn } => (PlatformOrderState::Paid, txn.clone()),
            PState::Paying { .. } => (PlatformOrderState::Paying, String::new()),
            PState::Closed => (PlatformOrderState::NotPaid, String::new()),
            PState::Reversed { txn } => (PlatformOrderState::NotPaid, txn.clone()),
        };
        LookupVerdict::Found(PlatformOrder {
            out_trade_no: number.to_string(),
            platform: o.wallet,
            state,
            transaction_id: txn,
            total: o.amount,
            refunded: o.refunded(),
        })
    }

    /// What may still be refunded of `number` now.
    pub fn refundable(&self, number: &str) -> Fen {
        self.orders.get(number).filter(|o| o.charged()).map_or(Fen(0), |o| o.amount - o.refunded())
    }

    pub fn refund(&mut self, call: &RefundCall, now: i64, delay_ms: i64) -> RefundVerdict {
        if let Some(v) = self.refund_state(&call.out_refund_no, now) {
            return v;
        }
        let refundable = self.refundable(&call.out_trade_no);
        let Some(o) = self.orders.get_mut(&call.out_trade_no) else {
            return RefundVerdict::Failed { reason: "no such order".into() };
        };
        if !o.charged() || call.amount > refundable || call.amount <= Fen(0) {
            return RefundVerdict::Failed { reason: "not refundable".into() };
        }
        let id = format!("rf-{}", call.out_refund_no);
        o.refunds.push(PRefund { no: call.out_refund_no.clone(), amount: call.amount, done_at: now + delay_ms, id });
        self.refund_state(&call.out_refund_no, now).unwrap_or(RefundVerdict::NotFound)
    }

    /// Where refund `no` stands, if the platform has it.
    pub fn refund_state(&self, no: &str, now: i64) -> Option<RefundVerdict> {
        let r = self.orders.values().flat_map(|o| &o.refunds).find(|r| r.no == no)?;
        Some(if r.done_at <= now {
            RefundVerdict::Refunded { refund_id: r.id.clone() }
        } else {
            RefundVerdict::Accepted { refund_id: r.id.clone() }
        })
    }

    pub fn query_refund(&self, no: &str, now: i64) -> RefundVerdict {
        self.refund_state(no, now).unwrap_or(RefundVerdict::NotFound)
    }
}

fn truth(state: &PState) -> Verdict {
    match state {
        PState::Paid { txn } => Verdict::Paid { transaction_id: txn.clone() },
        PState::Paying { .. } => Verdict::UserPaying,
        PState::Closed | PState::Reversed { .. } => Verdict::Failed { reason: "closed".into() },
    }
}
