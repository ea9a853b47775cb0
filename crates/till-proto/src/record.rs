//! Typed views of the records' bodies: what the back office reads of them. Fields the till adds
//! later are ignored here (serde's default), so an older back office still reads a newer till.

use crate::RecordKind;
use serde::Deserialize;

/// A record, read by its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Order(OrderRecord),
    Refund(RefundRecord),
    ZReport(ZReportRecord),
    Stock(StockRecord),
    StoredValue(StoredValueRecord),
    Member(MemberRecord),
    Doubt(DoubtRecord),
}

impl Record {
    pub fn read(kind: RecordKind, body: &str) -> Result<Record, serde_json::Error> {
        Ok(match kind {
            RecordKind::Order => Record::Order(serde_json::from_str(body)?),
            RecordKind::Refund => Record::Refund(serde_json::from_str(body)?),
            RecordKind::ZReport => Record::ZReport(serde_json::from_str(body)?),
            RecordKind::Stock => Record::Stock(serde_json::from_str(body)?),
            RecordKind::StoredValue => Record::StoredValue(serde_json::from_str(body)?),
            RecordKind::Member => Record::Member(serde_json::from_str(body)?),
            RecordKind::Doubt => Record::Doubt(serde_json::from_str(body)?),
            RecordKind::Unknown => {
                return Err(serde::de::Error::custom("a kind of record this back office does not know"));
            }
        })
    }

    pub fn seq(&self) -> u64 {
        match self {
            Record::Order(r) => r.seq,
            Record::Refund(r) => r.seq,
            Record::ZReport(r) => r.seq,
            Record::Stock(r) => r.seq,
            Record::StoredValue(r) => r.seq,
            Record::Member(r) => r.seq,
            Record::Doubt(r) => r.seq,
        }
    }
}

/// A paid order: `{"kind":"order","key":"order:<number>","seq":n,"order":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderRecord {
    pub key: String,
    pub seq: u64,
    pub order: Order,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Order {
    pub id: u64,
    /// Unix milliseconds, the till's clock.
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub operator: String,
    pub number: Option<String>,
    pub lines: Vec<Line>,
    pub tender: Option<Tender>,
    /// The promotions and discounts the order was given (none in records of tills before them).
    #[serde(default)]
    pub discounts: Vec<Discount>,
    /// An exchange (换货): the goods that came back, credited against this order's goods.
    #[serde(default)]
    pub exchange: Option<Exchange>,
    /// The member (会员) attached to the sale (none in records of tills before members).
    #[serde(default)]
    pub member: Option<Box<OrderMember>>,
    /// A top-up of a member's stored value: the order sells no goods (not a sale).
    #[serde(default)]
    pub top_up: Option<Box<OrderTopUp>>,
}

/// The member on a sale: the number, and the points per whole yuan fixed when attached.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderMember {
    pub id: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub points_per_yuan: u32,
}

/// A top-up order: `paid` into `member`'s balance, `bonus` on top (fen).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderTopUp {
    pub member: String,
    pub paid: i64,
    #[serde(default)]
    pub bonus: i64,
}

/// The goods an exchange took back, what they were credited, why, and the supervisor who approved.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Exchange {
    pub returned: Vec<Line>,
    pub credit: i64,
    /// The till's reason code (`faulty`, `expired`, `wrong_item`, `changed_mind`, `other`).
    pub reason: String,
    pub approved_by: String,
    /// A receipted exchange (凭小票换货): the order the goods came from (none: without a receipt).
    #[serde(default)]
    pub from: Option<ExchangeFrom>,
}

/// The order a receipted exchange's goods came from; the difference refunded through its payment
/// is one of this order's refunds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExchangeFrom {
    /// The original order's number.
    pub number: String,
}

/// Why goods came back without a receipt, and the supervisor who approved it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Approved {
    pub reason: String,
    pub approved_by: String,
}

/// A promotion or discount an order was given: what took it off (`{"Promotion":{"id","name"}}`,
/// `{"Line":{"line","reason"}}` or `{"Order":{"reason"}}`), how much, and who gave it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Discount {
    pub source: serde_json::Value,
    pub amount: i64,
    #[serde(default)]
    pub operator: String,
    /// Each line's share, by line number (none in records of tills before them).
    #[serde(default)]
    pub shares: Vec<(usize, i64)>,
}

impl Discount {
    /// Why it was given: a promotion's name, or the cashier's reason code.
    pub fn reason(&self) -> String {
        let inner = self.source.as_object().and_then(|o| o.values().next());
        let field = |name: &str| inner.and_then(|v| v.get(name)).and_then(|v| v.as_str());
        field("name").or_else(|| field("reason")).unwrap_or_default().to_string()
    }

    /// The share of line `line`.
    pub fn share_of(&self, line: usize) -> i64 {
        self.shares.iter().filter(|(i, _)| *i == line).map(|(_, s)| *s).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Line {
    pub barcode: String,
    pub name: String,
    pub unit_price: i64,
    pub qty: u32,
}

impl Line {
    pub fn amount(&self) -> Option<i64> {
        self.unit_price.checked_mul(i64::from(self.qty))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum Tender {
    Cash { received: i64, change: i64 },
    Code { platform: Platform, out_trade_no: String, transaction_id: String },
    Mixed { parts: Vec<TenderPart> },
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum TenderPart {
    Cash {
        amount: i64,
        received: i64,
        change: i64,
    },
    Code {
        platform: Platform,
        amount: i64,
        out_trade_no: String,
        transaction_id: String,
    },
    /// Paid from a member's stored value (储值).
    StoredValue {
        member: String,
        amount: i64,
    },
    /// Paid with a member's points (积分抵现): not money taken.
    Points {
        member: String,
        points: i64,
        amount: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Platform {
    WeChat,
    Alipay,
}

/// How a payment was made, as the back office groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaymentKind {
    Cash,
    WeChat,
    Alipay,
    /// A member's stored value (储值): not money taken, a liability spent.
    StoredValue,
}

impl PaymentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Cash => "cash",
            PaymentKind::WeChat => "wechat",
            PaymentKind::Alipay => "alipay",
            PaymentKind::StoredValue => "stored_value",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentKind> {
        [PaymentKind::Cash, PaymentKind::WeChat, PaymentKind::Alipay, PaymentKind::StoredValue]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

impl From<Platform> for PaymentKind {
    fn from(p: Platform) -> PaymentKind {
        match p {
            Platform::WeChat => PaymentKind::WeChat,
            Platform::Alipay => PaymentKind::Alipay,
        }
    }
}

/// One payment of an order: its kind, amount (fen) and the platform's number where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub kind: PaymentKind,
    pub amount: i64,
    pub reference: Option<String>,
}

impl Order {
    /// The sum of the lines, `None` on overflow.
    /// What the customer paid: the lines less the discounts.
    /// What the customer paid: the lines less the discounts, less an exchange's credit (never
    /// below zero: a credit above the goods was given back as a refund of its own).
    pub fn total(&self) -> Option<i64> {
        let lines = self.lines.iter().try_fold(0i64, |sum, l| sum.checked_add(l.amount()?))?;
        let goods = self.discounts.iter().try_fold(lines, |sum, d| sum.checked_sub(d.amount))?;
        let credit = self.exchange.as_ref().map_or(0, |x| x.credit.clamp(0, goods.max(0)));
        goods.checked_sub(credit)
    }

    /// What was paid for line `line` (0-based): its amount less its share of every discount.
    pub fn line_net(&self, line: usize) -> Option<i64> {
        let amount = self.lines.get(line)?.amount()?;
        self.discounts.iter().try_fold(amount, |sum, d| sum.checked_sub(d.share_of(line)))
    }

    /// What paid it: a single tender pays the whole total. `None` when the total overflows.
    pub fn payments(&self) -> Option<Vec<Payment>> {
        let total = self.total()?;
        Some(match &self.tender {
            None => Vec::new(),
            Some(Tender::Cash { .. }) => vec![Payment { kind: PaymentKind::Cash, amount: total, reference: None }],
            Some(Tender::Code { platform, out_trade_no, .. }) => {
                vec![Payment { kind: (*platform).into(), amount: total, reference: Some(out_trade_no.clone()) }]
            }
            Some(Tender::Mixed { parts }) => parts
                .iter()
                .filter_map(|p| match p {
                    TenderPart::Cash { amount, .. } => {
                        Some(Payment { kind: PaymentKind::Cash, amount: *amount, reference: None })
                    }
                    TenderPart::Code { platform, amount, out_trade_no, .. } => Some(Payment {
                        kind: (*platform).into(),
                        amount: *amount,
                        reference: Some(out_trade_no.clone()),
                    }),
                    // Not money taken: the member's stored value ([`Order::stored_value_paid`]).
                    TenderPart::StoredValue { .. } => None,
                    // Not money taken: the member's points ([`Order::points_paid`]).
                    TenderPart::Points { .. } => None,
                })
                .collect(),
        })
    }

    /// What members' points (积分抵现) paid of the order (not in [`Order::payments`]).
    pub fn points_paid(&self) -> i64 {
        match &self.tender {
            Some(Tender::Mixed { parts }) => parts
                .iter()
                .map(|p| if let TenderPart::Points { amount, .. } = p { *amount } else { 0 })
                .fold(0i64, i64::saturating_add),
            _ => 0,
        }
    }

    /// What members' stored value (储值) paid of the order (not in [`Order::payments`]).
    pub fn stored_value_paid(&self) -> i64 {
        match &self.tender {
            Some(Tender::Mixed { parts }) => parts
                .iter()
                .map(|p| if let TenderPart::StoredValue { amount, .. } = p { *amount } else { 0 })
                .fold(0i64, i64::saturating_add),
            _ => 0,
        }
    }
}

/// A refund whose outcome is final: `{"kind":"refund","key":"refund:<no>","seq":n,
/// "order_number":…,"order_id":…,"refund":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RefundRecord {
    pub key: String,
    pub seq: u64,
    pub order_number: String,
    pub refund: Refund,
    /// A return without a receipt: why, and who approved it.
    #[serde(default)]
    pub no_receipt: Option<Approved>,
    /// A refund of another till's order (looked up through the office): that till's device id.
    /// None: the order is the sending till's own.
    #[serde(default)]
    pub of_device: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Refund {
    pub out_refund_no: String,
    pub amount: i64,
    pub requested_at: i64,
    pub operator: String,
    /// `"Refunded"`, or `{"Failed":{"reason":…}}`, as the till's refund state.
    pub state: serde_json::Value,
    #[serde(default)]
    pub cash: bool,
}

impl Refund {
    /// Money went back to the customer.
    pub fn refunded(&self) -> bool {
        self.state.as_str() == Some("Refunded")
    }
}

/// A closed day: `{"kind":"zreport","key":"zreport:<n>","seq":n,"zreport":{"number":…,
/// "closed_at":…,"report":{…}}}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ZReportRecord {
    pub key: String,
    pub seq: u64,
    pub zreport: ZReport,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ZReport {
    pub number: u32,
    pub closed_at: i64,
    /// The till's report as it printed it, kept whole.
    pub report: serde_json::Value,
}

/// A goods-in or stock-count sheet applied: `{"kind":"stock","key":"stock:<number>","seq":n,
/// "sheet":{"number":…,"kind":"goods_in"|"count","applied_at":…,"lines":[…],"deltas":[…]}}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StockRecord {
    pub key: String,
    pub seq: u64,
    pub sheet: StockSheet,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StockSheet {
    pub number: String,
    pub kind: String,
    pub applied_at: Option<i64>,
    /// Barcode → the change applied to its count (received, or the count's variance).
    #[serde(default)]
    pub deltas: Vec<(String, i64)>,
}

/// A member created or edited at the till: `{"kind":"member","key":"member:<id>:<changed_at>",
/// "seq":n,"member":{"id":…,"name":…,"phone":"138****5678","card":…,"level":…,"new":…,
/// "changed_at":…}}`. The phone is masked: the office never receives a member's whole number (a
/// hash of one would not hide it — 10^10 numbers hash in minutes).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MemberRecord {
    pub key: String,
    pub seq: u64,
    pub member: MemberChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MemberChange {
    pub id: String,
    pub name: String,
    /// Masked: `138****5678`.
    pub phone: String,
    #[serde(default)]
    pub card: String,
    #[serde(default)]
    pub level: String,
    /// Created (else edited).
    #[serde(default)]
    pub new: bool,
    /// Unix milliseconds, the till's clock.
    pub changed_at: i64,
}

/// A payment attempt the till has no definite answer for (key `doubt:<out_trade_no>`), or, once
/// it has one, its resolution (key `doubt-resolved:<out_trade_no>`): `{"kind":"doubt","key":…,
/// "seq":n,"order_number":…,"at":ms,"attempt":{"out_trade_no","platform","amount","started_at",
/// "state"}}`. Only what the till knows: the back office shows it, never acts on it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DoubtRecord {
    pub key: String,
    pub seq: u64,
    /// The order's number, or the attempt's own while the order has none.
    pub order_number: String,
    /// When the till recorded this (unix milliseconds, the till's clock).
    pub at: i64,
    pub attempt: DoubtAttempt,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DoubtAttempt {
    pub out_trade_no: String,
    pub platform: Platform,
    pub amount: i64,
    pub started_at: i64,
    /// The till's attempt state: `{"Unknown":{"reason":…}}`, `{"Cancelling":{"reason":…}}` (in
    /// doubt), `{"Paid":{…}}`, `{"Failed":{"reason":…}}` or `"Cancelled"` (resolved).
    pub state: serde_json::Value,
}

impl DoubtAttempt {
    /// How it ended: `paid`, `failed` or `cancelled`; `None` while still in doubt.
    pub fn outcome(&self) -> Option<&'static str> {
        let name =
            self.state.as_str().or_else(|| self.state.as_object().and_then(|o| o.keys().next().map(String::as_str)));
        match name {
            Some("Paid") => Some("paid"),
            Some("Failed") => Some("failed"),
            Some("Cancelled") => Some("cancelled"),
            _ => None,
        }
    }

    /// The reason the till gave (why in doubt, or why it failed); empty when none.
    pub fn reason(&self) -> String {
        let inner = self.state.as_object().and_then(|o| o.values().next());
        inner.and_then(|v| v.get("reason")).and_then(|v| v.as_str()).unwrap_or_default().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mixed_order_pays_by_its_parts_and_a_single_tender_by_its_total() {
        let body = r#"{"kind":"order","key":"order:N1","seq":3,"order":{"id":7,"opened_at":1,"closed_at":2,
            "operator":"01","number":"N1","status":"Paid","attempts":[],"refunds":[],
            "lines":[{"barcode":"6900138600889","name":"Cola","unit_price":350,"qty":2}],
            "tender":{"Mixed":{"parts":[{"Cash":{"amount":200,"received":200,"change":0}},
              {"Code":{"platform":"WeChat","amount":500,"out_trade_no":"W1","transaction_id":"T1"}}]}}}}"#;
        let Ok(Record::Order(r)) = Record::read(RecordKind::Order, body) else { unreachable!("an order") };
        assert_eq!((r.seq, r.order.total()), (3, Some(700)));
        let paid: Vec<(PaymentKind, i64)> =
            r.order.payments().unwrap_or_default().iter().map(|p| (p.kind, p.amount)).collect();
        assert_eq!(paid, [(PaymentKind::Cash, 200), (PaymentKind::WeChat, 500)]);
        let cash = r#"{"kind":"order","key":"order:N2","seq":4,"order":{"id":8,"opened_at":1,"closed_at":2,
            "operator":"01","number":"N2","lines":[{"barcode":"","name":"x","unit_price":350,"qty":1}],
            "tender":{"Cash":{"received":500,"change":150}}}}"#;
        let Ok(Record::Order(r)) = Record::read(RecordKind::Order, cash) else { unreachable!("an order") };
        assert_eq!(r.order.payments().map(|p| p.len()), Some(1));
        assert_eq!(r.order.payments().unwrap_or_default()[0].amount, 350);
    }

    #[test]
    fn a_discounted_order_is_paid_its_net() {
        let body = r#"{"kind":"order","key":"order:N3","seq":5,"order":{"id":9,"opened_at":1,"closed_at":2,
            "operator":"01","number":"N3","lines":[{"barcode":"","name":"x","unit_price":1150,"qty":1}],
            "tender":{"Code":{"platform":"WeChat","out_trade_no":"W3","transaction_id":"T3"}},
            "discounts":[{"source":{"Order":{"reason":"regular"}},"amount":150,"shares":[[0,150]],"operator":"02",
              "change":{"AmountOff":150}}]}}"#;
        let Ok(Record::Order(r)) = Record::read(RecordKind::Order, body) else { unreachable!("an order") };
        assert_eq!(r.order.total(), Some(1000));
        assert_eq!(r.order.payments().unwrap_or_default()[0].amount, 1000);
        assert_eq!((r.order.discounts[0].amount, r.order.discounts[0].operator.as_str()), (150, "02"));
        // Per line: the original amount, each discount with its reason, the net.
        let d = &r.order.discounts[0];
        assert_eq!((d.reason(), d.share_of(0), r.order.line_net(0)), ("regular".to_string(), 150, Some(1000)));
    }

    #[test]
    fn a_payment_in_doubt_reads_open_and_its_resolution_with_the_outcome() {
        let body = |key: &str, state: &str| {
            format!(
                r#"{{"kind":"doubt","key":"{key}","seq":4,"order_number":"W9","at":5000,
                "attempt":{{"out_trade_no":"W9","platform":"Alipay","amount":1250,"started_at":4000,"state":{state}}}}}"#
            )
        };
        let read = |key: &str, state: &str| match Record::read(RecordKind::Doubt, &body(key, state)) {
            Ok(Record::Doubt(r)) => r,
            other => unreachable!("{other:?}"),
        };
        let open = read("doubt:W9", r#"{"Unknown":{"reason":"timeout"}}"#);
        assert_eq!(
            (open.attempt.outcome(), open.attempt.reason(), open.attempt.amount),
            (None, "timeout".into(), 1250)
        );
        assert_eq!(read("doubt:W9", r#"{"Cancelling":{"reason":"late"}}"#).attempt.outcome(), None);
        assert_eq!(read("doubt-resolved:W9", r#"{"Paid":{"transaction_id":"T"}}"#).attempt.outcome(), Some("paid"));
        assert_eq!(read("doubt-resolved:W9", r#""Cancelled""#).attempt.outcome(), Some("cancelled"));
    }

    #[test]
    fn a_refund_counts_only_once_refunded() {
        let body = |state: &str| {
            format!(
                r#"{{"kind":"refund","key":"refund:R1","seq":5,"order_number":"N1","order_id":7,
                "refund":{{"out_refund_no":"R1","amount":100,"total":700,"refunded_before":0,"requested_at":9,
                "operator":"01","state":{state},"refund_id":null,"queries":0}}}}"#
            )
        };
        let read = |state| match Record::read(RecordKind::Refund, &body(state)) {
            Ok(Record::Refund(r)) => r.refund.refunded(),
            other => unreachable!("{other:?}"),
        };
        assert!(read("\"Refunded\""));
        assert!(!read(r#"{"Failed":{"reason":"no"}}"#));
    }

    #[test]
    fn a_member_record_reads_with_its_phone_masked() {
        let body = r#"{"kind":"member","key":"member:M011796680800:1796680800000","seq":4,
            "member":{"id":"M011796680800","name":"李四","phone":"139****5678","card":"VIP0002","level":"金卡",
            "new":true,"changed_at":1796680800000}}"#;
        let Ok(Record::Member(r)) = Record::read(RecordKind::Member, body) else { unreachable!("a member") };
        assert_eq!((r.seq, r.member.phone.as_str(), r.member.new), (4, "139****5678", true));
    }
}

/// A member's stored-value ledger entry (储值):
/// `{"kind":"stored_value","key":"stored_value:<member>:<entry key>","seq":n,"entry":{…},"balance":fen}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StoredValueRecord {
    pub key: String,
    pub seq: u64,
    pub entry: StoredValueEntry,
    /// The member's balance after the entry, as the till keeps it.
    pub balance: i64,
    #[serde(default)]
    pub order_number: Option<String>,
}

/// One entry: `kind` is `top_up`, `bonus`, `spend` or `refund`; `amount` is positive fen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StoredValueEntry {
    pub key: String,
    pub member: String,
    pub kind: String,
    pub amount: i64,
    pub order: u64,
    pub at: i64,
}
