//! X and Z reports: per payment method (cash, WeChat Pay, Alipay) the count and amount of sales and
//! refunds and the net, overall and per operator; payments and refunds whose outcome is not known
//! are listed apart and never counted as paid or refunded. All in integer fen.
//!
//! What falls in a period `[from, to)`:
//! * a sale when its order was settled (`closed_at`): a payment confirmed after a Z report counts
//!   on the next day, never on both;
//! * a refund when it was asked for (`requested_at`), once the platform says it was made; a refund
//!   still in doubt at a Z report is listed there as unresolved and counted by the next report that
//!   sees it made (`carried`).

use super::shift::{CashFlow, Shift};
use crate::core::clock::Millis;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::core::order::{Order, OrderStatus, Refund, RefundState, Tender, TenderPart};
use serde::{Deserialize, Serialize};

/// How money moved: the drawer or one of the wallets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayMethod {
    Cash,
    WeChat,
    Alipay,
}

impl PayMethod {
    pub const ALL: [PayMethod; 3] = [PayMethod::Cash, PayMethod::WeChat, PayMethod::Alipay];

    /// The machine name used in exports: `cash`, `wechat`, `alipay`.
    pub fn code(self) -> &'static str {
        match self {
            PayMethod::Cash => "cash",
            PayMethod::WeChat => "wechat",
            PayMethod::Alipay => "alipay",
        }
    }

    pub fn from_code(code: &str) -> Option<PayMethod> {
        PayMethod::ALL.into_iter().find(|m| m.code() == code)
    }
}

impl From<Platform> for PayMethod {
    fn from(p: Platform) -> PayMethod {
        match p {
            Platform::WeChat => PayMethod::WeChat,
            Platform::Alipay => PayMethod::Alipay,
        }
    }
}

/// What each method took for a settled sale. One place, so that a mixed tender only changes here.
pub fn tender_parts(order: &Order) -> Vec<(PayMethod, Fen)> {
    if order.tender.is_none() {
        return Vec::new();
    }
    order
        .tender_parts()
        .into_iter()
        .filter_map(|part| match part {
            TenderPart::Cash { amount, .. } => Some((PayMethod::Cash, amount)),
            TenderPart::Code { platform, amount, .. } => Some((platform.into(), amount)),
            // Paid from a member's balance: no money taken (reported apart, `stored_value`).
            TenderPart::StoredValue { .. } => None,
            // Paid with points: no money taken (reported apart, `points`).
            TenderPart::Points { .. } => None,
        })
        .collect()
}

/// Where a refund's money went back: the wallet it names, or the order's tender.
pub fn refund_method(order: &Order, refund: &Refund) -> PayMethod {
    match (&refund.of, &order.tender) {
        _ if refund.cash => PayMethod::Cash,
        (Some(of), _) => of.platform.into(),
        (None, Some(Tender::Code { platform, .. })) => (*platform).into(),
        (None, _) => PayMethod::Cash,
    }
}

/// A number of transactions and their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Count {
    pub n: u32,
    pub amount: Fen,
}

impl Count {
    fn add(&mut self, amount: Fen) {
        self.n += 1;
        self.amount = self.amount + amount;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub sales: Count,
    pub refunds: Count,
}

impl Totals {
    pub fn net(&self) -> Fen {
        self.sales.amount - self.refunds.amount
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodTotals {
    pub method: PayMethod,
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorTotals {
    pub operator: String,
    pub methods: Vec<MethodTotals>,
    pub total: Totals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unsettled {
    Payment,
    Refund,
}

/// A payment or refund whose outcome the till does not know yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unresolved {
    pub what: Unsettled,
    /// The payment's out_trade_no, or the refund's out_refund_no.
    pub number: String,
    pub method: PayMethod,
    pub amount: Fen,
    pub operator: String,
    pub at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum ReportKind {
    /// Any time; changes nothing.
    X,
    /// End of day: closes the day, numbered 1, 2, 3, … on this till.
    Z { number: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub kind: ReportKind,
    /// Since the last Z report (none: since the till's first sale).
    pub from: Option<Millis>,
    pub to: Millis,
    /// Cash, WeChat Pay, Alipay, always all three, in that order.
    pub methods: Vec<MethodTotals>,
    pub total: Totals,
    pub operators: Vec<OperatorTotals>,
    pub unresolved: Vec<Unresolved>,
    /// The period's shifts: cash-ups of closed ones, the open one as it stands.
    #[serde(default)]
    pub shifts: Vec<Shift>,
    /// Refunds unresolved at this report (a Z passes them to the next day's report).
    #[serde(default)]
    pub carried: Vec<String>,
    /// Held sales a supervisor discarded in the period (at the close, or old ones from the list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discarded_held: Vec<crate::core::held::HeldSummary>,
    /// Discounts given on the period's sales, per reason and operator (issue 19).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<crate::core::pricing::record::DiscountTotals>,
    /// Returns without a receipt (无小票退货) in the period: cash from the drawer, counted in the
    /// cash refunds above (the drawer balances) and shown here apart from receipted refunds.
    #[serde(default)]
    pub no_receipt: Count,
    /// Exchanges (换货) settled in the period, apart: their payments are in the sales above and a
    /// difference given back in the cash refunds (the drawer balances).
    #[serde(default, skip_serializing_if = "crate::core::exchange::ExchangeTotals::is_empty")]
    pub exchanges: crate::core::exchange::ExchangeTotals,
    /// Stored value (储值) in the period: top-ups, bonus, spending and refunds to balances, apart
    /// from the sales (a liability, not revenue; top-up orders are not counted as sales above).
    #[serde(default, skip_serializing_if = "crate::core::stored_value::LedgerTotals::is_empty")]
    pub stored_value: crate::core::stored_value::LedgerTotals,
    /// Points redeemed as a tender (积分抵现) and given back in the period, apart from the money.
    #[serde(default, skip_serializing_if = "crate::core::points_tender::PointsTotals::is_empty")]
    pub points: Box<crate::core::points_tender::PointsTotals>,
}

impl Report {
    pub fn method(&self, m: PayMethod) -> Totals {
        self.methods.iter().find(|t| t.method == m).map(|t| t.totals).unwrap_or_default()
    }
}

/// The period `[from, to)`; `from: None` is open at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: Option<Millis>,
    pub to: Millis,
}

impl Period {
    pub fn contains(&self, at: Millis) -> bool {
        self.from.is_none_or(|f| at >= f) && at < self.to
    }

    fn started_before_end(&self, at: Millis) -> bool {
        at < self.to
    }
}

/// Whether an order has anything for a period's reports, journal or export: what the store's
/// loader keeps (the one filter; a range index may replace the scan later).
pub fn touches(order: &Order, period: &Period, carried: &[String]) -> bool {
    order.closed_at.is_some_and(|at| period.contains(at))
        || order.attempts.iter().any(|a| period.contains(a.started_at))
        || order.refunds.iter().any(|r| period.contains(r.requested_at) || carried.contains(&r.out_refund_no))
        || order.has_open_work()
}

/// Sales that count: settled, taken at this till (an order known only from the platform was sold
/// elsewhere), in the period.
fn counted_sale(order: &Order, period: &Period) -> bool {
    order.status == OrderStatus::Paid && !order.imported && order.closed_at.is_some_and(|at| period.contains(at))
}

fn counted_refund(refund: &Refund, period: &Period, carried: &[String]) -> bool {
    refund.state == RefundState::Refunded
        && (period.contains(refund.requested_at) || carried.contains(&refund.out_refund_no))
}

#[derive(Default)]
struct Book {
    methods: [Totals; 3],
}

impl Book {
    fn slot(&mut self, m: PayMethod) -> &mut Totals {
        let i = PayMethod::ALL.iter().position(|x| *x == m).unwrap_or(0);
        &mut self.methods[i]
    }

    fn rows(&self) -> Vec<MethodTotals> {
        PayMethod::ALL.iter().zip(self.methods).map(|(m, totals)| MethodTotals { method: *m, totals }).collect()
    }

    fn total(&self) -> Totals {
        let mut t = Totals::default();
        for m in &self.methods {
            t.sales.n += m.sales.n;
            t.sales.amount = t.sales.amount + m.sales.amount;
            t.refunds.n += m.refunds.n;
            t.refunds.amount = t.refunds.amount + m.refunds.amount;
        }
        t
    }
}

/// The report of `orders` over `period` (an X report; a Z sets its number).
pub fn compute(orders: &[Order], period: Period, carried: &[String]) -> Report {
    let mut all = Book::default();
    let mut by_op: std::collections::BTreeMap<String, Book> = Default::default();
    let mut unresolved = Vec::new();
    let mut no_receipt = Count::default();
    for o in orders {
        if counted_sale(o, &period) && o.top_up.is_none() {
            for (m, amount) in tender_parts(o) {
                all.slot(m).sales.add(amount);
                by_op.entry(o.operator.clone()).or_default().slot(m).sales.add(amount);
            }
        }
        for r in &o.refunds {
            let m = refund_method(o, r);
            if counted_refund(r, &period, carried) {
                all.slot(m).refunds.add(r.amount);
                by_op.entry(r.operator.clone()).or_default().slot(m).refunds.add(r.amount);
                if o.no_receipt.is_some() {
                    no_receipt.add(r.amount);
                }
            } else if !r.state.is_final() && period.started_before_end(r.requested_at) {
                unresolved.push(Unresolved {
                    what: Unsettled::Refund,
                    number: r.out_refund_no.clone(),
                    method: m,
                    amount: r.amount,
                    operator: r.operator.clone(),
                    at: r.requested_at,
                });
            }
        }
        if let Some(a) = o.open_attempt().filter(|a| period.started_before_end(a.started_at)) {
            unresolved.push(Unresolved {
                what: Unsettled::Payment,
                number: a.out_trade_no.clone(),
                method: a.platform.into(),
                amount: a.amount,
                operator: o.operator.clone(),
                at: a.started_at,
            });
        }
    }
    unresolved.sort_by(|a, b| (a.at, &a.number).cmp(&(b.at, &b.number)));
    let carried_now = unresolved.iter().filter(|u| u.what == Unsettled::Refund).map(|u| u.number.clone()).collect();
    Report {
        kind: ReportKind::X,
        from: period.from,
        to: period.to,
        methods: all.rows(),
        total: all.total(),
        operators: by_op
            .into_iter()
            .map(|(operator, book)| OperatorTotals { operator, methods: book.rows(), total: book.total() })
            .collect(),
        unresolved,
        shifts: Vec::new(),
        carried: carried_now,
        discarded_held: discarded_held(orders, &period),
        discounts: crate::core::pricing::record::totals(orders.iter().filter(|o| counted_sale(o, &period))),
        no_receipt,
        exchanges: crate::core::exchange::ExchangeTotals::of(orders.iter().filter(|o| counted_sale(o, &period))),
        stored_value: crate::core::stored_value::LedgerTotals::of(orders.iter().filter(|o| !o.imported), |at| {
            period.contains(at)
        }),
        points: Box::new(crate::core::points_tender::PointsTotals::of(orders.iter().filter(|o| !o.imported), |at| {
            period.contains(at)
        })),
    }
}

/// Held sales discarded in `period`, in the order they were discarded.
fn discarded_held(orders: &[Order], period: &Period) -> Vec<crate::core::held::HeldSummary> {
    let mut list: Vec<_> = orders
        .iter()
        .filter_map(crate::core::held::HeldSummary::of)
        .filter(|h| h.discarded_at.is_some_and(|at| period.contains(at)))
        .collect();
    list.sort_by_key(|h| (h.discarded_at, h.number));
    list
}

/// The cash a shift's operator took and gave back over `period` (for its cash-up).
pub fn cash_flow(orders: &[Order], operator: &str, period: Period) -> CashFlow {
    let report = compute(orders, period, &[]);
    let cash = report
        .operators
        .iter()
        .find(|o| o.operator == operator)
        .and_then(|o| o.methods.iter().find(|m| m.method == PayMethod::Cash))
        .map(|m| m.totals)
        .unwrap_or_default();
    // Cash top-ups (储值) are in the drawer too, though they are not sales.
    let top_ups = orders
        .iter()
        .filter(|o| o.operator == operator && o.top_up.is_some() && counted_sale(o, &period))
        .filter(|o| crate::core::stored_value::top_up_in_cash(o))
        .fold(Fen::ZERO, |sum, o| sum + o.total());
    CashFlow { sales: cash.sales.amount + top_ups, refunds: cash.refunds.amount }
}
