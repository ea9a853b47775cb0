//! A shift at the cash drawer: the opening float, cash paid in and out with a reason, and the
//! cash-up at its close — expected cash against the counted cash, the difference with a note.

use crate::core::clock::Millis;
use crate::core::money::Fen;
use serde::{Deserialize, Serialize};

/// Cash put into or taken out of the drawer outside a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Movement {
    /// Change added to the drawer.
    PayIn,
    /// Cash taken out (a supplier paid, a bank drop).
    PayOut,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashMovement {
    pub at: Millis,
    pub kind: Movement,
    pub amount: Fen,
    pub reason: String,
    pub operator: String,
}

/// The cash sales and cash refunds of a shift, from its orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CashFlow {
    pub sales: Fen,
    pub refunds: Fen,
}

/// The count at the close of a shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashUp {
    pub at: Millis,
    pub flow: CashFlow,
    pub pay_ins: Fen,
    pub pay_outs: Fen,
    pub expected: Fen,
    pub counted: Fen,
    /// Counted less expected: negative when cash is missing.
    pub difference: Fen,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    /// 1, 2, 3, … on this till.
    pub id: u64,
    /// Whose drawer it is: sales and refunds of this operator count toward it.
    pub operator: String,
    pub opened_at: Millis,
    /// The change the drawer started with.
    pub float: Fen,
    #[serde(default)]
    pub movements: Vec<CashMovement>,
    /// Set when the shift is closed.
    #[serde(default)]
    pub close: Option<CashUp>,
}

impl Shift {
    pub fn open(id: u64, operator: &str, at: Millis, float: Fen) -> Shift {
        Shift { id, operator: operator.to_string(), opened_at: at, float, movements: Vec::new(), close: None }
    }

    fn moved(&self, kind: Movement) -> Fen {
        self.movements.iter().filter(|m| m.kind == kind).map(|m| m.amount).sum()
    }

    pub fn pay_ins(&self) -> Fen {
        self.moved(Movement::PayIn)
    }

    pub fn pay_outs(&self) -> Fen {
        self.moved(Movement::PayOut)
    }

    /// What the drawer should hold: float + cash sales − cash refunds + pay-ins − pay-outs.
    pub fn expected(&self, flow: CashFlow) -> Fen {
        self.float + flow.sales - flow.refunds + self.pay_ins() - self.pay_outs()
    }

    /// Closes the shift with the counted cash; the difference is counted − expected.
    pub fn close_with(&mut self, at: Millis, flow: CashFlow, counted: Fen, note: &str) -> &CashUp {
        let expected = self.expected(flow);
        self.close.insert(CashUp {
            at,
            flow,
            pay_ins: self.pay_ins(),
            pay_outs: self.pay_outs(),
            expected,
            counted,
            difference: counted - expected,
            note: note.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(kind: Movement, fen: i64) -> CashMovement {
        CashMovement { at: Millis(5), kind, amount: Fen(fen), reason: "找零".into(), operator: "01".into() }
    }

    #[test]
    fn expected_cash_is_float_plus_sales_less_refunds_plus_ins_less_outs() {
        let mut s = Shift::open(1, "01", Millis(0), Fen(20_000));
        s.movements.push(moved(Movement::PayIn, 5_000));
        s.movements.push(moved(Movement::PayOut, 1_250));
        s.movements.push(moved(Movement::PayOut, 750));
        let flow = CashFlow { sales: Fen(31_415), refunds: Fen(1_000) };
        assert_eq!(s.expected(flow), Fen(20_000 + 31_415 - 1_000 + 5_000 - 2_000));
        let up = s.close_with(Millis(9), flow, Fen(53_000), "少了一张十元").clone();
        assert_eq!(up.expected, Fen(53_415));
        assert_eq!(up.difference, Fen(-415));
        assert_eq!((up.pay_ins, up.pay_outs), (Fen(5_000), Fen(2_000)));
        assert_eq!(s.close.as_ref().map(|c| c.note.as_str()), Some("少了一张十元"));
    }

    #[test]
    fn a_shift_record_reads_back_from_json() {
        let mut s = Shift::open(7, "02", Millis(1), Fen(100));
        s.movements.push(moved(Movement::PayIn, 1));
        let json = serde_json::to_string(&s).expect("json");
        assert!(json.contains("\"payin\""), "{json}");
        assert_eq!(serde_json::from_str::<Shift>(&json).expect("back"), s);
    }
}
