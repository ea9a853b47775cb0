//! Training mode's payments (`core::training`): a [`Gateway`] that sends every call for a training
//! number ([`is_training_number`]) to the built-in Cloud Pay simulator started beside the till
//! (`cli/run.rs`), and every other call to the shop's platform. So a trainee's payment code never
//! reaches the real platform, and a real payment still in doubt is followed there while the till
//! is in training. Routing by number, not by a switch, also sends a training payment's late
//! answers to the simulator after training has ended.

use super::Gateway;
use crate::core::configure::{ConfigChange, Merchant};
use crate::core::training::is_training_number;
use crate::core::{
    CancelCall, CancelVerdict, LookupCall, LookupVerdict, PayCall, QrCall, QrVerdict, QueryCall, RefundCall,
    RefundVerdict, SetupFailure, SetupInfo, Verdict,
};

/// The shop's platform, and the simulator training numbers go to (none: training payments fail).
pub struct WithTraining<G, T> {
    pub real: G,
    pub training: Option<T>,
}

const NO_SIMULATOR: &str = "not sent: the training simulator is not running";

macro_rules! route {
    ($self:ident, $number:expr, $call:ident, $method:ident, $none:expr) => {
        if is_training_number($number) {
            match &$self.training {
                Some(t) => t.$method($call).await,
                None => $none,
            }
        } else {
            $self.real.$method($call).await
        }
    };
}

impl<G: Gateway, T: Gateway> Gateway for WithTraining<G, T> {
    async fn micro_pay(&self, call: &PayCall) -> Verdict {
        route!(self, &call.out_trade_no, call, micro_pay, Verdict::Failed { reason: NO_SIMULATOR.into() })
    }

    async fn query(&self, call: &QueryCall) -> Verdict {
        route!(self, &call.out_trade_no, call, query, Verdict::Failed { reason: NO_SIMULATOR.into() })
    }

    async fn cancel(&self, call: &CancelCall) -> CancelVerdict {
        route!(self, &call.out_trade_no, call, cancel, CancelVerdict::Unsupported)
    }

    async fn lookup(&self, call: &LookupCall) -> LookupVerdict {
        route!(self, &call.out_trade_no, call, lookup, LookupVerdict::Unknown { reason: NO_SIMULATOR.into() })
    }

    async fn refund(&self, call: &RefundCall) -> RefundVerdict {
        route!(self, &call.out_trade_no, call, refund, RefundVerdict::Failed { reason: NO_SIMULATOR.into() })
    }

    async fn query_refund(&self, call: &RefundCall) -> RefundVerdict {
        route!(self, &call.out_trade_no, call, query_refund, RefundVerdict::Failed { reason: NO_SIMULATOR.into() })
    }

    fn describe(&self) -> String {
        self.real.describe()
    }

    async fn reachable(&self) -> bool {
        self.real.reachable().await
    }

    async fn clock(&self) -> Option<i64> {
        self.real.clock().await
    }

    fn take_slip(&self, number: &str) -> Option<Vec<u8>> {
        match is_training_number(number) {
            true => None,
            false => self.real.take_slip(number),
        }
    }

    fn insecure_link(&self) -> Option<String> {
        self.real.insecure_link()
    }

    async fn read_setup(&self, code: &str) -> Result<ConfigChange, SetupFailure> {
        self.real.read_setup(code).await
    }

    async fn apply_setup(&self, merchant: &Merchant) -> Result<SetupInfo, SetupFailure> {
        self.real.apply_setup(merchant).await
    }

    async fn scan_code_pay(&self, call: &QrCall) -> QrVerdict {
        route!(self, &call.out_trade_no, call, scan_code_pay, QrVerdict::Failed { reason: NO_SIMULATOR.into() })
    }

    async fn close_order(&self, call: &CancelCall) -> CancelVerdict {
        route!(self, &call.out_trade_no, call, close_order, CancelVerdict::Unsupported)
    }

    async fn reprint(&self, transaction_id: &str) -> Option<Vec<u8>> {
        self.real.reprint(transaction_id).await
    }
}
